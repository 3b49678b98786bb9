//! Study content authored in the app: organizers write modules for their units, admins for
//! the organization; lessons are Markdown (rendered by `study::render_markdown`, the same
//! sanitizer members' lessons go through) with a source, an order and an optional minimum
//! study time; a module is assigned to the organization, branches or youth groups with a
//! deadline and a required flag, which puts it on members' due list and the completion
//! dashboard and tells each member once.
//!
//! Ownership: `modules.owner_branch_id` / `owner_youth_group_id`, as for questions (one
//! unit at most; neither = the organization's, admins only), fixed at creation. Shipped
//! modules (`authored = 0`: loaded from `seeds/` by slug) are listed but read-only:
//! every write is `409 module_shipped`, since the files are their source and would undo an
//! edit on the next start. Authored modules get slugs `app-…`, which no file uses.
//!
//! Lessons keep versions like questions: editing a lesson a member has started copies its
//! old text to `lesson_versions` and bumps `version`; progress is by lesson id, so it stays.

use rand::Rng;
use shared::api::content::{
    AssignmentSaved, AuthoredLesson, AuthoredModule, AuthoredModuleDetail, LessonInput,
    LessonSaved, LessonVersion, ModuleAssignment, ModuleInput, Preview, PreviewInput,
    MAX_BODY_CHARS, MAX_DESCRIPTION_CHARS, MAX_MIN_MINUTES, MAX_POSITION, MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
};
use shared::api::questions::Owner;
use shared::api::quiz::QuizKind;
use shared::api::quiz_builder::{ModuleQuiz, QuizStatus};
use shared::api::study::Track;
use shared::api::Created;
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::authoring::{self as a_db, LessonText, ModuleRow};
use crate::db::{self, now_ms, org::Unit, Db};
use crate::domain::questions::{can_edit, check_owner};
use crate::domain::{audit, notifications, study};
use crate::error::{AppError, AppResult};

fn owner_of(m: &ModuleRow) -> Owner {
    Owner {
        branch_id: m.owner_branch_id,
        youth_group_id: m.owner_youth_group_id,
    }
}

/// Whether `user` may change `m`: an authored module of a unit they may edit.
fn editable(user: &SessionUser, m: &ModuleRow) -> bool {
    m.authored == 1 && can_edit(user, owner_of(m))
}

/// What an organizer sees in the editor: modules owned by their units, those addressed to
/// them, and the organization's; admins everything.
fn visible(user: &SessionUser, m: &ModuleRow, units: &(Vec<i64>, Vec<i64>)) -> bool {
    user.is_admin()
        || m.audience == "all"
        || owner_of(m) == Owner::default()
        || can_edit(user, owner_of(m))
        || units.0.iter().any(|b| user.scope.branch_ids.contains(b))
        || units
            .1
            .iter()
            .any(|g| user.scope.youth_group_ids.contains(g))
}

async fn wire(
    conn: &mut AnyConnection,
    user: &SessionUser,
    m: ModuleRow,
    units: (Vec<i64>, Vec<i64>),
) -> AppResult<AuthoredModule> {
    let lesson_count = db::study::lesson_count(conn, m.id).await?;
    Ok(AuthoredModule {
        editable: editable(user, &m),
        owner: owner_of(&m),
        shipped: m.authored == 0,
        id: m.id,
        title: m.title,
        track: Track::parse(&m.track).unwrap_or(Track::Other),
        description: m.description,
        position: m.position,
        all: m.audience == "all",
        branch_ids: units.0,
        youth_group_ids: units.1,
        due_at: m.due_at,
        required: m.required == 1,
        lesson_count,
    })
}

/// Modules in the editor, in the study pages' order (staff).
pub async fn list(db: &Db, user: &SessionUser) -> AppResult<Vec<AuthoredModule>> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let mut out = Vec::new();
    for m in a_db::modules(&mut conn).await? {
        let units = a_db::units(&mut conn, m.id).await?;
        if visible(user, &m, &units) {
            out.push(wire(&mut conn, user, m, units).await?);
        }
    }
    Ok(out)
}

/// A module the caller may see in the editor, with its audience; else not found.
async fn visible_module(
    conn: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<(ModuleRow, (Vec<i64>, Vec<i64>))> {
    let m = a_db::module(conn, id)
        .await?
        .ok_or(AppError::NotFound("学习专题"))?;
    let units = a_db::units(conn, id).await?;
    if !visible(user, &m, &units) {
        return Err(AppError::NotFound("学习专题"));
    }
    Ok((m, units))
}

/// A module the caller may change; shipped ones are 409 `module_shipped`, other units' 403.
async fn editable_module(
    conn: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<(ModuleRow, (Vec<i64>, Vec<i64>))> {
    let (m, units) = visible_module(conn, user, id).await?;
    if m.authored == 0 {
        return Err(AppError::conflict(
            "module_shipped",
            "该专题随系统发布，内容来自 seeds/ 中的文件，不能在此修改；请修改文件后重新部署",
        ));
    }
    if !can_edit(user, owner_of(&m)) {
        return Err(AppError::forbidden(
            "module_not_yours",
            "只能修改您负责的党支部或青年理论学习小组的学习专题",
        ));
    }
    Ok((m, units))
}

fn check_len(field: &str, value: &str, what: &str, max: usize, required: bool) -> AppResult<()> {
    if required && value.is_empty() {
        return Err(AppError::validation(field, format!("{what}不能为空")));
    }
    if value.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("{what}不能超过{max}个字符"),
        ));
    }
    Ok(())
}

fn check_position(position: i64) -> AppResult<()> {
    if !(0..=MAX_POSITION).contains(&position) {
        return Err(AppError::validation(
            "position",
            format!("排序须在0到{MAX_POSITION}之间"),
        ));
    }
    Ok(())
}

fn check_module(input: &ModuleInput) -> AppResult<(String, String)> {
    let title = input.title.trim().to_string();
    let description = input.description.trim().to_string();
    check_len("title", &title, "专题名称", MAX_TITLE_CHARS, true)?;
    check_len(
        "description",
        &description,
        "专题简介",
        MAX_DESCRIPTION_CHARS,
        false,
    )?;
    check_position(input.position)?;
    Ok((title, description))
}

/// One module with its lessons as the editor shows them (staff who may see it).
pub async fn get(db: &Db, user: &SessionUser, id: i64) -> AppResult<AuthoredModuleDetail> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let (m, units) = visible_module(&mut conn, user, id).await?;
    let mut lessons = Vec::new();
    for l in a_db::lessons(&mut conn, id).await? {
        let versions = a_db::versions(&mut conn, l.id)
            .await?
            .into_iter()
            .map(|v| LessonVersion {
                version: v.version,
                title: v.title,
                body_md: v.body_md,
                source: v.source,
                replaced_at: v.replaced_at,
            })
            .collect();
        let applied = study::min_seconds(&db::study::LessonRow {
            id: l.id,
            module_id: l.module_id,
            position: l.position,
            title: String::new(),
            body_md: String::new(),
            source: String::new(),
            char_count: l.char_count,
            min_seconds: l.min_seconds,
        });
        lessons.push(AuthoredLesson {
            id: l.id,
            position: l.position,
            title: l.title,
            body_md: l.body_md,
            source: l.source,
            min_minutes: l.min_seconds.map(|s| (s / 60) as u32),
            min_seconds: applied,
            version: l.version,
            versions,
        });
    }
    let quizzes = module_quizzes(&mut conn, user, &m).await?;
    let deletable = editable(user, &m) && !a_db::module_in_use(&mut conn, id).await?;
    Ok(AuthoredModuleDetail {
        module: wire(&mut conn, user, m, units).await?,
        lessons,
        quizzes,
        deletable,
    })
}

/// A new module owned by the named unit (organizers: one of theirs; admins may leave it
/// the organization's). It reaches nobody until it is assigned.
pub async fn create(db: &Db, user: &SessionUser, input: ModuleInput) -> AppResult<Created> {
    user.require_staff()?;
    let (title, description) = check_module(&input)?;
    let mut tx = db.begin_write().await?;
    check_owner(&mut tx, user, input.owner).await?;
    let slug = format!("app-{:012x}", rand::thread_rng().gen::<u64>() >> 16);
    let id = a_db::insert_module(
        &mut tx,
        &slug,
        &title,
        input.track.as_str(),
        &description,
        input.position,
        input.owner.branch_id,
        input.owner.youth_group_id,
    )
    .await?;
    audit::record(
        &mut tx,
        user,
        "create",
        "module",
        Some(id.to_string()),
        None,
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(Created { id })
}

fn module_view(m: &ModuleRow) -> serde_json::Value {
    serde_json::json!({
        "title": m.title, "track": m.track, "description": m.description,
        "position": m.position, "owner": owner_of(m), "audience": m.audience,
        "due_at": m.due_at, "required": m.required == 1,
    })
}

/// Saves a module's title, track, description and order (its owner stays).
pub async fn update(db: &Db, user: &SessionUser, id: i64, input: ModuleInput) -> AppResult<()> {
    user.require_staff()?;
    let (title, description) = check_module(&input)?;
    let mut tx = db.begin_write().await?;
    let (m, _) = editable_module(&mut tx, user, id).await?;
    if input.owner != owner_of(&m) {
        return Err(AppError::validation(
            "owner",
            "专题的归属单位创建后不能更改",
        ));
    }
    a_db::update_module(
        &mut tx,
        id,
        &title,
        input.track.as_str(),
        &description,
        input.position,
    )
    .await?;
    audit::record(
        &mut tx,
        user,
        "update",
        "module",
        Some(id.to_string()),
        Some(module_view(&m)),
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a module nobody has started (else 409 `module_in_use`: withdraw its assignment
/// instead), with its lessons.
pub async fn delete(db: &Db, user: &SessionUser, id: i64) -> AppResult<()> {
    user.require_staff()?;
    let mut tx = db.begin_write().await?;
    let (m, _) = editable_module(&mut tx, user, id).await?;
    if a_db::module_in_use(&mut tx, id).await? {
        return Err(AppError::conflict(
            "module_in_use",
            "已有成员学习或作答该专题，不能删除；如不再需要，可取消指派",
        ));
    }
    a_db::delete_module(&mut tx, id).await?;
    audit::record(
        &mut tx,
        user,
        "delete",
        "module",
        Some(id.to_string()),
        Some(module_view(&m)),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks an assignment against the caller's scope: organizers name only their own units
/// and never the whole organization; every unit must exist; a deadline must be ahead.
async fn check_assignment(
    conn: &mut AnyConnection,
    user: &SessionUser,
    a: &ModuleAssignment,
    now: i64,
) -> AppResult<(Vec<i64>, Vec<i64>)> {
    let dedup = |ids: &[i64]| {
        let mut v = ids.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (b, g) = (dedup(&a.branch_ids), dedup(&a.youth_group_ids));
    if b.len() + g.len() > 200 {
        return Err(AppError::validation("branch_ids", "指派的单位过多"));
    }
    if a.all && !user.is_admin() {
        return Err(AppError::forbidden(
            "assign_out_of_scope",
            "只有管理员可以指派给全体成员",
        ));
    }
    for (kind, ids, field) in [
        (Unit::Branch, &b, "branch_ids"),
        (Unit::YouthGroup, &g, "youth_group_ids"),
    ] {
        for &id in ids.iter() {
            if !db::org::unit_exists(conn, kind, id).await? {
                return Err(AppError::validation(field, "所选党支部或小组不存在"));
            }
            let mine = match kind {
                Unit::Branch => user.scope.branch_ids.contains(&id),
                _ => user.scope.youth_group_ids.contains(&id),
            };
            if !user.is_admin() && !mine {
                return Err(AppError::forbidden(
                    "assign_out_of_scope",
                    "只能指派给您负责的党支部或青年理论学习小组",
                ));
            }
        }
    }
    if let Some(d) = a.due_at {
        if d <= now {
            return Err(AppError::validation("due_at", "截止时间须晚于现在"));
        }
        if d > now + 5 * 366 * 86_400_000 {
            return Err(AppError::validation("due_at", "截止时间不能超过五年"));
        }
    }
    if a.all {
        Ok((vec![], vec![]))
    } else {
        Ok((b, g))
    }
}

/// Assigns a module (replacing its audience, deadline and required flag) and tells every
/// member it now reaches, once per member.
pub async fn assign(
    db: &Db,
    user: &SessionUser,
    id: i64,
    input: ModuleAssignment,
) -> AppResult<AssignmentSaved> {
    user.require_staff()?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let (m, before_units) = editable_module(&mut tx, user, id).await?;
    let (b, g) = check_assignment(&mut tx, user, &input, now).await?;
    a_db::set_assignment(&mut tx, id, input.all, &b, &g, input.due_at, input.required).await?;
    let notified = notifications::notify_assigned_module(&mut tx, id, now).await?;
    audit::record(
        &mut tx,
        user,
        "assign",
        "module",
        Some(id.to_string()),
        Some(serde_json::json!({
            "all": m.audience == "all", "branch_ids": before_units.0,
            "youth_group_ids": before_units.1, "due_at": m.due_at, "required": m.required == 1,
        })),
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(AssignmentSaved { notified })
}

/// The lesson text an input describes, checked (the error names the field).
fn check_lesson(input: &LessonInput) -> AppResult<(String, String, String, Option<i64>)> {
    let title = input.title.trim().to_string();
    let source = input.source.trim().to_string();
    let body = input.body_md.trim_end().to_string();
    check_len("title", &title, "课程标题", MAX_TITLE_CHARS, true)?;
    check_len("source", &source, "出处", MAX_SOURCE_CHARS, true)?;
    check_len("body_md", body.trim(), "课程正文", MAX_BODY_CHARS, true)?;
    if let Some(p) = input.position {
        if !(1..=MAX_POSITION).contains(&p) {
            return Err(AppError::validation(
                "position",
                format!("课程顺序须在1到{MAX_POSITION}之间"),
            ));
        }
    }
    let min = match input.min_minutes {
        None => None,
        Some(m) if (1..=MAX_MIN_MINUTES).contains(&m) => Some(i64::from(m) * 60),
        Some(_) => {
            return Err(AppError::validation(
                "min_minutes",
                format!("最短学习时间须在1到{MAX_MIN_MINUTES}分钟之间"),
            ))
        }
    };
    Ok((title, source, body, min))
}

fn position_taken() -> AppError {
    AppError::conflict("position_taken", "该顺序已有课程，请换一个顺序")
}

/// A new lesson of an authored module the caller may edit.
pub async fn create_lesson(
    db: &Db,
    user: &SessionUser,
    module_id: i64,
    input: LessonInput,
) -> AppResult<Created> {
    user.require_staff()?;
    let (title, source, body, min_seconds) = check_lesson(&input)?;
    let mut tx = db.begin_write().await?;
    editable_module(&mut tx, user, module_id).await?;
    let position = match input.position {
        Some(p) if a_db::position_taken(&mut tx, module_id, p, None).await? => {
            return Err(position_taken())
        }
        Some(p) => p,
        None => a_db::next_position(&mut tx, module_id).await?,
    };
    let text = LessonText {
        position,
        title: &title,
        body_md: &body,
        source: &source,
        min_seconds,
    };
    let id = a_db::insert_lesson(&mut tx, module_id, &text).await?;
    audit::record(
        &mut tx,
        user,
        "create",
        "lesson",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "module_id": module_id, "input": input })),
    )
    .await?;
    tx.commit().await?;
    Ok(Created { id })
}

/// A lesson and its module, if the caller may edit them.
async fn editable_lesson(
    conn: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<a_db::LessonRow> {
    let l = a_db::lesson(conn, id)
        .await?
        .ok_or(AppError::NotFound("课程"))?;
    editable_module(conn, user, l.module_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("课程"),
            e => e,
        })?;
    Ok(l)
}

/// Saves a lesson. If a member has started it, the old text becomes a version and the
/// member's progress stays (it is by lesson, not by text).
pub async fn update_lesson(
    db: &Db,
    user: &SessionUser,
    id: i64,
    input: LessonInput,
) -> AppResult<LessonSaved> {
    user.require_staff()?;
    let (title, source, body, min_seconds) = check_lesson(&input)?;
    let mut tx = db.begin_write().await?;
    let old = editable_lesson(&mut tx, user, id).await?;
    let position = input.position.unwrap_or(old.position);
    if position != old.position
        && a_db::position_taken(&mut tx, old.module_id, position, Some(id)).await?
    {
        return Err(position_taken());
    }
    let changed_text = old.title != title || old.body_md != body || old.source != source;
    let keep_old = changed_text && a_db::lesson_started(&mut tx, id).await?;
    let text = LessonText {
        position,
        title: &title,
        body_md: &body,
        source: &source,
        min_seconds,
    };
    let version = a_db::update_lesson(&mut tx, &old, &text, keep_old).await?;
    audit::record(
        &mut tx,
        user,
        "update",
        "lesson",
        Some(id.to_string()),
        Some(serde_json::json!({
            "title": old.title, "body_md": old.body_md, "source": old.source,
            "position": old.position, "min_seconds": old.min_seconds, "version": old.version,
        })),
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(LessonSaved {
        id,
        version,
        new_version: keep_old,
    })
}

/// Deletes a lesson nobody has started (else 409 `lesson_in_use`).
pub async fn delete_lesson(db: &Db, user: &SessionUser, id: i64) -> AppResult<()> {
    user.require_staff()?;
    let mut tx = db.begin_write().await?;
    let old = editable_lesson(&mut tx, user, id).await?;
    if a_db::lesson_started(&mut tx, id).await? {
        return Err(AppError::conflict(
            "lesson_in_use",
            "已有成员学习该课程，不能删除；可以修改它的内容",
        ));
    }
    a_db::delete_lesson(&mut tx, id).await?;
    audit::record(
        &mut tx,
        user,
        "delete",
        "lesson",
        Some(id.to_string()),
        Some(serde_json::json!({ "module_id": old.module_id, "title": old.title })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Markdown rendered exactly as a lesson will be (staff).
pub fn preview(user: &SessionUser, input: &PreviewInput) -> AppResult<Preview> {
    user.require_staff()?;
    check_len("body_md", &input.body_md, "课程正文", MAX_BODY_CHARS, false)?;
    Ok(Preview {
        html: study::render_markdown(&input.body_md),
    })
}

// issue 17 quiz builder
/// The quizzes attached to a module, each saying whether the caller may detach it (they
/// may edit the module and manage the quiz).
async fn module_quizzes(
    conn: &mut AnyConnection,
    user: &SessionUser,
    m: &ModuleRow,
) -> AppResult<Vec<ModuleQuiz>> {
    let rows = crate::db::quiz_builder::module_quizzes(conn, m.id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let owner = Owner {
                branch_id: r.owner_branch_id,
                youth_group_id: r.owner_youth_group_id,
            };
            ModuleQuiz {
                editable: editable(user, m) && can_edit(user, owner),
                id: r.id,
                title: r.title,
                kind: QuizKind::parse(&r.kind).unwrap_or(QuizKind::Practice),
                status: QuizStatus::parse(&r.status).unwrap_or(QuizStatus::Draft),
                question_count: r.question_count,
            }
        })
        .collect())
}

/// Attaches a practice or exam quiz the caller manages to an authored module they may edit,
/// so members see it on the module's page (as shipped modules' quizzes, by
/// `quizzes.module_id`). Shipped modules: `409 module_shipped`; a quiz of another kind:
/// 422; one attached to another module: `409 quiz_in_other_module` (detach it there first).
pub async fn attach_quiz(
    db: &Db,
    user: &SessionUser,
    module_id: i64,
    quiz_id: i64,
) -> AppResult<Vec<ModuleQuiz>> {
    user.require_staff()?;
    let mut tx = db.begin_write().await?;
    let (m, _) = editable_module(&mut tx, user, module_id).await?;
    let quiz = crate::domain::quiz_builder::managed(&mut tx, user, quiz_id).await?;
    let kind = QuizKind::parse(&quiz.kind).unwrap_or(QuizKind::Practice);
    if !matches!(kind, QuizKind::Practice | QuizKind::Exam) {
        return Err(AppError::validation(
            "quiz_id",
            "只能把练习或考试类测验挂到学习专题",
        ));
    }
    match quiz.module_id {
        Some(other) if other == module_id => {}
        Some(other) => {
            let title = a_db::module(&mut tx, other)
                .await?
                .map(|o| o.title)
                .unwrap_or_default();
            return Err(AppError::conflict(
                "quiz_in_other_module",
                format!("该测验已挂在学习专题《{title}》，请先在那里移除"),
            ));
        }
        None => {
            crate::db::quiz_builder::set_module(&mut tx, quiz_id, Some(module_id), now_ms())
                .await?;
            audit::record(
                &mut tx,
                user,
                "attach_quiz",
                "module",
                Some(module_id.to_string()),
                None,
                Some(serde_json::json!({ "quiz_id": quiz_id, "title": quiz.title })),
            )
            .await?;
        }
    }
    let out = module_quizzes(&mut tx, user, &m).await?;
    tx.commit().await?;
    Ok(out)
}

/// Takes a quiz off an authored module (the quiz stays, without a module). A quiz that is
/// not on this module reads as not found.
pub async fn detach_quiz(
    db: &Db,
    user: &SessionUser,
    module_id: i64,
    quiz_id: i64,
) -> AppResult<Vec<ModuleQuiz>> {
    user.require_staff()?;
    let mut tx = db.begin_write().await?;
    let (m, _) = editable_module(&mut tx, user, module_id).await?;
    let quiz = crate::domain::quiz_builder::managed(&mut tx, user, quiz_id).await?;
    if quiz.module_id != Some(module_id) {
        return Err(AppError::NotFound("测验"));
    }
    crate::db::quiz_builder::set_module(&mut tx, quiz_id, None, now_ms()).await?;
    audit::record(
        &mut tx,
        user,
        "detach_quiz",
        "module",
        Some(module_id.to_string()),
        Some(serde_json::json!({ "quiz_id": quiz_id, "title": quiz.title })),
        None,
    )
    .await?;
    let out = module_quizzes(&mut tx, user, &m).await?;
    tx.commit().await?;
    Ok(out)
}
