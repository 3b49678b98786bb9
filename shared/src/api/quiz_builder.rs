//! The quiz builder as organizers and admins see it: quizzes of every kind for their scope,
//! with a fixed question list or draw rules, their window and rules, audience, and the
//! draft → published → closed life; plus item analysis once members have answered.

use serde::{Deserialize, Serialize};

use crate::api::questions::Owner;
use crate::api::quiz::{QuizKind, Reveal};
use crate::grading::{MultiplePolicy, QuestionKind};
use crate::item_analysis::ItemStats;

/// Longest quiz title, in characters.
pub const MAX_TITLE_CHARS: usize = 60;
/// Most questions in one quiz (fixed list or the sum of the draw rules).
pub const MAX_QUESTIONS: usize = 200;
/// Most draw rules in one quiz.
pub const MAX_DRAW_RULES: usize = 20;

/// Where a quiz stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuizStatus {
    /// Being built; members do not see it.
    Draft,
    /// Members in its audience see it and may take it within its window.
    Published,
    /// Members still see their results; nobody can start it.
    Closed,
}

impl QuizStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuizStatus::Draft => "draft",
            QuizStatus::Published => "published",
            QuizStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<QuizStatus> {
        [QuizStatus::Draft, QuizStatus::Published, QuizStatus::Closed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Draw `count` questions from a category (and its sub-categories), of one difficulty
/// (1 易, 2 中, 3 难) or any. Several rules on one category make a difficulty mix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawRule {
    pub category_id: i64,
    pub count: i64,
    #[serde(default)]
    pub difficulty: Option<u8>,
    // issue 17 quiz builder
    /// Only questions of this kind (单选, 多选, …); none: any kind.
    #[serde(default)]
    pub kind: Option<QuestionKind>,
}

/// Who a quiz is for: the listed branches and youth groups; both empty means everyone
/// (admins only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Audience {
    #[serde(default)]
    pub branch_ids: Vec<i64>,
    #[serde(default)]
    pub youth_group_ids: Vec<i64>,
}

/// A quiz as the builder saves it (`POST` creates a draft, `PUT` replaces).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// No `deny_unknown_fields`: `QuizDetail` flattens it, and a flattened struct that denies
// unknown fields refuses the detail's own.
pub struct QuizInput {
    pub title: String,
    pub kind: QuizKind,
    /// The unit that owns it (none: the organization; admins only).
    #[serde(default)]
    pub owner: Owner,
    /// A fixed list of question ids, in order. Empty: drawn by `draw_rules`.
    #[serde(default)]
    pub questions: Vec<i64>,
    #[serde(default)]
    pub draw_rules: Vec<DrawRule>,
    #[serde(default)]
    pub time_limit_secs: Option<i64>,
    #[serde(default)]
    pub opens_at: Option<i64>,
    #[serde(default)]
    pub closes_at: Option<i64>,
    /// Attempts per member (exams, practice and challenges; daily, weekly and special
    /// quizzes allow one per period).
    #[serde(default)]
    pub max_attempts: Option<i64>,
    /// Percent needed to pass.
    #[serde(default)]
    pub pass_mark: Option<i64>,
    /// Points per correct answer, at most what the admin's rule for this kind gives.
    #[serde(default)]
    pub points_per_correct: Option<i64>,
    #[serde(default = "yes")]
    pub shuffle_options: bool,
    pub reveal: Reveal,
    #[serde(default)]
    pub multiple_policy: MultiplePolicy,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// One row of the builder's quiz list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagedQuiz {
    pub id: i64,
    pub title: String,
    pub kind: QuizKind,
    pub status: QuizStatus,
    pub owner: Owner,
    pub question_count: i64,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub required: bool,
    /// Submitted attempts.
    pub attempts: i64,
    /// Whether the caller may change it.
    pub editable: bool,
}

/// A question of a fixed list, as the builder lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizQuestionItem {
    pub id: i64,
    pub kind: QuestionKind,
    pub stem: String,
    pub difficulty: u8,
    pub category: String,
}

/// A quiz with everything the builder edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizDetail {
    pub id: i64,
    pub status: QuizStatus,
    /// Members have answered it: questions, draw rules, kind, scoring and pass mark stay
    /// as they are, so past results keep their meaning.
    pub locked: bool,
    pub attempts: i64,
    pub editable: bool,
    #[serde(flatten)]
    pub input: QuizInput,
    pub question_items: Vec<QuizQuestionItem>,
    // issue 17 quiz builder
    /// Who it reaches: its audience's units and how many active members are in them.
    #[serde(default)]
    pub reach: QuizReach,
    /// The authored or shipped module it is attached to, if any.
    #[serde(default)]
    pub module: Option<QuizModule>,
}

// issue 17 quiz builder
/// Who a quiz reaches: the names of its audience's units (empty and `everyone`: the whole
/// organization) and how many active members that is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizReach {
    pub everyone: bool,
    pub units: Vec<String>,
    pub members: i64,
}

/// The study module a quiz belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizModule {
    pub id: i64,
    pub title: String,
}

/// `POST /api/v1/manage/quizzes/draw-counts`: how many questions each draw rule could draw
/// for a quiz of `owner` (its fixed `questions` not counted), before saving.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrawCountRequest {
    #[serde(default)]
    pub owner: Owner,
    #[serde(default)]
    pub questions: Vec<i64>,
    #[serde(default)]
    pub draw_rules: Vec<DrawRule>,
}

/// The answer to [`DrawCountRequest`]: per rule the questions it can draw from, and the
/// quiz's size (fixed + drawn = total).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawCounts {
    pub available: Vec<i64>,
    pub fixed: i64,
    pub drawn: i64,
    pub total: i64,
}

/// One question of a preview paper, with its key (the organizer's console only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewQuestion {
    pub id: i64,
    pub kind: QuestionKind,
    pub stem: String,
    /// Choice options (true/false questions have none).
    pub options: Vec<String>,
    /// Fixed (always on the paper) or drawn (this paper's draw).
    pub fixed: bool,
    /// The key in words: option letters, 正确/错误, or the accepted blanks.
    pub key_text: String,
}

/// `GET /api/v1/manage/quizzes/{id}/preview`: one paper as a member would get it now
/// (fixed questions plus one draw), and its full score (100 points, shared evenly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizPreview {
    pub quiz_id: i64,
    pub title: String,
    pub questions: Vec<PreviewQuestion>,
    pub fixed: i64,
    pub drawn: i64,
    /// Full marks (a score is a percent).
    pub total_score: i64,
    pub pass_mark: Option<i64>,
    pub time_limit_secs: Option<i64>,
}

/// `PUT /api/v1/content/modules/{id}/quizzes/{quiz_id}` answers with the module's quizzes;
/// one of them as the module page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleQuiz {
    pub id: i64,
    pub title: String,
    pub kind: QuizKind,
    pub status: QuizStatus,
    pub question_count: i64,
    /// Whether the caller may detach it (they manage the quiz too).
    pub editable: bool,
}

/// `POST /api/v1/manage/quizzes/{id}/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: QuizStatus,
}

/// Item analysis of one question of a quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemReport {
    pub question: QuizQuestionItem,
    pub options: Vec<String>,
    #[serde(flatten)]
    pub stats: ItemStats,
    /// The flags in words (可能有歧义, …).
    pub flag_labels: Vec<String>,
}

/// `GET /api/v1/manage/quizzes/{id}/analysis`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizAnalysis {
    pub quiz_id: i64,
    /// Submitted attempts analysed.
    pub attempts: i64,
    /// Mean score of those attempts, percent.
    pub mean_percent: Option<f64>,
    pub items: Vec<ItemReport>,
}
