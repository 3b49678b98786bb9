//! Queries on quizzes, attempts, their frozen questions, and the mistake book.

use sqlx::AnyConnection;

use super::id_list;
use super::study::Viewer;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuizRow {
    pub id: i64,
    pub slug: Option<String>,
    pub title: String,
    pub kind: String,
    pub module_id: Option<i64>,
    pub question_count: i64,
    pub time_limit_secs: Option<i64>,
    pub pass_mark: Option<i64>,
    pub max_attempts: Option<i64>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub multiple_policy: String,
    pub reveal: String,
    pub status: String,
    pub audience: String,
    pub required: i64,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    pub shuffle_options: i64,
    pub points_per_correct: Option<i64>,
}

pub const QUIZ_COLUMNS: &str = "q.id, q.slug, q.title, q.kind, q.module_id, q.question_count, \
    q.time_limit_secs, q.pass_mark, q.max_attempts, q.opens_at, q.closes_at, \
    q.multiple_policy, q.reveal, q.status, q.audience, q.required, q.owner_branch_id, \
    q.owner_youth_group_id, q.shuffle_options, q.points_per_correct";

/// Quizzes visible to `viewer`: published or closed (never drafts), addressed to everyone
/// or to one of their units, and if tied to a module, only when that module is visible too.
fn visible_sql(viewer: &Viewer) -> String {
    if viewer.all {
        return "q.status <> 'draft'".into();
    }
    let b = id_list(&viewer.branch_ids);
    let g = id_list(&viewer.youth_group_ids);
    format!(
        "q.status <> 'draft' AND (\
         (q.audience = 'units' AND (\
           EXISTS (SELECT 1 FROM quiz_branches qb WHERE qb.quiz_id = q.id AND qb.branch_id IN ({b})) \
           OR EXISTS (SELECT 1 FROM quiz_youth_groups qy WHERE qy.quiz_id = q.id AND qy.youth_group_id IN ({g})))) \
         OR (q.audience = 'all' AND (q.module_id IS NULL OR EXISTS (SELECT 1 FROM modules m WHERE m.id = q.module_id AND \
          (m.audience = 'all' \
           OR EXISTS (SELECT 1 FROM module_branches mb WHERE mb.module_id = m.id AND mb.branch_id IN ({b})) \
           OR EXISTS (SELECT 1 FROM module_youth_groups my WHERE my.module_id = m.id AND my.youth_group_id IN ({g})))))))"
    )
}

pub async fn visible_quizzes(
    conn: &mut AnyConnection,
    viewer: &Viewer,
) -> sqlx::Result<Vec<QuizRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes q WHERE {} AND (q.slug IS NULL OR q.slug <> 'mistake-practice') \
         ORDER BY q.id",
        visible_sql(viewer)
    ))
    .fetch_all(conn)
    .await
}

pub async fn visible_quiz(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> sqlx::Result<Option<QuizRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes q WHERE q.id = $1 AND {}",
        visible_sql(viewer)
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn quiz_by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<QuizRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes q WHERE q.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn quiz_by_slug(conn: &mut AnyConnection, slug: &str) -> sqlx::Result<Option<QuizRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes q WHERE q.slug = $1"
    ))
    .bind(slug)
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub quiz_id: i64,
    pub user_id: i64,
    pub period: String,
    pub seq: i64,
    pub from_mistakes: i64,
    pub started_at: i64,
    pub deadline_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub correct_count: Option<i64>,
    pub score_milli: Option<i64>,
    pub question_count: i64,
    /// 1: graded when its quiz was closed, not submitted by the member.
    pub closed_by_quiz: i64,
    /// 1: graded with wrong answers not yet in the mistake book (their keys are not shown yet).
    pub mistakes_pending: i64,
}

const ATTEMPT_COLUMNS: &str = "id, quiz_id, user_id, period, seq, from_mistakes, started_at, \
    deadline_at, submitted_at, correct_count, score_milli, question_count, closed_by_quiz, \
    mistakes_pending";

pub async fn attempt(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A member's attempts at any of the quizzes in any of the periods, oldest first (the quiz
/// list's one read of them).
pub async fn attempts_at(
    conn: &mut AnyConnection,
    user_id: i64,
    quiz_ids: &[i64],
    periods: &[&str],
) -> sqlx::Result<Vec<AttemptRow>> {
    let marks: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND quiz_id IN ({}) \
         AND period IN ({}) ORDER BY id",
        super::id_list(quiz_ids),
        marks.join(", ")
    );
    let mut q = sqlx::query_as(&sql).bind(user_id);
    for p in periods {
        q = q.bind(*p);
    }
    q.fetch_all(conn).await
}

/// A member's attempts at a quiz in a period (`None`: all periods), oldest first.
pub async fn attempts_in(
    conn: &mut AnyConnection,
    quiz_id: i64,
    user_id: i64,
    period: Option<&str>,
) -> sqlx::Result<Vec<AttemptRow>> {
    let mut sql =
        format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE quiz_id = $1 AND user_id = $2");
    if period.is_some() {
        sql.push_str(" AND period = $3");
    }
    sql.push_str(" ORDER BY id");
    let mut q = sqlx::query_as(&sql).bind(quiz_id).bind(user_id);
    if let Some(p) = period {
        q = q.bind(p);
    }
    q.fetch_all(conn).await
}

pub async fn history(
    conn: &mut AnyConnection,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_attempt(
    conn: &mut AnyConnection,
    quiz_id: i64,
    user_id: i64,
    period: &str,
    seq: i64,
    from_mistakes: bool,
    now: i64,
    deadline: Option<i64>,
    question_count: i64,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO attempts (quiz_id, user_id, period, seq, from_mistakes, started_at, deadline_at, \
         question_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(quiz_id)
    .bind(user_id)
    .bind(period)
    .bind(seq)
    .bind(i64::from(from_mistakes))
    .bind(now)
    .bind(deadline)
    .bind(question_count)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A question as an attempt freezes it: its version and the order its options are shown in.
#[derive(Debug, Clone)]
pub struct FrozenQuestion {
    pub question_id: i64,
    pub version: i64,
    /// JSON list of option indexes, in the order shown.
    pub option_order: String,
}

/// A question's current version and its options (JSON), which an attempt freezes.
pub async fn question_shape(conn: &mut AnyConnection, id: i64) -> sqlx::Result<(i64, String)> {
    sqlx::query_as("SELECT version, options FROM questions WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Inserts an attempt's questions, numbered from 1 in the order given, in one statement.
pub async fn insert_attempt_questions(
    conn: &mut AnyConnection,
    attempt_id: i64,
    questions: &[FrozenQuestion],
) -> sqlx::Result<()> {
    if questions.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..questions.len())
        .map(|i| {
            let b = i * 4;
            format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                4 * questions.len() + 1
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO attempt_questions (position, question_id, question_version, option_order, \
         attempt_id) VALUES {}",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (i, f) in questions.iter().enumerate() {
        q = q
            .bind(i as i64 + 1)
            .bind(f.question_id)
            .bind(f.version)
            .bind(f.option_order.clone());
    }
    q.bind(attempt_id).execute(conn).await?;
    Ok(())
}

/// A frozen question of an attempt with the content of the version it froze.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptQuestionRow {
    pub position: i64,
    pub question_id: i64,
    pub option_order: String,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub correct: Option<i64>,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer_key: String,
    pub explanation: String,
    pub source: String,
}

/// An attempt's questions as frozen at its start (`$1`: the attempt).
const ATTEMPT_QUESTION_SELECT: &str =
    "SELECT aq.position, aq.question_id, aq.option_order, aq.answer, aq.answered_at, aq.correct, \
     COALESCE(v.kind, q.kind) AS kind, COALESCE(v.stem, q.stem) AS stem, \
     COALESCE(v.options, q.options) AS options, \
     COALESCE(v.answer_key, q.answer_key) AS answer_key, \
     COALESCE(v.explanation, q.explanation) AS explanation, \
     COALESCE(v.source, q.source) AS source \
     FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id \
     LEFT JOIN question_versions v \
       ON v.question_id = aq.question_id AND v.version = aq.question_version \
     WHERE aq.attempt_id = $1";

pub async fn attempt_questions(
    conn: &mut AnyConnection,
    attempt_id: i64,
) -> sqlx::Result<Vec<AttemptQuestionRow>> {
    sqlx::query_as(&format!("{ATTEMPT_QUESTION_SELECT} ORDER BY aq.position"))
        .bind(attempt_id)
        .fetch_all(conn)
        .await
}

/// What saving an answer checks, read in one statement: the attempt's state, its quiz's,
/// and the question at the position.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SaveTarget {
    pub user_id: i64,
    pub closed_by_quiz: i64,
    pub submitted_at: Option<i64>,
    pub deadline_at: Option<i64>,
    pub quiz_kind: String,
    pub quiz_status: String,
    pub quiz_closes_at: Option<i64>,
    #[sqlx(flatten)]
    pub question: AttemptQuestionRow,
}

/// The [`SaveTarget`] of attempt `attempt_id` at `position`; `None` when either is missing.
pub async fn save_target(
    conn: &mut AnyConnection,
    attempt_id: i64,
    position: i64,
) -> sqlx::Result<Option<SaveTarget>> {
    sqlx::query_as(
        "SELECT a.user_id, a.closed_by_quiz, a.submitted_at, a.deadline_at, \
         z.kind AS quiz_kind, z.status AS quiz_status, z.closes_at AS quiz_closes_at, \
         aq.position, aq.question_id, aq.option_order, aq.answer, aq.answered_at, aq.correct, \
         COALESCE(v.kind, q.kind) AS kind, COALESCE(v.stem, q.stem) AS stem, \
         COALESCE(v.options, q.options) AS options, \
         COALESCE(v.answer_key, q.answer_key) AS answer_key, \
         COALESCE(v.explanation, q.explanation) AS explanation, \
         COALESCE(v.source, q.source) AS source \
         FROM attempts a JOIN quizzes z ON z.id = a.quiz_id \
         JOIN attempt_questions aq ON aq.attempt_id = a.id AND aq.position = $2 \
         JOIN questions q ON q.id = aq.question_id \
         LEFT JOIN question_versions v \
           ON v.question_id = aq.question_id AND v.version = aq.question_version \
         WHERE a.id = $1",
    )
    .bind(attempt_id)
    .bind(position)
    .fetch_optional(conn)
    .await
}

pub async fn save_answer(
    conn: &mut AnyConnection,
    attempt_id: i64,
    position: i64,
    answer: &str,
    now: i64,
    correct: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE attempt_questions SET answer = $1, answered_at = $2, correct = $3 \
         WHERE attempt_id = $4 AND position = $5",
    )
    .bind(answer)
    .bind(now)
    .bind(correct)
    .bind(attempt_id)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an attempt submitted (`by_quiz`: closed with its quiz) if nobody did yet; true for
/// the one caller that wins.
pub async fn claim_submission(
    conn: &mut AnyConnection,
    attempt_id: i64,
    now: i64,
    by_quiz: bool,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE attempts SET submitted_at = $1, closed_by_quiz = $2 \
         WHERE id = $3 AND submitted_at IS NULL",
    )
    .bind(now)
    .bind(i64::from(by_quiz))
    .bind(attempt_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Marks every unsubmitted attempt of a quiz submitted and closed with it, in one statement;
/// returns the ones this caller won (id, member), which it must now grade. A member's own
/// submission that got in first is not among them.
pub async fn claim_open_attempts(
    conn: &mut AnyConnection,
    quiz_id: i64,
    now: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "UPDATE attempts SET submitted_at = $1, closed_by_quiz = 1 \
         WHERE quiz_id = $2 AND submitted_at IS NULL RETURNING id, user_id",
    )
    .bind(now)
    .bind(quiz_id)
    .fetch_all(conn)
    .await
}

/// Notes that a graded attempt has wrong answers waiting for their keys to be revealed.
pub async fn set_mistakes_pending(conn: &mut AnyConnection, attempt_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE attempts SET mistakes_pending = 1 WHERE id = $1")
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member's graded attempts whose wrong answers wait for their keys: (attempt, quiz).
pub async fn pending_mistake_attempts(
    conn: &mut AnyConnection,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, quiz_id FROM attempts WHERE user_id = $1 AND mistakes_pending = 1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// Takes an attempt's pending wrong answers for the mistake book; true for the one caller
/// that wins (so they are recorded once).
pub async fn release_pending_mistakes(
    conn: &mut AnyConnection,
    attempt_id: i64,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE attempts SET mistakes_pending = 0 WHERE id = $1 AND mistakes_pending = 1",
    )
    .bind(attempt_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The questions graded wrong in an attempt, in order, each with the stored answer
/// (`None` when left unanswered).
pub async fn wrong_questions(
    conn: &mut AnyConnection,
    attempt_id: i64,
) -> sqlx::Result<Vec<(i64, Option<String>)>> {
    sqlx::query_as(
        "SELECT question_id, answer FROM attempt_questions WHERE attempt_id = $1 AND correct = 0 \
         ORDER BY position",
    )
    .bind(attempt_id)
    .fetch_all(conn)
    .await
}

pub async fn store_grade(
    conn: &mut AnyConnection,
    attempt_id: i64,
    position: i64,
    correct: bool,
    score_milli: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE attempt_questions SET correct = $1, score_milli = $2 WHERE attempt_id = $3 AND position = $4",
    )
    .bind(i64::from(correct))
    .bind(score_milli)
    .bind(attempt_id)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn store_result(
    conn: &mut AnyConnection,
    attempt_id: i64,
    correct_count: i64,
    score_milli: i64,
    question_count: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE attempts SET correct_count = $1, score_milli = $2, question_count = $3 WHERE id = $4",
    )
    .bind(correct_count)
    .bind(score_milli)
    .bind(question_count)
    .bind(attempt_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which questions a draw may use and in what order of preference.
#[derive(Debug, Clone, Default)]
pub struct DrawFilter {
    /// Empty: every category.
    pub category_ids: Vec<i64>,
    pub difficulty: Option<i64>,
    /// The quiz's owning unit: its own questions join the organization's bank. A quiz of
    /// the organization draws from the organization's bank only.
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    // issue 17 quiz builder
    /// Only this question kind (a wire name from `QuestionKind::as_str`, never user text).
    pub kind: Option<&'static str>,
}

/// Candidate questions for a draw: id and whether the member answered it right in the
/// last 30 days (those go last).
pub async fn draw_candidates(
    conn: &mut AnyConnection,
    user_id: i64,
    filter: &DrawFilter,
    since: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let mut cond = vec![format!(
        "((q.owner_branch_id IS NULL AND q.owner_youth_group_id IS NULL){}{})",
        filter
            .owner_branch_id
            .map(|b| format!(" OR q.owner_branch_id = {b}"))
            .unwrap_or_default(),
        filter
            .owner_youth_group_id
            .map(|g| format!(" OR q.owner_youth_group_id = {g}"))
            .unwrap_or_default()
    )];
    if !filter.category_ids.is_empty() {
        cond.push(format!(
            "q.category_id IN ({})",
            id_list(&filter.category_ids)
        ));
    }
    if let Some(d) = filter.difficulty {
        cond.push(format!("q.difficulty = {d}"));
    }
    if let Some(k) = filter.kind {
        cond.push(format!("q.kind = '{k}'"));
    }
    sqlx::query_as(&format!(
        // The member's own recent attempts drive the count (index attempts_user), so a
        // start costs the same on the first day as after a year of everyone's attempts;
        // counting per question from attempt_questions grew with the whole organization's.
        "SELECT q.id, COALESCE(mine.n, 0) FROM questions q LEFT JOIN \
           (SELECT aq.question_id, COUNT(*) AS n FROM attempts a \
              JOIN attempt_questions aq ON aq.attempt_id = a.id \
             WHERE a.user_id = $1 AND a.submitted_at > $2 AND aq.correct = 1 \
             GROUP BY aq.question_id) mine ON mine.question_id = q.id \
         WHERE {} ORDER BY q.id",
        cond.join(" AND ")
    ))
    .bind(user_id)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// A quiz's draw rules: (category, count, difficulty, kind), in order.
pub async fn draw_rules(
    conn: &mut AnyConnection,
    quiz_id: i64,
) -> sqlx::Result<Vec<(i64, i64, Option<i64>, Option<String>)>> {
    sqlx::query_as(
        "SELECT category_id, count, difficulty, kind FROM quiz_draw_rules WHERE quiz_id = $1 ORDER BY position",
    )
    .bind(quiz_id)
    .fetch_all(conn)
    .await
}

pub async fn fixed_questions(conn: &mut AnyConnection, quiz_id: i64) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT question_id FROM quiz_questions WHERE quiz_id = $1 ORDER BY position",
    )
    .bind(quiz_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The categories a quiz draws from: its own, else its module's, else none (= all).
pub async fn draw_categories(conn: &mut AnyConnection, quiz: &QuizRow) -> sqlx::Result<Vec<i64>> {
    let own: Vec<(i64,)> =
        sqlx::query_as("SELECT category_id FROM quiz_categories WHERE quiz_id = $1")
            .bind(quiz.id)
            .fetch_all(&mut *conn)
            .await?;
    if !own.is_empty() {
        return Ok(own.into_iter().map(|(c,)| c).collect());
    }
    if let Some(m) = quiz.module_id {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT category_id FROM module_categories WHERE module_id = $1")
                .bind(m)
                .fetch_all(conn)
                .await?;
        return Ok(rows.into_iter().map(|(c,)| c).collect());
    }
    Ok(Vec::new())
}

/// Uncleared mistakes of a member: question ids, most recent first.
pub async fn open_mistake_ids(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT question_id FROM mistakes WHERE user_id = $1 AND cleared_at IS NULL ORDER BY last_wrong_at DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MistakeRow {
    pub question_id: i64,
    pub wrong_count: i64,
    pub right_days: i64,
    pub last_right_day: Option<String>,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer_key: String,
    pub explanation: String,
    pub source: String,
    pub category: String,
    pub module_title: Option<String>,
    /// JSON of the latest wrong answer (`null`: left unanswered).
    pub last_answer: Option<String>,
}

pub async fn mistakes(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<Vec<MistakeRow>> {
    sqlx::query_as(
        "SELECT mi.question_id, mi.wrong_count, mi.right_days, mi.last_right_day, q.kind, q.stem, \
         q.options, q.answer_key, q.explanation, q.source, c.name AS category, mi.last_answer, \
         (SELECT m.title FROM module_categories mc JOIN modules m ON m.id = mc.module_id \
            WHERE mc.category_id = q.category_id ORDER BY m.id LIMIT 1) AS module_title \
         FROM mistakes mi JOIN questions q ON q.id = mi.question_id \
         JOIN question_categories c ON c.id = q.category_id \
         WHERE mi.user_id = $1 AND mi.cleared_at IS NULL \
         ORDER BY module_title, c.name, mi.last_wrong_at DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// Counts a wrong answer (`answer`: the stored JSON, `None` when left unanswered): into
/// the book, or back into it (the practice starts over). One upsert, so two gradings of
/// one member at once (a quiz closing while they submit another) cannot both insert.
pub async fn record_wrong(
    conn: &mut AnyConnection,
    user_id: i64,
    question_id: i64,
    answer: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO mistakes (user_id, question_id, wrong_count, last_wrong_at, right_days, last_answer) \
         VALUES ($1, $2, 1, $3, 0, $4) ON CONFLICT (user_id, question_id) DO UPDATE SET \
         wrong_count = mistakes.wrong_count + 1, last_wrong_at = $3, right_days = 0, \
         last_right_day = NULL, cleared_at = NULL, last_answer = $4",
    )
    .bind(user_id)
    .bind(question_id)
    .bind(now)
    .bind(answer.unwrap_or("null"))
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a right answer from mistake practice on `day`; the second distinct day clears it.
pub async fn record_right_in_practice(
    conn: &mut AnyConnection,
    user_id: i64,
    question_id: i64,
    day: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mistakes SET right_days = right_days + 1, last_right_day = $1, \
         cleared_at = CASE WHEN right_days + 1 >= 2 THEN $2 ELSE NULL END \
         WHERE user_id = $3 AND question_id = $4 AND cleared_at IS NULL \
         AND (last_right_day IS NULL OR last_right_day <> $1)",
    )
    .bind(day)
    .bind(now)
    .bind(user_id)
    .bind(question_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A quiz to seed, created once by slug and then left to organizers.
pub struct SeedQuiz<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub module_id: Option<i64>,
    pub question_count: i64,
    pub time_limit_secs: Option<i64>,
    pub pass_mark: Option<i64>,
    pub max_attempts: Option<i64>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub required: bool,
}

/// Inserts the quiz unless its slug exists; returns its id and whether it was created.
pub async fn insert_quiz_if_missing(
    conn: &mut AnyConnection,
    q: &SeedQuiz<'_>,
) -> sqlx::Result<(i64, bool)> {
    if let Some(existing) = quiz_by_slug(conn, q.slug).await? {
        return Ok((existing.id, false));
    }
    let now = super::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quizzes (slug, title, kind, module_id, audience, question_count, time_limit_secs, \
         pass_mark, max_attempts, opens_at, closes_at, required, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'all', $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(q.slug)
    .bind(q.title)
    .bind(q.kind)
    .bind(q.module_id)
    .bind(q.question_count)
    .bind(q.time_limit_secs)
    .bind(q.pass_mark)
    .bind(q.max_attempts)
    .bind(q.opens_at)
    .bind(q.closes_at)
    .bind(i64::from(q.required))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok((id, true))
}

pub async fn link_module_category(
    conn: &mut AnyConnection,
    module_id: i64,
    category: &str,
) -> sqlx::Result<Option<i64>> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM question_categories WHERE name = $1")
            .bind(category)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((category_id,)) = found else {
        return Ok(None);
    };
    sqlx::query("INSERT INTO module_categories (module_id, category_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(module_id)
        .bind(category_id)
        .execute(conn)
        .await?;
    Ok(Some(category_id))
}

/// Fixes a quiz's question list to the first `n` questions of a category.
pub async fn fix_questions_from_category(
    conn: &mut AnyConnection,
    quiz_id: i64,
    category_id: i64,
    n: i64,
) -> sqlx::Result<()> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM questions WHERE category_id = $1 ORDER BY stable_id LIMIT $2",
    )
    .bind(category_id)
    .bind(n)
    .fetch_all(&mut *conn)
    .await?;
    for (i, (qid,)) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO quiz_questions (quiz_id, question_id, position) VALUES ($1, $2, $3)",
        )
        .bind(quiz_id)
        .bind(qid)
        .bind(i as i64 + 1)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE quizzes SET question_count = $1 WHERE id = $2")
        .bind(ids.len() as i64)
        .bind(quiz_id)
        .execute(conn)
        .await?;
    Ok(())
}
