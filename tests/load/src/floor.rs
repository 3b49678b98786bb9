//! `beacon-floor`: the machine's floor for Beacon's hot paths, the comparison `beacon-load
//! --scenario hot` measures Beacon against (issue 15). A bare axum server with two routes and
//! nothing else: `PUT /floor/insert` does one `INSERT` of the request body into the database
//! and answers 200, `GET /floor/json` answers a constant JSON object. The database goes
//! through the same sqlx `Any` driver Beacon uses, and SQLite gets the settings of the
//! issue's floor: WAL, `synchronous = NORMAL`, a pool of 4 (PostgreSQL: 16, as Beacon).
//!
//! `beacon-floor --database-url sqlite:target/load/floor.db --addr 127.0.0.1:0` prints
//! `listening on <addr>` once it accepts connections.

use std::str::FromStr;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use bytes::Bytes;
use clap::Parser;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

#[derive(Debug, Parser)]
#[command(
    name = "beacon-floor",
    about = "One bare insert per request: the floor Beacon's hot paths are measured against"
)]
struct Args {
    /// `sqlite:<file>` (created) or `postgres://…/<database>` (must exist).
    #[arg(long)]
    database_url: String,
    /// Where to listen; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("beacon-floor: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let sqlite = args.database_url.starts_with("sqlite:");
    let url = if sqlite && !args.database_url.contains("mode=") {
        format!("{}?mode=rwc", args.database_url)
    } else {
        args.database_url.clone()
    };
    let options = AnyConnectOptions::from_str(&url).map_err(|e| e.to_string())?;
    let mut pool = AnyPoolOptions::new();
    if !sqlite {
        pool = pool.before_acquire(|conn, meta| Box::pin(backend::db::ping_if_idle(conn, meta)));
    }
    let pool = pool
        .max_connections(if sqlite { 4 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        // As Beacon's pools: no ping before each acquire on SQLite, and on PostgreSQL only
        // for a connection idle for a second or more (`backend::db::ping_if_idle`).
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let id = if sqlite {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    } else {
        "BIGSERIAL PRIMARY KEY"
    };
    for sql in [
        "DROP TABLE IF EXISTS floor_hits".to_string(),
        format!("CREATE TABLE floor_hits (id {id}, at BIGINT NOT NULL, body TEXT NOT NULL)"),
    ] {
        pool.execute(sql.as_str())
            .await
            .map_err(|e| format!("{sql}: {e}"))?;
    }
    let app = Router::new()
        .route("/floor/insert", put(insert))
        .route(
            "/floor/json",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("bind {}: {e}", args.addr))?;
    println!(
        "listening on {}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("serve: {e}"))
}

async fn insert(State(pool): State<AnyPool>, body: Bytes) -> StatusCode {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let r = sqlx::query("INSERT INTO floor_hits (at, body) VALUES ($1, $2)")
        .bind(at)
        .bind(String::from_utf8_lossy(&body).into_owned())
        .execute(&pool)
        .await;
    match r {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
