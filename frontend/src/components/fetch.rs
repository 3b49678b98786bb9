use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};

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
    pub fn text(self) -> Option<Result<String, ApiError>> {
        self.state.get()
    }

    /// The answer decoded as its `shared` type (reactive); `None` until the first one
    /// arrives. An answer that does not decode is a failed call ([`api::BAD_RESPONSE`]).
    pub fn read<T: api::Wire>(self) -> Option<Result<T, ApiError>> {
        self.state.with(|s| {
            s.as_ref().map(|r| {
                r.as_ref()
                    .map_err(Clone::clone)
                    .and_then(|t| api::decode(t))
            })
        })
    }

    /// Loads again.
    pub fn reload(self) {
        self.version.try_update(|v| *v = v.wrapping_add(1));
    }
}
