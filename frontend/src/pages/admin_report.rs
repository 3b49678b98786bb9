//! `/admin/reports?kind=quarter|half|year`: the periodic reports of the work plan's cycle —
//! 季度督导 (quarter), 半年研究 (half year), 全年考核 (year). Per branch and youth group:
//! completion rate, average score, completions and the member × item assignments still
//! open, and the trend against the previous period. The figures are the dashboard's own
//! (the same API over the two periods), so report and dashboard always agree. Printable.

use leptos::prelude::*;
use serde_json::Value;

use crate::api;
use crate::browser::now_ms;
use crate::charts::tenths;
use crate::components::{region, Act, Fetch, Page};
use crate::format::{date, period_start, previous_period};
use crate::html::{action, el, esc};
use crate::i18n::{locale, t, K};
use crate::json::{f, i, list, s};
use crate::pages::admin_dashboard::export_links;
use crate::router::use_router;

/// The report's title key of a kind.
pub fn report_key(kind: &str) -> K {
    match kind {
        "half" => K::ReportHalf,
        "year" => K::ReportYear,
        _ => K::ReportQuarter,
    }
}

/// The trend of a rate against the previous period's (`+12.5` / `-3.0` / `—`).
pub fn trend(now: f64, before: Option<f64>) -> String {
    match before {
        Some(b) => {
            let d = now - b;
            format!("{}{}", if d >= 0.0 { "+" } else { "" }, tenths(d))
        }
        None => "—".into(),
    }
}

fn table_html(title: K, units: &[Value], previous: &[Value]) -> String {
    if units.is_empty() {
        return String::new();
    }
    let mut h = String::from(r#"<section class="card report-table">"#);
    h += &el("h2", "card-title", t(title));
    h += r#"<div class="table-wrap"><table class="table"><thead><tr>"#;
    for k in [
        K::ReportUnit,
        K::ReportRate,
        K::ReportTrend,
        K::ReportAverage,
        K::ReportDone,
        K::ReportBehind,
    ] {
        h += &el("th", "", t(k));
    }
    h += "</tr></thead><tbody>";
    for u in units {
        let st = &u["stats"];
        let rate = f(st, "completion_rate");
        let before = previous
            .iter()
            .find(|p| i(p, "unit_id") == i(u, "unit_id"))
            .map(|p| f(&p["stats"], "completion_rate"));
        h += &format!(
            "<tr><td>{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
            esc(s(u, "name")),
            tenths(rate),
            trend(rate, before),
            st["average_score"]
                .as_f64()
                .map(tenths)
                .unwrap_or_else(|| "—".into()),
            i(st, "completed"),
            i(st, "assigned"),
            (i(st, "assigned") - i(st, "completed")).max(0),
        );
    }
    h + "</tbody></table></div></section>"
}

/// The report over `now` (a `Dashboard`) against `before` (the previous period's).
pub fn report_html(kind: &str, now: &Value, before: &Value, from: i64, to: i64) -> String {
    let mut h = String::from(r#"<section class="card report-head">"#);
    h += &el("h2", "card-title", t(report_key(kind)));
    h += &el(
        "p",
        "small muted",
        &format!("{} – {}", date(from, locale()), date(to, locale())),
    );
    let rate = f(&now["total"], "completion_rate");
    h += &format!(
        r#"<p class="big-rate">{}% <span class="small">{} {}</span></p>"#,
        tenths(rate),
        t(K::ReportTrend),
        trend(rate, before["total"]["completion_rate"].as_f64())
    );
    h += &action(
        "print",
        0,
        "btn-ghost btn-small no-print",
        t(K::ReportPrint),
    );
    h += "</section>";
    h += &table_html(
        K::DashBranches,
        list(now, "branches"),
        list(before, "branches"),
    );
    h += &table_html(
        K::DashYouthGroups,
        list(now, "youth_groups"),
        list(before, "youth_groups"),
    );
    h
}

#[component]
pub fn AdminReport() -> impl IntoView {
    let router = use_router();
    let kind = router
        .url()
        .param("kind")
        .unwrap_or_else(|| "quarter".into());
    let kind = match kind.as_str() {
        "half" | "year" => kind,
        _ => "quarter".to_string(),
    };
    let to = now_ms();
    let from = period_start(&kind, to).unwrap_or(0);
    let (prev_from, prev_to) = previous_period(&kind, from).unwrap_or((0, from));
    let now = Fetch::new(move || format!("{}?from={from}&to={to}", api::DASHBOARD));
    let before = Fetch::new(move || format!("{}?from={prev_from}&to={prev_to}", api::DASHBOARD));
    let k = kind.clone();
    let links = export_links(
        K::ExportReport,
        "report",
        &format!("kind={kind}&from={from}&to={to}&previous_from={prev_from}"),
    );
    let html = move || {
        now.html(6, |n: Value| {
            before.html(2, |b: Value| report_html(&k, &n, &b, from, to) + &links)
        })
    };
    let act = move |a: Act| {
        if let Act::Click(what, _) = a {
            if what == "print" {
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            } else {
                now.reload();
                before.reload();
            }
        }
    };
    view! {
        <Page class="admin-report" title=report_key(&kind) back=Some("/admin/dashboard")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dash(rate: f64, completed: i64) -> Value {
        json!({ "from": 0, "to": 1,
            "total": { "assigned": 10, "started": 5, "completed": completed, "completion_rate": rate, "average_score": null },
            "branches": [{ "unit_id": 3, "name": "第一支部", "stats":
                { "assigned": 10, "started": 5, "completed": completed, "completion_rate": rate, "average_score": 75.0 } }],
            "youth_groups": [], "items": [] })
    }

    #[test]
    fn the_report_compares_with_the_previous_period() {
        let h = report_html("quarter", &dash(60.0, 6), &dash(45.0, 4), 0, 1);
        assert!(
            h.contains(
                "<td>第一支部</td><td>60.0%</td><td>+15.0</td><td>75.0</td><td>6/10</td><td>4</td>"
            ),
            "{h}"
        );
        assert!(h.contains(t(K::ReportQuarter)));
        assert_eq!(trend(40.0, Some(52.5)), "-12.5");
        assert_eq!(trend(40.0, None), "—");
    }
}
