//! The one JSON error body every endpoint returns, and the stable codes programs match on.

use serde::{Deserialize, Serialize};

/// `{ "code": "...", "message": "...", "details": [...] }`: `code` is stable for programs,
/// `message` is a readable zh-CN sentence shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// Per-field or per-row problems (validation, file imports); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One problem inside a request: which row (1-based, as a spreadsheet shows it) and/or field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// Stable error codes. Clients match on these, never on the message text.
pub mod codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const VALIDATION: &str = "validation_failed";
    pub const INVALID_JSON: &str = "invalid_json";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const UNAUTHENTICATED: &str = "unauthenticated";
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const ACCOUNT_DISABLED: &str = "account_disabled";
    pub const PASSWORD_CHANGE_REQUIRED: &str = "password_change_required";
    pub const WRONG_PASSWORD: &str = "wrong_password";
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    /// The server is too busy for this request now (503 with `Retry-After`).
    pub const SERVER_BUSY: &str = "server_busy";
    /// A state-changing request from another site (403).
    pub const CROSS_ORIGIN: &str = "cross_origin";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const CONFLICT: &str = "conflict";
    pub const USERNAME_TAKEN: &str = "username_taken";
    pub const NOT_EMPTY: &str = "not_empty";
    pub const IMPORT_INVALID: &str = "import_invalid";
    /// A leaderboard of "my branch / youth group" asked by someone who belongs to none.
    pub const NO_UNIT: &str = "no_unit";
    pub const INTERNAL: &str = "internal_error";
    pub const UNAVAILABLE: &str = "service_unavailable";
}
