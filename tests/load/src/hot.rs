//! The **hot** scenario (issue 15): Beacon's two hottest writes, the answer save and the
//! study heartbeat, and one read, `GET /api/v1/quizzes`, each measured against the machine's
//! floor in the same run: `beacon-floor` (one bare insert per request; a constant JSON
//! answer for the read) on the same kind of database. Every phase is a closed loop of
//! `--connections` keep-alive connections (default 64, as `wrk -c 64`) for `--seconds`
//! seconds, run twice for the writes: all connections on one member's attempt or lesson,
//! and one member per connection. It prints requests/s, p50/p99, errors and the ratio to the
//! floor, with a PASS/FAIL line per target. `--rounds` repeats the whole sequence (default 3),
//! the floor's phase just before the Beacon phases compared with it, and the verdicts are
//! taken on the medians.

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

/// The median of `xs` (the lower middle of an even count).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0)
}

/// One path's rounds beside its floor's rounds: medians of requests/s and p99, and the
/// median of the per-round ratios (each ratio taken within one round, so both sides saw
/// the same machine at about the same moment).
struct Compared {
    requests_per_s: f64,
    p99: f64,
    ratio: f64,
    errors: usize,
    floor_requests_per_s: f64,
}

impl Compared {
    fn of(beacon: &[Measured], floor: &[Measured]) -> Compared {
        Compared {
            requests_per_s: median(beacon.iter().map(|m| m.requests_per_s).collect()),
            p99: median(beacon.iter().map(|m| m.p99).collect()),
            ratio: median(
                beacon
                    .iter()
                    .zip(floor)
                    .map(|(b, f)| b.requests_per_s / f.requests_per_s.max(1.0))
                    .collect(),
            ),
            errors: beacon.iter().map(|m| m.errors).sum(),
            floor_requests_per_s: median(floor.iter().map(|m| m.requests_per_s).collect()),
        }
    }
}

fn ratio_line(what: &str, c: &Compared, ratio_target: f64, p99_target: Option<f64>) {
    let p99_ok = p99_target.is_none_or(|t| c.p99 <= t);
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
        c.ratio >= ratio_target && p99_ok && c.errors == 0,
        &target,
        &format!(
            "{:.0} % ({:.0} / {:.0} req/s), p99 {:.1} ms, {} errors",
            c.ratio * 100.0,
            c.requests_per_s,
            c.floor_requests_per_s,
            c.p99,
            c.errors
        ),
    );
}

/// The phases of one round, in the order they run.
const PHASES: usize = 7;

/// The whole comparison: `rounds` rounds, each running the floor's phase just before the
/// Beacon phases compared with it (interleaved, so a change in the machine's load between
/// rounds moves both sides). `lesson` is any lesson every member may read.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    beacon: SocketAddr,
    floor: SocketAddr,
    daily_quiz: i64,
    lesson: i64,
    connections: usize,
    seconds: f64,
    rounds: usize,
) -> Result<(), String> {
    let mut members = vec![];
    for i in 1..=connections {
        members.push(member(beacon, i, daily_quiz, lesson).await?);
    }
    println!(
        "\nhot paths: {connections} connections, {seconds} s a phase, {rounds} rounds, {} members signed in with an attempt each",
        members.len()
    );
    let one = &members[0];
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
    let names = [
        "floor: bare insert".to_string(),
        "answer save, one member".to_string(),
        format!("answer save, {connections} members"),
        "heartbeat, one member".to_string(),
        format!("heartbeat, {connections} members"),
        "floor: constant JSON".to_string(),
        format!("GET /api/v1/quizzes, {connections} members"),
    ];
    let mut m: Vec<Vec<Measured>> = (0..PHASES).map(|_| vec![]).collect();
    for round in 1..=rounds.max(1) {
        println!("\nround {round}:");
        let mut record = |phase: usize, measured: Measured| {
            measured.line(&names[phase]);
            m[phase].push(measured);
        };
        record(
            0,
            closed_loop(plain(floor, connections), seconds, move |_, _| {
                Call::send(
                    FLOOR_INSERT,
                    Method::PUT,
                    "/floor/insert",
                    Some(json!({"answer": {"kind": "single", "option": 0}})),
                    200,
                )
            })
            .await,
        );
        let (attempt, answers) = (one.attempt, one.answers.clone());
        record(
            1,
            closed_loop(copies(&one.browser, connections), seconds, move |i, n| {
                save(attempt, &answers, i + n)
            })
            .await,
        );
        let each = per_member.clone();
        record(
            2,
            closed_loop(browsers(), seconds, move |i, n| {
                save(each[i].0, &each[i].1, n)
            })
            .await,
        );
        record(
            3,
            closed_loop(copies(&one.browser, connections), seconds, move |_, _| {
                heartbeat(lesson)
            })
            .await,
        );
        record(
            4,
            closed_loop(browsers(), seconds, move |_, _| heartbeat(lesson)).await,
        );
        record(
            5,
            closed_loop(plain(floor, connections), seconds, |_, _| {
                Call::get(FLOOR_JSON, "/floor/json")
            })
            .await,
        );
        record(
            6,
            closed_loop(browsers(), seconds, |_, _| {
                Call::get(QUIZZES, "/api/v1/quizzes")
            })
            .await,
        );
    }

    println!("\nmedians of {rounds} rounds (ratio: the median of the rounds' own ratios):");
    println!("  {:<44} {:>9} {:>9} {:>7}", "", "req/s", "p99 ms", "ratio");
    for (phase, name) in names.iter().enumerate() {
        let floor = if phase < 5 { &m[0] } else { &m[5] };
        let c = Compared::of(&m[phase], floor);
        let ratio = if phase == 0 || phase == 5 {
            String::new()
        } else {
            format!("{:.0} %", c.ratio * 100.0)
        };
        println!(
            "  {name:<44} {:>9.0} {:>9.1} {ratio:>7}",
            c.requests_per_s, c.p99
        );
    }

    println!("\ntargets (medians; ratios to the floor in the same round):");
    let w = Some(TARGET_WRITE_P99_MS);
    for phase in 1..5 {
        ratio_line(
            &names[phase],
            &Compared::of(&m[phase], &m[0]),
            TARGET_WRITE_RATIO,
            w,
        );
    }
    ratio_line(
        "GET /api/v1/quizzes",
        &Compared::of(&m[6], &m[5]),
        TARGET_READ_RATIO,
        None,
    );
    Ok(())
}
