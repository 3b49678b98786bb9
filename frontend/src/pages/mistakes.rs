//! `/mistakes`: the mistake book (错题本), each question with what the member answered last,
//! its key, explanation and source; filtered by module and category and paged (the filter
//! and page are in the address, so back and reload keep them); one button starts 错题练习
//! over the whole book.

use leptos::prelude::*;
use shared::api::quiz::Mistake;

use crate::api::{self, encode_component};
use crate::components::{load, show, Loaded, Page, Pager, Reviewed, Reviews};
use crate::i18n::{t, tf, K};
use crate::router::{use_router, Nav, Router, Url};

/// Questions per page.
pub const PER_PAGE: u32 = 10;

/// The heading of a mistake's group: "module · category", or the category alone.
fn group_of(m: &Mistake) -> String {
    match &m.module_title {
        Some(t) if *t != m.category => format!("{t} · {}", m.category),
        _ => m.category.clone(),
    }
}

/// The book in groups, in the order groups first appear.
pub fn group_mistakes(items: Vec<Mistake>) -> Vec<(String, Vec<Mistake>)> {
    let mut groups: Vec<(String, Vec<Mistake>)> = Vec::new();
    for m in items {
        let head = group_of(&m);
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, list)) => list.push(m),
            None => groups.push((head, vec![m])),
        }
    }
    groups
}

/// The module a mistake is filed under in the filter (questions outside every module
/// under one name of their own).
pub fn module_of(m: &Mistake) -> &str {
    m.module_title.as_deref().unwrap_or(t(K::MistakesNoModule))
}

/// Distinct values in the order they first appear.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

/// What the book is narrowed to, and which page of it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub module: Option<String>,
    pub category: Option<String>,
    /// 1-based.
    pub page: u32,
}

impl Filter {
    pub fn from_url(u: &Url) -> Filter {
        let some = |k: &str| u.param(k).filter(|v| !v.is_empty());
        Filter {
            module: some("module"),
            category: some("category"),
            page: u
                .param("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
        }
    }

    /// The page's address for this filter.
    pub fn href(&self) -> String {
        let mut q = Vec::new();
        if let Some(m) = &self.module {
            q.push(format!("module={}", encode_component(m)));
        }
        if let Some(c) = &self.category {
            q.push(format!("category={}", encode_component(c)));
        }
        if self.page > 1 {
            q.push(format!("page={}", self.page));
        }
        if q.is_empty() {
            "/mistakes".into()
        } else {
            format!("/mistakes?{}", q.join("&"))
        }
    }

    pub fn keeps(&self, m: &Mistake) -> bool {
        self.module.as_deref().is_none_or(|x| module_of(m) == x)
            && self.category.as_deref().is_none_or(|x| m.category == x)
    }
}

/// The modules in the book, and the categories within the chosen module (all of them
/// without one).
pub fn choices(items: &[Mistake], f: &Filter) -> (Vec<String>, Vec<String>) {
    let modules = distinct(items.iter().map(module_of));
    let categories = distinct(
        items
            .iter()
            .filter(|m| f.module.as_deref().is_none_or(|x| module_of(m) == x))
            .map(|m| m.category.as_str()),
    );
    (modules, categories)
}

/// The questions the filter keeps, how many in all, and the shown page's slice (the page
/// clamped to the last one) with the number of its first question.
pub fn page_of(items: &[Mistake], f: &Filter) -> (usize, u32, Vec<Mistake>) {
    let kept: Vec<&Mistake> = items.iter().filter(|m| f.keeps(m)).collect();
    let pages = (kept.len() as u32).div_ceil(PER_PAGE).max(1);
    let page = f.page.clamp(1, pages);
    let from = ((page - 1) * PER_PAGE) as usize;
    let slice = kept
        .iter()
        .skip(from)
        .take(PER_PAGE as usize)
        .map(|m| (*m).clone())
        .collect();
    (kept.len(), page, slice)
}

/// A mistake as a question looked back on, numbered `number` in the book: what the member
/// answered the last time it was wrong, beside the key.
pub fn reviewed(number: usize, m: Mistake) -> Reviewed {
    Reviewed {
        number,
        kind: Some(m.kind),
        footer: Some(format!(
            "{} · {}",
            tf(K::MistakesWrong, &[("n", &m.wrong_count.to_string())]),
            tf(K::MistakesProgress, &[("n", &m.right_days.to_string())]),
        )),
        report: Some(m.question_id),
        stem: m.stem,
        options: m.options,
        answer: m.your_answer,
        key: Some(m.key),
        correct: Some(false),
        explanation: Some(m.explanation),
        source: Some(m.source),
    }
}

/// A filter's drop-down: "all" first, then each value; choosing one goes to its address.
fn select(
    id: &'static str,
    label: K,
    all: K,
    values: Vec<String>,
    current: Option<String>,
    to: impl Fn(Option<String>) -> String + 'static,
    router: Router,
) -> impl IntoView {
    let options = values.into_iter().map(|v| {
        let selected = current.as_deref() == Some(v.as_str());
        view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
    });
    view! {
        <label class="field filter">
            <span class="label">{t(label)}</span>
            <select
                class="input"
                id=id
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let href = to((!v.is_empty()).then_some(v));
                    router.navigate(&href, Nav { keep_scroll: true, ..Nav::default() });
                }
            >
                <option value="" selected=current.is_none()>{t(all)}</option>
                {options.collect_view()}
            </select>
        </label>
    }
}

/// The mistake book: the count, the rule, 错题练习, the filters, then one page of questions
/// by group.
fn book(items: Vec<Mistake>, router: Router) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="card empty">{t(K::MistakesEmpty)}</p> }.into_any();
    }
    let count = tf(K::MistakesCount, &[("n", &items.len().to_string())]);
    let items = StoredValue::new(items);
    let listing = move || {
        let f = Filter::from_url(&router.url());
        let (modules, categories) = items.with_value(|all| choices(all, &f));
        let (kept, page, slice) = items.with_value(|all| page_of(all, &f));
        let to_module = move |module| {
            Filter {
                module,
                category: None,
                page: 1,
            }
            .href()
        };
        let to_category = {
            let f = f.clone();
            move |category| {
                Filter {
                    category,
                    page: 1,
                    ..f.clone()
                }
                .href()
            }
        };
        let to_page = {
            let f = f.clone();
            move |page: u32| {
                router.navigate(&Filter { page, ..f.clone() }.href(), Nav::default());
            }
        };
        let filtered = f.module.is_some() || f.category.is_some();
        let mut n = (page.saturating_sub(1) * PER_PAGE) as usize;
        let groups = group_mistakes(slice).into_iter().map(|(head, group)| {
            let items: Vec<Reviewed> = group
                .into_iter()
                .map(|m| {
                    n += 1;
                    reviewed(n, m)
                })
                .collect();
            view! {
                <h2 class="section-title">{head}</h2>
                <Reviews items/>
            }
        });
        view! {
            <section class="card filters">
                {select("mistakes-module", K::MistakesModule, K::MistakesAllModules, modules, f.module.clone(), to_module, router)}
                {select("mistakes-category", K::MistakesCategory, K::MistakesAllCategories, categories, f.category.clone(), to_category, router)}
                {filtered.then(|| view! {
                    <p class="small muted filter-count">
                        {tf(K::MistakesShown, &[("n", &kept.to_string())])}
                        " · "
                        <a href="/mistakes">{t(K::MistakesClearFilter)}</a>
                    </p>
                })}
            </section>
            {(kept == 0).then(|| view! { <p class="card empty">{t(K::MistakesNoneFiltered)}</p> })}
            {groups.collect_view()}
            <Pager page=page total=kept as i64 per_page=PER_PAGE on_page=to_page/>
        }
    };
    view! {
        <section class="card mistakes-head">
            <h2 class="card-title">{count}</h2>
            <p class="muted small">{t(K::MistakesRule)}</p>
            <a class="btn btn-primary btn-block" id="practise-mistakes" href="/mistakes/practice">
                {t(K::MistakesPractice)}
            </a>
        </section>
        {listing}
    }
    .into_any()
}

#[component]
pub fn Mistakes() -> impl IntoView {
    let list = load(|| api::MISTAKES.into());
    let router = use_router();
    view! {
        <Page class="mistakes" title=K::MistakesTitle>
            <Loaded data=list lines=4 ok=show(move |items: Vec<Mistake>| book(items, router))/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::grading::{Answer, QuestionKind};

    fn m(id: i64, module: Option<&str>, category: &str) -> Mistake {
        Mistake {
            question_id: id,
            category: category.into(),
            module_title: module.map(Into::into),
            kind: QuestionKind::Single,
            stem: format!("q{id}"),
            options: vec!["甲".into(), "乙".into()],
            key: Answer::Single { option: 1 },
            explanation: "原文：……".into(),
            source: "第1条".into(),
            wrong_count: 2,
            right_days: 1,
            your_answer: Some(Answer::Single { option: 0 }),
        }
    }

    #[test]
    fn mistakes_group_by_module_and_category_in_first_seen_order() {
        let items = vec![
            m(1, Some("党章"), "党章"),
            m(2, Some("2023年党建工作要点"), "作风建设"),
            m(3, Some("党章"), "党章"),
            m(4, None, "其他题目"),
        ];
        let g = group_mistakes(items);
        let heads: Vec<&str> = g.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(heads, ["党章", "2023年党建工作要点 · 作风建设", "其他题目"]);
        assert_eq!(g[0].1.len(), 2);
    }

    #[test]
    fn each_mistake_shows_its_key_tally_and_report_button() {
        let r = reviewed(1, m(7, Some("党章"), "党章"));
        assert_eq!(r.key, Some(Answer::Single { option: 1 }));
        assert_eq!(
            r.answer,
            Some(Answer::Single { option: 0 }),
            "what the member answered"
        );
        assert_eq!(
            crate::components::answer_lines(&r).0.as_deref(),
            Some("您的答案：A")
        );
        let unanswered = Mistake {
            your_answer: None,
            ..m(8, None, "党章")
        };
        assert_eq!(
            crate::components::answer_lines(&reviewed(1, unanswered))
                .0
                .as_deref(),
            Some("您的答案：未作答")
        );
        assert_eq!(r.footer.as_deref(), Some("答错2次 · 已答对1天"));
        assert_eq!(r.report, Some(7));
        assert_eq!(r.source.as_deref(), Some("第1条"));
    }

    #[test]
    fn filters_narrow_by_module_then_category_and_pages_hold_ten() {
        let mut items: Vec<Mistake> = (1..=14).map(|i| m(i, Some("党章"), "党章")).collect();
        items.push(m(20, Some("2023年党建工作要点"), "作风建设"));
        items.push(m(21, Some("2023年党建工作要点"), "纪律建设"));
        items.push(m(22, None, "其他题目"));
        let all = Filter::default();
        let (modules, categories) = choices(&items, &all);
        assert_eq!(
            modules,
            ["党章", "2023年党建工作要点", t(K::MistakesNoModule)]
        );
        assert_eq!(categories.len(), 4);
        let (kept, page, slice) = page_of(&items, &all);
        assert_eq!((kept, page, slice.len()), (17, 1, 10));
        let last = Filter {
            page: 9,
            ..all.clone()
        };
        let (_, page, slice) = page_of(&items, &last);
        assert_eq!(
            (page, slice.len()),
            (2, 7),
            "a page past the end shows the last"
        );
        let plan = Filter {
            module: Some("2023年党建工作要点".into()),
            ..Filter::default()
        };
        assert_eq!(choices(&items, &plan).1, ["作风建设", "纪律建设"]);
        let narrow = Filter {
            category: Some("纪律建设".into()),
            ..plan.clone()
        };
        let (kept, _, slice) = page_of(&items, &narrow);
        assert_eq!((kept, slice[0].question_id), (1, 21));
        let other = Filter {
            module: Some(t(K::MistakesNoModule).into()),
            ..Filter::default()
        };
        assert_eq!(page_of(&items, &other).2[0].question_id, 22);
    }

    #[test]
    fn the_filter_lives_in_the_address() {
        let f = Filter {
            module: Some("党章".into()),
            category: Some("纪律 建设".into()),
            page: 2,
        };
        assert_eq!(Filter::from_url(&Url::parse(&f.href())), f);
        assert_eq!(Filter::default().href(), "/mistakes");
        assert_eq!(Filter::from_url(&Url::parse("/mistakes?page=0")).page, 1);
    }
}
