//! A page of the other build: the member app shown at a console address, or the console at a
//! member page's address. It happens only when the server sent the other build (the member
//! app's router and the console's load each other's pages in full), e.g. the console for a
//! member whose role changed; the link loads the page afresh, so the server picks again.

use leptos::prelude::*;

use crate::components::Page;
use crate::i18n::{t, K};
use crate::router::{is_console_path, use_router};

/// "This page is in the console" (or "in the study app") with a link that loads it.
#[component]
pub fn OtherApp() -> impl IntoView {
    let router = use_router();
    let url = router.url.get_untracked();
    let to_console = is_console_path(&url.path);
    let href = if url.query.is_empty() {
        url.path
    } else {
        format!("{}?{}", url.path, url.query)
    };
    let (text, open) = if to_console {
        (K::OtherAppConsole, K::OtherAppOpenConsole)
    } else {
        (K::OtherAppMember, K::OtherAppOpenMember)
    };
    view! {
        <Page class="other-app" title=K::OtherAppTitle back=None>
            <section class="card empty">
                <p>{t(text)}</p>
                // `rel="external"`: a full page load, which the server answers with the
                // build this page belongs to.
                <a href=href rel="external" class="btn btn-primary" id="open-other-app">
                    {t(open)}
                </a>
            </section>
        </Page>
    }
}
