//! Leaderboard benchmark: "top 10 + own rank (+ three neighbours either side)" for every
//! board and period, on SQLite and PostgreSQL, over generated data of the issue's size:
//! 100,000 members in 200 branches and 50 youth groups, 10 million ledger entries over the
//! past year, with every aggregate filled consistently with the ledger.
//!
//! ```text
//! cargo bench -p backend --bench leaderboard -- --db sqlite
//! BEACON_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:55432 \
//!   cargo bench -p backend --bench leaderboard -- --db postgres
//! ```
//! `--members`, `--entries` scale it down for a quick run; `--reuse` measures an existing
//! database again without generating. Data are generated once per run into
//! `target/bench/leaderboard.db` or the PostgreSQL database `beacon_bench` (dropped first).
//!
//! The generator writes straight into the tables (multi-row INSERTs in one transaction on
//! SQLite, COPY on PostgreSQL) with the plain secondary indexes dropped, then re-creates
//! them from their own definitions, so the schema measured is exactly the migrations'.
//! The timed calls are the domain functions the API handlers call (no HTTP, no JSON).

mod support;

use std::collections::HashMap;
use std::time::Instant;

use backend::db::{Db, DbKind};
use backend::domain::points::{group_board, individual_board, Viewer};
use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::api::auth::Role;
use shared::api::points::{GroupBoardQuery, IndividualBoardQuery, Period};
use shared::calendar;
use sqlx::Executor;
use support::{percentile, units_of, Loader, V};

#[derive(Parser, Debug)]
#[command(about = "Leaderboard benchmark (see the file's notes)")]
struct Args {
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    db: String,
    #[arg(long, default_value_t = 100_000)]
    members: usize,
    #[arg(long, default_value_t = 10_000_000)]
    entries: usize,
    #[arg(long, default_value_t = 200)]
    branches: usize,
    #[arg(long, default_value_t = 50)]
    youth_groups: usize,
    /// Timed calls per board and period.
    #[arg(long, default_value_t = 200)]
    samples: usize,
    /// Measure the existing database without generating data.
    #[arg(long)]
    reuse: bool,
    /// Default: target/bench/leaderboard.db in the workspace.
    #[arg(long)]
    sqlite_path: Option<String>,
    /// Server URL without a database name.
    #[arg(
        long,
        env = "BEACON_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:55432"
    )]
    postgres: String,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

const DAY_MS: i64 = 86_400_000;
const PG_DB: &str = "beacon_bench";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let mut kinds = vec![];
    if args.db == "sqlite" || args.db == "both" {
        kinds.push(DbKind::Sqlite);
    }
    if args.db == "postgres" || args.db == "both" {
        kinds.push(DbKind::Postgres);
    }
    let now = backend::db::now_ms();
    for kind in kinds {
        let sqlite_path = args.sqlite_path.clone().unwrap_or_else(|| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/bench/leaderboard.db"
            )
            .into()
        });
        let db = support::open(kind, &sqlite_path, &args.postgres, PG_DB, args.reuse).await;
        if !args.reuse {
            let t = Instant::now();
            generate(&args, &db, now).await;
            println!(
                "{kind:?}: generated {} members, {} ledger entries in {:.0} s",
                args.members,
                args.entries,
                t.elapsed().as_secs_f64()
            );
        }
        measure(&args, &db, kind, now).await;
    }
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "建国", "晓明", "丽华", "志强", "海燕", "文博", "静怡", "国栋", "雪梅", "子涵", "振华", "思远",
    "佳琪", "立新", "春燕", "宇航", "秀英", "浩然", "红梅", "俊杰",
];
const SOURCES: [(&str, i64, i64); 8] = [
    ("sign_in", 1, 1),
    ("lesson", 1, 1),
    ("study_time", 1, 1),
    ("daily_quiz", 1, 5),
    ("weekly_quiz", 1, 5),
    ("special_quiz", 1, 5),
    ("challenge", 2, 6),
    ("module", 5, 5),
];

/// The five period keys of a moment, as (kind, ordinal) pairs: compact while generating.
fn period_ids(t: i64) -> [u32; 5] {
    let day = calendar::local_day(t);
    let monday = day - (day + 3).rem_euclid(7);
    let (y, m, _) = calendar::civil(day);
    [
        day as u32,
        1_000_000 + monday as u32,
        2_000_000 + (y as u32) * 12 + m,
        3_000_000 + y as u32,
        4_000_000,
    ]
}

fn period_name(id: u32) -> String {
    let ms = |day: i64| day * DAY_MS - calendar::OFFSET_MS + 1;
    match id / 1_000_000 {
        0 => format!("D:{}", calendar::day_key(ms(id as i64))),
        1 => format!("W:{}", calendar::day_key(ms((id - 1_000_000) as i64))),
        2 => {
            let v = id - 2_000_000 - 1;
            format!("M:{:04}-{:02}", v / 12, v % 12 + 1)
        }
        3 => format!("Y:{:04}", id - 3_000_000),
        _ => "A".into(),
    }
}

async fn generate(args: &Args, db: &Db, now: i64) {
    let mut conn = db.pool.acquire().await.expect("conn");
    let kind = db.kind;
    let tables = "'points_ledger', 'points_member_totals', 'points_daily', 'points_group_totals', \
        'points_rank_counts'";
    let url = format!("{}/{PG_DB}", args.postgres);
    let (indexes, mut pg) = support::begin_load(&mut conn, kind, &url, tables).await;
    macro_rules! loader {
        ($table:expr, $cols:expr) => {
            Loader::new(kind, &mut conn, pg.as_mut(), $table, $cols)
        };
    }
    // The organization tree and the members.
    {
        let mut l = loader!("organizations", &["id", "name", "created_at"]);
        l.push(vec![V::I(1), V::S("基准测试机关党委".into()), V::I(now)])
            .await;
        l.flush().await;
    }
    {
        let mut l = loader!("branches", &["id", "organization_id", "name", "created_at"]);
        for b in 1..=args.branches {
            l.push(vec![
                V::I(b as i64),
                V::I(1),
                V::S(format!("第{b}党支部")),
                V::I(now),
            ])
            .await;
        }
        l.flush().await;
    }
    {
        let mut l = loader!(
            "youth_groups",
            &["id", "organization_id", "name", "created_at"]
        );
        for g in 1..=args.youth_groups {
            l.push(vec![
                V::I(g as i64),
                V::I(1),
                V::S(format!("第{g}青年理论学习小组")),
                V::I(now),
            ])
            .await;
        }
        l.flush().await;
    }
    {
        let mut l = loader!(
            "users",
            &[
                "id",
                "username",
                "display_name",
                "password_hash",
                "role",
                "branch_id",
                "youth_group_id",
                "active",
                "must_change_password",
                "created_at",
                "updated_at"
            ]
        );
        for i in 1..=args.members {
            let (b, g) = units_of(i, args.branches, args.youth_groups);
            l.push(vec![
                V::I(i as i64),
                V::S(format!("u{i:06}")),
                V::S(format!("{}{}", SURNAMES[i % 20], GIVEN[(i / 20) % 20])),
                V::S("-".into()),
                V::S("member".into()),
                V::I(b),
                g.map(V::I).unwrap_or(V::Null),
                V::I(1),
                V::I(0),
                V::I(now),
                V::I(now),
            ])
            .await;
        }
        l.flush().await;
    }
    if let Some(pg) = pg.as_mut() {
        // COPY bypasses nothing: the users trigger kept org_unit_members; fix the sequence.
        pg.execute("SELECT setval('users_id_seq', (SELECT MAX(id) FROM users))")
            .await
            .expect("sequence");
    }

    // Activity per member: weights between 0.1 and 1.9 so boards have a spread.
    let mut rng = StdRng::seed_from_u64(2023);
    let weights: Vec<f64> = (0..args.members).map(|_| rng.gen_range(0.1..1.9)).collect();
    let total_w: f64 = weights.iter().sum();
    let year_ago = now - 365 * DAY_MS;
    let mut member_rows: Vec<(u32, u32, i64, i64)> = Vec::new();
    let mut groups: HashMap<(u8, i64, u32), (i64, i64)> = HashMap::new();
    let mut generated = 0usize;
    let mut daily_rows: Vec<(i64, String, &str, i64, i64)> = Vec::new();
    {
        let mut ledger = loader!(
            "points_ledger",
            &[
                "user_id",
                "source",
                "points",
                "created_at",
                "day_key",
                "reference"
            ]
        );
        for i in 1..=args.members {
            let n = if i == args.members {
                args.entries - generated
            } else {
                ((args.entries as f64) * weights[i - 1] / total_w).round() as usize
            }
            .min(args.entries - generated);
            generated += n;
            let mut times: Vec<i64> = (0..n).map(|_| rng.gen_range(year_ago..=now)).collect();
            times.sort_unstable();
            let (branch, group) = units_of(i, args.branches, args.youth_groups);
            let mut totals: HashMap<u32, (i64, i64)> = HashMap::new();
            let mut daily: HashMap<(String, &str), (i64, i64)> = HashMap::new();
            for (k, t) in times.into_iter().enumerate() {
                let (source, lo, hi) = SOURCES[rng.gen_range(0..SOURCES.len())];
                let points = rng.gen_range(lo..=hi);
                let day_key = calendar::day_key(t);
                ledger
                    .push(vec![
                        V::I(i as i64),
                        V::S(source.into()),
                        V::I(points),
                        V::I(t),
                        V::S(day_key.clone()),
                        V::S(format!("g:{k}")),
                    ])
                    .await;
                let d = daily.entry((day_key, source)).or_default();
                d.0 += points;
                d.1 += 1;
                for p in period_ids(t) {
                    let e = totals.entry(p).or_default();
                    e.0 += points;
                    e.1 = t;
                }
            }
            for (p, (points, reached)) in totals {
                member_rows.push((p, i as u32, points, reached));
                let mut keys = vec![(0u8, 0i64), (1, branch)];
                keys.extend(group.map(|g| (2u8, g)));
                for key in keys {
                    let e = groups.entry((key.0, key.1, p)).or_default();
                    e.0 += points;
                    e.1 += 1;
                }
            }
            let mut d: Vec<_> = daily.into_iter().collect();
            d.sort_by(|a, b| a.0.cmp(&b.0));
            for ((day, source), (points, units)) in d {
                daily_rows.push((i as i64, day, source, points, units));
            }
            if i % 10_000 == 0 {
                println!("  {i} members generated");
            }
        }
        ledger.flush().await;
    }
    {
        // Written after the ledger (one loader holds the connection at a time), in key order.
        let rows = daily_rows;
        let mut l = loader!(
            "points_daily",
            &["user_id", "day_key", "source", "points", "units"]
        );
        for (u, day, source, points, units) in rows {
            l.push(vec![
                V::I(u),
                V::S(day),
                V::S(source.into()),
                V::I(points),
                V::I(units),
            ])
            .await;
        }
        l.flush().await;
    }
    // Member totals in primary-key order (period, user).
    let mut names: HashMap<u32, String> = HashMap::new();
    for (p, ..) in &member_rows {
        names.entry(*p).or_insert_with(|| period_name(*p));
    }
    let mut order: Vec<(&String, u32)> = names.iter().map(|(id, n)| (n, *id)).collect();
    order.sort();
    let rank: HashMap<u32, usize> = order
        .iter()
        .enumerate()
        .map(|(r, (_, id))| (*id, r))
        .collect();
    member_rows.sort_by_key(|(p, u, ..)| (rank[p], *u));
    {
        let mut l = loader!(
            "points_member_totals",
            &[
                "period",
                "user_id",
                "branch_id",
                "youth_group_id",
                "points",
                "rank_key",
                "reached_at"
            ]
        );
        for (p, u, points, reached) in &member_rows {
            let (b, g) = units_of(*u as usize, args.branches, args.youth_groups);
            l.push(vec![
                V::S(names[p].clone()),
                V::I(*u as i64),
                V::I(b),
                g.map(V::I).unwrap_or(V::Null),
                V::I(*points),
                V::I(-points),
                V::I(*reached),
            ])
            .await;
        }
        l.flush().await;
    }
    {
        let mut counts: HashMap<(u32, i64), i64> = HashMap::new();
        for (p, _, points, _) in &member_rows {
            *counts.entry((*p, *points)).or_default() += 1;
        }
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by_key(|((p, points), _)| (rank[p], *points));
        let mut l = loader!("points_rank_counts", &["period", "points", "members"]);
        for ((p, points), n) in rows {
            l.push(vec![V::S(names[&p].clone()), V::I(points), V::I(n)])
                .await;
        }
        l.flush().await;
    }
    {
        let mut l = loader!(
            "points_group_totals",
            &[
                "kind",
                "period",
                "group_id",
                "points",
                "active_members",
                "completions"
            ]
        );
        let mut rows: Vec<_> = groups.into_iter().collect();
        rows.sort_by_key(|r| r.0);
        for ((k, g, p), (points, active)) in rows {
            let kind = ["org", "branch", "youth_group"][k as usize];
            l.push(vec![
                V::S(kind.into()),
                V::S(period_name(p)),
                V::I(g),
                V::I(points),
                V::I(active),
                V::I(0),
            ])
            .await;
        }
        l.flush().await;
    }
    println!(
        "  {} member-period rows; re-creating indexes",
        member_rows.len()
    );
    support::end_load(&mut conn, kind, &indexes).await;
}

async fn measure(args: &Args, db: &Db, kind: DbKind, now: i64) {
    let mut rng = StdRng::seed_from_u64(7);
    let viewer = |i: usize| {
        let (b, g) = units_of(i, args.branches, args.youth_groups);
        Viewer {
            id: i as i64,
            role: Role::Member,
            branch_id: Some(b),
            youth_group_id: g,
            scope_branches: vec![],
            scope_youth_groups: vec![],
        }
    };
    println!("\n{kind:?}: p50 / p99 in ms over {} calls each (top 10 + own rank + 3 neighbours either side)", args.samples);
    println!(
        "{:<26} {:>16} {:>16} {:>16} {:>16} {:>16}",
        "board", "day", "week", "month", "year", "all"
    );
    let boards = [
        ("individuals: organization", Some("org"), None),
        ("individuals: branch", Some("branch"), None),
        ("individuals: youth group", Some("youth_group"), None),
        ("groups: branches", None, Some("branch")),
        ("groups: youth groups", None, Some("youth_group")),
    ];
    let mut worst: f64 = 0.0;
    for (label, scope, group_kind) in boards {
        let mut line = format!("{label:<26}");
        for period in Period::ALL {
            let mut times = Vec::with_capacity(args.samples);
            for s in 0..args.samples + 10 {
                // Youth-group boards are seen by members of a youth group (even numbers).
                let mut i = rng.gen_range(1..=args.members);
                if scope == Some("youth_group") || group_kind == Some("youth_group") {
                    i = (i / 2).max(1) * 2;
                }
                let v = viewer(i);
                let t = Instant::now();
                if let Some(scope) = scope {
                    let q = IndividualBoardQuery {
                        scope: Some(scope.into()),
                        period: Some(period.as_str().into()),
                        unit_id: None,
                    };
                    let b = individual_board(db, &v, q, now).await.expect("board");
                    assert!(b.me.is_some());
                } else {
                    let q = GroupBoardQuery {
                        kind: group_kind.map(str::to_string),
                        period: Some(period.as_str().into()),
                        measure: None,
                    };
                    let b = group_board(db, &v, q, now).await.expect("board");
                    assert!(b.mine.is_some());
                }
                // The first calls warm the caches.
                if s >= 10 {
                    times.push(t.elapsed());
                }
            }
            times.sort();
            let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
            worst = worst.max(p99);
            line.push_str(&format!(" {:>7.2} / {:>6.2}", p50, p99));
        }
        println!("{line}");
    }
    println!("{kind:?}: worst p99 {worst:.2} ms (target < 10 ms)");
}
