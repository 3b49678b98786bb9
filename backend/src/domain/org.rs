//! The organization tree: reading it (every signed-in user) and changing it (admins only).

use serde_json::json;
use shared::api::org::{NameRequest, OrgTree};
use shared::error::codes;
use shared::validation;

use crate::auth::SessionUser;
use crate::db::{self, is_unique_violation, org::Unit, Db};
use crate::domain::audit;
use crate::error::{AppError, AppResult};

/// The whole tree. Unit names are not private within an organization (leaderboards show
/// them), so every signed-in user may read it.
pub async fn tree(db: &Db) -> AppResult<OrgTree> {
    let mut conn = db.pool.acquire().await?;
    let organization = db::org::organization(&mut conn)
        .await?
        .ok_or(AppError::NotFound("组织"))?;
    Ok(OrgTree {
        organization,
        branches: db::org::branches(&mut conn).await?,
        youth_groups: db::org::youth_groups(&mut conn).await?,
    })
}

/// Creates a branch or youth group in the organization, or a cell in branch `parent`.
pub async fn create(
    db: &Db,
    user: &SessionUser,
    unit: Unit,
    parent: Option<i64>,
    req: NameRequest,
) -> AppResult<i64> {
    user.require_admin()?;
    let name = req.name.trim();
    validation::org_unit_name(name)?;
    let mut tx = db.begin_write().await?;
    let parent_id = match (unit, parent) {
        (Unit::Cell, Some(branch)) => {
            if !db::org::unit_exists(&mut tx, Unit::Branch, branch).await? {
                return Err(AppError::NotFound("党支部"));
            }
            branch
        }
        _ => {
            db::org::organization(&mut tx)
                .await?
                .ok_or(AppError::NotFound("组织"))?
                .id
        }
    };
    let id = db::org::insert_unit(&mut tx, unit, parent_id, name)
        .await
        .map_err(|e| duplicate_name(e, unit, name))?;
    let parent = (unit == Unit::Cell).then_some(parent_id);
    audit::record(
        &mut tx,
        user,
        "create",
        unit.entity(),
        Some(id.to_string()),
        None,
        Some(json!({"name": name, "branch_id": parent})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn rename(
    db: &Db,
    user: &SessionUser,
    unit: Unit,
    id: i64,
    req: NameRequest,
) -> AppResult<()> {
    user.require_admin()?;
    let name = req.name.trim();
    validation::org_unit_name(name)?;
    let mut tx = db.begin_write().await?;
    let old = db::org::unit_name(&mut tx, unit, id)
        .await?
        .ok_or(AppError::NotFound(unit.label()))?;
    db::org::rename_unit(&mut tx, unit, id, name)
        .await
        .map_err(|e| duplicate_name(e, unit, name))?;
    if old != name {
        audit::record(
            &mut tx,
            user,
            "update",
            unit.entity(),
            Some(id.to_string()),
            Some(json!({"name": old})),
            Some(json!({"name": name})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a unit that no account belongs to (history is kept, so deactivated members
/// count too). A branch's cells go with it.
pub async fn remove(db: &Db, user: &SessionUser, unit: Unit, id: i64) -> AppResult<()> {
    user.require_admin()?;
    let mut tx = db.begin_write().await?;
    let Some(old) = db::org::unit_name(&mut tx, unit, id).await? else {
        return Err(AppError::NotFound(unit.label()));
    };
    let n = db::org::count_users_in(&mut tx, unit, id).await?;
    if n > 0 {
        return Err(AppError::conflict(
            codes::NOT_EMPTY,
            format!(
                "该{}还有{n}名成员（含已停用账号），请先将他们调整到其他{}后再删除",
                unit.label(),
                unit.label()
            ),
        ));
    }
    db::org::delete_unit(&mut tx, unit, id).await?;
    audit::record(
        &mut tx,
        user,
        "delete",
        unit.entity(),
        Some(id.to_string()),
        Some(json!({"name": old})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn duplicate_name(e: sqlx::Error, unit: Unit, name: &str) -> AppError {
    if is_unique_violation(&e) {
        AppError::conflict(
            codes::CONFLICT,
            format!("已存在名为“{name}”的{}", unit.label()),
        )
    } else {
        e.into()
    }
}
