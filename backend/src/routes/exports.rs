//! `/api/v1/exports/*`: the dashboard's tables, the members' progress and the periodic
//! reports as XLSX or CSV downloads (staff, within their scope).

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared::api::dashboard::{PeriodQuery, UnitKind};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain::exports::{self, Sheet, Table};
use crate::error::{ApiQuery, AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/exports/dashboard", get(dashboard))
        .route("/api/v1/exports/members", get(members))
        .route("/api/v1/exports/report", get(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `xlsx` or `csv` (UTF-8 with BOM).
    pub format: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Members export: `branch` or `youth_group` (none: every branch in scope).
    pub unit: Option<String>,
    pub unit_id: Option<i64>,
    /// Report: `quarter`, `half` or `year`.
    pub kind: Option<String>,
    /// Report: the start of the previous period (its end is `from`).
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
    }
}

/// Completion by unit and every assigned item by unit, over a period.
#[utoipa::path(get, path = "/api/v1/exports/dashboard", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let tables = exports::dashboard(&state.db, &user, period(&q)).await?;
    file(sheet, "完成率看板", tables).await
}

/// Every member's progress in one unit or in every branch in scope; CSV is streamed.
#[utoipa::path(get, path = "/api/v1/exports/members", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let unit = match (q.unit.as_deref(), q.unit_id) {
        (None, _) => None,
        (Some("branch"), Some(id)) => Some((UnitKind::Branch, id)),
        (Some("youth_group"), Some(id)) => Some((UnitKind::YouthGroup, id)),
        _ => {
            return Err(AppError::validation(
                "unit",
                "单位应为 branch 或 youth_group，并给出 unit_id",
            ))
        }
    };
    if sheet == Sheet::Xlsx {
        let table = exports::members_table(&state.db, &user, unit, period(&q)).await?;
        return file(sheet, "成员完成情况", vec![table]).await;
    }
    let rx = exports::members_csv(&state.db, &user, unit, period(&q)).await?;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), rx))
    });
    Ok((
        super::attachment(sheet.content_type(), "成员完成情况.csv"),
        Body::from_stream(stream),
    )
        .into_response())
}

/// A periodic report (季度督导 / 半年研究 / 全年考核) with the trend against the period before.
#[utoipa::path(get, path = "/api/v1/exports/report", tag = "dashboard", params(ExportQuery),
    responses((status = 200, description = "XLSX or CSV file", content_type = "application/octet-stream"),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> AppResult<Response> {
    let sheet = Sheet::parse(&q.format)?;
    let (Some(from), Some(to), Some(previous_from), Some(kind)) =
        (q.from, q.to, q.previous_from, q.kind.as_deref())
    else {
        return Err(AppError::validation("from", "请给出报告周期"));
    };
    let tables = exports::report(&state.db, &user, kind, from, to, previous_from).await?;
    let name = tables[0].title.clone();
    file(sheet, &name, tables).await
}
