//! Queries on background jobs (`jobs`) and their files (`job_files`, 1 MiB chunks): the
//! rows every instance reads to answer a job's progress and serve its result.

use sqlx::AnyConnection;

use super::{now_ms, DbKind};

/// A job as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub units_done: i64,
    pub units_total: i64,
    pub rows_done: i64,
    pub file_name: String,
    /// The file's format (`csv`, `xlsx`).
    pub format: String,
    pub error: Option<String>,
    pub error_code: Option<String>,
    pub file_size: Option<i64>,
    /// The process running it.
    pub runner: String,
    pub heartbeat_at: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, user_id, kind, status, units_done, units_total, rows_done, \
    file_name, format, error, error_code, file_size, runner, heartbeat_at, created_at";

/// What a job is made of when it starts.
pub struct NewJob<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub units_total: i64,
    pub file_name: &'a str,
    pub format: &'a str,
    pub runner: &'a str,
}

/// Locks the user's row until the transaction ends (PostgreSQL; SQLite's write
/// transaction already runs alone), so that two instances starting jobs for one person at
/// once count each other's.
pub async fn lock_user(conn: &mut AnyConnection, kind: DbKind, user_id: i64) -> sqlx::Result<()> {
    if kind == DbKind::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// Marks failed every running job whose process has not said it is alive since `before`
/// (ms): its instance died. Returns how many.
pub async fn fail_stale(
    conn: &mut AnyConnection,
    before: i64,
    code: &str,
    error: &str,
) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "UPDATE jobs SET status = 'failed', error = $1, error_code = $2, updated_at = $3 \
         WHERE status = 'running' AND heartbeat_at < $4",
    )
    .bind(error)
    .bind(code)
    .bind(now_ms())
    .bind(before)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Marks failed every running job of a runner other than `runner` (SQLite: one process
/// serves the database, so any other runner is a process that died). Returns how many.
pub async fn fail_foreign(
    conn: &mut AnyConnection,
    runner: &str,
    code: &str,
    error: &str,
) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "UPDATE jobs SET status = 'failed', error = $1, error_code = $2, updated_at = $3 \
         WHERE status = 'running' AND runner <> $4",
    )
    .bind(error)
    .bind(code)
    .bind(now_ms())
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Marks one running job failed (if it still is): its process died or it went wrong.
pub async fn fail(conn: &mut AnyConnection, id: i64, code: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'failed', error = $1, error_code = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'running'",
    )
    .bind(error)
    .bind(code)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user's jobs of `kind` running now.
pub async fn count_running(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM jobs \
         WHERE user_id = $1 AND kind = $2 AND status = 'running'",
    )
    .bind(user_id)
    .bind(kind)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

pub async fn insert(conn: &mut AnyConnection, j: &NewJob<'_>) -> sqlx::Result<i64> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (user_id, kind, status, units_total, file_name, format, runner, \
           heartbeat_at, created_at, updated_at) \
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $7, $7) RETURNING id",
    )
    .bind(j.user_id)
    .bind(j.kind)
    .bind(j.units_total)
    .bind(j.file_name)
    .bind(j.format)
    .bind(j.runner)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Records progress (which is also a heartbeat). False when the job is no longer running
/// for `runner` (another instance took it for dead): the runner must stop.
pub async fn progress(
    conn: &mut AnyConnection,
    id: i64,
    runner: &str,
    units_done: i64,
    rows_done: i64,
) -> sqlx::Result<bool> {
    let now = now_ms();
    let r = sqlx::query(
        "UPDATE jobs SET units_done = $1, rows_done = $2, heartbeat_at = $3, updated_at = $3 \
         WHERE id = $4 AND runner = $5 AND status = 'running'",
    )
    .bind(units_done)
    .bind(rows_done)
    .bind(now)
    .bind(id)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Says that `runner` still runs the job; false as for [`progress`].
pub async fn heartbeat(conn: &mut AnyConnection, id: i64, runner: &str) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE jobs SET heartbeat_at = $1 WHERE id = $2 AND runner = $3 AND status = 'running'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Marks the job done with its file's size, once every chunk is stored. False as for
/// [`progress`].
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    runner: &str,
    file_size: i64,
) -> sqlx::Result<bool> {
    let now = now_ms();
    let r = sqlx::query(
        "UPDATE jobs SET status = 'done', file_size = $1, heartbeat_at = $2, updated_at = $2 \
         WHERE id = $3 AND runner = $4 AND status = 'running'",
    )
    .bind(file_size)
    .bind(now)
    .bind(id)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Stores chunk `seq` of a job's file.
pub async fn insert_chunk(
    conn: &mut AnyConnection,
    job_id: i64,
    seq: i64,
    bytes: &[u8],
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO job_files (job_id, seq, bytes) VALUES ($1, $2, $3)")
        .bind(job_id)
        .bind(seq)
        .bind(bytes)
        .execute(conn)
        .await?;
    Ok(())
}

/// Chunk `seq` of a job's file, if there is one.
pub async fn chunk(
    conn: &mut AnyConnection,
    job_id: i64,
    seq: i64,
) -> sqlx::Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT bytes FROM job_files WHERE job_id = $1 AND seq = $2")
            .bind(job_id)
            .bind(seq)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(b,)| b))
}

/// Drops a job's stored chunks (a failed upload).
pub async fn delete_file(conn: &mut AnyConnection, job_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM job_files WHERE job_id = $1")
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes jobs started before `before` (ms) and their files; returns how many jobs.
pub async fn delete_older(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM job_files WHERE job_id IN (SELECT id FROM jobs WHERE created_at < $1)",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?;
    let r = sqlx::query("DELETE FROM jobs WHERE created_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// A file kept to be downloaded once (no progress, no runner): a job stored already done,
/// with its file in one chunk, so any instance serves it and housekeeping removes it with
/// the other jobs after an hour.
pub async fn insert_once_file(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    file_name: &str,
    format: &str,
    bytes: &[u8],
) -> sqlx::Result<i64> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (user_id, kind, status, units_done, units_total, rows_done, \
           file_name, format, file_size, runner, heartbeat_at, created_at, updated_at) \
         VALUES ($1, $2, 'done', 1, 1, 0, $3, $4, $5, 'once', $6, $6, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(kind)
    .bind(file_name)
    .bind(format)
    .bind(bytes.len() as i64)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    insert_chunk(conn, id, 0, bytes).await?;
    Ok(id)
}

/// What taking a once-only file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// The file, now removed from the database.
    File { name: String, bytes: Vec<u8> },
    /// It was downloaded before.
    AlreadyTaken,
    /// No such file of this owner and kind (or housekeeping removed it).
    Missing,
}

/// Takes a once-only file of `user_id`: marks it `downloaded` (a conditional UPDATE that
/// exactly one request wins, across instances), reads it and deletes its bytes. Run it in
/// a write transaction, so a failed read leaves it downloadable.
pub async fn take_once_file(
    conn: &mut AnyConnection,
    id: i64,
    user_id: i64,
    kind: &str,
) -> sqlx::Result<Taken> {
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT status, file_name FROM jobs WHERE id = $1 AND user_id = $2 AND kind = $3",
    )
    .bind(id)
    .bind(user_id)
    .bind(kind)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((_, name)) = found else {
        return Ok(Taken::Missing);
    };
    let won = sqlx::query(
        "UPDATE jobs SET status = 'downloaded', updated_at = $1 WHERE id = $2 AND status = 'done'",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if won.rows_affected() != 1 {
        return Ok(Taken::AlreadyTaken);
    }
    let mut bytes = Vec::new();
    let mut seq = 0;
    while let Some(chunk) = chunk(conn, id, seq).await? {
        bytes.extend_from_slice(&chunk);
        seq += 1;
    }
    delete_file(conn, id).await?;
    Ok(Taken::File { name, bytes })
}
