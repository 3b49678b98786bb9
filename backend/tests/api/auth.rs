//! Sign-in, sessions, password changes and the sign-in rate limits.

use axum::http::{header, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    login_sets_an_http_only_cookie_and_me_answers,
    wrong_password_is_refused_and_counted,
    failures_delay_the_guessing_address_not_the_owner,
    an_account_under_attack_still_admits_its_owner,
    an_office_behind_one_address_is_slowed_not_locked,
    parallel_guesses_are_counted_one_by_one,
    forwarded_for_is_read_from_the_right,
    a_sign_in_rush_waits_in_line_instead_of_failing,
    a_full_hashing_queue_answers_busy_with_retry_after,
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

/// The failures counted for a throttle counter (0 when it has none).
async fn failures(app: &TestApp, kind: &str, key: &str) -> i64 {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT failures FROM sign_in_throttle WHERE kind = $1 AND key = $2")
            .bind(kind)
            .bind(key)
            .fetch_optional(&app.db.pool)
            .await
            .unwrap();
    row.map_or(0, |(n,)| n)
}

/// Moves every throttle counter `ms` into the past, as if that time had passed.
async fn age_counters(app: &TestApp, ms: i64) {
    sqlx::query(
        "UPDATE sign_in_throttle SET window_start = window_start - $1, \
         blocked_until = CASE WHEN blocked_until > 0 THEN blocked_until - $1 ELSE 0 END",
    )
    .bind(ms)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

fn retry_after(r: &crate::helpers::TestResponse) -> i64 {
    r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
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
    assert_eq!(failures(&app, "pair", "203.0.113.7 m001").await, 1);
    assert_eq!(failures(&app, "account", "nobody").await, 1);
    assert_eq!(failures(&app, "address", "203.0.113.7").await, 2);
    let r = c.login("", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Signing in starts the pair afresh and gives the attempt's provisional count back.
    assert_eq!(c.login("m001", "Beacon2023").await.status, StatusCode::OK);
    assert_eq!(failures(&app, "pair", "203.0.113.7 m001").await, 0);
    assert_eq!(failures(&app, "account", "m001").await, 1);
    assert_eq!(failures(&app, "address", "203.0.113.7").await, 2);
}

async fn failures_delay_the_guessing_address_not_the_owner(app: TestApp) {
    let mut attacker = app.anonymous();
    for i in 0..4 {
        let r = attacker.login("m002", "not-the-password1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = attacker.login("m002", "not-the-password1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.json()["message"].as_str().unwrap().contains("30秒"),
        "{}",
        r.text()
    );
    // From that address even the right password waits out the delay, told how long.
    let r = attacker.login("m002", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "too_many_attempts");
    assert!((29..=30).contains(&retry_after(&r)), "{:?}", r.headers);
    assert!(r.json()["message"].as_str().unwrap().contains("秒后再试"));
    // The owner, from an address that has not failed, signs in as usual.
    let mut owner = app.anonymous();
    owner.ip = "198.51.100.1".into();
    assert_eq!(
        owner.login("m002", "Beacon2023").await.status,
        StatusCode::OK
    );
    // Each further failure from the guessing address doubles its delay.
    age_counters(&app, 31_000).await;
    let r = attacker.login("m002", "still-not-it1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = attacker.login("m002", "still-not-it1").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((59..=60).contains(&retry_after(&r)));
    // After the delay the right password works from there too.
    age_counters(&app, 61_000).await;
    assert_eq!(
        attacker.login("m002", "Beacon2023").await.status,
        StatusCode::OK
    );
}

async fn an_account_under_attack_still_admits_its_owner(app: TestApp) {
    // Twenty addresses fail on m004 once each: the account reaches its ceiling.
    for i in 0..20 {
        let mut c = app.anonymous();
        c.ip = format!("192.0.2.{}", i + 1);
        let r = c.login("m004", "guess-number1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(failures(&app, "account", "m004").await, 20);
    // An address that failed on it is refused for the rest of the hour, right password or not.
    let mut failed = app.anonymous();
    failed.ip = "192.0.2.1".into();
    let r = failed.login("m004", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) > 3000);
    // The owner from an address that has not failed gets in.
    let mut owner = app.anonymous();
    owner.ip = "198.51.100.4".into();
    assert_eq!(
        owner.login("m004", "Beacon2023").await.status,
        StatusCode::OK
    );
    // New addresses share one attempt per ten seconds.
    let mut fresh = app.anonymous();
    fresh.ip = "198.51.100.5".into();
    let r = fresh.login("m004", "guess-number2").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=10).contains(&retry_after(&r)));
    // Admins see the account under attack; members may not look.
    let admin = app.signed_in("admin").await;
    let list = admin.get_ok("/api/v1/auth/throttles").await;
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "account" && e["account"] == "m004")
        .unwrap_or_else(|| panic!("m004 listed: {list}"));
    assert_eq!(entry["failures"], 20);
    let member = app.signed_in("m010").await;
    assert_eq!(
        member.get("/api/v1/auth/throttles").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn an_office_behind_one_address_is_slowed_not_locked(app: TestApp) {
    // Twenty typos from one shared address, over ten accounts: nobody is locked out.
    let mut office = app.anonymous();
    for i in 0..20 {
        let user = format!("m{:03}", i % 10 + 11);
        let r = office.login(&user, "typo-password1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        office.login("m021", "Beacon2023").await.status,
        StatusCode::OK
    );
    // At the address's ceiling it gets one attempt per three seconds, whoever tries.
    sqlx::query("UPDATE sign_in_throttle SET failures = 200 WHERE kind = 'address'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = office.login("m022", "typo-password1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = office.login("m023", "Beacon2023").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=3).contains(&retry_after(&r)));
    age_counters(&app, 3_000).await;
    assert_eq!(
        office.login("m023", "Beacon2023").await.status,
        StatusCode::OK
    );
}

async fn parallel_guesses_are_counted_one_by_one(app: TestApp) {
    let c = app.anonymous();
    let guesses = (0..30).map(|i| {
        c.post(
            "/api/v1/auth/login",
            json!({"username": "m006", "password": format!("parallel-guess{i}")}),
        )
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, refused),
        (5, 25),
        "exactly the free attempts are checked"
    );
    assert_eq!(failures(&app, "pair", "203.0.113.7 m006").await, 5);
}

async fn forwarded_for_is_read_from_the_right(app: TestApp) {
    let behind = app.with_settings(backend::Settings {
        trusted_proxies: 1,
        ..backend::Settings::default()
    });
    let c = behind.anonymous();
    // The client writes whatever it likes on the left; the proxy appends the real address.
    let login = |spoof: String, password: &'static str| {
        let req = axum::http::Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", format!("{spoof}, 198.51.100.77"))
            .body(axum::body::Body::from(
                json!({"username": "m008", "password": password}).to_string(),
            ))
            .unwrap();
        c.send(req)
    };
    for i in 0..5 {
        let r = login(format!("10.9.8.{i}"), "sprayed-guess1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = login("10.9.8.200".into(), "sprayed-guess1").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert_eq!(failures(&behind, "pair", "198.51.100.77 m008").await, 5);
    assert_eq!(failures(&behind, "address", "10.9.8.0").await, 0);
}

async fn a_sign_in_rush_waits_in_line_instead_of_failing(app: TestApp) {
    let clients: Vec<_> = (0..20).map(|_| app.anonymous()).collect();
    let rush = clients.iter().enumerate().map(|(i, c)| {
        c.post(
            "/api/v1/auth/login",
            json!({"username": format!("m{:03}", i + 1), "password": "Beacon2023"}),
        )
    });
    let answers = futures_util::future::join_all(rush).await;
    for (i, r) in answers.iter().enumerate() {
        assert_eq!(r.status, StatusCode::OK, "sign-in {i}: {}", r.text());
    }
}

async fn a_full_hashing_queue_answers_busy_with_retry_after(app: TestApp) {
    let impatient = app.with_settings(backend::Settings {
        sign_in_max_wait: std::time::Duration::ZERO,
        ..backend::Settings::default()
    });
    // The hashing threads are the process's, shared with the tests running beside this one:
    // a round may find them all busy (no 200) or see its own logins spread out (no 503).
    // Both outcomes must show within a few rounds; every answer must be one of the two.
    let clients: Vec<_> = (0..12).map(|_| impatient.anonymous()).collect();
    let (mut seen_ok, mut seen_busy) = (false, false);
    for _round in 0..10 {
        let rush = clients.iter().enumerate().map(|(i, c)| {
            c.post(
                "/api/v1/auth/login",
                json!({"username": format!("m{:03}", i + 20), "password": "Beacon2023"}),
            )
        });
        let answers = futures_util::future::join_all(rush).await;
        for r in &answers {
            match r.status {
                StatusCode::OK => seen_ok = true,
                StatusCode::SERVICE_UNAVAILABLE => {
                    seen_busy = true;
                    assert_eq!(r.code(), "server_busy");
                    assert!(retry_after(r) >= 1);
                    assert!(r.json()["message"].as_str().unwrap().contains("后再试"));
                }
                other => panic!("only 200 or 503, got {other}"),
            }
        }
        if seen_ok && seen_busy {
            break;
        }
    }
    assert!(seen_ok, "no sign-in got through in ten rounds");
    assert!(seen_busy, "the queue never answered busy in ten rounds");
    // A refusal for being busy is not a failure: the address owes nothing.
    assert_eq!(failures(&app, "address", "203.0.113.7").await, 0);
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
