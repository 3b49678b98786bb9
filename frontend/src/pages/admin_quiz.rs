//! `/admin/quizzes/new` and `/admin/quizzes/<id>`: the quiz builder. Title, kind, owner and
//! audience; a fixed list of questions picked from the bank (a search whose results appear
//! under its box; Enter there searches and never submits the quiz) or draw rules (count
//! per category and difficulty); time limit, window, attempts, pass mark, points,
//! shuffling, scoring and when answers are revealed; then publish, close or reopen. Once
//! members have answered, the parts that decide results are shown read-only (the server
//! refuses changes to them anyway).
//!
//! The form's state is one [`Draft`] of what is typed; [`Draft::input`] reads it into the
//! `QuizInput` that is sent.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::Role;
use shared::api::org::OrgTree;
use shared::api::questions::{Category, QuestionItem, QuestionPage};
use shared::api::quiz::{QuizKind, Reveal};
use shared::api::quiz_builder::{
    Audience, DrawCountRequest, DrawCounts, DrawRule, QuizDetail, QuizInput, QuizModule,
    QuizPreview, QuizQuestionItem, QuizReach, QuizStatus, StatusChange,
};
use shared::api::Created;
use shared::grading::{MultiplePolicy, QuestionKind};

use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::choices::{
    category_options, keyed, option_views, owner_of, owner_options, owner_value, parse_unit,
    unit_options,
};
use crate::components::{error_text, load, ErrorBanner, Page, Skeleton};
use crate::format::{input_datetime, parse_datetime};
use crate::i18n::{t, tf, K};
use crate::pages::admin_questions::{difficulty_options, kind_options};
use crate::pages::admin_quizzes::status_key;
use crate::router::{use_router, Nav};

const QUIZ_KINDS: [(&str, K); 6] = [
    ("special", K::KindSpecial),
    ("exam", K::KindExam),
    ("daily", K::KindDaily),
    ("weekly", K::KindWeekly),
    ("challenge", K::KindChallenge),
    ("practice", K::KindPractice),
];

const REVEALS: [(&str, K); 3] = [
    ("after_submit", K::RevealAfterSubmit),
    ("after_close", K::RevealAfterClose),
    ("never", K::RevealNever),
];

/// The wire name of a reveal setting.
pub fn reveal_name(r: Reveal) -> &'static str {
    match r {
        Reveal::AfterSubmit => "after_submit",
        Reveal::AfterClose => "after_close",
        Reveal::Never => "never",
    }
}

/// A reveal setting by its wire name (after submitting when unreadable).
pub fn reveal_of(name: &str) -> Reveal {
    match name {
        "after_close" => Reveal::AfterClose,
        "never" => Reveal::Never,
        _ => Reveal::AfterSubmit,
    }
}

/// A draw rule as typed; `uid` keys its row while it is edited.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleDraft {
    pub uid: u32,
    pub category: String,
    pub count: String,
    pub difficulty: String,
    /// A question kind's wire name (`single`, …); empty: any kind.
    pub kind: String,
}

/// The builder's fields as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub title: String,
    pub kind: String,
    pub owner: String,
    pub required: bool,
    pub questions: Vec<QuizQuestionItem>,
    pub rules: Vec<RuleDraft>,
    pub minutes: String,
    pub opens_at: String,
    pub closes_at: String,
    pub max_attempts: String,
    pub pass_mark: String,
    pub points: String,
    pub reveal: String,
    pub shuffle: bool,
    pub partial: bool,
    /// Unit form values (`b:1`, `g:4`) of the audience.
    pub audience: Vec<String>,
    next_uid: u32,
}

/// A field the builder can point an error at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
}

/// A number as typed: blank is `None`, unreadable `-1` (for the server to refuse with its
/// message).
pub fn number(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(-1))
}

fn shown(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl Draft {
    /// A new quiz owned by `owner` (a form value).
    pub fn blank(owner: &str) -> Draft {
        Draft {
            kind: "special".into(),
            owner: owner.into(),
            reveal: "after_submit".into(),
            shuffle: true,
            ..Draft::default()
        }
    }

    /// The form for a saved quiz.
    pub fn of(q: &QuizDetail) -> Draft {
        let i = &q.input;
        let audience = i
            .audience
            .branch_ids
            .iter()
            .map(|b| format!("b:{b}"))
            .chain(i.audience.youth_group_ids.iter().map(|g| format!("g:{g}")))
            .collect();
        let mut d = Draft {
            title: i.title.clone(),
            kind: i.kind.as_str().into(),
            owner: owner_value(&i.owner),
            required: i.required,
            questions: q.question_items.clone(),
            rules: Vec::new(),
            minutes: shown(i.time_limit_secs.map(|s| s / 60)),
            opens_at: i.opens_at.map(input_datetime).unwrap_or_default(),
            closes_at: i.closes_at.map(input_datetime).unwrap_or_default(),
            max_attempts: shown(i.max_attempts),
            pass_mark: shown(i.pass_mark),
            points: shown(i.points_per_correct),
            reveal: reveal_name(i.reveal).into(),
            shuffle: i.shuffle_options,
            partial: i.multiple_policy == MultiplePolicy::PartialCredit,
            audience,
            next_uid: 0,
        };
        for r in &i.draw_rules {
            d.add_rule(RuleDraft {
                uid: 0,
                category: r.category_id.to_string(),
                count: r.count.to_string(),
                difficulty: r.difficulty.map(|x| x.to_string()).unwrap_or_default(),
                kind: r.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            });
        }
        d
    }

    /// Adds a draw rule with a fresh row key.
    pub fn add_rule(&mut self, mut rule: RuleDraft) {
        self.next_uid += 1;
        rule.uid = self.next_uid;
        self.rules.push(rule);
    }

    /// Adds a question from the bank (once).
    pub fn add_question(&mut self, q: &QuestionItem) {
        if !self.questions.iter().any(|x| x.id == q.id) {
            self.questions.push(QuizQuestionItem {
                id: q.id,
                kind: q.kind,
                stem: q.stem.clone(),
                difficulty: q.difficulty,
                category: q.category.clone(),
            });
        }
    }

    /// What the draw counts are asked for (issue 17 quiz builder): the owner, the fixed
    /// questions and the rules as typed.
    pub fn count_request(&self) -> DrawCountRequest {
        DrawCountRequest {
            owner: owner_of(&self.owner),
            questions: self.questions.iter().map(|q| q.id).collect(),
            draw_rules: self
                .rules
                .iter()
                .map(|r| DrawRule {
                    category_id: r.category.parse().unwrap_or(0),
                    count: number(&r.count).unwrap_or(0).max(0),
                    difficulty: r.difficulty.parse().ok(),
                    kind: QuestionKind::parse(&r.kind),
                })
                .collect(),
        }
    }

    /// Whether a unit (form value) is in the audience.
    pub fn reaches(&self, unit: &str) -> bool {
        self.audience.iter().any(|a| a == unit)
    }

    /// The body of a save, or the field to fix first and why.
    pub fn input(&self) -> Result<QuizInput, (Field, K)> {
        if self.title.trim().is_empty() {
            return Err((Field::Title, K::QuizNeedTitle));
        }
        let mut audience = Audience::default();
        for unit in &self.audience {
            match parse_unit(unit) {
                (Some(b), _) => audience.branch_ids.push(b),
                (_, Some(g)) => audience.youth_group_ids.push(g),
                _ => {}
            }
        }
        let when = |s: &str| parse_datetime(s);
        Ok(QuizInput {
            title: self.title.trim().into(),
            kind: QuizKind::parse(&self.kind).unwrap_or(QuizKind::Special),
            owner: owner_of(&self.owner),
            questions: self.questions.iter().map(|q| q.id).collect(),
            draw_rules: self
                .rules
                .iter()
                .map(|r| DrawRule {
                    category_id: r.category.parse().unwrap_or(0),
                    count: number(&r.count).unwrap_or(-1),
                    difficulty: r.difficulty.parse().ok(),
                    kind: QuestionKind::parse(&r.kind),
                })
                .collect(),
            time_limit_secs: number(&self.minutes).map(|m| if m > 0 { m * 60 } else { m }),
            opens_at: when(&self.opens_at),
            closes_at: when(&self.closes_at),
            max_attempts: number(&self.max_attempts),
            pass_mark: number(&self.pass_mark),
            points_per_correct: number(&self.points),
            shuffle_options: self.shuffle,
            reveal: reveal_of(&self.reveal),
            multiple_policy: if self.partial {
                MultiplePolicy::PartialCredit
            } else {
                MultiplePolicy::AllOrNothing
            },
            audience,
            required: self.required,
        })
    }
}

/// The URL of the picker's search.
pub fn search_url(q: &str) -> String {
    format!(
        "{}?per_page=20&q={}",
        api::QUESTIONS,
        api::encode_component(q.trim())
    )
}

/// What moves a saved quiz along from `status`: (the status to set, the button's label).
pub fn next_status(status: QuizStatus) -> (QuizStatus, K) {
    match status {
        QuizStatus::Draft => (QuizStatus::Published, K::QuizPublish),
        QuizStatus::Published => (QuizStatus::Closed, K::QuizClose),
        QuizStatus::Closed => (QuizStatus::Published, K::QuizReopen),
    }
}

/// A saved quiz's state, as the page keeps it beside the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Saved {
    id: i64,
    status: QuizStatus,
    locked: bool,
}

/// Who a quiz reaches, in words (issue 17 quiz builder): once published "已发布，覆盖 …",
/// before that what publishing would reach.
pub fn reach_text(status: QuizStatus, reach: &QuizReach) -> String {
    let n = reach.members.to_string();
    let units = reach.units.join("、");
    match (status, reach.everyone) {
        (QuizStatus::Draft, _) if reach.everyone => tf(
            K::QuizReachDraft,
            &[("units", t(K::QuizReachEveryoneShort)), ("n", &n)],
        ),
        (QuizStatus::Draft, _) => tf(K::QuizReachDraft, &[("units", &units), ("n", &n)]),
        (_, true) => tf(K::QuizReachEveryone, &[("n", &n)]),
        (_, false) => tf(K::QuizReachUnits, &[("units", &units), ("n", &n)]),
    }
}

/// One preview paper: each question with its options and key, fixed or drawn.
fn preview_view(p: QuizPreview) -> impl IntoView {
    let summary = tf(
        K::QuizPreviewSummary,
        &[
            ("n", &p.questions.len().to_string()),
            ("fixed", &p.fixed.to_string()),
            ("drawn", &p.drawn.to_string()),
            ("score", &p.total_score.to_string()),
        ],
    );
    let pass = p
        .pass_mark
        .map(|n| format!("，{}", tf(K::QuizPreviewPass, &[("n", &n.to_string())])))
        .unwrap_or_default();
    let items = p
        .questions
        .into_iter()
        .map(|q| {
            let options = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let letter = char::from(b'A' + (i.min(25) as u8));
                    view! { <li>{format!("{letter}. {o}")}</li> }
                })
                .collect_view();
            let tag = if q.fixed { K::QuizPreviewFixed } else { K::QuizPreviewDrawn };
            view! {
                <li class="preview-q">
                    <p>
                        <span class=if q.fixed { "badge" } else { "badge status-draft" }>{t(tag)}</span>
                        " "
                        <span class="muted small">{t(crate::answers::question_kind_key(q.kind))}</span>
                        " "
                        {q.stem.clone()}
                    </p>
                    {(!q.options.is_empty()).then(|| view! { <ol class="preview-options">{options}</ol> })}
                    <p class="small ok preview-key">{tf(K::QuizPreviewKey, &[("key", &q.key_text)])}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card quiz-preview" id="quiz-preview">
            <h2 class="card-title">{t(K::QuizPreviewTitle)}</h2>
            <p class="preview-summary">{format!("{summary}{pass}")}</p>
            <p class="muted small">{t(K::QuizPreviewNote)}</p>
            <ol class="preview-list">{items}</ol>
        </section>
    }
}

/// The status line and the button that moves a saved quiz along (closing confirms); who
/// it reaches, its module, and the preview button (issue 17 quiz builder).
#[component]
fn StatusBar(
    saved: Saved,
    on_change: Callback<QuizStatus>,
    busy: RwSignal<bool>,
    reach: QuizReach,
    module: Option<QuizModule>,
    on_preview: Callback<()>,
) -> impl IntoView {
    let reach_line = reach_text(saved.status, &reach);
    let (next, label) = next_status(saved.status);
    let action = if next == QuizStatus::Closed {
        "close"
    } else {
        "publish"
    };
    view! {
        <section class="card status-bar">
            <span class=format!("badge status-{}", saved.status.as_str())>{t(status_key(saved.status))}</span>
            <button
                type="button"
                class="btn btn-primary"
                data-action=action
                disabled=busy
                on:click=move |_| {
                    if next != QuizStatus::Closed || crate::browser::confirm(t(K::QuizConfirmClose)) {
                        on_change.run(next);
                    }
                }
            >
                {t(label)}
            </button>
            <button
                type="button"
                class="btn btn-ghost"
                data-action="preview"
                on:click=move |_| on_preview.run(())
            >
                {t(K::QuizPreviewButton)}
            </button>
            <a class="btn btn-ghost" href=format!("/admin/quizzes/{}/analysis", saved.id)>
                {t(K::QuizAnalysis)}
            </a>
            <p class="quiz-reach small" id="quiz-reach">{reach_line}</p>
            {module.map(|m| view! {
                <p class="small quiz-module">
                    {t(K::QuizInModule)}
                    <a href=format!("/admin/content/{}", m.id)>{m.title}</a>
                </p>
            })}
        </section>
    }
}

/// The question picker: a search box (Enter searches; it is not a submit of the quiz form)
/// with its results right under it, each with an add button.
#[component]
fn Picker(draft: RwSignal<Draft>) -> impl IntoView {
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Result<Vec<QuestionItem>, ApiError>>);
    let searching = RwSignal::new(false);
    let search = move || {
        let url = search_url(&q.get_untracked());
        searching.set(true);
        spawn_local(async move {
            let r = api::get::<QuestionPage>(&url).await.map(|p| p.items);
            searching.try_set(false);
            found.try_set(Some(r));
        });
    };
    view! {
        <div class="picker" role="search">
            <div class="row">
                <input
                    class="input"
                    id="pick-q"
                    type="search"
                    placeholder=t(K::QuizSearchBank)
                    aria-label=t(K::QuizSearchBank)
                    prop:value=q
                    on:input=move |ev| q.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            // Enter would submit the quiz form around this box.
                            ev.prevent_default();
                            search();
                        }
                    }
                />
                <button
                    type="button"
                    class="btn btn-ghost"
                    data-action="search"
                    disabled=searching
                    on:click=move |_| search()
                >
                    {t(K::Search)}
                </button>
            </div>
            {move || match found.get() {
                None => None,
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{error_text(&e)}</p> }.into_any()),
                Some(Ok(items)) if items.is_empty() => {
                    Some(view! { <p class="muted small">{t(K::QuizSearchNone)}</p> }.into_any())
                }
                Some(Ok(items)) => Some(
                    view! {
                        <h3 class="sub-title">{t(K::QuizSearchResults)}</h3>
                        <ul class="picks">
                            {items
                                .into_iter()
                                .map(|item| {
                                    let id = item.id;
                                    let taken = move || draft.with(|d| d.questions.iter().any(|x| x.id == id));
                                    view! {
                                        <li>
                                            <span>{item.stem.clone()}</span>
                                            {move || (!taken()).then(|| view! {
                                                <button
                                                    type="button"
                                                    class="btn btn-ghost btn-small"
                                                    data-action="add-q"
                                                    on:click={
                                                        let item = item.clone();
                                                        move |_| draft.update(|d| d.add_question(&item))
                                                    }
                                                >
                                                    {t(K::Add)}
                                                </button>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                ),
            }}
        </div>
    }
}

/// The fixed questions and the draw rules.
#[component]
fn Questions(
    draft: RwSignal<Draft>,
    locked: bool,
    categories: Vec<(String, String)>,
) -> impl IntoView {
    let levels = difficulty_options(K::DifficultyAny);
    let kinds = kind_options(Some(K::QuizKindAny));
    let cats = categories.clone();
    // issue 17 quiz builder: what each rule can draw and the quiz's size, asked of the
    // server whenever the owner, the fixed questions or the rules change (the latest answer
    // wins).
    let counts = RwSignal::new(None::<DrawCounts>);
    let request = Memo::new(move |_| draft.with(|d| d.count_request()));
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let req = request.get();
        let n = generation.get_value().wrapping_add(1);
        generation.set_value(n);
        spawn_local(async move {
            if let Ok(c) = api::draw_counts(&req).await {
                if generation.try_get_value() == Some(n) {
                    counts.try_set(Some(c));
                }
            }
        });
    });
    let rule_row = move |r: RuleDraft| {
        let uid = r.uid;
        let edit = move |f: fn(&mut RuleDraft, String)| {
            move |ev: leptos::ev::Event| {
                let v = event_target_value(&ev);
                draft.update(|d| {
                    if let Some(r) = d.rules.iter_mut().find(|r| r.uid == uid) {
                        f(r, v);
                    }
                });
            }
        };
        if locked {
            let cat = cats
                .iter()
                .find(|(v, _)| *v == r.category)
                .map(|(_, l)| l.trim().to_string())
                .unwrap_or_default();
            let kind = kinds
                .iter()
                .find(|(v, _)| *v == r.kind)
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            return view! { <p class="small">{format!("{cat} · {kind} × {}", r.count)}</p> }
                .into_any();
        }
        // Which row this is, for the count the server says it can draw.
        let index = move || draft.with(|d| d.rules.iter().position(|x| x.uid == uid));
        let available = move || {
            let i = index()?;
            let n = counts.with(|c| c.as_ref().and_then(|c| c.available.get(i).copied()))?;
            let want = draft.with(|d| number(&d.rules[i].count).unwrap_or(0));
            Some((n, n < want))
        };
        view! {
            <div class="rule">
                <label class="field">
                    <span class="label">{t(K::QuizRuleCategory)}</span>
                    <select class="input" name="rc" on:change=edit(|r, v| r.category = v)>
                        {(r.category.is_empty() || r.category == "0").then(|| view! { <option value="" selected>"—"</option> })}
                        {option_views(&cats, &r.category)}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::QuizRuleKind)}</span>
                    <select class="input" name="rk" on:change=edit(|r, v| r.kind = v)>
                        {option_views(&kinds, &r.kind)}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::QuizRuleDifficulty)}</span>
                    <select class="input" name="rd" on:change=edit(|r, v| r.difficulty = v)>
                        {option_views(&levels, &r.difficulty)}
                    </select>
                </label>
                <label class="field rule-count">
                    <span class="label">{t(K::QuizRuleCount)}</span>
                    <input
                        class="input"
                        name="rn"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max="200"
                        value=r.count.clone()
                        on:input=edit(|r, v| r.count = v)
                    />
                </label>
                <span class="rule-available small" data-rule-available="">
                    {move || available().map(|(n, short)| {
                        let n = n.to_string();
                        if short {
                            view! { <span class="form-error">{tf(K::QuizRuleShort, &[("n", &n)])}</span> }.into_any()
                        } else {
                            view! { <span class="muted">{tf(K::QuizRuleAvailable, &[("n", &n)])}</span> }.into_any()
                        }
                    })}
                </span>
                <button
                    type="button"
                    class="btn btn-ghost btn-small"
                    data-action="rm-r"
                    on:click=move |_| draft.update(|d| d.rules.retain(|r| r.uid != uid))
                >
                    {t(K::Remove)}
                </button>
            </div>
        }
        .into_any()
    };
    let totals = move || {
        counts.with(|c| {
            c.as_ref().map(|c| {
                tf(
                    K::QuizTotals,
                    &[
                        ("fixed", &c.fixed.to_string()),
                        ("drawn", &c.drawn.to_string()),
                        ("total", &c.total.to_string()),
                    ],
                )
            })
        })
    };
    view! {
        <section class="card form quiz-questions">
            <h2 class="card-title">{t(K::BQuizQuestions)}</h2>
            {locked.then(|| view! { <p class="banner info">{t(K::QuizLocked)}</p> })}
            <h3 class="sub-title">{t(K::QuizFixed)}</h3>
            <ol class="picked">
                {move || draft.with(|d| d.questions.clone()).into_iter().map(|q| view! {
                    <li>
                        <span>{q.stem.clone()}</span>
                        {(!locked)
                            .then(|| {
                                let id = q.id;
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-ghost btn-small"
                                        data-action="rm-q"
                                        on:click=move |_| draft.update(|d| d.questions.retain(|x| x.id != id))
                                    >
                                        {t(K::Remove)}
                                    </button>
                                }
                            })}
                    </li>
                }).collect_view()}
            </ol>
            {(!locked).then(|| view! { <Picker draft=draft/> })}
            <h3 class="sub-title">{t(K::QuizDraw)}</h3>
            <For each=move || draft.with(|d| d.rules.clone()) key=|r| r.uid children=rule_row/>
            <p class="quiz-totals" id="quiz-totals" aria-live="polite">{totals}</p>
            {(!locked)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-ghost"
                            data-action="add-r"
                            on:click=move |_| {
                                draft
                                    .update(|d| {
                                        d.add_rule(RuleDraft {
                                            count: "5".into(),
                                            ..RuleDraft::default()
                                        })
                                    })
                            }
                        >
                            {t(K::QuizAddRule)}
                        </button>
                    }
                })}
        </section>
    }
}

/// What the builder shows next to a field or the save button.
type Problem = RwSignal<Option<(Option<Field>, String)>>;

/// The builder form.
#[component]
fn QuizForm(
    draft: RwSignal<Draft>,
    locked: bool,
    owners: Vec<(String, String)>,
    units: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    problem: Problem,
    done: RwSignal<Option<String>>,
    pending: RwSignal<bool>,
    on_save: Callback<()>,
) -> impl IntoView {
    let d = draft.get_untracked();
    let set = move |f: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|d| f(d, v));
            done.set(None);
        }
    };
    let check = move |f: fn(&mut Draft, bool)| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            draft.update(|d| f(d, on));
            done.set(None);
        }
    };
    let num = |name: &'static str, value: String, min: i64, max: i64, f: fn(&mut Draft, String)| {
        view! {
            <input
                class="input"
                name=name
                type="number"
                inputmode="numeric"
                min=min.to_string()
                max=max.to_string()
                value=value
                on:input=set(f)
            />
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run(());
    };
    let audience = units
        .into_iter()
        .map(|(value, label)| {
            let v = value.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        name="aud"
                        value=value.clone()
                        prop:checked=move || draft.with(|d| d.reaches(&v))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let value = value.clone();
                            draft.update(|d| {
                                d.audience.retain(|a| *a != value);
                                if on {
                                    d.audience.push(value);
                                }
                            });
                        }
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form id="quiz-form" class="quiz-form" novalidate on:submit=submit>
            <div class="quiz-grid">
                <section class="card form quiz-basics">
                    <label class="field">
                        <span class="label">{t(K::QuizTitle)}</span>
                        <input
                            class="input"
                            name="title"
                            maxlength="60"
                            required
                            value=d.title.clone()
                            on:input=set(|d, v| d.title = v)
                        />
                    </label>
                    {move || {
                        problem
                            .with(|p| match p {
                                Some((Some(Field::Title), m)) => Some(view! { <p class="form-error" role="alert">{m.clone()}</p> }),
                                _ => None,
                            })
                    }}
                    <label class="field">
                        <span class="label">{t(K::QuizKindLabel)}</span>
                        <select class="input" name="kind" on:change=set(|d, v| d.kind = v)>
                            {option_views(&keyed(&QUIZ_KINDS), &d.kind)}
                        </select>
                    </label>
                    <label class="field">
                        <span class="label">{t(K::QuestionOwner)}</span>
                        <select class="input" name="owner" on:change=set(|d, v| d.owner = v)>
                            {option_views(&owners, &d.owner)}
                        </select>
                    </label>
                    <label class="check">
                        <input type="checkbox" name="required" checked=d.required on:change=check(|d, on| d.required = on)/>
                        <span>{t(K::QuizRequired)}</span>
                    </label>
                </section>
                <Questions draft=draft locked=locked categories=categories/>
                <section class="card form quiz-rules form-cols">
                    <label class="field">
                        <span class="label">{t(K::BQuizTimeLimit)}</span>
                        {num("minutes", d.minutes.clone(), 1, 1440, |d, v| d.minutes = v)}
                    </label>
                    <label class="field">
                        <span class="label">{t(K::BQuizAttempts)}</span>
                        {num("max_attempts", d.max_attempts.clone(), 1, 100, |d, v| d.max_attempts = v)}
                    </label>
                    <label class="field">
                        <span class="label">{t(K::QuizOpensAt)}</span>
                        <input class="input" name="opens_at" type="datetime-local" value=d.opens_at.clone() on:input=set(|d, v| d.opens_at = v)/>
                    </label>
                    <label class="field">
                        <span class="label">{t(K::QuizClosesAt)}</span>
                        <input class="input" name="closes_at" type="datetime-local" value=d.closes_at.clone() on:input=set(|d, v| d.closes_at = v)/>
                    </label>
                    <label class="field">
                        <span class="label">{t(K::BQuizPassMark)}</span>
                        {num("pass_mark", d.pass_mark.clone(), 0, 100, |d, v| d.pass_mark = v)}
                    </label>
                    <label class="field">
                        <span class="label">{t(K::QuizPoints)}</span>
                        {num("points", d.points.clone(), 0, 100, |d, v| d.points = v)}
                    </label>
                    <label class="field">
                        <span class="label">{t(K::QuizReveal)}</span>
                        <select class="input" name="reveal" on:change=set(|d, v| d.reveal = v)>
                            {option_views(&keyed(&REVEALS), &d.reveal)}
                        </select>
                    </label>
                    <div class="field checks-col">
                        <label class="check">
                            <input type="checkbox" name="shuffle" checked=d.shuffle on:change=check(|d, on| d.shuffle = on)/>
                            <span>{t(K::QuizShuffle)}</span>
                        </label>
                        <label class="check">
                            <input type="checkbox" name="partial" checked=d.partial on:change=check(|d, on| d.partial = on)/>
                            <span>{t(K::QuizPartialCredit)}</span>
                        </label>
                    </div>
                </section>
                <section class="card form quiz-audience">
                    <h2 class="card-title">{t(K::QuizAudience)}</h2>
                    <div class="check-grid">{audience}</div>
                    <p class="muted small">{t(K::QuizAudienceHint)}</p>
                </section>
            </div>
            <div class="actions save-bar">
                <button type="submit" id="quiz-save" class="btn btn-primary" disabled=pending>
                    {move || if pending.get() { t(K::Saving) } else { t(K::Save) }}
                </button>
                {move || {
                    problem
                        .with(|p| match p {
                            Some((None, m)) => Some(view! { <p class="form-error" role="alert">{m.clone()}</p> }),
                            _ => None,
                        })
                }}
                {move || done.get().map(|m| view! { <p class="ok small" role="status">{m}</p> })}
            </div>
        </form>
    }
}

#[component]
pub fn AdminQuiz(id: Option<i64>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let tree = load(|| api::ORG.into());
    let cats = load(|| api::QUESTION_CATEGORIES.into());
    let loaded = RwSignal::new(None::<Result<(), ApiError>>);
    let saved = RwSignal::new(None::<Saved>);
    // One draft for the page's life (signals made while rendering would be dropped with
    // that render); `shown` counts the quizzes put into it, which redraws the form.
    let draft = RwSignal::new(Draft::default());
    let shown = RwSignal::new(0u32);
    let blank_made = StoredValue::new(false);
    let problem: Problem = RwSignal::new(None);
    let done = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let extra = RwSignal::new((QuizReach::default(), None::<QuizModule>));
    let preview = RwSignal::new(None::<Result<QuizPreview, ApiError>>);
    // Shows a saved quiz (a fresh form: the server's values are what counts).
    let show_quiz = move |q: QuizDetail| {
        extra.try_set((q.reach.clone(), q.module.clone()));
        saved.try_set(Some(Saved {
            id: q.id,
            status: q.status,
            locked: q.locked,
        }));
        draft.try_set(Draft::of(&q));
        shown.try_update(|n| *n += 1);
        loaded.try_set(Some(Ok(())));
    };
    let fetch = move |id: i64| {
        spawn_local(async move {
            match api::get::<QuizDetail>(&api::managed_quiz_url(id)).await {
                Ok(q) => show_quiz(q),
                Err(e) => {
                    loaded.try_set(Some(Err(e)));
                }
            }
        });
    };
    match id {
        Some(id) => fetch(id),
        None => loaded.set(Some(Ok(()))),
    }
    let save = Callback::new(move |_| {
        let body = match draft.get_untracked().input() {
            Ok(b) => b,
            Err((f, k)) => {
                problem.set(Some((Some(f), t(k).to_string())));
                // The title is at the top; the save button at the bottom.
                crate::browser::focus("#quiz-form [name=title]");
                return;
            }
        };
        problem.set(None);
        done.set(None);
        pending.set(true);
        let current = saved.get_untracked();
        spawn_local(async move {
            match current {
                Some(s) => {
                    let r = api::send::<_, QuizDetail>("PUT", &api::managed_quiz_url(s.id), &body)
                        .await;
                    pending.try_set(false);
                    match r {
                        Ok(q) => {
                            show_quiz(q);
                            done.try_set(Some(t(K::Saved).to_string()));
                        }
                        Err(e) => {
                            problem.try_set(Some((None, error_text(&e))));
                        }
                    }
                }
                None => {
                    let r = api::send::<_, Created>("POST", api::MANAGED_QUIZZES, &body).await;
                    pending.try_set(false);
                    match r {
                        Ok(c) => {
                            router.navigate(&format!("/admin/quizzes/{}", c.id), Nav::default())
                        }
                        Err(e) => {
                            problem.try_set(Some((None, error_text(&e))));
                        }
                    }
                }
            }
        });
    });
    let on_preview = Callback::new(move |_| {
        let Some(s) = saved.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let r = api::quiz_preview(s.id).await;
            preview.try_set(Some(r));
            crate::browser::focus("#quiz-preview");
        });
    });
    let status_error = RwSignal::new(None::<String>);
    let change_status = Callback::new(move |status: QuizStatus| {
        let Some(s) = saved.get_untracked() else {
            return;
        };
        pending.set(true);
        status_error.set(None);
        spawn_local(async move {
            let r = api::send::<_, QuizDetail>(
                "POST",
                &format!("{}/status", api::managed_quiz_url(s.id)),
                &StatusChange { status },
            )
            .await;
            pending.try_set(false);
            match r {
                Ok(q) => {
                    show_quiz(q);
                    done.try_set(Some(
                        t(if status == QuizStatus::Closed {
                            K::QuizClosed
                        } else {
                            K::QuizPublished
                        })
                        .to_string(),
                    ));
                }
                Err(e) => {
                    status_error.try_set(Some(error_text(&e)));
                }
            }
        });
    });

    let body = move || {
        let tree = tree.read::<OrgTree>();
        let cats = cats.read::<Vec<Category>>();
        let (tree, cats) = match (tree, cats, loaded.get()) {
            (Some(Err(e)), _, _) | (_, Some(Err(e)), _) | (_, _, Some(Err(e))) => {
                return view! { <ErrorBanner error=e/> }.into_any()
            }
            (Some(Ok(a)), Some(Ok(b)), Some(Ok(()))) => (a, b),
            _ => return view! { <Skeleton lines=6/> }.into_any(),
        };
        let (scope, admin) = session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
        let owners = owner_options(&tree, &scope, admin);
        shown.track();
        if id.is_none() && !blank_made.get_value() {
            blank_made.set_value(true);
            let first = owners.first().map(|o| o.0.clone()).unwrap_or_default();
            // Not a change to redraw for: the form is being drawn from it now.
            draft.update_untracked(|d| *d = Draft::blank(&first));
        }
        let d = draft;
        let s = saved.get();
        view! {
            {s.map(|s| {
                view! {
                    <StatusBar
                        saved=s
                        on_change=change_status
                        busy=pending
                        reach=extra.get_untracked().0
                        module=extra.get_untracked().1
                        on_preview=on_preview
                    />
                    {move || status_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    {move || preview.get().map(|r| match r {
                        Ok(p) => preview_view(p).into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_text(&e)}</p> }.into_any(),
                    })}
                }
            })}
            <QuizForm
                draft=d
                locked=s.is_some_and(|s| s.locked)
                owners=owners
                units=unit_options(&tree, &scope, admin)
                categories=category_options(&cats, &[])
                problem=problem
                done=done
                pending=pending
                on_save=save
            />
        }
        .into_any()
    };

    view! {
        <Page class="admin-quiz desk" title=K::QuizBuilder back=Some("/admin/quizzes")>
            {body}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::questions::Owner;
    use shared::grading::QuestionKind;

    fn item(id: i64, stem: &str) -> QuizQuestionItem {
        QuizQuestionItem {
            id,
            kind: QuestionKind::Single,
            stem: stem.into(),
            difficulty: 2,
            category: "党章".into(),
        }
    }

    fn saved() -> QuizDetail {
        QuizDetail {
            id: 3,
            status: QuizStatus::Draft,
            locked: false,
            attempts: 0,
            editable: true,
            input: QuizInput {
                title: "支部专项".into(),
                kind: QuizKind::Exam,
                owner: Owner {
                    branch_id: Some(1),
                    youth_group_id: None,
                },
                questions: vec![11, 12],
                draw_rules: vec![],
                time_limit_secs: Some(600),
                opens_at: Some(1_683_163_800_000),
                closes_at: None,
                max_attempts: Some(2),
                pass_mark: Some(60),
                points_per_correct: None,
                shuffle_options: false,
                reveal: Reveal::AfterClose,
                multiple_policy: MultiplePolicy::AllOrNothing,
                audience: Audience {
                    branch_ids: vec![1],
                    youth_group_ids: vec![4],
                },
                required: true,
            },
            question_items: vec![item(11, "题一"), item(12, "题二")],
            reach: QuizReach::default(),
            module: None,
        }
    }

    #[test]
    fn the_form_shows_a_quiz_and_reads_it_back_unchanged() {
        let q = saved();
        let d = Draft::of(&q);
        assert_eq!(d.minutes, "10");
        assert_eq!(d.opens_at, "2023-05-04T09:30");
        assert!(d.reaches("b:1") && d.reaches("g:4"));
        assert_eq!(d.input().unwrap(), q.input);
    }

    #[test]
    fn draw_rules_are_keyed_and_read_back() {
        let mut q = saved();
        q.input.questions = vec![];
        q.question_items = vec![];
        q.input.draw_rules = vec![
            DrawRule {
                category_id: 7,
                count: 5,
                difficulty: Some(3),
                kind: Some(QuestionKind::TrueFalse),
            },
            DrawRule {
                category_id: 8,
                count: 2,
                difficulty: None,
                kind: None,
            },
        ];
        let mut d = Draft::of(&q);
        assert_ne!(d.rules[0].uid, d.rules[1].uid);
        assert_eq!(d.input().unwrap().draw_rules, q.input.draw_rules);
        d.add_rule(RuleDraft::default());
        assert!(d.rules.iter().all(|r| r.uid != 0));
        let uids: Vec<u32> = d.rules.iter().map(|r| r.uid).collect();
        assert_eq!(uids, [1, 2, 3]);
    }

    #[test]
    fn mixed_quizzes_ask_counts_for_fixed_questions_and_rules_and_say_their_reach() {
        let mut q = saved();
        q.input.draw_rules = vec![DrawRule {
            category_id: 7,
            count: 3,
            difficulty: None,
            kind: Some(QuestionKind::Single),
        }];
        let mut d = Draft::of(&q);
        assert_eq!(d.rules[0].kind, "single");
        assert_eq!(
            d.input().unwrap(),
            q.input,
            "fixed and drawn together read back"
        );
        d.rules[0].count = "x".into();
        let req = d.count_request();
        assert_eq!(req.questions, [11, 12]);
        assert_eq!(req.draw_rules[0].count, 0, "unreadable counts ask for none");
        assert_eq!(req.owner.branch_id, Some(1));
        let reach = QuizReach {
            everyone: false,
            units: vec!["第一支部".into(), "青年组".into()],
            members: 12,
        };
        assert_eq!(
            reach_text(QuizStatus::Published, &reach),
            "已发布，覆盖 第一支部、青年组，共 12 名成员"
        );
        assert!(reach_text(QuizStatus::Draft, &reach).starts_with("发布后将覆盖"));
        let all = QuizReach {
            everyone: true,
            units: vec![],
            members: 300,
        };
        assert_eq!(
            reach_text(QuizStatus::Published, &all),
            "已发布，覆盖全体成员，共 300 名"
        );
    }

    #[test]
    fn blank_numbers_are_none_and_bad_ones_are_sent_for_the_server_to_refuse() {
        let d = Draft {
            title: "a\"b".into(),
            minutes: "abc".into(),
            pass_mark: " ".into(),
            ..Draft::blank("")
        };
        let i = d.input().unwrap();
        assert_eq!(i.title, "a\"b");
        assert_eq!(i.time_limit_secs, Some(-1));
        assert_eq!(i.pass_mark, None);
        assert!(i.shuffle_options);
        assert_eq!(i.owner, Owner::default());
        assert_eq!(
            Draft::blank("b:1").input().unwrap_err(),
            (Field::Title, K::QuizNeedTitle)
        );
    }

    #[test]
    fn questions_are_added_once_and_statuses_move_along() {
        let mut d = Draft::blank("b:1");
        let q = QuestionItem {
            id: 9,
            stable_id: "q9".into(),
            category_id: 1,
            category: "党章".into(),
            kind: QuestionKind::Single,
            stem: "题".into(),
            difficulty: 1,
            tags: vec![],
            version: 1,
            owner: Owner::default(),
            editable: true,
            open_reports: 0,
        };
        d.add_question(&q);
        d.add_question(&q);
        assert_eq!(d.questions.len(), 1);
        assert_eq!(
            search_url(" 党 "),
            "/api/v1/questions?per_page=20&q=%E5%85%9A"
        );
        assert_eq!(next_status(QuizStatus::Draft).0, QuizStatus::Published);
        assert_eq!(next_status(QuizStatus::Published).0, QuizStatus::Closed);
        assert_eq!(next_status(QuizStatus::Closed).1, K::QuizReopen);
        for r in [Reveal::AfterSubmit, Reveal::AfterClose, Reveal::Never] {
            assert_eq!(reveal_of(reveal_name(r)), r);
        }
    }
}
