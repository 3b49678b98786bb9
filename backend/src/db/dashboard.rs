//! Queries of the completion dashboard. They read the read models of migrations 0011 and
//! 0013 (`item_counts_*` per item, unit pair and day or week; `item_progress` per member for
//! the drill-down; `answer_stats`), kept by triggers, and the accounts — never lessons or
//! attempts — so a dashboard over 100,000 members and a year sums about 50 weeks of counts. Audience and scope
//! rules are applied by the domain (`domain::dashboard`) over (branch, youth group) pairs,
//! which keeps them exact without repeating them in SQL.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::{id_list, DbKind};

/// Quizzes that are assignments rather than everyday practice: required, special or exams,
/// published or closed (never drafts).
const ASSIGNED_QUIZ: &str = "(q.required = 1 OR q.kind IN ('special', 'exam')) \
     AND q.status <> 'draft' AND (q.slug IS NULL OR q.slug <> 'mistake-practice')";

/// A module or assigned quiz and who it is addressed to.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub kind: &'static str,
    pub id: i64,
    pub title: String,
    pub module_id: Option<i64>,
    pub due_at: Option<i64>,
    /// Addressed to the whole organization.
    pub all: bool,
    pub branch_ids: Vec<i64>,
    pub youth_group_ids: Vec<i64>,
    /// A quiz required for its module (its scores are the module's average score).
    pub required: bool,
    /// Required work for its members: modules assigned as required (every shipped one), and
    /// quizzes marked required (必答).
    pub must_do: bool,
}

impl ItemRow {
    /// Whether a member in branch `b` and youth group `g` (0: none) is in the audience.
    pub fn assigned_to(&self, b: i64, g: i64) -> bool {
        self.all || self.branch_ids.contains(&b) || (g != 0 && self.youth_group_ids.contains(&g))
    }
}

/// id, title, module, closes_at, required, audience.
type QuizLine = (i64, String, Option<i64>, Option<i64>, i64, String);

/// Every module and assigned quiz, in the order the study pages show them. A quiz addressed
/// to units (the quiz builder's audience) reaches those; otherwise a quiz of a module is
/// addressed to the module's audience, one of its own to everyone.
pub async fn assigned_items(conn: &mut AnyConnection) -> sqlx::Result<Vec<ItemRow>> {
    let modules: Vec<(i64, String, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT id, title, due_at, audience, required FROM modules ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mb: Vec<(i64, i64)> = sqlx::query_as("SELECT module_id, branch_id FROM module_branches")
        .fetch_all(&mut *conn)
        .await?;
    let mg: Vec<(i64, i64)> =
        sqlx::query_as("SELECT module_id, youth_group_id FROM module_youth_groups")
            .fetch_all(&mut *conn)
            .await?;
    let quizzes: Vec<QuizLine> = sqlx::query_as(&format!(
        "SELECT q.id, q.title, q.module_id, q.closes_at, q.required, q.audience FROM quizzes q \
         WHERE {ASSIGNED_QUIZ} ORDER BY q.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let qb: Vec<(i64, i64)> = sqlx::query_as("SELECT quiz_id, branch_id FROM quiz_branches")
        .fetch_all(&mut *conn)
        .await?;
    let qg: Vec<(i64, i64)> =
        sqlx::query_as("SELECT quiz_id, youth_group_id FROM quiz_youth_groups")
            .fetch_all(&mut *conn)
            .await?;
    let links = |pairs: &[(i64, i64)], id: i64| -> Vec<i64> {
        pairs.iter().filter(|p| p.0 == id).map(|p| p.1).collect()
    };
    let mut out: Vec<ItemRow> = modules
        .into_iter()
        .map(|(id, title, due_at, audience, required)| ItemRow {
            kind: "module",
            id,
            title,
            module_id: None,
            due_at,
            all: audience == "all",
            branch_ids: links(&mb, id),
            youth_group_ids: links(&mg, id),
            required: false,
            // Shipped modules are required; an authored one as its assignment says.
            must_do: required == 1,
        })
        .collect();
    let audience: HashMap<i64, (bool, Vec<i64>, Vec<i64>)> = out
        .iter()
        .map(|m| {
            (
                m.id,
                (m.all, m.branch_ids.clone(), m.youth_group_ids.clone()),
            )
        })
        .collect();
    for (id, title, module_id, closes_at, required, quiz_audience) in quizzes {
        // A quiz addressed to units reaches those; one for everyone follows its module.
        let (all, branch_ids, youth_group_ids) = if quiz_audience == "units" {
            (false, links(&qb, id), links(&qg, id))
        } else {
            match module_id.and_then(|m| audience.get(&m)) {
                Some(a) => a.clone(),
                None => (true, vec![], vec![]),
            }
        };
        out.push(ItemRow {
            kind: "quiz",
            id,
            title,
            module_id,
            due_at: closes_at,
            all,
            branch_ids,
            youth_group_ids,
            required: required == 1 && module_id.is_some(),
            must_do: required == 1,
        });
    }
    Ok(out)
}

/// Prepares a transaction for the dashboard's reads on PostgreSQL: without JIT, whose
/// compilation costs more (~100 ms) than it saves on these aggregates; with room to hash a
/// year of weekly counts in memory (with the default 4 MB it sorts them on disk, twice as
/// slow); and planned for the period at hand each time — a generic plan, which PostgreSQL
/// switches to after five runs of a statement, cannot tell a week from a year and doubles
/// the time of either.
pub async fn prepare_scan(conn: &mut AnyConnection, kind: DbKind) -> sqlx::Result<()> {
    if kind == DbKind::Postgres {
        for set in [
            "SET LOCAL jit = off",
            "SET LOCAL work_mem = '64MB'",
            "SET LOCAL plan_cache_mode = force_custom_plan",
        ] {
            sqlx::query(set).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// SQL condition on count rows: one of `items` (which are few).
pub fn items_sql(items: &[ItemRow]) -> String {
    let ids = |kind: &str| -> Vec<i64> {
        items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.id)
            .collect()
    };
    format!(
        "((kind = 'module' AND item_id IN ({})) OR (kind = 'quiz' AND item_id IN ({})))",
        id_list(&ids("module")),
        id_list(&ids("quiz"))
    )
}

/// SQL condition on rows with `branch_id` / `youth_group_id` columns: within an
/// organizer's units (`None`: everything).
pub fn scope_sql(scope: Option<(&[i64], &[i64])>) -> String {
    match scope {
        None => "1 = 1".into(),
        Some((b, g)) => format!(
            "(branch_id IN ({}) OR youth_group_id IN ({}))",
            id_list(b),
            id_list(g)
        ),
    }
}

/// Active members (not admins) per (branch, youth group) pair, 0 for none.
pub async fn member_pairs(
    conn: &mut AnyConnection,
    scope: &str,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT COALESCE(branch_id, 0), COALESCE(youth_group_id, 0), COUNT(*) FROM users \
         WHERE active = 1 AND role <> 'admin' AND {scope} \
         GROUP BY COALESCE(branch_id, 0), COALESCE(youth_group_id, 0)"
    ))
    .fetch_all(conn)
    .await
}

/// A day number beyond any activity: `[day, FOREVER)` is "from that day on".
pub const FOREVER: i64 = 1 << 40;

/// Local days `[first, end)` (days since 1970-01-01, Asia/Shanghai) as the whole Monday-based
/// weeks within them (week = (day + 3) / 7) plus the days of the partial weeks at either
/// end, so that a long period reads weekly counts and at most twelve days of daily ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Whole weeks, inclusive; empty when the first is after the last.
    pub weeks: (i64, i64),
    /// The days before the first whole week and after the last, each `[a, b)`.
    pub days: [(i64, i64); 2],
}

impl Span {
    pub fn new(first: i64, end: i64) -> Span {
        // Week w runs from day 7w − 3 (a Monday) to day 7w + 3.
        let first_week = (first + 9).div_euclid(7);
        let last_week = (end + 3).div_euclid(7) - 1;
        if first_week <= last_week {
            Span {
                weeks: (first_week, last_week),
                days: [(first, 7 * first_week - 3), (7 * last_week + 4, end)],
            }
        } else {
            Span::days(first, end)
        }
    }

    /// Every day on its own (daily buckets).
    pub fn days(first: i64, end: i64) -> Span {
        Span {
            weeks: (1, 0),
            days: [(first, end), (end, end)],
        }
    }

    fn has_weeks(&self) -> bool {
        self.weeks.0 <= self.weeks.1
    }

    /// The non-empty day ranges.
    fn day_ranges(&self) -> impl Iterator<Item = (i64, i64)> {
        self.days.into_iter().filter(|(a, b)| a < b)
    }
}

/// Counted members' progress events of one item in one (branch, youth group) pair (0 for
/// none): started, completed and scored (with the sum of those best scores) on days of a
/// span, or over all time (`totals`, which leaves `scored` at 0).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Counts {
    pub kind: String,
    pub item_id: i64,
    pub branch_id: i64,
    pub youth_group_id: i64,
    pub started: i64,
    pub completed: i64,
    pub scored: i64,
    pub score_milli_sum: i64,
}

/// All-time started and completed counts of `items` within `scope`.
pub async fn totals(
    conn: &mut AnyConnection,
    items: &str,
    scope: &str,
) -> sqlx::Result<Vec<Counts>> {
    sqlx::query_as(&format!(
        "SELECT kind, item_id, branch_id, youth_group_id, started, completed, \
           CAST(0 AS BIGINT) AS scored, CAST(0 AS BIGINT) AS score_milli_sum \
         FROM item_counts_total WHERE {items} AND {scope}"
    ))
    .fetch_all(conn)
    .await
}

/// Counts of `items` within `scope` summed over the days of `span`, per item and pair: the
/// whole weeks from `item_counts_weekly` (read in key order, so grouping needs no sort) and
/// the edge days from `item_counts_daily`.
pub async fn counts(
    conn: &mut AnyConnection,
    items: &str,
    scope: &str,
    span: Span,
) -> sqlx::Result<Vec<Counts>> {
    let sums = "CAST(SUM(started) AS BIGINT) AS started, \
        CAST(SUM(completed) AS BIGINT) AS completed, CAST(SUM(scored) AS BIGINT) AS scored, \
        CAST(SUM(score_milli_sum) AS BIGINT) AS score_milli_sum";
    let group = "GROUP BY kind, item_id, branch_id, youth_group_id";
    let mut out: Vec<Counts> = vec![];
    if span.has_weeks() {
        out = sqlx::query_as(&format!(
            "SELECT kind, item_id, branch_id, youth_group_id, {sums} FROM item_counts_weekly \
             WHERE week >= $1 AND week <= $2 AND {items} AND {scope} {group}"
        ))
        .bind(span.weeks.0)
        .bind(span.weeks.1)
        .fetch_all(&mut *conn)
        .await?;
    }
    // One range at a time: an OR of two ranges would not be read through the index.
    for (first, end) in span.day_ranges() {
        let days: Vec<Counts> = sqlx::query_as(&format!(
            "SELECT kind, item_id, branch_id, youth_group_id, {sums} FROM item_counts_daily \
             WHERE day >= $1 AND day < $2 AND {items} AND {scope} {group}"
        ))
        .bind(first)
        .bind(end)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(days);
    }
    Ok(out)
}

/// Completions of the days of `span` per day (the first day of each whole week for weekly
/// counts). `audience` is a condition keeping only items assigned to the row's members.
pub async fn completions(
    conn: &mut AnyConnection,
    audience: &str,
    scope: &str,
    span: Span,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let mut out: Vec<(i64, i64)> = vec![];
    if span.has_weeks() {
        out = sqlx::query_as(&format!(
            "SELECT week * 7 - 3, CAST(SUM(completed) AS BIGINT) FROM item_counts_weekly \
             WHERE week >= $1 AND week <= $2 AND completed <> 0 AND {audience} AND {scope} \
             GROUP BY week"
        ))
        .bind(span.weeks.0)
        .bind(span.weeks.1)
        .fetch_all(&mut *conn)
        .await?;
    }
    for (first, end) in span.day_ranges() {
        let days: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT day, CAST(SUM(completed) AS BIGINT) FROM item_counts_daily \
             WHERE day >= $1 AND day < $2 AND completed <> 0 AND {audience} AND {scope} \
             GROUP BY day"
        ))
        .bind(first)
        .bind(end)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(days);
    }
    Ok(out)
}

/// SQL condition on count rows: the item is assigned to the row's member.
pub fn audience_sql(items: &[ItemRow]) -> String {
    let all = |kind: &str| -> Vec<i64> {
        items
            .iter()
            .filter(|i| i.all && i.kind == kind)
            .map(|i| i.id)
            .collect()
    };
    // Items for everyone first: most rows are theirs and stop at the first test.
    let mut parts = vec![
        format!(
            "(kind = 'module' AND item_id IN ({}))",
            id_list(&all("module"))
        ),
        format!("(kind = 'quiz' AND item_id IN ({}))", id_list(&all("quiz"))),
    ];
    for i in items.iter().filter(|i| !i.all) {
        parts.push(format!(
            "(kind = '{}' AND item_id = {} AND (branch_id IN ({}) OR youth_group_id IN ({})))",
            i.kind,
            i.id,
            id_list(&i.branch_ids),
            id_list(&i.youth_group_ids)
        ));
    }
    format!("({})", parts.join(" OR "))
}

/// A member of a unit, for the drill-down.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub branch_id: i64,
    pub youth_group_id: i64,
}

fn unit_column(kind: &str) -> &'static str {
    if kind == "branch" {
        "branch_id"
    } else {
        "youth_group_id"
    }
}

/// Active members (not admins) of a branch (`kind` = "branch") or youth group.
pub async fn unit_members(
    conn: &mut AnyConnection,
    kind: &str,
    unit_id: i64,
) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(&format!(
        "SELECT id, username, display_name, COALESCE(branch_id, 0) AS branch_id, \
         COALESCE(youth_group_id, 0) AS youth_group_id FROM users \
         WHERE {} = $1 AND active = 1 AND role <> 'admin' ORDER BY id",
        unit_column(kind)
    ))
    .bind(unit_id)
    .fetch_all(conn)
    .await
}

/// (user, kind, item, completed_at, last_active_at) of a unit's members, every item.
pub async fn unit_progress(
    conn: &mut AnyConnection,
    kind: &str,
    unit_id: i64,
) -> sqlx::Result<Vec<(i64, String, i64, Option<i64>, i64)>> {
    sqlx::query_as(&format!(
        "SELECT user_id, kind, item_id, completed_at, last_active_at FROM item_progress \
         WHERE user_id IN (SELECT id FROM users WHERE {} = $1 AND active = 1)",
        unit_column(kind)
    ))
    .bind(unit_id)
    .fetch_all(conn)
    .await
}

/// Per member of a unit: points earned in `[from, to)` and the latest ledger entry.
pub async fn unit_points(
    conn: &mut AnyConnection,
    kind: &str,
    unit_id: i64,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT user_id, CAST(SUM(CASE WHEN created_at >= $2 AND created_at < $3 THEN points \
           ELSE 0 END) AS BIGINT), MAX(created_at) FROM points_ledger \
         WHERE user_id IN (SELECT id FROM users WHERE {} = $1 AND active = 1) GROUP BY user_id",
        unit_column(kind)
    ))
    .bind(unit_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Answers and correct answers per branch and category over the days of `span`: whole
/// weeks from `answer_stats_weekly`, the days of partial weeks at either end from
/// `answer_stats`, so a year reads about 60 rows per branch and category, not 366.
pub async fn heat(
    conn: &mut AnyConnection,
    branch_scope: Option<&[i64]>,
    span: Span,
) -> sqlx::Result<Vec<(i64, i64, i64, i64)>> {
    let scope = match branch_scope {
        None => "1 = 1".to_string(),
        Some(b) => format!("branch_id IN ({})", id_list(b)),
    };
    sqlx::query_as(&format!(
        "SELECT branch_id, category_id, CAST(SUM(answered) AS BIGINT), \
           CAST(SUM(correct) AS BIGINT) FROM ( \
           SELECT branch_id, category_id, answered, correct FROM answer_stats_weekly \
             WHERE week >= $5 AND week <= $6 AND branch_id <> 0 AND {scope} \
           UNION ALL \
           SELECT branch_id, category_id, answered, correct FROM answer_stats \
             WHERE ((day >= $1 AND day < $2) OR (day >= $3 AND day < $4)) \
               AND branch_id <> 0 AND {scope}) x \
         GROUP BY branch_id, category_id"
    ))
    .bind(span.days[0].0)
    .bind(span.days[0].1)
    .bind(span.days[1].0)
    .bind(span.days[1].1)
    .bind(span.weeks.0)
    .bind(span.weeks.1)
    .fetch_all(conn)
    .await
}

/// Names of question categories.
pub async fn category_names(conn: &mut AnyConnection) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM question_categories ORDER BY id")
        .fetch_all(conn)
        .await
}

/// (id, name) of every branch (`branches`) or youth group (`youth_groups`), in creation order.
pub async fn unit_names(conn: &mut AnyConnection, kind: &str) -> sqlx::Result<Vec<(i64, String)>> {
    let table = if kind == "branch" {
        "branches"
    } else {
        "youth_groups"
    };
    sqlx::query_as(&format!("SELECT id, name FROM {table} ORDER BY id"))
        .fetch_all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Day 20514 is Monday 2026-03-02; its week is (20514 + 3) / 7 = 2931.
    const MONDAY: i64 = 20_514;

    #[test]
    fn spans_split_into_whole_weeks_and_edge_days() {
        // Wednesday to the Tuesday two weeks later (exclusive): one whole week in between.
        let s = Span::new(MONDAY + 2, MONDAY + 15);
        assert_eq!(s.weeks, (2932, 2932));
        assert_eq!(
            s.days,
            [(MONDAY + 2, MONDAY + 7), (MONDAY + 14, MONDAY + 15)]
        );
        // Whole weeks only: the edge ranges are empty.
        let s = Span::new(MONDAY, MONDAY + 14);
        assert_eq!(s.weeks, (2931, 2932));
        assert_eq!(s.days, [(MONDAY, MONDAY), (MONDAY + 14, MONDAY + 14)]);
        // Less than a whole week: days only.
        assert_eq!(
            Span::new(MONDAY + 1, MONDAY + 7),
            Span::days(MONDAY + 1, MONDAY + 7)
        );
        assert!(!Span::new(MONDAY + 1, MONDAY + 7).has_weeks());
        // From a day on: every later week.
        let s = Span::new(MONDAY + 3, FOREVER);
        assert_eq!(s.weeks.0, 2932);
        assert_eq!(s.days[0], (MONDAY + 3, MONDAY + 7));
        // Every day is covered exactly once.
        for (first, end) in [
            (MONDAY - 9, MONDAY + 40),
            (MONDAY + 5, MONDAY + 6),
            (3, 400),
        ] {
            let s = Span::new(first, end);
            for day in first - 10..end + 10 {
                let in_weeks = s.has_weeks() && (s.weeks.0..=s.weeks.1).contains(&((day + 3) / 7));
                let in_days = s
                    .days
                    .iter()
                    .filter(|(a, b)| (*a..*b).contains(&day))
                    .count();
                let expected = usize::from((first..end).contains(&day));
                assert_eq!(
                    usize::from(in_weeks) + in_days,
                    expected,
                    "day {day} of {first}..{end}"
                );
            }
        }
    }
}
