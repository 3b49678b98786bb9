//! The load test's own data: a fresh database migrated by the backend library, the
//! repository's content loaded the way `beacon serve` loads it, and N members inserted in
//! bulk with one precomputed argon2id hash, spread over branches, cells and youth groups as
//! in the demo data (two cells per branch, every third member in a youth group).

use std::path::Path;

use backend::db::org::Unit;
use backend::db::{now_ms, Db, DbKind};
use backend::domain::{content, demo, question_bank, seeds};
use sqlx::{Connection, Executor};

/// Every load member's password (one hash serves them all).
pub const PASSWORD: &str = "Beacon2023";

/// The username of load member `i` (1-based).
pub fn username(i: usize) -> String {
    format!("u{i:05}")
}

pub struct Prepared {
    pub url: String,
    pub branches: usize,
    pub youth_groups: usize,
    pub daily_quiz: i64,
    /// A lesson of the shipped modules, which every member may read.
    pub lesson: i64,
}

/// A fresh database: the SQLite file at `sqlite_path` (removed first), or the database
/// `beacon_load` on the PostgreSQL server at `postgres` (dropped and created).
pub async fn fresh(
    kind: DbKind,
    sqlite_path: &Path,
    postgres: Option<&str>,
) -> Result<String, String> {
    fresh_named(kind, sqlite_path, postgres, "beacon_load").await
}

/// The floor program's fresh database: as [`fresh`], the PostgreSQL one named `beacon_floor`.
pub async fn fresh_floor(
    kind: DbKind,
    sqlite_path: &Path,
    postgres: Option<&str>,
) -> Result<String, String> {
    fresh_named(kind, sqlite_path, postgres, "beacon_floor").await
}

async fn fresh_named(
    kind: DbKind,
    sqlite_path: &Path,
    postgres: Option<&str>,
    name: &str,
) -> Result<String, String> {
    match kind {
        DbKind::Sqlite => {
            if let Some(dir) = sqlite_path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", sqlite_path.display()));
            }
            Ok(format!("sqlite:{}", sqlite_path.display()))
        }
        DbKind::Postgres => {
            let base = postgres
                .ok_or("--db postgres needs BEACON_LOAD_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:55434)")?
                .trim_end_matches('/');
            let mut admin = sqlx::postgres::PgConnection::connect(&format!("{base}/postgres"))
                .await
                .map_err(|e| format!("connect to {base}/postgres: {e}"))?;
            for sql in [
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                admin
                    .execute(sql.as_str())
                    .await
                    .map_err(|e| format!("{sql}: {e}"))?;
            }
            Ok(format!("{base}/{name}"))
        }
    }
}

/// Migrates, loads the content and inserts `members` members.
pub async fn prepare(url: &str, root: &Path, members: usize) -> Result<Prepared, String> {
    let e = |what: &str| {
        let what = what.to_string();
        move |err: &dyn std::fmt::Display| format!("{what}: {err}")
    };
    let db = Db::connect(url).await.map_err(|x| e("connect")(&x))?;
    db.migrate().await.map_err(|x| e("migrate")(&x))?;
    // What `beacon serve` does at start (main.rs), in the same order.
    let org = demo::ensure_organization(&db, demo::ORGANIZATION)
        .await
        .map_err(|x| e("organization")(&x))?;
    let bank = question_bank::parse_dir(&root.join("question-bank"))
        .map_err(|errs| format!("question bank: {}", errs.join("; ")))?;
    question_bank::load(&db, &bank)
        .await
        .map_err(|x| e("question bank")(&x))?;
    seeds::load(&db, &root.join("seeds"))
        .await
        .map_err(|x| e("seeds")(&x))?;
    let modules = content::parse_dir(&root.join("seeds").join(content::MODULES_DIR))
        .map_err(|errs| format!("modules: {}", errs.join("; ")))?;
    content::load(&db, &modules)
        .await
        .map_err(|x| e("modules")(&x))?;

    // The units: the benchmarks' proportions (100,000 members in 200 branches and 50 youth
    // groups), at least the demo's 4 branches and 2 youth groups.
    let branches = (members / 50).max(4);
    let youth_groups = (members / 200).max(2);
    let mut tx = db.begin_write().await.map_err(|x| e("begin")(&x))?;
    let mut branch_ids = vec![];
    let mut cell_ids = vec![];
    for b in 1..=branches {
        let id =
            backend::db::org::insert_unit(&mut tx, Unit::Branch, org, &format!("机关第{b}党支部"))
                .await
                .map_err(|x| e("branch")(&x))?;
        let mut cells = [0; 2];
        for (c, name) in cells.iter_mut().zip(["第一党小组", "第二党小组"]) {
            *c = backend::db::org::insert_unit(&mut tx, Unit::Cell, id, name)
                .await
                .map_err(|x| e("cell")(&x))?;
        }
        branch_ids.push(id);
        cell_ids.push(cells);
    }
    let mut group_ids = vec![];
    for g in 1..=youth_groups {
        let id = backend::db::org::insert_unit(
            &mut tx,
            Unit::YouthGroup,
            org,
            &format!("第{g}青年理论学习小组"),
        )
        .await
        .map_err(|x| e("youth group")(&x))?;
        group_ids.push(id);
    }

    // One hash, made as the server makes them (argon2id, its parameters).
    let hash = backend::password::hash(PASSWORD.to_string())
        .await
        .map_err(|x| e("hash")(&x))?;
    const COLS: usize = 12;
    const ROWS: usize = 200;
    let now = now_ms();
    for chunk in (1..=members).collect::<Vec<_>>().chunks(ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let p: Vec<String> = (1..=COLS).map(|c| format!("${}", r * COLS + c)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO users (username, display_name, password_hash, role, branch_id, cell_id, \
             youth_group_id, phone, active, must_change_password, created_at, updated_at) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for &i in chunk {
            let b = (i - 1) % branches;
            let cell = cell_ids[b][((i - 1) / branches) % 2];
            let group = (i % 3 == 0).then(|| group_ids[(i / 3) % youth_groups]);
            q = q
                .bind(username(i))
                .bind(format!("成员{i:05}"))
                .bind(hash.clone())
                .bind("member")
                .bind(branch_ids[b])
                .bind(cell)
                .bind(group)
                .bind(format!("139{:08}", i))
                .bind(1_i64)
                .bind(0_i64)
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *tx).await.map_err(|x| e("members")(&x))?;
    }
    tx.commit().await.map_err(|x| e("commit")(&x))?;

    // The daily quiz every member takes (seeded by `seeds::load`: 5 questions drawn from the
    // whole bank, open to everyone, once a day).
    let (daily_quiz,): (i64,) =
        sqlx::query_as("SELECT id FROM quizzes WHERE slug = 'daily' AND kind = 'daily'")
            .fetch_one(&db.pool)
            .await
            .map_err(|x| e("the seeded daily quiz")(&x))?;
    let (lesson,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM lessons")
        .fetch_one(&db.pool)
        .await
        .map_err(|x| e("a lesson")(&x))?;
    if db.kind == DbKind::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db.pool)
            .await
            .map_err(|x| e("checkpoint")(&x))?;
    }
    sqlx::query("ANALYZE")
        .execute(&db.pool)
        .await
        .map_err(|x| e("analyze")(&x))?;
    db.pool.close().await;
    Ok(Prepared {
        url: url.to_string(),
        branches,
        youth_groups,
        daily_quiz,
        lesson,
    })
}
