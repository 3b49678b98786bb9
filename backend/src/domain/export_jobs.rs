//! The members' progress export (成员完成情况), up to the whole organization (100,000 rows),
//! written unit by unit: each unit is one short read (no long transaction, so other users
//! are not held up), its rows are written off the async threads, and neither format is ever
//! whole in memory (XLSX uses rust_xlsxwriter's constant-memory worksheets). Started as a
//! job, it reports units and rows done while the page shows a progress bar.
//!
//! A job is a row of `jobs` and its finished file is stored in the database in 1 MiB
//! chunks (`job_files`), so whichever instance the balancer sends a poll or the download to
//! answers it; the file is written to a scratch file of the running instance first (XLSX
//! is zipped at the end) and copied into the database once complete. A running job says
//! it is alive every few seconds; one whose instance stopped saying so for
//! [`STALE_MS`] is reported failed (`export_interrupted`) and no longer counts against
//! its owner's [`MAX_RUNNING`]. Only its owner sees a job; jobs and files are removed an
//! hour after they were started (the hourly housekeeping).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use shared::api::dashboard::{ExportJob, PeriodQuery, UnitKind};

use crate::auth::SessionUser;
use crate::db::jobs::{self as jobs_db, JobRow, NewJob};
use crate::db::{now_ms, Db, DbKind};
use crate::domain::dashboard;
use crate::domain::exports::{
    csv_line, kind_name, member_rows, member_units, Cell, Sheet, BOM, MEMBER_HEADER,
};
use crate::domain::question_import::runner_id;
use crate::error::{AppError, AppResult};

/// How long a job and its file are kept.
pub const KEEP: Duration = Duration::from_secs(3600);
/// Jobs one person may have running at once (counted in the database, on every instance).
const MAX_RUNNING: i64 = 2;
/// The job kind of the members export.
const KIND: &str = "members_export";
/// How often a running job says it is alive.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// A running job whose heartbeat is older than this is taken for dead.
pub const STALE_MS: i64 = 30_000;
/// The chunk size of stored files.
pub const CHUNK: usize = 1 << 20;
/// The largest file stored (the whole organization of 100,000 members is about 37 MB as
/// CSV and 5 MB as XLSX).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// Why a job whose instance died failed: its stable code and message.
pub const INTERRUPTED: (&str, &str) = (
    "export_interrupted",
    "导出被中断：处理它的服务实例已停止，请重新导出",
);
const TOO_LARGE: (&str, &str) = (
    "export_too_large",
    "导出文件超过256 MB，请按支部或青年理论学习小组分别导出",
);
const FAILED: (&str, &str) = ("export_failed", "导出失败，请重试");

/// A scratch file of this instance (under the system's temporary directory), removed once
/// its content is sent or stored.
fn new_path(sheet: Sheet) -> AppResult<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join("beacon-exports");
    std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
    let name = format!("{}-{id}.{}", std::process::id(), sheet.extension());
    Ok(dir.join(name))
}

/// Rows go to a CSV file, or to a constant-memory XLSX worksheet that is zipped at the end.
enum Writer {
    Csv(BufWriter<File>),
    Xlsx(Box<rust_xlsxwriter::Workbook>, u32),
}

impl Writer {
    fn new(sheet: Sheet, path: &Path) -> AppResult<Writer> {
        let header: Vec<Cell> = MEMBER_HEADER
            .iter()
            .map(|h| Cell::Text(h.to_string()))
            .collect();
        let mut w = match sheet {
            Sheet::Csv => {
                let mut f = BufWriter::new(File::create(path).map_err(AppError::internal)?);
                f.write_all(BOM.as_bytes()).map_err(AppError::internal)?;
                Writer::Csv(f)
            }
            Sheet::Xlsx => {
                let mut book = rust_xlsxwriter::Workbook::new();
                book.add_worksheet_with_constant_memory()
                    .set_name("成员完成情况")
                    .map_err(AppError::internal)?;
                Writer::Xlsx(Box::new(book), 0)
            }
        };
        w.rows(&[header])?;
        Ok(w)
    }

    fn rows(&mut self, rows: &[Vec<Cell>]) -> AppResult<()> {
        match self {
            Writer::Csv(f) => {
                for r in rows {
                    f.write_all(csv_line(r).as_bytes())
                        .map_err(AppError::internal)?;
                }
            }
            Writer::Xlsx(book, next) => {
                let sheet = book.worksheet_from_index(0).map_err(AppError::internal)?;
                for r in rows {
                    for (c, cell) in r.iter().enumerate() {
                        let col = c as u16;
                        let written = match cell {
                            Cell::Text(s) => sheet.write_string(*next, col, s).map(|_| ()),
                            Cell::Int(n) => sheet.write_number(*next, col, *n as f64).map(|_| ()),
                            Cell::Num(x) => sheet.write_number(*next, col, *x).map(|_| ()),
                            Cell::Empty => Ok(()),
                        };
                        written.map_err(AppError::internal)?;
                    }
                    *next += 1;
                }
            }
        }
        Ok(())
    }

    fn finish(self, path: &Path) -> AppResult<()> {
        match self {
            Writer::Csv(mut f) => f.flush().map_err(AppError::internal),
            Writer::Xlsx(mut book, _) => book.save(path).map_err(AppError::internal),
        }
    }
}

/// Runs `f` on the writer off the async threads and hands the writer back.
async fn blocking<T: Send + 'static>(
    w: Writer,
    f: impl FnOnce(&mut Writer) -> AppResult<T> + Send + 'static,
) -> AppResult<(Writer, T)> {
    tokio::task::spawn_blocking(move || {
        let mut w = w;
        let out = f(&mut w)?;
        Ok((w, out))
    })
    .await
    .map_err(AppError::internal)?
}

/// Writes the members of `units` to `path`, recording units and rows done after each in
/// job `job`'s row (if any).
async fn write(
    db: &Db,
    user: &SessionUser,
    units: Vec<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
    path: PathBuf,
    job: Option<i64>,
) -> AppResult<()> {
    let at = path.clone();
    let mut w = tokio::task::spawn_blocking(move || Writer::new(sheet, &at))
        .await
        .map_err(AppError::internal)??;
    let mut rows = 0u64;
    for (n, (kind, id)) in units.into_iter().enumerate() {
        let u = dashboard::unit_members(db, user, kind, id, p.clone()).await?;
        let lines = member_rows(&u, kind_name(kind));
        rows += lines.len() as u64;
        (w, ()) = blocking(w, move |w| w.rows(&lines)).await?;
        if let Some(id) = job {
            let mut conn = db.write_pool().acquire().await?;
            if !jobs_db::progress(&mut conn, id, runner_id(), n as i64 + 1, rows as i64).await? {
                return Err(AppError::internal("the export job was taken for dead"));
            }
        }
    }
    tokio::task::spawn_blocking(move || w.finish(&path))
        .await
        .map_err(AppError::internal)?
}

/// The download's name.
pub fn file_name(sheet: Sheet) -> String {
    format!("成员完成情况.{}", sheet.extension())
}

/// The units an export covers, after checking the caller's scope and the period.
async fn units_to_export(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
    p: &PeriodQuery,
) -> AppResult<Vec<(UnitKind, i64)>> {
    let units = member_units(db, user, unit).await?;
    dashboard::period(p.from, p.to, now_ms())?;
    Ok(units)
}

/// The wire form of a job's row, with a running job whose instance died read as failed.
fn wire(row: &JobRow, db: &Db) -> ExportJob {
    let mut state = row.status.clone();
    let mut error = row.error.clone();
    if state == "running" && dead(row, db) {
        state = "failed".into();
        error = Some(INTERRUPTED.1.into());
    }
    ExportJob {
        id: row.id as u64,
        state,
        units_done: row.units_done as u64,
        units_total: row.units_total as u64,
        rows: row.rows_done as u64,
        file_name: row.file_name.clone(),
        error,
    }
}

/// Whether a running job's instance is gone: its heartbeat is stale, or (on SQLite, which
/// one process serves) another process started it.
fn dead(row: &JobRow, db: &Db) -> bool {
    row.heartbeat_at < now_ms() - STALE_MS
        || (db.kind == DbKind::Sqlite && row.runner != runner_id())
}

/// Marks failed the running jobs whose instance died (see [`dead`]).
async fn fail_dead(db: &Db, conn: &mut sqlx::AnyConnection) -> AppResult<()> {
    let (code, error) = INTERRUPTED;
    jobs_db::fail_stale(conn, now_ms() - STALE_MS, code, error).await?;
    if db.kind == DbKind::Sqlite {
        jobs_db::fail_foreign(conn, runner_id(), code, error).await?;
    }
    Ok(())
}

/// Starts exporting the members of one unit (or of every branch in scope) over the period.
/// Refused (`409 export_busy`) while the caller has [`MAX_RUNNING`] running on any
/// instance.
pub async fn start(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
) -> AppResult<ExportJob> {
    let units = units_to_export(db, user, unit, &p).await?;
    let name = file_name(sheet);
    let mut tx = db.begin_write().await?;
    jobs_db::lock_user(&mut tx, db.kind, user.id).await?;
    // Jobs whose instance died stop counting against their owner's limit.
    fail_dead(db, &mut tx).await?;
    if jobs_db::count_running(&mut tx, user.id, KIND).await? >= MAX_RUNNING {
        return Err(AppError::conflict(
            "export_busy",
            "已有两个导出正在进行，请等其完成后再试",
        ));
    }
    let id = jobs_db::insert(
        &mut tx,
        &NewJob {
            user_id: user.id,
            kind: KIND,
            units_total: units.len() as i64,
            file_name: &name,
            format: sheet.extension(),
            runner: runner_id(),
        },
    )
    .await?;
    let row = jobs_db::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::internal("job vanished"))?;
    tx.commit().await?;
    let job = wire(&row, db);
    let (db, user) = (db.clone(), user.clone());
    tokio::spawn(async move {
        let outcome = tokio::select! {
            outcome = run(&db, &user, id, units, p, sheet) => outcome,
            stopped = heartbeat(&db, id) => Err(stopped),
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, job = id, "members export failed");
            let (code, message) = match &e {
                AppError::Conflict { code, .. } if *code == TOO_LARGE.0 => TOO_LARGE,
                _ => FAILED,
            };
            let failed = async {
                let mut conn = db.write_pool().acquire().await?;
                jobs_db::delete_file(&mut conn, id).await?;
                jobs_db::fail(&mut conn, id, code, message).await
            };
            if let Err(e) = failed.await {
                tracing::error!(error = %e, job = id, "could not record the export's failure");
            }
        }
    });
    Ok(job)
}

/// Writes the job's file to a scratch file, then stores it in chunks and marks it done.
async fn run(
    db: &Db,
    user: &SessionUser,
    id: i64,
    units: Vec<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
) -> AppResult<()> {
    let path = new_path(sheet)?;
    let stored = async {
        write(db, user, units, p, sheet, path.clone(), Some(id)).await?;
        store(db, id, &path).await
    }
    .await;
    let _ = tokio::fs::remove_file(&path).await;
    stored
}

/// Copies a finished scratch file into `job_files`, 1 MiB a statement, then marks the job
/// done with its size.
async fn store(db: &Db, id: i64, path: &Path) -> AppResult<()> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(AppError::internal)?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(AppError::conflict(TOO_LARGE.0, TOO_LARGE.1));
    }
    let mut file = File::open(path).map_err(AppError::internal)?;
    let mut seq = 0i64;
    loop {
        let (f, bytes) = tokio::task::spawn_blocking(move || {
            let mut buf = Vec::with_capacity(CHUNK);
            (&mut file)
                .take(CHUNK as u64)
                .read_to_end(&mut buf)
                .map(|_| (file, buf))
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
        file = f;
        if bytes.is_empty() {
            break;
        }
        let mut conn = db.write_pool().acquire().await?;
        jobs_db::insert_chunk(&mut conn, id, seq, &bytes).await?;
        seq += 1;
    }
    let mut conn = db.write_pool().acquire().await?;
    if !jobs_db::finish(&mut conn, id, runner_id(), size as i64).await? {
        return Err(AppError::internal("the export job was taken for dead"));
    }
    Ok(())
}

/// Says every [`HEARTBEAT_EVERY`] that this instance still runs job `id`; ends (so the job
/// stops) when the row says another instance took it for dead, or when the heartbeat could
/// not be written for half of [`STALE_MS`].
async fn heartbeat(db: &Db, id: i64) -> AppError {
    let mut last = now_ms();
    loop {
        tokio::time::sleep(HEARTBEAT_EVERY).await;
        let beat = async {
            let mut conn = db.write_pool().acquire().await?;
            jobs_db::heartbeat(&mut conn, id, runner_id()).await
        };
        match beat.await {
            Ok(true) => last = now_ms(),
            Ok(false) => return AppError::internal("the export job was taken for dead"),
            Err(e) => {
                tracing::warn!(job = id, error = %e, "export heartbeat failed");
                if now_ms() - last > STALE_MS / 2 {
                    return AppError::internal("the export's heartbeat stopped");
                }
            }
        }
    }
}

/// One of `user`'s jobs (anyone else's reads as not found).
async fn own(db: &Db, user: &SessionUser, id: u64) -> AppResult<JobRow> {
    let id = i64::try_from(id).map_err(|_| AppError::NotFound("导出任务"))?;
    let mut conn = db.pool.acquire().await?;
    match jobs_db::by_id(&mut conn, id).await? {
        Some(j) if j.user_id == user.id && j.kind == KIND => Ok(j),
        _ => Err(AppError::NotFound("导出任务")),
    }
}

/// A job of `user`'s, as any instance sees it.
pub async fn status(db: &Db, user: &SessionUser, id: u64) -> AppResult<ExportJob> {
    let row = own(db, user, id).await?;
    Ok(wire(&row, db))
}

/// A finished file stored in the database: which job, its size, download name and format.
pub struct StoredFile {
    pub job_id: i64,
    pub size: u64,
    pub name: String,
    pub sheet: Sheet,
}

/// The finished file of one of `user`'s jobs: `409 export_not_ready` while it runs, the
/// job's own code (`export_interrupted`, `export_failed`, `export_too_large`) once failed.
pub async fn finished_file(db: &Db, user: &SessionUser, id: u64) -> AppResult<StoredFile> {
    let row = own(db, user, id).await?;
    let job = wire(&row, db);
    match job.state.as_str() {
        "done" => {}
        "running" => {
            return Err(AppError::conflict(
                "export_not_ready",
                "导出尚未完成，请稍候",
            ))
        }
        _ => {
            let code = match row.error_code.as_deref() {
                Some(c) if c == TOO_LARGE.0 => TOO_LARGE.0,
                Some(c) if c == FAILED.0 => FAILED.0,
                _ => INTERRUPTED.0,
            };
            let message = job.error.unwrap_or_else(|| INTERRUPTED.1.into());
            return Err(AppError::conflict(code, message));
        }
    }
    let sheet = if row.format == "xlsx" {
        Sheet::Xlsx
    } else {
        Sheet::Csv
    };
    Ok(StoredFile {
        job_id: row.id,
        size: row.file_size.unwrap_or(0) as u64,
        name: row.file_name,
        sheet,
    })
}

/// Chunk `seq` of a stored file (None after the last).
pub async fn file_chunk(db: &Db, job_id: i64, seq: i64) -> AppResult<Option<Vec<u8>>> {
    let mut conn = db.pool.acquire().await?;
    Ok(jobs_db::chunk(&mut conn, job_id, seq).await?)
}

/// Removes jobs and files older than [`KEEP`] and marks failed the running jobs whose
/// instance died (hourly housekeeping, on every instance; idempotent).
pub async fn sweep(db: &Db) -> AppResult<u64> {
    let mut conn = db.write_pool().acquire().await?;
    fail_dead(db, &mut conn).await?;
    Ok(jobs_db::delete_older(&mut conn, now_ms() - KEEP.as_millis() as i64).await?)
}

/// Writes the export at once (for a plain download): the file's path, to be removed by the
/// caller once opened.
pub async fn write_now(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
) -> AppResult<PathBuf> {
    let units = units_to_export(db, user, unit, &p).await?;
    let path = new_path(sheet)?;
    let done = write(db, user, units, p, sheet, path.clone(), None).await;
    if done.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    done.map(|()| path)
}
