//! The **hot** scenario (issue 15): Beacon's two hottest writes, the answer save and the
//! study heartbeat, and one read, `GET /api/v1/quizzes`, each measured against the machine's
//! floor in the same run: `beacon-floor` (one bare insert per request; a constant JSON
//! answer for the read) on the same kind of database. Every phase is a closed loop of
//! `--connections` keep-alive connections (default 64, as `wrk -c 64`) for `--seconds`
//! seconds, run twice for the writes: all connections on one member's attempt or lesson,
//! and one member per connection. It prints requests/s, p50/p99, errors and the ratio to the
//! floor, with a PASS/FAIL line per target.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::Method;
use serde_json::{json, Value};

use crate::http::{source_address, Browser, Call, Sample};
use crate::stats::{percentile, verdict};
use crate::{answer_for, sign_in, ANSWER, ATTEMPT, QUIZZES, START};

const HEARTBEAT: &str = "POST /api/v1/lessons/{id}/heartbeat";
const FLOOR_INSERT: &str = "PUT /floor/insert";
const FLOOR_JSON: &str = "GET /floor/json";

/// Targets, as ratios to the floor measured in the same run.
const TARGET_WRITE_RATIO: f64 = 1.0;
const TARGET_WRITE_P99_MS: f64 = 25.0;
const TARGET_READ_RATIO: f64 = 0.5;

/// One member's state for the phases: a signed-in browser, its attempt's first answer and
/// a lesson whose clock has started.
struct Member {
    browser: Browser,
    attempt: i64,
    answers: Vec<(i64, Value)>,
}

/// What one phase measured.
struct Measured {
    requests_per_s: f64,
    p50: f64,
    p99: f64,
    errors: usize,
    first_error: Option<String>,
}

impl Measured {
    fn of(samples: &[Sample], wall: Duration) -> Measured {
        let mut ok: Vec<Duration> = samples
            .iter()
            .filter(|s| s.error.is_none())
            .map(|s| s.elapsed)
            .collect();
        ok.sort();
        let errors = samples.len() - ok.len();
        Measured {
            requests_per_s: ok.len() as f64 / wall.as_secs_f64(),
            p50: percentile(&ok, 0.50),
            p99: percentile(&ok, 0.99),
            errors,
            first_error: samples
                .iter()
                .find_map(|s| s.error.as_ref().map(|e| format!("{} {e}", s.status))),
        }
    }

    fn line(&self, what: &str) {
        println!(
            "  {what:<44} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   errors {}{}",
            self.requests_per_s,
            self.p50,
            self.p99,
            self.errors,
            self.first_error
                .as_ref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        );
    }
}

/// Runs `clients` in a closed loop for `seconds`: each sends `call(i, n)` (its index, its
/// request count so far) and the next as soon as the answer is in.
async fn closed_loop(
    clients: Vec<Browser>,
    seconds: f64,
    call: impl Fn(usize, usize) -> Call + Send + Sync + Clone + 'static,
) -> Measured {
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut b)| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut n = 0;
                while Instant::now() < until {
                    b.call(call(i, n)).await;
                    n += 1;
                }
                b.samples
            })
        })
        .collect();
    let mut samples = vec![];
    for t in tasks {
        samples.extend(t.await.unwrap_or_default());
    }
    Measured::of(&samples, started.elapsed())
}

/// Signs in member `i`, starts its daily quiz and starts its clock on `lesson`.
async fn member(
    server: SocketAddr,
    i: usize,
    daily_quiz: i64,
    lesson: i64,
) -> Result<Member, String> {
    let mut b = Browser::new(server, source_address(i));
    let fail = |what: &str, b: &Browser| {
        format!(
            "member {i}: {what} failed: {:?}",
            b.samples.last().map(|s| (s.status, s.error.clone()))
        )
    };
    b.call(sign_in(i))
        .await
        .ok_or_else(|| fail("sign-in", &b))?;
    let started = b
        .call(Call::send(
            START,
            Method::POST,
            format!("/api/v1/quizzes/{daily_quiz}/attempts"),
            None,
            201,
        ))
        .await
        .ok_or_else(|| fail("start", &b))?
        .json();
    let attempt = started["id"].as_i64().ok_or("start: no id")?;
    let view = b
        .call(Call::get(ATTEMPT, format!("/api/v1/attempts/{attempt}")))
        .await
        .ok_or_else(|| fail("attempt", &b))?
        .json();
    let answers: Vec<(i64, Value)> = view["questions"]
        .as_array()
        .ok_or("attempt: no questions")?
        .iter()
        .filter_map(|q| Some((q["position"].as_i64()?, json!({ "answer": answer_for(q) }))))
        .collect();
    if answers.is_empty() {
        return Err("attempt: no questions".into());
    }
    // The first heartbeat only starts the lesson's clock; the phases send the crediting ones.
    b.call(heartbeat(lesson))
        .await
        .ok_or_else(|| fail("heartbeat", &b))?;
    b.samples.clear();
    Ok(Member {
        browser: b,
        attempt,
        answers,
    })
}

fn heartbeat(lesson: i64) -> Call {
    Call::send(
        HEARTBEAT,
        Method::POST,
        format!("/api/v1/lessons/{lesson}/heartbeat"),
        Some(json!({ "reached_end": false })),
        200,
    )
}

fn save(attempt: i64, answers: &[(i64, Value)], n: usize) -> Call {
    let (position, body) = &answers[n % answers.len()];
    Call::send(
        ANSWER,
        Method::PUT,
        format!("/api/v1/attempts/{attempt}/answers/{position}"),
        Some(body.clone()),
        200,
    )
}

/// `n` connections to `server`, each carrying `from`'s session (one member, many tabs).
fn copies(from: &Browser, n: usize) -> Vec<Browser> {
    (0..n).map(|_| from.same_session()).collect()
}

fn plain(server: SocketAddr, n: usize) -> Vec<Browser> {
    (0..n)
        .map(|i| Browser::new(server, source_address(i + 1)))
        .collect()
}

fn ratio_line(
    what: &str,
    beacon: &Measured,
    floor: &Measured,
    ratio_target: f64,
    p99_target: Option<f64>,
) {
    let ratio = beacon.requests_per_s / floor.requests_per_s.max(1.0);
    let p99_ok = p99_target.is_none_or(|t| beacon.p99 <= t);
    let target = match p99_target {
        Some(t) => format!(
            "{what}: >= {:.0} % of the floor, p99 <= {t} ms, 0 errors",
            ratio_target * 100.0
        ),
        None => format!(
            "{what}: >= {:.0} % of the floor, 0 errors",
            ratio_target * 100.0
        ),
    };
    verdict(
        ratio >= ratio_target && p99_ok && beacon.errors == 0,
        &target,
        &format!(
            "{:.0} % ({:.0} / {:.0} req/s), p99 {:.1} ms, {} errors",
            ratio * 100.0,
            beacon.requests_per_s,
            floor.requests_per_s,
            beacon.p99,
            beacon.errors
        ),
    );
}

/// The whole comparison. `lesson` is any lesson every member may read.
pub async fn run(
    beacon: SocketAddr,
    floor: SocketAddr,
    daily_quiz: i64,
    lesson: i64,
    connections: usize,
    seconds: f64,
) -> Result<(), String> {
    let mut members = vec![];
    for i in 1..=connections {
        members.push(member(beacon, i, daily_quiz, lesson).await?);
    }
    println!(
        "\nhot paths: {connections} connections, {seconds} s a phase, {} members signed in with an attempt each",
        members.len()
    );
    let one = &members[0];
    let (attempt, answers) = (one.attempt, one.answers.clone());

    println!("\nfloor (beacon-floor):");
    let floor_insert = closed_loop(plain(floor, connections), seconds, move |_, _| {
        Call::send(
            FLOOR_INSERT,
            Method::PUT,
            "/floor/insert",
            Some(json!({"answer": {"kind": "single", "option": 0}})),
            200,
        )
    })
    .await;
    floor_insert.line("bare insert");
    let floor_json = closed_loop(plain(floor, connections), seconds, |_, _| {
        Call::get(FLOOR_JSON, "/floor/json")
    })
    .await;
    floor_json.line("constant JSON");

    println!("\nBeacon:");
    let save_one = closed_loop(copies(&one.browser, connections), seconds, move |i, n| {
        save(attempt, &answers, i + n)
    })
    .await;
    save_one.line("answer save, one member");
    let per_member: Vec<(i64, Vec<(i64, Value)>)> = members
        .iter()
        .map(|m| (m.attempt, m.answers.clone()))
        .collect();
    let browsers = || {
        members
            .iter()
            .map(|m| m.browser.same_session())
            .collect::<Vec<_>>()
    };
    let save_many = closed_loop(browsers(), seconds, move |i, n| {
        save(per_member[i].0, &per_member[i].1, n)
    })
    .await;
    save_many.line(&format!("answer save, {connections} members"));
    let beat_one = closed_loop(copies(&one.browser, connections), seconds, move |_, _| {
        heartbeat(lesson)
    })
    .await;
    beat_one.line("heartbeat, one member");
    let beat_many = closed_loop(browsers(), seconds, move |_, _| heartbeat(lesson)).await;
    beat_many.line(&format!("heartbeat, {connections} members"));
    let read = closed_loop(browsers(), seconds, |_, _| {
        Call::get(QUIZZES, "/api/v1/quizzes")
    })
    .await;
    read.line(&format!("GET /api/v1/quizzes, {connections} members"));

    println!("\ntargets (ratios to the floor in this run):");
    let w = Some(TARGET_WRITE_P99_MS);
    ratio_line(
        "answer save, one member",
        &save_one,
        &floor_insert,
        TARGET_WRITE_RATIO,
        w,
    );
    ratio_line(
        &format!("answer save, {connections} members"),
        &save_many,
        &floor_insert,
        TARGET_WRITE_RATIO,
        w,
    );
    ratio_line(
        "heartbeat, one member",
        &beat_one,
        &floor_insert,
        TARGET_WRITE_RATIO,
        w,
    );
    ratio_line(
        &format!("heartbeat, {connections} members"),
        &beat_many,
        &floor_insert,
        TARGET_WRITE_RATIO,
        w,
    );
    ratio_line(
        "GET /api/v1/quizzes",
        &read,
        &floor_json,
        TARGET_READ_RATIO,
        None,
    );
    Ok(())
}
