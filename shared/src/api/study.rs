//! Study modules and lessons as a member sees them, with their own progress.

use serde::{Deserialize, Serialize};

/// The study track of a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// 理论学习
    Theory,
    /// 纪律教育
    Discipline,
    Other,
}

impl Track {
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Theory => "theory",
            Track::Discipline => "discipline",
            Track::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Track> {
        match s {
            "theory" => Some(Track::Theory),
            "discipline" => Some(Track::Discipline),
            "other" => Some(Track::Other),
            _ => None,
        }
    }
}

/// A module in a member's list, with their progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleSummary {
    pub id: i64,
    pub title: String,
    pub track: Track,
    pub description: String,
    /// Unix milliseconds.
    pub due_at: Option<i64>,
    pub lesson_count: i64,
    pub lessons_completed: i64,
    /// Lessons the member has opened and been credited time for (completed ones included):
    /// zero means the module is untouched (开始学习), more means 继续学习.
    pub lessons_started: i64,
    pub completed: bool,
}

/// A lesson in its module's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonSummary {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub source: String,
    pub progress: LessonProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleDetail {
    pub module: ModuleSummary,
    pub lessons: Vec<LessonSummary>,
}

/// A member's progress on one lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonProgress {
    /// Study time credited from heartbeats.
    pub credited_seconds: i64,
    /// Time needed (with reaching the end) to complete the lesson.
    pub min_seconds: i64,
    pub reached_end: bool,
    pub completed: bool,
}

/// A lesson to read. `html` is rendered from Markdown on the server with raw HTML escaped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonView {
    pub id: i64,
    pub module_id: i64,
    pub module_title: String,
    pub position: i64,
    pub lesson_count: i64,
    pub title: String,
    pub source: String,
    pub html: String,
    pub prev_id: Option<i64>,
    pub next_id: Option<i64>,
    /// How often the page should send heartbeats while visible and focused.
    pub heartbeat_secs: i64,
    pub progress: LessonProgress,
}

/// `POST /api/v1/lessons/{id}/heartbeat`, sent while the lesson is visible and focused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The reader has scrolled to the end of the lesson.
    #[serde(default)]
    pub reached_end: bool,
}
