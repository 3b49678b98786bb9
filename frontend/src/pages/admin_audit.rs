//! `/admin/audit`: the audit log (操作日志) for admins — every change to accounts, the
//! organization tree, questions, quizzes and points rules: who, when, what, and the record
//! before and after; filtered by kind of record and action, newest first.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::components::{pager_html, region, Act, Fetch, Page};
use crate::format::date_time;
use crate::html::{el, esc, select};
use crate::i18n::{locale, t, tf, K};
use crate::json::{i, list, s};
use crate::router::{use_router, Nav};

pub const PER_PAGE: i64 = 50;

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

/// `/api/v1/audit?…` for the filters.
pub fn audit_url(entity: &str, act: &str, page: i64) -> String {
    let mut u = format!("{}?per_page={PER_PAGE}&page={}", api::AUDIT, page.max(1));
    if !entity.is_empty() {
        u += &format!("&entity={entity}");
    }
    if !act.is_empty() {
        u += &format!("&action={act}");
    }
    u
}

fn choices(all: K, values: &[&str]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), t(all).to_string())];
    out.extend(values.iter().map(|v| (v.to_string(), v.to_string())));
    out
}

/// The filter form.
pub fn filter_html(entity: &str, act: &str) -> String {
    format!(
        r#"<section class="card form"><form id="audit-filter" class="row">{}{}</form></section>"#,
        select("entity", &choices(K::AuditAllEntities, &ENTITIES), entity),
        select("action", &choices(K::AuditAllActions, &ACTIONS), act)
    )
}

/// A page of entries (`AuditPage`).
pub fn entries_html(p: &Value, page: i64) -> String {
    let total = i(p, "total");
    let mut h = el(
        "p",
        "small muted",
        &tf(K::AuditTotal, &[("n", &total.to_string())]),
    );
    h += r#"<ul class="plain card audit">"#;
    for e in list(p, "items") {
        h += &format!(
            r#"<li><p><b>{}</b> {} <code>{}{}</code></p>"#,
            esc(s(e, "actor_name")),
            esc(s(e, "action")),
            esc(s(e, "entity")),
            e["entity_id"]
                .as_str()
                .map(|id| format!("#{}", esc(id)))
                .unwrap_or_default()
        );
        h += &el("p", "small muted", &date_time(i(e, "at"), locale()));
        for (key, label) in [("before", K::AuditBefore), ("after", K::AuditAfter)] {
            if let Some(text) = e[key].as_str() {
                h += &format!(
                    "<details><summary>{}</summary><pre>{}</pre></details>",
                    t(label),
                    esc(text)
                );
            }
        }
        h += "</li>";
    }
    h += "</ul>";
    h += &pager_html(page as u32, total, PER_PAGE as u32);
    h
}

#[component]
pub fn AdminAudit() -> impl IntoView {
    // The filters live in the page's URL (`?entity=…&action=…&page=…`).
    let router = use_router();
    let param = move |k: &str| router.url().param(k).unwrap_or_default();
    let page = move || param("page").parse::<i64>().unwrap_or(1);
    let data = Fetch::new(move || audit_url(&param("entity"), &param("action"), page()));
    let go = move |entity: &str, act: &str, page: i64| {
        router.navigate(
            &format!("/admin/audit?entity={entity}&action={act}&page={page}"),
            Nav::REPLACE,
        )
    };
    let act = move |a: Act| match a {
        Act::Change(_, _, f) => go(f.text("entity"), f.text("action"), 1),
        Act::Click(what, n) if what == "page" => go(&param("entity"), &param("action"), n),
        _ => data.reload(),
    };
    let html = move || {
        let p = page();
        filter_html(&param("entity"), &param("action"))
            + &data.html(6, |v: Value| entries_html(&v, p))
    };
    view! {
        <Page class="admin-audit" title=K::AuditTitle back=Some("/")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_show_who_what_and_the_change() {
        assert_eq!(
            audit_url("member", "", 2),
            "/api/v1/audit?per_page=50&page=2&entity=member"
        );
        let h = entries_html(
            &json!({ "total": 120, "page": 2, "per_page": 50, "items": [{
                "id": 1, "at": 0, "actor_id": 1, "actor_name": "管理员", "action": "update",
                "entity": "member", "entity_id": "7", "before": "{\"name\":\"<a>\"}", "after": null,
            }]}),
            2,
        );
        assert!(h.contains("<code>member#7</code>"));
        assert!(h.contains("{&quot;name&quot;:&quot;&lt;a&gt;&quot;}"));
        assert!(!h.contains(t(K::AuditAfter)));
        assert!(h.contains("2/3"));
        assert!(filter_html("member", "").contains(r#"<option value="member" selected>"#));
    }
}
