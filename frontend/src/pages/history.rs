//! `/history`: the member's attempts, newest first, each opening its result (or resuming).

use leptos::prelude::*;
use shared::api::quiz::AttemptSummary;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{Fetch, Page};
use crate::format::when;
use crate::html::{el, Html};
use crate::i18n::{t, tf, K};

/// The attempts as a list of links.
pub fn history_html(items: &[AttemptSummary]) -> String {
    if items.is_empty() {
        return el("p", "card empty", t(K::HistoryEmpty));
    }
    let mut h = String::from(r#"<ul class="card link-list">"#);
    for a in items {
        let score = match (a.score_percent, a.correct_count) {
            (Some(s), Some(c)) => format!(
                "{} · {}",
                tf(K::ResultScore, &[("n", &s.to_string())]),
                tf(
                    K::ResultCorrect,
                    &[
                        ("correct", &c.to_string()),
                        ("total", &a.question_count.to_string())
                    ]
                )
            ),
            _ => t(K::HistoryOpen).to_string(),
        };
        let kind_when = format!(
            "{} · {}",
            t(quiz_kind_key(a.kind)),
            when(a.submitted_at.unwrap_or(a.started_at))
        );
        h += &format!(
            r#"<li><a class="link-row" href="/attempts/{}">{}{}{}</a></li>"#,
            a.id,
            el("span", "link-title", &a.quiz_title),
            el("span", "link-desc", &kind_when),
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
            {list.show(5, |items: Vec<AttemptSummary>| view! { <Html html=history_html(&items)/> }.into_any())}
        </Page>
    }
}
