//! Study content authored in the app: organizers write modules for their units (admins for
//! the organization), lessons are sanitized Markdown with versions that keep members'
//! progress, assignment puts a module on members' due lists and the dashboard and tells
//! them once, and shipped modules stay read-only.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    an_organizer_writes_assigns_and_edits_a_module_for_their_branch,
    scope_shipped_modules_and_validation_are_enforced,
);

const DAY: i64 = 86_400_000;

fn module(title: &str, owner: Value) -> Value {
    json!({
        "title": title, "track": "discipline", "description": "支部自学材料",
        "position": 50, "owner": owner,
    })
}

fn lesson(title: &str, body: &str) -> Value {
    json!({ "title": title, "body_md": body, "source": "支部学习计划", "min_minutes": 1 })
}

async fn created(c: &Client<'_>, path: &str, body: Value) -> i64 {
    let r = c.post(path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn due_ids(v: &Value, kind: &str) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["item"]["kind"] == kind)
        .map(|d| d["item"]["id"].as_i64().unwrap())
        .collect()
}

async fn an_organizer_writes_assigns_and_edits_a_module_for_their_branch(app: TestApp) {
    let org1 = app.signed_in("org1").await;
    let branch = app.id_of("branches", "机关第一党支部").await;
    let owner = json!({ "branch_id": branch, "youth_group_id": null });
    let id = created(
        &org1,
        "/api/v1/content/modules",
        module("廉洁自律专题", owner.clone()),
    )
    .await;
    let lessons = format!("/api/v1/content/modules/{id}/lessons");
    let first = created(
        &org1,
        &lessons,
        lesson(
            "第一课",
            "**廉洁**是底线。<script>alert(1)</script> [链接](javascript:alert(1))",
        ),
    )
    .await;
    let second = created(&org1, &lessons, lesson("第二课", "第二课正文")).await;
    let d = org1.get_ok(&format!("/api/v1/content/modules/{id}")).await;
    assert_eq!(d["module"]["editable"], true);
    assert_eq!(d["module"]["shipped"], false);
    assert_eq!(d["module"]["owner"], owner);
    assert_eq!(d["module"]["lesson_count"], 2);
    assert_eq!(d["lessons"][0]["id"], first);
    assert_eq!(d["lessons"][1]["position"], 2);
    assert_eq!(d["lessons"][0]["min_seconds"], 60);

    // The preview renders as the lesson will: no script, no javascript: link.
    let p = org1
        .post(
            "/api/v1/content/preview",
            json!({ "body_md": "**廉洁**<script>x</script> [a](javascript:alert(1))" }),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let html = p.json()["html"].as_str().unwrap().to_string();
    assert!(html.contains("<strong>廉洁</strong>"), "{html}");
    assert!(
        !html.contains("<script>") && !html.contains("javascript:"),
        "{html}"
    );

    // Unassigned, no member sees it; m005 is in the branch, m006 in org1's other branch.
    let m005 = app.signed_in("m005").await;
    let m006 = app.signed_in("m006").await;
    assert!(!due_ids(&m005.get_ok("/api/v1/notifications/due").await, "module").contains(&id));
    assert_eq!(
        m005.get(&format!("/api/v1/modules/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let unread = m005.get_ok("/api/v1/notifications/unread").await["unread"]
        .as_i64()
        .unwrap();

    // Assigned to the branch, required, with a deadline: due list, dashboard, one notice.
    let due_at = backend::db::now_ms() + 7 * DAY;
    let assign = format!("/api/v1/content/modules/{id}/assignment");
    let body = json!({ "branch_ids": [branch], "due_at": due_at, "required": true });
    let r = org1.put(&assign, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let (in_branch,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE branch_id = $1 AND role <> 'admin' \
         AND active = 1",
    )
    .bind(branch)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(r.json()["notified"], in_branch);
    let due = m005.get_ok("/api/v1/notifications/due").await;
    let mine = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["item"]["kind"] == "module" && d["item"]["id"] == id)
        .expect("the assigned module is due");
    assert_eq!(mine["required"], true);
    assert_eq!(mine["item"]["due_at"], due_at);
    assert!(!due_ids(&m006.get_ok("/api/v1/notifications/due").await, "module").contains(&id));
    let page = m005.get_ok("/api/v1/notifications").await;
    assert_eq!(page["unread"], unread + 1);
    assert_eq!(page["items"][0]["kind"], "assigned");
    assert_eq!(page["items"][0]["item_id"], id);
    // Assigning again (a later deadline) tells nobody twice.
    let later = json!({ "branch_ids": [branch], "due_at": due_at + DAY, "required": true });
    let r = org1.put(&assign, later).await;
    assert_eq!(r.json()["notified"], 0, "{}", r.text());
    let dash = org1.get_ok("/api/v1/dashboard").await;
    let item = dash["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"]["kind"] == "module" && i["item"]["id"] == id)
        .expect("the module is on the dashboard");
    assert_eq!(item["total"]["assigned"], in_branch);
    assert_eq!(item["total"]["completed"], 0);

    // m005 studies the first lesson to the end.
    // The author's minimum (1 minute) applies, not the one the short text would give.
    let hb = format!("/api/v1/lessons/{first}/heartbeat");
    let m005_id = app.user_id("m005").await;
    let mut p = m005.post(&hb, json!({ "reached_end": true })).await.json();
    assert_eq!(p["min_seconds"], 60);
    assert_eq!(p["completed"], false);
    for _ in 0..10 {
        if p["completed"] == true {
            break;
        }
        app.age_study(m005_id, 30_000).await;
        let r = m005.post(&hb, json!({ "reached_end": true })).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        p = r.json();
    }
    assert_eq!(p["completed"], true, "{p}");
    assert!(p["credited_seconds"].as_i64().unwrap() >= 60);
    let view = m005.get_ok(&format!("/api/v1/lessons/{first}")).await;
    let html = view["html"].as_str().unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("javascript:"),
        "{html}"
    );

    // Editing the lesson keeps the member's progress and its old text as version 1.
    let r = org1
        .put(
            &format!("/api/v1/content/lessons/{first}"),
            lesson("第一课（修订）", "**廉洁**是底线，也是高压线。"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    assert_eq!(r.json()["new_version"], true);
    let view = m005.get_ok(&format!("/api/v1/lessons/{first}")).await;
    assert_eq!(view["title"], "第一课（修订）");
    assert_eq!(view["progress"]["completed"], true);
    let d = org1.get_ok(&format!("/api/v1/content/modules/{id}")).await;
    assert_eq!(d["lessons"][0]["version"], 2);
    assert_eq!(d["lessons"][0]["versions"][0]["version"], 1);
    assert_eq!(d["lessons"][0]["versions"][0]["title"], "第一课");
    // The unread second lesson is edited in place.
    let r = org1
        .put(
            &format!("/api/v1/content/lessons/{second}"),
            lesson("第二课", "第二课新正文"),
        )
        .await;
    assert_eq!(r.json()["new_version"], false, "{}", r.text());
    // A read lesson cannot be deleted, nor a started module; an unread lesson can.
    let r = org1
        .delete(&format!("/api/v1/content/lessons/{first}"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "lesson_in_use");
    let r = org1.delete(&format!("/api/v1/content/modules/{id}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "module_in_use");
    let r = org1
        .delete(&format!("/api/v1/content/lessons/{second}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

    // Every change is in the audit log.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE entity IN ('module', 'lesson') \
         AND actor_id = $1",
    )
    .bind(app.user_id("org1").await)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    // create module, 2 lessons, 2 assignments, 2 lesson edits, 1 lesson deletion.
    assert_eq!(n, 8);
}

async fn scope_shipped_modules_and_validation_are_enforced(app: TestApp) {
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    let admin = app.signed_in("admin").await;
    let b1 = app.id_of("branches", "机关第一党支部").await;
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let path = "/api/v1/content/modules";

    // Organizers own what they write; the organization's modules are the admins'.
    let r = org1.post(path, module("无归属", json!({}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["details"][0]["field"], "owner");
    let r = org1
        .post(path, module("别人的", json!({ "branch_id": b3 })))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (body, field) in [
        (module("  ", json!({ "branch_id": b1 })), "title"),
        (
            module(&"长".repeat(61), json!({ "branch_id": b1 })),
            "title",
        ),
        (
            json!({ "title": "x", "track": "discipline", "description": "", "position": -1,
                    "owner": { "branch_id": b1 } }),
            "position",
        ),
    ] {
        let r = org1.post(path, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["details"][0]["field"], field);
    }
    let r = org1
        .post(
            path,
            json!({ "title": "x", "track": "poetry", "description": "", "position": 1 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let member = app.signed_in("m001").await;
    assert_eq!(
        member
            .post(path, module("成员写的", json!({})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(member.get(path).await.status, StatusCode::FORBIDDEN);
    let before = app.count("modules").await;

    let own = created(&org1, path, module("支部专题", json!({ "branch_id": b1 }))).await;
    let org_wide = created(&admin, path, module("全机关专题", json!({}))).await;
    assert_eq!(app.count("modules").await, before + 2);

    // Lesson validation names the field.
    let lessons = format!("/api/v1/content/modules/{own}/lessons");
    for (body, field) in [
        (
            json!({ "title": "", "body_md": "正文", "source": "出处" }),
            "title",
        ),
        (
            json!({ "title": "课", "body_md": "  ", "source": "出处" }),
            "body_md",
        ),
        (
            json!({ "title": "课", "body_md": "正文", "source": "" }),
            "source",
        ),
        (
            json!({ "title": "课", "body_md": "字".repeat(50_001), "source": "出处" }),
            "body_md",
        ),
        (
            json!({ "title": "课", "body_md": "正文", "source": "出处", "min_minutes": 0 }),
            "min_minutes",
        ),
        (
            json!({ "title": "课", "body_md": "正文", "source": "出处", "position": 0 }),
            "position",
        ),
    ] {
        let r = org1.post(&lessons, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["details"][0]["field"], field);
    }
    created(&org1, &lessons, lesson("第一课", "正文")).await;
    let r = org1
        .post(
            &lessons,
            json!({ "title": "课", "body_md": "正文", "source": "出处", "position": 1 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "position_taken");
    // Only the valid lesson was written.
    let (n,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM lessons WHERE module_id = $1")
            .bind(own)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);

    // Another unit's organizer may not touch it (it is not even listed for them).
    let r = org2
        .put(
            &format!("{path}/{own}"),
            module("改名", json!({ "branch_id": b1 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let listed: Vec<i64> = org2
        .get_ok(path)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(!listed.contains(&own));
    // The organization's module is listed for org1, read-only.
    let list = org1.get_ok(path).await;
    let org_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == org_wide)
        .unwrap();
    assert_eq!(org_row["editable"], false);
    let r = org1
        .put(&format!("{path}/{org_wide}"), module("改名", json!({})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "module_not_yours");
    // The owner is fixed at creation.
    let r = org1
        .put(&format!("{path}/{own}"), module("改名", json!({})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Assignments stay in scope; only admins assign to everyone; deadlines lie ahead.
    let assign = format!("{path}/{own}/assignment");
    let r = org1
        .put(&assign, json!({ "branch_ids": [b3], "required": true }))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "assign_out_of_scope");
    let r = org1
        .put(&assign, json!({ "all": true, "required": true }))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "assign_out_of_scope");
    let r = org1
        .put(
            &assign,
            json!({ "branch_ids": [b1], "due_at": 1_000, "required": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["details"][0]["field"], "due_at");
    let r = org1
        .put(
            &assign,
            json!({ "branch_ids": [999_999], "required": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .put(
            &format!("{path}/{org_wide}/assignment"),
            json!({ "all": true, "required": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Not required: on the due list as optional.
    let due = member.get_ok("/api/v1/notifications/due").await;
    let row = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["item"]["kind"] == "module" && d["item"]["id"] == org_wide)
        .expect("assigned to everyone");
    assert_eq!(row["required"], false);

    // Shipped modules are listed read-only and refuse every write with a code.
    let list = admin.get_ok(path).await;
    let shipped = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["shipped"] == true)
        .expect("the seeds' modules are listed");
    assert_eq!(shipped["editable"], false);
    let sid = shipped["id"].as_i64().unwrap();
    for r in [
        admin
            .put(&format!("{path}/{sid}"), module("改名", json!({})))
            .await,
        admin.delete(&format!("{path}/{sid}")).await,
        admin
            .put(
                &format!("{path}/{sid}/assignment"),
                json!({ "all": true, "required": true }),
            )
            .await,
        admin
            .post(&format!("{path}/{sid}/lessons"), lesson("新课", "正文"))
            .await,
    ] {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.code(), "module_shipped");
        assert!(r.json()["message"].as_str().unwrap().contains("seeds/"));
    }
    let (shipped_lesson,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM lessons WHERE module_id = $1")
            .bind(sid)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let r = admin
        .put(
            &format!("/api/v1/content/lessons/{shipped_lesson}"),
            lesson("改", "改"),
        )
        .await;
    assert_eq!(r.code(), "module_shipped");
    // An unstarted module can be deleted, with its lessons.
    let r = org1.delete(&format!("{path}/{own}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(
        org1.get(&format!("{path}/{own}")).await.status,
        StatusCode::NOT_FOUND
    );
}
