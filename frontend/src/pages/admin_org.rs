//! `/admin/org`: the organization tree: branches (党支部) with their cells (党小组) and
//! member counts, and the youth groups (青年理论学习小组). Admins create, rename and delete
//! units (a small form sheet for names, a confirmation for deletes, a toast when done);
//! organizers see the tree read-only. The tree is an `OrgTree`; names are sent as
//! `NameRequest`s (see `api::create_unit`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::org::OrgTree;
use shared::validation;

use crate::api::{self, Unit};
use crate::app::use_session;
use crate::browser;
use crate::components::{decoded, error_text, load, show, Loaded, Notice, Page, Sheet, Toast};
use crate::i18n::{t, tf, K};

/// Total active members: everyone belongs to exactly one branch.
pub fn member_total(tree: &OrgTree) -> i64 {
    tree.branches.iter().map(|b| b.member_count).sum()
}

/// What an admin asked for on the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgAction {
    /// A new unit (a cell under its branch).
    Add(Unit, Option<i64>),
    Rename(Unit, i64),
    Delete(Unit, i64),
}

fn unit_tag(unit: Unit) -> &'static str {
    match unit {
        Unit::Branch => "branch",
        Unit::Cell => "cell",
        Unit::YouthGroup => "group",
    }
}

impl OrgAction {
    /// The name its button carries in `data-action` and the id in `data-id` (0 for none),
    /// for tests and styles to find it (clicks go to typed handlers).
    pub fn tag(self) -> (String, i64) {
        match self {
            OrgAction::Add(u, parent) => (format!("add-{}", unit_tag(u)), parent.unwrap_or(0)),
            OrgAction::Rename(u, id) => (format!("rename-{}", unit_tag(u)), id),
            OrgAction::Delete(u, id) => (format!("delete-{}", unit_tag(u)), id),
        }
    }
}

/// The current name of a unit in the tree.
pub fn unit_name(tree: &OrgTree, unit: Unit, id: i64) -> Option<String> {
    match unit {
        Unit::Branch => tree
            .branches
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.name.clone()),
        Unit::Cell => tree
            .branches
            .iter()
            .flat_map(|b| &b.cells)
            .find(|c| c.id == id)
            .map(|c| c.name.clone()),
        Unit::YouthGroup => tree
            .youth_groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name.clone()),
    }
}

fn sheet_title(action: OrgAction) -> &'static str {
    match action {
        OrgAction::Add(Unit::Branch, _) => t(K::OrgAddBranch),
        OrgAction::Add(Unit::Cell, _) => t(K::OrgAddCell),
        OrgAction::Add(Unit::YouthGroup, _) => t(K::OrgAddYouthGroup),
        _ => t(K::Rename),
    }
}

/// What the tree's buttons do: open the name form, or delete after a confirmation.
#[derive(Clone, Copy)]
struct Actions {
    admin: bool,
    act: Callback<OrgAction>,
}

fn action_button(
    a: &Actions,
    action: OrgAction,
    class: &'static str,
    label: String,
) -> impl IntoView {
    let (tag, id) = action.tag();
    let act = a.act;
    view! {
        <button
            type="button"
            class=format!("btn btn-small {class}")
            data-action=tag
            data-id=id.to_string()
            on:click=move |_| act.run(action)
        >
            {label}
        </button>
    }
}

/// One unit: name, member count and, for admins, rename and delete.
fn unit_row(a: &Actions, unit: Unit, id: i64, name: String, count: i64) -> impl IntoView {
    view! {
        <div class="unit unit-row">
            <span class="unit-name">{name}</span>
            <span class="count">{tf(K::PersonCount, &[("n", &count.to_string())])}</span>
            {a
                .admin
                .then(|| {
                    view! {
                        <span class="unit-actions">
                            {action_button(a, OrgAction::Rename(unit, id), "btn-ghost", t(K::Rename).into())}
                            {action_button(a, OrgAction::Delete(unit, id), "btn-ghost danger", t(K::Delete).into())}
                        </span>
                    }
                })}
        </div>
    }
}

fn add_button(a: &Actions, action: OrgAction, label: K) -> impl IntoView {
    a.admin.then(|| {
        view! {
            <div class="add-unit">
                {action_button(a, action, "btn-outline add", format!("+ {}", t(label)))}
            </div>
        }
    })
}

/// The whole tree.
fn org_view(tree: OrgTree, a: Actions) -> impl IntoView {
    let summary = tf(
        K::OrgSummary,
        &[
            ("b", &tree.branches.len().to_string()),
            ("g", &tree.youth_groups.len().to_string()),
            ("n", &member_total(&tree).to_string()),
        ],
    );
    let branches = tree
        .branches
        .into_iter()
        .map(|b| {
            let no_cells = b.cells.is_empty();
            view! {
                <div class="card unit-card">
                    {unit_row(&a, Unit::Branch, b.id, b.name, b.member_count)}
                    <div class="cells">
                        <h3 class="sub-title">{t(K::OrgCells)}</h3>
                        {no_cells.then(|| view! { <p class="muted small">{t(K::OrgNoCells)}</p> })}
                        <ul class="unit-list">
                            {b
                                .cells
                                .into_iter()
                                .map(|c| view! { <li>{unit_row(&a, Unit::Cell, c.id, c.name, c.member_count)}</li> })
                                .collect_view()}
                        </ul>
                        {add_button(&a, OrgAction::Add(Unit::Cell, Some(b.id)), K::OrgAddCell)}
                    </div>
                </div>
            }
        })
        .collect_view();
    let no_branches = branches.is_empty();
    let no_groups = tree.youth_groups.is_empty();
    view! {
        <section class="card org-summary">
            <h2 class="card-title">{tree.organization.name}</h2>
            <p class="muted">{summary}</p>
            {(!a.admin).then(|| view! { <p class="muted small">{t(K::OrgReadOnly)}</p> })}
        </section>
        <div class="org-columns">
            <section class="org-section">
                <div class="section-head">
                    <h2>{t(K::OrgBranches)}</h2>
                </div>
                {add_button(&a, OrgAction::Add(Unit::Branch, None), K::OrgAddBranch)}
                {no_branches.then(|| view! { <p class="card empty">{t(K::OrgNoBranches)}</p> })}
                <div class="org-branches">{branches}</div>
            </section>
            <section class="org-section">
                <div class="section-head">
                    <h2>{t(K::OrgYouthGroups)}</h2>
                </div>
                {add_button(&a, OrgAction::Add(Unit::YouthGroup, None), K::OrgAddYouthGroup)}
                <div class="card">
                    {no_groups.then(|| view! { <p class="muted">{t(K::OrgNoYouthGroups)}</p> })}
                    <ul class="unit-list">
                        {tree
                            .youth_groups
                            .into_iter()
                            .map(|g| view! { <li>{unit_row(&a, Unit::YouthGroup, g.id, g.name, g.member_count)}</li> })
                            .collect_view()}
                    </ul>
                </div>
            </section>
        </div>
    }
}

/// The sheet's form that names a new unit or renames one.
#[component]
fn NameForm(action: OrgAction, name: String, done: Callback<Option<String>>) -> impl IntoView {
    let name = RwSignal::new(name);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let value = name.get_untracked().trim().to_string();
        if let Err(e) = validation::org_unit_name(&value) {
            error.set(Some(e.message));
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let saved = match action {
                OrgAction::Add(unit, parent) => api::create_unit(unit, parent, &value).await,
                OrgAction::Rename(unit, id) => api::rename_unit(unit, id, &value).await,
                OrgAction::Delete(..) => Ok(()),
            };
            pending.try_set(false);
            match saved {
                Ok(()) => done.run(Some(value)),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            }
        });
    };
    view! {
        <form class="form" id="unit-form" novalidate on:submit=submit>
            <label class="field">
                <span class="label">{t(K::OrgNamePlaceholder)}</span>
                <input
                    class="input"
                    id="unit-name"
                    type="text"
                    name="name"
                    maxlength="60"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| done.run(None)>
                    {t(K::Cancel)}
                </button>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || t(if pending.get() { K::Saving } else { K::Save })}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn AdminOrg() -> impl IntoView {
    let session = use_session();
    let admin = session.is_admin();
    let data = load(|| api::ORG.into());
    let tree = decoded::<OrgTree>(data);
    // The open name form: what it does and the name it starts with.
    let form = RwSignal::new(None::<(OrgAction, String)>);
    let notice: Notice = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let name_of = move |unit, id| {
        tree.with_untracked(|t| {
            t.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|t| unit_name(t, unit, id))
        })
        .unwrap_or_default()
    };
    let delete = move |unit: Unit, id: i64| {
        let name = name_of(unit, id);
        if busy.get_untracked() || !browser::confirm(&tf(K::OrgConfirmDelete, &[("name", &name)])) {
            return;
        }
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            let r = api::delete_unit(unit, id).await;
            busy.try_set(false);
            notice.try_set(Some(match r {
                Ok(()) => {
                    data.reload();
                    (true, tf(K::OrgDeleted, &[("name", &name)]))
                }
                Err(e) => (false, error_text(&e)),
            }));
        });
    };
    let act = Callback::new(move |a: OrgAction| match a {
        OrgAction::Add(..) => form.set(Some((a, String::new()))),
        OrgAction::Rename(unit, id) => form.set(Some((a, name_of(unit, id)))),
        OrgAction::Delete(unit, id) => delete(unit, id),
    });
    let done = Callback::new(move |saved: Option<String>| {
        form.set(None);
        if let Some(name) = saved {
            notice.set(Some((true, tf(K::OrgSaved, &[("name", &name)]))));
            data.reload();
        }
    });
    let actions = Actions { admin, act };
    let sheet = move || {
        form.get().map(|(action, name)| {
            view! {
                <Sheet title=sheet_title(action) on_close=move |_| form.set(None)>
                    <NameForm action=action name=name done=done/>
                </Sheet>
            }
        })
    };
    view! {
        <Page class="admin-org" title=K::OrgTitle back=Some("/")>
            <Toast notice=notice/>
            <div class:busy=move || busy.get()>
                <Loaded data=data lines=6 ok=show(move |t: OrgTree| org_view(t, actions))/>
            </div>
            {sheet}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, Cell, Organization, YouthGroup};

    fn tree() -> OrgTree {
        let branch = |id, n| Branch {
            id,
            name: format!("第{id}党支部"),
            cells: vec![Cell {
                id: 10 + id,
                branch_id: id,
                name: format!("第{id}党小组"),
                member_count: 1,
            }],
            member_count: n,
        };
        OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![branch(1, 10), branch(2, 12)],
            youth_groups: vec![YouthGroup {
                id: 5,
                name: "青年一组".into(),
                member_count: 3,
            }],
        }
    }

    #[test]
    fn members_are_counted_once_through_their_branch() {
        let tree = tree();
        assert_eq!(member_total(&tree), 22);
        assert_eq!(
            unit_name(&tree, Unit::Branch, 2).as_deref(),
            Some("第2党支部")
        );
        assert_eq!(
            unit_name(&tree, Unit::Cell, 12).as_deref(),
            Some("第2党小组")
        );
        assert_eq!(unit_name(&tree, Unit::Cell, 2), None);
        assert_eq!(
            unit_name(&tree, Unit::YouthGroup, 5).as_deref(),
            Some("青年一组")
        );
    }

    #[test]
    fn buttons_are_tagged_with_their_action() {
        assert_eq!(
            OrgAction::Add(Unit::Cell, Some(4)).tag(),
            ("add-cell".to_string(), 4)
        );
        assert_eq!(
            OrgAction::Add(Unit::YouthGroup, None).tag(),
            ("add-group".to_string(), 0)
        );
        assert_eq!(
            OrgAction::Rename(Unit::Branch, 2).tag(),
            ("rename-branch".to_string(), 2)
        );
        assert_eq!(
            OrgAction::Delete(Unit::Cell, 9).tag(),
            ("delete-cell".to_string(), 9)
        );
        assert_eq!(sheet_title(OrgAction::Rename(Unit::Cell, 1)), t(K::Rename));
    }
}
