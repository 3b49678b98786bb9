//! `/modules/{id}`: one module: its lessons with each one's progress, and its quizzes
//! (practice and, when required, the exam). Read as `Value` (see `crate::json`).

use leptos::prelude::*;
use serde_json::Value;
use shared::api::quiz::QuizKind;

use crate::api;
use crate::components::{Fetch, Page};
use crate::format::duration;
use crate::html::{el, esc};
use crate::i18n::{locale, t, tf, K};
use crate::json::{b, i, items, list, obj, s};
use crate::pages::quizzes::quiz_card_html;
use crate::pages::study::module_card_html;

/// The module card and its table of contents (`ModuleDetail`).
pub fn module_html(d: &Value) -> String {
    let mut h = obj(d, "module")
        .map(|m| module_card_html(m, false))
        .unwrap_or_default();
    h += r#"<section class="card">"#;
    h += &el("h2", "card-title", t(K::ModuleLessons));
    h += r#"<ol class="lesson-list">"#;
    for l in list(d, "lessons") {
        h += &lesson_row(l);
    }
    h += "</ol></section>";
    h
}

/// A lesson of the table of contents (`LessonSummary`).
fn lesson_row(l: &Value) -> String {
    let empty = Value::Null;
    let p = obj(l, "progress").unwrap_or(&empty);
    let completed = b(p, "completed");
    let status = if completed {
        t(K::LessonCompleted).to_string()
    } else {
        tf(
            K::LessonStudied,
            &[("time", &duration(i(p, "credited_seconds"), locale()))],
        )
    };
    format!(
        r#"<li><a class="link-row lesson-row" href="/lessons/{}"><span class="tick{}" aria-hidden="true">{}</span><span class="link-title">{}</span><span class="link-desc">{}</span></a></li>"#,
        i(l, "id"),
        if completed { " done" } else { "" },
        if completed { "✓" } else { "" },
        esc(s(l, "title")),
        esc(&status)
    )
}

/// The module's own quizzes (practice, exam), if it has any.
pub fn module_quizzes_html(id: i64, quizzes: &[Value]) -> String {
    let mine: Vec<&Value> = quizzes.iter().filter(|q| i(q, "module_id") == id).collect();
    if mine.is_empty() {
        return String::new();
    }
    let mut h = el("h2", "section-title", t(K::ModuleQuizzes));
    if mine
        .iter()
        .any(|q| QuizKind::parse(s(q, "kind")) == Some(QuizKind::Exam))
    {
        h += &el("p", "muted small", t(K::ModuleNeedExam));
    }
    for q in mine {
        h += &quiz_card_html(q);
    }
    h
}

#[component]
pub fn Module(id: i64) -> impl IntoView {
    let detail = Fetch::new(move || api::module_url(id));
    let quizzes = Fetch::new(|| api::QUIZZES.into());
    view! {
        <Page class="module" title=K::ModuleTitle back=Some("/study")>
            {detail.region(5, |d| module_html(&d))}
            {quizzes.region(2, move |v| module_quizzes_html(id, items(&v)))}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::study::{LessonProgress, LessonSummary, ModuleDetail, ModuleSummary, Track};

    #[test]
    fn the_table_of_contents_shows_each_lessons_progress() {
        let progress = |secs, completed| LessonProgress {
            credited_seconds: secs,
            min_seconds: 120,
            reached_end: completed,
            completed,
        };
        let lesson = |id, title: &str, p| LessonSummary {
            id,
            position: id - 10,
            title: title.into(),
            source: String::new(),
            progress: p,
        };
        let d = ModuleDetail {
            module: ModuleSummary {
                id: 1,
                title: "2023年党建工作要点".into(),
                track: Track::Theory,
                description: String::new(),
                due_at: None,
                lesson_count: 2,
                lessons_completed: 1,
                completed: false,
            },
            lessons: vec![
                lesson(11, "一、强化政治建设", progress(200, true)),
                lesson(12, "二、强化思想建设", progress(90, false)),
            ],
        };
        let h = module_html(&serde_json::to_value(d).unwrap());
        assert!(h.contains("理论学习"));
        assert!(h.contains(r#"href="/lessons/11"><span class="tick done""#));
        assert!(h.contains("本课已学完"));
        assert!(h.contains("已学习1分钟"));
        assert!(
            !h.contains(r#"href="/modules/1""#),
            "no link to the page itself"
        );
    }
}
