//! `/api/v1/members`: accounts within the caller's scope; admin create, edit, reset, import.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::members::{
    BatchResetPasswords, CreateMember, ImportReport, IssuedPassword, Member, MemberPage,
    MemberQuery, PasswordSheet, UpdateMember,
};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain;
use crate::domain::member_import;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppResult};
use crate::state::AppState;

/// Largest member import file accepted.
pub const IMPORT_BODY_LIMIT: usize = 5 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/members", get(list).post(create))
        .route("/api/v1/members/{id}", get(show).patch(update))
        .route("/api/v1/members/{id}/reset-password", post(reset_password))
        .route("/api/v1/members/reset-passwords", post(batch_reset))
        .route("/api/v1/members/password-sheets/{id}", get(password_sheet))
        .route(
            "/api/v1/members/import",
            post(import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .route("/api/v1/members/import-template", get(template))
}

/// Members in the caller's scope (admins: all; organizers: their branches and youth groups).
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberQuery),
    responses((status = 200, body = MemberPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> AppResult<Json<MemberPage>> {
    Ok(Json(domain::members::list(&state.db, &user, q).await?))
}

/// One member in the caller's scope.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path)),
    responses((status = 200, body = Member), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Member>> {
    Ok(Json(domain::members::get(&state.db, &user, id).await?))
}

/// Creates an account with an initial password to hand out (admin).
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = CreateMember,
    responses((status = 201, body = IssuedPassword), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateMember>,
) -> AppResult<(StatusCode, Json<IssuedPassword>)> {
    let issued = domain::members::create(&state.db, &user, req).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Changes an account's fields, role, scope or active state (admin).
#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "members", request_body = UpdateMember,
    params(("id" = i64, Path)),
    responses((status = 200, body = Member), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateMember>,
) -> AppResult<Json<Member>> {
    Ok(Json(
        domain::members::update(&state.db, &user, id, req).await?,
    ))
}

/// Issues a new initial password; the member must change it at next sign-in (admins: any
/// account; organizers: members of their branches and youth groups).
#[utoipa::path(post, path = "/api/v1/members/{id}/reset-password", tag = "members",
    params(("id" = i64, Path)),
    responses((status = 200, body = IssuedPassword), (status = 404, body = ErrorBody),
              (status = 403, description = "`reset_out_of_scope`, `reset_staff_account`", body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<IssuedPassword>> {
    Ok(Json(
        domain::members::reset_password(&state.db, &user, id).await?,
    ))
}

/// Resets the selected accounts' passwords at once (admin); the new initial passwords are
/// only in the sheet this names, downloadable once.
#[utoipa::path(post, path = "/api/v1/members/reset-passwords", tag = "members",
    request_body = BatchResetPasswords,
    responses((status = 201, body = PasswordSheet), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn batch_reset(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<BatchResetPasswords>,
) -> AppResult<(StatusCode, Json<PasswordSheet>)> {
    let sheet = domain::members::batch_reset(&state.db, &user, req).await?;
    Ok((StatusCode::CREATED, Json(sheet)))
}

/// The XLSX of a batch reset (账号 / 姓名 / 初始密码), once, to the admin who made it.
#[utoipa::path(get, path = "/api/v1/members/password-sheets/{id}", tag = "members",
    params(("id" = i64, Path)),
    responses((status = 200, description = "the XLSX sheet", content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody),
              (status = 410, description = "downloaded before (`password_sheet_downloaded`)", body = ErrorBody)))]
pub async fn password_sheet(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    let (name, bytes) = domain::members::take_password_sheet(&state.db, &user, id).await?;
    Ok((
        super::attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &name,
        ),
        bytes,
    )
        .into_response())
}

/// Imports members from a CSV or XLSX file sent as the raw request body (admin). Any invalid
/// row rejects the whole file with row-numbered problems; nothing is imported then.
#[utoipa::path(post, path = "/api/v1/members/import", tag = "members",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
                 description = "the CSV (UTF-8 or GBK) or XLSX file, at most 5 MB"),
    responses((status = 200, body = ImportReport),
              (status = 400, description = "`too_large`: a workbook that unpacks beyond its budget", body = ErrorBody),
              (status = 422, description = "problems by row; nothing imported", body = ErrorBody),
              (status = 413, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Json<ImportReport>> {
    let body = super::uploaded(&headers, body, "文件过大，单个文件不能超过5MB")?;
    Ok(Json(
        domain::members::import(&state.db, &user, &body).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The member import template to fill in (admin).
#[utoipa::path(get, path = "/api/v1/members/import-template", tag = "members", params(TemplateQuery),
    responses((status = 200, description = "the template file", content_type = "application/octet-stream")))]
pub async fn template(
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> AppResult<Response> {
    user.require_admin()?;
    let (bytes, mime, name) = match q.format.as_deref() {
        Some("csv") => (
            member_import::template_csv(),
            "text/csv; charset=utf-8",
            "members-template.csv",
        ),
        _ => (
            member_import::template_xlsx()?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "members-template.xlsx",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
