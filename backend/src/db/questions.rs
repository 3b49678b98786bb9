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

/// Every stored question's content hash, by stable id (one query for a whole load).
pub async fn all_hashes(
    conn: &mut AnyConnection,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT stable_id, content_hash FROM questions")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Rows per multi-row INSERT: 13 values each stays far below every driver's bind limit.
const INSERT_CHUNK: usize = 50;

/// Inserts new questions, many rows per statement; `rows` are (question, category id, hash).
pub async fn insert_many(
    conn: &mut AnyConnection,
    rows: &[(&BankQuestion, i64, String)],
) -> sqlx::Result<()> {
    let now = now_ms();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 12;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, $1, $1)",
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9,
                    b + 10,
                    b + 11,
                    b + 12,
                    b + 13
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO questions (stable_id, category_id, kind, stem, options, answer_key, \
             explanation, source, difficulty, tags, content_hash, origin, created_at, updated_at) \
             VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(now);
        for (q, category_id, hash) in chunk {
            query = query
                .bind(&q.stable_id)
                .bind(*category_id)
                .bind(kind_str(q))
                .bind(&q.draft.stem)
                .bind(json(&q.draft.options))
                .bind(json(&q.draft.key))
                .bind(&q.draft.explanation)
                .bind(&q.draft.source)
                .bind(i64::from(q.draft.difficulty))
                .bind(json(&q.draft.tags))
                .bind(hash)
                .bind(&q.origin);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
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
