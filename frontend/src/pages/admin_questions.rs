//! `/admin/questions`: the question bank in the organizer's scope — search by text, category
//! (with sub-categories), kind, difficulty or open error reports (the report inbox); the
//! results as a table under the search box (sortable, paged), each opening in the editor;
//! a selection that spans pages exports on its own; import and export files; add a category.

use leptos::prelude::*;

use shared::api::questions::{Category, CategoryInput, QuestionItem, QuestionPage};
use shared::grading::QuestionKind;

use crate::answers::question_kind_key;
use crate::api::{self, ApiError};
use crate::choices::{category_options, keyed, option_views};
use crate::components::{
    error_text, load, show, sort_order, Fetch, Loaded, Page, Sort, SortHeader,
};
use crate::i18n::{t, tf, K};
use crate::router::{use_router, Nav};

/// Questions per page of the list.
pub const PER_PAGE: i64 = 20;

/// The search as the list URL's query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub q: String,
    pub category: String,
    pub kind: String,
    pub difficulty: String,
    pub reported: bool,
    pub page: i64,
}

impl Filter {
    /// The API URL of the filter's page of questions.
    pub fn url(&self) -> String {
        let mut u = format!(
            "{}?per_page={PER_PAGE}&page={}",
            api::QUESTIONS,
            self.page.max(1)
        );
        for (k, v) in [
            ("q", &self.q),
            ("category_id", &self.category),
            ("kind", &self.kind),
            ("difficulty", &self.difficulty),
        ] {
            if !v.trim().is_empty() {
                u += &format!("&{k}={}", api::encode_component(v.trim()));
            }
        }
        if self.reported {
            u += "&reported=true";
        }
        u
    }

    /// The filter a page URL's query holds (`?q=…&category=…&kind=…&difficulty=…&reported=1&page=2`).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Filter {
        Filter {
            q: get("q").unwrap_or_default(),
            category: get("category").unwrap_or_default(),
            kind: get("kind").unwrap_or_default(),
            difficulty: get("difficulty").unwrap_or_default(),
            reported: get("reported").is_some(),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    }

    /// This page's own URL for the filter.
    pub fn page_url(&self) -> String {
        format!(
            "/admin/questions?q={}&category={}&kind={}&difficulty={}{}&page={}",
            api::encode_component(&self.q),
            api::encode_component(&self.category),
            self.kind,
            self.difficulty,
            if self.reported { "&reported=1" } else { "" },
            self.page
        )
    }
}

/// The difficulty choices, with a first "any" entry labelled `any`.
pub fn difficulty_options(any: K) -> Vec<(String, String)> {
    keyed(&[
        ("", any),
        ("1", K::DifficultyEasy),
        ("2", K::DifficultyMedium),
        ("3", K::DifficultyHard),
    ])
}

/// The label of a difficulty (1 易, 2 中, 3 难).
pub fn difficulty_key(d: u8) -> K {
    match d {
        1 => K::DifficultyEasy,
        3 => K::DifficultyHard,
        _ => K::DifficultyMedium,
    }
}

/// Every question kind, in the order the forms offer them.
pub const KINDS: [QuestionKind; 4] = [
    QuestionKind::Single,
    QuestionKind::Multiple,
    QuestionKind::TrueFalse,
    QuestionKind::FillIn,
];

/// The wire name of a kind (`fill_in`), as forms and query strings carry it.
pub fn kind_name(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "single",
        QuestionKind::Multiple => "multiple",
        QuestionKind::TrueFalse => "true_false",
        QuestionKind::FillIn => "fill_in",
    }
}

/// The kind choices, with a first entry labelled `first` (empty value) when given.
pub fn kind_options(first: Option<K>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = first
        .map(|k| vec![(String::new(), t(k).to_string())])
        .unwrap_or_default();
    out.extend(KINDS.iter().map(|&k| {
        (
            kind_name(k).to_string(),
            t(question_kind_key(k)).to_string(),
        )
    }));
    out
}

/// The URL of an export in `format` (`xlsx`, `csv`, …), narrowed by `query` (`&ids=…`).
pub fn export_url(format: &str, query: &str) -> String {
    format!("/api/v1/question-exports?format={format}{query}")
}

/// The export formats: (code, label).
pub const EXPORT_FORMATS: [(&str, &str); 5] = [
    ("xlsx", "Excel"),
    ("csv", "CSV"),
    ("toml", "TOML"),
    ("gift", "GIFT"),
    ("moodle_xml", "Moodle XML"),
];

/// `&ids=1,2,3` for a selection.
pub fn ids_query(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("&ids={}", ids.join(","))
}

/// The selection after this page's boxes changed: the other pages' picks stay.
pub fn toggle(selected: &[i64], id: i64, on: bool) -> Vec<i64> {
    let mut out: Vec<i64> = selected.iter().copied().filter(|&x| x != id).collect();
    if on {
        out.push(id);
    }
    out
}

/// A column the results can be sorted by (within the page on screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Stem,
    Kind,
    Category,
    Difficulty,
    Reports,
}

/// The page's rows sorted by `column`, descending when `desc`.
pub fn sorted(items: &[QuestionItem], column: Column, desc: bool) -> Vec<QuestionItem> {
    let kind_rank = |k: QuestionKind| KINDS.iter().position(|&x| x == k).unwrap_or(0);
    let cmp = |a: usize, b: usize| {
        let (a, b) = (&items[a], &items[b]);
        match column {
            Column::Stem => a.stem.cmp(&b.stem),
            Column::Kind => kind_rank(a.kind).cmp(&kind_rank(b.kind)),
            Column::Category => a.category.cmp(&b.category),
            Column::Difficulty => a.difficulty.cmp(&b.difficulty),
            Column::Reports => a.open_reports.cmp(&b.open_reports),
        }
    };
    sort_order(items.len(), &cmp, desc)
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

/// How many pages `total` questions fill, at least one.
pub fn page_count(total: i64) -> i64 {
    ((total.max(0) + PER_PAGE - 1) / PER_PAGE).max(1)
}

/// Links that download the export in every format, narrowed by `query`.
#[component]
fn ExportLinks(#[prop(into)] query: Signal<String>) -> impl IntoView {
    EXPORT_FORMATS
        .iter()
        .map(|&(code, label)| {
            view! {
                " "
                <a href=move || export_url(code, &query.get()) download>{label}</a>
            }
        })
        .collect_view()
}

/// The search form: Enter in any field searches (it is the form's only submit).
#[component]
fn SearchForm(
    filter: Filter,
    categories: Signal<Vec<(String, String)>>,
    go: Callback<Filter>,
) -> impl IntoView {
    let f = filter;
    let q = RwSignal::new(f.q);
    let category = RwSignal::new(f.category);
    let kind = RwSignal::new(f.kind);
    let difficulty = RwSignal::new(f.difficulty);
    let reported = RwSignal::new(f.reported);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go.run(Filter {
            q: q.get_untracked(),
            category: category.get_untracked(),
            kind: kind.get_untracked(),
            difficulty: difficulty.get_untracked(),
            reported: reported.get_untracked(),
            page: 1,
        });
    };
    view! {
        <form id="filter" class="search-form" role="search" novalidate on:submit=submit>
            <label class="field search-q">
                <span class="label">{t(K::Search)}</span>
                <input
                    class="input"
                    name="q"
                    type="search"
                    maxlength="64"
                    prop:value=q
                    on:input=move |ev| q.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span class="label">{t(K::QuestionCategory)}</span>
                <select
                    class="input"
                    name="category"
                    on:change=move |ev| category.set(event_target_value(&ev))
                >
                    {move || option_views(&categories.get(), &category.get_untracked())}
                </select>
            </label>
            <label class="field">
                <span class="label">{t(K::QuestionKind)}</span>
                <select class="input" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {option_views(&kind_options(Some(K::AllKinds)), &kind.get_untracked())}
                </select>
            </label>
            <label class="field">
                <span class="label">{t(K::QuestionDifficulty)}</span>
                <select
                    class="input"
                    name="difficulty"
                    on:change=move |ev| difficulty.set(event_target_value(&ev))
                >
                    {option_views(&difficulty_options(K::DifficultyAny), &difficulty.get_untracked())}
                </select>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    name="reported"
                    checked=reported.get_untracked()
                    on:change=move |ev| reported.set(event_target_checked(&ev))
                />
                <span>{t(K::QuestionReportedOnly)}</span>
            </label>
            <button type="submit" class="btn btn-primary search-go">{t(K::Search)}</button>
        </form>
    }
}

/// A new category, at the top or under another; says when it is added or why not.
#[component]
fn NewCategory(categories: Signal<Vec<(String, String)>>, cats: Fetch) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CategoryInput {
            name: name.get_untracked().trim().to_string(),
            parent_id: parent.get_untracked().parse().ok(),
        };
        if body.name.is_empty() {
            outcome.set(Some(Err(t(K::CategoryName).to_string())));
            return;
        }
        leptos::task::spawn_local(async move {
            let r: Result<api::Ignored, ApiError> =
                api::send("POST", api::QUESTION_CATEGORIES, &body).await;
            match r {
                Ok(_) => {
                    outcome.try_set(Some(Ok(())));
                    name.try_set(String::new());
                    cats.reload();
                }
                Err(e) => {
                    outcome.try_set(Some(Err(error_text(&e))));
                }
            }
        });
    };
    view! {
        <details class="new-category">
            <summary class="small">{t(K::CategoryNew)}</summary>
            <form id="new-category" class="row" on:submit=submit>
                <input
                    class="input"
                    name="name"
                    maxlength="40"
                    required
                    placeholder=t(K::CategoryName)
                    prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <select class="input" name="parent" on:change=move |ev| parent.set(event_target_value(&ev))>
                    {move || option_views(&categories.get(), &parent.get_untracked())}
                </select>
                <button type="submit" class="btn btn-small">{t(K::Add)}</button>
            </form>
            {move || match outcome.get() {
                Some(Ok(())) => {
                    view! { <p class="banner success" role="status">{t(K::QuestionCategoryAdded)}</p> }
                        .into_any()
                }
                Some(Err(m)) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
                None => ().into_any(),
            }}
        </details>
    }
}

/// Previous / "page x of y" / next; nothing when everything fits one page.
#[component]
fn Pager(page: i64, total: i64, go: Callback<i64>) -> impl IntoView {
    let pages = page_count(total);
    let page = page.clamp(1, pages);
    (pages > 1).then(|| {
        view! {
            <nav class="pager">
                <button
                    type="button"
                    class="btn btn-small"
                    disabled={page <= 1}
                    on:click=move |_| go.run(page - 1)
                >
                    {t(K::MembersPrev)}
                </button>
                <span class="pager-info">
                    {tf(
                        K::MembersPageOf,
                        &[("page", &page.to_string()), ("pages", &pages.to_string())],
                    )}
                </span>
                <button
                    type="button"
                    class="btn btn-small"
                    disabled={page >= pages}
                    on:click=move |_| go.run(page + 1)
                >
                    {t(K::MembersNext)}
                </button>
            </nav>
        }
    })
}

/// One page of results as a table; the boxes pick questions for an export.
#[component]
fn Results(
    page: QuestionPage,
    current: i64,
    selected: RwSignal<Vec<i64>>,
    go_page: Callback<i64>,
) -> impl IntoView {
    let sort: Sort<Column> = RwSignal::new(None);
    let total = page.total;
    let items = page.items;
    let rows = move || {
        let items = match sort.get() {
            Some((c, desc)) => sorted(&items, c, desc),
            None => items.clone(),
        };
        items
            .into_iter()
            .map(|q| {
                let id = q.id;
                let checked = move || selected.with(|s| s.contains(&id));
                view! {
                    <tr class="pick-row">
                        <td class="cell-pick">
                            <input
                                type="checkbox"
                                name="sel"
                                value=id.to_string()
                                aria-label=t(K::Select)
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.update(|s| *s = toggle(s, id, on));
                                }
                            />
                        </td>
                        <td class="cell-name cell-stem">
                            <a href=format!("/admin/questions/{id}")>{q.stem.clone()}</a>
                        </td>
                        <td data-label=t(K::QuestionKind)>{t(question_kind_key(q.kind))}</td>
                        <td data-label=t(K::QuestionCategory)>{q.category.clone()}</td>
                        <td data-label=t(K::QuestionDifficulty)>{t(difficulty_key(q.difficulty))}</td>
                        <td data-label=t(K::ColReports)>
                            {(q.open_reports > 0)
                                .then(|| {
                                    view! {
                                        <span class="badge warn">
                                            {tf(K::QuestionOpenReports, &[("n", &q.open_reports.to_string())])}
                                        </span>
                                    }
                                })}
                            {(!q.editable).then(|| view! { <span class="badge">{t(K::ReadOnly)}</span> })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="results-head">
            <p class="muted small">{tf(K::QuestionTotal, &[("n", &total.to_string())])}</p>
            {move || {
                let ids = selected.get();
                (!ids.is_empty())
                    .then(|| {
                        let query = ids_query(&ids);
                        view! {
                            <p class="small export" id="export-selection">
                                {tf(K::ExportSelected, &[("n", &ids.len().to_string())])}
                                <ExportLinks query=query/>
                            </p>
                        }
                    })
            }}
        </div>
        <table class="table stack questions">
            <thead>
                <tr>
                    <th>
                        <span class="visually-hidden">{t(K::Select)}</span>
                    </th>
                    <SortHeader label=K::QuestionStem column=Column::Stem sort=sort/>
                    <SortHeader label=K::QuestionKind column=Column::Kind sort=sort/>
                    <SortHeader label=K::QuestionCategory column=Column::Category sort=sort/>
                    <SortHeader label=K::QuestionDifficulty column=Column::Difficulty sort=sort/>
                    <SortHeader label=K::ColReports column=Column::Reports sort=sort/>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager page=current total=total go=go_page/>
    }
}

#[component]
pub fn AdminQuestions() -> impl IntoView {
    // The filter lives in the URL (back and reload keep it); the selection spans pages.
    let router = use_router();
    let filter = move || Filter::from_params(|k| router.url().param(k));
    let selected = RwSignal::new(Vec::<i64>::new());
    let cats = load(|| api::QUESTION_CATEGORIES.into());
    let questions = load(move || filter().url());
    let go = Callback::new(move |f: Filter| router.navigate(&f.page_url(), Nav::REPLACE));
    let go_page = Callback::new(move |n: i64| {
        go.run(Filter {
            page: n,
            ..untrack(filter)
        })
    });
    let categories = Signal::derive(move || {
        let all = cats
            .read::<Vec<Category>>()
            .and_then(Result::ok)
            .unwrap_or_default();
        category_options(&all, &[(String::new(), t(K::AllCategories).into())])
    });
    let category_query = Signal::derive(move || {
        let c = filter().category;
        if c.is_empty() {
            String::new()
        } else {
            format!("&category_id={}", api::encode_component(&c))
        }
    });
    view! {
        <Page class="admin-questions desk" title=K::ManageQuestions back=Some("/")>
            <div class="toolbar">
                <a class="btn btn-primary" id="new-question" href="/admin/questions/new">
                    {t(K::QuestionNew)}
                </a>
                <a class="btn btn-ghost" id="to-import" href="/admin/import">
                    {t(K::QImportTitle)}
                </a>
            </div>
            <section class="card bank-search">
                <SearchForm filter=untrack(filter) categories=categories go=go/>
                // Exports follow the chosen category (none: the whole bank in scope).
                <p class="small export">{t(K::Export)} <ExportLinks query=category_query/></p>
                <NewCategory categories=categories cats=cats/>
            </section>
            <section class="bank-results" aria-live="polite">
                <Loaded
                    data=questions
                    lines=5
                    ok=show(move |p: QuestionPage| {
                        view! {
                            <Results
                                page=p
                                current=untrack(filter).page
                                selected=selected
                                go_page=go_page
                            />
                        }
                    })
                />
            </section>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::questions::Owner;

    fn item(id: i64, stem: &str, kind: QuestionKind, difficulty: u8, reports: i64) -> QuestionItem {
        QuestionItem {
            id,
            stable_id: format!("q{id}"),
            category_id: 1,
            category: "党章".into(),
            kind,
            stem: stem.into(),
            difficulty,
            tags: vec![],
            version: 1,
            owner: Owner::default(),
            editable: true,
            open_reports: reports,
        }
    }

    #[test]
    fn the_filter_becomes_the_query_and_back() {
        let f = Filter {
            q: " 四个 意识 ".into(),
            category: "3".into(),
            kind: "single".into(),
            difficulty: String::new(),
            reported: true,
            page: 2,
        };
        assert_eq!(
            f.url(),
            "/api/v1/questions?per_page=20&page=2&q=%E5%9B%9B%E4%B8%AA%20%E6%84%8F%E8%AF%86&category_id=3&kind=single&reported=true"
        );
        let back = Filter::from_params(|k| crate::router::Url::parse(&f.page_url()).param(k));
        assert_eq!(back, f);
        assert_eq!(
            export_url("xlsx", "&category_id=3"),
            "/api/v1/question-exports?format=xlsx&category_id=3"
        );
        // The kinds offered are the shared kinds, by their wire names.
        let kinds = kind_options(Some(K::AllKinds));
        assert_eq!(kinds.len(), 5);
        for (k, (v, _)) in KINDS.iter().zip(&kinds[1..]) {
            assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{v}\""));
        }
    }

    #[test]
    fn the_selection_spans_pages_and_exports_by_id() {
        let s = toggle(&[30], 8, true);
        assert_eq!(s, vec![30, 8]);
        assert_eq!(ids_query(&s), "&ids=30,8");
        assert_eq!(toggle(&s, 30, false), vec![8]);
        assert_eq!(toggle(&s, 8, true), vec![30, 8], "no duplicates");
    }

    #[test]
    fn rows_sort_by_column_and_pages_round_up() {
        let page = QuestionPage {
            items: vec![
                item(1, "乙", QuestionKind::FillIn, 3, 0),
                item(2, "甲", QuestionKind::Single, 1, 2),
                item(3, "丙", QuestionKind::Multiple, 2, 1),
            ],
            total: 45,
            page: 1,
            per_page: 20,
        };
        let ids = |l: Vec<QuestionItem>| l.into_iter().map(|q| q.id).collect::<Vec<_>>();
        assert_eq!(ids(sorted(&page.items, Column::Kind, false)), [2, 3, 1]);
        assert_eq!(
            ids(sorted(&page.items, Column::Difficulty, true)),
            [1, 3, 2]
        );
        assert_eq!(ids(sorted(&page.items, Column::Reports, true)), [2, 3, 1]);
        assert_eq!(page_count(page.total), 3);
        assert_eq!(page_count(0), 1);
        assert_eq!(difficulty_key(3), K::DifficultyHard);
    }
}
