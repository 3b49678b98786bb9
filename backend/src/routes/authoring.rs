//! `/api/v1/content`: the study content editor (organizers for their units, admins for the
//! organization): modules, lessons, assignment and a Markdown preview.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared::api::content::{
    AssignmentSaved, AuthoredModule, AuthoredModuleDetail, LessonInput, LessonSaved,
    ModuleAssignment, ModuleInput, Preview, PreviewInput,
};
use shared::api::quiz_builder::ModuleQuiz;
use shared::api::Created;
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::authoring;
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::state::AppState;

/// Largest lesson or preview body: 50,000 characters of Chinese Markdown are ~150 KB of
/// UTF-8, more than the API's default limit.
pub const LESSON_BODY_LIMIT: usize = 256 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/content/modules", get(list).post(create))
        .route(
            "/api/v1/content/modules/{id}",
            get(show).put(update).delete(delete),
        )
        .route(
            "/api/v1/content/modules/{id}/lessons",
            post(create_lesson).layer(DefaultBodyLimit::max(LESSON_BODY_LIMIT)),
        )
        .route("/api/v1/content/modules/{id}/assignment", put(assign))
        // issue 17 quiz builder
        .route(
            "/api/v1/content/modules/{id}/quizzes/{quiz_id}",
            put(attach_quiz).delete(detach_quiz),
        )
        .route(
            "/api/v1/content/lessons/{id}",
            put(update_lesson)
                .delete(delete_lesson)
                .layer(DefaultBodyLimit::max(LESSON_BODY_LIMIT)),
        )
        .route(
            "/api/v1/content/preview",
            post(preview).layer(DefaultBodyLimit::max(LESSON_BODY_LIMIT)),
        )
}

/// Every module the caller may see in the editor, saying which they may edit (staff).
#[utoipa::path(get, path = "/api/v1/content/modules", tag = "study",
    responses((status = 200, body = Vec<AuthoredModule>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<AuthoredModule>>> {
    Ok(Json(authoring::list(&state.db, &user).await?))
}

/// A new module owned by one of the caller's units (admins: also the organization's).
#[utoipa::path(post, path = "/api/v1/content/modules", tag = "study", request_body = ModuleInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ModuleInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let created = authoring::create(&state.db, &user, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One module with its lessons' Markdown and versions (staff).
#[utoipa::path(get, path = "/api/v1/content/modules/{id}", tag = "study",
    params(("id" = i64, Path)),
    responses((status = 200, body = AuthoredModuleDetail), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AuthoredModuleDetail>> {
    Ok(Json(authoring::get(&state.db, &user, id).await?))
}

/// Saves a module's title, track, description and order.
#[utoipa::path(put, path = "/api/v1/content/modules/{id}", tag = "study",
    params(("id" = i64, Path)), request_body = ModuleInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "shipped from seeds/ (`module_shipped`)", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ModuleInput>,
) -> AppResult<StatusCode> {
    authoring::update(&state.db, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a module nobody has started.
#[utoipa::path(delete, path = "/api/v1/content/modules/{id}", tag = "study",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "`module_shipped`, `module_in_use`", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    authoring::delete(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assigns a module to the organization (admins), branches or youth groups with a deadline
/// and a required flag; members it now reaches are told once.
#[utoipa::path(put, path = "/api/v1/content/modules/{id}/assignment", tag = "study",
    params(("id" = i64, Path)), request_body = ModuleAssignment,
    responses((status = 200, body = AssignmentSaved), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ModuleAssignment>,
) -> AppResult<Json<AssignmentSaved>> {
    Ok(Json(authoring::assign(&state.db, &user, id, input).await?))
}

/// A new lesson of a module (at the end unless a free position is given).
#[utoipa::path(post, path = "/api/v1/content/modules/{id}/lessons", tag = "study",
    params(("id" = i64, Path)), request_body = LessonInput,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_lesson(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LessonInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let created = authoring::create_lesson(&state.db, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Saves a lesson; one a member has started keeps its old text as a version.
#[utoipa::path(put, path = "/api/v1/content/lessons/{id}", tag = "study",
    params(("id" = i64, Path)), request_body = LessonInput,
    responses((status = 200, body = LessonSaved), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_lesson(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LessonInput>,
) -> AppResult<Json<LessonSaved>> {
    Ok(Json(
        authoring::update_lesson(&state.db, &user, id, input).await?,
    ))
}

/// Deletes a lesson nobody has started.
#[utoipa::path(delete, path = "/api/v1/content/lessons/{id}", tag = "study",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn delete_lesson(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    authoring::delete_lesson(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Markdown rendered and sanitized exactly as members will read it (staff).
#[utoipa::path(post, path = "/api/v1/content/preview", tag = "study", request_body = PreviewInput,
    responses((status = 200, body = Preview), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn preview(
    user: CurrentUser,
    ApiJson(input): ApiJson<PreviewInput>,
) -> AppResult<Json<Preview>> {
    Ok(Json(authoring::preview(&user, &input)?))
}

// issue 17 quiz builder
/// Attaches a practice or exam quiz the caller manages to an authored module; answers with
/// the module's quizzes.
#[utoipa::path(put, path = "/api/v1/content/modules/{id}/quizzes/{quiz_id}", tag = "study",
    params(("id" = i64, Path), ("quiz_id" = i64, Path)),
    responses((status = 200, body = Vec<ModuleQuiz>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn attach_quiz(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, quiz_id)): ApiPath<(i64, i64)>,
) -> AppResult<Json<Vec<ModuleQuiz>>> {
    Ok(Json(
        authoring::attach_quiz(&state.db, &user, id, quiz_id).await?,
    ))
}

/// Takes a quiz off an authored module; answers with the module's quizzes.
#[utoipa::path(delete, path = "/api/v1/content/modules/{id}/quizzes/{quiz_id}", tag = "study",
    params(("id" = i64, Path), ("quiz_id" = i64, Path)),
    responses((status = 200, body = Vec<ModuleQuiz>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn detach_quiz(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, quiz_id)): ApiPath<(i64, i64)>,
) -> AppResult<Json<Vec<ModuleQuiz>>> {
    Ok(Json(
        authoring::detach_quiz(&state.db, &user, id, quiz_id).await?,
    ))
}
