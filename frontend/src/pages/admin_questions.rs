//! `/admin/questions`: the question bank in the organizer's scope — search by text, category
//! (with sub-categories), kind, difficulty or open error reports (the report inbox), page
//! through, open a question in the editor; import and export files.

use leptos::prelude::*;
use serde_json::Value;

use crate::answers::{question_kind, question_kind_key};
use crate::api;
use crate::choices::{category_options, keyed};
use crate::components::{error_text, pager_html, region, Act, Fetch, Page};
use crate::html::{banner, check, el, esc, field, input, select};
use crate::i18n::{t, tf, K};
use crate::json::{b, i, list, opt_id, quote, s};
use crate::router::{use_router, Nav};

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

/// The kind choices, with a first entry labelled `first` (empty value) when given.
pub fn kind_options(first: Option<K>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = first
        .map(|k| vec![(String::new(), t(k).to_string())])
        .unwrap_or_default();
    for k in ["single", "multiple", "true_false", "fill_in"] {
        if let Some(kind) = question_kind(k) {
            out.push((k.to_string(), t(question_kind_key(kind)).to_string()));
        }
    }
    out
}

/// The search form and the tools above the list.
pub fn filter_html(f: &Filter, categories: &[(String, String)]) -> String {
    let mut h = String::from(r#"<section class="card form"><div class="actions">"#);
    h += &format!(
        r#"<a class="btn btn-primary" id="new-question" href="/admin/questions/new">{}</a><a class="btn btn-ghost" id="to-import" href="/admin/import">{}</a>"#,
        t(K::QuestionNew),
        t(K::QImportTitle)
    );
    h += "</div>";
    h += r#"<form id="filter" novalidate>"#;
    h += &field(
        t(K::Search),
        &input("q", "search", &f.q, r#"maxlength="64""#),
    );
    h += &field(
        t(K::QuestionCategory),
        &select("category", categories, &f.category),
    );
    h += r#"<div class="row">"#;
    h += &select("kind", &kind_options(Some(K::AllKinds)), &f.kind);
    h += &select(
        "difficulty",
        &difficulty_options(K::DifficultyAny),
        &f.difficulty,
    );
    h += "</div>";
    h += &check("reported", "1", t(K::QuestionReportedOnly), f.reported);
    h += &format!(
        r#"<button type="submit" class="btn btn-block">{}</button></form>"#,
        t(K::Search)
    );
    // Exports follow the chosen category (none: the whole bank in scope).
    h += r#"<p class="small export">"#;
    h += t(K::Export);
    let cat = if f.category.is_empty() {
        String::new()
    } else {
        format!("&category_id={}", esc(&f.category))
    };
    h += &export_links(&cat);
    h += "</p>";
    // A new category, at the top or under another.
    h += &format!(
        r#"<details><summary class="small">{}</summary><form id="new-category" class="row">{}{}<button type="submit" class="btn btn-small">{}</button></form></details>"#,
        t(K::CategoryNew),
        input(
            "name",
            "text",
            "",
            &format!(
                r#"maxlength="40" required placeholder="{}""#,
                t(K::CategoryName)
            )
        ),
        select("parent", categories, ""),
        t(K::Add)
    );
    h + "</section>"
}

/// Links that download the export in every format; `query` narrows it (`&ids=…`).
fn export_links(query: &str) -> String {
    let mut h = String::new();
    for (code, label) in [
        ("xlsx", "Excel"),
        ("csv", "CSV"),
        ("toml", "TOML"),
        ("gift", "GIFT"),
        ("moodle_xml", "Moodle XML"),
    ] {
        h += &format!(
            r#" <a href="/api/v1/question-exports?format={code}{query}" download>{label}</a>"#
        );
    }
    h
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// One page of questions (`QuestionPage`).
pub fn list_html(page: &Value, current: i64, selected: &[i64]) -> String {
    let total = i(page, "total");
    let mut h = el(
        "p",
        "muted small",
        &tf(K::QuestionTotal, &[("n", &total.to_string())]),
    );
    if !selected.is_empty() {
        h += r#"<p class="small export" id="export-selection">"#;
        h += &tf(K::ExportSelected, &[("n", &selected.len().to_string())]);
        h += &export_links(&format!("&ids={}", join_ids(selected)));
        h += "</p>";
    }
    h += r#"<form id="selection"><ul class="link-list card questions">"#;
    for q in list(page, "items") {
        let id = i(q, "id");
        h += &format!(
            r#"<li class="pick-row"><input type="checkbox" name="sel" value="{id}"{} aria-label="{}">"#,
            if selected.contains(&id) {
                " checked"
            } else {
                ""
            },
            t(K::Select)
        );
        let kind = question_kind(s(q, "kind"))
            .map(|k| t(question_kind_key(k)))
            .unwrap_or("");
        h += &format!(
            r#"<a class="link-row" href="/admin/questions/{}"><span class="link-title">{}</span><span class="link-desc">{} · {} · {}"#,
            i(q, "id"),
            esc(s(q, "stem")),
            esc(kind),
            esc(s(q, "category")),
            t(match i(q, "difficulty") {
                1 => K::DifficultyEasy,
                3 => K::DifficultyHard,
                _ => K::DifficultyMedium,
            })
        );
        if i(q, "open_reports") > 0 {
            h += &format!(
                r#" <span class="badge warn">{}</span>"#,
                tf(
                    K::QuestionOpenReports,
                    &[("n", &i(q, "open_reports").to_string())]
                )
            );
        }
        if !b(q, "editable") {
            h += &format!(r#" <span class="badge">{}</span>"#, t(K::ReadOnly));
        }
        h += "</span></a></li>";
    }
    h += "</ul></form>";
    h += &pager_html(current as u32, total, PER_PAGE as u32);
    h
}

impl Filter {
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

#[component]
pub fn AdminQuestions() -> impl IntoView {
    // The filter lives in the URL (back and reload keep it); the selection spans pages, as
    // ids separated by commas.
    let router = use_router();
    let filter = move || Filter::from_params(|k| router.url().param(k));
    let selected = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let cats = Fetch::new(|| api::QUESTION_CATEGORIES.into());
    let questions = Fetch::new(move || filter().url());
    let go = move |f: Filter| router.navigate(&f.page_url(), Nav::REPLACE);
    let act = move |a: Act| match a {
        Act::Submit(form, f) if form == "new-category" => {
            let body = format!(
                r#"{{"name":{},"parent_id":{}}}"#,
                quote(f.text("name").trim()),
                opt_id(f.id("parent"))
            );
            api::spawn_call(
                "POST",
                api::QUESTION_CATEGORIES.into(),
                Some(body),
                move |r| {
                    notice.try_set(Some(match r {
                        Ok(_) => (true, t(K::Saved).to_string()),
                        Err(e) => (false, error_text(&e)),
                    }));
                    cats.reload();
                },
            );
        }
        Act::Submit(_, f) => go(Filter {
            q: f.text("q").into(),
            category: f.text("category").into(),
            kind: f.text("kind").into(),
            difficulty: f.text("difficulty").into(),
            reported: f.get("reported").is_some(),
            page: 1,
        }),
        // The selection spans pages: this page's boxes replace this page's part of it.
        Act::Change(form, _, f) if form == "selection" => {
            let on_page: Vec<i64> = questions
                .get_untracked()
                .and_then(Result::ok)
                .map(|p| list(&p, "items").iter().map(|q| i(q, "id")).collect())
                .unwrap_or_default();
            let mut ids: Vec<i64> = selected.with_untracked(|s| parse_ids(s));
            ids.retain(|id| !on_page.contains(id));
            ids.extend(f.ids("sel"));
            selected.set(join_ids(&ids));
        }
        Act::Click(what, n) if what == "page" => go(Filter {
            page: n,
            ..filter()
        }),
        Act::Click(..) => questions.reload(),
        Act::Change(..) => {}
    };
    let html = move || {
        let categories = match cats.get() {
            Some(Ok(c)) => category_options(&c, &[(String::new(), t(K::AllCategories).into())]),
            _ => Vec::new(),
        };
        let f = filter();
        let mut h = notice.with(|n| n.as_ref().map(|(ok, m)| banner(*ok, m)).unwrap_or_default());
        h += &filter_html(&f, &categories);
        h += &questions.html(5, |p: Value| {
            selected.with(|sel| list_html(&p, f.page, &parse_ids(sel)))
        });
        h
    };
    view! {
        <Page class="admin-questions" title=K::ManageQuestions back=Some("/")>
            {region("", html, act)}
        </Page>
    }
}

fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_filter_becomes_the_query() {
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
        let h = filter_html(&f, &[("3".into(), "党章".into())]);
        assert!(h.contains(r#"format=xlsx&category_id=3"#));
        assert!(h.contains(r#"name="reported" value="1" checked"#));
    }

    #[test]
    fn rows_show_kind_category_reports_and_pages() {
        let page = json!({
            "total": 45, "page": 2, "per_page": 20,
            "items": [{
                "id": 8, "stem": "题<干>", "kind": "multiple", "category": "党章",
                "difficulty": 3, "open_reports": 2, "editable": false,
            }],
        });
        let h = list_html(&page, 2, &[8, 30]);
        assert!(h.contains(r#"name="sel" value="8" checked"#));
        assert!(h.contains("ids=8,30"));
        assert!(!list_html(&page, 2, &[]).contains("export-selection"));
        assert!(h.contains(r#"href="/admin/questions/8""#));
        assert!(h.contains("题&lt;干&gt;"));
        assert!(h.contains("2/3"));
        assert!(h.contains(r#"data-action="page" data-id="1""#));
        assert!(h.contains(r#"data-action="page" data-id="3""#));
        assert!(h.contains("badge warn"));
    }
}
