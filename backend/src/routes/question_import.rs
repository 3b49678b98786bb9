//! `/api/v1/question-imports` and `/api/v1/question-exports`: question files in and out
//! (staff). An upload answers with a preview; confirming starts the import, whose progress
//! is read back from `GET /api/v1/question-imports/{id}`.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::question_import::{ExportParams, ImportJob, ImportParams};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::question_import;
use crate::domain::question_io::{Format, MAX_FILE_BYTES};
use crate::error::{ApiPath, ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/question-imports",
            // A little over the importer's own limit, so it can say so in its words.
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/api/v1/question-imports/template", get(template))
        .route("/api/v1/question-imports/{id}", get(show))
        .route("/api/v1/question-imports/{id}/confirm", post(confirm))
        .route("/api/v1/question-exports", get(export))
}

/// A question file download.
fn download(format: Format, name: &str, bytes: Vec<u8>) -> Response {
    let content_type = if name.ends_with(".zip") {
        "application/zip"
    } else {
        format.content_type()
    };
    (super::attachment(content_type, name), bytes).into_response()
}

/// Reads an uploaded question file (the raw body) and answers with what importing it would
/// do: counts by kind, the stored questions it changes (old and new), every problem by row
/// or line, skipped questions and warnings. Nothing is written to the bank.
#[utoipa::path(post, path = "/api/v1/question-imports", tag = "questions", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
                 description = "XLSX, CSV, Beacon TOML (or a ZIP of them), GIFT or Moodle XML, at most 20 MB"),
    responses((status = 201, body = ImportJob),
              (status = 400, description = "the file cannot be read at all", body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, description = "too many files being read: try again later", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(params): ApiQuery<ImportParams>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<(StatusCode, Json<ImportJob>)> {
    let body = super::uploaded(&headers, body, "文件超过20MB，请拆分后分批导入")?;
    let job = question_import::preview(&state.db, &user, params, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// An import: its preview, then its progress and outcome.
#[utoipa::path(get, path = "/api/v1/question-imports/{id}", tag = "questions",
    params(("id" = i64, Path)),
    responses((status = 200, body = ImportJob), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ImportJob>> {
    Ok(Json(question_import::status(&state.db, &user, id).await?))
}

/// Starts writing a previewed import (all or nothing, in the background).
#[utoipa::path(post, path = "/api/v1/question-imports/{id}/confirm", tag = "questions",
    params(("id" = i64, Path)),
    responses((status = 202, body = ImportJob), (status = 404, body = ErrorBody),
              (status = 409, description = "problems in the file, confirmed already, or expired", body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<(StatusCode, Json<ImportJob>)> {
    let job = question_import::confirm(&state.db, &user, id).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `xlsx`, `csv`, `toml`, `gift` or `moodle_xml`.
    pub format: String,
}

/// The import template (XLSX, CSV: Chinese header and example rows) or example file.
#[utoipa::path(get, path = "/api/v1/question-imports/template", tag = "questions",
    params(FormatQuery),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
              (status = 422, body = ErrorBody)))]
pub async fn template(
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> AppResult<Response> {
    user.require_staff()?;
    let (format, bytes) = question_import::template(&q.format)?;
    Ok(download(
        format,
        &format!("题库导入模板.{}", format.extension()),
        bytes,
    ))
}

/// A category (with its sub-categories), a selection, or the caller's whole bank as a file.
#[utoipa::path(get, path = "/api/v1/question-exports", tag = "questions", params(ExportParams),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
              (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> AppResult<Response> {
    let (format, ext, bytes) = question_import::export(&state.db, &user, params).await?;
    Ok(download(format, &format!("题库导出.{ext}"), bytes))
}
