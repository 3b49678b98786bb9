//! `/history`: the member's attempts, newest first, each opening its result (or resuming).
//! Read as `Value` (see `crate::json`): it is only displayed.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::quiz::QuizKind;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{Fetch, Page};
use crate::format::when;
use crate::html::el;
use crate::i18n::{t, tf, K};
use crate::json::{i, items, obj, s};

/// The attempts (`AttemptSummary`s) as a list of links.
pub fn history_html(items: &[Value]) -> String {
    if items.is_empty() {
        return el("p", "card empty", t(K::HistoryEmpty));
    }
    let mut h = String::from(r#"<ul class="card link-list">"#);
    for a in items {
        let score = if obj(a, "submitted_at").is_some() {
            format!(
                "{} · {}",
                tf(K::ResultScore, &[("n", &i(a, "score_percent").to_string())]),
                tf(
                    K::ResultCorrect,
                    &[
                        ("correct", &i(a, "correct_count").to_string()),
                        ("total", &i(a, "question_count").to_string())
                    ]
                )
            )
        } else {
            t(K::HistoryOpen).to_string()
        };
        let at = obj(a, "submitted_at")
            .and_then(Value::as_i64)
            .unwrap_or(i(a, "started_at"));
        let kind = QuizKind::parse(s(a, "kind")).map_or("", |k| t(quiz_kind_key(k)));
        h += &format!(
            r#"<li><a class="link-row" href="/attempts/{}">{}{}{}</a></li>"#,
            i(a, "id"),
            el("span", "link-title", s(a, "quiz_title")),
            el("span", "link-desc", &format!("{kind} · {}", when(at))),
            el("span", "link-desc", &score)
        );
    }
    h += "</ul>";
    h
}

#[component]
pub fn History() -> impl IntoView {
    let list = Fetch::new(|| api::ATTEMPTS.into());
    view! {
        <Page class="history" title=K::HistoryTitle back=Some("/quizzes")>
            {list.region(5, |v| history_html(items(&v)))}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::quiz::AttemptSummary;

    #[test]
    fn attempts_show_their_score_or_that_they_are_open() {
        let done = AttemptSummary {
            id: 5,
            quiz_id: 2,
            quiz_title: "每日答题".into(),
            kind: QuizKind::Daily,
            started_at: 1_795_845_900_000,
            submitted_at: Some(1_795_845_960_000),
            correct_count: Some(4),
            question_count: 5,
            score_percent: Some(80),
        };
        let open = AttemptSummary {
            id: 6,
            submitted_at: None,
            correct_count: None,
            score_percent: None,
            ..done.clone()
        };
        let items = [done, open].map(|a| serde_json::to_value(a).unwrap());
        let h = history_html(&items);
        assert!(h.contains(r#"href="/attempts/5""#));
        assert!(h.contains("80分 · 答对4/5题"));
        assert!(h.contains("每日答题 · 2026年11月28日 14:06"));
        assert!(h.contains("未交卷"));
        assert!(history_html(&[]).contains("还没有答题记录"));
    }
}
