//! `/notifications`: the member's notifications (reminders from their organizers and the
//! monthly reminder), newest first, then what is due and unfinished.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::components::{region, Act, Fetch, Page};
use crate::format::date_time;
use crate::html::{action, el, esc};
use crate::i18n::{locale, t, K};
use crate::json::{b, i, list, s};

/// Where a due item is done: a module's page, or the quiz list.
fn item_href(item: &Value) -> String {
    if s(item, "kind") == "module" {
        format!("/modules/{}", i(item, "id"))
    } else {
        "/quizzes".to_string()
    }
}

/// Due and unfinished items (`DueItem`s).
pub fn due_html(due: &[Value]) -> String {
    let mut h = String::from(r#"<section class="card"><h2 class="card-title">"#);
    h += t(K::NoticeDue);
    h += "</h2>";
    if due.is_empty() {
        return h + &el("p", "muted", t(K::NoticeNothingDue)) + "</section>";
    }
    h += r#"<ul class="link-list">"#;
    for d in due {
        let item = &d["item"];
        h += &format!(
            r#"<li><a class="link-row" href="{}"><span class="link-title">{}</span><span class="link-desc">{}{}</span></a></li>"#,
            item_href(item),
            esc(s(item, "title")),
            t(if b(d, "started") {
                K::NoticeStarted
            } else {
                K::NoticeNotStarted
            }),
            item["due_at"]
                .as_i64()
                .map(|at| format!(" · {}", esc(&date_time(at, locale()))))
                .unwrap_or_default()
        );
    }
    h + "</ul></section>"
}

/// The notifications (`NotificationPage`).
pub fn notices_html(page: &Value) -> String {
    let items = list(page, "items");
    let mut h = String::from(r#"<section class="card notices"><h2 class="card-title">"#);
    h += t(K::NoticeTitle);
    h += "</h2>";
    if items.is_empty() {
        return h + &el("p", "muted", t(K::NoticeNone)) + "</section>";
    }
    if i(page, "unread") > 0 {
        h += &action("read-all", 0, "btn-ghost btn-small", t(K::NoticeReadAll));
    }
    h += r#"<ul class="plain">"#;
    for n in items {
        h += &format!(
            r#"<li class="notice{}"><p><b>{}</b></p>"#,
            if n["read_at"].is_null() {
                " unread"
            } else {
                ""
            },
            esc(s(n, "title"))
        );
        h += &el("p", "", s(n, "body"));
        h += &el(
            "p",
            "small muted",
            &format!(
                "{}{}",
                n["sender_name"]
                    .as_str()
                    .map(|x| format!("{x} · "))
                    .unwrap_or_default(),
                date_time(i(n, "created_at"), locale())
            ),
        );
        h += "</li>";
    }
    h + "</ul></section>"
}

#[component]
pub fn Notifications() -> impl IntoView {
    let due = Fetch::new(|| format!("{}/due", api::NOTIFICATIONS));
    let notices = Fetch::new(|| format!("{}?limit=50", api::NOTIFICATIONS));
    let act = move |a: Act| {
        if let Act::Click(what, _) = a {
            if what == "read-all" {
                api::spawn_call(
                    "POST",
                    format!("{}/read", api::NOTIFICATIONS),
                    Some(r#"{"ids":[],"all":true}"#.into()),
                    move |_| notices.reload(),
                );
            } else {
                due.reload();
                notices.reload();
            }
        }
    };
    let html = move || {
        notices.html(4, |n: Value| notices_html(&n))
            + &due.html(3, |d: Value| due_html(crate::json::items(&d)))
    };
    view! {
        <Page class="notifications" title=K::NoticeTitle back=Some("/")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn due_items_link_where_they_are_done() {
        let h = due_html(&[json!({
            "item": { "kind": "module", "id": 4, "title": "党章<学习>", "module_id": null, "due_at": null },
            "started": true,
        })]);
        assert!(h.contains(r#"href="/modules/4""#));
        assert!(h.contains("党章&lt;学习&gt;"));
        assert!(due_html(&[]).contains(t(K::NoticeNothingDue)));
    }

    #[test]
    fn unread_notices_stand_out() {
        let h = notices_html(&json!({ "unread": 1, "next_before_id": null, "items": [
            { "id": 1, "kind": "reminder", "title": "请完成专项答题", "body": "截止本周五",
              "item_kind": "quiz", "item_id": 2, "sender_name": "王书记", "created_at": 0, "read_at": null },
        ]}));
        assert!(h.contains("notice unread"));
        assert!(h.contains("王书记 · "));
        assert!(h.contains(r#"data-action="read-all""#));
    }
}
