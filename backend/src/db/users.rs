//! Queries on user accounts and organizers' scopes.

use shared::api::auth::Scope;
use sqlx::{AnyConnection, AnyPool};

use super::{flag, id_list, now_ms};

/// A `users` row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub branch_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub phone: Option<String>,
    pub active: i64,
    pub must_change_password: i64,
}

pub const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, \
     u.branch_id, u.cell_id, u.youth_group_id, u.phone, u.active, u.must_change_password";

/// The fields of a new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub branch_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub phone: Option<&'a str>,
    pub must_change_password: bool,
}

pub async fn find_by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn insert(conn: &mut AnyConnection, u: &NewUser<'_>) -> sqlx::Result<i64> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (username, display_name, password_hash, role, branch_id, cell_id, \
         youth_group_id, phone, active, must_change_password, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role)
    .bind(u.branch_id)
    .bind(u.cell_id)
    .bind(u.youth_group_id)
    .bind(u.phone)
    .bind(flag(u.must_change_password))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Writes every editable field of `row` back (the password has its own query).
pub async fn update(conn: &mut AnyConnection, row: &UserRow) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, branch_id = $3, cell_id = $4, \
         youth_group_id = $5, phone = $6, active = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&row.display_name)
    .bind(&row.role)
    .bind(row.branch_id)
    .bind(row.cell_id)
    .bind(row.youth_group_id)
    .bind(&row.phone)
    .bind(row.active)
    .bind(now_ms())
    .bind(row.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(hash)
    .bind(flag(must_change))
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn load_scope(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Scope> {
    let branches: Vec<(i64,)> = sqlx::query_as(
        "SELECT branch_id FROM organizer_branches WHERE user_id = $1 ORDER BY branch_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let groups: Vec<(i64,)> = sqlx::query_as(
        "SELECT youth_group_id FROM organizer_youth_groups WHERE user_id = $1 \
         ORDER BY youth_group_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Scope {
        branch_ids: branches.into_iter().map(|(id,)| id).collect(),
        youth_group_ids: groups.into_iter().map(|(id,)| id).collect(),
    })
}

/// Replaces an organizer's scope.
pub async fn set_scope(conn: &mut AnyConnection, user_id: i64, scope: &Scope) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM organizer_branches WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM organizer_youth_groups WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for b in &scope.branch_ids {
        sqlx::query("INSERT INTO organizer_branches (user_id, branch_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(b)
            .execute(&mut *conn)
            .await?;
    }
    for g in &scope.youth_group_ids {
        sqlx::query("INSERT INTO organizer_youth_groups (user_id, youth_group_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(g)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which members a listing may show.
#[derive(Debug, Clone)]
pub enum Visibility {
    All,
    /// Members of these branches or these youth groups (an organizer's scope).
    Within(Scope),
}

/// Filters of a member listing, already validated.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub visibility: Visibility,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub search: Option<String>,
    pub include_inactive: bool,
    pub limit: i64,
    pub offset: i64,
}

/// One page of accounts and the total count matching the filter.
pub async fn list(pool: &AnyPool, f: &ListFilter) -> sqlx::Result<(Vec<UserRow>, i64)> {
    // Ids in the scope are integers from our own tables, so inlining them is safe and
    // keeps the SQL identical on both databases.
    let mut conds: Vec<String> = Vec::new();
    if let Visibility::Within(scope) = &f.visibility {
        let mut any: Vec<String> = Vec::new();
        if !scope.branch_ids.is_empty() {
            any.push(format!("u.branch_id IN ({})", id_list(&scope.branch_ids)));
        }
        if !scope.youth_group_ids.is_empty() {
            any.push(format!(
                "u.youth_group_id IN ({})",
                id_list(&scope.youth_group_ids)
            ));
        }
        if any.is_empty() {
            return Ok((Vec::new(), 0));
        }
        conds.push(format!("({})", any.join(" OR ")));
    }
    if let Some(b) = f.branch_id {
        conds.push(format!("u.branch_id = {b}"));
    }
    if let Some(g) = f.youth_group_id {
        conds.push(format!("u.youth_group_id = {g}"));
    }
    if !f.include_inactive {
        conds.push("u.active = 1".into());
    }
    let pattern = f.search.as_ref().map(|s| {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    if pattern.is_some() {
        conds.push(
            "(u.display_name LIKE $1 ESCAPE '\\' OR u.username LIKE $1 ESCAPE '\\' \
             OR u.phone LIKE $1 ESCAPE '\\')"
                .into(),
        );
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let (limit_p, offset_p) = if pattern.is_some() {
        ("$2", "$3")
    } else {
        ("$1", "$2")
    };
    let rows_sql = format!(
        "SELECT {USER_COLUMNS} FROM users u {where_sql} ORDER BY u.branch_id, u.id \
         LIMIT {limit_p} OFFSET {offset_p}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM users u {where_sql}");

    let mut rows_q = sqlx::query_as::<_, UserRow>(&rows_sql);
    let mut count_q = sqlx::query_as::<_, (i64,)>(&count_sql);
    if let Some(p) = &pattern {
        rows_q = rows_q.bind(p.clone());
        count_q = count_q.bind(p.clone());
    }
    let rows = rows_q.bind(f.limit).bind(f.offset).fetch_all(pool).await?;
    let (total,) = count_q.fetch_one(pool).await?;
    Ok((rows, total))
}

/// Number of active admins: the last one may not be demoted or deactivated.
pub async fn count_active_admins(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
            .fetch_one(conn)
            .await?;
    Ok(n)
}

pub async fn count_all(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?;
    Ok(n)
}
