//! Queries on question imports: the uploaded file between preview and confirmation, the
//! preview summary, and the outcome.

use shared::api::questions::Owner;
use sqlx::AnyConnection;

use super::now_ms;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub format: String,
    pub payload: Option<Vec<u8>>,
    pub category_id: Option<i64>,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    pub state: String,
    pub summary: String,
    pub error: Option<String>,
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
    pub payload: &'a [u8],
    pub category_id: Option<i64>,
    pub owner: Owner,
    pub summary: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, n: &NewImport<'_>) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO question_imports (user_id, file_name, format, payload, category_id, \
           owner_branch_id, owner_youth_group_id, state, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'preview', $8, $9) RETURNING id",
    )
    .bind(n.user_id)
    .bind(n.file_name)
    .bind(n.format)
    .bind(n.payload.to_vec())
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
        "SELECT id, user_id, file_name, format, payload, category_id, owner_branch_id, \
           owner_youth_group_id, state, summary, error FROM question_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Moves a previewed import to running; false if another request did so first.
pub async fn claim(conn: &mut AnyConnection, id: i64, summary: &str) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE question_imports SET state = 'running', summary = $1 WHERE id = $2 AND state = 'preview'",
    )
    .bind(summary)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the outcome and drops the stored file.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE question_imports SET state = $1, error = $2, finished_at = $3, payload = NULL \
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
