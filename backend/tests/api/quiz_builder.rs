//! The quiz builder: an organizer builds a quiz for their branch, publishes it, members of
//! that branch (only) take it, the answered quiz locks what decides results, draw rules
//! are checked against the bank on publishing, scope, validation, and item analysis on a
//! worked example.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    an_organizer_builds_publishes_and_members_of_the_branch_take_it,
    answered_quizzes_lock_what_decides_results,
    draw_rules_are_checked_on_publishing_and_honoured,
    a_second_draw_prefers_questions_not_answered_right,
    organizers_cannot_see_or_reach_other_units,
    invalid_quizzes_name_the_field_and_write_nothing,
    item_analysis_on_a_worked_example,
    question_and_quiz_changes_are_in_the_audit_log,
    a_published_required_quiz_reaches_its_members_once,
);

/// Members (usernames) of a branch, by username.
async fn members_of(app: &TestApp, branch: i64) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT username FROM users WHERE branch_id = $1 AND role = 'member' ORDER BY username",
    )
    .bind(branch)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(u,)| u).collect()
}

/// A category with `n` single-choice questions (key: the second option) owned by `branch`,
/// difficulties cycling 1, 2, 3. Returns (category id, question ids).
async fn bank(c: &Client<'_>, name: &str, branch: i64, n: usize) -> (i64, Vec<i64>) {
    let r = c
        .post("/api/v1/question-categories", json!({ "name": name }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let cat = r.json()["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let r = c
            .post(
                "/api/v1/questions",
                json!({
                    "category_id": cat, "kind": "single", "stem": format!("{name}第{}题", i + 1),
                    "options": ["甲", "乙", "丙", "丁"],
                    "key": { "kind": "single", "option": 1 },
                    "explanation": "因为乙。", "source": "测试材料", "difficulty": i % 3 + 1,
                    "tags": [], "owner": { "branch_id": branch },
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    (cat, ids)
}

fn quiz(branch: i64, questions: &[i64]) -> Value {
    json!({
        "title": "支部专项测验", "kind": "special", "owner": { "branch_id": branch },
        "questions": questions, "reveal": "after_submit", "shuffle_options": false,
        "audience": { "branch_ids": [branch] }, "required": true, "pass_mark": 60,
    })
}

async fn create(c: &Client<'_>, body: Value) -> i64 {
    let r = c.post("/api/v1/manage/quizzes", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn status(c: &Client<'_>, id: i64, to: &str) -> crate::helpers::TestResponse {
    c.post(
        &format!("/api/v1/manage/quizzes/{id}/status"),
        json!({ "status": to }),
    )
    .await
}

async fn visible(c: &Client<'_>, id: i64) -> Option<Value> {
    let list = c.get_ok("/api/v1/quizzes").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .cloned()
}

/// Starts, answers (shown option `options[i]` for question i) and submits an attempt.
async fn take(c: &Client<'_>, quiz: i64, options: &[usize]) -> Value {
    let r = c
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let attempt = r.json()["id"].as_i64().unwrap();
    for (i, o) in options.iter().enumerate() {
        let r = c
            .put(
                &format!("/api/v1/attempts/{attempt}/answers/{}", i + 1),
                json!({ "answer": { "kind": "single", "option": o } }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = c
        .post(&format!("/api/v1/attempts/{attempt}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn an_organizer_builds_publishes_and_members_of_the_branch_take_it(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (_, qs) = bank(&org1, "支部专题", branch, 3).await;
    let id = create(&org1, quiz(branch, &qs)).await;

    let detail = org1.get_ok(&format!("/api/v1/manage/quizzes/{id}")).await;
    assert_eq!(detail["status"], "draft");
    assert_eq!(detail["questions"], json!(qs));
    assert_eq!(detail["question_items"][0]["stem"], "支部专题第1题");
    assert_eq!(detail["locked"], false);

    let ours = members_of(&app, branch).await;
    let other_branch = app.id_of("branches", "机关第二党支部").await;
    let theirs = members_of(&app, other_branch).await;
    let member = app.signed_in(&ours[0]).await;
    let outsider = app.signed_in(&theirs[0]).await;
    // A draft is nobody's to take.
    assert!(visible(&member, id).await.is_none());
    let r = member
        .post(&format!("/api/v1/quizzes/{id}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

    let r = status(&org1, id, "published").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "published");
    let shown = visible(&member, id).await.expect("published to the branch");
    assert_eq!(shown["question_count"], 3);
    assert!(visible(&outsider, id).await.is_none());

    // Options are not shuffled: the key is shown option 1.
    let result = take(&member, id, &[1, 1, 0]).await;
    assert_eq!(result["result"]["correct_count"], 2);
    assert_eq!(result["result"]["passed"], true);

    let list = org1.get_ok("/api/v1/manage/quizzes").await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap();
    assert_eq!(row["attempts"], 1);
    assert_eq!(row["editable"], true);

    // Closed: still listed for the member, no longer startable.
    assert_eq!(status(&org1, id, "closed").await.status, StatusCode::OK);
    let shown = visible(&app.signed_in(&ours[1]).await, id).await.unwrap();
    assert_eq!(shown["can_start"], false);
    assert_eq!(shown["blocked_reason"], "答题已结束");
}

/// The bell's count.
async fn unread(c: &Client<'_>) -> i64 {
    c.get_ok("/api/v1/notifications/unread").await["unread"]
        .as_i64()
        .unwrap()
}

async fn a_published_required_quiz_reaches_its_members_once(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (_, qs) = bank(&org1, "支部专题", branch, 3).await;
    let mut body = quiz(branch, &qs);
    body["title"] = json!("党史与“四史”专题测验");
    body["kind"] = json!("exam");
    body["time_limit_secs"] = json!(600);
    body["max_attempts"] = json!(2);
    body["reveal"] = json!("after_close");
    let closes = backend::db::now_ms() + 7 * 86_400_000;
    body["closes_at"] = json!(closes);
    let id = create(&org1, body).await;
    let ours = members_of(&app, branch).await;
    let theirs = members_of(&app, app.id_of("branches", "机关第二党支部").await).await;
    let member = app.signed_in(&ours[0]).await;
    let outsider = app.signed_in(&theirs[0]).await;
    let before = unread(&member).await;
    // A draft tells nobody, and has no start screen for members.
    let r = member.get(&format!("/api/v1/quizzes/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

    assert_eq!(status(&org1, id, "published").await.status, StatusCode::OK);
    // The start screen's facts, before anything is started.
    let q = member.get_ok(&format!("/api/v1/quizzes/{id}")).await;
    assert_eq!(q["time_limit_secs"], 600);
    assert_eq!(q["max_attempts"], 2);
    assert_eq!(q["attempts_used"], 0);
    assert_eq!(q["reveal"], "after_close");
    assert_eq!(q["required"], true);
    assert_eq!(q["open_attempt_id"], Value::Null);
    let r = outsider.get(&format!("/api/v1/quizzes/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Every member of the branch is told once, with the title quoted as Chinese nests
    // quotes and the deadline as 12月10日, not ISO; the outsider is not.
    assert_eq!(unread(&member).await, before + 1);
    let page = member.get_ok("/api/v1/notifications").await;
    let n = &page["items"][0];
    assert_eq!(n["kind"], "assigned");
    assert_eq!(n["item_kind"], "quiz");
    assert_eq!(n["item_id"], id);
    let text = n["body"].as_str().unwrap();
    assert!(text.contains("“党史与‘四史’专题测验”"), "{text}");
    assert!(
        text.contains(&shared::calendar::month_day_zh(closes)),
        "{text}"
    );
    assert!(!text.contains("-"), "no ISO dates: {text}");
    let told: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM notifications WHERE kind = 'assigned' AND item_id = $1",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    // Everyone active in the branch but admins: its organizer studies too.
    let (assigned,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE branch_id = $1 AND active = 1 AND role <> 'admin'",
    )
    .bind(branch)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(assigned > ours.len() as i64 - 1);
    assert_eq!(told.len() as i64, assigned);
    let outsider_page = outsider.get_ok("/api/v1/notifications").await;
    assert!(outsider_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["item_id"] != id));
    // On the member's list of due work, marked required.
    let due = member.get_ok("/api/v1/notifications/due").await;
    let mine = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["item"]["id"] == id && d["item"]["kind"] == "quiz")
        .expect("due");
    assert_eq!(mine["required"], true);
    assert_eq!(mine["item"]["due_at"], closes);

    // Closing and reopening tells nobody twice.
    assert_eq!(status(&org1, id, "closed").await.status, StatusCode::OK);
    assert_eq!(status(&org1, id, "published").await.status, StatusCode::OK);
    let again: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'assigned' AND item_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(again.0, assigned);

    // A reminder about it reaches each member at most once a day.
    let first = org1
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "quiz", "item_id": id}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["recipients"], assigned);
    let second = org1
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "quiz", "item_id": id}),
        )
        .await;
    // issue 17 reports: a repeat the same day is refused with a reason.
    assert_eq!(
        second.status,
        StatusCode::CONFLICT,
        "already reminded today"
    );
    assert_eq!(second.code(), "already_reminded");
}

async fn answered_quizzes_lock_what_decides_results(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (_, qs) = bank(&org1, "锁定测试", branch, 3).await;
    let id = create(&org1, quiz(branch, &qs[..2])).await;
    // Before anyone answers, anything may change.
    let r = org1
        .put(&format!("/api/v1/manage/quizzes/{id}"), quiz(branch, &qs))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    status(&org1, id, "published").await;
    let member = app.signed_in(&members_of(&app, branch).await[0]).await;
    take(&member, id, &[1, 1, 1]).await;

    for change in [
        quiz(branch, &qs[..2]),
        {
            let mut q = quiz(branch, &qs);
            q["pass_mark"] = json!(80);
            q
        },
        {
            let mut q = quiz(branch, &qs);
            q["kind"] = json!("exam");
            q
        },
    ] {
        let r = org1
            .put(&format!("/api/v1/manage/quizzes/{id}"), change)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.code(), "quiz_locked");
    }
    let detail = org1.get_ok(&format!("/api/v1/manage/quizzes/{id}")).await;
    assert_eq!(detail["questions"], json!(qs));
    assert_eq!(detail["pass_mark"], 60);
    assert_eq!(detail["locked"], true);

    // The title, window and reveal rule may still change.
    let mut q = quiz(branch, &qs);
    q["title"] = json!("支部专项测验（延期）");
    q["reveal"] = json!("never");
    let r = org1.put(&format!("/api/v1/manage/quizzes/{id}"), q).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["title"], "支部专项测验（延期）");
    // Withdrawing it to a draft is refused; closing is the way.
    let r = status(&org1, id, "draft").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "quiz_locked");
}

async fn draw_rules_are_checked_on_publishing_and_honoured(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    // Nine questions: three of each difficulty.
    let (cat, qs) = bank(&org1, "抽题专题", branch, 9).await;
    let mut body = quiz(branch, &[]);
    body["kind"] = json!("exam");
    body["max_attempts"] = json!(2);
    body["draw_rules"] = json!([
        { "category_id": cat, "count": 4, "difficulty": 3 },
    ]);
    let id = create(&org1, body.clone()).await;
    let r = status(&org1, id, "published").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "not_enough_questions");
    assert!(r.json()["message"].as_str().unwrap().contains("只有3道"));

    body["draw_rules"] = json!([
        { "category_id": cat, "count": 2, "difficulty": 1 },
        { "category_id": cat, "count": 3, "difficulty": 3 },
    ]);
    let r = org1
        .put(&format!("/api/v1/manage/quizzes/{id}"), body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["draw_rules"][1]["count"], 3);
    assert_eq!(status(&org1, id, "published").await.status, StatusCode::OK);

    let member = app.signed_in(&members_of(&app, branch).await[0]).await;
    let r = member
        .post(&format!("/api/v1/quizzes/{id}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let attempt = r.json()["id"].as_i64().unwrap();
    let drawn: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT q.id, q.difficulty FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id \
         WHERE aq.attempt_id = $1",
    )
    .bind(attempt)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(drawn.len(), 5);
    assert!(drawn.iter().all(|(q, _)| qs.contains(q)));
    assert_eq!(drawn.iter().filter(|(_, d)| *d == 1).count(), 2);
    assert_eq!(drawn.iter().filter(|(_, d)| *d == 3).count(), 3);
}

/// Questions a member answered right in the last 30 days come last in the next draw: with 8
/// candidates and 4 drawn, a second attempt after a perfect first one gets the other 4 (a
/// draw ignoring the history would be disjoint by chance once in 70).
async fn a_second_draw_prefers_questions_not_answered_right(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (cat, qs) = bank(&org1, "复习抽题", branch, 8).await;
    let mut body = quiz(branch, &[]);
    body["kind"] = json!("exam");
    body["max_attempts"] = json!(2);
    body["draw_rules"] = json!([{ "category_id": cat, "count": 4 }]);
    let id = create(&org1, body).await;
    assert_eq!(status(&org1, id, "published").await.status, StatusCode::OK);

    let member = app.signed_in(&members_of(&app, branch).await[0]).await;
    let drawn = |attempt: i64| {
        let pool = app.db.pool.clone();
        async move {
            let rows: Vec<(i64,)> =
                sqlx::query_as("SELECT question_id FROM attempt_questions WHERE attempt_id = $1")
                    .bind(attempt)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            rows.into_iter().map(|(q,)| q).collect::<Vec<_>>()
        }
    };
    // Every question's key is option 1 (乙) and options are not shuffled.
    let first = take(&member, id, &[1, 1, 1, 1]).await;
    assert_eq!(first["result"]["correct_count"], 4, "{first}");
    let first = drawn(first["id"].as_i64().unwrap()).await;
    let r = member
        .post(&format!("/api/v1/quizzes/{id}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let second = drawn(r.json()["id"].as_i64().unwrap()).await;
    assert_eq!((first.len(), second.len()), (4, 4));
    assert!(
        second.iter().all(|q| qs.contains(q) && !first.contains(q)),
        "{first:?} then {second:?}"
    );
}

async fn organizers_cannot_see_or_reach_other_units(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    let (_, qs) = bank(&org1, "范围测试", branch, 2).await;
    let id = create(&org1, quiz(branch, &qs)).await;

    // org2 looks after the youth groups only.
    assert!(org2
        .get_ok("/api/v1/manage/quizzes")
        .await
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["id"] != id));
    for r in [
        org2.get(&format!("/api/v1/manage/quizzes/{id}")).await,
        org2.put(&format!("/api/v1/manage/quizzes/{id}"), quiz(branch, &qs))
            .await,
        status(&org2, id, "published").await,
        org2.get(&format!("/api/v1/manage/quizzes/{id}/analysis"))
            .await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }
    // Nor can org2 build a quiz on org1's questions or for org1's branch.
    let group = app.id_of("youth_groups", "“求是”青年理论学习小组").await;
    let mut body = quiz(branch, &qs);
    body["owner"] = json!({ "youth_group_id": group });
    body["audience"] = json!({ "youth_group_ids": [group] });
    let r = org2.post("/api/v1/manage/quizzes", body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["details"][0]["field"], "questions");
    body["questions"] = json!([]);
    body["audience"] = json!({ "branch_ids": [branch] });
    let r = org2.post("/api/v1/manage/quizzes", body).await;
    assert_eq!(r.json()["details"][0]["field"], "audience", "{}", r.text());
    // Members have no builder at all.
    let member = app.signed_in(&members_of(&app, branch).await[0]).await;
    assert_eq!(
        member.get("/api/v1/manage/quizzes").await.status,
        StatusCode::FORBIDDEN
    );
    // Admins reach everything.
    let admin = app.signed_in("admin").await;
    assert_eq!(
        admin
            .get(&format!("/api/v1/manage/quizzes/{id}"))
            .await
            .status,
        StatusCode::OK
    );
}

async fn invalid_quizzes_name_the_field_and_write_nothing(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (cat, qs) = bank(&org1, "校验测试", branch, 2).await;
    let before = app.count("quizzes").await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "title": "  " }), "title"),
        (json!({ "title": "长".repeat(61) }), "title"),
        (
            json!({ "draw_rules": [{ "category_id": cat, "count": 199 }] }),
            "draw_rules",
        ),
        (json!({ "questions": [qs[0], qs[0]] }), "questions"),
        (json!({ "questions": [999999] }), "questions"),
        (json!({ "time_limit_secs": 5 }), "time_limit_secs"),
        (json!({ "opens_at": 2000, "closes_at": 1000 }), "closes_at"),
        (json!({ "pass_mark": 101 }), "pass_mark"),
        (json!({ "max_attempts": 0 }), "max_attempts"),
        // The admin's rule gives 1 point per correct answer of a special quiz.
        (json!({ "points_per_correct": 5 }), "points_per_correct"),
        (json!({ "owner": {} }), "owner"),
        (json!({ "audience": {} }), "audience"),
    ];
    for (patch, field) in cases {
        let mut body = quiz(branch, &qs);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = org1.post("/api/v1/manage/quizzes", body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text()
        );
        assert_eq!(r.json()["details"][0]["field"], field, "{}", r.text());
    }
    assert_eq!(app.count("quizzes").await, before);
    // Points within the rule are accepted.
    let mut body = quiz(branch, &qs);
    body["points_per_correct"] = json!(1);
    create(&org1, body).await;
}

/// Five members, three questions (keys: shown option 1 = 乙), as in
/// `shared::item_analysis`'s worked example but with q1 keyed to 乙:
///
/// | member | q1 | q2 | q3 |
/// |---|---|---|---|
/// | 1 | 乙 ✓ | 乙 ✓ | 丁 ✗ |
/// | 2 | 乙 ✓ | 乙 ✓ | 丁 ✗ |
/// | 3 | 乙 ✓ | 甲 ✗ | 乙 ✓ |
/// | 4 | 乙 ✓ | 甲 ✗ | 乙 ✓ |
/// | 5 | 甲 ✗ | 甲 ✗ | 乙 ✓ |
async fn item_analysis_on_a_worked_example(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (_, qs) = bank(&org1, "分析测试", branch, 3).await;
    let id = create(&org1, quiz(branch, &qs)).await;
    status(&org1, id, "published").await;
    let members = members_of(&app, branch).await;
    let rows = [[1, 1, 3], [1, 1, 3], [1, 0, 1], [1, 0, 1], [0, 0, 1]];
    for (m, row) in members.iter().zip(rows) {
        take(&app.signed_in(m).await, id, &row).await;
    }
    let a = org1
        .get_ok(&format!("/api/v1/manage/quizzes/{id}/analysis"))
        .await;
    assert_eq!(a["attempts"], 5);
    // Scores: 2/3, 2/3, 2/3, 2/3, 1/3 → mean 60%.
    let mean = a["mean_percent"].as_f64().unwrap();
    assert!((mean - 60.0).abs() < 0.2, "{mean}");
    let items = a["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["question"]["id"], qs[0]);
    assert_eq!(items[0]["facility"], 0.8);
    assert_eq!(items[0]["option_counts"], json!([1, 4, 0, 0]));
    assert_eq!(items[0]["discrimination"], Value::Null);
    assert_eq!(items[0]["flag_labels"], json!(["干扰项从未被选择"]));
    // q2: item [1,1,0,0,0], rest [.5,.5,1,1,.5] → r = −2/3 (see the shared example).
    let d = items[1]["discrimination"].as_f64().unwrap();
    assert!((d + 2.0 / 3.0).abs() < 1e-9, "{d}");
    assert_eq!(items[1]["flags"][0], "negative_discrimination");
    assert_eq!(items[1]["flag_labels"][0], "区分度为负：请检查答案");
    assert_eq!(items[2]["options"], json!(["甲", "乙", "丙", "丁"]));
}

async fn question_and_quiz_changes_are_in_the_audit_log(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let (_, qs) = bank(&org1, "审计测试", branch, 2).await;
    let id = create(&org1, quiz(branch, &qs[..1])).await;
    let r = org1
        .put(&format!("/api/v1/manage/quizzes/{id}"), quiz(branch, &qs))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(status(&org1, id, "published").await.status, StatusCode::OK);
    let admin = app.signed_in("admin").await;
    let log = admin
        .get_ok(&format!("/api/v1/audit?entity=quiz&entity_id={id}"))
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["status", "update", "create"], "{log}");
    let update = &log["items"][1];
    assert!(!update["actor_name"].as_str().unwrap().is_empty());
    let before: Value = serde_json::from_str(update["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(update["after"].as_str().unwrap()).unwrap();
    assert_eq!(before["questions"], json!(&qs[..1]));
    assert_eq!(after["questions"], json!(qs));
    // Each question created through the editor is there too, with what was saved.
    let log = admin
        .get_ok("/api/v1/audit?entity=question&action=create")
        .await;
    assert_eq!(log["total"], 2, "{log}");
    let after: Value = serde_json::from_str(log["items"][0]["after"].as_str().unwrap()).unwrap();
    assert_eq!(after["stem"], "审计测试第2题");
}
