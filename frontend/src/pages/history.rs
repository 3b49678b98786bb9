//! `/history`: the member's attempts (`AttemptSummary`), newest first, each a link to its
//! result (or to resume it).

use leptos::prelude::*;
use shared::api::quiz::AttemptSummary;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{load, show, Loaded, Page};
use crate::format::when;
use crate::i18n::{t, tf, K};

/// The score line of an attempt: "80分 · 答对4/5题", or that it is still open.
pub fn score_line(a: &AttemptSummary) -> String {
    match (a.submitted_at, a.score_percent, a.correct_count) {
        (Some(_), Some(score), Some(correct)) => format!(
            "{} · {}",
            tf(K::ResultScore, &[("n", &score.to_string())]),
            tf(
                K::ResultCorrect,
                &[
                    ("correct", &correct.to_string()),
                    ("total", &a.question_count.to_string())
                ]
            )
        ),
        _ => t(K::HistoryOpen).to_string(),
    }
}

/// The kind and the moment of an attempt: when it was handed in, else when it started.
pub fn kind_and_time(a: &AttemptSummary) -> String {
    format!(
        "{} · {}",
        t(quiz_kind_key(a.kind)),
        when(a.submitted_at.unwrap_or(a.started_at))
    )
}

/// The attempts as a list of links, or a note that there are none.
fn history_list(items: Vec<AttemptSummary>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="card empty">{t(K::HistoryEmpty)}</p> }.into_any();
    }
    view! {
        <ul class="card link-list">
            {items.into_iter().map(|a| view! {
                <li>
                    <a class="link-row" href=format!("/attempts/{}", a.id)>
                        <span class="link-title">{a.quiz_title.clone()}</span>
                        <span class="link-desc">{kind_and_time(&a)}</span>
                        <span class="link-desc">
                            {score_line(&a)}
                            {a.passed.map(|p| view! {
                                <span class=if p { "badge ok-badge" } else { "badge fail-badge" }>
                                    {t(if p { K::HistoryPassed } else { K::HistoryFailed })}
                                </span>
                            })}
                        </span>
                    </a>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn History() -> impl IntoView {
    let list = load(|| api::ATTEMPTS.into());
    view! {
        <Page class="history" title=K::HistoryTitle back=Some("/quizzes")>
            <Loaded data=list lines=5 ok=show(history_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::quiz::QuizKind;

    fn done() -> AttemptSummary {
        AttemptSummary {
            id: 5,
            quiz_id: 2,
            quiz_title: "每日答题".into(),
            kind: QuizKind::Daily,
            started_at: 1_795_845_900_000,
            submitted_at: Some(1_795_845_960_000),
            correct_count: Some(4),
            question_count: 5,
            score_percent: Some(80),
            passed: Some(true),
        }
    }

    #[test]
    fn attempts_show_their_score_or_that_they_are_open() {
        let a = done();
        assert_eq!(score_line(&a), "80分 · 答对4/5题");
        assert_eq!(kind_and_time(&a), "每日答题 · 2026年11月28日 14:06");
        let open = AttemptSummary {
            submitted_at: None,
            correct_count: None,
            score_percent: None,
            ..done()
        };
        assert_eq!(score_line(&open), "未交卷");
        // An open attempt is dated by its start.
        assert_eq!(kind_and_time(&open), "每日答题 · 2026年11月28日 14:05");
    }
}
