//! Queries on question categories and questions.

use sqlx::AnyConnection;

use super::now_ms;
use crate::domain::question_bank::BankQuestion;

/// The id of a category, created if missing.
pub async fn ensure_category(conn: &mut AnyConnection, name: &str) -> sqlx::Result<i64> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM question_categories WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id,)) = found {
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO question_categories (name, created_at) VALUES ($1, $2) RETURNING id",
    )
    .bind(name)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The content hash of a stored question, by stable id.
pub async fn hash_of(conn: &mut AnyConnection, stable_id: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT content_hash FROM questions WHERE stable_id = $1")
            .bind(stable_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(h,)| h))
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

pub async fn insert(
    conn: &mut AnyConnection,
    q: &BankQuestion,
    category_id: i64,
    hash: &str,
) -> sqlx::Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO questions (stable_id, category_id, kind, stem, options, answer_key, \
         explanation, source, difficulty, tags, content_hash, origin, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&q.stable_id)
    .bind(category_id)
    .bind(kind_str(q))
    .bind(&q.draft.stem)
    .bind(json(&q.draft.options))
    .bind(json(&q.draft.key))
    .bind(&q.draft.explanation)
    .bind(&q.draft.source)
    .bind(i64::from(q.draft.difficulty))
    .bind(json(&q.draft.tags))
    .bind(hash)
    .bind(&q.origin)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(
    conn: &mut AnyConnection,
    q: &BankQuestion,
    category_id: i64,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE questions SET category_id = $1, kind = $2, stem = $3, options = $4, \
         answer_key = $5, explanation = $6, source = $7, difficulty = $8, tags = $9, \
         content_hash = $10, origin = $11, updated_at = $12 WHERE stable_id = $13",
    )
    .bind(category_id)
    .bind(kind_str(q))
    .bind(&q.draft.stem)
    .bind(json(&q.draft.options))
    .bind(json(&q.draft.key))
    .bind(&q.draft.explanation)
    .bind(&q.draft.source)
    .bind(i64::from(q.draft.difficulty))
    .bind(json(&q.draft.tags))
    .bind(hash)
    .bind(&q.origin)
    .bind(now_ms())
    .bind(&q.stable_id)
    .execute(conn)
    .await?;
    Ok(())
}

fn kind_str(q: &BankQuestion) -> &'static str {
    use shared::grading::QuestionKind::*;
    match q.draft.kind {
        Single => "single",
        Multiple => "multiple",
        TrueFalse => "true_false",
        FillIn => "fill_in",
    }
}
