//! `/admin/import`: an organizer brings in a question file (XLSX/CSV template, Beacon TOML,
//! GIFT, Moodle XML). The upload answers with a preview (counts by kind, every problem by
//! row, the stored questions it changes with their old and new text side by side, the
//! sheets read or skipped, warnings, columns left out, questions without 解析 or 出处);
//! confirming starts the import on the server, whose progress this page polls.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::Role;
use shared::api::org::OrgTree;
use shared::api::question_import::{
    ImportChange, ImportJob, ImportState, KindCounts, QuestionText,
};
use shared::api::questions::Category;

use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::browser;
use crate::choices::{category_options, option_views, owner_options, parse_unit};
use crate::components::{error_text, load, Bar, ErrorBanner, Page, Skeleton};
use crate::i18n::{t, tf, K};

/// The kinds as the preview counts them: (label, count in `c`).
pub fn kind_rows(c: &KindCounts) -> [(K, i64); 4] {
    [
        (K::QSingle, c.single),
        (K::QMultiple, c.multiple),
        (K::QTrueFalse, c.true_false),
        (K::QFillIn, c.fill_in),
    ]
}

/// All questions of a count.
pub fn count(c: &KindCounts) -> i64 {
    c.single + c.multiple + c.true_false + c.fill_in
}

/// The upload URL for a file name, an owner form value and a category (empty: as the file
/// says).
pub fn upload_url(file_name: &str, owner: &str, category: &str) -> String {
    let (b, g) = parse_unit(owner);
    let mut url = format!(
        "{}?file_name={}",
        api::QUESTION_IMPORTS,
        api::encode_component(file_name)
    );
    for (k, v) in [
        ("branch_id", b),
        ("youth_group_id", g),
        ("category_id", category.parse().ok()),
    ] {
        if let Some(v) = v {
            url += &format!("&{k}={v}");
        }
    }
    url
}

/// The name of a question field as the editor shows it.
pub fn field_label(field: &str) -> &'static str {
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

/// A field of a question's text as it reads in the changes table.
pub fn field_text(q: &QuestionText, field: &str) -> String {
    match field {
        "category" => q.category.clone(),
        "kind" => q.kind.clone(),
        "stem" => q.stem.clone(),
        "options" => q.options.join(" / "),
        "key" => q.key.clone(),
        "explanation" => q.explanation.clone(),
        "source" => q.source.clone(),
        "difficulty" => q.difficulty.to_string(),
        _ => q.tags.join(" / "),
    }
}

/// (field label, before, after) of every field an import changes in a stored question.
pub fn change_rows(c: &ImportChange) -> Vec<(&'static str, String, String)> {
    c.fields
        .iter()
        .map(|f| {
            (
                field_label(f),
                field_text(&c.before, f),
                field_text(&c.after, f),
            )
        })
        .collect()
}

/// The upload form: file, owner, category for questions whose file names none.
#[component]
fn Upload(
    owners: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    on_job: Callback<ImportJob>,
) -> impl IntoView {
    let file: NodeRef<Input> = NodeRef::new();
    let owner = RwSignal::new(owners.first().map(|o| o.0.clone()).unwrap_or_default());
    let category = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = file.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            error.set(Some(t(K::QImportChooseFile).to_string()));
            return;
        };
        let url = upload_url(
            &chosen.name(),
            &owner.get_untracked(),
            &category.get_untracked(),
        );
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            let r = api::upload_as::<ImportJob>(&url, &chosen).await;
            pending.try_set(false);
            match r {
                Ok(job) => on_job.run(job),
                Err(e) => {
                    error.try_set(Some(error_text(&e)));
                }
            }
        });
    };
    let template = format!("{}/template", api::QUESTION_IMPORTS);
    view! {
        <section class="card form upload">
            <h2 class="card-title">{t(K::QImportTitle)}</h2>
            <p class="muted small">{t(K::QImportHint)}</p>
            <p class="small">
                <a href=format!("{template}?format=xlsx") download>{t(K::ImportTemplateXlsx)}</a>
                " · "
                <a href=format!("{template}?format=csv") download>{t(K::ImportTemplateCsv)}</a>
            </p>
            <form id="upload" class="form-cols" novalidate on:submit=submit>
                <label class="field wide">
                    <span class="label">{t(K::QImportFile)}</span>
                    <input
                        class="input"
                        type="file"
                        id="import-file"
                        accept=".xlsx,.csv,.toml,.zip,.txt,.gift,.xml"
                        node_ref=file
                        on:change=move |_| error.set(None)
                    />
                </label>
                <label class="field">
                    <span class="label">{t(K::QuestionOwner)}</span>
                    <select class="input" name="owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        {option_views(&owners, &owner.get_untracked())}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t(K::QImportCategory)}</span>
                    <select class="input" name="category" on:change=move |ev| category.set(event_target_value(&ev))>
                        {option_views(&categories, "")}
                    </select>
                </label>
                <div class="actions wide">
                    <button type="submit" id="import-preview" class="btn btn-primary" disabled=pending>
                        {move || if pending.get() { t(K::Loading) } else { t(K::QImportPreview) }}
                    </button>
                    {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                </div>
            </form>
        </section>
    }
}

/// A titled list of (location, text) lines, shown when not empty.
fn located(title: String, class: &'static str, lines: Vec<(String, String)>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <h3 class=format!("sub-title {class}")>{title}</h3>
            <ul class="problems">
                {lines
                    .into_iter()
                    .map(|(at, text)| view! { <li><b>{at}</b> " " {text}</li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// What the import will do (an `ImportJob` in state `preview`), with confirm and reset.
#[component]
fn Preview(job: ImportJob, on_confirm: Callback<i64>, on_reset: Callback<()>) -> impl IntoView {
    let rows = kind_rows(&job.added)
        .into_iter()
        .zip(kind_rows(&job.updated))
        .map(|((k, added), (_, updated))| {
            view! {
                <tr>
                    <td>{t(k)}</td>
                    <td class="num">{added}</td>
                    <td class="num">{updated}</td>
                </tr>
            }
        })
        .collect_view();
    let line = |cond: bool, text: String, class: &'static str| {
        cond.then(|| view! { <p class=class>{text}</p> })
    };
    let blocked = !job.problems.is_empty();
    let id = job.id;
    let confirming = RwSignal::new(false);
    let changes = job.changes.clone();
    view! {
        <section class="card" id="preview">
            <h2 class="card-title">{tf(K::QImportPreviewOf, &[("file", &job.file_name)])}</h2>
            <div class="preview-cols">
                <div>
                    <table class="table kinds">
                        <thead>
                            <tr>
                                <th>{t(K::QuestionKind)}</th>
                                <th class="num">{t(K::QImportAdded)}</th>
                                <th class="num">{t(K::QImportUpdated)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <div class="preview-facts">
                    <p class="small">{tf(K::QImportUnchanged, &[("n", &job.unchanged.to_string())])}</p>
                    {line(
                        !job.new_categories.is_empty(),
                        tf(K::QImportNewCategories, &[("names", &job.new_categories.join("、"))]),
                        "small",
                    )}
                    {line(
                        !job.existing_categories.is_empty(),
                        tf(K::QImportExistingCategories, &[("names", &job.existing_categories.join("、"))]),
                        "small",
                    )}
                    {line(
                        job.without_explanation + job.without_source > 0,
                        tf(
                            K::QImportWithout,
                            &[
                                ("explanation", &job.without_explanation.to_string()),
                                ("source", &job.without_source.to_string()),
                            ],
                        ),
                        "small warn-text",
                    )}
                    {line(
                        !job.ignored_columns.is_empty(),
                        tf(K::QImportIgnoredColumns, &[("names", &job.ignored_columns.join("、"))]),
                        "small muted",
                    )}
                </div>
            </div>
            {located(
                t(K::QImportSheets).to_string(),
                "",
                job
                    .sheets
                    .iter()
                    .map(|s| {
                        let how = if s.read {
                            tf(K::QImportSheetRead, &[("n", &s.rows.to_string())])
                        } else {
                            t(K::QImportSheetSkipped).to_string()
                        };
                        (s.name.clone(), format!("{how} {}", s.note.clone().unwrap_or_default()))
                    })
                    .collect(),
            )}
            {located(
                tf(K::QImportProblems, &[("n", &job.problems.len().to_string())]),
                "bad",
                job.problems.iter().take(500).map(|p| (p.location.clone(), p.message.clone())).collect(),
            )}
            {located(
                tf(K::QImportWarnings, &[("n", &job.warnings.len().to_string())]),
                "",
                job.warnings.iter().take(200).map(|w| (w.location.clone(), w.message.clone())).collect(),
            )}
            {located(
                tf(K::QImportSkipped, &[("n", &job.skipped.len().to_string())]),
                "",
                job.skipped.iter().take(200).map(|s| (s.location.clone(), s.reason.clone())).collect(),
            )}
            {(!changes.is_empty())
                .then(|| {
                    view! {
                        <h3 class="sub-title">
                            {tf(K::QImportChanges, &[("n", &changes.len().to_string())])}
                        </h3>
                        <div class="table-wrap">
                            <table class="table changes">
                                <thead>
                                    <tr>
                                        <th></th>
                                        <th>{t(K::QImportBefore)}</th>
                                        <th>{t(K::QImportAfter)}</th>
                                    </tr>
                                </thead>
                                {changes
                                    .into_iter()
                                    .take(200)
                                    .map(|c| {
                                        let head = format!("{} {}", c.location, c.after.stem);
                                        view! {
                                            <tbody>
                                                <tr class="change-head">
                                                    <td colspan="3">{head}</td>
                                                </tr>
                                                {change_rows(&c)
                                                    .into_iter()
                                                    .map(|(label, before, after)| {
                                                        view! {
                                                            <tr>
                                                                <td>{label}</td>
                                                                <td class="before">{before}</td>
                                                                <td class="after">{after}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        }
                                    })
                                    .collect_view()}
                            </table>
                        </div>
                    }
                })}
            <div class="actions">
                {if blocked {
                    view! { <p class="banner error">{t(K::QImportFixFirst)}</p> }.into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="btn btn-primary"
                            data-action="confirm"
                            disabled=confirming
                            on:click=move |_| {
                                confirming.set(true);
                                on_confirm.run(id);
                            }
                        >
                            {t(K::QImportConfirm)}
                        </button>
                    }
                        .into_any()
                }}
                <button
                    type="button"
                    class="btn btn-ghost"
                    data-action="reset"
                    on:click=move |_| {
                        if blocked || browser::confirm(t(K::QImportDiscard)) {
                            on_reset.run(());
                        }
                    }
                >
                    {t(K::QImportAgain)}
                </button>
            </div>
        </section>
    }
}

/// A running or finished import.
#[component]
fn Progress(job: ImportJob, on_reset: Callback<()>) -> impl IntoView {
    let again = move || {
        view! {
            <button type="button" class="btn btn-ghost" data-action="reset" on:click=move |_| on_reset.run(())>
                {t(K::QImportAgain)}
            </button>
        }
    };
    match job.state {
        ImportState::Done => view! {
            <p class="banner success" role="status">
                {tf(
                    K::QImportDone,
                    &[
                        ("added", &count(&job.added).to_string()),
                        ("updated", &count(&job.updated).to_string()),
                    ],
                )}
            </p>
            <div class="actions">
                <a class="btn btn-primary" id="to-questions" href="/admin/questions">
                    {t(K::ManageQuestions)}
                </a>
                {again()}
            </div>
        }
        .into_any(),
        ImportState::Failed => view! {
            <p class="banner error" role="alert">{job.error.clone().unwrap_or_default()}</p>
            {again()}
        }
        .into_any(),
        _ => {
            let pct = if job.total > 0 {
                job.done * 100 / job.total
            } else {
                0
            };
            view! {
                <section class="card" id="importing">
                    <h2 class="card-title">{t(K::QImportRunning)}</h2>
                    <Bar percent=pct label=t(K::QImportRunning).to_string()/>
                    <p class="small muted">{format!("{} / {}", job.done, job.total)}</p>
                </section>
            }
            .into_any()
        }
    }
}

/// Polls a running import until it ends (or the page is left).
fn poll(id: i64, job: RwSignal<Option<ImportJob>>, error: RwSignal<Option<ApiError>>) {
    spawn_local(async move {
        loop {
            match api::get::<ImportJob>(&api::question_import_url(id)).await {
                Ok(j) => {
                    let running = j.state == ImportState::Running;
                    if job.try_set(Some(j)).is_some() || !running {
                        return;
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                    return;
                }
            }
            browser::sleep(400).await;
        }
    });
}

#[component]
pub fn AdminImport() -> impl IntoView {
    let session = use_session();
    let tree = load(|| api::ORG.into());
    let cats = load(|| api::QUESTION_CATEGORIES.into());
    let job = RwSignal::new(None::<ImportJob>);
    let error = RwSignal::new(None::<ApiError>);
    let on_job = Callback::new(move |j: ImportJob| job.set(Some(j)));
    let on_reset = Callback::new(move |_| {
        error.set(None);
        job.set(None);
    });
    let on_confirm = Callback::new(move |id: i64| {
        error.set(None);
        spawn_local(async move {
            match api::send_empty::<ImportJob>(
                "POST",
                &format!("{}/confirm", api::question_import_url(id)),
            )
            .await
            {
                Ok(j) => {
                    job.try_set(Some(j));
                    poll(id, job, error);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });
    let body = move || match job.get() {
        Some(j) if j.state == ImportState::Preview => {
            view! { <Preview job=j on_confirm=on_confirm on_reset=on_reset/> }.into_any()
        }
        Some(j) => view! { <Progress job=j on_reset=on_reset/> }.into_any(),
        None => {
            let (tree, cats) = match (tree.read::<OrgTree>(), cats.read::<Vec<Category>>()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => {
                    return view! { <ErrorBanner error=e/> }.into_any()
                }
                (Some(Ok(a)), Some(Ok(b))) => (a, b),
                _ => return view! { <Skeleton lines=4/> }.into_any(),
            };
            let (scope, admin) = session.with_me(|m| (m.scope.clone(), m.role == Role::Admin));
            view! {
                <Upload
                    owners=owner_options(&tree, &scope, admin)
                    categories=category_options(
                        &cats,
                        &[(String::new(), t(K::QImportCategoryFromFile).into())],
                    )
                    on_job=on_job
                />
            }
            .into_any()
        }
    };
    view! {
        <Page class="admin-import desk" title=K::QImportTitle back=Some("/admin/questions")>
            // A failed confirm or poll, in the viewport where the button was pressed.
            {move || error.get().map(|e| view! { <div class="toast"><ErrorBanner error=e/></div> })}
            {body}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::question_import::{ImportProblem, ImportSheet, ImportSkip, ImportWarning};

    fn text(explanation: &str) -> QuestionText {
        QuestionText {
            category: "党章".into(),
            kind: "single".into(),
            stem: "题干".into(),
            options: vec!["甲".into(), "乙".into()],
            key: "A".into(),
            explanation: explanation.into(),
            source: String::new(),
            difficulty: 2,
            tags: vec![],
        }
    }

    fn job() -> ImportJob {
        ImportJob {
            id: 9,
            file_name: "题库.xlsx".into(),
            format: "xlsx".into(),
            state: ImportState::Preview,
            added: KindCounts {
                single: 2,
                multiple: 1,
                true_false: 0,
                fill_in: 1,
            },
            updated: KindCounts {
                single: 0,
                multiple: 0,
                true_false: 3,
                fill_in: 0,
            },
            unchanged: 4,
            new_categories: vec!["支部题库".into()],
            problems: vec![ImportProblem {
                location: "第3行".into(),
                line: 3,
                field: Some("answer".into()),
                message: "答案超出选项".into(),
            }],
            skipped: vec![ImportSkip {
                location: "第9行".into(),
                line: 9,
                reason: "GIFT 匹配题暂不支持".into(),
            }],
            warnings: vec![ImportWarning {
                location: "第5行".into(),
                line: 5,
                message: "与第3行的题目完全相同".into(),
            }],
            changes: vec![ImportChange {
                location: "第9行".into(),
                line: 9,
                question_id: 5,
                fields: vec!["explanation".into(), "options".into()],
                before: text("旧解析"),
                after: text("新解析"),
            }],
            existing_categories: vec![],
            without_explanation: 3,
            without_source: 0,
            ignored_columns: vec!["序号".into()],
            sheets: vec![ImportSheet {
                name: "单选题".into(),
                read: true,
                rows: 20,
                note: None,
            }],
            total: 7,
            done: 3,
            error: None,
        }
    }

    #[test]
    fn kinds_are_counted_and_changes_shown_old_and_new() {
        let j = job();
        assert_eq!(kind_rows(&j.added)[0], (K::QSingle, 2));
        assert_eq!(count(&j.added), 4);
        assert_eq!(count(&j.updated), 3);
        assert_eq!(
            change_rows(&j.changes[0]),
            vec![
                ("解析", "旧解析".to_string(), "新解析".to_string()),
                ("选项", "甲 / 乙".to_string(), "甲 / 乙".to_string()),
            ]
        );
    }

    #[test]
    fn the_upload_url_names_owner_and_category() {
        assert_eq!(
            upload_url("题库 1.xlsx", "b:2", "7"),
            "/api/v1/question-imports?file_name=%E9%A2%98%E5%BA%93%201.xlsx&branch_id=2&category_id=7"
        );
        assert_eq!(
            upload_url("a.gift", "g:4", ""),
            "/api/v1/question-imports?file_name=a.gift&youth_group_id=4"
        );
        assert_eq!(
            upload_url("a.gift", "", ""),
            "/api/v1/question-imports?file_name=a.gift"
        );
    }
}
