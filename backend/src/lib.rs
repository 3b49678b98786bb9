//! Beacon's backend: the axum application. [`app`] builds the whole router from an
//! [`AppState`], so tests drive it without a socket; `main.rs` only wires config to it.

pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod origin;
pub mod password;
pub mod routes;
pub mod state;

use std::any::Any;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use shared::api::auth::Role;
use shared::error::codes;
use shared::ErrorBody;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use state::{AppState, Settings};

/// Largest JSON body accepted (file imports have their own, larger limit).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The whole application: API routes, OpenAPI docs, and the built frontend as fallback.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::router())
        .merge(routes::openapi::router())
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            origin::same_origin_only,
        ))
        // API answers are personal (and some are answer keys): no cache keeps them. The
        // frontend's files set their own caching in `fallback`.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Unknown `/api` paths get the JSON 404; anything else is one of the two builds of the
/// frontend: a file of it if one exists, else the page of its app, so client-side routes
/// survive reloads. Console addresses (`/admin` and below) get the organizer/admin console
/// (`console/index.html`) when the session is an organizer's or an admin's; everyone else
/// gets the member app there too (which signs them in or sends them home), so members never
/// download the console.
async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api") {
        return error::AppError::NotFound("接口").into_response();
    }
    let Some(dir) = state.settings.static_dir.clone() else {
        return error::AppError::NotFound("页面").into_response();
    };
    let immutable = path.starts_with("/assets/");
    let console = path == "/admin" || path.starts_with("/admin/");
    let served = if console {
        let (mut parts, body) = req.into_parts();
        // Which page a console address gets depends on the session, not only the file: no
        // "304 Not Modified" may let the browser reuse the other app's page it cached here.
        parts.headers.remove(header::IF_MODIFIED_SINCE);
        parts.headers.remove(header::IF_NONE_MATCH);
        let staff = auth::SessionUser::from_request_parts(&mut parts, &state)
            .await
            .is_ok_and(|u| matches!(u.role, Role::Admin | Role::Organizer));
        let index = if staff {
            dir.join("console").join("index.html")
        } else {
            dir.join("index.html")
        };
        ServeFile::new(index)
            .oneshot(Request::from_parts(parts, body))
            .await
    } else {
        ServeDir::new(&dir)
            .precompressed_gzip()
            .fallback(ServeFile::new(dir.join("index.html")))
            .oneshot(req)
            .await
    };
    let mut response = match served {
        Ok(r) => r.into_response(),
        Err(e) => match e {},
    };
    // Assets carry a content hash in their names; index.html must always be revalidated.
    let cache = if immutable && response.status() == StatusCode::OK {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if console {
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    }
    // The app is our own wasm and scripts only; nothing inline, nothing from elsewhere.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
             object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

async fn method_not_allowed() -> Response {
    let body = ErrorBody {
        code: codes::METHOD_NOT_ALLOWED.into(),
        message: "该接口不支持此请求方法".into(),
        details: vec![],
    };
    (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}

fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    let body = ErrorBody {
        code: codes::INTERNAL.into(),
        message: "服务器内部错误，请稍后再试".into(),
        details: vec![],
    };
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}
