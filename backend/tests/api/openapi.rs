//! The OpenAPI document agrees with the routes (every path parameter is in its path, every
//! `{name}` of a path is a path parameter, query parameters are `in: query`), and bad path
//! or query values get the shared JSON error body on every documented route.

use std::collections::BTreeSet;

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp, TestResponse};
use crate::on_both_databases;

on_both_databases!(bad_path_and_query_values_get_the_json_error);

/// The document as the router serves it.
async fn document(app: &TestApp) -> Value {
    let r = app.anonymous().get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()
}

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_string)
        .collect()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation: (method, path, its parameters).
fn operations(doc: &Value) -> Vec<(String, String, Vec<Value>)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                let mut params: Vec<Value> = item
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                params.extend(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
                out.push((m.to_string(), path.clone(), params));
            }
        }
    }
    out
}

fn param_in(p: &Value) -> &str {
    p["in"].as_str().unwrap_or_default()
}

fn param_name(p: &Value) -> &str {
    p["name"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn openapi_parameters_match_their_paths() {
    let app = TestApp::sqlite().await;
    let doc = document(&app).await;
    let ops = operations(&doc);
    assert!(
        ops.len() > 60,
        "every operation is documented ({})",
        ops.len()
    );
    let mut problems = vec![];
    let mut queries = 0;
    for (method, path, params) in &ops {
        let names: BTreeSet<String> = template_names(path).into_iter().collect();
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| param_in(p) == "path")
            .map(|p| param_name(p).to_string())
            .collect();
        for n in declared.difference(&names) {
            problems.push(format!(
                "{method} {path}: `{n}` is declared in: path but is not in the path"
            ));
        }
        for n in names.difference(&declared) {
            problems.push(format!(
                "{method} {path}: `{{{n}}}` has no path parameter declared"
            ));
        }
        for p in params {
            match param_in(p) {
                "path" if p["required"] != true => problems.push(format!(
                    "{method} {path}: path parameter `{}` is not required",
                    param_name(p)
                )),
                "path" | "header" | "cookie" => {}
                "query" => queries += 1,
                other => problems.push(format!(
                    "{method} {path}: `{}` is in: {other:?}",
                    param_name(p)
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems in the OpenAPI parameters:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    // The query structs (members, dashboard, boards, exports, …) are documented as such.
    assert!(queries > 50, "query parameters are in: query ({queries})");
}

/// A JSON error body with a stable `code`, as every error of the API is.
fn assert_json_error(r: &TestResponse, what: &str, status: StatusCode, code: &str) {
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "{what}: answered {} with {ct:?}: {:?}",
        r.status,
        r.text()
    );
    let body: Value = serde_json::from_slice(&r.bytes)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {:?}", r.text()));
    assert_eq!(r.status, status, "{what}: {body}");
    assert_eq!(body["code"], code, "{what}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: a message: {body}"
    );
}

async fn request(c: &Client<'_>, method: &str, url: &str) -> TestResponse {
    let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let body = (m != Method::GET && m != Method::DELETE).then(|| json!({}));
    c.call(m, url, body).await
}

async fn bad_path_and_query_values_get_the_json_error(app: TestApp) {
    let admin = app.signed_in("admin").await;
    // The routes the issue named, and the ones members use most.
    for url in [
        "/api/v1/exports/jobs/abc",
        "/api/v1/exports/jobs/-1",
        "/api/v1/exports/jobs/abc/file",
        "/api/v1/attempts/abc",
        "/api/v1/lessons/abc",
        "/api/v1/members/abc",
        "/api/v1/modules/1.5",
    ] {
        let r = admin.get(url).await;
        assert_json_error(&r, url, StatusCode::BAD_REQUEST, "bad_request");
        assert!(
            r.json()["message"].as_str().unwrap().contains("路径参数"),
            "{url}: the message says what is wrong: {}",
            r.text()
        );
    }
    for url in [
        "/api/v1/dashboard?from=abc",
        "/api/v1/leaderboards/individuals?period=week&unit_id=many",
        "/api/v1/notifications?limit=x",
        "/api/v1/exports/members?format=csv&unit_id=abc",
        "/api/v1/points/ledger?before_id=1e3",
    ] {
        let r = admin.get(url).await;
        assert_json_error(&r, url, StatusCode::BAD_REQUEST, "bad_request");
    }

    // Every documented operation: each path parameter replaced by a word, and (GET) each
    // integer query parameter given a word, is refused with the JSON body.
    let doc = document(&app).await;
    let mut checked = 0;
    for (method, path, params) in operations(&doc) {
        if !template_names(&path).is_empty() {
            let url = template_names(&path)
                .iter()
                .fold(path.clone(), |u, n| u.replace(&format!("{{{n}}}"), "abc"));
            let r = request(&admin, &method, &url).await;
            assert_json_error(
                &r,
                &format!("{method} {url}"),
                StatusCode::BAD_REQUEST,
                "bad_request",
            );
            checked += 1;
        }
        if method != "get" || !template_names(&path).is_empty() {
            continue;
        }
        for p in params.iter().filter(|p| param_in(p) == "query") {
            let ty = &p["schema"]["type"];
            let integer =
                ty == "integer" || ty.as_array().is_some_and(|a| a.contains(&json!("integer")));
            if !integer {
                continue;
            }
            let url = format!("{path}?{}=abc", param_name(p));
            let r = admin.get(&url).await;
            assert_json_error(&r, &url, StatusCode::BAD_REQUEST, "bad_request");
            checked += 1;
        }
    }
    assert!(checked > 40, "every documented route was tried ({checked})");
    assert_eq!(app.count("branches").await, 4, "nothing was written");
}
