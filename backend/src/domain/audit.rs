//! The audit log (操作日志): every admin or organizer change to accounts, the organization
//! tree and the points rules is recorded by [`record`] inside the change's own write
//! transaction, so the entry exists exactly when the change does. Admins browse it with
//! [`list`]. Questions and quizzes record theirs through the same function.

use serde::Serialize;
use serde_json::Value;
use shared::api::audit::{AuditPage, AuditQuery};
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::{self, now_ms, Db};
use crate::error::{AppError, AppResult};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;

/// Longest filter value accepted (entity, action and id names are short words).
const MAX_FILTER_CHARS: usize = 64;

/// Records one change made by `actor`, in the caller's transaction `conn`. `before` is
/// `None` for a creation, `after` for a deletion. Callers pass wire types or small JSON
/// objects; none may contain a password or its hash.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &SessionUser,
    action: &str,
    entity: &str,
    entity_id: Option<String>,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    db::audit::insert(
        conn,
        &db::audit::NewEntry {
            actor_id: Some(actor.id),
            actor_name: &actor.display_name,
            action,
            entity,
            entity_id: entity_id.as_deref(),
            before: before.as_deref(),
            after: after.as_deref(),
            at: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// A value as the JSON stored in an entry (wire types always serialize).
pub fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The log, newest first, filtered (admins only).
pub async fn list(db: &Db, user: &SessionUser, q: AuditQuery) -> AppResult<AuditPage> {
    user.require_admin()?;
    let per_page = q
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let word = |field: &str, v: Option<String>| -> AppResult<Option<String>> {
        match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > MAX_FILTER_CHARS => Err(AppError::validation(
                field,
                format!("筛选条件不能超过{MAX_FILTER_CHARS}个字符"),
            )),
            other => Ok(other),
        }
    };
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from > to {
            return Err(AppError::validation("from", "开始时间不能晚于结束时间"));
        }
    }
    let filter = db::audit::Filter {
        actor_id: q.actor_id,
        entity: word("entity", q.entity)?,
        entity_id: word("entity_id", q.entity_id)?,
        action: word("action", q.action)?,
        from: q.from,
        to: q.to,
        limit: i64::from(per_page),
        offset: i64::from(page - 1) * i64::from(per_page),
    };
    let (items, total) = db::audit::list(&db.pool, &filter).await?;
    Ok(AuditPage {
        items,
        total,
        page,
        per_page,
    })
}
