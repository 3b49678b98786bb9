//! `/admin/org`: the organization tree: branches (党支部) with their cells (党小组) and
//! member counts, and the youth groups (青年理论学习小组). Admins create, rename and delete
//! units (a small form sheet for names, a confirmation for deletes); organizers see the
//! tree read-only. The tree is HTML text; its buttons name their action in `data-action`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::org::OrgTree;
use shared::validation;

use crate::api::{self, Unit};
use crate::app::use_session;
use crate::browser;
use crate::components::{error_text, ErrorLine, Fetch, Page, Sheet};
use crate::html::{el, esc};
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
    /// The `data-action` of its button (`data-id` carries the id, 0 for none).
    pub fn tag(self) -> (String, i64) {
        match self {
            OrgAction::Add(u, parent) => (format!("add-{}", unit_tag(u)), parent.unwrap_or(0)),
            OrgAction::Rename(u, id) => (format!("rename-{}", unit_tag(u)), id),
            OrgAction::Delete(u, id) => (format!("delete-{}", unit_tag(u)), id),
        }
    }

    /// Reads a button's `data-action` and `data-id` back.
    pub fn parse(action: &str, id: i64) -> Option<OrgAction> {
        let (verb, unit) = action.split_once('-')?;
        let unit = [Unit::Branch, Unit::Cell, Unit::YouthGroup]
            .into_iter()
            .find(|u| unit_tag(*u) == unit)?;
        match verb {
            "add" if unit == Unit::Cell => Some(OrgAction::Add(unit, Some(id))),
            "add" => Some(OrgAction::Add(unit, None)),
            "rename" => Some(OrgAction::Rename(unit, id)),
            "delete" => Some(OrgAction::Delete(unit, id)),
            _ => None,
        }
    }
}

/// The current name of a unit in the tree.
pub fn unit_name(tree: &OrgTree, unit: Unit, id: i64) -> Option<String> {
    let name = match unit {
        Unit::Branch => tree.branches.iter().find(|b| b.id == id).map(|b| &b.name),
        Unit::Cell => tree
            .branches
            .iter()
            .flat_map(|b| &b.cells)
            .find(|c| c.id == id)
            .map(|c| &c.name),
        Unit::YouthGroup => tree
            .youth_groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| &g.name),
    };
    name.cloned()
}

fn action_button(action: OrgAction, class: &str, label: &str) -> String {
    let (tag, id) = action.tag();
    format!(
        r#"<button type="button" class="btn btn-small {class}" data-action="{tag}" data-id="{id}">{}</button>"#,
        esc(label)
    )
}

/// One unit: name, member count and, for admins, rename and delete.
fn unit_row(unit: Unit, id: i64, name: &str, count: i64, admin: bool) -> String {
    let mut h = String::from(r#"<div class="unit unit-row">"#);
    h += &el("span", "unit-name", name);
    h += &el(
        "span",
        "count",
        &tf(K::PersonCount, &[("n", &count.to_string())]),
    );
    if admin {
        h += r#"<span class="unit-actions">"#;
        h += &action_button(OrgAction::Rename(unit, id), "btn-ghost", t(K::Rename));
        h += &action_button(
            OrgAction::Delete(unit, id),
            "btn-ghost danger",
            t(K::Delete),
        );
        h += "</span>";
    }
    h += "</div>";
    h
}

fn add_button(action: OrgAction, label: K) -> String {
    format!(
        r#"<div class="add-unit">{}</div>"#,
        action_button(action, "btn-outline add", &format!("+ {}", t(label)))
    )
}

/// The whole tree as HTML.
pub fn org_html(tree: &OrgTree, admin: bool) -> String {
    let summary = tf(
        K::OrgSummary,
        &[
            ("b", &tree.branches.len().to_string()),
            ("g", &tree.youth_groups.len().to_string()),
            ("n", &member_total(tree).to_string()),
        ],
    );
    let mut h = String::from(r#"<section class="card org-summary">"#);
    h += &el("h2", "card-title", &tree.organization.name);
    h += &el("p", "muted", &summary);
    if !admin {
        h += &el("p", "muted small", t(K::OrgReadOnly));
    }
    h += r#"</section><section class="org-section"><div class="section-head">"#;
    h += &el("h2", "", t(K::OrgBranches));
    h += "</div>";
    if admin {
        h += &add_button(OrgAction::Add(Unit::Branch, None), K::OrgAddBranch);
    }
    if tree.branches.is_empty() {
        h += &el("p", "card empty", t(K::OrgNoBranches));
    }
    for b in &tree.branches {
        h += r#"<div class="card unit-card">"#;
        h += &unit_row(Unit::Branch, b.id, &b.name, b.member_count, admin);
        h += r#"<div class="cells">"#;
        h += &el("h3", "sub-title", t(K::OrgCells));
        if b.cells.is_empty() {
            h += &el("p", "muted small", t(K::OrgNoCells));
        }
        h += r#"<ul class="unit-list">"#;
        for c in &b.cells {
            h += "<li>";
            h += &unit_row(Unit::Cell, c.id, &c.name, c.member_count, admin);
            h += "</li>";
        }
        h += "</ul>";
        if admin {
            h += &add_button(OrgAction::Add(Unit::Cell, Some(b.id)), K::OrgAddCell);
        }
        h += "</div></div>";
    }
    h += r#"</section><section class="org-section"><div class="section-head">"#;
    h += &el("h2", "", t(K::OrgYouthGroups));
    h += "</div>";
    if admin {
        h += &add_button(OrgAction::Add(Unit::YouthGroup, None), K::OrgAddYouthGroup);
    }
    h += r#"<div class="card">"#;
    if tree.youth_groups.is_empty() {
        h += &el("p", "muted", t(K::OrgNoYouthGroups));
    }
    h += r#"<ul class="unit-list">"#;
    for g in &tree.youth_groups {
        h += "<li>";
        h += &unit_row(Unit::YouthGroup, g.id, &g.name, g.member_count, admin);
        h += "</li>";
    }
    h += "</ul></div></section>";
    h
}

#[component]
pub fn AdminOrg() -> impl IntoView {
    let session = use_session();
    let admin = session.is_admin();
    let tree = Fetch::new(|| api::ORG.into());
    // The name form: what it does and the name it starts with.
    let form = RwSignal::new(None::<(OrgAction, String)>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let delete = move |unit: Unit, id: i64, name: String| {
        let message = tf(K::OrgConfirmDelete, &[("name", &name)]);
        if busy.get_untracked() || !browser::confirm(&message) {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::delete_unit(unit, id).await {
                Ok(()) => tree.reload(),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    browser::scroll_to_top();
                }
            }
            busy.try_set(false);
        });
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(action) =
            browser::clicked_action(&ev).and_then(|(a, id)| OrgAction::parse(&a, id))
        else {
            return;
        };
        let name = |unit, id| {
            tree.get_untracked::<OrgTree>()
                .and_then(Result::ok)
                .and_then(|t| unit_name(&t, unit, id))
                .unwrap_or_default()
        };
        match action {
            OrgAction::Add(..) => form.set(Some((action, String::new()))),
            OrgAction::Rename(unit, id) => form.set(Some((action, name(unit, id)))),
            OrgAction::Delete(unit, id) => delete(unit, id, name(unit, id)),
        }
    };
    let on_done = Callback::new(move |_| {
        form.set(None);
        tree.reload();
    });
    let on_close = Callback::new(move |_| form.set(None));

    view! {
        <Page class="admin-org" title=K::OrgTitle back=Some("/")>
            <ErrorLine message=error/>
            {tree
                .show(
                    6,
                    move |t: OrgTree| {
                        view! {
                            <div class:busy=move || busy.get() on:click=on_click inner_html=org_html(&t, admin)></div>
                        }
                            .into_any()
                    },
                )}
            {move || {
                form.get()
                    .map(|(action, initial)| {
                        view! { <UnitForm action=action initial=initial on_done=on_done on_close=on_close/> }
                    })
            }}
        </Page>
    }
}

/// The sheet that names a new unit or renames one.
#[component]
fn UnitForm(
    action: OrgAction,
    initial: String,
    on_done: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let title = match action {
        OrgAction::Add(Unit::Branch, _) => t(K::OrgAddBranch),
        OrgAction::Add(Unit::Cell, _) => t(K::OrgAddCell),
        OrgAction::Add(Unit::YouthGroup, _) => t(K::OrgAddYouthGroup),
        _ => t(K::Rename),
    };
    let draft = RwSignal::new(initial);
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
            let done = match action {
                OrgAction::Add(unit, parent) => {
                    api::create_unit(unit, parent, &name).await.map(|_| ())
                }
                OrgAction::Rename(unit, id) => api::rename_unit(unit, id, &name).await,
                OrgAction::Delete(..) => Ok(()),
            };
            match done {
                Ok(()) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };
    view! {
        <Sheet title=title on_close=on_close>
            <form class="form" id="unit-form" on:submit=save>
                <label class="field">
                    <span class="label">{t(K::OrgNamePlaceholder)}</span>
                    <input
                        class="input"
                        id="unit-name"
                        type="text"
                        maxlength="60"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    />
                </label>
                <ErrorLine message=error/>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| on_close.run(())>
                        {t(K::Cancel)}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                        {t(K::Save)}
                    </button>
                </div>
            </form>
        </Sheet>
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
        assert_eq!(
            unit_name(&tree, Unit::Branch, 2).as_deref(),
            Some("第2党支部")
        );
        assert_eq!(unit_name(&tree, Unit::Cell, 2), None);
        let admin = org_html(&tree, true);
        assert!(admin.contains(r#"data-action="rename-branch" data-id="2""#));
        assert!(admin.contains(r#"data-action="add-cell" data-id="1""#));
        assert!(admin.contains(r#"data-action="add-group" data-id="0""#));
        let read_only = org_html(&tree, false);
        assert!(!read_only.contains("data-action"));
        assert!(read_only.contains("22名成员"));
    }

    #[test]
    fn actions_round_trip_through_their_buttons() {
        for a in [
            OrgAction::Add(Unit::Branch, None),
            OrgAction::Add(Unit::Cell, Some(4)),
            OrgAction::Add(Unit::YouthGroup, None),
            OrgAction::Rename(Unit::Cell, 9),
            OrgAction::Delete(Unit::YouthGroup, 3),
        ] {
            let (tag, id) = a.tag();
            assert_eq!(OrgAction::parse(&tag, id), Some(a));
        }
        assert_eq!(OrgAction::parse("drop-branch", 1), None);
        assert_eq!(OrgAction::parse("add-planet", 1), None);
    }
}
