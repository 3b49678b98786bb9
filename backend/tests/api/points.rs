//! Points and leaderboards: the task list, daily caps (also under concurrent awards),
//! streaks across midnight in Asia/Shanghai, rank ties and their order, aggregates equal
//! to a recomputation from the ledger after random awards, initials-only names, scope,
//! fair group measures, and the admin's rules and settings.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use backend::db::points::BoardFilter;
use backend::domain::points::{self, Amount};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use shared::api::points::PointsSource;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    sign_in_and_quizzes_fill_the_task_list,
    heartbeats_earn_study_time_and_lesson_points,
    daily_caps_hold_under_concurrent_awards,
    streaks_cross_midnight_in_shanghai,
    ties_share_a_rank_in_a_stable_order,
    aggregates_equal_a_recomputation_from_the_ledger,
    initials_only_outside_the_top_ten,
    boards_respect_scope_and_reject_bad_queries,
    group_boards_compare_fairly,
    rules_and_settings_are_for_admins,
);

/// 2026-03-10 12:00 in Shanghai (a Tuesday).
const NOON: i64 = 1_773_115_200_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn award(app: &TestApp, user: &str, source: PointsSource, n: i64, r: &str, at: i64) -> i64 {
    let id = app.user_id(user).await;
    points::award_now(&app.db, id, source, Amount::Units(n), r, at)
        .await
        .unwrap()
}

fn task<'a>(me: &'a Value, source: &str) -> &'a Value {
    me["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == source)
        .unwrap_or_else(|| panic!("task {source} in {me}"))
}

async fn sign_in_and_quizzes_fill_the_task_list(app: TestApp) {
    let c = app.signed_in("m001").await;
    let me = c.get_ok("/api/v1/points/me").await;
    let sign_in = task(&me, "sign_in");
    assert_eq!(
        (sign_in["points"].as_i64(), sign_in["cap"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(sign_in["done"], true);
    assert_eq!(task(&me, "lesson")["cap"], 6);
    assert_eq!(task(&me, "study_time")["cap"], 6);
    assert_eq!(task(&me, "daily_quiz")["cap"], 5);
    assert_eq!(task(&me, "special_quiz")["cap"], 10);
    assert_eq!(me["tasks"].as_array().unwrap().len(), 8);
    assert_eq!(me["totals"]["day"], 1);
    assert_eq!(me["totals"]["all"], 1);
    assert_eq!(me["streak"]["current"], 0, "signing in is not study");
    assert_eq!(me["weekly_goal"]["kind"], "points");
    assert_eq!(me["weekly_goal"]["target"], 60);
    assert_eq!(me["weekly_goal"]["progress"], 1);
    // Signing in again, or opening the app, pays nothing more today.
    let mut again = app.anonymous();
    again
        .login("m001", backend::domain::demo::MEMBER_PASSWORD)
        .await;
    assert_eq!(again.get("/api/v1/auth/me").await.status, StatusCode::OK);
    assert_eq!(c.get_ok("/api/v1/points/me").await["totals"]["all"], 1);

    // A daily quiz answered right: 1 point per correct answer, at most 5.
    let quizzes = c.get_ok("/api/v1/quizzes").await;
    let daily = quizzes
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "daily")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = c
        .post(&format!("/api/v1/quizzes/{daily}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let attempt = r.json()["id"].as_i64().unwrap();
    let rows = app.right_answers(attempt).await;
    for (pos, answer) in &rows {
        let r = c
            .call(
                Method::PUT,
                &format!("/api/v1/attempts/{attempt}/answers/{pos}"),
                Some(json!({ "answer": answer })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = c
        .post(&format!("/api/v1/attempts/{attempt}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let correct = r.json()["result"]["correct_count"].as_i64().unwrap();
    assert_eq!(correct, rows.len() as i64);
    // Submitting again pays nothing more.
    c.post(&format!("/api/v1/attempts/{attempt}/submit"), json!({}))
        .await;
    let me = c.get_ok("/api/v1/points/me").await;
    assert_eq!(task(&me, "daily_quiz")["points"], correct.min(5));
    assert_eq!(me["totals"]["week"], 1 + correct.min(5));
    assert_eq!(me["streak"]["current"], 1);
    assert_eq!(me["streak"]["studied_today"], true);

    let ledger = c.get_ok("/api/v1/points/ledger").await;
    let entries = ledger["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{ledger}");
    assert_eq!(entries[0]["source"], "daily_quiz");
    assert_eq!(entries[0]["reference"], format!("attempt:{attempt}"));
    assert_eq!(entries[1]["source"], "sign_in");
    assert!(ledger["next_before_id"].is_null());
    let page = c.get_ok("/api/v1/points/ledger?limit=1").await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    let next = page["next_before_id"].as_i64().unwrap();
    let page2 = c
        .get_ok(&format!("/api/v1/points/ledger?limit=1&before_id={next}"))
        .await;
    assert_eq!(page2["entries"][0]["source"], "sign_in");
    let r = c.get("/api/v1/points/ledger?limit=0").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
    );
    // Another member's ledger: not for members; organizers within scope only.
    let other = app.user_id("m002").await;
    let r = c
        .get(&format!("/api/v1/points/ledger?user_id={other}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let admin = app.signed_in("admin").await;
    let mine = app.user_id("m001").await;
    let theirs = admin
        .get_ok(&format!("/api/v1/points/ledger?user_id={mine}"))
        .await;
    assert_eq!(theirs["entries"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.anonymous().get("/api/v1/points/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn heartbeats_earn_study_time_and_lesson_points(app: TestApp) {
    let c = app.signed_in("m002").await;
    let member = app.user_id("m002").await;
    let modules = c.get_ok("/api/v1/modules").await;
    let module = modules[0]["id"].as_i64().unwrap();
    let detail = c.get_ok(&format!("/api/v1/modules/{module}")).await;
    let lesson = detail["lessons"][0]["id"].as_i64().unwrap();
    let beat = |end: bool| {
        let c = &c;
        async move {
            let r = c
                .post(
                    &format!("/api/v1/lessons/{lesson}/heartbeat"),
                    json!({ "reached_end": end }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            r.json()
        }
    };
    beat(false).await;
    // Seven 39-second gaps (40 s is the longest that counts): 273 s, one whole 4 minutes.
    for _ in 0..7 {
        app.age_study(member, 39_000).await;
        beat(false).await;
    }
    let me = c.get_ok("/api/v1/points/me").await;
    assert_eq!(task(&me, "study_time")["points"], 1, "{me}");
    assert_eq!(task(&me, "lesson")["points"], 0);
    assert_eq!(me["streak"]["current"], 1);
    // Fifteen more gaps reading to the end: long enough for any lesson (10 min at most).
    let mut p = Value::Null;
    for _ in 0..15 {
        app.age_study(member, 39_000).await;
        p = beat(true).await;
    }
    assert_eq!(p["completed"], true, "{p}");
    let me = c.get_ok("/api/v1/points/me").await;
    assert_eq!(task(&me, "lesson")["points"], 1, "{me}");
    let credited = p["credited_seconds"].as_i64().unwrap();
    assert_eq!(
        task(&me, "study_time")["points"],
        (credited / 240).min(6),
        "{me}"
    );
    // Another heartbeat of a completed lesson pays no lesson point again.
    beat(true).await;
    assert_eq!(
        task(&c.get_ok("/api/v1/points/me").await, "lesson")["points"],
        1
    );
}

async fn daily_caps_hold_under_concurrent_awards(app: TestApp) {
    let id = app.user_id("m003").await;
    // Twenty lessons completed at the same moment: the cap of 6 holds.
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                points::award_now(
                    &db,
                    id,
                    PointsSource::Lesson,
                    Amount::Units(1),
                    &format!("lesson:{i}"),
                    NOON,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        granted += t.await.unwrap();
    }
    assert_eq!(granted, 6);
    // The same event twice, concurrently: paid once.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                points::award_now(
                    &db,
                    id,
                    PointsSource::DailyQuiz,
                    Amount::Units(3),
                    "attempt:1",
                    NOON,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut quiz = 0;
    for t in tasks {
        quiz += t.await.unwrap();
    }
    assert_eq!(quiz, 3);
    // Mixed sizes racing for the special quiz's cap of 10.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                points::award_now(
                    &db,
                    id,
                    PointsSource::SpecialQuiz,
                    Amount::Units(3),
                    &format!("attempt:{}", 100 + i),
                    NOON,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut special = 0;
    for t in tasks {
        special += t.await.unwrap();
    }
    assert_eq!(special, 10);
    let (ledger,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger WHERE user_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(ledger, 6 + 3 + 10);
    let me = points::my_points(&app.db, id, NOON).await.unwrap();
    assert_eq!(me.totals.day, 19);
    let lesson = me
        .tasks
        .iter()
        .find(|t| t.source == PointsSource::Lesson)
        .unwrap();
    assert_eq!((lesson.points, lesson.cap, lesson.done), (6, 6, true));
    // The next day the cap starts again.
    assert_eq!(
        points::award_now(
            &app.db,
            id,
            PointsSource::Lesson,
            Amount::Units(1),
            "lesson:99",
            NOON + DAY
        )
        .await
        .unwrap(),
        1
    );
    // Study time: per whole 4 minutes of the day, capped at 6.
    let mut study = 0;
    for _ in 0..20 {
        study += points::award_now(
            &app.db,
            id,
            PointsSource::StudyTime,
            Amount::StudyMs(150_000),
            "",
            NOON,
        )
        .await
        .unwrap();
    }
    assert_eq!(study, 6, "50 minutes of reading earn the cap of 6");
    let run = points::award_now(
        &app.db,
        id,
        PointsSource::Challenge,
        Amount::ChallengeRun(12),
        "attempt:7",
        NOON,
    )
    .await
    .unwrap();
    assert_eq!(run, 4);
    let run = points::award_now(
        &app.db,
        id,
        PointsSource::Challenge,
        Amount::ChallengeRun(30),
        "attempt:8",
        NOON,
    )
    .await
    .unwrap();
    assert_eq!(run, 2, "what is left of the challenge's cap of 6");
}

async fn streaks_cross_midnight_in_shanghai(app: TestApp) {
    let id = app.user_id("m004").await;
    // 23:59:30 and 00:00:30 Shanghai time: two days, so a streak of 2.
    let late = NOON + 12 * HOUR - 30_000;
    let early = NOON + 12 * HOUR + 30_000;
    award(&app, "m004", PointsSource::Lesson, 1, "lesson:1", late).await;
    award(&app, "m004", PointsSource::Lesson, 1, "lesson:2", early).await;
    let days: Vec<(String,)> =
        sqlx::query_as("SELECT day_key FROM points_ledger WHERE user_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        days,
        vec![("2026-03-10".to_string(),), ("2026-03-11".to_string(),)]
    );
    let me = points::my_points(&app.db, id, early + HOUR).await.unwrap();
    assert_eq!(
        (me.streak.current, me.streak.best, me.streak.studied_today),
        (2, 2, true)
    );
    assert_eq!(me.totals.day, 1, "the new day has its own total");
    assert_eq!(me.totals.week, 2);
    // The next day, before studying: the streak is still alive, not yet extended.
    let next = points::my_points(&app.db, id, early + DAY).await.unwrap();
    assert_eq!((next.streak.current, next.streak.studied_today), (2, false));
    // Signing in is not study.
    points::sign_in(
        &app.db,
        points::Earner {
            id,
            branch_id: None,
            youth_group_id: None,
        },
        early + DAY,
    )
    .await
    .unwrap();
    let after = points::my_points(&app.db, id, early + DAY).await.unwrap();
    assert_eq!(after.streak.current, 2);
    // A whole day without study breaks it; studying again starts at 1, best stays.
    let later = points::my_points(&app.db, id, early + 2 * DAY)
        .await
        .unwrap();
    assert_eq!(later.streak.current, 0);
    award(
        &app,
        "m004",
        PointsSource::Lesson,
        1,
        "lesson:3",
        early + 2 * DAY,
    )
    .await;
    let again = points::my_points(&app.db, id, early + 2 * DAY)
        .await
        .unwrap();
    assert_eq!((again.streak.current, again.streak.best), (1, 2));
    // 23:59:59 on Sunday and 00:00:01 on Monday are different weeks.
    let sunday_night = NOON + 5 * DAY + 12 * HOUR - 1_000;
    assert_eq!(shared::calendar::week_key(sunday_night), "W:2026-03-09");
    assert_eq!(
        shared::calendar::week_key(sunday_night + 2_000),
        "W:2026-03-16"
    );
}

/// Gives a member exactly `points` (at most 26 a day) by sources paying 1 per unit.
async fn set_points(app: &TestApp, user: &str, points: i64, at: i64) {
    let mut left = points;
    for (i, source) in [
        PointsSource::SpecialQuiz,
        PointsSource::DailyQuiz,
        PointsSource::WeeklyQuiz,
        PointsSource::Lesson,
    ]
    .into_iter()
    .enumerate()
    {
        if left > 0 {
            left -= award(app, user, source, left, &format!("t:{user}"), at + i as i64).await;
        }
    }
    assert_eq!(left, 0, "{user} got {points} points");
}

async fn ties_share_a_rank_in_a_stable_order(app: TestApp) {
    let now = backend::db::now_ms();
    // m005 reached 5 first, then m006, then m007 (all 5); m008 has 7.
    set_points(&app, "m005", 5, now - 30_000).await;
    set_points(&app, "m006", 5, now - 20_000).await;
    set_points(&app, "m007", 5, now - 10_000).await;
    set_points(&app, "m008", 7, now - 5_000).await;
    set_points(&app, "m009", 2, now - 5_000).await;
    let c = app.signed_in("m006").await; // signing in adds 1 point: m006 has 6
    let board = c
        .get_ok("/api/v1/leaderboards/individuals?scope=org&period=day")
        .await;
    let top: Vec<(i64, i64, String)> = board["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rank"].as_i64().unwrap(),
                e["points"].as_i64().unwrap(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let name = |u: &str| {
        let app = &app;
        let u = u.to_string();
        async move {
            let (n,): (String,) =
                sqlx::query_as("SELECT display_name FROM users WHERE username = $1")
                    .bind(u)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
            n
        }
    };
    assert_eq!(
        top,
        vec![
            (1, 7, name("m008").await),
            (2, 6, name("m006").await),
            (3, 5, name("m005").await),
            (3, 5, name("m007").await),
            (5, 2, name("m009").await),
        ]
    );
    assert_eq!(board["participants"], 5);
    assert_eq!(board["me"]["rank"], 2);
    assert_eq!(board["me"]["is_me"], true);
    // m007 signs in too: now 6, reached later than m006, so after m006 with the same rank.
    let c7 = app.signed_in("m007").await;
    let board = c7
        .get_ok("/api/v1/leaderboards/individuals?period=day")
        .await;
    let ranks: Vec<(i64, i64)> = board["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["rank"].as_i64().unwrap(), e["points"].as_i64().unwrap()))
        .collect();
    assert_eq!(ranks, vec![(1, 7), (2, 6), (2, 6), (4, 5), (5, 2)]);
    assert_eq!(board["top"][2]["is_me"], true);
    let n: Vec<(i64, bool)> = board["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["rank"].as_i64().unwrap(), e["is_me"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        n,
        vec![(1, false), (2, false), (2, true), (4, false), (5, false)]
    );
    // Someone without points today ranks after everyone with points.
    let empty = app.signed_in("admin").await; // 1 point from signing in
    let c10 = app.signed_in("m010").await;
    let board = c10
        .get_ok("/api/v1/leaderboards/individuals?period=day")
        .await;
    assert_eq!(board["me"]["points"], 1);
    let _ = empty;
    sqlx::query("UPDATE points_rules SET daily_cap = 0 WHERE source = 'sign_in'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let c11 = app.signed_in("m011").await;
    let board = c11
        .get_ok("/api/v1/leaderboards/individuals?period=day")
        .await;
    let participants = board["participants"].as_i64().unwrap();
    assert_eq!(board["me"]["rank"], participants + 1);
    assert_eq!(board["me"]["points"], 0);
    let neighbours = board["neighbours"].as_array().unwrap();
    assert_eq!(neighbours.len(), 4, "three above and me");
    assert_eq!(neighbours[3]["is_me"], true);
    // The same members in the all-time board (nobody had points before today).
    let all = c11
        .get_ok("/api/v1/leaderboards/individuals?period=all")
        .await;
    assert_eq!(
        all["top"],
        c11.get_ok("/api/v1/leaderboards/individuals?period=day")
            .await["top"]
    );
}

/// Recomputes every aggregate from the ledger and compares it with the stored ones.
async fn assert_aggregates_match_ledger(app: &TestApp) {
    let entries: Vec<(i64, i64, String, i64, i64, String)> = sqlx::query_as(
        "SELECT l.id, l.user_id, l.source, l.points, l.created_at, l.day_key FROM points_ledger l ORDER BY l.id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let units: BTreeMap<i64, (Option<i64>, Option<i64>)> =
        sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(
            "SELECT id, branch_id, youth_group_id FROM users",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, b, g)| (id, (b, g)))
        .collect();
    // Member totals: (period, user) -> (points, reached_at of the last award).
    let mut member: BTreeMap<(String, i64), (i64, i64)> = BTreeMap::new();
    let mut daily: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
    for (_, user, source, pts, at, day) in &entries {
        assert_eq!(*day, shared::calendar::day_key(*at));
        for p in shared::points::period_keys(*at) {
            let e = member.entry((p, *user)).or_default();
            e.0 += pts;
            e.1 = *at;
        }
        *daily
            .entry((*user, day.clone(), source.clone()))
            .or_default() += pts;
    }
    let stored: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT period, user_id, points, rank_key, reached_at FROM points_member_totals",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let stored_map: BTreeMap<(String, i64), (i64, i64)> = stored
        .iter()
        .map(|(p, u, pts, k, r)| {
            assert_eq!(*k, -pts);
            ((p.clone(), *u), (*pts, *r))
        })
        .collect();
    assert_eq!(stored_map, member);
    // Members per total, organization-wide (what the organization board's ranks sum).
    let mut counts: BTreeMap<(String, i64), i64> = BTreeMap::new();
    for ((period, _), (pts, _)) in &member {
        *counts.entry((period.clone(), *pts)).or_default() += 1;
    }
    let stored_counts: BTreeMap<(String, i64), i64> = sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT period, points, members FROM points_rank_counts WHERE members <> 0",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(p, pts, n)| ((p, pts), n))
    .collect();
    assert_eq!(stored_counts, counts);
    // Daily points per source (rows with 0 points record activity only).
    let stored_daily: BTreeMap<(i64, String, String), i64> =
        sqlx::query_as::<_, (i64, String, String, i64)>(
            "SELECT user_id, day_key, source, points FROM points_daily WHERE points > 0",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(u, d, s, p)| ((u, d, s), p))
        .collect();
    assert_eq!(stored_daily, daily);
    // Group totals: points and members with points, for the organization and each unit.
    let mut groups: BTreeMap<(String, String, i64), (i64, BTreeSet<i64>)> = BTreeMap::new();
    for ((period, user), (pts, _)) in &member {
        let (b, g) = units[user];
        let mut keys = vec![("org".to_string(), 0)];
        keys.extend(b.map(|b| ("branch".to_string(), b)));
        keys.extend(g.map(|g| ("youth_group".to_string(), g)));
        for (kind, id) in keys {
            let e = groups.entry((kind, period.clone(), id)).or_default();
            e.0 += pts;
            e.1.insert(*user);
        }
    }
    let expected: BTreeMap<(String, String, i64), (i64, i64)> = groups
        .into_iter()
        .map(|(k, (p, users))| (k, (p, users.len() as i64)))
        .collect();
    let stored_groups: BTreeMap<(String, String, i64), (i64, i64)> = sqlx::query_as::<_, (String, String, i64, i64, i64)>(
        "SELECT kind, period, group_id, points, active_members FROM points_group_totals WHERE points > 0",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(k, p, g, pts, a)| ((k, p, g), (pts, a)))
    .collect();
    assert_eq!(stored_groups, expected);
}

async fn aggregates_equal_a_recomputation_from_the_ledger(app: TestApp) {
    let users: Vec<i64> = {
        let mut v = Vec::new();
        for u in [
            "m001", "m002", "m003", "m006", "m009", "m012", "m013", "m030", "org1", "admin",
        ] {
            v.push(app.user_id(u).await);
        }
        v
    };
    for seed in [7u64, 2026] {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        for i in 0..150 {
            let user = users[rng.gen_range(0..users.len())];
            let source = PointsSource::ALL[rng.gen_range(0..PointsSource::ALL.len())];
            let amount = match source {
                PointsSource::StudyTime => Amount::StudyMs(rng.gen_range(0..300_000)),
                PointsSource::Challenge => Amount::ChallengeRun(rng.gen_range(0..25)),
                _ => Amount::Units(rng.gen_range(0..4)),
            };
            // Times around midnights and week and month ends; some references repeat.
            let at =
                NOON - 3 * DAY + rng.gen_range(0..25) * 6 * HOUR + rng.gen_range(-60_000..60_000);
            let reference = format!("r:{seed}:{}", if rng.gen_bool(0.1) { 0 } else { i });
            points::award_now(&app.db, user, source, amount, &reference, at)
                .await
                .unwrap();
        }
        assert_aggregates_match_ledger(&app).await;
    }
    // Caps held on every day for every source.
    let over: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT d.user_id, d.day_key, d.source, d.points FROM points_daily d \
         JOIN points_rules r ON r.source = d.source WHERE d.points > r.daily_cap",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(over.is_empty(), "{over:?}");
    // The board read from the aggregates is the order recomputed from the ledger.
    let period = shared::points::period_key(shared::api::points::Period::Week, NOON);
    let mut expected: Vec<(i64, i64, i64)> = sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT user_id, points, reached_at FROM points_member_totals WHERE period = $1",
    )
    .bind(&period)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    let mut conn = app.db.pool.acquire().await.unwrap();
    let core = points::board_core(&mut conn, &period, BoardFilter::Org, users[0], true)
        .await
        .unwrap();
    let got: Vec<i64> = core.top.iter().map(|e| e.row.user_id).collect();
    let want: Vec<i64> = expected.iter().take(10).map(|e| e.0).collect();
    assert_eq!(got, want);
    let me = core.me.unwrap();
    let mine = expected
        .iter()
        .find(|e| e.0 == users[0])
        .map(|e| e.1)
        .unwrap_or(0);
    assert_eq!(
        me.rank,
        1 + expected.iter().filter(|e| e.1 > mine).count() as i64
    );
}

async fn initials_only_outside_the_top_ten(app: TestApp) {
    let now = backend::db::now_ms();
    for i in 1..=14 {
        set_points(&app, &format!("m{:03}", i + 10), 25 - i, now - 60_000 + i).await;
    }
    let admin = app.signed_in("admin").await;
    let member = app.signed_in("m024").await; // 11 + 1 points: rank 13
    let r = member.put("/api/v1/settings/points",
        json!({"default_measure": "average", "initials_only": true, "weekly_goal_kind": "points", "weekly_goal_target": 50}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let board = member
        .get_ok("/api/v1/leaderboards/individuals?period=week")
        .await;
    assert_eq!(board["initials_only"], false);
    assert!(!board["neighbours"][0]["name"]
        .as_str()
        .unwrap()
        .contains('*'));
    let r = admin.put("/api/v1/settings/points",
        json!({"default_measure": "average", "initials_only": true, "weekly_goal_kind": "points", "weekly_goal_target": 50}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        admin.get_ok("/api/v1/settings/points").await["initials_only"],
        true
    );
    let board = member
        .get_ok("/api/v1/leaderboards/individuals?period=week")
        .await;
    assert_eq!(board["initials_only"], true);
    for e in board["top"].as_array().unwrap() {
        assert!(
            !e["name"].as_str().unwrap().contains('*'),
            "top 10 in full: {e}"
        );
    }
    let me = &board["me"];
    assert!(me["rank"].as_i64().unwrap() > 10);
    assert!(
        !me["name"].as_str().unwrap().contains('*'),
        "one's own name in full"
    );
    let others: Vec<&Value> = board["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["is_me"] == false)
        .collect();
    assert!(!others.is_empty());
    for e in others {
        let name = e["name"].as_str().unwrap();
        if e["rank"].as_i64().unwrap() > 10 {
            assert!(name.ends_with('*') && name.chars().count() >= 2, "{e}");
        } else {
            assert!(!name.contains('*'), "{e}");
        }
    }
    let me_points = member.get_ok("/api/v1/points/me").await;
    assert_eq!(me_points["weekly_goal"]["target"], 50);
    // Bad settings are refused with a reason.
    let r = admin.put("/api/v1/settings/points",
        json!({"default_measure": "average", "initials_only": true, "weekly_goal_kind": "active_days", "weekly_goal_target": 9}),
    )
    .await;
    assert_eq!(r.code(), "validation_failed");
    assert!(r.json()["message"].as_str().unwrap().contains("每周目标"));
    let r = admin
        .put(
            "/api/v1/settings/points",
            json!({"default_measure": "best"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn boards_respect_scope_and_reject_bad_queries(app: TestApp) {
    let branches: Vec<(i64,)> = sqlx::query_as("SELECT id FROM branches ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let groups: Vec<(i64,)> = sqlx::query_as("SELECT id FROM youth_groups ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let m1 = app.signed_in("m001").await; // first branch, no youth group
    let own = m1
        .get_ok("/api/v1/leaderboards/individuals?scope=branch")
        .await;
    assert_eq!(own["unit_id"], branches[0].0);
    assert_eq!(own["me"]["is_me"], true);
    let r = m1
        .get(&format!(
            "/api/v1/leaderboards/individuals?scope=branch&unit_id={}",
            branches[2].0
        ))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let r = m1
        .get("/api/v1/leaderboards/individuals?scope=youth_group")
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "no_unit".into())
    );
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("青年理论学习小组"));
    let m3 = app.signed_in("m003").await; // in a youth group
    let g = m3
        .get_ok("/api/v1/leaderboards/individuals?scope=youth_group")
        .await;
    assert_eq!(g["scope"], "youth_group");
    assert!(g["unit_name"]
        .as_str()
        .unwrap()
        .contains("青年理论学习小组"));
    // org1 looks after the first two branches; org2 the youth groups.
    let org1 = app.signed_in("org1").await;
    let b2 = org1
        .get_ok(&format!(
            "/api/v1/leaderboards/individuals?scope=branch&unit_id={}",
            branches[1].0
        ))
        .await;
    assert!(
        b2["me"].is_null(),
        "an organizer is not on a board of a unit they only look after"
    );
    let r = org1
        .get(&format!(
            "/api/v1/leaderboards/individuals?scope=branch&unit_id={}",
            branches[3].0
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let org2 = app.signed_in("org2").await;
    org2.get_ok(&format!(
        "/api/v1/leaderboards/individuals?scope=youth_group&unit_id={}",
        groups[1].0
    ))
    .await;
    let admin = app.signed_in("admin").await;
    admin
        .get_ok(&format!(
            "/api/v1/leaderboards/individuals?scope=branch&unit_id={}",
            branches[3].0
        ))
        .await;
    let r = admin
        .get("/api/v1/leaderboards/individuals?scope=branch&unit_id=999999")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = admin
        .get("/api/v1/leaderboards/individuals?scope=branch")
        .await;
    assert_eq!(r.code(), "no_unit", "an admin in no branch must name one");
    for bad in [
        "/api/v1/leaderboards/individuals?scope=planet",
        "/api/v1/leaderboards/individuals?period=decade",
        "/api/v1/leaderboards/individuals?unit_id=abc",
        "/api/v1/leaderboards/groups?kind=cell",
        "/api/v1/leaderboards/groups?measure=loudest",
        "/api/v1/leaderboards/groups?period=1",
    ] {
        let r = m1.get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text());
        assert_eq!(r.code(), "bad_request");
        let msg = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{msg}"
        );
    }
    for path in [
        "/api/v1/leaderboards/individuals",
        "/api/v1/leaderboards/groups",
        "/api/v1/points/rules",
        "/api/v1/points/ledger",
    ] {
        assert_eq!(
            app.anonymous().get(path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        m1.get("/api/v1/settings/points").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        org1.get("/api/v1/settings/points").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn group_boards_compare_fairly(app: TestApp) {
    // Members per branch (demo: 40 members in 4 branches, organizers in the first two).
    let admin = app.signed_in("admin").await;
    let board = admin
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=week")
        .await;
    assert_eq!(board["measure"], "participation");
    assert_eq!(board["default_measure"], true);
    assert_eq!(board["group_count"], 4);
    let sizes: Vec<i64> = board["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["members"].as_i64().unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<i64>(), 42);
    // Everyone at 0: all tie at rank 1, in id order.
    assert!(board["top"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["rank"] == 1));
    let now = backend::db::now_ms();
    // Branch 4 (m004, m008, …: 10 members): 5 of them with 1 point each.
    for i in [4, 8, 12, 16, 20] {
        award(&app, &format!("m{i:03}"), PointsSource::Lesson, 1, "x", now).await;
    }
    // Branch 1 (m001, m005, …, and org1: 11 members): one member with 6 points.
    award(&app, "m001", PointsSource::Lesson, 6, "x", now).await;
    let board = admin
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=week")
        .await;
    let first = &board["top"][0];
    assert_eq!(first["name"], backend::domain::demo::BRANCHES[3]);
    assert_eq!(first["value"], 50.0);
    assert_eq!(first["active_members"], 5);
    let second = &board["top"][1];
    assert_eq!(second["name"], backend::domain::demo::BRANCHES[0]);
    assert_eq!(second["rank"], 2);
    assert_eq!(board["top"][2]["rank"], 3);
    assert_eq!(board["top"][3]["rank"], 3, "two branches at 0 share a rank");
    // By average points per member one big earner carries branch 1: 6/11 > 5/10.
    let avg = admin
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=week&measure=average")
        .await;
    assert_eq!(avg["default_measure"], false);
    assert_eq!(avg["measure"], "average");
    assert_eq!(avg["top"][0]["name"], backend::domain::demo::BRANCHES[0]);
    assert_eq!(avg["top"][0]["value"], 0.55);
    assert_eq!(avg["top"][1]["value"], 0.5);
    // A member sees their own branch and its neighbourhood.
    let m4 = app.signed_in("m004").await;
    let mine = m4
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=day")
        .await;
    assert_eq!(mine["mine"]["is_mine"], true);
    assert_eq!(mine["mine"]["rank"], 1);
    assert!(mine["neighbours"].as_array().unwrap().len() >= 2);
    // Youth groups: m001 is in none.
    let m1 = app.signed_in("m001").await;
    let yg = m1
        .get_ok("/api/v1/leaderboards/groups?kind=youth_group")
        .await;
    assert!(yg["mine"].is_null());
    assert_eq!(yg["group_count"], 2);
    // Completion: a module completed by a member counts for the units it is assigned to.
    let (module,): (i64,) =
        sqlx::query_as("SELECT id FROM modules WHERE audience = 'all' ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (modules,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM modules WHERE audience = 'all'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let id = app.user_id("m008").await;
    let mut tx = app.db.begin_write().await.unwrap();
    let who = points::Earner::load(&mut tx, id).await.unwrap();
    assert_eq!(
        points::module_completed(&mut tx, who, module, now)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        points::module_completed(&mut tx, who, module, now)
            .await
            .unwrap(),
        0,
        "once"
    );
    tx.commit().await.unwrap();
    let done = admin
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=all&measure=completion")
        .await;
    let top = &done["top"][0];
    assert_eq!(top["name"], backend::domain::demo::BRANCHES[3]);
    assert_eq!(top["completions"], 1);
    assert_eq!(top["assignments"], 10 * modules);
    assert_eq!(
        top["value"],
        ((1000.0 / (10 * modules) as f64).round()) / 10.0
    );
    // Deactivating a member shrinks their branch (kept by the database, not recounted).
    sqlx::query("UPDATE users SET active = 0 WHERE username = 'm004'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let after = admin
        .get_ok("/api/v1/leaderboards/groups?kind=branch&period=week")
        .await;
    let b4 = after["top"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == backend::domain::demo::BRANCHES[3])
        .unwrap()
        .clone();
    assert_eq!(b4["members"], 9);
}

async fn rules_and_settings_are_for_admins(app: TestApp) {
    let m = app.signed_in("m015").await;
    let rules = m.get_ok("/api/v1/points/rules").await;
    let list: Vec<(String, i64, i64)> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["points"].as_i64().unwrap(),
                r["daily_cap"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        list,
        vec![
            ("sign_in".into(), 1, 1),
            ("lesson".into(), 1, 6),
            ("study_time".into(), 1, 6),
            ("daily_quiz".into(), 1, 5),
            ("weekly_quiz".into(), 1, 5),
            ("special_quiz".into(), 1, 10),
            ("challenge".into(), 6, 6),
            ("module".into(), 5, 10),
        ]
    );
    let change = json!([{"source": "lesson", "points": 2, "daily_cap": 3}]);
    assert_eq!(
        m.put("/api/v1/points/rules", change.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let org = app.signed_in("org1").await;
    assert_eq!(
        org.put("/api/v1/points/rules", change.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in("admin").await;
    let r = admin.put("/api/v1/points/rules", change).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let lesson = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == "lesson")
        .unwrap()
        .clone();
    assert_eq!(
        (lesson["points"].as_i64(), lesson["daily_cap"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        award(&app, "m015", PointsSource::Lesson, 1, "l1", NOON).await,
        2
    );
    assert_eq!(
        award(&app, "m015", PointsSource::Lesson, 1, "l2", NOON).await,
        1,
        "cut at the new cap"
    );
    for bad in [
        json!([{"source": "lesson", "points": -1, "daily_cap": 3}]),
        json!([{"source": "lesson", "points": 1, "daily_cap": 100000}]),
    ] {
        let r = admin.put("/api/v1/points/rules", bad).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into())
        );
        assert!(r.json()["message"].as_str().unwrap().contains("课程学习"));
    }
    let r = admin
        .put(
            "/api/v1/points/rules",
            json!([{"source": "karaoke", "points": 1, "daily_cap": 1}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.put("/api/v1/points/rules", json!([])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let s = admin.get_ok("/api/v1/settings/points").await;
    assert_eq!(
        s,
        json!({"default_measure": "participation", "initials_only": false, "weekly_goal_kind": "points", "weekly_goal_target": 60})
    );
    // An active-days goal counts days with study this week.
    let r = admin.put("/api/v1/settings/points",
        json!({"default_measure": "completion", "initials_only": false, "weekly_goal_kind": "active_days", "weekly_goal_target": 3}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let id = app.user_id("m015").await;
    let goal = points::my_points(&app.db, id, NOON)
        .await
        .unwrap()
        .weekly_goal;
    assert_eq!((goal.progress, goal.target, goal.reached), (1, 3, false));
    award(&app, "m015", PointsSource::Lesson, 1, "l3", NOON - DAY).await;
    award(&app, "m015", PointsSource::Lesson, 1, "l4", NOON - 2 * DAY).await; // Sunday: last week
    let goal = points::my_points(&app.db, id, NOON)
        .await
        .unwrap()
        .weekly_goal;
    assert_eq!(goal.progress, 2);
    assert_eq!(goal.week, "W:2026-03-09");
    let board = m.get_ok("/api/v1/leaderboards/groups").await;
    assert_eq!(board["measure"], "completion");
}
