//! Who is asking: password hashing (argon2id), session tokens, the session cookie and the
//! `CurrentUser` extractor every protected handler takes. Role and scope checks are methods
//! on `CurrentUser` that the domain calls explicitly.

use std::net::SocketAddr;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, request::Parts, HeaderMap};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::api::auth::{Role, Scope};

use crate::db::{self, users::UserRow};
use crate::error::{AppError, AppResult};
use crate::state::{AppState, Settings};

/// Name of the HttpOnly session cookie.
pub const SESSION_COOKIE: &str = "beacon_session";

/// Hashes a password with argon2id off the async threads (it is deliberately slow).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await?
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await?)
}

/// A fresh random session token and the hash under which it is stored.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `Set-Cookie` value that stores the session token in the browser.
pub fn session_cookie(token: &str, settings: &Settings, https: bool) -> String {
    let secure = if settings.secure_cookie || https {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        settings.session_ttl_ms / 1000
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token sent in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// The client's address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy.
pub fn client_ip(parts: &Parts, settings: &Settings) -> String {
    if settings.trust_proxy {
        if let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            return first.trim().to_string();
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// True when the request came over https (directly or through a trusted proxy).
pub fn is_https(parts: &Parts, settings: &Settings) -> bool {
    settings.trust_proxy
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The signed-in user of a request, including one who must still change their password.
/// Only the endpoints that let such a user finish signing in take this extractor.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub scope: Scope,
    pub must_change_password: bool,
    pub password_hash: String,
    /// Hash of the token this request came with; lets "sign out elsewhere" keep this one.
    pub token_hash: String,
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let hash = token_hash(&token);
        let mut conn = state.db.pool.acquire().await?;
        let row = db::sessions::find_user(&mut conn, &hash, db::now_ms())
            .await?
            .filter(|u| u.active == 1)
            .ok_or(AppError::Unauthenticated)?;
        let role = Role::parse(&row.role).ok_or_else(|| AppError::internal("unknown role"))?;
        let scope = if role == Role::Organizer {
            db::users::load_scope(&mut conn, row.id).await?
        } else {
            Scope::default()
        };
        Ok(SessionUser::from_row(row, role, scope, hash))
    }
}

impl SessionUser {
    fn from_row(row: UserRow, role: Role, scope: Scope, token_hash: String) -> Self {
        SessionUser {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role,
            branch_id: row.branch_id,
            youth_group_id: row.youth_group_id,
            scope,
            must_change_password: row.must_change_password == 1,
            password_hash: row.password_hash,
            token_hash,
        }
    }
}

/// A signed-in user who may use the app (no pending password change). Every protected
/// handler takes this; anonymous requests get 401, pending password changes get 403.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl std::ops::Deref for CurrentUser {
    type Target = SessionUser;
    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = SessionUser::from_request_parts(parts, state).await?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(CurrentUser(user))
    }
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Fails unless the user is an admin.
    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Fails unless the user is an organizer or an admin.
    pub fn require_staff(&self) -> AppResult<()> {
        match self.role {
            Role::Admin | Role::Organizer => Ok(()),
            Role::Member => Err(AppError::Forbidden),
        }
    }

    /// Whether this user may see the account of a member in `branch_id` / `youth_group_id`:
    /// admins see everyone, organizers their branches and youth groups, members themselves.
    pub fn can_see(
        &self,
        member_id: i64,
        branch_id: Option<i64>,
        youth_group_id: Option<i64>,
    ) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Organizer => {
                member_id == self.id
                    || branch_id.is_some_and(|b| self.scope.branch_ids.contains(&b))
                    || youth_group_id.is_some_and(|g| self.scope.youth_group_ids.contains(&g))
            }
            Role::Member => member_id == self.id,
        }
    }
}
