//! `/admin/dashboard/branches/<id>` and `/admin/dashboard/youth-groups/<id>`: the drill-down
//! from a unit to its members over a period (`?period=2026-Q3` from a report, or `?p=quarter`
//! from the dashboard) as a table — a row per member, a column per assigned item, each cell
//! ✓ and the completion date, ✗ not done, or — not assigned — filterable to the members
//! with something unfinished (`?only=unfinished`, kept in the address). On a phone the
//! table scrolls sideways inside its frame with the member column held in place. The
//! unit's members export and its member × item matrix (XLSX) download from here.

use leptos::prelude::*;
use shared::api::dashboard::{ItemKey, ItemRef, MemberProgress, UnitMembers};

use crate::api;
use crate::browser::now_ms;
use crate::components::{load, show, ExportButtons, Exporter, Loaded, Page};
use crate::format::{date, date_time};
use crate::i18n::{locale, t, tf, K};
use crate::pages::admin_dashboard::{export_href, period_query};
use crate::router::{use_router, Nav};

/// A member's mark for an item: completed at (Unix ms), not done, or not assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Done(i64),
    NotDone,
    NotAssigned,
}

/// The mark of `item` for `m`.
pub fn mark(m: &MemberProgress, item: &ItemRef) -> Mark {
    let same = |k: &ItemKey| k.kind == item.kind && k.id == item.id;
    if let Some(n) = m.completed.iter().position(same) {
        Mark::Done(m.completed_at.get(n).copied().unwrap_or(0))
    } else if m.unfinished.iter().any(same) {
        Mark::NotDone
    } else {
        Mark::NotAssigned
    }
}

/// The members a filter shows: all, or those with something unfinished.
pub fn shown(members: &[MemberProgress], unfinished_only: bool) -> Vec<&MemberProgress> {
    members
        .iter()
        .filter(|m| !unfinished_only || !m.unfinished.is_empty())
        .collect()
}

fn cell(mk: Mark) -> impl IntoView {
    match mk {
        Mark::Done(at) => view! {
            <td class="mark done" title=date_time(at, locale())>
                "✓ "<span class="small">{date(at, locale())}</span>
            </td>
        }
        .into_any(),
        Mark::NotDone => {
            view! { <td class="mark not-done" title=t(K::UnitNotDone)>"✗"</td> }.into_any()
        }
        Mark::NotAssigned => {
            view! { <td class="mark muted" title=t(K::UnitNotAssigned)>"—"</td> }.into_any()
        }
    }
}

/// The unit's members as a member × item table.
fn unit_view(u: UnitMembers, only: Signal<bool>, set_only: Callback<bool>) -> impl IntoView {
    let summary = tf(
        K::UnitSummary,
        &[
            ("members", &u.members.len().to_string()),
            ("items", &u.items.len().to_string()),
        ],
    );
    let total = u.members.len();
    let items_head = u.items.clone();
    let members2 = u.members.clone();
    let items2 = u.items.clone();
    view! {
        <section class="card unit-table">
            <h2 class="card-title">{u.name}</h2>
            <p class="small muted">{summary}</p>
            <p class="small muted completed-means">{t(K::CompletedMeans)}</p>
            <div class="seg" role="group">
                <button
                    type="button"
                    class="chip"
                    aria-pressed=move || (!only.get()).to_string()
                    on:click=move |_| set_only.run(false)
                >
                    {t(K::UnitFilterAll)}
                </button>
                <button
                    type="button"
                    class="chip"
                    data-action="only-unfinished"
                    aria-pressed=move || only.get().to_string()
                    on:click=move |_| set_only.run(true)
                >
                    {t(K::UnitFilterUnfinished)}
                </button>
            </div>
            <p class="small muted showing" aria-live="polite">
                {move || {
                    let n = shown(&members2, only.get()).len();
                    tf(K::UnitShowing, &[("n", &n.to_string()), ("all", &total.to_string())])
                }}
            </p>
            <div class="table-wrap matrix-wrap">
                <table class="table matrix">
                    <thead>
                        <tr>
                            <th scope="col" class="member">{t(K::UnitMember)}</th>
                            {items_head
                                .iter()
                                .map(|it| view! { <th scope="col" class="item-head">{it.title.clone()}</th> })
                                .collect_view()}
                            <th scope="col">{t(K::UnitDoneCount)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            shown(&u.members, only.get())
                                .into_iter()
                                .map(|m| {
                                    let done = m.completed.len();
                                    let all = done + m.unfinished.len();
                                    view! {
                                        <tr class=if m.unfinished.is_empty() { "done" } else { "behind" }>
                                            <th scope="row" class="member">
                                                <b>{m.display_name.clone()}</b>
                                                " "
                                                <span class="small muted">{m.username.clone()}</span>
                                            </th>
                                            {items2.iter().map(|it| cell(mark(m, it))).collect_view()}
                                            <td class="nowrap">{format!("{done}/{all}")}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn AdminUnit(youth_group: bool, id: i64) -> impl IntoView {
    let router = use_router();
    let url = router.url();
    // A named period (from a report) or the dashboard's period name.
    let period_q = match url.param("period") {
        Some(p) => format!("period={p}"),
        None => period_query(
            &url.param("p").unwrap_or_else(|| "quarter".into()),
            now_ms(),
        ),
    };
    let only = Memo::new(move |_| router.url().param("only").as_deref() == Some("unfinished"));
    let set_only = Callback::new(move |on: bool| {
        let u = router.url.get_untracked();
        let mut query: Vec<String> = u
            .query
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("only="))
            .map(String::from)
            .collect();
        if on {
            query.push("only=unfinished".into());
        }
        router.navigate(
            &format!("{}?{}", u.path, query.join("&")),
            Nav {
                replace: true,
                keep_scroll: true,
            },
        );
    });
    let path = if youth_group {
        "youth-groups"
    } else {
        "branches"
    };
    let api_url = format!("{}/{path}/{id}/members?{period_q}", api::DASHBOARD);
    let data = load(move || api_url.clone());
    let query = format!(
        "unit={}&unit_id={id}&{period_q}",
        if youth_group { "youth_group" } else { "branch" },
    );
    let matrix = (!youth_group).then(|| export_href("matrix", "xlsx", &query));
    let exporter = Exporter::new();
    let only = Signal::from(only);
    view! {
        <Page class="admin-unit" title=K::UnitTitle back=Some("/admin/dashboard")>
            <ExportButtons exporter=exporter query=Signal::derive(move || query.clone())/>
            {matrix
                .map(|href| {
                    view! {
                        <p class="small export">
                            <a href=href download="" data-action="matrix">{t(K::ExportMatrix)}</a>
                        </p>
                    }
                })}
            <Loaded data=data lines=6 ok=show(move |u: UnitMembers| unit_view(u, only, set_only))/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::dashboard::ItemKind;

    #[test]
    fn cells_mark_done_not_done_and_not_assigned() {
        let item = |kind, id, title: &str| ItemRef {
            kind,
            id,
            title: title.into(),
            module_id: None,
            due_at: None,
        };
        let (m1, q1, q2) = (
            item(ItemKind::Module, 1, "党章学习"),
            item(ItemKind::Quiz, 1, "专项答题"),
            item(ItemKind::Quiz, 2, "青年答题"),
        );
        let m = MemberProgress {
            user_id: 7,
            username: "m001".into(),
            display_name: "张三".into(),
            completed: vec![ItemKey {
                kind: ItemKind::Module,
                id: 1,
            }],
            completed_at: vec![1_772_000_000_000],
            unfinished: vec![ItemKey {
                kind: ItemKind::Quiz,
                id: 1,
            }],
            points: 12,
            last_activity_at: None,
        };
        assert_eq!(mark(&m, &m1), Mark::Done(1_772_000_000_000));
        // Same id, other kind: the quiz is not the module.
        assert_eq!(mark(&m, &q1), Mark::NotDone);
        assert_eq!(mark(&m, &q2), Mark::NotAssigned);
        let done = MemberProgress {
            unfinished: vec![],
            ..m.clone()
        };
        let all = vec![m, done];
        assert_eq!(shown(&all, false).len(), 2);
        assert_eq!(shown(&all, true).len(), 1);
    }
}
