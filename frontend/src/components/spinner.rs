use leptos::prelude::*;

/// A small spinning ring, for buttons and inline waits.
#[component]
pub fn Spinner() -> impl IntoView {
    view! { <span class="spinner" aria-hidden="true"></span> }
}
