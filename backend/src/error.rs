//! The backend's one error type. Every handler returns `Result<_, AppError>`; this module
//! maps each variant once to an HTTP status and the shared JSON body. Internal errors are
//! logged with their details and reach the client only as a generic message.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::error::codes;
use shared::validation::FieldError;
use shared::{ErrorBody, ErrorDetail};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One field broke a rule.
    #[error("validation failed on {field}: {message}")]
    Validation { field: String, message: String },
    /// A well-formed request that cannot be carried out as asked.
    #[error("bad request ({code}): {message}")]
    BadRequest { code: &'static str, message: String },
    /// A file import with problems on given rows; nothing was written.
    #[error("import rejected with {} problems", .0.len())]
    Import(Vec<ErrorDetail>),
    #[error("not signed in")]
    Unauthenticated,
    #[error("unauthorized ({code}): {message}")]
    Unauthorized { code: &'static str, message: String },
    #[error("forbidden")]
    Forbidden,
    /// Not allowed, with a code and a message saying why (and what to do instead).
    #[error("forbidden ({code}): {message}")]
    ForbiddenWith { code: &'static str, message: String },
    /// Something that existed once and is no longer there (e.g. a file downloadable once).
    #[error("gone ({code}): {message}")]
    Gone { code: &'static str, message: String },
    /// A state-changing request another site made a browser send (`crate::origin`).
    #[error("cross-site request")]
    CrossOrigin,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("conflict ({code}): {message}")]
    Conflict { code: &'static str, message: String },
    /// Sign-in throttled (domain/throttle.rs); the client may try again after this long.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: i64 },
    /// The server has more of this work queued than it can do in reasonable time (e.g.
    /// password checks in a sign-in rush); answered 503 with `Retry-After`.
    #[error("busy")]
    Busy { retry_after_secs: i64 },
    /// As `Busy`, for other work than sign-in, with its own message (e.g. question files
    /// waiting to be parsed); 503 `server_busy` with `Retry-After`.
    #[error("busy: {message}")]
    BusyWith {
        retry_after_secs: i64,
        message: &'static str,
    },
    /// A body the server could not read (malformed JSON, wrong types, wrong content type).
    #[error("rejected body ({code}): {message}")]
    Body {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// One field broke a rule (422 naming the field).
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// 403 with its own code and message.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        AppError::ForbiddenWith {
            code,
            message: message.into(),
        }
    }

    /// 410 with its own code and message.
    pub fn gone(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Gone {
            code,
            message: message.into(),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Vec<ErrorDetail>) {
        use AppError::*;
        match self {
            Validation { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::VALIDATION,
                message.clone(),
                vec![ErrorDetail {
                    row: None,
                    field: Some(field.clone()),
                    message: message.clone(),
                }],
            ),
            BadRequest { code, message } => {
                (StatusCode::BAD_REQUEST, code, message.clone(), vec![])
            }
            Import(details) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::IMPORT_INVALID,
                format!(
                    "文件中有{}处问题，未导入任何数据，请修改后重新上传",
                    details.len()
                ),
                details.clone(),
            ),
            Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHENTICATED,
                "请先登录".into(),
                vec![],
            ),
            Unauthorized { code, message } => {
                (StatusCode::UNAUTHORIZED, code, message.clone(), vec![])
            }
            Forbidden => (
                StatusCode::FORBIDDEN,
                codes::FORBIDDEN,
                "您没有权限进行此操作".into(),
                vec![],
            ),
            ForbiddenWith { code, message } => {
                (StatusCode::FORBIDDEN, code, message.clone(), vec![])
            }
            Gone { code, message } => (StatusCode::GONE, code, message.clone(), vec![]),
            CrossOrigin => (
                StatusCode::FORBIDDEN,
                codes::CROSS_ORIGIN,
                "请求来自其他网站，已拒绝。请在本站页面中操作".into(),
                vec![],
            ),
            PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                codes::PASSWORD_CHANGE_REQUIRED,
                "首次登录请先修改密码".into(),
                vec![],
            ),
            NotFound(what) => (
                StatusCode::NOT_FOUND,
                codes::NOT_FOUND,
                format!("{what}不存在"),
                vec![],
            ),
            Conflict { code, message } => (StatusCode::CONFLICT, code, message.clone(), vec![]),
            TooManyAttempts { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                codes::TOO_MANY_ATTEMPTS,
                format!(
                    "登录失败次数过多，请{}后再试",
                    wait_in_words(*retry_after_secs)
                ),
                vec![],
            ),
            Busy { retry_after_secs } => (
                StatusCode::SERVICE_UNAVAILABLE,
                codes::SERVER_BUSY,
                format!(
                    "当前登录人数较多，请{}后再试",
                    wait_in_words(*retry_after_secs)
                ),
                vec![],
            ),
            BusyWith { message, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                codes::SERVER_BUSY,
                (*message).to_string(),
                vec![],
            ),
            Body {
                status,
                code,
                message,
            } => (*status, code, message.clone(), vec![]),
            Database(_) | Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "服务器内部错误，请稍后再试".into(),
                vec![],
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorBody {
            code: code.to_string(),
            message,
            details,
        };
        let mut response = (status, Json(body)).into_response();
        if let AppError::TooManyAttempts { retry_after_secs }
        | AppError::Busy { retry_after_secs }
        | AppError::BusyWith {
            retry_after_secs, ..
        } = self
        {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response
    }
}

/// A wait as a person reads it: "30秒", "2分钟" (rounded up).
fn wait_in_words(secs: i64) -> String {
    let secs = secs.max(1);
    if secs < 60 {
        format!("{secs}秒")
    } else {
        format!("{}分钟", (secs + 59) / 60)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation {
            field: e.field.to_string(),
            message: e.message,
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let (code, message) = match &r {
            JsonRejection::MissingJsonContentType(_) => (
                codes::UNSUPPORTED_MEDIA_TYPE,
                "请求须为 JSON 格式（Content-Type: application/json）".to_string(),
            ),
            JsonRejection::JsonDataError(e) => (
                codes::INVALID_JSON,
                format!("请求内容的字段不符合要求：{}", e.body_text()),
            ),
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
                (codes::PAYLOAD_TOO_LARGE, "请求内容过大".to_string())
            }
            _ => (codes::INVALID_JSON, "请求内容不是有效的 JSON".to_string()),
        };
        AppError::Body {
            status,
            code,
            message,
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::Body {
            status: StatusCode::BAD_REQUEST,
            code: codes::BAD_REQUEST,
            message: format!("查询参数有误：{}", r.body_text()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal(e)
    }
}

/// A JSON body extractor whose rejections are [`AppError`]s, so they use the shared body.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// A query-string extractor whose rejections are [`AppError`]s.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

pub type AppResult<T> = Result<T, AppError>;

/// A path-parameter extractor whose rejections are [`AppError`]s (e.g. `/members/abc`).
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(r: axum::extract::rejection::PathRejection) -> Self {
        AppError::Body {
            status: StatusCode::BAD_REQUEST,
            code: codes::BAD_REQUEST,
            message: format!("路径参数有误：{}", r.body_text()),
        }
    }
}
