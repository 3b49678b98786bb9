//! The app shell: the signed-in user (asked of the server at start; the HttpOnly session
//! cookie survives reloads), the route table, and where each kind of user may go
//! (anonymous -> /login, a pending password change -> /password, members are kept out of
//! /admin). The server checks all of it again; this only spares dead ends.

use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::task::spawn_local;
use shared::api::auth::{Me, Role};
#[cfg(not(feature = "console"))]
use shared::api::notifications::UnreadCount;

use crate::api::{self, ApiError};
use crate::components::{ErrorBanner, Page, PageLoading};
use crate::i18n::K;
use crate::pages;
use crate::router::{is_console_path, provide_router, Nav};

/// The route table: every page of the app by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Login,
    Password,
    Home,
    AdminOrg,
    AdminMembers,
    AdminPoints,
    /// The question bank (organizers, admins).
    AdminQuestions,
    /// The question editor; `None` for a new question.
    AdminQuestion(Option<i64>),
    AdminImport,
    AdminQuizzes,
    /// The quiz builder; `None` for a new quiz.
    AdminQuiz(Option<i64>),
    /// Item analysis of a quiz.
    AdminAnalysis(i64),
    /// The completion dashboard (organizers, admins).
    AdminDashboard,
    /// A branch's (`false`) or youth group's (`true`) members in the dashboard.
    AdminUnit(bool, i64),
    /// The quarterly, half-year and annual reports.
    AdminReport,
    AdminAudit,
    /// The study content editor's list of modules (issue 17).
    AdminContent,
    /// A module in the content editor; `None` for a new one.
    AdminContentModule(Option<i64>),
    /// The 纠错 queue (issue 17).
    AdminQuestionReports,
    Notifications,
    Study,
    Module(i64),
    Lesson(i64),
    Quizzes,
    Attempt(i64),
    /// Starts an attempt at a quiz, then shows it.
    StartQuiz(i64),
    /// Starts a practice round over the mistake book, then shows it.
    PractiseMistakes,
    History,
    Mistakes,
    Ranking,
    /// The member's own error reports (我的纠错).
    MyReports,
    /// 积分规则 from the live rules, and the member's points history.
    PointsGuide,
    NotFound,
}

pub fn page_for(path: &str) -> Page {
    let path = path.trim_end_matches('/');
    // `/modules/7` and the like: a resource and its numeric id.
    let with_id = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id > 0)
    };
    if let Some(id) = with_id("/admin/dashboard/branches/") {
        return Page::AdminUnit(false, id);
    }
    if let Some(id) = with_id("/admin/dashboard/youth-groups/") {
        return Page::AdminUnit(true, id);
    }
    if let Some(id) = with_id("/admin/questions/") {
        return Page::AdminQuestion(Some(id));
    }
    if let Some(id) = with_id("/admin/quizzes/") {
        return Page::AdminQuiz(Some(id));
    }
    if let Some(id) = with_id("/admin/content/") {
        return Page::AdminContentModule(Some(id));
    }
    if let Some(id) = path
        .strip_suffix("/analysis")
        .and_then(|p| p.strip_prefix("/admin/quizzes/"))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
    {
        return Page::AdminAnalysis(id);
    }
    if let Some(id) = with_id("/modules/") {
        return Page::Module(id);
    }
    if let Some(id) = with_id("/lessons/") {
        return Page::Lesson(id);
    }
    if let Some(id) = with_id("/attempts/") {
        return Page::Attempt(id);
    }
    if let Some(id) = path
        .strip_suffix("/start")
        .and_then(|p| p.strip_prefix("/quizzes/"))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
    {
        return Page::StartQuiz(id);
    }
    match path {
        "" => Page::Home,
        "/login" => Page::Login,
        "/password" => Page::Password,
        "/admin/org" => Page::AdminOrg,
        "/admin/members" => Page::AdminMembers,
        "/admin/points" => Page::AdminPoints,
        "/admin/questions" => Page::AdminQuestions,
        "/admin/questions/new" => Page::AdminQuestion(None),
        "/admin/import" => Page::AdminImport,
        "/admin/quizzes" => Page::AdminQuizzes,
        "/admin/quizzes/new" => Page::AdminQuiz(None),
        // The console's front door: bare `/admin` (and `/admin/`, trimmed above).
        "/admin" | "/admin/dashboard" => Page::AdminDashboard,
        "/admin/reports" => Page::AdminReport,
        "/admin/audit" => Page::AdminAudit,
        "/admin/content" => Page::AdminContent,
        "/admin/content/new" => Page::AdminContentModule(None),
        "/admin/question-reports" => Page::AdminQuestionReports,
        "/notifications" => Page::Notifications,
        "/study" => Page::Study,
        "/quizzes" => Page::Quizzes,
        "/history" => Page::History,
        "/mistakes" => Page::Mistakes,
        "/mistakes/practice" => Page::PractiseMistakes,
        "/ranking" => Page::Ranking,
        "/reports" => Page::MyReports,
        "/points" => Page::PointsGuide,
        _ => Page::NotFound,
    }
}

/// Where the first `GET /auth/me` stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    Loading,
    Ready,
    Failed(ApiError),
}

/// The signed-in user, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<Me>>,
    pub state: RwSignal<AuthState>,
    /// The member's unread notifications (the bell), once known.
    pub unread: RwSignal<Option<i64>>,
    /// When the unread count was last asked for (ms), so moving between pages does not
    /// ask again every time.
    pub unread_at: RwSignal<i64>,
}

impl Session {
    /// Asks the server who is signed in.
    pub fn load(self) {
        self.state.set(AuthState::Loading);
        spawn_local(async move {
            match api::me().await {
                Ok(me) => {
                    self.user.try_set(Some(me));
                    self.state.try_set(AuthState::Ready);
                }
                Err(e) if e.status == 401 || e.status == 403 => {
                    self.user.try_set(None);
                    self.state.try_set(AuthState::Ready);
                }
                Err(e) => {
                    self.state.try_set(AuthState::Failed(e));
                }
            }
        });
    }

    /// Asks the server for the unread count again when the last answer is older than
    /// [`UNREAD_MAX_AGE_MS`] (each page's top bar calls this).
    #[cfg(not(feature = "console"))]
    pub fn refresh_unread(self) {
        let now = crate::browser::now_ms();
        if now - self.unread_at.get_untracked() < UNREAD_MAX_AGE_MS {
            return;
        }
        self.unread_at.set(now);
        spawn_local(async move {
            if let Ok(c) = api::get::<UnreadCount>(&format!("{}/unread", api::NOTIFICATIONS)).await
            {
                self.unread.try_set(Some(c.unread));
            }
        });
    }

    pub fn viewer(self) -> Option<Viewer> {
        self.user.with(|u| {
            u.as_ref().map(|m| Viewer {
                role: m.role,
                must_change_password: m.must_change_password,
            })
        })
    }

    #[cfg(feature = "console")]
    pub fn is_admin(self) -> bool {
        self.viewer().is_some_and(|v| v.role == Role::Admin)
    }

    pub fn is_staff(self) -> bool {
        self.viewer()
            .is_some_and(|v| matches!(v.role, Role::Admin | Role::Organizer))
    }

    /// A field of the signed-in user (reactive); the default when signed out.
    pub fn with_me<T: Default>(self, f: impl FnOnce(&Me) -> T) -> T {
        self.user.with(|u| u.as_ref().map(f).unwrap_or_default())
    }
}

/// How old the bell's count may be before a page asks again.
#[cfg(not(feature = "console"))]
pub const UNREAD_MAX_AGE_MS: i64 = 30_000;

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// What the route guard needs to know about the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub role: Role,
    pub must_change_password: bool,
}

/// Where a user on `path` must be sent instead, if anywhere.
pub fn redirect_for(path: &str, viewer: Option<Viewer>) -> Option<String> {
    match viewer {
        None if path == "/login" => None,
        None if path == "/" || path.is_empty() => Some("/login".into()),
        None => Some(format!("/login?next={}", api::encode_component(path))),
        Some(v) if v.must_change_password && path != "/password" => Some("/password".into()),
        Some(_) if path == "/login" => Some("/".into()),
        Some(v) if v.role == Role::Member && is_console_path(path) => Some("/".into()),
        Some(_) => None,
    }
}

/// The page to open after signing in: the `next` parameter when it is a local path.
#[cfg(not(feature = "console"))]
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.starts_with("/login") =>
        {
            p.to_string()
        }
        _ => "/".into(),
    }
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session {
        user: RwSignal::new(None),
        state: RwSignal::new(AuthState::Loading),
        unread: RwSignal::new(None),
        unread_at: RwSignal::new(i64::MIN / 2),
    };
    provide_context(session);
    let router = provide_router();
    api::on_unauthenticated(move || {
        session.user.try_set(None);
    });
    session.load();

    // Sends users where they may be: signed out -> /login, pending password -> /password,
    // members away from /admin.
    Effect::new(move |_| {
        if session.state.get() != AuthState::Ready {
            return;
        }
        if let Some(to) = redirect_for(&router.path(), session.viewer()) {
            router.navigate(&to, Nav::REPLACE);
        }
    });

    let allowed = Memo::new(move |_| redirect_for(&router.path(), session.viewer()).is_none());
    let page = Memo::new(move |_| page_for(&router.path()));

    move || match session.state.get() {
        AuthState::Loading => view! { <PageLoading/> }.into_any(),
        AuthState::Failed(error) => view! {
            <div class="page boot-failed">
                <main class="container">
                    <ErrorBanner error on_retry=move |_| session.load()/>
                </main>
            </div>
        }
        .into_any(),
        AuthState::Ready => (move || {
            if !allowed.get() {
                return view! { <PageLoading/> }.into_any();
            }
            page_view(page.get())
        })
        .into_any(),
    }
}

/// The member app's page for a route; the console's routes get a link to the console.
/// Sign-in, home and the quiz runner (the morning's daily quiz) are in the first download;
/// every other page is in a chunk of its own (see [`chunks`]).
#[cfg(not(feature = "console"))]
fn page_view(page: Page) -> AnyView {
    use pages::{
        attempt::Attempt,
        home::Home,
        login::Login,
        not_found::NotFound,
        other_app::OtherApp,
        start::{Start, StartAttempt},
    };
    match page {
        Page::Login => view! { <Login/> }.into_any(),
        Page::Password => lazy_page(chunks::password),
        Page::Home => view! { <Home/> }.into_any(),
        Page::Notifications => lazy_page(chunks::notifications),
        Page::Study => lazy_page(chunks::study),
        Page::Module(id) => lazy_page(move || chunks::module(id)),
        Page::Lesson(id) => lazy_page(move || chunks::lesson(id)),
        Page::Quizzes => lazy_page(chunks::quizzes),
        Page::Attempt(id) => view! { <Attempt id=id/> }.into_any(),
        Page::StartQuiz(id) => view! { <StartAttempt what=Start::Quiz(id)/> }.into_any(),
        Page::PractiseMistakes => view! { <StartAttempt what=Start::Mistakes/> }.into_any(),
        Page::History => lazy_page(chunks::history),
        Page::Mistakes => lazy_page(chunks::mistakes),
        Page::Ranking => lazy_page(chunks::ranking),
        Page::MyReports => lazy_page(chunks::my_reports),
        Page::PointsGuide => lazy_page(chunks::points_guide),
        Page::NotFound => view! { <NotFound/> }.into_any(),
        // Reached only when the server sent the member app for a console address.
        _ => view! { <OtherApp/> }.into_any(),
    }
}

/// The member app's pages that are not in its first download. Each function is a split
/// point: `scripts/build-frontend.sh` (wasm-split) moves it and the code only it uses into a
/// chunk named by the first argument, fetched the first time the function is called (pages
/// named alike share a chunk). Outside a split build (tests, clippy) they are plain calls.
#[cfg(not(feature = "console"))]
mod chunks {
    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    use crate::pages;

    type Chunk = Result<AnyView, SplitLoaderError>;

    #[wasm_split(password, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn password() -> Chunk {
        use pages::change_password::ChangePassword;
        Ok(view! { <ChangePassword/> }.into_any())
    }

    #[wasm_split(notifications, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn notifications() -> Chunk {
        use pages::notifications::Notifications;
        Ok(view! { <Notifications/> }.into_any())
    }

    #[wasm_split(study, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn study() -> Chunk {
        use pages::study::Study;
        Ok(view! { <Study/> }.into_any())
    }

    #[wasm_split(study, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn module(id: i64) -> Chunk {
        use pages::module::Module;
        Ok(view! { <Module id=id/> }.into_any())
    }

    #[wasm_split(study, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn lesson(id: i64) -> Chunk {
        use pages::lesson::Lesson;
        Ok(view! { <Lesson id=id/> }.into_any())
    }

    #[wasm_split(quizzes, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn quizzes() -> Chunk {
        use pages::quizzes::Quizzes;
        Ok(view! { <Quizzes/> }.into_any())
    }

    #[wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn history() -> Chunk {
        use pages::history::History;
        Ok(view! { <History/> }.into_any())
    }

    #[wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn mistakes() -> Chunk {
        use pages::mistakes::Mistakes;
        Ok(view! { <Mistakes/> }.into_any())
    }

    #[wasm_split(ranking, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn ranking() -> Chunk {
        use pages::ranking::Ranking;
        Ok(view! { <Ranking/> }.into_any())
    }

    #[wasm_split(records, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn my_reports() -> Chunk {
        use pages::my_reports::MyReports;
        Ok(view! { <MyReports/> }.into_any())
    }

    #[wasm_split(points_guide, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn points_guide() -> Chunk {
        use pages::points_guide::PointsGuide;
        Ok(view! { <PointsGuide/> }.into_any())
    }
}

/// A page from a chunk: the loading screen while the chunk is fetched (the first time
/// only), then the page; when it cannot be fetched (offline), the network error with a
/// retry in place of the page. A signal and a task rather than `Suspense`, whose machinery
/// would add to the first download.
fn lazy_page<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>
        + 'static,
{
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Loading,
        Ready,
        Failed,
    }
    let state = RwSignal::new(State::Loading);
    // The page's view, handed over once from the task to the render below.
    let page = StoredValue::new_local(None::<AnyView>);
    let load = std::sync::Arc::new(load);
    // A retry runs outside any owner (after the click), so the page's owner is kept here.
    let owner = Owner::current().unwrap_or_default();
    let fetch = move || {
        state.set(State::Loading);
        // The page is built when its chunk has arrived: under this page's owner (the
        // contexts it asks for), tracked by nothing.
        let chunk = owner.with(|| ScopedFuture::new_untracked(load()));
        spawn_local(async move {
            match chunk.await {
                Ok(view) => {
                    page.try_set_value(Some(view));
                    state.try_set(State::Ready);
                }
                Err(_) => {
                    state.try_set(State::Failed);
                }
            }
        });
    };
    fetch.clone()();
    (move || match state.get() {
        State::Loading => view! { <PageLoading/> }.into_any(),
        State::Ready => page
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| view! { <PageLoading/> }.into_any()),
        State::Failed => {
            let fetch = fetch.clone();
            // Retrying replaces this banner: after the click's handler has returned.
            let retry = move |_| {
                let fetch = fetch.clone();
                queue_microtask(fetch);
            };
            view! {
                <Page class="page-unavailable" title=K::PageUnavailable>
                    <ErrorBanner error=ApiError::network() on_retry=retry/>
                </Page>
            }
            .into_any()
        }
    })
    .into_any()
}

/// The console's page for a route; the member app's routes get a link to it. The shell and
/// the dashboard (the console's first page) are in the first download; each other section is
/// a chunk of its own (see [`chunks`]).
#[cfg(feature = "console")]
fn page_view(page: Page) -> AnyView {
    use pages::{admin_dashboard::AdminDashboard, not_found::NotFound, other_app::OtherApp};
    match page {
        Page::AdminOrg => lazy_page(chunks::org),
        Page::AdminMembers => lazy_page(chunks::members),
        Page::AdminPoints => lazy_page(chunks::points),
        Page::AdminQuestions => lazy_page(chunks::questions),
        Page::AdminQuestion(id) => lazy_page(move || chunks::question(id)),
        Page::AdminImport => lazy_page(chunks::import),
        Page::AdminQuizzes => lazy_page(chunks::quizzes),
        Page::AdminQuiz(id) => lazy_page(move || chunks::quiz(id)),
        Page::AdminAnalysis(id) => lazy_page(move || chunks::analysis(id)),
        Page::AdminDashboard => view! { <AdminDashboard/> }.into_any(),
        Page::AdminUnit(g, id) => lazy_page(move || chunks::unit(g, id)),
        Page::AdminReport => lazy_page(chunks::report),
        Page::AdminAudit => lazy_page(chunks::audit),
        Page::AdminContent => lazy_page(chunks::content),
        Page::AdminContentModule(id) => lazy_page(move || chunks::content_module(id)),
        Page::AdminQuestionReports => lazy_page(chunks::question_reports),
        Page::NotFound => view! { <NotFound/> }.into_any(),
        // The member app's pages: the router sends the browser there, so this shows only if
        // the server sent the console for a member address.
        _ => view! { <OtherApp/> }.into_any(),
    }
}

/// The console's sections that are not in its first download (split points, as in the
/// member app's [`chunks`]).
#[cfg(feature = "console")]
mod chunks {
    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    use crate::pages;

    type Chunk = Result<AnyView, SplitLoaderError>;

    #[wasm_split(org, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn org() -> Chunk {
        use pages::admin_org::AdminOrg;
        Ok(view! { <AdminOrg/> }.into_any())
    }

    #[wasm_split(members, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn members() -> Chunk {
        use pages::admin_members::AdminMembers;
        Ok(view! { <AdminMembers/> }.into_any())
    }

    #[wasm_split(points, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn points() -> Chunk {
        use pages::admin_points::AdminPoints;
        Ok(view! { <AdminPoints/> }.into_any())
    }

    #[wasm_split(questions, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn questions() -> Chunk {
        use pages::admin_questions::AdminQuestions;
        Ok(view! { <AdminQuestions/> }.into_any())
    }

    #[wasm_split(questions, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn question(id: Option<i64>) -> Chunk {
        use pages::admin_question::AdminQuestion;
        Ok(view! { <AdminQuestion id=id/> }.into_any())
    }

    #[wasm_split(import, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn import() -> Chunk {
        use pages::admin_import::AdminImport;
        Ok(view! { <AdminImport/> }.into_any())
    }

    #[wasm_split(quizzes, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn quizzes() -> Chunk {
        use pages::admin_quizzes::AdminQuizzes;
        Ok(view! { <AdminQuizzes/> }.into_any())
    }

    #[wasm_split(quizzes, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn quiz(id: Option<i64>) -> Chunk {
        use pages::admin_quiz::AdminQuiz;
        Ok(view! { <AdminQuiz id=id/> }.into_any())
    }

    #[wasm_split(quizzes, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn analysis(id: i64) -> Chunk {
        use pages::admin_analysis::AdminAnalysis;
        Ok(view! { <AdminAnalysis id=id/> }.into_any())
    }

    #[wasm_split(unit, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn unit(youth_group: bool, id: i64) -> Chunk {
        use pages::admin_unit::AdminUnit;
        Ok(view! { <AdminUnit youth_group=youth_group id=id/> }.into_any())
    }

    #[wasm_split(report, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn report() -> Chunk {
        use pages::admin_report::AdminReport;
        Ok(view! { <AdminReport/> }.into_any())
    }

    #[wasm_split(audit, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn audit() -> Chunk {
        use pages::admin_audit::AdminAudit;
        Ok(view! { <AdminAudit/> }.into_any())
    }

    #[wasm_split(content, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn content() -> Chunk {
        use pages::admin_content::AdminContent;
        Ok(view! { <AdminContent/> }.into_any())
    }

    #[wasm_split(content, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn content_module(id: Option<i64>) -> Chunk {
        use pages::admin_content_module::AdminContentModule;
        Ok(view! { <AdminContentModule id=id/> }.into_any())
    }

    #[wasm_split(question_reports, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn question_reports() -> Chunk {
        use pages::admin_question_reports::AdminQuestionReports;
        Ok(view! { <AdminQuestionReports/> }.into_any())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(role: Role, must_change_password: bool) -> Option<Viewer> {
        Some(Viewer {
            role,
            must_change_password,
        })
    }

    #[test]
    fn anonymous_users_go_to_login_and_come_back() {
        assert_eq!(redirect_for("/login", None), None);
        assert_eq!(redirect_for("/", None).as_deref(), Some("/login"));
        assert_eq!(
            redirect_for("/admin/members", None).as_deref(),
            Some("/login?next=%2Fadmin%2Fmembers")
        );
    }

    #[test]
    fn a_pending_password_change_comes_first() {
        let m = v(Role::Admin, true);
        assert_eq!(redirect_for("/", m).as_deref(), Some("/password"));
        assert_eq!(redirect_for("/admin/org", m).as_deref(), Some("/password"));
        assert_eq!(redirect_for("/login", m).as_deref(), Some("/password"));
        assert_eq!(redirect_for("/password", m), None);
    }

    #[test]
    fn members_stay_out_of_admin_pages() {
        let m = v(Role::Member, false);
        assert_eq!(redirect_for("/admin/members", m).as_deref(), Some("/"));
        assert_eq!(redirect_for("/admin", m).as_deref(), Some("/"));
        assert_eq!(redirect_for("/administration", m), None);
        assert_eq!(redirect_for("/", m), None);
        assert_eq!(redirect_for("/password", m), None);
        assert_eq!(redirect_for("/login", m).as_deref(), Some("/"));
        assert_eq!(redirect_for("/admin/org", v(Role::Organizer, false)), None);
        assert_eq!(redirect_for("/admin/members", v(Role::Admin, false)), None);
    }

    #[test]
    fn paths_map_to_pages() {
        assert_eq!(page_for("/"), Page::Home);
        assert_eq!(page_for(""), Page::Home);
        assert_eq!(page_for("/login"), Page::Login);
        assert_eq!(page_for("/password/"), Page::Password);
        assert_eq!(page_for("/admin/org"), Page::AdminOrg);
        assert_eq!(page_for("/admin/members"), Page::AdminMembers);
        assert_eq!(page_for("/admin"), Page::AdminDashboard);
        assert_eq!(page_for("/admin/"), Page::AdminDashboard);
        assert_eq!(page_for("/study"), Page::Study);
        assert_eq!(page_for("/reports"), Page::MyReports);
        assert_eq!(page_for("/points/"), Page::PointsGuide);
        assert_eq!(page_for("/modules/7"), Page::Module(7));
        assert_eq!(page_for("/lessons/12/"), Page::Lesson(12));
        assert_eq!(page_for("/attempts/3"), Page::Attempt(3));
        assert_eq!(page_for("/attempts/0"), Page::NotFound);
        assert_eq!(page_for("/attempts/x"), Page::NotFound);
        assert_eq!(page_for("/modules/1/2"), Page::NotFound);
        assert_eq!(page_for("/mistakes"), Page::Mistakes);
        assert_eq!(page_for("/quizzes/5/start"), Page::StartQuiz(5));
        assert_eq!(page_for("/quizzes/x/start"), Page::NotFound);
        assert_eq!(page_for("/mistakes/practice"), Page::PractiseMistakes);
        assert_eq!(page_for("/nope"), Page::NotFound);
        assert_eq!(page_for("/admin/content"), Page::AdminContent);
        assert_eq!(
            page_for("/admin/content/new"),
            Page::AdminContentModule(None)
        );
        assert_eq!(
            page_for("/admin/content/4"),
            Page::AdminContentModule(Some(4))
        );
        assert_eq!(
            page_for("/admin/question-reports"),
            Page::AdminQuestionReports
        );
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/admin/members")), "/admin/members");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
