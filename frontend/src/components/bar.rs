//! A progress bar as a `view!` component.

use leptos::prelude::*;

/// A progress bar filled to `percent` (clamped to 0–100), labelled for screen readers.
#[component]
pub fn Bar(percent: i64, label: String) -> impl IntoView {
    let p = percent.clamp(0, 100);
    view! {
        <div
            class="bar"
            role="progressbar"
            aria-label=label
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=p.to_string()
        >
            <span style=format!("width:{p}%")></span>
        </div>
    }
}
