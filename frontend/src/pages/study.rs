//! `/study`: the member's study modules, theory and discipline, each with its progress
//! and due date. Read as `Value` (see `crate::json`): it is only displayed.

use leptos::prelude::*;
use serde_json::Value;
use shared::api::study::Track as StudyTrack;

use crate::api;
use crate::components::{Fetch, Page};
use crate::format::{date, percent};
use crate::html::{bar, el, esc};
use crate::i18n::{locale, t, tf, K};
use crate::json::{b, i, items, obj, s};

/// The catalogue key naming a track.
pub fn track_key(track: StudyTrack) -> K {
    match track {
        StudyTrack::Theory => K::TrackTheory,
        StudyTrack::Discipline => K::TrackDiscipline,
        StudyTrack::Other => K::TrackOther,
    }
}

/// "已学x/y课" of a module.
pub fn lessons_done(m: &Value) -> String {
    tf(
        K::StudyLessonsDone,
        &[
            ("done", &i(m, "lessons_completed").to_string()),
            ("total", &i(m, "lesson_count").to_string()),
        ],
    )
}

/// A module (`ModuleSummary`) as a card: track, title, description, lessons done and due
/// date; a link to the module unless `link` is false (on the module's own page).
pub fn module_card_html(m: &Value, link: bool) -> String {
    let done = lessons_done(m);
    let (open, close) = if link {
        (
            format!(
                r#"<a class="card module-card" href="/modules/{}">"#,
                i(m, "id")
            ),
            "</a>",
        )
    } else {
        (r#"<div class="card module-card">"#.to_string(), "</div>")
    };
    let track = StudyTrack::parse(s(m, "track")).unwrap_or(StudyTrack::Other);
    let mut h = open;
    h += &el(
        "span",
        &format!("track {}", track.as_str()),
        t(track_key(track)),
    );
    if b(m, "completed") {
        h += &el("span", "badge ok-badge", t(K::StudyCompleted));
    }
    h += &el("h2", "module-title", s(m, "title"));
    h += &el("p", "module-desc", s(m, "description"));
    h += &bar(
        percent(i(m, "lessons_completed"), i(m, "lesson_count")),
        &done,
    );
    h += &format!(r#"<p class="module-meta"><span>{}</span>"#, esc(&done));
    if let Some(d) = obj(m, "due_at").and_then(Value::as_i64) {
        h += &el(
            "span",
            "",
            &tf(K::StudyDue, &[("date", &date(d, locale()))]),
        );
    }
    h += "</p>";
    h += close;
    h
}

/// The list of modules, or a note that there are none.
pub fn modules_html(list: &[Value]) -> String {
    if list.is_empty() {
        return el("p", "card empty", t(K::StudyEmpty));
    }
    list.iter().map(|m| module_card_html(m, true)).collect()
}

#[component]
pub fn Study() -> impl IntoView {
    let modules = Fetch::new(|| api::MODULES.into());
    view! {
        <Page class="study" title=K::StudyTitle>
            {modules.region(4, |v| modules_html(items(&v)))}
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::study::ModuleSummary;

    #[test]
    fn module_cards_link_and_escape() {
        let m = ModuleSummary {
            id: 4,
            title: "党章<学习>".into(),
            track: StudyTrack::Discipline,
            description: "d".into(),
            due_at: None,
            lesson_count: 4,
            lessons_completed: 1,
            completed: false,
        };
        let m = serde_json::to_value(m).unwrap();
        let h = modules_html(std::slice::from_ref(&m));
        assert!(h.starts_with(r#"<a class="card module-card" href="/modules/4">"#));
        assert!(h.contains("党章&lt;学习&gt;"));
        assert!(h.contains("纪律教育"));
        assert!(h.contains("已学1/4课"));
        assert!(h.contains("width:25%"));
        assert!(!module_card_html(&m, false).contains("href"));
        assert!(modules_html(&[]).contains("暂无"));
    }
}
