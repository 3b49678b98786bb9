//! `/admin/reports?kind=quarter|half|year`: the periodic reports of the work plan's cycle —
//! 季度督导 (quarter), 半年研究 (half year), 全年考核 (year). Per branch and youth group:
//! completion rate, average score, completions and the member × item assignments still
//! open, and the trend against the previous period. The figures are the dashboard's own
//! (the same API over the two periods, decoded as `Dashboard`s), so report and dashboard
//! always agree. Printable.

use leptos::prelude::*;
use shared::api::dashboard::{Dashboard, UnitStats};

use crate::api;
use crate::browser::now_ms;
use crate::charts::tenths;
use crate::components::{load, show, Loaded, Page};
use crate::format::{date, period_start, previous_period};
use crate::i18n::{locale, t, K};
use crate::pages::admin_dashboard::{average, export_links};
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

/// One row of a report table: unit, rate, trend, average, completed/assigned, still open.
pub fn report_row(u: &UnitStats, previous: &[UnitStats]) -> [String; 6] {
    let st = &u.stats;
    let before = previous
        .iter()
        .find(|p| p.unit_id == u.unit_id)
        .map(|p| p.stats.completion_rate);
    [
        u.name.clone(),
        format!("{}%", tenths(st.completion_rate)),
        trend(st.completion_rate, before),
        average(st),
        format!("{}/{}", st.completed, st.assigned),
        (st.assigned - st.completed).max(0).to_string(),
    ]
}

const HEADS: [K; 6] = [
    K::ReportUnit,
    K::ReportRate,
    K::ReportTrend,
    K::ReportAverage,
    K::ReportDone,
    K::ReportBehind,
];

fn table_view(title: K, units: Vec<UnitStats>, previous: Vec<UnitStats>) -> impl IntoView {
    (!units.is_empty()).then(|| {
        view! {
            <section class="card report-table">
                <h2 class="card-title">{t(title)}</h2>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>{HEADS.iter().map(|k| view! { <th scope="col">{t(*k)}</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>
                            {units
                                .iter()
                                .map(|u| {
                                    let cells = report_row(u, &previous);
                                    view! { <tr>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
    })
}

/// The report over `now` against `before` (the previous period's dashboard).
fn report_view(
    kind: String,
    now: Dashboard,
    before: Dashboard,
    from: i64,
    to: i64,
) -> impl IntoView {
    let rate = now.total.completion_rate;
    view! {
        <section class="card report-head">
            <h2 class="card-title">{t(report_key(&kind))}</h2>
            <p class="small muted">{format!("{} – {}", date(from, locale()), date(to, locale()))}</p>
            <p class="big-rate">
                {format!("{}% ", tenths(rate))}
                <span class="small">
                    {format!("{} {}", t(K::ReportTrend), trend(rate, Some(before.total.completion_rate)))}
                </span>
            </p>
            <button
                type="button"
                class="btn btn-ghost btn-small no-print"
                on:click=|_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }
            >
                {t(K::ReportPrint)}
            </button>
        </section>
        {table_view(K::DashBranches, now.branches, before.branches)}
        {table_view(K::DashYouthGroups, now.youth_groups, before.youth_groups)}
    }
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
    let now = load(move || format!("{}?from={from}&to={to}", api::DASHBOARD));
    let before = load(move || format!("{}?from={prev_from}&to={prev_to}", api::DASHBOARD));
    let export_query = format!("kind={kind}&from={from}&to={to}&previous_from={prev_from}");
    let k = kind.clone();
    let ok = show(move |n: Dashboard| {
        let (k, n) = (k.clone(), n.clone());
        view! {
            <Loaded
                data=before
                lines=2
                ok=show(move |b: Dashboard| report_view(k.clone(), n.clone(), b, from, to))
            />
        }
    });
    view! {
        <Page class="admin-report" title=report_key(&kind) back=Some("/admin/dashboard")>
            <Loaded data=now lines=6 ok=ok/>
            {export_links(K::ExportReport, "report", export_query)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::dashboard::CompletionStats;

    fn unit(rate: f64, completed: i64) -> UnitStats {
        UnitStats {
            unit_id: 3,
            name: "第一支部".into(),
            stats: CompletionStats {
                assigned: 10,
                started: 5,
                completed,
                completion_rate: rate,
                average_score: Some(75.0),
            },
        }
    }

    #[test]
    fn the_report_compares_with_the_previous_period() {
        assert_eq!(
            report_row(&unit(60.0, 6), &[unit(45.0, 4)]),
            ["第一支部", "60.0%", "+15.0", "75.0", "6/10", "4"].map(String::from)
        );
        // A unit new in this period has no trend.
        assert_eq!(report_row(&unit(60.0, 6), &[])[2], "—");
        assert_eq!(trend(40.0, Some(52.5)), "-12.5");
        assert_eq!(report_key("year"), K::ReportYear);
        assert_eq!(report_key("nonsense"), K::ReportQuarter);
    }
}
