//! The members' progress export (成员完成情况), up to the whole organization (100,000 rows),
//! written to a file on disk unit by unit: each unit is one short read (no long
//! transaction, so other users are not held up), its rows are written off the async
//! threads, and neither format is ever whole in memory (XLSX uses rust_xlsxwriter's
//! constant-memory worksheets). Started as a job, it reports units and rows done while the
//! page shows a progress bar, and its file is then downloaded from disk.
//!
//! A job lives in the process that runs it and only its owner can see it; files are removed
//! an hour after they were started.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use shared::api::dashboard::{ExportJob, PeriodQuery, UnitKind};

use crate::auth::SessionUser;
use crate::db::{now_ms, Db};
use crate::domain::dashboard;
use crate::domain::exports::{
    csv_line, kind_name, member_rows, member_units, Cell, Sheet, BOM, MEMBER_HEADER,
};
use crate::error::{AppError, AppResult};

/// How long a finished file is kept.
const KEEP: Duration = Duration::from_secs(3600);
/// Jobs one person may have running at once.
const MAX_RUNNING: usize = 2;

struct Job {
    user_id: i64,
    status: ExportJob,
    path: PathBuf,
    started: Instant,
}

fn jobs() -> &'static Mutex<HashMap<u64, Job>> {
    static J: OnceLock<Mutex<HashMap<u64, Job>>> = OnceLock::new();
    J.get_or_init(Default::default)
}

fn update(id: u64, f: impl FnOnce(&mut ExportJob)) {
    if let Ok(mut jobs) = jobs().lock() {
        if let Some(j) = jobs.get_mut(&id) {
            f(&mut j.status);
        }
    }
}

/// A new file in the exports directory (under the system's temporary directory).
fn new_path(sheet: Sheet) -> AppResult<(u64, PathBuf)> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join("beacon-exports");
    std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
    let name = format!("{}-{id}.{}", std::process::id(), sheet.extension());
    Ok((id, dir.join(name)))
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

/// Writes the members of `units` to `path`, calling `progress(units done, rows)` after each.
async fn write(
    db: &Db,
    user: &SessionUser,
    units: Vec<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
    path: PathBuf,
    progress: impl Fn(u64, u64),
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
        progress(n as u64 + 1, rows);
    }
    tokio::task::spawn_blocking(move || w.finish(&path))
        .await
        .map_err(AppError::internal)?
}

/// Removes jobs (and their files) started more than an hour ago.
fn sweep() {
    let old: Vec<PathBuf> = match jobs().lock() {
        Ok(mut jobs) => {
            let expired: Vec<u64> = jobs
                .iter()
                .filter(|(_, j)| j.started.elapsed() > KEEP)
                .map(|(id, _)| *id)
                .collect();
            expired
                .into_iter()
                .filter_map(|id| jobs.remove(&id).map(|j| j.path))
                .collect()
        }
        Err(_) => vec![],
    };
    for p in old {
        let _ = std::fs::remove_file(p);
    }
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

/// Starts exporting the members of one unit (or of every branch in scope) over the period.
pub async fn start(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
    p: PeriodQuery,
    sheet: Sheet,
) -> AppResult<ExportJob> {
    let units = units_to_export(db, user, unit, &p).await?;
    sweep();
    let (id, path) = new_path(sheet)?;
    let status = ExportJob {
        id,
        state: "running".into(),
        units_done: 0,
        units_total: units.len() as u64,
        rows: 0,
        file_name: file_name(sheet),
        error: None,
    };
    {
        let mut jobs = jobs().lock().map_err(AppError::internal)?;
        let running = jobs
            .values()
            .filter(|j| j.user_id == user.id && j.status.state == "running")
            .count();
        if running >= MAX_RUNNING {
            return Err(AppError::conflict(
                "export_busy",
                "已有两个导出正在进行，请等其完成后再试",
            ));
        }
        jobs.insert(
            id,
            Job {
                user_id: user.id,
                status: status.clone(),
                path: path.clone(),
                started: Instant::now(),
            },
        );
    }
    let (db, user) = (db.clone(), user.clone());
    tokio::spawn(async move {
        let done = write(&db, &user, units, p, sheet, path, |n, rows| {
            update(id, |s| {
                s.units_done = n;
                s.rows = rows;
            })
        })
        .await;
        update(id, |s| match done {
            Ok(()) => s.state = "done".into(),
            Err(e) => {
                tracing::error!(error = %e, job = id, "members export failed");
                s.state = "failed".into();
                s.error = Some("导出失败，请重试".into());
            }
        });
    });
    Ok(status)
}

/// A job of `user`'s (anyone else's reads as not found).
pub fn status(user: &SessionUser, id: u64) -> AppResult<ExportJob> {
    let jobs = jobs().lock().map_err(AppError::internal)?;
    match jobs.get(&id) {
        Some(j) if j.user_id == user.id => Ok(j.status.clone()),
        _ => Err(AppError::NotFound("导出任务")),
    }
}

/// The finished file of one of `user`'s jobs: its path and download name.
pub fn finished_file(user: &SessionUser, id: u64) -> AppResult<(PathBuf, String, Sheet)> {
    let jobs = jobs().lock().map_err(AppError::internal)?;
    let job = match jobs.get(&id) {
        Some(j) if j.user_id == user.id => j,
        _ => return Err(AppError::NotFound("导出任务")),
    };
    if job.status.state != "done" {
        return Err(AppError::conflict(
            "export_not_ready",
            "导出尚未完成，请稍候",
        ));
    }
    let sheet = if job.path.extension().is_some_and(|e| e == "xlsx") {
        Sheet::Xlsx
    } else {
        Sheet::Csv
    };
    Ok((job.path.clone(), job.status.file_name.clone(), sheet))
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
    let (_, path) = new_path(sheet)?;
    let done = write(db, user, units, p, sheet, path.clone(), |_, _| {}).await;
    if done.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    done.map(|()| path)
}
