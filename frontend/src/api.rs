//! Every HTTP call of the app, over the browser's `fetch` (same-origin credentials, so the
//! HttpOnly session cookie goes along). The typed contract is [`get`], [`send`] and
//! [`send_empty`]: every answer deserialized into its `shared` type and every body serialized
//! from its `shared` request type, so a field renamed in `shared` breaks this build. Failures
//! decode the shared `ErrorBody`, so pages can show its zh-CN `message` and, for imports, the
//! row-numbered `details`. Answers are decoded with miniserde ([`Wire`]); [`get_text`] hands
//! a GET's text to [`crate::components::Fetch`], which decodes it where it is shown.

use std::cell::RefCell;
use std::rc::Rc;

#[cfg(feature = "console")]
use serde::Serialize;
use shared::api::auth::Me;
#[cfg(not(feature = "console"))]
use shared::api::auth::{ChangePasswordRequest, LoginRequest};
#[cfg(feature = "console")]
use shared::api::members::{CreateMember, ImportReport, IssuedPassword, MemberQuery, UpdateMember};
#[cfg(feature = "console")]
use shared::api::org::NameRequest;
#[cfg(not(feature = "console"))]
use shared::api::quiz::{AttemptView, SaveAnswer, SavedAnswer};
#[cfg(not(feature = "console"))]
use shared::api::study::LessonProgress;
use shared::error::codes;
use shared::{ErrorBody, ErrorDetail};

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Code of a request that never reached the server (offline, DNS, connection reset).
pub const NETWORK: &str = "network";
/// Code of an answer the app could not understand (a proxy's HTML error page, say).
pub const BAD_RESPONSE: &str = "bad_response";

const NETWORK_MESSAGE: &str = "网络连接失败，请检查网络后重试";
const SERVER_MESSAGE: &str = "服务器暂时无法响应，请稍后再试";

/// A failed call: the server's error body, or one the app made up for transport failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status; 0 when the request never got an answer.
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    pub fn network() -> Self {
        ApiError {
            status: 0,
            code: NETWORK.into(),
            message: NETWORK_MESSAGE.into(),
            details: vec![],
        }
    }

    fn bad_response(status: u16) -> Self {
        ApiError {
            status,
            code: BAD_RESPONSE.into(),
            message: SERVER_MESSAGE.into(),
            details: vec![],
        }
    }

    /// The session is missing or expired.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401 && self.code == codes::UNAUTHENTICATED
    }
}

/// Turns a non-2xx answer into an [`ApiError`]: the server's `ErrorBody` when it sent one.
pub fn decode_error(status: u16, body: &str) -> ApiError {
    match decode::<ErrorBody>(body) {
        Ok(e) => ApiError {
            status,
            code: e.code,
            message: e.message,
            details: e.details,
        },
        Err(_) if status == 413 => ApiError {
            status,
            code: codes::PAYLOAD_TOO_LARGE.into(),
            message: "文件过大，单个文件不能超过5MB".into(),
            details: vec![],
        },
        Err(_) => ApiError::bad_response(status),
    }
}

/// Percent-encodes a query-string component (everything but RFC 3986 unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query string of `GET /api/v1/members` (with its leading `?`, or empty).
#[cfg(feature = "console")]
pub fn members_query_string(q: &MemberQuery) -> String {
    let mut parts = Vec::new();
    if let Some(s) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        parts.push(format!("q={}", encode_component(s)));
    }
    if let Some(b) = q.branch_id {
        parts.push(format!("branch_id={b}"));
    }
    if let Some(g) = q.youth_group_id {
        parts.push(format!("youth_group_id={g}"));
    }
    if q.include_inactive == Some(true) {
        parts.push("include_inactive=true".into());
    }
    if let Some(p) = q.page {
        parts.push(format!("page={p}"));
    }
    if let Some(p) = q.per_page {
        parts.push(format!("per_page={p}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

type Hook = Rc<dyn Fn()>;

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Registers what to do when any call finds the session gone (the app signs the user out).
pub fn on_unauthenticated(f: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|h| *h.borrow_mut() = Some(Rc::new(f)));
}

enum Body {
    Empty,
    Json(String),
    #[cfg(feature = "console")]
    File(web_sys::File),
}

async fn transport(method: &str, url: &str, body: Body) -> Result<(u16, String), ApiError> {
    let net = |_: JsValue| ApiError::network();
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(net)?;
    headers.set("Accept", "application/json").map_err(net)?;
    match body {
        Body::Empty => {}
        Body::Json(json) => {
            headers
                .set("Content-Type", "application/json")
                .map_err(net)?;
            init.set_body(&JsValue::from_str(&json));
        }
        #[cfg(feature = "console")]
        Body::File(file) => {
            headers
                .set("Content-Type", "application/octet-stream")
                .map_err(net)?;
            init.set_body(&file);
        }
    }
    init.set_headers(&headers);
    let pending = if method == "GET" && url == ME {
        early_me(&window)
    } else {
        None
    };
    let fetched = pending.unwrap_or_else(|| window.fetch_with_str_and_init(url, &init));
    let response: web_sys::Response = JsFuture::from(fetched)
        .await
        .map_err(net)?
        .dyn_into()
        .map_err(net)?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(net)?)
        .await
        .map_err(net)?
        .as_string()
        .unwrap_or_default();
    Ok((status, text))
}

/// The `/auth/me` request the member app's boot script started while the wasm loaded
/// (`window.beaconMe`), taken once: later calls ask the server again.
fn early_me(window: &web_sys::Window) -> Option<js_sys::Promise> {
    let key = JsValue::from_str("beaconMe");
    let promise = js_sys::Reflect::get(window, &key).ok()?;
    let promise = promise.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(window, &key);
    Some(promise)
}

/// Sends a request; a 2xx answer's text, or the decoded error.
async fn request(method: &str, url: &str, body: Body) -> Result<String, ApiError> {
    let (status, text) = transport(method, url, body).await?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let err = decode_error(status, &text);
    if err.is_unauthenticated() {
        if let Some(hook) = ON_UNAUTHENTICATED.with(|h| h.borrow().clone()) {
            hook();
        }
    }
    Err(err)
}

/// What an answer's type must be to be decoded: its `shared` type's miniserde impl
/// (`shared/src/mini.rs`), about a third of the wasm per type of serde's derive, measured.
pub trait Wire: miniserde::Deserialize {}
impl<T: miniserde::Deserialize> Wire for T {}

/// What a request body's type must be to be sent: its `shared` request type's miniserde
/// impl in the member app, its serde impl in the console.
#[cfg(not(feature = "console"))]
pub trait WireBody: miniserde::Serialize {}
#[cfg(not(feature = "console"))]
impl<T: miniserde::Serialize> WireBody for T {}
/// What a request body's type must be to be sent (see the member app's `WireBody`).
#[cfg(feature = "console")]
pub trait WireBody: Serialize {}
#[cfg(feature = "console")]
impl<T: Serialize> WireBody for T {}

/// An answer the page does not read (a `Created`, say).
pub struct Ignored;

impl miniserde::Deserialize for Ignored {
    fn begin(out: &mut Option<Self>) -> &mut dyn miniserde::de::Visitor {
        *out = Some(Ignored);
        <dyn miniserde::de::Visitor>::ignore()
    }
}

/// Reads a successful answer as `T`; an empty one (204) reads as JSON `null`, which `()`
/// and `Option` accept. Only this line is generic: one copy of it per answer type.
pub fn decode<T: Wire>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    miniserde::json::from_str(text).map_err(|_| ApiError::bad_response(200))
}

/// A request body as JSON text.
fn encode<B: WireBody>(body: &B) -> String {
    #[cfg(not(feature = "console"))]
    return miniserde::json::to_string(body);
    // Plain data structs and enums: serializing them cannot fail.
    #[cfg(feature = "console")]
    serde_json::to_string(body).unwrap_or_default()
}

/// `GET url`, the answer as its `shared` type.
pub async fn get<T: Wire>(url: &str) -> Result<T, ApiError> {
    decode(&request("GET", url, Body::Empty).await?)
}

/// `method url` with `body` serialized from its `shared` request type; the answer as its
/// type (`Ignored` when the page does not need it).
pub async fn send<B: WireBody, T: Wire>(method: &str, url: &str, body: &B) -> Result<T, ApiError> {
    decode(&request(method, url, Body::Json(encode(body))).await?)
}

/// `method url` without a body (`POST …/submit`, `DELETE`); the answer as its type.
pub async fn send_empty<T: Wire>(method: &str, url: &str) -> Result<T, ApiError> {
    decode(&request(method, url, Body::Empty).await?)
}

/// A GET's answer as text, for [`crate::components::Fetch`] (pages parse it themselves).
pub async fn get_text(url: &str) -> Result<String, ApiError> {
    request("GET", url, Body::Empty).await
}

// --- auth -------------------------------------------------------------------------------

const ME: &str = "/api/v1/auth/me";

pub async fn me() -> Result<Me, ApiError> {
    get(ME).await
}

#[cfg(not(feature = "console"))]
pub async fn login(req: &LoginRequest) -> Result<Me, ApiError> {
    send("POST", "/api/v1/auth/login", req).await
}

pub async fn logout() -> Result<(), ApiError> {
    send_empty::<Ignored>("POST", "/api/v1/auth/logout")
        .await
        .map(|_| ())
}

#[cfg(not(feature = "console"))]
pub async fn change_password(req: &ChangePasswordRequest) -> Result<Me, ApiError> {
    send("POST", "/api/v1/auth/password", req).await
}

// --- organization -----------------------------------------------------------------------

#[cfg(feature = "console")]
pub const ORG: &str = "/api/v1/org";

/// A branch, cell or youth group: the three kinds of organization unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg(feature = "console")]
pub enum Unit {
    Branch,
    Cell,
    YouthGroup,
}

#[cfg(feature = "console")]
impl Unit {
    fn collection(self) -> &'static str {
        match self {
            Unit::Branch => "/api/v1/branches",
            Unit::Cell => "/api/v1/cells",
            Unit::YouthGroup => "/api/v1/youth-groups",
        }
    }
}

/// Where a new unit is created: branches and youth groups at the top, cells in a branch.
#[cfg(feature = "console")]
pub fn create_url(unit: Unit, parent: Option<i64>) -> String {
    match (unit, parent) {
        (Unit::Cell, Some(branch)) => format!("/api/v1/branches/{branch}/cells"),
        (unit, _) => unit.collection().to_string(),
    }
}

#[cfg(feature = "console")]
pub fn unit_url(unit: Unit, id: i64) -> String {
    format!("{}/{id}", unit.collection())
}

/// Creates a unit (the answer, a `Created`, is not needed: the page reloads the tree).
#[cfg(feature = "console")]
pub async fn create_unit(unit: Unit, parent: Option<i64>, name: &str) -> Result<(), ApiError> {
    let body = NameRequest {
        name: name.trim().to_string(),
    };
    send::<_, Ignored>("POST", &create_url(unit, parent), &body)
        .await
        .map(|_| ())
}

#[cfg(feature = "console")]
pub async fn rename_unit(unit: Unit, id: i64, name: &str) -> Result<(), ApiError> {
    let body = NameRequest {
        name: name.trim().to_string(),
    };
    send::<_, Ignored>("PATCH", &unit_url(unit, id), &body)
        .await
        .map(|_| ())
}

#[cfg(feature = "console")]
pub async fn delete_unit(unit: Unit, id: i64) -> Result<(), ApiError> {
    send_empty::<Ignored>("DELETE", &unit_url(unit, id))
        .await
        .map(|_| ())
}

// --- members ----------------------------------------------------------------------------

#[cfg(feature = "console")]
pub const TEMPLATE_XLSX: &str = "/api/v1/members/import-template?format=xlsx";
#[cfg(feature = "console")]
pub const TEMPLATE_CSV: &str = "/api/v1/members/import-template?format=csv";

#[cfg(feature = "console")]
pub fn members_url(q: &MemberQuery) -> String {
    format!("/api/v1/members{}", members_query_string(q))
}

/// Creates an account; the answer carries its initial password.
#[cfg(feature = "console")]
pub async fn create_member(req: &CreateMember) -> Result<IssuedPassword, ApiError> {
    send("POST", "/api/v1/members", req).await
}

/// Changes an account (only the fields the request carries).
#[cfg(feature = "console")]
pub async fn update_member(id: i64, req: &UpdateMember) -> Result<(), ApiError> {
    send::<_, Ignored>("PATCH", &format!("/api/v1/members/{id}"), req)
        .await
        .map(|_| ())
}

/// A new initial password.
#[cfg(feature = "console")]
pub async fn reset_password(id: i64) -> Result<IssuedPassword, ApiError> {
    send_empty("POST", &format!("/api/v1/members/{id}/reset-password")).await
}

/// Uploads a spreadsheet as the raw request body; every row was valid when this succeeds.
#[cfg(feature = "console")]
pub async fn import_members(file: &web_sys::File) -> Result<ImportReport, ApiError> {
    decode(&request("POST", "/api/v1/members/import", Body::File(file.clone())).await?)
}

// --- study ------------------------------------------------------------------------------

#[cfg(not(feature = "console"))]
pub const MODULES: &str = "/api/v1/modules";

#[cfg(not(feature = "console"))]
pub fn module_url(id: i64) -> String {
    format!("/api/v1/modules/{id}")
}

#[cfg(not(feature = "console"))]
pub fn lesson_url(id: i64) -> String {
    format!("/api/v1/lessons/{id}")
}

/// Reports that the lesson is on screen and focused; the server credits the time since the
/// previous report.
#[cfg(not(feature = "console"))]
pub async fn heartbeat(id: i64, reached_end: bool) -> Result<LessonProgress, ApiError> {
    let body = shared::api::study::Heartbeat { reached_end };
    send("POST", &format!("/api/v1/lessons/{id}/heartbeat"), &body).await
}

// --- quizzes ----------------------------------------------------------------------------

#[cfg(not(feature = "console"))]
pub const QUIZZES: &str = "/api/v1/quizzes";
#[cfg(not(feature = "console"))]
pub const ATTEMPTS: &str = "/api/v1/attempts";
#[cfg(not(feature = "console"))]
pub const MISTAKES: &str = "/api/v1/mistakes";
#[cfg(not(feature = "console"))]
pub const MY_POINTS: &str = "/api/v1/points/me";
pub const POINTS_RULES: &str = "/api/v1/points/rules";
/// The member's points history, newest first (`?limit=&before_id=`).
#[cfg(not(feature = "console"))]
pub const POINTS_LEDGER: &str = "/api/v1/points/ledger";
/// The member's own error reports (我的纠错).
#[cfg(not(feature = "console"))]
pub const MY_REPORTS: &str = "/api/v1/question-reports/mine";
#[cfg(feature = "console")]
pub const POINTS_SETTINGS: &str = "/api/v1/settings/points";

#[cfg(not(feature = "console"))]
pub fn attempt_url(id: i64) -> String {
    format!("/api/v1/attempts/{id}")
}

/// Starts an attempt, or resumes the open one.
#[cfg(not(feature = "console"))]
pub async fn start_attempt(quiz_id: i64) -> Result<AttemptView, ApiError> {
    send_empty("POST", &format!("/api/v1/quizzes/{quiz_id}/attempts")).await
}

#[cfg(not(feature = "console"))]
pub async fn attempt(id: i64) -> Result<AttemptView, ApiError> {
    get(&attempt_url(id)).await
}

#[cfg(not(feature = "console"))]
pub async fn save_answer(
    id: i64,
    position: i64,
    req: &SaveAnswer,
) -> Result<SavedAnswer, ApiError> {
    send(
        "PUT",
        &format!("/api/v1/attempts/{id}/answers/{position}"),
        req,
    )
    .await
}

/// Submits the attempt; the answer is the graded attempt.
#[cfg(not(feature = "console"))]
pub async fn submit_attempt(id: i64) -> Result<AttemptView, ApiError> {
    send_empty("POST", &format!("/api/v1/attempts/{id}/submit")).await
}

// --- organizers' tools -------------------------------------------------------------------
// The console's calls, on the same `get` / `send` as the member app's: bodies serialized from
// their `shared` request types, answers decoded into their `shared` types.

#[cfg(feature = "console")]
pub const QUESTIONS: &str = "/api/v1/questions";
#[cfg(feature = "console")]
pub const QUESTION_CATEGORIES: &str = "/api/v1/question-categories";
#[cfg(feature = "console")]
pub const QUESTION_IMPORTS: &str = "/api/v1/question-imports";
#[cfg(feature = "console")]
pub const MANAGED_QUIZZES: &str = "/api/v1/manage/quizzes";
#[cfg(feature = "console")]
pub const DASHBOARD: &str = "/api/v1/dashboard";
#[cfg(feature = "console")]
pub const EXPORTS: &str = "/api/v1/exports";
#[cfg(feature = "console")]
pub const REMINDERS: &str = "/api/v1/reminders";
#[cfg(not(feature = "console"))]
pub const NOTIFICATIONS: &str = "/api/v1/notifications";
#[cfg(feature = "console")]
pub const AUDIT: &str = "/api/v1/audit";

/// Uploads a file as the raw request body; the answer as its `shared` type.
#[cfg(feature = "console")]
pub async fn upload_as<T: Wire>(url: &str, file: &web_sys::File) -> Result<T, ApiError> {
    decode(&request("POST", url, Body::File(file.clone())).await?)
}

/// `/api/v1/questions/{id}`.
#[cfg(feature = "console")]
pub fn question_url(id: i64) -> String {
    format!("{QUESTIONS}/{id}")
}

/// `/api/v1/manage/quizzes/{id}`.
#[cfg(feature = "console")]
pub fn managed_quiz_url(id: i64) -> String {
    format!("{MANAGED_QUIZZES}/{id}")
}

/// `/api/v1/question-imports/{id}`.
#[cfg(feature = "console")]
pub fn question_import_url(id: i64) -> String {
    format!("{QUESTION_IMPORTS}/{id}")
}

/// Reports a problem with a question (a `NewReport`).
#[cfg(not(feature = "console"))]
pub async fn report_question(id: i64, comment: String) -> Result<(), ApiError> {
    let body = shared::api::questions::NewReport { comment };
    send::<_, Ignored>("POST", &format!("/api/v1/questions/{id}/reports"), &body)
        .await
        .map(|_| ())
}

/// Starts a practice attempt over the mistake book.
#[cfg(not(feature = "console"))]
pub async fn practise_mistakes() -> Result<AttemptView, ApiError> {
    send_empty("POST", "/api/v1/mistakes/practice").await
}

// --- issue 17 quiz builder: draw counts, preview, quizzes on modules ----------------------

/// How many questions each draw rule can draw, and fixed + drawn = total.
#[cfg(feature = "console")]
pub async fn draw_counts(
    req: &shared::api::quiz_builder::DrawCountRequest,
) -> Result<shared::api::quiz_builder::DrawCounts, ApiError> {
    send("POST", &format!("{MANAGED_QUIZZES}/draw-counts"), req).await
}

/// One paper of a saved quiz, with keys (its managers only).
#[cfg(feature = "console")]
pub async fn quiz_preview(id: i64) -> Result<shared::api::quiz_builder::QuizPreview, ApiError> {
    get(&format!("{}/preview", managed_quiz_url(id))).await
}

/// Attaches (`PUT`) or detaches (`DELETE`) a quiz on a module; the module's quizzes.
#[cfg(feature = "console")]
pub async fn module_quiz(
    method: &str,
    module_id: i64,
    quiz_id: i64,
) -> Result<Vec<shared::api::quiz_builder::ModuleQuiz>, ApiError> {
    send_empty(
        method,
        &format!("{}/quizzes/{quiz_id}", content_module_url(module_id)),
    )
    .await
}

// --- issue 17 console pages: content authoring, the report queue, password resets -------

#[cfg(feature = "console")]
pub const CONTENT_MODULES: &str = "/api/v1/content/modules";

/// `/api/v1/content/modules/{id}` (the editor's module with its lessons).
#[cfg(feature = "console")]
pub fn content_module_url(id: i64) -> String {
    format!("{CONTENT_MODULES}/{id}")
}

/// Creates a module; its id.
#[cfg(feature = "console")]
pub async fn create_module(req: &shared::api::content::ModuleInput) -> Result<i64, ApiError> {
    send::<_, shared::api::Created>("POST", CONTENT_MODULES, req)
        .await
        .map(|c| c.id)
}

/// Saves a module's title, track, description and order.
#[cfg(feature = "console")]
pub async fn update_module(
    id: i64,
    req: &shared::api::content::ModuleInput,
) -> Result<(), ApiError> {
    send::<_, Ignored>("PUT", &content_module_url(id), req)
        .await
        .map(|_| ())
}

/// Deletes a module nobody has started.
#[cfg(feature = "console")]
pub async fn delete_module(id: i64) -> Result<(), ApiError> {
    send_empty::<Ignored>("DELETE", &content_module_url(id))
        .await
        .map(|_| ())
}

/// Assigns a module; how many members were told now.
#[cfg(feature = "console")]
pub async fn assign_module(
    id: i64,
    req: &shared::api::content::ModuleAssignment,
) -> Result<shared::api::content::AssignmentSaved, ApiError> {
    send(
        "PUT",
        &format!("{}/assignment", content_module_url(id)),
        req,
    )
    .await
}

/// A new lesson at the end of a module; its id.
#[cfg(feature = "console")]
pub async fn create_lesson(
    module_id: i64,
    req: &shared::api::content::LessonInput,
) -> Result<i64, ApiError> {
    let url = format!("{}/lessons", content_module_url(module_id));
    send::<_, shared::api::Created>("POST", &url, req)
        .await
        .map(|c| c.id)
}

/// Saves a lesson (a new version when a member had started it).
#[cfg(feature = "console")]
pub async fn update_lesson(
    id: i64,
    req: &shared::api::content::LessonInput,
) -> Result<shared::api::content::LessonSaved, ApiError> {
    send("PUT", &format!("/api/v1/content/lessons/{id}"), req).await
}

/// Deletes a lesson nobody has started.
#[cfg(feature = "console")]
pub async fn delete_lesson(id: i64) -> Result<(), ApiError> {
    send_empty::<Ignored>("DELETE", &format!("/api/v1/content/lessons/{id}"))
        .await
        .map(|_| ())
}

/// Markdown rendered and sanitized by the server, as members will read it.
#[cfg(feature = "console")]
pub async fn preview_markdown(body_md: String) -> Result<String, ApiError> {
    let body = shared::api::content::PreviewInput { body_md };
    send::<_, shared::api::content::Preview>("POST", "/api/v1/content/preview", &body)
        .await
        .map(|p| p.html)
}

/// `GET /api/v1/question-reports`: the open reports in scope, or (`forwarded`) the admins'
/// queue of reports organizers forwarded.
#[cfg(feature = "console")]
pub fn report_queue_url(forwarded: bool) -> String {
    if forwarded {
        "/api/v1/question-reports?queue=forwarded".into()
    } else {
        "/api/v1/question-reports".into()
    }
}

/// Resolves or rejects a report, with a reply to the member.
#[cfg(feature = "console")]
pub async fn resolve_report(
    id: i64,
    req: &shared::api::questions::ResolveReport,
) -> Result<(), ApiError> {
    send::<_, Ignored>("PUT", &format!("/api/v1/question-reports/{id}"), req)
        .await
        .map(|_| ())
}

/// Forwards a report on an organization question to the admins.
#[cfg(feature = "console")]
pub async fn forward_report(id: i64, note: String) -> Result<(), ApiError> {
    let body = shared::api::questions::ForwardReport { note };
    let url = format!("/api/v1/question-reports/{id}/forward");
    send::<_, Ignored>("POST", &url, &body).await.map(|_| ())
}

/// Resets the selected accounts at once (admin); the new passwords are in the sheet.
#[cfg(feature = "console")]
pub async fn batch_reset(
    member_ids: Vec<i64>,
) -> Result<shared::api::members::PasswordSheet, ApiError> {
    let body = shared::api::members::BatchResetPasswords { member_ids };
    send("POST", "/api/v1/members/reset-passwords", &body).await
}

/// Downloads a file the server hands out once (a password sheet): fetched here, so a
/// second try shows the server's `410 password_sheet_downloaded` instead of saving its
/// error as a file, then saved through a temporary link under `file_name`.
#[cfg(feature = "console")]
pub async fn download_once(url: &str, file_name: &str) -> Result<(), ApiError> {
    let net = |_: JsValue| ApiError::network();
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(net)?
        .dyn_into()
        .map_err(net)?;
    let status = response.status();
    if !(200..300).contains(&status) {
        let text = JsFuture::from(response.text().map_err(net)?)
            .await
            .map_err(net)?
            .as_string()
            .unwrap_or_default();
        return Err(decode_error(status, &text));
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(net)?)
        .await
        .map_err(net)?
        .dyn_into()
        .map_err(net)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(net)?;
    let document = window.document().ok_or_else(ApiError::network)?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(net)?
        .dyn_into()
        .map_err(|_| ApiError::network())?;
    a.set_href(&href);
    a.set_download(file_name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&href);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_decoded_with_their_details() {
        let body = r#"{"code":"import_invalid","message":"文件中有1处问题","details":[{"row":3,"field":"党支部","message":"党支部不存在"}]}"#;
        let e = decode_error(422, body);
        assert_eq!(e.code, "import_invalid");
        assert_eq!(e.message, "文件中有1处问题");
        assert_eq!(e.details.len(), 1);
        assert_eq!(e.details[0].row, Some(3));
        assert!(!e.is_unauthenticated());
    }

    #[test]
    fn unreadable_error_bodies_get_a_chinese_message() {
        let e = decode_error(502, "<html>Bad Gateway</html>");
        assert_eq!(e.code, BAD_RESPONSE);
        assert_eq!(e.status, 502);
        assert!(e.message.contains("服务器"));
        let e = decode_error(413, "");
        assert_eq!(e.code, codes::PAYLOAD_TOO_LARGE);
        assert_eq!(
            ApiError::network().message,
            "网络连接失败，请检查网络后重试"
        );
    }

    #[test]
    fn only_a_missing_session_counts_as_signed_out() {
        let e = decode_error(401, r#"{"code":"unauthenticated","message":"请先登录"}"#);
        assert!(e.is_unauthenticated());
        let e = decode_error(
            401,
            r#"{"code":"invalid_credentials","message":"账号或密码错误"}"#,
        );
        assert!(!e.is_unauthenticated());
    }

    #[test]
    #[cfg(feature = "console")]
    fn member_queries_are_encoded() {
        assert_eq!(members_query_string(&MemberQuery::default()), "");
        let q = MemberQuery {
            q: Some(" 张 三&x ".into()),
            branch_id: Some(2),
            youth_group_id: Some(5),
            include_inactive: Some(true),
            page: Some(3),
            per_page: Some(20),
        };
        assert_eq!(
            members_query_string(&q),
            "?q=%E5%BC%A0%20%E4%B8%89%26x&branch_id=2&youth_group_id=5&include_inactive=true&page=3&per_page=20"
        );
        let blank = MemberQuery {
            q: Some("  ".into()),
            include_inactive: Some(false),
            ..Default::default()
        };
        assert_eq!(members_query_string(&blank), "");
    }

    #[test]
    fn error_bodies_are_the_shared_error_body() {
        let body = serde_json::to_string(&ErrorBody {
            code: "x".into(),
            message: "y".into(),
            details: vec![ErrorDetail {
                row: None,
                field: Some("f".into()),
                message: "m".into(),
            }],
        })
        .unwrap();
        let e = decode_error(400, &body);
        assert_eq!((e.code.as_str(), e.message.as_str()), ("x", "y"));
        assert_eq!(e.details[0].field.as_deref(), Some("f"));
        assert_eq!(e.details[0].row, None);
        // Without details (the server leaves the field out then).
        let e = decode_error(404, r#"{"code":"not_found","message":"找不到"}"#);
        assert!(e.details.is_empty() && e.code == "not_found");
    }

    #[test]
    fn answers_decode_into_their_types_and_empty_ones_into_unit() {
        let me = shared::api::auth::Me {
            id: 7,
            username: "org1".into(),
            display_name: "周立新".into(),
            role: shared::api::auth::Role::Organizer,
            branch_id: Some(1),
            branch_name: Some("机关第一党支部".into()),
            youth_group_id: None,
            youth_group_name: None,
            organization_name: "机关党委".into(),
            scope: shared::api::auth::Scope {
                branch_ids: vec![1, 2],
                youth_group_ids: vec![3],
            },
            must_change_password: true,
        };
        let text = serde_json::to_string(&me).unwrap();
        assert_eq!(decode::<Me>(&text).unwrap(), me);
        assert_eq!(decode::<()>(""), Ok(()));
        // A field missing from the answer is an unreadable answer, not a default.
        let e = decode::<Me>(r#"{"id":7}"#).unwrap_err();
        assert_eq!(e.code, BAD_RESPONSE);
    }

    #[test]
    #[cfg(feature = "console")]
    fn unit_urls() {
        assert_eq!(create_url(Unit::Branch, None), "/api/v1/branches");
        assert_eq!(create_url(Unit::Cell, Some(4)), "/api/v1/branches/4/cells");
        assert_eq!(create_url(Unit::YouthGroup, None), "/api/v1/youth-groups");
        assert_eq!(unit_url(Unit::Cell, 9), "/api/v1/cells/9");
        assert_eq!(unit_url(Unit::YouthGroup, 1), "/api/v1/youth-groups/1");
    }

    #[test]
    #[cfg(feature = "console")]
    fn content_and_report_urls() {
        assert_eq!(content_module_url(3), "/api/v1/content/modules/3");
        assert_eq!(report_queue_url(false), "/api/v1/question-reports");
        assert_eq!(
            report_queue_url(true),
            "/api/v1/question-reports?queue=forwarded"
        );
    }

    #[test]
    fn encode_component_keeps_unreserved() {
        assert_eq!(encode_component("a-Z_0.~"), "a-Z_0.~");
        assert_eq!(encode_component("/?#"), "%2F%3F%23");
    }
}
