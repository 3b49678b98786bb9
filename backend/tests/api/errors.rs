//! Bad requests of every shape get the shared JSON error body with the right status,
//! never a panic, never a partial write.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    health_reports_the_database,
    malformed_bodies_get_clear_errors,
    unknown_routes_and_methods_get_json_errors,
    openapi_document_describes_the_api,
);

async fn health_reports_the_database(app: TestApp) {
    let r = app.anonymous().get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["database"], true);
    assert_eq!(r.json()["status"], "ok");
}

async fn malformed_bodies_get_clear_errors(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let raw = |body: &'static str, content_type: Option<&str>| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/branches");
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).unwrap()
    };
    let r = admin
        .send(raw("{\"name\": ", Some("application/json")))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_json");
    let r = admin
        .send(raw("{\"name\": 42}", Some("application/json")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "invalid_json");
    let r = admin.send(raw("{\"name\": \"x\"}", None)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.code(), "unsupported_media_type");
    // Bodies over the limit are refused before they are read.
    let big = json!({"name": "x".repeat(100 * 1024)});
    let r = admin.post("/api/v1/branches", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "payload_too_large");
    let r = admin
        .upload("/api/v1/members/import", vec![b'a'; 6 * 1024 * 1024])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "payload_too_large");
    // Wrong path and query types.
    let r = admin.get("/api/v1/members/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    let r = admin.get("/api/v1/members?page=-1").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("查询参数"));
    assert_eq!(app.count("branches").await, 4, "nothing was written");
}

async fn unknown_routes_and_methods_get_json_errors(app: TestApp) {
    let c = app.anonymous();
    let r = c.get("/api/v1/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    let r = c.call(Method::DELETE, "/api/health", None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.code(), "method_not_allowed");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

async fn openapi_document_describes_the_api(app: TestApp) {
    let r = app.anonymous().get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/health",
        "/api/v1/auth/login",
        "/api/v1/org",
        "/api/v1/members",
        "/api/v1/members/import",
    ] {
        assert!(paths.contains_key(p), "{p} is documented");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let r = app.anonymous().get("/api/docs/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("swagger"), "a browsable page");
}
