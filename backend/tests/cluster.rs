//! Two real `beacon serve` processes on one fresh PostgreSQL database, as behind a load
//! balancer: whatever one instance starts or records, the other one sees. A session made on
//! A is valid on B and signing out on B ends it on A; an export started on A is polled and
//! downloaded on B (the same bytes); a question import confirmed on A is seen finished on
//! B; both instances' monthly timers together generate the month's reminder once; a
//! sign-in throttle counted on A applies on B.
//!
//! PostgreSQL only (SQLite is one process's file): skipped, saying so, when
//! `BEACON_TEST_POSTGRES_URL` is unset. Both processes are killed when the test ends, also
//! when it fails.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Connection;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// The running instances; killed (and reaped) when dropped, whatever happened.
struct Cluster(Vec<Child>);

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn beacon(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_beacon"));
    c.env("DATABASE_URL", db)
        .env("BEACON_LOG", "warn")
        .env("BEACON_QUESTION_BANK", repo().join("question-bank"))
        .env("BEACON_SEEDS", repo().join("seeds"))
        .env("BEACON_STATIC_DIR", repo().join("frontend/dist"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Where the instance on `addr` writes its log.
fn log_of(addr: SocketAddr) -> PathBuf {
    std::env::temp_dir().join(format!("beacon-cluster-{}.log", addr.port()))
}

/// Starts `beacon serve` on `addr` (not waiting for it).
fn serve(db: &str, addr: SocketAddr) -> Child {
    let log = std::fs::File::create(log_of(addr)).expect("log file");
    beacon(db)
        .arg("serve")
        .env("BEACON_ADDR", addr.to_string())
        .env("BEACON_DEMO", "false")
        .stderr(log)
        .spawn()
        .expect("start beacon serve")
}

fn wait_healthy(addr: SocketAddr) {
    let until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < until {
        if let Ok(r) = request(addr, "GET", "/api/health", None, None) {
            if r.status == 200 {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(log_of(addr)).unwrap_or_default();
    panic!("beacon serve on {addr} did not answer /api/health within 2 minutes:\n{log}");
}

struct Reply {
    status: u16,
    cookie: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection; a `(content type, bytes)` body or JSON.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let (kind, body) = body.unwrap_or(("application/json", Vec::new()));
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Connection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = cookie {
        head.push_str(&format!("Cookie: {c}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(&body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    let cookie = header("set-cookie").and_then(|c| c.split(';').next().map(str::to_string));
    Ok(Reply {
        status,
        cookie,
        body,
    })
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

fn json_body(v: Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

fn login(addr: SocketAddr, username: &str, password: &str) -> Reply {
    request(
        addr,
        "POST",
        "/api/v1/auth/login",
        None,
        json_body(json!({"username": username, "password": password})),
    )
    .unwrap()
}

fn sign_in(addr: SocketAddr, username: &str) -> String {
    let r = login(addr, username, backend::domain::demo::MEMBER_PASSWORD);
    assert_eq!(r.status, 200, "{}", r.text());
    r.cookie.expect("session cookie")
}

fn get(addr: SocketAddr, path: &str, cookie: &str) -> Reply {
    request(addr, "GET", path, Some(cookie), None).unwrap()
}

/// Polls `path` on `addr` until its `state` is no longer `running`.
fn until_finished(addr: SocketAddr, path: &str, cookie: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let r = get(addr, path, cookie);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        let job = r.json();
        if job["state"] != "running" {
            return job;
        }
        assert!(
            Instant::now() < until,
            "{path} still running after a minute: {job}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A fresh database on the test server, or None (with a note) when there is none.
fn fresh_database(rt: &tokio::runtime::Runtime) -> Option<String> {
    let Ok(base) = std::env::var("BEACON_TEST_POSTGRES_URL") else {
        eprintln!(
            "note: two-instance test skipped: BEACON_TEST_POSTGRES_URL is not set \
             (scripts/test.sh and CI set it)"
        );
        return None;
    };
    let name = format!(
        "beacon_cluster_{}_{}",
        std::process::id(),
        backend::db::now_ms()
    );
    rt.block_on(async {
        let mut admin = sqlx::postgres::PgConnection::connect(&format!("{base}/postgres"))
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create the test database");
    });
    Some(format!("{base}/{name}"))
}

/// Two questions for org1's first branch, as GIFT.
const GIFT: &str = "$CATEGORY: $course$/top/集群测试\n\n\
                    ::集群一::“三会一课”中的“一课”是（  ）。{=党课 ~团课 ~班课}\n\n\
                    ::集群二::党支部每月召开一次支部委员会会议。{TRUE}\n";

#[test]
fn two_instances_share_everything_a_request_needs() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = fresh_database(&rt) else {
        return;
    };
    // The demo organization first, then both instances at once: their monthly timers
    // race for the month's reminder.
    let out = beacon(&url)
        .arg("demo-data")
        .output()
        .expect("beacon demo-data");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (free_addr(), free_addr());
    let _cluster = Cluster(vec![serve(&url, a), serve(&url, b)]);
    wait_healthy(a);
    wait_healthy(b);

    // A session made on A is valid on B; signing out on B ends it on A.
    let admin = sign_in(a, "admin");
    assert_eq!(
        get(b, "/api/v1/auth/me", &admin).json()["username"],
        "admin"
    );
    let r = request(
        b,
        "POST",
        "/api/v1/auth/logout",
        Some(&admin),
        json_body(json!({})),
    )
    .unwrap();
    assert!(r.status < 300, "sign-out on B: {} {}", r.status, r.text());
    assert_eq!(get(a, "/api/v1/auth/me", &admin).status, 401);

    // An export started on A is polled and downloaded on B: the same bytes as on A.
    let admin = sign_in(a, "admin");
    let r = request(
        a,
        "POST",
        "/api/v1/exports/members/jobs?format=csv",
        Some(&admin),
        json_body(json!({})),
    )
    .unwrap();
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let job = until_finished(b, &format!("/api/v1/exports/jobs/{id}"), &admin);
    assert_eq!(job["state"], "done", "{job}");
    let on_b = get(b, &format!("/api/v1/exports/jobs/{id}/file"), &admin);
    assert_eq!(on_b.status, 200, "{}", on_b.text());
    let on_a = get(a, &format!("/api/v1/exports/jobs/{id}/file"), &admin);
    assert_eq!(on_a.body, on_b.body);
    let csv = String::from_utf8(on_b.body).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a UTF-8 BOM first");
    assert_eq!(
        job["rows"].as_i64().unwrap(),
        csv.trim_end().split("\r\n").count() as i64 - 1
    );
    assert!(job["rows"].as_i64().unwrap() >= 40, "{job}");

    // A question import confirmed on A is seen finished on B.
    let org1 = sign_in(a, "org1");
    let branch: i64 = rt.block_on(async {
        let mut c = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM branches WHERE name = '机关第一党支部'")
            .fetch_one(&mut c)
            .await
            .unwrap();
        id
    });
    let r = request(
        a,
        "POST",
        &format!("/api/v1/question-imports?file_name=cluster.gift&branch_id={branch}"),
        Some(&org1),
        Some(("application/octet-stream", GIFT.as_bytes().to_vec())),
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["problems"], json!([]), "{}", r.text());
    let import = r.json()["id"].as_i64().unwrap();
    let r = request(
        a,
        "POST",
        &format!("/api/v1/question-imports/{import}/confirm"),
        Some(&org1),
        json_body(json!({})),
    )
    .unwrap();
    assert_eq!(r.status, 202, "{}", r.text());
    let job = until_finished(b, &format!("/api/v1/question-imports/{import}"), &org1);
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        (job["done"].as_i64(), job["total"].as_i64()),
        (Some(2), Some(2))
    );

    // Both instances' monthly timers ran at start: one run, one reminder per member.
    let member = sign_in(b, "m001");
    let (runs, reminders, reached) = rt.block_on(async {
        let mut c = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let (finished,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM scheduled_runs WHERE finished_at IS NOT NULL")
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
            if finished > 0 || Instant::now() > until {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (runs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM scheduled_runs")
            .fetch_one(&mut c)
            .await
            .unwrap();
        let (reminders, reached): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM notifications WHERE kind = 'monthly'",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        (runs, reminders, reached)
    });
    assert_eq!(runs, 1, "one run of the month");
    assert!(reached > 0, "the demo members have unfinished items");
    assert_eq!(reminders, reached, "one reminder per member");
    for at in [a, b] {
        let page = get(at, "/api/v1/notifications", &member).json();
        let monthly = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "monthly")
            .count();
        assert_eq!(monthly, 1, "{page}");
    }

    // Failures counted on A throttle the same address on B, even with the right password.
    for i in 0..5 {
        let r = login(a, "m002", "not-the-password1");
        assert_eq!(r.status, 401, "attempt {i}: {}", r.text());
    }
    let r = login(b, "m002", backend::domain::demo::MEMBER_PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    assert_eq!(r.json()["code"], "too_many_attempts");
}
