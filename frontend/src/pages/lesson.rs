//! `/lessons/{id}`: the lesson reader. While the page is on screen and focused it reports
//! to the server every `heartbeat_secs`; the server credits study time from those reports
//! alone. A bar under the top bar shows how far the reader has scrolled; reaching the end
//! is reported too, since completing a lesson needs both the time and the end. The sticky
//! bar states the rule the server applies (its `min_seconds`, to the second) and the
//! progress on both counts, so it stays in view while reading.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::study::{LessonProgress, LessonView};

use crate::api;
use crate::browser;
use crate::components::{load, show, Loaded, Page};
use crate::format::duration_exact;
use crate::i18n::{locale, t, tf, K};

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
    let lesson = load(move || api::lesson_url(id));
    view! {
        <Page class="lesson" title=K::LessonTitle back=Some("/study")>
            <Loaded data=lesson lines=8 ok=show(|lesson: LessonView| view! { <Reader lesson/> })/>
        </Page>
    }
}

#[component]
fn Reader(lesson: LessonView) -> impl IntoView {
    let l = lesson;
    let id = l.id;
    let reached_end = RwSignal::new(l.progress.reached_end);
    let progress = RwSignal::new(l.progress.clone());
    let read = RwSignal::new(0i64);
    // Seconds on screen since the server last said how much it credited: the clock moves
    // every second and is put right by each answer (the server credits the same time).
    let ticking = RwSignal::new(0i64);
    let beat = move || {
        spawn_local(async move {
            // A failed report is simply retried by the next one.
            if let Ok(p) = api::heartbeat(id, reached_end.get_untracked()).await {
                progress.try_set(p);
                ticking.try_set(0);
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
    let every = Duration::from_secs(l.heartbeat_secs.clamp(5, 120) as u64);
    let timer = set_interval_with_handle(
        move || {
            if browser::page_active() {
                beat();
            }
        },
        every,
    )
    .ok();
    let clock = set_interval_with_handle(
        move || {
            if browser::page_active() {
                ticking.update(|s| *s += 1);
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        scroll.remove();
        for t in [timer, clock].into_iter().flatten() {
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

    let place = format!(
        "{} · {}",
        l.module_title,
        tf(K::LessonN, &[("n", &l.position.to_string())])
    );
    view! {
        <div class="read-bar">
            <p class=move || if progress.get().completed { "read-line done" } else { "read-line" } id="lesson-clock">
                {move || clock_line(&progress.get(), ticking.get(), read.get())}
            </p>
            <div class="bar" aria-hidden="true">
                <span style=move || format!("width:{}%", read.get())></span>
            </div>
        </div>
        <article class="card lesson-body">
            <p class="muted small">{place}</p>
            <h2 class="lesson-title">{l.title}</h2>
            <p class="lesson-source">{tf(K::LessonSource, &[("source", &l.source)])}</p>
            // Rendered from Markdown and sanitized on the server (raw HTML escaped there):
            // the one place the app puts HTML on screen.
            <div class="prose" inner_html=l.html></div>
        </article>
        <section class="card study-status" aria-live="polite">
            {move || {
                let (line, need) = study_status(&progress.get());
                view! {
                    <p class=if need.is_none() { "study-line done" } else { "study-line" }>{line}</p>
                    {need.map(|n| view! { <p class="muted small">{n}</p> })}
                }
            }}
            <p class="muted small">{t(K::LessonPaused)}</p>
        </section>
        <nav class="lesson-nav">
            {l.prev_id.map(|p| view! {
                <a class="btn btn-outline" href=format!("/lessons/{p}")>{t(K::LessonPrev)}</a>
            })}
            <a class="btn btn-ghost" href=format!("/modules/{}", l.module_id)>{t(K::LessonToc)}</a>
            {l.next_id.map(|n| view! {
                <a class="btn btn-primary" id="lesson-next" href=format!("/lessons/{n}")>{t(K::LessonNext)}</a>
            })}
        </nav>
    }
}

/// The sticky line: time studied against the time the server requires, and how far read.
/// `extra` is the seconds on screen since the server's last figure.
pub fn clock_line(p: &LessonProgress, extra: i64, read: i64) -> String {
    let read = read.to_string();
    if p.completed {
        return tf(K::LessonClockDone, &[("read", &read)]);
    }
    let done = (p.credited_seconds + extra).min(p.min_seconds);
    tf(
        K::LessonClock,
        &[
            ("done", &duration_exact(done, locale())),
            ("need", &duration_exact(p.min_seconds, locale())),
            ("read", &read),
        ],
    )
}

/// Time studied and, until the lesson is complete, what completing it still needs.
pub fn study_status(p: &LessonProgress) -> (String, Option<String>) {
    if p.completed {
        return (t(K::LessonCompleted).into(), None);
    }
    (
        tf(
            K::LessonStudied,
            &[("time", &duration_exact(p.credited_seconds, locale()))],
        ),
        Some(tf(
            K::LessonNeed,
            &[("time", &duration_exact(p.min_seconds, locale()))],
        )),
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
        let (line, need) = study_status(&p);
        assert_eq!(line, "已学习1分15秒");
        assert_eq!(need.as_deref(), Some("学满3分钟并阅读至文末即完成本课"));
        p.min_seconds = 75;
        assert_eq!(
            study_status(&p).1.as_deref(),
            Some("学满1分15秒并阅读至文末即完成本课")
        );
        p.completed = true;
        assert_eq!(study_status(&p), ("本课已学完".into(), None));
    }

    #[test]
    fn the_sticky_clock_counts_to_the_rule_and_no_further() {
        let mut p = LessonProgress {
            credited_seconds: 40,
            min_seconds: 75,
            reached_end: false,
            completed: false,
        };
        assert_eq!(clock_line(&p, 5, 30), "已学45秒/1分15秒 · 已读30%");
        assert_eq!(clock_line(&p, 90, 100), "已学1分15秒/1分15秒 · 已读100%");
        p.completed = true;
        assert_eq!(clock_line(&p, 0, 100), "本课已学完 · 已读100%");
    }

    #[test]
    fn the_end_is_the_last_screen() {
        assert!(!at_end(0.0, 800.0, 2800.0));
        assert!(at_end(1960.0, 800.0, 2800.0));
        assert!(at_end(0.0, 800.0, 700.0));
    }
}
