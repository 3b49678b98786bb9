//! Sign-in, sessions, password changes and the sign-in rate limits.

use axum::http::{header, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    login_sets_an_http_only_cookie_and_me_answers,
    wrong_password_is_refused_and_counted,
    failures_lock_the_account_for_a_while,
    failures_from_one_address_are_limited_across_accounts,
    logout_ends_the_session,
    admin_created_accounts_must_change_password_first,
    change_password_checks_current_and_rules,
    deactivated_accounts_cannot_sign_in_and_lose_sessions,
);

async fn login_sets_an_http_only_cookie_and_me_answers(app: TestApp) {
    let mut c = app.anonymous();
    let r = c.login("m001", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("beacon_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "no https here");
    assert_eq!(r.json()["role"], "member");
    let me = c.get("/api/v1/auth/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "m001");
    assert_eq!(me.json()["organization_name"], "市发展改革委机关党委");
    assert!(me.json()["branch_name"]
        .as_str()
        .unwrap()
        .contains("党支部"));
    // The token itself is not stored: only its hash is.
    let token = c
        .cookie
        .as_ref()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_string();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Usernames are matched after trimming what phones' keyboards add.
    let mut c2 = app.anonymous();
    assert_eq!(
        c2.login(" m001 ", "Beacon2023").await.status,
        StatusCode::OK
    );
}

async fn wrong_password_is_refused_and_counted(app: TestApp) {
    let mut c = app.anonymous();
    let r = c.login("m001", "wrong-password1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "invalid_credentials");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("账号或密码错误"));
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    // An unknown account gets the same answer.
    let r = c.login("nobody", "whatever1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "invalid_credentials");
    assert_eq!(app.count("login_failures").await, 2);
    let r = c.login("", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Anything signed in afterwards clears that account's failures.
    assert_eq!(c.login("m001", "Beacon2023").await.status, StatusCode::OK);
    assert_eq!(app.count("login_failures").await, 1);
}

async fn failures_lock_the_account_for_a_while(app: TestApp) {
    let mut c = app.anonymous();
    for i in 0..5 {
        let r = c.login("m002", "not-the-password1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // Now even the right password is refused, with a clear message.
    let r = c.login("m002", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "too_many_attempts");
    assert!(r.json()["message"].as_str().unwrap().contains("15分钟"));
    // Another account from elsewhere is unaffected.
    let mut other = app.anonymous();
    other.ip = "198.51.100.1".into();
    assert_eq!(
        other.login("m003", "Beacon2023").await.status,
        StatusCode::OK
    );
    // After the window the account opens again.
    sqlx::query("UPDATE login_failures SET created_at = created_at - 16 * 60 * 1000")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(c.login("m002", "Beacon2023").await.status, StatusCode::OK);
}

async fn failures_from_one_address_are_limited_across_accounts(app: TestApp) {
    let mut c = app.anonymous();
    for i in 0..20 {
        let user = format!("m{:03}", i % 4 + 10);
        // Four failures per account stay under the per-account limit.
        let r = c.login(&user, "spray-guess1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = c.login("m020", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let mut elsewhere = app.anonymous();
    elsewhere.ip = "198.51.100.2".into();
    assert_eq!(
        elsewhere.login("m020", "Beacon2023").await.status,
        StatusCode::OK
    );
}

async fn logout_ends_the_session(app: TestApp) {
    let c = app.signed_in("m001").await;
    let r = c.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    // The old cookie no longer works, even if a client kept it.
    let r = c.get("/api/v1/auth/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthenticated");
    assert_eq!(app.count("sessions").await, 0);
}

async fn admin_created_accounts_must_change_password_first(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let branch = app.id_of("branches", "机关第一党支部").await;
    let r = admin
        .post(
            "/api/v1/members",
            json!({"username": "13800138000", "display_name": "新党员", "role": "member", "branch_id": branch}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let initial = r.json()["initial_password"].as_str().unwrap().to_string();
    assert!(r.json()["member"]["must_change_password"]
        .as_bool()
        .unwrap());

    let mut c = app.anonymous();
    let r = c.login("13800138000", &initial).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);
    // Nothing but the password change works yet.
    let r = c.get("/api/v1/org").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "password_change_required");
    let r = c
        .post(
            "/api/v1/auth/password",
            json!({"current_password": initial, "new_password": "MyNewPass2023"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["must_change_password"], false);
    assert_eq!(c.get("/api/v1/org").await.status, StatusCode::OK);
    let mut again = app.anonymous();
    assert_eq!(
        again.login("13800138000", "MyNewPass2023").await.status,
        StatusCode::OK
    );
}

async fn change_password_checks_current_and_rules(app: TestApp) {
    let c = app.signed_in("m005").await;
    let other_session = app.signed_in("m005").await;
    let r = c
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "wrong", "new_password": "Another2024"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "wrong_password");
    let r = c
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "Beacon2023", "new_password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_failed");
    assert_eq!(r.json()["details"][0]["field"], "new_password");
    let r = c
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "Beacon2023", "new_password": "Beacon2023"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "Beacon2023", "new_password": "Another2024"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // This session stays; the account's other sessions end.
    assert_eq!(c.get("/api/v1/auth/me").await.status, StatusCode::OK);
    assert_eq!(
        other_session.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The stored hash is argon2id.
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE username = 'm005'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

async fn deactivated_accounts_cannot_sign_in_and_lose_sessions(app: TestApp) {
    let member = app.signed_in("m007").await;
    let admin = app.signed_in("admin").await;
    let id = app.user_id("m007").await;
    let r = admin
        .patch(&format!("/api/v1/members/{id}"), json!({"active": false}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["active"], false);
    assert_eq!(
        member.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut c = app.anonymous();
    let r = c.login("m007", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "account_disabled");
    // History is kept: the account still exists and can be reactivated.
    let r = admin
        .patch(&format!("/api/v1/members/{id}"), json!({"active": true}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(c.login("m007", "Beacon2023").await.status, StatusCode::OK);
}
