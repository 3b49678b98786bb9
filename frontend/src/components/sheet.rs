use leptos::prelude::*;

use crate::i18n::{t, K};

/// A modal panel for forms: a bottom sheet on phones, a centred dialog on wider screens.
#[component]
pub fn Sheet(
    title: &'static str,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    // Focus moves into the dialog, so Escape and screen readers start there.
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div
            class="sheet-backdrop"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }
        >
            <div
                class="sheet"
                role="dialog"
                aria-modal="true"
                aria-label=title
                tabindex="-1"
                node_ref=panel
            >
                <div class="sheet-head">
                    <h2>{title}</h2>
                    <button
                        type="button"
                        class="icon-btn"
                        aria-label=t(K::Close)
                        on:click=move |_| on_close.run(())
                    >
                        "×"
                    </button>
                </div>
                <div class="sheet-body">{children()}</div>
            </div>
        </div>
    }
}
