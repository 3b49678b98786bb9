//! Request and response types of the JSON API under `/api/v1`, one module per resource.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod members;
pub mod notifications;
pub mod org;
pub mod points;
pub mod question_import;
pub mod questions;
pub mod quiz;
pub mod quiz_builder;
pub mod study;

use serde::{Deserialize, Serialize};

/// Answer of `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"` when the database answers, `"degraded"` otherwise.
    pub status: String,
    pub database: bool,
    pub version: String,
}

/// Answer of a create request: the new record's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    pub id: i64,
}
