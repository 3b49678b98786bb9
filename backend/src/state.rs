//! What every request handler can reach: the database and the settings.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;

/// Settings that shape request handling (not storage).
#[derive(Debug, Clone)]
pub struct Settings {
    pub secure_cookie: bool,
    /// How many reverse proxies in front append to `X-Forwarded-For` (0: none trusted).
    pub trusted_proxies: usize,
    /// The longest a sign-in waits for its password check before the server answers
    /// 503 with `Retry-After` (see `crate::password`).
    pub sign_in_max_wait: Duration,
    /// How long a session lasts without signing in again.
    pub session_ttl_ms: i64,
    /// Where the built frontend lives; `None` serves the API only.
    pub static_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookie: false,
            trusted_proxies: 0,
            sign_in_max_wait: Duration::from_secs(10),
            session_ttl_ms: 7 * 24 * 3600 * 1000,
            static_dir: None,
        }
    }
}

/// Shared application state. Holds nothing another backend instance would need:
/// sessions and rate-limit counters live in the database.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        AppState {
            db,
            settings: Arc::new(settings),
        }
    }
}
