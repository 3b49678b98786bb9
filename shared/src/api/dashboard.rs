//! The completion dashboard (完成率看板): for every assigned module and quiz, how many
//! members it is assigned to, how many started and completed it within a period, the
//! completion rate and average score, by branch, by youth group and for the whole
//! organization (an organizer: their own units); the drill-down to a unit's members; and
//! the data of its charts (completion over time, correctness by category and branch).
//!
//! Counting rules, the same in every view and report:
//! - periods are whole local days (Asia/Shanghai): `from` counts from the start of its day,
//!   `to` to the end of the day before it (the response gives the days' bounds);
//! - assigned: active members (not admins) in the item's audience, by their current units;
//! - completed: the member's completion (a module: every lesson read and its required quiz
//!   passed; a quiz: the first submission at or above its pass mark) falls in the period;
//! - started: begun before the period ends and not completed before it starts (so everyone
//!   who completed in the period, and everyone still working on it);
//! - completion rate: completed / assigned, in percent with one decimal;
//! - average score: the mean best score (percent) of the members who submitted in the
//!   period (a module: over its required quizzes); `None` when nobody did.

use serde::{Deserialize, Serialize};

/// A module (学习专题) or a quiz (答题活动).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Module,
    Quiz,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Module => "module",
            ItemKind::Quiz => "quiz",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "module" => Some(ItemKind::Module),
            "quiz" => Some(ItemKind::Quiz),
            _ => None,
        }
    }
}

/// Which assigned item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemKey {
    pub kind: ItemKind,
    pub id: i64,
}

/// An assigned module or quiz: modules, and published or closed quizzes that are required,
/// special (专项) or exams (daily, weekly, practice and challenge quizzes are not
/// assignments). A quiz addressed to units reaches those; otherwise it follows its module's
/// audience (none: everyone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: i64,
    pub title: String,
    /// A quiz's module, if any.
    pub module_id: Option<i64>,
    /// A module's due date or a quiz's closing time (Unix ms).
    pub due_at: Option<i64>,
}

/// The figures of one item or unit (see the module notes for how each is counted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionStats {
    pub assigned: i64,
    pub started: i64,
    pub completed: i64,
    /// completed / assigned in percent, one decimal (0 when nothing is assigned).
    pub completion_rate: f64,
    /// Mean best score in percent, one decimal.
    pub average_score: Option<f64>,
}

/// A branch or youth group with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitStats {
    pub unit_id: i64,
    pub name: String,
    pub stats: CompletionStats,
}

/// One item's figures: in total and per unit (units it is assigned in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCompletion {
    pub item: ItemRef,
    pub total: CompletionStats,
    pub branches: Vec<UnitStats>,
    pub youth_groups: Vec<UnitStats>,
}

/// `GET /api/v1/dashboard`. The top-level figures add up every item: `assigned` counts
/// member × item assignments (the bars of completion rate per branch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub from: i64,
    pub to: i64,
    /// The organization's figures (an organizer's: everyone in their scope).
    pub total: CompletionStats,
    pub branches: Vec<UnitStats>,
    pub youth_groups: Vec<UnitStats>,
    pub items: Vec<ItemCompletion>,
}

/// The period of a dashboard view: `[from, to)` in Unix ms, widened to whole local days.
/// Defaults: from the beginning, to now (today counts whole).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PeriodQuery {
    pub from: Option<i64>,
    pub to: Option<i64>,
    // issue 17 reports
    /// A named period instead of `from`/`to` (`2026-05`, `2026-Q2`, `2026-H1`, `2026`,
    /// `2026-05-01~2026-06-30`; see `shared::period`); a bad one is `422 invalid_period`.
    pub period: Option<String>,
}

/// A branch (`branch`) or youth group (`youth_group`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Branch,
    YouthGroup,
}

/// One member in a unit's drill-down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberProgress {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// Assigned items completed in the period.
    pub completed: Vec<ItemKey>,
    // issue 17 reports
    /// When each of `completed` was completed (Unix ms), in the same order.
    pub completed_at: Vec<i64>,
    /// Assigned items not completed in the period.
    pub unfinished: Vec<ItemKey>,
    /// Points earned in the period.
    pub points: i64,
    /// The member's latest study, quiz or points activity (Unix ms), if any.
    pub last_activity_at: Option<i64>,
}

/// `GET /api/v1/dashboard/branches/{id}/members` (and `/youth-groups/{id}/members`):
/// the unit's active members, those with the most unfinished items first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitMembers {
    pub unit: UnitKind,
    pub unit_id: i64,
    pub name: String,
    pub from: i64,
    pub to: i64,
    /// The items assigned in this unit, which `completed` / `unfinished` refer to.
    pub items: Vec<ItemRef>,
    pub members: Vec<MemberProgress>,
}

// issue 17 reports
/// A member who has not completed everything assigned to them in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NonCompleter {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// The titles of the items they have not completed.
    pub unfinished: Vec<String>,
}

/// One unit's non-completers, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitNonCompleters {
    pub unit: UnitKind,
    pub unit_id: i64,
    pub name: String,
    /// Active members of the unit with something assigned.
    pub members: i64,
    pub non_completers: Vec<NonCompleter>,
}

/// `GET /api/v1/dashboard/non-completers`: per branch and youth group in scope, the members
/// who have not completed every item assigned to them in the period (the drill-down's rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NonCompleters {
    pub from: i64,
    pub to: i64,
    pub units: Vec<UnitNonCompleters>,
}

/// Query of `GET /api/v1/dashboard/timeline`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TimelineQuery {
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `day` (default; at most 366 of them) or `week` (Monday to Sunday; at most 260).
    pub bucket: Option<String>,
}

/// One day or week of the completion line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePoint {
    /// Start of the day or week (Asia/Shanghai), Unix ms.
    pub start: i64,
    /// `YYYY-MM-DD` of that start.
    pub label: String,
    /// Completions (member × item) in this bucket.
    pub completed: i64,
    /// Completions from the period's start to the end of this bucket.
    pub cumulative: i64,
    /// cumulative / assigned in percent, one decimal.
    pub cumulative_rate: f64,
}

/// `GET /api/v1/dashboard/timeline`: completions of assigned items over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeline {
    pub bucket: String,
    /// Member × item assignments (the dashboard's `total.assigned`).
    pub assigned: i64,
    pub points: Vec<TimelinePoint>,
}

/// A question category or a branch, as a heatmap axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// One cell of the heatmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatCell {
    pub branch_id: i64,
    pub category_id: i64,
    pub answered: i64,
    pub correct: i64,
    /// correct / answered in percent, one decimal.
    pub rate: f64,
}

/// `GET /api/v1/dashboard/heatmap`: correctness of graded answers by question category and
/// branch in the period (weak topics stand out). Only cells with answers are listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heatmap {
    pub from: i64,
    pub to: i64,
    pub categories: Vec<Named>,
    pub branches: Vec<Named>,
    pub cells: Vec<HeatCell>,
}

/// A percentage with one decimal, `part / whole` (0 when `whole` is 0).
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    // Integer rounding first, so both sides and every report show the same digit.
    let tenths = (part as i128 * 1000 * 2 + whole as i128) / (whole as i128 * 2);
    tenths as f64 / 10.0
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_rounds_half_up_to_one_decimal() {
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(1, 8), 12.5);
        assert_eq!(percent(1, 16), 6.3);
        assert_eq!(percent(5, 5), 100.0);
        assert_eq!(percent(0, 7), 0.0);
        assert_eq!(percent(3, 0), 0.0);
    }
}

/// A members export written in the background (`POST /api/v1/exports/members/jobs`): its
/// progress while it runs, then its file at `GET /api/v1/exports/jobs/{id}/file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportJob {
    pub id: u64,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// Units (branches or youth groups) written so far, of `units_total`.
    pub units_done: u64,
    pub units_total: u64,
    /// Member rows written so far.
    pub rows: u64,
    /// The download's file name.
    pub file_name: String,
    /// Why it failed (Chinese, for people).
    pub error: Option<String>,
}
