//! `/api/v1/modules` and `/api/v1/lessons`: what a member studies, and study-time heartbeats.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::study::{Heartbeat, LessonProgress, LessonView, ModuleDetail, ModuleSummary};
use shared::ErrorBody;

use crate::auth::{CurrentUser, SessionToken};
use crate::domain;
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/modules", get(modules))
        .route("/api/v1/modules/{id}", get(module))
        .route("/api/v1/lessons/{id}", get(lesson))
        .route("/api/v1/lessons/{id}/heartbeat", post(heartbeat))
}

/// The modules the signed-in member may study, with their progress.
#[utoipa::path(get, path = "/api/v1/modules", tag = "study",
    responses((status = 200, body = Vec<ModuleSummary>), (status = 401, body = ErrorBody)))]
pub async fn modules(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<ModuleSummary>>> {
    Ok(Json(domain::study::modules(&state.db, &user).await?))
}

/// One module with its lessons and the member's progress on each.
#[utoipa::path(get, path = "/api/v1/modules/{id}", tag = "study", params(("id" = i64, Path)),
    responses((status = 200, body = ModuleDetail), (status = 404, body = ErrorBody)))]
pub async fn module(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ModuleDetail>> {
    Ok(Json(domain::study::module(&state.db, &user, id).await?))
}

/// A lesson to read (Markdown rendered to safe HTML on the server).
#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "study", params(("id" = i64, Path)),
    responses((status = 200, body = LessonView), (status = 404, body = ErrorBody)))]
pub async fn lesson(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<LessonView>> {
    Ok(Json(domain::study::lesson(&state.db, &user, id).await?))
}

/// Reports that the lesson is on screen and focused; credits the time since the last report.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/heartbeat", tag = "study", params(("id" = i64, Path)),
    request_body = Heartbeat,
    responses((status = 200, body = LessonProgress), (status = 404, body = ErrorBody)))]
pub async fn heartbeat(
    State(state): State<AppState>,
    SessionToken(session): SessionToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(hb): ApiJson<Heartbeat>,
) -> AppResult<Json<LessonProgress>> {
    Ok(Json(
        domain::study::heartbeat(&state.db, &session, id, hb).await?,
    ))
}
