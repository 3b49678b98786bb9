//! `TestApp`: a fresh database (SQLite file or PostgreSQL database) with the demo data,
//! the application router, and a small client that keeps a session cookie.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use backend::db::Db;
use backend::{app, AppState, Settings};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

/// Runs each named `async fn name(app: TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::TestApp::sqlite().await).await
                }
                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::helpers::TestApp::postgres().await).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "response is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    /// The stable error code of an error response.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("beacon.db").display());
        Self::with_url(&url, Some(dir)).await
    }

    pub async fn postgres() -> TestApp {
        Self::with_url(&new_postgres_database().await, None).await
    }

    async fn with_url(url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
        let db = Db::connect(url).await.expect("connect");
        db.migrate().await.expect("migrate");
        assert!(backend::domain::demo::load(&db).await.expect("demo data"));
        let (bank, modules) = repository_content();
        backend::domain::question_bank::load(&db, bank)
            .await
            .expect("question bank loads");
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
        backend::domain::seeds::load(&db, &seeds)
            .await
            .expect("seeds");
        backend::domain::content::load(&db, modules)
            .await
            .expect("study modules load");
        let router = app(AppState::new(db.clone(), Settings::default()));
        TestApp {
            router,
            db,
            _dir: dir,
        }
    }

    /// The same database served with other settings (proxies, cookies, limits).
    pub fn with_settings(&self, settings: Settings) -> TestApp {
        TestApp {
            router: app(AppState::new(self.db.clone(), settings)),
            db: self.db.clone(),
            _dir: None,
        }
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            app: self,
            cookie: None,
            ip: "203.0.113.7".into(),
        }
    }

    /// A client signed in as `username` with the demo password.
    pub async fn signed_in(&self, username: &str) -> Client<'_> {
        let mut c = self.anonymous();
        let r = c
            .login(username, backend::domain::demo::MEMBER_PASSWORD)
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text());
        c
    }

    /// Counts rows of a table, to prove that a rejected request wrote nothing.
    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        n
    }

    /// The id of a branch or youth group by name.
    pub async fn id_of(&self, table: &str, name: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as(&format!("SELECT id FROM {table} WHERE name = $1"))
            .bind(name)
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        id
    }

    /// The right answers of an attempt, by position, in its shown option order (read from
    /// the database, as the member's browser never gets them).
    pub async fn right_answers(
        &self,
        attempt: i64,
    ) -> std::collections::HashMap<i64, shared::grading::Answer> {
        use shared::grading::{key_as_answer, to_shown, AnswerKey};
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT aq.position, q.answer_key, aq.option_order FROM attempt_questions aq \
             JOIN questions q ON q.id = aq.question_id WHERE aq.attempt_id = $1",
        )
        .bind(attempt)
        .fetch_all(&self.db.pool)
        .await
        .unwrap();
        rows.into_iter()
            .map(|(pos, key, order)| {
                let key: AnswerKey = serde_json::from_str(&key).unwrap();
                let order: Vec<usize> = serde_json::from_str(&order).unwrap();
                (pos, to_shown(&key_as_answer(&key), &order))
            })
            .collect()
    }

    /// Moves a member's reading `ms` into the past, as if that time had passed since: the
    /// last heartbeat of every lesson and the moment their study is credited up to.
    pub async fn age_study(&self, user_id: i64, ms: i64) {
        for table in [
            "lesson_progress SET last_heartbeat_at = last_heartbeat_at",
            "study_clocks SET credited_until = credited_until",
        ] {
            sqlx::query(&format!("UPDATE {table} - $1 WHERE user_id = $2"))
                .bind(ms)
                .bind(user_id)
                .execute(&self.db.pool)
                .await
                .unwrap();
        }
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        id
    }
}

/// The repository's question bank and study modules, parsed once per test process (parsing
/// ~250 questions takes longer than loading them into a fresh database).
fn repository_content() -> &'static (
    Vec<backend::domain::question_bank::BankQuestion>,
    Vec<backend::domain::content::ModuleFile>,
) {
    static CONTENT: std::sync::OnceLock<(
        Vec<backend::domain::question_bank::BankQuestion>,
        Vec<backend::domain::content::ModuleFile>,
    )> = std::sync::OnceLock::new();
    CONTENT.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let bank = backend::domain::question_bank::parse_dir(&root.join("question-bank"))
            .expect("question bank parses");
        let modules = backend::domain::content::parse_dir(
            &root
                .join("seeds")
                .join(backend::domain::content::MODULES_DIR),
        )
        .expect("study modules parse");
        (bank, modules)
    })
}

/// The URL of a new, empty database on the PostgreSQL test server.
pub async fn new_postgres_database() -> String {
    let base = std::env::var("BEACON_TEST_POSTGRES_URL").expect(
        "BEACON_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts PostgreSQL, \
         or point it at a server (e.g. postgres://postgres@127.0.0.1:55432)",
    );
    let name = format!("beacon_test_{}_{}", std::process::id(), rand_suffix());
    let mut admin = sqlx::postgres::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    format!("{base}/{name}")
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos}_{n}")
}

/// Sends requests to the router as one browser would: with its cookie and address.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    pub ip: String,
}

impl Client<'_> {
    pub async fn send(&self, mut req: Request<Body>) -> TestResponse {
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let addr: SocketAddr = format!("{}:50000", self.ip).parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        let resp = self.app.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            bytes,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let builder = Request::builder().method(method).uri(path);
        let req = match body {
            Some(v) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => builder.body(Body::empty()),
        }
        .unwrap();
        self.send(req).await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// A GET that must answer 200, as JSON.
    pub async fn get_ok(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        r.json()
    }

    pub async fn patch(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.call(Method::DELETE, path, None).await
    }

    /// Sends raw bytes (a file upload).
    pub async fn upload(&self, path: &str, bytes: Vec<u8>) -> TestResponse {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        self.send(req).await
    }

    /// Signs in; on success keeps the session cookie for later requests.
    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        let r = self
            .post(
                "/api/v1/auth/login",
                serde_json::json!({ "username": username, "password": password }),
            )
            .await;
        if let Some(set) = r.headers.get(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
            self.cookie = Some(pair);
        }
        r
    }
}
