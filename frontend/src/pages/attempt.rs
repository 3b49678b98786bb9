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
use shared::api::quiz::{
    AttemptQuestion, AttemptResult, AttemptView, QuizKind, SaveAnswer, SavedAnswer,
};
use shared::grading::{Answer, QuestionKind};

use crate::answers::{
    blank_text, is_answered, is_chosen, letter, question_kind_key, quiz_kind_key, resume_index,
    tap, type_blank, unanswered,
};
use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{error_text, load, show, Bar, Loaded, Page, Reviewed, Reviews, Spinner};
use crate::format::{clock, percent};
use crate::i18n::{t, tf, K};
use crate::offline;

#[component]
pub fn Attempt(id: i64) -> impl IntoView {
    let loaded = load(move || api::attempt_url(id));
    // The graded attempt, once the runner has submitted it.
    let done = RwSignal::new(None::<AttemptView>);
    let on_done = Callback::new(move |a: AttemptView| {
        browser::scroll_to_top();
        offline::forget_attempt(id);
        done.set(Some(a));
    });
    let page = show(move |a: AttemptView| {
        if a.submitted {
            offline::forget_attempt(id);
            view! { <Graded a/> }.into_any()
        } else {
            view! { <Runner a on_done/> }.into_any()
        }
    });
    view! {
        <Page class="attempt" title=K::QuizzesTitle back=Some("/quizzes")>
            {move || match done.get() {
                Some(a) => view! { <Graded a/> }.into_any(),
                None => view! { <Loaded data=loaded lines=5 ok=page.clone()/> }.into_any(),
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

/// Where the autosave of one question's answer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing to save (not answered yet, or answered before this visit).
    Idle,
    Saving,
    Saved,
    /// The last try did not reach the server; another follows.
    Retrying,
    /// The server refused it (time is up, already submitted): it will not be retried.
    Refused(String),
}

/// The line under a question saying where its answer stands.
pub fn save_state_text(s: &SaveState) -> Option<String> {
    match s {
        SaveState::Idle => None,
        SaveState::Saving => Some(t(K::Saving).into()),
        SaveState::Saved => Some(t(K::Saved).into()),
        SaveState::Retrying => Some(t(K::AnswerSaveRetrying).into()),
        SaveState::Refused(m) => Some(m.clone()),
    }
}

/// Whether a failed save is worth trying again: it never arrived, or the server was
/// momentarily unable (5xx, 429); a refusal (4xx) is final.
pub fn retryable(e: &ApiError) -> bool {
    e.status == 0 || e.status >= 500 || e.status == 429
}

/// How long to wait before the `n`th retry (1-based): 2 s, 4 s, 8 s, then every 15 s.
pub fn retry_delay_ms(n: u32) -> u64 {
    (2_000u64 << n.saturating_sub(1).min(3)).min(15_000)
}

/// How long typing in a blank pauses before it is saved.
const TYPING_PAUSE_MS: u64 = 800;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Back,
    Next,
    Submit,
}

#[component]
fn Runner(a: AttemptView, on_done: Callback<AttemptView>) -> impl IntoView {
    let id = a.id;
    let kind = a.kind;
    let kind_label = attempt_kind_key(kind, a.from_mistakes);
    let challenge = kind == QuizKind::Challenge;
    let deadline_at = a.deadline_at;
    let all = a.questions;
    let index = RwSignal::new(resume_index(&all));
    let saved = RwSignal::new(all.iter().map(|q| q.answer.clone()).collect::<Vec<_>>());
    let drafts = RwSignal::new(saved.get_untracked());
    let questions = RwSignal::new(all);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let cheer = RwSignal::new(false);
    let states = RwSignal::new(vec![SaveState::Idle; questions.with_untracked(Vec::len)]);

    // Every pick is saved as it is made (typing after a pause), so a reload, a dropped
    // connection or the time running out loses nothing; a failed save retries by itself.
    // A challenge is graded answer by answer, so it saves only on 下一题.
    let retries = StoredValue::new(vec![0u32; states.with_untracked(Vec::len)]);
    let in_flight = StoredValue::new(vec![false; states.with_untracked(Vec::len)]);
    let autosave_ref = StoredValue::new(None::<Callback<usize>>);
    let autosave = Callback::new(move |i: usize| {
        if challenge || in_flight.with_value(|f| f.get(i).copied().unwrap_or(true)) {
            return;
        }
        let draft = drafts.with_untracked(|d| d[i].clone());
        let before = saved.with_untracked(|s| s[i].clone());
        if !draft_differs(draft.as_ref(), before.as_ref()) {
            return;
        }
        let position = questions.with_untracked(|qs| qs[i].position);
        in_flight.update_value(|f| f[i] = true);
        states.update(|s| s[i] = SaveState::Saving);
        // Kept on the phone until the server has it: a reload, a closed app or a train
        // tunnel loses nothing (see `offline`).
        if let Some(a) = &draft {
            offline::keep(id, position, a);
        }
        spawn_local(async move {
            let result = save_if_changed(id, position, draft.clone(), before).await;
            in_flight.try_update_value(|f| f[i] = false);
            let settled = |draft: &Option<Answer>| {
                if let Some(a) = draft {
                    offline::forget(id, position, a);
                }
            };
            match result {
                Ok(_) => {
                    settled(&draft);
                    retries.try_update_value(|r| r[i] = 0);
                    saved.try_update(|s| s[i] = draft);
                    states.try_update(|s| s[i] = SaveState::Saved);
                    // Picked again while this one was on its way: save the newer one.
                    if let Some(again) = autosave_ref.try_get_value().flatten() {
                        again.run(i);
                    }
                }
                Err(e) if retryable(&e) => {
                    states.try_update(|s| s[i] = SaveState::Retrying);
                    let n = retries
                        .try_update_value(|r| {
                            r[i] += 1;
                            r[i]
                        })
                        .unwrap_or(1);
                    set_timeout(
                        move || {
                            if let Some(again) = autosave_ref.try_get_value().flatten() {
                                again.run(i);
                            }
                        },
                        Duration::from_millis(retry_delay_ms(n)),
                    );
                }
                Err(e) => {
                    // Refused (time is up, already submitted): sending it again cannot help.
                    settled(&draft);
                    states.try_update(|s| s[i] = SaveState::Refused(error_text(&e)));
                }
            }
        });
    });
    autosave_ref.set_value(Some(autosave));
    // Answers given before a reload or while offline, not yet accepted, are sent now; the
    // server decides about them as about any late save.
    if !challenge {
        for p in offline::pending(id) {
            let at =
                questions.with_untracked(|qs| qs.iter().position(|q| q.position == p.position));
            if let Some(i) = at {
                drafts.update(|d| d[i] = Some(p.answer));
                autosave.run(i);
            } else {
                offline::forget(id, p.position, &p.answer);
            }
        }
    }
    // The network is back: what waits is sent at once, not at its next retry.
    let back_online = window_event_listener(leptos::ev::online, move |_| {
        let waiting: Vec<usize> = states.with_untracked(|s| {
            (0..s.len())
                .filter(|&i| s[i] == SaveState::Retrying)
                .collect()
        });
        for i in waiting {
            retries.update_value(|r| r[i] = 0);
            autosave.run(i);
        }
    });
    on_cleanup(move || back_online.remove());
    let waiting = move || states.with(|s| s.iter().filter(|x| **x == SaveState::Retrying).count());
    let typing = StoredValue::new(0u32);
    let on_pick = Callback::new(move |(i, typed): (usize, bool)| {
        if !typed {
            autosave.run(i);
            return;
        }
        let n = typing.get_value().wrapping_add(1);
        typing.set_value(n);
        set_timeout(
            move || {
                if typing.try_get_value() == Some(n) {
                    autosave.run(i);
                }
            },
            Duration::from_millis(TYPING_PAUSE_MS),
        );
    });

    // The countdown runs on the server's clock: the device's clock may be off. Offline the
    // page may come from the phone's copy, whose server time is old: the device's clock is
    // then the better guess.
    let offset = if browser::online() {
        a.server_now - browser::now_ms()
    } else {
        0
    };
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
    // Time up: the answer on screen is saved first (the server accepts a save for a few
    // seconds after the deadline, `SAVE_GRACE_MS`), then what was saved is graded.
    let timed_out = RwSignal::new(false);
    Effect::new(move |_| {
        if remaining().is_some_and(|r| r <= 0) && !timed_out.get_untracked() {
            timed_out.set(true);
            busy.set(true);
            let i = index.get_untracked();
            let position = questions.with_untracked(|qs| qs[i].position);
            let draft = drafts.with_untracked(|d| d[i].clone());
            let before = saved.with_untracked(|s| s[i].clone());
            spawn_local(async move {
                // Refused or unreachable: what was saved before is graded all the same.
                let _ = save_if_changed(id, position, draft, before).await;
                finish();
            });
        }
    });

    let go = move |m: Move| {
        if busy.get_untracked() {
            return;
        }
        let i = index.get_untracked();
        let count = questions.with_untracked(Vec::len);
        if m == Move::Submit && !challenge && waiting() > 0 {
            error.set(Some(tf(
                K::AnswersWaitingSubmit,
                &[("n", &waiting().to_string())],
            )));
            return;
        }
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
                // Moving between questions offline: the answer waits on the phone and is
                // sent by itself; only submitting needs the network.
                Err(e) if m != Move::Submit && !challenge && retryable(&e) => {
                    autosave.run(i);
                    let count = questions.with_untracked(Vec::len);
                    index.set(match m {
                        Move::Back => i.saturating_sub(1),
                        _ => (i + 1).min(count - 1),
                    });
                    busy.try_set(false);
                    return;
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    busy.try_set(false);
                    return;
                }
            };
            if reply.is_some() {
                saved.update(|s| s[i] = draft);
            }
            let finished = reply.as_ref().is_some_and(|r| r.finished);
            let next = reply.and_then(|r| r.next);
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
                    states.update(|s| s.push(SaveState::Idle));
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
    let title = a.quiz_title;
    let progress = move || percent(index.get() as i64 + 1, total() as i64);
    let is_last = move || !challenge && index.get() + 1 >= total();
    let can_go = move || !challenge || drafts.with(|d| is_answered(d[index.get()].as_ref()));

    view! {
        <section class="runner">
            <div class="runner-head">
                <span class="badge">{t(kind_label)}</span>
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
            {(!challenge).then_some(move || view! { <Bar percent=progress() label=title.clone()/> })}
            {move || cheer.get().then(|| view! { <p class="banner success">{t(K::AnswerRight)}</p> })}
            {move || timed_out.get().then(|| view! { <p class="banner info">{t(K::AnswerTimeUp)}</p> })}
            {move || {
                let i = index.get();
                questions.with(|qs| qs.get(i).cloned()).map(|q| view! { <QuestionScreen q=q i=i drafts=drafts on_pick/> })
            }}
            {move || {
                let i = index.get();
                states
                    .with(|s| s.get(i).and_then(save_state_text))
                    .map(|text| {
                        let class = match states.with(|s| s.get(i).cloned()) {
                            Some(SaveState::Saved) => "save-state saved",
                            Some(SaveState::Retrying | SaveState::Refused(_)) => "save-state bad",
                            _ => "save-state",
                        };
                        view! { <p class=class role="status" aria-live="polite">{text}</p> }
                    })
            }}
            {move || {
                let n = waiting();
                (n > 0).then(|| view! {
                    <p class="banner info" id="answers-waiting" role="status">
                        {tf(K::AnswersWaiting, &[("n", &n.to_string())])}
                    </p>
                })
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
                    {move || t(action_label(challenge, is_last()))}
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
    /// Called after each change: (question, whether it was typed).
    on_pick: Callback<(usize, bool)>,
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
                                on_pick.run((i, true));
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
                                    on:click=move |_| {
                                        drafts.update(|d| d[i] = tap(kind, d[i].as_ref(), o));
                                        on_pick.run((i, false));
                                    }
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

/// What kind of round an attempt is: its quiz's kind, or 错题练习 for a round over the
/// mistake book (whose quiz is a practice quiz).
pub fn attempt_kind_key(kind: QuizKind, from_mistakes: bool) -> K {
    if from_mistakes {
        K::MistakesPractice
    } else {
        quiz_kind_key(kind)
    }
}

/// The runner's main button: a challenge commits each answer (提交, graded at once); other
/// quizzes move on (下一题) until the last question hands the paper in (交卷).
pub fn action_label(challenge: bool, last: bool) -> K {
    match (challenge, last) {
        (true, _) => K::ChallengeCommit,
        (false, true) => K::AnswerSubmit,
        (false, false) => K::AnswerNext,
    }
}

/// Under the score: what the attempt earned and how many attempts are left.
pub fn result_facts(r: &AttemptResult) -> Vec<String> {
    let mut out = Vec::new();
    if r.points_earned > 0 {
        out.push(tf(K::ResultPoints, &[("n", &r.points_earned.to_string())]));
    }
    if let Some(n) = r.attempts_left {
        out.push(tf(K::ResultAttemptsLeft, &[("n", &n.to_string())]));
    }
    out
}

/// The button that goes again, when the member may: 再来一局 for a challenge, 再考一次 for
/// an exam, 再练一次 otherwise.
pub fn retake_label(kind: QuizKind) -> K {
    match kind {
        QuizKind::Challenge => K::ResultPlayAgain,
        QuizKind::Exam => K::ResultRetakeExam,
        _ => K::ResultRetake,
    }
}

/// The result's headline: the score, or a challenge's run of right answers.
pub fn headline(kind: QuizKind, r: &AttemptResult) -> String {
    if kind == QuizKind::Challenge {
        tf(
            K::ChallengeRunResult,
            &[("n", &r.correct_count.to_string())],
        )
    } else {
        tf(K::ResultScore, &[("n", &r.score_percent.to_string())])
    }
}

/// The graded questions as the review shows them. `correct`, `key`, explanation and
/// source are absent until the quiz's reveal rule allows.
pub fn reviewed(r: AttemptResult) -> Vec<Reviewed> {
    r.questions
        .into_iter()
        .enumerate()
        .map(|(n, q)| Reviewed {
            number: n + 1,
            kind: Some(q.kind),
            stem: q.stem,
            options: q.options,
            answer: q.answer,
            key: q.key,
            correct: q.correct,
            explanation: q.explanation,
            source: q.source,
            footer: None,
            report: Some(q.question_id),
        })
        .collect()
}

/// The graded attempt: score, pass or fail, and every question with its explanation.
#[component]
fn Graded(a: AttemptView) -> impl IntoView {
    let Some(r) = a.result else {
        return ().into_any();
    };
    let kind_name = t(attempt_kind_key(a.kind, a.from_mistakes));
    let what = if a.quiz_title == kind_name {
        a.quiz_title
    } else {
        format!("{} · {kind_name}", a.quiz_title)
    };
    let score = headline(a.kind, &r);
    let detail = tf(
        K::ResultCorrect,
        &[
            ("correct", &r.correct_count.to_string()),
            ("total", &r.question_count.to_string()),
        ],
    );
    let passed = r.passed;
    let revealed = r.revealed;
    let facts = result_facts(&r);
    let cheer = (a.kind == QuizKind::Challenge).then(|| {
        t(if r.correct_count > 0 {
            K::ChallengeCheer
        } else {
            K::ChallengeTryAgain
        })
    });
    let retake = r.can_retake.then(|| {
        (
            format!("/quizzes/{}/start", a.quiz_id),
            t(retake_label(a.kind)),
        )
    });
    let any_wrong = r.questions.iter().any(|q| q.correct == Some(false));
    view! {
        <section class="card result-card">
            <p class="muted small">{what}</p>
            {cheer.map(|c| view! { <p class="cheer">{c}</p> })}
            <p class="score">{score}</p>
            <p class="score-detail">{detail}</p>
            {(!facts.is_empty()).then(|| view! {
                <p class="result-facts">{facts.join(" · ")}</p>
            })}
            {passed.map(|p| view! {
                <span class=if p { "badge ok-badge" } else { "badge fail-badge" }>
                    {t(if p { K::ResultPassed } else { K::ResultFailed })}
                </span>
            })}
        </section>
        {(!revealed).then(|| view! { <p class="banner info">{t(K::ResultHidden)}</p> })}
        <Reviews items=reviewed(r)/>
        <nav class="lesson-nav">
            {any_wrong.then(|| view! {
                <a class="btn btn-outline" href="/mistakes">{t(K::ResultToMistakes)}</a>
            })}
            {match retake {
                Some((href, label)) => view! {
                    <a class="btn btn-outline" href="/quizzes">{t(K::ResultToQuizzes)}</a>
                    <a class="btn btn-primary" id="retake" href=href>{label}</a>
                }.into_any(),
                None => view! {
                    <a class="btn btn-primary" href="/quizzes">{t(K::ResultToQuizzes)}</a>
                }.into_any(),
            }}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_say_where_they_stand_and_retry_only_what_may_succeed() {
        assert_eq!(save_state_text(&SaveState::Idle), None);
        assert_eq!(
            save_state_text(&SaveState::Saved).as_deref(),
            Some("已保存")
        );
        assert_eq!(
            save_state_text(&SaveState::Retrying).as_deref(),
            Some("未保存，将自动重试")
        );
        let refused = crate::api::decode_error(
            409,
            r#"{"code":"deadline_passed","message":"作答时间已到，答案未保存"}"#,
        );
        assert!(!retryable(&refused));
        assert!(retryable(&ApiError::network()));
        assert!(retryable(&crate::api::decode_error(503, "")));
        assert_eq!(
            [1, 2, 3, 4, 9].map(retry_delay_ms),
            [2_000, 4_000, 8_000, 15_000, 15_000]
        );
    }

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
            from_mistakes: false,
            questions: vec![],
            result: Some(AttemptResult {
                correct_count: 1,
                question_count: 2,
                score_percent: 50,
                passed: Some(false),
                submitted_at: 0,
                revealed: true,
                questions: vec![q(0, true), q(1, false)],
                points_earned: 1,
                attempts_left: Some(0),
                can_retake: false,
            }),
        };
        let r = view.result.clone().unwrap();
        assert_eq!(headline(view.kind, &r), tf(K::ResultScore, &[("n", "50")]));
        assert_eq!(result_facts(&r), ["获得1积分", "还可作答0次"]);
        let items = reviewed(r);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].number, 2);
        assert_eq!(items[1].correct, Some(false));
        assert_eq!(items[1].report, Some(101));
        assert!(items
            .iter()
            .all(|q| q.explanation.as_deref() == Some("解析文字")
                && q.source.as_deref() == Some("第3条")));
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
            from_mistakes: false,
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
                points_earned: 0,
                attempts_left: Some(2),
                can_retake: true,
            }),
        };
        let r = view.result.clone().unwrap();
        assert!(!r.revealed);
        // No points line for nothing earned; the attempts left, and 再考一次.
        assert_eq!(result_facts(&r), ["还可作答2次"]);
        assert_eq!(t(retake_label(view.kind)), "再考一次");
        let items = reviewed(r);
        assert_eq!(items[0].correct, None, "no right or wrong per question");
        assert_eq!(items[0].key, None);
        assert_eq!(items[0].explanation, None);
        assert_eq!(
            crate::components::answer_lines(&items[0]),
            (Some("您的答案：正确".into()), None)
        );
    }

    #[test]
    fn a_challenge_commits_each_answer_and_offers_another_run() {
        assert_eq!(t(action_label(true, false)), "提交");
        assert_eq!(t(action_label(true, true)), "提交");
        assert_eq!(t(action_label(false, false)), "下一题");
        assert_eq!(t(action_label(false, true)), "交卷");
        assert_eq!(t(retake_label(QuizKind::Challenge)), "再来一局");
        assert_eq!(t(retake_label(QuizKind::Practice)), "再练一次");
        assert_eq!(t(attempt_kind_key(QuizKind::Practice, true)), "错题练习");
        assert_eq!(t(attempt_kind_key(QuizKind::Practice, false)), "专题练习");
    }
}
