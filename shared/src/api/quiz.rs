//! Quizzes, attempts and the mistake book as a member sees them. Questions served before
//! submission carry no key, explanation or source: those arrive only in [`QuestionResult`].

use serde::{Deserialize, Serialize};

use crate::grading::{Answer, QuestionKind};

/// The six kinds of quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuizKind {
    /// Per module, unlimited, drawn from the module's categories.
    Practice,
    /// 每日答题: a fresh set per member per day.
    Daily,
    /// 每周答题: one set per member per week.
    Weekly,
    /// 专项答题: a fixed set with an open/close window, one attempt.
    Special,
    /// 挑战答题: questions keep coming until the first wrong answer.
    Challenge,
    /// A time limit, a pass mark and a number of attempts.
    Exam,
}

impl QuizKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuizKind::Practice => "practice",
            QuizKind::Daily => "daily",
            QuizKind::Weekly => "weekly",
            QuizKind::Special => "special",
            QuizKind::Challenge => "challenge",
            QuizKind::Exam => "exam",
        }
    }

    pub fn parse(s: &str) -> Option<QuizKind> {
        [
            QuizKind::Practice,
            QuizKind::Daily,
            QuizKind::Weekly,
            QuizKind::Special,
            QuizKind::Challenge,
            QuizKind::Exam,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// When keys, explanations and sources are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    AfterSubmit,
    AfterClose,
    Never,
}

impl Reveal {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reveal::AfterSubmit => "after_submit",
            Reveal::AfterClose => "after_close",
            Reveal::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Option<Reveal> {
        [Reveal::AfterSubmit, Reveal::AfterClose, Reveal::Never]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A quiz in a member's list, with where they stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizSummary {
    pub id: i64,
    pub title: String,
    pub kind: QuizKind,
    pub module_id: Option<i64>,
    pub question_count: i64,
    pub time_limit_secs: Option<i64>,
    /// Percent needed to pass (exam).
    pub pass_mark: Option<i64>,
    pub max_attempts: Option<i64>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    /// Attempts used in the current period (today for daily, this week for weekly).
    pub attempts_used: i64,
    /// Whether the member can start (or resume) an attempt now; if not, `blocked_reason`.
    pub can_start: bool,
    pub blocked_reason: Option<String>,
    /// An unsubmitted attempt to resume.
    pub open_attempt_id: Option<i64>,
    /// When keys, explanations and sources are shown (the start screen says so).
    pub reveal: Reveal,
    /// Assigned as required work (必修): on the member's 今日任务 until done.
    pub required: bool,
}

/// One question of an attempt, as shown before submission: options in this attempt's
/// order, no key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptQuestion {
    pub position: i64,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<String>,
    /// Number of blanks (fill-in).
    pub blanks: i64,
    /// The saved answer, in this attempt's option order.
    pub answer: Option<Answer>,
}

/// An attempt in progress or finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptView {
    pub id: i64,
    pub quiz_id: i64,
    pub quiz_title: String,
    pub kind: QuizKind,
    pub started_at: i64,
    /// Server time after which answers are no longer accepted.
    pub deadline_at: Option<i64>,
    pub server_now: i64,
    pub submitted: bool,
    /// A 错题练习 round over the mistake book (its quiz kind is practice).
    pub from_mistakes: bool,
    pub questions: Vec<AttemptQuestion>,
    /// Present once submitted.
    pub result: Option<AttemptResult>,
}

/// How long after an attempt's deadline (or its quiz's closing time) a save is still
/// accepted, in ms: the answer a member picked as time ran out is usually in flight then.
/// The server's clock decides; a save arriving later is refused with `deadline_passed`.
pub const SAVE_GRACE_MS: i64 = 5_000;

/// `PUT /api/v1/attempts/{id}/answers/{position}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// A misspelt field would otherwise be dropped silently (and its default used).
#[serde(deny_unknown_fields)]
pub struct SaveAnswer {
    pub answer: Answer,
}

/// Answer to saving in a challenge: whether it was right and whether the run goes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedAnswer {
    pub position: i64,
    /// Only for challenge runs, which are graded answer by answer; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    /// For challenge runs: the next question, if the run goes on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<AttemptQuestion>,
    pub finished: bool,
}

/// The graded outcome of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptResult {
    pub correct_count: i64,
    pub question_count: i64,
    /// 0–100, rounded down.
    pub score_percent: i64,
    pub passed: Option<bool>,
    pub submitted_at: i64,
    /// Whether keys, explanations and per-question verdicts are shown now (per the quiz's
    /// reveal rule).
    pub revealed: bool,
    pub questions: Vec<QuestionResult>,
    /// Points this attempt added to the member's ledger (after the daily cap; 0 for
    /// practice, exams and mistake practice).
    pub points_earned: i64,
    /// Attempts the member has left in the quiz's current period; `None` without a limit.
    pub attempts_left: Option<i64>,
    /// Whether the member may take the quiz again now (再考一次 / 再来一局).
    pub can_retake: bool,
}

/// One graded question. `correct`, `key`, `explanation` and `source` are `None` until the
/// quiz's reveal rule allows: whether a true/false answer was right gives its key away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    pub position: i64,
    /// The question, for reporting it as wrong (答题纠错).
    pub question_id: i64,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: Option<Answer>,
    pub correct: Option<bool>,
    /// In this attempt's option order.
    pub key: Option<Answer>,
    pub explanation: Option<String>,
    pub source: Option<String>,
}

/// An attempt in the member's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptSummary {
    pub id: i64,
    pub quiz_id: i64,
    pub quiz_title: String,
    pub kind: QuizKind,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub correct_count: Option<i64>,
    pub question_count: i64,
    pub score_percent: Option<i64>,
    /// 通过 / 未通过 for a graded attempt at a quiz with a pass mark.
    pub passed: Option<bool>,
}

/// A question in the mistake book, with why it was right. Only questions whose keys the
/// member may see are listed (see the backend's `domain::quiz::mistakes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mistake {
    pub question_id: i64,
    pub category: String,
    pub module_title: Option<String>,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<String>,
    pub key: Answer,
    pub explanation: String,
    pub source: String,
    pub wrong_count: i64,
    /// Days on which it has since been answered right (two clear it).
    pub right_days: i64,
    /// What the member answered the last time it was graded wrong, in `options`' order
    /// (`None`: left unanswered).
    pub your_answer: Option<Answer>,
}
