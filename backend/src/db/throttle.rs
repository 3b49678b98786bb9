//! Queries on the sign-in throttle counters (`sign_in_throttle`, rules in
//! `domain::throttle`). Every write runs in the caller's write transaction.

use sqlx::AnyConnection;

/// One counter as stored: failures since `window_start`, and the instant before which the
/// next attempt is refused (0 when none is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Counter {
    pub failures: i64,
    pub window_start: i64,
    pub blocked_until: i64,
}

/// A stored counter with its kind and key, for the admins' list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CounterRow {
    pub kind: String,
    pub key: String,
    pub failures: i64,
    pub window_start: i64,
    pub blocked_until: i64,
}

/// The counter of `(kind, key)`, created if missing and started afresh when its window
/// began before `window_floor`. The upsert takes the row's lock on PostgreSQL (SQLite's
/// write transaction already runs alone), so concurrent sign-ins read and change each
/// counter in turn.
pub async fn touch(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    now: i64,
    window_floor: i64,
) -> sqlx::Result<Counter> {
    sqlx::query_as(
        "INSERT INTO sign_in_throttle (kind, key, failures, window_start, blocked_until) \
         VALUES ($1, $2, 0, $3, 0) \
         ON CONFLICT (kind, key) DO UPDATE SET \
           failures = CASE WHEN sign_in_throttle.window_start < $4 THEN 0 \
                      ELSE sign_in_throttle.failures END, \
           window_start = CASE WHEN sign_in_throttle.window_start < $4 THEN $3 \
                          ELSE sign_in_throttle.window_start END \
         RETURNING failures, window_start, blocked_until",
    )
    .bind(kind)
    .bind(key)
    .bind(now)
    .bind(window_floor)
    .fetch_one(conn)
    .await
}

/// Stores a counter's new failures and block.
pub async fn set(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    counter: Counter,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sign_in_throttle SET failures = $3, blocked_until = $4 \
         WHERE kind = $1 AND key = $2",
    )
    .bind(kind)
    .bind(key)
    .bind(counter.failures)
    .bind(counter.blocked_until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back one provisionally counted failure; lifts the block when `unblock`.
pub async fn give_back(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    unblock: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sign_in_throttle SET \
           failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, \
           blocked_until = CASE WHEN $3 = 1 THEN 0 ELSE blocked_until END \
         WHERE kind = $1 AND key = $2",
    )
    .bind(kind)
    .bind(key)
    .bind(i64::from(unblock))
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets one counter.
pub async fn delete(conn: &mut AnyConnection, kind: &str, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE kind = $1 AND key = $2")
        .bind(kind)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets counters whose window ended and that block nothing any more.
pub async fn sweep(conn: &mut AnyConnection, window_floor: i64, now: i64) -> sqlx::Result<u64> {
    let done =
        sqlx::query("DELETE FROM sign_in_throttle WHERE window_start < $1 AND blocked_until <= $2")
            .bind(window_floor)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// Counters in their window with at least `min_failures` failures, or blocking now; most
/// failures first.
pub async fn active(
    conn: &mut AnyConnection,
    window_floor: i64,
    now: i64,
    min_failures: i64,
    limit: i64,
) -> sqlx::Result<Vec<CounterRow>> {
    sqlx::query_as(
        "SELECT kind, key, failures, window_start, blocked_until FROM sign_in_throttle \
         WHERE (window_start >= $1 AND failures >= $3) OR blocked_until > $2 \
         ORDER BY failures DESC, kind, key LIMIT $4",
    )
    .bind(window_floor)
    .bind(now)
    .bind(min_failures)
    .bind(limit)
    .fetch_all(conn)
    .await
}
