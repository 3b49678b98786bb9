//! The question bank editor: organizers and admins search, read and edit questions in their
//! scope, keep the category tree, and answer members' error reports (答题纠错).
//!
//! Scope: admins see and edit every question. Organizers see the organization's own bank
//! (questions owned by no unit; read-only for them) and the questions of their branches and
//! youth groups, which they edit. Editing a question that an attempt holds makes a new
//! version (see `db::questions::write_content`), so past results never change.

use std::collections::HashMap;

use rand::Rng;
use shared::api::auth::Role;
use shared::api::questions::{
    Category, CategoryInput, ForwardReport, MyReport, NewReport, Owner, QuestionDetail,
    QuestionInput, QuestionItem, QuestionPage, QuestionQuery, QuestionReport, QuestionSaved,
    QuestionVersion, ReportQueue, ReportQueueItem, ReportQueueQuery, ReportStatus, ResolveReport,
    MAX_REPORT_CHARS, MAX_REPORT_QUEUE,
};
use shared::api::Created;
use shared::grading::{AnswerKey, QuestionKind};
use shared::question::{self, QuestionDraft};

use crate::auth::SessionUser;
use crate::db::questions::{self as q_db, QuestionRow, SearchFilter, Visibility};
use crate::db::{self, is_unique_violation, now_ms, org::Unit, Db};
use crate::domain::audit;
use crate::domain::question_bank::draft_hash;
use crate::error::{AppError, AppResult};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
/// Longest category name, in characters.
pub const MAX_CATEGORY_CHARS: usize = 40;

fn visibility(user: &SessionUser) -> Visibility {
    if user.is_admin() {
        Visibility::All
    } else {
        Visibility::Within {
            branch_ids: user.scope.branch_ids.clone(),
            youth_group_ids: user.scope.youth_group_ids.clone(),
        }
    }
}

/// Whether `user` may see a question owned by `owner`.
fn can_see(user: &SessionUser, owner: Owner) -> bool {
    user.is_admin() || owner == Owner::default() || can_edit(user, owner)
}

/// Whether `user` may edit a question owned by `owner` (or give a question that owner).
pub fn can_edit(user: &SessionUser, owner: Owner) -> bool {
    if user.is_admin() {
        return true;
    }
    match owner {
        Owner {
            branch_id: Some(b),
            youth_group_id: None,
        } => user.scope.branch_ids.contains(&b),
        Owner {
            branch_id: None,
            youth_group_id: Some(g),
        } => user.scope.youth_group_ids.contains(&g),
        _ => false,
    }
}

fn owner_of(row: &QuestionRow) -> Owner {
    Owner {
        branch_id: row.owner_branch_id,
        youth_group_id: row.owner_youth_group_id,
    }
}

fn kind_of(name: &str) -> AppResult<QuestionKind> {
    serde_json::from_value(serde_json::Value::String(name.into())).map_err(AppError::internal)
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(AppError::internal)
}

fn item(user: &SessionUser, row: &QuestionRow) -> AppResult<QuestionItem> {
    Ok(QuestionItem {
        id: row.id,
        stable_id: row.stable_id.clone(),
        category_id: row.category_id,
        category: row.category.clone(),
        kind: kind_of(&row.kind)?,
        stem: row.stem.clone(),
        difficulty: u8::try_from(row.difficulty).unwrap_or(2),
        tags: parse_json(&row.tags)?,
        version: row.version,
        owner: owner_of(row),
        editable: can_edit(user, owner_of(row)),
        open_reports: row.open_reports,
    })
}

/// Ids of `root` and every category below it.
pub(crate) fn with_descendants(all: &[q_db::CategoryRow], root: i64) -> Vec<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in all {
        if let Some(p) = c.parent_id {
            children.entry(p).or_default().push(c.id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            out.extend(kids.iter().filter(|k| !out.contains(k)).collect::<Vec<_>>());
        }
        i += 1;
    }
    out
}

/// Questions in the caller's scope matching every filter, newest edits first.
pub async fn list(db: &Db, user: &SessionUser, q: QuestionQuery) -> AppResult<QuestionPage> {
    user.require_staff()?;
    let per_page = q
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let mut conn = db.pool.acquire().await?;
    let visibility = visibility(user);
    let category_ids = match q.category_id {
        Some(root) => Some(with_descendants(
            &q_db::categories(&mut conn, &visibility).await?,
            root,
        )),
        None => None,
    };
    let text = |s: Option<String>| {
        s.map(|s| s.trim().chars().take(64).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    let filter = SearchFilter {
        visibility,
        text: text(q.q),
        tag: text(q.tag),
        category_ids,
        kind: q.kind,
        difficulty: q.difficulty,
        reported: q.reported.unwrap_or(false),
        limit: i64::from(per_page),
        offset: i64::from(page - 1) * i64::from(per_page),
    };
    let (rows, total) = q_db::search(&mut conn, &filter).await?;
    let items = rows
        .iter()
        .map(|r| item(user, r))
        .collect::<AppResult<_>>()?;
    Ok(QuestionPage {
        items,
        total,
        page,
        per_page,
    })
}

async fn visible_row(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<QuestionRow> {
    match q_db::by_id(conn, id).await? {
        Some(row) if can_see(user, owner_of(&row)) => Ok(row),
        _ => Err(AppError::NotFound("题目")),
    }
}

/// One question with its key, earlier versions and error reports.
pub async fn get(db: &Db, user: &SessionUser, id: i64) -> AppResult<QuestionDetail> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let row = visible_row(&mut conn, user, id).await?;
    let versions = q_db::versions(&mut conn, id)
        .await?
        .into_iter()
        .map(|v| {
            Ok(QuestionVersion {
                version: v.version,
                stem: v.stem,
                options: parse_json(&v.options)?,
                key: parse_json(&v.answer_key)?,
                replaced_at: v.replaced_at,
            })
        })
        .collect::<AppResult<_>>()?;
    let reports = q_db::reports_for(&mut conn, id)
        .await?
        .into_iter()
        .map(|r| report(user, r))
        .collect();
    Ok(QuestionDetail {
        item: item(user, &row)?,
        options: parse_json(&row.options)?,
        key: parse_json(&row.answer_key)?,
        explanation: row.explanation,
        source: row.source,
        versions,
        reports,
    })
}

/// Whether the report is still open.
fn is_open(r: &q_db::ReportRow) -> bool {
    ReportStatus::parse(&r.status) == Some(ReportStatus::Open)
}

fn report_owner(r: &q_db::ReportRow) -> Owner {
    Owner {
        branch_id: r.owner_branch_id,
        youth_group_id: r.owner_youth_group_id,
    }
}

/// Whether `user` may resolve the report now: it is open and the question is theirs to
/// edit (admins: every question; organizers: their units').
fn can_resolve(user: &SessionUser, r: &q_db::ReportRow) -> bool {
    is_open(r) && can_edit(user, report_owner(r))
}

/// Whether `user` may forward the report to the admins now: an organizer, on an open report
/// about an organization question (which they cannot edit), not forwarded yet.
fn can_forward(user: &SessionUser, r: &q_db::ReportRow) -> bool {
    user.role == Role::Organizer
        && is_open(r)
        && r.forwarded_at.is_none()
        && report_owner(r) == Owner::default()
}

fn report(user: &SessionUser, r: q_db::ReportRow) -> QuestionReport {
    QuestionReport {
        can_resolve: can_resolve(user, &r),
        can_forward: can_forward(user, &r),
        id: r.id,
        question_id: r.question_id,
        question_version: r.question_version,
        reporter: r.reporter,
        comment: r.comment,
        status: ReportStatus::parse(&r.status).unwrap_or(ReportStatus::Open),
        reply: r.reply,
        created_at: r.created_at,
        resolved_at: r.resolved_at,
        forwarded_at: r.forwarded_at,
        forwarded_by: r.forwarded_by,
        forward_note: r.forward_note,
    }
}

/// The draft an input describes, trimmed and validated (the error names the field).
fn draft_of(input: &QuestionInput) -> AppResult<QuestionDraft> {
    let trim = |s: &str| s.trim().to_string();
    let key = match &input.key {
        AnswerKey::FillIn { blanks } => AnswerKey::FillIn {
            blanks: blanks
                .iter()
                .map(|alts| {
                    alts.iter()
                        .map(|a| trim(a))
                        .filter(|a| !a.is_empty())
                        .collect()
                })
                .collect(),
        },
        k => k.clone(),
    };
    let draft = QuestionDraft {
        kind: input.kind,
        stem: trim(&input.stem),
        options: input.options.iter().map(|o| trim(o)).collect(),
        key,
        explanation: trim(&input.explanation),
        source: trim(&input.source),
        difficulty: input.difficulty,
        tags: input.tags.iter().map(|t| trim(t)).collect(),
    };
    question::validate(&draft)?;
    Ok(draft)
}

/// Checks the owner named in an input: one unit at most, existing, and the caller's.
/// Checks that `owner` names at most one existing unit that `user` may give things to.
pub(crate) async fn check_owner(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    owner: Owner,
) -> AppResult<()> {
    let unit = match owner {
        Owner {
            branch_id: Some(_),
            youth_group_id: Some(_),
        } => {
            return Err(AppError::validation(
                "owner",
                "只能属于一个党支部或一个青年理论学习小组",
            ))
        }
        Owner {
            branch_id: Some(b), ..
        } => Some((Unit::Branch, b)),
        Owner {
            youth_group_id: Some(g),
            ..
        } => Some((Unit::YouthGroup, g)),
        _ => None,
    };
    if let Some((kind, id)) = unit {
        if !db::org::unit_exists(conn, kind, id).await? {
            return Err(AppError::validation("owner", "所选党支部或小组不存在"));
        }
    }
    if !can_edit(user, owner) {
        return Err(AppError::validation(
            "owner",
            if user.is_admin() {
                "无法设置该归属"
            } else {
                "请选择您负责的党支部或青年理论学习小组"
            },
        ));
    }
    Ok(())
}

async fn category_name(conn: &mut sqlx::AnyConnection, id: i64) -> AppResult<String> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT name FROM question_categories WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    found
        .map(|(n,)| n)
        .ok_or_else(|| AppError::validation("category_id", "分类不存在"))
}

/// A new question in the caller's scope (organizers: owned by one of their units).
pub async fn create(db: &Db, user: &SessionUser, input: QuestionInput) -> AppResult<QuestionSaved> {
    user.require_staff()?;
    let draft = draft_of(&input)?;
    let mut tx = db.begin_write().await?;
    check_owner(&mut tx, user, input.owner).await?;
    let category = category_name(&mut tx, input.category_id).await?;
    let stable_id = format!("q-{:012x}", rand::thread_rng().gen::<u64>() >> 16);
    let origin = format!("editor:{}", user.username);
    let hash = draft_hash(&category, &draft);
    let id = q_db::insert_one(
        &mut tx,
        &stable_id,
        input.category_id,
        &draft,
        input.owner,
        &hash,
        &origin,
    )
    .await?;
    audit::record(
        &mut tx,
        user,
        "create",
        "question",
        Some(id.to_string()),
        None,
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(QuestionSaved {
        id,
        version: 1,
        new_version: false,
    })
}

/// A stored question as the audit log keeps it (the fields an edit can change).
fn audit_view(row: &QuestionRow) -> serde_json::Value {
    let parsed = |t: &str| serde_json::from_str(t).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "category_id": row.category_id, "kind": row.kind, "stem": row.stem,
        "options": parsed(&row.options), "key": parsed(&row.answer_key),
        "explanation": row.explanation, "source": row.source, "difficulty": row.difficulty,
        "tags": parsed(&row.tags), "owner": owner_of(row), "version": row.version,
    })
}

/// Saves every field of a question the caller may edit. When past attempts hold the
/// current version, the edit becomes a new version.
pub async fn update(
    db: &Db,
    user: &SessionUser,
    id: i64,
    input: QuestionInput,
) -> AppResult<QuestionSaved> {
    user.require_staff()?;
    let draft = draft_of(&input)?;
    let mut tx = db.begin_write().await?;
    let row = visible_row(&mut tx, user, id).await?;
    if !can_edit(user, owner_of(&row)) {
        return Err(AppError::Forbidden);
    }
    if input.owner != owner_of(&row) {
        check_owner(&mut tx, user, input.owner).await?;
        q_db::set_owner(&mut tx, id, input.owner).await?;
    }
    category_name(&mut tx, input.category_id).await?;
    let (version, new_version) =
        q_db::write_content(&mut tx, id, &draft, input.category_id, None).await?;
    audit::record(
        &mut tx,
        user,
        "update",
        "question",
        Some(id.to_string()),
        Some(audit_view(&row)),
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(QuestionSaved {
        id,
        version,
        new_version,
    })
}

/// The category tree, parents before their children, each level by name.
pub async fn categories(db: &Db, user: &SessionUser) -> AppResult<Vec<Category>> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let rows = q_db::categories(&mut conn, &visibility(user)).await?;
    Ok(tree_order(rows))
}

/// Orders categories depth-first from the roots (rows come sorted by name); a category
/// whose parent is missing counts as a root.
fn tree_order(rows: Vec<q_db::CategoryRow>) -> Vec<Category> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut children: HashMap<Option<i64>, Vec<&q_db::CategoryRow>> = HashMap::new();
    for r in &rows {
        let parent = r.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(r);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<&q_db::CategoryRow> = children
        .get(&None)
        .into_iter()
        .flatten()
        .rev()
        .copied()
        .collect();
    while let Some(r) = stack.pop() {
        out.push(Category {
            id: r.id,
            name: r.name.clone(),
            parent_id: r.parent_id,
            question_count: r.question_count,
        });
        if out.len() > rows.len() {
            break; // a cycle cannot be stored, but never loop on one
        }
        stack.extend(children.get(&Some(r.id)).into_iter().flatten().rev());
    }
    out
}

/// A new category (staff). Names are unique across the tree.
pub async fn create_category(
    db: &Db,
    user: &SessionUser,
    input: CategoryInput,
) -> AppResult<Created> {
    user.require_staff()?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", "分类名称不能为空"));
    }
    if name.chars().count() > MAX_CATEGORY_CHARS {
        return Err(AppError::validation(
            "name",
            format!("分类名称不能超过{MAX_CATEGORY_CHARS}个字符"),
        ));
    }
    let mut tx = db.begin_write().await?;
    if let Some(p) = input.parent_id {
        category_name(&mut tx, p)
            .await
            .map_err(|_| AppError::validation("parent_id", "上级分类不存在"))?;
    }
    let id = match q_db::insert_category(&mut tx, name, input.parent_id).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::conflict("category_exists", "已有同名分类"))
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        user,
        "create",
        "question_category",
        Some(id.to_string()),
        None,
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(Created { id })
}

fn check_text(field: &'static str, text: &str, what: &str) -> AppResult<()> {
    if text.trim().is_empty() {
        return Err(AppError::validation(field, format!("{what}不能为空")));
    }
    if text.chars().count() > MAX_REPORT_CHARS {
        return Err(AppError::validation(
            field,
            format!("{what}不能超过{MAX_REPORT_CHARS}个字符"),
        ));
    }
    Ok(())
}

/// A member reports a question they were shown as wrong, with a comment.
pub async fn report_question(
    db: &Db,
    user: &SessionUser,
    question_id: i64,
    input: NewReport,
) -> AppResult<Created> {
    check_text("comment", &input.comment, "纠错说明")?;
    let mut tx = db.begin_write().await?;
    let version = q_db::seen_version(&mut tx, user.id, question_id)
        .await?
        .ok_or(AppError::NotFound("题目"))?;
    let id =
        q_db::insert_report(&mut tx, question_id, version, user.id, input.comment.trim()).await?;
    tx.commit().await?;
    Ok(Created { id })
}

/// Closes an open report on a question the caller may edit. An organizer asked to close one
/// on an organization question is told to forward it instead (403 `report_forward_required`).
pub async fn resolve_report(
    db: &Db,
    user: &SessionUser,
    report_id: i64,
    input: ResolveReport,
) -> AppResult<()> {
    user.require_staff()?;
    if input.status == ReportStatus::Open {
        return Err(AppError::validation("status", "请选择“已修正”或“不予采纳”"));
    }
    let reply = input
        .reply
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(r) = reply {
        check_text("reply", r, "回复")?;
    }
    let mut tx = db.begin_write().await?;
    let found = visible_report(&mut tx, user, report_id).await?;
    if !can_edit(user, report_owner(&found)) {
        return Err(if report_owner(&found) == Owner::default() {
            AppError::forbidden(
                "report_forward_required",
                "该题属于机关党委题库，只有管理员可以处理，请转交管理员",
            )
        } else {
            AppError::Forbidden
        });
    }
    if !q_db::resolve_report(&mut tx, report_id, input.status.as_str(), reply, user.id).await? {
        return Err(AppError::conflict("report_closed", "该纠错已处理"));
    }
    crate::domain::notifications::notify_report_answered(
        &mut tx,
        found.reporter_id,
        report_id,
        input.status == ReportStatus::Resolved,
        reply,
        now_ms(),
    )
    .await?;
    audit::record(
        &mut tx,
        user,
        "update",
        "question_report",
        Some(report_id.to_string()),
        Some(serde_json::json!({ "status": "open", "question_id": found.question_id })),
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A report on a question the caller may see; anything else reads as not found.
async fn visible_report(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    report_id: i64,
) -> AppResult<q_db::ReportRow> {
    match q_db::report_by_id(conn, report_id).await? {
        Some(r) if can_see(user, report_owner(&r)) => Ok(r),
        _ => Err(AppError::NotFound("纠错")),
    }
}

/// An organizer hands an open report on an organization question to the admins, with a
/// note; it then appears in the admins' forwarded queue. Audit-logged.
pub async fn forward_report(
    db: &Db,
    user: &SessionUser,
    report_id: i64,
    input: ForwardReport,
) -> AppResult<()> {
    user.require_staff()?;
    let note = input.note.trim();
    check_text("note", note, "转交说明")?;
    let mut tx = db.begin_write().await?;
    let found = visible_report(&mut tx, user, report_id).await?;
    if !is_open(&found) {
        return Err(AppError::conflict("report_closed", "该纠错已处理"));
    }
    if found.forwarded_at.is_some() {
        return Err(AppError::conflict(
            "report_already_forwarded",
            "该纠错已转交管理员，请等待处理",
        ));
    }
    if !can_forward(user, &found) {
        // An admin, or an organizer on their own unit's question: they resolve it themselves.
        return Err(AppError::conflict(
            "report_not_forwardable",
            "该题由您负责维护，请直接处理该纠错",
        ));
    }
    if !q_db::forward_report(&mut tx, report_id, note, user.id).await? {
        return Err(AppError::conflict(
            "report_already_forwarded",
            "该纠错已转交管理员，请等待处理",
        ));
    }
    audit::record(
        &mut tx,
        user,
        "forward",
        "question_report",
        Some(report_id.to_string()),
        Some(serde_json::json!({ "question_id": found.question_id })),
        Some(serde_json::json!({ "question_id": found.question_id, "note": note })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Open reports the caller can act on or follow, oldest first: admins every open report (or
/// only the forwarded ones, their queue); organizers those on their units' questions and
/// those on organization questions made by their units' members.
pub async fn report_queue(
    db: &Db,
    user: &SessionUser,
    q: ReportQueueQuery,
) -> AppResult<Vec<ReportQueueItem>> {
    user.require_staff()?;
    let scope = if user.is_admin() {
        q_db::ReportScope::All
    } else {
        q_db::ReportScope::Within {
            branch_ids: user.scope.branch_ids.clone(),
            youth_group_ids: user.scope.youth_group_ids.clone(),
        }
    };
    let forwarded_only = q.queue.unwrap_or_default() == ReportQueue::Forwarded;
    let mut conn = db.pool.acquire().await?;
    let rows =
        q_db::open_reports(&mut conn, &scope, forwarded_only, MAX_REPORT_QUEUE as i64).await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportQueueItem {
            stem: r.stem.clone(),
            owner: report_owner(&r),
            report: report(user, r),
        })
        .collect())
}

/// Most reports 我的纠错 lists.
const MY_REPORTS_MAX: i64 = 200;

/// The caller's own error reports, newest first, with the answers they got.
pub async fn my_reports(db: &Db, user: &SessionUser) -> AppResult<Vec<MyReport>> {
    let mut conn = db.pool.acquire().await?;
    let rows = q_db::reports_by(&mut conn, user.id, MY_REPORTS_MAX).await?;
    Ok(rows
        .into_iter()
        .map(|r| MyReport {
            id: r.id,
            question_id: r.question_id,
            stem: r.stem,
            comment: r.comment,
            status: ReportStatus::parse(&r.status).unwrap_or(ReportStatus::Open),
            reply: r.reply,
            created_at: r.created_at,
            resolved_at: r.resolved_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: i64, name: &str, parent_id: Option<i64>) -> q_db::CategoryRow {
        q_db::CategoryRow {
            id,
            name: name.into(),
            parent_id,
            question_count: 0,
        }
    }

    #[test]
    fn categories_come_parents_first_and_subtrees_include_descendants() {
        let rows = vec![
            cat(3, "党史", None),
            cat(1, "党章", None),
            cat(4, "总纲", Some(1)),
            cat(2, "章程细则", Some(4)),
            cat(5, "孤儿", Some(99)),
        ];
        let names: Vec<String> = tree_order(rows.clone())
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["党史", "党章", "总纲", "章程细则", "孤儿"]);
        let mut sub = with_descendants(&rows, 1);
        sub.sort();
        assert_eq!(sub, [1, 2, 4]);
        assert_eq!(with_descendants(&rows, 3), [3]);
    }
}
