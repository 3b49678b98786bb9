//! `/admin/org`: the organization tree: branches (党支部) with their cells (党小组) and
//! member counts, and the youth groups (青年理论学习小组). Admins create, rename and delete
//! units inline; organizers see the tree read-only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::org::OrgTree;
use shared::validation;

use crate::api::{self, Unit};
use crate::app::use_session;
use crate::browser;
use crate::components::{error_text, ErrorBanner, ErrorLine, Fetch, Page, Skeleton};
use crate::i18n::{t, tf, K};

/// Total active members: everyone belongs to exactly one branch.
pub fn member_total(tree: &OrgTree) -> i64 {
    tree.branches.iter().map(|b| b.member_count).sum()
}

#[component]
pub fn AdminOrg() -> impl IntoView {
    let session = use_session();
    // Bumped after every change; the tree reloads (the old one stays on screen meanwhile).
    let version = RwSignal::new(0u32);
    let tree = Fetch::new(move || {
        version.track();
        api::ORG.into()
    });
    view! {
        <Page class="admin-org" title=K::OrgTitle back=Some("/")>
            {move || match tree.get::<OrgTree>() {
                None => view! { <Skeleton lines=6/> }.into_any(),
                Some(Err(e)) => {
                    view! {
                        <ErrorBanner
                            error=e
                            on_retry=Callback::new(move |_| version.update(|v| *v += 1))
                        />
                    }
                        .into_any()
                }
                Some(Ok(t)) => {
                    view! { <OrgView tree=t admin=session.is_admin() version=version/> }.into_any()
                }
            }}
        </Page>
    }
}

#[component]
fn OrgView(tree: OrgTree, admin: bool, version: RwSignal<u32>) -> impl IntoView {
    let summary = tf(
        K::OrgSummary,
        &[
            ("b", &tree.branches.len().to_string()),
            ("g", &tree.youth_groups.len().to_string()),
            ("n", &member_total(&tree).to_string()),
        ],
    );
    let no_branches = tree.branches.is_empty();
    let no_groups = tree.youth_groups.is_empty();
    let branches = tree
        .branches
        .into_iter()
        .map(|b| {
            let no_cells = b.cells.is_empty();
            view! {
                <div class="card unit-card">
                    <UnitRow
                        unit=Unit::Branch
                        id=b.id
                        name=b.name
                        count=b.member_count
                        admin=admin
                        version=version
                    />
                    <div class="cells">
                        <h3 class="sub-title">{t(K::OrgCells)}</h3>
                        {no_cells.then(|| view! { <p class="muted small">{t(K::OrgNoCells)}</p> })}
                        <ul class="unit-list">
                            {b
                                .cells
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <li>
                                            <UnitRow
                                                unit=Unit::Cell
                                                id=c.id
                                                name=c.name
                                                count=c.member_count
                                                admin=admin
                                                version=version
                                            />
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        {admin
                            .then(|| {
                                view! {
                                    <AddUnit unit=Unit::Cell parent=Some(b.id) label=K::OrgAddCell version=version/>
                                }
                            })}
                    </div>
                </div>
            }
        })
        .collect_view();
    let groups = tree
        .youth_groups
        .into_iter()
        .map(|g| {
            view! {
                <li>
                    <UnitRow
                        unit=Unit::YouthGroup
                        id=g.id
                        name=g.name
                        count=g.member_count
                        admin=admin
                        version=version
                    />
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="card org-summary">
            <h2 class="card-title">{tree.organization.name}</h2>
            <p class="muted">{summary}</p>
            {(!admin).then(|| view! { <p class="muted small">{t(K::OrgReadOnly)}</p> })}
        </section>

        <section class="org-section">
            <div class="section-head">
                <h2>{t(K::OrgBranches)}</h2>
            </div>
            {admin
                .then(|| {
                    view! {
                        <AddUnit unit=Unit::Branch parent=None label=K::OrgAddBranch version=version/>
                    }
                })}
            {no_branches.then(|| view! { <p class="card empty">{t(K::OrgNoBranches)}</p> })}
            {branches}
        </section>

        <section class="org-section">
            <div class="section-head">
                <h2>{t(K::OrgYouthGroups)}</h2>
            </div>
            {admin
                .then(|| {
                    view! {
                        <AddUnit
                            unit=Unit::YouthGroup
                            parent=None
                            label=K::OrgAddYouthGroup
                            version=version
                        />
                    }
                })}
            <div class="card">
                {no_groups.then(|| view! { <p class="muted">{t(K::OrgNoYouthGroups)}</p> })}
                <ul class="unit-list">{groups}</ul>
            </div>
        </section>
    }
}

/// One unit: its name and member count; for admins rename (inline) and delete (confirmed).
#[component]
fn UnitRow(
    unit: Unit,
    id: i64,
    name: String,
    count: i64,
    admin: bool,
    version: RwSignal<u32>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(name.clone());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = StoredValue::new(name);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let new_name = draft.get_untracked();
        if let Err(e) = validation::org_unit_name(&new_name) {
            error.set(Some(e.message));
            return;
        }
        if new_name.trim() == name.get_value() {
            editing.set(false);
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::rename_unit(unit, id, &new_name).await {
                Ok(()) => {
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };
    let remove = move |_| {
        let message = tf(K::OrgConfirmDelete, &[("name", &name.get_value())]);
        if pending.get_untracked() || !browser::confirm(&message) {
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::delete_unit(unit, id).await {
                Ok(()) => {
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };
    let count_text = tf(K::PersonCount, &[("n", &count.to_string())]);

    view! {
        <div class="unit">
            {move || {
                if editing.get() {
                    view! {
                        <form class="inline-form" on:submit=save>
                            <input
                                class="input"
                                type="text"
                                maxlength="60"
                                aria-label=t(K::OrgNamePlaceholder)
                                prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))
                            />
                            <button type="submit" class="btn btn-primary btn-small" disabled=move || pending.get()>
                                {t(K::Save)}
                            </button>
                            <button
                                type="button"
                                class="btn btn-small"
                                on:click=move |_| {
                                    editing.set(false);
                                    error.set(None);
                                    draft.set(name.get_value());
                                }
                            >
                                {t(K::Cancel)}
                            </button>
                        </form>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="unit-row">
                            <span class="unit-name">{name.get_value()}</span>
                            <span class="count">{count_text.clone()}</span>
                            {admin
                                .then(|| {
                                    view! {
                                        <span class="unit-actions">
                                            <button
                                                type="button"
                                                class="btn btn-small btn-ghost"
                                                disabled=move || pending.get()
                                                on:click=move |_| editing.set(true)
                                            >
                                                {t(K::Rename)}
                                            </button>
                                            <button
                                                type="button"
                                                class="btn btn-small btn-ghost danger"
                                                disabled=move || pending.get()
                                                on:click=remove
                                            >
                                                {t(K::Delete)}
                                            </button>
                                        </span>
                                    }
                                })}
                        </div>
                    }
                        .into_any()
                }
            }}
            <ErrorLine message=error/>
        </div>
    }
}

/// "+ 新增…": opens an inline form that creates a unit.
#[component]
fn AddUnit(unit: Unit, parent: Option<i64>, label: K, version: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let name = draft.get_untracked();
        if let Err(e) = validation::org_unit_name(&name) {
            error.set(Some(e.message));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::create_unit(unit, parent, &name).await {
                Ok(_) => {
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };

    view! {
        <div class="add-unit">
            {move || {
                if open.get() {
                    view! {
                        <form class="inline-form" on:submit=save>
                            <input
                                class="input"
                                type="text"
                                maxlength="60"
                                placeholder=t(label)
                                aria-label=t(label)
                                prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))
                            />
                            <button type="submit" class="btn btn-primary btn-small" disabled=move || pending.get()>
                                {t(K::Add)}
                            </button>
                            <button
                                type="button"
                                class="btn btn-small"
                                on:click=move |_| {
                                    open.set(false);
                                    error.set(None);
                                }
                            >
                                {t(K::Cancel)}
                            </button>
                        </form>
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="btn btn-outline btn-small add" on:click=move |_| open.set(true)>
                            "+ "
                            {t(label)}
                        </button>
                    }
                        .into_any()
                }
            }}
            <ErrorLine message=error/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, Organization};

    #[test]
    fn members_are_counted_once_through_their_branch() {
        let branch = |id, n| Branch {
            id,
            name: format!("第{id}党支部"),
            cells: vec![],
            member_count: n,
        };
        let tree = OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![branch(1, 10), branch(2, 12)],
            youth_groups: vec![],
        };
        assert_eq!(member_total(&tree), 22);
    }
}
