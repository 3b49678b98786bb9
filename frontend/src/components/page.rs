//! The frame of a signed-in page: top bar, content, navigation (in the console also the
//! side navigation at desk widths).

use leptos::prelude::*;

use super::{bottom_nav, top_bar};
use crate::i18n::{t, K};

/// The frame of a signed-in page: top bar, a centred content column, bottom navigation.
/// The root carries `class="page <class>"` (tests and styles find pages by it).
#[component]
pub fn Page(
    /// The page's own class, e.g. `home`.
    class: &'static str,
    title: K,
    /// Where the top bar's back arrow leads; none on top-level pages.
    #[prop(default = None)]
    back: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    // The console names itself in the tab, so it is told apart from the member app.
    #[cfg(feature = "console")]
    let app = K::ConsoleName;
    #[cfg(not(feature = "console"))]
    let app = K::AppName;
    crate::browser::set_title(&format!("{} · {}", t(title), t(app)));
    frame(class, top_bar(title, back), children)
}

/// The console's frame: the side navigation beside the content (shown at desk widths).
#[cfg(feature = "console")]
fn frame(class: &'static str, bar: AnyView, children: Children) -> AnyView {
    view! {
        <div class=format!("page console {class}")>
            {bar}
            <div class="console-frame">
                <super::SideNav/>
                <main class="container">{children()}</main>
            </div>
            {bottom_nav()}
        </div>
    }
    .into_any()
}

/// The member app's frame, with a line saying so while the phone is offline (pages then
/// show what the service worker kept from the last visit).
#[cfg(not(feature = "console"))]
fn frame(class: &'static str, bar: AnyView, children: Children) -> AnyView {
    let online = RwSignal::new(crate::browser::online());
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    view! {
        <div class=format!("page {class}")>
            {bar}
            {move || (!online.get()).then(|| view! {
                <p class="offline-banner" id="offline-banner" role="status">{t(K::OfflineBanner)}</p>
            })}
            <main class="container">{children()}</main>
            {bottom_nav()}
        </div>
    }
    .into_any()
}
