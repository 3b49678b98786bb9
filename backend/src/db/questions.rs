//! Queries on question categories and questions.

use sqlx::AnyConnection;

use shared::api::questions::Owner;
use shared::grading::QuestionKind;
use shared::question::QuestionDraft;

use super::{id_list, now_ms};
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

/// Rows per multi-row INSERT: 15 values each stays far below every driver's bind limit.
const INSERT_CHUNK: usize = 50;

/// Inserts new questions owned by `owner`, many rows per statement; `rows` are (question,
/// category id, hash).
pub async fn insert_many(
    conn: &mut AnyConnection,
    rows: &[(&BankQuestion, i64, String)],
    owner: Owner,
) -> sqlx::Result<()> {
    let now = now_ms();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = 3 + i * 12;
                let cols: Vec<String> = (1..=12).map(|k| format!("${}", b + k)).collect();
                format!("({}, $1, $1, $2, $3)", cols.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO questions (stable_id, category_id, kind, stem, options, answer_key, \
             explanation, source, difficulty, tags, content_hash, origin, created_at, updated_at, \
             owner_branch_id, owner_youth_group_id) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(now)
            .bind(owner.branch_id)
            .bind(owner.youth_group_id);
        for (q, category_id, hash) in chunk {
            query = query
                .bind(&q.stable_id)
                .bind(*category_id)
                .bind(kind_name(q.draft.kind))
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

/// A stored question as an import matches it: content hash and owner, by stable id.
pub type StoredKey = (String, Option<i64>, Option<i64>);

/// Every stored question's hash and owner, by stable id (one query for a whole import).
pub async fn stored_keys(
    conn: &mut AnyConnection,
) -> sqlx::Result<std::collections::HashMap<String, StoredKey>> {
    let rows: Vec<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT stable_id, content_hash, owner_branch_id, owner_youth_group_id FROM questions",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, h, b, g)| (id, (h, b, g)))
        .collect())
}

/// Questions to export: visible to the caller, in the given categories and/or with the
/// given ids, oldest first, at most `limit`.
pub async fn for_export(
    conn: &mut AnyConnection,
    visibility: &Visibility,
    category_ids: Option<&[i64]>,
    ids: Option<&[i64]>,
    limit: i64,
) -> sqlx::Result<Vec<QuestionRow>> {
    let mut conds: Vec<String> = visibility.condition().into_iter().collect();
    if let Some(c) = category_ids {
        conds.push(format!("q.category_id IN ({})", id_list(c)));
    }
    if let Some(i) = ids {
        conds.push(format!("q.id IN ({})", id_list(i)));
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q \
         JOIN question_categories c ON c.id = q.category_id {where_sql} ORDER BY q.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Writes a file's new content over the stored question with the same stable id (see
/// [`write_content`] for versions).
pub async fn update(
    conn: &mut AnyConnection,
    q: &BankQuestion,
    category_id: i64,
    hash: &str,
) -> sqlx::Result<()> {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM questions WHERE stable_id = $1")
        .bind(&q.stable_id)
        .fetch_one(&mut *conn)
        .await?;
    write_content(conn, id, &q.draft, category_id, Some(hash)).await?;
    sqlx::query("UPDATE questions SET origin = $1 WHERE id = $2")
        .bind(&q.origin)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a question's content. When an attempt holds the current version, that version
/// is first copied to `question_versions` and the version number goes up, so the attempt
/// keeps showing and grading what was asked. `hash` is the hash of what a file or import
/// said (`None` from the editor, which keeps the last one: an edit made in the app then
/// stands until the file itself changes). Returns (version, whether it is new).
pub async fn write_content(
    conn: &mut AnyConnection,
    id: i64,
    draft: &QuestionDraft,
    category_id: i64,
    hash: Option<&str>,
) -> sqlx::Result<(i64, bool)> {
    let now = now_ms();
    let (version, held): (i64, i64) = sqlx::query_as(
        "SELECT q.version, (SELECT COUNT(*) FROM (SELECT 1 FROM attempt_questions aq \
           WHERE aq.question_id = q.id AND aq.question_version = q.version LIMIT 1) held) \
         FROM questions q WHERE q.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let new_version = held == 1;
    if new_version {
        sqlx::query(
            "INSERT INTO question_versions (question_id, version, kind, stem, options, \
             answer_key, explanation, source, difficulty, tags, replaced_at) \
             SELECT id, version, kind, stem, options, answer_key, explanation, source, \
             difficulty, tags, $2 FROM questions WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    let version = version + i64::from(new_version);
    sqlx::query(
        "UPDATE questions SET category_id = $1, kind = $2, stem = $3, options = $4, \
         answer_key = $5, explanation = $6, source = $7, difficulty = $8, tags = $9, \
         content_hash = COALESCE($10, content_hash), updated_at = $11, version = $12 \
         WHERE id = $13",
    )
    .bind(category_id)
    .bind(kind_name(draft.kind))
    .bind(&draft.stem)
    .bind(json(&draft.options))
    .bind(json(&draft.key))
    .bind(&draft.explanation)
    .bind(&draft.source)
    .bind(i64::from(draft.difficulty))
    .bind(json(&draft.tags))
    .bind(hash)
    .bind(now)
    .bind(version)
    .bind(id)
    .execute(conn)
    .await?;
    Ok((version, new_version))
}

/// Inserts one question written in the editor; returns its id.
pub async fn insert_one(
    conn: &mut AnyConnection,
    stable_id: &str,
    category_id: i64,
    draft: &QuestionDraft,
    owner: Owner,
    hash: &str,
    origin: &str,
) -> sqlx::Result<i64> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO questions (stable_id, category_id, kind, stem, options, answer_key, \
         explanation, source, difficulty, tags, content_hash, origin, owner_branch_id, \
         owner_youth_group_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
         RETURNING id",
    )
    .bind(stable_id)
    .bind(category_id)
    .bind(kind_name(draft.kind))
    .bind(&draft.stem)
    .bind(json(&draft.options))
    .bind(json(&draft.key))
    .bind(&draft.explanation)
    .bind(&draft.source)
    .bind(i64::from(draft.difficulty))
    .bind(json(&draft.tags))
    .bind(hash)
    .bind(origin)
    .bind(owner.branch_id)
    .bind(owner.youth_group_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A question as the editor reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub stable_id: String,
    pub category_id: i64,
    pub category: String,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer_key: String,
    pub explanation: String,
    pub source: String,
    pub difficulty: i64,
    pub tags: String,
    pub version: i64,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
    pub open_reports: i64,
}

pub(crate) const QUESTION_COLUMNS: &str =
    "q.id, q.stable_id, q.category_id, c.name AS category, q.kind, \
    q.stem, q.options, q.answer_key, q.explanation, q.source, q.difficulty, q.tags, q.version, \
    q.owner_branch_id, q.owner_youth_group_id, \
    (SELECT COUNT(*) FROM question_reports r WHERE r.question_id = q.id AND r.status = 'open') \
    AS open_reports";

/// Which questions a caller sees: all (admins) or the organization's bank plus the
/// questions of the given branches and youth groups (organizers).
#[derive(Debug, Clone)]
pub enum Visibility {
    All,
    Within {
        branch_ids: Vec<i64>,
        youth_group_ids: Vec<i64>,
    },
}

impl Visibility {
    fn condition(&self) -> Option<String> {
        match self {
            Visibility::All => None,
            Visibility::Within {
                branch_ids,
                youth_group_ids,
            } => Some(format!(
                "((q.owner_branch_id IS NULL AND q.owner_youth_group_id IS NULL) \
                 OR q.owner_branch_id IN ({}) OR q.owner_youth_group_id IN ({}))",
                id_list(branch_ids),
                id_list(youth_group_ids)
            )),
        }
    }
}

/// Filters of a question search; text patterns are matched with LIKE.
#[derive(Debug, Clone)]
pub struct SearchFilter {
    pub visibility: Visibility,
    pub text: Option<String>,
    pub tag: Option<String>,
    pub category_ids: Option<Vec<i64>>,
    pub kind: Option<QuestionKind>,
    pub difficulty: Option<u8>,
    pub reported: bool,
    pub limit: i64,
    pub offset: i64,
}

fn like_pattern(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of matching questions (newest first) and the number of matches.
pub async fn search(
    conn: &mut AnyConnection,
    f: &SearchFilter,
) -> sqlx::Result<(Vec<QuestionRow>, i64)> {
    let mut conds: Vec<String> = f.visibility.condition().into_iter().collect();
    let mut binds: Vec<String> = Vec::new();
    if let Some(t) = &f.text {
        binds.push(like_pattern(t));
        let p = binds.len();
        conds.push(format!(
            "(q.stem LIKE ${p} ESCAPE '\\' OR q.explanation LIKE ${p} ESCAPE '\\' \
             OR q.source LIKE ${p} ESCAPE '\\')"
        ));
    }
    if let Some(tag) = &f.tag {
        // Tags are stored as a JSON array: match the quoted tag.
        binds.push(like_pattern(&json(tag)));
        conds.push(format!("q.tags LIKE ${} ESCAPE '\\'", binds.len()));
    }
    if let Some(ids) = &f.category_ids {
        conds.push(format!("q.category_id IN ({})", id_list(ids)));
    }
    if let Some(k) = f.kind {
        conds.push(format!("q.kind = '{}'", kind_name(k)));
    }
    if let Some(d) = f.difficulty {
        conds.push(format!("q.difficulty = {d}"));
    }
    if f.reported {
        conds.push(
            "EXISTS (SELECT 1 FROM question_reports r WHERE r.question_id = q.id \
             AND r.status = 'open')"
                .into(),
        );
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let n = binds.len();
    let rows_sql = format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q \
         JOIN question_categories c ON c.id = q.category_id {where_sql} \
         ORDER BY q.updated_at DESC, q.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let count_sql = format!("SELECT COUNT(*) FROM questions q {where_sql}");
    let mut rows_q = sqlx::query_as::<_, QuestionRow>(&rows_sql);
    let mut count_q = sqlx::query_as::<_, (i64,)>(&count_sql);
    for b in &binds {
        rows_q = rows_q.bind(b);
        count_q = count_q.bind(b);
    }
    let rows = rows_q
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut *conn)
        .await?;
    let (total,) = count_q.fetch_one(conn).await?;
    Ok((rows, total))
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<QuestionRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q \
         JOIN question_categories c ON c.id = q.category_id WHERE q.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A superseded version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub stem: String,
    pub options: String,
    pub answer_key: String,
    pub replaced_at: i64,
}

pub async fn versions(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT version, stem, options, answer_key, replaced_at FROM question_versions \
         WHERE question_id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// A category with its number of questions visible to the caller.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub question_count: i64,
}

pub async fn categories(
    conn: &mut AnyConnection,
    visibility: &Visibility,
) -> sqlx::Result<Vec<CategoryRow>> {
    let visible = visibility
        .condition()
        .map(|c| format!("AND {c}"))
        .unwrap_or_default();
    sqlx::query_as(&format!(
        "SELECT c.id, c.name, c.parent_id, \
         (SELECT COUNT(*) FROM questions q WHERE q.category_id = c.id {visible}) AS question_count \
         FROM question_categories c ORDER BY c.name"
    ))
    .fetch_all(conn)
    .await
}

/// Moves a question to another owner (the editor checks the caller may).
pub async fn set_owner(conn: &mut AnyConnection, id: i64, owner: Owner) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE questions SET owner_branch_id = $1, owner_youth_group_id = $2 WHERE id = $3",
    )
    .bind(owner.branch_id)
    .bind(owner.youth_group_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_category(
    conn: &mut AnyConnection,
    name: &str,
    parent_id: Option<i64>,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO question_categories (name, parent_id, created_at) VALUES ($1, $2, $3) \
         RETURNING id",
    )
    .bind(name)
    .bind(parent_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A report as staff read it, with the reporter's and forwarder's names and the question's
/// stem and owner (which decide who may act on it).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub question_id: i64,
    pub question_version: i64,
    pub reporter: String,
    pub comment: String,
    pub status: String,
    pub reply: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub reporter_id: i64,
    pub forwarded_at: Option<i64>,
    pub forwarded_by: Option<String>,
    pub forward_note: Option<String>,
    pub stem: String,
    pub owner_branch_id: Option<i64>,
    pub owner_youth_group_id: Option<i64>,
}

const REPORT_COLUMNS: &str =
    "r.id, r.question_id, r.question_version, u.display_name AS reporter, \
    r.comment, r.status, r.reply, r.created_at, r.resolved_at, r.user_id AS reporter_id, \
    r.forwarded_at, f.display_name AS forwarded_by, r.forward_note, q.stem, \
    q.owner_branch_id, q.owner_youth_group_id";

const REPORT_FROM: &str = "question_reports r JOIN users u ON u.id = r.user_id \
    JOIN questions q ON q.id = r.question_id LEFT JOIN users f ON f.id = r.forwarded_by";

/// A member's own report with the question's current stem.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyReportRow {
    pub id: i64,
    pub question_id: i64,
    pub stem: String,
    pub comment: String,
    pub status: String,
    pub reply: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

/// `user_id`'s reports, newest first (at most `limit`).
pub async fn reports_by(
    conn: &mut AnyConnection,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<MyReportRow>> {
    sqlx::query_as(
        "SELECT r.id, r.question_id, q.stem, r.comment, r.status, r.reply, r.created_at, \
         r.resolved_at FROM question_reports r JOIN questions q ON q.id = r.question_id \
         WHERE r.user_id = $1 ORDER BY r.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn reports_for(
    conn: &mut AnyConnection,
    question_id: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.question_id = $1 ORDER BY r.id DESC"
    ))
    .bind(question_id)
    .fetch_all(conn)
    .await
}

pub async fn report_by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<ReportRow>> {
    sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Who a report queue is for.
#[derive(Debug, Clone)]
pub enum ReportScope {
    /// An admin: every report.
    All,
    /// An organizer: reports on their units' questions, and reports on organization
    /// questions made by members of their units (whom they answer to).
    Within {
        branch_ids: Vec<i64>,
        youth_group_ids: Vec<i64>,
    },
}

/// Open reports in `scope`, oldest first (at most `limit`); only forwarded ones if
/// `forwarded_only`.
pub async fn open_reports(
    conn: &mut AnyConnection,
    scope: &ReportScope,
    forwarded_only: bool,
    limit: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    let mut conds = vec!["r.status = 'open'".to_string()];
    if forwarded_only {
        conds.push("r.forwarded_at IS NOT NULL".into());
    }
    if let ReportScope::Within {
        branch_ids,
        youth_group_ids,
    } = scope
    {
        let (b, g) = (id_list(branch_ids), id_list(youth_group_ids));
        conds.push(format!(
            "(q.owner_branch_id IN ({b}) OR q.owner_youth_group_id IN ({g}) \
             OR (q.owner_branch_id IS NULL AND q.owner_youth_group_id IS NULL \
                 AND (u.branch_id IN ({b}) OR u.youth_group_id IN ({g}))))"
        ));
    }
    sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE {} ORDER BY r.id LIMIT $1",
        conds.join(" AND ")
    ))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Marks an open, not yet forwarded report as forwarded; false when it was not.
pub async fn forward_report(
    conn: &mut AnyConnection,
    id: i64,
    note: &str,
    by: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_reports SET forwarded_by = $1, forwarded_at = $2, forward_note = $3 \
         WHERE id = $4 AND status = 'open' AND forwarded_at IS NULL",
    )
    .bind(by)
    .bind(now_ms())
    .bind(note)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest version of `question_id` that `user_id` was shown in an attempt, if any.
pub async fn seen_version(
    conn: &mut AnyConnection,
    user_id: i64,
    question_id: i64,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT MAX(aq.question_version) FROM attempt_questions aq \
         JOIN attempts a ON a.id = aq.attempt_id WHERE a.user_id = $1 AND aq.question_id = $2",
    )
    .bind(user_id)
    .bind(question_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(v,)| v))
}

pub async fn insert_report(
    conn: &mut AnyConnection,
    question_id: i64,
    version: i64,
    user_id: i64,
    comment: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO question_reports (question_id, question_version, user_id, comment, \
         created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(question_id)
    .bind(version)
    .bind(user_id)
    .bind(comment)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Closes an open report; false when it was no longer open.
pub async fn resolve_report(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    reply: Option<&str>,
    by: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE question_reports SET status = $1, reply = $2, resolved_by = $3, \
         resolved_at = $4 WHERE id = $5 AND status = 'open'",
    )
    .bind(status)
    .bind(reply)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The wire name of a question kind, as stored.
pub fn kind_name(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "single",
        QuestionKind::Multiple => "multiple",
        QuestionKind::TrueFalse => "true_false",
        QuestionKind::FillIn => "fill_in",
    }
}
