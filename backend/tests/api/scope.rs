//! Role and scope on every endpoint: anonymous clients, members, organizers of another
//! branch and admins each get exactly what they may.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_endpoint_needs_a_session,
    admin_only_endpoints_refuse_members_and_organizers,
    organizers_see_only_their_branches_and_youth_groups,
    members_see_only_themselves,
);

/// Every protected endpoint with a body that would succeed for an admin.
async fn endpoints(app: &TestApp) -> Vec<(Method, String, Option<Value>)> {
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let (cell,): (i64,) = sqlx::query_as("SELECT id FROM cells WHERE branch_id = $1 LIMIT 1")
        .bind(b3)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let g = app.id_of("youth_groups", "“求是”青年理论学习小组").await;
    let m = app.user_id("m003").await;
    vec![
        (
            Method::POST,
            "/api/v1/branches".into(),
            Some(json!({"name": "新支部"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/branches/{b3}"),
            Some(json!({"name": "改名"})),
        ),
        (Method::DELETE, format!("/api/v1/branches/{b3}"), None),
        (
            Method::POST,
            format!("/api/v1/branches/{b3}/cells"),
            Some(json!({"name": "新小组"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/cells/{cell}"),
            Some(json!({"name": "改名"})),
        ),
        (Method::DELETE, format!("/api/v1/cells/{cell}"), None),
        (
            Method::POST,
            "/api/v1/youth-groups".into(),
            Some(json!({"name": "新青年组"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/youth-groups/{g}"),
            Some(json!({"name": "改名"})),
        ),
        (Method::DELETE, format!("/api/v1/youth-groups/{g}"), None),
        (
            Method::POST,
            "/api/v1/members".into(),
            Some(
                json!({"username": "new01", "display_name": "新人", "role": "member", "branch_id": b3}),
            ),
        ),
        (
            Method::PATCH,
            format!("/api/v1/members/{m}"),
            Some(json!({"display_name": "改名"})),
        ),
        (
            Method::POST,
            "/api/v1/members/reset-passwords".into(),
            Some(json!({"member_ids": [m]})),
        ),
        (Method::GET, "/api/v1/members/import-template".into(), None),
    ]
}

async fn every_endpoint_needs_a_session(app: TestApp) {
    let anon = app.anonymous();
    let mut all = endpoints(&app).await;
    all.push((Method::GET, "/api/v1/org".into(), None));
    all.push((Method::GET, "/api/v1/members".into(), None));
    all.push((Method::GET, "/api/v1/members/1".into(), None));
    all.push((Method::GET, "/api/v1/auth/me".into(), None));
    // Organizers reset their own members' passwords too (members.rs tests the scope).
    all.push((
        Method::POST,
        "/api/v1/members/1/reset-password".into(),
        Some(json!({})),
    ));
    all.push((
        Method::GET,
        "/api/v1/members/password-sheets/1".into(),
        None,
    ));
    all.push((
        Method::POST,
        "/api/v1/auth/password".into(),
        Some(json!({"current_password": "a", "new_password": "b"})),
    ));
    for (method, path, body) in all {
        let r = anon.call(method.clone(), &path, body).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.code(), "unauthenticated");
    }
    let r = anon.upload("/api/v1/members/import", b"x".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A forged cookie is no session either.
    let mut forged = app.anonymous();
    forged.cookie = Some(format!("beacon_session={}", "ab".repeat(32)));
    assert_eq!(
        forged.get("/api/v1/org").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn refuse_all(app: &TestApp, who: &Client<'_>, label: &str) {
    let users = app.count("users").await;
    let branches = app.count("branches").await;
    for (method, path, body) in endpoints(app).await {
        let r = who.call(method.clone(), &path, body).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{label}: {method} {path}: {}",
            r.text()
        );
        assert_eq!(r.code(), "forbidden");
    }
    assert_eq!(app.count("users").await, users);
    assert_eq!(app.count("branches").await, branches);
}

async fn admin_only_endpoints_refuse_members_and_organizers(app: TestApp) {
    refuse_all(&app, &app.signed_in("m001").await, "member").await;
    refuse_all(&app, &app.signed_in("org1").await, "organizer").await;
    // The same calls succeed for an admin.
    let admin = app.signed_in("admin").await;
    for (method, path, body) in endpoints(&app).await {
        let r = admin.call(method.clone(), &path, body).await;
        assert!(
            r.status.is_success() || r.status == StatusCode::CONFLICT,
            "admin: {method} {path}: {} {}",
            r.status,
            r.text()
        );
    }
}

async fn organizers_see_only_their_branches_and_youth_groups(app: TestApp) {
    let b1 = app.id_of("branches", "机关第一党支部").await;
    let b2 = app.id_of("branches", "机关第二党支部").await;
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let org1 = app.signed_in("org1").await;
    let r = org1.get("/api/v1/members?per_page=200").await.json();
    assert_eq!(r["total"], 22);
    for m in r["items"].as_array().unwrap() {
        assert!(m["branch_id"] == b1 || m["branch_id"] == b2, "{m}");
    }
    // Filtering to a branch outside the scope yields nobody.
    let r = org1
        .get(&format!("/api/v1/members?branch_id={b3}"))
        .await
        .json();
    assert_eq!(r["total"], 0);
    let (outside,): (i64,) = sqlx::query_as(
        "SELECT id FROM users WHERE branch_id = $1 AND youth_group_id IS NULL LIMIT 1",
    )
    .bind(b3)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let r = org1.get(&format!("/api/v1/members/{outside}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // org2 looks after both youth groups, across branches.
    let org2 = app.signed_in("org2").await;
    let r = org2.get("/api/v1/members?per_page=200").await.json();
    assert_eq!(r["total"], 13);
    assert!(r["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["youth_group_id"].is_i64()));
    let branches: std::collections::HashSet<i64> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["branch_id"].as_i64().unwrap())
        .collect();
    assert!(branches.len() > 1, "youth groups cut across branches");
}

async fn members_see_only_themselves(app: TestApp) {
    let member = app.signed_in("m001").await;
    let r = member.get("/api/v1/members").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let me = app.user_id("m001").await;
    assert_eq!(
        member.get(&format!("/api/v1/members/{me}")).await.status,
        StatusCode::OK
    );
    let other = app.user_id("m002").await;
    let r = member.get(&format!("/api/v1/members/{other}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
