//! `/admin/content/new` and `/admin/content/{id}`: one study module in the content editor.
//! A new module names its owning unit (organizers: one of theirs; admins also the
//! organization); an existing one shows its fields, its lessons in order, a lesson editor
//! (Markdown with a live preview rendered by the server's own sanitizer, debounced while
//! typing; source, position, minimum study time; versions kept once members had started)
//! and its assignment (the organization for admins, branches and youth groups in the
//! user's scope, a deadline, required). Shipped modules and those of other units are shown
//! read-only. Every action's outcome shows beside its button.
//!
//! Its practice and exam quizzes are listed with 移除, and one the user manages can be
//! attached (issue 17 quiz builder); members see them on the module's page. 删除专题 is
//! shown only when the server would allow it (otherwise a line says why not).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::Scope;
use shared::api::content::{
    AuthoredLesson, AuthoredModule, AuthoredModuleDetail, LessonInput, ModuleAssignment,
    ModuleInput, MAX_MIN_MINUTES,
};
use shared::api::org::OrgTree;
use shared::api::questions::Owner;
use shared::api::quiz::QuizKind;
use shared::api::quiz_builder::{ManagedQuiz, ModuleQuiz};
use shared::api::study::Track;

use crate::answers::quiz_kind_key;
use crate::api;
use crate::app::use_session;
use crate::browser;
use crate::components::{decoded, error_text, load, show, Loaded, Notice, Page, Skeleton, Toast};
use crate::format::{date_time, input_datetime, parse_datetime};
use crate::i18n::{locale, t, tf, K};
use crate::pages::admin_content::{assignment_line, owner_label, track_key};
use crate::pages::admin_quizzes::status_key;
use crate::router::{use_router, Nav};

/// How long typing must pause before the preview is asked for again.
pub const PREVIEW_DEBOUNCE_MS: i32 = 400;

// issue 17 quiz builder
thread_local! {
    /// What a page that is being replaced wants the next one to say: creating a module
    /// opens its own page (a new page component, with a toast of its own), which says it.
    static FLASH: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// A button's outcome beside it: done (with what to say) or why it failed.
type Outcome = RwSignal<Option<Result<String, String>>>;

/// The page's toast, given to its forms by context: a save reloads the module, which
/// rebuilds the form (and its outcome line), so what was saved is said there too.
#[derive(Clone, Copy)]
struct SavedToast(Notice);

/// What puts a message in the page's toast (read where the form is built: the tasks that
/// call it run outside any owner).
fn saved_toast() -> impl Fn(&str) + Copy {
    let n = use_context::<SavedToast>().map(|s| s.0);
    move |m: &str| {
        if let Some(n) = n {
            n.try_set(Some((true, m.to_string())));
        }
    }
}

fn outcome_view(o: Outcome) -> impl IntoView {
    move || match o.get() {
        Some(Ok(m)) => Some(view! { <p class="small ok" role="status">{m}</p> }.into_any()),
        Some(Err(m)) => Some(view! { <p class="form-error" role="alert">{m}</p> }.into_any()),
        None => None,
    }
}

/// An owner as a `<select>` value: `b:1`, `g:3`, or empty for the organization.
pub fn owner_value(o: &Owner) -> String {
    match (o.branch_id, o.youth_group_id) {
        (Some(b), _) => format!("b:{b}"),
        (None, Some(g)) => format!("g:{g}"),
        (None, None) => String::new(),
    }
}

/// The owner a `<select>` value names.
pub fn parse_owner(v: &str) -> Owner {
    let id = |s: &str| s.parse::<i64>().ok();
    match v.split_once(':') {
        Some(("b", b)) => Owner {
            branch_id: id(b),
            youth_group_id: None,
        },
        Some(("g", g)) => Owner {
            branch_id: None,
            youth_group_id: id(g),
        },
        _ => Owner::default(),
    }
}

/// The units a user may name (as owner or in an assignment): admins every branch and group
/// of the tree, organizers those of their scope. `(is_group, id, name)`.
pub fn units_in_scope(org: &OrgTree, admin: bool, scope: &Scope) -> Vec<(bool, i64, String)> {
    let branches = org
        .branches
        .iter()
        .filter(|b| admin || scope.branch_ids.contains(&b.id))
        .map(|b| (false, b.id, b.name.clone()));
    let groups = org
        .youth_groups
        .iter()
        .filter(|g| admin || scope.youth_group_ids.contains(&g.id))
        .map(|g| (true, g.id, g.name.clone()));
    branches.chain(groups).collect()
}

/// The module form's fields as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleDraft {
    pub title: String,
    pub track: Track,
    pub description: String,
    pub position: String,
    pub owner: String,
}

impl ModuleDraft {
    pub fn from_module(m: &AuthoredModule) -> Self {
        ModuleDraft {
            title: m.title.clone(),
            track: m.track,
            description: m.description.clone(),
            position: m.position.to_string(),
            owner: owner_value(&m.owner),
        }
    }

    /// The request, or the message of what must be fixed first.
    pub fn input(&self) -> Result<ModuleInput, K> {
        if self.title.trim().is_empty() {
            return Err(K::ContentNeedTitle);
        }
        Ok(ModuleInput {
            title: self.title.trim().to_string(),
            track: self.track,
            description: self.description.trim().to_string(),
            position: self.position.trim().parse().unwrap_or(100),
            owner: parse_owner(&self.owner),
        })
    }
}

/// The lesson form's fields as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonDraft {
    pub title: String,
    pub body_md: String,
    pub source: String,
    pub position: String,
    pub min_minutes: String,
}

impl LessonDraft {
    pub fn from_lesson(l: &AuthoredLesson) -> Self {
        LessonDraft {
            title: l.title.clone(),
            body_md: l.body_md.clone(),
            source: l.source.clone(),
            position: l.position.to_string(),
            min_minutes: l.min_minutes.map(|m| m.to_string()).unwrap_or_default(),
        }
    }

    /// The request (empty position: at the end; empty minutes: from the length).
    pub fn input(&self) -> Result<LessonInput, K> {
        if self.title.trim().is_empty() {
            return Err(K::ContentNeedTitle);
        }
        Ok(LessonInput {
            title: self.title.trim().to_string(),
            body_md: self.body_md.clone(),
            source: self.source.trim().to_string(),
            position: self.position.trim().parse().ok(),
            min_minutes: self.min_minutes.trim().parse().ok(),
        })
    }
}

/// A labelled input bound to a text field of a draft.
fn field<D: Clone + Send + Sync + 'static>(
    draft: RwSignal<D>,
    id: &'static str,
    label: K,
    kind: &'static str,
    get: fn(&D) -> String,
    set: fn(&mut D, String),
    disabled: bool,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{t(label)}</span>
            <input
                id=id
                class="input"
                type=kind
                disabled=disabled
                prop:value=move || draft.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| set(d, v));
                }
            />
        </label>
    }
}

/// The module's own fields; `id` 0 creates it.
#[component]
fn ModuleForm(
    id: i64,
    start: ModuleDraft,
    owners: Vec<(String, String)>,
    editable: bool,
    #[prop(into)] saved: Callback<i64>,
) -> impl IntoView {
    let draft = RwSignal::new(start);
    let outcome: Outcome = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let say = saved_toast();
    let creating = id == 0;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let input = match draft.get_untracked().input() {
            Ok(i) => i,
            Err(k) => {
                outcome.set(Some(Err(t(k).into())));
                return;
            }
        };
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = if creating {
                api::create_module(&input).await
            } else {
                api::update_module(id, &input).await.map(|()| id)
            };
            pending.try_set(false);
            match r {
                Ok(id) => {
                    outcome.try_set(Some(Ok(t(K::Saved).into())));
                    if creating {
                        // The module's page replaces this one and shows it.
                        FLASH.with(|f| *f.borrow_mut() = Some(t(K::ContentCreated).into()));
                    } else {
                        say(t(K::Saved));
                    }
                    saved.run(id);
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let tracks = [Track::Theory, Track::Discipline, Track::Other];
    let owner_start = draft.get_untracked().owner;
    view! {
        <form id="module-form" class="card form-grid" novalidate on:submit=submit>
            {field(draft, "module-title", K::ContentModuleTitle, "text", |d: &ModuleDraft| d.title.clone(), |d, v| d.title = v, !editable)}
            <label class="field">
                <span class="label">{t(K::ContentTrack)}</span>
                <select
                    id="module-track"
                    class="input"
                    disabled=!editable
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| d.track = Track::parse(&v).unwrap_or(Track::Other));
                    }
                >
                    {tracks
                        .into_iter()
                        .map(|k| {
                            let selected = draft.with_untracked(|d| d.track == k);
                            view! { <option value=k.as_str() selected=selected>{t(track_key(k))}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="label">{t(K::ContentOwner)}</span>
                // The owner is fixed once the module exists.
                <select
                    id="module-owner"
                    class="input"
                    disabled=!creating
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| d.owner = v);
                    }
                >
                    {owners
                        .into_iter()
                        .map(|(v, name)| {
                            let selected = v == owner_start;
                            view! { <option value=v selected=selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            {field(draft, "module-position", K::ContentPosition, "number", |d: &ModuleDraft| d.position.clone(), |d, v| d.position = v, !editable)}
            <label class="field field-wide">
                <span class="label">{t(K::ContentDescription)}</span>
                <textarea
                    id="module-description"
                    class="input"
                    rows="3"
                    maxlength="500"
                    disabled=!editable
                    prop:value=move || draft.with(|d| d.description.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| d.description = v);
                    }
                ></textarea>
            </label>
            {editable
                .then(|| {
                    view! {
                        <div class="form-actions field-wide">
                            <button type="submit" class="btn btn-primary" disabled=pending>
                                {t(if creating { K::ContentCreateModule } else { K::ContentSaveModule })}
                            </button>
                            {outcome_view(outcome)}
                        </div>
                    }
                })}
        </form>
    }
}

/// The Markdown preview of `body`, asked of the server once typing pauses (a newer text
/// makes an older answer stale: only the latest request's answer is shown).
fn live_preview(body: Memo<String>) -> impl IntoView {
    let html = RwSignal::new(None::<Result<String, String>>);
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        let text = body.get();
        let n = generation.get_untracked().wrapping_add(1);
        generation.set(n);
        spawn_local(async move {
            browser::sleep(PREVIEW_DEBOUNCE_MS).await;
            if generation.try_get_untracked() != Some(n) {
                return;
            }
            let r = if text.trim().is_empty() {
                Ok(String::new())
            } else {
                api::preview_markdown(text)
                    .await
                    .map_err(|e| error_text(&e))
            };
            if generation.try_get_untracked() == Some(n) {
                html.try_set(Some(r));
            }
        });
    });
    view! {
        <div class="lesson-preview" aria-live="polite">
            <p class="label">{t(K::ContentPreview)}</p>
            {move || match html.get() {
                None => view! { <Skeleton lines=3/> }.into_any(),
                Some(Ok(h)) if h.is_empty() => {
                    view! { <p class="muted small">{t(K::ContentPreviewEmpty)}</p> }.into_any()
                }
                // Rendered and sanitized by the server, as for members (raw HTML escaped).
                Some(Ok(h)) => view! { <div class="prose" id="lesson-preview" inner_html=h></div> }.into_any(),
                Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
            }}
        </div>
    }
}

/// The lesson editor: `lesson_id` 0 adds a lesson to `module_id`.
#[component]
fn LessonEditor(
    module_id: i64,
    lesson_id: i64,
    start: LessonDraft,
    editable: bool,
    #[prop(into)] done: Callback<()>,
    /// Closes the editor without saving.
    #[prop(into)]
    cancel: Callback<()>,
) -> impl IntoView {
    let draft = RwSignal::new(start);
    let body = Memo::new(move |_| draft.with(|d| d.body_md.clone()));
    let outcome: Outcome = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let say = saved_toast();
    let creating = lesson_id == 0;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let input = match draft.get_untracked().input() {
            Ok(i) => i,
            Err(k) => {
                outcome.set(Some(Err(t(k).into())));
                return;
            }
        };
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = if creating {
                api::create_lesson(module_id, &input)
                    .await
                    .map(|_| t(K::Saved).to_string())
            } else {
                api::update_lesson(lesson_id, &input).await.map(|s| {
                    if s.new_version {
                        tf(K::ContentNewVersion, &[("n", &s.version.to_string())])
                    } else {
                        t(K::Saved).to_string()
                    }
                })
            };
            pending.try_set(false);
            match r {
                Ok(m) => {
                    say(&m);
                    outcome.try_set(Some(Ok(m)));
                    done.run(());
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let delete = move |_| {
        let title = draft.with_untracked(|d| d.title.clone());
        if pending.get_untracked()
            || !browser::confirm(&tf(K::ContentConfirmDeleteLesson, &[("title", &title)]))
        {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let r = api::delete_lesson(lesson_id).await;
            pending.try_set(false);
            match r {
                Ok(()) => done.run(()),
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    view! {
        <form id="lesson-form" class="card lesson-editor" novalidate on:submit=submit>
            <div class="card-head">
                <h2 class="card-title">{t(if creating { K::ContentAddLesson } else { K::ContentEditLessonTitle })}</h2>
                <button type="button" class="btn btn-small btn-ghost" data-action="close-lesson" on:click=move |_| cancel.run(())>
                    {t(K::Cancel)}
                </button>
            </div>
            <div class="form-grid">
                {field(draft, "lesson-title", K::ContentLessonTitle, "text", |d: &LessonDraft| d.title.clone(), |d, v| d.title = v, !editable)}
                {field(draft, "lesson-source", K::ContentLessonSource, "text", |d: &LessonDraft| d.source.clone(), |d, v| d.source = v, !editable)}
                {field(draft, "lesson-position", K::ContentLessonOrder, "number", |d: &LessonDraft| d.position.clone(), |d, v| d.position = v, !editable)}
                <label class="field">
                    <span class="label">{t(K::ContentLessonMinutes)}</span>
                    <input
                        id="lesson-minutes"
                        class="input"
                        type="number"
                        min="1"
                        max=MAX_MIN_MINUTES.to_string()
                        placeholder=t(K::ContentLessonMinutesHint)
                        disabled=!editable
                        prop:value=move || draft.with(|d| d.min_minutes.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.min_minutes = v);
                        }
                    />
                </label>
            </div>
            <div class="markdown-split">
                <label class="field">
                    <span class="label">{t(K::ContentLessonBody)}</span>
                    <textarea
                        id="lesson-body"
                        class="input markdown-input"
                        rows="14"
                        disabled=!editable
                        prop:value=move || draft.with(|d| d.body_md.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.body_md = v);
                        }
                    ></textarea>
                </label>
                {live_preview(body)}
            </div>
            {editable
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" id="lesson-save" disabled=pending>
                                {t(K::ContentSaveLesson)}
                            </button>
                            {(!creating)
                                .then(|| view! {
                                    <button type="button" class="btn btn-ghost danger" data-action="delete-lesson" disabled=pending on:click=delete>
                                        {t(K::ContentDeleteLesson)}
                                    </button>
                                })}
                            {outcome_view(outcome)}
                        </div>
                    }
                })}
        </form>
    }
}

/// The module's lessons in order, each opening in the editor below the list.
#[component]
fn Lessons(
    module_id: i64,
    lessons: Vec<AuthoredLesson>,
    editable: bool,
    #[prop(into)] reload: Callback<()>,
) -> impl IntoView {
    // The lesson being edited: its id (0: a new one).
    let open = RwSignal::new(None::<i64>);
    let starts: Vec<(i64, LessonDraft)> = lessons
        .iter()
        .map(|l| (l.id, LessonDraft::from_lesson(l)))
        .collect();
    let rows = lessons
        .into_iter()
        .map(|l| {
            let id = l.id;
            let minutes = (l.min_seconds + 59) / 60;
            let meta = format!(
                "{} · {}{}",
                tf(K::ContentVersion, &[("n", &l.version.to_string())]),
                tf(K::ContentMinutes, &[("n", &minutes.to_string())]),
                if l.source.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", l.source)
                }
            );
            view! {
                <li class="lesson-row" data-lesson=id.to_string()>
                    <span class="lesson-no">{l.position}</span>
                    <div class="lesson-row-main">
                        <strong>{l.title.clone()}</strong>
                        <span class="small muted">{meta}</span>
                    </div>
                    <button type="button" class="btn btn-small btn-ghost" data-action="edit-lesson" on:click=move |_| open.set(Some(id))>
                        {t(K::ContentEditLesson)}
                    </button>
                </li>
            }
        })
        .collect_view();
    let empty = starts.is_empty();
    let editor = move || {
        open.get().map(|lesson_id| {
            let start = starts
                .iter()
                .find(|(id, _)| *id == lesson_id)
                .map(|(_, d)| d.clone())
                .unwrap_or_default();
            let done = Callback::new(move |_| reload.run(()));
            let cancel = Callback::new(move |_| open.set(None));
            view! { <LessonEditor module_id=module_id lesson_id=lesson_id start=start editable=editable done=done cancel=cancel/> }
        })
    };
    view! {
        <section class="card lessons" id="lessons">
            <div class="card-head">
                <h2 class="card-title">{t(K::ContentLessonList)}</h2>
                {editable
                    .then(|| view! {
                        <button type="button" class="btn btn-small" id="add-lesson" on:click=move |_| open.set(Some(0))>
                            "+ "
                            {t(K::ContentAddLesson)}
                        </button>
                    })}
            </div>
            {empty.then(|| view! { <p class="muted">{t(K::ContentNoLessons)}</p> })}
            <ol class="lesson-rows">{rows}</ol>
        </section>
        {editor}
    }
}

/// Who must study the module by when: the units the user may name, a deadline, required.
#[component]
fn Assignment(
    module: AuthoredModule,
    units: Vec<(bool, i64, String)>,
    admin: bool,
    org: Option<OrgTree>,
    #[prop(into)] saved: Callback<()>,
) -> impl IntoView {
    let id = module.id;
    let form = RwSignal::new(ModuleAssignment {
        all: module.all,
        branch_ids: module.branch_ids.clone(),
        youth_group_ids: module.youth_group_ids.clone(),
        due_at: module.due_at,
        required: module.required,
    });
    let due = RwSignal::new(module.due_at.map(input_datetime).unwrap_or_default());
    let outcome: Outcome = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let say = saved_toast();
    let current = assignment_line(&module, org.as_ref());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let mut a = form.get_untracked();
        if !a.all && a.branch_ids.is_empty() && a.youth_group_ids.is_empty() {
            outcome.set(Some(Err(t(K::ContentNeedUnit).into())));
            return;
        }
        a.due_at = parse_datetime(&due.get_untracked());
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = api::assign_module(id, &a).await;
            pending.try_set(false);
            match r {
                Ok(s) => {
                    let m = tf(K::ContentAssigned, &[("n", &s.notified.to_string())]);
                    say(&m);
                    outcome.try_set(Some(Ok(m)));
                    saved.run(());
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let unit_boxes = units
        .into_iter()
        .map(|(group, uid, name)| {
            let checked = move || {
                form.with(|f| {
                    if group {
                        f.youth_group_ids.contains(&uid)
                    } else {
                        f.branch_ids.contains(&uid)
                    }
                })
            };
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-unit=format!("{}:{uid}", if group { "g" } else { "b" })
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| {
                                let ids = if group { &mut f.youth_group_ids } else { &mut f.branch_ids };
                                ids.retain(|x| *x != uid);
                                if on {
                                    ids.push(uid);
                                }
                            });
                        }
                    />
                    <span>{name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form id="assign-form" class="card assign" novalidate on:submit=submit>
            <h2 class="card-title">{t(K::ContentAssign)}</h2>
            <p class="small muted" id="current-assignment">{current}</p>
            {admin
                .then(|| view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            id="assign-all"
                            prop:checked=move || form.with(|f| f.all)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.update(|f| f.all = on);
                            }
                        />
                        <span>{t(K::ContentAssignAll)}</span>
                    </label>
                })}
            <div class="unit-checks">{unit_boxes}</div>
            <div class="form-grid">
                <label class="field">
                    <span class="label">{t(K::ContentAssignDue)}</span>
                    <input
                        id="assign-due"
                        class="input"
                        type="datetime-local"
                        prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))
                    />
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        id="assign-required"
                        prop:checked=move || form.with(|f| f.required)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| f.required = on);
                        }
                    />
                    <span>{t(K::ContentAssignRequired)}</span>
                </label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="assign-save" disabled=pending>
                    {t(K::ContentAssignSave)}
                </button>
                {outcome_view(outcome)}
            </div>
        </form>
    }
}

// issue 17 quiz builder
/// Quizzes a module may take: practice and exams the user manages, not already on it.
pub fn attachable(all: &[ManagedQuiz], on: &[ModuleQuiz]) -> Vec<ManagedQuiz> {
    all.iter()
        .filter(|q| {
            q.editable
                && matches!(q.kind, QuizKind::Practice | QuizKind::Exam)
                && !on.iter().any(|m| m.id == q.id)
        })
        .cloned()
        .collect()
}

/// The module's quizzes with 移除, and a picker of the user's practice and exam quizzes
/// with 挂接; the server's answer (the module's quizzes) replaces the list.
#[component]
fn ModuleQuizzes(module_id: i64, quizzes: Vec<ModuleQuiz>, editable: bool) -> impl IntoView {
    let list = RwSignal::new(quizzes);
    let outcome: Outcome = RwSignal::new(None);
    let pick = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let say = saved_toast();
    let mine = editable.then(|| decoded::<Vec<ManagedQuiz>>(load(|| api::MANAGED_QUIZZES.into())));
    let act = move |method: &'static str, quiz_id: i64| {
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = api::module_quiz(method, module_id, quiz_id).await;
            pending.try_set(false);
            match r {
                Ok(l) => {
                    list.try_set(l);
                    pick.try_set(String::new());
                    let m = t(if method == "PUT" {
                        K::ContentQuizAttached
                    } else {
                        K::ContentQuizDetached
                    });
                    outcome.try_set(Some(Ok(m.into())));
                    say(m);
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let rows = move || {
        let l = list.get();
        if l.is_empty() {
            return view! { <p class="muted small">{t(K::ContentQuizzesNone)}</p> }.into_any();
        }
        view! {
            <ul class="module-quizzes">
                {l.into_iter()
                    .map(|q| {
                        let id = q.id;
                        view! {
                            <li data-quiz=id.to_string()>
                                <a href=format!("/admin/quizzes/{id}")>{q.title.clone()}</a>
                                <span class="muted small">
                                    {format!(" {} · {} · {}", t(quiz_kind_key(q.kind)), t(status_key(q.status)), tf(K::ContentQuizQuestions, &[("n", &q.question_count.to_string())]))}
                                </span>
                                {q.editable.then(|| view! {
                                    <button
                                        type="button"
                                        class="btn btn-ghost btn-small"
                                        data-action="detach-quiz"
                                        disabled=pending
                                        on:click=move |_| act("DELETE", id)
                                    >
                                        {t(K::Remove)}
                                    </button>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let adder = move || {
        let mine = mine?;
        let all = match mine.get()? {
            Ok(all) => all,
            Err(e) => {
                return Some(
                    view! { <p class="form-error" role="alert">{error_text(&e)}</p> }.into_any(),
                )
            }
        };
        let choices = list.with(|l| attachable(&all, l));
        if choices.is_empty() {
            return Some(
                view! { <p class="muted small">{t(K::ContentQuizNoneToAdd)}</p> }.into_any(),
            );
        }
        Some(
            view! {
                <div class="row module-quiz-add">
                    <select
                        id="module-quiz-pick"
                        class="input"
                        aria-label=t(K::ContentQuizPick)
                        on:change=move |ev| pick.set(event_target_value(&ev))
                    >
                        <option value="" selected>{t(K::ContentQuizPick)}</option>
                        {choices
                            .into_iter()
                            .map(|q| view! { <option value=q.id.to_string()>{format!("{} · {}", q.title, t(quiz_kind_key(q.kind)))}</option> })
                            .collect_view()}
                    </select>
                    <button
                        type="button"
                        class="btn btn-primary"
                        id="module-quiz-add"
                        disabled=move || pending.get() || pick.with(|p| p.is_empty())
                        on:click=move |_| {
                            if let Ok(id) = pick.get_untracked().parse::<i64>() {
                                act("PUT", id);
                            }
                        }
                    >
                        {t(K::ContentQuizAdd)}
                    </button>
                </div>
            }
            .into_any(),
        )
    };
    view! {
        <section class="card module-quizzes-card" id="module-quizzes">
            <h2 class="card-title">{t(K::ContentQuizzes)}</h2>
            {rows}
            {adder}
            {editable.then(|| view! { <p class="muted small">{t(K::ContentQuizzesHint)}</p> })}
            {outcome_view(outcome)}
        </section>
    }
}

/// An existing module: its form, lessons and assignment (read-only when not editable).
fn module_view(
    detail: AuthoredModuleDetail,
    org: OrgTree,
    admin: bool,
    scope: Scope,
    reload: Callback<()>,
) -> impl IntoView {
    let m = detail.module;
    let editable = m.editable;
    let deletable = detail.deletable;
    let quizzes = detail.quizzes;
    let owners = vec![(owner_value(&m.owner), owner_label(&m.owner, Some(&org)))];
    let units = units_in_scope(&org, admin, &scope);
    let banner = if m.shipped {
        Some(view! { <p class="banner info shipped-note">{t(K::ContentShippedNote)}</p> })
    } else if !editable {
        Some(view! { <p class="banner info">{t(K::ContentNotEditable)}</p> })
    } else {
        None
    };
    let id = m.id;
    let saved = Callback::new(move |_: i64| reload.run(()));
    let assigned = Callback::new(move |_| reload.run(()));
    let delete_outcome: Outcome = RwSignal::new(None);
    let title = m.title.clone();
    let router = use_router();
    let delete = move |_| {
        if !browser::confirm(&tf(K::ContentConfirmDelete, &[("title", &title)])) {
            return;
        }
        spawn_local(async move {
            match api::delete_module(id).await {
                Ok(()) => router.navigate("/admin/content", Nav::default()),
                Err(e) => {
                    delete_outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let versions = detail
        .lessons
        .iter()
        .flat_map(|l| l.versions.iter().map(move |v| (l.title.clone(), v.clone())))
        .take(10)
        .map(|(title, v)| {
            view! {
                <li class="small muted">
                    {format!("{title} · {} · {}", tf(K::ContentVersion, &[("n", &v.version.to_string())]), date_time(v.replaced_at, locale()))}
                </li>
            }
        })
        .collect_view();
    view! {
        {banner}
        <ModuleForm id=id start=ModuleDraft::from_module(&m) owners=owners editable=editable saved=saved/>
        <Lessons module_id=id lessons=detail.lessons editable=editable reload=reload/>
        {editable.then(|| view! { <Assignment module=m.clone() units=units admin=admin org=Some(org.clone()) saved=assigned/> })}
        <ModuleQuizzes module_id=id quizzes=quizzes editable=editable/>
        <ul class="versions">{versions}</ul>
        {(editable && deletable)
            .then(|| view! {
                <div class="form-actions danger-zone">
                    <button type="button" class="btn btn-ghost danger" data-action="delete-module" on:click=delete>
                        {t(K::ContentDeleteModule)}
                    </button>
                    {outcome_view(delete_outcome)}
                </div>
            })}
        {(editable && !deletable)
            .then(|| view! { <p class="muted small danger-zone" id="delete-blocked">{t(K::ContentDeleteBlocked)}</p> })}
    }
}

#[component]
pub fn AdminContentModule(id: Option<i64>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let admin = session.is_admin();
    let scope = session.with_me(|m| m.scope.clone());
    let org = decoded::<OrgTree>(load(|| api::ORG.into()));
    let notice: Notice = RwSignal::new(FLASH.with(|f| f.borrow_mut().take()).map(|m| (true, m)));
    provide_context(SavedToast(notice));
    let body = match id {
        None => {
            let scope = scope.clone();
            (move || match org.get() {
                None => view! { <Skeleton lines=4/> }.into_any(),
                Some(Err(e)) => {
                    view! { <p class="banner error" role="alert">{error_text(&e)}</p> }.into_any()
                }
                Some(Ok(tree)) => {
                    let mut owners: Vec<(String, String)> = Vec::new();
                    if admin {
                        owners.push((String::new(), t(K::ContentOwnerOrg).into()));
                    }
                    for (group, uid, name) in units_in_scope(&tree, admin, &scope) {
                        owners.push((format!("{}:{uid}", if group { "g" } else { "b" }), name));
                    }
                    let start = ModuleDraft {
                        title: String::new(),
                        track: Track::Theory,
                        description: String::new(),
                        position: "100".into(),
                        owner: owners.first().map(|o| o.0.clone()).unwrap_or_default(),
                    };
                    let saved = Callback::new(move |id: i64| {
                        router.navigate(&format!("/admin/content/{id}"), Nav::REPLACE);
                    });
                    view! { <ModuleForm id=0 start=start owners=owners editable=true saved=saved/> }
                        .into_any()
                }
            })
            .into_any()
        }
        Some(id) => {
            let data = load(move || api::content_module_url(id));
            let reload = Callback::new(move |_| data.reload());
            let scope = scope.clone();
            let ok = show(move |d: AuthoredModuleDetail| {
                let scope = scope.clone();
                move || match org.get() {
                    None => view! { <Skeleton lines=4/> }.into_any(),
                    Some(Err(e)) => {
                        view! { <p class="banner error" role="alert">{error_text(&e)}</p> }
                            .into_any()
                    }
                    Some(Ok(tree)) => {
                        module_view(d.clone(), tree, admin, scope.clone(), reload).into_any()
                    }
                }
            });
            view! { <Loaded data=data lines=6 ok=ok/> }.into_any()
        }
    };
    let title = if id.is_some() {
        K::ContentEditor
    } else {
        K::ContentNew
    };
    view! {
        <Page class="admin-content-module" title=title back=Some("/admin/content")>
            <Toast notice=notice/>
            {body}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::org::{Branch, Organization, YouthGroup};

    #[test]
    fn owners_round_trip_through_select_values() {
        for o in [
            Owner::default(),
            Owner {
                branch_id: Some(3),
                youth_group_id: None,
            },
            Owner {
                branch_id: None,
                youth_group_id: Some(7),
            },
        ] {
            assert_eq!(parse_owner(&owner_value(&o)), o);
        }
        assert_eq!(parse_owner("x:1"), Owner::default());
    }

    #[test]
    fn organizers_name_only_their_units() {
        let org = OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: [1, 2]
                .into_iter()
                .map(|id| Branch {
                    id,
                    name: format!("第{id}党支部"),
                    cells: vec![],
                    member_count: 0,
                })
                .collect(),
            youth_groups: vec![YouthGroup {
                id: 5,
                name: "青年一组".into(),
                member_count: 0,
            }],
        };
        let scope = Scope {
            branch_ids: vec![2],
            youth_group_ids: vec![],
        };
        assert_eq!(
            units_in_scope(&org, false, &scope),
            vec![(false, 2, "第2党支部".to_string())]
        );
        assert_eq!(units_in_scope(&org, true, &scope).len(), 3);
    }

    #[test]
    fn only_the_users_practice_and_exams_not_yet_on_the_module_can_be_attached() {
        use shared::api::quiz_builder::QuizStatus;
        let quiz = |id, kind, editable| ManagedQuiz {
            id,
            title: format!("测验{id}"),
            kind,
            status: QuizStatus::Published,
            owner: Owner::default(),
            question_count: 5,
            opens_at: None,
            closes_at: None,
            required: false,
            attempts: 0,
            editable,
        };
        let all = vec![
            quiz(1, QuizKind::Practice, true),
            quiz(2, QuizKind::Exam, true),
            quiz(3, QuizKind::Special, true),
            quiz(4, QuizKind::Exam, false),
        ];
        let on = vec![ModuleQuiz {
            id: 2,
            title: "测验2".into(),
            kind: QuizKind::Exam,
            status: QuizStatus::Published,
            question_count: 5,
            editable: true,
        }];
        let ids: Vec<i64> = attachable(&all, &on).iter().map(|q| q.id).collect();
        assert_eq!(ids, [1]);
    }

    #[test]
    fn drafts_become_requests() {
        let d = LessonDraft {
            title: " 第一课 ".into(),
            body_md: "# 标题".into(),
            source: " 要点第1条 ".into(),
            position: "".into(),
            min_minutes: "5".into(),
        };
        let i = d.input().unwrap();
        assert_eq!(i.title, "第一课");
        assert_eq!(i.source, "要点第1条");
        assert_eq!((i.position, i.min_minutes), (None, Some(5)));
        let blank = LessonDraft::default();
        assert_eq!(blank.input(), Err(K::ContentNeedTitle));
        let m = ModuleDraft {
            title: "专题".into(),
            track: Track::Discipline,
            description: " 说明 ".into(),
            position: "x".into(),
            owner: "b:2".into(),
        };
        let i = m.input().unwrap();
        assert_eq!(i.owner.branch_id, Some(2));
        assert_eq!(i.description, "说明");
        assert_eq!(i.position, 100, "an unreadable position is the default");
    }
}
