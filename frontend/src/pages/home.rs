//! `/`: the member's start page: who and where they are, today's tasks (the daily and
//! weekly quizzes, modules due or half done, the mistake book) with progress, and the
//! admin pages for staff.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::auth::{Me, Role};
use shared::api::points::{PointsSource, WeeklyGoalKind};
use shared::api::quiz::QuizKind;

use crate::answers::quiz_kind_key;
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::components::{region, Fetch, Page};
use crate::format::{date, percent};
use crate::html::{bar, el, error_html, esc, skeleton_html};
use crate::i18n::{locale, role_key, source_key, t, tf, K};
use crate::json::{b as jb, i, items, list, obj, s};
use crate::pages::study::lessons_done;

/// The catalogue key naming a points source.
/// The points card (`MyPoints`): today, this week and all time; the streak; the weekly
/// goal; then "x / y" per source for today.
pub fn points_html(p: &Value) -> String {
    let empty = Value::Null;
    let totals = obj(p, "totals").unwrap_or(&empty);
    let streak = obj(p, "streak").unwrap_or(&empty);
    let goal = obj(p, "weekly_goal").unwrap_or(&empty);
    let mut h = String::from(r#"<section class="card points"><h2 class="card-title">"#);
    h += t(K::PointsTitle);
    h += r#"</h2><div class="stats">"#;
    for (label, key) in [
        (K::PointsToday, "day"),
        (K::PointsWeek, "week"),
        (K::PointsAll, "all"),
    ] {
        h += &format!(
            "<div><b>{}</b>{}</div>",
            i(totals, key),
            el("span", "", t(label))
        );
    }
    h += "</div>";
    h += &el(
        "p",
        "streak",
        &format!(
            "{} · {}",
            tf(K::PointsStreak, &[("n", &i(streak, "current").to_string())]),
            tf(
                K::PointsBestStreak,
                &[("n", &i(streak, "best").to_string())]
            )
        ),
    );
    let (target, progress) = (i(goal, "target"), i(goal, "progress"));
    let text = if jb(goal, "reached") {
        t(K::PointsGoalReached).to_string()
    } else {
        let key = match WeeklyGoalKind::parse(s(goal, "kind")) {
            Some(WeeklyGoalKind::ActiveDays) => K::PointsGoalDays,
            _ => K::PointsGoalPoints,
        };
        tf(
            key,
            &[
                ("target", &target.to_string()),
                ("progress", &progress.to_string()),
            ],
        )
    };
    h += &el("p", "goal", &text);
    h += &bar(percent(progress, target), &text);
    h += &el("h3", "sub-title", t(K::PointsEarned));
    h += r#"<ul class="sources">"#;
    for task in list(p, "tasks").iter().filter(|x| i(x, "cap") > 0) {
        let Some(source) = PointsSource::parse(s(task, "source")) else {
            continue;
        };
        h += &format!(
            r#"<li class="{}">{}<span class="x-of-y">{}/{}</span></li>"#,
            if jb(task, "done") { "done" } else { "" },
            el("span", "", t(source_key(source))),
            i(task, "points"),
            i(task, "cap")
        );
    }
    h += "</ul></section>";
    h
}

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
    /// The daily and weekly quizzes (`QuizSummary`), in that order.
    pub quizzes: Vec<(Value, QuizTask)>,
    /// Unfinished modules (`ModuleSummary`), those due first (earliest due date), then
    /// those half done.
    pub modules: Vec<Value>,
    pub mistakes: usize,
}

fn quiz_kind(q: &Value) -> Option<QuizKind> {
    QuizKind::parse(s(q, "kind"))
}

fn due(m: &Value) -> Option<i64> {
    obj(m, "due_at").and_then(Value::as_i64)
}

/// Picks today's tasks from the quiz and module lists (read as `Value`, see `crate::json`).
pub fn today_tasks(quizzes: &[Value], mut modules: Vec<Value>, mistakes: usize) -> Today {
    let mut list: Vec<(Value, QuizTask)> = quizzes
        .iter()
        .filter(|q| matches!(quiz_kind(q), Some(QuizKind::Daily | QuizKind::Weekly)))
        .map(|q| {
            let open = obj(q, "open_attempt_id").and_then(Value::as_i64);
            let task = match (open, jb(q, "can_start")) {
                (Some(a), _) => QuizTask::Resume(a),
                (None, true) => QuizTask::Todo,
                (None, false) => QuizTask::Done,
            };
            (q.clone(), task)
        })
        .collect();
    list.sort_by_key(|(q, _)| quiz_kind(q) != Some(QuizKind::Daily));
    modules.retain(|m| !jb(m, "completed"));
    modules.sort_by_key(|m| {
        (
            due(m).unwrap_or(i64::MAX),
            -i(m, "lessons_completed"),
            i(m, "id"),
        )
    });
    modules.truncate(3);
    Today {
        quizzes: list,
        modules,
        mistakes,
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let quizzes = Fetch::new(|| api::QUIZZES.into());
    let modules = Fetch::new(|| api::MODULES.into());
    let mistakes = Fetch::new(|| api::MISTAKES.into());
    let points = Fetch::new(|| api::MY_POINTS.into());
    let unread = Fetch::new(|| format!("{}?limit=1&unread_only=true", api::NOTIFICATIONS));
    let html = move || {
        let today = (|| -> Option<Result<Today, ApiError>> {
            let q = quizzes.get()?;
            let m = modules.get()?;
            // The mistake count is a bonus: the tasks show without it.
            let n = mistakes
                .get()
                .and_then(Result::ok)
                .map_or(0, |v| items(&v).len());
            Some(q.and_then(|q| m.map(|m| today_tasks(items(&q), items(&m).to_vec(), n))))
        })();
        let points = points.get().and_then(Result::ok);
        let unread = unread
            .get()
            .and_then(Result::ok)
            .map_or(0, |v| i(&v, "unread"));
        session
            .user
            .with(|me| home_html(me.as_ref(), today, points.as_ref(), unread))
    };
    view! {
        <Page class="home" title=K::AppName>
            {region(
                "",
                html,
                move |_| {
                    quizzes.reload();
                    modules.reload();
                },
            )}
        </Page>
    }
}

/// A link of the home page's lists.
fn link_row(href: &str, id: &str, title: K, desc: &str) -> String {
    format!(
        r#"<li><a href="{href}" class="link-row"{id}>{}{}</a></li>"#,
        el("span", "link-title", t(title)),
        el("span", "link-desc", desc)
    )
}

/// The whole home page: who and where the member is, today's tasks (placeholder lines
/// while loading, the error with a retry button), the points card, the admin pages for
/// staff, the notifications (how many are unread) and the account.
pub fn home_html(
    me: Option<&Me>,
    today: Option<Result<Today, ApiError>>,
    points: Option<&Value>,
    unread: i64,
) -> String {
    let role = me.map_or(Role::Member, |m| m.role);
    let text =
        |f: fn(&Me) -> Option<&str>, none: K| me.and_then(f).unwrap_or_else(|| t(none)).to_string();
    let mut h = String::from(r#"<section class="card hero">"#);
    h += &el("p", "hero-org", me.map_or("", |m| &m.organization_name));
    h += &el(
        "h2",
        "hero-name",
        &tf(
            K::HomeGreeting,
            &[("name", me.map_or("", |m| &m.display_name))],
        ),
    );
    h += &el(
        "span",
        "badge",
        if me.is_some() { t(role_key(role)) } else { "" },
    );
    h += r#"<dl class="facts">"#;
    for (label, value) in [
        (
            K::HomeBranch,
            text(|m| m.branch_name.as_deref(), K::HomeNoBranch),
        ),
        (
            K::HomeYouthGroup,
            text(|m| m.youth_group_name.as_deref(), K::HomeNoYouthGroup),
        ),
    ] {
        h += &format!(
            "<div>{}{}</div>",
            el("dt", "", t(label)),
            el("dd", "", &value)
        );
    }
    h += r#"</dl></section><section class="card today">"#;
    h += &el("h2", "card-title", t(K::HomeTodayTasks));
    h += &match today {
        None => skeleton_html(3),
        Some(Err(e)) => error_html(&e, true),
        Some(Ok(tasks)) => tasks_html(&tasks),
    };
    h += "</section>";
    if let Some(p) = points {
        h += &points_html(p);
    }
    if matches!(role, Role::Admin | Role::Organizer) && me.is_some() {
        h += r#"<section class="card">"#;
        h += &el("h2", "card-title", t(K::HomeManage));
        h += r#"<ul class="link-list">"#;
        h += &link_row("/admin/org", "", K::HomeManageOrg, t(K::HomeManageOrgDesc));
        h += &link_row(
            "/admin/members",
            "",
            K::HomeManageMembers,
            t(K::HomeManageMembersDesc),
        );
        h += &link_row(
            "/admin/questions",
            r#" id="to-bank""#,
            K::ManageQuestions,
            t(K::ManageQuestionsDesc),
        );
        h += &link_row(
            "/admin/dashboard",
            r#" id="to-dashboard""#,
            K::DashTitle,
            t(K::DashDesc),
        );
        h += &link_row(
            "/admin/quizzes",
            r#" id="to-quizzes""#,
            K::ManageQuizzes,
            t(K::ManageQuizzesDesc),
        );
        if role == Role::Admin {
            h += &link_row(
                "/admin/audit",
                r#" id="to-audit""#,
                K::AuditTitle,
                t(K::AuditDesc),
            );
            h += &link_row(
                "/admin/points",
                "",
                K::HomeManagePoints,
                t(K::HomeManagePointsDesc),
            );
        }
        h += "</ul></section>";
    }
    h += r#"<section class="card">"#;
    h += &el("h2", "card-title", t(K::HomeAccount));
    h += r#"<ul class="link-list">"#;
    let notices = if unread > 0 {
        tf(K::NoticeUnread, &[("n", &unread.to_string())])
    } else {
        t(K::NoticeDue).to_string()
    };
    h += &link_row(
        "/notifications",
        r#" id="to-notifications""#,
        K::NoticeTitle,
        &notices,
    );
    h += &link_row("/password", "", K::PasswordTitle, t(K::PasswordRules));
    h += "</ul></section>";
    h
}

/// Today's tasks as a list of links, each with its state.
pub fn tasks_html(tasks: &Today) -> String {
    let all_done =
        tasks.quizzes.iter().all(|(_, s)| *s == QuizTask::Done) && tasks.modules.is_empty();
    let mut h = String::new();
    if all_done {
        h += &el("p", "banner success", t(K::HomeAllDone));
    }
    h += r#"<ul class="tasks">"#;
    let row = |href: &str,
               class: &str,
               name: &str,
               sub: &str,
               state: &str,
               state_class: &str,
               extra: &str| {
        format!(
            r#"<li><a class="task {class}" href="{}">{}{}{}{extra}</a></li>"#,
            esc(href),
            el("span", "task-name", name),
            el("span", "task-sub", sub),
            el("span", state_class, state),
        )
    };
    for (q, state) in &tasks.quizzes {
        let (href, label, class) = match state {
            QuizTask::Todo => (
                format!("/quizzes/{}/start", i(q, "id")),
                t(K::HomeTaskGo),
                "task-go",
            ),
            QuizTask::Resume(a) => (format!("/attempts/{a}"), t(K::HomeTaskContinue), "task-go"),
            QuizTask::Done => ("/history".to_string(), t(K::HomeTaskDone), "task-done"),
        };
        let kind = quiz_kind(q).unwrap_or(QuizKind::Daily);
        let sub = tf(
            K::QuizQuestions,
            &[("n", &i(q, "question_count").to_string())],
        );
        h += &row(
            &href,
            kind.as_str(),
            t(quiz_kind_key(kind)),
            &sub,
            label,
            class,
            "",
        );
    }
    for m in &tasks.modules {
        let sub = match due(m) {
            Some(d) => tf(K::StudyDue, &[("date", &date(d, locale()))]),
            None => lessons_done(m),
        };
        let progress = bar(
            percent(i(m, "lessons_completed"), i(m, "lesson_count")),
            &sub,
        );
        h += &row(
            &format!("/modules/{}", i(m, "id")),
            "module-task",
            s(m, "title"),
            &sub,
            t(K::HomeContinueStudy),
            "task-go",
            &progress,
        );
    }
    if tasks.mistakes > 0 {
        let sub = tf(K::HomeMistakes, &[("n", &tasks.mistakes.to_string())]);
        h += &row(
            "/mistakes",
            "",
            t(K::MistakeBook),
            &sub,
            t(K::HomeTaskGo),
            "task-go",
            "",
        );
    }
    h += "</ul>";
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    use shared::api::quiz::QuizSummary;
    use shared::api::study::ModuleSummary;

    fn quiz(id: i64, kind: QuizKind, can_start: bool, open: Option<i64>) -> Value {
        serde_json::to_value(QuizSummary {
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
        })
        .unwrap()
    }

    fn module(id: i64, due: Option<i64>, done: i64, completed: bool) -> Value {
        serde_json::to_value(ModuleSummary {
            id,
            title: format!("m{id}"),
            track: shared::api::study::Track::Theory,
            description: String::new(),
            due_at: due,
            lesson_count: 5,
            lessons_completed: done,
            completed,
        })
        .unwrap()
    }

    #[test]
    fn today_lists_daily_then_weekly_with_their_state() {
        let qs = [
            quiz(1, QuizKind::Weekly, false, None),
            quiz(2, QuizKind::Exam, true, None),
            quiz(3, QuizKind::Daily, true, Some(9)),
        ];
        let today = today_tasks(&qs, vec![], 0);
        let got: Vec<(i64, QuizTask)> = today
            .quizzes
            .iter()
            .map(|(q, st)| (i(q, "id"), st.clone()))
            .collect();
        assert_eq!(got, [(3, QuizTask::Resume(9)), (1, QuizTask::Done)]);
        let h = tasks_html(&today);
        assert!(h.contains(r#"href="/attempts/9""#));
        assert!(h.contains("已完成"));
        let fresh = today_tasks(&[quiz(4, QuizKind::Daily, true, None)], vec![], 2);
        let h = tasks_html(&fresh);
        assert!(h.contains(r#"href="/quizzes/4/start""#));
        assert!(h.contains("错题本中有2道题待巩固"));
        assert!(!h.contains("banner success"));
    }

    #[test]
    fn the_page_shows_who_the_tasks_and_staff_links() {
        let me = |role| Me {
            id: 1,
            username: "m001".into(),
            display_name: "张<三>".into(),
            role,
            branch_id: None,
            branch_name: Some("机关第一党支部".into()),
            youth_group_id: None,
            youth_group_name: None,
            organization_name: "市委".into(),
            scope: Default::default(),
            must_change_password: false,
        };
        let member = me(Role::Member);
        let h = home_html(Some(&member), None, None, 2);
        assert!(h.contains("张&lt;三&gt;"));
        assert!(h.contains(">机关第一党支部</dd>"));
        assert!(h.contains("skeleton"));
        assert!(!h.contains("/admin/"));
        assert!(h.contains(r#"href="/password""#));
        assert!(h.contains(r#"id="to-notifications""#));
        let organizer = me(Role::Organizer);
        let today = today_tasks(&[quiz(4, QuizKind::Daily, true, None)], vec![], 0);
        let h = home_html(Some(&organizer), Some(Ok(today)), None, 0);
        assert!(h.contains(r#"id="to-bank""#) && h.contains(r#"id="to-quizzes""#));
        assert!(!h.contains("/admin/points"));
        assert!(h.contains(r#"<ul class="tasks">"#));
        let admin = me(Role::Admin);
        let err = crate::api::decode_error(500, "");
        let h = home_html(Some(&admin), Some(Err(err)), None, 0);
        assert!(h.contains("/admin/points") && h.contains(r#"data-action="retry""#));
        assert!(h.contains(r#"id="to-audit""#) && h.contains(r#"id="to-dashboard""#));
    }

    #[test]
    fn modules_due_come_first_and_finished_ones_drop_out() {
        let ms = vec![
            module(1, None, 1, false),
            module(2, Some(2_000), 0, false),
            module(3, Some(1_000), 0, false),
            module(4, None, 5, true),
            module(5, None, 3, false),
        ];
        let ids: Vec<i64> = today_tasks(&[], ms, 0)
            .modules
            .iter()
            .map(|m| i(m, "id"))
            .collect();
        assert_eq!(ids, [3, 2, 5]);
    }
}
