//! Studying: the founding document as a module, safe lessons, audiences, and study time
//! credited honestly from heartbeats.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    the_founding_document_is_a_module_of_five_lessons,
    seeds_load_idempotently,
    heartbeats_credit_real_time_only,
    concurrent_heartbeats_credit_one_gap_once,
    parallel_heartbeats_to_many_lessons_credit_wall_time_once,
    reading_to_the_end_for_long_enough_completes_a_lesson,
    modules_reach_only_their_audience,
);

async fn work_plan(c: &Client<'_>) -> Value {
    let list = c.get("/api/v1/modules").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    list.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"] == "2023年党建工作要点")
        .expect("the founding document is a module")
        .clone()
}

async fn first_lesson(app: &TestApp, c: &Client<'_>) -> i64 {
    let m = work_plan(c).await;
    let detail = c.get(&format!("/api/v1/modules/{}", m["id"])).await.json();
    let _ = app;
    detail["lessons"][0]["id"].as_i64().unwrap()
}

/// Moves the reading of everyone who opened the lesson `secs` into the past, as if time
/// had passed: their heartbeats and the moment their study is credited up to.
async fn age_last_heartbeat(app: &TestApp, lesson: i64, secs: i64) {
    let readers: Vec<(i64,)> =
        sqlx::query_as("SELECT user_id FROM lesson_progress WHERE lesson_id = $1")
            .bind(lesson)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    for (user_id,) in readers {
        app.age_study(user_id, secs * 1000).await;
    }
}

async fn beat(c: &Client<'_>, lesson: i64, reached_end: bool) -> Value {
    let r = c
        .post(
            &format!("/api/v1/lessons/{lesson}/heartbeat"),
            json!({"reached_end": reached_end}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn the_founding_document_is_a_module_of_five_lessons(app: TestApp) {
    let c = app.signed_in("m001").await;
    let m = work_plan(&c).await;
    assert_eq!(m["track"], "theory");
    assert_eq!(m["lesson_count"], 5);
    assert_eq!(m["lessons_completed"], 0);
    assert_eq!(m["lessons_started"], 0, "untouched: 开始学习");
    assert!(m["description"].as_str().unwrap().starts_with("2022年"));
    let detail = c.get(&format!("/api/v1/modules/{}", m["id"])).await.json();
    let titles: Vec<&str> = detail["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 5);
    assert!(titles[0].starts_with("一、强化政治建设"));
    assert!(titles[4].starts_with("五、强化群团建设"));
    let first = detail["lessons"][0]["id"].as_i64().unwrap();
    let lesson = c.get(&format!("/api/v1/lessons/{first}")).await.json();
    let html = lesson["html"].as_str().unwrap();
    assert!(
        html.contains("<strong>1.带头做到“两个维护”</strong>。深入贯彻"),
        "{html}"
    );
    assert!(lesson["source"].as_str().unwrap().contains("第1—4条"));
    assert!(lesson["prev_id"].is_null());
    assert!(lesson["next_id"].is_i64());
    assert_eq!(lesson["heartbeat_secs"], 15);
    assert!(lesson["progress"]["min_seconds"].as_i64().unwrap() >= 20);
    let r = c.get("/api/v1/lessons/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.anonymous().get("/api/v1/modules").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn seeds_load_idempotently(app: TestApp) {
    let (before,): (i64,) = sqlx::query_as("SELECT MAX(updated_at) FROM lessons")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let modules = app.count("modules").await;
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    backend::domain::seeds::load(&app.db, &seeds).await.unwrap();
    assert_eq!(app.count("modules").await, modules);
    let (lessons,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1",
    )
    .bind(backend::domain::seeds::WORK_PLAN_SLUG)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(lessons, 5);
    let (after,): (i64,) = sqlx::query_as("SELECT MAX(updated_at) FROM lessons")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing rewritten");
}

async fn heartbeats_credit_real_time_only(app: TestApp) {
    let c = app.signed_in("m002").await;
    let lesson = first_lesson(&app, &c).await;
    let p = beat(&c, lesson, false).await;
    assert_eq!(
        p["credited_seconds"], 0,
        "the first heartbeat starts the clock"
    );
    // 15 s of reading between two heartbeats is credited.
    age_last_heartbeat(&app, lesson, 15).await;
    let p = beat(&c, lesson, false).await;
    let after_read = p["credited_seconds"].as_i64().unwrap();
    assert!((15..=16).contains(&after_read), "{p}");
    // A burst of forged heartbeats earns no more than the moments it took.
    for _ in 0..30 {
        beat(&c, lesson, false).await;
    }
    let p = beat(&c, lesson, false).await;
    assert!(
        p["credited_seconds"].as_i64().unwrap() <= after_read + 2,
        "{p}"
    );
    // A background tab sends nothing; the next heartbeat after a long gap earns nothing.
    age_last_heartbeat(&app, lesson, 600).await;
    let p = beat(&c, lesson, false).await;
    assert!(
        p["credited_seconds"].as_i64().unwrap() <= after_read + 2,
        "{p}"
    );
    // Time per lesson is capped.
    for _ in 0..40 {
        age_last_heartbeat(&app, lesson, 35).await;
        beat(&c, lesson, false).await;
    }
    let p = beat(&c, lesson, false).await;
    let cap = (p["min_seconds"].as_i64().unwrap() * 3).max(300);
    assert_eq!(p["credited_seconds"].as_i64().unwrap(), cap, "{p}");
    // Nobody else's progress moved.
    let other = app.signed_in("m003").await;
    let l = other.get(&format!("/api/v1/lessons/{lesson}")).await.json();
    assert_eq!(l["progress"]["credited_seconds"], 0);
}

async fn concurrent_heartbeats_credit_one_gap_once(app: TestApp) {
    let c = app.signed_in("m004").await;
    let lesson = first_lesson(&app, &c).await;
    beat(&c, lesson, false).await;
    age_last_heartbeat(&app, lesson, 20).await;
    let calls = (0..12).map(|_| beat(&c, lesson, false));
    futures_join_all(calls).await;
    let l = c.get(&format!("/api/v1/lessons/{lesson}")).await.json();
    let credited = l["progress"]["credited_seconds"].as_i64().unwrap();
    assert!(
        (20..=22).contains(&credited),
        "one 20 s gap credited once, got {credited}"
    );
}

/// Heartbeats sent at once to every lesson the member can open (a dozen tabs, or a script)
/// credit together no more than the wall time they span.
async fn parallel_heartbeats_to_many_lessons_credit_wall_time_once(app: TestApp) {
    let c = app.signed_in("m005").await;
    let mut lessons = Vec::new();
    for m in c.get_ok("/api/v1/modules").await.as_array().unwrap() {
        let detail = c.get_ok(&format!("/api/v1/modules/{}", m["id"])).await;
        for l in detail["lessons"].as_array().unwrap() {
            lessons.push(l["id"].as_i64().unwrap());
        }
    }
    lessons.truncate(11);
    assert!(lessons.len() >= 6, "{lessons:?}");
    let started = backend::db::now_ms();
    for round in 0..3 {
        if round > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        }
        futures_join_all(lessons.iter().map(|l| beat(&c, *l, false))).await;
    }
    let elapsed = backend::db::now_ms() - started;
    let (credited,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(credited_ms) AS BIGINT) FROM lesson_progress WHERE user_id = $1",
    )
    .bind(app.user_id("m005").await)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        credited <= elapsed,
        "{} lessons credited {credited} ms in {elapsed} ms of wall time",
        lessons.len()
    );
    assert!(
        credited >= 2000,
        "the time read is still credited: {credited} ms"
    );
}

async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futs.collect();
    let mut out = Vec::new();
    // Drive them concurrently on this task.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().map(Option::unwrap));
    out
}

async fn reading_to_the_end_for_long_enough_completes_a_lesson(app: TestApp) {
    let c = app.signed_in("m005").await;
    let lesson = first_lesson(&app, &c).await;
    let p = beat(&c, lesson, true).await;
    assert_eq!(p["reached_end"], true);
    assert_eq!(
        p["completed"], false,
        "reaching the end at once is not enough"
    );
    let min = p["min_seconds"].as_i64().unwrap();
    let mut read = 0;
    while read < min {
        age_last_heartbeat(&app, lesson, 30).await;
        let p = beat(&c, lesson, false).await;
        read = p["credited_seconds"].as_i64().unwrap();
    }
    let l = c.get(&format!("/api/v1/lessons/{lesson}")).await.json();
    assert_eq!(l["progress"]["completed"], true);
    let m = work_plan(&c).await;
    assert_eq!(m["lessons_completed"], 1);
    assert_eq!(m["lessons_started"], 1, "opened and completed: 继续学习");
    assert_eq!(m["completed"], false);
    // Every lesson read, but the module's required exam not yet passed.
    sqlx::query("UPDATE lesson_progress SET completed_at = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let detail = c.get(&format!("/api/v1/modules/{}", m["id"])).await.json();
    for l in detail["lessons"].as_array().unwrap() {
        if l["progress"]["completed"] == false {
            let id = l["id"].as_i64().unwrap();
            beat(&c, id, true).await;
            sqlx::query("UPDATE lesson_progress SET completed_at = 1 WHERE lesson_id = $1")
                .bind(id)
                .execute(&app.db.pool)
                .await
                .unwrap();
        }
    }
    let m = work_plan(&c).await;
    assert_eq!(m["lessons_completed"], 5);
    assert_eq!(m["lessons_started"], 5);
    assert_eq!(m["completed"], false, "the required exam is not passed yet");
    let exam: i64 = {
        let list = c.get("/api/v1/quizzes").await.json();
        list.as_array()
            .unwrap()
            .iter()
            .find(|q| q["kind"] == "exam")
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let a = c
        .post(&format!("/api/v1/quizzes/{exam}/attempts"), json!({}))
        .await
        .json();
    sqlx::query(
        "UPDATE attempts SET submitted_at = 1, score_milli = 800, correct_count = 8 WHERE id = $1",
    )
    .bind(a["id"].as_i64().unwrap())
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(work_plan(&c).await["completed"], true);
}

async fn modules_reach_only_their_audience(app: TestApp) {
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let (module,): (i64,) = sqlx::query_as(
        "INSERT INTO modules (slug, title, track, description, audience, position, created_at, updated_at) \
         VALUES ('b3-only', '第三支部专题', 'discipline', '只面向第三支部', 'units', 1, 0, 0) RETURNING id",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO module_branches (module_id, branch_id) VALUES ($1, $2)")
        .bind(module)
        .bind(b3)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO lessons (module_id, position, title, body_md, source, char_count, created_at, updated_at) \
         VALUES ($1, 1, '课一', '正文', '来源', 2, 0, 0)",
    )
    .bind(module)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let (lesson,): (i64,) = sqlx::query_as("SELECT id FROM lessons WHERE module_id = $1")
        .bind(module)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (inside,): (String,) = sqlx::query_as(
        "SELECT username FROM users WHERE branch_id = $1 AND role = 'member' LIMIT 1",
    )
    .bind(b3)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (outside,): (String,) = sqlx::query_as("SELECT username FROM users WHERE branch_id <> $1 AND role = 'member' AND youth_group_id IS NULL LIMIT 1")
        .bind(b3)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let yes = app.signed_in(&inside).await;
    let no = app.signed_in(&outside).await;
    let titles = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(titles(yes.get("/api/v1/modules").await.json()).contains(&"第三支部专题".to_string()));
    assert!(!titles(no.get("/api/v1/modules").await.json()).contains(&"第三支部专题".to_string()));
    assert_eq!(
        no.get(&format!("/api/v1/modules/{module}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        no.get(&format!("/api/v1/lessons/{lesson}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = no
        .post(&format!("/api/v1/lessons/{lesson}/heartbeat"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("lesson_progress").await, 0, "nothing written");
    assert_eq!(
        yes.get(&format!("/api/v1/lessons/{lesson}")).await.status,
        StatusCode::OK
    );
    // Admins see every module.
    let admin = app.signed_in("admin").await;
    assert!(titles(admin.get("/api/v1/modules").await.json()).contains(&"第三支部专题".to_string()));
}
