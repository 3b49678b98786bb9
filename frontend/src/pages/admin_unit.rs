//! `/admin/dashboard/branches/<id>` and `/admin/dashboard/youth-groups/<id>`: the drill-down
//! from a unit to its members, those with the most unfinished items first — what each has
//! and has not completed in the period, their points and last activity (a `UnitMembers`,
//! shown as a table at desk widths, stacked on phones), and the unit's members export.

use leptos::prelude::*;
use shared::api::dashboard::{ItemKey, ItemRef, MemberProgress, UnitMembers};

use crate::api;
use crate::browser::now_ms;
use crate::components::{load, show, ExportButtons, Exporter, Loaded, Page};
use crate::format::date_time;
use crate::i18n::{locale, t, tf, K};
use crate::pages::admin_dashboard::period_query;
use crate::router::use_router;

/// The titles of `keys` among the unit's `items`, joined for reading.
pub fn item_titles(items: &[ItemRef], keys: &[ItemKey]) -> String {
    keys.iter()
        .filter_map(|k| {
            items
                .iter()
                .find(|it| it.kind == k.kind && it.id == k.id)
                .map(|it| it.title.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// "已完成1/2 · 积分12 · 最近活动…" of a member.
pub fn member_line(m: &MemberProgress) -> String {
    let done = m.completed.len();
    tf(
        K::UnitMemberLine,
        &[
            ("done", &done.to_string()),
            ("all", &(done + m.unfinished.len()).to_string()),
            ("points", &m.points.to_string()),
            (
                "last",
                &m.last_activity_at
                    .map(|at| date_time(at, locale()))
                    .unwrap_or_else(|| t(K::UnitNever).to_string()),
            ),
        ],
    )
}

/// The unit's members.
fn unit_view(u: UnitMembers) -> impl IntoView {
    let summary = tf(
        K::UnitSummary,
        &[
            ("members", &u.members.len().to_string()),
            ("items", &u.items.len().to_string()),
        ],
    );
    let items = u.items;
    view! {
        <section class="card">
            <h2 class="card-title">{u.name}</h2>
            <p class="small muted">{summary}</p>
            <ul class="plain members-progress">
                {u
                    .members
                    .into_iter()
                    .map(|m| {
                        let open = item_titles(&items, &m.unfinished);
                        let behind = !m.unfinished.is_empty();
                        view! {
                            <li class=if behind { "behind" } else { "done" }>
                                <p>
                                    <b>{m.display_name.clone()}</b>
                                    " "
                                    <span class="small muted">{m.username.clone()}</span>
                                </p>
                                <p class="small">{member_line(&m)}</p>
                                {behind
                                    .then(|| {
                                        view! {
                                            <p class="small bad">
                                                {tf(K::UnitUnfinished, &[("items", &open)])}
                                            </p>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
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
    let period_q = period_query(&period, now_ms());
    let url = format!("{}/{path}/{id}/members?{period_q}", api::DASHBOARD);
    let data = load(move || url.clone());
    let query = format!(
        "unit={}&unit_id={id}&{period_q}",
        if youth_group { "youth_group" } else { "branch" },
    );
    let exporter = Exporter::new();
    view! {
        <Page class="admin-unit" title=K::UnitTitle back=Some("/admin/dashboard")>
            <ExportButtons exporter=exporter query=Signal::derive(move || query.clone())/>
            <Loaded data=data lines=6 ok=show(unit_view)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::dashboard::ItemKind;

    #[test]
    fn members_show_what_they_have_and_have_not_finished() {
        let item = |kind, id, title: &str| ItemRef {
            kind,
            id,
            title: title.into(),
            module_id: None,
            due_at: None,
        };
        let items = vec![
            item(ItemKind::Module, 1, "党章学习"),
            item(ItemKind::Quiz, 1, "专项答题"),
        ];
        let m = MemberProgress {
            user_id: 7,
            username: "m001".into(),
            display_name: "张三".into(),
            completed: vec![ItemKey {
                kind: ItemKind::Module,
                id: 1,
            }],
            unfinished: vec![ItemKey {
                kind: ItemKind::Quiz,
                id: 1,
            }],
            points: 12,
            last_activity_at: None,
        };
        assert!(member_line(&m).contains("1/2"), "{}", member_line(&m));
        assert!(member_line(&m).contains("12"));
        // Only unfinished items are named (same id, other kind: not the module).
        assert_eq!(item_titles(&items, &m.unfinished), "专项答题");
    }
}
