//! `/`: the member's start page: who and where they are, today's tasks (the daily and
//! weekly quizzes, modules due or half done, the mistake book) with progress, and the
//! admin pages for staff.

use leptos::prelude::*;
use shared::api::auth::Role;
use shared::api::quiz::{Mistake, QuizKind, QuizSummary};
use shared::api::study::ModuleSummary;

use crate::answers::quiz_kind_key;
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::components::{ErrorBanner, Fetch, Page, Skeleton};
use crate::format::{date, percent};
use crate::html::{bar, el, esc, Html};
use crate::i18n::{locale, t, tf, K};

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
    quizzes: &[QuizSummary],
    mut modules: Vec<ModuleSummary>,
    mistakes: usize,
) -> Today {
    let mut list: Vec<(QuizSummary, QuizTask)> = quizzes
        .iter()
        .filter(|q| matches!(q.kind, QuizKind::Daily | QuizKind::Weekly))
        .map(|q| {
            let task = match (q.open_attempt_id, q.can_start) {
                (Some(a), _) => QuizTask::Resume(a),
                (None, true) => QuizTask::Todo,
                (None, false) => QuizTask::Done,
            };
            (q.clone(), task)
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

pub fn role_key(role: Role) -> K {
    match role {
        Role::Member => K::RoleMember,
        Role::Organizer => K::RoleOrganizer,
        Role::Admin => K::RoleAdmin,
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let name = move || session.with_me(|m| m.display_name.clone());
    let org = move || session.with_me(|m| m.organization_name.clone());
    let role = move || session.with_me(|m| Some(m.role)).map(|r| t(role_key(r)));
    let branch = move || {
        session
            .with_me(|m| m.branch_name.clone())
            .unwrap_or_else(|| t(K::HomeNoBranch).to_string())
    };
    let youth_group = move || {
        session
            .with_me(|m| m.youth_group_name.clone())
            .unwrap_or_else(|| t(K::HomeNoYouthGroup).to_string())
    };
    let quizzes = Fetch::new(|| api::QUIZZES.into());
    let modules = Fetch::new(|| api::MODULES.into());
    let mistakes = Fetch::new(|| api::MISTAKES.into());
    let today = move || -> Option<Result<Today, ApiError>> {
        let q = quizzes.get::<Vec<QuizSummary>>()?;
        let m = modules.get::<Vec<ModuleSummary>>()?;
        // The mistake count is a bonus: the tasks show without it.
        let n = mistakes
            .get::<Vec<Mistake>>()
            .and_then(Result::ok)
            .map_or(0, |v| v.len());
        Some(q.and_then(|q| m.map(|m| today_tasks(&q, m, n))))
    };
    let retry = Callback::new(move |_| {
        quizzes.reload();
        modules.reload();
    });

    view! {
        <Page class="home" title=K::AppName>
            <section class="card hero">
                <p class="hero-org">{org}</p>
                <h2 class="hero-name">{move || tf(K::HomeGreeting, &[("name", &name())])}</h2>
                <span class="badge">{role}</span>
                <dl class="facts">
                    <div>
                        <dt>{t(K::HomeBranch)}</dt>
                        <dd>{branch}</dd>
                    </div>
                    <div>
                        <dt>{t(K::HomeYouthGroup)}</dt>
                        <dd>{youth_group}</dd>
                    </div>
                </dl>
            </section>

            <section class="card today">
                <h2 class="card-title">{t(K::HomeTodayTasks)}</h2>
                {move || match today() {
                    None => view! { <Skeleton lines=3/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorBanner error=e on_retry=retry/> }.into_any(),
                    Some(Ok(tasks)) => view! { <Html html=tasks_html(&tasks)/> }.into_any(),
                }}
            </section>

            {move || {
                session
                    .is_staff()
                    .then(|| {
                        view! {
                            <section class="card">
                                <h2 class="card-title">{t(K::HomeManage)}</h2>
                                <ul class="link-list">
                                    <li>
                                        <a href="/admin/org" class="link-row">
                                            <span class="link-title">{t(K::HomeManageOrg)}</span>
                                            <span class="link-desc">{t(K::HomeManageOrgDesc)}</span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="/admin/members" class="link-row">
                                            <span class="link-title">{t(K::HomeManageMembers)}</span>
                                            <span class="link-desc">{t(K::HomeManageMembersDesc)}</span>
                                        </a>
                                    </li>
                                </ul>
                            </section>
                        }
                    })
            }}

            <section class="card">
                <h2 class="card-title">{t(K::HomeAccount)}</h2>
                <ul class="link-list">
                    <li>
                        <a href="/password" class="link-row">
                            <span class="link-title">{t(K::PasswordTitle)}</span>
                            <span class="link-desc">{t(K::PasswordRules)}</span>
                        </a>
                    </li>
                </ul>
            </section>
        </Page>
    }
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
                format!("/quizzes/{}/start", q.id),
                t(K::HomeTaskGo),
                "task-go",
            ),
            QuizTask::Resume(a) => (format!("/attempts/{a}"), t(K::HomeTaskContinue), "task-go"),
            QuizTask::Done => ("/history".to_string(), t(K::HomeTaskDone), "task-done"),
        };
        let sub = tf(K::QuizQuestions, &[("n", &q.question_count.to_string())]);
        h += &row(
            &href,
            q.kind.as_str(),
            t(quiz_kind_key(q.kind)),
            &sub,
            label,
            class,
            "",
        );
    }
    for m in &tasks.modules {
        let sub = match m.due_at {
            Some(d) => tf(K::StudyDue, &[("date", &date(d, locale()))]),
            None => tf(
                K::StudyLessonsDone,
                &[
                    ("done", &m.lessons_completed.to_string()),
                    ("total", &m.lesson_count.to_string()),
                ],
            ),
        };
        let progress = bar(percent(m.lessons_completed, m.lesson_count), &sub);
        h += &row(
            &format!("/modules/{}", m.id),
            "module-task",
            &m.title,
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
        let qs = [
            quiz(1, QuizKind::Weekly, false, None),
            quiz(2, QuizKind::Exam, true, None),
            quiz(3, QuizKind::Daily, true, Some(9)),
        ];
        let today = today_tasks(&qs, vec![], 0);
        let got: Vec<(i64, QuizTask)> = today
            .quizzes
            .iter()
            .map(|(q, s)| (q.id, s.clone()))
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
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, [3, 2, 5]);
    }
}
