//! `/admin/quizzes`: the quizzes an organizer manages (admins: all), with their state and
//! how many members answered; each opens in the builder or its item analysis.

use leptos::prelude::*;
use serde_json::Value;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::components::{region, Fetch, Page};
use crate::html::{el, esc};
use crate::i18n::{t, tf, K};
use crate::json::{b, i, items, s};

/// The status label of a quiz state name.
pub fn status_key(status: &str) -> K {
    match status {
        "draft" => K::StatusDraft,
        "published" => K::StatusPublished,
        _ => K::StatusClosed,
    }
}

/// The list (`ManagedQuiz`es).
pub fn quizzes_html(list: &[Value]) -> String {
    let mut h = format!(
        r#"<p><a class="btn btn-primary" id="new-quiz" href="/admin/quizzes/new">{}</a></p>"#,
        t(K::QuizNew)
    );
    if list.is_empty() {
        return h + &el("p", "muted", t(K::QuizNone));
    }
    h += r#"<ul class="link-list card">"#;
    for q in list {
        let id = i(q, "id");
        let kind = shared::api::quiz::QuizKind::parse(s(q, "kind"))
            .map(|k| t(quiz_kind_key(k)))
            .unwrap_or("");
        h += &format!(
            r#"<li class="quiz-row"><a class="link-row" href="/admin/quizzes/{id}"><span class="link-title">{}</span><span class="link-desc"><span class="badge status-{}">{}</span> {} · {}</span></a>"#,
            esc(s(q, "title")),
            esc(s(q, "status")),
            t(status_key(s(q, "status"))),
            esc(kind),
            tf(
                K::QuizCounts,
                &[
                    ("questions", &i(q, "question_count").to_string()),
                    ("attempts", &i(q, "attempts").to_string())
                ]
            ),
        );
        if i(q, "attempts") > 0 {
            h += &format!(
                r#"<a class="small" href="/admin/quizzes/{id}/analysis">{}</a>"#,
                t(K::QuizAnalysis)
            );
        }
        if b(q, "required") {
            h += &el("span", "badge", t(K::QuizRequired));
        }
        h += "</li>";
    }
    h + "</ul>"
}

#[component]
pub fn AdminQuizzes() -> impl IntoView {
    let data = Fetch::new(|| api::MANAGED_QUIZZES.into());
    view! {
        <Page class="admin-quizzes" title=K::ManageQuizzes back=Some("/")>
            {region("", move || data.html(5, |v: Value| quizzes_html(items(&v))), move |_| data.reload())}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_quiz_shows_state_counts_and_links() {
        let h = quizzes_html(&[json!({
            "id": 4, "title": "支部<考试>", "kind": "exam", "status": "published",
            "question_count": 10, "attempts": 3, "required": true,
        })]);
        assert!(h.contains("支部&lt;考试&gt;"));
        assert!(h.contains(r#"href="/admin/quizzes/4""#));
        assert!(h.contains(r#"href="/admin/quizzes/4/analysis""#));
        assert!(h.contains("status-published"));
        assert!(quizzes_html(&[]).contains("new-quiz"));
    }
}
