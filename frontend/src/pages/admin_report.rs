//! `/admin/reports?period=2026-Q3`: the reports of the work plan's cycle for any period —
//! 月度提醒 (a month), 季度督导 (a quarter), 半年研究 (a half-year), 全年考核 (a year) or a
//! custom range (`shared::period`; the older `?kind=quarter` opens the current one). One
//! tap picks 上季度 or 去年; ‹ 上一期 / 下一期 › walk to any earlier one. Per branch and
//! youth group: completion rate, the change against the previous period (only when that
//! period has data), average score, completions and what is still open; every module and
//! quiz; the non-completers by name per unit, each unit opening its drill-down; what
//! "completed" means; the report and the member × item matrix as downloads. The figures
//! are the dashboard's own (`Dashboard`, `NonCompleters`), so report and dashboard agree.
//! Printable.

use leptos::prelude::*;
use shared::api::dashboard::{Dashboard, ItemKind, NonCompleters, UnitKind, UnitStats};
use shared::period::Period;

use crate::api;
use crate::browser::now_ms;
use crate::charts::tenths;
use crate::components::{load, show, Loaded, Page};
use crate::i18n::{t, tf, K};
use crate::pages::admin_dashboard::{average, export_href, export_links};
use crate::router::{use_router, Nav};

/// The report's title key of a period.
pub fn report_key(p: &Period) -> K {
    match p {
        Period::Month { .. } => K::ReportMonth,
        Period::Quarter { .. } => K::ReportQuarter,
        Period::Half { .. } => K::ReportHalf,
        Period::Year { .. } => K::ReportYear,
        Period::Range { .. } => K::ReportRange,
    }
}

/// The period a report address names: `?period=` when it reads, else the current period of
/// `?kind=` (default: the quarter) at `now`.
pub fn asked_period(period: Option<&str>, kind: Option<&str>, now: i64) -> Period {
    period
        .and_then(|p| Period::parse(p).ok())
        .unwrap_or_else(|| Period::containing(kind.unwrap_or("quarter"), now))
}

/// The one-tap choices at `now`: this and the previous month, quarter, half-year and year.
pub fn presets(now: i64) -> Vec<(K, Period)> {
    let mut out = Vec::new();
    for (kind, this, last) in [
        ("month", K::PeriodThisMonth, K::PeriodLastMonth),
        ("quarter", K::PeriodThisQuarter, K::PeriodLastQuarter),
        ("half", K::PeriodThisHalf, K::PeriodLastHalf),
        ("year", K::PeriodThisYear, K::PeriodLastYear),
    ] {
        let p = Period::containing(kind, now);
        out.push((this, p));
        if let Some(before) = p.previous() {
            out.push((last, before));
        }
    }
    out
}

/// The address of a period's report.
pub fn report_href(p: &Period) -> String {
    format!("/admin/reports?period={}", p.key())
}

/// The next period of the same kind (`None` for a range, or past 9999).
pub fn next_period(p: &Period) -> Option<Period> {
    let (_, end) = p.bounds();
    let next = Period::containing(p.kind(), end);
    (!matches!(p, Period::Range { .. }) && next.previous() == Some(*p)).then_some(next)
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

/// Whether a period's dashboard has anything to compare with (someone started or finished).
pub fn has_data(d: &Dashboard) -> bool {
    d.total.started > 0 || d.total.completed > 0
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

/// Every assigned module and quiz with its figures over the period.
fn items_view(d: &Dashboard) -> impl IntoView {
    let rows = d
        .items
        .iter()
        .map(|it| {
            let st = &it.total;
            let kind = t(if it.item.kind == ItemKind::Quiz {
                K::DashQuiz
            } else {
                K::DashModule
            });
            view! {
                <tr>
                    <td><span class="badge">{kind}</span>" "{it.item.title.clone()}</td>
                    <td>{format!("{}%", tenths(st.completion_rate))}</td>
                    <td>{average(st)}</td>
                    <td>{format!("{}/{}", st.completed, st.assigned)}</td>
                    <td>{(st.assigned - st.completed).max(0).to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card report-items">
            <h2 class="card-title">{t(K::ReportByItem)}</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t(K::ReportItem)}</th>
                            <th scope="col">{t(K::ReportRate)}</th>
                            <th scope="col">{t(K::ReportAverage)}</th>
                            <th scope="col">{t(K::ReportDone)}</th>
                            <th scope="col">{t(K::ReportBehind)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The non-completers by name, a card per unit that has any, each opening its drill-down.
fn names_view(nc: NonCompleters, key: String) -> impl IntoView {
    let behind: Vec<_> = nc
        .units
        .into_iter()
        .filter(|u| !u.non_completers.is_empty())
        .collect();
    let body = if behind.is_empty() {
        view! { <p class="muted">{t(K::ReportNoneBehind)}</p> }.into_any()
    } else {
        behind
            .into_iter()
            .map(|u| {
                let path = match u.unit {
                    UnitKind::Branch => "branches",
                    UnitKind::YouthGroup => "youth-groups",
                };
                let href = format!("/admin/dashboard/{path}/{}?period={key}", u.unit_id);
                let count = tf(
                    K::ReportUnitBehind,
                    &[
                        ("n", &u.non_completers.len().to_string()),
                        ("all", &u.members.to_string()),
                    ],
                );
                view! {
                    <div class="non-completers" data-unit=u.name.clone()>
                        <h3 class="unit-name">
                            {u.name.clone()}
                            " "
                            <span class="small bad">{count}</span>
                            " "
                            <a class="small no-print" href=href>{t(K::ReportOpenUnit)}</a>
                        </h3>
                        <ul class="plain name-list">
                            {u
                                .non_completers
                                .into_iter()
                                .map(|m| {
                                    let left = tf(K::ReportItemsLeft, &[("n", &m.unfinished.len().to_string())]);
                                    view! {
                                        <li title=m.unfinished.join("、")>
                                            <b>{m.display_name}</b>
                                            " "
                                            <span class="small muted">{left}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card report-names">
            <h2 class="card-title">{t(K::ReportNonCompleters)}</h2>
            {body}
        </section>
    }
}

/// The report over `now` against `before` (the previous period's dashboard, if any).
fn report_view(p: Period, now: Dashboard, before: Option<Dashboard>) -> impl IntoView {
    let rate = now.total.completion_rate;
    let (first, last) = p.span_text();
    let previous = before.filter(has_data);
    let versus = match (&previous, p.previous()) {
        (Some(b), Some(bp)) => tf(
            K::ReportVsPrevious,
            &[
                ("label", &bp.label()),
                ("delta", &trend(rate, Some(b.total.completion_rate))),
            ],
        ),
        _ => t(K::ReportNoPrevious).to_string(),
    };
    let (prev_branches, prev_groups) = previous
        .map(|b| (b.branches, b.youth_groups))
        .unwrap_or_default();
    view! {
        <section class="card report-head">
            <h2 class="card-title">{format!("{} · {}", t(report_key(&p)), p.label())}</h2>
            <p class="small muted">{format!("{first} – {last}")}</p>
            <p class="big-rate">{format!("{}%", tenths(rate))}</p>
            <p class="small report-versus">{versus}</p>
            <p class="small muted completed-means">{t(K::CompletedMeans)}</p>
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
        {table_view(K::DashBranches, now.branches.clone(), prev_branches)}
        {table_view(K::DashYouthGroups, now.youth_groups.clone(), prev_groups)}
        {(!now.items.is_empty()).then(|| items_view(&now))}
    }
}

/// The period chooser: presets, earlier/later, and a custom range of dates.
fn chooser(p: Period, now: i64) -> impl IntoView {
    let router = use_router();
    let (first, last) = p.span_text();
    let from = RwSignal::new(first);
    let to = RwSignal::new(last);
    let error = RwSignal::new(None::<String>);
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Period::parse(&format!("{}~{}", from.get_untracked(), to.get_untracked())) {
            Ok(range) => router.navigate(&report_href(&range), Nav::REPLACE),
            Err(e) => error.set(Some(e.0)),
        }
    };
    let chips = presets(now)
        .into_iter()
        .map(|(label, q)| {
            view! {
                <a
                    class="chip"
                    href=report_href(&q)
                    aria-current=(q == p).then_some("page")
                    data-period=q.key()
                >
                    {t(label)}
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="card report-chooser no-print">
            <p class="label">{t(K::ReportPresets)}</p>
            <nav class="chips" aria-label=t(K::ReportPresets)>{chips}</nav>
            <p class="report-walk">
                {p
                    .previous()
                    .map(|b| view! { <a class="btn btn-ghost btn-small" href=report_href(&b)>{t(K::ReportEarlier)}</a> })}
                " "
                {next_period(&p)
                    .map(|n| view! { <a class="btn btn-ghost btn-small" href=report_href(&n)>{t(K::ReportLater)}</a> })}
            </p>
            <form class="form report-range" on:submit=go novalidate>
                <span class="label">{t(K::ReportCustom)}</span>
                <div class="range-fields">
                    <label class="field">
                        <span class="label small">{t(K::ReportFrom)}</span>
                        <input
                            class="input"
                            type="date"
                            name="from"
                            prop:value=from
                            on:input=move |ev| from.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field">
                        <span class="label small">{t(K::ReportTo)}</span>
                        <input
                            class="input"
                            type="date"
                            name="to"
                            prop:value=to
                            on:input=move |ev| to.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit" class="btn btn-primary">{t(K::ReportShow)}</button>
                </div>
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </form>
        </section>
    }
}

/// The whole page for one period: its loads are made here, so a new period loads anew.
fn report_page(p: Period, now: i64) -> impl IntoView {
    let key = p.key();
    let q = format!("period={key}");
    let dash = {
        let q = q.clone();
        load(move || format!("{}?{q}", api::DASHBOARD))
    };
    let names = {
        let q = q.clone();
        load(move || format!("{}/non-completers?{q}", api::DASHBOARD))
    };
    let before = p.previous().map(|b| {
        let k = b.key();
        load(move || format!("{}?period={k}", api::DASHBOARD))
    });
    let ok = show(move |n: Dashboard| match before {
        Some(b) => view! {
            <Loaded
                data=b
                lines=2
                ok=show(move |b: Dashboard| report_view(p, n.clone(), Some(b)))
            />
        }
        .into_any(),
        None => report_view(p, n, None).into_any(),
    });
    let k = key.clone();
    view! {
        {chooser(p, now)}
        <Loaded data=dash lines=6 ok=ok/>
        <Loaded data=names lines=3 ok=show(move |nc: NonCompleters| names_view(nc, k.clone()))/>
        <div class="no-print">
            {export_links(K::ExportReport, "report", q.clone())}
            <p class="small export">
                <a href=export_href("matrix", "xlsx", &q) download="" data-action="matrix">
                    {t(K::ExportMatrix)}
                </a>
            </p>
        </div>
    }
}

#[component]
pub fn AdminReport() -> impl IntoView {
    let router = use_router();
    let now = now_ms();
    let period = Memo::new(move |_| {
        let url = router.url();
        asked_period(
            url.param("period").as_deref(),
            url.param("kind").as_deref(),
            now,
        )
    });
    view! {
        <Page class="admin-report" title=K::PeriodReportsTitle back=Some("/admin/dashboard")>
            {move || report_page(period.get(), now)}
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
        // A unit new in this period (or a previous period without data) has no trend.
        assert_eq!(report_row(&unit(60.0, 6), &[])[2], "—");
        assert_eq!(trend(40.0, Some(52.5)), "-12.5");
    }

    #[test]
    fn periods_are_picked_in_one_tap_and_walked() {
        // 2026-12-08 10:00 in Beijing.
        let now = crate::format::parse_datetime("2026-12-08T10:00").unwrap();
        let all = presets(now);
        let find = |k: K| all.iter().find(|(l, _)| *l == k).unwrap().1.key();
        assert_eq!(find(K::PeriodLastQuarter), "2026-Q3");
        assert_eq!(find(K::PeriodLastYear), "2025");
        assert_eq!(find(K::PeriodLastMonth), "2026-11");
        assert_eq!(find(K::PeriodThisHalf), "2026-H2");
        let q3 = Period::parse("2026-Q3").unwrap();
        assert_eq!(next_period(&q3).map(|p| p.key()), Some("2026-Q4".into()));
        assert_eq!(report_href(&q3), "/admin/reports?period=2026-Q3");
        assert_eq!(report_key(&q3), K::ReportQuarter);
        // The older `?kind=` opens the current period; a bad `?period=` too.
        assert_eq!(asked_period(None, Some("year"), now).key(), "2026");
        assert_eq!(asked_period(Some("2026-Q9"), None, now).key(), "2026-Q4");
        assert_eq!(asked_period(Some("2025-H1"), None, now).key(), "2025-H1");
    }
}
