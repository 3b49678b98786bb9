//! `/`: the member's start page: who and where they are, today's tasks (the daily and
//! weekly quizzes, modules due or half done, the mistake book) with progress, the points
//! card, the console's pages for staff, the notifications and the account.

use leptos::prelude::*;
use shared::api::auth::{Me, Role};
use shared::api::dashboard::ItemKind;
use shared::api::notifications::DueItem;
use shared::api::points::{MyPoints, WeeklyGoalKind};
use shared::api::quiz::{Mistake, QuizKind, QuizSummary};
use shared::api::study::ModuleSummary;

use crate::answers::quiz_kind_key;
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::browser;
use crate::components::{load, Bar, ErrorBanner, Fetch, Page, Skeleton};
use crate::format::{date, percent};
use crate::i18n::{locale, role_key, source_key, t, tf, K};

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
    /// Assigned work not done yet, in the server's order (overdue and soonest due first,
    /// undated last): everything with a deadline, then at most [`UNDATED`] items without
    /// one.
    pub assigned: Vec<Assigned>,
    /// Undated items left out (the notifications page lists them all).
    pub more: usize,
    pub mistakes: usize,
}

/// Items without a deadline that today's list shows at most.
pub const UNDATED: usize = 3;

/// One piece of assigned work on today's list.
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    pub item: DueItem,
    /// A quiz's state (resume its open attempt, or start it).
    pub quiz: Option<QuizTask>,
    /// A module's progress: (lessons done, lessons).
    pub lessons: Option<(i64, i64)>,
}

impl Assigned {
    /// Where it is done.
    pub fn href(&self) -> String {
        match (&self.quiz, self.item.item.kind) {
            (Some(QuizTask::Resume(a)), _) => format!("/attempts/{a}"),
            (_, ItemKind::Quiz) => format!("/quizzes/{}/start", self.item.item.id),
            (_, ItemKind::Module) => format!("/modules/{}", self.item.item.id),
        }
    }

    /// Past its due date at `now`.
    pub fn overdue(&self, now: i64) -> bool {
        self.item.item.due_at.is_some_and(|d| d < now)
    }

    /// The line under its title: required or not, and its deadline (or that it is overdue).
    pub fn line(&self, now: i64) -> String {
        let mut parts: Vec<String> = vec![];
        if self.item.required {
            parts.push(t(K::HomeRequired).into());
        }
        if let Some(d) = self.item.item.due_at {
            let day = date(d, locale());
            parts.push(if self.overdue(now) {
                tf(K::HomeOverdue, &[("date", &day)])
            } else {
                tf(K::StudyDue, &[("date", &day)])
            });
        } else if let Some((done, all)) = self.lessons {
            parts.push(tf(
                K::StudyLessonsDone,
                &[("done", &done.to_string()), ("total", &all.to_string())],
            ));
        }
        parts.join(" · ")
    }
}

/// Picks today's tasks from the quiz list, what is assigned and unfinished (in the
/// server's order), and the module list (for progress).
pub fn today_tasks(
    quizzes: Vec<QuizSummary>,
    due: Vec<DueItem>,
    modules: &[ModuleSummary],
    mistakes: usize,
) -> Today {
    let task_of = |q: &QuizSummary| match (q.open_attempt_id, q.can_start) {
        (Some(a), _) => QuizTask::Resume(a),
        (None, true) => QuizTask::Todo,
        (None, false) => QuizTask::Done,
    };
    let daily = quizzes.iter().filter(|q| q.kind == QuizKind::Daily);
    let weekly = quizzes.iter().filter(|q| q.kind == QuizKind::Weekly);
    let list: Vec<(QuizSummary, QuizTask)> = daily
        .chain(weekly)
        .map(|q| (q.clone(), task_of(q)))
        .collect();
    let mut undated = 0;
    let assigned: Vec<Assigned> = due
        .into_iter()
        .filter_map(|item| {
            let id = item.item.id;
            match item.item.kind {
                ItemKind::Quiz => {
                    let q = quizzes.iter().find(|q| q.id == id);
                    // Daily and weekly quizzes are listed above; one the member cannot
                    // start now (not open yet, no attempts left) is not today's work.
                    if q.is_some_and(|q| {
                        matches!(q.kind, QuizKind::Daily | QuizKind::Weekly)
                            || task_of(q) == QuizTask::Done
                    }) {
                        return None;
                    }
                    Some(Assigned {
                        quiz: q.map(task_of),
                        lessons: None,
                        item,
                    })
                }
                ItemKind::Module => {
                    let m = modules.iter().find(|m| m.id == id);
                    Some(Assigned {
                        quiz: None,
                        lessons: m.map(|m| (m.lessons_completed, m.lesson_count)),
                        item,
                    })
                }
            }
        })
        .filter(|a| {
            if a.item.item.due_at.is_some() {
                return true;
            }
            undated += 1;
            undated <= UNDATED
        })
        .collect();
    Today {
        quizzes: list,
        assigned,
        more: undated.saturating_sub(UNDATED),
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

/// The console's entry for staff (its own navigation leads on); none for members.
pub fn console_link(role: Role) -> Option<(K, K)> {
    match role {
        Role::Member => None,
        Role::Organizer => Some((K::HomeConsole, K::HomeConsoleOrganizer)),
        Role::Admin => Some((K::HomeConsole, K::HomeConsoleAdmin)),
    }
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
    let now = browser::now_ms();
    let all_done =
        today.quizzes.iter().all(|(_, s)| *s == QuizTask::Done) && today.assigned.is_empty();
    let quizzes = today.quizzes.into_iter().map(|(q, task)| {
        let (href, state, state_class) = quiz_task_link(q.id, &task);
        let sub = tf(K::QuizQuestions, &[("n", &q.question_count.to_string())]);
        view! {
            <TaskRow href class=q.kind.as_str() name=t(quiz_kind_key(q.kind)).into() sub state state_class/>
        }
    });
    let assigned = today.assigned.into_iter().map(|a| {
        let sub = a.line(now);
        let href = a.href();
        let overdue = a.overdue(now);
        let (class, state) = match (a.item.item.kind, &a.quiz) {
            (_, Some(QuizTask::Resume(_))) => ("quiz-task", K::HomeTaskContinue),
            (ItemKind::Quiz, _) => ("quiz-task", K::HomeTaskGo),
            (ItemKind::Module, _) if a.item.started => ("module-task", K::HomeContinueStudy),
            (ItemKind::Module, _) => ("module-task", K::HomeStartStudy),
        };
        let class = if overdue { "overdue" } else { class };
        let bar = a.lessons.map(|(done, all)| {
            let p = percent(done, all);
            view! { <Bar percent=p label=sub.clone()/> }
        });
        view! {
            <TaskRow href class name=a.item.item.title sub=sub.clone() state state_class="task-go">
                {bar}
            </TaskRow>
        }
    });
    let more = (today.more > 0).then(|| {
        let name = tf(K::HomeMoreTasks, &[("n", &today.more.to_string())]);
        view! {
            <TaskRow href="/notifications".into() class="more" name sub=String::new() state=K::HomeSeeAll state_class="task-go"/>
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
            {assigned.collect_view()}
            {more}
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
            <a class="card-link" href="/points">{t(K::PointsGuideLink)}" ›"</a>
        </section>
    }
}

/// Today's tasks once both lists are in; the mistake count is a bonus the tasks show
/// without.
fn today_of(
    quizzes: Fetch,
    due: Fetch,
    modules: Fetch,
    mistakes: Fetch,
) -> Option<Result<Today, ApiError>> {
    let q = quizzes.read::<Vec<QuizSummary>>()?;
    let d = due.read::<Vec<DueItem>>()?;
    // Progress bars are a bonus the list shows without.
    let m = modules
        .read::<Vec<ModuleSummary>>()
        .and_then(Result::ok)
        .unwrap_or_default();
    let n = mistakes
        .read::<Vec<Mistake>>()
        .and_then(Result::ok)
        .map_or(0, |v| v.len());
    Some(q.and_then(|q| d.map(|d| today_tasks(q, d, &m, n))))
}

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let quizzes = load(|| api::QUIZZES.into());
    let due = load(|| format!("{}/due", api::NOTIFICATIONS));
    let modules = load(|| api::MODULES.into());
    let mistakes = load(|| api::MISTAKES.into());
    let points = load(|| api::MY_POINTS.into());
    let retry = move |_| {
        quizzes.reload();
        due.reload();
    };
    let tasks = move || match today_of(quizzes, due, modules, mistakes) {
        None => view! { <Skeleton lines=3/> }.into_any(),
        Some(Err(error)) => view! { <ErrorBanner error on_retry=retry/> }.into_any(),
        Some(Ok(today)) => view! { <Tasks today/> }.into_any(),
    };
    // The bell's count (the top bar keeps it).
    let notices = move || match session.unread.get() {
        Some(n) if n > 0 => tf(K::NoticeUnread, &[("n", &n.to_string())]),
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
                console_link(role()?).map(|(title, desc)| {
                    view! {
                        <section class="card">
                            <h2 class="card-title">{t(K::HomeManage)}</h2>
                            <ul class="link-list">
                                <LinkRow href="/admin" id="to-console" title desc=t(desc).into()/>
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
            reveal: shared::api::quiz::Reveal::AfterSubmit,
            required: false,
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
            lessons_started: done,
            completed,
        }
    }

    fn due(kind: ItemKind, id: i64, due_at: Option<i64>, required: bool) -> DueItem {
        DueItem {
            item: shared::api::dashboard::ItemRef {
                kind,
                id,
                title: format!("item{id}"),
                module_id: None,
                due_at,
            },
            started: false,
            required,
        }
    }

    #[test]
    fn today_lists_daily_then_weekly_with_their_state() {
        let qs = vec![
            quiz(1, QuizKind::Weekly, false, None),
            quiz(2, QuizKind::Exam, true, None),
            quiz(3, QuizKind::Daily, true, Some(9)),
        ];
        let today = today_tasks(qs, vec![], &[], 0);
        let got: Vec<(i64, QuizTask)> = today
            .quizzes
            .iter()
            .map(|(q, st)| (q.id, st.clone()))
            .collect();
        assert_eq!(got, [(3, QuizTask::Resume(9)), (1, QuizTask::Done)]);
        assert!(
            today.assigned.is_empty(),
            "an exam nobody assigned is not a task"
        );
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
    fn assigned_work_is_listed_in_the_servers_order_with_its_deadline() {
        let day = 86_400_000;
        let now = 100 * day;
        let qs = vec![
            quiz(2, QuizKind::Exam, true, None),
            quiz(5, QuizKind::Exam, true, Some(44)),
            quiz(6, QuizKind::Exam, false, None),
            quiz(7, QuizKind::Daily, true, None),
        ];
        let due = vec![
            due(ItemKind::Module, 10, Some(now - 2 * day), true),
            due(ItemKind::Quiz, 2, Some(now + 3 * day), true),
            due(ItemKind::Quiz, 5, Some(now + 4 * day), true),
            due(ItemKind::Quiz, 6, Some(now + 5 * day), true),
            due(ItemKind::Quiz, 7, None, true),
            due(ItemKind::Module, 11, None, true),
            due(ItemKind::Module, 12, None, true),
            due(ItemKind::Module, 13, None, true),
            due(ItemKind::Module, 14, None, true),
        ];
        let modules = vec![module(10, Some(now - 2 * day), 1, false)];
        let today = today_tasks(qs, due, &modules, 0);
        let ids: Vec<i64> = today.assigned.iter().map(|a| a.item.item.id).collect();
        // Quiz 6 cannot be started any more and the daily quiz is listed above; three
        // undated items at most, the rest counted.
        assert_eq!(ids, [10, 2, 5, 11, 12, 13]);
        assert_eq!(today.more, 1);
        let overdue = &today.assigned[0];
        assert!(overdue.overdue(now) && !today.assigned[1].overdue(now));
        assert_eq!(overdue.href(), "/modules/10");
        assert_eq!(overdue.lessons, Some((1, 5)));
        assert!(overdue.line(now).contains(&date(now - 2 * day, locale())));
        assert!(overdue.line(now).starts_with(t(K::HomeRequired)));
        assert_eq!(today.assigned[1].href(), "/quizzes/2/start");
        assert_eq!(
            today.assigned[2].href(),
            "/attempts/44",
            "an open attempt resumes"
        );
    }

    #[test]
    fn staff_get_the_console_and_members_do_not() {
        assert_eq!(console_link(Role::Member), None);
        assert_eq!(
            console_link(Role::Organizer),
            Some((K::HomeConsole, K::HomeConsoleOrganizer))
        );
        assert_eq!(
            console_link(Role::Admin),
            Some((K::HomeConsole, K::HomeConsoleAdmin))
        );
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
