//! Member accounts as admins and organizers see them, and the bulk import.

use serde::{Deserialize, Serialize};

use super::auth::{Role, Scope};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub phone: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    /// For organizers: the branches and youth groups they are responsible for.
    pub scope: Scope,
}

/// One page of `GET /api/v1/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberPage {
    pub items: Vec<Member>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Filters of `GET /api/v1/members`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MemberQuery {
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    /// Matches name, username or phone.
    pub q: Option<String>,
    pub include_inactive: Option<bool>,
    /// 1-based.
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `POST /api/v1/members` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct CreateMember {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    #[serde(default)]
    pub cell_id: Option<i64>,
    #[serde(default)]
    pub youth_group_id: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub scope: Scope,
}

/// `PATCH /api/v1/members/{id}` (admin): the fields to change; the others stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub branch_id: Option<i64>,
    /// `Some(None)` clears the cell.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub cell_id: Option<Option<i64>>,
    /// `Some(None)` takes the member out of their youth group.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub youth_group_id: Option<Option<i64>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    pub scope: Option<Scope>,
    pub active: Option<bool>,
}

/// A new account or a reset password: the one time the initial password is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedPassword {
    pub member: Member,
    /// Must be changed at first sign-in.
    pub initial_password: String,
}

/// Result of `POST /api/v1/members/import`: every row was valid and is now stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
    /// Initial passwords of the accounts created, to hand out.
    pub issued: Vec<ImportedAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedAccount {
    pub username: String,
    pub display_name: String,
    pub initial_password: String,
}

/// Column headers of the member import template, in order (zh-CN, as organizers read them).
pub const IMPORT_COLUMNS: [&str; 6] = [
    "账号",
    "姓名",
    "党支部",
    "党小组",
    "青年理论学习小组",
    "手机号",
];

/// `POST /api/v1/members/reset-passwords` (admin): new initial passwords for the selected
/// accounts, handed out as one XLSX sheet that can be downloaded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct BatchResetPasswords {
    /// 1 to `MAX_BATCH_RESET` distinct member or organizer ids (never admins).
    pub member_ids: Vec<i64>,
}

/// Most accounts one batch reset may cover (each costs a password hash).
pub const MAX_BATCH_RESET: usize = 100;

/// Answer of a batch reset: the passwords are only in the sheet, which
/// `GET /api/v1/members/password-sheets/{id}` returns once (then 410
/// `password_sheet_downloaded`); it is deleted unread after an hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordSheet {
    pub id: i64,
    /// Accounts reset.
    pub count: i64,
    pub file_name: String,
    /// Where to download it (once).
    pub download_url: String,
}

/// Serde helper for "absent" vs "null" in PATCH bodies.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
