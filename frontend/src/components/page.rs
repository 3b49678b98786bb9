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
    crate::browser::set_title(&format!("{} · {}", t(title), t(K::AppName)));
    view! {
        <div class=format!("page {class}")>
            {top_bar(title, back)}
            <main class="container">{children()}</main>
            {bottom_nav()}
        </div>
    }
}
