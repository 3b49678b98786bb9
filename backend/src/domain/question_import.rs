//! Importing and exporting question files for organizers and admins.
//!
//! An import is two steps. The upload is read and checked at once and nothing is written:
//! the preview tells how many questions of each kind will be added or updated, which are
//! unchanged, and every problem by row or line. Confirming reads the stored file again,
//! checks it again against the bank as it is then, and writes everything in one
//! transaction in the background, so a 10,000-question file neither times out nor holds a
//! request; the organizer polls for progress. Any problem, or any failure while writing,
//! means nothing is written.
//!
//! Questions are matched on the file's own id, else on an id derived from their content
//! (kind, stem, options; see `question_io::content_id`), so importing the same file again
//! changes nothing. A derived id gets the owning unit as a suffix: the same question may
//! then live in the organization's bank and in a branch's without the two colliding.
//!
//! Progress while writing is kept in this process (the transaction's rows are invisible to
//! other connections until it commits, and on SQLite another writer would have to wait
//! for it); the state and outcome are in the database.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use shared::api::question_import::{
    ExportParams, ImportJob, ImportParams, ImportProblem, ImportSkip, ImportState, KindCounts,
};
use shared::api::questions::Owner;
use shared::grading::QuestionKind;

use crate::auth::SessionUser;
use crate::db::question_imports::{self as import_db, NewImport};
use crate::db::questions::{QuestionRow, Visibility};
use crate::db::{self, Db};
use crate::domain::audit;
use crate::domain::question_bank::{content_hash, BankQuestion};
use crate::domain::question_io::{self, ExportQuestion, Format, ParsedImport};
use crate::domain::questions::{check_owner, with_descendants};
use crate::error::{AppError, AppResult};

/// Rows written between two progress updates.
const PROGRESS_STEP: usize = 500;

/// Progress of the imports this process is writing: id → questions written.
fn progress() -> &'static Mutex<HashMap<i64, i64>> {
    static P: OnceLock<Mutex<HashMap<i64, i64>>> = OnceLock::new();
    P.get_or_init(Default::default)
}

fn set_progress(id: i64, done: Option<i64>) {
    if let Ok(mut p) = progress().lock() {
        match done {
            Some(n) => {
                p.insert(id, n);
            }
            None => {
                p.remove(&id);
            }
        }
    }
}

fn count(c: &mut KindCounts, kind: QuestionKind) {
    match kind {
        QuestionKind::Single => c.single += 1,
        QuestionKind::Multiple => c.multiple += 1,
        QuestionKind::TrueFalse => c.true_false += 1,
        QuestionKind::FillIn => c.fill_in += 1,
    }
}

/// What confirming an import writes.
struct Plan {
    job: ImportJob,
    /// New questions with their category names.
    added: Vec<BankQuestion>,
    updated: Vec<BankQuestion>,
}

/// Checks the parsed file against the bank: what is new, changed, unchanged, and every
/// problem (the file's own and those of matching: a category missing, an id used twice
/// or by another unit's question).
async fn plan(
    conn: &mut sqlx::AnyConnection,
    file_name: &str,
    format: Format,
    parsed: ParsedImport,
    category: Option<&str>,
    owner: Owner,
) -> AppResult<Plan> {
    let stored = db::questions::stored_keys(conn).await?;
    let known: HashSet<String> = db::questions::categories(conn, &Visibility::All)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let suffix = match (owner.branch_id, owner.youth_group_id) {
        (Some(b), _) => format!("-b{b}"),
        (_, Some(g)) => format!("-g{g}"),
        _ => String::new(),
    };
    let mut job = ImportJob {
        id: 0,
        file_name: file_name.to_string(),
        format: format.code().to_string(),
        state: ImportState::Preview,
        added: KindCounts::default(),
        updated: KindCounts::default(),
        unchanged: 0,
        new_categories: Vec::new(),
        problems: Vec::new(),
        skipped: Vec::new(),
        total: 0,
        done: 0,
        error: None,
    };
    let problem =
        |at: &question_io::Location, field: Option<&str>, message: String| ImportProblem {
            location: at.to_string(),
            line: at.number(),
            field: field.map(str::to_string),
            message,
        };
    for p in &parsed.problems {
        job.problems
            .push(problem(&p.location, p.field, p.message.clone()));
    }
    for s in &parsed.skipped {
        job.skipped.push(ImportSkip {
            location: s.location.to_string(),
            line: s.location.number(),
            reason: s.reason.clone(),
        });
    }
    let (mut added, mut updated) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, String> = HashMap::new();
    for q in parsed.questions {
        let key = match &q.stable_id {
            Some(id) => id.clone(),
            None => format!("{}{suffix}", q.key()),
        };
        let cat = if q.category.trim().is_empty() {
            match category {
                Some(c) => c.to_string(),
                None => {
                    job.problems.push(problem(
                        &q.location,
                        Some("category"),
                        "文件未写明分类：请在导入时选择一个分类".into(),
                    ));
                    continue;
                }
            }
        } else {
            q.category.trim().to_string()
        };
        if let Some(first) = seen.get(&key) {
            job.problems.push(problem(
                &q.location,
                Some("id"),
                format!("与{first}的题目重复"),
            ));
            continue;
        }
        seen.insert(key.clone(), q.location.to_string());
        let bq = BankQuestion {
            stable_id: key.clone(),
            category: cat,
            origin: format!("import:{file_name}:{}", q.location),
            draft: q.draft,
        };
        match stored.get(&key) {
            None => {
                count(&mut job.added, bq.draft.kind);
                if !known.contains(&bq.category) && !job.new_categories.contains(&bq.category) {
                    job.new_categories.push(bq.category.clone());
                }
                added.push(bq);
            }
            Some((_, b, g)) if (*b, *g) != (owner.branch_id, owner.youth_group_id) => {
                job.problems.push(problem(
                    &q.location,
                    Some("id"),
                    format!("编号“{key}”已被其他题库中的题目使用，请更换编号或删除编号列"),
                ));
            }
            Some((hash, _, _)) if *hash == content_hash(&bq) => job.unchanged += 1,
            Some(_) => {
                count(&mut job.updated, bq.draft.kind);
                if !known.contains(&bq.category) && !job.new_categories.contains(&bq.category) {
                    job.new_categories.push(bq.category.clone());
                }
                updated.push(bq);
            }
        }
    }
    job.total = (added.len() + updated.len()) as i64;
    Ok(Plan {
        job,
        added,
        updated,
    })
}

fn parse(format: Format, bytes: &[u8]) -> AppResult<ParsedImport> {
    question_io::parse(format, bytes)
        .map_err(|e| AppError::bad_request(e.code.as_str(), e.to_string()))
}

async fn category_name(
    conn: &mut sqlx::AnyConnection,
    id: Option<i64>,
) -> AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    let found: Option<(String,)> =
        sqlx::query_as("SELECT name FROM question_categories WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    found
        .map(|(n,)| Some(n))
        .ok_or_else(|| AppError::validation("category_id", "分类不存在"))
}

/// Reads an uploaded file and tells what importing it would do; writes only the import
/// record (with the file, for the confirmation).
pub async fn preview(
    db: &Db,
    user: &SessionUser,
    params: ImportParams,
    bytes: &[u8],
) -> AppResult<ImportJob> {
    user.require_staff()?;
    let owner = Owner {
        branch_id: params.branch_id,
        youth_group_id: params.youth_group_id,
    };
    let file_name: String = params.file_name.trim().chars().take(200).collect();
    let format = Format::detect(&file_name, bytes).ok_or_else(|| {
        AppError::bad_request(
            "unknown_format",
            "无法识别文件格式：请上传 .xlsx、.csv、.toml、.zip、GIFT（.txt/.gift）或 Moodle XML（.xml）文件",
        )
    })?;
    let mut conn = db.pool.acquire().await?;
    check_owner(&mut conn, user, owner).await?;
    if !user.is_admin() && owner == Owner::default() {
        return Err(AppError::validation(
            "owner",
            "请选择题目所属的党支部或青年理论学习小组",
        ));
    }
    let category = category_name(&mut conn, params.category_id).await?;
    let parsed = parse(format, bytes)?;
    if parsed.questions.is_empty() && parsed.problems.is_empty() {
        return Err(AppError::bad_request("empty", "文件中没有可导入的题目"));
    }
    let mut plan = plan(
        &mut conn,
        &file_name,
        format,
        parsed,
        category.as_deref(),
        owner,
    )
    .await?;
    let summary = serde_json::to_string(&plan.job).map_err(AppError::internal)?;
    drop(conn);
    let mut tx = db.begin_write().await?;
    plan.job.id = import_db::insert(
        &mut tx,
        &NewImport {
            user_id: user.id,
            file_name: &file_name,
            format: format.code(),
            payload: bytes,
            category_id: params.category_id,
            owner,
            summary: &summary,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(plan.job)
}

/// The import as stored, with live progress while this process writes it. Only its
/// uploader (or an admin) sees it.
pub async fn status(db: &Db, user: &SessionUser, id: i64) -> AppResult<ImportJob> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let row = import_db::by_id(&mut conn, id)
        .await?
        .filter(|r| r.user_id == user.id || user.is_admin())
        .ok_or(AppError::NotFound("导入记录"))?;
    let mut job: ImportJob = serde_json::from_str(&row.summary).map_err(AppError::internal)?;
    job.id = row.id;
    job.state = match row.state.as_str() {
        "running" => ImportState::Running,
        "done" => ImportState::Done,
        "failed" => ImportState::Failed,
        _ => ImportState::Preview,
    };
    job.error = row.error;
    job.done = match job.state {
        ImportState::Done => job.total,
        ImportState::Running => progress()
            .lock()
            .ok()
            .and_then(|p| p.get(&id).copied())
            .unwrap_or(0),
        _ => 0,
    };
    Ok(job)
}

/// Confirms a previewed import: checks the file again and starts writing it in the
/// background. Refused while the file has problems, or once confirmed.
pub async fn confirm(db: &Db, user: &SessionUser, id: i64) -> AppResult<ImportJob> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let row = import_db::by_id(&mut conn, id)
        .await?
        .filter(|r| r.user_id == user.id)
        .ok_or(AppError::NotFound("导入记录"))?;
    if row.state != "preview" {
        return Err(AppError::conflict(
            "import_not_pending",
            "该导入已确认过，请勿重复提交",
        ));
    }
    let format = Format::from_code(&row.format).ok_or_else(|| AppError::internal("format"))?;
    let payload = row.payload.clone().unwrap_or_default();
    let parsed = parse(format, &payload)?;
    let category = category_name(&mut conn, row.category_id).await?;
    let mut plan = plan(
        &mut conn,
        &row.file_name,
        format,
        parsed,
        category.as_deref(),
        row.owner(),
    )
    .await?;
    if !plan.job.problems.is_empty() {
        return Err(AppError::conflict(
            "import_has_problems",
            format!(
                "文件中有{}处问题，请修改后重新上传；没有导入任何题目",
                plan.job.problems.len()
            ),
        ));
    }
    plan.job.id = id;
    plan.job.state = ImportState::Running;
    let summary = serde_json::to_string(&plan.job).map_err(AppError::internal)?;
    drop(conn);
    let mut tx = db.begin_write().await?;
    if !import_db::claim(&mut tx, id, &summary).await? {
        return Err(AppError::conflict(
            "import_not_pending",
            "该导入已确认过，请勿重复提交",
        ));
    }
    tx.commit().await?;
    set_progress(id, Some(0));
    let job = plan.job.clone();
    let db = db.clone();
    let owner = row.owner();
    let user = user.clone();
    tokio::spawn(async move {
        let outcome = write(&db, &user, id, &plan, owner).await;
        if let Err(e) = &outcome {
            tracing::error!(import = id, error = %e, "question import failed; rolled back");
        }
        let (state, error) = match outcome {
            Ok(()) => ("done", None),
            Err(_) => ("failed", Some("导入失败，没有写入任何题目，请稍后重试")),
        };
        let finished = async {
            let mut tx = db.begin_write().await?;
            import_db::finish(&mut tx, id, state, error).await?;
            tx.commit().await
        };
        if let Err(e) = finished.await {
            tracing::error!(import = id, error = %e, "could not record the import's outcome");
        }
        set_progress(id, None);
    });
    Ok(job)
}

/// Writes a plan in one transaction, reporting progress as it goes.
async fn write(db: &Db, user: &SessionUser, id: i64, plan: &Plan, owner: Owner) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let mut categories: HashMap<&str, i64> = HashMap::new();
    for q in plan.added.iter().chain(&plan.updated) {
        if !categories.contains_key(q.category.as_str()) {
            let cid = db::questions::ensure_category(&mut tx, &q.category).await?;
            categories.insert(&q.category, cid);
        }
    }
    let mut done = 0i64;
    for chunk in plan.added.chunks(PROGRESS_STEP) {
        let rows: Vec<(&BankQuestion, i64, String)> = chunk
            .iter()
            .map(|q| (q, categories[q.category.as_str()], content_hash(q)))
            .collect();
        db::questions::insert_many(&mut tx, &rows, owner).await?;
        done += chunk.len() as i64;
        set_progress(id, Some(done));
    }
    for q in &plan.updated {
        db::questions::update(
            &mut tx,
            q,
            categories[q.category.as_str()],
            &content_hash(q),
        )
        .await?;
        done += 1;
        if done % PROGRESS_STEP as i64 == 0 {
            set_progress(id, Some(done));
        }
    }
    let summary = serde_json::json!({
        "file_name": plan.job.file_name, "format": plan.job.format, "owner": owner,
        "added": plan.job.added, "updated": plan.job.updated,
        "new_categories": plan.job.new_categories,
    });
    audit::record(
        &mut tx,
        user,
        "import",
        "question_import",
        Some(id.to_string()),
        None,
        Some(summary),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The template (XLSX, CSV) or example file (other formats) to start from.
pub fn template(format: &str) -> AppResult<(Format, Vec<u8>)> {
    let format = Format::from_code(format)
        .ok_or_else(|| AppError::validation("format", "不支持的文件格式"))?;
    Ok((format, question_io::template(format)))
}

fn json<T: serde::de::DeserializeOwned>(s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(AppError::internal)
}

fn export_question(row: &QuestionRow) -> AppResult<ExportQuestion> {
    Ok(ExportQuestion {
        stable_id: row.stable_id.clone(),
        category: row.category.clone(),
        draft: shared::question::QuestionDraft {
            kind: serde_json::from_value(serde_json::Value::String(row.kind.clone()))
                .map_err(AppError::internal)?,
            stem: row.stem.clone(),
            options: json(&row.options)?,
            key: json(&row.answer_key)?,
            explanation: row.explanation.clone(),
            source: row.source.clone(),
            difficulty: u8::try_from(row.difficulty).unwrap_or(2),
            tags: json(&row.tags)?,
        },
    })
}

/// A category (with its sub-categories), a selection of ids, or the caller's whole bank,
/// written in one format. Returns the format, the file extension and the bytes.
pub async fn export(
    db: &Db,
    user: &SessionUser,
    params: ExportParams,
) -> AppResult<(Format, &'static str, Vec<u8>)> {
    user.require_staff()?;
    let format = Format::from_code(&params.format)
        .ok_or_else(|| AppError::validation("format", "不支持的文件格式"))?;
    let ids = match params
        .ids
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(list) => {
            let ids: Result<Vec<i64>, _> = list.split(',').map(|s| s.trim().parse()).collect();
            let ids = ids.map_err(|_| AppError::validation("ids", "题目编号格式不正确"))?;
            if ids.len() > question_io::MAX_QUESTIONS {
                return Err(AppError::validation("ids", "一次最多导出20000道题"));
            }
            Some(ids)
        }
    };
    let visibility = if user.is_admin() {
        Visibility::All
    } else {
        Visibility::Within {
            branch_ids: user.scope.branch_ids.clone(),
            youth_group_ids: user.scope.youth_group_ids.clone(),
        }
    };
    let mut conn = db.pool.acquire().await?;
    let categories = match params.category_id {
        Some(root) => {
            let tree = db::questions::categories(&mut conn, &visibility).await?;
            if !tree.iter().any(|c| c.id == root) {
                return Err(AppError::validation("category_id", "分类不存在"));
            }
            Some(with_descendants(&tree, root))
        }
        None => None,
    };
    let rows = db::questions::for_export(
        &mut conn,
        &visibility,
        categories.as_deref(),
        ids.as_deref(),
        question_io::MAX_QUESTIONS as i64,
    )
    .await?;
    if rows.is_empty() {
        return Err(AppError::bad_request(
            "nothing_to_export",
            "没有可导出的题目",
        ));
    }
    let questions = rows
        .iter()
        .map(export_question)
        .collect::<AppResult<Vec<_>>>()?;
    let bytes = question_io::export(format, &questions)
        .map_err(|e| AppError::bad_request("export_failed", e.message))?;
    Ok((
        format,
        question_io::export_extension(format, &questions),
        bytes,
    ))
}
