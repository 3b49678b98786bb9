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
use shared::api::quiz::{AttemptQuestion, AttemptView, QuizKind, SaveAnswer, SavedAnswer};
use shared::grading::{Answer, QuestionKind};

use crate::answers::{
    blank_text, is_answered, is_chosen, letter, question_kind_key, quiz_kind_key, resume_index,
    tap, type_blank, unanswered,
};
use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{error_text, review_html, Fetch, Page, Review, Spinner};
use crate::format::{clock, percent};
use crate::html::{bar, button_link, el, Html};
use crate::i18n::{t, tf, K};

#[component]
pub fn Attempt(id: i64) -> impl IntoView {
    let loaded = Fetch::new(move || api::attempt_url(id));
    // The graded attempt, once the runner has submitted it.
    let done = RwSignal::new(None::<AttemptView>);
    let on_done = Callback::new(move |a: AttemptView| {
        browser::scroll_to_top();
        done.set(Some(a));
    });
    view! {
        <Page class="attempt" title=K::QuizzesTitle back=Some("/quizzes")>
            {move || {
                if let Some(a) = done.get() {
                    return view! { <Html html=result_html(&a)/> }.into_any();
                }
                loaded
                    .show(
                        5,
                        move |a: AttemptView| {
                            if a.submitted {
                                view! { <Html html=result_html(&a)/> }.into_any()
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
) -> Result<Option<SavedAnswer>, ApiError> {
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
fn Runner(a: AttemptView, on_done: Callback<AttemptView>) -> impl IntoView {
    let id = a.id;
    let challenge = a.kind == QuizKind::Challenge;
    let index = RwSignal::new(resume_index(&a.questions));
    let saved = RwSignal::new(
        a.questions
            .iter()
            .map(|q| q.answer.clone())
            .collect::<Vec<_>>(),
    );
    let drafts = RwSignal::new(saved.get_untracked());
    let questions = RwSignal::new(a.questions);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let cheer = RwSignal::new(false);

    // The countdown runs on the server's clock: the device's clock may be off.
    let offset = a.server_now - browser::now_ms();
    let now = RwSignal::new(browser::now_ms());
    let timer = a.deadline_at.and_then(|_| {
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
    let remaining = move || a.deadline_at.map(|d| d - (now.get() + offset));

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
            match (m, reply) {
                // The run is over (a wrong answer, or no questions left): it is graded.
                (_, Some(SavedAnswer { finished: true, .. })) => match api::attempt(id).await {
                    Ok(v) => on_done.run(v),
                    Err(e) => {
                        error.try_set(Some(error_text(&e)));
                        busy.try_set(false);
                    }
                },
                (_, Some(SavedAnswer { next: Some(q), .. })) => {
                    questions.update(|qs| qs.push(q));
                    saved.update(|s| s.push(None));
                    drafts.update(|d| d.push(None));
                    index.set(i + 1);
                    cheer.set(true);
                    busy.set(false);
                }
                (Move::Submit, _) => finish(),
                (Move::Next, _) => {
                    index.set((i + 1).min(count - 1));
                    busy.set(false);
                }
                (Move::Back, _) => {
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
    let title = a.quiz_title.clone();
    let progress = move || percent(index.get() as i64 + 1, total() as i64);
    let is_last = move || !challenge && index.get() + 1 >= total();
    let can_go = move || !challenge || drafts.with(|d| is_answered(d[index.get()].as_ref()));

    view! {
        <section class="runner">
            <div class="runner-head">
                <span class="badge">{t(quiz_kind_key(a.kind))}</span>
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

/// The graded attempt: score, pass or fail, and every question with its explanation.
pub fn result_html(a: &AttemptView) -> String {
    let Some(r) = &a.result else {
        return String::new();
    };
    let headline = if a.kind == QuizKind::Challenge {
        tf(K::ChallengeRun, &[("n", &r.correct_count.to_string())])
    } else {
        tf(K::ResultScore, &[("n", &r.score_percent.to_string())])
    };
    let mut h = String::from(r#"<section class="card result-card">"#);
    let kind = t(quiz_kind_key(a.kind));
    let what = if a.quiz_title == kind {
        a.quiz_title.clone()
    } else {
        format!("{} · {kind}", a.quiz_title)
    };
    h += &el("p", "muted small", &what);
    h += &el("p", "score", &headline);
    h += &el(
        "p",
        "score-detail",
        &tf(
            K::ResultCorrect,
            &[
                ("correct", &r.correct_count.to_string()),
                ("total", &r.question_count.to_string()),
            ],
        ),
    );
    if let Some(p) = r.passed {
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
    if !r.revealed {
        h += &el("p", "banner info", t(K::ResultHidden));
    }
    for (n, q) in r.questions.iter().enumerate() {
        h += &review_html(&Review {
            number: n + 1,
            kind: Some(q.kind),
            stem: &q.stem,
            options: &q.options,
            answer: q.answer.as_ref(),
            key: q.key.as_ref(),
            correct: Some(q.correct),
            explanation: q.explanation.as_deref(),
            source: q.source.as_deref(),
            footer: None,
        });
    }
    h += r#"<nav class="lesson-nav">"#;
    if r.questions.iter().any(|q| !q.correct) {
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
}
