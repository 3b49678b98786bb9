//! `GET /api/health`: liveness plus whether the database answers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::Health;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

/// Always 200 while the process serves; `database` tells whether storage answers.
#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let database = state.db.is_reachable().await;
    Json(Health {
        status: if database { "ok" } else { "degraded" }.to_string(),
        database,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}
