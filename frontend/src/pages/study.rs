//! `/study`: the member's study modules (`ModuleSummary`), theory and discipline, each with
//! its progress and due date.

use leptos::prelude::*;
use shared::api::study::{ModuleSummary, Track as StudyTrack};

use crate::api;
use crate::components::{load, show, Bar, Loaded, Page};
use crate::format::{date, percent};
use crate::i18n::{locale, t, tf, K};

/// The catalogue key naming a track.
pub fn track_key(track: StudyTrack) -> K {
    match track {
        StudyTrack::Theory => K::TrackTheory,
        StudyTrack::Discipline => K::TrackDiscipline,
        StudyTrack::Other => K::TrackOther,
    }
}

/// "已学x/y课" of a module.
pub fn lessons_done_of(m: &ModuleSummary) -> String {
    tf(
        K::StudyLessonsDone,
        &[
            ("done", &m.lessons_completed.to_string()),
            ("total", &m.lesson_count.to_string()),
        ],
    )
}

/// What studying a module is now: 开始学习 when no lesson was opened, 继续学习 after, 复习
/// once every lesson is completed.
pub fn study_action(m: &ModuleSummary) -> K {
    if m.lesson_count > 0 && m.lessons_completed >= m.lesson_count {
        K::StudyReview
    } else if m.lessons_started > 0 {
        K::HomeContinueStudy
    } else {
        K::HomeStartStudy
    }
}

/// A module as a card: track, title, description, lessons done and due date; a link to the
/// module unless `link` is false (on the module's own page).
#[component]
pub fn ModuleCard(module: ModuleSummary, #[prop(default = true)] link: bool) -> impl IntoView {
    let m = module;
    let done = lessons_done_of(&m);
    let body = view! {
        <span class=format!("track {}", m.track.as_str())>{t(track_key(m.track))}</span>
        {m.completed.then(|| view! { <span class="badge ok-badge">{t(K::StudyCompleted)}</span> })}
        <h2 class="module-title">{m.title.clone()}</h2>
        <p class="module-desc">{m.description.clone()}</p>
        <Bar percent=percent(m.lessons_completed, m.lesson_count) label=done.clone()/>
        <p class="module-meta">
            <span>{done}</span>
            {m.due_at.map(|d| view! { <span>{tf(K::StudyDue, &[("date", &date(d, locale()))])}</span> })}
        </p>
    };
    if link {
        let action = t(study_action(&m));
        view! {
            <a class="card module-card" href=format!("/modules/{}", m.id)>
                {body}
                <span class="module-go">{action}" ›"</span>
            </a>
        }
        .into_any()
    } else {
        view! { <div class="card module-card">{body}</div> }.into_any()
    }
}

/// The list of modules, or a note that there are none.
fn module_list(list: Vec<ModuleSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="card empty">{t(K::StudyEmpty)}</p> }.into_any();
    }
    view! {
        {list.into_iter().map(|m| view! {
            <ModuleCard module=m/>
        }).collect_view()}
    }
    .into_any()
}

#[component]
pub fn Study() -> impl IntoView {
    let modules = load(|| api::MODULES.into());
    view! {
        <Page class="study" title=K::StudyTitle>
            <Loaded data=modules lines=4 ok=show(module_list)/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> ModuleSummary {
        ModuleSummary {
            id: 4,
            title: "党章<学习>".into(),
            track: StudyTrack::Discipline,
            description: "d".into(),
            due_at: None,
            lesson_count: 4,
            lessons_completed: 1,
            lessons_started: 2,
            completed: false,
        }
    }

    #[test]
    fn module_cards_count_lessons_and_name_the_track() {
        let m = module();
        assert_eq!(lessons_done_of(&m), "已学1/4课");
        assert_eq!(percent(m.lessons_completed, m.lesson_count), 25);
        assert_eq!(t(track_key(m.track)), "纪律教育");
    }

    #[test]
    fn the_study_action_follows_progress() {
        let mut m = module();
        assert_eq!(study_action(&m), K::HomeContinueStudy);
        m.lessons_started = 0;
        m.lessons_completed = 0;
        assert_eq!(study_action(&m), K::HomeStartStudy);
        m.lessons_started = 4;
        m.lessons_completed = 4;
        assert_eq!(study_action(&m), K::StudyReview);
    }
}
