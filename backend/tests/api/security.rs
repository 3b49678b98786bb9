//! Cross-cutting protections: cross-site requests refused for every state-changing
//! operation, uploads that must declare a file type, no caching of API answers, and the
//! session cookie's attributes.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    every_state_changing_operation_refuses_other_sites,
    uploads_must_declare_a_file_type,
    api_answers_are_never_cached,
    signing_out_clears_a_secure_cookie_as_secure,
);

/// A request to `path` from the browser page of `beacon.example` with one more header.
fn request_with(
    method: Method,
    path: &str,
    name: &'static str,
    value: &'static str,
) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "beacon.example")
        .header(name, value)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap()
}

/// Every non-GET operation of the OpenAPI document, with `1` for each path parameter.
async fn state_changing_operations(app: &TestApp) -> Vec<(Method, String)> {
    let doc = app.anonymous().get_ok("/api/openapi.json").await;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                let concrete: String = path
                    .split('/')
                    .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                    .collect::<Vec<_>>()
                    .join("/");
                ops.push((method.to_uppercase().parse().unwrap(), concrete));
            }
        }
    }
    assert!(ops.len() > 30, "the document lists the API: {}", ops.len());
    ops
}

async fn every_state_changing_operation_refuses_other_sites(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let ops = state_changing_operations(&app).await;
    let sessions = app.count("sessions").await;
    for (method, path) in &ops {
        for (name, value) in [
            ("origin", "https://evil.example"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let r = admin
                .send(request_with(method.clone(), path, name, value))
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{method} {path} with {name}: {value}"
            );
            assert_eq!(r.code(), "cross_origin", "{method} {path}");
            assert!(r.json()["message"].as_str().unwrap().contains("其他网站"));
        }
    }
    // Nothing was done: the admin is still signed in (logout is among the operations).
    assert_eq!(app.count("sessions").await, sessions);
    assert_eq!(admin.get("/api/v1/auth/me").await.status, StatusCode::OK);
    // Beacon's own pages pass: same Origin as Host, or same-origin fetch metadata.
    for (name, value) in [
        ("origin", "http://beacon.example"),
        ("sec-fetch-site", "same-origin"),
    ] {
        let r = admin
            .send(request_with(
                Method::POST,
                "/api/v1/notifications/read",
                name,
                value,
            ))
            .await;
        assert_ne!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.text());
    }
}

async fn uploads_must_declare_a_file_type(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let csv = "username,display_name,branch\n13900000001,张三,机关第一党支部\n";
    let members = app.count("users").await;
    for (path, kind) in [
        ("/api/v1/members/import", "text/plain"),
        (
            "/api/v1/members/import",
            "application/x-www-form-urlencoded",
        ),
        ("/api/v1/members/import", "multipart/form-data; boundary=x"),
        (
            "/api/v1/question-imports?file_name=q.csv",
            "text/plain;charset=UTF-8",
        ),
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(csv))
            .unwrap();
        let r = admin.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path} as {kind}"
        );
        assert_eq!(r.code(), "unsupported_media_type");
    }
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/members/import")
        .body(Body::from(csv))
        .unwrap();
    assert_eq!(
        admin.send(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(app.count("users").await, members, "nothing imported");
    // Declared as a file, the same upload is read (and answered on its merits).
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/members/import")
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .body(Body::from(csv))
        .unwrap();
    assert_ne!(
        admin.send(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

async fn api_answers_are_never_cached(app: TestApp) {
    let mut c = app.anonymous();
    let r = c.login("m001", "Beacon2023").await;
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    for path in [
        "/api/v1/auth/me",
        "/api/v1/quizzes",
        "/api/v1/no-such-thing",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let r = c
        .post("/api/v1/auth/login", json!({"username": "m001"}))
        .await;
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "errors too");
}

async fn signing_out_clears_a_secure_cookie_as_secure(app: TestApp) {
    let https = app.with_settings(backend::Settings {
        secure_cookie: true,
        ..backend::Settings::default()
    });
    let mut c = https.anonymous();
    let r = c.login("m001", "Beacon2023").await;
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("; Secure"));
    let r = c.post("/api/v1/auth/logout", json!({})).await;
    let cleared = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(cleared.contains("; Secure"), "{cleared}");
    assert!(cleared.contains("HttpOnly"), "{cleared}");
}
