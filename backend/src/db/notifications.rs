//! Queries on notifications, the once-per-period runs of scheduled jobs, and the member
//! and completion lists reminders are computed from.

use sqlx::AnyConnection;

/// A notification to store for one member.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub item_kind: Option<&'static str>,
    pub item_id: Option<i64>,
    pub sender_id: Option<i64>,
    pub dedup_key: Option<String>,
    pub created_at: i64,
}

/// Stores notifications in multi-row inserts; one whose (member, dedup key) exists is
/// skipped. Returns how many were stored.
pub async fn insert_many(conn: &mut AnyConnection, rows: &[NewNotification]) -> sqlx::Result<u64> {
    let mut stored = 0;
    // 9 values a row: well inside both databases' limits on bound parameters.
    for chunk in rows.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * 9;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO notifications (user_id, kind, title, body, item_kind, item_id, \
             sender_id, dedup_key, created_at) VALUES {} \
             ON CONFLICT (user_id, dedup_key) DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for n in chunk {
            q = q
                .bind(n.user_id)
                .bind(n.kind)
                .bind(n.title.clone())
                .bind(n.body.clone())
                .bind(n.item_kind)
                .bind(n.item_id)
                .bind(n.sender_id)
                .bind(n.dedup_key.clone())
                .bind(n.created_at);
        }
        stored += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(stored)
}

/// A stored notification with its sender's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item_kind: Option<String>,
    pub item_id: Option<i64>,
    pub sender_name: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A member's notifications older than `before_id`, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    user_id: i64,
    before_id: i64,
    limit: i64,
    unread_only: bool,
) -> sqlx::Result<Vec<NotificationRow>> {
    let unread = if unread_only {
        "AND n.read_at IS NULL"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "SELECT n.id, n.kind, n.title, n.body, n.item_kind, n.item_id, s.display_name AS sender_name, \
         n.created_at, n.read_at FROM notifications n LEFT JOIN users s ON s.id = n.sender_id \
         WHERE n.user_id = $1 AND n.id < $2 {unread} ORDER BY n.id DESC LIMIT $3"
    ))
    .bind(user_id)
    .bind(before_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn unread_count(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// Marks a member's notifications read: those in `ids` (`None`: all of them).
pub async fn mark_read(
    conn: &mut AnyConnection,
    user_id: i64,
    ids: Option<&[i64]>,
    now: i64,
) -> sqlx::Result<()> {
    let which = match ids {
        Some(ids) => format!("AND id IN ({})", super::id_list(ids)),
        None => String::new(),
    };
    sqlx::query(&format!(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL {which}"
    ))
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims a scheduled run: true for the one caller that inserts its row, or that takes
/// over a run claimed before `stale_before` and never finished (an instance died in it).
pub async fn claim_run(
    conn: &mut AnyConnection,
    key: &str,
    now: i64,
    stale_before: i64,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO scheduled_runs (run_key, claimed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 1 {
        return Ok(true);
    }
    let r = sqlx::query(
        "UPDATE scheduled_runs SET claimed_at = $1 WHERE run_key = $2 AND finished_at IS NULL \
         AND claimed_at < $3",
    )
    .bind(now)
    .bind(key)
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn finish_run(
    conn: &mut AnyConnection,
    key: &str,
    recipients: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE scheduled_runs SET finished_at = $1, recipients = recipients + $2 WHERE run_key = $3",
    )
    .bind(now)
    .bind(recipients)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Active members (not admins) as (id, branch, youth group), 0 for none, within `scope`
/// (a condition on `branch_id` / `youth_group_id`).
pub async fn members(conn: &mut AnyConnection, scope: &str) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT id, COALESCE(branch_id, 0), COALESCE(youth_group_id, 0) FROM users \
         WHERE active = 1 AND role <> 'admin' AND {scope} ORDER BY id"
    ))
    .fetch_all(conn)
    .await
}

/// Members who have completed an item (at any time).
pub async fn completed_by(
    conn: &mut AnyConnection,
    kind: &str,
    item_id: i64,
) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM item_progress WHERE kind = $1 AND item_id = $2 \
         AND completed_at IS NOT NULL",
    )
    .bind(kind)
    .bind(item_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

/// (member, kind, item) of every completion of the items `items` (a condition on
/// `item_progress`), for members `from_id..=to_id`.
pub async fn completions_of_members(
    conn: &mut AnyConnection,
    items: &str,
    from_id: i64,
    to_id: i64,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(&format!(
        "SELECT user_id, kind, item_id FROM item_progress WHERE user_id >= $1 AND user_id <= $2 \
         AND completed_at IS NOT NULL AND {items}"
    ))
    .bind(from_id)
    .bind(to_id)
    .fetch_all(conn)
    .await
}

/// A member's progress: (kind, item, completed_at).
pub async fn progress_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> sqlx::Result<Vec<(String, i64, Option<i64>)>> {
    sqlx::query_as("SELECT kind, item_id, completed_at FROM item_progress WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(conn)
        .await
}
