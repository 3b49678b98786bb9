//! Study content authored in the app (organizers for their units, admins for the
//! organization): modules, their lessons (Markdown, versioned), and assigning a module to
//! the organization, branches or youth groups with a due date and a required flag.
//! Modules shipped from `seeds/` are listed read-only (`shipped`).

use serde::{Deserialize, Serialize};

use super::questions::Owner;
use super::study::Track;

/// Longest module or lesson title, in characters.
pub const MAX_TITLE_CHARS: usize = 60;
/// Longest module description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Longest lesson source (出处), in characters.
pub const MAX_SOURCE_CHARS: usize = 200;
/// Longest lesson body (Markdown), in characters.
pub const MAX_BODY_CHARS: usize = 50_000;
/// Longest minimum study time an author may set, in minutes.
pub const MAX_MIN_MINUTES: u32 = 120;
/// Highest sort position.
pub const MAX_POSITION: i64 = 10_000;

/// `POST /api/v1/content/modules` and `PUT /api/v1/content/modules/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct ModuleInput {
    pub title: String,
    pub track: Track,
    pub description: String,
    /// Sort order among modules (0 to `MAX_POSITION`); the founding document is 0.
    pub position: i64,
    /// Owning unit: organizers must name one of theirs; both empty is the organization's
    /// (admins only). Fixed at creation.
    #[serde(default)]
    pub owner: Owner,
}

/// `POST /api/v1/content/modules/{id}/lessons` and `PUT /api/v1/content/lessons/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct LessonInput {
    pub title: String,
    /// Markdown; rendered and sanitized by the server (raw HTML shows as text).
    pub body_md: String,
    /// 出处: the document the lesson is from.
    pub source: String,
    /// Position in the module (1-based); omitted on create: after the last lesson.
    #[serde(default)]
    pub position: Option<i64>,
    /// Minimum study time in minutes (1 to `MAX_MIN_MINUTES`); omitted: from the length.
    #[serde(default)]
    pub min_minutes: Option<u32>,
}

/// `PUT /api/v1/content/modules/{id}/assignment`: who must study the module, by when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct ModuleAssignment {
    /// The whole organization (admins only).
    #[serde(default)]
    pub all: bool,
    #[serde(default)]
    pub branch_ids: Vec<i64>,
    #[serde(default)]
    pub youth_group_ids: Vec<i64>,
    /// Deadline (Unix ms), in the future.
    #[serde(default)]
    pub due_at: Option<i64>,
    /// Required work (必学): it counts on members' 今日任务 as such.
    pub required: bool,
}

/// Answer of an assignment: how many members were told about it now (each only once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentSaved {
    pub notified: i64,
}

/// One module as its authors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoredModule {
    pub id: i64,
    pub title: String,
    pub track: Track,
    pub description: String,
    pub position: i64,
    pub owner: Owner,
    /// Shipped from `seeds/`: read-only here, edited through the files.
    pub shipped: bool,
    /// Whether the caller may edit, assign and delete it.
    pub editable: bool,
    /// Assigned to everyone (else to `branch_ids` / `youth_group_ids`).
    pub all: bool,
    pub branch_ids: Vec<i64>,
    pub youth_group_ids: Vec<i64>,
    pub due_at: Option<i64>,
    pub required: bool,
    pub lesson_count: i64,
}

/// One lesson as its authors edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoredLesson {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub body_md: String,
    pub source: String,
    /// The author's minimum study time in minutes, if set.
    pub min_minutes: Option<u32>,
    /// The minimum study time that applies (set or derived from the length), in seconds.
    pub min_seconds: i64,
    pub version: i64,
    /// Earlier versions, newest first (kept once a member had started the lesson).
    pub versions: Vec<LessonVersion>,
}

/// A lesson's text as it was before an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonVersion {
    pub version: i64,
    pub title: String,
    pub body_md: String,
    pub source: String,
    pub replaced_at: i64,
}

/// `GET /api/v1/content/modules/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoredModuleDetail {
    pub module: AuthoredModule,
    pub lessons: Vec<AuthoredLesson>,
    // issue 17 quiz builder
    /// The practice and exam quizzes attached to it (the ones the caller can see).
    pub quizzes: Vec<crate::api::quiz_builder::ModuleQuiz>,
    /// Whether the caller may delete it now: editable and no member has started a lesson
    /// (the server answers 409 otherwise).
    pub deletable: bool,
}

/// Answer of saving a lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonSaved {
    pub id: i64,
    pub version: i64,
    /// True when the edit made a new version (someone had started the lesson).
    pub new_version: bool,
}

/// `POST /api/v1/content/preview`: Markdown to show as the member will see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    pub body_md: String,
}

/// The sanitized HTML of a preview (the same renderer as lessons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    pub html: String,
}
