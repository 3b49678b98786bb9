use leptos::prelude::*;

use crate::app::use_session;
use crate::i18n::{t, K};
use crate::router::use_router;

const ICON_HOME: &str = "M4 11l8-7 8 7v9h-5v-6h-6v6H4z";
const ICON_ORG: &str = "M10 3h4v4h-4zM3 17h4v4H3zm7 0h4v4h-4zm7 0h4v4h-4zM12 7v5M5 17v-5h14v5";
const ICON_MEMBERS: &str =
    "M9 11a4 4 0 100-8 4 4 0 000 8zm-7 10c0-4 3-6 7-6s7 2 7 6M16 4a4 4 0 010 7m3 10c0-3-1-5-3-6";
const ICON_KEY: &str = "M14 10a5 5 0 10-4 4.9V17h2v2h2v2h4v-4l-4-4";

/// Whether the link to `href` is the current page (`exact`: only that path, else also the
/// pages below it).
pub fn nav_active(path: &str, href: &str, exact: bool) -> bool {
    path == href
        || (!exact
            && path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// Thumb-reach navigation along the bottom of the screen (a row under the content on
/// desktops). Staff also get the organization and member pages.
#[component]
pub fn BottomNav() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let item = move |href: &'static str, icon: &'static str, label: K, exact: bool| {
        view! {
            <a
                href=href
                class="nav-item"
                aria-current=move || nav_active(&router.path(), href, exact).then_some("page")
            >
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                    <path d=icon fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"></path>
                </svg>
                <span>{t(label)}</span>
            </a>
        }
    };
    // Nothing to navigate to before the initial password is changed.
    if session.with_me(|m| m.must_change_password) {
        return ().into_any();
    }
    view! {
        <nav class="bottom-nav">
            {item("/", ICON_HOME, K::NavHome, true)}
            {move || {
                session
                    .is_staff()
                    .then(|| {
                        view! {
                            {item("/admin/org", ICON_ORG, K::NavOrg, false)}
                            {item("/admin/members", ICON_MEMBERS, K::NavMembers, false)}
                        }
                    })
            }}
            {item("/password", ICON_KEY, K::NavAccount, false)}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::nav_active;

    #[test]
    fn active_links() {
        assert!(nav_active("/", "/", true));
        assert!(!nav_active("/admin/org", "/", true));
        assert!(nav_active("/admin/org", "/admin/org", false));
        assert!(nav_active("/admin/org/x", "/admin/org", false));
        assert!(!nav_active("/admin/organization", "/admin/org", false));
    }
}
