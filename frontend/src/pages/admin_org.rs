//! `/admin/org`: the organization tree: branches (党支部) with their cells (党小组) and
//! member counts, and the youth groups (青年理论学习小组). Admins create, rename and delete
//! units (a small form sheet for names, a confirmation for deletes); organizers see the
//! tree read-only. The tree (an `OrgTree`, read as `Value`) and the name form are HTML text
//! in `region`s; the tree's buttons name their action in `data-action`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::validation;

use crate::api::{self, Unit};
use crate::app::use_session;
use crate::browser;
use crate::components::{error_text, region, Act, Fetch, Page, Sheet};
use crate::html::{el, esc};
use crate::i18n::{t, tf, K};
use crate::json::{i, list, obj, s};

/// Total active members: everyone belongs to exactly one branch.
pub fn member_total(tree: &Value) -> i64 {
    list(tree, "branches")
        .iter()
        .map(|b| i(b, "member_count"))
        .sum()
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
pub fn unit_name(tree: &Value, unit: Unit, id: i64) -> Option<String> {
    let branches = list(tree, "branches");
    let mut units: Box<dyn Iterator<Item = &Value>> = match unit {
        Unit::Branch => Box::new(branches.iter()),
        Unit::Cell => Box::new(branches.iter().flat_map(|b| list(b, "cells"))),
        Unit::YouthGroup => Box::new(list(tree, "youth_groups").iter()),
    };
    units
        .find(|u| i(u, "id") == id)
        .map(|u| s(u, "name").to_string())
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
pub fn org_html(tree: &Value, admin: bool) -> String {
    let (branches, groups) = (list(tree, "branches"), list(tree, "youth_groups"));
    let summary = tf(
        K::OrgSummary,
        &[
            ("b", &branches.len().to_string()),
            ("g", &groups.len().to_string()),
            ("n", &member_total(tree).to_string()),
        ],
    );
    let organization = obj(tree, "organization").unwrap_or(&Value::Null);
    let mut h = String::from(r#"<section class="card org-summary">"#);
    h += &el("h2", "card-title", s(organization, "name"));
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
    if branches.is_empty() {
        h += &el("p", "card empty", t(K::OrgNoBranches));
    }
    let row =
        |unit, u: &Value| unit_row(unit, i(u, "id"), s(u, "name"), i(u, "member_count"), admin);
    for b in branches {
        h += r#"<div class="card unit-card">"#;
        h += &row(Unit::Branch, b);
        h += r#"<div class="cells">"#;
        h += &el("h3", "sub-title", t(K::OrgCells));
        let cells = list(b, "cells");
        if cells.is_empty() {
            h += &el("p", "muted small", t(K::OrgNoCells));
        }
        h += r#"<ul class="unit-list">"#;
        for c in cells {
            h += "<li>";
            h += &row(Unit::Cell, c);
            h += "</li>";
        }
        h += "</ul>";
        if admin {
            h += &add_button(OrgAction::Add(Unit::Cell, Some(i(b, "id"))), K::OrgAddCell);
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
    if groups.is_empty() {
        h += &el("p", "muted", t(K::OrgNoYouthGroups));
    }
    h += r#"<ul class="unit-list">"#;
    for g in groups {
        h += "<li>";
        h += &row(Unit::YouthGroup, g);
        h += "</li>";
    }
    h += "</ul></div></section>";
    h
}

/// The name form: what it does, the name as last rendered, the error, whether it is saving.
#[derive(Debug, Clone, PartialEq)]
struct NameForm {
    action: OrgAction,
    name: String,
    error: Option<String>,
    pending: bool,
}

/// The sheet's form that names a new unit or renames one.
fn name_form_html(f: &NameForm) -> String {
    let mut h = format!(
        r#"<form class="form" id="unit-form" novalidate><label class="field"><span class="label">{}</span><input class="input" id="unit-name" type="text" name="name" maxlength="60" value="{}"></label>"#,
        t(K::OrgNamePlaceholder),
        esc(&f.name)
    );
    if let Some(m) = &f.error {
        h += &format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m));
    }
    h + &format!(
        r#"<div class="form-actions"><button type="button" class="btn" data-action="cancel">{}</button><button type="submit" class="btn btn-primary"{}>{}</button></div></form>"#,
        t(K::Cancel),
        if f.pending { " disabled" } else { "" },
        t(K::Save)
    )
}

fn sheet_title(action: OrgAction) -> &'static str {
    match action {
        OrgAction::Add(Unit::Branch, _) => t(K::OrgAddBranch),
        OrgAction::Add(Unit::Cell, _) => t(K::OrgAddCell),
        OrgAction::Add(Unit::YouthGroup, _) => t(K::OrgAddYouthGroup),
        _ => t(K::Rename),
    }
}

#[component]
pub fn AdminOrg() -> impl IntoView {
    let session = use_session();
    let admin = session.is_admin();
    let tree = Fetch::new(|| api::ORG.into());
    let form = RwSignal::new(None::<NameForm>);
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
    let save = move |name: String| {
        let Some(mut f) = form.get_untracked() else {
            return;
        };
        if f.pending {
            return;
        }
        f.name = name;
        if let Err(e) = validation::org_unit_name(&f.name) {
            f.error = Some(e.message);
            form.set(Some(f));
            return;
        }
        let (action, name) = (f.action, f.name.clone());
        f.error = None;
        f.pending = true;
        form.set(Some(f));
        spawn_local(async move {
            let done = match action {
                OrgAction::Add(unit, parent) => api::create_unit(unit, parent, &name).await,
                OrgAction::Rename(unit, id) => api::rename_unit(unit, id, &name).await,
                OrgAction::Delete(..) => Ok(()),
            };
            match done {
                Ok(()) => {
                    form.try_set(None);
                    tree.reload();
                }
                Err(e) => {
                    form.try_update(|f| {
                        if let Some(f) = f {
                            f.error = Some(error_text(&e));
                            f.pending = false;
                        }
                    });
                }
            }
        });
    };
    let act = move |a: Act| match a {
        Act::Submit(_, fields) => save(fields.text("name").to_string()),
        Act::Click(action, id) => {
            let name = |unit, id| {
                tree.get_untracked()
                    .and_then(Result::ok)
                    .and_then(|t| unit_name(&t, unit, id))
                    .unwrap_or_default()
            };
            let open = |action, name| {
                form.set(Some(NameForm {
                    action,
                    name,
                    error: None,
                    pending: false,
                }))
            };
            match (action.as_str(), OrgAction::parse(&action, id)) {
                ("retry", _) => tree.reload(),
                ("cancel", _) => form.set(None),
                (_, Some(a @ OrgAction::Add(..))) => open(a, String::new()),
                (_, Some(a @ OrgAction::Rename(unit, id))) => open(a, name(unit, id)),
                (_, Some(OrgAction::Delete(unit, id))) => delete(unit, id, name(unit, id)),
                _ => {}
            }
        }
        Act::Change(..) => {}
    };

    // The sheet opens and closes; its form re-renders inside it.
    let open = Memo::new(move |_| form.with(|f| f.as_ref().map(|f| f.action)));
    let on_close = Callback::new(move |_| form.set(None));
    let sheet = move || {
        open.get().map(|action| {
            let html = move || form.with(|f| f.as_ref().map(name_form_html).unwrap_or_default());
            view! {
                <Sheet title=sheet_title(action) on_close=on_close>
                    {region("", html, act)}
                </Sheet>
            }
        })
    };
    let page = move || {
        let mut h = error
            .get()
            .map(|m| format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(&m)))
            .unwrap_or_default();
        h += &tree.html(6, |t: Value| {
            format!(
                r#"<div class="{}">{}</div>"#,
                if busy.get() { "busy" } else { "" },
                org_html(&t, admin)
            )
        });
        h
    };
    view! {
        <Page class="admin-org" title=K::OrgTitle back=Some("/")>
            {region("", page, act)}
            {sheet}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, OrgTree, Organization};

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
        let tree = serde_json::to_value(tree).unwrap();
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
        assert!(read_only.contains("机关党委"));
    }

    #[test]
    fn the_name_form_shows_its_state() {
        let mut f = NameForm {
            action: OrgAction::Rename(Unit::Cell, 3),
            name: "第\"三\"组".into(),
            error: None,
            pending: false,
        };
        let h = name_form_html(&f);
        assert!(h.contains(r#"id="unit-form""#));
        assert!(h.contains(r#"value="第&quot;三&quot;组""#));
        assert!(!h.contains("form-error") && !h.contains("disabled"));
        f.error = Some("<名称>".into());
        f.pending = true;
        let h = name_form_html(&f);
        assert!(h.contains(r#"<p class="form-error" role="alert">&lt;名称&gt;</p>"#));
        assert!(h.contains(" disabled>"));
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
