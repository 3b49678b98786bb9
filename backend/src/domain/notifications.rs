//! Notifications and reminders (每月一提醒): a member's notification list with the unread
//! count, what is due and unfinished for them, the reminder staff send to the members in
//! their scope who have not completed a module or quiz, and the monthly reminder generated
//! once per month for every member with unfinished work.
//!
//! Delivery goes through [`Channel`]. Only the in-app channel exists: it stores rows in
//! the sender's transaction. An email or SMS channel would implement the same trait (and
//! should send after commit, e.g. from an outbox table, so a rolled-back reminder is never
//! sent); none is faked here.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::json;
use shared::api::dashboard::ItemKind;
use shared::api::notifications::{
    DueItem, MarkRead, Notification, NotificationPage, NotificationQuery, ReminderSent,
    SendReminder, UnreadCount, REMINDER_MESSAGE_MAX_CHARS,
};
use shared::calendar;
use shared::text::quoted;
use sqlx::AnyConnection;

use crate::auth::SessionUser;
use crate::db::dashboard::{self as dq, ItemRow};
use crate::db::notifications::{self as q, NewNotification};
use crate::db::{now_ms, Db};
use crate::domain::audit;
use crate::domain::dashboard::{item_ref, ViewScope};
use crate::error::{AppError, AppResult};

/// A way of delivering notifications to members.
pub trait Channel: Send + Sync {
    /// A short name, for logs.
    fn name(&self) -> &'static str;
    /// Delivers a batch inside the caller's transaction; returns how many were delivered
    /// (already-delivered generated notifications are skipped, not counted).
    fn deliver<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        batch: &'a [NewNotification],
    ) -> Pin<Box<dyn Future<Output = AppResult<u64>> + Send + 'a>>;
}

/// The in-app channel: notifications are rows the app lists.
pub struct InApp;

impl Channel for InApp {
    fn name(&self) -> &'static str {
        "in_app"
    }

    fn deliver<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        batch: &'a [NewNotification],
    ) -> Pin<Box<dyn Future<Output = AppResult<u64>> + Send + 'a>> {
        Box::pin(async move { Ok(q::insert_many(conn, batch).await?) })
    }
}

/// The channels every notification goes through.
pub fn channels() -> Vec<Box<dyn Channel>> {
    vec![Box::new(InApp)]
}

/// Sends through every channel; the in-app count is the one reported.
async fn deliver(conn: &mut AnyConnection, batch: &[NewNotification]) -> AppResult<u64> {
    let mut in_app = 0;
    for c in channels() {
        let n = c.deliver(conn, batch).await?;
        if c.name() == "in_app" {
            in_app = n;
        }
    }
    Ok(in_app)
}

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;
/// Most ids marked read in one request.
pub const MAX_MARK_IDS: usize = 500;

/// The caller's notifications, newest first, with the unread count.
pub async fn list(
    db: &Db,
    user: &SessionUser,
    query: NotificationQuery,
) -> AppResult<NotificationPage> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::validation(
            "limit",
            format!("每页条数应在1到{MAX_LIMIT}之间"),
        ));
    }
    let mut conn = db.pool.acquire().await?;
    let rows = q::list(
        &mut conn,
        user.id,
        query.before_id.unwrap_or(i64::MAX),
        limit,
        query.unread_only.unwrap_or(false),
    )
    .await?;
    let unread = q::unread_count(&mut conn, user.id).await?;
    let next_before_id = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            item_kind: r.item_kind.as_deref().and_then(ItemKind::parse),
            item_id: r.item_id,
            sender_name: r.sender_name,
            created_at: r.created_at,
            read_at: r.read_at,
        })
        .collect();
    Ok(NotificationPage {
        items,
        unread,
        next_before_id,
    })
}

/// The caller's unread count.
pub async fn unread(db: &Db, user: &SessionUser) -> AppResult<UnreadCount> {
    let mut conn = db.pool.acquire().await?;
    let unread = q::unread_count(&mut conn, user.id).await?;
    Ok(UnreadCount { unread })
}

/// Marks some (or all) of the caller's own notifications read; others' ids are ignored.
pub async fn mark_read(db: &Db, user: &SessionUser, req: MarkRead) -> AppResult<UnreadCount> {
    if req.ids.len() > MAX_MARK_IDS {
        return Err(AppError::validation(
            "ids",
            format!("一次最多标记{MAX_MARK_IDS}条"),
        ));
    }
    if !req.all && req.ids.is_empty() {
        return Err(AppError::validation("ids", "请选择要标记为已读的消息"));
    }
    let mut tx = db.begin_write().await?;
    let ids = (!req.all).then_some(req.ids.as_slice());
    q::mark_read(&mut tx, user.id, ids, now_ms()).await?;
    let unread = q::unread_count(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(UnreadCount { unread })
}

/// Whether an item can still be done: a quiz past its closing time cannot.
fn still_open(i: &ItemRow, now: i64) -> bool {
    !(i.kind == "quiz" && i.due_at.is_some_and(|d| d <= now))
}

/// What is assigned to the caller and not completed, soonest due first.
pub async fn due(db: &Db, user: &SessionUser) -> AppResult<Vec<DueItem>> {
    let now = now_ms();
    let mut conn = db.pool.acquire().await?;
    let items = dq::assigned_items(&mut conn).await?;
    let progress = q::progress_of(&mut conn, user.id).await?;
    let (b, g) = (
        user.branch_id.unwrap_or(0),
        user.youth_group_id.unwrap_or(0),
    );
    let mut out: Vec<DueItem> = items
        .iter()
        .filter(|i| user.role != shared::api::auth::Role::Admin && i.assigned_to(b, g))
        .filter(|i| still_open(i, now))
        .filter_map(|i| {
            let p = progress
                .iter()
                .find(|(k, id, _)| k == i.kind && *id == i.id);
            match p {
                Some((_, _, Some(_))) => None,
                _ => Some(DueItem {
                    item: item_ref(i),
                    started: p.is_some(),
                    required: i.must_do,
                }),
            }
        })
        .collect();
    out.sort_by_key(|d| (d.item.due_at.is_none(), d.item.due_at));
    Ok(out)
}

/// Reminds the members in the caller's scope who are assigned `req`'s item and have not
/// completed it; returns how many it reached. An item with nobody assigned in the
/// caller's scope reads as not found.
pub async fn send_reminder(
    db: &Db,
    user: &SessionUser,
    req: SendReminder,
) -> AppResult<ReminderSent> {
    let scope = ViewScope::of(user)?;
    let message = req
        .message
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    if let Some(m) = &message {
        if m.chars().count() > REMINDER_MESSAGE_MAX_CHARS {
            return Err(AppError::validation(
                "message",
                format!("附言不能超过{REMINDER_MESSAGE_MAX_CHARS}个字"),
            ));
        }
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let items = dq::assigned_items(&mut tx).await?;
    let kind = req.item_kind.as_str();
    let item = items
        .iter()
        .find(|i| i.kind == kind && i.id == req.item_id)
        .ok_or(AppError::NotFound("学习任务"))?;
    let scope_sql = if scope.all {
        dq::scope_sql(None)
    } else {
        dq::scope_sql(Some((&scope.branch_ids, &scope.youth_group_ids)))
    };
    let members = q::members(&mut tx, &scope_sql).await?;
    let assigned: Vec<i64> = members
        .iter()
        .filter(|(_, b, g)| item.assigned_to(*b, *g))
        .map(|m| m.0)
        .collect();
    if assigned.is_empty() {
        return Err(AppError::NotFound("学习任务"));
    }
    let done: HashSet<i64> = q::completed_by(&mut tx, kind, item.id)
        .await?
        .into_iter()
        .collect();
    let what = if kind == "module" {
        "学习专题"
    } else {
        "答题活动"
    };
    let due = item
        .due_at
        .map(|d| format!("，截止时间为{}", calendar::month_day_zh(d)))
        .unwrap_or_default();
    let day = calendar::day_key(now);
    let mut body = format!(
        "您还没有完成{what}{}{due}，请抓紧完成。",
        quoted(&item.title)
    );
    if let Some(m) = &message {
        body.push_str(&format!("\n{}：{m}", user.display_name));
    }
    let batch: Vec<NewNotification> = assigned
        .into_iter()
        .filter(|id| !done.contains(id))
        .map(|user_id| NewNotification {
            user_id,
            kind: "reminder",
            title: format!("学习提醒：{}", item.title),
            body: body.clone(),
            item_kind: Some(item.kind),
            item_id: Some(item.id),
            sender_id: Some(user.id),
            // One reminder per member, item and day, however often staff press the button.
            dedup_key: Some(format!("reminder:{kind}:{}:{day}", item.id)),
            created_at: now,
        })
        .collect();
    let sent = deliver(&mut tx, &batch).await? as i64;
    // issue 17 reports
    // Everyone still unfinished had this reminder today: refuse, so staff are told rather
    // than shown "0 reminded"; the rolled-back transaction writes nothing (no audit entry).
    let already = batch.len() as i64 - sent;
    if sent == 0 && already > 0 {
        return Err(AppError::conflict(
            "already_reminded",
            format!("今天已经提醒过{already}名未完成的成员，同一提醒每人每天只发一次，请明天再试"),
        ));
    }
    audit::record(
        &mut tx,
        user,
        "send",
        "reminder",
        Some(format!("{kind}:{}", item.id)),
        None,
        Some(json!({"item": item.title, "recipients": sent, "message": message})),
    )
    .await?;
    tx.commit().await?;
    Ok(ReminderSent {
        recipients: sent,
        already_reminded: already,
    })
}

/// Tells every member a newly published quiz is assigned to that it is there, in the
/// publisher's transaction; returns how many were told. Once per quiz: publishing it again
/// after a close tells nobody twice. Quizzes nobody is assigned to (daily, weekly,
/// practice and challenge ones that are not required) send nothing.
pub async fn notify_assigned_quiz(
    conn: &mut AnyConnection,
    quiz_id: i64,
    now: i64,
) -> AppResult<i64> {
    let items = dq::assigned_items(conn).await?;
    let Some(item) = items.iter().find(|i| i.kind == "quiz" && i.id == quiz_id) else {
        return Ok(0);
    };
    let members = q::members(conn, &dq::scope_sql(None)).await?;
    let due = item
        .due_at
        .map(|d| format!("，请在{}前完成", calendar::month_day_zh(d)))
        .unwrap_or_default();
    let what = if item.must_do { "必答" } else { "" };
    let body = format!("新的{what}答题活动{}已发布{due}。", quoted(&item.title));
    let batch: Vec<NewNotification> = members
        .iter()
        .filter(|(_, b, g)| item.assigned_to(*b, *g))
        .map(|&(user_id, _, _)| NewNotification {
            user_id,
            kind: "assigned",
            title: format!("新任务：{}", item.title),
            body: body.clone(),
            item_kind: Some(item.kind),
            item_id: Some(item.id),
            sender_id: None,
            dedup_key: Some(format!("assigned:quiz:{quiz_id}")),
            created_at: now,
        })
        .collect();
    let mut sent = 0;
    for chunk in batch.chunks(MONTHLY_BATCH) {
        sent += deliver(conn, chunk).await? as i64;
    }
    Ok(sent)
}

/// Tells every member a module is now assigned to that it is there, in the assigning
/// transaction; returns how many were told now. Once per member and module: assigning it
/// again (a new deadline, more units) tells only members not told before.
pub async fn notify_assigned_module(
    conn: &mut AnyConnection,
    module_id: i64,
    now: i64,
) -> AppResult<i64> {
    let items = dq::assigned_items(conn).await?;
    let Some(item) = items
        .iter()
        .find(|i| i.kind == "module" && i.id == module_id)
    else {
        return Ok(0);
    };
    let members = q::members(conn, &dq::scope_sql(None)).await?;
    let due = item
        .due_at
        .map(|d| format!("，请在{}前完成", calendar::month_day_zh(d)))
        .unwrap_or_default();
    let what = if item.must_do { "必学" } else { "" };
    let body = format!("新的{what}学习专题{}已发布{due}。", quoted(&item.title));
    let batch: Vec<NewNotification> = members
        .iter()
        .filter(|(_, b, g)| item.assigned_to(*b, *g))
        .map(|&(user_id, _, _)| NewNotification {
            user_id,
            kind: "assigned",
            title: format!("新任务：{}", item.title),
            body: body.clone(),
            item_kind: Some(item.kind),
            item_id: Some(item.id),
            sender_id: None,
            dedup_key: Some(format!("assigned:module:{module_id}")),
            created_at: now,
        })
        .collect();
    let mut sent = 0;
    for chunk in batch.chunks(MONTHLY_BATCH) {
        sent += deliver(conn, chunk).await? as i64;
    }
    Ok(sent)
}

/// Tells a member that their error report (纠错) was answered; it opens 我的纠错.
pub async fn notify_report_answered(
    conn: &mut AnyConnection,
    reporter_id: i64,
    report_id: i64,
    accepted: bool,
    reply: Option<&str>,
    now: i64,
) -> AppResult<()> {
    let verdict = if accepted {
        "已采纳并修正题目"
    } else {
        "未予采纳"
    };
    let mut body = format!("您提交的答题纠错{verdict}。");
    if let Some(r) = reply {
        body.push_str(&format!("回复：{r}"));
    }
    let n = NewNotification {
        user_id: reporter_id,
        kind: "report",
        title: "纠错有了答复".into(),
        body,
        item_kind: None,
        item_id: None,
        sender_id: None,
        dedup_key: Some(format!("report:{report_id}")),
        created_at: now,
    };
    deliver(conn, &[n]).await?;
    Ok(())
}

/// The run key of the monthly reminder for the month of `now` (Asia/Shanghai).
pub fn monthly_key(now: i64) -> String {
    let (y, m, _) = calendar::civil(calendar::local_day(now));
    format!("monthly:{y:04}-{m:02}")
}

/// A claimed run not finished after this long is taken over by the next run.
const STALE_RUN_MS: i64 = 3600 * 1000;
/// Members per write transaction of the monthly run, so writers are never held up long.
const MONTHLY_BATCH: usize = 1000;

/// Generates the monthly reminder for the month of `now` unless some instance already
/// did: every active member with assigned, unfinished, still open items gets one
/// notification listing them. Returns the number reached, or `None` when the month's run
/// belongs to someone else. Safe to call any number of times from any instance.
pub async fn run_monthly(db: &Db, now: i64) -> AppResult<Option<i64>> {
    let key = monthly_key(now);
    {
        let mut tx = db.begin_write().await?;
        let claimed = q::claim_run(&mut tx, &key, now, now - STALE_RUN_MS).await?;
        tx.commit().await?;
        if !claimed {
            return Ok(None);
        }
    }
    let (y, m, _) = calendar::civil(calendar::local_day(now));
    let mut conn = db.pool.acquire().await?;
    let items: Vec<ItemRow> = dq::assigned_items(&mut conn)
        .await?
        .into_iter()
        .filter(|i| still_open(i, now))
        .collect();
    let members = q::members(&mut conn, &dq::scope_sql(None)).await?;
    let items_sql = dq::items_sql(&items);
    drop(conn);
    let mut reached = 0i64;
    for chunk in members.chunks(MONTHLY_BATCH) {
        let (first, last) = (chunk[0].0, chunk[chunk.len() - 1].0);
        let mut tx = db.begin_write().await?;
        let mut done: HashMap<i64, HashSet<(String, i64)>> = HashMap::new();
        for (u, k, id) in q::completions_of_members(&mut tx, &items_sql, first, last).await? {
            done.entry(u).or_default().insert((k, id));
        }
        let mut batch = Vec::new();
        for &(user_id, b, g) in chunk {
            let mine = done.get(&user_id);
            let open: Vec<&ItemRow> = items
                .iter()
                .filter(|i| i.assigned_to(b, g))
                .filter(|i| !mine.is_some_and(|d| d.contains(&(i.kind.to_string(), i.id))))
                .collect();
            if open.is_empty() {
                continue;
            }
            let mut names: Vec<String> = open.iter().take(5).map(|i| quoted(&i.title)).collect();
            if open.len() > 5 {
                names.push("等".into());
            }
            batch.push(NewNotification {
                user_id,
                kind: "monthly",
                title: format!("每月学习提醒（{y}年{m}月）"),
                body: format!(
                    "您还有{}项学习任务尚未完成：{}。请合理安排时间，按时完成。",
                    open.len(),
                    names.join("、")
                ),
                item_kind: None,
                item_id: None,
                sender_id: None,
                dedup_key: Some(key.clone()),
                created_at: now,
            });
        }
        reached += deliver(&mut tx, &batch).await? as i64;
        tx.commit().await?;
    }
    let mut tx = db.begin_write().await?;
    q::finish_run(&mut tx, &key, reached, now_ms()).await?;
    tx.commit().await?;
    tracing::info!(key, reached, "monthly reminder generated");
    Ok(Some(reached))
}

/// The server's timer: tries the monthly run at start and every hour after (the run
/// itself makes sure each month is generated once, whichever instance gets there first).
pub async fn monthly_timer(db: Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = run_monthly(&db, now_ms()).await {
            tracing::error!(error = %e, "monthly reminder failed; will retry");
        }
    }
}
