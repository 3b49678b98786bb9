//! `/api/v1/manage/quizzes`: the quiz builder for organizers and admins — quizzes in the
//! caller's scope, their life (draft, published, closed) and item analysis.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::quiz_builder::{
    DrawCountRequest, DrawCounts, ManagedQuiz, QuizAnalysis, QuizDetail, QuizInput, QuizPreview,
    StatusChange,
};
use shared::api::Created;
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::quiz_builder;
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/manage/quizzes", get(list).post(create))
        .route("/api/v1/manage/quizzes/{id}", get(show).put(update))
        .route("/api/v1/manage/quizzes/{id}/status", post(set_status))
        .route("/api/v1/manage/quizzes/{id}/analysis", get(analysis))
        // issue 17 quiz builder
        .route("/api/v1/manage/quizzes/draw-counts", post(draw_counts))
        .route("/api/v1/manage/quizzes/{id}/preview", get(preview))
}

// issue 17 quiz builder
/// How many questions each draw rule can draw from, and fixed + drawn = total, before saving.
#[utoipa::path(post, path = "/api/v1/manage/quizzes/draw-counts", tag = "quiz-builder",
    request_body = DrawCountRequest,
    responses((status = 200, body = DrawCounts), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn draw_counts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<DrawCountRequest>,
) -> AppResult<Json<DrawCounts>> {
    Ok(Json(
        quiz_builder::draw_counts(&state.db, &user, req).await?,
    ))
}

/// One paper of the quiz as a member would get it now, with keys (its managers only).
#[utoipa::path(get, path = "/api/v1/manage/quizzes/{id}/preview", tag = "quiz-builder",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuizPreview), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<QuizPreview>> {
    Ok(Json(quiz_builder::preview(&state.db, &user, id).await?))
}

/// The quizzes the caller manages (admins: all; organizers: their units'), newest first.
#[utoipa::path(get, path = "/api/v1/manage/quizzes", tag = "quiz-builder",
    responses((status = 200, body = Vec<ManagedQuiz>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<ManagedQuiz>>> {
    Ok(Json(quiz_builder::list(&state.db, &user).await?))
}

/// A new quiz, as a draft.
#[utoipa::path(post, path = "/api/v1/manage/quizzes", tag = "quiz-builder",
    request_body = QuizInput,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<QuizInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let created = quiz_builder::create(&state.db, &user, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A quiz with everything the builder edits.
#[utoipa::path(get, path = "/api/v1/manage/quizzes/{id}", tag = "quiz-builder",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuizDetail), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<QuizDetail>> {
    Ok(Json(quiz_builder::get(&state.db, &user, id).await?))
}

/// Saves a quiz; `409 quiz_locked` when members have answered and the change would alter
/// their results.
#[utoipa::path(put, path = "/api/v1/manage/quizzes/{id}", tag = "quiz-builder",
    params(("id" = i64, Path)), request_body = QuizInput,
    responses((status = 200, body = QuizDetail), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QuizInput>,
) -> AppResult<Json<QuizDetail>> {
    Ok(Json(
        quiz_builder::update(&state.db, &user, id, input).await?,
    ))
}

/// Publishes, closes, reopens or withdraws a quiz.
#[utoipa::path(post, path = "/api/v1/manage/quizzes/{id}/status", tag = "quiz-builder",
    params(("id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = QuizDetail), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<StatusChange>,
) -> AppResult<Json<QuizDetail>> {
    Ok(Json(
        quiz_builder::set_status(&state.db, &user, id, change.status).await?,
    ))
}

/// Item analysis over the quiz's submitted attempts.
#[utoipa::path(get, path = "/api/v1/manage/quizzes/{id}/analysis", tag = "quiz-builder",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuizAnalysis), (status = 404, body = ErrorBody)))]
pub async fn analysis(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<QuizAnalysis>> {
    Ok(Json(quiz_builder::analysis(&state.db, &user, id).await?))
}
