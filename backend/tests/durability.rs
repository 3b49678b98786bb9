//! Durability of acknowledged answer saves: a real `beacon serve` on a SQLite file is
//! killed with SIGKILL while members' phones are saving answers, restarted, and every save
//! it had answered 200 must be there (or a later one of the same question that was in
//! flight at the kill). Saves are single autocommit statements (the hot path), so this is
//! what "acknowledged" has to mean for them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// `beacon serve` on `db`, answering `/api/health`.
fn serve(db: &str, addr: SocketAddr, demo: bool) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_beacon"))
        .arg("serve")
        .env("DATABASE_URL", db)
        .env("BEACON_ADDR", addr.to_string())
        .env("BEACON_LOG", "warn")
        .env("BEACON_DEMO", if demo { "true" } else { "false" })
        .env("BEACON_QUESTION_BANK", repo().join("question-bank"))
        .env("BEACON_SEEDS", repo().join("seeds"))
        .env("BEACON_STATIC_DIR", repo().join("frontend/dist"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start beacon serve");
    let until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < until {
        if let Ok((200, _, _)) = request(addr, "GET", "/api/health", None, None) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("beacon serve did not answer /api/health within 2 minutes");
}

/// One HTTP/1.1 request on its own connection: (status, session cookie if set, JSON body).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Option<String>, Value)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = cookie {
        head.push_str(&format!("Cookie: {c}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP head"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    Ok((
        status,
        cookie,
        serde_json::from_str(body).unwrap_or(Value::Null),
    ))
}

fn sign_in(addr: SocketAddr, username: &str) -> String {
    let (status, cookie, body) = request(
        addr,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": username, "password": backend::domain::demo::MEMBER_PASSWORD})),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    cookie.expect("session cookie")
}

/// The `n`-th answer to question `q` of an attempt view: a different one each time where
/// the kind allows (fill-ins carry the number itself).
fn answer(q: &Value, n: usize) -> Value {
    let options = q["options"].as_array().map_or(1, Vec::len).max(1);
    match q["kind"].as_str().unwrap() {
        "single" => json!({"kind": "single", "option": n % options}),
        "multiple" => json!({"kind": "multiple", "options": [n % options]}),
        "true_false" => json!({"kind": "true_false", "value": n.is_multiple_of(2)}),
        "fill_in" => {
            let blanks = q["blanks"].as_u64().unwrap().max(1) as usize;
            json!({"kind": "fill_in", "blanks": vec![format!("答案{n}"); blanks]})
        }
        other => panic!("unexpected kind {other}"),
    }
}

#[test]
fn acknowledged_answer_saves_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("beacon.db").display());
    for round in 0..3 {
        let addr = free_addr();
        let mut server = serve(&db, addr, round == 0);
        let cookie = sign_in(addr, &backend::domain::demo::member_username(round + 1));
        let (_, _, quizzes) = request(addr, "GET", "/api/v1/quizzes", Some(&cookie), None).unwrap();
        let daily = quizzes
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["kind"] == "daily")
            .expect("the daily quiz")["id"]
            .as_i64()
            .unwrap();
        let (status, _, attempt) = request(
            addr,
            "POST",
            &format!("/api/v1/quizzes/{daily}/attempts"),
            Some(&cookie),
            None,
        )
        .unwrap();
        assert_eq!(status, 201, "{attempt}");
        let id = attempt["id"].as_i64().unwrap();
        let questions = attempt["questions"].as_array().unwrap().clone();

        // One phone per question, saving one answer after another until the server dies.
        // Each remembers its last acknowledged answer and the one in flight.
        let stop = Arc::new(AtomicBool::new(false));
        let phones: Vec<_> = questions
            .into_iter()
            .map(|q| {
                let (cookie, stop) = (cookie.clone(), stop.clone());
                std::thread::spawn(move || {
                    let position = q["position"].as_i64().unwrap();
                    let (mut acked, mut in_flight, mut count) = (None, None, 0);
                    for n in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let a = answer(&q, n);
                        in_flight = Some(a.clone());
                        let path = format!("/api/v1/attempts/{id}/answers/{position}");
                        let body = json!({ "answer": a });
                        match request(addr, "PUT", &path, Some(&cookie), Some(&body)) {
                            Ok((200, _, _)) => {
                                acked = in_flight.take();
                                count += 1;
                            }
                            Ok((status, _, body)) => panic!("save answered {status}: {body}"),
                            // The server is gone; this save may or may not have landed.
                            Err(_) => break,
                        }
                    }
                    (position, acked, in_flight, count)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(400 + 300 * round as u64));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        let outcomes: Vec<_> = phones.into_iter().map(|p| p.join().unwrap()).collect();
        let saves: usize = outcomes.iter().map(|o| o.3).sum();
        assert!(
            saves > 10,
            "round {round}: only {saves} saves before the kill"
        );

        let addr = free_addr();
        let mut server = serve(&db, addr, false);
        let cookie = sign_in(addr, &backend::domain::demo::member_username(round + 1));
        let (_, _, view) = request(
            addr,
            "GET",
            &format!("/api/v1/attempts/{id}"),
            Some(&cookie),
            None,
        )
        .unwrap();
        for (position, acked, in_flight, _) in outcomes {
            let stored = view["questions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|q| q["position"] == position)
                .map(|q| q["answer"].clone())
                .unwrap();
            let Some(acked) = acked else { continue };
            assert!(
                stored == acked || in_flight.as_ref() == Some(&stored),
                "round {round}, question {position}: acknowledged {acked}, in flight \
                 {in_flight:?}, stored after the kill {stored}"
            );
        }
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
