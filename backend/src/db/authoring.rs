//! Queries of the content editor: authored modules, their audiences, lessons and lesson
//! versions (`domain::authoring` decides who may call them).

use sqlx::AnyConnection;

use super::now_ms;

/// A module as its authors see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModuleRow {
    pub id: i64,
    pub title: String,
    pub track: String,
    pub description: String,
    pub position: i64,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    /// 1: created in the app; 0: shipped from `seeds/`.
    pub authored: i64,
    pub audience: String,
    pub due_at: Option<i64>,
    pub required: i64,
}

const MODULE_COLUMNS: &str = "id, title, track, description, position, owner_branch_id, \
    owner_youth_group_id, authored, audience, due_at, required";

/// Every module, in the study pages' order.
pub async fn modules(conn: &mut AnyConnection) -> sqlx::Result<Vec<ModuleRow>> {
    sqlx::query_as(&format!(
        "SELECT {MODULE_COLUMNS} FROM modules ORDER BY position, id"
    ))
    .fetch_all(conn)
    .await
}

pub async fn module(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<ModuleRow>> {
    sqlx::query_as(&format!(
        "SELECT {MODULE_COLUMNS} FROM modules WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The branches and youth groups a module is addressed to.
pub async fn units(conn: &mut AnyConnection, id: i64) -> sqlx::Result<(Vec<i64>, Vec<i64>)> {
    let b: Vec<(i64,)> =
        sqlx::query_as("SELECT branch_id FROM module_branches WHERE module_id = $1 ORDER BY 1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let g: Vec<(i64,)> = sqlx::query_as(
        "SELECT youth_group_id FROM module_youth_groups WHERE module_id = $1 ORDER BY 1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok((
        b.into_iter().map(|r| r.0).collect(),
        g.into_iter().map(|r| r.0).collect(),
    ))
}

/// A new authored module: addressed to nobody and not required until it is assigned.
#[allow(clippy::too_many_arguments)]
pub async fn insert_module(
    conn: &mut AnyConnection,
    slug: &str,
    title: &str,
    track: &str,
    description: &str,
    position: i64,
    owner_branch_id: Option<i64>,
    owner_youth_group_id: Option<i64>,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO modules (slug, title, track, description, audience, position, \
           owner_branch_id, owner_youth_group_id, authored, required, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'units', $5, $6, $7, 1, 0, $8, $8) RETURNING id",
    )
    .bind(slug)
    .bind(title)
    .bind(track)
    .bind(description)
    .bind(position)
    .bind(owner_branch_id)
    .bind(owner_youth_group_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn update_module(
    conn: &mut AnyConnection,
    id: i64,
    title: &str,
    track: &str,
    description: &str,
    position: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE modules SET title = $1, track = $2, description = $3, position = $4, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(title)
    .bind(track)
    .bind(description)
    .bind(position)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether anyone has started a lesson of the module or an attempt at one of its quizzes.
pub async fn module_in_use(conn: &mut AnyConnection, id: i64) -> sqlx::Result<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST((SELECT COUNT(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id \
           WHERE l.module_id = $1) + (SELECT COUNT(*) FROM attempts a JOIN quizzes q \
           ON q.id = a.quiz_id WHERE q.module_id = $1) AS BIGINT)",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Deletes a module with its lessons, audiences and quizzes (callers check it is unused).
pub async fn delete_module(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    // issue 17 quiz builder: quizzes attached to it outlive the module (the
    // foreign key cascades, which would delete an organizer's quiz with it).
    sqlx::query("UPDATE quizzes SET module_id = NULL WHERE module_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // Notifications about it would open nothing.
    sqlx::query("DELETE FROM notifications WHERE item_kind = 'module' AND item_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM modules WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a module's audience, deadline and required flag.
pub async fn set_assignment(
    conn: &mut AnyConnection,
    id: i64,
    all: bool,
    branch_ids: &[i64],
    youth_group_ids: &[i64],
    due_at: Option<i64>,
    required: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE modules SET audience = $1, due_at = $2, required = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(if all { "all" } else { "units" })
    .bind(due_at)
    .bind(i64::from(required))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM module_branches WHERE module_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM module_youth_groups WHERE module_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for b in branch_ids {
        sqlx::query("INSERT INTO module_branches (module_id, branch_id) VALUES ($1, $2)")
            .bind(id)
            .bind(b)
            .execute(&mut *conn)
            .await?;
    }
    for g in youth_group_ids {
        sqlx::query("INSERT INTO module_youth_groups (module_id, youth_group_id) VALUES ($1, $2)")
            .bind(id)
            .bind(g)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A lesson as its authors edit it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub title: String,
    pub body_md: String,
    pub source: String,
    pub char_count: i64,
    pub min_seconds: Option<i64>,
    pub version: i64,
}

const LESSON_COLUMNS: &str =
    "id, module_id, position, title, body_md, source, char_count, min_seconds, version";

pub async fn lessons(conn: &mut AnyConnection, module_id: i64) -> sqlx::Result<Vec<LessonRow>> {
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

/// A lesson's earlier text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub body_md: String,
    pub source: String,
    pub replaced_at: i64,
}

pub async fn versions(conn: &mut AnyConnection, lesson_id: i64) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT version, title, body_md, source, replaced_at FROM lesson_versions \
         WHERE lesson_id = $1 ORDER BY version DESC",
    )
    .bind(lesson_id)
    .fetch_all(conn)
    .await
}

/// Whether another lesson of the module holds `position`.
pub async fn position_taken(
    conn: &mut AnyConnection,
    module_id: i64,
    position: i64,
    except: Option<i64>,
) -> sqlx::Result<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM lessons WHERE module_id = $1 AND position = $2 \
         AND id <> $3",
    )
    .bind(module_id)
    .bind(position)
    .bind(except.unwrap_or(0))
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The position after the module's last lesson.
pub async fn next_position(conn: &mut AnyConnection, module_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM lessons WHERE module_id = $1",
    )
    .bind(module_id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// The text of a lesson as stored, to write.
pub struct LessonText<'a> {
    pub position: i64,
    pub title: &'a str,
    pub body_md: &'a str,
    pub source: &'a str,
    pub min_seconds: Option<i64>,
}

fn char_count(body: &str) -> i64 {
    // As the seed loader counts: what a reader reads, without whitespace.
    body.chars().filter(|c| !c.is_whitespace()).count() as i64
}

pub async fn insert_lesson(
    conn: &mut AnyConnection,
    module_id: i64,
    t: &LessonText<'_>,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO lessons (module_id, position, title, body_md, source, char_count, \
           min_seconds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         RETURNING id",
    )
    .bind(module_id)
    .bind(t.position)
    .bind(t.title)
    .bind(t.body_md)
    .bind(t.source)
    .bind(char_count(t.body_md))
    .bind(t.min_seconds)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Whether any member has started the lesson.
pub async fn lesson_started(conn: &mut AnyConnection, id: i64) -> sqlx::Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM lesson_progress WHERE lesson_id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Saves a lesson's new text. With `keep_old`, the current text first goes to
/// `lesson_versions` and the version is bumped. Returns the version now stored.
pub async fn update_lesson(
    conn: &mut AnyConnection,
    old: &LessonRow,
    t: &LessonText<'_>,
    keep_old: bool,
) -> sqlx::Result<i64> {
    let now = now_ms();
    let version = if keep_old {
        sqlx::query(
            "INSERT INTO lesson_versions (lesson_id, version, title, body_md, source, \
             replaced_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(old.id)
        .bind(old.version)
        .bind(&old.title)
        .bind(&old.body_md)
        .bind(&old.source)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        old.version + 1
    } else {
        old.version
    };
    sqlx::query(
        "UPDATE lessons SET position = $1, title = $2, body_md = $3, source = $4, \
         char_count = $5, min_seconds = $6, version = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(t.position)
    .bind(t.title)
    .bind(t.body_md)
    .bind(t.source)
    .bind(char_count(t.body_md))
    .bind(t.min_seconds)
    .bind(version)
    .bind(now)
    .bind(old.id)
    .execute(conn)
    .await?;
    Ok(version)
}

pub async fn delete_lesson(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM lessons WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
