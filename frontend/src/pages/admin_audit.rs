//! `/admin/audit`: the audit log (操作日志) for admins — every change to accounts, the
//! organization tree, questions, quizzes and points rules: who, when, what, and the record
//! before and after; filtered by kind of record and action, newest first. The filters and
//! the page live in the URL; each answer is an `AuditPage`.

use leptos::prelude::*;
use shared::api::audit::{AuditEntry, AuditPage};

use crate::api;
use crate::components::{load, show, Loaded, Page, Pager};
use crate::format::date_time;
use crate::i18n::{locale, t, tf, K};
use crate::router::{use_router, Nav};

pub const PER_PAGE: u32 = 50;

const ENTITIES: [&str; 11] = [
    "member",
    "branch",
    "cell",
    "youth_group",
    "points_rules",
    "points_settings",
    "reminder",
    "question",
    "question_import",
    "quiz",
    "question_report",
];
const ACTIONS: [&str; 7] = [
    "create",
    "update",
    "delete",
    "reset_password",
    "import",
    "send",
    "status",
];

/// The log's filters, as they stand in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: String,
    pub action: String,
    pub page: u32,
}

impl AuditFilter {
    /// `/api/v1/audit?…` for the filters.
    pub fn api_url(&self) -> String {
        let mut u = format!(
            "{}?per_page={PER_PAGE}&page={}",
            api::AUDIT,
            self.page.max(1)
        );
        if !self.entity.is_empty() {
            u += &format!("&entity={}", api::encode_component(&self.entity));
        }
        if !self.action.is_empty() {
            u += &format!("&action={}", api::encode_component(&self.action));
        }
        u
    }

    /// This page's own URL for the filters.
    pub fn page_url(&self) -> String {
        format!(
            "/admin/audit?entity={}&action={}&page={}",
            api::encode_component(&self.entity),
            api::encode_component(&self.action),
            self.page.max(1)
        )
    }
}

/// The record an entry changed: `member#7`, or the kind alone.
pub fn target(e: &AuditEntry) -> String {
    match &e.entity_id {
        Some(id) => format!("{}#{id}", e.entity),
        None => e.entity.clone(),
    }
}

/// A filter's `<select>`: every value after "all".
fn filter_select(
    label: K,
    all: K,
    values: &'static [&'static str],
    current: String,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{t(label)}</span>
            <select class="input" on:change=move |ev| on_pick(event_target_value(&ev))>
                <option value="" selected=current.is_empty()>{t(all)}</option>
                {values
                    .iter()
                    .map(|v| view! { <option value=*v selected=*v == current>{*v}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// One entry: when, who, what on which record, and the record before and after.
fn entry_view(e: AuditEntry) -> impl IntoView {
    let blob = |label: K, text: Option<String>| {
        text.map(|text| {
            view! {
                <details>
                    <summary>{t(label)}</summary>
                    <pre>{text}</pre>
                </details>
            }
        })
    };
    view! {
        <li class="audit-entry">
            <span class="audit-when small muted">{date_time(e.at, locale())}</span>
            <b class="audit-who">{e.actor_name.clone()}</b>
            <span class="audit-what">
                {e.action.clone()}
                " "
                <code>{target(&e)}</code>
            </span>
            <div class="audit-change">
                {blob(K::AuditBefore, e.before)}
                {blob(K::AuditAfter, e.after)}
            </div>
        </li>
    }
}

#[component]
pub fn AdminAudit() -> impl IntoView {
    let router = use_router();
    let filter = Memo::new(move |_| {
        let url = router.url();
        AuditFilter {
            entity: url.param("entity").unwrap_or_default(),
            action: url.param("action").unwrap_or_default(),
            page: url
                .param("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
        }
    });
    let data = load(move || filter.get().api_url());
    let go = move |f: AuditFilter| router.navigate(&f.page_url(), Nav::REPLACE);
    let current = filter.get_untracked();
    let on_page = Callback::new(move |page: u32| {
        go(AuditFilter {
            page,
            ..filter.get_untracked()
        });
        crate::browser::scroll_to_top();
    });
    let entries = show(move |p: AuditPage| {
        if p.items.is_empty() {
            return view! { <p class="card empty">{t(K::AuditEmpty)}</p> }.into_any();
        }
        view! {
            <p class="small muted">{tf(K::AuditTotal, &[("n", &p.total.to_string())])}</p>
            <div class="card audit-card">
                // Column heads for the grid the entries line up in at desk widths.
                <div class="audit-head" aria-hidden="true">
                    <span>{t(K::AuditWhen)}</span>
                    <span>{t(K::AuditWho)}</span>
                    <span>{t(K::AuditWhat)}</span>
                    <span>{t(K::AuditChange)}</span>
                </div>
                <ul class="plain audit">{p.items.into_iter().map(entry_view).collect_view()}</ul>
            </div>
            <Pager page=p.page total=p.total per_page=p.per_page on_page=on_page/>
        }
        .into_any()
    });
    view! {
        <Page class="admin-audit" title=K::AuditTitle back=Some("/")>
            <section class="card form">
                <form id="audit-filter" class="filter-cols" on:submit=|ev| ev.prevent_default()>
                    {filter_select(
                        K::AuditEntity,
                        K::AuditAllEntities,
                        &ENTITIES,
                        current.entity.clone(),
                        move |entity| go(AuditFilter { entity, page: 1, ..filter.get_untracked() }),
                    )}
                    {filter_select(
                        K::AuditAction,
                        K::AuditAllActions,
                        &ACTIONS,
                        current.action.clone(),
                        move |action| go(AuditFilter { action, page: 1, ..filter.get_untracked() }),
                    )}
                </form>
            </section>
            <Loaded data=data lines=6 ok=entries/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_urls_and_entries_name_their_record() {
        let f = AuditFilter {
            entity: "member".into(),
            action: String::new(),
            page: 2,
        };
        assert_eq!(
            f.api_url(),
            "/api/v1/audit?per_page=50&page=2&entity=member"
        );
        assert_eq!(f.page_url(), "/admin/audit?entity=member&action=&page=2");
        let e = AuditEntry {
            id: 1,
            at: 0,
            actor_id: Some(1),
            actor_name: "管理员".into(),
            action: "update".into(),
            entity: "member".into(),
            entity_id: Some("7".into()),
            before: Some(r#"{"name":"<a>"}"#.into()),
            after: None,
        };
        assert_eq!(target(&e), "member#7");
        assert_eq!(
            target(&AuditEntry {
                entity_id: None,
                ..e
            }),
            "member"
        );
    }
}
