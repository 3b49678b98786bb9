//! Importing and exporting question files for organizers and admins.
//!
//! An import is two steps. The upload is read and checked at once and nothing is written
//! to the bank: the preview tells how many questions of each kind will be added, which
//! stored questions change (old and new side by side), which are unchanged, and every
//! problem, skip and warning by row or line. What the file holds is stored with the
//! preview (the file itself is not kept): confirming plans again from it against the bank
//! as it is then, without reading the file a second time, and writes everything in one
//! transaction in the background, so a 10,000-question file neither times out nor holds a
//! request; the organizer polls for progress. Any problem, or any failure while writing,
//! means nothing is written.
//!
//! Questions are matched on an explicit id of the file (see `question_io`), else on an id
//! derived from their content (kind, stem, options; `question_io::content_id`), so
//! importing the same file again changes nothing. A derived id gets the owning unit as a
//! suffix: the same question may then live in the organization's bank and in a branch's
//! without the two colliding. An import only ever changes questions of its own target
//! bank: a file id that belongs to another bank's question is a problem.
//!
//! Reading a file is CPU work: it runs on the blocking pool, at most
//! [`PARSE_SLOTS`] at once per process; more wait in line up to [`PARSE_WAIT`], then are
//! answered 503 `server_busy`, so requests keep their async threads. Unconfirmed previews
//! are deleted after [`PREVIEW_LIFETIME_MS`] (by the hourly housekeeping, [`sweep`], and
//! when a new file is uploaded).
//!
//! Progress while writing is kept in this process (the transaction's rows are invisible to
//! other connections until it commits, and on SQLite another writer would have to wait
//! for it); the state, the writing process (`runner`) and its heartbeat are in the
//! database, so an import whose process died is detected and can be confirmed again.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::api::question_import::{
    ExportParams, ImportChange, ImportJob, ImportParams, ImportProblem, ImportSheet, ImportSkip,
    ImportState, ImportWarning, KindCounts, QuestionText,
};
use shared::api::questions::Owner;
use shared::grading::{AnswerKey, QuestionKind};
use shared::question::QuestionDraft;
use tokio::sync::Semaphore;

use crate::auth::SessionUser;
use crate::db::question_imports::{self as import_db, ImportRow, NewImport};
use crate::db::questions::{QuestionRow, Visibility};
use crate::db::{self, now_ms, Db, DbKind};
use crate::domain::audit;
use crate::domain::question_bank::{content_hash, BankQuestion};
use crate::domain::question_io::{self, ExportQuestion, Format, ParsedImport};
use crate::domain::questions::{check_owner, with_descendants};
use crate::error::{AppError, AppResult};

/// Rows written between two progress updates.
const PROGRESS_STEP: usize = 500;
/// Files read at once by one process; more wait in line.
pub const PARSE_SLOTS: usize = 2;
/// Longest an upload waits for a free slot before it is answered 503.
pub const PARSE_WAIT: Duration = Duration::from_secs(20);
/// Unconfirmed previews older than this are deleted (a day).
pub const PREVIEW_LIFETIME_MS: i64 = 24 * 3600 * 1000;
/// How often the process writing an import says it is alive and records its progress
/// (PostgreSQL; other instances show that progress, so it is kept short).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// A running import whose heartbeat is older than this is taken for dead.
const HEARTBEAT_STALE_MS: i64 = 60_000;
/// Time between claiming an import and its writer starting, in which this process does
/// not take its own claim for a dead one.
const CLAIM_GRACE_MS: i64 = 5_000;

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

fn writing_here(id: i64) -> bool {
    progress().lock().is_ok_and(|p| p.contains_key(&id))
}

/// This process, as the `runner` of the imports and jobs it runs: random per start, so a
/// job left `running` by a process that died is recognisably not ours.
pub(crate) fn runner_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        use rand::RngCore;
        let mut bytes = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut bytes);
        format!("{}-{}", std::process::id(), hex::encode(bytes))
    })
}

fn parse_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(PARSE_SLOTS))
}

fn count(c: &mut KindCounts, kind: QuestionKind) {
    match kind {
        QuestionKind::Single => c.single += 1,
        QuestionKind::Multiple => c.multiple += 1,
        QuestionKind::TrueFalse => c.true_false += 1,
        QuestionKind::FillIn => c.fill_in += 1,
    }
}

/// A question as the preview read it, stored until the import is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReadQuestion {
    stable_id: Option<String>,
    category: String,
    location: String,
    line: u32,
    kind: QuestionKind,
    stem: String,
    options: Vec<String>,
    key: AnswerKey,
    explanation: String,
    source: String,
    difficulty: u8,
    tags: Vec<String>,
}

impl ReadQuestion {
    fn draft(&self) -> QuestionDraft {
        QuestionDraft {
            kind: self.kind,
            stem: self.stem.clone(),
            options: self.options.clone(),
            key: self.key.clone(),
            explanation: self.explanation.clone(),
            source: self.source.clone(),
            difficulty: self.difficulty,
            tags: self.tags.clone(),
        }
    }
}

/// Everything the preview read from a file: the questions and what the file itself says
/// is wrong or worth knowing. Planning starts from this, at the preview and again at the
/// confirmation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ReadFile {
    questions: Vec<ReadQuestion>,
    problems: Vec<ImportProblem>,
    skipped: Vec<ImportSkip>,
    warnings: Vec<ImportWarning>,
    ignored_columns: Vec<String>,
    sheets: Vec<ImportSheet>,
}

impl From<ParsedImport> for ReadFile {
    fn from(p: ParsedImport) -> ReadFile {
        ReadFile {
            questions: p
                .questions
                .into_iter()
                .map(|q| ReadQuestion {
                    stable_id: q.stable_id.clone(),
                    category: q.category.clone(),
                    location: q.location.to_string(),
                    line: q.location.number(),
                    kind: q.draft.kind,
                    stem: q.draft.stem,
                    options: q.draft.options,
                    key: q.draft.key,
                    explanation: q.draft.explanation,
                    source: q.draft.source,
                    difficulty: q.draft.difficulty,
                    tags: q.draft.tags,
                })
                .collect(),
            problems: p
                .problems
                .iter()
                .map(|p| ImportProblem {
                    location: p.location.to_string(),
                    line: p.location.number(),
                    field: p.field.map(str::to_string),
                    message: p.message.clone(),
                })
                .collect(),
            skipped: p
                .skipped
                .iter()
                .map(|s| ImportSkip {
                    location: s.location.to_string(),
                    line: s.location.number(),
                    reason: s.reason.clone(),
                })
                .collect(),
            warnings: p
                .warnings
                .iter()
                .map(|w| ImportWarning {
                    location: w.location.to_string(),
                    line: w.location.number(),
                    message: w.message.clone(),
                })
                .collect(),
            ignored_columns: p.ignored_columns,
            sheets: p
                .sheets
                .into_iter()
                .map(|s| ImportSheet {
                    name: s.name,
                    read: s.read,
                    rows: s.rows as i64,
                    note: s.note,
                })
                .collect(),
        }
    }
}

/// What confirming an import writes.
struct Plan {
    job: ImportJob,
    /// New questions with their category names.
    added: Vec<BankQuestion>,
    /// Changed questions, each with its index in the file's questions.
    updated: Vec<(usize, BankQuestion)>,
}

/// A question as the preview shows it.
fn question_text(category: &str, d: &QuestionDraft) -> QuestionText {
    QuestionText {
        category: category.to_string(),
        kind: kind_code(d.kind).to_string(),
        stem: d.stem.clone(),
        options: d.options.clone(),
        key: question_io::format_key(&d.key),
        explanation: d.explanation.clone(),
        source: d.source.clone(),
        difficulty: d.difficulty,
        tags: d.tags.clone(),
    }
}

fn kind_code(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "single",
        QuestionKind::Multiple => "multiple",
        QuestionKind::TrueFalse => "true_false",
        QuestionKind::FillIn => "fill_in",
    }
}

/// The fields in which two versions of a question differ.
fn differing(before: &QuestionText, after: &QuestionText) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |name: &str, same: bool| {
        if !same {
            out.push(name.to_string());
        }
    };
    check("category", before.category == after.category);
    check("kind", before.kind == after.kind);
    check("stem", before.stem == after.stem);
    check("options", before.options == after.options);
    check("key", before.key == after.key);
    check("explanation", before.explanation == after.explanation);
    check("source", before.source == after.source);
    check("difficulty", before.difficulty == after.difficulty);
    check("tags", before.tags == after.tags);
    out
}

/// What planning needs of the bank, read in one go.
struct Bank {
    stored: HashMap<String, db::questions::StoredKey>,
    known: HashSet<String>,
}

impl Bank {
    async fn load(conn: &mut sqlx::AnyConnection) -> AppResult<Bank> {
        Ok(Bank {
            stored: db::questions::stored_keys(conn).await?,
            known: db::questions::categories(conn, &Visibility::All)
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect(),
        })
    }
}

/// What planning is about: the file as read, the chosen category and the target bank.
struct Target {
    file_name: String,
    format: Format,
    category: Option<String>,
    owner: Owner,
}

/// Plans an import: the CPU part on the blocking pool (hashing every question of a large
/// file takes a while), then the stored versions of the questions it changes.
async fn plan(
    conn: &mut sqlx::AnyConnection,
    read: ReadFile,
    target: Target,
) -> AppResult<(Plan, ReadFile)> {
    let bank = Bank::load(conn).await?;
    let (mut plan, read) = tokio::task::spawn_blocking(move || {
        let plan = plan_against(&bank, &read, &target);
        (plan, read)
    })
    .await
    .map_err(AppError::internal)?;
    add_changes(conn, &mut plan, &read).await?;
    Ok((plan, read))
}

/// Checks what the file holds against the bank: what is new, changed, unchanged, and
/// every problem (the file's own and those of matching: a category missing, an id that
/// another bank's question holds).
fn plan_against(bank: &Bank, read: &ReadFile, target: &Target) -> Plan {
    let owner = target.owner;
    let suffix = match (owner.branch_id, owner.youth_group_id) {
        (Some(b), _) => format!("-b{b}"),
        (_, Some(g)) => format!("-g{g}"),
        _ => String::new(),
    };
    let mut job = ImportJob {
        id: 0,
        file_name: target.file_name.clone(),
        format: target.format.code().to_string(),
        state: ImportState::Preview,
        added: KindCounts::default(),
        updated: KindCounts::default(),
        unchanged: 0,
        new_categories: Vec::new(),
        problems: read.problems.clone(),
        skipped: read.skipped.clone(),
        warnings: read.warnings.clone(),
        changes: Vec::new(),
        existing_categories: Vec::new(),
        without_explanation: 0,
        without_source: 0,
        ignored_columns: read.ignored_columns.clone(),
        sheets: read.sheets.clone(),
        total: 0,
        done: 0,
        error: None,
    };
    let (mut added, mut updated) = (Vec::new(), Vec::new());
    for (index, q) in read.questions.iter().enumerate() {
        let draft = q.draft();
        let key = match &q.stable_id {
            Some(id) => id.clone(),
            None => format!("{}{suffix}", question_io::content_id(&draft)),
        };
        let cat = if q.category.trim().is_empty() {
            match &target.category {
                Some(c) => c.clone(),
                None => {
                    job.problems.push(ImportProblem {
                        location: q.location.clone(),
                        line: q.line,
                        field: Some("category".into()),
                        message: "文件未写明分类：请在导入时选择一个分类".into(),
                    });
                    continue;
                }
            }
        } else {
            q.category.trim().to_string()
        };
        let bq = BankQuestion {
            stable_id: key.clone(),
            category: cat,
            origin: format!("import:{}:{}", target.file_name, q.location),
            draft,
        };
        let writes = match bank.stored.get(&key) {
            None => {
                count(&mut job.added, bq.draft.kind);
                added.push(bq);
                added.last()
            }
            Some((_, b, g)) if (*b, *g) != (owner.branch_id, owner.youth_group_id) => {
                job.problems.push(ImportProblem {
                    location: q.location.clone(),
                    line: q.line,
                    field: Some("id".into()),
                    message: format!(
                        "编号“{key}”已被其他题库中的题目使用；导入不会修改其他题库的题目，请更换编号或删除编号列"
                    ),
                });
                None
            }
            Some((hash, _, _)) if *hash == content_hash(&bq) => {
                job.unchanged += 1;
                None
            }
            Some(_) => {
                count(&mut job.updated, bq.draft.kind);
                updated.push((index, bq));
                updated.last().map(|(_, q)| q)
            }
        };
        if let Some(w) = writes {
            if w.draft.explanation.trim().is_empty() {
                job.without_explanation += 1;
            }
            if w.draft.source.trim().is_empty() {
                job.without_source += 1;
            }
            let list = if bank.known.contains(&w.category) {
                &mut job.existing_categories
            } else {
                &mut job.new_categories
            };
            if !list.contains(&w.category) {
                list.push(w.category.clone());
            }
        }
    }
    job.total = (added.len() + updated.len()) as i64;
    Plan {
        job,
        added,
        updated,
    }
}

/// Lists every stored question the plan changes, with its stored and its new version.
async fn add_changes(
    conn: &mut sqlx::AnyConnection,
    plan: &mut Plan,
    read: &ReadFile,
) -> AppResult<()> {
    let ids: Vec<String> = plan
        .updated
        .iter()
        .map(|(_, q)| q.stable_id.clone())
        .collect();
    let before: HashMap<String, QuestionRow> = import_db::questions_by_stable_ids(conn, &ids)
        .await?
        .into_iter()
        .map(|r| (r.stable_id.clone(), r))
        .collect();
    for (index, q) in &plan.updated {
        let Some(row) = before.get(&q.stable_id) else {
            continue;
        };
        let old = export_question(row)?;
        let before = question_text(&old.category, &old.draft);
        let after = question_text(&q.category, &q.draft);
        let at = &read.questions[*index];
        plan.job.changes.push(ImportChange {
            location: at.location.clone(),
            line: at.line,
            question_id: row.id,
            fields: differing(&before, &after),
            before,
            after,
        });
    }
    Ok(())
}

/// Reads a file on the blocking pool, in one of [`PARSE_SLOTS`] (waiting up to `wait` for
/// one); also returns what it read as the JSON stored with the preview.
async fn read_file(
    format: Format,
    bytes: Vec<u8>,
    wait: Duration,
) -> AppResult<(ReadFile, String)> {
    let busy = || AppError::BusyWith {
        retry_after_secs: 30,
        message: "当前导入的文件较多，请稍后再上传",
    };
    let _slot = tokio::time::timeout(wait, parse_slots().acquire())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    tokio::task::spawn_blocking(move || {
        let read = ReadFile::from(
            question_io::parse(format, &bytes)
                .map_err(|e| AppError::bad_request(e.code.as_str(), e.to_string()))?,
        );
        let json = serde_json::to_string(&read).map_err(AppError::internal)?;
        Ok((read, json))
    })
    .await
    .map_err(AppError::internal)?
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
/// record (with what the file holds, for the confirmation). A file whose every question
/// is skipped still answers with its preview, so the organizer sees every reason.
pub async fn preview(
    db: &Db,
    user: &SessionUser,
    params: ImportParams,
    bytes: Vec<u8>,
) -> AppResult<ImportJob> {
    user.require_staff()?;
    let owner = Owner {
        branch_id: params.branch_id,
        youth_group_id: params.youth_group_id,
    };
    let file_name: String = params.file_name.trim().chars().take(200).collect();
    let format = Format::detect(&file_name, &bytes).ok_or_else(|| {
        AppError::bad_request(
            "unknown_format",
            "无法识别文件格式：请上传 .xlsx、.csv、.toml、.zip、GIFT（.txt/.gift）或 Moodle XML（.xml）文件",
        )
    })?;
    let category = {
        let mut conn = db.pool.acquire().await?;
        check_owner(&mut conn, user, owner).await?;
        if !user.is_admin() && owner == Owner::default() {
            return Err(AppError::validation(
                "owner",
                "请选择题目所属的党支部或青年理论学习小组",
            ));
        }
        category_name(&mut conn, params.category_id).await?
    };
    // No connection is held while the file is read.
    let (read, parsed) = read_file(format, bytes, PARSE_WAIT).await?;
    let mut conn = db.pool.acquire().await?;
    let target = Target {
        file_name: file_name.clone(),
        format,
        category,
        owner,
    };
    let (mut plan, _) = plan(&mut conn, read, target).await?;
    drop(conn);
    let summary = serde_json::to_string(&plan.job).map_err(AppError::internal)?;
    let mut tx = db.begin_write().await?;
    import_db::delete_unconfirmed(&mut tx, now_ms() - PREVIEW_LIFETIME_MS).await?;
    plan.job.id = import_db::insert(
        &mut tx,
        &NewImport {
            user_id: user.id,
            file_name: &file_name,
            format: format.code(),
            parsed: &parsed,
            category_id: params.category_id,
            owner,
            summary: &summary,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(plan.job)
}

/// Deletes the previews nobody confirmed within [`PREVIEW_LIFETIME_MS`], and drops what
/// failed imports read once they have been failed that long (hourly housekeeping, on every
/// instance; idempotent), so an instance that gets no uploads frees the space too.
/// Returns the previews deleted and the failed imports forgotten.
pub async fn sweep(db: &Db) -> AppResult<(u64, u64)> {
    let before = now_ms() - PREVIEW_LIFETIME_MS;
    let mut tx = db.begin_write().await?;
    let previews = import_db::delete_unconfirmed(&mut tx, before).await?;
    let failed = import_db::forget_failed(&mut tx, before).await?;
    tx.commit().await?;
    Ok((previews, failed))
}

/// The import as stored, with live progress (this process's count while it writes it,
/// else the count its runner last recorded with its heartbeat); one whose process died
/// reads as failed, saying that it can be confirmed again. Only its uploader
/// (or an admin) sees it.
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
    job.error = row.error.clone();
    if job.state == ImportState::Running && dead_run(db, &row).is_some() {
        job.state = ImportState::Failed;
        job.error = Some(
            "导入被中断：处理它的服务进程已停止。请重新确认导入（已导入的题目不会重复导入）".into(),
        );
    }
    job.done = match job.state {
        ImportState::Done => job.total,
        // This instance's own count is the freshest; another instance's is in the row.
        ImportState::Running => progress()
            .lock()
            .ok()
            .and_then(|p| p.get(&id).copied())
            .unwrap_or(row.done),
        _ => 0,
    };
    Ok(job)
}

/// Whether a `running` import's process is gone: this process if it is not writing it
/// (after a grace for the moment between claiming it and starting to write); another one
/// if its heartbeat is stale (on SQLite, where one process serves the database, any other
/// runner is a process that died). Returns the runner and heartbeat to take it over from.
fn dead_run(db: &Db, row: &ImportRow) -> Option<(String, i64)> {
    let runner = row.runner.clone().unwrap_or_default();
    let heartbeat = row.heartbeat_at.unwrap_or(0);
    let dead = if runner == runner_id() {
        !writing_here(row.id) && heartbeat < now_ms() - CLAIM_GRACE_MS
    } else {
        db.kind == DbKind::Sqlite || heartbeat < now_ms() - HEARTBEAT_STALE_MS
    };
    dead.then_some((runner, heartbeat))
}

/// Confirms a previewed import: plans again from what the preview read, against the bank
/// as it is now, and starts writing it in the background. Refused while the file has
/// problems, or once confirmed (unless writing it failed or the process writing it died:
/// then it starts again).
pub async fn confirm(db: &Db, user: &SessionUser, id: i64) -> AppResult<ImportJob> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let row = import_db::by_id(&mut conn, id)
        .await?
        .filter(|r| r.user_id == user.id)
        .ok_or(AppError::NotFound("导入记录"))?;
    let already = || AppError::conflict("import_not_pending", "该导入已确认过，请勿重复提交");
    let stale = match row.state.as_str() {
        // A failed import wrote nothing (its transaction rolled back): it may be tried again.
        "preview" | "failed" => None,
        "running" => Some(dead_run(db, &row).ok_or_else(already)?),
        _ => return Err(already()),
    };
    let format = Format::from_code(&row.format).ok_or_else(|| AppError::internal("format"))?;
    let Some(text) = row.parsed.clone() else {
        // Written before imports kept what they read (migration 0030): upload it again.
        return Err(AppError::conflict(
            "import_expired",
            "该导入的预览已失效，请重新上传文件",
        ));
    };
    let read: ReadFile = tokio::task::spawn_blocking(move || serde_json::from_str(&text))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let target = Target {
        file_name: row.file_name.clone(),
        format,
        category: category_name(&mut conn, row.category_id).await?,
        owner: row.owner(),
    };
    let (mut plan, _) = plan(&mut conn, read, target).await?;
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
    let stale_ref = stale.as_ref().map(|(r, h)| (r.as_str(), *h));
    if !import_db::claim(&mut tx, id, &summary, runner_id(), stale_ref).await? {
        return Err(already());
    }
    tx.commit().await?;
    set_progress(id, Some(0));
    let job = plan.job.clone();
    let db = db.clone();
    let owner = row.owner();
    let user = user.clone();
    tokio::spawn(async move {
        let outcome = tokio::select! {
            outcome = write(&db, &user, id, &plan, owner) => outcome,
            stopped = heartbeat(&db, id) => Err(stopped),
        };
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

/// Says every [`HEARTBEAT_EVERY`] that this process still writes import `id`; it ends
/// only if the heartbeat cannot be written for [`HEARTBEAT_STALE_MS`] (another process may
/// then take the import over, so this one must stop: its transaction rolls back). On
/// SQLite it only waits: the import's transaction holds the one writer, and no other
/// process serves the database.
async fn heartbeat(db: &Db, id: i64) -> AppError {
    let mut last = now_ms();
    loop {
        tokio::time::sleep(HEARTBEAT_EVERY).await;
        if db.kind == DbKind::Sqlite {
            continue;
        }
        let beat = async {
            let mut conn = db.pool.acquire().await?;
            let done = progress().lock().ok().and_then(|p| p.get(&id).copied());
            import_db::heartbeat(&mut conn, id, runner_id(), done.unwrap_or(0)).await
        };
        match beat.await {
            Ok(()) => last = now_ms(),
            Err(e) => {
                tracing::warn!(import = id, error = %e, "import heartbeat failed");
                if now_ms() - last > HEARTBEAT_STALE_MS / 2 {
                    return AppError::internal("the import's heartbeat stopped");
                }
            }
        }
    }
}

/// Writes a plan in one transaction, reporting progress as it goes.
async fn write(db: &Db, user: &SessionUser, id: i64, plan: &Plan, owner: Owner) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let mut categories: HashMap<&str, i64> = HashMap::new();
    for q in plan.added.iter().chain(plan.updated.iter().map(|(_, q)| q)) {
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
    for (_, q) in &plan.updated {
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
    // Writing 20,000 questions is CPU work: off the request's async threads.
    tokio::task::spawn_blocking(move || {
        let bytes = question_io::export(format, &questions)
            .map_err(|e| AppError::bad_request("export_failed", e.message))?;
        Ok((
            format,
            question_io::export_extension(format, &questions),
            bytes,
        ))
    })
    .await
    .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    /// With every slot taken, an upload waits, then is answered 503 with a message.
    #[tokio::test]
    async fn a_third_file_waits_then_is_told_the_server_is_busy() {
        let slots = parse_slots()
            .acquire_many(PARSE_SLOTS as u32)
            .await
            .unwrap();
        let gift = b"\xE9\x97\xAE {T}\n".to_vec();
        let started = std::time::Instant::now();
        let e = read_file(Format::Gift, gift.clone(), Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        let response = e.into_response();
        assert_eq!(
            response.status(),
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        );
        assert!(response.headers().contains_key("retry-after"));
        drop(slots);
        let (read, _) = read_file(Format::Gift, gift, Duration::from_millis(200))
            .await
            .unwrap();
        assert_eq!(read.questions.len(), 1);
    }
}
