//! Queries on sign-in sessions. They live in the database so any backend instance behind a
//! load balancer sees the same ones (sign-in failures: `db::throttle`).

use sqlx::AnyConnection;

use super::users::{UserRow, USER_COLUMNS};

pub async fn create(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A scalar subquery: the account id behind the session whose token hash is `hash` (an SQL
/// expression), unexpired at `now` (one too), whose account is active and has no pending
/// password change: who [`crate::auth::CurrentUser`] would let in. NULL otherwise. The hot
/// paths check their session inside the statement that does their work with it.
pub fn current_user_sql(hash: &str, now: &str) -> String {
    format!(
        "(SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
          WHERE s.token_hash = {hash} AND s.expires_at > {now} \
            AND u.active = 1 AND u.must_change_password = 0)"
    )
}

/// The account behind an unexpired session token hash.
pub async fn find_user(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Signs a user out everywhere except, optionally, the session in hand.
pub async fn delete_for_user(
    conn: &mut AnyConnection,
    user_id: i64,
    keep_token_hash: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_token_hash.unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_expired(conn: &mut AnyConnection, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
