//! What both benchmark binaries (`leaderboard.rs`, `dashboard.rs`) need to load generated
//! data fast and report figures: a fresh database of either kind, a bulk loader (multi-row
//! INSERTs on SQLite, COPY on PostgreSQL), dropping and re-creating secondary indexes around
//! the load, the members' units, and percentiles.

use std::time::Duration;

use backend::db::{Db, DbKind};
use sqlx::{Connection, Executor};

/// Opens (and unless `reuse`, first empties) the benchmark's database: the SQLite file at
/// `sqlite_path`, or the PostgreSQL database `pg_db` on the server at `postgres`.
pub async fn open(kind: DbKind, sqlite_path: &str, postgres: &str, pg_db: &str, reuse: bool) -> Db {
    let url = match kind {
        DbKind::Sqlite => {
            if !reuse {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{sqlite_path}{suffix}"));
                }
            }
            format!("sqlite:{sqlite_path}")
        }
        DbKind::Postgres => {
            if !reuse {
                let mut admin =
                    sqlx::postgres::PgConnection::connect(&format!("{postgres}/postgres"))
                        .await
                        .expect("connect to PostgreSQL (BEACON_BENCH_POSTGRES_URL)");
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {pg_db}").as_str())
                    .await
                    .expect("drop bench database");
                admin
                    .execute(format!("CREATE DATABASE {pg_db}").as_str())
                    .await
                    .expect("create bench database");
            }
            format!("{postgres}/{pg_db}")
        }
    };
    let db = Db::connect(&url).await.expect("open the bench database");
    db.migrate().await.expect("migrate");
    db
}

/// Prepares `conn` for a bulk load of `tables` (quoted, comma-separated): SQLite without
/// syncs and in one transaction, the tables' secondary indexes dropped (returned, to be
/// re-created by [`end_load`]), and on PostgreSQL a native connection (`url`) for COPY.
pub async fn begin_load(
    conn: &mut sqlx::AnyConnection,
    kind: DbKind,
    url: &str,
    tables: &str,
) -> (Vec<(String, String)>, Option<sqlx::postgres::PgConnection>) {
    if kind == DbKind::Sqlite {
        conn.execute(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY",
        )
        .await
        .expect("pragmas");
    }
    let sql = match kind {
        DbKind::Sqlite => format!(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ({tables})"
        ),
        DbKind::Postgres => format!(
            "SELECT i.indexname::text, i.indexdef FROM pg_indexes i WHERE i.tablename IN ({tables}) \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ),
    };
    let indexes: Vec<(String, String)> = sqlx::query_as(&sql)
        .fetch_all(&mut *conn)
        .await
        .expect("indexes");
    for (name, _) in &indexes {
        conn.execute(format!("DROP INDEX {name}").as_str())
            .await
            .expect("drop index");
    }
    let pg = match kind {
        DbKind::Postgres => Some(
            sqlx::postgres::PgConnection::connect(url)
                .await
                .expect("pg"),
        ),
        DbKind::Sqlite => {
            conn.execute("BEGIN").await.expect("begin");
            None
        }
    };
    (indexes, pg)
}

/// Ends a bulk load: commits (SQLite), re-creates the dropped indexes and refreshes the
/// planner's statistics (a vacuumed PostgreSQL table also has an up-to-date visibility map,
/// so counts are index-only).
pub async fn end_load(conn: &mut sqlx::AnyConnection, kind: DbKind, indexes: &[(String, String)]) {
    if kind == DbKind::Sqlite {
        conn.execute("COMMIT").await.expect("commit");
    }
    for (_, sql) in indexes {
        conn.execute(sql.as_str()).await.expect("create index");
    }
    match kind {
        DbKind::Sqlite => conn.execute("ANALYZE").await.expect("analyze"),
        DbKind::Postgres => conn.execute("VACUUM ANALYZE").await.expect("vacuum"),
    };
}

/// A value of a generated row.
pub enum V {
    I(i64),
    S(String),
    Null,
}

/// Writes rows into one table: batched multi-row INSERTs (SQLite) or COPY (PostgreSQL).
pub struct Loader<'a> {
    kind: DbKind,
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<V>>,
    conn: &'a mut sqlx::AnyConnection,
    pg: Option<&'a mut sqlx::postgres::PgConnection>,
    copy_buf: String,
}

impl<'a> Loader<'a> {
    pub fn new(
        kind: DbKind,
        conn: &'a mut sqlx::AnyConnection,
        pg: Option<&'a mut sqlx::postgres::PgConnection>,
        table: &'static str,
        cols: &'static [&'static str],
    ) -> Self {
        Loader {
            kind,
            table,
            cols,
            rows: vec![],
            conn,
            pg,
            copy_buf: String::new(),
        }
    }

    pub async fn push(&mut self, row: Vec<V>) {
        if self.kind == DbKind::Postgres {
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    self.copy_buf.push('\t');
                }
                match v {
                    V::I(n) => self.copy_buf.push_str(&n.to_string()),
                    V::S(s) => self.copy_buf.push_str(s),
                    V::Null => self.copy_buf.push_str("\\N"),
                }
            }
            self.copy_buf.push('\n');
            if self.copy_buf.len() > 4 << 20 {
                self.flush().await;
            }
        } else {
            self.rows.push(row);
            if self.rows.len() >= 30_000 / self.cols.len() {
                self.flush().await;
            }
        }
    }

    pub async fn flush(&mut self) {
        if let Some(pg) = self.pg.as_deref_mut() {
            if self.copy_buf.is_empty() {
                return;
            }
            let sql = format!("COPY {} ({}) FROM STDIN", self.table, self.cols.join(", "));
            let mut copy = pg.copy_in_raw(&sql).await.expect("COPY");
            copy.send(std::mem::take(&mut self.copy_buf).into_bytes())
                .await
                .expect("COPY data");
            copy.finish().await.expect("COPY end");
            return;
        }
        if self.rows.is_empty() {
            return;
        }
        let n = self.cols.len();
        let values: Vec<String> = (0..self.rows.len())
            // `?`, not `$n`: SQLite treats `$n` as names and looks each one up.
            .map(|_| format!("({})", vec!["?"; n].join(", ")))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            self.table,
            self.cols.join(", "),
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for row in self.rows.drain(..) {
            for v in row {
                q = match v {
                    V::I(n) => q.bind(n),
                    V::S(s) => q.bind(s),
                    V::Null => q.bind(Option::<i64>::None),
                };
            }
        }
        q.execute(&mut *self.conn).await.expect("insert");
    }
}

/// The branch (1-based) and youth group (every second member) of member `i` (1-based).
pub fn units_of(i: usize, branches: usize, youth_groups: usize) -> (i64, Option<i64>) {
    let branch = (i % branches) as i64 + 1;
    let group = i
        .is_multiple_of(2)
        .then(|| ((i / 2) % youth_groups) as i64 + 1);
    (branch, group)
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}
