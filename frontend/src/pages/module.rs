//! `/modules/{id}`: one module: its lessons with each one's progress, and its quizzes
//! (practice and, when required, the exam).

use leptos::prelude::*;
use shared::api::quiz::{QuizKind, QuizSummary};
use shared::api::study::{LessonSummary, ModuleDetail};

use crate::api;
use crate::components::{Fetch, Page};
use crate::format::duration;
use crate::html::{el, esc, Html};
use crate::i18n::{locale, t, tf, K};
use crate::pages::quizzes::quiz_card_html;
use crate::pages::study::module_card_html;

/// The module card and its table of contents.
pub fn module_html(d: &ModuleDetail) -> String {
    let mut h = module_card_html(&d.module, false);
    h += r#"<section class="card">"#;
    h += &el("h2", "card-title", t(K::ModuleLessons));
    h += r#"<ol class="lesson-list">"#;
    for l in &d.lessons {
        h += &lesson_row(l);
    }
    h += "</ol></section>";
    h
}

fn lesson_row(l: &LessonSummary) -> String {
    let p = &l.progress;
    let status = if p.completed {
        t(K::LessonCompleted).to_string()
    } else {
        tf(
            K::LessonStudied,
            &[("time", &duration(p.credited_seconds, locale()))],
        )
    };
    format!(
        r#"<li><a class="link-row lesson-row" href="/lessons/{}"><span class="tick{}" aria-hidden="true">{}</span><span class="link-title">{}</span><span class="link-desc">{}</span></a></li>"#,
        l.id,
        if p.completed { " done" } else { "" },
        if p.completed { "✓" } else { "" },
        esc(&l.title),
        esc(&status)
    )
}

/// The module's own quizzes (practice, exam), if it has any.
pub fn module_quizzes_html(id: i64, quizzes: &[QuizSummary]) -> String {
    let mine: Vec<&QuizSummary> = quizzes.iter().filter(|q| q.module_id == Some(id)).collect();
    if mine.is_empty() {
        return String::new();
    }
    let mut h = el("h2", "section-title", t(K::ModuleQuizzes));
    if mine.iter().any(|q| q.kind == QuizKind::Exam) {
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
            {detail.show(5, |d: ModuleDetail| view! { <Html html=module_html(&d)/> }.into_any())}
            {quizzes
                .show(
                    2,
                    move |qs: Vec<QuizSummary>| view! { <Html html=module_quizzes_html(id, &qs)/> }.into_any(),
                )}
        </Page>
    }
}
