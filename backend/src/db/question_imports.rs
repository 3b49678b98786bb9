//! Queries on question imports: what the preview read from the file (kept until the import
//! is confirmed), the preview summary, who is writing it, and the outcome.

use shared::api::questions::Owner;
use sqlx::AnyConnection;

use super::now_ms;
use super::questions::{QuestionRow, QUESTION_COLUMNS};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub format: String,
    pub category_id: Option<i64>,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    pub state: String,
    pub summary: String,
    pub error: Option<String>,
    /// What the preview read (JSON), until the import is written.
    pub parsed: Option<String>,
    /// The process writing it (while `running`).
    pub runner: Option<String>,
    pub heartbeat_at: Option<i64>,
    /// Questions written so far, as its runner last recorded (migration 0031).
    pub done: i64,
}

impl ImportRow {
    pub fn owner(&self) -> Owner {
        Owner {
            branch_id: self.owner_branch_id,
            youth_group_id: self.owner_youth_group_id,
        }
    }
}

/// What an import is made of when it is created.
pub struct NewImport<'a> {
    pub user_id: i64,
    pub file_name: &'a str,
    pub format: &'a str,
    pub parsed: &'a str,
    pub category_id: Option<i64>,
    pub owner: Owner,
    pub summary: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, n: &NewImport<'_>) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO question_imports (user_id, file_name, format, parsed, category_id, \
           owner_branch_id, owner_youth_group_id, state, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'preview', $8, $9) RETURNING id",
    )
    .bind(n.user_id)
    .bind(n.file_name)
    .bind(n.format)
    .bind(n.parsed)
    .bind(n.category_id)
    .bind(n.owner.branch_id)
    .bind(n.owner.youth_group_id)
    .bind(n.summary)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<ImportRow>> {
    sqlx::query_as(
        "SELECT id, user_id, file_name, format, category_id, owner_branch_id, \
           owner_youth_group_id, state, summary, error, parsed, runner, heartbeat_at, done \
         FROM question_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Moves an import to running for `runner`: from preview or failed (rolled back), or from
/// a run whose process died (`stale`: the runner and heartbeat read when it was judged
/// dead, so that only one request takes it over). False if another request did so first.
pub async fn claim(
    conn: &mut AnyConnection,
    id: i64,
    summary: &str,
    runner: &str,
    stale: Option<(&str, i64)>,
) -> sqlx::Result<bool> {
    let now = now_ms();
    let r = match stale {
        None => {
            sqlx::query(
                "UPDATE question_imports SET state = 'running', summary = $1, runner = $2, \
                   heartbeat_at = $3, error = NULL, done = 0 \
                 WHERE id = $4 AND state IN ('preview', 'failed')",
            )
            .bind(summary)
            .bind(runner)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?
        }
        Some((old_runner, old_heartbeat)) => {
            sqlx::query(
                "UPDATE question_imports SET summary = $1, runner = $2, heartbeat_at = $3 \
                 WHERE id = $4 AND state = 'running' AND runner = $5 AND heartbeat_at = $6",
            )
            .bind(summary)
            .bind(runner)
            .bind(now)
            .bind(id)
            .bind(old_runner)
            .bind(old_heartbeat)
            .execute(conn)
            .await?
        }
    };
    Ok(r.rows_affected() == 1)
}

/// Says that `runner` is still writing the import, and how many questions it has written
/// (so that other instances report its progress).
pub async fn heartbeat(
    conn: &mut AnyConnection,
    id: i64,
    runner: &str,
    done: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE question_imports SET heartbeat_at = $1, done = $2 \
         WHERE id = $3 AND runner = $4 AND state = 'running'",
    )
    .bind(now_ms())
    .bind(done)
    .bind(id)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the outcome; once written, drops what the preview read (a failed import keeps
/// it, to be confirmed again).
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE question_imports SET state = $1, error = $2, finished_at = $3, \
           parsed = CASE WHEN $1 = 'done' THEN NULL ELSE parsed END, payload = NULL \
         WHERE id = $4",
    )
    .bind(state)
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes previews nobody confirmed that were made before `before` (ms); returns how
/// many.
pub async fn delete_unconfirmed(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let r = sqlx::query("DELETE FROM question_imports WHERE state = 'preview' AND created_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Drops what the preview read from imports whose writing failed before `before` (ms) and
/// that nobody confirmed again since; the record stays (confirming it then asks for the
/// file again). Returns how many.
pub async fn forget_failed(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "UPDATE question_imports SET parsed = NULL, payload = NULL \
         WHERE state = 'failed' AND COALESCE(finished_at, created_at) < $1 \
           AND (parsed IS NOT NULL OR payload IS NOT NULL)",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// The stored questions with these stable ids (to show what an import would change).
pub async fn questions_by_stable_ids(
    conn: &mut AnyConnection,
    stable_ids: &[String],
) -> sqlx::Result<Vec<QuestionRow>> {
    let mut out = Vec::with_capacity(stable_ids.len());
    for chunk in stable_ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q \
             JOIN question_categories c ON c.id = q.category_id \
             WHERE q.stable_id IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}
