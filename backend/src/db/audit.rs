//! Queries on the audit log: one insert (inside the caller's write transaction) and the
//! filtered, paged listing admins browse.

use shared::api::audit::AuditEntry;
use sqlx::{AnyConnection, AnyPool};

/// An entry to write.
pub struct NewEntry<'a> {
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub at: i64,
}

pub async fn insert(conn: &mut AnyConnection, e: &NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before_json, \
         after_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.before)
    .bind(e.after)
    .bind(e.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Filters of a listing; `None` means "any".
#[derive(Debug, Default)]
pub struct Filter {
    pub actor_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

type EntryRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// One page of entries matching `f`, newest first, and how many match in all.
pub async fn list(pool: &AnyPool, f: &Filter) -> sqlx::Result<(Vec<AuditEntry>, i64)> {
    // Every filter is bound, and an unset one is written so that it matches everything
    // (`$1 IS NULL OR …` cannot be typed by PostgreSQL for an untyped NULL, hence sentinels).
    let cond = "($1 = -1 OR actor_id = $1) AND ($2 = '' OR entity = $2) \
                AND ($3 = '' OR entity_id = $3) AND ($4 = '' OR action = $4) \
                AND created_at >= $5 AND created_at < $6";
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT id, created_at, actor_id, actor_name, action, entity, entity_id, before_json, \
         after_json FROM audit_log WHERE {cond} ORDER BY created_at DESC, id DESC \
         LIMIT $7 OFFSET $8"
    ))
    .bind(f.actor_id.unwrap_or(-1))
    .bind(f.entity.clone().unwrap_or_default())
    .bind(f.entity_id.clone().unwrap_or_default())
    .bind(f.action.clone().unwrap_or_default())
    .bind(f.from.unwrap_or(i64::MIN))
    .bind(f.to.unwrap_or(i64::MAX))
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(pool)
    .await?;
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM audit_log WHERE {cond}"))
        .bind(f.actor_id.unwrap_or(-1))
        .bind(f.entity.clone().unwrap_or_default())
        .bind(f.entity_id.clone().unwrap_or_default())
        .bind(f.action.clone().unwrap_or_default())
        .bind(f.from.unwrap_or(i64::MIN))
        .bind(f.to.unwrap_or(i64::MAX))
        .fetch_one(pool)
        .await?;
    let items = rows
        .into_iter()
        .map(
            |(id, at, actor_id, actor_name, action, entity, entity_id, before, after)| AuditEntry {
                id,
                at,
                actor_id,
                actor_name,
                action,
                entity,
                entity_id,
                before,
                after,
            },
        )
        .collect();
    Ok((items, total))
}
