//! Sign-in, the signed-in user, and password changes.

use serde::{Deserialize, Serialize};

/// What a user may do. Organizers act within their [`Scope`]; admins on the whole organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Organizer,
    Admin,
}

impl Role {
    /// The identifier stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored identifier; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "member" => Some(Role::Member),
            "organizer" => Some(Role::Organizer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Accepts the identifier or its Chinese name, as organizers type it in a spreadsheet.
    pub fn parse_loose(s: &str) -> Option<Role> {
        match s.trim() {
            "" | "党员" | "成员" | "普通党员" => Some(Role::Member),
            "组织员" | "组织者" | "党务干部" => Some(Role::Organizer),
            "管理员" => Some(Role::Admin),
            other => Role::parse(&other.to_ascii_lowercase()),
        }
    }
}

/// The branches and youth groups an organizer is responsible for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    pub branch_ids: Vec<i64>,
    pub youth_group_ids: Vec<i64>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.branch_ids.is_empty() && self.youth_group_ids.is_empty()
    }
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Staff number or phone number.
    pub username: String,
    pub password: String,
}

/// The signed-in user, as `GET /api/v1/auth/me` and a successful login return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub branch_name: Option<String>,
    pub youth_group_id: Option<i64>,
    pub youth_group_name: Option<String>,
    pub organization_name: String,
    /// For organizers: what they are responsible for. Empty for others.
    pub scope: Scope,
    /// True for accounts created or reset by an admin: nothing else works until changed.
    pub must_change_password: bool,
}

/// `POST /api/v1/auth/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Which sign-in counter a [`ThrottledSignIn`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThrottleKind {
    /// One account from one client address.
    Pair,
    /// One account from any address.
    Account,
    /// One client address on any accounts.
    Address,
}

/// A sign-in counter that is slowing someone down (`GET /api/v1/auth/throttles`, admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThrottledSignIn {
    pub kind: ThrottleKind,
    /// The username tried (for `pair` and `account`); it need not exist.
    pub account: Option<String>,
    /// The client address (for `pair` and `address`).
    pub address: Option<String>,
    /// Failed attempts in the current window.
    pub failures: i64,
    /// When the current window began (Unix ms); it lasts one hour.
    pub window_start: i64,
    /// Until when the next attempt is refused (Unix ms), if it is now.
    pub blocked_until: Option<i64>,
}
