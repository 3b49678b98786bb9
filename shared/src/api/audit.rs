//! The audit log (操作日志) as admins browse it: who changed what, when, with the record
//! before and after the change.

use serde::{Deserialize, Serialize};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// When, Unix milliseconds.
    pub at: i64,
    /// The account that made the change (`None` for the system, e.g. scheduled reminders).
    pub actor_id: Option<i64>,
    /// The actor's display name when the change was made.
    pub actor_name: String,
    /// `create`, `update`, `delete`, `reset_password`, `import`, `send`.
    pub action: String,
    /// `member`, `branch`, `cell`, `youth_group`, `points_rules`, `points_settings`, `reminder`.
    pub entity: String,
    /// The changed record's id, as text.
    pub entity_id: Option<String>,
    /// The record before the change, as JSON text (`None` for a creation).
    pub before: Option<String>,
    /// The record after the change, as JSON text (`None` for a deletion).
    pub after: Option<String>,
}

/// Query of `GET /api/v1/audit`; every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Only changes made by this account.
    pub actor_id: Option<i64>,
    /// Only this kind of record (see [`AuditEntry::entity`]).
    pub entity: Option<String>,
    /// Only this record (with `entity`).
    pub entity_id: Option<String>,
    /// Only this action (see [`AuditEntry::action`]).
    pub action: Option<String>,
    /// From this moment (Unix ms, inclusive).
    pub from: Option<i64>,
    /// Before this moment (Unix ms, exclusive).
    pub to: Option<i64>,
    /// 1-based page, default 1.
    pub page: Option<u32>,
    /// 1..=200, default 50.
    pub per_page: Option<u32>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Entries matching the filters, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}
