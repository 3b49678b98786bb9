//! `/admin/members`: the member accounts in the caller's scope, paged, with a search box and
//! branch / youth-group filters kept in the URL (so the back button walks through them).
//! Admins add, edit, reset passwords, deactivate and reactivate accounts, and import members
//! from a spreadsheet; organizers see the list read-only.
//!
//! Every part of the page is HTML text in a `region` (see `crate::components::region`); one
//! handler, [`AdminMembers`]'s `act`, answers every submit, change and click. Answers are
//! read as `Value` (`crate::json`) and request bodies are written by hand; the tests check
//! both against the `shared` types.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::api::auth::{Role, Scope};
use shared::api::members::{MemberQuery, IMPORT_COLUMNS};
use shared::validation;

use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::browser;
use crate::components::{
    chosen_file, error_text, pager_html, region, Act, Fetch, Fields, Page, Sheet,
};
use crate::html::{el, esc};
use crate::i18n::role_key;
use crate::i18n::{msg, t, tf, Msg, K};
use crate::json::{b, i, id_list, ids, list, obj, opt_i, opt_id, quote, s};
use crate::router::{use_router, Nav};

pub const PER_PAGE: u32 = 20;
/// The list's filters, as they stand in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub q: String,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub include_inactive: bool,
    pub page: u32,
}

impl Filter {
    /// Reads the URL's query parameters (the same names as the API's).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Filter {
        let id = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
        Filter {
            q: get("q").unwrap_or_default(),
            branch_id: id("branch_id"),
            youth_group_id: id("youth_group_id"),
            include_inactive: get("include_inactive").as_deref() == Some("true"),
            page: get("page")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1),
        }
    }

    /// The API query for this filter.
    pub fn to_query(&self) -> MemberQuery {
        MemberQuery {
            q: Some(self.q.trim().to_string()).filter(|s| !s.is_empty()),
            branch_id: self.branch_id,
            youth_group_id: self.youth_group_id,
            include_inactive: Some(self.include_inactive),
            page: Some(self.page.max(1)),
            per_page: Some(PER_PAGE),
        }
    }

    /// This page's URL for the filter (first page and defaults left out).
    pub fn to_url(&self) -> String {
        let mut q = self.to_query();
        q.per_page = None;
        q.page = q.page.filter(|p| *p > 1);
        format!("/admin/members{}", api::members_query_string(&q))
    }
}

/// The add / edit form's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberForm {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub phone: String,
    pub scope: Scope,
}

impl Default for MemberForm {
    fn default() -> Self {
        MemberForm {
            username: String::new(),
            display_name: String::new(),
            role: Role::Member,
            branch_id: None,
            cell_id: None,
            youth_group_id: None,
            phone: String::new(),
            scope: Scope::default(),
        }
    }
}

impl MemberForm {
    /// The form for a `Member` of the list.
    pub fn from_member(m: &Value) -> Self {
        let scope = obj(m, "scope").unwrap_or(&Value::Null);
        MemberForm {
            username: s(m, "username").to_string(),
            display_name: s(m, "display_name").to_string(),
            role: Role::parse(s(m, "role")).unwrap_or(Role::Member),
            branch_id: opt_i(m, "branch_id"),
            cell_id: opt_i(m, "cell_id"),
            youth_group_id: opt_i(m, "youth_group_id"),
            phone: s(m, "phone").to_string(),
            scope: Scope {
                branch_ids: ids(scope, "branch_ids"),
                youth_group_ids: ids(scope, "youth_group_ids"),
            },
        }
    }

    /// What the form shows now; `prev` is what it was rendered from. The username is only
    /// in the form of a new account, the scope only while the role was organizer; a new
    /// branch drops the cell (cells belong to a branch).
    pub fn read(f: &Fields, prev: &MemberForm) -> MemberForm {
        let branch_id = f.id("branch_id");
        MemberForm {
            username: f.get("username").unwrap_or(&prev.username).to_string(),
            display_name: f.text("display_name").to_string(),
            role: Role::parse(f.text("role")).unwrap_or(Role::Member),
            branch_id,
            cell_id: f.id("cell_id").filter(|_| branch_id == prev.branch_id),
            youth_group_id: f.id("youth_group_id"),
            phone: f.text("phone").to_string(),
            scope: if prev.role == Role::Organizer {
                Scope {
                    branch_ids: f.ids("scope_branch"),
                    youth_group_ids: f.ids("scope_group"),
                }
            } else {
                prev.scope.clone()
            },
        }
    }

    /// The rules the server will apply, checked before sending.
    pub fn check(&self, creating: bool) -> Result<(), Msg> {
        let rule = |r: Result<(), validation::FieldError>| r.map_err(|e| Msg::Text(e.message));
        if creating {
            rule(validation::username(self.username.trim()))?;
        }
        rule(validation::display_name(&self.display_name))?;
        if self.role != Role::Admin && self.branch_id.is_none() {
            return Err(Msg::Key(K::MembersNeedBranch));
        }
        let phone = self.phone.trim();
        if !phone.is_empty() {
            rule(validation::phone(phone))?;
        }
        if self.role == Role::Organizer && self.scope.is_empty() {
            return Err(Msg::Key(K::MembersNeedScope));
        }
        Ok(())
    }

    fn phone_json(&self) -> String {
        match self.phone.trim() {
            "" => "null".into(),
            p => quote(p),
        }
    }

    fn scope_json(&self) -> String {
        format!(
            r#"{{"branch_ids":{},"youth_group_ids":{}}}"#,
            id_list(&self.scope.branch_ids),
            id_list(&self.scope.youth_group_ids)
        )
    }

    /// `POST /api/v1/members` body (a `CreateMember`; only organizers carry a scope).
    pub fn create_json(&self) -> String {
        let scope = if self.role == Role::Organizer {
            self.scope_json()
        } else {
            r#"{"branch_ids":[],"youth_group_ids":[]}"#.into()
        };
        format!(
            r#"{{"username":{},"display_name":{},"role":"{}","branch_id":{},"cell_id":{},"youth_group_id":{},"phone":{},"scope":{scope}}}"#,
            quote(self.username.trim()),
            quote(self.display_name.trim()),
            self.role.as_str(),
            opt_id(self.branch_id),
            opt_id(self.cell_id),
            opt_id(self.youth_group_id),
            self.phone_json(),
        )
    }

    /// `PATCH /api/v1/members/{id}` body (an `UpdateMember`) with every editable field, so
    /// the account ends up exactly as the form shows it (`null` clears a cell, group, phone).
    pub fn update_json(&self) -> String {
        let scope = if self.role == Role::Organizer {
            self.scope_json()
        } else {
            "null".into()
        };
        format!(
            r#"{{"display_name":{},"role":"{}","branch_id":{},"cell_id":{},"youth_group_id":{},"phone":{},"scope":{scope}}}"#,
            quote(self.display_name.trim()),
            self.role.as_str(),
            opt_id(self.branch_id),
            opt_id(self.cell_id),
            opt_id(self.youth_group_id),
            self.phone_json(),
        )
    }
}

/// `PATCH /api/v1/members/{id}` body that only (de)activates the account.
pub fn active_json(active: bool) -> String {
    format!(r#"{{"active":{active}}}"#)
}

/// The name of the unit with this id among `units` (`OrgTree` branches, cells or youth
/// groups as `Value`s).
fn unit_name<'a>(units: impl IntoIterator<Item = &'a Value>, id: Option<i64>) -> Option<&'a str> {
    let id = id?;
    units
        .into_iter()
        .find(|u| i(u, "id") == id)
        .map(|u| s(u, "name"))
}

fn cells(org: &Value) -> impl Iterator<Item = &Value> {
    list(org, "branches").iter().flat_map(|b| list(b, "cells"))
}

/// The member list (a `MemberPage`'s `items`) as an HTML table, stacked as cards on
/// phones, with names from the organization tree (`OrgTree`, `Null` while loading).
/// Admins get edit, reset and (de)activate buttons, marked with `data-action` and `data-id`.
pub fn members_table_html(members: &[Value], org: &Value, admin: bool) -> String {
    let heads = [
        K::MembersName,
        K::MembersRole,
        K::MembersBranch,
        K::MembersYouthGroup,
        K::MembersPhone,
        K::MembersStatus,
    ];
    let mut h = String::from(r#"<table class="table stack members-table"><thead><tr>"#);
    for k in heads {
        h += &el("th", "", t(k));
    }
    if admin {
        h += &el("th", "", t(K::MembersActions));
    }
    h += "</tr></thead><tbody>";
    for m in members {
        let active = b(m, "active");
        let (status, status_class) = match (active, b(m, "must_change_password")) {
            (false, _) => (K::MembersInactive, "badge muted-badge"),
            (true, true) => (K::MembersMustChange, "badge"),
            (true, false) => (K::MembersActive, "badge"),
        };
        let td = |class: &str, label: K, inner: String| {
            format!(
                r#"<td class="{class}" data-label="{}">{inner}</td>"#,
                t(label)
            )
        };
        h += if active {
            "<tr>"
        } else {
            r#"<tr class="inactive">"#
        };
        h += &td(
            "cell-name",
            K::MembersName,
            el("strong", "", s(m, "display_name")) + &el("span", "muted small", s(m, "username")),
        );
        let role = Role::parse(s(m, "role")).unwrap_or(Role::Member);
        h += &td("nowrap", K::MembersRole, esc(t(role_key(role))));
        let cell = unit_name(cells(org), opt_i(m, "cell_id"))
            .map(|c| el("span", "muted small", c))
            .unwrap_or_default();
        let branch = unit_name(list(org, "branches"), opt_i(m, "branch_id"));
        h += &td(
            "nowrap",
            K::MembersBranch,
            esc(branch.unwrap_or("—")) + &cell,
        );
        let group = unit_name(list(org, "youth_groups"), opt_i(m, "youth_group_id"));
        h += &td("", K::MembersYouthGroup, esc(group.unwrap_or("—")));
        h += &td(
            "nowrap",
            K::MembersPhone,
            esc(obj(m, "phone").and_then(Value::as_str).unwrap_or("—")),
        );
        h += &td(
            "nowrap",
            K::MembersStatus,
            el("span", status_class, t(status)),
        );
        if admin {
            let id = i(m, "id");
            let button = |action: &str, class: &str, label: K| {
                format!(
                    r#"<button type="button" class="btn btn-small btn-ghost{class}" data-action="{action}" data-id="{id}">{}</button>"#,
                    t(label)
                )
            };
            let toggle = if active {
                button("deactivate", " danger", K::MembersDeactivate)
            } else {
                button("reactivate", "", K::MembersReactivate)
            };
            h += &format!(
                r#"<td class="cell-actions">{}{}{toggle}</td>"#,
                button("edit", "", K::Edit),
                button("reset", "", K::MembersResetPassword)
            );
        }
        h += "</tr>";
    }
    h += "</tbody></table>";
    h
}

/// A one-time initial password to hand out, after creating or resetting an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    reset: bool,
    username: String,
    name: String,
    password: String,
}

impl Issued {
    /// From an `IssuedPassword`.
    pub fn new(v: &Value, reset: bool) -> Self {
        let m = obj(v, "member").unwrap_or(&Value::Null);
        Issued {
            reset,
            username: s(m, "username").to_string(),
            name: s(m, "display_name").to_string(),
            password: s(v, "initial_password").to_string(),
        }
    }
}

/// The add / edit sheet: the account (0 for a new one) and the form as last rendered.
#[derive(Debug, Clone, PartialEq)]
struct Editor {
    id: i64,
    form: MemberForm,
    error: Option<String>,
    pending: bool,
}

#[derive(Debug, Clone)]
enum ImportState {
    Idle,
    NeedFile,
    Uploading,
    /// The `ImportReport`, read as `Value` (see `crate::json`): it is only displayed.
    Done(Value),
    Failed(ApiError),
}

/// Above the list: the password just issued, the last action's error, the read-only note.
fn notices_html(issued: &Option<Issued>, error: &Option<String>, admin: bool) -> String {
    let mut h = String::new();
    if let Some(x) = issued {
        let key = if x.reset {
            K::MembersIssuedReset
        } else {
            K::MembersIssuedCreated
        };
        h += &format!(
            r#"<div class="banner success issued" role="status"><p class="banner-text">{} {}</p>{}<button type="button" class="btn btn-small" data-action="close-issued">{}</button></div>"#,
            esc(&tf(key, &[("username", &x.username), ("name", &x.name)])),
            el("code", "pw", &x.password),
            el("p", "small", t(K::MembersIssuedNote)),
            t(K::Close)
        );
    }
    if let Some(m) = error {
        h += &format!(
            r#"<div class="banner error" role="alert">{}</div>"#,
            el("p", "banner-text", m)
        );
    }
    if !admin {
        h += &el("p", "banner info", t(K::MembersReadOnly));
    }
    h
}

/// `<option>`s for the units in `units`, after a first one (value "") labelled `none`.
fn unit_options(units: &[Value], selected: Option<i64>, none: K) -> String {
    let mut h = format!(
        r#"<option value=""{}>{}</option>"#,
        if selected.is_none() { " selected" } else { "" },
        t(none)
    );
    for u in units {
        let id = i(u, "id");
        h += &format!(
            r#"<option value="{id}"{}>{}</option>"#,
            if selected == Some(id) {
                " selected"
            } else {
                ""
            },
            esc(s(u, "name"))
        );
    }
    h
}

/// The search box, the branch and youth-group filters (of `org`, an `OrgTree` or `Null`)
/// and, for admins, the add button.
fn filters_html(f: &Filter, org: &Value, admin: bool) -> String {
    let mut h = format!(
        r#"<section class="card filters"><form id="member-filters" role="search" novalidate><div class="search-row"><input id="member-q" class="input" type="search" name="q" enterkeyhint="search" placeholder="{0}" aria-label="{0}" value="{1}"><button type="submit" class="btn btn-primary">{2}</button></div>"#,
        t(K::MembersSearch),
        esc(&f.q),
        t(K::MembersSearchButton)
    );
    h += &format!(
        r#"<div class="filter-row"><select id="member-branch" class="input" name="branch_id" aria-label="{}">{}</select><select id="member-group" class="input" name="youth_group_id" aria-label="{}">{}</select><label class="check"><input id="member-inactive" type="checkbox" name="include_inactive" value="true"{}><span>{}</span></label></div></form>"#,
        t(K::MembersBranch),
        unit_options(list(org, "branches"), f.branch_id, K::MembersAllBranches),
        t(K::MembersYouthGroup),
        unit_options(
            list(org, "youth_groups"),
            f.youth_group_id,
            K::MembersAllYouthGroups
        ),
        if f.include_inactive { " checked" } else { "" },
        t(K::MembersIncludeInactive)
    );
    if admin {
        h += &format!(
            r#"<button type="button" class="btn btn-primary btn-block add-member" data-action="add">+ {}</button>"#,
            t(K::MembersAdd)
        );
    }
    h + "</section>"
}

/// One page of the list (a `MemberPage`): the count, the table and the pager.
fn list_html(page: &Value, org: &Value, admin: bool, busy: bool) -> String {
    let mut h = el(
        "p",
        "list-meta",
        &tf(K::MembersTotal, &[("n", &i(page, "total").to_string())]),
    );
    let items = list(page, "items");
    if items.is_empty() {
        h += &el("p", "card empty", t(K::MembersEmpty));
    } else {
        h += &format!(
            r#"<div class="table-wrap{}">{}</div>"#,
            if busy { " busy" } else { "" },
            members_table_html(items, org, admin)
        );
    }
    h + &pager_html(
        i(page, "page").clamp(1, u32::MAX as i64) as u32,
        i(page, "total"),
        i(page, "per_page").clamp(1, u32::MAX as i64) as u32,
    )
}

fn text_input(id: &str, label: K, name: &str, kind: &str, value: &str, extra: &str) -> String {
    format!(
        r#"<label class="field"><span class="label">{}</span><input id="{id}" class="input" type="{kind}" name="{name}" value="{}"{extra}></label>"#,
        t(label),
        esc(value)
    )
}

fn select(id: &str, label: K, name: &str, options: String) -> String {
    format!(
        r#"<label class="field"><span class="label">{}</span><select id="{id}" class="input" name="{name}">{options}</select></label>"#,
        t(label)
    )
}

/// The add / edit form over the organization tree (`OrgTree`).
fn editor_html(e: &Editor, org: &Value) -> String {
    let f = &e.form;
    let mut h = String::from(r#"<form id="member-form" class="form" novalidate>"#);
    if e.id == 0 {
        h += &text_input(
            "m-username",
            K::MembersUsername,
            "username",
            "text",
            &f.username,
            &format!(
                r#" autocapitalize="off" spellcheck="false" placeholder="{}""#,
                t(K::MembersUsernameHint)
            ),
        );
    } else {
        h += &format!(
            r#"<div class="field"><span class="label">{}</span>{}</div>"#,
            t(K::MembersUsername),
            el("span", "static", &f.username)
        );
    }
    h += &text_input(
        "m-name",
        K::MembersName,
        "display_name",
        "text",
        &f.display_name,
        "",
    );
    let roles: String = [Role::Member, Role::Organizer, Role::Admin]
        .into_iter()
        .map(|r| {
            format!(
                r#"<option value="{}"{}>{}</option>"#,
                r.as_str(),
                if f.role == r { " selected" } else { "" },
                t(role_key(r))
            )
        })
        .collect();
    h += &select("m-role", K::MembersRole, "role", roles);
    let branches = list(org, "branches");
    h += &select(
        "m-branch",
        K::MembersBranch,
        "branch_id",
        unit_options(branches, f.branch_id, K::MembersChooseBranch),
    );
    let branch_cells = branches
        .iter()
        .find(|b| Some(i(b, "id")) == f.branch_id)
        .map(|b| list(b, "cells"))
        .unwrap_or_default();
    h += &select(
        "m-cell",
        K::MembersCell,
        "cell_id",
        unit_options(branch_cells, f.cell_id, K::MembersNoCell),
    );
    h += &select(
        "m-group",
        K::HomeYouthGroup,
        "youth_group_id",
        unit_options(
            list(org, "youth_groups"),
            f.youth_group_id,
            K::MembersNoYouthGroup,
        ),
    );
    h += &text_input("m-phone", K::MembersPhone, "phone", "tel", &f.phone, "");
    if f.role == Role::Organizer {
        h += &format!(
            r#"<fieldset class="field scope"><legend class="label">{}</legend>{}<div class="check-grid">"#,
            t(K::MembersScope),
            el("p", "hint", t(K::MembersScopeHint))
        );
        for (key, units, chosen) in [
            ("scope_branch", branches, &f.scope.branch_ids),
            (
                "scope_group",
                list(org, "youth_groups"),
                &f.scope.youth_group_ids,
            ),
        ] {
            for u in units {
                let id = i(u, "id");
                h += &format!(
                    r#"<label class="check"><input type="checkbox" name="{key}" value="{id}"{}><span>{}</span></label>"#,
                    if chosen.contains(&id) { " checked" } else { "" },
                    esc(s(u, "name"))
                );
            }
        }
        h += "</div></fieldset>";
    }
    if let Some(m) = &e.error {
        h += &format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m));
    }
    h + &format!(
        r#"<div class="form-actions"><button type="button" class="btn" data-action="cancel">{}</button><button type="submit" class="btn btn-primary"{}>{}{}</button></div></form>"#,
        t(K::Cancel),
        if e.pending { " disabled" } else { "" },
        if e.pending { SPINNER } else { "" },
        t(if e.pending { K::Saving } else { K::Save })
    )
}

const SPINNER: &str = r#"<span class="spinner" aria-hidden="true"></span>"#;

/// Template download, file choice, upload, and the report (or the rows to fix).
fn import_html(state: &ImportState, file_name: Option<&str>) -> String {
    let uploading = matches!(state, ImportState::Uploading);
    let mut h = format!(
        r#"<section class="card import">{}{}<div class="button-row">"#,
        el("h2", "card-title", t(K::ImportTitle)),
        el(
            "p",
            "hint",
            &tf(K::ImportHelp, &[("columns", &IMPORT_COLUMNS.join("、"))])
        ),
    );
    for (href, file, label) in [
        (
            api::TEMPLATE_XLSX,
            "members-template.xlsx",
            K::ImportTemplateXlsx,
        ),
        (
            api::TEMPLATE_CSV,
            "members-template.csv",
            K::ImportTemplateCsv,
        ),
    ] {
        h += &format!(
            r#"<a class="btn btn-outline btn-small" href="{}" download="{file}" rel="external">{}</a>"#,
            esc(href),
            t(label)
        );
    }
    h += &format!(
        r#"</div><form id="import" novalidate><div class="file-row"><label class="btn file-pick"><input id="import-file" class="visually-hidden" type="file" name="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv">{}</label>{}</div><button id="import-submit" type="submit" class="btn btn-primary btn-block"{}>{}{}</button></form><div id="import-result" aria-live="polite">{}</div></section>"#,
        t(K::ImportChooseFile),
        el("span", "file-name", file_name.unwrap_or(t(K::ImportNoFile))),
        if uploading { " disabled" } else { "" },
        if uploading { SPINNER } else { "" },
        t(if uploading {
            K::ImportPending
        } else {
            K::ImportSubmit
        }),
        import_result_html(state)
    );
    h
}

#[component]
pub fn AdminMembers() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let admin = session.is_admin();
    let filter = Memo::new(move |_| {
        let url = router.url();
        Filter::from_params(|k| url.param(k))
    });
    let list = Fetch::new(move || api::members_url(&filter.get().to_query()));
    let org = Fetch::new(|| api::ORG.into());
    // The organization tree for names and choices; `Null` until it arrives.
    let tree = move || org.get().and_then(Result::ok).unwrap_or_default();
    let editor = RwSignal::new(None::<Editor>);
    let issued = RwSignal::new(None::<Issued>);
    let action_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let import = RwSignal::new(ImportState::Idle);
    let file_name = RwSignal::new(None::<String>);
    let file = StoredValue::new_local(None::<web_sys::File>);

    // Filters live in the URL: changing one replaces the history entry, paging adds one.
    let go = move |f: Filter, replace: bool| {
        router.navigate(
            &f.to_url(),
            Nav {
                replace,
                keep_scroll: true,
            },
        )
    };

    // Reset, deactivate, reactivate: after a confirmation, one request for a row's member.
    let row_action = move |action: &str, id: i64| {
        let Some(m) = list
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|p| list_of(&p).into_iter().find(|m| i(m, "id") == id))
        else {
            return;
        };
        let name = s(&m, "display_name");
        let (key, body) = match action {
            "reset" => (K::MembersConfirmReset, None),
            "deactivate" => (K::MembersConfirmDeactivate, Some(active_json(false))),
            _ => (K::MembersConfirmReactivate, Some(active_json(true))),
        };
        if busy.get_untracked() || !browser::confirm(&tf(key, &[("name", name)])) {
            return;
        }
        busy.set(true);
        action_error.set(None);
        spawn_local(async move {
            let done = match body {
                None => api::reset_password(id)
                    .await
                    .map(|x| issued.try_set(Some(Issued::new(&x, true))))
                    .map(|_| browser::scroll_to_top()),
                Some(body) => api::update_member(id, body).await,
            };
            match done {
                Ok(()) => list.reload(),
                Err(e) => {
                    action_error.try_set(Some(error_text(&e)));
                    browser::scroll_to_top();
                }
            }
            busy.try_set(false);
        });
    };

    let save = move |fields: &Fields| {
        let Some(mut e) = editor.get_untracked() else {
            return;
        };
        if e.pending {
            return;
        }
        e.form = MemberForm::read(fields, &e.form);
        let id = e.id;
        if let Err(m) = e.form.check(id == 0) {
            e.error = Some(msg(&m));
            editor.set(Some(e));
            return;
        }
        let body = if id == 0 {
            e.form.create_json()
        } else {
            e.form.update_json()
        };
        e.error = None;
        e.pending = true;
        editor.set(Some(e));
        spawn_local(async move {
            let saved = if id == 0 {
                api::create_member(body)
                    .await
                    .map(|x| Some(Issued::new(&x, false)))
            } else {
                api::update_member(id, body).await.map(|()| None)
            };
            match saved {
                Ok(x) => {
                    editor.try_set(None);
                    if x.is_some() {
                        issued.try_set(x);
                    }
                    list.reload();
                    browser::scroll_to_top();
                }
                Err(err) => {
                    editor.try_update(|e| {
                        if let Some(e) = e {
                            e.error = Some(error_text(&err));
                            e.pending = false;
                        }
                    });
                }
            }
        });
    };

    let upload = move || {
        if matches!(import.get_untracked(), ImportState::Uploading) {
            return;
        }
        let Some(f) = file.get_value() else {
            import.set(ImportState::NeedFile);
            return;
        };
        import.set(ImportState::Uploading);
        spawn_local(async move {
            let done = api::import_members(&f).await;
            if done.is_ok() {
                list.reload();
            }
            import.try_set(match done {
                Ok(report) => ImportState::Done(report),
                Err(e) => ImportState::Failed(e),
            });
        });
    };

    // Everything the user does on the page.
    let act = move |a: Act| match a {
        Act::Submit(form, f) => match form.as_str() {
            "member-filters" => {
                let mut next = filter.get_untracked();
                next.q = f.text("q").to_string();
                next.page = 1;
                go(next, false);
            }
            "member-form" => save(&f),
            "import" => upload(),
            _ => {}
        },
        Act::Change(form, name, f) => match (form.as_str(), name.as_str()) {
            ("member-filters", "branch_id" | "youth_group_id" | "include_inactive") => {
                let mut next = filter.get_untracked();
                next.branch_id = f.id("branch_id");
                next.youth_group_id = f.id("youth_group_id");
                next.include_inactive = f.get("include_inactive").is_some();
                next.page = 1;
                go(next, true);
            }
            // The cells follow the branch; the scope shows for organizers.
            ("member-form", "role" | "branch_id") => editor.update(|e| {
                if let Some(e) = e {
                    e.form = MemberForm::read(&f, &e.form);
                }
            }),
            ("import", "file") => {
                let chosen = chosen_file("import-file");
                file_name.set(chosen.as_ref().map(web_sys::File::name));
                file.set_value(chosen);
                if matches!(import.get_untracked(), ImportState::NeedFile) {
                    import.set(ImportState::Idle);
                }
            }
            _ => {}
        },
        Act::Click(action, id) => match action.as_str() {
            "page" => {
                let mut next = filter.get_untracked();
                next.page = u32::try_from(id).unwrap_or(1).max(1);
                go(next, false);
                browser::scroll_to_top();
            }
            "add" => editor.set(Some(Editor {
                id: 0,
                form: MemberForm::default(),
                error: None,
                pending: false,
            })),
            "edit" => {
                let m = list
                    .get_untracked()
                    .and_then(Result::ok)
                    .and_then(|p| list_of(&p).into_iter().find(|m| i(m, "id") == id));
                if let Some(m) = m {
                    editor.set(Some(Editor {
                        id,
                        form: MemberForm::from_member(&m),
                        error: None,
                        pending: false,
                    }));
                }
            }
            "reset" | "deactivate" | "reactivate" => row_action(&action, id),
            "cancel" => editor.set(None),
            "close-issued" => issued.set(None),
            "retry" => {
                list.reload();
                org.reload();
            }
            _ => {}
        },
    };

    // The sheet opens and closes; its form re-renders inside it.
    let open = Memo::new(move |_| editor.with(|e| e.as_ref().map(|e| e.id == 0)));
    let on_close = Callback::new(move |_| editor.set(None));
    let sheet = move || {
        open.get().map(|creating| {
            let title = t(if creating {
                K::MembersAddTitle
            } else {
                K::MembersEditTitle
            });
            let form = move || {
                org.html(4, |tree: Value| {
                    editor.with(|e| {
                        e.as_ref()
                            .map(|e| editor_html(e, &tree))
                            .unwrap_or_default()
                    })
                })
            };
            view! { <Sheet title=title on_close=on_close>{region("", form, act)}</Sheet> }
        })
    };

    view! {
        <Page class="admin-members" title=K::MembersTitle back=Some("/")>
            {region("", move || notices_html(&issued.get(), &action_error.get(), admin), act)}
            {region("", move || filters_html(&filter.get(), &tree(), admin), act)}
            {region(
                "member-list",
                move || list.html(6, |page: Value| list_html(&page, &tree(), admin, busy.get())),
                act,
            )}
            {admin.then(|| region("", move || import.with(|st| import_html(st, file_name.get().as_deref())), act))}
            {sheet}
        </Page>
    }
}

/// The members of a `MemberPage`.
fn list_of(page: &Value) -> Vec<Value> {
    list(page, "items").to_vec()
}

/// The import's outcome as HTML: the counts and issued passwords, or every problem with
/// its row.
fn import_result_html(state: &ImportState) -> String {
    match state {
        ImportState::Idle => String::new(),
        ImportState::NeedFile => el("p", "form-error", t(K::ImportNeedFile)),
        ImportState::Uploading => format!(
            r#"<p class="progress">{SPINNER}{}</p>"#,
            t(K::ImportPending)
        ),
        ImportState::Done(r) => {
            let mut h = el(
                "p",
                "banner success",
                &tf(
                    K::ImportDone,
                    &[
                        ("created", &i(r, "created").to_string()),
                        ("updated", &i(r, "updated").to_string()),
                    ],
                ),
            );
            let issued = list(r, "issued");
            if !issued.is_empty() {
                h += &el("p", "small", t(K::ImportIssued));
                h += r#"<table class="table stack issued-table"><thead><tr>"#;
                for k in [K::MembersUsername, K::MembersName, K::ImportPassword] {
                    h += &el("th", "", t(k));
                }
                h += "</tr></thead><tbody>";
                for a in issued {
                    h += &format!(
                        r#"<tr><td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td></tr>"#,
                        t(K::MembersUsername),
                        esc(s(a, "username")),
                        t(K::MembersName),
                        esc(s(a, "display_name")),
                        t(K::ImportPassword),
                        el("code", "pw", s(a, "initial_password"))
                    );
                }
                h += "</tbody></table>";
            }
            h
        }
        ImportState::Failed(e) => {
            let mut h = format!(
                r#"<div class="banner error" role="alert">{}</div>"#,
                el("p", "banner-text", &error_text(e))
            );
            if !e.details.is_empty() {
                h += r#"<ul class="problems">"#;
                for d in &e.details {
                    h += "<li>";
                    if let Some(n) = d.row {
                        h += &el(
                            "strong",
                            "problem-row",
                            &tf(K::ImportRowN, &[("n", &n.to_string())]),
                        );
                    }
                    let field = d
                        .field
                        .as_deref()
                        .map(|f| format!("{f}："))
                        .unwrap_or_default();
                    h += &el("span", "", &format!("{field}{}", d.message));
                    h += "</li>";
                }
                h += "</ul>";
            }
            h
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::members::{
        CreateMember, ImportReport, ImportedAccount, IssuedPassword, Member, MemberPage,
        UpdateMember,
    };
    use shared::api::org::{Branch, Cell, OrgTree, Organization, YouthGroup};

    fn params<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = Filter::from_params(params(&[
            ("q", "张"),
            ("branch_id", "3"),
            ("youth_group_id", "x"),
            ("include_inactive", "true"),
            ("page", "2"),
        ]));
        assert_eq!(f.q, "张");
        assert_eq!(f.branch_id, Some(3));
        assert_eq!(f.youth_group_id, None);
        assert!(f.include_inactive);
        assert_eq!(f.page, 2);
        assert_eq!(
            f.to_url(),
            "/admin/members?q=%E5%BC%A0&branch_id=3&include_inactive=true&page=2"
        );
        let q = f.to_query();
        assert_eq!(q.per_page, Some(PER_PAGE));
        assert_eq!(q.page, Some(2));
    }

    #[test]
    fn default_filter_is_the_bare_page() {
        let f = Filter::from_params(params(&[("page", "0")]));
        assert_eq!(f.page, 1);
        assert_eq!(f.to_url(), "/admin/members");
        assert_eq!(
            Filter::from_params(params(&[])),
            Filter {
                page: 1,
                ..Filter::default()
            }
        );
    }

    fn valid_form() -> MemberForm {
        MemberForm {
            username: "20240101".into(),
            display_name: "韩雪".into(),
            branch_id: Some(1),
            ..MemberForm::default()
        }
    }

    fn tree() -> Value {
        let cell = |id, branch_id, name: &str| Cell {
            id,
            branch_id,
            name: name.into(),
            member_count: 0,
        };
        serde_json::to_value(OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![
                Branch {
                    id: 1,
                    name: "第一党支部".into(),
                    cells: vec![cell(11, 1, "第一党小组")],
                    member_count: 3,
                },
                Branch {
                    id: 2,
                    name: "第二<党支部>".into(),
                    cells: vec![cell(21, 2, "二组")],
                    member_count: 1,
                },
            ],
            youth_groups: vec![YouthGroup {
                id: 5,
                name: "青年一组".into(),
                member_count: 2,
            }],
        })
        .unwrap()
    }

    fn member(id: i64, active: bool) -> Member {
        Member {
            id,
            username: format!("2024010{id}"),
            display_name: "韩雪".into(),
            role: Role::Organizer,
            branch_id: Some(2),
            cell_id: Some(21),
            youth_group_id: Some(5),
            phone: Some("13800138000".into()),
            active,
            must_change_password: true,
            scope: Scope {
                branch_ids: vec![2],
                youth_group_ids: vec![5],
            },
        }
    }

    #[test]
    fn member_form_checks_follow_the_server_rules() {
        assert_eq!(valid_form().check(true), Ok(()));
        let mut f = valid_form();
        f.username = "张三".into();
        assert!(matches!(f.check(true), Err(Msg::Text(_))));
        assert_eq!(f.check(false), Ok(()), "the username is not edited");
        let mut f = valid_form();
        f.branch_id = None;
        assert_eq!(f.check(true), Err(Msg::Key(K::MembersNeedBranch)));
        f.role = Role::Admin;
        assert_eq!(f.check(true), Ok(()), "admins need no branch");
        let mut f = valid_form();
        f.phone = "12345".into();
        assert_eq!(f.check(true), Err(Msg::Text("手机号应为11位数字".into())));
        f.phone = " 13800138000 ".into();
        assert_eq!(f.check(true), Ok(()));
        let mut f = valid_form();
        f.role = Role::Organizer;
        assert_eq!(f.check(true), Err(Msg::Key(K::MembersNeedScope)));
        f.scope.youth_group_ids.push(2);
        assert_eq!(f.check(true), Ok(()));
        let mut f = valid_form();
        f.display_name = "  ".into();
        assert!(f.check(true).is_err());
    }

    #[test]
    fn hand_written_bodies_are_what_the_server_reads() {
        let mut f = valid_form();
        f.username = " 20240101 ".into();
        f.display_name = " 韩\"雪 ".into();
        f.phone = " ".into();
        f.scope.branch_ids.push(1);
        let c: CreateMember = serde_json::from_str(&f.create_json()).unwrap();
        assert_eq!(
            c,
            CreateMember {
                username: "20240101".into(),
                display_name: "韩\"雪".into(),
                role: Role::Member,
                branch_id: Some(1),
                cell_id: None,
                youth_group_id: None,
                phone: None,
                scope: Scope::default(),
            },
            "only organizers carry a scope"
        );
        let u: UpdateMember = serde_json::from_str(&f.update_json()).unwrap();
        assert_eq!(
            u,
            UpdateMember {
                display_name: Some("韩\"雪".into()),
                role: Some(Role::Member),
                branch_id: Some(1),
                cell_id: Some(None),
                youth_group_id: Some(None),
                phone: Some(None),
                scope: None,
                active: None,
            },
            "clearing the cell, group and phone is explicit"
        );
        f.role = Role::Organizer;
        f.cell_id = Some(11);
        f.youth_group_id = Some(5);
        f.phone = "13800138000".into();
        let c: CreateMember = serde_json::from_str(&f.create_json()).unwrap();
        assert_eq!(c.scope.branch_ids, vec![1]);
        assert_eq!(c.phone.as_deref(), Some("13800138000"));
        assert_eq!(c.cell_id, Some(11));
        let u: UpdateMember = serde_json::from_str(&f.update_json()).unwrap();
        assert_eq!(u.scope.unwrap().branch_ids, vec![1]);
        assert_eq!(u.cell_id, Some(Some(11)));
        assert_eq!(u.youth_group_id, Some(Some(5)));
        // And the same JSON as serde writes for these values.
        let same = |a: &str, b: String| {
            assert_eq!(
                serde_json::from_str::<Value>(a).unwrap(),
                serde_json::from_str::<Value>(&b).unwrap()
            )
        };
        same(&f.create_json(), serde_json::to_string(&c).unwrap());
        let u: UpdateMember = serde_json::from_str(&active_json(false)).unwrap();
        assert_eq!(
            u,
            UpdateMember {
                active: Some(false),
                ..Default::default()
            }
        );
    }

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let org = tree();
        let m = serde_json::to_value(member(3, true)).unwrap();
        let form = MemberForm::from_member(&m);
        assert_eq!(form.role, Role::Organizer);
        assert_eq!(form.scope.youth_group_ids, vec![5]);
        assert_eq!(form.phone, "13800138000");
        let e = Editor {
            id: 3,
            form: form.clone(),
            error: Some("<错>".into()),
            pending: false,
        };
        let h = editor_html(&e, &org);
        assert!(
            !h.contains(r#"name="username""#),
            "the username is not edited"
        );
        assert!(h.contains(r#"<option value="organizer" selected>"#));
        assert!(h.contains(r#"<option value="2" selected>第二&lt;党支部&gt;</option>"#));
        assert!(h.contains(r#"<option value="21" selected>二组</option>"#));
        assert!(!h.contains(r#"value="11""#), "only the branch's cells");
        assert!(h.contains(r#"name="scope_group" value="5" checked"#));
        assert!(h.contains(r#"name="scope_branch" value="1">"#));
        assert!(h.contains("&lt;错&gt;"));
        // What the browser would submit for that form.
        let fields = Fields::of(&[
            ("display_name", "韩雪"),
            ("role", "organizer"),
            ("branch_id", "2"),
            ("cell_id", "21"),
            ("youth_group_id", "5"),
            ("phone", "13800138000"),
            ("scope_branch", "2"),
            ("scope_group", "5"),
        ]);
        assert_eq!(MemberForm::read(&fields, &form), form);
        // A new branch drops the cell; a role that was not organizer keeps the scope.
        let moved = Fields::of(&[("role", "member"), ("branch_id", "1"), ("cell_id", "21")]);
        let next = MemberForm::read(&moved, &form);
        assert_eq!((next.branch_id, next.cell_id), (Some(1), None));
        assert_eq!(next.scope, Scope::default(), "scope boxes were on screen");
        let back = MemberForm::read(
            &Fields::of(&[("role", "organizer")]),
            &MemberForm {
                scope: form.scope.clone(),
                ..next.clone()
            },
        );
        assert_eq!(back.scope, form.scope);
        assert!(!editor_html(
            &Editor {
                form: next,
                ..e.clone()
            },
            &org
        )
        .contains("scope_"));
        let new = Editor {
            id: 0,
            form: MemberForm::default(),
            error: None,
            pending: true,
        };
        let h = editor_html(&new, &org);
        assert!(h.contains(r#"name="username""#));
        assert!(h.contains(" disabled>"));
        assert_eq!(
            MemberForm::read(&Fields::of(&[("username", "x")]), &MemberForm::default()).username,
            "x"
        );
    }

    #[test]
    fn the_list_shows_names_and_row_actions() {
        let org = tree();
        let page = serde_json::to_value(MemberPage {
            items: vec![member(1, true), member(2, false)],
            total: 45,
            page: 2,
            per_page: 20,
        })
        .unwrap();
        let h = list_html(&page, &org, true, true);
        assert!(h.contains("共45人"));
        assert!(h.contains("table-wrap busy"));
        assert!(h.contains("第二&lt;党支部&gt;<span class=\"muted small\">二组</span>"));
        assert!(h.contains("青年一组"));
        assert!(h.contains(r#"data-action="edit" data-id="1""#));
        assert!(h.contains(r#"data-action="deactivate" data-id="1""#));
        assert!(h.contains(r#"data-action="reactivate" data-id="2""#));
        assert!(h.contains(r#"<tr class="inactive">"#));
        assert!(h.contains(r#"data-action="page" data-id="3""#));
        let read_only = list_html(&page, &Value::Null, false, false);
        assert!(!read_only.contains("data-action=\"edit"));
        assert!(read_only.contains("—"), "names wait for the tree");
        let empty = serde_json::to_value(MemberPage {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 20,
        })
        .unwrap();
        assert!(list_html(&empty, &org, true, false).contains(t(K::MembersEmpty)));
    }

    #[test]
    fn filters_and_notices() {
        let f = Filter {
            q: "\"张".into(),
            branch_id: Some(1),
            include_inactive: true,
            page: 1,
            ..Filter::default()
        };
        let h = filters_html(&f, &tree(), true);
        assert!(h.contains(r#"value="&quot;张""#));
        assert!(h.contains(r#"<option value="1" selected>第一党支部</option>"#));
        assert!(h.contains(r#"<option value="" selected>全部青年理论学习小组</option>"#));
        assert!(h.contains(r#"value="true" checked>"#));
        assert!(h.contains(r#"data-action="add""#));
        assert!(!filters_html(&f, &Value::Null, false).contains("data-action"));
        let issued = serde_json::to_value(IssuedPassword {
            member: member(1, true),
            initial_password: "Ab3dEf7hJk".into(),
        })
        .unwrap();
        let x = Issued::new(&issued, true);
        assert_eq!(x.username, "20240101");
        let h = notices_html(&Some(x), &Some("失败".into()), false);
        assert!(h.contains(r#"<code class="pw">Ab3dEf7hJk</code>"#));
        assert!(h.contains("重置密码"));
        assert!(h.contains("失败"));
        assert!(h.contains(t(K::MembersReadOnly)));
    }

    #[test]
    fn import_reports_and_problems() {
        let report = serde_json::to_value(ImportReport {
            created: 1,
            updated: 2,
            issued: vec![ImportedAccount {
                username: "20240104".into(),
                display_name: "<李>".into(),
                initial_password: "Ab3dEf7hJk".into(),
            }],
        })
        .unwrap();
        let h = import_html(&ImportState::Done(report), Some("m.xlsx"));
        assert!(h.contains("新增1人，更新2人"));
        assert!(h.contains("&lt;李&gt;"));
        assert!(h.contains(r#"<code class="pw">Ab3dEf7hJk</code>"#));
        assert!(h.contains(r#"id="import-file""#));
        assert!(h.contains("m.xlsx"));
        let e = crate::api::decode_error(
            422,
            r#"{"code":"import_invalid","message":"文件中有1处问题","details":[{"row":3,"field":"党支部","message":"党支部不存在"}]}"#,
        );
        let h = import_html(&ImportState::Failed(e), None);
        assert!(h.contains("第3行"));
        assert!(h.contains("党支部：党支部不存在"));
        assert!(h.contains(t(K::ImportNoFile)));
        let h = import_html(&ImportState::Uploading, None);
        assert!(h.contains(
            r#"id="import-submit" type="submit" class="btn btn-primary btn-block" disabled>"#
        ));
        assert!(import_html(&ImportState::NeedFile, None).contains(t(K::ImportNeedFile)));
        assert!(import_html(&ImportState::Idle, None)
            .contains(r#"<div id="import-result" aria-live="polite"></div>"#));
    }
}
