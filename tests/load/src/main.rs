//! `beacon-load`: the members' morning rush against a release `beacon serve`, as a
//! benchmark (README "Benchmarks"). It prepares its own database (SQLite under
//! `target/load/`, or `--db postgres` on `BEACON_LOAD_POSTGRES_URL`), starts the server on a
//! free 127.0.0.1 port, and runs two scenarios:
//!
//! - **rush**: N members (default 10,000) arrive evenly over the duration (default 10 min);
//!   each signs in, opens the home page (its five requests at once, as the app sends them),
//!   lists the quizzes, starts the daily quiz, opens it, saves 5 answers one by one, submits,
//!   opens the result and the leaderboard — each member with its own cookie, connections and
//!   loopback source address.
//! - **burst**: 200 members sign in at the same moment while a signed-in probe lists the
//!   quizzes in a loop.
//!
//! It prints requests/s, p50/p95/p99 per endpoint, errors by status and code, the server's
//! peak RSS and one PASS/FAIL line per target. It exits non-zero only when it cannot set up
//! (a benchmark, not a test). All traffic goes to 127.0.0.1; every loop is bounded.

mod data;
mod hot;
mod http;
mod server;
mod stats;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::db::DbKind;
use clap::{Parser, ValueEnum};
use hyper::Method;
use serde_json::{json, Value};

use crate::http::{source_address, Browser, Call, Sample};
use crate::stats::{verdict, Figures};

const LOGIN: &str = "POST /api/v1/auth/login";
const QUIZZES: &str = "GET /api/v1/quizzes";
const MODULES: &str = "GET /api/v1/modules";
const MISTAKES: &str = "GET /api/v1/mistakes";
const MY_POINTS: &str = "GET /api/v1/points/me";
const DUE: &str = "GET /api/v1/notifications/due";
const UNREAD: &str = "GET /api/v1/notifications/unread";
const QUIZ: &str = "GET /api/v1/quizzes/{id}";
const START: &str = "POST /api/v1/quizzes/{id}/attempts";
const ATTEMPT: &str = "GET /api/v1/attempts/{id}";
const ANSWER: &str = "PUT /api/v1/attempts/{id}/answers/{position}";
const SUBMIT: &str = "POST /api/v1/attempts/{id}/submit";
const BOARD: &str = "GET /api/v1/leaderboards/individuals";

/// The targets (issue 13).
const TARGET_MEMBERS: usize = 10_000;
const TARGET_MINUTES: f64 = 10.0;
const TARGET_P99_MS: f64 = 200.0;
const TARGET_SIGN_IN_P99_MS: f64 = 3_000.0;
const TARGET_RSS_MB: f64 = 300.0;
const TARGET_PROBE_P99_MS: f64 = 100.0;
/// How long after the last arrival the rush may still be finishing and count as "in time".
const RUSH_GRACE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DbChoice {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    All,
    Rush,
    Burst,
    /// The hot paths against the bare-insert floor (issue 15); not part of `all`.
    Hot,
}

#[derive(Debug, Parser)]
#[command(
    name = "beacon-load",
    about = "Load test of the members' morning rush against a release `beacon serve` (a benchmark)"
)]
struct Args {
    /// Database to prepare and serve from.
    #[arg(long, value_enum, default_value = "sqlite")]
    db: DbChoice,
    /// PostgreSQL server for `--db postgres`; its database `beacon_load` is recreated.
    #[arg(long, env = "BEACON_LOAD_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// SQLite file for `--db sqlite` (recreated).
    #[arg(long)]
    sqlite_path: Option<PathBuf>,
    /// Members arriving in the rush.
    #[arg(long, default_value_t = TARGET_MEMBERS)]
    members: usize,
    /// Minutes over which they arrive.
    #[arg(long, default_value_t = TARGET_MINUTES)]
    minutes: f64,
    /// Simultaneous sign-ins of the burst.
    #[arg(long, default_value_t = 200)]
    burst: usize,
    /// Which scenarios to run.
    #[arg(long, value_enum, default_value = "all")]
    scenario: Scenario,
    /// Connections of each hot-path phase.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds of each hot-path phase.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Rounds of the hot-path comparison (each runs every phase once); figures are medians.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// The server binary (default: `$CARGO_TARGET_DIR/release/beacon`, else `target/release/beacon`).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Send the load to servers already running at this address (a load balancer in
    /// front of several instances, `scripts/cluster.sh`) instead of starting one: the
    /// database is prepared as usual, then this waits until the address answers
    /// `/api/health` (start the instances on the database once it prints `prepared`).
    /// The servers' memory is not sampled.
    #[arg(long)]
    target: Option<SocketAddr>,
}

/// The repository root (this crate is `tests/load`).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("beacon-load: {e}");
        std::process::exit(1);
    }
}

fn commit(root: &std::path::Path) -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

async fn run(args: Args) -> Result<(), String> {
    if args.members == 0 || args.members > 250 * 250 * 200 {
        return Err("--members must be between 1 and 12,500,000".into());
    }
    if !(args.minutes > 0.0 && args.minutes <= 120.0) {
        return Err("--minutes must be more than 0 and at most 120".into());
    }
    let root = root();
    let binary = server::binary(args.server.clone(), &root)?;
    let kind = match args.db {
        DbChoice::Sqlite => DbKind::Sqlite,
        DbChoice::Postgres => DbKind::Postgres,
    };
    let load_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("load");
    std::fs::create_dir_all(&load_dir).map_err(|e| format!("{}: {e}", load_dir.display()))?;
    let sqlite_path = args
        .sqlite_path
        .clone()
        .unwrap_or_else(|| load_dir.join("beacon-load.db"));

    println!(
        "beacon-load at commit {} on {:?}: {} members over {} min, burst of {}; server {}",
        commit(&root),
        args.db,
        args.members,
        args.minutes,
        args.burst,
        binary.display()
    );
    let t = Instant::now();
    let url = data::fresh(kind, &sqlite_path, args.postgres_url.as_deref()).await?;
    let prepared = data::prepare(&url, &root, args.members).await?;
    println!(
        "prepared {} in {:.1} s: {} members in {} branches (2 cells each) and {} youth groups; daily quiz {}",
        match kind {
            DbKind::Sqlite => sqlite_path.display().to_string(),
            DbKind::Postgres => "database beacon_load".to_string(),
        },
        t.elapsed().as_secs_f64(),
        args.members,
        prepared.branches,
        prepared.youth_groups,
        prepared.daily_quiz
    );

    if let Some(target) = args.target {
        return against_target(&args, target, &prepared).await;
    }
    let t = Instant::now();
    let srv =
        server::Server::start(&binary, &root, &prepared.url, load_dir.join("server.log")).await?;
    println!(
        "server pid {} on http://{} answered in {:.1} s (log: {})",
        srv.pid,
        srv.addr,
        t.elapsed().as_secs_f64(),
        srv.log.display()
    );

    match args.scenario {
        Scenario::Hot => {
            let floor_url = data::fresh_floor(
                kind,
                &load_dir.join("floor.db"),
                args.postgres_url.as_deref(),
            )
            .await?;
            let floor =
                server::Floor::start(&binary.with_file_name("beacon-floor"), &floor_url).await?;
            println!("floor on http://{} ({floor_url})", floor.addr);
            let result = hot::run(
                srv.addr,
                floor.addr,
                prepared.daily_quiz,
                prepared.lesson,
                args.connections,
                args.seconds,
                args.rounds,
            )
            .await;
            floor.stop().await;
            result?;
        }
        Scenario::All | Scenario::Rush | Scenario::Burst => {
            if args.scenario != Scenario::Burst {
                rush(&args, srv.addr, srv.pid, &prepared).await;
            }
            if args.scenario != Scenario::Rush {
                burst(&args, srv.addr, srv.pid).await;
            }
        }
    }
    println!(
        "\nthe server logged {} ERROR lines ({})",
        srv.logged_errors(),
        srv.log.display()
    );
    srv.stop().await;
    Ok(())
}

/// `--target`: waits for the servers behind `target`, then runs the rush (and the burst)
/// through it.
async fn against_target(
    args: &Args,
    target: SocketAddr,
    prepared: &data::Prepared,
) -> Result<(), String> {
    println!("waiting for http://{target}/api/health (start the instances now)");
    let t = Instant::now();
    loop {
        let mut b = Browser::new(target, source_address(0));
        if b.call(Call::get("GET /api/health", "/api/health"))
            .await
            .is_some()
        {
            break;
        }
        if t.elapsed() > Duration::from_secs(600) {
            return Err(format!(
                "{target} did not answer /api/health within 10 minutes"
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "http://{target} answered after {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if args.scenario != Scenario::Burst {
        rush(args, target, 0, prepared).await;
    }
    if matches!(args.scenario, Scenario::All | Scenario::Burst) {
        burst(args, target, 0).await;
    }
    Ok(())
}

/// Counts the acknowledged answer saves (answered 200) that the database does not hold.
async fn lost_acknowledged(url: &str, acked: &[(i64, i64)]) -> Result<usize, String> {
    let db = backend::db::Db::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut stored = std::collections::HashSet::new();
    let mut attempts: Vec<i64> = acked.iter().map(|a| a.0).collect();
    attempts.sort_unstable();
    attempts.dedup();
    for chunk in attempts.chunks(1000) {
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT attempt_id, position FROM attempt_questions \
             WHERE answer IS NOT NULL AND attempt_id IN ({})",
            backend::db::id_list(chunk)
        ))
        .fetch_all(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
        stored.extend(rows);
    }
    Ok(acked.iter().filter(|a| !stored.contains(a)).count())
}

/// The answer a member gives: the first option, "true", or one word per blank. Right or
/// wrong does not matter to the load; the shape must be valid.
pub(crate) fn answer_for(q: &Value) -> Value {
    match q["kind"].as_str().unwrap_or_default() {
        "multiple" => json!({"kind": "multiple", "options": [0]}),
        "true_false" => json!({"kind": "true_false", "value": true}),
        "fill_in" => {
            let blanks = q["blanks"].as_u64().unwrap_or(1).max(1) as usize;
            json!({"kind": "fill_in", "blanks": vec!["为人民服务"; blanks]})
        }
        _ => json!({"kind": "single", "option": 0}),
    }
}

pub(crate) fn sign_in(i: usize) -> Call {
    Call::send(
        LOGIN,
        Method::POST,
        "/api/v1/auth/login",
        Some(json!({"username": data::username(i), "password": data::PASSWORD})),
        200,
    )
}

/// What member `i` does at 8:00. Returns its samples and whether everything succeeded.
/// Member `i`'s samples, whether everything succeeded, and the answer saves acknowledged
/// (attempt, position).
async fn member(
    server: SocketAddr,
    i: usize,
    daily_quiz: i64,
) -> (Vec<Sample>, bool, Vec<(i64, i64)>) {
    let mut b = Browser::new(server, source_address(i));
    let mut acked = vec![];
    let ok = member_steps(&mut b, i, daily_quiz, &mut acked)
        .await
        .is_some();
    let clean = ok && b.samples.iter().all(|s| s.error.is_none());
    (b.samples, clean, acked)
}

async fn member_steps(
    b: &mut Browser,
    i: usize,
    daily_quiz: i64,
    acked: &mut Vec<(i64, i64)>,
) -> Option<()> {
    b.call(sign_in(i)).await?;
    // The home page asks for these at once (frontend/src/pages/home.rs).
    b.all(vec![
        Call::get(QUIZZES, "/api/v1/quizzes"),
        Call::get(MODULES, "/api/v1/modules"),
        Call::get(MISTAKES, "/api/v1/mistakes"),
        Call::get(MY_POINTS, "/api/v1/points/me"),
        Call::get(DUE, "/api/v1/notifications/due"),
        // The top bar's bell (asked again only when older than 30 s).
        Call::get(UNREAD, "/api/v1/notifications/unread"),
    ])
    .await;
    // The quiz list, then the daily quiz's start page (which reads the quiz, then starts
    // it: a daily quiz without a clock needs no start screen) and the attempt page.
    b.call(Call::get(QUIZZES, "/api/v1/quizzes")).await?;
    b.call(Call::get(QUIZ, format!("/api/v1/quizzes/{daily_quiz}")))
        .await?;
    let started = b
        .call(Call::send(
            START,
            Method::POST,
            format!("/api/v1/quizzes/{daily_quiz}/attempts"),
            None,
            201,
        ))
        .await?
        .json();
    let id = started["id"].as_i64()?;
    let view = b
        .call(Call::get(ATTEMPT, format!("/api/v1/attempts/{id}")))
        .await?
        .json();
    for q in view["questions"].as_array()? {
        let position = q["position"].as_i64()?;
        b.call(Call::send(
            ANSWER,
            Method::PUT,
            format!("/api/v1/attempts/{id}/answers/{position}"),
            Some(json!({ "answer": answer_for(q) })),
            200,
        ))
        .await?;
        acked.push((id, position));
    }
    b.call(Call::send(
        SUBMIT,
        Method::POST,
        format!("/api/v1/attempts/{id}/submit"),
        None,
        200,
    ))
    .await?;
    b.call(Call::get(ATTEMPT, format!("/api/v1/attempts/{id}")))
        .await?;
    b.call(Call::get(
        BOARD,
        "/api/v1/leaderboards/individuals?scope=org&period=week",
    ))
    .await?;
    Some(())
}

async fn rush(args: &Args, server: SocketAddr, pid: u32, prepared: &data::Prepared) {
    let daily_quiz = prepared.daily_quiz;
    let n = args.members;
    let window = Duration::from_secs_f64(args.minutes * 60.0);
    println!(
        "\n== rush: {n} members arriving over {} min ({:.1} per second) ==",
        args.minutes,
        n as f64 / window.as_secs_f64()
    );
    let rss = server::RssSampler::start(pid);
    let start = tokio::time::Instant::now();
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    let progress_every = (n / 10).max(1);
    for i in 1..=n {
        let at = start + window.mul_f64((i - 1) as f64 / n as f64);
        tokio::time::sleep_until(at).await;
        tasks.push(tokio::spawn(member(server, i, daily_quiz)));
        if i % progress_every == 0 {
            println!(
                "  {i} members arrived after {:.0} s",
                began.elapsed().as_secs_f64()
            );
        }
    }
    let mut samples = vec![];
    let mut completed = 0;
    let mut acked = vec![];
    for t in tasks {
        // Each member is bounded: ~16 requests of at most 30 s each.
        if let Ok((s, ok, a)) = t.await {
            samples.extend(s);
            completed += usize::from(ok);
            acked.extend(a);
        }
    }
    let wall = began.elapsed();
    let rss = rss.finish().await;
    let f = Figures::of(&samples);
    println!(
        "  {} requests in {:.1} s: {:.1} requests/s; {completed}/{n} members did everything without an error",
        f.requests,
        wall.as_secs_f64(),
        f.requests as f64 / wall.as_secs_f64()
    );
    f.print_table();
    if pid != 0 {
        println!("  server peak RSS: {:.1} MB ({})", rss.peak_mb, rss.how);
    }
    // Every save answered 200 must be in the database (also when an instance was killed).
    match lost_acknowledged(&prepared.url, &acked).await {
        Ok(lost) => verdict(
            lost == 0,
            "0 acknowledged answer saves lost",
            &format!("{lost} of {} acknowledged saves missing", acked.len()),
        ),
        Err(e) => println!("  could not check the acknowledged saves: {e}"),
    }
    let failed: usize = f.errors;
    let no_answer = samples.iter().filter(|s| s.status == 0).count();
    println!("  failed requests: {failed} ({no_answer} without any HTTP answer)");

    let full = n >= TARGET_MEMBERS && args.minutes <= TARGET_MINUTES;
    let size = if full {
        String::new()
    } else {
        format!(
            " [a smaller run than the target's {TARGET_MEMBERS} members in {TARGET_MINUTES} min]"
        )
    };
    let in_time = wall <= window + RUSH_GRACE;
    verdict(
        completed == n && f.errors == 0 && in_time,
        &format!("{n} members in {} min with 0 errors", args.minutes),
        &format!(
            "{completed}/{n} members did everything, {} errors, all done {:.1} s after the first arrived{size}",
            f.errors,
            wall.as_secs_f64()
        ),
    );
    let worst = f
        .endpoints
        .iter()
        .filter(|e| e.endpoint != LOGIN)
        .max_by(|a, b| a.p99.total_cmp(&b.p99));
    if let Some(w) = worst {
        verdict(
            w.p99 <= TARGET_P99_MS,
            &format!("p99 <= {TARGET_P99_MS} ms for every call except sign-in"),
            &format!("worst p99 {:.1} ms ({})", w.p99, w.endpoint),
        );
    }
    if let Some(l) = f.get(LOGIN) {
        verdict(
            l.p99 <= TARGET_SIGN_IN_P99_MS,
            &format!("sign-in p99 <= {TARGET_SIGN_IN_P99_MS} ms"),
            &format!("p99 {:.1} ms (p50 {:.1}, max {:.1})", l.p99, l.p50, l.max),
        );
    }
    if pid == 0 {
        return;
    }
    verdict(
        rss.peak_mb <= TARGET_RSS_MB,
        &format!("server RSS <= {TARGET_RSS_MB} MB during the rush"),
        &format!("peak {:.1} MB", rss.peak_mb),
    );
}

async fn burst(args: &Args, server: SocketAddr, pid: u32) {
    // Members 1..=k sign in at once; the last member is the probe.
    let k = args.burst.min(args.members.saturating_sub(1));
    println!("\n== burst: {k} simultaneous sign-ins while a probe lists the quizzes ==");
    if k == 0 {
        println!("  (needs at least 2 members)");
        return;
    }
    let mut probe = Browser::new(server, source_address(args.members));
    if probe.call(sign_in(args.members)).await.is_none() {
        println!("  the probe could not sign in: {:?}", probe.samples.last());
        return;
    }
    // Every sign-in's connection is open beforehand, so the requests leave together.
    let mut browsers = vec![];
    for i in 1..=k {
        let mut b = Browser::new(server, source_address(i));
        if let Err(e) = b.connect(1).await {
            println!("  member {i} could not connect: {e}");
        }
        browsers.push((i, b));
    }
    // The probe alone first, for comparison.
    let baseline = probe_loop(&mut probe, Duration::from_secs(2), None).await;

    let rss = server::RssSampler::start(pid);
    let gate = Arc::new(tokio::sync::Barrier::new(k + 1));
    let done = Arc::new(AtomicBool::new(false));
    let began = Instant::now();
    let tasks: Vec<_> = browsers
        .into_iter()
        .map(|(i, mut b)| {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.wait().await;
                b.call(sign_in(i)).await;
                b.samples
            })
        })
        .collect();
    gate.wait().await;
    let d = done.clone();
    let probing = tokio::spawn(async move {
        let s = probe_loop(&mut probe, Duration::from_secs(120), Some(d)).await;
        (s, probe)
    });
    let mut samples = vec![];
    for t in tasks {
        if let Ok(s) = t.await {
            samples.extend(s);
        }
    }
    let wall = began.elapsed();
    done.store(true, Ordering::Relaxed);
    let (probe_samples, _) = probing.await.expect("probe");
    let rss = rss.finish().await;

    let f = Figures::of(&samples);
    println!(
        "  {k} sign-ins done in {:.1} s ({:.1} sign-ins/s)",
        wall.as_secs_f64(),
        k as f64 / wall.as_secs_f64()
    );
    f.print_table();
    let before = Figures::of(&baseline);
    let during = Figures::of(&probe_samples);
    println!("  probe ({QUIZZES}) alone, then during the burst:");
    for (label, p) in [("alone", &before), ("burst", &during)] {
        if let Some(e) = p.get(QUIZZES) {
            println!(
                "    {label:<6} n {:>5}  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  errors {}",
                e.count, e.p50, e.p99, e.max, e.errors
            );
        }
    }
    if !during.errors_by.is_empty() {
        during.print_table();
    }
    println!(
        "  server peak RSS during the burst: {:.1} MB ({})",
        rss.peak_mb, rss.how
    );
    let full = if k >= 200 {
        String::new()
    } else {
        " [a smaller run than the target's 200]".to_string()
    };
    verdict(
        f.errors == 0,
        &format!("burst of {k} simultaneous sign-ins with 0 errors"),
        &format!("{k} sign-ins, {} errors{full}", f.errors),
    );
    let p = during.get(QUIZZES);
    verdict(
        p.is_some_and(|e| e.p99 <= TARGET_PROBE_P99_MS && e.errors == 0),
        &format!("probe p99 <= {TARGET_PROBE_P99_MS} ms during the burst, no errors"),
        &p.map_or("no probe answered".to_string(), |e| {
            format!(
                "p50 {:.1} ms, p99 {:.1} ms, {} errors over {} requests",
                e.p50, e.p99, e.errors, e.count
            )
        }),
    );
}

/// Lists the quizzes again and again (10 ms apart, as a busy page would poll) for at most
/// `limit` or 20,000 requests, or until `done`; returns the samples of this loop.
async fn probe_loop(
    probe: &mut Browser,
    limit: Duration,
    done: Option<Arc<AtomicBool>>,
) -> Vec<Sample> {
    let from = probe.samples.len();
    let began = Instant::now();
    for _ in 0..20_000 {
        if began.elapsed() > limit || done.as_ref().is_some_and(|d| d.load(Ordering::Relaxed)) {
            break;
        }
        probe.call(Call::get(QUIZZES, "/api/v1/quizzes")).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    probe.samples.split_off(from)
}
