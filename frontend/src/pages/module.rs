//! `/modules/{id}`: one module: its lessons with each one's progress, and its quizzes
//! (practice and, when required, the exam).

use leptos::prelude::*;
use shared::api::quiz::{QuizKind, QuizSummary};
use shared::api::study::{LessonSummary, ModuleDetail};

use crate::api;
use crate::components::{load, show, Loaded, Page};
use crate::format::duration;
use crate::i18n::{locale, t, tf, K};
use crate::pages::quizzes::QuizCard;
use crate::pages::study::{study_action, ModuleCard};

/// A lesson's line in the table of contents: done, or how long it has been studied.
pub fn lesson_status(l: &LessonSummary) -> String {
    if l.progress.completed {
        t(K::LessonCompleted).into()
    } else {
        tf(
            K::LessonStudied,
            &[("time", &duration(l.progress.credited_seconds, locale()))],
        )
    }
}

/// The lesson the study button opens: the first one not completed, or the first one when all
/// are (复习).
pub fn next_lesson(lessons: &[LessonSummary]) -> Option<i64> {
    lessons
        .iter()
        .find(|l| !l.progress.completed)
        .or(lessons.first())
        .map(|l| l.id)
}

/// The module card, its study button and its table of contents.
fn module_view(d: ModuleDetail) -> impl IntoView {
    let action = t(study_action(&d.module));
    let go = next_lesson(&d.lessons).map(|id| {
        view! {
            <a class="btn btn-primary btn-block" id="module-study" href=format!("/lessons/{id}")>
                {action}
            </a>
        }
    });
    let lessons = d.lessons.into_iter().map(|l| {
        let done = l.progress.completed;
        let status = lesson_status(&l);
        view! {
            <li>
                <a class="link-row lesson-row" href=format!("/lessons/{}", l.id)>
                    <span class=if done { "tick done" } else { "tick" } aria-hidden="true">
                        {if done { "✓" } else { "" }}
                    </span>
                    <span class="link-title">{l.title}</span>
                    <span class="link-desc">{status}</span>
                </a>
            </li>
        }
    });
    view! {
        <ModuleCard module=d.module link=false/>
        {go}
        <section class="card">
            <h2 class="card-title">{t(K::ModuleLessons)}</h2>
            <ol class="lesson-list">{lessons.collect_view()}</ol>
        </section>
    }
}

/// The module's own quizzes (practice, exam), if it has any.
pub fn module_quizzes(id: i64, quizzes: Vec<QuizSummary>) -> Vec<QuizSummary> {
    quizzes
        .into_iter()
        .filter(|q| q.module_id == Some(id))
        .collect()
}

#[component]
pub fn Module(id: i64) -> impl IntoView {
    let detail = load(move || api::module_url(id));
    let quizzes = load(|| api::QUIZZES.into());
    let quiz_list = move |all: Vec<QuizSummary>| {
        let mine = module_quizzes(id, all);
        let exam = mine.iter().any(|q| q.kind == QuizKind::Exam);
        (!mine.is_empty()).then(|| {
            view! {
                <h2 class="section-title">{t(K::ModuleQuizzes)}</h2>
                {exam.then(|| view! { <p class="muted small">{t(K::ModuleNeedExam)}</p> })}
                {mine.into_iter().map(|quiz| view! { <QuizCard quiz/> }).collect_view()}
            }
        })
    };
    view! {
        <Page class="module" title=K::ModuleTitle back=Some("/study")>
            <Loaded data=detail lines=5 ok=show(module_view)/>
            <Loaded data=quizzes lines=2 ok=show(quiz_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::study::LessonProgress;

    #[test]
    fn the_table_of_contents_shows_each_lessons_progress() {
        let progress = |secs, completed| LessonProgress {
            credited_seconds: secs,
            min_seconds: 120,
            reached_end: completed,
            completed,
        };
        let lesson = |id, p| LessonSummary {
            id,
            position: id - 10,
            title: "一、强化政治建设".into(),
            source: String::new(),
            progress: p,
        };
        assert_eq!(
            lesson_status(&lesson(11, progress(200, true))),
            "本课已学完"
        );
        assert_eq!(
            lesson_status(&lesson(12, progress(90, false))),
            "已学习1分钟"
        );
    }

    #[test]
    fn the_study_button_opens_the_first_unfinished_lesson() {
        let lesson = |id, completed| LessonSummary {
            id,
            position: id,
            title: "t".into(),
            source: String::new(),
            progress: LessonProgress {
                credited_seconds: 0,
                min_seconds: 60,
                reached_end: completed,
                completed,
            },
        };
        assert_eq!(next_lesson(&[lesson(1, true), lesson(2, false)]), Some(2));
        assert_eq!(next_lesson(&[lesson(1, true), lesson(2, true)]), Some(1));
        assert_eq!(next_lesson(&[]), None);
    }

    #[test]
    fn only_the_modules_own_quizzes_are_listed() {
        let quiz = |id, module_id| QuizSummary {
            id,
            title: "t".into(),
            kind: QuizKind::Practice,
            module_id,
            question_count: 5,
            time_limit_secs: None,
            pass_mark: None,
            max_attempts: None,
            opens_at: None,
            closes_at: None,
            attempts_used: 0,
            can_start: true,
            blocked_reason: None,
            open_attempt_id: None,
            reveal: shared::api::quiz::Reveal::AfterSubmit,
            required: false,
        };
        let ids: Vec<i64> =
            module_quizzes(1, vec![quiz(1, Some(1)), quiz(2, None), quiz(3, Some(2))])
                .iter()
                .map(|q| q.id)
                .collect();
        assert_eq!(ids, [1]);
    }
}
