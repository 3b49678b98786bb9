//! Queries on the organization tree: the organization, branches, cells and youth groups.

use shared::api::org::{Branch, Cell, Organization, YouthGroup};
use sqlx::AnyConnection;

use super::now_ms;

/// The organization this deployment serves (the first one), if it has been created.
pub async fn organization(conn: &mut AnyConnection) -> sqlx::Result<Option<Organization>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM organizations ORDER BY id LIMIT 1")
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, name)| Organization { id, name }))
}

pub async fn insert_organization(conn: &mut AnyConnection, name: &str) -> sqlx::Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now_ms())
            .fetch_one(conn)
            .await?;
    Ok(id)
}

/// Branches with their cells, each with its count of active members, in creation order.
pub async fn branches(conn: &mut AnyConnection) -> sqlx::Result<Vec<Branch>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT b.id, b.name, \
         (SELECT COUNT(*) FROM users u WHERE u.branch_id = b.id AND u.active = 1) \
         FROM branches b ORDER BY b.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let cells: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.branch_id, c.name, \
         (SELECT COUNT(*) FROM users u WHERE u.cell_id = c.id AND u.active = 1) \
         FROM cells c ORDER BY c.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, member_count)| Branch {
            id,
            name,
            member_count,
            cells: cells
                .iter()
                .filter(|c| c.1 == id)
                .map(|(cid, bid, cname, n)| Cell {
                    id: *cid,
                    branch_id: *bid,
                    name: cname.clone(),
                    member_count: *n,
                })
                .collect(),
        })
        .collect())
}

pub async fn youth_groups(conn: &mut AnyConnection) -> sqlx::Result<Vec<YouthGroup>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT g.id, g.name, \
         (SELECT COUNT(*) FROM users u WHERE u.youth_group_id = g.id AND u.active = 1) \
         FROM youth_groups g ORDER BY g.id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, member_count)| YouthGroup {
            id,
            name,
            member_count,
        })
        .collect())
}

/// A kind of unit in the tree; names the table and the users column that points at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Branch,
    Cell,
    YouthGroup,
}

impl Unit {
    fn table(self) -> &'static str {
        match self {
            Unit::Branch => "branches",
            Unit::Cell => "cells",
            Unit::YouthGroup => "youth_groups",
        }
    }

    fn user_column(self) -> &'static str {
        match self {
            Unit::Branch => "branch_id",
            Unit::Cell => "cell_id",
            Unit::YouthGroup => "youth_group_id",
        }
    }

    /// The unit's name as an audit log entity.
    pub fn entity(self) -> &'static str {
        match self {
            Unit::Branch => "branch",
            Unit::Cell => "cell",
            Unit::YouthGroup => "youth_group",
        }
    }

    /// The zh-CN name of the unit, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Branch => "党支部",
            Unit::Cell => "党小组",
            Unit::YouthGroup => "青年理论学习小组",
        }
    }
}

/// Inserts a branch or youth group under `organization_id`, or a cell under branch `parent`.
pub async fn insert_unit(
    conn: &mut AnyConnection,
    unit: Unit,
    parent: i64,
    name: &str,
) -> sqlx::Result<i64> {
    let parent_col = if unit == Unit::Cell {
        "branch_id"
    } else {
        "organization_id"
    };
    let (id,): (i64,) = sqlx::query_as(&format!(
        "INSERT INTO {} ({parent_col}, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        unit.table()
    ))
    .bind(parent)
    .bind(name)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Renames a unit; false when it does not exist.
pub async fn rename_unit(
    conn: &mut AnyConnection,
    unit: Unit,
    id: i64,
    name: &str,
) -> sqlx::Result<bool> {
    let r = sqlx::query(&format!(
        "UPDATE {} SET name = $1 WHERE id = $2",
        unit.table()
    ))
    .bind(name)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Deletes a unit (a branch takes its cells with it); false when it does not exist.
pub async fn delete_unit(conn: &mut AnyConnection, unit: Unit, id: i64) -> sqlx::Result<bool> {
    let r = sqlx::query(&format!("DELETE FROM {} WHERE id = $1", unit.table()))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Accounts (active or not, since history is kept) that point at this unit.
pub async fn count_users_in(conn: &mut AnyConnection, unit: Unit, id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM users WHERE {} = $1",
        unit.user_column()
    ))
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// A unit's name, if it exists.
pub async fn unit_name(
    conn: &mut AnyConnection,
    unit: Unit,
    id: i64,
) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as(&format!("SELECT name FROM {} WHERE id = $1", unit.table()))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(n,)| n))
}

pub async fn unit_exists(conn: &mut AnyConnection, unit: Unit, id: i64) -> sqlx::Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as(&format!("SELECT id FROM {} WHERE id = $1", unit.table()))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// The branch a cell belongs to.
pub async fn cell_branch(conn: &mut AnyConnection, cell_id: i64) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT branch_id FROM cells WHERE id = $1")
        .bind(cell_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(b,)| b))
}

/// Looks a unit up by exact name (a cell within its branch); used by imports.
pub async fn find_unit_by_name(
    conn: &mut AnyConnection,
    unit: Unit,
    parent: Option<i64>,
    name: &str,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = match (unit, parent) {
        (Unit::Cell, Some(branch)) => {
            sqlx::query_as("SELECT id FROM cells WHERE branch_id = $1 AND name = $2")
                .bind(branch)
                .bind(name)
                .fetch_optional(conn)
                .await?
        }
        _ => {
            sqlx::query_as(&format!("SELECT id FROM {} WHERE name = $1", unit.table()))
                .bind(name)
                .fetch_optional(conn)
                .await?
        }
    };
    Ok(row.map(|(id,)| id))
}
