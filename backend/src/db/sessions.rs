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
