//! Points (积分), streaks, weekly goals and leaderboards (排行榜) as the API serves them.
//! The rules behind the numbers (caps, challenge points, ranks, initials) are in
//! [`crate::points`].

use serde::{Deserialize, Serialize};

/// What earned points. One rule (points, daily cap) per source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PointsSource {
    /// 每日登录: the first sign-in or app start of the day.
    SignIn,
    /// 完成一篇课程.
    Lesson,
    /// 学习时长: per whole 4 minutes of credited reading time in a day.
    StudyTime,
    /// 每日答题: per correct answer.
    DailyQuiz,
    /// 每周答题: per correct answer.
    WeeklyQuiz,
    /// 专项答题: per correct answer.
    SpecialQuiz,
    /// 挑战答题: by the length of the run.
    Challenge,
    /// 完成一个学习专题.
    Module,
}

impl PointsSource {
    /// Every source, in the order the task list shows them.
    pub const ALL: [PointsSource; 8] = [
        PointsSource::SignIn,
        PointsSource::Lesson,
        PointsSource::StudyTime,
        PointsSource::DailyQuiz,
        PointsSource::WeeklyQuiz,
        PointsSource::SpecialQuiz,
        PointsSource::Challenge,
        PointsSource::Module,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PointsSource::SignIn => "sign_in",
            PointsSource::Lesson => "lesson",
            PointsSource::StudyTime => "study_time",
            PointsSource::DailyQuiz => "daily_quiz",
            PointsSource::WeeklyQuiz => "weekly_quiz",
            PointsSource::SpecialQuiz => "special_quiz",
            PointsSource::Challenge => "challenge",
            PointsSource::Module => "module",
        }
    }

    pub fn parse(s: &str) -> Option<PointsSource> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether this source is study (counts for streaks and active days); signing in is not.
    pub fn is_study(self) -> bool {
        self != PointsSource::SignIn
    }

    /// zh-CN name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            PointsSource::SignIn => "每日登录",
            PointsSource::Lesson => "课程学习",
            PointsSource::StudyTime => "学习时长",
            PointsSource::DailyQuiz => "每日答题",
            PointsSource::WeeklyQuiz => "每周答题",
            PointsSource::SpecialQuiz => "专项答题",
            PointsSource::Challenge => "挑战答题",
            PointsSource::Module => "完成专题",
        }
    }
}

/// A leaderboard period, in Asia/Shanghai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
    All,
}

impl Period {
    pub const ALL: [Period; 5] = [
        Period::Day,
        Period::Week,
        Period::Month,
        Period::Year,
        Period::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
            Period::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whose members an individual leaderboard ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BoardScope {
    /// The whole organization.
    Org,
    Branch,
    YouthGroup,
}

impl BoardScope {
    pub fn as_str(self) -> &'static str {
        match self {
            BoardScope::Org => "org",
            BoardScope::Branch => "branch",
            BoardScope::YouthGroup => "youth_group",
        }
    }

    pub fn parse(s: &str) -> Option<BoardScope> {
        [BoardScope::Org, BoardScope::Branch, BoardScope::YouthGroup]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Which groups a group leaderboard ranks against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Branch,
    YouthGroup,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Branch => "branch",
            GroupKind::YouthGroup => "youth_group",
        }
    }

    pub fn parse(s: &str) -> Option<GroupKind> {
        [GroupKind::Branch, GroupKind::YouthGroup]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// How groups of different sizes are compared fairly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 参与率: share of the group's members with any points in the period (percent).
    Participation,
    /// 人均积分: the group's points in the period divided by its members.
    Average,
    /// 完成率: modules completed in the period by the group's members, as a share of
    /// members × modules assigned to the group (percent; period `all` = the overall rate).
    Completion,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Participation => "participation",
            Measure::Average => "average",
            Measure::Completion => "completion",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        [
            Measure::Participation,
            Measure::Average,
            Measure::Completion,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What a weekly goal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WeeklyGoalKind {
    /// Points earned this week.
    Points,
    /// Days this week with any study (signing in alone does not count).
    ActiveDays,
}

impl WeeklyGoalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WeeklyGoalKind::Points => "points",
            WeeklyGoalKind::ActiveDays => "active_days",
        }
    }

    pub fn parse(s: &str) -> Option<WeeklyGoalKind> {
        [WeeklyGoalKind::Points, WeeklyGoalKind::ActiveDays]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One line of today's task list: "x / y" points from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TodayTask {
    pub source: PointsSource,
    /// Earned today (x).
    pub points: i64,
    /// Today's cap (y).
    pub cap: i64,
    /// Points per unit: per sign-in, lesson, 4 minutes, correct answer, module; for the
    /// challenge the most one run can earn.
    pub points_per_unit: i64,
    /// `points >= cap`.
    pub done: bool,
}

/// Points over the current periods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsTotals {
    pub day: i64,
    pub week: i64,
    pub month: i64,
    pub year: i64,
    pub all: i64,
}

/// Consecutive days with any study, in Asia/Shanghai.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Streak {
    /// Days in the current streak, today included if studied; still counts yesterday's
    /// streak until today ends (0 once a whole day passed without study).
    pub current: i64,
    pub best: i64,
    pub studied_today: bool,
}

/// Progress towards this week's goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyGoal {
    pub kind: WeeklyGoalKind,
    pub target: i64,
    pub progress: i64,
    pub reached: bool,
    /// The week, named by its Monday: `W:YYYY-MM-DD`.
    pub week: String,
}

/// `GET /api/v1/points/me`: the home page's points card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyPoints {
    /// `YYYY-MM-DD` in Asia/Shanghai.
    pub day: String,
    pub tasks: Vec<TodayTask>,
    pub totals: PointsTotals,
    pub streak: Streak,
    pub weekly_goal: WeeklyGoal,
}

/// One ledger entry. Entries are never changed; a correction is a new entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: i64,
    pub source: PointsSource,
    pub points: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    /// `YYYY-MM-DD` in Asia/Shanghai.
    pub day: String,
    /// What earned it, e.g. `lesson:12`, `attempt:34`, `module:5`, `day:2026-03-01`.
    pub reference: String,
}

/// `GET /api/v1/points/ledger`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPage {
    pub entries: Vec<LedgerEntry>,
    /// Pass as `before_id` for the next (older) page; absent on the last page.
    pub next_before_id: Option<i64>,
}

/// Query of `GET /api/v1/points/ledger`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LedgerQuery {
    /// Entries older than this id (keyset paging).
    pub before_id: Option<i64>,
    /// 1..=100, default 20.
    pub limit: Option<i64>,
    /// Staff only: another member's ledger (within their scope).
    pub user_id: Option<i64>,
}

/// Query of `GET /api/v1/leaderboards/individuals`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct IndividualBoardQuery {
    /// `org` (default), `branch` or `youth_group`.
    pub scope: Option<String>,
    /// `day`, `week` (default), `month`, `year` or `all`.
    pub period: Option<String>,
    /// The branch or youth group (default: the caller's own). Organizers may name the
    /// units they look after, admins any.
    pub unit_id: Option<i64>,
}

/// Query of `GET /api/v1/leaderboards/groups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct GroupBoardQuery {
    /// `branch` (default) or `youth_group`.
    pub kind: Option<String>,
    /// `day`, `week` (default), `month`, `year` or `all`.
    pub period: Option<String>,
    /// `participation`, `average` or `completion`; default: the organization's setting.
    pub measure: Option<String>,
}

/// A member on an individual leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardEntry {
    /// Competition rank: 1 + the number of members with more points (ties share it).
    pub rank: i64,
    pub user_id: i64,
    /// Full name, or initials only outside the top 10 when the organization says so
    /// (never for the caller's own entry).
    pub name: String,
    pub branch_name: Option<String>,
    pub points: i64,
    pub is_me: bool,
}

/// `GET /api/v1/leaderboards/individuals`.
///
/// Order: points descending; within a tie, whoever reached the total earlier first, then
/// the lower user id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndividualBoard {
    pub scope: BoardScope,
    /// The branch or youth group ranked (absent for `org`).
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub period: Period,
    /// The period ranked, e.g. `D:2026-03-01`, `W:2026-02-23`, `M:2026-03`, `Y:2026`, `A`.
    pub period_key: String,
    /// Members with points in the period.
    pub participants: i64,
    pub top: Vec<BoardEntry>,
    /// The caller's own entry when they belong to this board (rank participants + 1 and
    /// 0 points if they have none yet).
    pub me: Option<BoardEntry>,
    /// Up to three entries above the caller, the caller, up to three below (empty when
    /// `me` is absent).
    pub neighbours: Vec<BoardEntry>,
    /// Names outside the top 10 are shown as initials.
    pub initials_only: bool,
}

/// A branch or youth group on a group leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupEntry {
    /// Ties (an equal exact value of the measure) share a rank.
    pub rank: i64,
    pub group_id: i64,
    pub name: String,
    /// The measure: percent (0–100, one decimal) for participation and completion,
    /// points per member (two decimals) for average.
    pub value: f64,
    /// Points of the group in the period.
    pub points: i64,
    /// Active accounts in the group now.
    pub members: i64,
    /// Members with points in the period.
    pub active_members: i64,
    /// Module completions in the period (of modules assigned to the group).
    pub completions: i64,
    /// Members × modules assigned to the group.
    pub assignments: i64,
    pub is_mine: bool,
}

/// `GET /api/v1/leaderboards/groups`.
///
/// Order: the measure descending; within a tie, the group created first (lower id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupBoard {
    pub kind: GroupKind,
    pub period: Period,
    pub period_key: String,
    /// The measure shown (the page says which).
    pub measure: Measure,
    /// True when `measure` is the organization's default (not chosen in the query).
    pub default_measure: bool,
    pub group_count: i64,
    pub top: Vec<GroupEntry>,
    /// The caller's own branch or youth group, if any.
    pub mine: Option<GroupEntry>,
    /// Up to three groups above the caller's, it, up to three below.
    pub neighbours: Vec<GroupEntry>,
}

/// One points rule: points per unit and the daily cap of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsRule {
    pub source: PointsSource,
    /// Per unit (see [`TodayTask::points_per_unit`]); for the challenge the most one run earns.
    pub points: i64,
    /// Most points from this source in one day (0 turns the source off).
    pub daily_cap: i64,
}

/// Organization settings of points and leaderboards (`GET/PUT /api/v1/settings/points`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsSettings {
    /// The measure group leaderboards show unless the page asks for another.
    pub default_measure: Measure,
    /// Show names outside the top 10 as initials only.
    pub initials_only: bool,
    pub weekly_goal_kind: WeeklyGoalKind,
    /// Points (1..=1000) or active days (1..=7) per week.
    pub weekly_goal_target: i64,
}
