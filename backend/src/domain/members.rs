//! Member accounts: listing within the caller's scope, and the admin's create, edit,
//! deactivate, password reset and bulk import.

use rand::seq::SliceRandom;
use rand::Rng;
use shared::api::auth::{Role, Scope};
use shared::api::members::{
    BatchResetPasswords, CreateMember, ImportReport, ImportedAccount, IssuedPassword, Member,
    MemberPage, MemberQuery, PasswordSheet, UpdateMember, MAX_BATCH_RESET,
};
use shared::error::codes;
use shared::validation;
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::{self, is_unique_violation, org::Unit, users::UserRow, Db};
use crate::domain::member_import::{self, ImportRow};
use crate::domain::{audit, exports};
use crate::error::{AppError, AppResult};
use crate::password::hash as hash_password;

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 200;

/// Members the caller may see: admins everyone, organizers their branches and youth groups.
pub async fn list(db: &Db, user: &SessionUser, q: MemberQuery) -> AppResult<MemberPage> {
    user.require_staff()?;
    let visibility = if user.is_admin() {
        db::users::Visibility::All
    } else {
        db::users::Visibility::Within(user.scope.clone())
    };
    let per_page = q
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let page = q.page.unwrap_or(1).max(1);
    let search =
        q.q.map(|s| s.trim().chars().take(64).collect::<String>())
            .filter(|s| !s.is_empty());
    let filter = db::users::ListFilter {
        visibility,
        branch_id: q.branch_id,
        youth_group_id: q.youth_group_id,
        search,
        include_inactive: q.include_inactive.unwrap_or(false),
        limit: i64::from(per_page),
        offset: i64::from(page - 1) * i64::from(per_page),
    };
    let (rows, total) = db::users::list(&db.pool, &filter).await?;
    let mut conn = db.pool.acquire().await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(to_member(&mut conn, row).await?);
    }
    Ok(MemberPage {
        items,
        total,
        page,
        per_page,
    })
}

/// One member, if the caller may see them. Someone outside the caller's scope is reported
/// as not found, so ids cannot be probed.
pub async fn get(db: &Db, user: &SessionUser, id: i64) -> AppResult<Member> {
    let mut conn = db.pool.acquire().await?;
    let row = db::users::find_by_id(&mut conn, id)
        .await?
        .filter(|r| user.can_see(r.id, r.branch_id, r.youth_group_id))
        .ok_or(AppError::NotFound("成员"))?;
    to_member(&mut conn, row).await
}

/// Creates an account with a random initial password that must be changed at first sign-in.
pub async fn create(db: &Db, user: &SessionUser, req: CreateMember) -> AppResult<IssuedPassword> {
    user.require_admin()?;
    let username = req.username.trim().to_string();
    validation::username(&username)?;
    let mut row = UserRow {
        id: 0,
        username: username.clone(),
        display_name: req.display_name.trim().to_string(),
        password_hash: String::new(),
        role: req.role.as_str().to_string(),
        branch_id: req.branch_id,
        cell_id: req.cell_id,
        youth_group_id: req.youth_group_id,
        phone: clean_phone(req.phone),
        active: 1,
        must_change_password: 1,
    };
    let scope = if req.role == Role::Organizer {
        req.scope
    } else {
        Scope::default()
    };
    let password = initial_password();
    let hash = hash_password(password.clone()).await?;
    let mut tx = db.begin_write().await?;
    check_member_fields(&mut tx, &row, &scope).await?;
    row.password_hash = hash;
    let id = db::users::insert(
        &mut tx,
        &db::users::NewUser {
            username: &row.username,
            display_name: &row.display_name,
            password_hash: &row.password_hash,
            role: &row.role,
            branch_id: row.branch_id,
            cell_id: row.cell_id,
            youth_group_id: row.youth_group_id,
            phone: row.phone.as_deref(),
            must_change_password: true,
        },
    )
    .await
    .map_err(|e| username_taken(e, &username))?;
    db::users::set_scope(&mut tx, id, &scope).await?;
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        user,
        "create",
        "member",
        Some(id.to_string()),
        None,
        Some(audit::json(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedPassword {
        member: get(db, user, id).await?,
        initial_password: password,
    })
}

/// Changes the given fields of an account. Deactivating signs the member out everywhere;
/// their history stays.
pub async fn update(db: &Db, user: &SessionUser, id: i64, req: UpdateMember) -> AppResult<Member> {
    user.require_admin()?;
    let mut tx = db.begin_write().await?;
    let mut row = db::users::find_by_id(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("成员"))?;
    let before = to_member(&mut tx, row.clone()).await?;
    let was_admin = row.role == "admin" && row.active == 1;
    if let Some(name) = req.display_name {
        row.display_name = name.trim().to_string();
    }
    if let Some(role) = req.role {
        row.role = role.as_str().to_string();
    }
    if let Some(branch) = req.branch_id {
        if row.branch_id != Some(branch) {
            // A cell belongs to one branch: moving branch clears it unless a new one is given.
            row.cell_id = None;
        }
        row.branch_id = Some(branch);
    }
    if let Some(cell) = req.cell_id {
        row.cell_id = cell;
    }
    if let Some(group) = req.youth_group_id {
        row.youth_group_id = group;
    }
    if let Some(phone) = req.phone {
        row.phone = clean_phone(phone);
    }
    if let Some(active) = req.active {
        if !active && id == user.id {
            return Err(AppError::bad_request(
                codes::FORBIDDEN,
                "不能停用自己的账号",
            ));
        }
        row.active = i64::from(active);
    }
    let role = Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role"))?;
    let scope = match (role, req.scope) {
        (Role::Organizer, Some(scope)) => scope,
        (Role::Organizer, None) => db::users::load_scope(&mut tx, id).await?,
        _ => Scope::default(),
    };
    let still_admin = row.role == "admin" && row.active == 1;
    if was_admin && !still_admin && db::users::count_active_admins(&mut tx).await? <= 1 {
        return Err(AppError::bad_request(
            codes::FORBIDDEN,
            "这是最后一个管理员账号，不能取消其管理员身份或停用",
        ));
    }
    check_member_fields(&mut tx, &row, &scope).await?;
    db::users::update(&mut tx, &row).await?;
    db::users::set_scope(&mut tx, id, &scope).await?;
    if row.active == 0 {
        db::sessions::delete_for_user(&mut tx, id, None).await?;
    }
    let after = snapshot(&mut tx, id).await?;
    if after != before {
        audit::record(
            &mut tx,
            user,
            "update",
            "member",
            Some(id.to_string()),
            Some(audit::json(&before)),
            Some(audit::json(&after)),
        )
        .await?;
    }
    tx.commit().await?;
    get(db, user, id).await
}

/// Whether `user` may reset `row`'s password: admins anyone; organizers only members
/// (not admins or organizers) of their branches and youth groups, each refusal with its code.
fn check_resettable(user: &SessionUser, row: &UserRow) -> AppResult<()> {
    if user.is_admin() {
        return Ok(());
    }
    user.require_staff()?;
    if row.role != Role::Member.as_str() {
        return Err(AppError::forbidden(
            "reset_staff_account",
            "管理员和组织者的密码只能由管理员重置",
        ));
    }
    if !user.can_see(row.id, row.branch_id, row.youth_group_id) {
        return Err(AppError::forbidden(
            "reset_out_of_scope",
            "只能重置您负责的党支部或青年理论学习小组成员的密码",
        ));
    }
    Ok(())
}

/// Writes one reset inside `tx`: the new hash with a pending password change, every session
/// of the account ended, and the audit entry (the account before and after, no password).
async fn apply_reset(
    tx: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
    hash: &str,
) -> AppResult<()> {
    let before = snapshot(tx, id).await?;
    db::users::set_password(tx, id, hash, true).await?;
    db::sessions::delete_for_user(tx, id, None).await?;
    // The account as shown (no password in it): the change is the pending password change.
    let after = snapshot(tx, id).await?;
    audit::record(
        tx,
        user,
        "reset_password",
        "member",
        Some(id.to_string()),
        Some(audit::json(&before)),
        Some(audit::json(&after)),
    )
    .await?;
    Ok(())
}

/// Issues a new initial password; the member must change it at next sign-in and is signed
/// out everywhere now. Admins reset anyone; organizers members of their units (403
/// `reset_out_of_scope` / `reset_staff_account` otherwise).
pub async fn reset_password(db: &Db, user: &SessionUser, id: i64) -> AppResult<IssuedPassword> {
    user.require_staff()?;
    // Refuse before spending a hash on it.
    {
        let mut conn = db.pool.acquire().await?;
        let row = db::users::find_by_id(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("成员"))?;
        check_resettable(user, &row)?;
    }
    let password = initial_password();
    let hash = hash_password(password.clone()).await?;
    let mut tx = db.begin_write().await?;
    // Again in the transaction: the account may have moved or changed role meanwhile.
    let row = db::users::find_by_id(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("成员"))?;
    check_resettable(user, &row)?;
    apply_reset(&mut tx, user, id, &hash).await?;
    tx.commit().await?;
    Ok(IssuedPassword {
        member: get(db, user, id).await?,
        initial_password: password,
    })
}

/// The job kind of a batch reset's sheet of initial passwords.
pub const PASSWORD_SHEET_KIND: &str = "password_sheet";

/// The accounts a batch names, in the order given: every id distinct and existing, none an
/// admin's (an admin resets another admin one at a time, knowingly).
async fn batch_rows(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<UserRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    let mut admins = Vec::new();
    for &id in ids {
        match db::users::find_by_id(conn, id).await? {
            None => missing.push(id.to_string()),
            Some(r) if r.role == Role::Admin.as_str() => admins.push(r.username.clone()),
            Some(r) => rows.push(r),
        }
    }
    if !missing.is_empty() {
        return Err(AppError::validation(
            "member_ids",
            format!("以下成员不存在：{}", missing.join("、")),
        ));
    }
    if !admins.is_empty() {
        return Err(AppError::validation(
            "member_ids",
            format!("批量重置不能包含管理员账号：{}", admins.join("、")),
        ));
    }
    Ok(rows)
}

/// Resets the selected accounts at once (admin): each gets a new initial password it must
/// change at next sign-in, is signed out, and has its own audit entry. The passwords are
/// returned only in an XLSX sheet (账号 / 姓名 / 初始密码) stored for one download. All or
/// nothing: a bad id rejects the batch before anything is written.
pub async fn batch_reset(
    db: &Db,
    user: &SessionUser,
    req: BatchResetPasswords,
) -> AppResult<PasswordSheet> {
    user.require_admin()?;
    if req.member_ids.is_empty() {
        return Err(AppError::validation("member_ids", "请选择要重置密码的成员"));
    }
    let mut ids = Vec::with_capacity(req.member_ids.len());
    for id in req.member_ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_BATCH_RESET {
        return Err(AppError::validation(
            "member_ids",
            format!("一次最多重置{MAX_BATCH_RESET}个账号"),
        ));
    }
    {
        let mut conn = db.pool.acquire().await?;
        batch_rows(&mut conn, &ids).await?;
    }
    // Hash outside the write transaction, all queued at once so every hashing thread works.
    let passwords: Vec<String> = ids.iter().map(|_| initial_password()).collect();
    let hashes =
        futures_util::future::try_join_all(passwords.iter().map(|p| hash_password(p.clone())))
            .await?;
    let mut tx = db.begin_write().await?;
    let rows = batch_rows(&mut tx, &ids).await?;
    let mut table = exports::Table {
        title: "初始密码".into(),
        lines: vec![],
        header: vec!["账号", "姓名", "初始密码"],
        rows: Vec::with_capacity(rows.len()),
    };
    for ((row, password), hash) in rows.iter().zip(&passwords).zip(&hashes) {
        apply_reset(&mut tx, user, row.id, hash).await?;
        table.rows.push(vec![
            exports::Cell::Text(row.username.clone()),
            exports::Cell::Text(row.display_name.clone()),
            exports::Cell::Text(password.clone()),
        ]);
    }
    let bytes = exports::xlsx(&[table])?;
    let file_name = format!(
        "初始密码-{}人-{}.xlsx",
        rows.len(),
        shared::calendar::day_key(db::now_ms())
    );
    let id = db::jobs::insert_once_file(
        &mut tx,
        user.id,
        PASSWORD_SHEET_KIND,
        &file_name,
        "xlsx",
        &bytes,
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordSheet {
        id,
        count: rows.len() as i64,
        file_name,
        download_url: format!("/api/v1/members/password-sheets/{id}"),
    })
}

/// The sheet of a batch reset, once, to the admin who made it: a second request is 410
/// `password_sheet_downloaded`; another person's sheet, or one removed after an hour, 404.
pub async fn take_password_sheet(
    db: &Db,
    user: &SessionUser,
    id: i64,
) -> AppResult<(String, Vec<u8>)> {
    user.require_admin()?;
    let mut tx = db.begin_write().await?;
    let taken = db::jobs::take_once_file(&mut tx, id, user.id, PASSWORD_SHEET_KIND).await?;
    tx.commit().await?;
    match taken {
        db::jobs::Taken::File { name, bytes } => Ok((name, bytes)),
        db::jobs::Taken::AlreadyTaken => Err(AppError::gone(
            "password_sheet_downloaded",
            "这份初始密码表已下载过，为安全起见不能再次下载；如有遗失，请重新重置这些成员的密码",
        )),
        db::jobs::Taken::Missing => Err(AppError::NotFound("初始密码表")),
    }
}

/// Imports members from a CSV or XLSX file. Every row is checked first; a single problem
/// rejects the whole file with row-numbered messages and nothing is written. Rows whose
/// account exists update it (name, branch, cell, youth group, phone); new rows create
/// members with initial passwords.
pub async fn import(db: &Db, user: &SessionUser, bytes: &[u8]) -> AppResult<ImportReport> {
    user.require_admin()?;
    // Reading a workbook is CPU work: off the request's async threads.
    let owned = bytes.to_vec();
    let rows = tokio::task::spawn_blocking(move || member_import::parse(&owned))
        .await
        .map_err(AppError::internal)??;
    let mut problems = Vec::new();
    let mut tx = db.begin_write().await?;
    let mut resolved: Vec<(ImportRow, UserRow, bool)> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for r in rows {
        if let Some(first) = seen.insert(r.username.clone(), r.row) {
            problems.push(member_import::problem(
                r.row,
                "账号",
                format!("账号“{}”与第{first}行重复", r.username),
            ));
            continue;
        }
        match resolve_import_row(&mut tx, &r).await? {
            Ok((row, exists)) => resolved.push((r, row, exists)),
            Err(detail) => problems.push(detail),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Import(problems));
    }
    // Hash the new accounts' passwords before writing; all of it happens in this one
    // transaction, so a failure leaves the database as it was.
    let mut report = ImportReport {
        created: 0,
        updated: 0,
        issued: Vec::new(),
    };
    for (_, mut row, exists) in resolved {
        if exists {
            let before = snapshot(&mut tx, row.id).await?;
            db::users::update(&mut tx, &row).await?;
            let after = snapshot(&mut tx, row.id).await?;
            if after != before {
                audit::record(
                    &mut tx,
                    user,
                    "import",
                    "member",
                    Some(row.id.to_string()),
                    Some(audit::json(&before)),
                    Some(audit::json(&after)),
                )
                .await?;
            }
            report.updated += 1;
        } else {
            let password = initial_password();
            row.password_hash = hash_password(password.clone()).await?;
            let id = db::users::insert(
                &mut tx,
                &db::users::NewUser {
                    username: &row.username,
                    display_name: &row.display_name,
                    password_hash: &row.password_hash,
                    role: "member",
                    branch_id: row.branch_id,
                    cell_id: row.cell_id,
                    youth_group_id: row.youth_group_id,
                    phone: row.phone.as_deref(),
                    must_change_password: true,
                },
            )
            .await?;
            let after = snapshot(&mut tx, id).await?;
            audit::record(
                &mut tx,
                user,
                "import",
                "member",
                Some(id.to_string()),
                None,
                Some(audit::json(&after)),
            )
            .await?;
            report.created += 1;
            report.issued.push(ImportedAccount {
                username: row.username,
                display_name: row.display_name,
                initial_password: password,
            });
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Turns one import row into the account it describes, or the row's first problem.
async fn resolve_import_row(
    conn: &mut AnyConnection,
    r: &ImportRow,
) -> AppResult<Result<(UserRow, bool), shared::ErrorDetail>> {
    let bad = |field: &str, msg: String| Ok(Err(member_import::problem(r.row, field, msg)));
    if let Err(e) = validation::username(&r.username) {
        return bad("账号", e.message);
    }
    if let Err(e) = validation::display_name(&r.display_name) {
        return bad("姓名", e.message);
    }
    if let Some(p) = &r.phone {
        if let Err(e) = validation::phone(p) {
            return bad("手机号", e.message);
        }
    }
    let Some(branch_id) = db::org::find_unit_by_name(conn, Unit::Branch, None, &r.branch).await?
    else {
        return bad("党支部", format!("党支部“{}”不存在", r.branch));
    };
    let cell_id = match &r.cell {
        Some(c) => match db::org::find_unit_by_name(conn, Unit::Cell, Some(branch_id), c).await? {
            Some(id) => Some(id),
            None => return bad("党小组", format!("党支部“{}”下没有党小组“{c}”", r.branch)),
        },
        None => None,
    };
    let youth_group_id = match &r.youth_group {
        Some(g) => match db::org::find_unit_by_name(conn, Unit::YouthGroup, None, g).await? {
            Some(id) => Some(id),
            None => return bad("青年理论学习小组", format!("青年理论学习小组“{g}”不存在")),
        },
        None => None,
    };
    let existing = db::users::find_by_username(conn, &r.username).await?;
    if existing.as_ref().is_some_and(|u| u.role == "admin") {
        return bad(
            "账号",
            format!("账号“{}”是管理员，不能通过导入修改", r.username),
        );
    }
    let exists = existing.is_some();
    let mut row = existing.unwrap_or(UserRow {
        id: 0,
        username: r.username.clone(),
        display_name: String::new(),
        password_hash: String::new(),
        role: "member".into(),
        branch_id: None,
        cell_id: None,
        youth_group_id: None,
        phone: None,
        active: 1,
        must_change_password: 1,
    });
    row.display_name = r.display_name.clone();
    row.branch_id = Some(branch_id);
    row.cell_id = cell_id;
    row.youth_group_id = youth_group_id;
    row.phone = r.phone.clone();
    Ok(Ok((row, exists)))
}

/// Checks the fields of an account to be stored against the rules and the org tree.
async fn check_member_fields(
    conn: &mut AnyConnection,
    row: &UserRow,
    scope: &Scope,
) -> AppResult<()> {
    validation::display_name(&row.display_name)?;
    if let Some(p) = &row.phone {
        validation::phone(p)?;
    }
    let role = Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role"))?;
    match row.branch_id {
        Some(b) if !db::org::unit_exists(conn, Unit::Branch, b).await? => {
            return Err(field_error("branch_id", "所选党支部不存在"));
        }
        None if role != Role::Admin => {
            return Err(field_error("branch_id", "请选择所在党支部"));
        }
        _ => {}
    }
    if let Some(c) = row.cell_id {
        if db::org::cell_branch(conn, c).await? != row.branch_id || row.branch_id.is_none() {
            return Err(field_error("cell_id", "所选党小组不属于该党支部"));
        }
    }
    if let Some(g) = row.youth_group_id {
        if !db::org::unit_exists(conn, Unit::YouthGroup, g).await? {
            return Err(field_error("youth_group_id", "所选青年理论学习小组不存在"));
        }
    }
    if role == Role::Organizer {
        if scope.is_empty() {
            return Err(field_error(
                "scope",
                "组织员至少需要负责一个党支部或青年理论学习小组",
            ));
        }
        for b in &scope.branch_ids {
            if !db::org::unit_exists(conn, Unit::Branch, *b).await? {
                return Err(field_error("scope", "负责范围中的党支部不存在"));
            }
        }
        for g in &scope.youth_group_ids {
            if !db::org::unit_exists(conn, Unit::YouthGroup, *g).await? {
                return Err(field_error("scope", "负责范围中的青年理论学习小组不存在"));
            }
        }
    }
    Ok(())
}

fn field_error(field: &str, message: &str) -> AppError {
    AppError::Validation {
        field: field.into(),
        message: message.into(),
    }
}

fn username_taken(e: sqlx::Error, username: &str) -> AppError {
    if is_unique_violation(&e) {
        AppError::conflict(codes::USERNAME_TAKEN, format!("账号“{username}”已被使用"))
    } else {
        e.into()
    }
}

fn clean_phone(p: Option<String>) -> Option<String> {
    p.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A random initial password that passes the password rules: 10 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), with letters and digits.
pub fn initial_password() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::thread_rng();
    let mut chars: Vec<u8> = Vec::with_capacity(10);
    for _ in 0..6 {
        chars.push(LETTERS[rng.gen_range(0..LETTERS.len())]);
    }
    for _ in 0..4 {
        chars.push(DIGITS[rng.gen_range(0..DIGITS.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).unwrap_or_default()
}

/// An account as the audit log records it: the wire type, which has no password hash.
async fn snapshot(conn: &mut AnyConnection, id: i64) -> AppResult<Member> {
    let row = db::users::find_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound("成员"))?;
    to_member(conn, row).await
}

async fn to_member(conn: &mut AnyConnection, row: UserRow) -> AppResult<Member> {
    let role = Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role"))?;
    let scope = if role == Role::Organizer {
        db::users::load_scope(conn, row.id).await?
    } else {
        Scope::default()
    };
    Ok(Member {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role,
        branch_id: row.branch_id,
        cell_id: row.cell_id,
        youth_group_id: row.youth_group_id,
        phone: row.phone,
        active: row.active == 1,
        must_change_password: row.must_change_password == 1,
        scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_passwords_pass_the_password_rules() {
        for _ in 0..200 {
            let p = initial_password();
            assert_eq!(p.len(), 10);
            validation::new_password(&p, "someone").unwrap();
        }
    }
}
