//! Points rules (积分规则), pure so both sides agree and tests need no database:
//!
//! - every source has points per unit and a daily cap; an award is cut to what is left of
//!   the cap ([`apply_cap`]);
//! - study time earns per whole [`STUDY_STEP_MINUTES`] minutes of reading credited in a day
//!   ([`study_time_points`]);
//! - a challenge run earns 2 to 6 by its length ([`challenge_points`]);
//! - periods are keyed in Asia/Shanghai ([`period_key`]);
//! - ranks are competition ranks: ties share a rank, the next rank skips ([`ranks`]);
//! - streaks count consecutive local days with study ([`next_streak`], [`shown_streak`]);
//! - names can be shown as initials ([`initials`]).

use crate::api::points::{
    Measure, Period, PointsRule, PointsSettings, PointsSource, WeeklyGoalKind,
};
use crate::calendar;

/// Study time earns its points per this many minutes.
pub const STUDY_STEP_MINUTES: i64 = 4;
/// The same in milliseconds.
pub const STUDY_STEP_MS: i64 = STUDY_STEP_MINUTES * 60 * 1000;
/// Names ranked within this many places are always shown in full.
pub const FULL_NAME_PLACES: i64 = 10;
/// Largest points per unit an admin may set.
pub const MAX_RULE_POINTS: i64 = 100;
/// Largest daily cap an admin may set.
pub const MAX_DAILY_CAP: i64 = 1000;

/// The rules a new organization starts with (close to what members know from national
/// study apps).
pub fn default_rules() -> Vec<PointsRule> {
    use PointsSource::*;
    [
        (SignIn, 1, 1),
        (Lesson, 1, 6),
        (StudyTime, 1, 6),
        (DailyQuiz, 1, 5),
        (WeeklyQuiz, 1, 5),
        (SpecialQuiz, 1, 10),
        (Challenge, 6, 6),
        (Module, 5, 10),
    ]
    .into_iter()
    .map(|(source, points, daily_cap)| PointsRule {
        source,
        points,
        daily_cap,
    })
    .collect()
}

/// The settings a new organization starts with.
pub fn default_settings() -> PointsSettings {
    PointsSettings {
        default_measure: Measure::Participation,
        initials_only: false,
        weekly_goal_kind: WeeklyGoalKind::Points,
        weekly_goal_target: 60,
    }
}

/// What an admin may set for a rule; `Err` names the problem in zh-CN.
pub fn check_rule(rule: &PointsRule) -> Result<(), String> {
    if !(0..=MAX_RULE_POINTS).contains(&rule.points) {
        return Err(format!(
            "“{}”的分值须在 0 到 {MAX_RULE_POINTS} 之间",
            rule.source.label()
        ));
    }
    if !(0..=MAX_DAILY_CAP).contains(&rule.daily_cap) {
        return Err(format!(
            "“{}”的每日上限须在 0 到 {MAX_DAILY_CAP} 之间",
            rule.source.label()
        ));
    }
    Ok(())
}

/// What an admin may set for the settings; `Err` names the problem in zh-CN.
pub fn check_settings(s: &PointsSettings) -> Result<(), String> {
    let max = match s.weekly_goal_kind {
        WeeklyGoalKind::Points => MAX_DAILY_CAP,
        WeeklyGoalKind::ActiveDays => 7,
    };
    if !(1..=max).contains(&s.weekly_goal_target) {
        return Err(format!("每周目标须在 1 到 {max} 之间"));
    }
    Ok(())
}

/// Points actually granted for `requested` when `earned_today` were already earned from
/// the source and its cap is `cap`: never negative, never beyond the cap.
pub fn apply_cap(requested: i64, earned_today: i64, cap: i64) -> i64 {
    requested.min(cap - earned_today).max(0)
}

/// Points due for `study_ms` of reading credited in one day (before the cap).
pub fn study_time_points(study_ms: i64, points_per_step: i64) -> i64 {
    (study_ms.max(0) / STUDY_STEP_MS) * points_per_step
}

/// Points of a challenge run with `run` correct answers in a row: none for an empty run,
/// then 2, plus 1 per further 5 answers (1–4: 2, 5–9: 3, 10–14: 4, 15–19: 5, 20+: 6),
/// never more than `max` (the rule's points).
pub fn challenge_points(run: i64, max: i64) -> i64 {
    if run <= 0 {
        return 0;
    }
    (2 + run / 5).min(6).min(max)
}

/// `M:YYYY-MM` of the local month of `now_ms`.
pub fn month_key(now_ms: i64) -> String {
    let (y, m, _) = calendar::civil(calendar::local_day(now_ms));
    format!("M:{y:04}-{m:02}")
}

/// `Y:YYYY` of the local year of `now_ms`.
pub fn year_key(now_ms: i64) -> String {
    let (y, _, _) = calendar::civil(calendar::local_day(now_ms));
    format!("Y:{y:04}")
}

/// The key under which aggregates of `period` containing `now_ms` are stored:
/// `D:YYYY-MM-DD`, `W:YYYY-MM-DD` (its Monday), `M:YYYY-MM`, `Y:YYYY`, `A`.
pub fn period_key(period: Period, now_ms: i64) -> String {
    match period {
        Period::Day => format!("D:{}", calendar::day_key(now_ms)),
        Period::Week => calendar::week_key(now_ms),
        Period::Month => month_key(now_ms),
        Period::Year => year_key(now_ms),
        Period::All => "A".into(),
    }
}

/// The keys of all five periods containing `now_ms`, in [`Period::ALL`] order.
pub fn period_keys(now_ms: i64) -> [String; 5] {
    Period::ALL.map(|p| period_key(p, now_ms))
}

/// Competition ranks of scores already sorted best first: equal scores share a rank and
/// the next rank skips (100, 90, 90, 80 -> 1, 2, 2, 4).
pub fn ranks<T: PartialEq>(sorted_best_first: &[T]) -> Vec<i64> {
    let mut out = Vec::with_capacity(sorted_best_first.len());
    for (i, s) in sorted_best_first.iter().enumerate() {
        if i > 0 && sorted_best_first[i - 1] == *s {
            out.push(out[i - 1]);
        } else {
            out.push(i as i64 + 1);
        }
    }
    out
}

/// The streak after studying on local day `today`, given the streak so far and the last
/// day studied: same day unchanged, the next day one longer, after a gap a new streak of 1.
pub fn next_streak(current: i64, last_day: Option<i64>, today: i64) -> i64 {
    match last_day {
        Some(d) if d == today => current.max(1),
        Some(d) if d == today - 1 => current + 1,
        Some(d) if d > today => current,
        _ => 1,
    }
}

/// The streak to show on `today`: it survives until a whole day passed without study.
pub fn shown_streak(current: i64, last_day: Option<i64>, today: i64) -> i64 {
    match last_day {
        Some(d) if d >= today - 1 => current,
        _ => 0,
    }
}

/// A name shown as initials: Latin words by their first letters (`Li Ming` -> `L. M.`);
/// a Chinese name keeps its first character (the surname) and masks the rest (`王建国` ->
/// `王**`).
pub fn initials(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return String::new();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let latin = name.chars().all(|c| c.is_ascii() || c.is_whitespace());
    if latin {
        return words
            .iter()
            .filter_map(|w| w.chars().next())
            .map(|c| format!("{}.", c.to_ascii_uppercase()))
            .collect::<Vec<_>>()
            .join(" ");
    }
    let mut chars = name.chars().filter(|c| !c.is_whitespace());
    let first = chars.next().unwrap_or_default();
    let rest = chars.count();
    format!("{first}{}", "*".repeat(rest.max(1)))
}

/// A fraction compared exactly (no floating point), for group measures. A zero
/// denominator counts as zero.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub fn new(num: i64, den: i64) -> Ratio {
        if den <= 0 {
            Ratio { num: 0, den: 1 }
        } else {
            Ratio { num, den }
        }
    }

    /// The value as shown: `scale` 100 for percent; rounded to `decimals`.
    pub fn shown(self, scale: f64, decimals: i32) -> f64 {
        let f = 10f64.powi(decimals);
        (self.num as f64 * scale / self.den as f64 * f).round() / f
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (i128::from(self.num) * i128::from(other.den))
            .cmp(&(i128::from(other.num) * i128::from(self.den)))
    }
}

/// A group's measure from its numbers: participation (active / members), average
/// (points / members) or completion (completions / assignments, at most 1).
pub fn measure_ratio(
    measure: Measure,
    points: i64,
    members: i64,
    active_members: i64,
    completions: i64,
    assignments: i64,
) -> Ratio {
    match measure {
        Measure::Participation => Ratio::new(active_members.min(members), members),
        Measure::Average => Ratio::new(points, members),
        Measure::Completion => Ratio::new(completions.min(assignments), assignments),
    }
}

/// The shown value of a measure (percent for participation and completion).
pub fn measure_value(measure: Measure, r: Ratio) -> f64 {
    match measure {
        Measure::Average => r.shown(1.0, 2),
        Measure::Participation | Measure::Completion => r.shown(100.0, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_cut_awards_and_never_go_negative() {
        assert_eq!(apply_cap(1, 0, 6), 1);
        assert_eq!(apply_cap(5, 4, 6), 2);
        assert_eq!(apply_cap(5, 6, 6), 0);
        assert_eq!(apply_cap(5, 9, 6), 0, "a lowered cap grants nothing more");
        assert_eq!(apply_cap(0, 0, 6), 0);
        assert_eq!(apply_cap(3, 0, 0), 0, "cap 0 turns a source off");
        // Any sequence of awards stays within the cap.
        let mut earned = 0;
        for requested in [3, 1, 4, 1, 5, 9, 2, 6] {
            earned += apply_cap(requested, earned, 10);
            assert!(earned <= 10);
        }
        assert_eq!(earned, 10);
    }

    #[test]
    fn study_time_earns_per_whole_four_minutes() {
        assert_eq!(study_time_points(0, 1), 0);
        assert_eq!(study_time_points(STUDY_STEP_MS - 1, 1), 0);
        assert_eq!(study_time_points(STUDY_STEP_MS, 1), 1);
        assert_eq!(study_time_points(25 * 60 * 1000, 1), 6);
        assert_eq!(study_time_points(8 * 60 * 1000, 2), 4);
        assert_eq!(study_time_points(-5, 1), 0);
    }

    #[test]
    fn challenge_earns_two_to_six_by_run_length() {
        let got: Vec<i64> = [0, 1, 4, 5, 9, 10, 14, 15, 19, 20, 30]
            .iter()
            .map(|r| challenge_points(*r, 6))
            .collect();
        assert_eq!(got, vec![0, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
        assert_eq!(challenge_points(30, 4), 4, "the rule's points bound it");
    }

    #[test]
    fn period_keys_follow_shanghai_calendar() {
        // 2026-01-01 00:30 in Shanghai is 2025-12-31 16:30 UTC.
        let t = 1_767_198_600_000;
        assert_eq!(
            period_keys(t),
            [
                "D:2026-01-01".to_string(),
                "W:2025-12-29".to_string(),
                "M:2026-01".to_string(),
                "Y:2026".to_string(),
                "A".to_string()
            ]
        );
        let before = t - 31 * 60 * 1000;
        assert_eq!(period_key(Period::Year, before), "Y:2025");
        assert_eq!(period_key(Period::Month, before), "M:2025-12");
        assert_eq!(period_key(Period::Day, before), "D:2025-12-31");
    }

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        assert_eq!(ranks(&[100, 90, 90, 80]), vec![1, 2, 2, 4]);
        assert_eq!(ranks(&[5, 5, 5]), vec![1, 1, 1]);
        assert_eq!(ranks::<i64>(&[]), Vec::<i64>::new());
        assert_eq!(ranks(&[3, 2, 1]), vec![1, 2, 3]);
    }

    #[test]
    fn streaks_grow_daily_and_break_after_a_gap() {
        assert_eq!(next_streak(0, None, 100), 1);
        assert_eq!(next_streak(1, Some(100), 100), 1, "same day counts once");
        assert_eq!(next_streak(1, Some(100), 101), 2);
        assert_eq!(next_streak(2, Some(101), 103), 1, "a missed day restarts");
        assert_eq!(
            next_streak(4, Some(105), 104),
            4,
            "a late award never shortens"
        );
        assert_eq!(shown_streak(3, Some(101), 101), 3);
        assert_eq!(shown_streak(3, Some(101), 102), 3, "alive until today ends");
        assert_eq!(shown_streak(3, Some(101), 103), 0);
        assert_eq!(shown_streak(0, None, 103), 0);
    }

    #[test]
    fn initials_keep_the_surname_or_first_letters() {
        assert_eq!(initials("王建国"), "王**");
        assert_eq!(initials("李明"), "李*");
        assert_eq!(initials("欧阳"), "欧*");
        assert_eq!(initials("王"), "王*", "a one-character name is masked too");
        assert_eq!(initials("Li Ming"), "L. M.");
        assert_eq!(initials(" anna "), "A.");
        assert_eq!(initials(""), "");
        assert_eq!(initials("组织委员 周立新"), "组******");
    }

    #[test]
    fn ratios_compare_exactly() {
        assert_eq!(Ratio::new(1, 3), Ratio::new(2, 6));
        assert!(Ratio::new(2, 3) > Ratio::new(3, 5));
        assert_eq!(Ratio::new(5, 0), Ratio::new(0, 1));
        // A small group is not favoured or punished for its size: 3 of 4 beats 70 of 100.
        let small = measure_ratio(Measure::Participation, 0, 4, 3, 0, 0);
        let big = measure_ratio(Measure::Participation, 0, 100, 70, 0, 0);
        assert!(small > big);
        assert_eq!(measure_value(Measure::Participation, small), 75.0);
        assert_eq!(measure_value(Measure::Average, Ratio::new(10, 3)), 3.33);
        assert_eq!(
            measure_value(
                Measure::Completion,
                measure_ratio(Measure::Completion, 0, 2, 0, 5, 4)
            ),
            100.0,
            "completion never exceeds 100%"
        );
    }

    #[test]
    fn rules_and_settings_are_checked() {
        for r in default_rules() {
            assert!(check_rule(&r).is_ok());
        }
        assert_eq!(default_rules().len(), PointsSource::ALL.len());
        let bad = PointsRule {
            source: PointsSource::Lesson,
            points: -1,
            daily_cap: 6,
        };
        assert!(check_rule(&bad).unwrap_err().contains("课程学习"));
        assert!(check_settings(&default_settings()).is_ok());
        let mut s = default_settings();
        s.weekly_goal_kind = WeeklyGoalKind::ActiveDays;
        s.weekly_goal_target = 8;
        assert!(check_settings(&s).is_err());
    }
}
