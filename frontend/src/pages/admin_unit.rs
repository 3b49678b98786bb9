//! `/admin/dashboard/branches/<id>` and `/admin/dashboard/youth-groups/<id>`: the drill-down
//! from a unit to its members, those with the most unfinished items first — what each has
//! and has not completed in the period, their points and last activity.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::browser::now_ms;
use crate::components::{region, Act, Exporter, Fetch, Page};
use crate::format::date_time;
use crate::html::{el, esc};
use crate::i18n::{locale, t, tf, K};
use crate::json::{i, list, s};
use crate::pages::admin_dashboard::period_query;
use crate::router::use_router;

/// The unit's members (`UnitMembers` JSON).
pub fn unit_html(u: &Value) -> String {
    let titles: Vec<(String, i64, String)> = list(u, "items")
        .iter()
        .map(|it| {
            (
                s(it, "kind").to_string(),
                i(it, "id"),
                s(it, "title").to_string(),
            )
        })
        .collect();
    let title_of = |k: &Value| {
        titles
            .iter()
            .find(|(kind, id, _)| kind == s(k, "kind") && *id == i(k, "id"))
            .map(|(_, _, t)| t.as_str())
            .unwrap_or("")
    };
    let members = list(u, "members");
    let mut h = format!(
        r#"<section class="card"><h2 class="card-title">{}</h2>"#,
        esc(s(u, "name"))
    );
    h += &el(
        "p",
        "small muted",
        &tf(
            K::UnitSummary,
            &[
                ("members", &members.len().to_string()),
                ("items", &titles.len().to_string()),
            ],
        ),
    );
    h += r#"<ul class="plain members-progress">"#;
    for m in members {
        let done = list(m, "completed").len();
        let open = list(m, "unfinished");
        h += &format!(
            r#"<li class="{}"><p><b>{}</b> <span class="small muted">{}</span></p>"#,
            if open.is_empty() { "done" } else { "behind" },
            esc(s(m, "display_name")),
            esc(s(m, "username"))
        );
        h += &el(
            "p",
            "small",
            &tf(
                K::UnitMemberLine,
                &[
                    ("done", &done.to_string()),
                    ("all", &(done + open.len()).to_string()),
                    ("points", &i(m, "points").to_string()),
                    (
                        "last",
                        &m["last_activity_at"]
                            .as_i64()
                            .map(|at| date_time(at, locale()))
                            .unwrap_or_else(|| t(K::UnitNever).to_string()),
                    ),
                ],
            ),
        );
        if !open.is_empty() {
            let names: Vec<&str> = open.iter().map(title_of).collect();
            h += &el(
                "p",
                "small bad",
                &tf(K::UnitUnfinished, &[("items", &names.join("、"))]),
            );
        }
        h += "</li>";
    }
    h + "</ul></section>"
}

#[component]
pub fn AdminUnit(youth_group: bool, id: i64) -> impl IntoView {
    let router = use_router();
    let period = router.url().param("p").unwrap_or_else(|| "quarter".into());
    let path = if youth_group {
        "youth-groups"
    } else {
        "branches"
    };
    let url = format!(
        "{}/{path}/{id}/members?{}",
        api::DASHBOARD,
        period_query(&period, now_ms())
    );
    let data = Fetch::new(move || url.clone());
    let query = format!(
        "unit={}&unit_id={id}&{}",
        if youth_group { "youth_group" } else { "branch" },
        period_query(&period, now_ms())
    );
    let exporter = Exporter::new();
    let html = move || exporter.html() + &data.html(6, |u: Value| unit_html(&u));
    let act = move |a: Act| match a {
        Act::Click(what, _) if exporter.click(&what, &query) => {}
        _ => data.reload(),
    };
    view! {
        <Page class="admin-unit" title=K::UnitTitle back=Some("/admin/dashboard")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_show_what_they_have_and_have_not_finished() {
        let u = json!({
            "unit": "branch", "unit_id": 3, "name": "第一支部", "from": 0, "to": 1,
            "items": [
                { "kind": "module", "id": 1, "title": "党章学习", "module_id": null, "due_at": null },
                { "kind": "quiz", "id": 1, "title": "专项答题", "module_id": null, "due_at": null },
            ],
            "members": [
                { "user_id": 7, "username": "m001", "display_name": "张<三>",
                  "completed": [{ "kind": "module", "id": 1 }], "unfinished": [{ "kind": "quiz", "id": 1 }],
                  "points": 12, "last_activity_at": null },
            ],
        });
        let h = unit_html(&u);
        assert!(h.contains("张&lt;三&gt;"));
        assert!(h.contains("1/2"));
        assert!(h.contains("专项答题"));
        assert!(
            !h.contains("党章学习</p>"),
            "only unfinished items are named"
        );
    }
}
