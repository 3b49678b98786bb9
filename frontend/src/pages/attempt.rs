//! `/attempts/{id}`: taking a quiz, one question per screen, then its result.
//!
//! Answers are saved one by one as the member moves on, so a reload or a dropped
//! connection resumes at the first open question. A countdown runs where the quiz has a
//! time limit (on the server's clock) and submits when it reaches zero. A challenge is
//! graded answer by answer: the server sends the next question or ends the run. Once
//! submitted, the page shows the graded result with explanations and sources.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::api::quiz::{AttemptQuestion, QuizKind, SaveAnswer};
use shared::grading::{Answer, QuestionKind};

use crate::answers::{
    answer_of, blank_text, is_answered, is_chosen, letter, question_kind, question_kind_key,
    question_of, quiz_kind_key, resume_index, tap, type_blank, unanswered,
};
use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{error_text, review_html, Fetch, Page, Review, Reviews, Spinner};
use crate::format::{clock, percent};
use crate::html::{bar, button_link, el, Html};
use crate::i18n::{t, tf, K};
use crate::json::{b, i as int, list, obj, opt_s, s as text, strings};

#[component]
pub fn Attempt(id: i64) -> impl IntoView {
    let loaded = Fetch::new(move || api::attempt_url(id));
    // The graded attempt, once the runner has submitted it.
    let done = RwSignal::new(None::<Value>);
    let on_done = Callback::new(move |a: Value| {
        browser::scroll_to_top();
        done.set(Some(a));
    });
    view! {
        <Page class="attempt" title=K::QuizzesTitle back=Some("/quizzes")>
            {move || {
                if let Some(a) = done.get() {
                    return view! { <Reviews html=result_html(&a)/> }.into_any();
                }
                loaded
                    .show(
                        5,
                        move |a: Value| {
                            if b(&a, "submitted") {
                                view! { <Reviews html=result_html(&a)/> }.into_any()
                            } else {
                                view! { <Runner a=a on_done=on_done/> }.into_any()
                            }
                        },
                    )()
            }}
        </Page>
    }
}

/// Saves the answer at `position` unless it is empty or already saved.
async fn save_if_changed(
    id: i64,
    position: i64,
    draft: Option<Answer>,
    saved: Option<Answer>,
) -> Result<Option<Value>, ApiError> {
    match draft {
        Some(answer) if draft_differs(Some(&answer), saved.as_ref()) => {
            api::save_answer(id, position, &SaveAnswer { answer })
                .await
                .map(Some)
        }
        _ => Ok(None),
    }
}

/// Whether a draft needs saving: it says something and differs from what was saved.
pub fn draft_differs(draft: Option<&Answer>, saved: Option<&Answer>) -> bool {
    is_answered(draft) && draft != saved
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Back,
    Next,
    Submit,
}

#[component]
fn Runner(a: Value, on_done: Callback<Value>) -> impl IntoView {
    let id = int(&a, "id");
    let kind = quiz_kind(&a);
    let challenge = kind == QuizKind::Challenge;
    let deadline_at = obj(&a, "deadline_at").and_then(Value::as_i64);
    let all: Vec<AttemptQuestion> = list(&a, "questions").iter().map(question_of).collect();
    let index = RwSignal::new(resume_index(&all));
    let saved = RwSignal::new(all.iter().map(|q| q.answer.clone()).collect::<Vec<_>>());
    let drafts = RwSignal::new(saved.get_untracked());
    let questions = RwSignal::new(all);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let cheer = RwSignal::new(false);

    // The countdown runs on the server's clock: the device's clock may be off.
    let offset = int(&a, "server_now") - browser::now_ms();
    let now = RwSignal::new(browser::now_ms());
    let timer = deadline_at.and_then(|_| {
        set_interval_with_handle(
            move || now.set(browser::now_ms()),
            Duration::from_millis(500),
        )
        .ok()
    });
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    let remaining = move || deadline_at.map(|d| d - (now.get() + offset));

    let finish = move || {
        spawn_local(async move {
            match api::submit_attempt(id).await {
                Ok(v) => on_done.run(v),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    busy.try_set(false);
                }
            }
        });
    };
    // Time up: what was saved in time is graded.
    let timed_out = RwSignal::new(false);
    Effect::new(move |_| {
        if remaining().is_some_and(|r| r <= 0) && !timed_out.get_untracked() {
            timed_out.set(true);
            busy.set(true);
            finish();
        }
    });

    let go = move |m: Move| {
        if busy.get_untracked() {
            return;
        }
        let i = index.get_untracked();
        let count = questions.with_untracked(Vec::len);
        if m == Move::Submit && !challenge {
            let mut answers = drafts.get_untracked();
            answers.truncate(count);
            let open = unanswered(&answers);
            let ask = if open > 0 {
                tf(K::AnswerConfirmUnanswered, &[("n", &open.to_string())])
            } else {
                t(K::AnswerConfirm).to_string()
            };
            if !browser::confirm(&ask) {
                return;
            }
        }
        let position = questions.with_untracked(|qs| qs[i].position);
        let draft = drafts.with_untracked(|d| d[i].clone());
        let before = saved.with_untracked(|s| s[i].clone());
        busy.set(true);
        error.set(None);
        cheer.set(false);
        spawn_local(async move {
            let result = save_if_changed(id, position, draft.clone(), before).await;
            let reply = match result {
                Ok(r) => r,
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    busy.try_set(false);
                    return;
                }
            };
            if reply.is_some() {
                saved.update(|s| s[i] = draft);
            }
            let finished = reply.as_ref().is_some_and(|r| b(r, "finished"));
            let next = reply.as_ref().and_then(|r| obj(r, "next")).map(question_of);
            match (m, finished, next) {
                // The run is over (a wrong answer, or no questions left): it is graded.
                (_, true, _) => match api::attempt(id).await {
                    Ok(v) => on_done.run(v),
                    Err(e) => {
                        error.try_set(Some(error_text(&e)));
                        busy.try_set(false);
                    }
                },
                (_, _, Some(q)) => {
                    questions.update(|qs| qs.push(q));
                    saved.update(|s| s.push(None));
                    drafts.update(|d| d.push(None));
                    index.set(i + 1);
                    cheer.set(true);
                    busy.set(false);
                }
                (Move::Submit, ..) => finish(),
                (Move::Next, ..) => {
                    index.set((i + 1).min(count - 1));
                    busy.set(false);
                }
                (Move::Back, ..) => {
                    index.set(i.saturating_sub(1));
                    busy.set(false);
                }
            }
        });
    };

    let total = move || questions.with(Vec::len);
    let head = move || {
        if challenge {
            tf(K::ChallengeRun, &[("n", &index.get().to_string())])
        } else {
            tf(
                K::AttemptProgress,
                &[
                    ("n", &(index.get() + 1).to_string()),
                    ("total", &total().to_string()),
                ],
            )
        }
    };
    let title = text(&a, "quiz_title").to_string();
    let progress = move || percent(index.get() as i64 + 1, total() as i64);
    let is_last = move || !challenge && index.get() + 1 >= total();
    let can_go = move || !challenge || drafts.with(|d| is_answered(d[index.get()].as_ref()));

    view! {
        <section class="runner">
            <div class="runner-head">
                <span class="badge">{t(quiz_kind_key(kind))}</span>
                <span class="runner-count">{head}</span>
                {move || {
                    remaining()
                        .map(|r| {
                            view! {
                                <span class=if r < 60_000 { "countdown urgent" } else { "countdown" } role="timer">
                                    {tf(K::AnswerTimeLeft, &[("time", &clock(r))])}
                                </span>
                            }
                        })
                }}
            </div>
            {(!challenge).then_some(move || view! { <Html html=bar(progress(), &title)/> })}
            {move || cheer.get().then(|| view! { <p class="banner success">{t(K::AnswerRight)}</p> })}
            {move || timed_out.get().then(|| view! { <p class="banner info">{t(K::AnswerTimeUp)}</p> })}
            {move || {
                let i = index.get();
                questions.with(|qs| qs.get(i).cloned()).map(|q| view! { <QuestionScreen q=q i=i drafts=drafts/> })
            }}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="runner-actions">
                {(!challenge)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-outline"
                                id="answer-prev"
                                disabled=move || busy.get() || index.get() == 0
                                on:click=move |_| go(Move::Back)
                            >
                                {t(K::AnswerPrev)}
                            </button>
                        }
                    })}
                <button
                    type="button"
                    class="btn btn-primary"
                    id="answer-next"
                    disabled=move || busy.get() || !can_go()
                    on:click=move |_| go(if is_last() { Move::Submit } else { Move::Next })
                >
                    {move || busy.get().then(|| view! { <Spinner/> })}
                    {move || t(if is_last() { K::AnswerSubmit } else { K::AnswerNext })}
                </button>
            </div>
        </section>
    }
}

/// One question: its stem and big answer targets (options, true/false, blanks).
#[component]
fn QuestionScreen(
    q: AttemptQuestion,
    i: usize,
    drafts: RwSignal<Vec<Option<Answer>>>,
) -> impl IntoView {
    let kind = q.kind;
    let choices: Vec<String> = match kind {
        QuestionKind::TrueFalse => vec![t(K::True).into(), t(K::False).into()],
        _ => q.options,
    };
    let current = move || drafts.with(|d| d[i].clone());
    let body = if kind == QuestionKind::FillIn {
        let blanks = q.blanks.max(1) as usize;
        (0..blanks)
            .map(|b| {
                let value = blank_text(current().as_ref(), b);
                view! {
                    <label class="field blank">
                        <span class="label">{tf(K::BlankN, &[("n", &(b + 1).to_string())])}</span>
                        <input
                            class="input"
                            type="text"
                            maxlength="200"
                            autocomplete="off"
                            prop:value=value
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                drafts.update(|d| d[i] = Some(type_blank(d[i].as_ref(), blanks, b, text)));
                            }
                        />
                    </label>
                }
            })
            .collect_view()
            .into_any()
    } else {
        let show_letters = kind != QuestionKind::TrueFalse;
        view! {
            <ul class="choices" role=if kind == QuestionKind::Multiple { "group" } else { "radiogroup" }>
                {choices
                    .into_iter()
                    .enumerate()
                    .map(|(o, text)| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="choice"
                                    aria-pressed=move || is_chosen(current().as_ref(), o).to_string()
                                    on:click=move |_| drafts.update(|d| d[i] = tap(kind, d[i].as_ref(), o))
                                >
                                    {show_letters.then(|| view! { <b class="choice-letter">{letter(o).to_string()}</b> })}
                                    <span>{text}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <article class="card question">
            <span class="badge muted-badge">{t(question_kind_key(kind))}</span>
            <p class="q-stem">{q.stem}</p>
            {body}
        </article>
    }
}

/// The quiz kind of an attempt (`AttemptView.kind`).
fn quiz_kind(a: &Value) -> QuizKind {
    QuizKind::parse(text(a, "kind")).unwrap_or(QuizKind::Practice)
}

/// The graded attempt (an `AttemptView` with its `result`): score, pass or fail, and every
/// question with its explanation.
pub fn result_html(a: &Value) -> String {
    let Some(r) = obj(a, "result") else {
        return String::new();
    };
    let kind = quiz_kind(a);
    let headline = if kind == QuizKind::Challenge {
        tf(
            K::ChallengeRun,
            &[("n", &int(r, "correct_count").to_string())],
        )
    } else {
        tf(
            K::ResultScore,
            &[("n", &int(r, "score_percent").to_string())],
        )
    };
    let mut h = String::from(r#"<section class="card result-card">"#);
    let kind_name = t(quiz_kind_key(kind));
    let title = text(a, "quiz_title");
    let what = if title == kind_name {
        title.to_string()
    } else {
        format!("{title} · {kind_name}")
    };
    h += &el("p", "muted small", &what);
    h += &el("p", "score", &headline);
    h += &el(
        "p",
        "score-detail",
        &tf(
            K::ResultCorrect,
            &[
                ("correct", &int(r, "correct_count").to_string()),
                ("total", &int(r, "question_count").to_string()),
            ],
        ),
    );
    if let Some(p) = obj(r, "passed").and_then(Value::as_bool) {
        h += &el(
            "span",
            if p {
                "badge ok-badge"
            } else {
                "badge fail-badge"
            },
            t(if p { K::ResultPassed } else { K::ResultFailed }),
        );
    }
    h += "</section>";
    if !b(r, "revealed") {
        h += &el("p", "banner info", t(K::ResultHidden));
    }
    let questions = list(r, "questions");
    // Absent until the quiz's reveal rule allows, like the key.
    let verdict = |q: &Value| obj(q, "correct").and_then(Value::as_bool);
    for (n, q) in questions.iter().enumerate() {
        let options = strings(q, "options");
        let answer = obj(q, "answer").and_then(answer_of);
        let key = obj(q, "key").and_then(answer_of);
        h += &review_html(&Review {
            number: n + 1,
            kind: question_kind(text(q, "kind")),
            stem: text(q, "stem"),
            options: &options,
            answer: answer.as_ref(),
            key: key.as_ref(),
            correct: verdict(q),
            explanation: opt_s(q, "explanation"),
            source: opt_s(q, "source"),
            footer: None,
            report: Some(int(q, "question_id")),
        });
    }
    h += r#"<nav class="lesson-nav">"#;
    if questions.iter().any(|q| verdict(q) == Some(false)) {
        h += &button_link("/mistakes", "btn-outline", "", t(K::ResultToMistakes));
    }
    h += &button_link("/quizzes", "btn-primary", "", t(K::ResultToQuizzes));
    h += "</nav>";
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_non_empty_drafts_are_saved() {
        let a = Answer::Single { option: 1 };
        let b = Answer::Single { option: 2 };
        assert!(draft_differs(Some(&a), None));
        assert!(draft_differs(Some(&a), Some(&b)));
        assert!(!draft_differs(Some(&a), Some(&a)));
        assert!(!draft_differs(None, Some(&a)));
        assert!(!draft_differs(
            Some(&Answer::Multiple { options: vec![] }),
            None
        ));
    }

    #[test]
    fn the_result_shows_score_verdicts_keys_and_explanations() {
        use shared::api::quiz::{AttemptResult, AttemptView, QuestionResult};
        let q = |position: i64, correct: bool| QuestionResult {
            position,
            question_id: 100 + position,
            kind: QuestionKind::Single,
            stem: format!("题目{position}"),
            options: vec!["甲".into(), "乙".into()],
            answer: (position == 0).then_some(Answer::Single { option: 1 }),
            correct: Some(correct),
            key: Some(Answer::Single { option: 1 }),
            explanation: Some("解析文字".into()),
            source: Some("第3条".into()),
        };
        let view = AttemptView {
            id: 9,
            quiz_id: 2,
            quiz_title: "期末考试".into(),
            kind: QuizKind::Exam,
            started_at: 0,
            deadline_at: None,
            server_now: 0,
            submitted: true,
            questions: vec![],
            result: Some(AttemptResult {
                correct_count: 1,
                question_count: 2,
                score_percent: 50,
                passed: Some(false),
                submitted_at: 0,
                revealed: true,
                questions: vec![q(0, true), q(1, false)],
            }),
        };
        let h = result_html(&serde_json::to_value(&view).unwrap());
        assert!(h.contains("期末考试"), "{h}");
        assert!(h.contains("50"), "{h}");
        assert!(h.contains("fail-badge"), "{h}");
        assert_eq!(h.matches(r#"<article class="card review">"#).count(), 2);
        assert_eq!(h.matches("解析文字").count(), 2);
        assert_eq!(h.matches("第3条").count(), 2);
        assert!(
            h.contains("/mistakes"),
            "a wrong answer links to the mistake book"
        );
    }

    #[test]
    fn a_result_not_yet_revealed_shows_no_verdict_key_or_explanation() {
        use shared::api::quiz::{AttemptResult, AttemptView, QuestionResult};
        let view = AttemptView {
            id: 9,
            quiz_id: 2,
            quiz_title: "期末考试".into(),
            kind: QuizKind::Exam,
            started_at: 0,
            deadline_at: None,
            server_now: 0,
            submitted: true,
            questions: vec![],
            result: Some(AttemptResult {
                correct_count: 0,
                question_count: 1,
                score_percent: 0,
                passed: Some(false),
                submitted_at: 0,
                revealed: false,
                questions: vec![QuestionResult {
                    position: 1,
                    question_id: 101,
                    kind: QuestionKind::TrueFalse,
                    stem: "题目".into(),
                    options: vec![],
                    answer: Some(Answer::TrueFalse { value: true }),
                    correct: None,
                    key: None,
                    explanation: None,
                    source: None,
                }],
            }),
        };
        let h = result_html(&serde_json::to_value(&view).unwrap());
        assert!(h.contains("答案与解析将在答题活动结束后公布"), "{h}");
        assert!(
            !h.contains("verdict"),
            "no right or wrong per question: {h}"
        );
        assert!(!h.contains("/mistakes"), "{h}");
    }
}
