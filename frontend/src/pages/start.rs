//! `/quizzes/{id}/start` and `/mistakes/practice`: starts (or resumes) an attempt, then
//! replaces itself in the history with the attempt's page. Starting through a page keeps
//! the quiz lists plain links.
//!
//! A quiz where starting costs something (a clock that starts, an attempt used up) first
//! shows what the member is about to begin: questions, time limit, attempts left, pass
//! mark and when the answers are shown; the attempt starts on 开始.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::quiz::{QuizKind, QuizSummary, Reveal};

use crate::answers::quiz_kind_key;
use crate::api::{self, ApiError};
use crate::components::{error_text, load, show, ErrorBanner, Loaded, Page, PageLoading};
use crate::format::{date_time, duration};
use crate::i18n::{locale, t, tf, K};
use crate::router::{use_router, Nav, Router};

/// What to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Quiz(i64),
    Mistakes,
}

/// Whether the quiz opens on a start screen rather than at its first question: a clock
/// starts, or an attempt is used up that does not come back tomorrow (daily and weekly
/// quizzes renew every period, so they start at once unless timed). An open attempt is
/// resumed straight away.
pub fn needs_start_screen(q: &QuizSummary) -> bool {
    let renews = matches!(q.kind, QuizKind::Daily | QuizKind::Weekly);
    q.open_attempt_id.is_none()
        && (q.time_limit_secs.is_some() || (q.max_attempts.is_some() && !renews))
}

/// The start screen's facts, one per line: (label, value).
pub fn start_facts(q: &QuizSummary) -> Vec<(K, String)> {
    let mut out = vec![(
        K::StartQuestions,
        if q.kind == QuizKind::Challenge {
            t(K::QuizChallengeRule).to_string()
        } else {
            tf(K::QuizQuestions, &[("n", &q.question_count.to_string())])
        },
    )];
    out.push((
        K::StartTime,
        match q.time_limit_secs {
            Some(secs) => duration(secs, locale()),
            None => t(K::StartNoLimit).into(),
        },
    ));
    if let Some(max) = q.max_attempts {
        let left = (max - q.attempts_used).max(0);
        out.push((
            K::StartAttemptsLeft,
            tf(
                K::StartAttemptsOf,
                &[("left", &left.to_string()), ("max", &max.to_string())],
            ),
        ));
    }
    if let Some(p) = q.pass_mark {
        out.push((
            K::StartPassMark,
            tf(K::StartPassMarkN, &[("n", &p.to_string())]),
        ));
    }
    if let Some(c) = q.closes_at {
        out.push((K::StartCloses, date_time(c, locale())));
    }
    out.push((
        K::StartReveal,
        t(match q.reveal {
            Reveal::AfterSubmit => K::StartRevealSubmit,
            Reveal::AfterClose => K::StartRevealClose,
            Reveal::Never => K::StartRevealNever,
        })
        .into(),
    ));
    out
}

#[component]
pub fn StartAttempt(what: Start) -> impl IntoView {
    let back = match what {
        Start::Quiz(_) => "/quizzes",
        Start::Mistakes => "/mistakes",
    };
    let body = match what {
        Start::Quiz(id) => {
            let quiz = load(move || format!("{}/{id}", api::QUIZZES));
            let ok = show(|q: QuizSummary| {
                if needs_start_screen(&q) {
                    view! { <StartScreen quiz=q/> }.into_any()
                } else {
                    view! { <Starting what=Start::Quiz(q.id)/> }.into_any()
                }
            });
            view! { <Loaded data=quiz lines=4 ok/> }.into_any()
        }
        Start::Mistakes => view! { <Starting what/> }.into_any(),
    };
    view! {
        <Page class="start" title=K::QuizzesTitle back=Some(back)>
            {body}
        </Page>
    }
}

/// Starts the attempt, then replaces this page with it.
fn begin(router: Router, what: Start, error: RwSignal<Option<ApiError>>, busy: RwSignal<bool>) {
    error.set(None);
    busy.set(true);
    spawn_local(async move {
        let started = match what {
            Start::Quiz(id) => api::start_attempt(id).await,
            Start::Mistakes => api::practise_mistakes().await,
        };
        match started {
            Ok(a) => router.navigate(&format!("/attempts/{}", a.id), Nav::REPLACE),
            Err(e) => {
                error.try_set(Some(e));
                busy.try_set(false);
            }
        }
    });
}

/// Starts at once: a spinner, or the error with a retry.
#[component]
fn Starting(what: Start) -> impl IntoView {
    let router = use_router();
    let failed = RwSignal::new(None);
    let busy = RwSignal::new(false);
    begin(router, what, failed, busy);
    move || match failed.get() {
        None => view! { <PageLoading/> }.into_any(),
        Some(error) => {
            view! { <ErrorBanner error on_retry=move |_| begin(router, what, failed, busy)/> }
                .into_any()
        }
    }
}

/// What the member is about to begin, and 开始.
#[component]
fn StartScreen(quiz: QuizSummary) -> impl IntoView {
    let router = use_router();
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let id = quiz.id;
    let facts = start_facts(&quiz);
    let blocked = (!quiz.can_start).then(|| {
        quiz.blocked_reason
            .clone()
            .unwrap_or_else(|| t(K::QuizDoneToday).into())
    });
    let can_start = blocked.is_none();
    let timed = quiz.time_limit_secs.is_some();
    view! {
        <section class="card start-card">
            <span class="badge">{t(quiz_kind_key(quiz.kind))}</span>
            <h2 class="quiz-title">{quiz.title.clone()}</h2>
            <dl class="facts start-facts">
                {facts
                    .into_iter()
                    .map(|(label, value)| view! { <div><dt>{t(label)}</dt><dd>{value}</dd></div> })
                    .collect_view()}
            </dl>
            {timed.then(|| view! { <p class="hint">{t(K::StartClockHint)}</p> })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{error_text(&e)}</p> })}
            {match blocked {
                Some(why) => view! { <p class="quiz-blocked">{why}</p> }.into_any(),
                None => view! {
                    <button
                        type="button"
                        id="begin"
                        class="btn btn-primary btn-block"
                        disabled=move || busy.get() || !can_start
                        on:click=move |_| begin(router, Start::Quiz(id), error, busy)
                    >
                        {move || t(if busy.get() { K::StartStarting } else { K::StartBegin })}
                    </button>
                }
                .into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(kind: QuizKind, secs: Option<i64>, max: Option<i64>) -> QuizSummary {
        QuizSummary {
            id: 3,
            title: "党章知识考试".into(),
            kind,
            module_id: None,
            question_count: 20,
            time_limit_secs: secs,
            pass_mark: Some(60),
            max_attempts: max,
            opens_at: None,
            closes_at: None,
            attempts_used: 1,
            can_start: true,
            blocked_reason: None,
            open_attempt_id: None,
            reveal: Reveal::AfterClose,
            required: true,
        }
    }

    #[test]
    fn exams_and_timed_quizzes_open_on_a_start_screen() {
        assert!(needs_start_screen(&quiz(QuizKind::Exam, None, Some(2))));
        assert!(needs_start_screen(&quiz(
            QuizKind::Daily,
            Some(300),
            Some(1)
        )));
        assert!(!needs_start_screen(&quiz(QuizKind::Daily, None, Some(1))));
        assert!(!needs_start_screen(&quiz(QuizKind::Practice, None, None)));
        let mut open = quiz(QuizKind::Exam, Some(600), Some(2));
        open.open_attempt_id = Some(9);
        assert!(
            !needs_start_screen(&open),
            "an open attempt resumes at once"
        );
    }

    #[test]
    fn the_start_screen_says_what_starting_costs() {
        let facts = start_facts(&quiz(QuizKind::Exam, Some(600), Some(3)));
        let get = |k: K| facts.iter().find(|f| f.0 == k).map(|f| f.1.clone());
        assert_eq!(get(K::StartTime), Some(duration(600, locale())));
        let left = get(K::StartAttemptsLeft).unwrap();
        assert!(left.contains('2') && left.contains('3'), "{left}");
        assert!(get(K::StartPassMark).unwrap().contains("60"));
        assert_eq!(get(K::StartReveal), Some(t(K::StartRevealClose).into()));
        let untimed = start_facts(&quiz(QuizKind::Special, None, Some(1)));
        assert!(untimed.contains(&(K::StartTime, t(K::StartNoLimit).into())));
    }
}
