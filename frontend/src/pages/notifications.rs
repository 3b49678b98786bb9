//! `/notifications`: the member's notifications (reminders from their organizers and the
//! monthly reminder), newest first, then what is due and unfinished.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::dashboard::{ItemKind, ItemRef};
use shared::api::notifications::{DueItem, MarkRead, Notification, NotificationPage, UnreadCount};

use crate::api;
use crate::app::use_session;
use crate::components::{error_text, load, show, Loaded, Page};
use crate::format::date_time;
use crate::i18n::{locale, t, K};

/// Where a due item is done: a module's page, or the quiz's start page.
pub fn item_href(item: &ItemRef) -> String {
    match item.kind {
        ItemKind::Module => format!("/modules/{}", item.id),
        ItemKind::Quiz => format!("/quizzes/{}/start", item.id),
    }
}

/// What a notification opens: the module or quiz it is about, today's tasks for the
/// monthly reminder, 我的纠错 for an answered error report.
pub fn notice_href(n: &Notification) -> String {
    match (n.item_kind, n.item_id) {
        (Some(ItemKind::Module), Some(id)) => format!("/modules/{id}"),
        (Some(ItemKind::Quiz), Some(id)) => format!("/quizzes/{id}/start"),
        _ if n.kind == "report" => "/reports".into(),
        _ => "/".into(),
    }
}

/// A due item's line under its title: begun or not, and when it is due.
pub fn due_line(d: &DueItem) -> String {
    let state = t(if d.started {
        K::NoticeStarted
    } else {
        K::NoticeNotStarted
    });
    match d.item.due_at {
        Some(at) => format!("{state} · {}", date_time(at, locale())),
        None => state.into(),
    }
}

/// Due and unfinished items.
fn due_list(due: Vec<DueItem>) -> impl IntoView {
    let body = if due.is_empty() {
        view! { <p class="muted">{t(K::NoticeNothingDue)}</p> }.into_any()
    } else {
        let rows = due.into_iter().map(|d| {
            let line = due_line(&d);
            let href = item_href(&d.item);
            view! {
                <li>
                    <a class="link-row" href=href>
                        <span class="link-title">{d.item.title}</span>
                        <span class="link-desc">{line}</span>
                    </a>
                </li>
            }
        });
        view! { <ul class="link-list">{rows.collect_view()}</ul> }.into_any()
    };
    view! {
        <section class="card">
            <h2 class="card-title">{t(K::NoticeDue)}</h2>
            {body}
        </section>
    }
}

/// Who sent a notification and when.
pub fn notice_meta(sender: Option<&str>, created_at: i64) -> String {
    let when = date_time(created_at, locale());
    match sender {
        Some(x) => format!("{x} · {when}"),
        None => when,
    }
}

#[component]
pub fn Notifications() -> impl IntoView {
    let due = load(|| format!("{}/due", api::NOTIFICATIONS));
    let notices = load(|| format!("{}?limit=50", api::NOTIFICATIONS));
    let session = use_session();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let read_all = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = MarkRead {
                ids: vec![],
                all: true,
            };
            let sent =
                api::send::<_, UnreadCount>("POST", &format!("{}/read", api::NOTIFICATIONS), &body)
                    .await;
            match sent {
                Ok(c) => {
                    session.unread.try_set(Some(c.unread));
                    notices.reload();
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            }
            busy.try_set(false);
        });
    };
    let notice_list = move |page: NotificationPage| {
        // The list's count is the freshest: the bell shows it.
        session.unread.try_set(Some(page.unread));
        let body = if page.items.is_empty() {
            view! { <p class="muted">{t(K::NoticeNone)}</p> }.into_any()
        } else {
            let rows = page.items.into_iter().map(|n| {
                let meta = notice_meta(n.sender_name.as_deref(), n.created_at);
                let href = notice_href(&n);
                let unread = n.read_at.is_none();
                let id = n.id;
                // Opening a notification reads it; the bell counts down at once.
                let open = move |_| {
                    if unread {
                        session.unread.update(|u| {
                            if let Some(u) = u {
                                *u = (*u - 1).max(0);
                            }
                        });
                        spawn_local(async move {
                            let body = MarkRead {
                                ids: vec![id],
                                all: false,
                            };
                            let _ = api::send::<_, UnreadCount>(
                                "POST",
                                &format!("{}/read", api::NOTIFICATIONS),
                                &body,
                            )
                            .await;
                        });
                    }
                };
                view! {
                    <li class=if unread { "notice unread" } else { "notice" }>
                        <a class="notice-link" href=href on:click=open>
                            <p><b>{n.title}</b></p>
                            <p>{n.body}</p>
                            <p class="small muted">{meta}</p>
                        </a>
                    </li>
                }
            });
            view! { <ul class="plain">{rows.collect_view()}</ul> }.into_any()
        };
        view! {
            <section class="card notices">
                <h2 class="card-title">{t(K::NoticeTitle)}</h2>
                {(page.unread > 0).then(|| view! {
                    <button type="button" class="btn btn-ghost btn-small" id="read-all" disabled=busy on:click=read_all>
                        {t(K::NoticeReadAll)}
                    </button>
                })}
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {body}
            </section>
        }
    };
    view! {
        <Page class="notifications" title=K::NoticeTitle back=Some("/")>
            <Loaded data=notices lines=4 ok=show(notice_list)/>
            <Loaded data=due lines=3 ok=show(due_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(kind: ItemKind, started: bool, due_at: Option<i64>) -> DueItem {
        DueItem {
            item: ItemRef {
                kind,
                id: 4,
                title: "党章<学习>".into(),
                module_id: None,
                due_at,
            },
            started,
            required: false,
        }
    }

    #[test]
    fn due_items_link_where_they_are_done() {
        assert_eq!(
            item_href(&due(ItemKind::Module, true, None).item),
            "/modules/4"
        );
        assert_eq!(
            item_href(&due(ItemKind::Quiz, true, None).item),
            "/quizzes/4/start"
        );
        assert_eq!(
            due_line(&due(ItemKind::Quiz, true, None)),
            t(K::NoticeStarted)
        );
        let line = due_line(&due(ItemKind::Quiz, false, Some(1_765_000_000_000)));
        assert!(
            line.starts_with(t(K::NoticeNotStarted)) && line.contains(" · "),
            "{line}"
        );
    }

    #[test]
    fn each_notice_opens_what_it_is_about() {
        let n = |kind: &str, item: Option<(ItemKind, i64)>| Notification {
            id: 1,
            kind: kind.into(),
            title: "t".into(),
            body: "b".into(),
            item_kind: item.map(|i| i.0),
            item_id: item.map(|i| i.1),
            sender_name: None,
            created_at: 0,
            read_at: None,
        };
        let href = |kind: &str, item| notice_href(&n(kind, item));
        assert_eq!(
            href("assigned", Some((ItemKind::Quiz, 7))),
            "/quizzes/7/start"
        );
        assert_eq!(href("reminder", Some((ItemKind::Module, 3))), "/modules/3");
        assert_eq!(href("report", None), "/reports");
        assert_eq!(href("monthly", None), "/");
    }

    #[test]
    fn notices_say_who_sent_them() {
        assert!(notice_meta(Some("王书记"), 0).starts_with("王书记 · "));
        assert!(!notice_meta(None, 0).contains('·'));
    }
}
