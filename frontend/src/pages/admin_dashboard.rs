//! `/admin/dashboard`: the completion dashboard (完成率看板) for admins (the organization)
//! and organizers (their units) — over a chosen period: the totals; completion rate per
//! branch and per youth group as bars, each opening its members; completion over time as a
//! line; correctness by question category and branch as a heatmap (weak topics stand
//! out); every assigned module and quiz with its figures and a button that reminds the
//! members who have not finished it.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::browser::now_ms;
use crate::charts::{bars_svg, heatmap_html, line_svg, tenths};
use crate::choices::keyed;
use crate::components::{error_text, region, Act, Exporter, Fetch, Page};
use crate::format::period_start;
use crate::html::{action, banner, el, esc, field, select};
use crate::i18n::{t, tf, K};
use crate::json::{f, i, list, s};
use crate::router::{use_router, Nav};

/// The period choices, by the name the URL carries (`?p=quarter`).
pub fn period_options() -> Vec<(String, String)> {
    keyed(&[
        ("month", K::PeriodMonth),
        ("quarter", K::PeriodQuarter),
        ("half", K::PeriodHalf),
        ("year", K::PeriodYear),
        ("all", K::PeriodAll),
    ])
}

/// `?from=…&to=…` of a period name at `now` (all time: only `to`).
pub fn period_query(period: &str, now: i64) -> String {
    match period_start(period, now) {
        Some(from) => format!("from={from}&to={now}"),
        None => format!("to={now}"),
    }
}

/// One line of figures (`CompletionStats`).
pub fn stats_line(st: &Value) -> String {
    let avg = st["average_score"]
        .as_f64()
        .map(tenths)
        .unwrap_or_else(|| "—".into());
    tf(
        K::DashStats,
        &[
            ("assigned", &i(st, "assigned").to_string()),
            ("started", &i(st, "started").to_string()),
            ("completed", &i(st, "completed").to_string()),
            ("rate", &tenths(f(st, "completion_rate"))),
            ("avg", &avg),
        ],
    )
}

fn unit_rows(units: &[Value]) -> Vec<(String, f64)> {
    units
        .iter()
        .map(|u| (s(u, "name").to_string(), f(&u["stats"], "completion_rate")))
        .collect()
}

/// Bars of a kind of unit, then a link per unit to its members.
fn units_html(title: K, units: &[Value], path: &str, period: &str) -> String {
    if units.is_empty() {
        return String::new();
    }
    let mut h = String::from(r#"<section class="card">"#);
    h += &el("h2", "card-title", t(title));
    h += &bars_svg(t(title), &unit_rows(units));
    h += r#"<ul class="link-list units">"#;
    for u in units {
        h += &format!(
            r#"<li><a class="link-row" href="/admin/dashboard/{path}/{}?p={period}"><span class="link-title">{}</span><span class="link-desc">{}</span></a></li>"#,
            i(u, "unit_id"),
            esc(s(u, "name")),
            esc(&stats_line(&u["stats"]))
        );
    }
    h + "</ul></section>"
}

/// The dashboard (`Dashboard` JSON) below the period choice.
pub fn dashboard_html(d: &Value, period: &str) -> String {
    let mut h = String::from(r#"<section class="card summary">"#);
    h += &el("h2", "card-title", t(K::DashTotal));
    h += &format!(
        r#"<p class="big-rate">{}%</p>"#,
        tenths(f(&d["total"], "completion_rate"))
    );
    h += &el("p", "small muted", &stats_line(&d["total"]));
    h += "</section>";
    h += &units_html(K::DashBranches, list(d, "branches"), "branches", period);
    h += &units_html(
        K::DashYouthGroups,
        list(d, "youth_groups"),
        "youth-groups",
        period,
    );
    h
}

/// Completion over time (`Timeline` JSON) as a line of the cumulative rate.
pub fn timeline_html(tl: &Value) -> String {
    let points: Vec<(String, f64)> = list(tl, "points")
        .iter()
        .map(|p| (s(p, "label").to_string(), f(p, "cumulative_rate")))
        .collect();
    if points.is_empty() {
        return String::new();
    }
    let mut h = String::from(r#"<section class="card">"#);
    h += &el("h2", "card-title", t(K::DashTimeline));
    h += &line_svg(t(K::DashTimeline), &points);
    h + "</section>"
}

/// Correctness by category (rows) and branch (columns), from `Heatmap` JSON.
pub fn heat_html(hm: &Value) -> String {
    let axis = |key: &str| -> Vec<(i64, String)> {
        list(hm, key)
            .iter()
            .map(|n| (i(n, "id"), s(n, "name").to_string()))
            .collect()
    };
    let (rows, cols) = (axis("categories"), axis("branches"));
    if rows.is_empty() || cols.is_empty() {
        return String::new();
    }
    let cells = list(hm, "cells");
    let mut h = String::from(r#"<section class="card">"#);
    h += &el("h2", "card-title", t(K::DashHeatmap));
    h += &el("p", "small muted", t(K::DashHeatmapHint));
    h += &heatmap_html(t(K::DashHeatmap), &rows, &cols, |r, c| {
        cells
            .iter()
            .find(|x| i(x, "category_id") == r && i(x, "branch_id") == c)
            .map(|x| (f(x, "rate"), i(x, "answered")))
    });
    h + "</section>"
}

/// Every assigned module and quiz with its figures and a reminder button.
pub fn items_html(d: &Value) -> String {
    let items = list(d, "items");
    let mut h = String::from(r#"<section class="card items">"#);
    h += &el("h2", "card-title", t(K::DashItems));
    if items.is_empty() {
        return h + &el("p", "muted", t(K::DashNoItems)) + "</section>";
    }
    for it in items {
        let item = &it["item"];
        let kind = s(item, "kind");
        let total = &it["total"];
        h += r#"<div class="item-row">"#;
        h += &format!(
            r#"<p><span class="badge">{}</span> <b>{}</b></p>"#,
            t(if kind == "quiz" {
                K::DashQuiz
            } else {
                K::DashModule
            }),
            esc(s(item, "title"))
        );
        h += &el("p", "small muted", &stats_line(total));
        h += &crate::html::bar(f(total, "completion_rate").round() as i64, s(item, "title"));
        if i(total, "completed") < i(total, "assigned") {
            h += &action(
                &format!("remind-{kind}"),
                i(item, "id"),
                "btn-ghost btn-small",
                t(K::DashRemind),
            );
        }
        h += "</div>";
    }
    h + "</section>"
}

/// Links that download an export (`what`: `dashboard`, `members`, `report`) as XLSX and
/// CSV, with `query` (the period and what else it needs).
pub fn export_links(label: K, what: &str, query: &str) -> String {
    format!(
        r#"<p class="small export">{}<a href="/api/v1/exports/{what}?format=xlsx&{query}" download>Excel</a> <a href="/api/v1/exports/{what}?format=csv&{query}" download>CSV</a></p>"#,
        t(label)
    )
}

/// The period form, the links to the reports and the exports (`members`: the members
/// export's buttons and job, from [`Exporter`]).
pub fn tools_html(period: &str, query: &str, members: &str) -> String {
    let mut h = String::from(r#"<section class="card form"><form id="period">"#);
    h += &field(t(K::DashPeriod), &select("p", &period_options(), period));
    h += "</form>";
    h += &export_links(K::ExportTables, "dashboard", query);
    h += members;
    h += &format!(
        r#"<p class="small"><a href="/admin/reports?kind=quarter">{}</a> · <a href="/admin/reports?kind=half">{}</a> · <a href="/admin/reports?kind=year">{}</a></p>"#,
        t(K::ReportQuarter),
        t(K::ReportHalf),
        t(K::ReportYear)
    );
    h + "</section>"
}

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let router = use_router();
    let period = move || {
        router
            .url()
            .param("p")
            .unwrap_or_else(|| "quarter".to_string())
    };
    // One `now` for the page, so the three requests describe the same period.
    let now = now_ms();
    let query = move || period_query(&period(), now);
    let dash = Fetch::new(move || format!("{}?{}", api::DASHBOARD, query()));
    let timeline = Fetch::new(move || {
        let bucket = if period() == "month" { "day" } else { "week" };
        format!("{}/timeline?bucket={bucket}&{}", api::DASHBOARD, query())
    });
    let heat = Fetch::new(move || format!("{}/heatmap?{}", api::DASHBOARD, query()));
    let notice = RwSignal::new(None::<(bool, String)>);
    let exporter = Exporter::new();

    let act = move |a: Act| match a {
        Act::Change(_, _, fields) => router.navigate(
            &format!("/admin/dashboard?p={}", fields.text("p")),
            Nav::REPLACE,
        ),
        Act::Click(what, _) if exporter.click(&what, &query()) => {}
        Act::Click(what, id) => {
            let Some(kind) = what.strip_prefix("remind-") else {
                dash.reload();
                return;
            };
            let body = format!(r#"{{"item_kind":"{kind}","item_id":{id}}}"#);
            api::spawn_call("POST", api::REMINDERS.into(), Some(body), move |r| {
                notice.try_set(Some(match r {
                    Ok(v) => (
                        true,
                        tf(K::DashReminded, &[("n", &i(&v, "recipients").to_string())]),
                    ),
                    Err(e) => (false, error_text(&e)),
                }));
                crate::browser::scroll_to_top();
            });
        }
        Act::Submit(..) => {}
    };

    let html = move || {
        let p = period();
        let mut h = notice.with(|n| n.as_ref().map(|(ok, m)| banner(*ok, m)).unwrap_or_default());
        h += &tools_html(&p, &query(), &exporter.html());
        h += &dash.html(6, |d: Value| dashboard_html(&d, &p));
        if let Some(Ok(tl)) = timeline.get() {
            h += &timeline_html(&tl);
        }
        if let Some(Ok(hm)) = heat.get() {
            h += &heat_html(&hm);
        }
        if let Some(Ok(d)) = dash.get() {
            h += &items_html(&d);
        }
        h
    };

    view! {
        <Page class="admin-dashboard" title=K::DashTitle back=Some("/")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stats(assigned: i64, completed: i64, rate: f64) -> Value {
        json!({ "assigned": assigned, "started": completed + 1, "completed": completed,
                "completion_rate": rate, "average_score": 81.25 })
    }

    #[test]
    fn the_dashboard_shows_totals_units_and_items() {
        let d = json!({
            "from": 0, "to": 1, "total": stats(10, 4, 40.0),
            "branches": [{ "unit_id": 3, "name": "第一支部", "stats": stats(6, 3, 50.0) }],
            "youth_groups": [],
            "items": [{
                "item": { "kind": "quiz", "id": 9, "title": "专项<答题>", "module_id": null, "due_at": null },
                "total": stats(10, 4, 40.0), "branches": [], "youth_groups": [],
            }],
        });
        let h = dashboard_html(&d, "quarter");
        assert!(h.contains("40.0%"));
        assert!(h.contains(r#"href="/admin/dashboard/branches/3?p=quarter""#));
        assert!(h.contains(r#"width="70""#), "50% of the 140-wide track");
        assert!(!h.contains("youth-groups"), "no youth groups, no section");
        let items = items_html(&d);
        assert!(items.contains("专项&lt;答题&gt;"));
        assert!(items.contains(r#"data-action="remind-quiz" data-id="9""#));
        assert!(items.contains("81.3"));
    }

    #[test]
    fn charts_of_the_timeline_and_the_heatmap() {
        let tl = json!({ "bucket": "week", "assigned": 10, "points": [
            { "start": 0, "label": "2026-04-06", "completed": 1, "cumulative": 1, "cumulative_rate": 10.0 },
            { "start": 1, "label": "2026-04-13", "completed": 3, "cumulative": 4, "cumulative_rate": 40.0 },
        ]});
        let h = timeline_html(&tl);
        assert!(h.contains("<polyline"));
        assert!(h.contains("2026-04-13"));
        let hm = json!({ "from": 0, "to": 1,
            "categories": [{ "id": 5, "name": "党章" }], "branches": [{ "id": 3, "name": "第一支部" }],
            "cells": [{ "branch_id": 3, "category_id": 5, "answered": 8, "correct": 2, "rate": 25.0 }] });
        assert!(heat_html(&hm).contains(">25.0<"));
        assert!(heat_html(&json!({ "categories": [], "branches": [] })).is_empty());
    }

    #[test]
    fn periods_become_queries() {
        let now = crate::format::parse_datetime("2026-05-20T10:00").unwrap();
        let from = crate::format::parse_datetime("2026-04-01T00:00").unwrap();
        assert_eq!(
            period_query("quarter", now),
            format!("from={from}&to={now}")
        );
        assert_eq!(period_query("all", now), format!("to={now}"));
        let h = tools_html("half", "to=5", "<p>members</p>");
        assert!(h.contains(r#"<option value="half" selected>"#));
        assert!(h.contains(r#"href="/api/v1/exports/dashboard?format=csv&to=5" download"#));
        assert!(h.contains("<p>members</p>"));
    }
}
