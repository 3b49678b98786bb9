//! The completion dashboard (完成率看板): per assigned module and quiz, and per branch, youth
//! group and organization, how many members it is assigned to, started, completed, the
//! completion rate and the average score over a period; a unit's members with what they
//! have and have not completed; completion over time; correctness by category and branch.
//! The counting rules are documented on `shared::api::dashboard`.
//!
//! Scope is explicit: admins see the organization; organizers their own branches and youth
//! groups (the "organization" figures are then everyone in that scope), and any other unit
//! reads as not found; members are refused. Figures are folded here from per-(branch,
//! youth group) counts, so audience and scope rules are applied in one place, exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use shared::api::dashboard::{
    percent, CompletionStats, Dashboard, HeatCell, Heatmap, ItemCompletion, ItemKey, ItemKind,
    ItemRef, MemberProgress, Named, NonCompleter, NonCompleters, PeriodQuery, Timeline,
    TimelinePoint, TimelineQuery, UnitKind, UnitMembers, UnitNonCompleters, UnitStats,
};
use shared::calendar;
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::dashboard::{self as q, ItemRow};
use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult};

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Most buckets of a timeline: a year of days, five years of weeks.
pub const MAX_DAYS: i64 = 366;
pub const MAX_WEEKS: i64 = 260;

/// Whose figures a caller sees.
#[derive(Debug, Clone)]
pub struct ViewScope {
    /// The whole organization (admins).
    pub all: bool,
    pub branch_ids: Vec<i64>,
    pub youth_group_ids: Vec<i64>,
}

impl ViewScope {
    /// Admins see everything, organizers their units; members are refused.
    pub fn of(user: &SessionUser) -> AppResult<ViewScope> {
        user.require_staff()?;
        Ok(ViewScope {
            all: user.is_admin(),
            branch_ids: user.scope.branch_ids.clone(),
            youth_group_ids: user.scope.youth_group_ids.clone(),
        })
    }

    pub fn shows_branch(&self, b: i64) -> bool {
        b != 0 && (self.all || self.branch_ids.contains(&b))
    }

    fn shows_group(&self, g: i64) -> bool {
        g != 0 && (self.all || self.youth_group_ids.contains(&g))
    }

    fn sql(&self) -> String {
        if self.all {
            q::scope_sql(None)
        } else {
            q::scope_sql(Some((&self.branch_ids, &self.youth_group_ids)))
        }
    }

    /// Whether the unit is the caller's to see; others read as not found.
    pub fn check_unit(&self, unit: UnitKind, id: i64) -> AppResult<()> {
        let ok = match unit {
            UnitKind::Branch => self.shows_branch(id),
            UnitKind::YouthGroup => self.shows_group(id),
        };
        if ok {
            Ok(())
        } else {
            Err(AppError::NotFound(unit_label(unit)))
        }
    }
}

fn unit_label(unit: UnitKind) -> &'static str {
    match unit {
        UnitKind::Branch => "党支部",
        UnitKind::YouthGroup => "青年理论学习小组",
    }
}

fn unit_db(unit: UnitKind) -> &'static str {
    match unit {
        UnitKind::Branch => "branch",
        UnitKind::YouthGroup => "youth_group",
    }
}

/// The earliest moment a period may name: 1970-01-01 00:00 UTC (nothing is older).
pub const EARLIEST_MS: i64 = 0;
/// The latest: 10000-01-01 00:00 in Asia/Shanghai, so every day of a period has a
/// four-digit year and day arithmetic on it stays far from overflowing.
pub const LATEST_MS: i64 = 253_402_272_000_000;
/// The longest period, 200 years: more than any report needs (the default, "from the
/// beginning", is 1970 to now), short enough that a typo is told rather than answered.
pub const MAX_SPAN_DAYS: i64 = 73_050;
/// The stable code of every refused period.
pub const INVALID_PERIOD: &str = "invalid_period";

fn bad_period(message: impl Into<String>) -> AppError {
    AppError::bad_request(INVALID_PERIOD, message)
}

/// One end of a period as asked (`field` names it): within [`EARLIEST_MS`, `LATEST_MS`].
pub fn check_bound(field: &str, ms: i64) -> AppResult<()> {
    if !(EARLIEST_MS..=LATEST_MS).contains(&ms) {
        return Err(bad_period(format!(
            "时间参数 {field} 超出范围：应在1970年1月1日至9999年12月31日之间（Unix 毫秒）"
        )));
    }
    Ok(())
}

/// A period `[from, to)` as asked, checked before any arithmetic on it: both ends in range,
/// `from` before `to`, and at most [`MAX_SPAN_DAYS`] long. Every refusal is `400
/// invalid_period`, never a panic or a 500.
pub fn check_period(from: i64, to: i64) -> AppResult<()> {
    check_bound("from", from)?;
    check_bound("to", to)?;
    if to <= from {
        return Err(bad_period("结束时间（to）须晚于开始时间（from）"));
    }
    if to - from > MAX_SPAN_DAYS * DAY_MS {
        return Err(bad_period("时间范围过长：一次最多统计200年"));
    }
    Ok(())
}

/// The period `[from, to)` in whole local days, as the counts are kept per day: from the
/// start of `from`'s day (default: the beginning) to the end of the day before `to`
/// (default: now, so today counts whole). Refused as in [`check_period`].
pub fn period(from: Option<i64>, to: Option<i64>, now: i64) -> AppResult<(i64, i64)> {
    let from = from.unwrap_or(EARLIEST_MS);
    let to = to.unwrap_or(now);
    check_period(from, to)?;
    let start = |day: i64| day * DAY_MS - calendar::OFFSET_MS;
    Ok((
        start(calendar::local_day(from)).max(EARLIEST_MS),
        start(calendar::local_day(to - 1) + 1),
    ))
}

// issue 17 reports
/// The period of a query: its named `period` (`shared::period`) when given, else `from` /
/// `to` as [`period`] reads them. A named period that does not read, or one given beside
/// `from`/`to`, is `422 invalid_period` with the parser's Chinese message.
pub fn resolve(p: &PeriodQuery, now: i64) -> AppResult<(i64, i64)> {
    let Some(text) = p.period.as_deref() else {
        return period(p.from, p.to, now);
    };
    let refuse = |message: String| AppError::Body {
        status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        code: INVALID_PERIOD,
        message,
    };
    if p.from.is_some() || p.to.is_some() {
        return Err(refuse(
            "请只给出统计周期（period）或起止时间（from、to）中的一种".into(),
        ));
    }
    let named = shared::period::Period::parse(text).map_err(|e| refuse(e.0))?;
    Ok(named.bounds())
}

/// The local days `[first, end)` of a period from `period`.
fn days_of(from: i64, to: i64) -> (i64, i64) {
    (calendar::local_day(from), calendar::local_day(to - 1) + 1)
}

/// Counts summed over members (or member × item pairs).
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    assigned: i64,
    started: i64,
    completed: i64,
    scored: i64,
    score_milli_sum: i64,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.assigned += o.assigned;
        self.started += o.started;
        self.completed += o.completed;
        self.scored += o.scored;
        self.score_milli_sum += o.score_milli_sum;
    }

    fn stats(&self) -> CompletionStats {
        CompletionStats {
            assigned: self.assigned,
            started: self.started,
            completed: self.completed,
            completion_rate: percent(self.completed, self.assigned),
            average_score: (self.scored > 0)
                .then(|| percent(self.score_milli_sum, self.scored * 1000)),
        }
    }
}

/// One item's counts: in total and per branch and youth group.
#[derive(Debug, Default, Clone)]
struct ItemAcc {
    total: Acc,
    branches: BTreeMap<i64, Acc>,
    groups: BTreeMap<i64, Acc>,
}

impl ItemAcc {
    /// Adds counts of members in branch `b` and youth group `g` (both within scope).
    fn add(&mut self, scope: &ViewScope, b: i64, g: i64, a: &Acc) {
        self.total.add(a);
        if scope.shows_branch(b) {
            self.branches.entry(b).or_default().add(a);
        }
        if scope.shows_group(g) {
            self.groups.entry(g).or_default().add(a);
        }
    }
}

/// How an assigned item appears on the wire.
pub(crate) fn item_ref(i: &ItemRow) -> ItemRef {
    ItemRef {
        kind: ItemKind::parse(i.kind).unwrap_or(ItemKind::Module),
        id: i.id,
        title: i.title.clone(),
        module_id: i.module_id,
        due_at: i.due_at,
    }
}

/// Every assigned item's counts for `scope` over `[from, to)` (whole days), folded from
/// per-(item, unit pair) counts. "Started" is begun before the period ends and not completed
/// before it starts: all-time starts less those after the period, less all-time
/// completions before it (all-time completions less those since its start).
async fn fold(
    conn: &mut AnyConnection,
    scope: &ViewScope,
    from: i64,
    to: i64,
) -> AppResult<(Vec<ItemRow>, Vec<ItemAcc>)> {
    let items = q::assigned_items(conn).await?;
    let scope_sql = scope.sql();
    let items_sql = q::items_sql(&items);
    let pairs = q::member_pairs(conn, &scope_sql).await?;
    let (first, end) = days_of(from, to);
    type Key = (String, i64, i64, i64);
    let key = |c: &q::Counts| (c.kind.clone(), c.item_id, c.branch_id, c.youth_group_id);
    // started, completed; then the same after the period.
    let mut cells: HashMap<Key, (Acc, i64, i64)> = HashMap::new();
    for c in q::totals(conn, &items_sql, &scope_sql).await? {
        let cell = cells.entry(key(&c)).or_default();
        cell.0.started += c.started;
        cell.0.started -= c.completed;
    }
    for c in q::counts(conn, &items_sql, &scope_sql, q::Span::new(first, end)).await? {
        let cell = cells.entry(key(&c)).or_default();
        cell.0.started += c.completed;
        cell.0.completed += c.completed;
        cell.0.scored += c.scored;
        cell.0.score_milli_sum += c.score_milli_sum;
    }
    // Nothing has happened after a period that ends today.
    if end <= calendar::local_day(now_ms()) {
        let after = q::Span::new(end, q::FOREVER);
        for c in q::counts(conn, &items_sql, &scope_sql, after).await? {
            let cell = cells.entry(key(&c)).or_default();
            cell.1 += c.started;
            cell.2 += c.completed;
        }
    }
    let index: HashMap<(&str, i64), usize> = items
        .iter()
        .enumerate()
        .map(|(n, i)| ((i.kind, i.id), n))
        .collect();
    let mut accs = vec![ItemAcc::default(); items.len()];
    for (item, acc) in items.iter().zip(accs.iter_mut()) {
        for &(b, g, n) in &pairs {
            if item.assigned_to(b, g) {
                let a = Acc {
                    assigned: n,
                    ..Acc::default()
                };
                acc.add(scope, b, g, &a);
            }
        }
    }
    for ((kind, item_id, b, g), (mut a, started_after, completed_after)) in cells {
        let Some(&n) = index.get(&(kind.as_str(), item_id)) else {
            continue;
        };
        let item = &items[n];
        // Progress of someone no longer in the audience (moved units) does not count.
        if !item.assigned_to(b, g) {
            continue;
        }
        a.started += completed_after - started_after;
        accs[n].add(scope, b, g, &a);
        // A module's average score is that of its required quizzes.
        if item.required {
            if let Some(&m) = item.module_id.and_then(|m| index.get(&("module", m))) {
                let s = Acc {
                    scored: a.scored,
                    score_milli_sum: a.score_milli_sum,
                    ..Acc::default()
                };
                accs[m].add(scope, b, g, &s);
            }
        }
    }
    Ok((items, accs))
}

fn unit_rows(
    accs: &BTreeMap<i64, Acc>,
    names: &HashMap<i64, String>,
    keep: impl Fn(i64) -> bool,
) -> Vec<UnitStats> {
    names_in_order(names)
        .into_iter()
        .filter(|(id, _)| keep(*id))
        .map(|(id, name)| UnitStats {
            unit_id: id,
            name,
            stats: accs.get(&id).copied().unwrap_or_default().stats(),
        })
        .collect()
}

fn names_in_order(names: &HashMap<i64, String>) -> Vec<(i64, String)> {
    let mut v: Vec<(i64, String)> = names.iter().map(|(k, n)| (*k, n.clone())).collect();
    v.sort();
    v
}

async fn names(conn: &mut AnyConnection, kind: &str) -> AppResult<HashMap<i64, String>> {
    Ok(q::unit_names(conn, kind).await?.into_iter().collect())
}

/// The dashboard for `user` over the period.
pub async fn dashboard(db: &Db, user: &SessionUser, p: PeriodQuery) -> AppResult<Dashboard> {
    let scope = ViewScope::of(user)?;
    let (from, to) = resolve(&p, now_ms())?;
    // One read transaction: every figure from the same snapshot.
    let mut conn = db.pool.begin().await?;
    q::prepare_scan(&mut conn, db.kind).await?;
    let (items, accs) = fold(&mut conn, &scope, from, to).await?;
    let branch_names = names(&mut conn, "branch").await?;
    let group_names = names(&mut conn, "youth_group").await?;
    conn.commit().await?;
    let mut total = Acc::default();
    let mut branches: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut groups: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut out = Vec::new();
    for (item, acc) in items.iter().zip(&accs) {
        if !scope.all && acc.total.assigned == 0 {
            continue;
        }
        // Summed over items, scores count once: a module's are its quizzes'.
        let own = |a: &Acc| {
            let mut a = *a;
            if item.kind == "module" {
                a.scored = 0;
                a.score_milli_sum = 0;
            }
            a
        };
        total.add(&own(&acc.total));
        for (b, a) in &acc.branches {
            branches.entry(*b).or_default().add(&own(a));
        }
        for (g, a) in &acc.groups {
            groups.entry(*g).or_default().add(&own(a));
        }
        out.push(ItemCompletion {
            item: item_ref(item),
            total: acc.total.stats(),
            branches: unit_rows(&acc.branches, &branch_names, |b| {
                acc.branches.get(&b).is_some_and(|a| a.assigned > 0)
            }),
            youth_groups: unit_rows(&acc.groups, &group_names, |g| {
                acc.groups.get(&g).is_some_and(|a| a.assigned > 0)
            }),
        });
    }
    Ok(Dashboard {
        from,
        to,
        total: total.stats(),
        branches: unit_rows(&branches, &branch_names, |b| scope.shows_branch(b)),
        youth_groups: unit_rows(&groups, &group_names, |g| scope.shows_group(g)),
        items: out,
    })
}

/// A branch's or youth group's members with what they have and have not completed in the
/// period, their points in it and their latest activity; most unfinished first.
pub async fn unit_members(
    db: &Db,
    user: &SessionUser,
    unit: UnitKind,
    unit_id: i64,
    p: PeriodQuery,
) -> AppResult<UnitMembers> {
    let scope = ViewScope::of(user)?;
    scope.check_unit(unit, unit_id)?;
    let (from, to) = resolve(&p, now_ms())?;
    let kind = unit_db(unit);
    let mut conn = db.pool.acquire().await?;
    let name = names(&mut conn, kind)
        .await?
        .remove(&unit_id)
        .ok_or(AppError::NotFound(unit_label(unit)))?;
    let items = q::assigned_items(&mut conn).await?;
    let members = q::unit_members(&mut conn, kind, unit_id).await?;
    let mut done: HashMap<(i64, &str, i64), i64> = HashMap::new();
    let mut last: HashMap<i64, i64> = HashMap::new();
    let progress = q::unit_progress(&mut conn, kind, unit_id).await?;
    for (uid, k, item, completed_at, last_active) in &progress {
        let kind = if k == "module" { "module" } else { "quiz" };
        if let Some(c) = completed_at {
            done.insert((*uid, kind, *item), *c);
        }
        let l = last.entry(*uid).or_insert(*last_active);
        *l = (*l).max(*last_active);
    }
    let mut points: HashMap<i64, i64> = HashMap::new();
    for (uid, pts, latest) in q::unit_points(&mut conn, kind, unit_id, from, to).await? {
        points.insert(uid, pts);
        let l = last.entry(uid).or_insert(latest);
        *l = (*l).max(latest);
    }
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut rows = Vec::with_capacity(members.len());
    for m in members {
        let mut completed = vec![];
        let mut completed_at = vec![];
        let mut unfinished = vec![];
        for (n, item) in items.iter().enumerate() {
            if !item.assigned_to(m.branch_id, m.youth_group_id) {
                continue;
            }
            used.insert(n);
            let key = ItemKey {
                kind: ItemKind::parse(item.kind).unwrap_or(ItemKind::Module),
                id: item.id,
            };
            match done.get(&(m.id, item.kind, item.id)) {
                Some(c) if *c >= from && *c < to => {
                    completed.push(key);
                    completed_at.push(*c);
                }
                _ => unfinished.push(key),
            }
        }
        rows.push(MemberProgress {
            user_id: m.id,
            username: m.username,
            display_name: m.display_name,
            completed,
            completed_at,
            unfinished,
            points: points.get(&m.id).copied().unwrap_or(0),
            last_activity_at: last.get(&m.id).copied(),
        });
    }
    rows.sort_by(|a, b| {
        b.unfinished
            .len()
            .cmp(&a.unfinished.len())
            .then(a.user_id.cmp(&b.user_id))
    });
    Ok(UnitMembers {
        unit,
        unit_id,
        name,
        from,
        to,
        items: used.into_iter().map(|n| item_ref(&items[n])).collect(),
        members: rows,
    })
}

// issue 17 reports
/// Per branch, then youth group, in the caller's scope: the members who have not completed
/// every item assigned to them in the period, by name (each unit read as its drill-down).
pub async fn non_completers(
    db: &Db,
    user: &SessionUser,
    p: PeriodQuery,
) -> AppResult<NonCompleters> {
    let scope = ViewScope::of(user)?;
    let (from, to) = resolve(&p, now_ms())?;
    let fixed = PeriodQuery {
        from: Some(from),
        to: Some(to),
        period: None,
    };
    let mut units = Vec::new();
    for (unit, kind) in [
        (UnitKind::Branch, "branch"),
        (UnitKind::YouthGroup, "youth_group"),
    ] {
        let mut conn = db.pool.acquire().await?;
        let ids: Vec<i64> = names_in_order(&names(&mut conn, kind).await?)
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| scope.check_unit(unit, *id).is_ok())
            .collect();
        drop(conn);
        for id in ids {
            let u = unit_members(db, user, unit, id, fixed.clone()).await?;
            let title = |k: &ItemKey| {
                u.items
                    .iter()
                    .find(|i| i.kind == k.kind && i.id == k.id)
                    .map(|i| i.title.clone())
                    .unwrap_or_default()
            };
            let assigned = u
                .members
                .iter()
                .filter(|m| !m.completed.is_empty() || !m.unfinished.is_empty())
                .count() as i64;
            let mut list: Vec<NonCompleter> = u
                .members
                .iter()
                .filter(|m| !m.unfinished.is_empty())
                .map(|m| NonCompleter {
                    user_id: m.user_id,
                    username: m.username.clone(),
                    display_name: m.display_name.clone(),
                    unfinished: m.unfinished.iter().map(title).collect(),
                })
                .collect();
            list.sort_by(|a, b| a.username.cmp(&b.username));
            if assigned > 0 {
                units.push(UnitNonCompleters {
                    unit,
                    unit_id: id,
                    name: u.name,
                    members: assigned,
                    non_completers: list,
                });
            }
        }
    }
    Ok(NonCompleters { from, to, units })
}

/// Completions of assigned items per day or week of the period, with the cumulative rate.
/// Without `from`, the timeline covers the year (or 260 weeks) before `to`.
pub async fn timeline(db: &Db, user: &SessionUser, t: TimelineQuery) -> AppResult<Timeline> {
    let scope = ViewScope::of(user)?;
    let bucket = t.bucket.as_deref().unwrap_or("day");
    let (width, max) = match bucket {
        "day" => (1, MAX_DAYS),
        "week" => (7, MAX_WEEKS),
        _ => {
            return Err(AppError::validation(
                "bucket",
                "统计粒度只能是 day（按日）或 week（按周）",
            ))
        }
    };
    if let Some(to) = t.to {
        // Before the default `from` is counted back from it.
        check_bound("to", to)?;
    }
    let to_default = t.to.unwrap_or_else(now_ms);
    let from = t
        .from
        .unwrap_or_else(|| (to_default - (max - 1) * width * DAY_MS).max(EARLIEST_MS));
    let (from, to) = period(Some(from), t.to, now_ms())?;
    // Buckets start on local days (weeks: Mondays); 1970-01-01 was a Thursday.
    let start_of = |day: i64| -> i64 {
        if width == 7 {
            day - (day + 3).rem_euclid(7)
        } else {
            day
        }
    };
    let first = start_of(calendar::local_day(from));
    let last = start_of(calendar::local_day(to - 1));
    let count = (last - first) / width + 1;
    if count > max {
        return Err(bad_period(format!(
            "时间范围过长：按{}统计最多{max}个时间段",
            if width == 7 { "周" } else { "日" }
        )));
    }
    let mut conn = db.pool.begin().await?;
    q::prepare_scan(&mut conn, db.kind).await?;
    let items = q::assigned_items(&mut conn).await?;
    let scope_sql = scope.sql();
    let pairs = q::member_pairs(&mut conn, &scope_sql).await?;
    let assigned: i64 = items
        .iter()
        .map(|i| {
            pairs
                .iter()
                .filter(|(b, g, _)| i.assigned_to(*b, *g))
                .map(|p| p.2)
                .sum::<i64>()
        })
        .sum();
    let (first_day, end) = days_of(from, to);
    let span = if width == 7 {
        q::Span::new(first_day, end)
    } else {
        q::Span::days(first_day, end)
    };
    let per_day = q::completions(&mut conn, &q::audience_sql(&items), &scope_sql, span).await?;
    conn.commit().await?;
    let mut counts = vec![0i64; count as usize];
    for (day, n) in per_day {
        let idx = (start_of(day) - first) / width;
        if let Some(c) = counts.get_mut(idx as usize) {
            *c += n;
        }
    }
    let mut cumulative = 0;
    let points = counts
        .into_iter()
        .enumerate()
        .map(|(i, completed)| {
            let day = first + i as i64 * width;
            cumulative += completed;
            let (y, m, d) = calendar::civil(day);
            TimelinePoint {
                start: day * DAY_MS - calendar::OFFSET_MS,
                label: format!("{y:04}-{m:02}-{d:02}"),
                completed,
                cumulative,
                cumulative_rate: percent(cumulative, assigned),
            }
        })
        .collect();
    Ok(Timeline {
        bucket: bucket.to_string(),
        assigned,
        points,
    })
}

/// Correctness of graded answers per question category and branch over the whole local
/// days the period touches (an organizer: their branches).
pub async fn heatmap(db: &Db, user: &SessionUser, p: PeriodQuery) -> AppResult<Heatmap> {
    let scope = ViewScope::of(user)?;
    let (from, to) = resolve(&p, now_ms())?;
    let mut conn = db.pool.acquire().await?;
    let branch_scope = (!scope.all).then_some(scope.branch_ids.as_slice());
    let (first, end) = days_of(from, to);
    let rows = q::heat(&mut conn, branch_scope, q::Span::new(first, end)).await?;
    let used: BTreeSet<i64> = rows.iter().map(|r| r.1).collect();
    let categories = q::category_names(&mut conn)
        .await?
        .into_iter()
        .filter(|(id, _)| used.contains(id))
        .map(|(id, name)| Named { id, name })
        .collect();
    let branches = names_in_order(&names(&mut conn, "branch").await?)
        .into_iter()
        .filter(|(id, _)| scope.shows_branch(*id))
        .map(|(id, name)| Named { id, name })
        .collect();
    let mut cells: Vec<HeatCell> = rows
        .into_iter()
        .map(|(branch_id, category_id, answered, correct)| HeatCell {
            branch_id,
            category_id,
            answered,
            correct,
            rate: percent(correct, answered),
        })
        .collect();
    cells.sort_by_key(|c| (c.branch_id, c.category_id));
    Ok(Heatmap {
        from,
        to,
        categories,
        branches,
        cells,
    })
}
