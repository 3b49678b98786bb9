//! `/admin/members`: the member accounts in the caller's scope, paged, with a search box and
//! branch / youth-group filters kept in the URL (so the back button walks through them).
//! Admins add, edit, reset passwords, deactivate and reactivate accounts, and import members
//! from a spreadsheet; organizers see the list read-only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::{Role, Scope};
use shared::api::members::{
    CreateMember, IssuedPassword, Member, MemberPage, MemberQuery, UpdateMember, IMPORT_COLUMNS,
};
use shared::api::org::OrgTree;
use shared::validation;

use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::browser;
use crate::components::{
    error_text, ErrorBanner, ErrorLine, Fetch, Page, Pager, Sheet, Skeleton, Spinner,
};
use crate::html::{el, esc};
use crate::i18n::{msg, t, tf, Msg, K};
use crate::json::{i, list, s};
use crate::pages::home::role_key;
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

    fn scope(&self) -> Scope {
        if self.role == Role::Organizer {
            self.scope.clone()
        } else {
            Scope::default()
        }
    }

    pub fn to_create(&self) -> CreateMember {
        CreateMember {
            username: self.username.trim().to_string(),
            display_name: self.display_name.trim().to_string(),
            role: self.role,
            branch_id: self.branch_id,
            cell_id: self.cell_id,
            youth_group_id: self.youth_group_id,
            phone: self.phone(),
            scope: self.scope(),
        }
    }

    /// Every editable field, so the account ends up exactly as the form shows it.
    pub fn to_update(&self) -> UpdateMember {
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

/// Adds `id` to `ids` or takes it out.
pub fn toggle_id(ids: &mut Vec<i64>, id: i64, on: bool) {
    ids.retain(|x| *x != id);
    if on {
        ids.push(id);
        ids.sort_unstable();
    }
}

/// Names of branches, cells and youth groups by id, from the organization tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names(pub Option<OrgTree>);

impl Names {
    fn branch(&self, id: Option<i64>) -> Option<String> {
        let t = self.0.as_ref()?;
        t.branches
            .iter()
            .find(|b| Some(b.id) == id)
            .map(|b| b.name.clone())
    }
    fn cell(&self, id: Option<i64>) -> Option<String> {
        let t = self.0.as_ref()?;
        t.branches
            .iter()
            .flat_map(|b| &b.cells)
            .find(|c| Some(c.id) == id)
            .map(|c| c.name.clone())
    }
    fn youth_group(&self, id: Option<i64>) -> Option<String> {
        let t = self.0.as_ref()?;
        t.youth_groups
            .iter()
            .find(|g| Some(g.id) == id)
            .map(|g| g.name.clone())
    }
}

/// The member list as an HTML table (stacked as cards on phones). Admins get edit, reset
/// and (de)activate buttons, marked with `data-action` and `data-id`.
pub fn members_table_html(members: &[Member], names: &Names, admin: bool) -> String {
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
    let dash = || "—".to_string();
    for m in members {
        let (status, status_class) = match (m.active, m.must_change_password) {
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
        h += if m.active {
            "<tr>"
        } else {
            r#"<tr class="inactive">"#
        };
        h += &td(
            "cell-name",
            K::MembersName,
            el("strong", "", &m.display_name) + &el("span", "muted small", &m.username),
        );
        h += &td("nowrap", K::MembersRole, esc(t(role_key(m.role))));
        let cell = names
            .cell(m.cell_id)
            .map(|c| el("span", "muted small", &c))
            .unwrap_or_default();
        h += &td(
            "nowrap",
            K::MembersBranch,
            esc(&names.branch(m.branch_id).unwrap_or_else(dash)) + &cell,
        );
        h += &td(
            "",
            K::MembersYouthGroup,
            esc(&names.youth_group(m.youth_group_id).unwrap_or_else(dash)),
        );
        h += &td(
            "nowrap",
            K::MembersPhone,
            esc(m.phone.as_deref().unwrap_or("—")),
        );
        h += &td(
            "nowrap",
            K::MembersStatus,
            el("span", status_class, t(status)),
        );
        if admin {
            let button = |action: &str, class: &str, label: K| {
                format!(
                    r#"<button type="button" class="btn btn-small btn-ghost{class}" data-action="{action}" data-id="{}">{}</button>"#,
                    m.id,
                    t(label)
                )
            };
            let toggle = if m.active {
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
struct Issued {
    reset: bool,
    username: String,
    name: String,
    password: String,
}

impl Issued {
    fn new(i: IssuedPassword, reset: bool) -> Self {
        Issued {
            reset,
            username: i.member.username,
            name: i.member.display_name,
            password: i.initial_password,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Editor {
    New,
    Edit(Member),
}

#[component]
pub fn AdminMembers() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let filter = Memo::new(move |_| {
        let url = router.url();
        Filter::from_params(|k| url.param(k))
    });
    let version = RwSignal::new(0u32);
    let list = Fetch::new(move || {
        version.track();
        api::members_url(&filter.get().to_query())
    });
    let org = Fetch::new(|| api::ORG.into());
    let org_tree = move || org.get::<OrgTree>();
    let names = Memo::new(move |_| Names(org_tree().and_then(Result::ok)));
    let editor = RwSignal::new(None::<Editor>);
    let issued = RwSignal::new(None::<Issued>);
    let action_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<i64>);
    let admin = session.is_admin();

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
    let search = RwSignal::new(filter.get_untracked().q);
    // The back button can change the filter: the box follows.
    Effect::new(move |_| search.set(filter.get().q));
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut f = filter.get_untracked();
        f.q = search.get_untracked();
        f.page = 1;
        go(f, false);
    };
    let set_branch = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.branch_id = event_target_value(&ev).parse().ok();
        f.page = 1;
        go(f, true);
    };
    let set_group = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.youth_group_id = event_target_value(&ev).parse().ok();
        f.page = 1;
        go(f, true);
    };
    let set_inactive = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.include_inactive = event_target_checked(&ev);
        f.page = 1;
        go(f, true);
    };
    let go_page = Callback::new(move |page: u32| {
        let mut f = filter.get_untracked();
        f.page = page;
        go(f, false);
        browser::scroll_to_top();
    });

    let reset_password = move |m: Member| {
        let message = tf(K::MembersConfirmReset, &[("name", &m.display_name)]);
        if busy.get_untracked().is_some() || !browser::confirm(&message) {
            return;
        }
        busy.set(Some(m.id));
        action_error.set(None);
        spawn_local(async move {
            match api::reset_password(m.id).await {
                Ok(x) => {
                    issued.try_set(Some(Issued::new(x, true)));
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    action_error.try_set(Some(error_text(&e)));
                }
            }
            busy.try_set(None);
            browser::scroll_to_top();
        });
    };
    let set_active = move |m: Member, active: bool| {
        let key = if active {
            K::MembersConfirmReactivate
        } else {
            K::MembersConfirmDeactivate
        };
        let message = tf(key, &[("name", &m.display_name)]);
        if busy.get_untracked().is_some() || !browser::confirm(&message) {
            return;
        }
        busy.set(Some(m.id));
        action_error.set(None);
        spawn_local(async move {
            let req = UpdateMember {
                active: Some(active),
                ..Default::default()
            };
            match api::update_member(m.id, &req).await {
                Ok(_) => {
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    action_error.try_set(Some(error_text(&e)));
                    browser::scroll_to_top();
                }
            }
            busy.try_set(None);
        });
    };

    let on_saved = Callback::new(move |x: Option<Issued>| {
        editor.set(None);
        if x.is_some() {
            issued.set(x);
        }
        version.update(|v| *v += 1);
        browser::scroll_to_top();
    });
    let on_close = Callback::new(move |_| editor.set(None));

    // The table is plain HTML; its buttons say what they do in `data-action`/`data-id`,
    // and one handler on the table acts on the member of that row.
    let on_table_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, id)) = browser::clicked_action(&ev) else {
            return;
        };
        let member = list
            .get_untracked::<MemberPage>()
            .and_then(Result::ok)
            .and_then(|p| p.items.into_iter().find(|m| m.id == id));
        let Some(m) = member else {
            return;
        };
        match action.as_str() {
            "edit" => editor.set(Some(Editor::Edit(m))),
            "reset" => reset_password(m),
            "deactivate" => set_active(m, false),
            "reactivate" => set_active(m, true),
            _ => {}
        }
    };

    let list_view = move || match list.get::<MemberPage>() {
        None => view! { <Skeleton lines=6/> }.into_any(),
        Some(Err(e)) => view! {
            <ErrorBanner error=e on_retry=Callback::new(move |_| version.update(|v| *v += 1))/>
        }
        .into_any(),
        Some(Ok(page)) => {
            let total = page.total.to_string();
            let empty = page.items.is_empty();
            view! {
                <p class="list-meta">{tf(K::MembersTotal, &[("n", &total)])}</p>
                {if empty {
                    view! { <p class="card empty">{t(K::MembersEmpty)}</p> }.into_any()
                } else {
                    view! {
                        <div
                            class="table-wrap"
                            class:busy=move || busy.get().is_some()
                            on:click=on_table_click
                            inner_html=members_table_html(&page.items, &names.get(), admin)
                        ></div>
                    }
                        .into_any()
                }}
                <Pager page=page.page total=page.total per_page=page.per_page on_go=go_page/>
            }
            .into_any()
        }
    };

    view! {
        <Page class="admin-members" title=K::MembersTitle back=Some("/")>
            {move || issued.get().map(|x| view! { <IssuedNotice issued=x on_close=move || issued.set(None)/> })}
            {move || {
                action_error
                    .get()
                    .map(|m| {
                        view! {
                            <div class="banner error" role="alert">
                                <p class="banner-text">{m}</p>
                            </div>
                        }
                    })
            }}
            {(!admin).then(|| view! { <p class="banner info">{t(K::MembersReadOnly)}</p> })}

            <section class="card filters">
                <form class="search-row" role="search" on:submit=on_search>
                    <input
                        class="input"
                        type="search"
                        enterkeyhint="search"
                        placeholder=t(K::MembersSearch)
                        aria-label=t(K::MembersSearch)
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <button type="submit" class="btn btn-primary">
                        {t(K::MembersSearchButton)}
                    </button>
                </form>
                <div class="filter-row">
                    <select class="input" aria-label=t(K::MembersBranch) on:change=set_branch>
                        <option value="" prop:selected=move || filter.get().branch_id.is_none()>
                            {t(K::MembersAllBranches)}
                        </option>
                        {move || {
                            names
                                .get()
                                .0
                                .map(|t| {
                                    t.branches
                                        .into_iter()
                                        .map(|b| {
                                            view! {
                                                <option
                                                    value=b.id
                                                    prop:selected=move || filter.get().branch_id == Some(b.id)
                                                >
                                                    {b.name}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                })
                        }}
                    </select>
                    <select class="input" aria-label=t(K::MembersYouthGroup) on:change=set_group>
                        <option value="" prop:selected=move || filter.get().youth_group_id.is_none()>
                            {t(K::MembersAllYouthGroups)}
                        </option>
                        {move || {
                            names
                                .get()
                                .0
                                .map(|t| {
                                    t.youth_groups
                                        .into_iter()
                                        .map(|g| {
                                            view! {
                                                <option
                                                    value=g.id
                                                    prop:selected=move || filter.get().youth_group_id == Some(g.id)
                                                >
                                                    {g.name}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                })
                        }}
                    </select>
                    <label class="check">
                        <input
                            type="checkbox"
                            prop:checked=move || filter.get().include_inactive
                            on:change=set_inactive
                        />
                        <span>{t(K::MembersIncludeInactive)}</span>
                    </label>
                </div>
                {admin
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary btn-block add-member"
                                on:click=move |_| editor.set(Some(Editor::New))
                            >
                                "+ "
                                {t(K::MembersAdd)}
                            </button>
                        }
                    })}
            </section>

            <section class="member-list">{list_view}</section>

            {admin.then(|| view! { <ImportMembers version=version/> })}

            {move || {
                editor
                    .get()
                    .map(|target| {
                        view! {
                            <MemberEditor
                                target=target
                                org=org_tree()
                                on_retry=Callback::new(move |_| org.reload())
                                on_saved=on_saved
                                on_close=on_close
                            />
                        }
                    })
            }}
        </Page>
    }
}

/// The one-time initial password after creating or resetting an account.
#[component]
fn IssuedNotice(issued: Issued, on_close: impl Fn() + 'static) -> impl IntoView {
    let key = if issued.reset {
        K::MembersIssuedReset
    } else {
        K::MembersIssuedCreated
    };
    let (username, name) = (issued.username, issued.name);
    view! {
        <div class="banner success issued" role="status">
            <p class="banner-text">
                {tf(key, &[("username", &username), ("name", &name)])}
                " "
                <code class="pw">{issued.password}</code>
            </p>
            <p class="small">{t(K::MembersIssuedNote)}</p>
            <button type="button" class="btn btn-small" on:click=move |_| on_close()>
                {t(K::Close)}
            </button>
        </div>
    }
}

/// The add / edit form, in a sheet.
#[component]
fn MemberEditor(
    target: Editor,
    org: Option<Result<OrgTree, ApiError>>,
    on_retry: Callback<()>,
    on_saved: Callback<Option<Issued>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let (creating, id, initial) = match &target {
        Editor::New => (true, 0, MemberForm::default()),
        Editor::Edit(m) => (false, m.id, MemberForm::from_member(m)),
    };
    let username = initial.username.clone();
    let form = RwSignal::new(initial);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let title = t(if creating {
        K::MembersAddTitle
    } else {
        K::MembersEditTitle
    });

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
            let result: Result<Option<Issued>, ApiError> = if creating {
                api::create_member(&f.to_create())
                    .await
                    .map(|x| Some(Issued::new(x, false)))
            } else {
                api::update_member(id, &f.to_update()).await.map(|_| None)
            };
            match result {
                Ok(x) => on_saved.run(x),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };

    let org = match org {
        Some(Ok(org)) => org,
        other => {
            return view! {
                <Sheet title=title on_close=on_close>
                    {match other {
                        Some(Err(e)) => view! { <ErrorBanner error=e on_retry=on_retry/> }.into_any(),
                        _ => view! { <Skeleton lines=4/> }.into_any(),
                    }}
                </Sheet>
            }
            .into_any();
        }
    };
    let org = StoredValue::new(org);
    let text_field = move |label: K,
                           value: fn(&MemberForm) -> String,
                           set: fn(&mut MemberForm, String),
                           kind: &'static str| {
        view! {
            <label class="field">
                <span class="label">{t(label)}</span>
                <input
                    class="input"
                    type=kind
                    prop:value=move || form.with(value)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| set(f, v));
                    }
                />
            </label>
        }
    };

    view! {
        <Sheet title=title on_close=on_close>
            <form class="form" on:submit=submit novalidate>
                {if creating {
                    view! {
                        <label class="field">
                            <span class="label">{t(K::MembersUsername)}</span>
                            <input
                                class="input"
                                type="text"
                                autocapitalize="off"
                                spellcheck="false"
                                placeholder=t(K::MembersUsernameHint)
                                prop:value=move || form.with(|f| f.username.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    form.update(|f| f.username = v);
                                }
                            />
                        </label>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="field">
                            <span class="label">{t(K::MembersUsername)}</span>
                            <span class="static">{username}</span>
                        </div>
                    }
                        .into_any()
                }}
                {text_field(K::MembersName, |f| f.display_name.clone(), |f, v| f.display_name = v, "text")}
                <label class="field">
                    <span class="label">{t(K::MembersRole)}</span>
                    <select
                        class="input"
                        on:change=move |ev| {
                            let role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Member);
                            form.update(|f| f.role = role);
                        }
                    >
                        {[Role::Member, Role::Organizer, Role::Admin]
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() prop:selected=move || form.with(|f| f.role == r)>
                                        {t(role_key(r))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::MembersBranch)}</span>
                    <select
                        class="input"
                        on:change=move |ev| {
                            let b = event_target_value(&ev).parse().ok();
                            form.update(|f| {
                                if f.branch_id != b {
                                    f.cell_id = None;
                                }
                                f.branch_id = b;
                            });
                        }
                    >
                        <option value="" prop:selected=move || form.with(|f| f.branch_id.is_none())>
                            {t(K::MembersChooseBranch)}
                        </option>
                        {org
                            .with_value(|t| t.branches.clone())
                            .into_iter()
                            .map(|b| {
                                view! {
                                    <option value=b.id prop:selected=move || form.with(|f| f.branch_id == Some(b.id))>
                                        {b.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::MembersCell)}</span>
                    <select
                        class="input"
                        on:change=move |ev| {
                            let c = event_target_value(&ev).parse().ok();
                            form.update(|f| f.cell_id = c);
                        }
                    >
                        <option value="" prop:selected=move || form.with(|f| f.cell_id.is_none())>
                            {t(K::MembersNoCell)}
                        </option>
                        {move || {
                            let branch = form.with(|f| f.branch_id);
                            org.with_value(|t| {
                                    t.branches
                                        .iter()
                                        .find(|b| Some(b.id) == branch)
                                        .map(|b| b.cells.clone())
                                        .unwrap_or_default()
                                })
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <option value=c.id prop:selected=move || form.with(|f| f.cell_id == Some(c.id))>
                                            {c.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::HomeYouthGroup)}</span>
                    <select
                        class="input"
                        on:change=move |ev| {
                            let g = event_target_value(&ev).parse().ok();
                            form.update(|f| f.youth_group_id = g);
                        }
                    >
                        <option value="" prop:selected=move || form.with(|f| f.youth_group_id.is_none())>
                            {t(K::MembersNoYouthGroup)}
                        </option>
                        {org
                            .with_value(|t| t.youth_groups.clone())
                            .into_iter()
                            .map(|g| {
                                view! {
                                    <option value=g.id prop:selected=move || form.with(|f| f.youth_group_id == Some(g.id))>
                                        {g.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                {text_field(K::MembersPhone, |f| f.phone.clone(), |f, v| f.phone = v, "tel")}
                {move || {
                    (form.with(|f| f.role == Role::Organizer))
                        .then(|| view! { <ScopePicker org=org.get_value() form=form/> })
                }}
                <ErrorLine message=error/>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| on_close.run(())>
                        {t(K::Cancel)}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                        {move || pending.get().then(|| view! { <Spinner/> })}
                        {move || t(if pending.get() { K::Saving } else { K::Save })}
                    </button>
                </div>
            </form>
        </Sheet>
    }
    .into_any()
}

/// The branches and youth groups an organizer is responsible for.
#[component]
fn ScopePicker(org: OrgTree, form: RwSignal<MemberForm>) -> impl IntoView {
    let branches = org
        .branches
        .into_iter()
        .map(|b| {
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || form.with(|f| f.scope.branch_ids.contains(&b.id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| toggle_id(&mut f.scope.branch_ids, b.id, on));
                        }
                    />
                    <span>{b.name}</span>
                </label>
            }
        })
        .collect_view();
    let groups = org
        .youth_groups
        .into_iter()
        .map(|g| {
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || form.with(|f| f.scope.youth_group_ids.contains(&g.id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| toggle_id(&mut f.scope.youth_group_ids, g.id, on));
                        }
                    />
                    <span>{g.name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field scope">
            <legend class="label">{t(K::MembersScope)}</legend>
            <p class="hint">{t(K::MembersScopeHint)}</p>
            <div class="check-grid">{branches}{groups}</div>
        </fieldset>
    }
}

#[derive(Debug, Clone)]
enum ImportState {
    Idle,
    NeedFile,
    Uploading,
    /// The `ImportReport`, read as `Value` (see `crate::json`): it is only displayed.
    Done(serde_json::Value),
    Failed(ApiError),
}

/// Template download, file choice, upload, and the report (or the rows to fix).
#[component]
fn ImportMembers(version: RwSignal<u32>) -> impl IntoView {
    let file_input = NodeRef::<leptos::html::Input>::new();
    let file_name = RwSignal::new(None::<String>);
    let state = RwSignal::new(ImportState::Idle);
    let chosen = move || {
        file_input
            .get_untracked()
            .and_then(|el| el.files())
            .and_then(|files| files.get(0))
    };
    let on_change = move |_| {
        file_name.set(chosen().map(|f| f.name()));
        if matches!(state.get_untracked(), ImportState::NeedFile) {
            state.set(ImportState::Idle);
        }
    };
    let on_import = move |_| {
        if matches!(state.get_untracked(), ImportState::Uploading) {
            return;
        }
        let Some(file) = chosen() else {
            state.set(ImportState::NeedFile);
            return;
        };
        state.set(ImportState::Uploading);
        spawn_local(async move {
            match api::import_members(&file).await {
                Ok(report) => {
                    state.try_set(ImportState::Done(report));
                    version.try_update(|v| *v += 1);
                }
                Err(e) => {
                    state.try_set(ImportState::Failed(e));
                }
            }
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
            <div class="file-row">
                <label class="btn file-pick">
                    <input
                        id="import-file"
                        class="visually-hidden"
                        type="file"
                        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                        node_ref=file_input
                        on:change=on_change
                    />
                    {t(K::ImportChooseFile)}
                </label>
                <span class="file-name">
                    {move || file_name.get().unwrap_or_else(|| t(K::ImportNoFile).to_string())}
                </span>
            </div>
            <button
                id="import-submit"
                type="button"
                class="btn btn-primary btn-block"
                disabled=uploading
                on:click=on_import
            >
                {move || uploading().then(|| view! { <Spinner/> })}
                {move || t(if uploading() { K::ImportPending } else { K::ImportSubmit })}
            </button>
            <div
                id="import-result"
                aria-live="polite"
                inner_html=move || state.with(import_result_html)
            ></div>
        </section>
    }
}

/// The import's outcome as HTML: the counts and issued passwords, or every problem with
/// its row.
fn import_result_html(state: &ImportState) -> String {
    match state {
        ImportState::Idle => String::new(),
        ImportState::NeedFile => el("p", "form-error", t(K::ImportNeedFile)),
        ImportState::Uploading => format!(
            r#"<p class="progress"><span class="spinner" aria-hidden="true"></span>{}</p>"#,
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
    fn member_form_builds_requests() {
        let mut f = valid_form();
        f.username = " 20240101 ".into();
        f.phone = " ".into();
        f.scope.branch_ids.push(1);
        let c = f.to_create();
        assert_eq!(c.username, "20240101");
        assert_eq!(c.phone, None);
        assert!(c.scope.is_empty(), "only organizers carry a scope");
        let u = f.to_update();
        assert_eq!(u.cell_id, Some(None), "clearing the cell is explicit");
        assert_eq!(u.phone, Some(None));
        assert_eq!(u.scope, None);
        assert_eq!(u.active, None);
        f.role = Role::Organizer;
        assert_eq!(f.to_update().scope.unwrap().branch_ids, vec![1]);
        let json = serde_json::to_value(f.to_update()).unwrap();
        assert_eq!(json["cell_id"], serde_json::Value::Null);
        assert!(json.get("cell_id").is_some());
    }

    #[test]
    fn scope_ids_toggle() {
        let mut ids = vec![3];
        toggle_id(&mut ids, 1, true);
        assert_eq!(ids, vec![1, 3]);
        toggle_id(&mut ids, 1, true);
        assert_eq!(ids, vec![1, 3]);
        toggle_id(&mut ids, 3, false);
        assert_eq!(ids, vec![1]);
    }
}
