use leptos::prelude::*;

use crate::i18n::{t, K};

/// A small spinning ring, for buttons and inline waits.
#[component]
pub fn Spinner() -> impl IntoView {
    view! { <span class="spinner" aria-hidden="true"></span> }
}

/// The whole-page wait, shown while the first data of a page arrives.
#[component]
pub fn PageLoading() -> impl IntoView {
    view! {
        <div class="page-loading" role="status" aria-live="polite">
            <Spinner/>
            <span>{t(K::Loading)}</span>
        </div>
    }
}

/// Grey placeholder lines where a list will appear.
#[component]
pub fn Skeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    view! {
        <div class="skeleton" role="status" aria-label=t(K::Loading)>
            {(0..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}
