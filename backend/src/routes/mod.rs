//! HTTP routes, one module per resource, each with its `router()` and thin handlers
//! (extract, call `domain`, respond). `openapi` collects their documentation.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod exports;
pub mod health;
pub mod members;
pub mod notifications;
pub mod openapi;
pub mod org;
pub mod points;
pub mod question_import;
pub mod questions;
pub mod quiz;
pub mod quiz_builder;
pub mod study;

use axum::Router;

use crate::state::AppState;

/// Every API route, with its full path.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(exports::router())
        .merge(auth::router())
        .merge(org::router())
        .merge(members::router())
        .merge(study::router())
        .merge(quiz::router())
        .merge(points::router())
        .merge(questions::router())
        .merge(question_import::router())
        .merge(quiz_builder::router())
        .merge(audit::router())
        .merge(dashboard::router())
        .merge(notifications::router())
}
