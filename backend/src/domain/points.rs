//! Points (积分), streaks, weekly goals and leaderboards (排行榜).
//!
//! **Awards.** [`award`] runs inside the transaction of the event that earned the points
//! (a lesson completed, a quiz submitted, a heartbeat): it first takes the member's streak
//! row (a row lock on PostgreSQL; on SQLite the writer already holds `BEGIN IMMEDIATE`), so
//! concurrent awards of one member queue and each sees the other against the daily cap.
//! It then appends the ledger entry (unique per member, source and reference, so an event
//! is never paid twice) and adds the points to the aggregates in the same transaction:
//! per member and day and source, per member and period, per branch / youth group /
//! organization and period. Totals and leaderboards read only those aggregates.
//!
//! **Signing in for the day** is awarded on the first of: signing in, or opening the app
//! (`GET /api/v1/auth/me`, which the app calls on every start), or `GET /api/v1/points/me`,
//! each day in Asia/Shanghai. It does not count as study for streaks.
//!
//! **Streaks and active days** count local days with study: any source but signing in,
//! whether or not the day's cap was already reached.
//!
//! **Leaderboards.** Individuals are ordered by points (descending), then by who reached
//! the total first, then by user id; ties in points share a rank (1, 2, 2, 4). Groups are
//! ordered by the chosen measure (exact fractions), then by group id; equal values share a
//! rank. Members see the organization board and the boards of their own branch and youth
//! group; organizers also those of the units they look after; admins every board. Group
//! boards (branches or youth groups against each other) are open to every member.

use shared::api::auth::Role;
use shared::api::points::{
    BoardEntry, BoardScope, GroupBoard, GroupBoardQuery, GroupEntry, GroupKind, IndividualBoard,
    IndividualBoardQuery, LedgerEntry, LedgerPage, LedgerQuery, Measure, MyPoints, Period,
    PointsRule, PointsSettings, PointsSource, PointsTotals, Streak, TodayTask, WeeklyGoal,
    WeeklyGoalKind,
};
use shared::calendar;
use shared::error::codes;
use shared::points as rules;
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::points::{BoardFilter, BoardRow, GroupDelta, Part, Place, SettingsRow};
use crate::db::{self, now_ms, Db, DbKind, Tx};
use crate::error::{AppError, AppResult};

/// Who earns: a member with the units their points also count for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earner {
    pub id: i64,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
}

impl From<&SessionUser> for Earner {
    fn from(u: &SessionUser) -> Self {
        Earner {
            id: u.id,
            branch_id: u.branch_id,
            youth_group_id: u.youth_group_id,
        }
    }
}

impl Earner {
    /// Loads the member's current units.
    pub async fn load(conn: &mut AnyConnection, user_id: i64) -> AppResult<Earner> {
        let (branch_id, youth_group_id) = db::points::units_of(conn, user_id)
            .await?
            .ok_or(AppError::NotFound("成员"))?;
        Ok(Earner {
            id: user_id,
            branch_id,
            youth_group_id,
        })
    }
}

/// How much an event is worth before the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// This many units (sign-ins, lessons, correct answers, modules) × the rule's points.
    Units(i64),
    /// Units at the quiz's own points each, at most the rule's (organizers set it).
    UnitsAt { units: i64, per_unit: i64 },
    /// A challenge run of this many correct answers (see `shared::points::challenge_points`).
    ChallengeRun(i64),
    /// Newly credited study time; points per whole 4 minutes of the day's total.
    StudyMs(i64),
}

/// Awards points for one event inside the caller's transaction (see the module notes);
/// returns the points granted after the daily cap (0 when capped or already awarded).
pub async fn award(
    conn: &mut AnyConnection,
    who: Earner,
    source: PointsSource,
    amount: Amount,
    reference: &str,
    now: i64,
) -> AppResult<i64> {
    let src = source.as_str();
    let day = calendar::local_day(now);
    let day_key = calendar::day_key(now);
    db::points::lock_member(conn, who.id, source.is_study().then_some(day)).await?;
    let (per_unit, cap) = db::points::rule(conn, src).await?;
    let (earned, units) = db::points::daily(conn, who.id, &day_key, src).await?;
    let (granted, units_added, reference) = match amount {
        Amount::Units(n) => (
            rules::apply_cap(n.max(0) * per_unit, earned, cap),
            1,
            reference.to_string(),
        ),
        Amount::UnitsAt {
            units,
            per_unit: own,
        } => (
            rules::apply_cap(units.max(0) * own.clamp(0, per_unit), earned, cap),
            1,
            reference.to_string(),
        ),
        Amount::ChallengeRun(run) => (
            rules::apply_cap(rules::challenge_points(run, per_unit), earned, cap),
            1,
            reference.to_string(),
        ),
        Amount::StudyMs(ms) => {
            let ms = ms.max(0);
            let due = rules::study_time_points(units + ms, per_unit).min(cap);
            let granted = (due - earned).max(0);
            // One entry per step reached that day: concurrent heartbeats cannot pay it twice.
            (granted, ms, format!("study:{day_key}:{}", earned + granted))
        }
    };
    if granted > 0
        && db::points::insert_ledger(conn, who.id, src, granted, now, &day_key, &reference)
            .await?
            .is_none()
    {
        return Ok(0);
    }
    db::points::add_daily(conn, who.id, &day_key, src, granted, units_added).await?;
    if granted == 0 {
        return Ok(0);
    }
    let periods = rules::period_keys(now);
    let totals = db::points::add_member_totals(
        conn,
        &periods,
        who.id,
        who.branch_id,
        who.youth_group_id,
        granted,
        now,
    )
    .await?;
    let deltas: Vec<GroupDelta> = periods
        .iter()
        .map(|p| GroupDelta {
            period: p.clone(),
            points: granted,
            // The member's first points in the period make them active in it.
            active_members: i64::from(totals.iter().any(|(tp, n)| tp == p && *n == granted)),
            completions: 0,
        })
        .collect();
    add_to_groups(conn, who, &deltas, |_, _| true).await?;
    // After the organization's row (held until commit): these updates queue behind it.
    let moves: Vec<(String, i64, i64)> = totals
        .into_iter()
        .map(|(period, total)| (period, total - granted, total))
        .collect();
    db::points::move_rank_counts(conn, &moves).await?;
    Ok(granted)
}

/// Applies `deltas` to the organization's row and to the member's branch and youth group
/// (those for which `applies(kind, id)`), always in that order so locks are taken in one
/// order by every transaction.
async fn add_to_groups(
    conn: &mut AnyConnection,
    who: Earner,
    deltas: &[GroupDelta],
    applies: impl Fn(&str, i64) -> bool,
) -> AppResult<()> {
    db::points::add_group_totals(conn, "org", 0, deltas).await?;
    if let Some(b) = who.branch_id.filter(|b| applies("branch", *b)) {
        db::points::add_group_totals(conn, "branch", b, deltas).await?;
    }
    if let Some(g) = who.youth_group_id.filter(|g| applies("youth_group", *g)) {
        db::points::add_group_totals(conn, "youth_group", g, deltas).await?;
    }
    Ok(())
}

/// Awards a completed module once, inside the caller's transaction: records the
/// completion (counted for the completion measure of the units the module is assigned
/// to) and the module's points. Returns the points granted.
pub async fn module_completed(
    conn: &mut AnyConnection,
    who: Earner,
    module_id: i64,
    now: i64,
) -> AppResult<i64> {
    // The member's row first, as in every award, so two transactions of one member never
    // wait on each other in opposite orders.
    db::points::lock_member(conn, who.id, None).await?;
    if !db::points::insert_completion(conn, who.id, module_id, now).await? {
        return Ok(0);
    }
    let granted = award(
        conn,
        who,
        PointsSource::Module,
        Amount::Units(1),
        &format!("module:{module_id}"),
        now,
    )
    .await?;
    let mut assigned = Vec::new();
    for (kind, id) in [
        ("branch", who.branch_id),
        ("youth_group", who.youth_group_id),
    ] {
        if let Some(id) = id {
            if db::points::module_assigned_to(conn, module_id, kind, id).await? {
                assigned.push((kind, id));
            }
        }
    }
    let deltas: Vec<GroupDelta> = rules::period_keys(now)
        .into_iter()
        .map(|period| GroupDelta {
            period,
            points: 0,
            active_members: 0,
            completions: 1,
        })
        .collect();
    add_to_groups(conn, who, &deltas, |kind, id| {
        assigned.contains(&(kind, id))
    })
    .await?;
    Ok(granted)
}

/// Checks whether the member has just completed a module (every lesson completed and
/// every required quiz passed) and if so awards it, inside the caller's transaction.
pub async fn check_module(
    conn: &mut AnyConnection,
    who: Earner,
    module_id: i64,
    now: i64,
) -> AppResult<i64> {
    let lessons = db::study::lesson_count(conn, module_id).await?;
    if lessons == 0 || db::study::progress_counts(conn, who.id, module_id).await?.1 < lessons {
        return Ok(0);
    }
    if !db::study::required_quizzes_passed(conn, who.id, module_id).await? {
        return Ok(0);
    }
    module_completed(conn, who, module_id, now).await
}

/// Awards signing in for the day unless already done today; cheap when it was (one read).
pub async fn sign_in(db: &Db, who: Earner, now: i64) -> AppResult<i64> {
    let day_key = calendar::day_key(now);
    let src = PointsSource::SignIn.as_str();
    {
        let mut conn = db.pool.acquire().await?;
        if db::points::daily(&mut conn, who.id, &day_key, src).await? != (0, 0) {
            return Ok(0);
        }
    }
    let mut tx = db.begin_write().await?;
    let granted = award(
        &mut tx,
        who,
        PointsSource::SignIn,
        Amount::Units(1),
        &format!("day:{day_key}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(granted)
}

/// [`sign_in`] in the caller's write transaction (the sign-in's own, so signing in takes one
/// transaction less), inside a savepoint: a failure is logged and undone, never the caller's.
pub async fn sign_in_within(tx: &mut Tx, who: Earner, now: i64) -> AppResult<()> {
    let day_key = calendar::day_key(now);
    let src = PointsSource::SignIn.as_str();
    if db::points::daily(tx, who.id, &day_key, src).await? != (0, 0) {
        return Ok(());
    }
    let mut savepoint = sqlx::Acquire::begin(&mut *tx).await?;
    let reference = format!("day:{day_key}");
    match award(
        &mut savepoint,
        who,
        PointsSource::SignIn,
        Amount::Units(1),
        &reference,
        now,
    )
    .await
    {
        Ok(_) => savepoint.commit().await?,
        Err(e) => {
            tracing::warn!(error = %e, user = who.id, "daily sign-in points not awarded");
            savepoint.rollback().await?;
        }
    }
    Ok(())
}

/// [`sign_in`] for a request that should not fail because of it (logged instead).
pub async fn sign_in_quietly(db: &Db, user: &SessionUser) {
    if user.must_change_password {
        return;
    }
    if let Err(e) = sign_in(db, user.into(), now_ms()).await {
        tracing::warn!(error = %e, user = user.id, "daily sign-in points not awarded");
    }
}

/// One award in a transaction of its own (tests, tools, corrections by code).
pub async fn award_now(
    db: &Db,
    user_id: i64,
    source: PointsSource,
    amount: Amount,
    reference: &str,
    now: i64,
) -> AppResult<i64> {
    let mut tx = db.begin_write().await?;
    let who = Earner::load(&mut tx, user_id).await?;
    let granted = award(&mut tx, who, source, amount, reference, now).await?;
    tx.commit().await?;
    Ok(granted)
}

// ---- rules and settings ----

fn rule_list(rows: Vec<(String, i64, i64)>) -> Vec<PointsRule> {
    let mut out: Vec<PointsRule> = rows
        .into_iter()
        .filter_map(|(s, points, daily_cap)| {
            PointsSource::parse(&s).map(|source| PointsRule {
                source,
                points,
                daily_cap,
            })
        })
        .collect();
    out.sort_by_key(|r| PointsSource::ALL.iter().position(|s| *s == r.source));
    out
}

/// The rules (every member may read them: they explain the task list).
pub async fn get_rules(db: &Db) -> AppResult<Vec<PointsRule>> {
    let mut conn = db.pool.acquire().await?;
    Ok(rule_list(db::points::rules(&mut conn).await?))
}

/// Changes some rules (admin); the rest stay. Applies to awards from now on.
pub async fn put_rules(
    db: &Db,
    user: &SessionUser,
    changes: Vec<PointsRule>,
) -> AppResult<Vec<PointsRule>> {
    user.require_admin()?;
    if changes.is_empty() {
        return Err(AppError::bad_request(
            codes::VALIDATION,
            "请至少提交一条积分规则",
        ));
    }
    for r in &changes {
        rules::check_rule(r).map_err(|message| AppError::Validation {
            field: r.source.as_str().to_string(),
            message,
        })?;
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = rule_list(db::points::rules(&mut tx).await?);
    for r in &changes {
        db::points::upsert_rule(&mut tx, r.source.as_str(), r.points, r.daily_cap, now).await?;
    }
    let out = rule_list(db::points::rules(&mut tx).await?);
    if out != before {
        crate::domain::audit::record(
            &mut tx,
            user,
            "update",
            "points_rules",
            None,
            Some(crate::domain::audit::json(&before)),
            Some(crate::domain::audit::json(&out)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}

fn settings_of(row: Option<SettingsRow>) -> PointsSettings {
    let d = rules::default_settings();
    match row {
        Some(r) => PointsSettings {
            default_measure: Measure::parse(&r.default_measure).unwrap_or(d.default_measure),
            initials_only: r.initials_only == 1,
            weekly_goal_kind: WeeklyGoalKind::parse(&r.weekly_goal_kind)
                .unwrap_or(d.weekly_goal_kind),
            weekly_goal_target: r.weekly_goal_target,
        },
        None => d,
    }
}

async fn load_settings(conn: &mut AnyConnection) -> AppResult<PointsSettings> {
    Ok(settings_of(db::points::settings(conn).await?))
}

/// The organization's points settings (admin).
pub async fn get_settings(db: &Db, user: &SessionUser) -> AppResult<PointsSettings> {
    user.require_admin()?;
    let mut conn = db.pool.acquire().await?;
    load_settings(&mut conn).await
}

/// Changes the organization's points settings (admin).
pub async fn put_settings(
    db: &Db,
    user: &SessionUser,
    s: PointsSettings,
) -> AppResult<PointsSettings> {
    user.require_admin()?;
    rules::check_settings(&s).map_err(|message| AppError::Validation {
        field: "weekly_goal_target".into(),
        message,
    })?;
    let mut tx = db.begin_write().await?;
    let before = load_settings(&mut tx).await?;
    db::points::save_settings(
        &mut tx,
        &SettingsRow {
            default_measure: s.default_measure.as_str().into(),
            initials_only: db::flag(s.initials_only),
            weekly_goal_kind: s.weekly_goal_kind.as_str().into(),
            weekly_goal_target: s.weekly_goal_target,
        },
        now_ms(),
    )
    .await?;
    let out = load_settings(&mut tx).await?;
    if out != before {
        crate::domain::audit::record(
            &mut tx,
            user,
            "update",
            "points_settings",
            None,
            Some(crate::domain::audit::json(&before)),
            Some(crate::domain::audit::json(&out)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}

// ---- a member's own points ----

/// The home page's points: today's task list, totals, streak and weekly goal at `now`.
pub async fn my_points(db: &Db, user_id: i64, now: i64) -> AppResult<MyPoints> {
    let mut conn = db.pool.acquire().await?;
    let day_key = calendar::day_key(now);
    let today = calendar::local_day(now);
    let all_rules = rule_list(db::points::rules(&mut conn).await?);
    let earned = db::points::daily_of(&mut conn, user_id, &day_key).await?;
    let tasks = all_rules
        .iter()
        .map(|r| {
            let points = earned
                .iter()
                .find(|(s, _)| s == r.source.as_str())
                .map(|(_, p)| *p)
                .unwrap_or(0);
            TodayTask {
                source: r.source,
                points,
                cap: r.daily_cap,
                points_per_unit: r.points,
                done: points >= r.daily_cap,
            }
        })
        .collect();
    let periods = rules::period_keys(now);
    let rows = db::points::member_totals(&mut conn, user_id, &periods).await?;
    let of = |i: usize| {
        rows.iter()
            .find(|(p, _)| *p == periods[i])
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let totals = PointsTotals {
        day: of(0),
        week: of(1),
        month: of(2),
        year: of(3),
        all: of(4),
    };
    let (current, best, last_day) = db::points::streak(&mut conn, user_id)
        .await?
        .unwrap_or((0, 0, None));
    let streak = Streak {
        current: rules::shown_streak(current, last_day, today),
        best,
        studied_today: last_day == Some(today),
    };
    let settings = load_settings(&mut conn).await?;
    let week = calendar::week_key(now);
    let progress = match settings.weekly_goal_kind {
        WeeklyGoalKind::Points => totals.week,
        WeeklyGoalKind::ActiveDays => {
            // The days of this week up to today.
            let monday = today - (today + 3).rem_euclid(7);
            let days: Vec<String> = (monday..=today)
                .map(|d| calendar::day_key(d * 86_400_000 - calendar::OFFSET_MS))
                .collect();
            db::points::study_days(&mut conn, user_id, &days).await?
        }
    };
    Ok(MyPoints {
        day: day_key,
        tasks,
        totals,
        streak,
        weekly_goal: WeeklyGoal {
            kind: settings.weekly_goal_kind,
            target: settings.weekly_goal_target,
            progress,
            reached: progress >= settings.weekly_goal_target,
            week,
        },
    })
}

/// A member's ledger, newest first: their own, or (staff) one in their scope.
pub async fn ledger(db: &Db, user: &SessionUser, q: LedgerQuery) -> AppResult<LedgerPage> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::Validation {
            field: "limit".into(),
            message: "每页条数须在 1 到 100 之间".into(),
        });
    }
    let mut conn = db.pool.acquire().await?;
    let user_id = match q.user_id {
        None => user.id,
        Some(id) if id == user.id => id,
        Some(id) => {
            user.require_staff()?;
            let (b, g) = db::points::units_of(&mut conn, id)
                .await?
                .ok_or(AppError::NotFound("成员"))?;
            if !user.can_see(id, b, g) {
                return Err(AppError::NotFound("成员"));
            }
            id
        }
    };
    let rows = db::points::ledger_page(&mut conn, user_id, q.before_id, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let entries: Vec<LedgerEntry> = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(|r| {
            PointsSource::parse(&r.source).map(|source| LedgerEntry {
                id: r.id,
                source,
                points: r.points,
                created_at: r.created_at,
                day: r.day_key,
                reference: r.reference,
            })
        })
        .collect();
    Ok(LedgerPage {
        next_before_id: if more {
            entries.last().map(|e| e.id)
        } else {
            None
        },
        entries,
    })
}

// ---- leaderboards ----

fn parse_period(p: Option<&str>) -> AppResult<Period> {
    match p {
        None | Some("") => Ok(Period::Week),
        Some(s) => Period::parse(s).ok_or_else(|| {
            AppError::bad_request(
                codes::BAD_REQUEST,
                "周期须为 day、week、month、year 或 all 之一",
            )
        }),
    }
}

/// Who is looking at a board and what they may see.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: i64,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub scope_branches: Vec<i64>,
    pub scope_youth_groups: Vec<i64>,
}

impl From<&SessionUser> for Viewer {
    fn from(u: &SessionUser) -> Self {
        Viewer {
            id: u.id,
            role: u.role,
            branch_id: u.branch_id,
            youth_group_id: u.youth_group_id,
            scope_branches: u.scope.branch_ids.clone(),
            scope_youth_groups: u.scope.youth_group_ids.clone(),
        }
    }
}

impl Viewer {
    /// Whether this viewer may see the individual board of a unit: their own, an
    /// organizer's units, or any for admins.
    fn may_see(&self, scope: BoardScope, id: i64) -> bool {
        match (self.role, scope) {
            (Role::Admin, _) => true,
            (_, BoardScope::Org) => true,
            (role, BoardScope::Branch) => {
                self.branch_id == Some(id)
                    || (role == Role::Organizer && self.scope_branches.contains(&id))
            }
            (role, BoardScope::YouthGroup) => {
                self.youth_group_id == Some(id)
                    || (role == Role::Organizer && self.scope_youth_groups.contains(&id))
            }
        }
    }
}

/// An individual leaderboard: top 10, the viewer's rank and neighbourhood (see the
/// module notes for order, ties and scope).
pub async fn individual_board(
    db: &Db,
    viewer: &Viewer,
    q: IndividualBoardQuery,
    now: i64,
) -> AppResult<IndividualBoard> {
    let scope = match q.scope.as_deref() {
        None | Some("") => BoardScope::Org,
        Some(s) => BoardScope::parse(s).ok_or_else(|| {
            AppError::bad_request(
                codes::BAD_REQUEST,
                "范围须为 org、branch 或 youth_group 之一",
            )
        })?,
    };
    let period = parse_period(q.period.as_deref())?;
    let (own, what, kind) = match scope {
        BoardScope::Org => (None, "", ""),
        BoardScope::Branch => (viewer.branch_id, "党支部", "branch"),
        BoardScope::YouthGroup => (viewer.youth_group_id, "青年理论学习小组", "youth_group"),
    };
    let filter = match scope {
        BoardScope::Org => BoardFilter::Org,
        _ => {
            let Some(id) = q.unit_id.or(own) else {
                return Err(AppError::bad_request(
                    codes::NO_UNIT,
                    format!("您不属于任何{what}，请选择要查看的{what}"),
                ));
            };
            // Outside the viewer's scope reads as "not found", like a unit that does not exist.
            if !viewer.may_see(scope, id) {
                return Err(AppError::NotFound(what));
            }
            if kind == "branch" {
                BoardFilter::Branch(id)
            } else {
                BoardFilter::YouthGroup(id)
            }
        }
    };
    let period_key = rules::period_key(period, now);
    // PostgreSQL would plan these statements afresh on every call (custom plans), which
    // costs more than running them; within this read-only transaction it reuses one
    // generic plan per connection (their parameters never change the best plan).
    let mut tx = db.pool.begin().await?;
    if db.kind == DbKind::Postgres {
        sqlx::query("SET LOCAL plan_cache_mode = force_generic_plan")
            .execute(&mut *tx)
            .await?;
    }
    let board = board_core(
        &mut tx,
        &period_key,
        filter,
        viewer.id,
        viewer_in(viewer, filter),
    )
    .await?;
    tx.commit().await?;
    if filter != BoardFilter::Org && board.unit_name.is_none() {
        return Err(AppError::NotFound(what));
    }
    let initials_only = board.initials_only;
    let show = |e: BoardCoreEntry| BoardEntry {
        rank: e.rank,
        user_id: e.row.user_id,
        name: if initials_only && !e.is_me && e.rank > rules::FULL_NAME_PLACES {
            rules::initials(&e.row.display_name)
        } else {
            e.row.display_name
        },
        branch_name: e.row.branch_name,
        points: -e.row.rank_key,
        is_me: e.is_me,
    };
    Ok(IndividualBoard {
        scope,
        unit_id: match filter {
            BoardFilter::Org => None,
            BoardFilter::Branch(id) | BoardFilter::YouthGroup(id) => Some(id),
        },
        unit_name: board.unit_name,
        period,
        period_key,
        participants: board.participants,
        top: board.top.into_iter().map(show).collect(),
        me: board.me.map(show),
        neighbours: board.neighbours.into_iter().map(show).collect(),
        initials_only,
    })
}

/// Whether the viewer is a member of the board's members (so has a place on it).
fn viewer_in(viewer: &Viewer, f: BoardFilter) -> bool {
    match f {
        BoardFilter::Org => true,
        BoardFilter::Branch(id) => viewer.branch_id == Some(id),
        BoardFilter::YouthGroup(id) => viewer.youth_group_id == Some(id),
    }
}

/// A board entry before names are decided.
#[derive(Debug, Clone)]
pub struct BoardCoreEntry {
    pub rank: i64,
    pub row: BoardRow,
    pub is_me: bool,
}

/// A board's numbers: what "top 10 + own rank" costs, used by the API and the benchmark.
#[derive(Debug, Clone)]
pub struct BoardCore {
    pub participants: i64,
    pub initials_only: bool,
    /// The unit's name (`None` for the organization, or a unit that does not exist).
    pub unit_name: Option<String>,
    pub top: Vec<BoardCoreEntry>,
    pub me: Option<BoardCoreEntry>,
    pub neighbours: Vec<BoardCoreEntry>,
}

/// Top 10, the viewer's rank and three neighbours either side, from the aggregates only,
/// in two round trips: the viewer (with the members ahead: a sum over the counts per
/// total organization-wide, an index count within a unit) and the board's settings; then
/// the top and the neighbours (index range scans), each neighbour with its members ahead.
pub async fn board_core(
    conn: &mut AnyConnection,
    period_key: &str,
    filter: BoardFilter,
    viewer_id: i64,
    viewer_on_board: bool,
) -> AppResult<BoardCore> {
    let me = db::points::me(conn, period_key, filter, viewer_id)
        .await?
        .ok_or(AppError::NotFound("成员"))?;
    // A row under another unit (the member moved during the period) is not on this board.
    let on_this_board = viewer_on_board
        && match filter {
            BoardFilter::Org => true,
            BoardFilter::Branch(id) => me.branch_id == Some(id),
            BoardFilter::YouthGroup(id) => me.youth_group_id == Some(id),
        };
    let (at, ahead) = match (me.rank_key, me.reached_at, on_this_board) {
        (Some(rank_key), Some(reached_at), true) => (
            Place {
                user_id: viewer_id,
                rank_key,
                reached_at,
            },
            me.ahead,
        ),
        // With no points the viewer comes after everyone who has some.
        _ => (
            Place {
                user_id: viewer_id,
                rank_key: 0,
                reached_at: i64::MAX,
            },
            me.participants,
        ),
    };
    let n = if viewer_on_board { 3 } else { 0 };
    let rows = db::points::rows(
        conn,
        period_key,
        filter,
        rules::FULL_NAME_PLACES,
        at,
        ahead,
        n,
    )
    .await?;
    let mut top_rows = Vec::new();
    let mut above = Vec::new();
    let mut below = Vec::new();
    for (part, row, row_ahead) in rows {
        match part {
            Part::Top => top_rows.push(row),
            Part::Before => above.push(BoardCoreEntry {
                rank: row_ahead + 1,
                row,
                is_me: false,
            }),
            Part::After => below.push(BoardCoreEntry {
                rank: row_ahead + 1,
                row,
                is_me: false,
            }),
        }
    }
    let keys: Vec<i64> = top_rows.iter().map(|r| r.rank_key).collect();
    let top: Vec<BoardCoreEntry> = rules::ranks(&keys)
        .into_iter()
        .zip(top_rows)
        .map(|(rank, row)| BoardCoreEntry {
            rank,
            is_me: row.user_id == viewer_id,
            row,
        })
        .collect();
    if !viewer_on_board {
        return Ok(BoardCore {
            participants: me.participants,
            initials_only: me.initials_only == 1,
            unit_name: me.unit_name,
            top,
            me: None,
            neighbours: vec![],
        });
    }
    let me_entry = BoardCoreEntry {
        rank: ahead + 1,
        row: BoardRow {
            user_id: viewer_id,
            rank_key: at.rank_key,
            reached_at: at.reached_at,
            display_name: me.display_name,
            branch_name: me.branch_name,
        },
        is_me: true,
    };
    let mut neighbours: Vec<BoardCoreEntry> = above.into_iter().rev().collect();
    neighbours.push(me_entry.clone());
    neighbours.extend(below);
    Ok(BoardCore {
        participants: me.participants,
        initials_only: me.initials_only == 1,
        unit_name: me.unit_name,
        top,
        me: Some(me_entry),
        neighbours,
    })
}

/// A group leaderboard: every branch or youth group by the chosen (or default) measure.
pub async fn group_board(
    db: &Db,
    viewer: &Viewer,
    q: GroupBoardQuery,
    now: i64,
) -> AppResult<GroupBoard> {
    let kind = match q.kind.as_deref() {
        None | Some("") => GroupKind::Branch,
        Some(s) => GroupKind::parse(s).ok_or_else(|| {
            AppError::bad_request(codes::BAD_REQUEST, "类别须为 branch 或 youth_group 之一")
        })?,
    };
    let period = parse_period(q.period.as_deref())?;
    let chosen = match q.measure.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Measure::parse(s).ok_or_else(|| {
            AppError::bad_request(
                codes::BAD_REQUEST,
                "衡量方式须为 participation、average 或 completion 之一",
            )
        })?),
    };
    let mut conn = db.pool.acquire().await?;
    let measure = match chosen {
        Some(m) => m,
        None => load_settings(&mut conn).await?.default_measure,
    };
    let period_key = rules::period_key(period, now);
    let mine = match kind {
        GroupKind::Branch => viewer.branch_id,
        GroupKind::YouthGroup => viewer.youth_group_id,
    };
    let rows = db::points::ranked_groups(
        &mut conn,
        kind.as_str(),
        &period_key,
        measure.as_str(),
        mine,
        rules::FULL_NAME_PLACES,
        3,
    )
    .await?;
    let group_count = rows.first().map(|r| r.group_count).unwrap_or(0);
    let my_pos = rows.iter().find(|r| Some(r.id) == mine).map(|r| r.pos);
    let mut top = Vec::new();
    let mut neighbours = Vec::new();
    for r in rows {
        let pos = r.pos;
        let e = group_entry(measure, r, mine);
        if my_pos.is_some_and(|m| (pos - m).abs() <= 3) {
            neighbours.push(e.clone());
        }
        if pos <= rules::FULL_NAME_PLACES {
            top.push(e);
        }
    }
    Ok(GroupBoard {
        kind,
        period,
        period_key,
        measure,
        default_measure: chosen.is_none(),
        group_count,
        mine: neighbours.iter().find(|e| e.is_mine).cloned(),
        top,
        neighbours,
    })
}

/// A group as shown: its measure computed exactly from its numbers.
fn group_entry(measure: Measure, g: db::points::GroupRow, mine: Option<i64>) -> GroupEntry {
    let assignments = g.members * g.modules;
    let ratio = rules::measure_ratio(
        measure,
        g.points,
        g.members,
        g.active_members,
        g.completions,
        assignments,
    );
    GroupEntry {
        rank: g.rnk,
        group_id: g.id,
        name: g.name,
        value: rules::measure_value(measure, ratio),
        points: g.points,
        members: g.members,
        active_members: g.active_members,
        completions: g.completions,
        assignments,
        is_mine: mine == Some(g.id),
    }
}
