//! `/api/v1/notifications`, `/api/v1/reminders`: a member's notifications, unread count and
//! due items; reminders sent by staff.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::notifications::{
    DueItem, MarkRead, NotificationPage, NotificationQuery, ReminderSent, SendReminder, UnreadCount,
};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::notifications;
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/unread", get(unread))
        .route("/api/v1/notifications/read", post(mark_read))
        .route("/api/v1/notifications/due", get(due))
        .route("/api/v1/reminders", post(send_reminder))
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(NotificationQuery),
    responses((status = 200, body = NotificationPage), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> AppResult<Json<NotificationPage>> {
    Ok(Json(notifications::list(&state.db, &user, q).await?))
}

/// How many of the caller's notifications are unread (the bell's count).
#[utoipa::path(get, path = "/api/v1/notifications/unread", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn unread(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<UnreadCount>> {
    Ok(Json(notifications::unread(&state.db, &user).await?))
}

/// Marks the caller's notifications read (the listed ones, or all).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    request_body = MarkRead,
    responses((status = 200, body = UnreadCount), (status = 422, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<MarkRead>,
) -> AppResult<Json<UnreadCount>> {
    Ok(Json(notifications::mark_read(&state.db, &user, req).await?))
}

/// Modules and quizzes assigned to the caller and not completed, soonest due first.
#[utoipa::path(get, path = "/api/v1/notifications/due", tag = "notifications",
    responses((status = 200, body = Vec<DueItem>), (status = 401, body = ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<DueItem>>> {
    Ok(Json(notifications::due(&state.db, &user).await?))
}

/// Reminds the members in the caller's scope who have not completed a module or quiz
/// (admins and organizers).
#[utoipa::path(post, path = "/api/v1/reminders", tag = "notifications", request_body = SendReminder,
    responses((status = 201, body = ReminderSent), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 409, description = "every unfinished member had this reminder today (`already_reminded`)", body = ErrorBody)))]
pub async fn send_reminder(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SendReminder>,
) -> AppResult<(StatusCode, Json<ReminderSent>)> {
    let sent = notifications::send_reminder(&state.db, &user, req).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}
