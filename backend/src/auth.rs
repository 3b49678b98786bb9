//! Who is asking: session tokens, the session cookie and the
//! `CurrentUser` extractor every protected handler takes. Role and scope checks are methods
//! on `CurrentUser` that the domain calls explicitly.

use std::net::{IpAddr, SocketAddr};

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
    cookie(token, settings.session_ttl_ms / 1000, settings, https)
}

/// `Set-Cookie` value that removes the session cookie (with the attributes that set it, or
/// a browser may keep the Secure one).
pub fn clear_session_cookie(settings: &Settings, https: bool) -> String {
    cookie("", 0, settings, https)
}

fn cookie(value: &str, max_age_secs: i64, settings: &Settings, https: bool) -> String {
    let secure = if settings.secure_cookie || https {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
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

/// The client's address. Directly connected, the socket peer. Behind
/// `settings.trusted_proxies` proxies, each of which appends the address it saw to
/// `X-Forwarded-For`, the entry that many places from the right: the rightmost one no
/// trusted proxy wrote for itself. Entries left of it are the client's own words (anyone
/// can send `X-Forwarded-For: 1.2.3.4`), so they are never used.
pub fn client_ip(parts: &Parts, settings: &Settings) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip());
    let forwarded = (settings.trusted_proxies > 0)
        .then(|| forwarded_client(&parts.headers, settings.trusted_proxies))
        .flatten();
    forwarded
        .or(peer)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// The client address `hops` trusted proxies recorded in `X-Forwarded-For` (all of its
/// headers, in order), if it is a valid address.
pub fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    // Fewer entries than proxies: every entry was written by a trusted proxy.
    let entry = entries.get(entries.len().saturating_sub(hops))?;
    entry.parse().ok()
}

/// True when the request came over https (directly or through a trusted proxy).
pub fn is_https(parts: &Parts, settings: &Settings) -> bool {
    settings.trusted_proxies > 0
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
        let SessionToken(hash) = SessionToken::from_request_parts(parts, state).await?;
        SessionUser::of_session(&state.db, hash).await
    }
}

impl SessionUser {
    /// The user behind the session whose token hashes to `hash` (one indexed read, plus the
    /// scope for an organizer); 401 when it is unknown, expired or its account inactive.
    pub async fn of_session(db: &db::Db, hash: String) -> AppResult<SessionUser> {
        let mut conn = db.pool.acquire().await?;
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
        let SessionToken(hash) = SessionToken::from_request_parts(parts, state).await?;
        CurrentUser::of_session(&state.db, hash).await
    }
}

impl CurrentUser {
    /// [`SessionUser::of_session`], refusing (403) a user who must still change their password.
    pub async fn of_session(db: &db::Db, hash: String) -> AppResult<CurrentUser> {
        let user = SessionUser::of_session(db, hash).await?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(CurrentUser(user))
    }
}

/// The hash of the request's session token, not yet looked up (401 without a cookie). The
/// two hot paths take it instead of [`CurrentUser`]: their fast path checks the session in
/// the statement that does their work (the answer save's batched write, the heartbeat's
/// read), so a valid session costs no statement of its own and a signed-out or deactivated
/// one is refused by the very statement, on every instance at once. Whatever the fast path
/// does not answer goes through [`CurrentUser::of_session`] as any other request.
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

impl FromRequestParts<AppState> for SessionToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> AppResult<Self> {
        let token = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
        Ok(SessionToken(token_hash(&token)))
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
