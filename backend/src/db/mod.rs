//! Storage: one connection pool over sqlx's `Any` driver, so every query is written once
//! and runs on SQLite (the embedded default) and PostgreSQL. Only the DDL differs between
//! the two, in `migrations/sqlite` and `migrations/postgres`.
//!
//! Portable-SQL rules the queries follow: `$1` placeholders; times as BIGINT Unix
//! milliseconds; flags as BIGINT 0/1 (the Any driver maps no SQLite boolean); aggregates
//! cast to BIGINT (PostgreSQL's SUM returns NUMERIC, which Any cannot decode).

pub mod answer_saves;
pub mod audit;
pub mod authoring;
pub mod dashboard;
pub mod jobs;
pub mod notifications;
pub mod org;
pub mod points;
pub mod question_imports;
pub mod questions;
pub mod quiz;
pub mod quiz_builder;
pub mod sessions;
pub mod study;
pub mod throttle;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database a pool talks to; decides the migrations and the write-transaction start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// The pool plus what kind of database is behind it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
    /// Where write transactions run: on SQLite a pool of one connection, so writers wait
    /// in line (fairly, without holding a reader's connection) instead of spinning in
    /// SQLite's busy handler; on PostgreSQL the main pool.
    writer: AnyPool,
    /// The queue of answer saves in front of the writer (group commit).
    answers: answer_saves::AnswerSaves,
    /// What answer saves check against that never changes (per instance, see the module).
    frozen: answer_saves::FrozenQuestions,
}

/// The advisory lock key of [`Db::with_startup_lock`] (an arbitrary constant: "beacon").
const STARTUP_LOCK: i64 = 0x6265_6163_6f6e;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `url` (`sqlite:` or `postgres:`), creating a missing SQLite file and its folder.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            DbKind::Postgres
        } else if url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("unsupported DATABASE_URL scheme in {url:?}: use sqlite: or postgres:")
                    .into(),
            ));
        };
        let url = match kind {
            DbKind::Sqlite => prepare_sqlite_url(url)?,
            DbKind::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let (pool, writer) = match kind {
            DbKind::Sqlite => {
                let sqlite = |max| {
                    AnyPoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(Duration::from_secs(10))
                        // An embedded file cannot have gone away; the default ping before
                        // every acquire was one more thread hand-off per request.
                        .test_before_acquire(false)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                // WAL lets readers proceed during a write; the busy timeout
                                // makes a writer outside the writer pool wait, not fail.
                                conn.execute(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                                )
                                .await?;
                                Ok(())
                            })
                        })
                };
                let pool = sqlite(8).connect_with(options.clone()).await?;
                // SQLite runs one writer at a time anyway. Eight connections spinning in
                // its busy handler (sleeps of up to 100 ms) held every reader's connection
                // too: in a 10,000-member rush every call's p95 reached 1.3 s.
                let writer = sqlite(1).connect_with(options).await?;
                (pool, writer)
            }
            DbKind::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                    .connect_with(options)
                    .await?;
                (pool.clone(), pool)
            }
        };
        let answers = answer_saves::AnswerSaves::start(writer.clone(), kind);
        Ok(Db {
            pool,
            kind,
            writer,
            answers,
            frozen: answer_saves::FrozenQuestions::default(),
        })
    }

    /// Applies the migrations of this kind of database that have not run yet.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// Starts a transaction that will write. On SQLite it runs on the one writer
    /// connection and takes the write lock up front (`BEGIN IMMEDIATE`), so writers queue
    /// for that connection instead of one failing with SQLITE_BUSY when it upgrades a read
    /// lock, and readers keep the other connections.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.kind {
            DbKind::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.writer.begin().await,
        }
    }

    /// Where a single write statement outside a transaction runs: on SQLite the writer
    /// connection (waiting in line with the write transactions), on PostgreSQL the pool.
    pub fn write_pool(&self) -> &AnyPool {
        &self.writer
    }

    /// Where answer saves are written, many in one statement when they arrive together.
    pub fn answer_saves(&self) -> &answer_saves::AnswerSaves {
        &self.answers
    }

    /// The per-instance cache of what answer saves check their answer against.
    pub fn frozen_questions(&self) -> &answer_saves::FrozenQuestions {
        &self.frozen
    }

    /// Runs `f` while holding the database-wide start-up lock (a PostgreSQL advisory lock;
    /// SQLite has one process), so instances started together load the question bank and
    /// study content one after the other: the first writes, the next finds it unchanged,
    /// instead of both inserting the same new rows and one failing to start.
    pub async fn with_startup_lock<T, F>(&self, f: F) -> Result<T, Box<dyn std::error::Error>>
    where
        F: std::future::Future<Output = Result<T, Box<dyn std::error::Error>>>,
    {
        if self.kind != DbKind::Postgres {
            return f.await;
        }
        let mut conn = self.pool.acquire().await?;
        sqlx::query(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
            .execute(&mut *conn)
            .await?;
        let out = f.await;
        // The lock belongs to the session: release it before the connection goes back.
        sqlx::query(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"))
            .execute(&mut *conn)
            .await?;
        out
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// How long a pooled PostgreSQL connection may sit unused and still be handed out without
/// a ping first.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Before a PostgreSQL connection is handed out: pings it when it has been idle for
/// [`PING_AFTER_IDLE`] or more (a server restart or a dropped link shows there, and the pool
/// opens a fresh connection instead); one that was in use a moment ago goes out as it is.
/// sqlx's default pings before every acquire: a round trip to the server per statement
/// outside a transaction, half the cost of a hot-path write. A connection that dies in
/// that moment fails its statement, as it could right after a ping too.
pub async fn ping_if_idle(
    conn: &mut sqlx::AnyConnection,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if meta.idle_for < PING_AFTER_IDLE {
        return Ok(true);
    }
    Ok(conn.ping().await.is_ok())
}

/// Adds `mode=rwc` (create if missing) and creates the parent folder of a file database.
fn prepare_sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Now, as stored: Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A flag as stored (see the module notes).
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Ids for an inlined `IN (…)` list ("NULL" when empty, which matches nothing). Ids come
/// from our own integer columns, so inlining is safe and keeps one SQL text for both
/// databases.
pub fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        "NULL".into()
    } else {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// True when `e` is a unique-constraint violation, on either database.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}
