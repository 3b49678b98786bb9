//! `/admin/import`: an organizer brings in a question file (XLSX/CSV template, Beacon TOML,
//! GIFT, Moodle XML). The upload answers with a preview (counts by kind, every problem by
//! row, the stored questions it changes with their old and new text, the sheets read or
//! skipped, warnings, columns left out, questions without 解析 or 出处); confirming starts
//! the import on the server, whose progress this page polls.
//!
//! Written as HTML text with one submit and one click handler (see `crate::html`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api;
use crate::app::use_session;
use shared::api::auth::Role;

use crate::browser;
use crate::choices::{category_options, owner_options, parse_unit};
use crate::components::{chosen_file, error_text, region, Act, Fetch, Page};
use crate::html::{action, banner, bar, el, esc, field, select};
use crate::i18n::{t, tf, K};
use crate::json::{i, list, s};

const KINDS: [(&str, K); 4] = [
    ("single", K::QSingle),
    ("multiple", K::QMultiple),
    ("true_false", K::QTrueFalse),
    ("fill_in", K::QFillIn),
];

/// The upload form: file, owner, category for questions whose file names none.
pub fn upload_html(owners: &[(String, String)], categories: &[(String, String)]) -> String {
    let mut h = String::from(r#"<section class="card form"><h2 class="card-title">"#);
    h += t(K::QImportTitle);
    h += "</h2>";
    h += &el("p", "muted small", t(K::QImportHint));
    h += &format!(
        r#"<p class="small"><a href="{0}?format=xlsx" download>{1}</a> · <a href="{0}?format=csv" download>{2}</a></p>"#,
        api::QUESTION_IMPORTS.to_string() + "/template",
        t(K::ImportTemplateXlsx),
        t(K::ImportTemplateCsv)
    );
    h += r#"<form id="upload" novalidate>"#;
    h += &field(
        t(K::QImportFile),
        r#"<input class="input" type="file" id="import-file" accept=".xlsx,.csv,.toml,.zip,.txt,.gift,.xml">"#,
    );
    let first = owners.first().map(|o| o.0.as_str()).unwrap_or("");
    h += &field(t(K::QuestionOwner), &select("owner", owners, first));
    h += &field(t(K::QImportCategory), &select("category", categories, ""));
    h += &format!(
        r#"<button type="submit" id="import-preview" class="btn btn-primary btn-block">{}</button></form></section>"#,
        t(K::QImportPreview)
    );
    h
}

/// What the import will do (an `ImportJob` in state `preview`).
pub fn preview_html(job: &Value) -> String {
    let mut h = String::from(r#"<section class="card" id="preview">"#);
    h += &el(
        "h2",
        "card-title",
        &tf(K::QImportPreviewOf, &[("file", s(job, "file_name"))]),
    );
    h += r#"<table class="table"><thead><tr>"#;
    for k in [K::QuestionKind, K::QImportAdded, K::QImportUpdated] {
        h += &el("th", "", t(k));
    }
    h += "</tr></thead><tbody>";
    for (key, label) in KINDS {
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            t(label),
            job["added"][key].as_i64().unwrap_or(0),
            job["updated"][key].as_i64().unwrap_or(0)
        );
    }
    h += "</tbody></table>";
    h += &el(
        "p",
        "small",
        &tf(
            K::QImportUnchanged,
            &[("n", &i(job, "unchanged").to_string())],
        ),
    );
    let cats: Vec<&str> = list(job, "new_categories")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !cats.is_empty() {
        h += &el(
            "p",
            "small",
            &tf(K::QImportNewCategories, &[("names", &cats.join("、"))]),
        );
    }
    let existing: Vec<&str> = list(job, "existing_categories")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !existing.is_empty() {
        h += &el(
            "p",
            "small",
            &tf(
                K::QImportExistingCategories,
                &[("names", &existing.join("、"))],
            ),
        );
    }
    let (no_explanation, no_source) = (i(job, "without_explanation"), i(job, "without_source"));
    if no_explanation + no_source > 0 {
        h += &el(
            "p",
            "small",
            &tf(
                K::QImportWithout,
                &[
                    ("explanation", &no_explanation.to_string()),
                    ("source", &no_source.to_string()),
                ],
            ),
        );
    }
    let ignored: Vec<&str> = list(job, "ignored_columns")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !ignored.is_empty() {
        h += &el(
            "p",
            "small muted",
            &tf(K::QImportIgnoredColumns, &[("names", &ignored.join("、"))]),
        );
    }
    h += &extra_html(job);
    let problems = list(job, "problems");
    if !problems.is_empty() {
        h += &el(
            "h3",
            "sub-title bad",
            &tf(K::QImportProblems, &[("n", &problems.len().to_string())]),
        );
        h += r#"<ul class="problems">"#;
        for p in problems.iter().take(500) {
            h += &format!(
                "<li><b>{}</b> {}</li>",
                esc(s(p, "location")),
                esc(s(p, "message"))
            );
        }
        h += "</ul>";
    }
    let skipped = list(job, "skipped");
    if !skipped.is_empty() {
        h += &el(
            "h3",
            "sub-title",
            &tf(K::QImportSkipped, &[("n", &skipped.len().to_string())]),
        );
        h += r#"<ul class="problems muted">"#;
        for p in skipped.iter().take(200) {
            h += &format!(
                "<li><b>{}</b> {}</li>",
                esc(s(p, "location")),
                esc(s(p, "reason"))
            );
        }
        h += "</ul>";
    }
    h += r#"<div class="actions">"#;
    if problems.is_empty() {
        h += &action("confirm", i(job, "id"), "btn-primary", t(K::QImportConfirm));
    } else {
        h += &el("p", "banner error", t(K::QImportFixFirst));
    }
    h += &action("reset", 0, "btn-ghost", t(K::QImportAgain));
    h + "</div></section>"
}

/// The preview's sheets, warnings and changed questions (old and new side by side).
fn extra_html(job: &Value) -> String {
    let mut h = String::new();
    let sheets = list(job, "sheets");
    if !sheets.is_empty() {
        h += &el("h3", "sub-title", t(K::QImportSheets));
        h += r#"<ul class="problems muted">"#;
        for sh in sheets {
            let how = if sh["read"] == true {
                tf(K::QImportSheetRead, &[("n", &i(sh, "rows").to_string())])
            } else {
                t(K::QImportSheetSkipped).to_string()
            };
            h += &format!(
                "<li><b>{}</b> {} {}</li>",
                esc(s(sh, "name")),
                esc(&how),
                esc(s(sh, "note"))
            );
        }
        h += "</ul>";
    }
    let warnings = list(job, "warnings");
    if !warnings.is_empty() {
        h += &el(
            "h3",
            "sub-title",
            &tf(K::QImportWarnings, &[("n", &warnings.len().to_string())]),
        );
        h += r#"<ul class="problems muted">"#;
        for w in warnings.iter().take(200) {
            h += &format!(
                "<li><b>{}</b> {}</li>",
                esc(s(w, "location")),
                esc(s(w, "message"))
            );
        }
        h += "</ul>";
    }
    let changes = list(job, "changes");
    if !changes.is_empty() {
        h += &el(
            "h3",
            "sub-title",
            &tf(K::QImportChanges, &[("n", &changes.len().to_string())]),
        );
        h += &format!(
            r#"<table class="table changes"><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            t(K::QImportBefore),
            t(K::QImportAfter)
        );
        for c in changes.iter().take(200) {
            let side = |which: &str, field: &str| -> String {
                let v = &c[which][field];
                match v.as_array() {
                    Some(items) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" / "),
                    None => v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                }
            };
            let stem = esc(&side("after", "stem"));
            h += &format!(
                r#"<tr><td colspan="3"><b>{}</b> {stem}</td></tr>"#,
                esc(s(c, "location"))
            );
            for f in list(c, "fields").iter().filter_map(Value::as_str) {
                h += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    field_label(f),
                    esc(&side("before", f)),
                    esc(&side("after", f))
                );
            }
        }
        h += "</tbody></table>";
    }
    h
}

/// The name of a question field as the editor shows it.
fn field_label(field: &str) -> &'static str {
    t(match field {
        "category" => K::QuestionCategory,
        "kind" => K::QuestionKind,
        "stem" => K::QuestionStem,
        "options" => K::QImportOptions,
        "key" => K::QuestionKey,
        "explanation" => K::QuestionExplanation,
        "source" => K::QuestionSource,
        "difficulty" => K::QuestionDifficulty,
        _ => K::QImportTags,
    })
}

/// A running or finished import.
pub fn progress_html(job: &Value) -> String {
    let total = i(job, "total");
    let done = i(job, "done");
    match s(job, "state") {
        "done" => {
            let mut h = banner(
                true,
                &tf(
                    K::QImportDone,
                    &[
                        ("added", &count(&job["added"]).to_string()),
                        ("updated", &count(&job["updated"]).to_string()),
                    ],
                ),
            );
            h += r#"<div class="actions">"#;
            h += &format!(
                r#"<a class="btn btn-primary" id="to-questions" href="/admin/questions">{}</a>"#,
                t(K::ManageQuestions)
            );
            h += &action("reset", 0, "btn-ghost", t(K::QImportAgain));
            h + "</div>"
        }
        "failed" => {
            banner(false, s(job, "error")) + &action("reset", 0, "btn-ghost", t(K::QImportAgain))
        }
        _ => {
            let pct = if total > 0 { done * 100 / total } else { 0 };
            let mut h = String::from(r#"<section class="card" id="importing">"#);
            h += &el("h2", "card-title", t(K::QImportRunning));
            h += &bar(pct, t(K::QImportRunning));
            h += &el("p", "small muted", &format!("{done} / {total}"));
            h + "</section>"
        }
    }
}

fn count(c: &Value) -> i64 {
    KINDS.iter().map(|(k, _)| c[*k].as_i64().unwrap_or(0)).sum()
}

#[component]
pub fn AdminImport() -> impl IntoView {
    let session = use_session();
    let tree = Fetch::new(|| api::ORG.into());
    let cats = Fetch::new(|| api::QUESTION_CATEGORIES.into());
    let job = RwSignal::new(None::<Value>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    // Polls a running import until it ends (or the page is left).
    fn poll(id: i64, job: RwSignal<Option<Value>>, error: RwSignal<Option<String>>) {
        api::spawn_call(
            "GET",
            format!("{}/{id}", api::QUESTION_IMPORTS),
            None,
            move |r| match r {
                Ok(v) => {
                    let running = s(&v, "state") == "running";
                    if job.try_set(Some(v)).is_none() && running {
                        spawn_local(async move {
                            browser::sleep(400).await;
                            poll(id, job, error);
                        });
                    }
                }
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            },
        );
    }

    let act = move |a: Act| match a {
        Act::Submit(_, f) => {
            let Some(file) = chosen_file("import-file") else {
                error.set(Some(t(K::QImportChooseFile).to_string()));
                return;
            };
            let (b, g) = parse_unit(f.text("owner"));
            let mut url = format!(
                "{}?file_name={}",
                api::QUESTION_IMPORTS,
                api::encode_component(&file.name())
            );
            for (k, v) in [
                ("branch_id", b),
                ("youth_group_id", g),
                ("category_id", f.id("category")),
            ] {
                if let Some(v) = v {
                    url += &format!("&{k}={v}");
                }
            }
            pending.set(true);
            error.set(None);
            spawn_local(async move {
                match api::upload(&url, &file).await {
                    Ok(v) => {
                        job.try_set(Some(v));
                    }
                    Err(e) => {
                        error.try_set(Some(error_text(&e)));
                    }
                }
                pending.try_set(false);
            });
        }
        Act::Click(what, id) => {
            error.set(None);
            if what != "confirm" {
                job.set(None);
                return;
            }
            pending.set(true);
            api::spawn_call(
                "POST",
                format!("{}/{id}/confirm", api::QUESTION_IMPORTS),
                None,
                move |r| {
                    pending.try_set(false);
                    match r {
                        Ok(v) => {
                            job.try_set(Some(v));
                            poll(id, job, error);
                        }
                        Err(e) => {
                            error.try_set(Some(error_text(&e)));
                        }
                    }
                },
            );
        }
        Act::Change(..) => {}
    };

    let html = move || {
        let mut h = error.with(|e| e.as_deref().map(|m| banner(false, m)).unwrap_or_default());
        if pending.get() {
            h += &el("p", "muted", t(K::Loading));
        }
        h += &match job.get() {
            Some(j) if s(&j, "state") == "preview" => preview_html(&j),
            Some(j) => progress_html(&j),
            None => tree.html(4, |tree: Value| {
                cats.html(2, |c: Value| {
                    let (scope, admin) =
                        session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
                    upload_html(
                        &owner_options(&tree, &scope, admin),
                        &category_options(
                            &c,
                            &[(String::new(), t(K::QImportCategoryFromFile).into())],
                        ),
                    )
                })
            }),
        };
        h
    };

    view! {
        <Page class="admin-import" title=K::QImportTitle back=Some("/admin/questions")>
            {region("", html, act)}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(state: &str, problems: Value) -> Value {
        json!({
            "id": 9, "file_name": "题库<1>.xlsx", "format": "xlsx", "state": state,
            "added": { "single": 2, "multiple": 1, "true_false": 0, "fill_in": 1 },
            "updated": { "single": 0, "multiple": 0, "true_false": 3, "fill_in": 0 },
            "unchanged": 4, "new_categories": ["支部题库"], "problems": problems,
            "skipped": [{ "location": "第9行", "line": 9, "reason": "GIFT 匹配题暂不支持" }],
            "total": 7, "done": 3, "error": null,
        })
    }

    #[test]
    fn the_preview_shows_changes_sheets_warnings_and_missing_texts() {
        let mut j = job("preview", json!([]));
        j["changes"] = json!([{
            "location": "第9行", "line": 9, "question_id": 5, "fields": ["explanation"],
            "before": { "category": "党章", "kind": "single", "stem": "题<干>", "options": [],
                        "key": "A", "explanation": "旧解析", "source": "", "difficulty": 2, "tags": [] },
            "after": { "category": "党章", "kind": "single", "stem": "题<干>", "options": [],
                       "key": "A", "explanation": "新解析", "source": "", "difficulty": 2, "tags": [] },
        }]);
        j["warnings"] =
            json!([{ "location": "第5行", "line": 5, "message": "与第3行的题目完全相同" }]);
        j["sheets"] = json!([{ "name": "说明", "read": false, "rows": 0, "note": "没有表头" },
                             { "name": "单选题", "read": true, "rows": 20, "note": null }]);
        j["without_explanation"] = json!(3);
        j["ignored_columns"] = json!(["序号"]);
        let h = preview_html(&j);
        assert!(
            h.contains("<td>解析</td><td>旧解析</td><td>新解析</td>"),
            "{h}"
        );
        assert!(h.contains("题&lt;干&gt;"));
        assert!(h.contains("与第3行的题目完全相同"));
        assert!(h.contains("单选题"));
        assert!(h.contains("已读取20行"));
        assert!(h.contains("缺少解析的题目3道"));
        assert!(h.contains("序号"));
        assert!(
            h.contains(r#"data-action="confirm""#),
            "warnings do not block"
        );
        // The job deserializes into the shared type.
        let _: shared::api::question_import::ImportJob = serde_json::from_value(j).unwrap();
    }

    #[test]
    fn the_preview_counts_kinds_and_lists_problems_by_row() {
        let h = preview_html(&job("preview", json!([])));
        assert!(h.contains("题库&lt;1&gt;.xlsx"));
        assert!(h.contains("<td>2</td><td>0</td>"));
        assert!(h.contains("<td>0</td><td>3</td>"));
        assert!(h.contains("支部题库"));
        assert!(h.contains("第9行"));
        assert!(h.contains(r#"data-action="confirm" data-id="9""#));

        let h = preview_html(&job(
            "preview",
            json!([{ "location": "第3行", "line": 3, "field": "answer", "message": "答案<D>超出选项" }]),
        ));
        assert!(h.contains("<b>第3行</b> 答案&lt;D&gt;超出选项"));
        assert!(
            !h.contains(r#"data-action="confirm""#),
            "problems block confirming"
        );
    }

    #[test]
    fn progress_and_outcome() {
        let h = progress_html(&job("running", json!([])));
        assert!(h.contains(r#"aria-valuenow="42""#));
        assert!(h.contains("3 / 7"));
        let h = progress_html(&job("done", json!([])));
        assert!(h.contains("banner success"));
        assert!(h.contains("/admin/questions"));
    }
}
