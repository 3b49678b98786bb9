//! `/api/v1/org`, `/branches`, `/cells`, `/youth-groups`: the organization tree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use shared::api::org::{NameRequest, OrgTree};
use shared::api::Created;
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::db::org::Unit;
use crate::domain;
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org", get(tree))
        .route("/api/v1/branches", post(create_branch))
        .route(
            "/api/v1/branches/{id}",
            patch(rename_branch).delete(delete_branch),
        )
        .route("/api/v1/branches/{id}/cells", post(create_cell))
        .route("/api/v1/cells/{id}", patch(rename_cell).delete(delete_cell))
        .route("/api/v1/youth-groups", post(create_youth_group))
        .route(
            "/api/v1/youth-groups/{id}",
            patch(rename_youth_group).delete(delete_youth_group),
        )
}

type CreatedResponse = AppResult<(StatusCode, Json<Created>)>;

/// The organization with its branches, cells and youth groups (any signed-in user).
#[utoipa::path(get, path = "/api/v1/org", tag = "org",
    responses((status = 200, body = OrgTree), (status = 401, body = ErrorBody)))]
pub async fn tree(State(state): State<AppState>, _user: CurrentUser) -> AppResult<Json<OrgTree>> {
    Ok(Json(domain::org::tree(&state.db).await?))
}

async fn create(
    state: &AppState,
    user: &CurrentUser,
    unit: Unit,
    parent: Option<i64>,
    req: NameRequest,
) -> CreatedResponse {
    let id = domain::org::create(&state.db, user, unit, parent, req).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Creates a branch (admin).
#[utoipa::path(post, path = "/api/v1/branches", tag = "org", request_body = NameRequest,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_branch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NameRequest>,
) -> CreatedResponse {
    create(&state, &user, Unit::Branch, None, req).await
}

/// Creates a cell (党小组) in a branch (admin).
#[utoipa::path(post, path = "/api/v1/branches/{id}/cells", tag = "org", request_body = NameRequest,
    params(("id" = i64, Path, description = "branch id")),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody)))]
pub async fn create_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NameRequest>,
) -> CreatedResponse {
    create(&state, &user, Unit::Cell, Some(id), req).await
}

/// Creates a youth group (admin).
#[utoipa::path(post, path = "/api/v1/youth-groups", tag = "org", request_body = NameRequest,
    responses((status = 201, body = Created), (status = 409, body = ErrorBody)))]
pub async fn create_youth_group(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NameRequest>,
) -> CreatedResponse {
    create(&state, &user, Unit::YouthGroup, None, req).await
}

/// Renames a branch (admin).
#[utoipa::path(patch, path = "/api/v1/branches/{id}", tag = "org", request_body = NameRequest,
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn rename_branch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NameRequest>,
) -> AppResult<StatusCode> {
    domain::org::rename(&state.db, &user, Unit::Branch, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Renames a cell (admin).
#[utoipa::path(patch, path = "/api/v1/cells/{id}", tag = "org", request_body = NameRequest,
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn rename_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NameRequest>,
) -> AppResult<StatusCode> {
    domain::org::rename(&state.db, &user, Unit::Cell, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Renames a youth group (admin).
#[utoipa::path(patch, path = "/api/v1/youth-groups/{id}", tag = "org", request_body = NameRequest,
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn rename_youth_group(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NameRequest>,
) -> AppResult<StatusCode> {
    domain::org::rename(&state.db, &user, Unit::YouthGroup, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an empty branch and its cells (admin).
#[utoipa::path(delete, path = "/api/v1/branches/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, description = "still has members", body = ErrorBody)))]
pub async fn delete_branch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    domain::org::remove(&state.db, &user, Unit::Branch, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an empty cell (admin).
#[utoipa::path(delete, path = "/api/v1/cells/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn delete_cell(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    domain::org::remove(&state.db, &user, Unit::Cell, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an empty youth group (admin).
#[utoipa::path(delete, path = "/api/v1/youth-groups/{id}", tag = "org", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn delete_youth_group(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    domain::org::remove(&state.db, &user, Unit::YouthGroup, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
