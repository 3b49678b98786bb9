//! `/api/v1/points`, `/api/v1/leaderboards`, `/api/v1/settings/points`: a member's points,
//! ledger and task list; individual and group leaderboards; rules and settings (admin).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::points::{
    GroupBoard, GroupBoardQuery, IndividualBoard, IndividualBoardQuery, LedgerPage, LedgerQuery,
    MyPoints, PointsRule, PointsSettings,
};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::domain::points::{self, Viewer};
use crate::error::{ApiJson, ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/points/me", get(me))
        .route("/api/v1/points/ledger", get(ledger))
        .route("/api/v1/points/rules", get(rules).put(put_rules))
        .route("/api/v1/leaderboards/individuals", get(individuals))
        .route("/api/v1/leaderboards/groups", get(groups))
        .route("/api/v1/settings/points", get(settings).put(put_settings))
}

/// Today's task list ("x / y" per source), totals, streak and weekly goal. Also counts as
/// the day's sign-in.
#[utoipa::path(get, path = "/api/v1/points/me", tag = "points",
    responses((status = 200, body = MyPoints), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<MyPoints>> {
    points::sign_in_quietly(&state.db, &user).await;
    Ok(Json(points::my_points(&state.db, user.id, now_ms()).await?))
}

/// The caller's ledger entries, newest first (staff: `user_id` of a member in scope).
#[utoipa::path(get, path = "/api/v1/points/ledger", tag = "points", params(LedgerQuery),
    responses((status = 200, body = LedgerPage), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> AppResult<Json<LedgerPage>> {
    Ok(Json(points::ledger(&state.db, &user, q).await?))
}

/// The points rules (readable by every member; they explain the task list).
#[utoipa::path(get, path = "/api/v1/points/rules", tag = "points",
    responses((status = 200, body = Vec<PointsRule>)))]
pub async fn rules(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> AppResult<Json<Vec<PointsRule>>> {
    Ok(Json(points::get_rules(&state.db).await?))
}

/// Changes the listed rules (admin); others stay as they are.
#[utoipa::path(put, path = "/api/v1/points/rules", tag = "points", request_body = Vec<PointsRule>,
    responses((status = 200, body = Vec<PointsRule>), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put_rules(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<Vec<PointsRule>>,
) -> AppResult<Json<Vec<PointsRule>>> {
    Ok(Json(points::put_rules(&state.db, &user, req).await?))
}

/// An individual leaderboard: top 10, the caller's rank and neighbourhood.
#[utoipa::path(get, path = "/api/v1/leaderboards/individuals", tag = "points",
    params(IndividualBoardQuery),
    responses((status = 200, body = IndividualBoard), (status = 400, body = ErrorBody),
              (status = 404, description = "unit unknown or outside the caller's scope", body = ErrorBody)))]
pub async fn individuals(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<IndividualBoardQuery>,
) -> AppResult<Json<IndividualBoard>> {
    let viewer = Viewer::from(&*user);
    Ok(Json(
        points::individual_board(&state.db, &viewer, q, now_ms()).await?,
    ))
}

/// Branches or youth groups ranked by a fair measure (participation, average, completion).
#[utoipa::path(get, path = "/api/v1/leaderboards/groups", tag = "points", params(GroupBoardQuery),
    responses((status = 200, body = GroupBoard), (status = 400, body = ErrorBody)))]
pub async fn groups(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<GroupBoardQuery>,
) -> AppResult<Json<GroupBoard>> {
    let viewer = Viewer::from(&*user);
    Ok(Json(
        points::group_board(&state.db, &viewer, q, now_ms()).await?,
    ))
}

/// The organization's points settings (admin).
#[utoipa::path(get, path = "/api/v1/settings/points", tag = "points",
    responses((status = 200, body = PointsSettings), (status = 403, body = ErrorBody)))]
pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<PointsSettings>> {
    Ok(Json(points::get_settings(&state.db, &user).await?))
}

/// Changes the organization's points settings (admin).
#[utoipa::path(put, path = "/api/v1/settings/points", tag = "points", request_body = PointsSettings,
    responses((status = 200, body = PointsSettings), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PointsSettings>,
) -> AppResult<Json<PointsSettings>> {
    Ok(Json(points::put_settings(&state.db, &user, req).await?))
}
