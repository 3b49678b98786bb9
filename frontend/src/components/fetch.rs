use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[cfg(not(feature = "console"))]
use super::region;
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
        Fetch::new_dyn(Box::new(url))
    }

    fn new_dyn(url: Box<dyn Fn() -> String>) -> Fetch {
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

    /// The answer's text (reactive); `None` until the first one arrives.
    #[cfg(not(feature = "console"))]
    pub fn text(self) -> Option<Result<String, ApiError>> {
        self.state.get()
    }

    /// Loads again.
    pub fn reload(self) {
        self.version.try_update(|v| *v = v.wrapping_add(1));
    }

    /// The answer as JSON (reactive); `None` until the first one arrives.
    pub fn get(self) -> Option<Result<Value, ApiError>> {
        self.state.with(|s| {
            s.as_ref().map(|r| {
                r.as_ref()
                    .map_err(Clone::clone)
                    .and_then(|t| api::parse_text(t))
            })
        })
    }

    /// The answer, without subscribing to changes.
    #[cfg(feature = "console")]
    pub fn get_untracked(self) -> Option<Result<Value, ApiError>> {
        untrack(|| self.get())
    }

    /// The answer, or what to show instead: placeholder lines while loading, the error
    /// with a button `data-action="retry"`.
    fn value_or_html(self, lines: usize) -> Result<Value, String> {
        match self.get() {
            None => Err(skeleton_html(lines)),
            Some(Err(e)) => Err(error_html(&e, true)),
            Some(Ok(v)) => Ok(v),
        }
    }

    /// [`Fetch::show`] as HTML text, for a `region`: placeholder lines, the error with a
    /// button `data-action="retry"`, or `ok` of the answer.
    pub fn html(self, lines: usize, ok: impl FnOnce(Value) -> String) -> String {
        self.value_or_html(lines).map_or_else(|h| h, ok)
    }

    /// A region showing [`Fetch::html`] whose retry button loads again.
    #[cfg(not(feature = "console"))]
    pub fn region(self, lines: usize, ok: impl Fn(Value) -> String + 'static) -> AnyView {
        region("", move || self.html(lines, &ok), move |_| self.reload())
    }

    /// What to show: placeholder lines while loading, the error with a retry button, or
    /// `ok` of the answer.
    #[cfg(not(feature = "console"))]
    pub fn show(
        self,
        lines: usize,
        ok: impl Fn(Value) -> AnyView + Send + Sync + 'static,
    ) -> impl Fn() -> AnyView {
        self.show_dyn(lines, Box::new(ok))
    }

    #[cfg(not(feature = "console"))]
    fn show_dyn(
        self,
        lines: usize,
        ok: Box<dyn Fn(Value) -> AnyView + Send + Sync>,
    ) -> impl Fn() -> AnyView {
        move || match self.get() {
            Some(Ok(v)) => ok(v),
            _ => self.region(lines, |_| String::new()),
        }
    }
}
