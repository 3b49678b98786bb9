//! Signing in and out, the signed-in user's profile, and password changes.

use shared::api::auth::{ChangePasswordRequest, LoginRequest, Me, Role, Scope};
use shared::error::codes;
use shared::validation;

use crate::auth::{new_session_token, SessionUser};
use crate::db::{self, now_ms, users::UserRow, Db};
use crate::domain::{points, throttle};
use crate::error::{AppError, AppResult};
use crate::password;
use crate::state::Settings;

/// A hash of a password nobody has, verified when the account does not exist so that the
/// answer takes as long as for a real account.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8xKjCFE6ZAVy2m7fXwuAcZx1tXqB5r/SBqH9vZG4c0Y";

/// Checks the credentials and opens a session. Returns the profile and the session token.
///
/// No pooled connection is held while the password is checked: in a morning rush the
/// checks wait in the hashing queue (`crate::password`) while the pool keeps serving the
/// rest of the API. The attempt is counted by the throttle before the check and given back
/// when it succeeds (`domain::throttle`).
pub async fn login(
    db: &Db,
    settings: &Settings,
    req: LoginRequest,
    client_ip: &str,
) -> AppResult<(Me, String)> {
    let username = req.username.trim().to_string();
    if username.is_empty() || req.password.is_empty() {
        return Err(AppError::bad_request(codes::VALIDATION, "请输入账号和密码"));
    }
    // Over-long input cannot be a valid credential; refuse it before any hashing work.
    if username.chars().count() > 64
        || req.password.chars().count() > validation::PASSWORD_MAX_CHARS
    {
        return Err(invalid_credentials(None));
    }
    let now = now_ms();
    let attempt = throttle::reserve(db, &username, client_ip, now).await?;
    let user = {
        let mut conn = db.pool.acquire().await?;
        db::users::find_by_username(&mut conn, &username).await?
    };
    let hash = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_string(), |u| u.password_hash.clone());
    let checked = password::hasher()
        .verify(req.password, hash, Some(settings.sign_in_max_wait))
        .await;
    let ok = match checked {
        Ok(ok) => ok && user.is_some(),
        Err(e) => {
            // Not the user's failure: the attempt does not count.
            if let Err(w) = throttle::withdraw(db, &attempt).await {
                tracing::warn!(error = %w, "sign-in attempt not withdrawn from the throttle");
            }
            return Err(e);
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        attempt.failed();
        return Err(invalid_credentials(Some(&attempt)));
    };
    let (token, token_hash) = new_session_token();
    let mut tx = db.begin_write().await?;
    throttle::succeeded(&mut tx, &attempt).await?;
    if user.active != 1 {
        tx.commit().await?;
        return Err(AppError::Unauthorized {
            code: codes::ACCOUNT_DISABLED,
            message: "该账号已停用，请联系管理员".into(),
        });
    }
    db::sessions::create(
        &mut tx,
        &token_hash,
        user.id,
        now,
        now + settings.session_ttl_ms,
    )
    .await?;
    // Signing in is the day's sign-in (see domain::points); a pending password change first.
    if user.must_change_password != 1 {
        let who = points::Earner {
            id: user.id,
            branch_id: user.branch_id,
            youth_group_id: user.youth_group_id,
        };
        points::sign_in_within(&mut tx, who, now).await?;
    }
    tx.commit().await?;
    let me = profile(db, &user).await?;
    Ok((me, token))
}

fn invalid_credentials(attempt: Option<&throttle::Attempt>) -> AppError {
    let message = match attempt {
        Some(a) if a.remaining() <= 0 => {
            format!("账号或密码错误，请{}秒后再试", a.delay_ms() / 1000)
        }
        Some(a) if a.remaining() < 3 => {
            format!("账号或密码错误，还可尝试{}次", a.remaining())
        }
        _ => "账号或密码错误".to_string(),
    };
    AppError::Unauthorized {
        code: codes::INVALID_CREDENTIALS,
        message,
    }
}

/// Hourly: forgets expired sessions, sign-in counters whose window has ended, export
/// jobs (with their files) past their retention and question-import previews nobody
/// confirmed within a day. Every
/// instance runs it; the deletes are idempotent.
pub async fn housekeeping_timer(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = now_ms();
        let sessions = async {
            let mut conn = db.pool.acquire().await?;
            db::sessions::delete_expired(&mut conn, now).await
        };
        if let Err(e) = sessions.await {
            tracing::warn!(error = %e, "expired sessions not deleted");
        }
        if let Err(e) = throttle::sweep(&db, now).await {
            tracing::warn!(error = %e, "old sign-in counters not deleted");
        }
        if let Err(e) = super::export_jobs::sweep(&db).await {
            tracing::warn!(error = %e, "old export jobs not deleted");
        }
        if let Err(e) = super::question_import::sweep(&db).await {
            tracing::warn!(error = %e, "unconfirmed question imports not deleted");
        }
    }
}

/// The profile of a signed-in user.
pub async fn me(db: &Db, user: &SessionUser) -> AppResult<Me> {
    // The app asks for the profile on every start: that is the day's sign-in.
    points::sign_in_quietly(db, user).await;
    let mut conn = db.pool.acquire().await?;
    let row = db::users::find_by_id(&mut conn, user.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    drop(conn);
    profile(db, &row).await
}

async fn profile(db: &Db, row: &UserRow) -> AppResult<Me> {
    // One connection for every read: a second acquire while holding one is how a burst
    // of sign-ins used to exhaust the pool.
    let mut conn = db.pool.acquire().await?;
    let role = Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role"))?;
    let scope = if role == Role::Organizer {
        db::users::load_scope(&mut conn, row.id).await?
    } else {
        Scope::default()
    };
    let mut name_of = async |sql: &'static str, id: Option<i64>| -> sqlx::Result<Option<String>> {
        match id {
            Some(id) => Ok(sqlx::query_as::<_, (String,)>(sql)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|(n,)| n)),
            None => Ok(None),
        }
    };
    let branch_name = name_of("SELECT name FROM branches WHERE id = $1", row.branch_id).await?;
    let youth_group_name = name_of(
        "SELECT name FROM youth_groups WHERE id = $1",
        row.youth_group_id,
    )
    .await?;
    let organization_name = db::org::organization(&mut conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Me {
        id: row.id,
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        role,
        branch_id: row.branch_id,
        branch_name,
        youth_group_id: row.youth_group_id,
        youth_group_name,
        organization_name,
        scope,
        must_change_password: row.must_change_password == 1,
    })
}

/// Changes the user's own password, clears a pending forced change, and signs the account
/// out of every other session.
pub async fn change_password(
    db: &Db,
    user: &SessionUser,
    req: ChangePasswordRequest,
) -> AppResult<Me> {
    if req.current_password.chars().count() > validation::PASSWORD_MAX_CHARS
        || !password::verify(req.current_password.clone(), user.password_hash.clone()).await?
    {
        return Err(AppError::bad_request(
            codes::WRONG_PASSWORD,
            "当前密码不正确",
        ));
    }
    validation::new_password(&req.new_password, &user.username)?;
    if req.new_password == req.current_password {
        return Err(AppError::Validation {
            field: "new_password".into(),
            message: "新密码不能与当前密码相同".into(),
        });
    }
    let hash = password::hash(req.new_password).await?;
    let mut tx = db.begin_write().await?;
    db::users::set_password(&mut tx, user.id, &hash, false).await?;
    db::sessions::delete_for_user(&mut tx, user.id, Some(&user.token_hash)).await?;
    tx.commit().await?;
    me(db, user).await
}

/// Ends the session the request came with.
pub async fn logout(db: &Db, token_hash: &str) -> AppResult<()> {
    let mut conn = db.pool.acquire().await?;
    db::sessions::delete(&mut conn, token_hash).await?;
    Ok(())
}
