//! The audit log: each admin change writes exactly one entry with the record before and
//! after, rejected changes write none, only admins read it, and its filters work.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    each_change_writes_one_entry_with_before_and_after,
    rejected_changes_write_nothing,
    only_admins_read_the_log,
    filters_combine_and_pages_are_newest_first,
);

fn parsed(v: &Value) -> Value {
    serde_json::from_str(v.as_str().expect("JSON text")).expect("valid JSON")
}

async fn each_change_writes_one_entry_with_before_and_after(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let admin_id = app.user_id("admin").await;
    assert_eq!(
        app.count("audit_log").await,
        0,
        "the demo data is not audited"
    );

    // Renaming a branch: one entry, name before and after.
    let branch = app.id_of("branches", "机关第四党支部").await;
    let r = admin
        .patch(
            &format!("/api/v1/branches/{branch}"),
            json!({"name": "机关第五党支部"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let log = admin.get_ok("/api/v1/audit").await;
    assert_eq!(log["total"], 1);
    let e = &log["items"][0];
    assert_eq!(e["actor_id"], admin_id);
    assert_eq!(e["action"], "update");
    assert_eq!(e["entity"], "branch");
    assert_eq!(e["entity_id"], branch.to_string());
    assert_eq!(parsed(&e["before"]), json!({"name": "机关第四党支部"}));
    assert_eq!(parsed(&e["after"]), json!({"name": "机关第五党支部"}));

    // Editing a member: the whole account before and after, and no password anywhere.
    let m001 = app.user_id("m001").await;
    let name = admin.get_ok(&format!("/api/v1/members/{m001}")).await["display_name"].clone();
    let r = admin
        .patch(
            &format!("/api/v1/members/{m001}"),
            json!({"display_name": "王建军", "phone": "13800000000"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let e = &admin.get_ok("/api/v1/audit?entity=member").await["items"];
    assert_eq!(e.as_array().unwrap().len(), 1);
    let (before, after) = (parsed(&e[0]["before"]), parsed(&e[0]["after"]));
    assert_eq!(before["display_name"], name);
    assert_eq!(after["display_name"], "王建军");
    assert_eq!(before["phone"], "13910000001");
    assert_eq!(after["phone"], "13800000000");
    assert_eq!(before["username"], "m001");
    assert_eq!(after["branch_id"], before["branch_id"]);

    // Resetting a password: recorded, without the password.
    let r = admin
        .post(&format!("/api/v1/members/{m001}/reset-password"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let password = r.json()["initial_password"].as_str().unwrap().to_string();
    let e = &admin.get_ok("/api/v1/audit?action=reset_password").await["items"][0];
    assert_eq!(parsed(&e["before"])["must_change_password"], false);
    assert_eq!(parsed(&e["after"])["must_change_password"], true);
    let all = admin.get("/api/v1/audit?per_page=200").await.text();
    assert!(!all.contains(&password) && !all.contains("argon2"));

    // Creating, then deleting, a youth group.
    let r = admin
        .post(
            "/api/v1/youth-groups",
            json!({"name": "“笃行”青年理论学习小组"}),
        )
        .await;
    let group = r.json()["id"].as_i64().unwrap();
    let r = admin.delete(&format!("/api/v1/youth-groups/{group}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let e = &admin.get_ok("/api/v1/audit?entity=youth_group").await["items"];
    assert_eq!(e[0]["action"], "delete");
    assert_eq!(parsed(&e[0]["before"])["name"], "“笃行”青年理论学习小组");
    assert_eq!(e[0]["after"], Value::Null);
    assert_eq!(e[1]["action"], "create");
    assert_eq!(e[1]["before"], Value::Null);

    // Points rules: the whole rule list before and after.
    let r = admin
        .put(
            "/api/v1/points/rules",
            json!([{"source": "lesson", "points": 2, "daily_cap": 8}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let e = &admin.get_ok("/api/v1/audit?entity=points_rules").await["items"][0];
    let lesson = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["source"] == "lesson")
            .cloned()
            .unwrap()
    };
    assert_eq!(lesson(parsed(&e["before"]))["points"], 1);
    assert_eq!(lesson(parsed(&e["after"]))["points"], 2);
    assert_eq!(lesson(parsed(&e["after"]))["daily_cap"], 8);

    // Settings, and an import of one new and one changed member.
    let r = admin
        .put(
            "/api/v1/settings/points",
            json!({"default_measure": "average", "initials_only": true, "weekly_goal_kind": "points", "weekly_goal_target": 60}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let csv = "账号,姓名,党支部\r\n20230009,钱进,机关第一党支部\r\nm002,李晓明,机关第三党支部\r\n";
    let r = admin
        .upload("/api/v1/members/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let imports = admin.get_ok("/api/v1/audit?action=import").await;
    assert_eq!(imports["total"], 2);
    let m002 = app.user_id("m002").await.to_string();
    let moved = imports["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity_id"] == m002.as_str())
        .expect("the changed member");
    assert_ne!(
        parsed(&moved["before"])["branch_id"],
        parsed(&moved["after"])["branch_id"]
    );
    // rename + member + reset + group ×2 + rules + settings + import ×2
    assert_eq!(app.count("audit_log").await, 9);
}

async fn rejected_changes_write_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let org1 = app.signed_in("org1").await;
    // A duplicate name, a branch with members, an invalid member edit, a non-admin's try,
    // and an edit that changes nothing.
    let r = admin
        .post("/api/v1/branches", json!({"name": "机关第一党支部"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let branch = app.id_of("branches", "机关第一党支部").await;
    let r = admin.delete(&format!("/api/v1/branches/{branch}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let m001 = app.user_id("m001").await;
    let r = admin
        .patch(&format!("/api/v1/members/{m001}"), json!({"phone": "12"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = org1
        .patch(
            &format!("/api/v1/branches/{branch}"),
            json!({"name": "x支部"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let name = admin.get_ok(&format!("/api/v1/members/{m001}")).await["display_name"].clone();
    let r = admin
        .patch(
            &format!("/api/v1/members/{m001}"),
            json!({"display_name": name}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("audit_log").await, 0);
}

async fn only_admins_read_the_log(app: TestApp) {
    for who in ["org1", "m001"] {
        let r = app.signed_in(who).await.get("/api/v1/audit").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(r.code(), "forbidden");
    }
    assert_eq!(
        app.anonymous().get("/api/v1/audit").await.status,
        StatusCode::UNAUTHORIZED
    );
    let admin = app.signed_in("admin").await;
    // Bad input is a 4xx with a reason, never a 500.
    for q in [
        "from=10&to=5",
        "actor_id=abc",
        "per_page=-1",
        &format!("entity={}", "x".repeat(65)),
    ] {
        let r = admin.get(&format!("/api/v1/audit?{q}")).await;
        assert!(r.status.is_client_error(), "{q}: {}", r.status);
    }
}

async fn filters_combine_and_pages_are_newest_first(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before_all = backend::db::now_ms();
    for name in ["甲支部", "乙支部", "丙支部"] {
        let r = admin.post("/api/v1/branches", json!({"name": name})).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let middle = backend::db::now_ms();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let g = admin
        .post("/api/v1/youth-groups", json!({"name": "丁小组"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    admin
        .patch(
            &format!("/api/v1/youth-groups/{g}"),
            json!({"name": "戊小组"}),
        )
        .await;
    // A second admin's change is filtered out by actor.
    let admin_id = app.user_id("admin").await;
    sqlx::query("UPDATE users SET role = 'admin' WHERE username = 'org2'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let org2 = app.signed_in("org2").await;
    org2.post("/api/v1/branches", json!({"name": "己支部"}))
        .await;

    let all = admin.get_ok("/api/v1/audit").await;
    assert_eq!(all["total"], 6);
    let names: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| parsed(&e["after"])["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["己支部", "戊小组", "丁小组", "丙支部", "乙支部", "甲支部"]
    );
    let mine = admin
        .get_ok(&format!("/api/v1/audit?actor_id={admin_id}"))
        .await;
    assert_eq!(mine["total"], 5);
    let r = admin
        .get_ok("/api/v1/audit?entity=branch&action=create")
        .await;
    assert_eq!(r["total"], 4);
    let r = admin
        .get_ok(&format!(
            "/api/v1/audit?entity=youth_group&entity_id={g}&action=update"
        ))
        .await;
    assert_eq!(r["total"], 1);
    let r = admin
        .get_ok(&format!("/api/v1/audit?from={before_all}&to={middle}"))
        .await;
    assert_eq!(r["total"], 3, "the three branches only");
    let r = admin.get_ok(&format!("/api/v1/audit?from={middle}")).await;
    assert_eq!(r["total"], 3);
    let p2 = admin.get_ok("/api/v1/audit?per_page=4&page=2").await;
    assert_eq!(p2["total"], 6);
    let p2names: Vec<&str> = p2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"].as_str().unwrap())
        .collect();
    assert_eq!(p2names, ["branch", "branch"]);
}
