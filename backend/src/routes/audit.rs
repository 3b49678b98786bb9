//! `/api/v1/audit`: the audit log of admins' and organizers' changes (admins only).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::audit::{AuditPage, AuditQuery};
use shared::ErrorBody;

use crate::auth::CurrentUser;
use crate::domain;
use crate::error::{ApiQuery, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

/// The audit log, newest first, filtered by actor, record kind, action and time (admin).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<AuditPage>> {
    Ok(Json(domain::audit::list(&state.db, &user, q).await?))
}
