use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use super::{ErrorBanner, Skeleton};
use crate::api::{self, ApiError};
use crate::html::{error_html, skeleton_html};

/// A page's GET: the answer is kept as text and parsed where it is shown.
///
/// Pages use this instead of `LocalResource`: one non-generic loader for every page keeps
/// the wasm small (each `LocalResource<T>` costs several KB of async machinery per type).
/// [`Fetch::reload`] loads again with the last answer still on screen; a new URL clears
/// it (it answered another question). Answers that arrive out of order are dropped.
#[derive(Debug, Clone, Copy)]
pub struct Fetch {
    state: RwSignal<Option<Result<String, ApiError>>>,
    version: RwSignal<u32>,
}

impl Fetch {
    /// Starts loading `url` (read reactively).
    pub fn new(url: impl Fn() -> String + 'static) -> Fetch {
        let f = Fetch {
            state: RwSignal::new(None),
            version: RwSignal::new(0),
        };
        let latest = StoredValue::new(0u32);
        let last_url = StoredValue::new(String::new());
        Effect::new(move |_| {
            f.version.track();
            let url = url();
            if last_url.with_value(|u| *u != url) {
                last_url.set_value(url.clone());
                f.state.set(None);
            }
            let n = latest.get_value().wrapping_add(1);
            latest.set_value(n);
            spawn_local(async move {
                let answer = api::get_text(&url).await;
                if latest.try_get_value() == Some(n) {
                    f.state.try_set(Some(answer));
                }
            });
        });
        f
    }

    /// Loads again.
    pub fn reload(self) {
        self.version.try_update(|v| *v = v.wrapping_add(1));
    }

    /// The answer as `T` (reactive); `None` until the first one arrives.
    pub fn get<T: DeserializeOwned>(self) -> Option<Result<T, ApiError>> {
        self.state.with(|s| {
            s.as_ref().map(|r| {
                r.as_ref()
                    .map_err(Clone::clone)
                    .and_then(|t| api::parse_text(t))
            })
        })
    }

    /// The answer as `T`, without subscribing to changes.
    pub fn get_untracked<T: DeserializeOwned>(self) -> Option<Result<T, ApiError>> {
        untrack(|| self.get())
    }

    /// [`Fetch::show`] as HTML text, for a `region`: placeholder lines, the error with a
    /// button `data-action="retry"`, or `ok` of the answer.
    pub fn html<T: DeserializeOwned>(self, lines: usize, ok: impl FnOnce(T) -> String) -> String {
        match self.get::<T>() {
            None => skeleton_html(lines),
            Some(Err(e)) => error_html(&e, true),
            Some(Ok(v)) => ok(v),
        }
    }

    /// What to show: placeholder lines while loading, the error with a retry button, or
    /// `ok` of the answer.
    pub fn show<T: DeserializeOwned>(
        self,
        lines: usize,
        ok: impl Fn(T) -> AnyView + 'static,
    ) -> impl Fn() -> AnyView {
        move || match self.get::<T>() {
            None => view! { <Skeleton lines=lines/> }.into_any(),
            Some(Err(e)) => {
                view! { <ErrorBanner error=e on_retry=Callback::new(move |_| self.reload())/> }
                    .into_any()
            }
            Some(Ok(v)) => ok(v),
        }
    }
}
