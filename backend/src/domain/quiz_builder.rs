//! The quiz builder: organizers make quizzes for their branches and youth groups, admins for
//! anyone; a quiz is a draft until published and can be closed. Once members have started
//! it, what decides their results (questions, draw rules, kind, scoring, pass mark) is
//! locked. Item analysis reads the submitted attempts.
//!
//! Scope: admins see and change every quiz. Organizers see and change the quizzes owned
//! by their units; another unit's quiz reads as "not found".

use std::collections::HashMap;

use shared::api::points::PointsSource;
use shared::api::questions::Owner;
use shared::api::quiz::QuizKind;
use shared::api::quiz_builder::{
    Audience, DrawCountRequest, DrawCounts, DrawRule, ItemReport, ManagedQuiz, PreviewQuestion,
    QuizAnalysis, QuizDetail, QuizInput, QuizModule, QuizPreview, QuizQuestionItem, QuizReach,
    QuizStatus, MAX_DRAW_RULES, MAX_QUESTIONS, MAX_TITLE_CHARS,
};
use shared::api::Created;
use shared::grading::{Answer, AnswerKey, QuestionKind};
use shared::item_analysis::{self, ItemKey, Response};

use crate::auth::SessionUser;
use crate::db::questions::Visibility;
use crate::db::quiz::{DrawFilter, QuizRow};
use crate::db::quiz_builder::{self as qb_db, ItemRow};
use crate::db::{self, now_ms, org::Unit, Db};
use crate::domain::audit;
use crate::domain::questions::{can_edit, check_owner, with_descendants};
use crate::error::{AppError, AppResult};

/// Longest time limit: a whole day.
pub const MAX_TIME_LIMIT_SECS: i64 = 24 * 3600;
pub const MAX_ATTEMPTS: i64 = 100;

fn owner_of(q: &QuizRow) -> Owner {
    Owner {
        branch_id: q.owner_branch_id,
        youth_group_id: q.owner_youth_group_id,
    }
}

/// The quiz if `user` may manage it; anything else reads as not found.
pub(crate) async fn managed(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<QuizRow> {
    user.require_staff()?;
    let quiz = db::quiz::quiz_by_id(conn, id)
        .await?
        .filter(|q| q.slug.as_deref() != Some(crate::domain::quiz::MISTAKE_PRACTICE_SLUG))
        .ok_or(AppError::NotFound("测验"))?;
    if !can_edit(user, owner_of(&quiz)) {
        return Err(AppError::NotFound("测验"));
    }
    Ok(quiz)
}

/// The quizzes the caller manages, newest first.
pub async fn list(db: &Db, user: &SessionUser) -> AppResult<Vec<ManagedQuiz>> {
    user.require_staff()?;
    let mut conn = db.pool.acquire().await?;
    let owners = (!user.is_admin()).then_some((
        user.scope.branch_ids.as_slice(),
        user.scope.youth_group_ids.as_slice(),
    ));
    let rows = qb_db::list(&mut conn, owners).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let owner = Owner {
                branch_id: r.owner_branch_id,
                youth_group_id: r.owner_youth_group_id,
            };
            ManagedQuiz {
                id: r.id,
                title: r.title,
                kind: QuizKind::parse(&r.kind).unwrap_or(QuizKind::Practice),
                status: QuizStatus::parse(&r.status).unwrap_or(QuizStatus::Draft),
                owner,
                question_count: r.question_count,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                required: r.required == 1,
                attempts: r.attempts,
                editable: can_edit(user, owner),
            }
        })
        .collect())
}

/// Points source whose rule caps a quiz kind's points per correct answer.
fn per_correct_source(kind: QuizKind) -> Option<PointsSource> {
    match kind {
        QuizKind::Daily => Some(PointsSource::DailyQuiz),
        QuizKind::Weekly => Some(PointsSource::WeeklyQuiz),
        QuizKind::Special => Some(PointsSource::SpecialQuiz),
        QuizKind::Practice | QuizKind::Challenge | QuizKind::Exam => None,
    }
}

/// Every rule of a quiz that needs no database, naming the field that breaks it.
pub fn check_input(input: &QuizInput) -> AppResult<()> {
    fn bad(field: &str, message: impl Into<String>) -> AppError {
        AppError::validation(field, message)
    }
    let title = input.title.trim();
    if title.is_empty() {
        return Err(bad("title", "请填写测验名称"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(bad(
            "title",
            format!("测验名称不能超过{MAX_TITLE_CHARS}个字"),
        ));
    }
    if input.questions.len() > MAX_QUESTIONS {
        return Err(bad("questions", format!("一次测验最多{MAX_QUESTIONS}道题")));
    }
    let mut seen = input.questions.clone();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != input.questions.len() {
        return Err(bad("questions", "题目重复"));
    }
    if input.draw_rules.len() > MAX_DRAW_RULES {
        return Err(bad("draw_rules", format!("抽题规则最多{MAX_DRAW_RULES}条")));
    }
    for r in &input.draw_rules {
        if !(1..=MAX_QUESTIONS as i64).contains(&r.count) {
            return Err(bad(
                "draw_rules",
                format!("每条规则抽题数应在1到{MAX_QUESTIONS}之间"),
            ));
        }
        if r.difficulty.is_some_and(|d| !(1..=3).contains(&d)) {
            return Err(bad("draw_rules", "难度只能是1（易）、2（中）或3（难）"));
        }
    }
    // issue 17 quiz builder: fixed questions and draw rules mix; their sum is the size.
    let drawn = input.draw_rules.iter().map(|r| r.count).sum::<i64>();
    let fixed = input.questions.len() as i64;
    if fixed + drawn > MAX_QUESTIONS as i64 {
        return Err(bad(
            "draw_rules",
            format!(
                "一次测验最多{MAX_QUESTIONS}道题（现为固定{fixed}道 + 抽取{drawn}道 = {}道）",
                fixed + drawn
            ),
        ));
    }
    if input
        .time_limit_secs
        .is_some_and(|t| !(60..=MAX_TIME_LIMIT_SECS).contains(&t))
    {
        return Err(bad("time_limit_secs", "答题时限应在1分钟到24小时之间"));
    }
    if let (Some(o), Some(c)) = (input.opens_at, input.closes_at) {
        if c <= o {
            return Err(bad("closes_at", "结束时间应晚于开始时间"));
        }
    }
    if input
        .max_attempts
        .is_some_and(|n| !(1..=MAX_ATTEMPTS).contains(&n))
    {
        return Err(bad(
            "max_attempts",
            format!("作答次数应在1到{MAX_ATTEMPTS}之间"),
        ));
    }
    if input.pass_mark.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(bad("pass_mark", "及格分应在0到100之间"));
    }
    if input.points_per_correct.is_some() && per_correct_source(input.kind).is_none() {
        return Err(bad("points_per_correct", "这类测验不按答对题数计分"));
    }
    if input.points_per_correct.is_some_and(|p| p < 0) {
        return Err(bad("points_per_correct", "积分不能为负数"));
    }
    Ok(())
}

/// The checks that read the database: owner, audience, questions and categories in the
/// caller's scope, points within the admin's rule.
async fn check_scope(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    input: &QuizInput,
) -> AppResult<()> {
    check_owner(conn, user, input.owner).await?;
    if !user.is_admin() && input.owner == Owner::default() {
        return Err(AppError::validation(
            "owner",
            "请选择您负责的党支部或青年理论学习小组",
        ));
    }
    let a = &input.audience;
    if a.branch_ids.is_empty() && a.youth_group_ids.is_empty() && !user.is_admin() {
        return Err(AppError::validation(
            "audience",
            "请选择参加测验的党支部或青年理论学习小组",
        ));
    }
    let units = a
        .branch_ids
        .iter()
        .map(|b| (Unit::Branch, *b))
        .chain(a.youth_group_ids.iter().map(|g| (Unit::YouthGroup, *g)));
    for (unit, id) in units {
        let mine = user.is_admin()
            || match unit {
                Unit::Branch => user.scope.branch_ids.contains(&id),
                _ => user.scope.youth_group_ids.contains(&id),
            };
        if !mine || !db::org::unit_exists(conn, unit, id).await? {
            return Err(AppError::validation(
                "audience",
                "只能选择您负责的党支部或青年理论学习小组",
            ));
        }
    }
    let found = qb_db::items(conn, &input.questions).await?;
    if found.len() != input.questions.len()
        || found
            .iter()
            .any(|q| !(q.owner() == Owner::default() || can_edit(user, q.owner())))
    {
        return Err(AppError::validation(
            "questions",
            "有题目不存在或不在您的题库范围内",
        ));
    }
    let tree = db::questions::categories(conn, &Visibility::All).await?;
    if input
        .draw_rules
        .iter()
        .any(|r| !tree.iter().any(|c| c.id == r.category_id))
    {
        return Err(AppError::validation("draw_rules", "抽题分类不存在"));
    }
    if let (Some(p), Some(source)) = (input.points_per_correct, per_correct_source(input.kind)) {
        let (rule, _) = db::points::rule(conn, source.as_str()).await?;
        if p > rule {
            return Err(AppError::validation(
                "points_per_correct",
                format!("每题积分不能超过管理员设定的{rule}分"),
            ));
        }
    }
    Ok(())
}

/// Questions on one paper: the fixed ones plus what the rules draw.
fn question_count(input: &QuizInput) -> i64 {
    (input.questions.len() as i64 + input.draw_rules.iter().map(|r| r.count).sum::<i64>()).max(1)
}

/// A new draft.
pub async fn create(db: &Db, user: &SessionUser, input: QuizInput) -> AppResult<Created> {
    user.require_staff()?;
    check_input(&input)?;
    let mut tx = db.begin_write().await?;
    check_scope(&mut tx, user, &input).await?;
    let id = qb_db::insert(&mut tx, &input, question_count(&input), user.id, now_ms()).await?;
    qb_db::replace_parts(&mut tx, id, &input).await?;
    audit::record(
        &mut tx,
        user,
        "create",
        "quiz",
        Some(id.to_string()),
        None,
        Some(audit::json(&input)),
    )
    .await?;
    tx.commit().await?;
    Ok(Created { id })
}

/// The quiz as the builder edits it.
pub async fn get(db: &Db, user: &SessionUser, id: i64) -> AppResult<QuizDetail> {
    let mut conn = db.pool.acquire().await?;
    let quiz = managed(&mut conn, user, id).await?;
    detail(&mut conn, user, &quiz).await
}

async fn detail(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    quiz: &QuizRow,
) -> AppResult<QuizDetail> {
    let questions = db::quiz::fixed_questions(conn, quiz.id).await?;
    let rows = qb_db::items(conn, &questions).await?;
    let by_id: HashMap<i64, &ItemRow> = rows.iter().map(|r| (r.id, r)).collect();
    let question_items = questions
        .iter()
        .filter_map(|id| by_id.get(id).map(|r| item_of(r)))
        .collect::<AppResult<Vec<_>>>()?;
    let attempts = qb_db::attempt_count(conn, quiz.id).await?;
    let input = input_of(conn, quiz, questions).await?;
    let reach = reach(conn, &input.audience).await?;
    let module = qb_db::module_of(conn, quiz.id)
        .await?
        .map(|(id, title)| QuizModule { id, title });
    Ok(QuizDetail {
        id: quiz.id,
        status: QuizStatus::parse(&quiz.status).unwrap_or(QuizStatus::Draft),
        locked: attempts > 0,
        attempts,
        editable: can_edit(user, owner_of(quiz)),
        input,
        question_items,
        reach,
        module,
    })
}

// issue 17 quiz builder
/// Who an audience reaches: its units' names and how many active members are in them
/// (members in two of them counted once).
async fn reach(conn: &mut sqlx::AnyConnection, a: &Audience) -> AppResult<QuizReach> {
    if a.branch_ids.is_empty() && a.youth_group_ids.is_empty() {
        return Ok(QuizReach {
            everyone: true,
            units: Vec::new(),
            members: qb_db::member_count(conn, None).await?,
        });
    }
    let mut units = Vec::new();
    for (unit, id) in a
        .branch_ids
        .iter()
        .map(|b| (Unit::Branch, *b))
        .chain(a.youth_group_ids.iter().map(|g| (Unit::YouthGroup, *g)))
    {
        if let Some(name) = db::org::unit_name(conn, unit, id).await? {
            units.push(name);
        }
    }
    let members = qb_db::member_count(conn, Some((&a.branch_ids, &a.youth_group_ids))).await?;
    Ok(QuizReach {
        everyone: false,
        units,
        members,
    })
}

/// The filter of one draw rule for a quiz of `owner`.
fn rule_filter(
    tree: &[crate::db::questions::CategoryRow],
    owner: Owner,
    rule: &DrawRule,
) -> DrawFilter {
    DrawFilter {
        category_ids: with_descendants(tree, rule.category_id),
        difficulty: rule.difficulty.map(i64::from),
        owner_branch_id: owner.branch_id,
        owner_youth_group_id: owner.youth_group_id,
        kind: rule.kind.map(QuestionKind::as_str),
    }
}

/// Per rule, how many questions it can draw from (the fixed ones not counted): what the
/// builder shows beside each rule before saving.
pub async fn draw_counts(
    db: &Db,
    user: &SessionUser,
    req: DrawCountRequest,
) -> AppResult<DrawCounts> {
    user.require_staff()?;
    if req.draw_rules.len() > MAX_DRAW_RULES {
        return Err(AppError::validation(
            "draw_rules",
            format!("抽题规则最多{MAX_DRAW_RULES}条"),
        ));
    }
    let mut conn = db.pool.acquire().await?;
    check_owner(&mut conn, user, req.owner).await?;
    let tree = db::questions::categories(&mut conn, &Visibility::All).await?;
    let mut available = Vec::new();
    for rule in &req.draw_rules {
        if !tree.iter().any(|c| c.id == rule.category_id) {
            available.push(0);
            continue;
        }
        let filter = rule_filter(&tree, req.owner, rule);
        let have = db::quiz::draw_candidates(&mut conn, 0, &filter, 0)
            .await?
            .iter()
            .filter(|(id, _)| !req.questions.contains(id))
            .count();
        available.push(have as i64);
    }
    let fixed = req.questions.len() as i64;
    let drawn = req.draw_rules.iter().map(|r| r.count.max(0)).sum::<i64>();
    Ok(DrawCounts {
        available,
        fixed,
        drawn,
        total: fixed + drawn,
    })
}

/// One paper as a member of the audience would get it now (the fixed questions, then one
/// draw), with keys: only its managers can ask, and a member never reaches this.
pub async fn preview(db: &Db, user: &SessionUser, id: i64) -> AppResult<QuizPreview> {
    let mut conn = db.pool.acquire().await?;
    let quiz = managed(&mut conn, user, id).await?;
    let (ids, fixed) = crate::domain::quiz::paper(&mut conn, 0, &quiz, now_ms()).await?;
    if ids.is_empty() {
        return Err(AppError::conflict(
            "quiz_empty",
            "请先选择题目或设置抽题规则",
        ));
    }
    let rows = qb_db::items(&mut conn, &ids).await?;
    let by_id: HashMap<i64, &ItemRow> = rows.iter().map(|r| (r.id, r)).collect();
    let mut questions = Vec::new();
    for (i, qid) in ids.iter().enumerate() {
        let Some(r) = by_id.get(qid) else { continue };
        let kind = item_of(r)?.kind;
        let options: Vec<String> = match kind {
            QuestionKind::TrueFalse | QuestionKind::FillIn => Vec::new(),
            _ => serde_json::from_str(&r.options).map_err(AppError::internal)?,
        };
        let key: AnswerKey = serde_json::from_str(&r.answer_key).map_err(AppError::internal)?;
        questions.push(PreviewQuestion {
            id: r.id,
            kind,
            stem: r.stem.clone(),
            options,
            fixed: i < fixed,
            key_text: key_words(&key),
        });
    }
    let fixed_n = questions.iter().filter(|q| q.fixed).count() as i64;
    Ok(QuizPreview {
        quiz_id: quiz.id,
        title: quiz.title.clone(),
        drawn: questions.len() as i64 - fixed_n,
        fixed: fixed_n,
        questions,
        total_score: 100,
        pass_mark: quiz.pass_mark,
        time_limit_secs: quiz.time_limit_secs,
    })
}

/// A key in words: option letters, 正确/错误, or each blank's accepted answers.
pub fn key_words(key: &AnswerKey) -> String {
    let letter = |i: usize| char::from(b'A' + (i.min(25) as u8));
    match key {
        AnswerKey::Single { option } => letter(*option).to_string(),
        AnswerKey::Multiple { options } => options.iter().map(|o| letter(*o)).collect(),
        AnswerKey::TrueFalse { value } => if *value { "正确" } else { "错误" }.into(),
        AnswerKey::FillIn { blanks } => blanks
            .iter()
            .map(|alts| alts.join(" / "))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

async fn input_of(
    conn: &mut sqlx::AnyConnection,
    quiz: &QuizRow,
    questions: Vec<i64>,
) -> AppResult<QuizInput> {
    let text = |s: &str| serde_json::Value::String(s.to_string());
    Ok(QuizInput {
        title: quiz.title.clone(),
        kind: QuizKind::parse(&quiz.kind).unwrap_or(QuizKind::Practice),
        owner: owner_of(quiz),
        questions,
        draw_rules: qb_db::draw_rules(conn, quiz.id).await?,
        time_limit_secs: quiz.time_limit_secs,
        opens_at: quiz.opens_at,
        closes_at: quiz.closes_at,
        max_attempts: quiz.max_attempts,
        pass_mark: quiz.pass_mark,
        points_per_correct: quiz.points_per_correct,
        shuffle_options: quiz.shuffle_options == 1,
        reveal: serde_json::from_value(text(&quiz.reveal)).map_err(AppError::internal)?,
        multiple_policy: serde_json::from_value(text(&quiz.multiple_policy))
            .map_err(AppError::internal)?,
        audience: qb_db::audience(conn, quiz.id).await?,
        required: quiz.required == 1,
    })
}

fn item_of(r: &ItemRow) -> AppResult<QuizQuestionItem> {
    Ok(QuizQuestionItem {
        id: r.id,
        kind: serde_json::from_value(serde_json::Value::String(r.kind.clone()))
            .map_err(AppError::internal)?,
        stem: r.stem.clone(),
        difficulty: u8::try_from(r.difficulty).unwrap_or(2),
        category: r.category.clone(),
    })
}

/// Saves the quiz. Once members have started it, a change to what decides results is
/// refused with `quiz_locked` and nothing is written.
pub async fn update(
    db: &Db,
    user: &SessionUser,
    id: i64,
    input: QuizInput,
) -> AppResult<QuizDetail> {
    check_input(&input)?;
    let mut tx = db.begin_write().await?;
    let quiz = managed(&mut tx, user, id).await?;
    check_scope(&mut tx, user, &input).await?;
    let fixed = db::quiz::fixed_questions(&mut tx, id).await?;
    let before = input_of(&mut tx, &quiz, fixed).await?;
    if qb_db::attempt_count(&mut tx, id).await? > 0 {
        let same = before.kind == input.kind
            && before.questions == input.questions
            && before.draw_rules == input.draw_rules
            && before.multiple_policy == input.multiple_policy
            && before.pass_mark == input.pass_mark;
        if !same {
            return Err(AppError::conflict(
                "quiz_locked",
                "已有成员作答，不能再修改题目、抽题规则、类型、计分方式或及格分",
            ));
        }
    }
    qb_db::update(&mut tx, id, &input, question_count(&input), now_ms()).await?;
    qb_db::replace_parts(&mut tx, id, &input).await?;
    audit::record(
        &mut tx,
        user,
        "update",
        "quiz",
        Some(id.to_string()),
        Some(audit::json(&before)),
        Some(audit::json(&input)),
    )
    .await?;
    let quiz = db::quiz::quiz_by_id(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("测验"))?;
    let out = detail(&mut tx, user, &quiz).await?;
    tx.commit().await?;
    Ok(out)
}

/// Publishes, closes, reopens or (before anyone answered) takes back a quiz. Publishing
/// checks that the bank holds enough questions for every draw rule; closing closes the
/// members' open attempts at their saved answers (see `quiz::close_open_attempts`).
pub async fn set_status(
    db: &Db,
    user: &SessionUser,
    id: i64,
    status: QuizStatus,
) -> AppResult<QuizDetail> {
    let mut tx = db.begin_write().await?;
    let quiz = managed(&mut tx, user, id).await?;
    let attempts = qb_db::attempt_count(&mut tx, id).await?;
    if status == QuizStatus::Draft && attempts > 0 {
        return Err(AppError::conflict(
            "quiz_locked",
            "已有成员作答，不能撤回为草稿；可以结束测验",
        ));
    }
    if status == QuizStatus::Published {
        check_publishable(&mut tx, &quiz).await?;
    }
    let now = now_ms();
    qb_db::set_status(&mut tx, id, status, now).await?;
    let updated = db::quiz::quiz_by_id(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("测验"))?;
    // Closing ends the members' open attempts too, graded at what they saved: otherwise
    // they could go on answering, and submit once an "after close" rule shows the keys.
    let closed_attempts = if status == QuizStatus::Closed {
        crate::domain::quiz::close_open_attempts(&mut tx, &updated, now).await?
    } else {
        0
    };
    // Members it is assigned to hear of it when it is first published (never twice).
    if status == QuizStatus::Published {
        crate::domain::notifications::notify_assigned_quiz(&mut tx, id, now).await?;
    }
    audit::record(
        &mut tx,
        user,
        "status",
        "quiz",
        Some(id.to_string()),
        Some(serde_json::json!({ "status": quiz.status })),
        Some(serde_json::json!({ "status": status, "closed_attempts": closed_attempts })),
    )
    .await?;
    let quiz = updated;
    let out = detail(&mut tx, user, &quiz).await?;
    tx.commit().await?;
    Ok(out)
}

async fn check_publishable(conn: &mut sqlx::AnyConnection, quiz: &QuizRow) -> AppResult<()> {
    let fixed = db::quiz::fixed_questions(conn, quiz.id).await?;
    let rules = qb_db::draw_rules(conn, quiz.id).await?;
    if fixed.is_empty() && rules.is_empty() {
        return Err(AppError::conflict(
            "quiz_empty",
            "请先选择题目或设置抽题规则",
        ));
    }
    let tree = db::questions::categories(conn, &Visibility::All).await?;
    // issue 17 quiz builder: the rules draw in turn, none drawing a fixed question or one
    // an earlier rule may take; each must find enough of its own.
    let owner = owner_of(quiz);
    let mut taken = fixed;
    for rule in rules {
        let filter = rule_filter(&tree, owner, &rule);
        let candidates: Vec<i64> = db::quiz::draw_candidates(conn, 0, &filter, 0)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !taken.contains(id))
            .collect();
        let have = candidates.len() as i64;
        if have < rule.count {
            let name = tree
                .iter()
                .find(|c| c.id == rule.category_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            let level = match rule.difficulty {
                Some(1) => "难度为易的",
                Some(2) => "难度为中的",
                Some(3) => "难度为难的",
                _ => "",
            };
            let kind = rule.kind.map(kind_zh).unwrap_or("");
            return Err(AppError::conflict(
                "not_enough_questions",
                format!(
                    "分类“{name}”中{level}{kind}题目（不计固定题目和前面规则抽的）只有{have}道，少于抽题数{}道",
                    rule.count
                ),
            ));
        }
        taken.extend(candidates.into_iter().take(rule.count as usize));
    }
    Ok(())
}

/// A question kind in words.
fn kind_zh(k: QuestionKind) -> &'static str {
    match k {
        QuestionKind::Single => "单选",
        QuestionKind::Multiple => "多选",
        QuestionKind::TrueFalse => "判断",
        QuestionKind::FillIn => "填空",
    }
}

/// Per question: facility, discrimination, option counts and flags, over the quiz's
/// submitted attempts.
pub async fn analysis(db: &Db, user: &SessionUser, id: i64) -> AppResult<QuizAnalysis> {
    let mut conn = db.pool.acquire().await?;
    let quiz = managed(&mut conn, user, id).await?;
    let rows = qb_db::responses(&mut conn, quiz.id).await?;
    let mut attempts: Vec<Vec<Response>> = Vec::new();
    let mut last = None;
    let mut order: Vec<i64> = Vec::new();
    for r in &rows {
        if last != Some(r.attempt_id) {
            attempts.push(Vec::new());
            last = Some(r.attempt_id);
        }
        if !order.contains(&r.question_id) {
            order.push(r.question_id);
        }
        let answer = r
            .answer
            .as_deref()
            .and_then(|a| serde_json::from_str::<Answer>(a).ok());
        if let Some(a) = attempts.last_mut() {
            a.push(Response {
                question_id: r.question_id,
                correct: r.correct == Some(1),
                answer,
            });
        }
    }
    let content = qb_db::items(&mut conn, &order).await?;
    let by_id: HashMap<i64, &ItemRow> = content.iter().map(|r| (r.id, r)).collect();
    let mut keys = Vec::new();
    for id in &order {
        let Some(r) = by_id.get(id) else { continue };
        let options: Vec<String> = serde_json::from_str(&r.options).map_err(AppError::internal)?;
        let key: AnswerKey = serde_json::from_str(&r.answer_key).map_err(AppError::internal)?;
        let kind: QuestionKind = serde_json::from_value(serde_json::Value::String(r.kind.clone()))
            .map_err(AppError::internal)?;
        let option_count = match kind {
            QuestionKind::TrueFalse => 2,
            QuestionKind::FillIn => 0,
            _ => options.len(),
        };
        keys.push(ItemKey {
            question_id: *id,
            key,
            option_count,
        });
    }
    let stats = item_analysis::analyze(&keys, &attempts);
    let mut items = Vec::new();
    for s in stats {
        let Some(r) = by_id.get(&s.question_id) else {
            continue;
        };
        let options = match item_of(r)?.kind {
            QuestionKind::TrueFalse => vec!["正确".to_string(), "错误".to_string()],
            _ => serde_json::from_str(&r.options).map_err(AppError::internal)?,
        };
        items.push(ItemReport {
            question: item_of(r)?,
            options,
            flag_labels: s.flags.iter().map(|f| f.label().to_string()).collect(),
            stats: s,
        });
    }
    Ok(QuizAnalysis {
        quiz_id: quiz.id,
        attempts: attempts.len() as i64,
        mean_percent: qb_db::mean_percent(&mut conn, quiz.id).await?,
        items,
    })
}
