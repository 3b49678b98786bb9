//! `/admin/questions/new` and `/admin/questions/<id>`: the question editor. Every field of
//! a question in two columns at a desk; beside the form, what the question lacks (no 解析
//! or no 出处, issue 22), a live preview as members see it in their results, earlier
//! versions, and members' error reports (答题纠错) with their resolution.
//!
//! The answer is typed as in the import template: `B`, `ABD`, `对`/`错`, blanks as
//! `两个维护|四个意识/“四个意识”` (`|` between blanks, `/` between accepted answers).

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::api::auth::Role;
use shared::api::org::OrgTree;
use shared::api::questions::{
    Category, QuestionDetail, QuestionInput, QuestionReport, QuestionSaved, QuestionVersion,
    ReportStatus, ResolveReport,
};
use shared::grading::{key_as_answer, AnswerKey, QuestionKind};

use crate::answers::{answer_text, letter, question_kind_key};
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::choices::{category_options, option_views, owner_of, owner_options, owner_value};
use crate::components::{error_text, load, ErrorBanner, Page, Skeleton};
use crate::format::date_time;
use crate::i18n::{locale, t, tf, K};
use crate::pages::admin_questions::{difficulty_options, kind_name, kind_options};
use crate::router::{use_router, Nav};

/// Most options a choice question has (A–H).
pub const MAX_OPTIONS: usize = 8;

/// A key in the editor's notation.
pub fn key_text(key: &AnswerKey) -> String {
    match key {
        AnswerKey::Single { option } => letter(*option).to_string(),
        AnswerKey::Multiple { options } => options.iter().map(|o| letter(*o)).collect(),
        AnswerKey::TrueFalse { value } => if *value { "对" } else { "错" }.into(),
        AnswerKey::FillIn { blanks } => blanks
            .iter()
            .map(|alts| alts.join("/"))
            .collect::<Vec<_>>()
            .join("|"),
    }
}

/// The editor's notation as a key of `kind`; whatever cannot be read is sent for the
/// server to refuse with its message (a letter beyond the options, say).
pub fn key_of(kind: QuestionKind, text: &str) -> AnswerKey {
    let text = text.trim();
    let letters: Vec<usize> = text
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| usize::from((c.to_ascii_uppercase() as u8).saturating_sub(b'A')))
        .collect();
    match kind {
        QuestionKind::Single => AnswerKey::Single {
            option: letters.first().copied().unwrap_or(99),
        },
        QuestionKind::Multiple => AnswerKey::Multiple { options: letters },
        QuestionKind::TrueFalse => AnswerKey::TrueFalse {
            value: matches!(text, "对" | "正确" | "√" | "T" | "t" | "true" | "是"),
        },
        QuestionKind::FillIn => AnswerKey::FillIn {
            blanks: text
                .split('|')
                .map(|b| {
                    b.split('/')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .collect(),
        },
    }
}

/// The form's fields as typed (a `QuestionInput` before it is read).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub category: String,
    pub kind: String,
    pub stem: String,
    pub options: Vec<String>,
    pub key: String,
    pub explanation: String,
    pub source: String,
    pub difficulty: String,
    pub tags: String,
    pub owner: String,
}

/// A field the editor can point an error at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Category,
    Stem,
    Key,
    Owner,
}

impl Draft {
    /// A new question owned by `owner` (a form value).
    pub fn blank(owner: &str) -> Draft {
        Draft {
            kind: "single".into(),
            options: vec![String::new(); MAX_OPTIONS],
            difficulty: "2".into(),
            owner: owner.into(),
            ..Draft::default()
        }
    }

    /// The form for a stored question.
    pub fn of(q: &QuestionDetail) -> Draft {
        let mut options = q.options.clone();
        options.resize(MAX_OPTIONS.max(options.len()), String::new());
        Draft {
            category: q.item.category_id.to_string(),
            kind: kind_name(q.item.kind).into(),
            stem: q.item.stem.clone(),
            options,
            key: key_text(&q.key),
            explanation: q.explanation.clone(),
            source: q.source.clone(),
            difficulty: q.item.difficulty.to_string(),
            tags: q.item.tags.join("，"),
            owner: owner_value(&q.item.owner),
        }
    }

    /// The kind chosen (single choice when unreadable).
    pub fn kind(&self) -> QuestionKind {
        QuestionKind::parse(&self.kind).unwrap_or(QuestionKind::Single)
    }

    /// Whether the kind has options to fill in.
    pub fn has_options(&self) -> bool {
        matches!(self.kind(), QuestionKind::Single | QuestionKind::Multiple)
    }

    /// The body of a save, or the field to fix first and why.
    pub fn input(&self) -> Result<QuestionInput, (Field, K)> {
        let category_id = self.category.parse::<i64>().unwrap_or(0);
        if category_id <= 0 {
            return Err((Field::Category, K::QuestionNeedCategory));
        }
        if self.stem.trim().is_empty() {
            return Err((Field::Stem, K::QuestionNeedStem));
        }
        let kind = self.kind();
        let options = if self.has_options() {
            self.options
                .iter()
                .map(|o| o.trim())
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        Ok(QuestionInput {
            category_id,
            kind,
            stem: self.stem.trim().into(),
            options,
            key: key_of(kind, &self.key),
            explanation: self.explanation.trim().into(),
            source: self.source.trim().into(),
            difficulty: self.difficulty.parse().unwrap_or(2),
            tags: self
                .tags
                .split([',', '，', ' ', '、'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            owner: owner_of(&self.owner),
        })
    }

    /// What the question lacks that members would miss (issue 22: 解析 and 出处).
    pub fn missing(&self) -> Vec<K> {
        let mut out = Vec::new();
        if self.explanation.trim().is_empty() {
            out.push(K::QuestionNoExplanation);
        }
        if self.source.trim().is_empty() {
            out.push(K::QuestionNoSource);
        }
        out
    }
}

/// The form control of a field, to bring it into view with its error.
pub fn selector(field: Field) -> &'static str {
    match field {
        Field::Category => "#q-form [name=category]",
        Field::Stem => "#q-form [name=stem]",
        Field::Key => "#q-form [name=key]",
        Field::Owner => "#q-form [name=owner]",
    }
}

/// The field a server error names (its detail's `field`), if the form has it.
pub fn field_of(e: &ApiError) -> Option<Field> {
    e.details.iter().find_map(|d| match d.field.as_deref()? {
        "category_id" | "category" => Some(Field::Category),
        "stem" => Some(Field::Stem),
        "key" | "options" => Some(Field::Key),
        "owner" => Some(Field::Owner),
        _ => None,
    })
}

/// What the editor shows next to a field or a button.
type Problem = RwSignal<Option<(Option<Field>, String)>>;

/// The problem text when it is about `field`.
fn problem_at(problem: Problem, field: Field) -> impl IntoView {
    move || {
        problem.with(|p| match p {
            Some((Some(f), m)) if *f == field => {
                Some(view! { <p class="form-error" role="alert">{m.clone()}</p> })
            }
            _ => None,
        })
    }
}

/// The question as members see it in their results: stem, options with the key marked,
/// the key, explanation and source.
#[component]
fn Preview(draft: RwSignal<Draft>) -> impl IntoView {
    move || {
        let d = draft.get();
        let kind = d.kind();
        let key = key_of(kind, &d.key);
        let keyed: Vec<usize> = match &key {
            AnswerKey::Single { option } => vec![*option],
            AnswerKey::Multiple { options } => options.clone(),
            _ => vec![],
        };
        let options: Vec<String> = if d.has_options() {
            d.options
                .iter()
                .filter(|o| !o.trim().is_empty())
                .cloned()
                .collect()
        } else {
            vec![]
        };
        view! {
            <section class="card review">
                <h2 class="card-title">{t(K::QuestionPreviewTitle)}</h2>
                <p class="small muted">{t(question_kind_key(kind))}</p>
                <p class="q-stem">{d.stem.clone()}</p>
                <ol class="rv-options">
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(n, o)| {
                            view! {
                                <li class:key=keyed.contains(&n)>
                                    <b>{letter(n).to_string()}</b>
                                    " "
                                    {o}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
                <p class="small">
                    <b>{t(K::QuestionKey)}</b>
                    " "
                    {answer_text(&key_as_answer(&key))}
                </p>
                {(!d.explanation.trim().is_empty())
                    .then(|| {
                        view! {
                            <p class="small">
                                <b>{t(K::QuestionExplanation)}</b>
                                " "
                                {d.explanation.clone()}
                            </p>
                        }
                    })}
                {(!d.source.trim().is_empty())
                    .then(|| {
                        view! {
                            <p class="small muted">
                                <b>{t(K::QuestionSource)}</b>
                                " "
                                {d.source.clone()}
                            </p>
                        }
                    })}
            </section>
        }
    }
}

/// Beside the form: what the question lacks (issue 22).
#[component]
fn Checks(draft: RwSignal<Draft>) -> impl IntoView {
    view! {
        <section class="card checks" id="question-checks">
            <h2 class="card-title">{t(K::QuestionChecks)}</h2>
            {move || {
                let missing = draft.with(Draft::missing);
                if missing.is_empty() {
                    view! { <p class="small ok">{t(K::QuestionComplete)}</p> }.into_any()
                } else {
                    missing
                        .into_iter()
                        .map(|k| view! { <p class="badge warn missing">{t(k)}</p> })
                        .collect_view()
                        .into_any()
                }
            }}
        </section>
    }
}

/// Earlier versions, newest first.
#[component]
fn Versions(version: i64, versions: Vec<QuestionVersion>) -> impl IntoView {
    (!versions.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2 class="card-title">
                    {tf(K::QuestionVersions, &[("n", &version.to_string())])}
                </h2>
                <ul class="plain">
                    {versions
                        .into_iter()
                        .map(|v| {
                            view! {
                                <li>
                                    <b>{tf(K::QuestionVersionNo, &[("n", &v.version.to_string())])}</b>
                                    " "
                                    {date_time(v.replaced_at, locale())}
                                    " · "
                                    {v.stem}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

/// One member's report; an open one can be resolved or (after confirming) rejected.
#[component]
fn Report(r: QuestionReport, reload: Callback<()>) -> impl IntoView {
    let reply = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let id = r.id;
    let answer = move |status: ReportStatus| {
        if status == ReportStatus::Rejected && !crate::browser::confirm(t(K::ReportConfirmReject)) {
            return;
        }
        let text = reply.get_untracked().trim().to_string();
        let body = ResolveReport {
            status,
            reply: (!text.is_empty()).then_some(text),
        };
        busy.set(true);
        spawn_local(async move {
            let r: Result<api::Ignored, ApiError> =
                api::send("PUT", &format!("/api/v1/question-reports/{id}"), &body).await;
            busy.try_set(false);
            match r {
                Ok(_) => {
                    outcome.try_set(Some(Ok(())));
                    reload.run(());
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    let status = match r.status {
        ReportStatus::Open => K::ReportOpen,
        ReportStatus::Resolved => K::ReportResolved,
        ReportStatus::Rejected => K::ReportRejected,
    };
    let open = r.status == ReportStatus::Open;
    view! {
        <div class="report">
            <p class="small muted">
                {format!("{} · {} · {}", r.reporter, date_time(r.created_at, locale()), t(status))}
            </p>
            <p>{r.comment.clone()}</p>
            {r.reply.clone().map(|reply| view! { <p class="small">{tf(K::ReportReply, &[("reply", &reply)])}</p> })}
            {open
                .then(|| {
                    view! {
                        <input
                            class="input"
                            id=format!("reply-{id}")
                            maxlength="500"
                            placeholder=t(K::ReportReplyHint)
                            prop:value=reply
                            on:input=move |ev| reply.set(event_target_value(&ev))
                        />
                        <div class="actions">
                            <button
                                type="button"
                                class="btn btn-primary btn-small"
                                data-action="resolve"
                                disabled=busy
                                on:click=move |_| answer(ReportStatus::Resolved)
                            >
                                {t(K::ReportResolve)}
                            </button>
                            <button
                                type="button"
                                class="btn btn-ghost btn-small"
                                data-action="reject"
                                disabled=busy
                                on:click=move |_| answer(ReportStatus::Rejected)
                            >
                                {t(K::ReportReject)}
                            </button>
                        </div>
                    }
                })}
            {move || match outcome.get() {
                Some(Ok(())) => Some(view! { <p class="small ok" role="status">{t(K::Saved)}</p> }.into_any()),
                Some(Err(m)) => Some(view! { <p class="form-error" role="alert">{m}</p> }.into_any()),
                None => None,
            }}
        </div>
    }
}

/// A labelled field.
#[component]
fn Labelled(label: String, children: Children) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{label}</span>
            {children()}
        </label>
    }
}

// issue 17 quiz builder
/// The bank a question belongs to, named: the organization's or a unit's.
pub fn bank_name(owner: &shared::api::questions::Owner, tree: &OrgTree) -> String {
    let unit = match (owner.branch_id, owner.youth_group_id) {
        (Some(b), _) => tree
            .branches
            .iter()
            .find(|x| x.id == b)
            .map(|x| x.name.clone()),
        (_, Some(g)) => tree
            .youth_groups
            .iter()
            .find(|x| x.id == g)
            .map(|x| x.name.clone()),
        _ => None,
    };
    match unit {
        Some(u) => tf(K::QuestionBankOf, &[("unit", &u)]),
        None => t(K::QuestionBankOrg).to_string(),
    }
}

/// A question the user may only read, as text: no form to type into (issue 17).
fn read_only_view(q: &QuestionDetail, tree: &OrgTree) -> impl IntoView {
    let bank = bank_name(&q.item.owner, tree);
    let row = |label: K, value: String| {
        view! {
            <div class="ro-row">
                <dt class="label">{t(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let options =
        (!matches!(q.item.kind, QuestionKind::TrueFalse | QuestionKind::FillIn)).then(|| {
            let items = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| view! { <li>{format!("{}. {o}", letter(i))}</li> })
                .collect_view();
            view! { <ol class="ro-options">{items}</ol> }
        });
    let difficulty = t(crate::pages::admin_questions::difficulty_key(
        q.item.difficulty,
    ));
    view! {
        <section class="card question-read-only" id="q-read-only">
            <p class="banner info">{tf(K::QuestionReadOnlyNote, &[("bank", &bank)])}</p>
            <dl class="ro-list">
                {row(K::QuestionOwner, bank.clone())}
                {row(K::QuestionCategory, q.item.category.clone())}
                {row(K::QuestionKind, t(question_kind_key(q.item.kind)).into())}
                {row(K::QuestionDifficulty, difficulty.into())}
                {row(K::QuestionStem, q.item.stem.clone())}
            </dl>
            {options}
            <dl class="ro-list">
                {row(K::QuestionKey, key_text(&q.key))}
                {row(K::QuestionExplanation, q.explanation.clone())}
                {row(K::QuestionSource, q.source.clone())}
            </dl>
        </section>
    }
}

/// The form. `editable` false: read only, no save button.
#[component]
fn QuestionForm(
    draft: RwSignal<Draft>,
    editable: bool,
    owners: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    problem: Problem,
    saved: RwSignal<Option<String>>,
    pending: RwSignal<bool>,
    on_save: Callback<()>,
) -> impl IntoView {
    let d = draft.get_untracked();
    let set = move |f: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|d| f(d, v));
            saved.set(None);
        }
    };
    let text = move |f: fn(&Draft) -> &String| move || draft.with(|d| f(d).clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run(());
    };
    let options = (0..MAX_OPTIONS)
        .map(|n| {
            let label = tf(K::QuestionOption, &[("letter", &letter(n).to_string())]);
            view! {
                <label class="field option-field" class:hidden=move || !draft.with(Draft::has_options)>
                    <span class="label">{label}</span>
                    <input
                        class="input"
                        name="option"
                        maxlength="200"
                        prop:value=move || draft.with(|d| d.options.get(n).cloned().unwrap_or_default())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| {
                                if d.options.len() <= n {
                                    d.options.resize(n + 1, String::new());
                                }
                                d.options[n] = v;
                            });
                        }
                    />
                </label>
            }
        })
        .collect_view();
    view! {
        <form id="q-form" class="q-form" novalidate on:submit=submit>
            {(!editable).then(|| view! { <p class="banner info">{t(K::ReadOnlyHint)}</p> })}
            <fieldset class="card form form-cols" disabled=!editable>
                <Labelled label=t(K::QuestionCategory).into()>
                    <select class="input" name="category" on:change=set(|d, v| d.category = v)>
                        {(d.category.is_empty() || d.category == "0")
                            .then(|| view! { <option value="" selected>"—"</option> })}
                        {option_views(&categories, &d.category)}
                    </select>
                </Labelled>
                {problem_at(problem, Field::Category)}
                <Labelled label=t(K::QuestionKind).into()>
                    <select class="input" name="kind" on:change=set(|d, v| d.kind = v)>
                        {option_views(&kind_options(None), &d.kind)}
                    </select>
                </Labelled>
                <label class="field wide">
                    <span class="label">{t(K::QuestionStem)}</span>
                    <textarea
                        class="input"
                        name="stem"
                        maxlength="1000"
                        required
                        prop:value=text(|d| &d.stem)
                        on:input=set(|d, v| d.stem = v)
                    >
                        {d.stem.clone()}
                    </textarea>
                </label>
                {problem_at(problem, Field::Stem)}
                {options}
                <label class="field wide">
                    <span class="label">{t(K::QuestionKey)}</span>
                    <input
                        class="input"
                        name="key"
                        maxlength="400"
                        prop:value=text(|d| &d.key)
                        on:input=set(|d, v| d.key = v)
                    />
                    <span class="muted small">{t(K::QuestionKeyHint)}</span>
                </label>
                {problem_at(problem, Field::Key)}
                <label class="field wide">
                    <span class="label">{t(K::QuestionExplanation)}</span>
                    <textarea
                        class="input"
                        name="explanation"
                        maxlength="2000"
                        prop:value=text(|d| &d.explanation)
                        on:input=set(|d, v| d.explanation = v)
                    >
                        {d.explanation.clone()}
                    </textarea>
                </label>
                <Labelled label=t(K::QuestionSource).into()>
                    <input
                        class="input"
                        name="source"
                        maxlength="200"
                        prop:value=text(|d| &d.source)
                        on:input=set(|d, v| d.source = v)
                    />
                </Labelled>
                <Labelled label=t(K::QuestionDifficulty).into()>
                    <select class="input" name="difficulty" on:change=set(|d, v| d.difficulty = v)>
                        {option_views(&difficulty_options(K::DifficultyMedium)[1..], &d.difficulty)}
                    </select>
                </Labelled>
                <Labelled label=t(K::QuestionTags).into()>
                    <input
                        class="input"
                        name="tags"
                        maxlength="200"
                        prop:value=text(|d| &d.tags)
                        on:input=set(|d, v| d.tags = v)
                    />
                </Labelled>
                <Labelled label=t(K::QuestionOwner).into()>
                    <select class="input" name="owner" on:change=set(|d, v| d.owner = v)>
                        {option_views(&owners, &d.owner)}
                    </select>
                </Labelled>
                {problem_at(problem, Field::Owner)}
            </fieldset>
            {editable
                .then(|| {
                    view! {
                        <div class="actions form-actions">
                            <button type="submit" id="q-save" class="btn btn-primary" disabled=pending>
                                {move || if pending.get() { t(K::Saving) } else { t(K::Save) }}
                            </button>
                            {move || {
                                problem
                                    .with(|p| match p {
                                        Some((None, m)) => Some(view! { <p class="form-error" role="alert">{m.clone()}</p> }),
                                        _ => None,
                                    })
                            }}
                            {move || saved.get().map(|m| view! { <p class="ok small" role="status">{m}</p> })}
                        </div>
                    }
                })}
        </form>
    }
}

#[component]
pub fn AdminQuestion(id: Option<i64>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let tree = load(|| api::ORG.into());
    let cats = load(|| api::QUESTION_CATEGORIES.into());
    let detail = RwSignal::new(None::<Result<QuestionDetail, ApiError>>);
    // One draft for the page's life (signals made while rendering would be dropped with
    // that render); a new `detail` redraws the form from it.
    let draft = RwSignal::new(Draft::default());
    let blank_made = StoredValue::new(false);
    let problem: Problem = RwSignal::new(None);
    let saved = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let fetch = move |id: i64| {
        spawn_local(async move {
            let r = api::get::<QuestionDetail>(&api::question_url(id)).await;
            if let Ok(q) = &r {
                draft.try_set(Draft::of(q));
            }
            detail.try_set(Some(r));
        });
    };
    if let Some(id) = id {
        fetch(id);
    }
    let reload = Callback::new(move |_| {
        if let Some(id) = id {
            fetch(id);
        }
    });
    let save = Callback::new(move |_| {
        let body = match draft.get_untracked().input() {
            Ok(b) => b,
            Err((field, k)) => {
                problem.set(Some((Some(field), t(k).to_string())));
                crate::browser::focus(selector(field));
                return;
            }
        };
        problem.set(None);
        saved.set(None);
        pending.set(true);
        spawn_local(async move {
            let r: Result<QuestionSaved, ApiError> = match id {
                Some(id) => api::send("PUT", &api::question_url(id), &body).await,
                None => api::send("POST", api::QUESTIONS, &body).await,
            };
            pending.try_set(false);
            match r {
                Ok(s) if id.is_none() => {
                    router.navigate(&format!("/admin/questions/{}", s.id), Nav::default())
                }
                Ok(s) => {
                    saved.try_set(Some(if s.new_version {
                        tf(K::QuestionNewVersion, &[("n", &s.version.to_string())])
                    } else {
                        t(K::Saved).to_string()
                    }));
                    reload.run(());
                }
                Err(e) => {
                    let field = field_of(&e);
                    problem.try_set(Some((field, error_text(&e))));
                    if let Some(f) = field {
                        crate::browser::focus(selector(f));
                    }
                }
            }
        });
    });

    let body = move || {
        let (tree, cats) = match (tree.read::<OrgTree>(), cats.read::<Vec<Category>>()) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => {
                return view! { <ErrorBanner error=e/> }.into_any()
            }
            (Some(Ok(a)), Some(Ok(b))) => (a, b),
            _ => return view! { <Skeleton lines=6/> }.into_any(),
        };
        let (scope, admin) = session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
        let owners = owner_options(&tree, &scope, admin);
        let categories = category_options(&cats, &[]);
        let q = match (id, detail.get()) {
            (None, _) => None,
            (Some(_), Some(Ok(q))) => Some(q),
            (Some(_), Some(Err(e))) => {
                return view! { <ErrorBanner error=e on_retry=reload/> }.into_any()
            }
            (Some(_), None) => return view! { <Skeleton lines=6/> }.into_any(),
        };
        if id.is_none() && !blank_made.get_value() {
            blank_made.set_value(true);
            let first = owners.first().map(|o| o.0.clone()).unwrap_or_default();
            // Not a change to redraw for: the form is being drawn from it now.
            draft.update_untracked(|d| *d = Draft::blank(&first));
        }
        let d = draft;
        let editable = q.as_ref().is_none_or(|q| q.item.editable);
        view! {
            <div class="editor">
                // First on a phone (above the form), beside the form at a desk.
                <div class="editor-checks">
                    <Checks draft=d/>
                </div>
                <div class="editor-main">
                    {match q.as_ref().filter(|_| !editable) {
                        Some(q) => read_only_view(q, &tree).into_any(),
                        None => view! {
                            <QuestionForm
                                draft=d
                                editable=editable
                                owners=owners
                                categories=categories
                                problem=problem
                                saved=saved
                                pending=pending
                                on_save=save
                            />
                        }
                        .into_any(),
                    }}
                </div>
                <aside class="editor-side">
                    <Preview draft=d/>
                    {q.map(|q| {
                        let version = q.item.version;
                        view! {
                            <Versions version=version versions=q.versions/>
                            {(!q.reports.is_empty())
                                .then(|| {
                                    view! {
                                        <section class="card" id="reports">
                                            <h2 class="card-title">{t(K::QuestionReports)}</h2>
                                            {q
                                                .reports
                                                .into_iter()
                                                .map(|r| view! { <Report r=r reload=reload/> })
                                                .collect_view()}
                                        </section>
                                    }
                                })}
                        }
                    })}
                </aside>
            </div>
        }
        .into_any()
    };

    view! {
        <Page class="admin-question desk" title=K::QuestionEditor back=Some("/admin/questions")>
            {body}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::admin_questions::difficulty_key;
    use shared::api::questions::{Owner, QuestionItem};

    #[test]
    fn the_bank_is_named_by_its_owner() {
        use shared::api::org::{Branch, Organization};
        let tree = OrgTree {
            organization: Organization {
                id: 1,
                name: "机关党委".into(),
            },
            branches: vec![Branch {
                id: 3,
                name: "第一支部".into(),
                cells: vec![],
                member_count: 0,
            }],
            youth_groups: vec![],
        };
        assert_eq!(bank_name(&Owner::default(), &tree), "组织题库（全组织）");
        let b = Owner {
            branch_id: Some(3),
            youth_group_id: None,
        };
        assert_eq!(bank_name(&b, &tree), "第一支部题库");
    }

    fn detail() -> QuestionDetail {
        QuestionDetail {
            item: QuestionItem {
                id: 5,
                stable_id: "q5".into(),
                category_id: 3,
                category: "党章".into(),
                kind: QuestionKind::Multiple,
                stem: "题干".into(),
                difficulty: 3,
                tags: vec!["党章".into(), "纪律".into()],
                version: 2,
                owner: Owner {
                    branch_id: Some(1),
                    youth_group_id: None,
                },
                editable: true,
                open_reports: 0,
            },
            options: vec!["甲".into(), "乙".into(), "丙".into()],
            key: AnswerKey::Multiple {
                options: vec![0, 2],
            },
            explanation: "解析".into(),
            source: String::new(),
            versions: vec![],
            reports: vec![],
        }
    }

    #[test]
    fn keys_read_and_write_in_the_template_notation() {
        for key in [
            AnswerKey::Single { option: 1 },
            AnswerKey::Multiple {
                options: vec![0, 1, 3],
            },
            AnswerKey::TrueFalse { value: false },
            AnswerKey::FillIn {
                blanks: vec![
                    vec!["两个维护".into()],
                    vec!["四个意识".into(), "“四个意识”".into()],
                ],
            },
        ] {
            let kind = match key {
                AnswerKey::Single { .. } => QuestionKind::Single,
                AnswerKey::Multiple { .. } => QuestionKind::Multiple,
                AnswerKey::TrueFalse { .. } => QuestionKind::TrueFalse,
                AnswerKey::FillIn { .. } => QuestionKind::FillIn,
            };
            assert_eq!(key_of(kind, &key_text(&key)), key);
        }
        assert_eq!(
            key_of(QuestionKind::Multiple, " a b d "),
            AnswerKey::Multiple {
                options: vec![0, 1, 3]
            }
        );
        assert_eq!(
            key_of(QuestionKind::TrueFalse, "对"),
            AnswerKey::TrueFalse { value: true }
        );
        assert_eq!(
            key_of(QuestionKind::Single, "?"),
            AnswerKey::Single { option: 99 },
            "unreadable: for the server to refuse"
        );
    }

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let q = detail();
        let d = Draft::of(&q);
        assert_eq!(d.key, "AC");
        assert_eq!(d.tags, "党章，纪律");
        assert_eq!(d.owner, "b:1");
        assert_eq!(d.options.len(), MAX_OPTIONS);
        let input = d.input().unwrap();
        assert_eq!(
            input,
            QuestionInput {
                category_id: 3,
                kind: QuestionKind::Multiple,
                stem: "题干".into(),
                options: q.options.clone(),
                key: q.key.clone(),
                explanation: "解析".into(),
                source: String::new(),
                difficulty: 3,
                tags: q.item.tags.clone(),
                owner: q.item.owner,
            }
        );
        // A true/false question sends no options.
        let tf = Draft {
            kind: "true_false".into(),
            key: "错".into(),
            ..d.clone()
        };
        assert!(tf.input().unwrap().options.is_empty());
    }

    #[test]
    fn missing_fields_are_named_before_sending() {
        let blank = Draft::blank("b:1");
        assert_eq!(blank.input().unwrap_err().0, Field::Category);
        let no_stem = Draft {
            category: "3".into(),
            ..blank
        };
        assert_eq!(
            no_stem.input().unwrap_err(),
            (Field::Stem, K::QuestionNeedStem)
        );
        let e = ApiError {
            status: 422,
            code: "invalid".into(),
            message: "m".into(),
            details: vec![shared::ErrorDetail {
                row: None,
                field: Some("stem".into()),
                message: "m".into(),
            }],
        };
        assert_eq!(field_of(&e), Some(Field::Stem));
    }

    #[test]
    fn a_question_without_explanation_or_source_is_flagged() {
        let d = Draft::of(&detail());
        assert_eq!(d.missing(), vec![K::QuestionNoSource]);
        let full = Draft {
            source: "《党章》".into(),
            ..d.clone()
        };
        assert!(full.missing().is_empty());
        let bare = Draft {
            explanation: " ".into(),
            ..d
        };
        assert_eq!(bare.missing().len(), 2);
        assert_eq!(difficulty_key(1), K::DifficultyEasy);
    }

    #[test]
    fn the_preview_shows_the_first_accepted_blank() {
        let key = AnswerKey::FillIn {
            blanks: vec![vec!["两个维护".into(), "“两个维护”".into()]],
        };
        assert_eq!(answer_text(&key_as_answer(&key)), "两个维护");
    }
}
