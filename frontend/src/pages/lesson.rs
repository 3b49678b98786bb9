//! `/lessons/{id}`: the lesson reader. While the page is on screen and focused it reports
//! to the server every `heartbeat_secs`; the server credits study time from those reports
//! alone. A bar under the top bar shows how far the reader has scrolled; reaching the end
//! is reported too, since completing a lesson needs both the time and the end. The
//! lesson is read as `Value` (see `crate::json`).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::api::study::LessonProgress;

use crate::api;
use crate::browser;
use crate::components::{Fetch, Page};
use crate::format::duration;
use crate::html::{button_link, el, Html};
use crate::i18n::{locale, t, tf, K};
use crate::json::{i, obj, s};

/// How far through the text the reader is, 0–100: scrolled pixels over scrollable pixels
/// (a lesson that fits the screen is read through).
pub fn read_percent(scrolled: f64, viewport: f64, height: f64) -> i64 {
    let scrollable = height - viewport;
    if scrollable <= 1.0 {
        return 100;
    }
    ((scrolled / scrollable) * 100.0).clamp(0.0, 100.0).round() as i64
}

/// Whether the reader is close enough to the bottom to have reached the end.
pub fn at_end(scrolled: f64, viewport: f64, height: f64) -> bool {
    scrolled + viewport >= height - 48.0
}

#[component]
pub fn Lesson(id: i64) -> impl IntoView {
    let lesson = Fetch::new(move || api::lesson_url(id));
    view! {
        <Page class="lesson" title=K::LessonTitle back=Some("/study")>
            {lesson.show(8, |l| view! { <Reader l=l/> }.into_any())}
        </Page>
    }
}

#[component]
fn Reader(l: Value) -> impl IntoView {
    let id = i(&l, "id");
    let start = progress_of(&l);
    let reached_end = RwSignal::new(start.reached_end);
    let progress = RwSignal::new(start);
    let read = RwSignal::new(0i64);
    let beat = move || {
        spawn_local(async move {
            // A failed report is simply retried by the next one.
            if let Ok(p) = api::heartbeat(id, reached_end.get_untracked()).await {
                progress.try_set(p);
            }
        });
    };
    let on_scroll = move || {
        let (y, view, height) = browser::scroll_metrics();
        read.set(read_percent(y, view, height));
        if !reached_end.get_untracked() && at_end(y, view, height) {
            reached_end.set(true);
            if browser::page_active() {
                beat();
            }
        }
    };
    let scroll = window_event_listener(leptos::ev::scroll, move |_| on_scroll());
    let every = Duration::from_secs(i(&l, "heartbeat_secs").clamp(5, 120) as u64);
    let timer = set_interval_with_handle(
        move || {
            if browser::page_active() {
                beat();
            }
        },
        every,
    )
    .ok();
    on_cleanup(move || {
        scroll.remove();
        if let Some(t) = timer {
            t.clear();
        }
    });
    // The first report starts the clock; measure once the text is laid out.
    request_animation_frame(move || {
        on_scroll();
        if browser::page_active() {
            beat();
        }
    });

    view! {
        <div class="read-bar">
            <div class="bar" aria-hidden="true">
                <span style=move || format!("width:{}%", read.get())></span>
            </div>
        </div>
        <Html html=lesson_html(&l)/>
        <section class="card study-status" aria-live="polite">
            {move || view! { <Html html=status_html(&progress.get())/> }}
            <p class="muted small">{t(K::LessonPaused)}</p>
        </section>
        <Html html=lesson_nav_html(&l)/>
    }
}

/// The reader's progress on the lesson (`LessonView.progress`).
pub fn progress_of(l: &Value) -> LessonProgress {
    // Already its `shared` type; the rest of the page still reads `Value` until converted.
    obj(l, "progress")
        .and_then(|p| serde_json::from_value(p.clone()).ok())
        .unwrap_or(LessonProgress {
            credited_seconds: 0,
            min_seconds: 0,
            reached_end: false,
            completed: false,
        })
}

/// The lesson text (`LessonView`) with its place and source. `l.html` comes rendered and sanitized from
/// the server (raw HTML in the Markdown is escaped there).
pub fn lesson_html(l: &Value) -> String {
    format!(
        r#"<article class="card lesson-body">{}{}{}<div class="prose">{}</div></article>"#,
        el(
            "p",
            "muted small",
            &format!(
                "{} · {}",
                s(l, "module_title"),
                tf(K::LessonN, &[("n", &i(l, "position").to_string())])
            )
        ),
        el("h2", "lesson-title", s(l, "title")),
        el(
            "p",
            "lesson-source",
            &tf(K::LessonSource, &[("source", s(l, "source"))])
        ),
        s(l, "html")
    )
}

/// Previous lesson, contents, next lesson.
pub fn lesson_nav_html(l: &Value) -> String {
    let id = |key| obj(l, key).and_then(Value::as_i64);
    let mut h = String::from(r#"<nav class="lesson-nav">"#);
    if let Some(p) = id("prev_id") {
        h += &button_link(
            &format!("/lessons/{p}"),
            "btn-outline",
            "",
            t(K::LessonPrev),
        );
    }
    h += &button_link(
        &format!("/modules/{}", i(l, "module_id")),
        "btn-ghost",
        "",
        t(K::LessonToc),
    );
    if let Some(n) = id("next_id") {
        h += &button_link(
            &format!("/lessons/{n}"),
            "btn-primary",
            "lesson-next",
            t(K::LessonNext),
        );
    }
    h += "</nav>";
    h
}

/// Time studied and what completing the lesson still needs.
pub fn status_html(p: &LessonProgress) -> String {
    if p.completed {
        return el("p", "study-line done", t(K::LessonCompleted));
    }
    el(
        "p",
        "study-line",
        &tf(
            K::LessonStudied,
            &[("time", &duration(p.credited_seconds, locale()))],
        ),
    ) + &el(
        "p",
        "muted small",
        &tf(
            K::LessonNeed,
            &[("time", &duration(p.min_seconds, locale()))],
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_progress_follows_the_scroll() {
        assert_eq!(read_percent(0.0, 800.0, 2800.0), 0);
        assert_eq!(read_percent(1000.0, 800.0, 2800.0), 50);
        assert_eq!(read_percent(2000.0, 800.0, 2800.0), 100);
        assert_eq!(read_percent(0.0, 800.0, 600.0), 100);
    }

    #[test]
    fn study_status_says_what_is_left() {
        let mut p = LessonProgress {
            credited_seconds: 75,
            min_seconds: 180,
            reached_end: false,
            completed: false,
        };
        let h = status_html(&p);
        assert!(h.contains("已学习1分钟"));
        assert!(h.contains("学满3分钟并阅读至文末即完成本课"));
        p.completed = true;
        assert_eq!(
            status_html(&p),
            r#"<p class="study-line done">本课已学完</p>"#
        );
    }

    #[test]
    fn the_end_is_the_last_screen() {
        assert!(!at_end(0.0, 800.0, 2800.0));
        assert!(at_end(1960.0, 800.0, 2800.0));
        assert!(at_end(0.0, 800.0, 700.0));
    }
}
