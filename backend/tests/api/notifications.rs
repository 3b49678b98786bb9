//! Notifications and reminders: a staff reminder reaches exactly the unfinished members
//! in the sender's scope; the monthly reminder is generated once per month however often
//! and from however many places it is run; members see what is due, their list and
//! unread count, and mark them read.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use backend::domain::notifications::run_monthly;
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    reminders_reach_exactly_the_unfinished_members_in_scope,
    monthly_reminder_is_generated_once_per_month,
    members_see_what_is_due_and_read_their_notifications,
);

/// 2026-03-10 12:00 in Shanghai.
const MARCH: i64 = 1_773_115_200_000;
const DAY: i64 = 86_400_000;

async fn ids(app: &TestApp, sql: &str) -> BTreeSet<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as(sql).fetch_all(&app.db.pool).await.unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

async fn plan_module(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM modules WHERE title = '2023年党建工作要点'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn complete(app: &TestApp, username: &str, module: i64) {
    sqlx::query(
        "INSERT INTO module_completions (user_id, module_id, completed_at) \
         SELECT id, $1, $2 FROM users WHERE username = $3",
    )
    .bind(module)
    .bind(MARCH)
    .bind(username)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

async fn reminders_reach_exactly_the_unfinished_members_in_scope(app: TestApp) {
    let plan = plan_module(&app).await;
    for who in ["m001", "m002", "m007"] {
        complete(&app, who, plan).await;
    }
    sqlx::query("UPDATE users SET active = 0 WHERE username = 'm003'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let admin = app.signed_in("admin").await;
    let r = admin
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": plan, "message": "本周五前完成"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Everyone active but admins, less those who completed it.
    let expected = ids(
        &app,
        "SELECT id FROM users WHERE active = 1 AND role <> 'admin' AND username NOT IN ('m001', 'm002', 'm007')",
    )
    .await;
    assert_eq!(expected.len(), 42 - 1 - 3);
    assert_eq!(r.json()["recipients"], expected.len() as i64);
    let got = ids(
        &app,
        &format!("SELECT user_id FROM notifications WHERE item_id = {plan}"),
    )
    .await;
    assert_eq!(got, expected);

    // org1 looks after the first two branches: only their unfinished members.
    sqlx::query("DELETE FROM notifications")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let org1 = app.signed_in("org1").await;
    let r = org1
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": plan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let expected = ids(
        &app,
        "SELECT u.id FROM users u JOIN organizer_branches ob ON ob.branch_id = u.branch_id \
         JOIN users o ON o.id = ob.user_id AND o.username = 'org1' \
         WHERE u.active = 1 AND u.role <> 'admin' AND u.username NOT IN ('m001', 'm002', 'm007')",
    )
    .await;
    assert!(expected.len() > 5 && expected.len() < 22, "{expected:?}");
    assert_eq!(r.json()["recipients"], expected.len() as i64);
    let got = ids(&app, "SELECT user_id FROM notifications").await;
    assert_eq!(got, expected);
    let body: (String, Option<i64>) =
        sqlx::query_as("SELECT body, sender_id FROM notifications LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(body.0.contains("2023年党建工作要点"), "{}", body.0);
    assert_eq!(body.1, Some(app.user_id("org1").await));

    // A module for the third branch only is nothing org1 may remind about.
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let (b3_module,): (i64,) = sqlx::query_as(
        "INSERT INTO modules (slug, title, track, description, audience, position, created_at, updated_at) \
         VALUES ('b3', '第三支部专题', 'other', '', 'units', 9, 0, 0) RETURNING id",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO module_branches (module_id, branch_id) VALUES ($1, $2)")
        .bind(b3_module)
        .bind(b3)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = org1
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": b3_module}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = admin
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": b3_module}),
        )
        .await;
    let expected = ids(
        &app,
        &format!("SELECT id FROM users WHERE branch_id = {b3} AND active = 1 AND role <> 'admin'"),
    )
    .await;
    // The ten members of the third branch, less m003 (deactivated above).
    assert_eq!(expected.len(), 9);
    assert_eq!(r.json()["recipients"], 9);
    // Members may not send; bad input is refused with a reason.
    let r = app
        .signed_in("m001")
        .await
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": plan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "module", "item_id": plan, "message": "长".repeat(201)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for body in [
        json!({"item_kind": "lesson", "item_id": 1}),
        json!({"item_kind": "quiz", "item_id": 999_999}),
    ] {
        let r = admin.post("/api/v1/reminders", body.clone()).await;
        assert!(r.status.is_client_error(), "{body}: {}", r.status);
    }
    // Every reminder sent is in the audit log.
    let log = admin.get_ok("/api/v1/audit?entity=reminder").await;
    assert_eq!(log["total"], 3);
    assert_eq!(log["items"][0]["action"], "send");
}

async fn monthly_reminder_is_generated_once_per_month(app: TestApp) {
    let count = |key: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE dedup_key = $1")
                    .bind(key)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            n
        }
    };
    // m040 has completed every assigned item: no reminder for them.
    let m040 = app.user_id("m040").await;
    sqlx::query(
        "INSERT INTO item_progress (kind, item_id, user_id, active, started_at, last_active_at, completed_at) \
         SELECT 'module', id, $1, 1, 0, 0, 0 FROM modules",
    )
    .bind(m040)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO item_progress (kind, item_id, user_id, active, started_at, last_active_at, completed_at) \
         SELECT 'quiz', id, $1, 1, 0, 0, 0 FROM quizzes WHERE required = 1 OR kind IN ('special', 'exam')",
    )
    .bind(m040)
    .execute(&app.db.pool)
    .await
    .unwrap();

    // 42 active non-admin accounts, less m040.
    assert_eq!(run_monthly(&app.db, MARCH).await.unwrap(), Some(41));
    assert_eq!(count("monthly:2026-03").await, 41);
    // Again the same day, later in the month: nothing more.
    assert_eq!(run_monthly(&app.db, MARCH).await.unwrap(), None);
    assert_eq!(run_monthly(&app.db, MARCH + 15 * DAY).await.unwrap(), None);
    assert_eq!(count("monthly:2026-03").await, 41);
    let got: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, title FROM notifications WHERE dedup_key = 'monthly:2026-03' AND user_id = $1",
    )
    .bind(app.user_id("m001").await)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(got[0].1, "每月学习提醒（2026年3月）");
    assert!(ids(&app, "SELECT user_id FROM notifications")
        .await
        .iter()
        .all(|u| *u != m040));

    // April: four instances' timers at once; exactly one generates it.
    let april = MARCH + 25 * DAY;
    let runs = futures_join(vec![
        run_monthly(&app.db, april),
        run_monthly(&app.db, april),
        run_monthly(&app.db, april),
        run_monthly(&app.db, april),
    ])
    .await;
    let done: Vec<_> = runs.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(done.iter().filter(|r| r.is_some()).count(), 1, "{done:?}");
    assert_eq!(count("monthly:2026-04").await, 41);

    // May: an instance died halfway (claimed two hours ago, m001 already reached); the
    // next run takes over and reaches the rest, nobody twice.
    let may = MARCH + 60 * DAY;
    sqlx::query("INSERT INTO scheduled_runs (run_key, claimed_at) VALUES ('monthly:2026-05', $1)")
        .bind(may - 2 * 3_600_000)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, title, body, dedup_key, created_at) \
         VALUES ($1, 'monthly', 't', 'b', 'monthly:2026-05', $2)",
    )
    .bind(app.user_id("m001").await)
    .bind(may)
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(run_monthly(&app.db, may).await.unwrap(), Some(40));
    assert_eq!(count("monthly:2026-05").await, 41);
    // A run claimed a moment ago is left to its owner.
    sqlx::query("INSERT INTO scheduled_runs (run_key, claimed_at) VALUES ('monthly:2026-06', $1)")
        .bind(may + 30 * DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        run_monthly(&app.db, may + 30 * DAY + 60_000).await.unwrap(),
        None
    );
}

async fn futures_join<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let handles: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut out = Vec::new();
    // Poll them together so they really race.
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, f) in pending.iter_mut().enumerate() {
            if let Some(fut) = f {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *f = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.push(r.unwrap());
    }
    out
}

async fn members_see_what_is_due_and_read_their_notifications(app: TestApp) {
    let plan = plan_module(&app).await;
    let m = app.signed_in("m001").await;
    let due = m.get_ok("/api/v1/notifications/due").await;
    // 7 modules and 7 assigned quizzes (6 exams, 1 special), none begun.
    assert_eq!(due.as_array().unwrap().len(), 14);
    assert!(due
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["started"] == false));
    // The special quiz closes in 60 days: the only dated item, so first.
    assert!(due[0]["item"]["due_at"].is_i64(), "{}", due[0]);
    // Begin one lesson of the plan, complete another module.
    let (lesson,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM lessons WHERE module_id = $1")
        .bind(plan)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO lesson_progress (user_id, lesson_id, credited_ms, last_heartbeat_at, reached_end, started_at) \
         VALUES ($1, $2, 0, $3, 0, $3)",
    )
    .bind(app.user_id("m001").await)
    .bind(lesson)
    .bind(MARCH)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let (other,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM modules")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    complete(&app, "m001", other).await;
    let due = m.get_ok("/api/v1/notifications/due").await;
    assert_eq!(due.as_array().unwrap().len(), 13);
    let plan_due = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["item"]["id"] == plan && d["item"]["kind"] == "module")
        .unwrap();
    assert_eq!(plan_due["started"], true);
    assert!(due
        .as_array()
        .unwrap()
        .iter()
        .all(|d| !(d["item"]["id"] == other && d["item"]["kind"] == "module")));

    // Two reminders (about two modules) and the monthly one reach m001; a second
    // reminder about the same module on the same day reaches nobody.
    let admin = app.signed_in("admin").await;
    let (second,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM modules WHERE id <> $1 AND id <> $2")
            .bind(plan)
            .bind(other)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    for (module, reached) in [(plan, true), (second, true), (plan, false)] {
        let r = admin
            .post(
                "/api/v1/reminders",
                json!({"item_kind": "module", "item_id": module}),
            )
            .await;
        // issue 17 reports: the repeat is refused (409 already_reminded), not "0 reminded".
        if reached {
            assert_eq!(r.status, StatusCode::CREATED);
            assert!(r.json()["recipients"].as_i64().unwrap() > 0, "{module}");
        } else {
            assert_eq!(r.status, StatusCode::CONFLICT, "{module}: {}", r.text());
            assert_eq!(r.code(), "already_reminded");
        }
    }
    run_monthly(&app.db, MARCH).await.unwrap();
    let page = m.get_ok("/api/v1/notifications").await;
    assert_eq!(page["unread"], 3);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["kind"], "monthly", "newest first");
    assert_eq!(items[1]["sender_name"], "机关党委管理员");
    assert_eq!(items[1]["item_kind"], "module");
    assert_eq!(items[2]["item_id"], plan);
    let page = m.get_ok("/api/v1/notifications?limit=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next_before_id"].as_i64().unwrap();
    let rest = m
        .get_ok(&format!("/api/v1/notifications?limit=2&before_id={next}"))
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_before_id"], serde_json::Value::Null);

    // Marking one read; another member's ids are ignored; then all.
    let first = items[2]["id"].as_i64().unwrap();
    let r = m
        .post("/api/v1/notifications/read", json!({"ids": [first]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["unread"], 2);
    let unread = m.get_ok("/api/v1/notifications?unread_only=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 2);
    let other_member = app.signed_in("m002").await;
    let theirs = other_member.get_ok("/api/v1/notifications").await;
    let r = other_member
        .post(
            "/api/v1/notifications/read",
            json!({"ids": [items[0]["id"]], "all": false}),
        )
        .await;
    assert_eq!(r.json()["unread"], theirs["unread"]);
    assert_eq!(m.get_ok("/api/v1/notifications").await["unread"], 2);
    let r = m
        .post("/api/v1/notifications/read", json!({"all": true}))
        .await;
    assert_eq!(r.json()["unread"], 0);
    for (path, body) in [
        ("/api/v1/notifications/read", json!({})),
        (
            "/api/v1/notifications/read",
            json!({"ids": (0..501).collect::<Vec<i64>>()}),
        ),
    ] {
        let r = m.post(path, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = m.get("/api/v1/notifications?limit=0").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.anonymous().get("/api/v1/notifications").await.status,
        StatusCode::UNAUTHORIZED
    );
}
