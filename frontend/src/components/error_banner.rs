use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{t, K};

/// The sentence to show for a failed call: the server's own zh-CN message, or the app's
/// text (in the current language) for transport failures.
pub fn error_text(e: &ApiError) -> String {
    match e.code.as_str() {
        api::NETWORK => t(K::NetworkError).to_string(),
        api::BAD_RESPONSE => t(K::ServerError).to_string(),
        _ => e.message.clone(),
    }
}

/// A failed load or action: the message, field details when there are several, and a retry
/// button when the caller can retry.
#[component]
pub fn ErrorBanner(
    error: ApiError,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let details: Vec<String> = error
        .details
        .iter()
        .map(|d| d.message.clone())
        .filter(|m| *m != error.message)
        .collect();
    view! {
        <div class="banner error" role="alert">
            <p class="banner-text">{move || error_text(&error)}</p>
            {(!details.is_empty())
                .then(|| {
                    view! {
                        <ul class="banner-details">
                            {details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                        </ul>
                    }
                })}
            {on_retry
                .map(|cb| {
                    view! {
                        <button type="button" class="btn btn-small" on:click=move |_| cb.run(())>
                            {t(K::Retry)}
                        </button>
                    }
                })}
        </div>
    }
}
