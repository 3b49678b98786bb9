//! In-app notifications (消息通知) and reminders (每月一提醒): a member's list with the
//! unread count, marking read, what is due and unfinished, and the reminder staff send to
//! the unfinished members in their scope.

use serde::{Deserialize, Serialize};

use super::dashboard::{ItemKind, ItemRef};

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    /// `reminder` (sent by staff), `monthly` (the first-of-the-month reminder), `assigned`
    /// (a quiz published for the member) or `report` (their error report was answered).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The module or quiz a reminder is about.
    pub item_kind: Option<ItemKind>,
    pub item_id: Option<i64>,
    /// Who sent it (`None` for generated ones).
    pub sender_name: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// Query of `GET /api/v1/notifications`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NotificationQuery {
    /// Notifications older than this id (keyset paging).
    pub before_id: Option<i64>,
    /// 1..=100, default 20.
    pub limit: Option<i64>,
    /// Only unread ones.
    pub unread_only: Option<bool>,
}

/// `GET /api/v1/notifications`: the caller's notifications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    /// Unread notifications in all (the badge).
    pub unread: i64,
    /// Pass as `before_id` for the next page; `None` at the end.
    pub next_before_id: Option<i64>,
}

/// `POST /api/v1/notifications/read`: marks the given notifications (or, with `all`,
/// every one) of the caller read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// Answer of marking read: the unread count after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: i64,
}

/// `POST /api/v1/reminders`: remind the members in the caller's scope who have not
/// completed a module or quiz assigned to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct SendReminder {
    pub item_kind: ItemKind,
    pub item_id: i64,
    /// An optional line of the sender's own (at most 200 characters).
    pub message: Option<String>,
}

/// Answer of a reminder: how many members it reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderSent {
    pub recipients: i64,
    // issue 17 reports
    /// Unfinished members left out because they had this reminder today already.
    pub already_reminded: i64,
}

/// One item of `GET /api/v1/notifications/due`: assigned to the caller, not completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    pub item: ItemRef,
    /// Whether the caller has begun it.
    pub started: bool,
    /// Required work (必修/必答): every assigned module, and quizzes marked required.
    pub required: bool,
}

/// Longest own line of a reminder, in characters.
pub const REMINDER_MESSAGE_MAX_CHARS: usize = 200;
