//! `/quizzes`: the quizzes open to the member (daily, weekly, special, challenge, practice,
//! exams), each with where they stand and a link to start or resume.

use leptos::prelude::*;
use shared::api::quiz::{QuizKind, QuizSummary};

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{load, show, Loaded, Page};
use crate::format::{date, duration};
use crate::i18n::{locale, t, tf, K};

/// The small facts under a quiz's title: size, time limit, pass mark, attempts, closing.
pub fn quiz_facts(q: &QuizSummary) -> Vec<String> {
    let mut out = vec![if q.kind == QuizKind::Challenge {
        t(K::QuizChallengeRule).to_string()
    } else {
        tf(K::QuizQuestions, &[("n", &q.question_count.to_string())])
    }];
    if let Some(secs) = q.time_limit_secs {
        out.push(tf(K::QuizTimeLimit, &[("time", &duration(secs, locale()))]));
    }
    if let Some(p) = q.pass_mark {
        out.push(tf(K::QuizPassMark, &[("n", &p.to_string())]));
    }
    if let Some(max) = q.max_attempts {
        out.push(tf(
            K::QuizAttempts,
            &[
                ("used", &q.attempts_used.to_string()),
                ("max", &max.to_string()),
            ],
        ));
    }
    if let Some(c) = q.closes_at {
        out.push(tf(K::QuizCloses, &[("date", &date(c, locale()))]));
    }
    out
}

/// What a quiz card offers: resume the open attempt, start one, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizAction {
    /// A link and its label.
    Go(String, K),
    /// Why the member cannot start.
    Blocked(String),
}

pub fn quiz_action(q: &QuizSummary) -> QuizAction {
    match (q.open_attempt_id, q.can_start) {
        (Some(a), _) => QuizAction::Go(format!("/attempts/{a}"), K::QuizResume),
        (None, true) => QuizAction::Go(format!("/quizzes/{}/start", q.id), K::QuizStart),
        (None, false) => QuizAction::Blocked(
            q.blocked_reason
                .clone()
                .unwrap_or_else(|| t(K::QuizDoneToday).into()),
        ),
    }
}

/// A quiz with its facts and one action.
#[component]
pub fn QuizCard(quiz: QuizSummary) -> impl IntoView {
    let action = match quiz_action(&quiz) {
        QuizAction::Go(href, label) => {
            view! { <a class="btn btn-primary btn-small" href=href>{t(label)}</a> }.into_any()
        }
        QuizAction::Blocked(why) => view! { <span class="quiz-blocked">{why}</span> }.into_any(),
    };
    let facts = quiz_facts(&quiz).join(" · ");
    view! {
        <article class=format!("card quiz-card {}", quiz.kind.as_str())>
            <span class="badge">{t(quiz_kind_key(quiz.kind))}</span>
            <h2 class="quiz-title">{quiz.title}</h2>
            <p class="muted small">{facts}</p>
            <div class="quiz-action">{action}</div>
        </article>
    }
}

/// The quiz list and the link to the history.
fn quiz_list(list: Vec<QuizSummary>) -> impl IntoView {
    view! {
        {list.is_empty().then(|| view! { <p class="card empty">{t(K::QuizzesEmpty)}</p> })}
        {list.into_iter().map(|quiz| view! { <QuizCard quiz/> }).collect_view()}
        <a class="link-row card" href="/history">
            <span class="link-title">{t(K::QuizHistory)}</span>
        </a>
    }
}

#[component]
pub fn Quizzes() -> impl IntoView {
    let list = load(|| api::QUIZZES.into());
    view! {
        <Page class="quizzes" title=K::QuizzesTitle>
            <Loaded data=list lines=5 ok=show(quiz_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(kind: QuizKind) -> QuizSummary {
        QuizSummary {
            id: 7,
            title: "每日答题".into(),
            kind,
            module_id: None,
            question_count: 5,
            time_limit_secs: Some(600),
            pass_mark: Some(60),
            max_attempts: Some(3),
            opens_at: None,
            closes_at: None,
            attempts_used: 1,
            can_start: true,
            blocked_reason: None,
            open_attempt_id: None,
            reveal: shared::api::quiz::Reveal::AfterSubmit,
            required: false,
        }
    }

    #[test]
    fn cards_offer_the_right_action() {
        let mut q = quiz(QuizKind::Exam);
        assert_eq!(
            quiz_action(&q),
            QuizAction::Go("/quizzes/7/start".into(), K::QuizStart)
        );
        assert_eq!(t(quiz_kind_key(q.kind)), "专题考试");
        assert_eq!(
            quiz_facts(&q),
            ["5题", "限时10分钟", "60分及格", "已答1/3次"]
        );
        q.open_attempt_id = Some(12);
        assert_eq!(
            quiz_action(&q),
            QuizAction::Go("/attempts/12".into(), K::QuizResume)
        );
        q.open_attempt_id = None;
        q.can_start = false;
        q.blocked_reason = Some("答题次数已用完".into());
        assert_eq!(
            quiz_action(&q),
            QuizAction::Blocked("答题次数已用完".into())
        );
        q.blocked_reason = None;
        assert_eq!(
            quiz_action(&q),
            QuizAction::Blocked(t(K::QuizDoneToday).into())
        );
        assert_eq!(
            quiz_facts(&quiz(QuizKind::Challenge))[0],
            "答对继续，答错即止"
        );
    }
}
