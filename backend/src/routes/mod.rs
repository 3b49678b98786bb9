//! HTTP routes, one module per resource, each with its `router()` and thin handlers
//! (extract, call `domain`, respond). `openapi` collects their documentation.

pub mod audit;
pub mod auth;
pub mod authoring;
pub mod dashboard;
pub mod exports;
pub mod health;
pub mod members;
pub mod notifications;
pub mod openapi;
pub mod org;
pub mod points;
pub mod question_import;
pub mod questions;
pub mod quiz;
pub mod quiz_builder;
pub mod study;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::Router;

use crate::error::AppError;

use crate::state::AppState;

/// Every API route, with its full path.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(exports::router())
        .merge(auth::router())
        .merge(org::router())
        .merge(members::router())
        .merge(study::router())
        .merge(authoring::router())
        .merge(quiz::router())
        .merge(points::router())
        .merge(questions::router())
        .merge(question_import::router())
        .merge(quiz_builder::router())
        .merge(audit::router())
        .merge(dashboard::router())
        .merge(notifications::router())
}

/// The headers of a file download named `name` (UTF-8, RFC 5987; an ASCII fallback for
/// old clients).
pub fn attachment(content_type: &str, name: &str) -> [(HeaderName, String); 2] {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    [
        (header::CONTENT_TYPE, content_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        ),
    ]
}

/// Content types an upload may declare. The app sends `application/octet-stream`; the
/// others are the files' own types, for other clients. What a cross-site form can send
/// without asking (`text/plain`, form encodings) is refused.
pub const UPLOAD_TYPES: [&str; 7] = [
    "application/octet-stream",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "application/xml",
    "text/xml",
    "application/toml",
];

/// An uploaded file's bytes, or why the body could not be read (`too_large` says the limit
/// in the organizer's words). The upload must declare one of [`UPLOAD_TYPES`].
pub fn uploaded(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    too_large: &str,
) -> Result<Bytes, AppError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !declared.is_some_and(|t| UPLOAD_TYPES.contains(&t.as_str())) {
        return Err(AppError::Body {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: shared::error::codes::UNSUPPORTED_MEDIA_TYPE,
            message: "请以文件方式上传（Content-Type: application/octet-stream）".into(),
        });
    }
    body.map_err(|r| {
        let large = r.status() == StatusCode::PAYLOAD_TOO_LARGE;
        AppError::Body {
            status: r.status(),
            code: if large {
                shared::error::codes::PAYLOAD_TOO_LARGE
            } else {
                shared::error::codes::BAD_REQUEST
            },
            message: if large {
                too_large
            } else {
                "无法读取上传的文件"
            }
            .into(),
        }
    })
}
