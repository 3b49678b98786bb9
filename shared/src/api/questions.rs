//! The question bank as organizers and admins edit it: search, one question with its key
//! and versions, create and edit, the category tree, and members' error reports (答题纠错).

use serde::{Deserialize, Serialize};

use crate::grading::{AnswerKey, QuestionKind};

/// Filters of `GET /api/v1/questions`. Every filter narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct QuestionQuery {
    /// Matches the stem, the explanation or the source.
    pub q: Option<String>,
    /// One tag, exactly.
    pub tag: Option<String>,
    /// A category and its sub-categories.
    pub category_id: Option<i64>,
    pub kind: Option<QuestionKind>,
    pub difficulty: Option<u8>,
    /// Only questions with open error reports.
    pub reported: Option<bool>,
    /// 1-based.
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Who owns a question: a branch, a youth group, or (neither) the organization.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Owner {
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
}

/// One row of the question list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionItem {
    pub id: i64,
    pub stable_id: String,
    pub category_id: i64,
    pub category: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub difficulty: u8,
    pub tags: Vec<String>,
    pub version: i64,
    pub owner: Owner,
    /// Whether the caller may edit it (admins: all; organizers: their units' questions).
    pub editable: bool,
    pub open_reports: i64,
}

/// One page of `GET /api/v1/questions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionPage {
    pub items: Vec<QuestionItem>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// A question with everything an editor needs (`GET /api/v1/questions/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionDetail {
    #[serde(flatten)]
    pub item: QuestionItem,
    pub options: Vec<String>,
    pub key: AnswerKey,
    pub explanation: String,
    pub source: String,
    /// Earlier versions still shown by past attempts, newest first.
    pub versions: Vec<QuestionVersion>,
    pub reports: Vec<QuestionReport>,
}

/// A superseded version of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionVersion {
    pub version: i64,
    pub stem: String,
    pub options: Vec<String>,
    pub key: AnswerKey,
    pub replaced_at: i64,
}

/// `POST /api/v1/questions` and `PUT /api/v1/questions/{id}`: every field of a question.
/// An organizer's new question belongs to one of their branches or youth groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    pub category_id: i64,
    pub kind: QuestionKind,
    pub stem: String,
    #[serde(default)]
    pub options: Vec<String>,
    pub key: AnswerKey,
    pub explanation: String,
    pub source: String,
    pub difficulty: u8,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub owner: Owner,
}

/// What saving a question did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionSaved {
    pub id: i64,
    pub version: i64,
    /// True when the edit made a new version because past attempts hold the old one.
    pub new_version: bool,
}

/// A node of the category tree (`GET /api/v1/question-categories`, parents first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    /// Questions directly in this category that the caller can see.
    pub question_count: i64,
}

/// `POST /api/v1/question-categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// Status of an error report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Open,
    /// The question was wrong and has been fixed.
    Resolved,
    /// The question stands; the reply says why.
    Rejected,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Resolved => "resolved",
            ReportStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Open,
            ReportStatus::Resolved,
            ReportStatus::Rejected,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A member's report that a question is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionReport {
    pub id: i64,
    pub question_id: i64,
    /// The version the member saw.
    pub question_version: i64,
    pub reporter: String,
    pub comment: String,
    pub status: ReportStatus,
    pub reply: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    /// When an organizer forwarded it to the admins (reports on organization questions).
    pub forwarded_at: Option<i64>,
    /// Who forwarded it (display name).
    pub forwarded_by: Option<String>,
    /// The forwarding organizer's note to the admins.
    pub forward_note: Option<String>,
    /// Whether the caller may resolve or reject it now (`PUT /api/v1/question-reports/{id}`).
    pub can_resolve: bool,
    /// Whether the caller may forward it to the admins now
    /// (`POST /api/v1/question-reports/{id}/forward`).
    pub can_forward: bool,
}

/// One of the member's own error reports (我的纠错) and how it was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyReport {
    pub id: i64,
    pub question_id: i64,
    /// The question's stem as it reads now.
    pub stem: String,
    pub comment: String,
    pub status: ReportStatus,
    pub reply: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

/// `POST /api/v1/questions/{id}/reports` (a member who has been shown the question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub comment: String,
}

/// `PUT /api/v1/question-reports/{id}` (staff who may edit the question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct ResolveReport {
    pub status: ReportStatus,
    #[serde(default)]
    pub reply: Option<String>,
}

/// `POST /api/v1/question-reports/{id}/forward`: an organizer hands a report on an
/// organization question (which only admins edit) to the admins, saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct ForwardReport {
    /// At most `MAX_REPORT_CHARS` characters, not empty.
    pub note: String,
}

/// Which reports `GET /api/v1/question-reports` lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportQueue {
    /// Every open report in the caller's scope.
    #[default]
    Open,
    /// Open reports an organizer forwarded to the admins (the admins' queue).
    Forwarded,
}

/// Filters of `GET /api/v1/question-reports`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReportQueueQuery {
    /// `open` (default) or `forwarded`.
    pub queue: Option<ReportQueue>,
}

/// One row of the report queue: the report with the question's current stem and owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportQueueItem {
    pub report: QuestionReport,
    /// The question's stem as it reads now.
    pub stem: String,
    /// The question's owner (both empty: the organization's bank).
    pub owner: Owner,
}

/// Most rows `GET /api/v1/question-reports` returns (oldest first).
pub const MAX_REPORT_QUEUE: usize = 200;

/// Longest report comment or reply, in characters.
pub const MAX_REPORT_CHARS: usize = 500;
