//! The organization tree: reading it, and the admin's changes with their rules.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    everyone_signed_in_reads_the_tree,
    admin_creates_renames_and_removes_units,
    names_are_validated_and_unique,
    units_with_members_cannot_be_removed,
);

async fn everyone_signed_in_reads_the_tree(app: TestApp) {
    let r = app.anonymous().get("/api/v1/org").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.signed_in("m001").await.get("/api/v1/org").await;
    assert_eq!(r.status, StatusCode::OK);
    let tree = r.json();
    assert_eq!(tree["organization"]["name"], "市发展改革委机关党委");
    assert_eq!(tree["branches"].as_array().unwrap().len(), 4);
    assert_eq!(tree["youth_groups"].as_array().unwrap().len(), 2);
    // 40 members in 4 branches, plus one organizer in each of the first two.
    let counts: Vec<i64> = tree["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["member_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![11, 11, 10, 10]);
    for b in tree["branches"].as_array().unwrap() {
        let cells = b["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 2);
        let in_cells: i64 = cells
            .iter()
            .map(|c| c["member_count"].as_i64().unwrap())
            .sum();
        assert_eq!(in_cells, 10, "every demo member is in a cell");
    }
    let in_groups: i64 = tree["youth_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["member_count"].as_i64().unwrap())
        .sum();
    assert_eq!(in_groups, 13);
}

async fn admin_creates_renames_and_removes_units(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let r = admin
        .post("/api/v1/branches", json!({"name": "离退休干部党支部"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let branch = r.json()["id"].as_i64().unwrap();
    let r = admin
        .post(
            &format!("/api/v1/branches/{branch}/cells"),
            json!({"name": "第一党小组"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let cell = r.json()["id"].as_i64().unwrap();
    let r = admin
        .post(
            "/api/v1/youth-groups",
            json!({"name": "“奋进”青年理论学习小组"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let group = r.json()["id"].as_i64().unwrap();

    let r = admin
        .patch(
            &format!("/api/v1/branches/{branch}"),
            json!({"name": "  老干部党支部 "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = admin
        .patch(&format!("/api/v1/cells/{cell}"), json!({"name": "一组"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = admin
        .patch(
            &format!("/api/v1/youth-groups/{group}"),
            json!({"name": "奋进小组"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let tree = admin.get("/api/v1/org").await.json();
    let b = tree["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == branch)
        .unwrap()
        .clone();
    assert_eq!(b["name"], "老干部党支部", "names are trimmed");
    assert_eq!(b["cells"][0]["name"], "一组");

    assert_eq!(
        admin.delete(&format!("/api/v1/cells/{cell}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .delete(&format!("/api/v1/youth-groups/{group}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .delete(&format!("/api/v1/branches/{branch}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = admin.delete(&format!("/api/v1/branches/{branch}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    let r = admin
        .post("/api/v1/branches/999999/cells", json!({"name": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("branches").await, 4);
}

async fn names_are_validated_and_unique(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let r = admin.post("/api/v1/branches", json!({"name": "   "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["details"][0]["field"], "name");
    let r = admin
        .post("/api/v1/branches", json!({"name": "党".repeat(61)}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post("/api/v1/branches", json!({"name": "机关第一党支部"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.json()["message"].as_str().unwrap().contains("已存在"));
    let second = app.id_of("branches", "机关第二党支部").await;
    let r = admin
        .patch(
            &format!("/api/v1/branches/{second}"),
            json!({"name": "机关第一党支部"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.count("branches").await, 4);
}

async fn units_with_members_cannot_be_removed(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let branch = app.id_of("branches", "机关第三党支部").await;
    let r = admin.delete(&format!("/api/v1/branches/{branch}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "not_empty");
    assert!(r.json()["message"].as_str().unwrap().contains("10名成员"));
    let group = app.id_of("youth_groups", "“求是”青年理论学习小组").await;
    let r = admin.delete(&format!("/api/v1/youth-groups/{group}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.count("branches").await, 4);
    assert_eq!(app.count("cells").await, 8);
}
