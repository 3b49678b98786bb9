//! The question bank editor: scope (organizers edit their units' questions and read the
//! organization's bank), search filters, validation that names the field and writes
//! nothing, versions that keep past results, and members' error reports.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    organizers_see_and_edit_only_their_scope,
    search_filters_narrow_the_list,
    invalid_questions_name_the_field_and_write_nothing,
    editing_an_answered_question_keeps_past_results,
    members_report_questions_and_staff_resolve_them,
);

async fn category(c: &Client<'_>, name: &str, parent: Option<i64>) -> i64 {
    let r = c
        .post(
            "/api/v1/question-categories",
            json!({ "name": name, "parent_id": parent }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn single(category_id: i64, stem: &str, owner: Value) -> Value {
    json!({
        "category_id": category_id,
        "kind": "single",
        "stem": stem,
        "options": ["甲", "乙", "丙"],
        "key": { "kind": "single", "option": 1 },
        "explanation": "因为乙。",
        "source": "测试材料第1条",
        "difficulty": 2,
        "tags": ["测试"],
        "owner": owner,
    })
}

async fn create(c: &Client<'_>, body: Value) -> i64 {
    let r = c.post("/api/v1/questions", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect()
}

/// A question of the organization's bank (loaded from `question-bank/`).
async fn bank_question(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM questions WHERE owner_branch_id IS NULL \
         AND owner_youth_group_id IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

async fn organizers_see_and_edit_only_their_scope(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    let cat = category(&org1, "支部自学", None).await;

    let own = create(
        &org1,
        single(cat, "支部自编题", json!({ "branch_id": branch })),
    )
    .await;
    let detail = org1.get_ok(&format!("/api/v1/questions/{own}")).await;
    assert_eq!(detail["editable"], true);
    assert_eq!(detail["key"], json!({ "kind": "single", "option": 1 }));
    assert_eq!(detail["version"], 1);

    // org2 looks after the youth groups only: the branch's question is not theirs to see.
    let r = org2.get(&format!("/api/v1/questions/{own}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let theirs = org2
        .get_ok(&format!("/api/v1/questions?category_id={cat}"))
        .await;
    assert_eq!(theirs["total"], 0);
    let body = single(cat, "改题", json!({ "branch_id": branch }));
    let r = org2.put(&format!("/api/v1/questions/{own}"), body).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The organization's bank is visible to organizers but edited by admins only.
    let bank = bank_question(&app).await;
    let seen = org1.get_ok(&format!("/api/v1/questions/{bank}")).await;
    assert_eq!(seen["editable"], false);
    let r = org1
        .put(
            &format!("/api/v1/questions/{bank}"),
            single(cat, "改题", json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // An organizer's question belongs to one of their units.
    let group = app
        .id_of("youth_groups", "“青春先锋”青年理论学习小组")
        .await;
    for owner in [json!({}), json!({ "youth_group_id": group })] {
        let r = org1
            .post("/api/v1/questions", single(cat, "无归属", owner))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["details"][0]["field"], "owner");
    }

    // Members have no editor; admins see everything.
    let m = app.signed_in("m001").await;
    assert_eq!(
        m.get("/api/v1/questions").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        m.get("/api/v1/question-categories").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in("admin").await;
    let all = admin.get_ok("/api/v1/questions?per_page=1").await;
    assert_eq!(all["total"].as_i64(), Some(app.count("questions").await));
    let own_row = admin.get_ok(&format!("/api/v1/questions/{own}")).await;
    assert_eq!(own_row["owner"]["branch_id"], branch);
}

async fn search_filters_narrow_the_list(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let parent = category(&admin, "检索测试", None).await;
    let child = category(&admin, "检索测试·子类", Some(parent)).await;
    let a = create(&admin, single(parent, "关于甲的题目", json!({}))).await;
    let mut b_body = single(child, "关于乙的题目", json!({}));
    b_body["difficulty"] = json!(3);
    b_body["tags"] = json!(["乙标签", "公共"]);
    let b = create(&admin, b_body).await;
    let mut c_body = single(child, "判断：丙", json!({}));
    c_body["kind"] = json!("true_false");
    c_body["options"] = json!([]);
    c_body["key"] = json!({ "kind": "true_false", "value": true });
    let c = create(&admin, c_body).await;

    // The tree lists the child under its parent, with counts.
    let tree = admin.get_ok("/api/v1/question-categories").await;
    let tree = tree.as_array().unwrap();
    let at = |id: i64| tree.iter().position(|x| x["id"] == id).unwrap();
    assert!(at(parent) < at(child));
    assert_eq!(tree[at(child)]["parent_id"], parent);
    assert_eq!(tree[at(child)]["question_count"], 2);

    let found = |query: &str| {
        let admin = &admin;
        let query = query.to_string();
        async move {
            let mut v = ids(&admin.get_ok(&format!("/api/v1/questions?{query}")).await);
            v.sort();
            v
        }
    };
    // A category includes its sub-categories.
    assert_eq!(found(&format!("category_id={parent}")).await, [a, b, c]);
    assert_eq!(found(&format!("category_id={child}")).await, [b, c]);
    let q = "%E5%85%B3%E4%BA%8E"; // 关于
    assert_eq!(found(&format!("category_id={parent}&q={q}")).await, [a, b]);
    assert_eq!(
        found(&format!("category_id={parent}&kind=true_false")).await,
        [c]
    );
    assert_eq!(
        found(&format!("category_id={parent}&difficulty=3")).await,
        [b]
    );
    let tag = "%E4%B9%99%E6%A0%87%E7%AD%BE"; // 乙标签
    assert_eq!(found(&format!("tag={tag}")).await, [b]);
    // LIKE wildcards in the text are literal.
    assert_eq!(
        found(&format!("category_id={parent}&q=%25")).await,
        Vec::<i64>::new()
    );

    // Paging.
    let page = admin
        .get_ok(&format!(
            "/api/v1/questions?category_id={parent}&per_page=2&page=2"
        ))
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(ids(&page).len(), 1);
    let r = admin.get("/api/v1/questions?kind=essay").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
}

async fn invalid_questions_name_the_field_and_write_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let cat = category(&admin, "校验测试", None).await;
    let before = app.count("questions").await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "stem": "  " }), "stem"),
        (json!({ "explanation": "" }), "explanation"),
        (json!({ "source": "" }), "source"),
        (json!({ "difficulty": 5 }), "difficulty"),
        (
            json!({ "key": { "kind": "single", "option": 7 } }),
            "answer",
        ),
        (
            json!({ "key": { "kind": "true_false", "value": true } }),
            "answer",
        ),
        (json!({ "category_id": 999_999 }), "category_id"),
        (
            json!({ "owner": { "branch_id": 1, "youth_group_id": 1 } }),
            "owner",
        ),
    ];
    for (change, field) in cases {
        let mut body = single(cat, "题干", json!({}));
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = admin.post("/api/v1/questions", body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text()
        );
        assert_eq!(r.json()["details"][0]["field"], field, "{}", r.text());
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(app.count("questions").await, before);
    // Categories: a name is required and unique; the parent must exist.
    for (body, status) in [
        (json!({ "name": " " }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "name": "校验测试" }), StatusCode::CONFLICT),
        (
            json!({ "name": "新类", "parent_id": 999_999 }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = admin.post("/api/v1/question-categories", body).await;
        assert_eq!(r.status, status, "{}", r.text());
    }
}

/// The member's submitted daily attempt and the question id at its first position.
async fn answered_daily(app: &TestApp, c: &Client<'_>) -> (i64, i64) {
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
    let r = c
        .post(&format!("/api/v1/attempts/{attempt}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (question,): (i64,) = sqlx::query_as(
        "SELECT question_id FROM attempt_questions WHERE attempt_id = $1 AND position = 1",
    )
    .bind(attempt)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    (attempt, question)
}

/// The editor's input for a question as it stands, from its detail.
fn input_of(d: &Value) -> Value {
    json!({
        "category_id": d["category_id"],
        "kind": d["kind"],
        "stem": d["stem"],
        "options": d["options"],
        "key": d["key"],
        "explanation": d["explanation"],
        "source": d["source"],
        "difficulty": d["difficulty"],
        "tags": d["tags"],
        "owner": d["owner"],
    })
}

async fn editing_an_answered_question_keeps_past_results(app: TestApp) {
    let member = app.signed_in("m004").await;
    let (attempt, question) = answered_daily(&app, &member).await;
    let path = format!("/api/v1/attempts/{attempt}");
    let before = member.get_ok(&path).await;
    let old_stem = before["result"]["questions"][0]["stem"].clone();

    let admin = app.signed_in("admin").await;
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    let mut edit = input_of(&d);
    edit["stem"] = json!("修订后的题干（____）");
    edit["kind"] = json!("fill_in");
    edit["options"] = json!([]);
    edit["key"] = json!({ "kind": "fill_in", "blanks": [["修订"]] });
    let r = admin
        .put(&format!("/api/v1/questions/{question}"), edit.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["new_version"], true);
    assert_eq!(r.json()["version"], 2);

    // The attempt still shows, and is graded by, what was asked.
    let after = member.get_ok(&path).await;
    assert_eq!(after["result"], before["result"]);
    assert_eq!(after["result"]["questions"][0]["stem"], old_stem);
    // The editor shows the earlier version.
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["stem"], "修订后的题干（____）");
    assert_eq!(d["versions"][0]["version"], 1);
    assert_eq!(d["versions"][0]["stem"], old_stem);

    // No attempt holds version 2 yet: a second edit changes it in place.
    edit["explanation"] = json!("再次修订的解析。");
    let r = admin
        .put(&format!("/api/v1/questions/{question}"), edit)
        .await;
    assert_eq!(r.json()["new_version"], false);
    assert_eq!(r.json()["version"], 2);
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["versions"].as_array().unwrap().len(), 1);

    // Loading the unchanged bank files again keeps the edit (the file did not change).
    let bank = backend::domain::question_bank::parse_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../question-bank"),
    )
    .unwrap();
    backend::domain::question_bank::load(&app.db, &bank)
        .await
        .unwrap();
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["explanation"], "再次修订的解析。");
}

async fn members_report_questions_and_staff_resolve_them(app: TestApp) {
    let member = app.signed_in("m005").await;
    let (_, question) = answered_daily(&app, &member).await;
    let path = format!("/api/v1/questions/{question}/reports");
    let r = member.post(&path, json!({ "comment": "  " })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = member
        .post(&path, json!({ "comment": "x".repeat(501) }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = member
        .post(&path, json!({ "comment": "选项B的表述与原文不符" }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let report = r.json()["id"].as_i64().unwrap();
    // 我的纠错 lists it, open, with the question's stem; nobody else's.
    let mine = member.get_ok("/api/v1/question-reports/mine").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], report);
    assert_eq!(mine[0]["status"], "open");
    assert_eq!(mine[0]["reply"], Value::Null);
    assert!(!mine[0]["stem"].as_str().unwrap().is_empty());
    let others = app.signed_in("m006").await;
    assert_eq!(
        others.get_ok("/api/v1/question-reports/mine").await,
        json!([])
    );
    let unread_before = member.get_ok("/api/v1/notifications/unread").await["unread"]
        .as_i64()
        .unwrap();

    // Only questions the member was shown can be reported.
    let (unseen,): (i64,) = sqlx::query_as(
        "SELECT id FROM questions WHERE id NOT IN \
         (SELECT question_id FROM attempt_questions) ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let r = member
        .post(
            &format!("/api/v1/questions/{unseen}/reports"),
            json!({ "comment": "错" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Staff find reported questions and read the report on the question.
    let admin = app.signed_in("admin").await;
    let reported = admin.get_ok("/api/v1/questions?reported=true").await;
    assert_eq!(ids(&reported), [question]);
    assert_eq!(reported["items"][0]["open_reports"], 1);
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["reports"][0]["comment"], "选项B的表述与原文不符");
    assert_eq!(d["reports"][0]["status"], "open");
    assert!(
        d["reports"][0]["reporter"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            >= 2
    );

    // The organization's questions are the admin's to answer.
    let org1 = app.signed_in("org1").await;
    let resolve = format!("/api/v1/question-reports/{report}");
    let answer = json!({ "status": "rejected", "reply": "经核对，表述与原文一致。" });
    assert_eq!(
        org1.put(&resolve, answer.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let r = admin.put(&resolve, json!({ "status": "open" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.put(&resolve, answer.clone()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(
        admin.put(&resolve, answer).await.status,
        StatusCode::CONFLICT
    );
    // The member hears of the answer once, and reads it in 我的纠错.
    let page = member.get_ok("/api/v1/notifications").await;
    assert_eq!(page["unread"], unread_before + 1);
    assert_eq!(page["items"][0]["kind"], "report");
    assert!(page["items"][0]["body"]
        .as_str()
        .unwrap()
        .contains("经核对，表述与原文一致。"));
    let mine = member.get_ok("/api/v1/question-reports/mine").await;
    assert_eq!(mine[0]["status"], "rejected");
    assert_eq!(mine[0]["reply"], "经核对，表述与原文一致。");
    assert!(mine[0]["resolved_at"].is_i64());
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["reports"][0]["status"], "rejected");
    assert_eq!(d["reports"][0]["reply"], "经核对，表述与原文一致。");
    assert_eq!(d["open_reports"], 0);
    assert_eq!(
        admin.get_ok("/api/v1/questions?reported=true").await["total"],
        0
    );
}
