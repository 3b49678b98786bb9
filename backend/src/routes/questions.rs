//! `/api/v1/questions`, `/api/v1/question-categories`, `/api/v1/question-reports`: the
//! question bank editor (staff) and members' error reports on questions (答题纠错).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared::api::questions::{
    Category, CategoryInput, ForwardReport, MyReport, NewReport, QuestionDetail, QuestionInput,
    QuestionPage, QuestionQuery, QuestionSaved, ReportQueueItem, ReportQueueQuery, ResolveReport,
};
use shared::api::Created;
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::questions;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/questions", get(list).post(create))
        .route("/api/v1/questions/{id}", get(show).put(update))
        .route("/api/v1/questions/{id}/reports", post(report))
        .route(
            "/api/v1/question-categories",
            get(categories).post(create_category),
        )
        .route("/api/v1/question-reports", get(report_queue))
        .route("/api/v1/question-reports/mine", get(my_reports))
        .route("/api/v1/question-reports/{id}", put(resolve_report))
        .route(
            "/api/v1/question-reports/{id}/forward",
            post(forward_report),
        )
}

/// Questions in the caller's scope, filtered by text, tag, category (with its
/// sub-categories), kind, difficulty or open reports (staff).
#[utoipa::path(get, path = "/api/v1/questions", tag = "questions", params(QuestionQuery),
    responses((status = 200, body = QuestionPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<QuestionQuery>,
) -> AppResult<Json<QuestionPage>> {
    Ok(Json(questions::list(&state.db, &user, q).await?))
}

/// One question with its key, earlier versions and error reports (staff).
#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "questions",
    params(("id" = i64, Path)),
    responses((status = 200, body = QuestionDetail), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<QuestionDetail>> {
    Ok(Json(questions::get(&state.db, &user, id).await?))
}

/// A new question (staff; organizers: owned by one of their branches or youth groups).
#[utoipa::path(post, path = "/api/v1/questions", tag = "questions", request_body = QuestionInput,
    responses((status = 201, body = QuestionSaved), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<QuestionInput>,
) -> AppResult<(StatusCode, Json<QuestionSaved>)> {
    let saved = questions::create(&state.db, &user, input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Saves a question; a new version when past attempts hold the current one.
#[utoipa::path(put, path = "/api/v1/questions/{id}", tag = "questions",
    params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 200, body = QuestionSaved), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> AppResult<Json<QuestionSaved>> {
    Ok(Json(questions::update(&state.db, &user, id, input).await?))
}

/// Reports a question the caller was shown as wrong (any signed-in user).
#[utoipa::path(post, path = "/api/v1/questions/{id}/reports", tag = "questions",
    params(("id" = i64, Path)), request_body = NewReport,
    responses((status = 201, body = Created), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewReport>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let created = questions::report_question(&state.db, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's own error reports (我的纠错) with the replies they got.
#[utoipa::path(get, path = "/api/v1/question-reports/mine", tag = "questions",
    responses((status = 200, body = Vec<MyReport>), (status = 401, body = ErrorBody)))]
pub async fn my_reports(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<MyReport>>> {
    Ok(Json(questions::my_reports(&state.db, &user).await?))
}

/// Marks a report resolved (the question was fixed) or rejected, with a reply (staff who
/// may edit the question).
#[utoipa::path(put, path = "/api/v1/question-reports/{id}", tag = "questions",
    params(("id" = i64, Path)), request_body = ResolveReport,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolve_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ResolveReport>,
) -> AppResult<StatusCode> {
    questions::resolve_report(&state.db, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Open error reports the caller can act on or follow, oldest first, each saying which
/// actions the caller may take (staff; `queue=forwarded` is the admins' queue).
#[utoipa::path(get, path = "/api/v1/question-reports", tag = "questions",
    params(ReportQueueQuery),
    responses((status = 200, body = Vec<ReportQueueItem>), (status = 403, body = ErrorBody)))]
pub async fn report_queue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQueueQuery>,
) -> AppResult<Json<Vec<ReportQueueItem>>> {
    Ok(Json(questions::report_queue(&state.db, &user, q).await?))
}

/// Forwards an open report on an organization question to the admins with a note
/// (organizers; admins and organizers of the question's unit resolve it instead).
#[utoipa::path(post, path = "/api/v1/question-reports/{id}/forward", tag = "questions",
    params(("id" = i64, Path)), request_body = ForwardReport,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn forward_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ForwardReport>,
) -> AppResult<StatusCode> {
    questions::forward_report(&state.db, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The category tree, parents first, with the caller's visible question counts (staff).
#[utoipa::path(get, path = "/api/v1/question-categories", tag = "questions",
    responses((status = 200, body = Vec<Category>)))]
pub async fn categories(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<Category>>> {
    Ok(Json(questions::categories(&state.db, &user).await?))
}

/// A new category, optionally below another (staff).
#[utoipa::path(post, path = "/api/v1/question-categories", tag = "questions",
    request_body = CategoryInput,
    responses((status = 201, body = Created), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_category(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CategoryInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let created = questions::create_category(&state.db, &user, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
