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
    reports_on_organization_questions_are_forwarded_to_the_admins,
    organizers_resolve_reports_on_their_units_questions,
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
    let r = org1.put(&resolve, answer.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "report_forward_required");
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

/// `reporter` reports the first question of a daily they just submitted; the report's id.
async fn report_daily(app: &TestApp, reporter: &str, comment: &str) -> (i64, i64) {
    let member = app.signed_in(reporter).await;
    let (_, question) = answered_daily(app, &member).await;
    let r = member
        .post(
            &format!("/api/v1/questions/{question}/reports"),
            json!({ "comment": comment }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    (r.json()["id"].as_i64().unwrap(), question)
}

fn queue_ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["report"]["id"].as_i64().unwrap())
        .collect()
}

async fn audit_count(app: &TestApp, action: &str, entity_id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = $1 \
         AND entity = 'question_report' AND entity_id = $2",
    )
    .bind(action)
    .bind(entity_id.to_string())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    n
}

async fn reports_on_organization_questions_are_forwarded_to_the_admins(app: TestApp) {
    // m005 is in org1's first branch; m007 in a branch no organizer looks after.
    let (mine, question) = report_daily(&app, "m005", "答案与原文不符").await;
    let (other, _) = report_daily(&app, "m007", "题干有错别字").await;
    let org1 = app.signed_in("org1").await;
    let admin = app.signed_in("admin").await;
    let member = app.signed_in("m005").await;

    // The organizer's list holds their members' reports, with only forwarding allowed.
    let list = org1.get_ok("/api/v1/question-reports").await;
    assert_eq!(queue_ids(&list), [mine]);
    assert_eq!(list[0]["stem"].as_str().map(str::is_empty), Some(false));
    assert_eq!(
        list[0]["owner"],
        json!({ "branch_id": null, "youth_group_id": null })
    );
    assert_eq!(list[0]["report"]["can_resolve"], false);
    assert_eq!(list[0]["report"]["can_forward"], true);
    // Resolving is refused with a code that says what to do instead.
    let r = org1
        .put(
            &format!("/api/v1/question-reports/{mine}"),
            json!({ "status": "resolved" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "report_forward_required");
    assert!(r.json()["message"].as_str().unwrap().contains("转交管理员"));

    // Forwarding needs a note of at most 500 characters; members may not forward.
    let forward = format!("/api/v1/question-reports/{mine}/forward");
    for bad in [json!({ "note": "  " }), json!({ "note": "字".repeat(501) })] {
        let r = org1.post(&forward, bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["details"][0]["field"], "note");
    }
    let r = org1
        .post(&forward, json!({ "note": "x", "extra": 1 }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        member
            .post(&forward, json!({ "note": "我来转" }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        member.get("/api/v1/question-reports").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(audit_count(&app, "forward", mine).await, 0);
    // The admin resolves directly; there is nothing to forward to.
    let r = admin.post(&forward, json!({ "note": "转给自己" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "report_not_forwardable");
    assert_eq!(
        admin
            .post(
                "/api/v1/question-reports/999999/forward",
                json!({ "note": "无" })
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Before forwarding the admins' queue is empty; every open report is in the open list.
    assert_eq!(
        admin
            .get_ok("/api/v1/question-reports?queue=forwarded")
            .await,
        json!([])
    );
    let mut open = queue_ids(&admin.get_ok("/api/v1/question-reports").await);
    open.sort();
    assert_eq!(open, [mine, other]);
    let r = admin.get("/api/v1/question-reports?queue=everything").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());

    let r = org1
        .post(&forward, json!({ "note": "  请核对原文第三条  " }))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(audit_count(&app, "forward", mine).await, 1);
    let r = org1.post(&forward, json!({ "note": "再转一次" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "report_already_forwarded");
    let list = org1.get_ok("/api/v1/question-reports").await;
    assert_eq!(list[0]["report"]["can_forward"], false);
    assert_eq!(list[0]["report"]["forward_note"], "请核对原文第三条");
    assert!(list[0]["report"]["forwarded_at"].is_i64());
    assert!(!list[0]["report"]["forwarded_by"]
        .as_str()
        .unwrap()
        .is_empty());

    // The admins' queue: the forwarded report, theirs to resolve.
    let queue = admin
        .get_ok("/api/v1/question-reports?queue=forwarded")
        .await;
    assert_eq!(queue_ids(&queue), [mine]);
    assert_eq!(queue[0]["report"]["can_resolve"], true);
    assert_eq!(queue[0]["report"]["can_forward"], false);
    assert_eq!(queue[0]["report"]["forward_note"], "请核对原文第三条");
    let d = admin.get_ok(&format!("/api/v1/questions/{question}")).await;
    let on_question = d["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == mine)
        .unwrap();
    assert_eq!(on_question["can_resolve"], true);
    assert_eq!(on_question["forward_note"], "请核对原文第三条");

    let unread = member.get_ok("/api/v1/notifications/unread").await["unread"]
        .as_i64()
        .unwrap();
    let r = admin
        .put(
            &format!("/api/v1/question-reports/{mine}"),
            json!({ "status": "resolved", "reply": "已按原文修正。" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let page = member.get_ok("/api/v1/notifications").await;
    assert_eq!(page["unread"], unread + 1);
    assert!(page["items"][0]["body"]
        .as_str()
        .unwrap()
        .contains("已按原文修正。"));
    assert_eq!(
        admin
            .get_ok("/api/v1/question-reports?queue=forwarded")
            .await,
        json!([])
    );
    assert_eq!(org1.get_ok("/api/v1/question-reports").await, json!([]));
    // A closed report cannot be forwarded.
    let r = org1.post(&forward, json!({ "note": "还有问题" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "report_closed");
}

async fn organizers_resolve_reports_on_their_units_questions(app: TestApp) {
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    let branch: i64 = org1.get_ok("/api/v1/auth/me").await["scope"]["branch_ids"][0]
        .as_i64()
        .unwrap();
    let cat = category(&org1, "支部自编", None).await;
    let question = create(
        &org1,
        single(
            cat,
            "支部自编题",
            json!({ "branch_id": branch, "youth_group_id": null }),
        ),
    )
    .await;
    // A report on it, as a member who was shown it would make.
    let reporter = app.user_id("m005").await;
    let (report,): (i64,) = sqlx::query_as(
        "INSERT INTO question_reports (question_id, question_version, user_id, comment, \
         created_at) VALUES ($1, 1, $2, '选项有误', 1) RETURNING id",
    )
    .bind(question)
    .bind(reporter)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();

    let list = org1.get_ok("/api/v1/question-reports").await;
    assert_eq!(queue_ids(&list), [report]);
    assert_eq!(list[0]["report"]["can_resolve"], true);
    assert_eq!(list[0]["report"]["can_forward"], false);
    assert_eq!(list[0]["owner"]["branch_id"], branch);
    let r = org1
        .post(
            &format!("/api/v1/question-reports/{report}/forward"),
            json!({ "note": "请管理员处理" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "report_not_forwardable");
    // Another unit's organizer neither sees nor resolves it.
    assert_eq!(org2.get_ok("/api/v1/question-reports").await, json!([]));
    let resolve = format!("/api/v1/question-reports/{report}");
    let r = org2
        .put(
            &resolve,
            json!({ "status": "rejected", "reply": "不予采纳" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = org1
        .put(&resolve, json!({ "status": "resolved", "reply": "已修正" }))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(audit_count(&app, "update", report).await, 1);
    let d = org1.get_ok(&format!("/api/v1/questions/{question}")).await;
    assert_eq!(d["reports"][0]["status"], "resolved");
    assert_eq!(d["reports"][0]["can_resolve"], false);
}
