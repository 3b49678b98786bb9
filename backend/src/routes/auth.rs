//! `/api/v1/auth`: sign in, sign out, who am I, change password.

use axum::extract::{FromRequestParts, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::auth::{ChangePasswordRequest, LoginRequest, Me, ThrottledSignIn};
use shared::ErrorBody;

use crate::auth::{self as session, CurrentUser, SessionUser};
use crate::domain;
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/password", post(change_password))
        .route("/api/v1/auth/throttles", get(throttles))
}

/// Where a request comes from: the client address (for rate limits) and whether it is https.
pub struct ClientInfo {
    pub ip: String,
    pub https: bool,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        Ok(ClientInfo {
            ip: session::client_ip(parts, &state.settings),
            https: session::is_https(parts, &state.settings),
        })
    }
}

/// Signs in and sets the HttpOnly session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody),
              (status = 429, description = "too many failed attempts (with Retry-After)", body = ErrorBody),
              (status = 503, description = "too many sign-ins queued (with Retry-After)", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let (me, token) = domain::auth::login(&state.db, &state.settings, req, &client.ip).await?;
    let cookie = session::session_cookie(&token, &state.settings, client.https);
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Ends this session and clears the cookie; succeeds even when not signed in.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    if let Some(token) = session::session_token(&headers) {
        domain::auth::logout(&state.db, &session::token_hash(&token)).await?;
    }
    let cookie = session::clear_session_cookie(&state.settings, client.https);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Sign-in counters that are slowing someone down now: accounts under attack, addresses
/// slowed, account and address pairs waiting out a delay (admins).
#[utoipa::path(get, path = "/api/v1/auth/throttles", tag = "auth",
    responses((status = 200, body = Vec<ThrottledSignIn>), (status = 403, body = ErrorBody)))]
pub async fn throttles(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<ThrottledSignIn>>> {
    Ok(Json(
        domain::throttle::active(&state.db, &user, crate::db::now_ms()).await?,
    ))
}

/// The signed-in user (also while a password change is pending).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, user: SessionUser) -> AppResult<Json<Me>> {
    Ok(Json(domain::auth::me(&state.db, &user).await?))
}

/// Changes the signed-in user's password; other sessions of the account end.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: SessionUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> AppResult<Json<Me>> {
    Ok(Json(
        domain::auth::change_password(&state.db, &user, req).await?,
    ))
}
