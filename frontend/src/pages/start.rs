//! `/quizzes/{id}/start` and `/mistakes/practice`: starts (or resumes) an attempt, then
//! replaces itself in the history with the attempt's page. Starting through a page keeps
//! the quiz lists plain links.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{ErrorBanner, Page, PageLoading};
use crate::i18n::K;
use crate::router::{use_router, Nav};

/// What to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Quiz(i64),
    Mistakes,
}

#[component]
pub fn StartAttempt(what: Start) -> impl IntoView {
    let router = use_router();
    let error = RwSignal::new(None);
    let run = move || {
        error.set(None);
        spawn_local(async move {
            let started = match what {
                Start::Quiz(id) => api::start_attempt(id).await,
                Start::Mistakes => api::practise_mistakes().await,
            };
            match started {
                Ok(a) => router.navigate(&format!("/attempts/{}", a.id), Nav::REPLACE),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    run();
    let back = match what {
        Start::Quiz(_) => "/quizzes",
        Start::Mistakes => "/mistakes",
    };
    view! {
        <Page class="start" title=K::QuizzesTitle back=Some(back)>
            {move || match error.get() {
                None => view! { <PageLoading/> }.into_any(),
                Some(error) => view! { <ErrorBanner error on_retry=move |_| run()/> }.into_any(),
            }}
        </Page>
    }
}
