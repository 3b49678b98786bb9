//! `/api/v1/quizzes`, `/attempts`, `/mistakes`: taking quizzes and practising mistakes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared::api::quiz::{
    AttemptSummary, AttemptView, Mistake, QuizSummary, SaveAnswer, SavedAnswer,
};
use shared::ErrorBody;

use crate::auth::{CurrentUser, SessionToken};
use crate::domain;
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/quizzes", get(list))
        .route("/api/v1/quizzes/{id}", get(show_quiz))
        .route("/api/v1/quizzes/{id}/attempts", post(start))
        .route("/api/v1/attempts", get(history))
        .route("/api/v1/attempts/{id}", get(show))
        .route("/api/v1/attempts/{id}/answers/{position}", put(save_answer))
        .route("/api/v1/attempts/{id}/submit", post(submit))
        .route("/api/v1/mistakes", get(mistakes))
        .route("/api/v1/mistakes/practice", post(practise_mistakes))
}

/// Quizzes the member may take, with their attempts in the current period.
#[utoipa::path(get, path = "/api/v1/quizzes", tag = "quiz",
    responses((status = 200, body = Vec<QuizSummary>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<QuizSummary>>> {
    Ok(Json(domain::quiz::list(&state.db, &user).await?))
}

/// One quiz the member may take, with where they stand (its start screen).
#[utoipa::path(get, path = "/api/v1/quizzes/{id}", tag = "quiz", params(("id" = i64, Path)),
    responses((status = 200, body = QuizSummary), (status = 404, body = ErrorBody)))]
pub async fn show_quiz(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<QuizSummary>> {
    Ok(Json(domain::quiz::one(&state.db, &user, id).await?))
}

/// Starts an attempt (or resumes the open one). Questions come without keys.
#[utoipa::path(post, path = "/api/v1/quizzes/{id}/attempts", tag = "quiz", params(("id" = i64, Path)),
    responses((status = 201, body = AttemptView), (status = 404, body = ErrorBody),
              (status = 409, description = "not open, closed, or no attempts left", body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<(StatusCode, Json<AttemptView>)> {
    Ok((
        StatusCode::CREATED,
        Json(domain::quiz::start(&state.db, &user, id).await?),
    ))
}

/// The member's recent attempts.
#[utoipa::path(get, path = "/api/v1/attempts", tag = "quiz",
    responses((status = 200, body = Vec<AttemptSummary>)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<AttemptSummary>>> {
    Ok(Json(domain::quiz::history(&state.db, &user).await?))
}

/// One of the member's attempts: questions (before submission) or the result.
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "quiz", params(("id" = i64, Path)),
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AttemptView>> {
    Ok(Json(domain::quiz::view(&state.db, &user, id).await?))
}

/// Saves one answer, in the attempt's shown option order.
#[utoipa::path(put, path = "/api/v1/attempts/{id}/answers/{position}", tag = "quiz",
    params(("id" = i64, Path), ("position" = i64, Path)), request_body = SaveAnswer,
    responses((status = 200, body = SavedAnswer), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn save_answer(
    State(state): State<AppState>,
    SessionToken(session): SessionToken,
    ApiPath((id, position)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<SaveAnswer>,
) -> AppResult<Json<SavedAnswer>> {
    Ok(Json(
        domain::quiz::save_answer(&state.db, &session, id, position, req.answer).await?,
    ))
}

/// Submits the attempt; repeated or concurrent submissions get the one result.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "quiz", params(("id" = i64, Path)),
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AttemptView>> {
    Ok(Json(domain::quiz::submit(&state.db, &user, id).await?))
}

/// The member's mistake book.
#[utoipa::path(get, path = "/api/v1/mistakes", tag = "quiz", responses((status = 200, body = Vec<Mistake>)))]
pub async fn mistakes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<Mistake>>> {
    Ok(Json(domain::quiz::mistakes(&state.db, &user).await?))
}

/// Starts a practice of the open mistakes.
#[utoipa::path(post, path = "/api/v1/mistakes/practice", tag = "quiz",
    responses((status = 201, body = AttemptView), (status = 409, body = ErrorBody)))]
pub async fn practise_mistakes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<(StatusCode, Json<AttemptView>)> {
    Ok((
        StatusCode::CREATED,
        Json(domain::quiz::practise_mistakes(&state.db, &user).await?),
    ))
}
