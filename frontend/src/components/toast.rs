//! What an action did, as a toast fixed in the viewport (the button that caused it may be
//! far down a long page, or gone with the row it was on). Console build only.

use leptos::prelude::*;

use crate::i18n::{t, K};

/// The last action's outcome: `(true, "已保存")` or `(false, why it failed)`.
pub type Notice = RwSignal<Option<(bool, String)>>;

/// The toast of `notice`, with a button that closes it.
#[component]
pub fn Toast(notice: Notice) -> impl IntoView {
    move || {
        notice.get().map(|(ok, m)| {
            view! {
                <div
                    class=if ok { "banner success toast" } else { "banner error toast" }
                    role=if ok { "status" } else { "alert" }
                >
                    <p class="banner-text">{m}</p>
                    <button type="button" class="btn btn-small" on:click=move |_| notice.set(None)>
                        {t(K::Close)}
                    </button>
                </div>
            }
        })
    }
}
