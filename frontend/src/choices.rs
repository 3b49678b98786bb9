//! Choices in the organizers' forms: the branches and youth groups a staff member works for
//! (who owns a question or quiz, who a quiz is for; form values `b:<id>`, `g:<id>`, or
//! empty for the organization itself, admins only), the question categories as an indented
//! tree, and the `<option>`s of a `<select>` built from such (value, label) pairs.

use leptos::prelude::*;
use shared::api::auth::Scope;
use shared::api::org::OrgTree;
use shared::api::questions::{Category, Owner};

use crate::i18n::{t, K};

/// (form value, label) choices of fixed values with catalogue labels.
pub fn keyed(pairs: &[(&str, K)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, k)| (v.to_string(), t(*k).to_string()))
        .collect()
}

/// (form value, label) of every unit `scope` covers (admins: every unit), branches first.
pub fn unit_options(tree: &OrgTree, scope: &Scope, admin: bool) -> Vec<(String, String)> {
    let branches = tree
        .branches
        .iter()
        .filter(|b| admin || scope.branch_ids.contains(&b.id))
        .map(|b| (format!("b:{}", b.id), b.name.clone()));
    let groups = tree
        .youth_groups
        .iter()
        .filter(|g| admin || scope.youth_group_ids.contains(&g.id))
        .map(|g| (format!("g:{}", g.id), g.name.clone()));
    branches.chain(groups).collect()
}

/// Owner choices: the units, and for admins the organization's own bank first.
pub fn owner_options(tree: &OrgTree, scope: &Scope, admin: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if admin {
        out.push((String::new(), t(K::OwnerOrganization).to_string()));
    }
    out.extend(unit_options(tree, scope, admin));
    out
}

/// `b:3` → (Some(3), None); `g:2` → (None, Some(2)); anything else → (None, None).
pub fn parse_unit(value: &str) -> (Option<i64>, Option<i64>) {
    let id = |v: &str| v.parse::<i64>().ok();
    match value.split_once(':') {
        Some(("b", v)) => (id(v), None),
        Some(("g", v)) => (None, id(v)),
        _ => (None, None),
    }
}

/// The form value of an owner.
pub fn owner_value(owner: &Owner) -> String {
    match (owner.branch_id, owner.youth_group_id) {
        (Some(b), _) => format!("b:{b}"),
        (_, Some(g)) => format!("g:{g}"),
        _ => String::new(),
    }
}

/// The owner a form value names (anything unreadable: the organization, which the server
/// refuses for organizers with its own message).
pub fn owner_of(value: &str) -> Owner {
    let (branch_id, youth_group_id) = parse_unit(value);
    Owner {
        branch_id,
        youth_group_id,
    }
}

/// (id, indented name) of every category, each parent before its children, after the
/// `first` choices.
pub fn category_options(
    categories: &[Category],
    first: &[(String, String)],
) -> Vec<(String, String)> {
    fn walk(all: &[Category], parent: Option<i64>, depth: usize, out: &mut Vec<(String, String)>) {
        for c in all.iter().filter(|c| c.parent_id == parent) {
            out.push((
                c.id.to_string(),
                format!("{}{}", "　".repeat(depth), c.name),
            ));
            // A cycle in bad data must not hang the page.
            if depth < 8 {
                walk(all, Some(c.id), depth + 1, out);
            }
        }
    }
    let mut out = first.to_vec();
    walk(categories, None, 0, &mut out);
    out
}

/// The `<option>`s of `choices`, the one whose value is `selected` chosen.
pub fn option_views(choices: &[(String, String)], selected: &str) -> impl IntoView {
    choices
        .iter()
        .map(|(value, label)| {
            view! {
                <option value=value.clone() selected=value == selected>
                    {label.clone()}
                </option>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, Organization, YouthGroup};

    fn tree() -> OrgTree {
        let branch = |id, name: &str| Branch {
            id,
            name: name.into(),
            cells: vec![],
            member_count: 0,
        };
        OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![branch(1, "一支部"), branch(2, "二支部")],
            youth_groups: vec![YouthGroup {
                id: 5,
                name: "青年组".into(),
                member_count: 0,
            }],
        }
    }

    #[test]
    fn organizers_choose_among_their_units_admins_among_all() {
        let scope = Scope {
            branch_ids: vec![2],
            youth_group_ids: vec![],
        };
        assert_eq!(
            owner_options(&tree(), &scope, false),
            vec![("b:2".to_string(), "二支部".to_string())]
        );
        let all = owner_options(&tree(), &scope, true);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].0, "");
        assert_eq!(all[3], ("g:5".to_string(), "青年组".to_string()));
        assert_eq!(parse_unit("g:5"), (None, Some(5)));
        assert_eq!(parse_unit(""), (None, None));
        assert_eq!(owner_value(&owner_of("b:2")), "b:2");
        assert_eq!(owner_value(&owner_of("g:5")), "g:5");
        assert_eq!(owner_of(""), Owner::default());
    }

    #[test]
    fn categories_are_listed_as_a_tree() {
        let cat = |id, name: &str, parent_id| Category {
            id,
            name: name.into(),
            parent_id,
            question_count: 0,
        };
        let cats = [
            cat(3, "子", Some(1)),
            cat(1, "根", None),
            cat(2, "另一个", None),
        ];
        let opts = category_options(&cats, &[(String::new(), "全部".into())]);
        let labels: Vec<&str> = opts.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, vec!["全部", "根", "　子", "另一个"]);
        assert_eq!(opts[2].0, "3");
    }
}
