//! `/api/v1/dashboard`: completion figures for admins (the organization) and organizers
//! (their units), a unit's members, and the chart data.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::dashboard::{
    Dashboard, Heatmap, NonCompleters, PeriodQuery, Timeline, TimelineQuery, UnitKind, UnitMembers,
};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain;
use crate::error::{ApiPath, ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard", get(dashboard))
        .route(
            "/api/v1/dashboard/branches/{id}/members",
            get(branch_members),
        )
        .route(
            "/api/v1/dashboard/youth-groups/{id}/members",
            get(youth_group_members),
        )
        .route("/api/v1/dashboard/timeline", get(timeline))
        .route("/api/v1/dashboard/heatmap", get(heatmap))
        // issue 17 reports
        .route("/api/v1/dashboard/non-completers", get(non_completers))
}

/// Assigned, started, completed, completion rate and average score per module and quiz,
/// by branch, youth group and in total, over `[from, to)` (staff: their scope).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", params(PeriodQuery),
    responses((status = 200, body = Dashboard), (status = 403, body = ErrorBody),
              (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Dashboard>> {
    Ok(Json(
        domain::dashboard::dashboard(&state.db, &user, q).await?,
    ))
}

/// A branch's members: what each has and has not completed, points and last activity.
#[utoipa::path(get, path = "/api/v1/dashboard/branches/{id}/members", tag = "dashboard",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = UnitMembers), (status = 403, body = ErrorBody),
              (status = 404, description = "no such branch in the caller's scope", body = ErrorBody)))]
pub async fn branch_members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<UnitMembers>> {
    Ok(Json(
        domain::dashboard::unit_members(&state.db, &user, UnitKind::Branch, id, q).await?,
    ))
}

/// A youth group's members, as for a branch.
#[utoipa::path(get, path = "/api/v1/dashboard/youth-groups/{id}/members", tag = "dashboard",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = UnitMembers), (status = 404, body = ErrorBody)))]
pub async fn youth_group_members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<UnitMembers>> {
    Ok(Json(
        domain::dashboard::unit_members(&state.db, &user, UnitKind::YouthGroup, id, q).await?,
    ))
}

/// Completions per day or week with the cumulative completion rate (the line chart).
#[utoipa::path(get, path = "/api/v1/dashboard/timeline", tag = "dashboard", params(TimelineQuery),
    responses((status = 200, body = Timeline), (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn timeline(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> AppResult<Json<Timeline>> {
    Ok(Json(
        domain::dashboard::timeline(&state.db, &user, q).await?,
    ))
}

/// Correctness by question category and branch (the heatmap).
#[utoipa::path(get, path = "/api/v1/dashboard/heatmap", tag = "dashboard", params(PeriodQuery),
    responses((status = 200, body = Heatmap), (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn heatmap(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Heatmap>> {
    Ok(Json(domain::dashboard::heatmap(&state.db, &user, q).await?))
}

// issue 17 reports
/// Per branch and youth group in scope, the members who have not completed everything
/// assigned to them in the period, by name, with the titles they have left.
#[utoipa::path(get, path = "/api/v1/dashboard/non-completers", tag = "dashboard", params(PeriodQuery),
    responses((status = 200, body = NonCompleters), (status = 403, body = ErrorBody),
              (status = 400, description = "a period out of range or reversed (`invalid_period`)", body = ErrorBody),
              (status = 422, description = "a named period that does not read (`invalid_period`)", body = ErrorBody)))]
pub async fn non_completers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<NonCompleters>> {
    Ok(Json(
        domain::dashboard::non_completers(&state.db, &user, q).await?,
    ))
}
