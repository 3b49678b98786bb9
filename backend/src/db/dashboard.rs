//! Queries of the completion dashboard. They read the read models of migration 0011
//! (`item_progress`, `answer_stats`, kept by triggers) and the accounts, never lessons or
//! attempts, so a dashboard over 100,000 members is a few GROUP BYs. Audience and scope
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
    let modules: Vec<(i64, String, Option<i64>, String)> =
        sqlx::query_as("SELECT id, title, due_at, audience FROM modules ORDER BY position, id")
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
        .map(|(id, title, due_at, audience)| ItemRow {
            kind: "module",
            id,
            title,
            module_id: None,
            due_at,
            all: audience == "all",
            branch_ids: links(&mb, id),
            youth_group_ids: links(&mg, id),
            required: false,
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
        });
    }
    Ok(out)
}

/// Prepares a transaction for the dashboard's scans: on PostgreSQL without JIT, whose
/// compilation costs more (~100 ms) than it saves on a scan of a few million rows.
pub async fn prepare_scan(conn: &mut AnyConnection, kind: DbKind) -> sqlx::Result<()> {
    if kind == DbKind::Postgres {
        sqlx::query("SET LOCAL jit = off").execute(conn).await?;
    }
    Ok(())
}

/// SQL condition on `item_progress` rows: one of `items` (which are few).
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

/// Progress figures of one item among the members of one (branch, youth group) pair.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Bucket {
    pub kind: String,
    pub item_id: i64,
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    pub started: i64,
    pub completed: i64,
    /// Members whose latest graded submission is in the period, and their best scores.
    pub scored: i64,
    pub score_milli_sum: i64,
}

/// Progress of counted members (active, not admins) on `items` in `[from, to)`, per item
/// and pair. Rows whose last activity is before `from` cannot count (completions and
/// submissions are activity), so they are skipped; grouping by the raw columns lets both
/// databases read `item_progress_units` in order instead of sorting two million rows.
pub async fn buckets(
    conn: &mut AnyConnection,
    items: &str,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<Bucket>> {
    sqlx::query_as(&format!(
        "SELECT kind, item_id, branch_id, youth_group_id, \
           CAST(COUNT(*) AS BIGINT) AS started, \
           CAST(SUM(CASE WHEN completed_at >= $1 AND completed_at < $2 THEN 1 ELSE 0 END) AS BIGINT) AS completed, \
           CAST(SUM(CASE WHEN last_submitted_at >= $1 AND last_submitted_at < $2 THEN 1 ELSE 0 END) AS BIGINT) AS scored, \
           CAST(SUM(CASE WHEN last_submitted_at >= $1 AND last_submitted_at < $2 \
             THEN best_score_milli ELSE 0 END) AS BIGINT) AS score_milli_sum \
         FROM item_progress \
         WHERE active = 1 AND last_active_at >= $1 AND started_at < $2 AND {items} AND {scope} \
         GROUP BY kind, item_id, branch_id, youth_group_id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Completions in `[from, to)` per Asia/Shanghai day (days since 1970-01-01). `audience`
/// is a condition keeping only items assigned to the row's member.
pub async fn completions_per_day(
    conn: &mut AnyConnection,
    audience: &str,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT (completed_at + 28800000) / 86400000 AS day, COUNT(*) FROM item_progress \
         WHERE completed_at >= $1 AND completed_at < $2 AND active = 1 AND {audience} AND {scope} \
         GROUP BY (completed_at + 28800000) / 86400000 ORDER BY day"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// SQL condition on `item_progress` rows: the item is assigned to the row's member.
pub fn audience_sql(items: &[ItemRow]) -> String {
    let mut all_modules = vec![];
    let mut all_quizzes = vec![];
    let mut parts = vec![];
    for i in items {
        if i.all {
            if i.kind == "module" {
                all_modules.push(i.id);
            } else {
                all_quizzes.push(i.id);
            }
        } else {
            parts.push(format!(
                "(kind = '{}' AND item_id = {} AND (branch_id IN ({}) OR youth_group_id IN ({})))",
                i.kind,
                i.id,
                id_list(&i.branch_ids),
                id_list(&i.youth_group_ids)
            ));
        }
    }
    parts.push(format!(
        "(kind = 'module' AND item_id IN ({}))",
        id_list(&all_modules)
    ));
    parts.push(format!(
        "(kind = 'quiz' AND item_id IN ({}))",
        id_list(&all_quizzes)
    ));
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

/// Answers and correct answers per branch and category over days `[first, last]`: whole
/// weeks from `answer_stats_weekly`, the days of partial weeks at either end from
/// `answer_stats`, so a year reads about 60 rows per branch and category, not 366.
pub async fn heat(
    conn: &mut AnyConnection,
    branch_scope: Option<&[i64]>,
    first_day: i64,
    last_day: i64,
) -> sqlx::Result<Vec<(i64, i64, i64, i64)>> {
    let scope = match branch_scope {
        None => "1 = 1".to_string(),
        Some(b) => format!("branch_id IN ({})", id_list(b)),
    };
    // Week w (Monday-based) covers days 7w - 3 ..= 7w + 3.
    let first_week = (first_day + 3 + 6).div_euclid(7);
    let last_week = (last_day + 3 + 1).div_euclid(7) - 1;
    let (weeks, days) = if first_week <= last_week {
        (
            (first_week, last_week),
            [
                (first_day, 7 * first_week - 4),
                (7 * last_week + 4, last_day),
            ],
        )
    } else {
        ((1, 0), [(first_day, last_day), (1, 0)])
    };
    sqlx::query_as(&format!(
        "SELECT branch_id, category_id, CAST(SUM(answered) AS BIGINT),            CAST(SUM(correct) AS BIGINT) FROM (            SELECT branch_id, category_id, answered, correct FROM answer_stats_weekly              WHERE week >= $1 AND week <= $2 AND branch_id <> 0 AND {scope}            UNION ALL            SELECT branch_id, category_id, answered, correct FROM answer_stats              WHERE ((day >= $3 AND day <= $4) OR (day >= $5 AND day <= $6))                AND branch_id <> 0 AND {scope}) x          GROUP BY branch_id, category_id"
    ))
    .bind(weeks.0)
    .bind(weeks.1)
    .bind(days[0].0)
    .bind(days[0].1)
    .bind(days[1].0)
    .bind(days[1].1)
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
