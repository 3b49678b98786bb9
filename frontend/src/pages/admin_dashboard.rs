//! `/admin/dashboard`: the completion dashboard (完成率看板) for admins (the organization)
//! and organizers (their units) — over a chosen period: the totals; completion rate per
//! branch and per youth group as bars, each opening its members; completion over time as a
//! line; correctness by question category and branch as a heatmap (weak topics stand
//! out); every assigned module and quiz with its figures and a button that reminds the
//! members who have not finished it. Every answer is decoded into its `shared` type
//! (`Dashboard`, `Timeline`, `Heatmap`, `ReminderSent`) and shown as `view!`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::dashboard::{CompletionStats, Dashboard, Heatmap, ItemKind, Timeline, UnitStats};
use shared::api::notifications::{ReminderSent, SendReminder};

use crate::api;
use crate::browser::now_ms;
use crate::charts::{bars_view, heatmap_view, line_view, tenths};
use crate::components::{
    error_text, load, show, Bar, ExportButtons, Exporter, Fetch, Loaded, Page, Sheet, Toast,
};
use crate::format::period_start;
use crate::i18n::{t, tf, K};
use crate::router::{use_router, Nav};

/// The period choices: the name the URL carries (`?p=quarter`) and its label.
pub const PERIODS: [(&str, K); 5] = [
    ("month", K::PeriodMonth),
    ("quarter", K::PeriodQuarter),
    ("half", K::PeriodHalf),
    ("year", K::PeriodYear),
    ("all", K::PeriodAll),
];

/// `?from=…&to=…` of a period name at `now` (all time: only `to`).
pub fn period_query(period: &str, now: i64) -> String {
    match period_start(period, now) {
        Some(from) => format!("from={from}&to={now}"),
        None => format!("to={now}"),
    }
}

/// The mean score with one decimal, or a dash when nobody submitted.
pub fn average(st: &CompletionStats) -> String {
    st.average_score.map(tenths).unwrap_or_else(|| "—".into())
}

/// One line of figures.
pub fn stats_line(st: &CompletionStats) -> String {
    tf(
        K::DashStats,
        &[
            ("assigned", &st.assigned.to_string()),
            ("started", &st.started.to_string()),
            ("completed", &st.completed.to_string()),
            ("rate", &tenths(st.completion_rate)),
            ("avg", &average(st)),
        ],
    )
}

/// The drill-down page of a unit over a period.
pub fn unit_href(path: &str, unit_id: i64, period: &str) -> String {
    format!("/admin/dashboard/{path}/{unit_id}?p={period}")
}

/// The bars' rows: each unit's name and completion rate.
pub fn unit_rows(units: &[UnitStats]) -> Vec<(String, f64)> {
    units
        .iter()
        .map(|u| (u.name.clone(), u.stats.completion_rate))
        .collect()
}

/// The heatmap's cell of a category and a branch: its rate and how many answers.
pub fn heat_cell(hm: &Heatmap, category: i64, branch: i64) -> Option<(f64, i64)> {
    hm.cells
        .iter()
        .find(|x| x.category_id == category && x.branch_id == branch)
        .map(|x| (x.rate, x.answered))
}

/// Bars of a kind of unit, then a link per unit to its members.
fn units_view(
    title: K,
    units: Vec<UnitStats>,
    path: &'static str,
    period: String,
) -> impl IntoView {
    (!units.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2 class="card-title">{t(title)}</h2>
                {bars_view(t(title), unit_rows(&units))}
                <ul class="link-list units">
                    {units
                        .into_iter()
                        .map(|u| {
                            view! {
                                <li>
                                    <a class="link-row" href=unit_href(path, u.unit_id, &period)>
                                        <span class="link-title">{u.name.clone()}</span>
                                        <span class="link-desc">{stats_line(&u.stats)}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

/// The totals and the units of a dashboard.
fn dashboard_view(d: Dashboard, period: String) -> impl IntoView {
    view! {
        <section class="card summary">
            <h2 class="card-title">{t(K::DashTotal)}</h2>
            <p class="big-rate">{format!("{}%", tenths(d.total.completion_rate))}</p>
            <p class="small muted">{stats_line(&d.total)}</p>
            // issue 17 reports
            <p class="small muted completed-means">{t(K::CompletedMeans)}</p>
        </section>
        <div class="dash-units">
            {units_view(K::DashBranches, d.branches, "branches", period.clone())}
            {units_view(K::DashYouthGroups, d.youth_groups, "youth-groups", period)}
        </div>
    }
}

/// Completion over time as a line of the cumulative rate.
fn timeline_view(tl: Timeline) -> impl IntoView {
    (!tl.points.is_empty()).then(|| {
        let points = tl
            .points
            .into_iter()
            .map(|p| (p.label, p.cumulative_rate))
            .collect();
        view! {
            <section class="card">
                <h2 class="card-title">{t(K::DashTimeline)}</h2>
                {line_view(t(K::DashTimeline), points)}
            </section>
        }
    })
}

/// Correctness by category (rows) and branch (columns).
fn heat_view(hm: Heatmap) -> impl IntoView {
    let axis = |n: &[shared::api::dashboard::Named]| -> Vec<(i64, String)> {
        n.iter().map(|x| (x.id, x.name.clone())).collect()
    };
    let (rows, cols) = (axis(&hm.categories), axis(&hm.branches));
    (!rows.is_empty() && !cols.is_empty()).then(move || {
        view! {
            <section class="card">
                <h2 class="card-title">{t(K::DashHeatmap)}</h2>
                <p class="small muted">{t(K::DashHeatmapHint)}</p>
                {heatmap_view(t(K::DashHeatmap), rows, cols, move |r, c| heat_cell(&hm, r, c))}
            </section>
        }
    })
}

/// Every assigned module and quiz with its figures and, where someone has not finished, a
/// reminder button (`remind` gets the item): a table at desk widths, cards on phones.
fn items_view(d: Dashboard, remind: Callback<(ItemKind, i64, String)>) -> impl IntoView {
    if d.items.is_empty() {
        return view! {
            <section class="card items">
                <h2 class="card-title">{t(K::DashItems)}</h2>
                <p class="muted">{t(K::DashNoItems)}</p>
            </section>
        }
        .into_any();
    }
    let rows = d
        .items
        .into_iter()
        .map(|it| {
            let (kind, id) = (it.item.kind, it.item.id);
            let title = it.item.title.clone();
            let behind = it.total.completed < it.total.assigned;
            let kind_label = t(if kind == ItemKind::Quiz { K::DashQuiz } else { K::DashModule });
            view! {
                <tr class="item-row">
                    <td class="cell-name" data-label=t(K::DashItemName)>
                        <span class="badge">{kind_label}</span>
                        " "
                        <strong>{it.item.title.clone()}</strong>
                    </td>
                    <td data-label=t(K::DashItemFigures)>
                        <span class="small muted">{stats_line(&it.total)}</span>
                    </td>
                    <td class="nowrap item-rate" data-label=t(K::DashItemRate)>
                        <Bar percent=it.total.completion_rate.round() as i64 label=it.item.title.clone()/>
                        <span class="small">{format!("{}%", tenths(it.total.completion_rate))}</span>
                    </td>
                    <td class="cell-actions">
                        {behind
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-ghost btn-small"
                                        data-action=format!("remind-{}", kind.as_str())
                                        data-id=id.to_string()
                                        on:click=move |_| remind.run((kind, id, title.clone()))
                                    >
                                        {t(K::DashRemind)}
                                    </button>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card items">
            <h2 class="card-title">{t(K::DashItems)}</h2>
            <table class="table stack items-table">
                <thead>
                    <tr>
                        <th scope="col">{t(K::DashItemName)}</th>
                        <th scope="col">{t(K::DashItemFigures)}</th>
                        <th scope="col">{t(K::DashItemRate)}</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// Where an export (`what`: `dashboard`, `report`) downloads as `format`, with `query`.
pub fn export_href(what: &str, format: &str, query: &str) -> String {
    format!("/api/v1/exports/{what}?format={format}&{query}")
}

/// Links that download an export as XLSX and CSV.
pub fn export_links(label: K, what: &'static str, query: String) -> impl IntoView {
    view! {
        <p class="small export">
            {t(label)}
            <a href=export_href(what, "xlsx", &query) download="">"Excel"</a>
            " "
            <a href=export_href(what, "csv", &query) download="">"CSV"</a>
        </p>
    }
}

// issue 17 reports
/// Links to the reports most asked for at `now`: 上月, 上季度, 上个半年, 去年 and this quarter.
fn report_links(now: i64) -> impl IntoView {
    use crate::pages::admin_report::{presets, report_href};
    presets(now)
        .into_iter()
        .filter(|(k, _)| {
            [
                K::PeriodThisQuarter,
                K::PeriodLastMonth,
                K::PeriodLastQuarter,
                K::PeriodLastHalf,
                K::PeriodLastYear,
            ]
            .contains(k)
        })
        .map(|(k, p)| {
            view! {
                <a class="report-link" href=report_href(&p) data-period=p.key()>{t(k)}</a>
                " "
            }
        })
        .collect_view()
}

/// A decoded answer of `data`, when it has arrived and reads.
pub fn answer<T: api::Wire>(data: Fetch) -> Option<T> {
    data.read::<T>().and_then(Result::ok)
}

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let router = use_router();
    let period = Memo::new(move |_| {
        router
            .url()
            .param("p")
            .filter(|p| PERIODS.iter().any(|(v, _)| v == p))
            .unwrap_or_else(|| "quarter".to_string())
    });
    // One `now` for the page, so the three requests describe the same period.
    let now = now_ms();
    let query = move || period_query(&period.get(), now);
    let dash = load(move || format!("{}?{}", api::DASHBOARD, query()));
    let timeline = load(move || {
        let bucket = if period.get() == "month" {
            "day"
        } else {
            "week"
        };
        format!("{}/timeline?bucket={bucket}&{}", api::DASHBOARD, query())
    });
    let heat = load(move || format!("{}/heatmap?{}", api::DASHBOARD, query()));
    // The last reminder's outcome, as a toast in the viewport (the button may be far down).
    let notice = RwSignal::new(None::<(bool, String)>);
    let exporter = Exporter::new();

    // issue 17 reports
    // 提醒未完成成员 asks first (the item waiting for a yes), then says how many were
    // reminded, or the server's reason (409 already_reminded); the page stays where it is.
    let confirming = RwSignal::new(None::<(ItemKind, i64, String)>);
    let remind = Callback::new(move |item: (ItemKind, i64, String)| {
        notice.set(None);
        confirming.set(Some(item));
    });
    let send_reminder = move || {
        let Some((kind, id, _)) = confirming.get_untracked() else {
            return;
        };
        confirming.set(None);
        let body = SendReminder {
            item_kind: kind,
            item_id: id,
            message: None,
        };
        spawn_local(async move {
            let r = api::send::<_, ReminderSent>("POST", api::REMINDERS, &body).await;
            notice.try_set(Some(match r {
                Ok(sent) if sent.already_reminded > 0 => (
                    true,
                    tf(
                        K::DashRemindedSome,
                        &[
                            ("n", &sent.recipients.to_string()),
                            ("m", &sent.already_reminded.to_string()),
                        ],
                    ),
                ),
                Ok(sent) => (
                    true,
                    tf(K::DashReminded, &[("n", &sent.recipients.to_string())]),
                ),
                Err(e) => (false, error_text(&e)),
            }));
        });
    };
    let now_for_links = now;
    let on_period = move |ev: leptos::ev::Event| {
        router.navigate(
            &format!("/admin/dashboard?p={}", event_target_value(&ev)),
            Nav::REPLACE,
        )
    };
    let current = period.get_untracked();

    view! {
        <Page class="admin-dashboard" title=K::DashTitle back=Some("/")>
            <Toast notice=notice/>
            <section class="card form dash-tools">
                <form id="period" on:submit=|ev| ev.prevent_default()>
                    <label class="field">
                        <span class="label">{t(K::DashPeriod)}</span>
                        <select class="input" name="p" on:change=on_period>
                            {PERIODS
                                .iter()
                                .map(|(v, label)| {
                                    view! { <option value=*v selected=*v == current>{t(*label)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </form>
                <div class="dash-exports">
                    {move || export_links(K::ExportTables, "dashboard", query())}
                    <ExportButtons exporter=exporter query=Signal::derive(query)/>
                </div>
                // issue 17 reports: 上季度 and 去年 one tap away.
                <p class="small report-links">
                    {t(K::DashReportsLink)}
                    {report_links(now_for_links)}
                </p>
            </section>
            <Loaded data=dash lines=6 ok=show(move |d: Dashboard| dashboard_view(d, period.get_untracked()))/>
            <div class="dash-charts">
                {move || answer::<Timeline>(timeline).map(timeline_view)}
                {move || answer::<Heatmap>(heat).map(heat_view)}
            </div>
            {move || answer::<Dashboard>(dash).map(|d| items_view(d, remind))}
            {move || {
                confirming
                    .get()
                    .map(|(_, _, title)| {
                        view! {
                            <Sheet title=t(K::DashConfirmTitle) on_close=move |_| confirming.set(None)>
                                <p>{tf(K::DashConfirmText, &[("title", &title)])}</p>
                                <div class="actions">
                                    <button
                                        type="button"
                                        class="btn btn-primary"
                                        data-action="confirm-remind"
                                        on:click=move |_| send_reminder()
                                    >
                                        {t(K::DashConfirmSend)}
                                    </button>
                                    <button type="button" class="btn btn-ghost" on:click=move |_| confirming.set(None)>
                                        {t(K::DashConfirmCancel)}
                                    </button>
                                </div>
                            </Sheet>
                        }
                    })
            }}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::dashboard::{HeatCell, ItemCompletion, ItemRef, Named};

    fn stats(assigned: i64, completed: i64, rate: f64) -> CompletionStats {
        CompletionStats {
            assigned,
            started: completed + 1,
            completed,
            completion_rate: rate,
            average_score: Some(81.25),
        }
    }

    #[test]
    fn figures_and_links_of_units() {
        let st = stats(10, 4, 40.0);
        let line = stats_line(&st);
        assert!(line.contains("40.0") && line.contains("81.3"), "{line}");
        let none = CompletionStats {
            average_score: None,
            ..st
        };
        assert_eq!(average(&none), "—");
        assert_eq!(
            unit_href("branches", 3, "quarter"),
            "/admin/dashboard/branches/3?p=quarter"
        );
        let units = vec![UnitStats {
            unit_id: 3,
            name: "第一支部".into(),
            stats: stats(6, 3, 50.0),
        }];
        assert_eq!(unit_rows(&units), vec![("第一支部".to_string(), 50.0)]);
        // The dashboard's items carry what the reminder button needs.
        let d = Dashboard {
            from: 0,
            to: 1,
            total: stats(10, 4, 40.0),
            branches: units,
            youth_groups: vec![],
            items: vec![ItemCompletion {
                item: ItemRef {
                    kind: ItemKind::Quiz,
                    id: 9,
                    title: "专项答题".into(),
                    module_id: None,
                    due_at: None,
                },
                total: stats(10, 4, 40.0),
                branches: vec![],
                youth_groups: vec![],
            }],
        };
        assert_eq!(d.items[0].item.kind.as_str(), "quiz");
    }

    #[test]
    fn heatmap_cells_are_found_by_category_and_branch() {
        let hm = Heatmap {
            from: 0,
            to: 1,
            categories: vec![Named {
                id: 5,
                name: "党章".into(),
            }],
            branches: vec![Named {
                id: 3,
                name: "第一支部".into(),
            }],
            cells: vec![HeatCell {
                branch_id: 3,
                category_id: 5,
                answered: 8,
                correct: 2,
                rate: 25.0,
            }],
        };
        assert_eq!(heat_cell(&hm, 5, 3), Some((25.0, 8)));
        assert_eq!(heat_cell(&hm, 3, 5), None);
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
        assert_eq!(
            export_href("dashboard", "csv", "to=5"),
            "/api/v1/exports/dashboard?format=csv&to=5"
        );
        assert!(PERIODS.iter().any(|(v, _)| *v == "half"));
    }
}
