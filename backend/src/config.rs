//! Command line and configuration. Every setting comes from an environment variable with a
//! default, and `beacon --help` (and `beacon serve --help`) documents them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "beacon",
    version,
    about = "Beacon 党建学习答题平台: study modules, quizzes, points and completion tracking",
    long_about = "Beacon 党建学习答题平台: study modules, quizzes, points and completion tracking.\n\n\
    Configuration is read from the environment (or the matching --flag):\n  \
    BEACON_ADDR          address to listen on (default 127.0.0.1:3000)\n  \
    DATABASE_URL         sqlite:PATH or postgres://USER@HOST/DB (default sqlite:data/beacon.db, created if missing)\n  \
    BEACON_LOG           log filter, e.g. info or debug,sqlx=warn (default info,sqlx=warn)\n  \
    BEACON_STATIC_DIR    folder of the built frontend (default frontend/dist)\n  \
    BEACON_QUESTION_BANK folder of question-bank files loaded at start (default question-bank)\n  \
    BEACON_SEEDS         folder of shipped study material loaded at start (default seeds)\n  \
    BEACON_SECURE_COOKIE mark the session cookie Secure (set true when served over https)\n  \
    BEACON_TRUST_PROXY   false, true or the number of proxies in front whose X-Forwarded-For/-Proto to trust\n  \
    BEACON_DEMO          load the demo data at start when the database has no accounts\n  \
    BEACON_SIGN_IN_MAX_WAIT_MS  longest wait in line for a password check before 503 (default 10000)"
)]
pub struct Cli {
    /// Database to use: `sqlite:PATH` (created if missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/beacon.db",
        global = true
    )]
    pub database_url: String,

    /// Log filter (tracing's EnvFilter syntax).
    #[arg(
        long,
        env = "BEACON_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub log: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve the API and the built frontend (the default).
    Serve(ServeArgs),
    /// Create an admin account (or reset an existing admin's password).
    CreateAdmin(CreateAdminArgs),
    /// Load the demo organization, branches, youth groups and accounts into an empty database.
    DemoData,
    /// Apply pending database migrations and exit.
    Migrate,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BEACON_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder holding the built frontend (index.html, wasm, js, css).
    #[arg(long, env = "BEACON_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,

    /// Mark the session cookie `Secure` (always do so when served over https).
    #[arg(long, env = "BEACON_SECURE_COOKIE", default_value_t = false)]
    pub secure_cookie: bool,

    /// Reverse proxies in front whose X-Forwarded-For / X-Forwarded-Proto are trusted:
    /// `false` (none, the default), `true` (one) or how many are chained. The client
    /// address is the X-Forwarded-For entry that many places from the right.
    #[arg(long, env = "BEACON_TRUST_PROXY", default_value = "false", value_parser = parse_proxies)]
    pub trust_proxy: usize,

    /// The longest a sign-in waits in line for its password check, in milliseconds, before
    /// it is answered 503 with `Retry-After`.
    #[arg(long, env = "BEACON_SIGN_IN_MAX_WAIT_MS", default_value_t = 10_000)]
    pub sign_in_max_wait_ms: u64,

    /// Folder of question-bank files (`*.toml`) loaded at start; skipped when missing.
    #[arg(long, env = "BEACON_QUESTION_BANK", default_value = "question-bank")]
    pub question_bank: PathBuf,

    /// Folder of shipped study material (the founding document) loaded at start.
    #[arg(long, env = "BEACON_SEEDS", default_value = "seeds")]
    pub seeds: PathBuf,

    /// Load the demo data when the database has no accounts yet.
    #[arg(long, env = "BEACON_DEMO", default_value_t = false)]
    pub demo: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: "127.0.0.1:3000".parse().expect("valid default address"),
            static_dir: PathBuf::from("frontend/dist"),
            question_bank: PathBuf::from("question-bank"),
            seeds: PathBuf::from("seeds"),
            secure_cookie: false,
            trust_proxy: 0,
            sign_in_max_wait_ms: 10_000,
            demo: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    /// Sign-in name (staff number or phone number).
    #[arg(long)]
    pub username: String,
    /// Name shown in the app.
    #[arg(long, default_value = "管理员")]
    pub name: String,
    /// Password; read from BEACON_ADMIN_PASSWORD so it stays out of shell history.
    #[arg(long, env = "BEACON_ADMIN_PASSWORD", hide_env_values = true)]
    pub password: String,
}

/// `BEACON_TRUST_PROXY`: `false`/`no`/`0`, `true`/`yes` (one proxy), or a count.
fn parse_proxies(s: &str) -> Result<usize, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "false" | "no" | "off" | "" => Ok(0),
        "true" | "yes" | "on" => Ok(1),
        n => n.parse::<usize>().ok().filter(|n| *n <= 10).ok_or_else(|| {
            format!("expected false, true or a number of proxies (0-10), got {s:?}")
        }),
    }
}
