//! Request and response types of the JSON API under `/api/v1`, one module per resource.

pub mod audit;
pub mod auth;
pub mod content;
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
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"` when the database answers, `"degraded"` otherwise.
    pub status: String,
    pub database: bool,
    pub version: String,
}

/// Answer of a create request: the new record's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::auth::LoginRequest;
    use super::notifications::MarkRead;
    use super::study::Heartbeat;

    #[test]
    fn requests_refuse_a_misspelt_field_instead_of_dropping_it() {
        let ok = r#"{"username":"m001","password":"Beacon2023"}"#;
        assert!(serde_json::from_str::<LoginRequest>(ok).is_ok());
        let typo = r#"{"username":"m001","pasword":"Beacon2023"}"#;
        assert!(serde_json::from_str::<LoginRequest>(typo).is_err());
        // Without the check these would read as `false` / "nothing", silently.
        assert!(serde_json::from_str::<Heartbeat>(r#"{"reachedEnd":true}"#).is_err());
        assert!(serde_json::from_str::<MarkRead>(r#"{"al":true}"#).is_err());
        assert_eq!(
            serde_json::from_str::<MarkRead>("{}").unwrap(),
            MarkRead::default()
        );
    }
}
