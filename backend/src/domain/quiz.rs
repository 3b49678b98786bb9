//! Quizzes and attempts: who may start what and when, drawing and freezing questions,
//! saving answers one by one, grading once on submission (or when the quiz is closed),
//! revealing keys per the quiz's rule, and the mistake book. Keys never leave the server
//! before an attempt is submitted, and after it only as the quiz's reveal rule allows: no
//! key, explanation, source or per-question verdict before then, in any member response.

use rand::seq::SliceRandom;
use shared::api::points::PointsSource;
use shared::api::quiz::{
    AttemptQuestion, AttemptResult, AttemptSummary, AttemptView, Mistake, QuestionResult, QuizKind,
    QuizSummary, Reveal, SavedAnswer, SAVE_GRACE_MS,
};
use shared::calendar;
use shared::grading::{self, Answer, AnswerKey, MultiplePolicy, QuestionKind};
use shared::question::count_blanks;
use sqlx::AnyConnection;

use crate::auth::{CurrentUser, SessionUser};
use crate::db::questions::Visibility;
use crate::db::quiz::{AttemptQuestionRow, AttemptRow, DrawFilter, QuizRow};
use crate::db::study::Viewer;
use crate::db::{self, is_unique_violation, now_ms, Db};
use crate::domain::points::{self, Amount};
use crate::domain::questions;
use crate::error::{AppError, AppResult};

/// Attempts allowed at an exam when the quiz does not say.
pub const DEFAULT_EXAM_ATTEMPTS: i64 = 3;
/// A correct answer within this many days makes a question less likely to be drawn.
pub const RECENT_DAYS: i64 = 30;
pub const MISTAKE_PRACTICE_SLUG: &str = "mistake-practice";

fn viewer(user: &SessionUser) -> Viewer {
    let mut v = Viewer {
        all: user.is_admin(),
        branch_ids: user.branch_id.into_iter().collect(),
        youth_group_ids: user.youth_group_id.into_iter().collect(),
    };
    v.branch_ids.extend(&user.scope.branch_ids);
    v.youth_group_ids.extend(&user.scope.youth_group_ids);
    v
}

fn kind_of(q: &QuizRow) -> QuizKind {
    QuizKind::parse(&q.kind).unwrap_or(QuizKind::Practice)
}

fn error(status: axum::http::StatusCode, code: &'static str, message: &str) -> AppError {
    AppError::Body {
        status,
        code,
        message: message.into(),
    }
}

fn conflict(code: &'static str, message: &str) -> AppError {
    error(axum::http::StatusCode::CONFLICT, code, message)
}

/// Saving or submitting an attempt of a closed quiz.
fn quiz_closed() -> AppError {
    conflict(
        "quiz_closed",
        "答题已结束，本次作答已按结束时保存的答案评分，不能再修改或提交",
    )
}

/// Whether the quiz's reveal rule lets its members see, for their submitted attempts, the
/// keys, explanations, sources and which questions they got right, at `now`: at once
/// ("after submit"), once the quiz is closed or past its closing time ("after close"), or
/// never. The one place this rule is decided; the mistake book follows it too.
pub fn revealed(quiz: &QuizRow, now: i64) -> bool {
    match quiz.reveal.as_str() {
        "never" => false,
        "after_close" => quiz.status == "closed" || quiz.closes_at.is_some_and(|c| now > c),
        _ => true,
    }
}

/// The period an attempt of this quiz counts for at `now`.
fn period(kind: QuizKind, now: i64) -> String {
    match kind {
        QuizKind::Daily => calendar::day_key(now),
        QuizKind::Weekly => calendar::week_key(now),
        _ => "-".into(),
    }
}

/// How many attempts a member has in a period, and `None` for unlimited.
fn allowed_attempts(q: &QuizRow) -> Option<i64> {
    match kind_of(q) {
        QuizKind::Daily | QuizKind::Weekly | QuizKind::Special => Some(1),
        QuizKind::Exam => Some(q.max_attempts.unwrap_or(DEFAULT_EXAM_ATTEMPTS)),
        QuizKind::Practice | QuizKind::Challenge => q.max_attempts,
    }
}

fn is_open(a: &AttemptRow, now: i64) -> bool {
    a.submitted_at.is_none() && a.deadline_at.is_none_or(|d| now <= d)
}

/// Why no attempt can be started now, if so.
fn blocked(q: &QuizRow, attempts: &[AttemptRow], now: i64) -> Option<&'static str> {
    if q.status == "closed" {
        return Some("答题已结束");
    }
    if q.opens_at.is_some_and(|o| now < o) {
        return Some("答题尚未开始");
    }
    if q.closes_at.is_some_and(|c| now > c) {
        return Some("答题已结束");
    }
    if attempts.iter().any(|a| is_open(a, now)) {
        return None;
    }
    match allowed_attempts(q) {
        Some(n) if attempts.len() as i64 >= n => Some(match kind_of(q) {
            QuizKind::Daily => "今日答题已完成，明天再来",
            QuizKind::Weekly => "本周答题已完成，下周再来",
            QuizKind::Special => "专项答题只能作答一次",
            _ => "作答次数已用完",
        }),
        _ => None,
    }
}

/// The quizzes a member may take, with where they stand.
pub async fn list(db: &Db, user: &SessionUser) -> AppResult<Vec<QuizSummary>> {
    let mut conn = db.pool.acquire().await?;
    let quizzes = db::quiz::visible_quizzes(&mut conn, &viewer(user)).await?;
    summaries(&mut conn, user, quizzes).await
}

/// One quiz the member may see, with where they stand: what its start screen shows.
pub async fn one(db: &Db, user: &SessionUser, quiz_id: i64) -> AppResult<QuizSummary> {
    let mut conn = db.pool.acquire().await?;
    let quiz = db::quiz::visible_quiz(&mut conn, &viewer(user), quiz_id)
        .await?
        .filter(|q| q.slug.as_deref() != Some(MISTAKE_PRACTICE_SLUG))
        .ok_or(AppError::NotFound("答题活动"))?;
    summaries(&mut conn, user, vec![quiz])
        .await?
        .pop()
        .ok_or(AppError::NotFound("答题活动"))
}

/// The member's view of `quizzes`: their attempts in each quiz's current period.
async fn summaries(
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    quizzes: Vec<QuizRow>,
) -> AppResult<Vec<QuizSummary>> {
    let now = now_ms();
    let ids: Vec<i64> = quizzes.iter().map(|q| q.id).collect();
    let periods = [
        period(QuizKind::Daily, now),
        period(QuizKind::Weekly, now),
        period(QuizKind::Practice, now),
    ];
    let periods: Vec<&str> = periods.iter().map(String::as_str).collect();
    let all_attempts = db::quiz::attempts_at(conn, user.id, &ids, &periods).await?;
    let mut out = Vec::with_capacity(quizzes.len());
    for q in quizzes {
        let kind = kind_of(&q);
        let p = period(kind, now);
        let attempts: Vec<AttemptRow> = all_attempts
            .iter()
            .filter(|a| a.quiz_id == q.id && a.period == p)
            .cloned()
            .collect();
        let reason = blocked(&q, &attempts, now);
        out.push(QuizSummary {
            id: q.id,
            title: q.title.clone(),
            kind,
            module_id: q.module_id,
            question_count: q.question_count,
            time_limit_secs: q.time_limit_secs,
            pass_mark: q.pass_mark,
            max_attempts: allowed_attempts(&q),
            opens_at: q.opens_at,
            closes_at: q.closes_at,
            attempts_used: attempts.len() as i64,
            can_start: reason.is_none(),
            blocked_reason: reason.map(str::to_string),
            open_attempt_id: attempts.iter().find(|a| is_open(a, now)).map(|a| a.id),
            reveal: Reveal::parse(&q.reveal).unwrap_or(Reveal::AfterSubmit),
            required: q.required != 0,
        });
    }
    Ok(out)
}

/// Starts an attempt, or returns the member's open one so a reload resumes it.
pub async fn start(db: &Db, user: &SessionUser, quiz_id: i64) -> AppResult<AttemptView> {
    let mut conn = db.pool.acquire().await?;
    let quiz = db::quiz::visible_quiz(&mut conn, &viewer(user), quiz_id)
        .await?
        .filter(|q| q.slug.as_deref() != Some(MISTAKE_PRACTICE_SLUG))
        .ok_or(AppError::NotFound("答题活动"))?;
    drop(conn);
    let id = start_attempt(db, user, &quiz, false).await?;
    view(db, user, id).await
}

/// Starts a practice of the member's open mistakes: only questions listed in the book,
/// whose keys the member may already see (see [`mistakes`]).
pub async fn practise_mistakes(db: &Db, user: &SessionUser) -> AppResult<AttemptView> {
    catch_up_mistakes(db, user.id, now_ms()).await?;
    let mut conn = db.pool.acquire().await?;
    let quiz = db::quiz::quiz_by_slug(&mut conn, MISTAKE_PRACTICE_SLUG)
        .await?
        .ok_or(AppError::NotFound("错题练习"))?;
    if db::quiz::open_mistake_ids(&mut conn, user.id)
        .await?
        .is_empty()
    {
        return Err(conflict("no_mistakes", "错题本里没有需要练习的题目"));
    }
    drop(conn);
    let id = start_attempt(db, user, &quiz, true).await?;
    view(db, user, id).await
}

async fn start_attempt(
    db: &Db,
    user: &SessionUser,
    quiz: &QuizRow,
    from_mistakes: bool,
) -> AppResult<i64> {
    let now = now_ms();
    let kind = kind_of(quiz);
    let p = period(kind, now);
    // What can be decided and drawn is read first, on a reader connection: the write lock
    // is held only to re-check the quiz and the member's attempts and to insert.
    let questions = {
        let mut conn = db.pool.acquire().await?;
        let attempts = db::quiz::attempts_in(&mut conn, quiz.id, user.id, Some(&p)).await?;
        if let Some(id) = may_start(quiz, &attempts, from_mistakes, now)? {
            return Ok(id);
        }
        let ids = if from_mistakes {
            let mut ids = db::quiz::open_mistake_ids(&mut conn, user.id).await?;
            ids.truncate(quiz.question_count.max(1) as usize);
            ids
        } else {
            paper(&mut conn, user.id, quiz, now).await?.0
        };
        let mut frozen = Vec::with_capacity(ids.len());
        for qid in ids {
            let (version, options) = db::quiz::question_shape(&mut conn, qid).await?;
            let n = serde_json::from_str::<Vec<String>>(&options)
                .map(|o| o.len())
                .unwrap_or(0);
            let mut order: Vec<usize> = (0..n).collect();
            if quiz.shuffle_options == 1 {
                order.shuffle(&mut rand::thread_rng());
            }
            let order = serde_json::to_string(&order).map_err(AppError::internal)?;
            frozen.push(db::quiz::FrozenQuestion {
                question_id: qid,
                version,
                option_order: order,
            });
        }
        frozen
    };
    if questions.is_empty() {
        return Err(conflict("no_questions", "题库中暂时没有可用的题目"));
    }
    let mut tx = db.begin_write().await?;
    // The quiz as of this transaction: a close committed since it was read stops the start.
    let quiz = &db::quiz::quiz_by_id(&mut tx, quiz.id)
        .await?
        .ok_or(AppError::NotFound("答题活动"))?;
    let attempts = db::quiz::attempts_in(&mut tx, quiz.id, user.id, Some(&p)).await?;
    if let Some(id) = may_start(quiz, &attempts, from_mistakes, now)? {
        return Ok(id);
    }
    let deadline = match (quiz.time_limit_secs, quiz.closes_at) {
        (Some(limit), Some(close)) => Some((now + limit * 1000).min(close)),
        (Some(limit), None) => Some(now + limit * 1000),
        (None, close) => close,
    };
    let attempt_id = match db::quiz::insert_attempt(
        &mut tx,
        quiz.id,
        user.id,
        &p,
        attempts.len() as i64,
        from_mistakes,
        now,
        deadline,
        questions.len() as i64,
    )
    .await
    {
        Ok(id) => id,
        // Another request started the same attempt a moment ago: resume that one.
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            let mut conn = db.pool.acquire().await?;
            let again = db::quiz::attempts_in(&mut conn, quiz.id, user.id, Some(&p)).await?;
            return again
                .iter()
                .find(|a| is_open(a, now))
                .map(|a| a.id)
                .ok_or_else(|| conflict("no_attempts_left", "作答次数已用完"));
        }
        Err(e) => return Err(e.into()),
    };
    db::quiz::insert_attempt_questions(&mut tx, attempt_id, &questions).await?;
    tx.commit().await?;
    Ok(attempt_id)
}

/// Whether the member may start a new attempt: `Some(id)` of the open one to resume,
/// `None` to start one, or why not.
fn may_start(
    quiz: &QuizRow,
    attempts: &[AttemptRow],
    from_mistakes: bool,
    now: i64,
) -> AppResult<Option<i64>> {
    if let Some(open) = attempts
        .iter()
        .find(|a| is_open(a, now) && (a.from_mistakes == 1) == from_mistakes)
    {
        return Ok(Some(open.id));
    }
    if let Some(reason) = blocked(quiz, attempts, now) {
        let code = if reason.contains("尚未开始") {
            "quiz_not_open"
        } else if reason.contains("已结束") {
            "quiz_closed"
        } else {
            "no_attempts_left"
        };
        return Err(conflict(code, reason));
    }
    Ok(None)
}

/// One paper of the quiz for a member: its fixed questions in their order, then those its
/// draw rules draw (issue 17 quiz builder: a quiz may mix both); with neither, a draw from
/// its categories. Returns the questions and how many of them are fixed.
pub(crate) async fn paper(
    conn: &mut AnyConnection,
    user_id: i64,
    quiz: &QuizRow,
    now: i64,
) -> AppResult<(Vec<i64>, usize)> {
    let fixed = db::quiz::fixed_questions(conn, quiz.id).await?;
    let rules = db::quiz::draw_rules(conn, quiz.id).await?;
    if rules.is_empty() && !fixed.is_empty() {
        let n = fixed.len();
        return Ok((fixed, n));
    }
    let n = fixed.len();
    let drawn = draw(conn, user_id, quiz, rules, &fixed, now).await?;
    let mut ids = fixed;
    ids.extend(drawn);
    Ok((ids, n))
}

/// Draws the quiz's questions in random order, questions the member has not answered right
/// in the last 30 days first: by the quiz's draw rules (count per category, difficulty and
/// kind), never one of `taken` (the fixed ones), else from its categories. Only the
/// organization's bank and the owning unit's questions take part.
async fn draw(
    conn: &mut AnyConnection,
    user_id: i64,
    quiz: &QuizRow,
    rules: Vec<(i64, i64, Option<i64>, Option<String>)>,
    taken: &[i64],
    now: i64,
) -> AppResult<Vec<i64>> {
    let since = now - RECENT_DAYS * 24 * 3600 * 1000;
    let base = DrawFilter {
        owner_branch_id: quiz.owner_branch_id,
        owner_youth_group_id: quiz.owner_youth_group_id,
        ..DrawFilter::default()
    };
    if rules.is_empty() {
        let filter = DrawFilter {
            category_ids: db::quiz::draw_categories(conn, quiz).await?,
            ..base
        };
        let candidates = db::quiz::draw_candidates(conn, user_id, &filter, since).await?;
        return Ok(prefer_unseen(candidates, quiz.question_count, taken));
    }
    let tree = db::questions::categories(conn, &Visibility::All).await?;
    let mut picked = taken.to_vec();
    for (category, count, difficulty, kind) in rules {
        let filter = DrawFilter {
            category_ids: questions::with_descendants(&tree, category),
            difficulty,
            kind: kind
                .as_deref()
                .and_then(QuestionKind::parse)
                .map(QuestionKind::as_str),
            ..base.clone()
        };
        let candidates = db::quiz::draw_candidates(conn, user_id, &filter, since).await?;
        let more = prefer_unseen(candidates, count, &picked);
        picked.extend(more);
    }
    let mut drawn = picked.split_off(taken.len());
    drawn.shuffle(&mut rand::thread_rng());
    Ok(drawn)
}

/// Up to `n` of the candidates not in `taken`, at random, recently-right ones last.
fn prefer_unseen(mut candidates: Vec<(i64, i64)>, n: i64, taken: &[i64]) -> Vec<i64> {
    candidates.retain(|(id, _)| !taken.contains(id));
    candidates.shuffle(&mut rand::thread_rng());
    candidates.sort_by_key(|(_, recent_right)| *recent_right > 0);
    candidates
        .into_iter()
        .take(n.max(1) as usize)
        .map(|(id, _)| id)
        .collect()
}

/// Loads an attempt of this member; anyone else's reads as "not found".
async fn own_attempt(
    conn: &mut AnyConnection,
    user: &SessionUser,
    id: i64,
) -> AppResult<AttemptRow> {
    db::quiz::attempt(conn, id)
        .await?
        .filter(|a| a.user_id == user.id)
        .ok_or(AppError::NotFound("作答记录"))
}

struct Parsed {
    kind: QuestionKind,
    options: Vec<String>,
    order: Vec<usize>,
    key: AnswerKey,
    answer: Option<Answer>,
}

fn parse(row: &AttemptQuestionRow) -> AppResult<Parsed> {
    let kind: QuestionKind = serde_json::from_value(serde_json::Value::String(row.kind.clone()))
        .map_err(AppError::internal)?;
    let options: Vec<String> = serde_json::from_str(&row.options).map_err(AppError::internal)?;
    let order: Vec<usize> = serde_json::from_str(&row.option_order).map_err(AppError::internal)?;
    let key: AnswerKey = serde_json::from_str(&row.answer_key).map_err(AppError::internal)?;
    let answer = match &row.answer {
        Some(a) => Some(serde_json::from_str(a).map_err(AppError::internal)?),
        None => None,
    };
    Ok(Parsed {
        kind,
        options,
        order,
        key,
        answer,
    })
}

fn shown_question(row: &AttemptQuestionRow, p: &Parsed) -> AttemptQuestion {
    AttemptQuestion {
        position: row.position,
        kind: p.kind,
        stem: row.stem.clone(),
        options: p
            .order
            .iter()
            .filter_map(|i| p.options.get(*i).cloned())
            .collect(),
        blanks: if p.kind == QuestionKind::FillIn {
            count_blanks(&row.stem) as i64
        } else {
            0
        },
        answer: p.answer.as_ref().map(|a| grading::to_shown(a, &p.order)),
    }
}

/// An attempt as its member sees it: before submission without keys; after, with the
/// result (keys and explanations only when the quiz's reveal rule allows).
pub async fn view(db: &Db, user: &SessionUser, id: i64) -> AppResult<AttemptView> {
    let mut conn = db.pool.acquire().await?;
    let attempt = own_attempt(&mut conn, user, id).await?;
    let quiz = db::quiz::quiz_by_id(&mut conn, attempt.quiz_id)
        .await?
        .ok_or(AppError::NotFound("答题活动"))?;
    let rows = db::quiz::attempt_questions(&mut conn, id).await?;
    let kind = kind_of(&quiz);
    // The member's phone saves these questions next: their first saves need no read either.
    let remember = attempt.submitted_at.is_none() && kind != QuizKind::Challenge;
    let mut questions = Vec::new();
    for row in &rows {
        let p = parse(row)?;
        if remember {
            let frozen = frozen_question(attempt.user_id, false, &p);
            db.frozen_questions().insert(id, row.position, frozen);
        }
        questions.push(shown_question(row, &p));
        // A challenge shows one question at a time: the answered ones and the next.
        if kind == QuizKind::Challenge && row.answer.is_none() {
            break;
        }
    }
    let result = match attempt.submitted_at {
        Some(_) => {
            let next = next_steps(&mut conn, user, &quiz, &attempt).await?;
            Some(result(&quiz, &attempt, &rows, next)?)
        }
        None => None,
    };
    if result.is_some() {
        questions.clear();
    }
    Ok(AttemptView {
        id: attempt.id,
        quiz_id: quiz.id,
        quiz_title: quiz.title.clone(),
        kind,
        started_at: attempt.started_at,
        deadline_at: attempt.deadline_at,
        server_now: now_ms(),
        submitted: attempt.submitted_at.is_some(),
        from_mistakes: attempt.from_mistakes == 1,
        questions,
        result,
    })
}

/// What a result says beyond the grading: the points the attempt earned, and whether the
/// member may go again.
struct NextSteps {
    points_earned: i64,
    attempts_left: Option<i64>,
    can_retake: bool,
}

/// The points the attempt's award put in the ledger (after the daily cap), the attempts
/// left in the quiz's current period and whether another may be started now: the quiz is
/// still visible to the member, open, and not used up. Mistake practice starts again from
/// the mistake book, not from its quiz.
async fn next_steps(
    conn: &mut AnyConnection,
    user: &SessionUser,
    quiz: &QuizRow,
    attempt: &AttemptRow,
) -> AppResult<NextSteps> {
    let points_earned = match points_source(kind_of(quiz)) {
        Some(source) if attempt.from_mistakes == 0 => {
            let reference = format!("attempt:{}", attempt.id);
            db::points::earned(conn, user.id, source.as_str(), &reference).await?
        }
        _ => 0,
    };
    let mistakes =
        attempt.from_mistakes == 1 || quiz.slug.as_deref() == Some(MISTAKE_PRACTICE_SLUG);
    let visible = if mistakes {
        None
    } else {
        db::quiz::visible_quiz(conn, &viewer(user), quiz.id).await?
    };
    let standing = match visible {
        Some(q) => summaries(conn, user, vec![q]).await?.pop(),
        None => None,
    };
    Ok(match standing {
        Some(s) => NextSteps {
            points_earned,
            attempts_left: s.max_attempts.map(|m| (m - s.attempts_used).max(0)),
            can_retake: s.can_start,
        },
        None => NextSteps {
            points_earned,
            attempts_left: None,
            can_retake: false,
        },
    })
}

/// The graded attempt. Until the reveal rule allows, each question carries only the
/// member's own answer: no key, explanation, source, nor whether it was right (a
/// true/false verdict is its key); the totals (score, correct count, passed) stay.
fn result(
    quiz: &QuizRow,
    a: &AttemptRow,
    rows: &[AttemptQuestionRow],
    next: NextSteps,
) -> AppResult<AttemptResult> {
    let now = now_ms();
    let revealed = revealed(quiz, now);
    let mut questions = Vec::new();
    for row in rows {
        let p = parse(row)?;
        let shown = shown_question(row, &p);
        questions.push(QuestionResult {
            position: row.position,
            question_id: row.question_id,
            kind: p.kind,
            stem: row.stem.clone(),
            options: shown.options,
            answer: shown.answer,
            correct: revealed.then_some(row.correct == Some(1)),
            key: revealed.then(|| grading::to_shown(&grading::key_as_answer(&p.key), &p.order)),
            explanation: revealed.then(|| row.explanation.clone()),
            source: revealed.then(|| row.source.clone()),
        });
    }
    let score_percent = a.score_milli.unwrap_or(0) / 10;
    Ok(AttemptResult {
        correct_count: a.correct_count.unwrap_or(0),
        question_count: a.question_count,
        score_percent,
        passed: quiz.pass_mark.map(|m| score_percent >= m),
        submitted_at: a.submitted_at.unwrap_or(now),
        revealed,
        questions,
        points_earned: next.points_earned,
        attempts_left: next.attempts_left,
        can_retake: next.can_retake,
    })
}

/// Why an answer may not be saved now, if it may not: the attempt closed with its quiz,
/// was submitted, or is past its deadline or its quiz's closing time (which bounds every
/// attempt, even one started before the closing time was moved) by more than
/// [`SAVE_GRACE_MS`], the time the pick on screen at time-up may take to arrive.
fn refuse_save(
    closed_by_quiz: bool,
    submitted: bool,
    deadline_at: Option<i64>,
    closes_at: Option<i64>,
    now: i64,
) -> Option<AppError> {
    if closed_by_quiz {
        return Some(quiz_closed());
    }
    if submitted {
        return Some(conflict(
            "attempt_submitted",
            "本次作答已提交，不能再修改答案",
        ));
    }
    let past = |t: i64| now > t + SAVE_GRACE_MS;
    if deadline_at.is_some_and(past) || closes_at.is_some_and(past) {
        return Some(conflict("deadline_passed", "作答时间已到，答案未保存"));
    }
    None
}

fn invalid_answer() -> AppError {
    AppError::bad_request(
        "invalid_answer",
        "答案与题目不符（题型、选项或填空数量不对）",
    )
}

/// The stored (canonical) form of `answer` to question `row`, or why it does not fit.
fn canonical_answer(row: &AttemptQuestionRow, answer: &Answer) -> AppResult<(Parsed, Answer)> {
    let p = parse(row)?;
    if grading::check_shape(&p.key, p.options.len(), answer).is_err() {
        return Err(invalid_answer());
    }
    let canonical = grading::to_canonical(answer, &p.order);
    Ok((p, canonical))
}

/// Saves one answer (in the attempt's shown option order) for the session whose token
/// hashes to `token_hash`. Challenge runs are graded on the spot: a wrong answer ends the run.
///
/// Every other save is the hot path of a quiz (one per pick), kept out of the write lock.
/// A question this instance has shown (the attempt view) or seen saved is in
/// [`db::answer_saves::FrozenQuestions`]
/// (what cannot change: owner, kind, the key's shape, the option order), so its save is
/// **one** statement, shared with whatever saves arrive together ([`db::answer_saves`]),
/// which checks the rest atomically as it writes: the session is current and its member
/// owns the attempt, the attempt is open and before its deadline. Otherwise, or when that
/// statement writes nothing, the session is looked up as for any request (401/403 say why)
/// and [`save_answer_as`] goes on.
pub async fn save_answer(
    db: &Db,
    token_hash: &str,
    id: i64,
    position: i64,
    answer: Answer,
) -> AppResult<SavedAnswer> {
    let frozen = db.frozen_questions().get(id, position);
    let mut tried = false;
    if let Some(f) = frozen.as_ref().filter(|f| !f.challenge) {
        // An answer that does not fit is refused after the session check, below.
        if let Some(stored) = stored_answer(f, &answer)? {
            let save = answer_save(id, position, token_hash, stored);
            if db.answer_saves().save(save).await? {
                return Ok(saved(position));
            }
            tried = true;
        }
    }
    let user = CurrentUser::of_session(db, token_hash.to_string()).await?;
    if tried {
        // The session is current: not the owner's, or no longer open (the locked path says).
        if frozen.is_some_and(|f| f.user_id != user.id) {
            return Err(AppError::NotFound("作答记录"));
        }
        return save_answer_locked(db, &user, id, position, answer).await;
    }
    save_answer_as(db, &user, id, position, answer).await
}

/// What [`db::answer_saves::FrozenQuestions`] keeps of a question of `user_id`'s attempt.
fn frozen_question(
    user_id: i64,
    challenge: bool,
    p: &Parsed,
) -> std::sync::Arc<db::answer_saves::FrozenQuestion> {
    std::sync::Arc::new(db::answer_saves::FrozenQuestion {
        user_id,
        challenge,
        key: p.key.clone(),
        option_count: p.options.len(),
        order: p.order.clone(),
    })
}

fn saved(position: i64) -> SavedAnswer {
    SavedAnswer {
        position,
        correct: None,
        next: None,
        finished: false,
    }
}

fn answer_save(
    id: i64,
    position: i64,
    token_hash: &str,
    answer: String,
) -> db::answer_saves::AnswerSave {
    db::answer_saves::AnswerSave {
        attempt_id: id,
        position,
        token_hash: token_hash.to_string(),
        answer,
        at: now_ms(),
    }
}

/// The stored (canonical JSON) form of `answer` to `f`, or `None` when it does not fit.
fn stored_answer(
    f: &db::answer_saves::FrozenQuestion,
    answer: &Answer,
) -> AppResult<Option<String>> {
    if grading::check_shape(&f.key, f.option_count, answer).is_err() {
        return Ok(None);
    }
    let canonical = grading::to_canonical(answer, &f.order);
    serde_json::to_string(&canonical)
        .map(Some)
        .map_err(AppError::internal)
}

/// [`save_answer`] for a signed-in `user`: the checks on a reader connection (attempt, quiz
/// and question in one statement, remembered in [`db::answer_saves::FrozenQuestions`] for
/// the next save), then the batched write; when that statement finds the attempt no longer
/// open (submitted or closed meanwhile, or past its time), the save runs again in a write
/// transaction, which says why. Challenges, and attempts of a quiz being closed, take that
/// path at once.
async fn save_answer_as(
    db: &Db,
    user: &SessionUser,
    id: i64,
    position: i64,
    answer: Answer,
) -> AppResult<SavedAnswer> {
    let now = now_ms();
    let frozen = match db.frozen_questions().get(id, position) {
        Some(f) => f,
        None => {
            let target = {
                let mut conn = db.pool.acquire().await?;
                db::quiz::save_target(&mut conn, id, position).await?
            };
            if target.as_ref().is_some_and(|t| t.user_id != user.id) {
                return Err(AppError::NotFound("作答记录"));
            }
            // Missing (which of the two, the locked path says) or a quiz being closed.
            let Some(t) = target.filter(|t| t.quiz_status != "closed") else {
                return save_answer_locked(db, user, id, position, answer).await;
            };
            if let Some(refused) = refuse_save(
                t.closed_by_quiz == 1,
                t.submitted_at.is_some(),
                t.deadline_at,
                t.quiz_closes_at,
                now,
            ) {
                return Err(refused);
            }
            let challenge = QuizKind::parse(&t.quiz_kind) == Some(QuizKind::Challenge);
            let f = frozen_question(t.user_id, challenge, &parse(&t.question)?);
            db.frozen_questions().insert(id, position, f.clone());
            f
        }
    };
    if frozen.user_id != user.id {
        return Err(AppError::NotFound("作答记录"));
    }
    if frozen.challenge {
        return save_answer_locked(db, user, id, position, answer).await;
    }
    let Some(stored) = stored_answer(&frozen, &answer)? else {
        // A save to a submitted or expired attempt says so before judging the answer.
        return save_answer_locked(db, user, id, position, answer).await;
    };
    let save = answer_save(id, position, &user.token_hash, stored);
    if db.answer_saves().save(save).await? {
        return Ok(saved(position));
    }
    save_answer_locked(db, user, id, position, answer).await
}

/// [`save_answer`] in one write transaction: every check and the write under the lock.
async fn save_answer_locked(
    db: &Db,
    user: &SessionUser,
    id: i64,
    position: i64,
    answer: Answer,
) -> AppResult<SavedAnswer> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let attempt = own_attempt(&mut tx, user, id).await?;
    let quiz = db::quiz::quiz_by_id(&mut tx, attempt.quiz_id)
        .await?
        .ok_or(AppError::NotFound("答题活动"))?;
    if quiz.status == "closed" && attempt.submitted_at.is_none() {
        // Started while the quiz was being closed: close it now, as the close would have.
        if db::quiz::claim_submission(&mut tx, id, now, true).await? {
            grade(&mut tx, points::Earner::from(user), &quiz, &attempt, now).await?;
            tx.commit().await?;
        }
        return Err(quiz_closed());
    }
    if let Some(refused) = refuse_save(
        attempt.closed_by_quiz == 1,
        attempt.submitted_at.is_some(),
        attempt.deadline_at,
        quiz.closes_at,
        now,
    ) {
        return Err(refused);
    }
    let rows = db::quiz::attempt_questions(&mut tx, id).await?;
    let Some(row) = rows.iter().find(|r| r.position == position) else {
        return Err(AppError::NotFound("本次作答中的该题"));
    };
    let challenge = kind_of(&quiz) == QuizKind::Challenge;
    if challenge {
        let next_open = rows.iter().find(|r| r.answer.is_none()).map(|r| r.position);
        if next_open != Some(position) {
            return Err(conflict(
                "not_current_question",
                "挑战答题须按顺序作答，且答过的题不能修改",
            ));
        }
    }
    let (p, canonical) = canonical_answer(row, &answer)?;
    let stored = serde_json::to_string(&canonical).map_err(AppError::internal)?;
    if !challenge {
        db::quiz::save_answer(&mut tx, id, position, &stored, now, None).await?;
        tx.commit().await?;
        return Ok(SavedAnswer {
            position,
            correct: None,
            next: None,
            finished: false,
        });
    }
    let right = grading::grade(&p.key, Some(&canonical), MultiplePolicy::AllOrNothing).correct;
    db::quiz::save_answer(&mut tx, id, position, &stored, now, Some(i64::from(right))).await?;
    let next_row = rows.iter().find(|r| r.position > position);
    let finished = !right || next_row.is_none();
    tx.commit().await?;
    if finished {
        submit(db, user, id).await?;
        return Ok(SavedAnswer {
            position,
            correct: Some(right),
            next: None,
            finished: true,
        });
    }
    let next = match next_row {
        Some(r) => Some(shown_question(r, &parse(r)?)),
        None => None,
    };
    Ok(SavedAnswer {
        position,
        correct: Some(right),
        next,
        finished: false,
    })
}

/// Submits and grades an attempt exactly once: concurrent or repeated submissions all get
/// the one result. Answers saved after the deadline do not exist (saving refuses them),
/// so a late submission is graded on what was saved in time. An attempt its quiz's closing
/// graded is not the member's to submit: `409 quiz_closed` (its result is at `GET`).
pub async fn submit(db: &Db, user: &SessionUser, id: i64) -> AppResult<AttemptView> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let attempt = own_attempt(&mut tx, user, id).await?;
    if attempt.closed_by_quiz == 1 {
        return Err(quiz_closed());
    }
    let quiz = db::quiz::quiz_by_id(&mut tx, attempt.quiz_id)
        .await?
        .ok_or(AppError::NotFound("答题活动"))?;
    // Still open on a closed quiz: it started while the quiz was being closed.
    let by_quiz = quiz.status == "closed";
    if db::quiz::claim_submission(&mut tx, id, now, by_quiz).await? {
        grade(&mut tx, points::Earner::from(user), &quiz, &attempt, now).await?;
        tx.commit().await?;
        if by_quiz {
            return Err(quiz_closed());
        }
    } else {
        drop(tx);
    }
    view(db, user, id).await
}

/// Closes the quiz's open attempts at their saved answers, each graded at `now` as its
/// member's submission would be (verdicts, mistakes, points, aggregates), in the caller's
/// transaction that closes the quiz. Exactly once: the attempts are claimed by one
/// conditional `UPDATE … WHERE submitted_at IS NULL`, so a member's own submission that got
/// in first keeps its result and is not graded again. Returns how many were closed.
pub async fn close_open_attempts(
    conn: &mut AnyConnection,
    quiz: &QuizRow,
    now: i64,
) -> AppResult<usize> {
    let claimed = db::quiz::claim_open_attempts(conn, quiz.id, now).await?;
    // Every award first locks its member; taking all of them up front, in id order, keeps
    // this transaction (which awards many members) from deadlocking with another one.
    let mut members: Vec<i64> = claimed.iter().map(|(_, user_id)| *user_id).collect();
    members.sort_unstable();
    members.dedup();
    for user_id in members {
        db::points::lock_member(conn, user_id, None).await?;
    }
    for (attempt_id, user_id) in &claimed {
        let attempt = db::quiz::attempt(conn, *attempt_id)
            .await?
            .ok_or(AppError::NotFound("作答记录"))?;
        let who = points::Earner::load(conn, *user_id).await?;
        grade(conn, who, quiz, &attempt, now).await?;
    }
    Ok(claimed.len())
}

/// Grades an attempt its caller has just claimed, in the claim's transaction: each
/// question's verdict and score, the result, the mistake book and the points. Wrong
/// answers enter the mistake book only if the quiz reveals their keys now; otherwise the
/// attempt keeps them pending until it does (see [`mistakes`]).
async fn grade(
    conn: &mut AnyConnection,
    who: points::Earner,
    quiz: &QuizRow,
    attempt: &AttemptRow,
    now: i64,
) -> AppResult<()> {
    let id = attempt.id;
    let policy = if quiz.multiple_policy == "partial_credit" {
        MultiplePolicy::PartialCredit
    } else {
        MultiplePolicy::AllOrNothing
    };
    let challenge = kind_of(quiz) == QuizKind::Challenge;
    let shown = revealed(quiz, now);
    let rows = db::quiz::attempt_questions(conn, id).await?;
    let day = calendar::day_key(now);
    let (mut correct, mut score_milli, mut counted, mut pending) = (0i64, 0i64, 0i64, false);
    for row in &rows {
        // A challenge counts only the questions it reached.
        if challenge && row.answer.is_none() {
            continue;
        }
        counted += 1;
        let p = parse(row)?;
        let g = grading::grade(&p.key, p.answer.as_ref(), policy);
        let milli = (g.score * 1000.0).round() as i64;
        db::quiz::store_grade(conn, id, row.position, g.correct, milli).await?;
        score_milli += milli;
        if g.correct {
            correct += 1;
            if attempt.from_mistakes == 1 {
                db::quiz::record_right_in_practice(conn, who.id, row.question_id, &day, now)
                    .await?;
            }
        } else if shown {
            db::quiz::record_wrong(conn, who.id, row.question_id, row.answer.as_deref(), now)
                .await?;
        } else {
            pending = true;
        }
    }
    if pending {
        db::quiz::set_mistakes_pending(conn, id).await?;
    }
    // A challenge's score is its run; other quizzes count every question, answered or not.
    let total = if challenge {
        counted
    } else {
        rows.len() as i64
    };
    let stored = percent_for(score_milli, total, challenge, correct);
    db::quiz::store_result(conn, id, correct, stored, total).await?;
    award_points(conn, who, quiz, attempt, correct, now).await
}

/// Points for a graded attempt, in its grading transaction: 1 per correct answer for
/// daily, weekly and special quizzes, the run for a challenge (each within its daily
/// cap); and a module completed by passing its required quiz.
async fn award_points(
    conn: &mut AnyConnection,
    who: points::Earner,
    quiz: &QuizRow,
    attempt: &AttemptRow,
    correct: i64,
    now: i64,
) -> AppResult<()> {
    let reference = format!("attempt:{}", attempt.id);
    // A quiz's own points per correct answer never exceed the admin's rule.
    let units = match quiz.points_per_correct {
        Some(p) => Amount::UnitsAt {
            units: correct,
            per_unit: p,
        },
        None => Amount::Units(correct),
    };
    let kind = kind_of(quiz);
    let amount = match kind {
        QuizKind::Challenge => Amount::ChallengeRun(correct),
        _ => units,
    };
    let earned = points_source(kind).map(|source| (source, amount));
    if attempt.from_mistakes == 1 {
        return Ok(());
    }
    if let Some((source, amount)) = earned {
        points::award(conn, who, source, amount, &reference, now).await?;
    }
    if let Some(module_id) = quiz.module_id {
        points::check_module(conn, who, module_id, now).await?;
    }
    Ok(())
}

/// The points rule a quiz kind earns under; practice and exams earn none.
fn points_source(kind: QuizKind) -> Option<PointsSource> {
    match kind {
        QuizKind::Daily => Some(PointsSource::DailyQuiz),
        QuizKind::Weekly => Some(PointsSource::WeeklyQuiz),
        QuizKind::Special => Some(PointsSource::SpecialQuiz),
        QuizKind::Challenge => Some(PointsSource::Challenge),
        QuizKind::Practice | QuizKind::Exam => None,
    }
}

/// The stored score in thousandths of the whole (1000 = 100%).
fn percent_for(score_milli: i64, total: i64, challenge: bool, correct: i64) -> i64 {
    if total == 0 {
        return 0;
    }
    if challenge {
        correct * 1000 / total
    } else {
        score_milli / total
    }
}

/// The member's recent attempts, newest first.
pub async fn history(db: &Db, user: &SessionUser) -> AppResult<Vec<AttemptSummary>> {
    let mut conn = db.pool.acquire().await?;
    let rows = db::quiz::history(&mut conn, user.id, 100).await?;
    let mut out = Vec::with_capacity(rows.len());
    for a in rows {
        let quiz = db::quiz::quiz_by_id(&mut conn, a.quiz_id).await?;
        let (title, kind, pass_mark) = quiz
            .map(|q| (q.title.clone(), kind_of(&q), q.pass_mark))
            .unwrap_or_else(|| (String::new(), QuizKind::Practice, None));
        let score_percent = a.score_milli.map(|s| s / 10);
        out.push(AttemptSummary {
            id: a.id,
            quiz_id: a.quiz_id,
            quiz_title: title,
            kind,
            started_at: a.started_at,
            submitted_at: a.submitted_at,
            correct_count: a.correct_count,
            question_count: a.question_count,
            score_percent,
            passed: a
                .submitted_at
                .and(score_percent)
                .and_then(|score| pass_mark.map(|m| score >= m)),
        });
    }
    Ok(out)
}

/// Puts into the member's mistake book the wrong answers of graded attempts whose keys
/// have become visible since grading (an "after close" quiz closed or passed its closing
/// time; an organizer changed the rule), each attempt once. Nothing is written when
/// nothing became visible, so reading the book costs one small query.
async fn catch_up_mistakes(db: &Db, user_id: i64, now: i64) -> AppResult<()> {
    let mut conn = db.pool.acquire().await?;
    let mut due = Vec::new();
    for (attempt_id, quiz_id) in db::quiz::pending_mistake_attempts(&mut conn, user_id).await? {
        let quiz = db::quiz::quiz_by_id(&mut conn, quiz_id).await?;
        if quiz.is_some_and(|q| revealed(&q, now)) {
            due.push(attempt_id);
        }
    }
    drop(conn);
    if due.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for attempt_id in due {
        if db::quiz::release_pending_mistakes(&mut tx, attempt_id).await? {
            for (question_id, answer) in db::quiz::wrong_questions(&mut tx, attempt_id).await? {
                db::quiz::record_wrong(&mut tx, user_id, question_id, answer.as_deref(), now)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The member's mistake book, grouped by module and category.
///
/// A wrong answer enters the book only once its quiz's reveal rule lets the member see its
/// key: at once for "after submit", when the quiz closes for "after close", never for
/// "never". Until then the question is not listed at all, not even without its key: being
/// listed says "you got this wrong", which for a true/false question is its key. So the
/// book never shows a key, an explanation or a verdict early, and practising from it (which
/// draws only listed questions, and whose results reveal at once) is no key oracle.
pub async fn mistakes(db: &Db, user: &SessionUser) -> AppResult<Vec<Mistake>> {
    catch_up_mistakes(db, user.id, now_ms()).await?;
    let mut conn = db.pool.acquire().await?;
    let rows = db::quiz::mistakes(&mut conn, user.id).await?;
    rows.into_iter()
        .map(|r| {
            let kind: QuestionKind =
                serde_json::from_value(serde_json::Value::String(r.kind.clone()))
                    .map_err(AppError::internal)?;
            let key: AnswerKey = serde_json::from_str(&r.answer_key).map_err(AppError::internal)?;
            Ok(Mistake {
                question_id: r.question_id,
                category: r.category,
                module_title: r.module_title,
                kind,
                stem: r.stem,
                options: serde_json::from_str(&r.options).map_err(AppError::internal)?,
                key: grading::key_as_answer(&key),
                explanation: r.explanation,
                source: r.source,
                wrong_count: r.wrong_count,
                right_days: r.right_days,
                your_answer: match r.last_answer.as_deref() {
                    None | Some("null") => None,
                    Some(json) => Some(serde_json::from_str(json).map_err(AppError::internal)?),
                },
            })
        })
        .collect()
}
