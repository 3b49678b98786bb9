//! Queries on points: rules and settings, the append-only ledger, and the aggregates kept
//! with it (per member and day and source; per member and period; per group and period).
//! Writers call these inside one transaction per event (see `domain::points::award`);
//! readers never touch the ledger except to page a member's own entries.

use sqlx::AnyConnection;

/// Which members an individual board ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardFilter {
    Org,
    Branch(i64),
    YouthGroup(i64),
}

impl BoardFilter {
    /// The extra condition on `t` (points_member_totals) with its parameter as `$n`.
    fn sql(self, n: usize) -> String {
        self.sql_on("t", n)
    }

    fn sql_on(self, alias: &str, n: usize) -> String {
        match self {
            BoardFilter::Org => String::new(),
            BoardFilter::Branch(_) => format!(" AND {alias}.branch_id = ${n}"),
            BoardFilter::YouthGroup(_) => format!(" AND {alias}.youth_group_id = ${n}"),
        }
    }

    fn id(self) -> Option<i64> {
        match self {
            BoardFilter::Org => None,
            BoardFilter::Branch(id) | BoardFilter::YouthGroup(id) => Some(id),
        }
    }

    /// The group-totals row of this board: (kind, group id).
    pub fn group(self) -> (&'static str, i64) {
        match self {
            BoardFilter::Org => ("org", 0),
            BoardFilter::Branch(id) => ("branch", id),
            BoardFilter::YouthGroup(id) => ("youth_group", id),
        }
    }
}

// ---- rules and settings ----

pub async fn rules(conn: &mut AnyConnection) -> sqlx::Result<Vec<(String, i64, i64)>> {
    sqlx::query_as("SELECT source, points, daily_cap FROM points_rules ORDER BY source")
        .fetch_all(conn)
        .await
}

/// Points per unit and daily cap of a source; a missing rule grants nothing.
pub async fn rule(conn: &mut AnyConnection, source: &str) -> sqlx::Result<(i64, i64)> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT points, daily_cap FROM points_rules WHERE source = $1")
            .bind(source)
            .fetch_optional(conn)
            .await?;
    Ok(row.unwrap_or((0, 0)))
}

pub async fn upsert_rule(
    conn: &mut AnyConnection,
    source: &str,
    points: i64,
    daily_cap: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO points_rules (source, points, daily_cap, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (source) DO UPDATE SET points = excluded.points, \
         daily_cap = excluded.daily_cap, updated_at = excluded.updated_at",
    )
    .bind(source)
    .bind(points)
    .bind(daily_cap)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub default_measure: String,
    pub initials_only: i64,
    pub weekly_goal_kind: String,
    pub weekly_goal_target: i64,
}

pub async fn settings(conn: &mut AnyConnection) -> sqlx::Result<Option<SettingsRow>> {
    sqlx::query_as(
        "SELECT default_measure, initials_only, weekly_goal_kind, weekly_goal_target \
         FROM points_settings WHERE id = 1",
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_settings(
    conn: &mut AnyConnection,
    s: &SettingsRow,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO points_settings (id, default_measure, initials_only, weekly_goal_kind, \
         weekly_goal_target, updated_at) VALUES (1, $1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET default_measure = excluded.default_measure, \
         initials_only = excluded.initials_only, weekly_goal_kind = excluded.weekly_goal_kind, \
         weekly_goal_target = excluded.weekly_goal_target, updated_at = excluded.updated_at",
    )
    .bind(&s.default_measure)
    .bind(s.initials_only)
    .bind(&s.weekly_goal_kind)
    .bind(s.weekly_goal_target)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- writing an award ----

/// Takes the member's streak row (creating it), which on PostgreSQL row-locks it until
/// the transaction ends: every award of a member starts here, so concurrent awards of one
/// member run one after the other and each sees the other's points against the cap. On a
/// study day (`Some(day)`, days since 1970 in Asia/Shanghai) it also extends the streak.
pub async fn lock_member(
    conn: &mut AnyConnection,
    user_id: i64,
    study_day: Option<i64>,
) -> sqlx::Result<()> {
    match study_day {
        None => {
            sqlx::query(
                "INSERT INTO points_streaks (user_id, current, best, last_day) \
                 VALUES ($1, 0, 0, NULL) \
                 ON CONFLICT (user_id) DO UPDATE SET current = points_streaks.current",
            )
            .bind(user_id)
            .execute(conn)
            .await?;
        }
        Some(day) => {
            // The same rule as shared::points::next_streak, in one statement.
            let next = "CASE WHEN points_streaks.last_day = $2 THEN points_streaks.current \
                 WHEN points_streaks.last_day = $2 - 1 THEN points_streaks.current + 1 \
                 WHEN points_streaks.last_day > $2 THEN points_streaks.current ELSE 1 END";
            sqlx::query(&format!(
                "INSERT INTO points_streaks (user_id, current, best, last_day) VALUES ($1, 1, 1, $2) \
                 ON CONFLICT (user_id) DO UPDATE SET current = {next}, \
                 best = CASE WHEN {next} > points_streaks.best THEN {next} ELSE points_streaks.best END, \
                 last_day = CASE WHEN points_streaks.last_day > $2 THEN points_streaks.last_day ELSE $2 END"
            ))
            .bind(user_id)
            .bind(day)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Points and units of a member from a source on a day.
pub async fn daily(
    conn: &mut AnyConnection,
    user_id: i64,
    day_key: &str,
    source: &str,
) -> sqlx::Result<(i64, i64)> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT points, units FROM points_daily WHERE user_id = $1 AND day_key = $2 AND source = $3",
    )
    .bind(user_id)
    .bind(day_key)
    .bind(source)
    .fetch_optional(conn)
    .await?;
    Ok(row.unwrap_or((0, 0)))
}

pub async fn add_daily(
    conn: &mut AnyConnection,
    user_id: i64,
    day_key: &str,
    source: &str,
    points: i64,
    units: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO points_daily (user_id, day_key, source, points, units) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, day_key, source) DO UPDATE SET \
         points = points_daily.points + excluded.points, units = points_daily.units + excluded.units",
    )
    .bind(user_id)
    .bind(day_key)
    .bind(source)
    .bind(points)
    .bind(units)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends a ledger entry; `None` when this member already has one for the same source
/// and reference (the award was made before).
#[allow(clippy::too_many_arguments)]
pub async fn insert_ledger(
    conn: &mut AnyConnection,
    user_id: i64,
    source: &str,
    points: i64,
    now: i64,
    day_key: &str,
    reference: &str,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO points_ledger (user_id, source, points, created_at, day_key, reference) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, source, reference) DO NOTHING RETURNING id",
    )
    .bind(user_id)
    .bind(source)
    .bind(points)
    .bind(now)
    .bind(day_key)
    .bind(reference)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// The points of one award in the member's ledger (its source and reference), 0 when it
/// made none (nothing earned, or the daily cap reached).
pub async fn earned(
    conn: &mut AnyConnection,
    user_id: i64,
    source: &str,
    reference: &str,
) -> sqlx::Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT points FROM points_ledger WHERE user_id = $1 AND source = $2 AND reference = $3",
    )
    .bind(user_id)
    .bind(source)
    .bind(reference)
    .fetch_optional(conn)
    .await?;
    Ok(row.map_or(0, |(p,)| p))
}

/// Adds `points` to the member's totals of the given periods; returns each period with its
/// new total (a total equal to `points` means the member just became active in it).
#[allow(clippy::too_many_arguments)]
pub async fn add_member_totals(
    conn: &mut AnyConnection,
    periods: &[String],
    user_id: i64,
    branch_id: Option<i64>,
    youth_group_id: Option<i64>,
    points: i64,
    now: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    // One statement for all periods; the rows are locked in this fixed order everywhere.
    let values: Vec<String> = (0..periods.len())
        .map(|i| format!("(${}, $1, $2, $3, $4, $5, $6)", i + 7))
        .collect();
    let sql = format!(
        "INSERT INTO points_member_totals (period, user_id, branch_id, youth_group_id, points, \
         rank_key, reached_at) VALUES {} ON CONFLICT (period, user_id) DO UPDATE SET \
         points = points_member_totals.points + excluded.points, \
         rank_key = points_member_totals.rank_key + excluded.rank_key, \
         reached_at = excluded.reached_at, branch_id = excluded.branch_id, \
         youth_group_id = excluded.youth_group_id RETURNING period, points",
        values.join(", ")
    );
    let mut q = sqlx::query_as(&sql)
        .bind(user_id)
        .bind(branch_id)
        .bind(youth_group_id)
        .bind(points)
        .bind(-points)
        .bind(now);
    for p in periods {
        q = q.bind(p);
    }
    q.fetch_all(conn).await
}

/// One period's change to a group's totals.
#[derive(Debug, Clone)]
pub struct GroupDelta {
    pub period: String,
    pub points: i64,
    pub active_members: i64,
    pub completions: i64,
}

/// Adds to the totals of one group (`kind` org/branch/youth_group) over several periods.
pub async fn add_group_totals(
    conn: &mut AnyConnection,
    kind: &str,
    group_id: i64,
    deltas: &[GroupDelta],
) -> sqlx::Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..deltas.len())
        .map(|i| {
            let b = 3 + i * 4;
            format!("($1, ${b}, $2, ${}, ${}, ${})", b + 1, b + 2, b + 3)
        })
        .collect();
    let sql = format!(
        "INSERT INTO points_group_totals (kind, period, group_id, points, active_members, completions) \
         VALUES {} ON CONFLICT (kind, period, group_id) DO UPDATE SET \
         points = points_group_totals.points + excluded.points, \
         active_members = points_group_totals.active_members + excluded.active_members, \
         completions = points_group_totals.completions + excluded.completions",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(kind).bind(group_id);
    for d in deltas {
        q = q
            .bind(&d.period)
            .bind(d.points)
            .bind(d.active_members)
            .bind(d.completions);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Moves the member from `old` to `new` points in the organization-wide counts of each
/// period (`old` 0: they had none). Callers hold the organization's totals row.
pub async fn move_rank_counts(
    conn: &mut AnyConnection,
    moves: &[(String, i64, i64)],
) -> sqlx::Result<()> {
    let leaving: Vec<&(String, i64, i64)> = moves.iter().filter(|m| m.1 > 0).collect();
    if !leaving.is_empty() {
        let cond: Vec<String> = (0..leaving.len())
            .map(|i| format!("(period = ${} AND points = ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "UPDATE points_rank_counts SET members = members - 1 WHERE {}",
            cond.join(" OR ")
        );
        let mut q = sqlx::query(&sql);
        for (period, old, _) in &leaving {
            q = q.bind(period).bind(old);
        }
        q.execute(&mut *conn).await?;
    }
    if moves.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..moves.len())
        .map(|i| format!("(${}, ${}, 1)", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO points_rank_counts (period, points, members) VALUES {} \
         ON CONFLICT (period, points) DO UPDATE SET members = points_rank_counts.members + 1",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (period, _, new) in moves {
        q = q.bind(period).bind(new);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Records a module completion once; true the first time.
pub async fn insert_completion(
    conn: &mut AnyConnection,
    user_id: i64,
    module_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO module_completions (user_id, module_id, completed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, module_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(module_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Whether a module is assigned to a branch (`branch`) or youth group: addressed to the
/// whole organization or to that unit.
pub async fn module_assigned_to(
    conn: &mut AnyConnection,
    module_id: i64,
    kind: &str,
    unit_id: i64,
) -> sqlx::Result<bool> {
    let link = if kind == "branch" {
        "SELECT 1 FROM module_branches x WHERE x.module_id = m.id AND x.branch_id = $2"
    } else {
        "SELECT 1 FROM module_youth_groups x WHERE x.module_id = m.id AND x.youth_group_id = $2"
    };
    let row: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT m.id FROM modules m WHERE m.id = $1 AND (m.audience = 'all' OR EXISTS ({link}))"
    ))
    .bind(module_id)
    .bind(unit_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

// ---- a member's own numbers ----

/// The member's totals in the given periods (missing periods have none).
pub async fn member_totals(
    conn: &mut AnyConnection,
    user_id: i64,
    periods: &[String],
) -> sqlx::Result<Vec<(String, i64)>> {
    let marks: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT period, points FROM points_member_totals WHERE user_id = $1 AND period IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql).bind(user_id);
    for p in periods {
        q = q.bind(p);
    }
    q.fetch_all(conn).await
}

/// (source, points) earned by the member on a day.
pub async fn daily_of(
    conn: &mut AnyConnection,
    user_id: i64,
    day_key: &str,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT source, points FROM points_daily WHERE user_id = $1 AND day_key = $2")
        .bind(user_id)
        .bind(day_key)
        .fetch_all(conn)
        .await
}

/// Days among `day_keys` on which the member studied (any source but signing in).
pub async fn study_days(
    conn: &mut AnyConnection,
    user_id: i64,
    day_keys: &[String],
) -> sqlx::Result<i64> {
    let marks: Vec<String> = (0..day_keys.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT COUNT(DISTINCT day_key) FROM points_daily WHERE user_id = $1 \
         AND source <> 'sign_in' AND day_key IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql).bind(user_id);
    for d in day_keys {
        q = q.bind(d);
    }
    let (n,): (i64,) = q.fetch_one(conn).await?;
    Ok(n)
}

/// (current, best, last_day) of the member's streak.
pub async fn streak(
    conn: &mut AnyConnection,
    user_id: i64,
) -> sqlx::Result<Option<(i64, i64, Option<i64>)>> {
    sqlx::query_as("SELECT current, best, last_day FROM points_streaks WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LedgerRow {
    pub id: i64,
    pub source: String,
    pub points: i64,
    pub created_at: i64,
    pub day_key: String,
    pub reference: String,
}

/// A member's entries, newest first, older than `before_id` if given.
pub async fn ledger_page(
    conn: &mut AnyConnection,
    user_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as(
        "SELECT id, source, points, created_at, day_key, reference FROM points_ledger \
         WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await
}

// ---- leaderboards ----

/// A member's place on a board: (user id, rank_key = -points, reached_at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Place {
    pub user_id: i64,
    pub rank_key: i64,
    pub reached_at: i64,
}

/// A board row with what is shown of the member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BoardRow {
    pub user_id: i64,
    pub rank_key: i64,
    pub reached_at: i64,
    pub display_name: String,
    pub branch_name: Option<String>,
}

/// Members ahead of the row `t` on a board: organization-wide summed from the counts per
/// total (a few hundred rows at most); within a unit (a few thousand members at most)
/// counted on the unit's index. The unit's id is `$4`.
fn ahead_sql(f: BoardFilter) -> String {
    match f {
        BoardFilter::Org => "(SELECT CAST(COALESCE(SUM(c.members), 0) AS BIGINT) \
             FROM points_rank_counts c WHERE c.period = $1 AND c.points > t.points)"
            .to_string(),
        _ => format!(
            "(SELECT COUNT(*) FROM points_member_totals c WHERE c.period = $1 \
             AND c.rank_key < t.rank_key{})",
            f.sql_on("c", 4)
        ),
    }
}

/// The viewer and what a board needs besides its rows, in one round trip.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Me {
    pub display_name: String,
    pub branch_name: Option<String>,
    /// The viewer's place in the period, if they have points in it.
    pub rank_key: Option<i64>,
    pub reached_at: Option<i64>,
    /// The units of the viewer's row in the period.
    pub branch_id: Option<i64>,
    pub youth_group_id: Option<i64>,
    /// Members ahead of the viewer (meaningless without a place).
    pub ahead: i64,
    pub initials_only: i64,
    /// Members with points on the board (its group-totals row).
    pub participants: i64,
    /// The unit's name (`None` when it does not exist, or for the organization board).
    pub unit_name: Option<String>,
}

/// Round trip 1 of a board: the viewer's name, place and members ahead, the initials-only
/// setting, the board's participants and its unit's name.
pub async fn me(
    conn: &mut AnyConnection,
    period: &str,
    f: BoardFilter,
    user_id: i64,
) -> sqlx::Result<Option<Me>> {
    let (kind, gid) = f.group();
    let unit = match f {
        BoardFilter::Org => "CAST(NULL AS TEXT)",
        BoardFilter::Branch(_) => "(SELECT name FROM branches WHERE id = $4)",
        BoardFilter::YouthGroup(_) => "(SELECT name FROM youth_groups WHERE id = $4)",
    };
    let sql = format!(
        "SELECT u.display_name, b.name AS branch_name, t.rank_key, t.reached_at, t.branch_id, \
         t.youth_group_id, {} AS ahead, \
         COALESCE((SELECT initials_only FROM points_settings WHERE id = 1), 0) AS initials_only, \
         COALESCE((SELECT active_members FROM points_group_totals \
           WHERE kind = $3 AND period = $1 AND group_id = $4), 0) AS participants, \
         {unit} AS unit_name \
         FROM users u LEFT JOIN branches b ON b.id = u.branch_id \
         LEFT JOIN points_member_totals t ON t.period = $1 AND t.user_id = u.id \
         WHERE u.id = $2",
        ahead_sql(f)
    );
    sqlx::query_as(&sql)
        .bind(period)
        .bind(user_id)
        .bind(kind)
        .bind(gid)
        .fetch_optional(conn)
        .await
}

/// (part, user_id, rank_key, reached_at, display_name, branch_name, ahead).
type PartRow = (i64, i64, i64, i64, String, Option<String>, i64);

/// Which part of round trip 2 a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Top,
    Before,
    After,
}

/// Round trip 2 of a board: the first `top` members, and up to `n` members just before a
/// place (nearest first) and just after it, each of the latter with the members ahead of
/// it (derived from `ahead`, the members ahead of the place). Every part is a range scan of the board index; the row-value comparisons are the
/// only bound on rank_key (SQLite would otherwise range on another bound and filter by
/// the row values, scanning from the end).
pub async fn rows(
    conn: &mut AnyConnection,
    period: &str,
    f: BoardFilter,
    top: i64,
    at: Place,
    ahead: i64,
    n: i64,
) -> sqlx::Result<Vec<(Part, BoardRow, i64)>> {
    // $4 is the unit; the organization board binds 0 and checks it, so that every query
    // has the same parameters on both databases.
    let unit = match f.id() {
        Some(_) => f.sql(4),
        None => " AND $4 = 0".to_string(),
    };
    let part = |side: i64, cond: &str, dir: &str, ahead: &str, limit: &str| {
        format!(
            "SELECT * FROM (SELECT CAST({side} AS BIGINT) AS side, t.user_id, t.rank_key, \
             t.reached_at, u.display_name, b.name AS branch_name, {ahead} AS ahead \
             FROM points_member_totals t JOIN users u ON u.id = t.user_id \
             LEFT JOIN branches b ON b.id = u.branch_id \
             WHERE t.period = $1{unit}{cond} \
             ORDER BY t.rank_key {dir}, t.reached_at {dir}, t.user_id {dir} LIMIT {limit}) p{side}"
        )
    };
    // A neighbour's members ahead, from the viewer's ($8) and the members between them
    // and the viewer ($5 is the viewer's rank_key): a short range, never a count from the
    // top. Above: ahead = mine - |[their key, mine)|; below: mine + |[mine, their key)|.
    let (above, below) = match f {
        BoardFilter::Org => (
            "$8 - (SELECT CAST(COALESCE(SUM(c.members), 0) AS BIGINT) FROM points_rank_counts c \
             WHERE c.period = $1 AND c.points > -$5 AND c.points <= t.points)"
                .to_string(),
            "$8 + (SELECT CAST(COALESCE(SUM(c.members), 0) AS BIGINT) FROM points_rank_counts c \
             WHERE c.period = $1 AND c.points > t.points AND c.points <= -$5)"
                .to_string(),
        ),
        _ => (
            format!(
                "$8 - (SELECT COUNT(*) FROM points_member_totals c WHERE c.period = $1 \
                 AND c.rank_key >= t.rank_key AND c.rank_key < $5{})",
                f.sql_on("c", 4)
            ),
            format!(
                "$8 + (SELECT COUNT(*) FROM points_member_totals c WHERE c.period = $1 \
                 AND c.rank_key >= $5 AND c.rank_key < t.rank_key{})",
                f.sql_on("c", 4)
            ),
        ),
    };
    let sql = format!(
        "{} UNION ALL {} UNION ALL {}",
        part(0, "", "ASC", "CAST(0 AS BIGINT)", "$2"),
        part(
            1,
            " AND (t.rank_key, t.reached_at, t.user_id) < ($5, $6, $7)",
            "DESC",
            &above,
            "$3"
        ),
        part(
            2,
            " AND (t.rank_key, t.reached_at, t.user_id) > ($5, $6, $7)",
            "ASC",
            &below,
            "$3"
        ),
    );
    let rows: Vec<PartRow> = sqlx::query_as(&sql)
        .bind(period)
        .bind(top)
        .bind(n)
        .bind(f.id().unwrap_or(0))
        .bind(at.rank_key)
        .bind(at.reached_at)
        .bind(at.user_id)
        .bind(ahead)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(side, user_id, rank_key, reached_at, display_name, branch_name, ahead)| {
                let part = match side {
                    0 => Part::Top,
                    1 => Part::Before,
                    _ => Part::After,
                };
                (
                    part,
                    BoardRow {
                        user_id,
                        rank_key,
                        reached_at,
                        display_name,
                        branch_name,
                    },
                    ahead,
                )
            },
        )
        .collect())
}

/// A branch or youth group with its numbers in a period and its place by a measure.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub points: i64,
    pub active_members: i64,
    pub completions: i64,
    pub members: i64,
    /// Modules assigned to the group: addressed to everyone or to it.
    pub modules: i64,
    /// Competition rank by the measure (equal values share it).
    pub rnk: i64,
    /// Place in board order (measure descending, then group id), from 1.
    pub pos: i64,
    /// Groups of this kind.
    pub group_count: i64,
}

/// A group measure as a fraction in SQL (`g` the group's numbers), the same as
/// `shared::points::measure_ratio`. Doubles compare these fractions exactly enough: two
/// different fractions with denominators below 2^26 never round to the same double.
fn measure_sql(measure: &str) -> &'static str {
    match measure {
        "average" => "CASE WHEN g.members > 0 THEN CAST(g.points AS DOUBLE PRECISION) / g.members ELSE 0 END",
        "completion" => "CASE WHEN g.members * g.modules > 0 THEN CAST(CASE WHEN g.completions < g.members * g.modules \
             THEN g.completions ELSE g.members * g.modules END AS DOUBLE PRECISION) / (g.members * g.modules) ELSE 0 END",
        _ => "CASE WHEN g.members > 0 THEN CAST(CASE WHEN g.active_members < g.members \
             THEN g.active_members ELSE g.members END AS DOUBLE PRECISION) / g.members ELSE 0 END",
    }
}

/// The top `top` groups of a kind (`branch` or `youth_group`) by a measure in `period`,
/// and those within `around` places of group `mine`: every group's numbers come from one
/// row of the aggregates (a few hundred rows, ranked inside the database), no scan of
/// members, and only the rows shown cross the wire.
pub async fn ranked_groups(
    conn: &mut AnyConnection,
    kind: &str,
    period: &str,
    measure: &str,
    mine: Option<i64>,
    top: i64,
    around: i64,
) -> sqlx::Result<Vec<GroupRow>> {
    let (table, links, column) = if kind == "branch" {
        ("branches", "module_branches", "branch_id")
    } else {
        ("youth_groups", "module_youth_groups", "youth_group_id")
    };
    let value = measure_sql(measure);
    sqlx::query_as(&format!(
        "WITH g AS (SELECT u.id, u.name, COALESCE(t.points, 0) AS points, \
           COALESCE(t.active_members, 0) AS active_members, \
           COALESCE(t.completions, 0) AS completions, COALESCE(s.members, 0) AS members, \
           (SELECT COUNT(*) FROM modules m WHERE m.audience = 'all') + \
           (SELECT COUNT(*) FROM {links} x JOIN modules m ON m.id = x.module_id \
              WHERE x.{column} = u.id AND m.audience = 'units') AS modules \
           FROM {table} u \
           LEFT JOIN points_group_totals t ON t.kind = $1 AND t.period = $2 AND t.group_id = u.id \
           LEFT JOIN org_unit_members s ON s.kind = $1 AND s.unit_id = u.id), \
         v AS (SELECT g.*, {value} AS value FROM g), \
         r AS (SELECT v.*, RANK() OVER (ORDER BY v.value DESC) AS rnk, \
           ROW_NUMBER() OVER (ORDER BY v.value DESC, v.id) AS pos FROM v) \
         SELECT r.id, r.name, r.points, r.active_members, r.completions, r.members, r.modules, \
           r.rnk, r.pos, (SELECT COUNT(*) FROM r) AS group_count FROM r \
         WHERE r.pos <= $4 OR ABS(r.pos - COALESCE((SELECT m.pos FROM r m WHERE m.id = $3), -1000)) <= $5 \
         ORDER BY r.pos"
    ))
    .bind(kind)
    .bind(period)
    .bind(mine.unwrap_or(-1))
    .bind(top)
    .bind(around)
    .fetch_all(conn)
    .await
}

/// Branch and youth group of a member.
pub async fn units_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> sqlx::Result<Option<(Option<i64>, Option<i64>)>> {
    sqlx::query_as("SELECT branch_id, youth_group_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}
