//! Queries of the quiz builder: writing a quiz with its questions, draw rules and audience,
//! listing quizzes by owner, and reading submitted answers for item analysis.

use shared::api::questions::Owner;
use shared::api::quiz_builder::{Audience, DrawRule, QuizInput, QuizStatus};
use sqlx::AnyConnection;

use super::id_list;

/// A builder list row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ManagedRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    pub question_count: i64,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub required: i64,
    pub attempts: i64,
}

/// Quizzes made in the builder or seeded (not the mistake practice), newest first; only
/// those owned by the given units when `owners` is set.
pub async fn list(
    conn: &mut AnyConnection,
    owners: Option<(&[i64], &[i64])>,
) -> sqlx::Result<Vec<ManagedRow>> {
    let filter = match owners {
        None => String::new(),
        Some((b, g)) => format!(
            "AND (q.owner_branch_id IN ({}) OR q.owner_youth_group_id IN ({}))",
            id_list(b),
            id_list(g)
        ),
    };
    sqlx::query_as(&format!(
        "SELECT q.id, q.title, q.kind, q.status, q.owner_branch_id, q.owner_youth_group_id, \
           q.question_count, q.opens_at, q.closes_at, q.required, \
           (SELECT COUNT(*) FROM attempts a WHERE a.quiz_id = q.id AND a.submitted_at IS NOT NULL) AS attempts \
         FROM quizzes q WHERE (q.slug IS NULL OR q.slug <> 'mistake-practice') {filter} \
         ORDER BY q.id DESC"
    ))
    .fetch_all(conn)
    .await
}

/// Attempts started on a quiz, submitted or not: any of them holds its questions.
pub async fn attempt_count(conn: &mut AnyConnection, quiz_id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attempts WHERE quiz_id = $1")
        .bind(quiz_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Inserts a draft; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    q: &QuizInput,
    question_count: i64,
    created_by: i64,
    now: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quizzes (title, kind, audience, question_count, time_limit_secs, pass_mark, \
           max_attempts, opens_at, closes_at, multiple_policy, reveal, required, status, \
           owner_branch_id, owner_youth_group_id, created_by, shuffle_options, points_per_correct, \
           created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13, $14, $15, $16, $17, $18, $18) \
         RETURNING id",
    )
    .bind(q.title.trim())
    .bind(q.kind.as_str())
    .bind(audience_kind(&q.audience))
    .bind(question_count)
    .bind(q.time_limit_secs)
    .bind(q.pass_mark)
    .bind(q.max_attempts)
    .bind(q.opens_at)
    .bind(q.closes_at)
    .bind(policy(q))
    .bind(reveal(q))
    .bind(i64::from(q.required))
    .bind(q.owner.branch_id)
    .bind(q.owner.youth_group_id)
    .bind(created_by)
    .bind(i64::from(q.shuffle_options))
    .bind(q.points_per_correct)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

fn audience_kind(a: &Audience) -> &'static str {
    if a.branch_ids.is_empty() && a.youth_group_ids.is_empty() {
        "all"
    } else {
        "units"
    }
}

fn policy(q: &QuizInput) -> &'static str {
    match q.multiple_policy {
        shared::grading::MultiplePolicy::AllOrNothing => "all_or_nothing",
        shared::grading::MultiplePolicy::PartialCredit => "partial_credit",
    }
}

fn reveal(q: &QuizInput) -> &'static str {
    q.reveal.as_str()
}

/// Replaces a quiz's settings (not its status).
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    q: &QuizInput,
    question_count: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE quizzes SET title = $1, kind = $2, audience = $3, question_count = $4, \
           time_limit_secs = $5, pass_mark = $6, max_attempts = $7, opens_at = $8, closes_at = $9, \
           multiple_policy = $10, reveal = $11, required = $12, owner_branch_id = $13, \
           owner_youth_group_id = $14, shuffle_options = $15, points_per_correct = $16, updated_at = $17 \
         WHERE id = $18",
    )
    .bind(q.title.trim())
    .bind(q.kind.as_str())
    .bind(audience_kind(&q.audience))
    .bind(question_count)
    .bind(q.time_limit_secs)
    .bind(q.pass_mark)
    .bind(q.max_attempts)
    .bind(q.opens_at)
    .bind(q.closes_at)
    .bind(policy(q))
    .bind(reveal(q))
    .bind(i64::from(q.required))
    .bind(q.owner.branch_id)
    .bind(q.owner.youth_group_id)
    .bind(i64::from(q.shuffle_options))
    .bind(q.points_per_correct)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the fixed question list, the draw rules and the audience.
pub async fn replace_parts(conn: &mut AnyConnection, id: i64, q: &QuizInput) -> sqlx::Result<()> {
    for table in [
        "quiz_questions",
        "quiz_draw_rules",
        "quiz_branches",
        "quiz_youth_groups",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE quiz_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for (i, qid) in q.questions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO quiz_questions (quiz_id, question_id, position) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(qid)
        .bind(i as i64 + 1)
        .execute(&mut *conn)
        .await?;
    }
    for (i, r) in q.draw_rules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO quiz_draw_rules (quiz_id, position, category_id, count, difficulty, kind) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(r.category_id)
        .bind(r.count)
        .bind(r.difficulty.map(i64::from))
        .bind(r.kind.map(|k| k.as_str()))
        .execute(&mut *conn)
        .await?;
    }
    for b in &q.audience.branch_ids {
        sqlx::query("INSERT INTO quiz_branches (quiz_id, branch_id) VALUES ($1, $2)")
            .bind(id)
            .bind(b)
            .execute(&mut *conn)
            .await?;
    }
    for g in &q.audience.youth_group_ids {
        sqlx::query("INSERT INTO quiz_youth_groups (quiz_id, youth_group_id) VALUES ($1, $2)")
            .bind(id)
            .bind(g)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: QuizStatus,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE quizzes SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The draw rules as the builder shows them.
pub async fn draw_rules(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Vec<DrawRule>> {
    let rows = super::quiz::draw_rules(conn, id).await?;
    Ok(rows
        .into_iter()
        .map(|(category_id, count, difficulty, kind)| DrawRule {
            category_id,
            count,
            difficulty: difficulty.and_then(|d| u8::try_from(d).ok()),
            kind: kind
                .as_deref()
                .and_then(shared::grading::QuestionKind::parse),
        })
        .collect())
}

pub async fn audience(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Audience> {
    let b: Vec<(i64,)> =
        sqlx::query_as("SELECT branch_id FROM quiz_branches WHERE quiz_id = $1 ORDER BY branch_id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let g: Vec<(i64,)> = sqlx::query_as(
        "SELECT youth_group_id FROM quiz_youth_groups WHERE quiz_id = $1 ORDER BY youth_group_id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(Audience {
        branch_ids: b.into_iter().map(|(x,)| x).collect(),
        youth_group_ids: g.into_iter().map(|(x,)| x).collect(),
    })
}

/// A question as the builder and the item analysis show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub kind: String,
    pub stem: String,
    pub difficulty: i64,
    pub category: String,
    pub options: String,
    pub answer_key: String,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
}

impl ItemRow {
    pub fn owner(&self) -> Owner {
        Owner {
            branch_id: self.owner_branch_id,
            youth_group_id: self.owner_youth_group_id,
        }
    }
}

/// The questions with these ids (any order).
pub async fn items(conn: &mut AnyConnection, ids: &[i64]) -> sqlx::Result<Vec<ItemRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(&format!(
        "SELECT q.id, q.kind, q.stem, q.difficulty, c.name AS category, q.options, q.answer_key, \
           q.owner_branch_id, q.owner_youth_group_id \
         FROM questions q JOIN question_categories c ON c.id = q.category_id WHERE q.id IN ({})",
        id_list(ids)
    ))
    .fetch_all(conn)
    .await
}

/// One answered question of a submitted attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponseRow {
    pub attempt_id: i64,
    pub question_id: i64,
    pub answer: Option<String>,
    pub correct: Option<i64>,
}

/// Every question of every submitted attempt of a quiz, by attempt.
pub async fn responses(conn: &mut AnyConnection, quiz_id: i64) -> sqlx::Result<Vec<ResponseRow>> {
    sqlx::query_as(
        "SELECT aq.attempt_id, aq.question_id, aq.answer, aq.correct \
         FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id \
         WHERE a.quiz_id = $1 AND a.submitted_at IS NOT NULL AND a.from_mistakes = 0 \
         ORDER BY aq.attempt_id, aq.position",
    )
    .bind(quiz_id)
    .fetch_all(conn)
    .await
}

/// Mean score of the submitted attempts, percent.
pub async fn mean_percent(conn: &mut AnyConnection, quiz_id: i64) -> sqlx::Result<Option<f64>> {
    // An attempt's score_milli is its score in thousandths of the whole.
    let (sum, n): (Option<i64>, i64) = sqlx::query_as(
        "SELECT CAST(SUM(score_milli) AS BIGINT), \
           COUNT(*) FROM attempts WHERE quiz_id = $1 AND submitted_at IS NOT NULL AND from_mistakes = 0",
    )
    .bind(quiz_id)
    .fetch_one(conn)
    .await?;
    Ok((n > 0).then(|| sum.unwrap_or(0) as f64 / n as f64 / 10.0))
}

// issue 17 quiz builder
/// Active members (not admins) in any of the units; `None`: everyone.
pub async fn member_count(
    conn: &mut AnyConnection,
    units: Option<(&[i64], &[i64])>,
) -> sqlx::Result<i64> {
    let scope = match units {
        None => "1 = 1".to_string(),
        Some((b, g)) => format!(
            "(branch_id IN ({}) OR youth_group_id IN ({}))",
            id_list(b),
            id_list(g)
        ),
    };
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM users WHERE active = 1 AND role <> 'admin' AND {scope}"
    ))
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// The module a quiz is attached to: (id, title).
pub async fn module_of(
    conn: &mut AnyConnection,
    quiz_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT m.id, m.title FROM quizzes q JOIN modules m ON m.id = q.module_id WHERE q.id = $1",
    )
    .bind(quiz_id)
    .fetch_optional(conn)
    .await
}

/// A quiz attached to a module, as the module page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModuleQuizRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub question_count: i64,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
}

/// The quizzes attached to a module, oldest first.
pub async fn module_quizzes(
    conn: &mut AnyConnection,
    module_id: i64,
) -> sqlx::Result<Vec<ModuleQuizRow>> {
    sqlx::query_as(
        "SELECT id, title, kind, status, question_count, owner_branch_id, owner_youth_group_id \
         FROM quizzes WHERE module_id = $1 ORDER BY id",
    )
    .bind(module_id)
    .fetch_all(conn)
    .await
}

/// Attaches a quiz to a module (`Some`) or detaches it (`None`).
pub async fn set_module(
    conn: &mut AnyConnection,
    quiz_id: i64,
    module_id: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE quizzes SET module_id = $1, updated_at = $2 WHERE id = $3")
        .bind(module_id)
        .bind(now)
        .bind(quiz_id)
        .execute(conn)
        .await?;
    Ok(())
}
