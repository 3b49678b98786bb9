//! Issue 17's quiz builder: quizzes that mix fixed questions with draw rules (by category,
//! difficulty and kind) and say their size, the counts each rule can draw before saving, a
//! preview paper with keys for the quiz's managers only, who a published quiz reaches, and
//! practice and exam quizzes attached to an authored study module (scope, shipped modules,
//! detaching, deleting the module keeps the quiz).

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_mixed_quiz_draws_its_fixed_questions_plus_its_rules,
    mixed_quizzes_are_validated_with_clear_errors,
    quizzes_attach_to_authored_modules_in_scope,
);

/// `n` questions of `kind` (single: key 乙; true_false: key true) in a category owned by
/// `branch`; returns their ids.
async fn questions(c: &Client<'_>, cat: i64, kind: &str, branch: i64, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let body = match kind {
            "single" => json!({
                "category_id": cat, "kind": "single", "stem": format!("单选第{}题", i + 1),
                "options": ["甲", "乙", "丙", "丁"], "key": { "kind": "single", "option": 1 },
                "explanation": "因为乙。", "source": "测试材料", "difficulty": 2,
                "tags": [], "owner": { "branch_id": branch },
            }),
            _ => json!({
                "category_id": cat, "kind": "true_false", "stem": format!("判断第{}题", i + 1),
                "options": [], "key": { "kind": "true_false", "value": true },
                "explanation": "正确。", "source": "测试材料", "difficulty": 2,
                "tags": [], "owner": { "branch_id": branch },
            }),
        };
        let r = c.post("/api/v1/questions", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    ids
}

async fn category(c: &Client<'_>, name: &str) -> i64 {
    let r = c
        .post("/api/v1/question-categories", json!({ "name": name }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn quiz(branch: i64, kind: &str, fixed: &[i64], rules: Value) -> Value {
    json!({
        "title": "支部混合测验", "kind": kind, "owner": { "branch_id": branch },
        "questions": fixed, "draw_rules": rules, "reveal": "after_submit",
        "shuffle_options": false, "audience": { "branch_ids": [branch] }, "max_attempts": 3,
    })
}

async fn create(c: &Client<'_>, body: Value) -> i64 {
    let r = c.post("/api/v1/manage/quizzes", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn publish(c: &Client<'_>, id: i64) -> crate::helpers::TestResponse {
    c.post(
        &format!("/api/v1/manage/quizzes/{id}/status"),
        json!({ "status": "published" }),
    )
    .await
}

async fn first_member(app: &TestApp, branch: i64) -> String {
    let (u,): (String,) = sqlx::query_as(
        "SELECT username FROM users WHERE branch_id = $1 AND role = 'member' AND active = 1 \
         ORDER BY username LIMIT 1",
    )
    .bind(branch)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    u
}

async fn a_mixed_quiz_draws_its_fixed_questions_plus_its_rules(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let cat = category(&org1, "混合组卷").await;
    let singles = questions(&org1, cat, "single", branch, 6).await;
    let judges = questions(&org1, cat, "true_false", branch, 4).await;
    let fixed = [singles[0], judges[0]];
    let rules = json!([{ "category_id": cat, "count": 3, "kind": "single" }]);

    // Before saving: the rule can draw from 5 singles (the fixed one is not counted).
    let r = org1
        .post(
            "/api/v1/manage/quizzes/draw-counts",
            json!({ "owner": { "branch_id": branch }, "questions": fixed,
                    "draw_rules": [rules[0].clone(), { "category_id": cat, "count": 1 }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let counts = r.json();
    assert_eq!(counts["available"], json!([5, 8]), "{counts}");
    assert_eq!(
        (&counts["fixed"], &counts["drawn"], &counts["total"]),
        (&json!(2), &json!(4), &json!(6))
    );

    let id = create(&org1, quiz(branch, "exam", &fixed, rules.clone())).await;
    let d = org1.get_ok(&format!("/api/v1/manage/quizzes/{id}")).await;
    assert_eq!(d["questions"], json!(fixed));
    assert_eq!(d["draw_rules"][0]["kind"], "single");
    assert_eq!(d["status"], "draft");

    // The preview: the fixed two first, then three drawn singles, with keys.
    let p = org1
        .get_ok(&format!("/api/v1/manage/quizzes/{id}/preview"))
        .await;
    let qs = p["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 5, "{p}");
    assert_eq!((&p["fixed"], &p["drawn"]), (&json!(2), &json!(3)));
    assert_eq!(p["total_score"], 100);
    assert_eq!(qs[0]["id"], fixed[0]);
    assert_eq!(qs[0]["key_text"], "B");
    assert_eq!(qs[1]["key_text"], "正确");
    assert_eq!(qs[1]["options"], json!([]));
    for q in &qs[2..] {
        assert_eq!(q["fixed"], false);
        assert_eq!(q["kind"], "single");
        assert_ne!(q["id"], fixed[0]);
    }
    // Keys are for the quiz's managers: a member has no builder, another unit's organizer
    // finds nothing.
    let username = first_member(&app, branch).await;
    let member = app.signed_in(&username).await;
    let r = member
        .get(&format!("/api/v1/manage/quizzes/{id}/preview"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let org2 = app.signed_in("org2").await;
    let r = org2
        .get(&format!("/api/v1/manage/quizzes/{id}/preview"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

    // Published, it says whom it reaches: the branch and its active members.
    let r = publish(&org1, id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = r.json();
    assert_eq!(d["status"], "published");
    assert_eq!(d["reach"]["units"], json!(["机关第一党支部"]));
    assert_eq!(d["reach"]["everyone"], false);
    let (members,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE branch_id = $1 AND active = 1 AND role <> 'admin'",
    )
    .bind(branch)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(members > 0);
    assert_eq!(d["reach"]["members"], members);

    // A member's paper: the fixed two in order, then three singles not among them.
    let r = member
        .post(&format!("/api/v1/quizzes/{id}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let attempt = r.json()["id"].as_i64().unwrap();
    let paper: Vec<(i64, String)> = sqlx::query_as(
        "SELECT q.id, q.kind FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id \
         WHERE aq.attempt_id = $1 ORDER BY aq.position",
    )
    .bind(attempt)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(paper.len(), 5, "{paper:?}");
    assert_eq!((paper[0].0, paper[1].0), (fixed[0], fixed[1]));
    for (q, kind) in &paper[2..] {
        assert_eq!(kind, "single");
        assert!(singles[1..].contains(q), "{paper:?}");
    }
    let listed = member.get_ok("/api/v1/quizzes").await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .cloned()
        .expect("the member sees the quiz");
    assert_eq!(row["question_count"], 5, "{row}");
}

async fn mixed_quizzes_are_validated_with_clear_errors(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let cat = category(&org1, "校验混合").await;
    let singles = questions(&org1, cat, "single", branch, 3).await;
    let judges = questions(&org1, cat, "true_false", branch, 2).await;
    let before = app.count("quizzes").await;

    // Over 200 in all: fixed 2 + drawn 199.
    let r = org1
        .post(
            "/api/v1/manage/quizzes",
            quiz(
                branch,
                "exam",
                &singles[..2],
                json!([{ "category_id": cat, "count": 199 }]),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["details"][0]["field"], "draw_rules");
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("固定2道 + 抽取199道 = 201道"), "{message}");
    // A kind the server does not know.
    let r = org1
        .post(
            "/api/v1/manage/quizzes",
            quiz(
                branch,
                "exam",
                &[],
                json!([{ "category_id": cat, "count": 1, "kind": "essay" }]),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(app.count("quizzes").await, before);

    // Saved, but publishing needs enough questions beside the fixed ones: one judge is
    // fixed, so a rule of 2 judges finds 1.
    let id = create(
        &org1,
        quiz(
            branch,
            "exam",
            &[judges[0]],
            json!([{ "category_id": cat, "count": 2, "kind": "true_false" }]),
        ),
    )
    .await;
    let r = publish(&org1, id).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "not_enough_questions");
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("判断") && message.contains("只有1道") && message.contains("抽题数2道"),
        "{message}"
    );
    let d = org1.get_ok(&format!("/api/v1/manage/quizzes/{id}")).await;
    assert_eq!(d["status"], "draft");

    // Counts: an unknown category can draw nothing; members may not ask; an organizer
    // names only their own units.
    let r = org1
        .post(
            "/api/v1/manage/quizzes/draw-counts",
            json!({ "owner": { "branch_id": branch },
                    "draw_rules": [{ "category_id": 999999, "count": 1 }] }),
        )
        .await;
    assert_eq!(r.json()["available"], json!([0]), "{}", r.text());
    let member = app.signed_in(&first_member(&app, branch).await).await;
    let r = member
        .post("/api/v1/manage/quizzes/draw-counts", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let org2 = app.signed_in("org2").await;
    let r = org2
        .post(
            "/api/v1/manage/quizzes/draw-counts",
            json!({ "owner": { "branch_id": branch }, "draw_rules": [] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["details"][0]["field"], "owner");
}

async fn quizzes_attach_to_authored_modules_in_scope(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let admin = app.signed_in("admin").await;
    let r = org1
        .post(
            "/api/v1/content/modules",
            json!({ "title": "支部纪律专题", "track": "discipline", "description": "",
                    "position": 50, "owner": { "branch_id": branch } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let module = r.json()["id"].as_i64().unwrap();
    let r = org1
        .put(
            &format!("/api/v1/content/modules/{module}/assignment"),
            json!({ "all": false, "branch_ids": [branch], "youth_group_ids": [],
                    "due_at": null, "required": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cat = category(&org1, "专题测验").await;
    let qs = questions(&org1, cat, "single", branch, 3).await;
    let practice = create(&org1, quiz(branch, "practice", &qs, json!([]))).await;
    let special = create(&org1, quiz(branch, "special", &qs, json!([]))).await;
    assert_eq!(publish(&org1, practice).await.status, StatusCode::OK);
    let attach = |m: i64, q: i64| format!("/api/v1/content/modules/{m}/quizzes/{q}");

    let d = org1
        .get_ok(&format!("/api/v1/content/modules/{module}"))
        .await;
    assert_eq!(d["quizzes"], json!([]));
    assert_eq!(d["deletable"], true);

    // Attached: the module lists it, the quiz names its module, and a member of the branch
    // sees it as the module's (the member's module page lists quizzes by module_id).
    let r = org1.put(&attach(module, practice), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["id"], practice);
    assert_eq!(r.json()[0]["kind"], "practice");
    assert_eq!(r.json()[0]["editable"], true);
    // Attaching again changes nothing.
    let r = org1.put(&attach(module, practice), json!({})).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1, "{}", r.text());
    let d = org1
        .get_ok(&format!("/api/v1/manage/quizzes/{practice}"))
        .await;
    assert_eq!(
        d["module"],
        json!({ "id": module, "title": "支部纪律专题" })
    );
    let member = app.signed_in(&first_member(&app, branch).await).await;
    let listed = member.get_ok("/api/v1/quizzes").await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == practice)
        .cloned()
        .expect("the member sees the attached quiz");
    assert_eq!(row["module_id"], module, "{row}");

    // Only practice and exam quizzes; not a quiz on another module; not another unit's.
    let r = org1.put(&attach(module, special), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["details"][0]["field"], "quiz_id");
    let r = admin
        .post(
            "/api/v1/content/modules",
            json!({ "title": "机关专题", "track": "theory", "description": "",
                    "position": 51, "owner": {} }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let other = r.json()["id"].as_i64().unwrap();
    let r = admin.put(&attach(other, practice), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "quiz_in_other_module");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("支部纪律专题"));
    // org1 may not attach to the organization's module (403), org2 sees neither (404).
    let r = org1.put(&attach(other, special), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(r.code(), "module_not_yours");
    let org2 = app.signed_in("org2").await;
    for r in [
        org2.put(&attach(module, practice), json!({})).await,
        org2.delete(&attach(module, practice)).await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }
    // An admin's quiz of the organization is not org1's to attach.
    let r = admin
        .post(
            "/api/v1/manage/quizzes",
            json!({ "title": "机关考试", "kind": "exam", "owner": {}, "questions": [],
                    "draw_rules": [{ "category_id": cat, "count": 1 }], "reveal": "after_submit",
                    "audience": {} }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let org_quiz = r.json()["id"].as_i64().unwrap();
    let r = org1.put(&attach(module, org_quiz), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Shipped modules stay read-only, for admins too.
    let list = admin.get_ok("/api/v1/content/modules").await;
    let shipped = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["shipped"] == true)
        .expect("a shipped module")["id"]
        .as_i64()
        .unwrap();
    for r in [
        admin.put(&attach(shipped, org_quiz), json!({})).await,
        admin.delete(&attach(shipped, org_quiz)).await,
    ] {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.code(), "module_shipped");
    }
    let (on,): (Option<i64>,) = sqlx::query_as("SELECT module_id FROM quizzes WHERE id = $1")
        .bind(org_quiz)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(on, None);

    // Detached: the module has none, the quiz stays; detaching again finds nothing.
    let r = org1.delete(&attach(module, practice)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json(), json!([]));
    let r = org1.delete(&attach(module, practice)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());

    // Once a member has started an attached quiz, the module is in use: not deletable.
    let r = org1.put(&attach(module, practice), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = member
        .post(&format!("/api/v1/quizzes/{practice}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let d = org1
        .get_ok(&format!("/api/v1/content/modules/{module}"))
        .await;
    assert_eq!(d["deletable"], false);
    let r = org1
        .delete(&format!("/api/v1/content/modules/{module}"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "module_in_use");

    // An unused module is deleted without its quiz: attach the special-free exam to the
    // organization's module and delete that module.
    let r = admin.put(&attach(other, org_quiz), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = admin
        .get_ok(&format!("/api/v1/content/modules/{other}"))
        .await;
    assert_eq!(d["deletable"], true);
    let r = admin
        .delete(&format!("/api/v1/content/modules/{other}"))
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let (left, on): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(module_id) FROM quizzes WHERE id = $1")
            .bind(org_quiz)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((left, on), (1, None));
}
