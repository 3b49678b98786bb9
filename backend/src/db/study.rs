//! Queries on modules, lessons, audiences and reading progress.

use sqlx::AnyConnection;

use super::{id_list, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModuleRow {
    pub id: i64,
    pub title: String,
    pub track: String,
    pub description: String,
    pub due_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub title: String,
    pub body_md: String,
    pub source: String,
    pub char_count: i64,
    /// The author's minimum study time (seconds); NULL: derived from `char_count`.
    pub min_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ProgressRow {
    pub credited_ms: i64,
    pub last_heartbeat_at: Option<i64>,
    pub reached_end: i64,
    pub completed_at: Option<i64>,
}

/// Who a visibility check is for: their branch, youth group, and (for organizers) scope.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub all: bool,
    pub branch_ids: Vec<i64>,
    pub youth_group_ids: Vec<i64>,
}

/// SQL condition on `m` (modules) for what `viewer` may see. Ids are our own integers.
fn visible_sql(viewer: &Viewer) -> String {
    if viewer.all {
        return "1 = 1".into();
    }
    format!(
        "(m.audience = 'all' \
          OR EXISTS (SELECT 1 FROM module_branches mb WHERE mb.module_id = m.id AND mb.branch_id IN ({})) \
          OR EXISTS (SELECT 1 FROM module_youth_groups my WHERE my.module_id = m.id AND my.youth_group_id IN ({})))",
        id_list(&viewer.branch_ids),
        id_list(&viewer.youth_group_ids)
    )
}

const MODULE_COLUMNS: &str = "m.id, m.title, m.track, m.description, m.due_at";

pub async fn visible_modules(
    conn: &mut AnyConnection,
    viewer: &Viewer,
) -> sqlx::Result<Vec<ModuleRow>> {
    sqlx::query_as(&format!(
        "SELECT {MODULE_COLUMNS} FROM modules m WHERE {} ORDER BY m.position, m.id",
        visible_sql(viewer)
    ))
    .fetch_all(conn)
    .await
}

pub async fn visible_module(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> sqlx::Result<Option<ModuleRow>> {
    sqlx::query_as(&format!(
        "SELECT {MODULE_COLUMNS} FROM modules m WHERE m.id = $1 AND {}",
        visible_sql(viewer)
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

const LESSON_COLUMNS: &str =
    "id, module_id, position, title, body_md, source, char_count, min_seconds";

pub async fn lessons_of(conn: &mut AnyConnection, module_id: i64) -> sqlx::Result<Vec<LessonRow>> {
    sqlx::query_as(&format!(
        "SELECT {LESSON_COLUMNS} FROM lessons WHERE module_id = $1 ORDER BY position"
    ))
    .bind(module_id)
    .fetch_all(conn)
    .await
}

pub async fn lesson(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<LessonRow>> {
    sqlx::query_as(&format!(
        "SELECT {LESSON_COLUMNS} FROM lessons WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// What a heartbeat reads, in one statement: the lesson without its text (`body_md`
/// empty), if the viewer may see its module, and the member's progress on it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeartbeatTarget {
    #[sqlx(flatten)]
    pub lesson: LessonRow,
    pub credited_ms: Option<i64>,
    pub last_heartbeat_at: Option<i64>,
    pub reached_end: Option<i64>,
    pub completed_at: Option<i64>,
}

impl HeartbeatTarget {
    /// The member's progress row, if there is one.
    pub fn progress(&self) -> Option<ProgressRow> {
        Some(ProgressRow {
            credited_ms: self.credited_ms?,
            last_heartbeat_at: self.last_heartbeat_at,
            reached_end: self.reached_end.unwrap_or(0),
            completed_at: self.completed_at,
        })
    }
}

pub async fn heartbeat_target(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    lesson_id: i64,
) -> sqlx::Result<Option<HeartbeatTarget>> {
    sqlx::query_as(&format!(
        "SELECT l.id, l.module_id, l.position, l.title, '' AS body_md, l.source, l.char_count, \
         l.min_seconds, p.credited_ms, p.last_heartbeat_at, p.reached_end, p.completed_at \
         FROM lessons l JOIN modules m ON m.id = l.module_id \
         LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $2 \
         WHERE l.id = $1 AND {}",
        visible_sql(viewer)
    ))
    .bind(lesson_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await
}

/// [`heartbeat_target`] for the member behind a session, in the same one statement: the
/// session's account (current, active, no pending password change, role member, whose
/// modules are those of its branch and youth group, as [`visible_sql`] has them for a
/// member), the lesson if that member may see it, and their progress on it. `None` for
/// anyone else (staff, a stale session, a hidden or missing lesson): the caller then looks
/// the session up as any request does.
pub async fn member_heartbeat_target(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
    lesson_id: i64,
) -> sqlx::Result<Option<(i64, HeartbeatTarget)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        member_id: i64,
        #[sqlx(flatten)]
        target: HeartbeatTarget,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.id AS member_id, l.id, l.module_id, l.position, l.title, '' AS body_md, \
         l.source, l.char_count, l.min_seconds, \
         p.credited_ms, p.last_heartbeat_at, p.reached_end, p.completed_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         JOIN lessons l ON l.id = $1 JOIN modules m ON m.id = l.module_id \
         LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = u.id \
         WHERE s.token_hash = $2 AND s.expires_at > $3 \
           AND u.active = 1 AND u.must_change_password = 0 AND u.role = 'member' \
           AND (m.audience = 'all' \
             OR EXISTS (SELECT 1 FROM module_branches mb \
                        WHERE mb.module_id = m.id AND mb.branch_id = u.branch_id) \
             OR EXISTS (SELECT 1 FROM module_youth_groups my \
                        WHERE my.module_id = m.id AND my.youth_group_id = u.youth_group_id))",
    )
    .bind(lesson_id)
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.member_id, r.target)))
}

pub async fn progress(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson_id: i64,
) -> sqlx::Result<Option<ProgressRow>> {
    sqlx::query_as(
        "SELECT credited_ms, last_heartbeat_at, reached_end, completed_at FROM lesson_progress \
         WHERE user_id = $1 AND lesson_id = $2",
    )
    .bind(user_id)
    .bind(lesson_id)
    .fetch_optional(conn)
    .await
}

/// Creates the progress row on the first heartbeat; false if it already existed.
pub async fn start_progress(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO lesson_progress (user_id, lesson_id, credited_ms, last_heartbeat_at, \
         reached_end, started_at) VALUES ($1, $2, 0, $3, 0, $3) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Takes the member's study clock (creating it), which on PostgreSQL row-locks it until
/// the transaction ends (SQLite's write transactions run one at a time anyway): every
/// crediting heartbeat of a member starts here, so heartbeats to different lessons credit
/// one after the other, each seeing the clock the previous one moved. Returns the moment
/// the member has been credited up to (0: never).
pub async fn lock_study_clock(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<i64> {
    let (until,): (i64,) = sqlx::query_as(
        "INSERT INTO study_clocks (user_id, credited_until) VALUES ($1, 0) \
         ON CONFLICT (user_id) DO UPDATE SET credited_until = study_clocks.credited_until \
         RETURNING credited_until",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(until)
}

/// Moves the member's study clock forward to `until` (never back).
pub async fn advance_study_clock(
    conn: &mut AnyConnection,
    user_id: i64,
    until: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE study_clocks SET credited_until = $1 WHERE user_id = $2 AND credited_until < $1",
    )
    .bind(until)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a heartbeat's outcome only if no other heartbeat got in since `seen_last` was
/// read (optimistic concurrency: two concurrent heartbeats cannot both credit one gap).
#[allow(clippy::too_many_arguments)]
pub async fn record_heartbeat(
    conn: &mut AnyConnection,
    user_id: i64,
    lesson_id: i64,
    seen_last: Option<i64>,
    now: i64,
    credited_ms: i64,
    reached_end: bool,
    completed_at: Option<i64>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE lesson_progress SET credited_ms = $1, last_heartbeat_at = $2, reached_end = $3, \
         completed_at = $4 WHERE user_id = $5 AND lesson_id = $6 AND last_heartbeat_at = $7",
    )
    .bind(credited_ms)
    .bind(now)
    .bind(i64::from(reached_end))
    .bind(completed_at)
    .bind(user_id)
    .bind(lesson_id)
    .bind(seen_last.unwrap_or(-1))
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Completed lessons of a module for a user.
/// The member's lessons of a module that have any progress, and those completed.
pub async fn progress_counts(
    conn: &mut AnyConnection,
    user_id: i64,
    module_id: i64,
) -> sqlx::Result<(i64, i64)> {
    let (started, completed): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(p.completed_at) FROM lesson_progress p \
         JOIN lessons l ON l.id = p.lesson_id WHERE p.user_id = $1 AND l.module_id = $2",
    )
    .bind(user_id)
    .bind(module_id)
    .fetch_one(conn)
    .await?;
    Ok((started, completed))
}

pub async fn lesson_count(conn: &mut AnyConnection, module_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM lessons WHERE module_id = $1")
        .bind(module_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// A module to seed, identified by its slug.
pub struct SeedModule<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub track: &'a str,
    pub description: &'a str,
    pub position: i64,
}

/// Inserts or updates a seeded module (audience: the whole organization); returns its id.
pub async fn upsert_module(conn: &mut AnyConnection, m: &SeedModule<'_>) -> sqlx::Result<i64> {
    let now = now_ms();
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM modules WHERE slug = $1")
        .bind(m.slug)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some((id,)) = found {
        sqlx::query(
            "UPDATE modules SET title = $1, track = $2, description = $3, position = $4, \
             updated_at = $5 WHERE id = $6 AND (title <> $1 OR track <> $2 OR description <> $3 \
             OR position <> $4)",
        )
        .bind(m.title)
        .bind(m.track)
        .bind(m.description)
        .bind(m.position)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO modules (slug, title, track, description, audience, position, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, 'all', $5, $6, $6) RETURNING id",
    )
    .bind(m.slug)
    .bind(m.title)
    .bind(m.track)
    .bind(m.description)
    .bind(m.position)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Inserts or updates the lesson at `position` of a module; an identical lesson is left alone.
pub async fn upsert_lesson(
    conn: &mut AnyConnection,
    module_id: i64,
    position: i64,
    title: &str,
    body_md: &str,
    source: &str,
) -> sqlx::Result<()> {
    let now = now_ms();
    let chars = body_md.chars().filter(|c| !c.is_whitespace()).count() as i64;
    let existing: Option<(String, String, String)> = sqlx::query_as(
        "SELECT title, body_md, source FROM lessons WHERE module_id = $1 AND position = $2",
    )
    .bind(module_id)
    .bind(position)
    .fetch_optional(&mut *conn)
    .await?;
    match existing {
        Some((t, b, s)) if t == title && b == body_md && s == source => {}
        Some(_) => {
            sqlx::query(
                "UPDATE lessons SET title = $1, body_md = $2, source = $3, char_count = $4, \
                 updated_at = $5 WHERE module_id = $6 AND position = $7",
            )
            .bind(title)
            .bind(body_md)
            .bind(source)
            .bind(chars)
            .bind(now)
            .bind(module_id)
            .bind(position)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO lessons (module_id, position, title, body_md, source, char_count, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(module_id)
            .bind(position)
            .bind(title)
            .bind(body_md)
            .bind(source)
            .bind(chars)
            .bind(now)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Removes a module's lessons after position `last` (a shipped module that lost lessons).
pub async fn delete_lessons_after(
    conn: &mut AnyConnection,
    module_id: i64,
    last: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM lessons WHERE module_id = $1 AND position > $2")
        .bind(module_id)
        .bind(last)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether every required quiz of a module has a submitted attempt of this user at or
/// above its pass mark (true when the module has none).
pub async fn required_quizzes_passed(
    conn: &mut AnyConnection,
    user_id: i64,
    module_id: i64,
) -> sqlx::Result<bool> {
    let (missing,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM quizzes q WHERE q.module_id = $1 AND q.required = 1 \
         AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.quiz_id = q.id AND a.user_id = $2 \
           AND a.submitted_at IS NOT NULL AND a.score_milli >= COALESCE(q.pass_mark, 0) * 10)",
    )
    .bind(module_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(missing == 0)
}
