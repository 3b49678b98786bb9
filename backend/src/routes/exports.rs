//! `/api/v1/exports/*`: the dashboard's tables, the members' progress and the periodic
//! reports as XLSX or CSV downloads (staff, within their scope); the members' progress also
//! as a background job whose progress the page shows (`/exports/members/jobs`, `/exports/jobs`).

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use serde::Deserialize;
use shared::api::dashboard::{ExportJob, PeriodQuery, UnitKind};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::export_jobs;
use crate::domain::exports::{self, Sheet, Table};
use crate::error::{ApiPath, ApiQuery, AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/exports/dashboard", get(dashboard))
        .route("/api/v1/exports/members", get(members))
        .route("/api/v1/exports/report", get(report))
        // issue 17 reports
        .route("/api/v1/exports/matrix", get(matrix))
        .route("/api/v1/exports/members/jobs", post(start_members_job))
        .route("/api/v1/exports/jobs/{id}", get(job))
        .route("/api/v1/exports/jobs/{id}/file", get(job_file))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` or `csv` (UTF-8 with BOM).
    pub format: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    // issue 17 reports
    /// A named period instead of `from`/`to` (`2026-Q3`, `2026-H1`, `2026`, `2026-05`,
    /// `2026-05-01~2026-06-30`); a bad one is `422 invalid_period`.
    pub period: Option<String>,
    /// Members export: `branch` or `youth_group` (none: every branch in scope).
    pub unit: Option<String>,
    pub unit_id: Option<i64>,
    /// Report (without `period`): `month`, `quarter`, `half` or `year`.
    pub kind: Option<String>,
    /// Report (without `period`): the start of the previous period (its end is `from`).
    pub previous_from: Option<i64>,
}

async fn file(sheet: Sheet, name: &str, tables: Vec<Table>) -> AppResult<Response> {
    let bytes = match sheet {
        Sheet::Csv => exports::csv(&tables),
        Sheet::Xlsx => tokio::task::spawn_blocking(move || exports::xlsx(&tables))
            .await
            .map_err(AppError::internal)??,
    };
    let name = format!("{name}.{}", sheet.extension());
    Ok((super::attachment(sheet.content_type(), &name), bytes).into_response())
}

fn period(q: &ExportQuery) -> PeriodQuery {
    PeriodQuery {
        from: q.from,
        to: q.to,
        period: q.period.clone(),
    }
}

/// Completion by unit and every assigned item by unit, over a period.
#[utoipa::path(get, path = "/api/v1/exports/dashboard", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let (name, tables) = exports::dashboard(&state.db, &user, period(&q)).await?;
    file(sheet, &name, tables).await
}

fn member_unit(q: &ExportQuery) -> AppResult<Option<(UnitKind, i64)>> {
    match (q.unit.as_deref(), q.unit_id) {
        (None, _) => Ok(None),
        (Some("branch"), Some(id)) => Ok(Some((UnitKind::Branch, id))),
        (Some("youth_group"), Some(id)) => Ok(Some((UnitKind::YouthGroup, id))),
        _ => Err(AppError::validation(
            "unit",
            "单位应为 branch 或 youth_group，并给出 unit_id",
        )),
    }
}

/// Streams a file from disk with its length (so the browser shows the download's progress).
async fn send_file(path: &std::path::Path, sheet: Sheet, name: &str) -> AppResult<Response> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(AppError::internal)?;
    let len = file.metadata().await.map_err(AppError::internal)?.len();
    Ok((
        super::attachment(sheet.content_type(), name),
        [(axum::http::header::CONTENT_LENGTH, len.to_string())],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response())
}

/// Every member's progress in one unit or in every branch in scope, written to disk first
/// (for programs; the page uses the job below and shows its progress).
#[utoipa::path(get, path = "/api/v1/exports/members", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let unit = member_unit(&q)?;
    let path = export_jobs::write_now(&state.db, &user, unit, period(&q), sheet).await?;
    let sent = send_file(&path, sheet, &export_jobs::file_name(sheet)).await;
    // The open file stays readable after its name is gone.
    let _ = tokio::fs::remove_file(&path).await;
    sent
}

/// Starts writing the members export in the background; poll the job for its progress.
#[utoipa::path(post, path = "/api/v1/exports/members/jobs", tag = "dashboard", params(ExportQuery),
    responses((status = 202, body = ExportJob), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start_members_job(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<(StatusCode, Json<ExportJob>)> {
    let sheet = Sheet::parse(&q.format)?;
    let unit = member_unit(&q)?;
    let job = export_jobs::start(&state.db, &user, unit, period(&q), sheet).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// An export job's progress (the caller's own jobs only).
#[utoipa::path(get, path = "/api/v1/exports/jobs/{id}", tag = "dashboard", params(("id" = u64, Path)),
    responses((status = 200, body = ExportJob), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn job(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<u64>,
) -> AppResult<Json<ExportJob>> {
    Ok(Json(export_jobs::status(&state.db, &user, id).await?))
}

/// A finished export job's file, streamed from the database chunk by chunk (so any
/// instance serves it, holding one 1 MiB chunk at a time).
#[utoipa::path(get, path = "/api/v1/exports/jobs/{id}/file", tag = "dashboard", params(("id" = u64, Path)),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "not finished yet (`export_not_ready`) or failed (`export_interrupted`, `export_failed`, `export_too_large`)", body = ErrorBody)))]
pub async fn job_file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<u64>,
) -> AppResult<Response> {
    let file = export_jobs::finished_file(&state.db, &user, id).await?;
    let db = state.db.clone();
    let job = file.job_id;
    let chunks = futures_util::stream::try_unfold(0i64, move |seq| {
        let db = db.clone();
        async move {
            let chunk = export_jobs::file_chunk(&db, job, seq).await.map_err(|e| {
                tracing::error!(job, seq, error = %e, "export download failed");
                std::io::Error::other("export chunk unavailable")
            })?;
            Ok::<_, std::io::Error>(chunk.map(|bytes| (bytes, seq + 1)))
        }
    });
    Ok((
        super::attachment(file.sheet.content_type(), &file.name),
        [(axum::http::header::CONTENT_LENGTH, file.size.to_string())],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// A periodic report (季度督导 / 半年研究 / 全年考核) with the trend against the period before.
#[utoipa::path(get, path = "/api/v1/exports/report", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let ask = exports::ReportAsk::of(
        &period(&q),
        q.kind.as_deref(),
        q.previous_from,
        crate::db::now_ms(),
    )?;
    let (name, tables) = exports::report(&state.db, &user, ask).await?;
    file(sheet, &name, tables).await
}

// issue 17 reports
/// The member × item matrix as XLSX: a sheet per unit (one, or every branch in scope), a
/// row per member, a column per assigned item: ✓ and the completion date (a date cell),
/// ✗ unfinished, — not assigned; a frozen header row and name column.
#[utoipa::path(get, path = "/api/v1/exports/matrix", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody),
              (status = 422, description = "a named period that does not read (`invalid_period`), or a format other than xlsx", body = ErrorBody)))]
pub async fn matrix(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    if Sheet::parse(&q.format)? != Sheet::Xlsx {
        return Err(AppError::validation(
            "format",
            "成员 × 项目明细只能导出为 xlsx",
        ));
    }
    let unit = member_unit(&q)?;
    let (name, bytes) = exports::matrix(&state.db, &user, unit, period(&q)).await?;
    let name = format!("{name}.xlsx");
    Ok((super::attachment(Sheet::Xlsx.content_type(), &name), bytes).into_response())
}
