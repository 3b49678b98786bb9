//! `/`: the member's start page: who and where they are, today's tasks (the daily and
//! weekly quizzes, modules due or half done, the mistake book) with progress, the points
//! card, the console's pages for staff, the notifications and the account.

use leptos::prelude::*;
use shared::api::auth::{Me, Role};
use shared::api::notifications::NotificationPage;
use shared::api::points::{MyPoints, WeeklyGoalKind};
use shared::api::quiz::{Mistake, QuizKind, QuizSummary};
use shared::api::study::ModuleSummary;

use crate::answers::quiz_kind_key;
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::components::{load, Bar, ErrorBanner, Fetch, Page, Skeleton};
use crate::format::{date, percent};
use crate::i18n::{locale, role_key, source_key, t, tf, K};
use crate::pages::study::lessons_done_of;

/// Where a quiz of today's list stands for the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizTask {
    /// Not started: the quiz to start from the quiz list.
    Todo,
    /// An attempt is open.
    Resume(i64),
    Done,
}

/// What the home page lists for today.
#[derive(Debug, Clone, PartialEq)]
pub struct Today {
    /// The daily and weekly quizzes, in that order.
    pub quizzes: Vec<(QuizSummary, QuizTask)>,
    /// Unfinished modules, those due first (earliest due date), then those half done.
    pub modules: Vec<ModuleSummary>,
    pub mistakes: usize,
}

/// Picks today's tasks from the quiz and module lists.
pub fn today_tasks(
    quizzes: Vec<QuizSummary>,
    mut modules: Vec<ModuleSummary>,
    mistakes: usize,
) -> Today {
    let mut list: Vec<(QuizSummary, QuizTask)> = quizzes
        .into_iter()
        .filter(|q| matches!(q.kind, QuizKind::Daily | QuizKind::Weekly))
        .map(|q| {
            let task = match (q.open_attempt_id, q.can_start) {
                (Some(a), _) => QuizTask::Resume(a),
                (None, true) => QuizTask::Todo,
                (None, false) => QuizTask::Done,
            };
            (q, task)
        })
        .collect();
    list.sort_by_key(|(q, _)| q.kind != QuizKind::Daily);
    modules.retain(|m| !m.completed);
    modules.sort_by_key(|m| (m.due_at.unwrap_or(i64::MAX), -m.lessons_completed, m.id));
    modules.truncate(3);
    Today {
        quizzes: list,
        modules,
        mistakes,
    }
}

/// Where a quiz task leads, what its button says and how it looks.
pub fn quiz_task_link(quiz_id: i64, task: &QuizTask) -> (String, K, &'static str) {
    match task {
        QuizTask::Todo => (
            format!("/quizzes/{quiz_id}/start"),
            K::HomeTaskGo,
            "task-go",
        ),
        QuizTask::Resume(a) => (format!("/attempts/{a}"), K::HomeTaskContinue, "task-go"),
        QuizTask::Done => ("/history".into(), K::HomeTaskDone, "task-done"),
    }
}

/// The weekly goal's line: reached, or how far along.
pub fn goal_text(p: &MyPoints) -> String {
    let g = &p.weekly_goal;
    if g.reached {
        return t(K::PointsGoalReached).into();
    }
    let key = match g.kind {
        WeeklyGoalKind::ActiveDays => K::PointsGoalDays,
        WeeklyGoalKind::Points => K::PointsGoalPoints,
    };
    tf(
        key,
        &[
            ("target", &g.target.to_string()),
            ("progress", &g.progress.to_string()),
        ],
    )
}

/// The staff's links to the console: (href, id, title, description); none for members.
pub fn manage_links(role: Role) -> Vec<(&'static str, &'static str, K, K)> {
    let mut links = match role {
        Role::Member => return vec![],
        Role::Organizer | Role::Admin => vec![
            ("/admin/org", "", K::HomeManageOrg, K::HomeManageOrgDesc),
            (
                "/admin/members",
                "",
                K::HomeManageMembers,
                K::HomeManageMembersDesc,
            ),
            (
                "/admin/questions",
                "to-bank",
                K::ManageQuestions,
                K::ManageQuestionsDesc,
            ),
            (
                "/admin/dashboard",
                "to-dashboard",
                K::DashTitle,
                K::DashDesc,
            ),
            (
                "/admin/quizzes",
                "to-quizzes",
                K::ManageQuizzes,
                K::ManageQuizzesDesc,
            ),
        ],
    };
    if role == Role::Admin {
        links.push(("/admin/audit", "to-audit", K::AuditTitle, K::AuditDesc));
        links.push((
            "/admin/points",
            "",
            K::HomeManagePoints,
            K::HomeManagePointsDesc,
        ));
    }
    links
}

/// A link of the home page's lists.
#[component]
fn LinkRow(
    href: &'static str,
    #[prop(optional)] id: &'static str,
    title: K,
    desc: String,
) -> impl IntoView {
    view! {
        <li>
            <a href=href class="link-row" id=(!id.is_empty()).then_some(id)>
                <span class="link-title">{t(title)}</span>
                <span class="link-desc">{desc}</span>
            </a>
        </li>
    }
}

/// Who and where the member is.
#[component]
fn Hero(me: Me) -> impl IntoView {
    let or = |v: Option<String>, none: K| v.unwrap_or_else(|| t(none).into());
    let facts = [
        (K::HomeBranch, or(me.branch_name, K::HomeNoBranch)),
        (
            K::HomeYouthGroup,
            or(me.youth_group_name, K::HomeNoYouthGroup),
        ),
    ];
    view! {
        <section class="card hero">
            <p class="hero-org">{me.organization_name}</p>
            <h2 class="hero-name">{tf(K::HomeGreeting, &[("name", &me.display_name)])}</h2>
            <span class="badge">{t(role_key(me.role))}</span>
            <dl class="facts">
                {facts
                    .into_iter()
                    .map(|(label, value)| view! { <div><dt>{t(label)}</dt><dd>{value}</dd></div> })
                    .collect_view()}
            </dl>
        </section>
    }
}

/// One row of today's tasks.
#[component]
fn TaskRow(
    href: String,
    class: &'static str,
    name: String,
    sub: String,
    state: K,
    state_class: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <li>
            <a class=format!("task {class}") href=href>
                <span class="task-name">{name}</span>
                <span class="task-sub">{sub}</span>
                <span class=state_class>{t(state)}</span>
                {children.map(|c| c())}
            </a>
        </li>
    }
}

/// Today's tasks as a list of links, each with its state.
#[component]
pub fn Tasks(today: Today) -> impl IntoView {
    let all_done =
        today.quizzes.iter().all(|(_, s)| *s == QuizTask::Done) && today.modules.is_empty();
    let quizzes = today.quizzes.into_iter().map(|(q, task)| {
        let (href, state, state_class) = quiz_task_link(q.id, &task);
        let sub = tf(K::QuizQuestions, &[("n", &q.question_count.to_string())]);
        view! {
            <TaskRow href class=q.kind.as_str() name=t(quiz_kind_key(q.kind)).into() sub state state_class/>
        }
    });
    let modules = today.modules.into_iter().map(|m| {
        let sub = match m.due_at {
            Some(d) => tf(K::StudyDue, &[("date", &date(d, locale()))]),
            None => lessons_done_of(&m),
        };
        let p = percent(m.lessons_completed, m.lesson_count);
        view! {
            <TaskRow
                href=format!("/modules/{}", m.id)
                class="module-task"
                name=m.title
                sub=sub.clone()
                state=K::HomeContinueStudy
                state_class="task-go"
            >
                <Bar percent=p label=sub.clone()/>
            </TaskRow>
        }
    });
    let mistakes = (today.mistakes > 0).then(|| {
        let sub = tf(K::HomeMistakes, &[("n", &today.mistakes.to_string())]);
        view! {
            <TaskRow href="/mistakes".into() class="" name=t(K::MistakeBook).into() sub state=K::HomeTaskGo state_class="task-go"/>
        }
    });
    view! {
        {all_done.then(|| view! { <p class="banner success">{t(K::HomeAllDone)}</p> })}
        <ul class="tasks">
            {quizzes.collect_view()}
            {modules.collect_view()}
            {mistakes}
        </ul>
    }
}

/// The points card: today, this week and all time; the streak; the weekly goal; then
/// "x / y" per source for today.
#[component]
pub fn PointsCard(points: MyPoints) -> impl IntoView {
    let goal = goal_text(&points);
    let g = &points.weekly_goal;
    let progress = percent(g.progress, g.target);
    let totals = [
        (K::PointsToday, points.totals.day),
        (K::PointsWeek, points.totals.week),
        (K::PointsAll, points.totals.all),
    ];
    let streak = format!(
        "{} · {}",
        tf(
            K::PointsStreak,
            &[("n", &points.streak.current.to_string())]
        ),
        tf(
            K::PointsBestStreak,
            &[("n", &points.streak.best.to_string())]
        )
    );
    let sources = points.tasks.into_iter().filter(|x| x.cap > 0).map(|x| {
        view! {
            <li class=if x.done { "done" } else { "" }>
                <span>{t(source_key(x.source))}</span>
                <span class="x-of-y">{format!("{}/{}", x.points, x.cap)}</span>
            </li>
        }
    });
    view! {
        <section class="card points">
            <h2 class="card-title">{t(K::PointsTitle)}</h2>
            <div class="stats">
                {totals
                    .into_iter()
                    .map(|(label, n)| view! { <div><b>{n}</b><span>{t(label)}</span></div> })
                    .collect_view()}
            </div>
            <p class="streak">{streak}</p>
            <p class="goal">{goal.clone()}</p>
            <Bar percent=progress label=goal/>
            <h3 class="sub-title">{t(K::PointsEarned)}</h3>
            <ul class="sources">{sources.collect_view()}</ul>
        </section>
    }
}

/// Today's tasks once both lists are in; the mistake count is a bonus the tasks show
/// without.
fn today_of(quizzes: Fetch, modules: Fetch, mistakes: Fetch) -> Option<Result<Today, ApiError>> {
    let q = quizzes.read::<Vec<QuizSummary>>()?;
    let m = modules.read::<Vec<ModuleSummary>>()?;
    let n = mistakes
        .read::<Vec<Mistake>>()
        .and_then(Result::ok)
        .map_or(0, |v| v.len());
    Some(q.and_then(|q| m.map(|m| today_tasks(q, m, n))))
}

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let quizzes = load(|| api::QUIZZES.into());
    let modules = load(|| api::MODULES.into());
    let mistakes = load(|| api::MISTAKES.into());
    let points = load(|| api::MY_POINTS.into());
    let unread = load(|| format!("{}?limit=1&unread_only=true", api::NOTIFICATIONS));
    let retry = move |_| {
        quizzes.reload();
        modules.reload();
    };
    let tasks = move || match today_of(quizzes, modules, mistakes) {
        None => view! { <Skeleton lines=3/> }.into_any(),
        Some(Err(error)) => view! { <ErrorBanner error on_retry=retry/> }.into_any(),
        Some(Ok(today)) => view! { <Tasks today/> }.into_any(),
    };
    let notices = move || match unread.read::<NotificationPage>().and_then(Result::ok) {
        Some(p) if p.unread > 0 => tf(K::NoticeUnread, &[("n", &p.unread.to_string())]),
        _ => t(K::NoticeDue).into(),
    };
    let role = move || session.with_me(|m| Some(m.role));
    view! {
        <Page class="home" title=K::AppName>
            {move || session.user.get().map(|me| view! { <Hero me/> })}
            <section class="card today">
                <h2 class="card-title">{t(K::HomeTodayTasks)}</h2>
                {tasks}
            </section>
            {move || {
                points
                    .read::<MyPoints>()
                    .and_then(Result::ok)
                    .map(|points| view! { <PointsCard points/> })
            }}
            {move || {
                let links = manage_links(role()?);
                (!links.is_empty())
                    .then(|| {
                        view! {
                            <section class="card">
                                <h2 class="card-title">{t(K::HomeManage)}</h2>
                                <ul class="link-list">
                                    {links
                                        .into_iter()
                                        .map(|(href, id, title, desc)| view! { <LinkRow href id title desc=t(desc).into()/> })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
            <section class="card">
                <h2 class="card-title">{t(K::HomeAccount)}</h2>
                <ul class="link-list">
                    {move || view! { <LinkRow href="/notifications" id="to-notifications" title=K::NoticeTitle desc=notices()/> }}
                    <LinkRow href="/password" title=K::PasswordTitle desc=t(K::PasswordRules).into()/>
                </ul>
            </section>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use shared::api::points::{PointsSource, PointsTotals, Streak, TodayTask, WeeklyGoal};

    fn quiz(id: i64, kind: QuizKind, can_start: bool, open: Option<i64>) -> QuizSummary {
        QuizSummary {
            id,
            title: format!("q{id}"),
            kind,
            module_id: None,
            question_count: 5,
            time_limit_secs: None,
            pass_mark: None,
            max_attempts: None,
            opens_at: None,
            closes_at: None,
            attempts_used: 0,
            can_start,
            blocked_reason: None,
            open_attempt_id: open,
        }
    }

    fn module(id: i64, due: Option<i64>, done: i64, completed: bool) -> ModuleSummary {
        ModuleSummary {
            id,
            title: format!("m{id}"),
            track: shared::api::study::Track::Theory,
            description: String::new(),
            due_at: due,
            lesson_count: 5,
            lessons_completed: done,
            completed,
        }
    }

    #[test]
    fn today_lists_daily_then_weekly_with_their_state() {
        let qs = vec![
            quiz(1, QuizKind::Weekly, false, None),
            quiz(2, QuizKind::Exam, true, None),
            quiz(3, QuizKind::Daily, true, Some(9)),
        ];
        let today = today_tasks(qs, vec![], 0);
        let got: Vec<(i64, QuizTask)> = today
            .quizzes
            .iter()
            .map(|(q, st)| (q.id, st.clone()))
            .collect();
        assert_eq!(got, [(3, QuizTask::Resume(9)), (1, QuizTask::Done)]);
        assert_eq!(
            quiz_task_link(3, &QuizTask::Resume(9)).0,
            "/attempts/9".to_string()
        );
        assert_eq!(quiz_task_link(1, &QuizTask::Done).1, K::HomeTaskDone);
        assert_eq!(
            quiz_task_link(4, &QuizTask::Todo),
            ("/quizzes/4/start".into(), K::HomeTaskGo, "task-go")
        );
    }

    #[test]
    fn modules_due_come_first_and_finished_ones_drop_out() {
        let ms = vec![
            module(1, None, 1, false),
            module(2, Some(2_000), 0, false),
            module(3, Some(1_000), 0, false),
            module(4, None, 5, true),
            module(5, None, 3, false),
            module(6, None, 0, false),
        ];
        let ids: Vec<i64> = today_tasks(vec![], ms, 0)
            .modules
            .iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, [3, 2, 5]);
    }

    #[test]
    fn staff_see_the_console_pages_they_may_open() {
        assert!(manage_links(Role::Member).is_empty());
        let org: Vec<&str> = manage_links(Role::Organizer).iter().map(|l| l.0).collect();
        assert!(org.contains(&"/admin/questions") && org.contains(&"/admin/dashboard"));
        assert!(!org.contains(&"/admin/points") && !org.contains(&"/admin/audit"));
        let admin: Vec<&str> = manage_links(Role::Admin).iter().map(|l| l.0).collect();
        assert!(admin.contains(&"/admin/points") && admin.contains(&"/admin/audit"));
    }

    #[test]
    fn the_weekly_goal_says_how_far_along() {
        let mut p = MyPoints {
            day: "2026-12-04".into(),
            tasks: vec![TodayTask {
                source: PointsSource::SignIn,
                points: 1,
                cap: 1,
                points_per_unit: 1,
                done: true,
            }],
            totals: PointsTotals::default(),
            streak: Streak::default(),
            weekly_goal: WeeklyGoal {
                kind: WeeklyGoalKind::ActiveDays,
                target: 5,
                progress: 2,
                reached: false,
                week: "W:2026-11-30".into(),
            },
        };
        let text = goal_text(&p);
        assert!(text.contains('5') && text.contains('2'), "{text}");
        p.weekly_goal.reached = true;
        assert_eq!(goal_text(&p), t(K::PointsGoalReached));
    }
}
