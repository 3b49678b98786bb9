//! `/admin/members`: the member accounts in the caller's scope, paged, with a search box and
//! branch / youth-group filters kept in the URL (so the back button walks through them); a
//! table with column headers at desk widths (sortable over the page shown), stacked cards on
//! phones. Admins add, edit, reset passwords, deactivate and reactivate accounts (each
//! confirmed, each saying when it is done), and import members from a spreadsheet (the
//! rows to fix listed with their numbers); organizers see the list read-only but may reset
//! the password of a member in their scope (the new initial password shown once). Admins
//! also tick several accounts and reset them at once: the new passwords are only in an
//! XLSX sheet that downloads once (a second try says it was downloaded already). Everyone's
//! progress exports as a background job with a progress bar, as on the dashboard.
//!
//! Answers are decoded into their `shared` types (`MemberPage`, `OrgTree`,
//! `IssuedPassword`, `ImportReport`) and bodies sent as `CreateMember` / `UpdateMember`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::{Role, Scope};
use shared::api::members::{
    CreateMember, ImportReport, IssuedPassword, Member, MemberPage, MemberQuery, PasswordSheet,
    UpdateMember, IMPORT_COLUMNS, MAX_BATCH_RESET,
};
use shared::api::org::{Branch, OrgTree};
use shared::validation;

use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::browser;
use crate::components::{
    decoded, error_text, load, show, ExportButtons, Exporter, Loaded, Notice, Page, Pager, Sheet,
    Skeleton, Toast,
};
use crate::i18n::role_key;
use crate::i18n::{msg, t, tf, Msg, K};
use crate::pages::admin_dashboard::period_query;
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

/// A `<select>`'s value as an id (`""`: none).
pub fn id_of(value: &str) -> Option<i64> {
    value.parse().ok()
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
    /// The form for a member of the list.
    pub fn from_member(m: &Member) -> Self {
        MemberForm {
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role,
            branch_id: m.branch_id,
            cell_id: m.cell_id,
            youth_group_id: m.youth_group_id,
            phone: m.phone.clone().unwrap_or_default(),
            scope: m.scope.clone(),
        }
    }

    /// Another branch: the cell goes (cells belong to a branch).
    pub fn set_branch(&mut self, branch_id: Option<i64>) {
        if branch_id != self.branch_id {
            self.cell_id = None;
        }
        self.branch_id = branch_id;
    }

    /// Ticks or unticks a unit of the organizer's scope (`group`: a youth group).
    pub fn toggle_scope(&mut self, group: bool, id: i64, on: bool) {
        let ids = if group {
            &mut self.scope.youth_group_ids
        } else {
            &mut self.scope.branch_ids
        };
        ids.retain(|x| *x != id);
        if on {
            ids.push(id);
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

    fn phone(&self) -> Option<String> {
        Some(self.phone.trim().to_string()).filter(|p| !p.is_empty())
    }

    /// `POST /api/v1/members` (only organizers carry a scope).
    pub fn create_request(&self) -> CreateMember {
        CreateMember {
            username: self.username.trim().to_string(),
            display_name: self.display_name.trim().to_string(),
            role: self.role,
            branch_id: self.branch_id,
            cell_id: self.cell_id,
            youth_group_id: self.youth_group_id,
            phone: self.phone(),
            scope: if self.role == Role::Organizer {
                self.scope.clone()
            } else {
                Scope::default()
            },
        }
    }

    /// `PATCH /api/v1/members/{id}` with every editable field, so the account ends up
    /// exactly as the form shows it (`Some(None)` clears a cell, group, phone).
    pub fn update_request(&self) -> UpdateMember {
        UpdateMember {
            display_name: Some(self.display_name.trim().to_string()),
            role: Some(self.role),
            branch_id: self.branch_id,
            cell_id: Some(self.cell_id),
            youth_group_id: Some(self.youth_group_id),
            phone: Some(self.phone()),
            scope: (self.role == Role::Organizer).then(|| self.scope.clone()),
            active: None,
        }
    }
}

/// `PATCH /api/v1/members/{id}` that only (de)activates the account.
pub fn active_request(active: bool) -> UpdateMember {
    UpdateMember {
        active: Some(active),
        ..UpdateMember::default()
    }
}

/// The names a member's row shows: branch (with the cell) and youth group, from the tree
/// (`None` while it loads: dashes).
pub fn unit_names(m: &Member, org: Option<&OrgTree>) -> (String, Option<String>, String) {
    let branch: Option<&Branch> =
        org.and_then(|o| o.branches.iter().find(|b| Some(b.id) == m.branch_id));
    let cell = branch
        .and_then(|b| b.cells.iter().find(|c| Some(c.id) == m.cell_id))
        .map(|c| c.name.clone());
    let group = org
        .and_then(|o| {
            o.youth_groups
                .iter()
                .find(|g| Some(g.id) == m.youth_group_id)
        })
        .map(|g| g.name.clone());
    (
        branch.map(|b| b.name.clone()).unwrap_or_else(|| "—".into()),
        cell,
        group.unwrap_or_else(|| "—".into()),
    )
}

/// What the status column says of an account, and its badge's class.
pub fn status_of(m: &Member) -> (K, &'static str) {
    match (m.active, m.must_change_password) {
        (false, _) => (K::MembersInactive, "badge muted-badge"),
        (true, true) => (K::MembersMustChange, "badge"),
        (true, false) => (K::MembersActive, "badge"),
    }
}

/// The columns the list sorts by (over the page shown: the server pages by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Role,
    Branch,
    Status,
}

/// Sorts a page of members by `key` (descending when `!asc`), ties by username.
pub fn sort_members(items: &mut [Member], key: SortKey, asc: bool, org: Option<&OrgTree>) {
    let rank = |r: Role| match r {
        Role::Admin => 0,
        Role::Organizer => 1,
        Role::Member => 2,
    };
    items.sort_by(|a, b| {
        let ord = match key {
            SortKey::Name => a.display_name.cmp(&b.display_name),
            SortKey::Role => rank(a.role).cmp(&rank(b.role)),
            SortKey::Branch => unit_names(a, org).0.cmp(&unit_names(b, org).0),
            SortKey::Status => {
                (!a.active, a.must_change_password).cmp(&(!b.active, b.must_change_password))
            }
        };
        let ord = if asc { ord } else { ord.reverse() };
        ord.then_with(|| a.username.cmp(&b.username))
    });
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
    pub fn new(x: &IssuedPassword, reset: bool) -> Self {
        Issued {
            reset,
            username: x.member.username.clone(),
            name: x.member.display_name.clone(),
            password: x.initial_password.clone(),
        }
    }

    /// The line above the password.
    pub fn text(&self) -> String {
        let key = if self.reset {
            K::MembersIssuedReset
        } else {
            K::MembersIssuedCreated
        };
        tf(key, &[("username", &self.username), ("name", &self.name)])
    }
}

/// A row's action that changes the account after a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowAction {
    Reset,
    Deactivate,
    Reactivate,
}

impl RowAction {
    fn tag(self) -> &'static str {
        match self {
            RowAction::Reset => "reset",
            RowAction::Deactivate => "deactivate",
            RowAction::Reactivate => "reactivate",
        }
    }

    fn confirm_key(self) -> K {
        match self {
            RowAction::Reset => K::MembersConfirmReset,
            RowAction::Deactivate => K::MembersConfirmDeactivate,
            RowAction::Reactivate => K::MembersConfirmReactivate,
        }
    }
}

/// What the list's buttons do.
#[derive(Clone, Copy)]
struct RowActions {
    admin: bool,
    edit: Callback<Member>,
    act: Callback<(RowAction, Member)>,
    /// The accounts ticked for a batch reset (admins).
    selected: RwSignal<Vec<i64>>,
}

/// Whether a row offers a password reset: admins reset any account but an admin's;
/// organizers only members (the server checks their scope and answers 403 otherwise).
pub fn may_reset(admin: bool, m: &Member) -> bool {
    m.active && m.role != Role::Admin && (admin || m.role == Role::Member)
}

/// Ticks or unticks an account for the batch reset, keeping the order of ticking.
pub fn toggle_selected(ids: &mut Vec<i64>, id: i64, on: bool) {
    ids.retain(|x| *x != id);
    if on {
        ids.push(id);
    }
}

/// Where a batch reset's sheet stands: to download, downloading, downloaded, or refused
/// (`Failed`: the server's message, e.g. 410 when it was downloaded before).
#[derive(Debug, Clone, PartialEq, Eq)]
enum SheetState {
    Ready(PasswordSheet),
    Downloading(PasswordSheet),
    Downloaded(PasswordSheet),
    Failed(PasswordSheet, String),
}

/// A sortable column header.
fn sort_head(label: K, key: SortKey, sort: RwSignal<(SortKey, bool)>) -> impl IntoView {
    let aria = move || match sort.get() {
        (k, true) if k == key => "ascending",
        (k, false) if k == key => "descending",
        _ => "none",
    };
    let arrow = move || match sort.get() {
        (k, true) if k == key => " ▲",
        (k, false) if k == key => " ▼",
        _ => "",
    };
    view! {
        <th scope="col" aria-sort=aria>
            <button
                type="button"
                class="sort-head"
                on:click=move |_| sort.update(|(k, asc)| {
                    *asc = if *k == key { !*asc } else { true };
                    *k = key;
                })
            >
                {t(label)}
                <span aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// One member's row.
fn member_row(m: Member, org: Option<OrgTree>, a: RowActions) -> impl IntoView {
    let (branch, cell, group) = unit_names(&m, org.as_ref());
    let (status, status_class) = status_of(&m);
    let role = t(role_key(m.role));
    let resettable = may_reset(a.admin, &m);
    // Organizers' only action: a reset, for the members they look after.
    let organizer_actions = (!a.admin).then(|| {
        let m = m.clone();
        view! {
            <td class="cell-actions">
                {resettable
                    .then(|| {
                        let id = m.id;
                        view! {
                            <button
                                type="button"
                                class="btn btn-small btn-ghost"
                                data-action="reset"
                                data-id=id.to_string()
                                on:click=move |_| a.act.run((RowAction::Reset, m.clone()))
                            >
                                {t(K::MembersResetPassword)}
                            </button>
                        }
                    })}
            </td>
        }
    });
    let select = (a.admin && resettable).then(|| {
        let id = m.id;
        view! {
            <label class="check select-member">
                <input
                    type="checkbox"
                    data-select=id.to_string()
                    aria-label=tf(K::MembersSelect, &[("name", &m.display_name)])
                    prop:checked=move || a.selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        a.selected.update(|s| toggle_selected(s, id, on));
                    }
                />
            </label>
        }
    });
    let actions = a.admin.then(|| {
        let button = |action: RowAction, class: &'static str, label: K| {
            let m = m.clone();
            view! {
                <button
                    type="button"
                    class=format!("btn btn-small btn-ghost{class}")
                    data-action=action.tag()
                    data-id=m.id.to_string()
                    on:click=move |_| a.act.run((action, m.clone()))
                >
                    {t(label)}
                </button>
            }
        };
        let edit_m = m.clone();
        view! {
            <td class="cell-actions">
                <button
                    type="button"
                    class="btn btn-small btn-ghost"
                    data-action="edit"
                    data-id=m.id.to_string()
                    on:click=move |_| a.edit.run(edit_m.clone())
                >
                    {t(K::Edit)}
                </button>
                {button(RowAction::Reset, "", K::MembersResetPassword)}
                {if m.active {
                    button(RowAction::Deactivate, " danger", K::MembersDeactivate)
                } else {
                    button(RowAction::Reactivate, "", K::MembersReactivate)
                }}
            </td>
        }
    });
    view! {
        <tr class:inactive=!m.active>
            <td class="cell-name" data-label=t(K::MembersName)>
                {select}
                <strong>{m.display_name.clone()}</strong>
                <span class="muted small">{m.username.clone()}</span>
            </td>
            <td class="nowrap" data-label=t(K::MembersRole)>{role}</td>
            <td class="nowrap" data-label=t(K::MembersBranch)>
                {branch}
                {cell.map(|c| view! { <span class="muted small">{c}</span> })}
            </td>
            <td data-label=t(K::MembersYouthGroup)>{group}</td>
            <td class="nowrap" data-label=t(K::MembersPhone)>
                {m.phone.clone().unwrap_or_else(|| "—".into())}
            </td>
            <td class="nowrap" data-label=t(K::MembersStatus)>
                <span class=status_class>{t(status)}</span>
            </td>
            {actions}
            {organizer_actions}
        </tr>
    }
}

/// One page of the list: the count, the table (sorted as asked) and the pager.
fn list_view(
    page: MemberPage,
    org: Memo<Option<Result<OrgTree, ApiError>>>,
    sort: RwSignal<(SortKey, bool)>,
    a: RowActions,
    on_page: Callback<u32>,
) -> impl IntoView {
    let total = page.total;
    let (current, per_page) = (page.page, page.per_page);
    let table = if page.items.is_empty() {
        view! { <p class="card empty">{t(K::MembersEmpty)}</p> }.into_any()
    } else {
        let items = page.items;
        let rows = move || {
            let tree = org.get().and_then(Result::ok);
            let (key, asc) = sort.get();
            let mut items = items.clone();
            sort_members(&mut items, key, asc, tree.as_ref());
            items
                .into_iter()
                .map(|m| (m, tree.clone()))
                .collect::<Vec<_>>()
        };
        view! {
            <div class="table-wrap">
                <table class="table stack members-table">
                    <thead>
                        <tr>
                            {sort_head(K::MembersName, SortKey::Name, sort)}
                            {sort_head(K::MembersRole, SortKey::Role, sort)}
                            {sort_head(K::MembersBranch, SortKey::Branch, sort)}
                            <th scope="col">{t(K::MembersYouthGroup)}</th>
                            <th scope="col">{t(K::MembersPhone)}</th>
                            {sort_head(K::MembersStatus, SortKey::Status, sort)}
                            <th scope="col">{t(K::MembersActions)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=rows
                            key=|(m, tree): &(Member, Option<OrgTree>)| (m.id, tree.is_some())
                            children=move |(m, tree)| member_row(m, tree, a)
                        />
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="list-meta">{tf(K::MembersTotal, &[("n", &total.to_string())])}</p>
        {table}
        <Pager page=current total=total per_page=per_page on_page=on_page/>
    }
}

/// `<option>`s of units after a first one (value "") labelled `none`.
fn unit_options(units: Vec<(i64, String)>, selected: Option<i64>, none: K) -> impl IntoView {
    view! {
        <option value="" selected=selected.is_none()>{t(none)}</option>
        {units
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string() selected=selected == Some(id)>{name}</option> })
            .collect_view()}
    }
}

fn branches_of(org: &OrgTree) -> Vec<(i64, String)> {
    org.branches
        .iter()
        .map(|b| (b.id, b.name.clone()))
        .collect()
}

fn groups_of(org: &OrgTree) -> Vec<(i64, String)> {
    org.youth_groups
        .iter()
        .map(|g| (g.id, g.name.clone()))
        .collect()
}

/// The cells of a branch of the tree.
pub fn cells_of(org: &OrgTree, branch: Option<i64>) -> Vec<(i64, String)> {
    org.branches
        .iter()
        .find(|b| Some(b.id) == branch)
        .map(|b| b.cells.iter().map(|c| (c.id, c.name.clone())).collect())
        .unwrap_or_default()
}

/// A labelled text input bound to a field of the form.
fn text_field(
    id: &'static str,
    label: K,
    kind: &'static str,
    value: impl Fn() -> String + Send + Sync + 'static,
    set: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{t(label)}</span>
            <input
                id=id
                class="input"
                type=kind
                prop:value=value
                on:input=move |ev| set(event_target_value(&ev))
            />
        </label>
    }
}

/// The add (`id` 0) / edit form; `done` gets the password issued for a new account, or
/// `None` after an edit or a cancel (`saved` says which).
#[component]
fn MemberEditor(
    id: i64,
    start: MemberForm,
    org: OrgTree,
    done: Callback<(bool, Option<Issued>)>,
) -> impl IntoView {
    let form = RwSignal::new(start);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let creating = id == 0;
    let role = Memo::new(move |_| form.with(|f| f.role));
    let branch = Memo::new(move |_| form.with(|f| f.branch_id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let f = form.get_untracked();
        if let Err(m) = f.check(creating) {
            error.set(Some(msg(&m)));
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let saved = if creating {
                api::create_member(&f.create_request())
                    .await
                    .map(|x| Some(Issued::new(&x, false)))
            } else {
                api::update_member(id, &f.update_request())
                    .await
                    .map(|()| None)
            };
            pending.try_set(false);
            match saved {
                Ok(issued) => done.run((true, issued)),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            }
        });
    };
    let start = form.get_untracked();
    let (branches, groups) = (branches_of(&org), groups_of(&org));
    let scope_units: Vec<(bool, i64, String)> = branches
        .iter()
        .map(|(id, n)| (false, *id, n.clone()))
        .chain(groups.iter().map(|(id, n)| (true, *id, n.clone())))
        .collect();
    let org_cells = org.clone();
    view! {
        <form id="member-form" class="form member-form" novalidate on:submit=submit>
            <div class="form-cols">
                {if creating {
                    text_field(
                        "m-username",
                        K::MembersUsername,
                        "text",
                        move || form.with(|f| f.username.clone()),
                        move |v| form.update(|f| f.username = v),
                    )
                    .into_any()
                } else {
                    view! {
                        <div class="field">
                            <span class="label">{t(K::MembersUsername)}</span>
                            <span class="static">{start.username.clone()}</span>
                        </div>
                    }
                    .into_any()
                }}
                {text_field(
                    "m-name",
                    K::MembersName,
                    "text",
                    move || form.with(|f| f.display_name.clone()),
                    move |v| form.update(|f| f.display_name = v),
                )}
                <label class="field">
                    <span class="label">{t(K::MembersRole)}</span>
                    <select
                        id="m-role"
                        class="input"
                        on:change=move |ev| {
                            let r = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Member);
                            form.update(|f| f.role = r);
                        }
                    >
                        {[Role::Member, Role::Organizer, Role::Admin]
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == start.role>{t(role_key(r))}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::MembersBranch)}</span>
                    <select
                        id="m-branch"
                        class="input"
                        on:change=move |ev| {
                            let b = id_of(&event_target_value(&ev));
                            form.update(|f| f.set_branch(b));
                        }
                    >
                        {unit_options(branches, start.branch_id, K::MembersChooseBranch)}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::MembersCell)}</span>
                    <select
                        id="m-cell"
                        class="input"
                        on:change=move |ev| {
                            let c = id_of(&event_target_value(&ev));
                            form.update(|f| f.cell_id = c);
                        }
                    >
                        // The branch's cells, anew when the branch changes.
                        {move || {
                            let cells = cells_of(&org_cells, branch.get());
                            unit_options(cells, form.with_untracked(|f| f.cell_id), K::MembersNoCell)
                        }}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::HomeYouthGroup)}</span>
                    <select
                        id="m-group"
                        class="input"
                        on:change=move |ev| {
                            let g = id_of(&event_target_value(&ev));
                            form.update(|f| f.youth_group_id = g);
                        }
                    >
                        {unit_options(groups, start.youth_group_id, K::MembersNoYouthGroup)}
                    </select>
                </label>
                {text_field(
                    "m-phone",
                    K::MembersPhone,
                    "tel",
                    move || form.with(|f| f.phone.clone()),
                    move |v| form.update(|f| f.phone = v),
                )}
            </div>
            {move || {
                (role.get() == Role::Organizer)
                    .then(|| {
                        let units = scope_units.clone();
                        view! {
                            <fieldset class="field scope">
                                <legend class="label">{t(K::MembersScope)}</legend>
                                <p class="hint">{t(K::MembersScopeHint)}</p>
                                <div class="check-grid">
                                    {units
                                        .into_iter()
                                        .map(|(group, id, name)| {
                                            let on = form.with_untracked(|f| {
                                                if group { &f.scope.youth_group_ids } else { &f.scope.branch_ids }
                                                    .contains(&id)
                                            });
                                            view! {
                                                <label class="check">
                                                    <input
                                                        type="checkbox"
                                                        name=if group { "scope_group" } else { "scope_branch" }
                                                        value=id.to_string()
                                                        prop:checked=on
                                                        on:change=move |ev| {
                                                            let checked = event_target_checked(&ev);
                                                            form.update(|f| f.toggle_scope(group, id, checked));
                                                        }
                                                    />
                                                    <span>{name}</span>
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            </fieldset>
                        }
                    })
            }}
            <div class="form-actions">
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <button type="button" class="btn" on:click=move |_| done.run((false, None))>
                    {t(K::Cancel)}
                </button>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || pending.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                    {move || t(if pending.get() { K::Saving } else { K::Save })}
                </button>
            </div>
        </form>
    }
}

/// Where an import stands.
#[derive(Debug, Clone, PartialEq)]
enum ImportState {
    Idle,
    NeedFile,
    Uploading,
    Done(ImportReport),
    Failed(ApiError),
}

/// The row a problem is on and what is wrong (`党支部：不存在`).
pub fn problem_text(d: &shared::ErrorDetail) -> (Option<String>, String) {
    let row = d.row.map(|n| tf(K::ImportRowN, &[("n", &n.to_string())]));
    let field = d
        .field
        .as_deref()
        .map(|f| format!("{f}："))
        .unwrap_or_default();
    (row, format!("{field}{}", d.message))
}

/// The import's outcome: the counts and issued passwords, or every problem with its row.
fn import_result(state: ImportState) -> impl IntoView {
    match state {
        ImportState::Idle => ().into_any(),
        ImportState::NeedFile => view! { <p class="form-error" role="alert">{t(K::ImportNeedFile)}</p> }.into_any(),
        ImportState::Uploading => view! {
            <p class="progress"><span class="spinner" aria-hidden="true"></span>{t(K::ImportPending)}</p>
        }
        .into_any(),
        ImportState::Done(r) => {
            let issued = (!r.issued.is_empty()).then(|| {
                view! {
                    <p class="small">{t(K::ImportIssued)}</p>
                    <table class="table stack issued-table">
                        <thead>
                            <tr>
                                <th scope="col">{t(K::MembersUsername)}</th>
                                <th scope="col">{t(K::MembersName)}</th>
                                <th scope="col">{t(K::ImportPassword)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {r
                                .issued
                                .iter()
                                .map(|a| {
                                    view! {
                                        <tr>
                                            <td data-label=t(K::MembersUsername)>{a.username.clone()}</td>
                                            <td data-label=t(K::MembersName)>{a.display_name.clone()}</td>
                                            <td data-label=t(K::ImportPassword)>
                                                <code class="pw">{a.initial_password.clone()}</code>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
            });
            view! {
                <p class="banner success" role="status">
                    {tf(
                        K::ImportDone,
                        &[("created", &r.created.to_string()), ("updated", &r.updated.to_string())],
                    )}
                </p>
                {issued}
            }
            .into_any()
        }
        ImportState::Failed(e) => {
            let problems = (!e.details.is_empty()).then(|| {
                view! {
                    <ul class="problems">
                        {e
                            .details
                            .iter()
                            .map(|d| {
                                let (row, text) = problem_text(d);
                                view! {
                                    <li>
                                        {row.map(|r| view! { <strong class="problem-row">{r}</strong> })}
                                        <span>{text}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            });
            view! {
                <div class="banner error" role="alert">
                    <p class="banner-text">{error_text(&e)}</p>
                </div>
                {problems}
            }
            .into_any()
        }
    }
}

/// Template download, file choice, upload, and the report (or the rows to fix); `done`
/// runs after a successful import (the list reloads).
#[component]
fn ImportPanel(done: Callback<()>) -> impl IntoView {
    let state = RwSignal::new(ImportState::Idle);
    let file_name = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let chosen = move || {
        input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if matches!(state.get_untracked(), ImportState::Uploading) {
            return;
        }
        let Some(file) = chosen() else {
            state.set(ImportState::NeedFile);
            return;
        };
        state.set(ImportState::Uploading);
        spawn_local(async move {
            let r = api::import_members(&file).await;
            if r.is_ok() {
                done.run(());
            }
            state.try_set(match r {
                Ok(report) => ImportState::Done(report),
                Err(e) => ImportState::Failed(e),
            });
        });
    };
    let uploading = move || matches!(state.get(), ImportState::Uploading);
    view! {
        <section class="card import">
            <h2 class="card-title">{t(K::ImportTitle)}</h2>
            <p class="hint">{tf(K::ImportHelp, &[("columns", &IMPORT_COLUMNS.join("、"))])}</p>
            <div class="button-row">
                <a class="btn btn-outline btn-small" href=api::TEMPLATE_XLSX download="members-template.xlsx" rel="external">
                    {t(K::ImportTemplateXlsx)}
                </a>
                <a class="btn btn-outline btn-small" href=api::TEMPLATE_CSV download="members-template.csv" rel="external">
                    {t(K::ImportTemplateCsv)}
                </a>
            </div>
            <form id="import" novalidate on:submit=submit>
                <div class="file-row">
                    <label class="btn file-pick">
                        <input
                            id="import-file"
                            class="visually-hidden"
                            type="file"
                            name="file"
                            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                            node_ref=input
                            on:change=move |_| {
                                file_name.set(chosen().map(|f| f.name()));
                                if matches!(state.get_untracked(), ImportState::NeedFile) {
                                    state.set(ImportState::Idle);
                                }
                            }
                        />
                        {t(K::ImportChooseFile)}
                    </label>
                    <span class="file-name">
                        {move || file_name.get().unwrap_or_else(|| t(K::ImportNoFile).to_string())}
                    </span>
                </div>
                <button id="import-submit" type="submit" class="btn btn-primary btn-block" disabled=uploading>
                    {move || uploading().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                    {move || t(if uploading() { K::ImportPending } else { K::ImportSubmit })}
                </button>
            </form>
            <div id="import-result" aria-live="polite">{move || import_result(state.get())}</div>
        </section>
    }
}

/// The admins' batch reset: how many accounts are ticked, the button that resets them
/// (after a confirmation), then the sheet of new passwords to download once. Every outcome
/// shows here, beside the buttons that caused it.
#[component]
fn BatchReset(selected: RwSignal<Vec<i64>>, done: Callback<()>) -> impl IntoView {
    let sheet = RwSignal::new(None::<SheetState>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let count = move || selected.with(Vec::len);
    let reset = move |_| {
        let ids = selected.get_untracked();
        if ids.is_empty() || pending.get_untracked() {
            return;
        }
        if ids.len() > MAX_BATCH_RESET {
            error.set(Some(tf(
                K::MembersBatchTooMany,
                &[("n", &MAX_BATCH_RESET.to_string())],
            )));
            return;
        }
        if !browser::confirm(&tf(
            K::MembersBatchConfirm,
            &[("n", &ids.len().to_string())],
        )) {
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let r = api::batch_reset(ids).await;
            pending.try_set(false);
            match r {
                Ok(x) => {
                    selected.try_set(Vec::new());
                    sheet.try_set(Some(SheetState::Ready(x)));
                    done.run(());
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            }
        });
    };
    let download = move |x: PasswordSheet| {
        sheet.set(Some(SheetState::Downloading(x.clone())));
        spawn_local(async move {
            let r = api::download_once(&x.download_url, &x.file_name).await;
            sheet.try_set(Some(match r {
                Ok(()) => SheetState::Downloaded(x),
                Err(e) => SheetState::Failed(x, error_text(&e)),
            }));
        });
    };
    let sheet_view = move || {
        sheet.get().map(|state| {
            let (x, busy, note) = match state {
                SheetState::Ready(x) => (x, false, None),
                SheetState::Downloading(x) => (x, true, None),
                SheetState::Downloaded(x) => (x, false, Some((true, t(K::MembersSheetDownloaded).to_string()))),
                SheetState::Failed(x, m) => (x, false, Some((false, m))),
            };
            let text = tf(K::MembersSheetReady, &[("n", &x.count.to_string())]);
            let again = x.clone();
            view! {
                <div class="batch-sheet" id="password-sheet">
                    <p>{text}</p>
                    <p class="small muted">{t(K::MembersSheetOnce)}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-small"
                            data-action="download-sheet"
                            disabled=busy
                            on:click=move |_| download(again.clone())
                        >
                            {t(K::MembersSheetDownload)}
                        </button>
                        <button type="button" class="btn btn-small btn-ghost" on:click=move |_| sheet.set(None)>
                            {t(K::Close)}
                        </button>
                    </div>
                    {note.map(|(ok, m)| {
                        view! {
                            <p class=if ok { "small ok" } else { "form-error" } role=if ok { "status" } else { "alert" }>
                                {m}
                            </p>
                        }
                    })}
                </div>
            }
        })
    };
    view! {
        <section class="card batch-reset" id="batch-reset">
            <div class="batch-row">
                <span class="batch-count">
                    {move || tf(K::MembersSelected, &[("n", &count().to_string())])}
                </span>
                <button
                    type="button"
                    class="btn btn-small"
                    data-action="batch-reset"
                    disabled=move || count() == 0 || pending.get()
                    on:click=reset
                >
                    {move || pending.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                    {t(K::MembersBatchReset)}
                </button>
                {move || (count() > 0).then(|| view! {
                    <button type="button" class="btn btn-small btn-ghost" data-action="clear-selection" on:click=move |_| selected.set(Vec::new())>
                        {t(K::MembersClearSelection)}
                    </button>
                })}
            </div>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {sheet_view}
        </section>
    }
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
    let list = load(move || api::members_url(&filter.get().to_query()));
    let org_data = load(|| api::ORG.into());
    let org = decoded::<OrgTree>(org_data);
    let editor = RwSignal::new(None::<(i64, MemberForm)>);
    let issued = RwSignal::new(None::<Issued>);
    let notice: Notice = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let sort = RwSignal::new((SortKey::Name, true));
    let exporter = Exporter::new();
    // The search box as typed; it follows the URL (the back button walks through searches).
    let q = RwSignal::new(filter.get_untracked().q);
    Effect::new(move |_| q.set(filter.get().q));

    // Filters live in the URL: changing one replaces the history entry, searching and
    // paging add one.
    let go = move |f: Filter, replace: bool| {
        router.navigate(
            &f.to_url(),
            Nav {
                replace,
                keep_scroll: true,
            },
        )
    };
    let on_page = Callback::new(move |page: u32| {
        go(
            Filter {
                page,
                ..filter.get_untracked()
            },
            false,
        );
        browser::scroll_to_top();
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(
            Filter {
                q: q.get_untracked(),
                page: 1,
                ..filter.get_untracked()
            },
            false,
        );
    };

    // Reset, deactivate, reactivate: after a confirmation, one request for a row's member.
    let act = Callback::new(move |(action, m): (RowAction, Member)| {
        if busy.get_untracked()
            || !browser::confirm(&tf(action.confirm_key(), &[("name", &m.display_name)]))
        {
            return;
        }
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            let r = match action {
                RowAction::Reset => api::reset_password(m.id)
                    .await
                    .map(|x| issued.try_set(Some(Issued::new(&x, true))))
                    .map(|_| None),
                RowAction::Deactivate => api::update_member(m.id, &active_request(false))
                    .await
                    .map(|()| Some(K::MembersInactive)),
                RowAction::Reactivate => api::update_member(m.id, &active_request(true))
                    .await
                    .map(|()| Some(K::MembersActive)),
            };
            busy.try_set(false);
            match r {
                Ok(state) => {
                    if let Some(k) = state {
                        notice.try_set(Some((true, format!("{} · {}", m.display_name, t(k)))));
                    }
                    list.reload();
                }
                Err(e) => {
                    notice.try_set(Some((false, error_text(&e))));
                }
            }
        });
    });
    let edit =
        Callback::new(move |m: Member| editor.set(Some((m.id, MemberForm::from_member(&m)))));
    let selected = RwSignal::new(Vec::<i64>::new());
    let row_actions = RowActions {
        admin,
        edit,
        act,
        selected,
    };
    let done = Callback::new(move |(saved, x): (bool, Option<Issued>)| {
        editor.set(None);
        if saved {
            match x {
                Some(x) => {
                    issued.set(Some(x));
                }
                None => notice.set(Some((true, t(K::PointsSaved).to_string()))),
            }
            list.reload();
        }
    });

    // The sheet opens and closes; the editor inside keeps its own state.
    let open = Memo::new(move |_| editor.with(|e| e.as_ref().map(|(id, _)| *id)));
    let sheet = move || {
        open.get().map(|id| {
            let title = t(if id == 0 {
                K::MembersAddTitle
            } else {
                K::MembersEditTitle
            });
            let start = editor.get_untracked().map(|(_, f)| f).unwrap_or_default();
            let body = move || match org.get() {
                Some(Ok(tree)) => {
                    view! { <MemberEditor id=id start=start.clone() org=tree done=done/> }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! { <p class="banner error" role="alert">{error_text(&e)}</p> }.into_any()
                }
                None => view! { <Skeleton lines=4/> }.into_any(),
            };
            view! {
                <Sheet title=title on_close=move |_| editor.set(None)>
                    {body}
                </Sheet>
            }
        })
    };
    let tree_units = move |f: fn(&OrgTree) -> Vec<(i64, String)>| {
        org.with(|o| {
            o.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(f)
                .unwrap_or_default()
        })
    };

    view! {
        <Page class="admin-members" title=K::MembersTitle back=Some("/")>
            <Toast notice=notice/>
            {move || {
                issued
                    .get()
                    .map(|x| {
                        view! {
                            <div class="banner success issued toast" role="status">
                                <p class="banner-text">{x.text()} " " <code class="pw">{x.password.clone()}</code></p>
                                <p class="small">{t(K::MembersIssuedNote)}</p>
                                <button type="button" class="btn btn-small" data-action="close-issued" on:click=move |_| issued.set(None)>
                                    {t(K::Close)}
                                </button>
                            </div>
                        }
                    })
            }}
            {(!admin).then(|| view! { <p class="banner info">{t(K::MembersOrganizerNote)}</p> })}
            <section class="card filters">
                <form id="member-filters" role="search" novalidate on:submit=search>
                    <div class="search-row">
                        <input
                            id="member-q"
                            class="input"
                            type="search"
                            name="q"
                            enterkeyhint="search"
                            placeholder=t(K::MembersSearch)
                            aria-label=t(K::MembersSearch)
                            prop:value=move || q.get()
                            on:input=move |ev| q.set(event_target_value(&ev))
                        />
                        <button type="submit" class="btn btn-primary">{t(K::MembersSearchButton)}</button>
                    </div>
                    <div class="filter-row">
                        <select
                            id="member-branch"
                            class="input"
                            aria-label=t(K::MembersBranch)
                            on:change=move |ev| go(Filter { branch_id: id_of(&event_target_value(&ev)), page: 1, ..filter.get_untracked() }, true)
                        >
                            {move || unit_options(tree_units(branches_of), filter.get().branch_id, K::MembersAllBranches)}
                        </select>
                        <select
                            id="member-group"
                            class="input"
                            aria-label=t(K::MembersYouthGroup)
                            on:change=move |ev| go(Filter { youth_group_id: id_of(&event_target_value(&ev)), page: 1, ..filter.get_untracked() }, true)
                        >
                            {move || unit_options(tree_units(groups_of), filter.get().youth_group_id, K::MembersAllYouthGroups)}
                        </select>
                        <label class="check">
                            <input
                                id="member-inactive"
                                type="checkbox"
                                prop:checked=move || filter.get().include_inactive
                                on:change=move |ev| go(Filter { include_inactive: event_target_checked(&ev), page: 1, ..filter.get_untracked() }, true)
                            />
                            <span>{t(K::MembersIncludeInactive)}</span>
                        </label>
                        {admin
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-primary add-member"
                                        data-action="add"
                                        on:click=move |_| editor.set(Some((0, MemberForm::default())))
                                    >
                                        "+ "
                                        {t(K::MembersAdd)}
                                    </button>
                                }
                            })}
                    </div>
                </form>
            </section>
            {admin.then(|| view! { <BatchReset selected=selected done=Callback::new(move |_| list.reload())/> })}
            <div class="member-list" class:busy=move || busy.get()>
                <Loaded
                    data=list
                    lines=6
                    ok=show(move |p: MemberPage| list_view(p, org, sort, row_actions, on_page))
                />
            </div>
            // Everyone's progress over all time, as on the dashboard (a background job).
            <section class="card members-export">
                <ExportButtons
                    exporter=exporter
                    query=Signal::derive(move || period_query("all", browser::now_ms()))
                />
            </section>
            {admin.then(|| view! { <ImportPanel done=Callback::new(move |_| list.reload())/> })}
            {sheet}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Cell, Organization, YouthGroup};

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
        assert_eq!(id_of(""), None);
        assert_eq!(id_of("7"), Some(7));
    }

    fn valid_form() -> MemberForm {
        MemberForm {
            username: "20240101".into(),
            display_name: "韩雪".into(),
            branch_id: Some(1),
            ..MemberForm::default()
        }
    }

    fn tree() -> OrgTree {
        let cell = |id, branch_id, name: &str| Cell {
            id,
            branch_id,
            name: name.into(),
            member_count: 0,
        };
        OrgTree {
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
                    name: "第二党支部".into(),
                    cells: vec![cell(21, 2, "二组")],
                    member_count: 1,
                },
            ],
            youth_groups: vec![YouthGroup {
                id: 5,
                name: "青年一组".into(),
                member_count: 2,
            }],
        }
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
        f.toggle_scope(true, 2, true);
        assert_eq!(f.check(true), Ok(()));
        f.toggle_scope(true, 2, false);
        assert!(f.scope.is_empty());
        let mut f = valid_form();
        f.display_name = "  ".into();
        assert!(f.check(true).is_err());
    }

    #[test]
    fn requests_are_what_the_form_shows() {
        let mut f = valid_form();
        f.username = " 20240101 ".into();
        f.display_name = " 韩\"雪 ".into();
        f.phone = " ".into();
        f.scope.branch_ids.push(1);
        assert_eq!(
            f.create_request(),
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
        assert_eq!(
            f.update_request(),
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
        // Clearing survives the trip to the server: `null`, not an absent field.
        let json = serde_json::to_string(&f.update_request()).unwrap();
        assert!(json.contains(r#""cell_id":null"#), "{json}");
        let back: UpdateMember = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f.update_request());
        f.role = Role::Organizer;
        f.cell_id = Some(11);
        f.phone = "13800138000".into();
        let c = f.create_request();
        assert_eq!(c.scope.branch_ids, vec![1]);
        assert_eq!(c.phone.as_deref(), Some("13800138000"));
        assert_eq!(f.update_request().scope.unwrap().branch_ids, vec![1]);
        let json = serde_json::to_string(&active_request(false)).unwrap();
        assert_eq!(
            json,
            r#"{"display_name":null,"role":null,"branch_id":null,"scope":null,"active":false}"#
        );
    }

    #[test]
    fn the_form_starts_from_the_member_and_cells_follow_the_branch() {
        let form = MemberForm::from_member(&member(3, true));
        assert_eq!(form.role, Role::Organizer);
        assert_eq!(form.scope.youth_group_ids, vec![5]);
        assert_eq!(form.phone, "13800138000");
        let mut moved = form.clone();
        moved.set_branch(Some(2));
        assert_eq!(moved.cell_id, Some(21), "the same branch keeps the cell");
        moved.set_branch(Some(1));
        assert_eq!((moved.branch_id, moved.cell_id), (Some(1), None));
        let org = tree();
        assert_eq!(
            cells_of(&org, Some(1)),
            vec![(11, "第一党小组".to_string())]
        );
        assert!(cells_of(&org, None).is_empty());
    }

    #[test]
    fn rows_show_names_status_and_sort() {
        let org = tree();
        let m = member(1, true);
        assert_eq!(
            unit_names(&m, Some(&org)),
            ("第二党支部".into(), Some("二组".into()), "青年一组".into())
        );
        assert_eq!(unit_names(&m, None).0, "—", "names wait for the tree");
        assert_eq!(status_of(&m).0, K::MembersMustChange);
        assert_eq!(status_of(&member(2, false)).0, K::MembersInactive);
        let mut items = vec![
            Member {
                display_name: "乙".into(),
                role: Role::Member,
                branch_id: Some(1),
                ..member(1, true)
            },
            Member {
                display_name: "甲".into(),
                ..member(2, false)
            },
        ];
        sort_members(&mut items, SortKey::Role, true, Some(&org));
        assert_eq!(items[0].id, 2, "organizers before members");
        sort_members(&mut items, SortKey::Branch, true, Some(&org));
        assert_eq!(items[0].id, 1, "第一党支部 before 第二党支部");
        sort_members(&mut items, SortKey::Status, true, Some(&org));
        assert_eq!(items[0].id, 1, "active first");
        sort_members(&mut items, SortKey::Status, false, Some(&org));
        assert_eq!(items[0].id, 2);
    }

    #[test]
    fn resets_are_offered_where_the_server_allows_them_and_ticks_toggle() {
        let mut m = member(1, true);
        assert!(may_reset(true, &m), "admins reset organizers");
        assert!(!may_reset(false, &m), "organizers do not reset staff");
        m.role = Role::Member;
        assert!(may_reset(false, &m));
        m.active = false;
        assert!(!may_reset(true, &m), "deactivated accounts are not reset");
        m.active = true;
        m.role = Role::Admin;
        assert!(
            !may_reset(true, &m),
            "an admin's account is never in a batch"
        );
        let mut ids = vec![];
        toggle_selected(&mut ids, 3, true);
        toggle_selected(&mut ids, 5, true);
        toggle_selected(&mut ids, 3, true);
        assert_eq!(ids, vec![5, 3]);
        toggle_selected(&mut ids, 5, false);
        assert_eq!(ids, vec![3]);
    }

    #[test]
    fn issued_passwords_and_import_problems_read_well() {
        let x = IssuedPassword {
            member: member(1, true),
            initial_password: "Abc123xyz0".into(),
        };
        let i = Issued::new(&x, true);
        assert!(i.text().contains("20240101") && i.text().contains("韩雪"));
        let d = shared::ErrorDetail {
            row: Some(3),
            field: Some("党支部".into()),
            message: "不存在".into(),
        };
        assert_eq!(
            problem_text(&d),
            (Some("第3行".to_string()), "党支部：不存在".to_string())
        );
    }
}
