//! Choices in the organizers' forms: the branches and youth groups a staff member works for
//! (who owns a question or quiz, who a quiz is for; form values `b:<id>`, `g:<id>`, or
//! empty for the organization itself, admins only) and the question categories as an
//! indented tree.

use serde_json::Value;
use shared::api::auth::Scope;

use crate::i18n::{t, K};
use crate::json::{i, list, opt_id, s};

/// (form value, label) choices of fixed values with catalogue labels.
pub fn keyed(pairs: &[(&str, K)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, k)| (v.to_string(), t(*k).to_string()))
        .collect()
}

/// (form value, label) of every unit `scope` covers (admins: every unit), branches first.
pub fn unit_options(tree: &Value, scope: &Scope, admin: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for b in list(tree, "branches") {
        if admin || scope.branch_ids.contains(&i(b, "id")) {
            out.push((format!("b:{}", i(b, "id")), s(b, "name").to_string()));
        }
    }
    for g in list(tree, "youth_groups") {
        if admin || scope.youth_group_ids.contains(&i(g, "id")) {
            out.push((format!("g:{}", i(g, "id")), s(g, "name").to_string()));
        }
    }
    out
}

/// Owner choices: the units, and for admins the organization's own bank first.
pub fn owner_options(tree: &Value, scope: &Scope, admin: bool) -> Vec<(String, String)> {
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

/// The form value of an owner object (`{branch_id, youth_group_id}`).
pub fn owner_value(owner: &Value) -> String {
    match (
        owner["branch_id"].as_i64(),
        owner["youth_group_id"].as_i64(),
    ) {
        (Some(b), _) => format!("b:{b}"),
        (_, Some(g)) => format!("g:{g}"),
        _ => String::new(),
    }
}

/// `{branch_id, youth_group_id}` (JSON text) for a form value.
pub fn owner_json(value: &str) -> String {
    let (b, g) = parse_unit(value);
    format!(
        r#"{{"branch_id":{},"youth_group_id":{}}}"#,
        opt_id(b),
        opt_id(g)
    )
}

/// (id, indented name) of every category, each parent before its children, after the
/// `first` choices.
pub fn category_options(categories: &Value, first: &[(String, String)]) -> Vec<(String, String)> {
    fn walk(all: &[Value], parent: Option<i64>, depth: usize, out: &mut Vec<(String, String)>) {
        for c in all.iter().filter(|c| c["parent_id"].as_i64() == parent) {
            out.push((
                i(c, "id").to_string(),
                format!("{}{}", "　".repeat(depth), s(c, "name")),
            ));
            if depth < 8 {
                walk(all, Some(i(c, "id")), depth + 1, out);
            }
        }
    }
    let mut out = first.to_vec();
    walk(crate::json::items(categories), None, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn organizers_choose_among_their_units_admins_among_all() {
        let tree = json!({
            "branches": [{ "id": 1, "name": "一支部" }, { "id": 2, "name": "二支部" }],
            "youth_groups": [{ "id": 5, "name": "青年组" }],
        });
        let scope = Scope {
            branch_ids: vec![2],
            youth_group_ids: vec![],
        };
        assert_eq!(
            owner_options(&tree, &scope, false),
            vec![("b:2".to_string(), "二支部".to_string())]
        );
        let all = owner_options(&tree, &scope, true);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].0, "");
        assert_eq!(all[3], ("g:5".to_string(), "青年组".to_string()));
        assert_eq!(parse_unit("g:5"), (None, Some(5)));
        assert_eq!(parse_unit(""), (None, None));
        let owner: Value = serde_json::from_str(&owner_json("b:2")).unwrap();
        assert_eq!(owner_value(&owner), "b:2");
        assert_eq!(
            serde_json::from_str::<Value>(&owner_json("")).unwrap(),
            json!({ "branch_id": null, "youth_group_id": null })
        );
    }

    #[test]
    fn categories_are_listed_as_a_tree() {
        let cats = json!([
            { "id": 3, "name": "子", "parent_id": 1 },
            { "id": 1, "name": "根", "parent_id": null },
            { "id": 2, "name": "另一个", "parent_id": null },
        ]);
        let opts = category_options(&cats, &[(String::new(), "全部".into())]);
        let labels: Vec<&str> = opts.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, vec!["全部", "根", "　子", "另一个"]);
        assert_eq!(opts[2].0, "3");
    }
}
