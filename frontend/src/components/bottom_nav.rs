use leptos::prelude::*;

use crate::app::use_session;
use crate::i18n::{t, K};
use crate::router::use_router;

const ICON_HOME: &str = "M4 11l8-7 8 7v9h-5v-6h-6v6H4z";
const ICON_ORG: &str = "M10 3h4v4h-4zM3 17h4v4H3zm7 0h4v4h-4zm7 0h4v4h-4zM12 7v5M5 17v-5h14v5";
const ICON_BOOK: &str = "M4 5c3-1 6-1 8 1 2-2 5-2 8-1v14c-3-1-6-1-8 1-2-2-5-2-8-1zM12 6v14";
const ICON_QUIZ: &str = "M5 3h14v18H5zM9 8h6M9 12h6M9 16h3";
const ICON_RANK: &str = "M4 20V10h4v10M10 20V4h4v16M16 20v-7h4v7";
const ICON_MISTAKE: &str = "M6 3h12v18l-6-4-6 4zM10 8l4 4m0-4l-4 4";

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
/// desktops): home, study, quizzes, rankings, mistake book; staff also get the admin pages.
/// Nothing before the initial password is changed (there is nowhere to go).
pub fn bottom_nav() -> AnyView {
    let session = use_session();
    let router = use_router();
    if session.with_me(|m| m.must_change_password) {
        return ().into_any();
    }
    let links = move || {
        nav_items(session.is_staff())
            .into_iter()
            .map(|(href, section, icon, label)| {
                let current = section_active(&router.path(), section);
                view! {
                    <a href=href class="nav-item" aria-current=current.then_some("page")>
                        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                            <path d=icon fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"></path>
                        </svg>
                        <span>{t(label)}</span>
                    </a>
                }
            })
            .collect_view()
    };
    view! { <div class="bottom-nav" role="navigation">{links}</div> }.into_any()
}

/// The navigation's links: (href, the section it marks, icon path, label); staff also get
/// the console.
pub fn nav_items(staff: bool) -> Vec<(&'static str, &'static str, &'static str, K)> {
    let items = [
        ("/", "/", ICON_HOME, K::NavHome),
        ("/study", "/study", ICON_BOOK, K::NavStudy),
        ("/quizzes", "/quizzes", ICON_QUIZ, K::NavQuiz),
        ("/ranking", "/ranking", ICON_RANK, K::NavRanking),
        ("/mistakes", "/mistakes", ICON_MISTAKE, K::NavMistakes),
        ("/admin/org", "/admin", ICON_ORG, K::NavManage),
    ];
    items[..if staff { 6 } else { 5 }].to_vec()
}

/// Which bottom-navigation section a path belongs to: lessons and modules are study,
/// attempts and history are quizzes.
pub fn section_active(path: &str, section: &str) -> bool {
    if section == "/" {
        return path == "/";
    }
    let path = if nav_active(path, "/modules", false) || nav_active(path, "/lessons", false) {
        "/study"
    } else if nav_active(path, "/attempts", false) || path == "/history" {
        "/quizzes"
    } else {
        path
    };
    nav_active(path, section, false)
}

#[cfg(test)]
mod tests {
    use super::{nav_active, nav_items, section_active};

    #[test]
    fn the_current_section_is_marked_and_staff_see_admin() {
        let member = nav_items(false);
        assert_eq!(member.len(), 5);
        let current: Vec<&str> = member
            .iter()
            .filter(|i| section_active("/lessons/4", i.1))
            .map(|i| i.0)
            .collect();
        assert_eq!(current, ["/study"]);
        let staff = nav_items(true);
        let current: Vec<&str> = staff
            .iter()
            .filter(|i| section_active("/admin/members", i.1))
            .map(|i| i.0)
            .collect();
        assert_eq!(current, ["/admin/org"]);
    }

    #[test]
    fn sections_cover_their_pages() {
        assert!(section_active("/", "/"));
        assert!(!section_active("/study", "/"));
        assert!(section_active("/lessons/4", "/study"));
        assert!(section_active("/modules/1", "/study"));
        assert!(section_active("/attempts/9", "/quizzes"));
        assert!(section_active("/history", "/quizzes"));
        assert!(section_active("/admin/members", "/admin"));
        assert!(!section_active("/mistakes", "/quizzes"));
    }

    #[test]
    fn active_links() {
        assert!(nav_active("/", "/", true));
        assert!(!nav_active("/admin/org", "/", true));
        assert!(nav_active("/admin/org", "/admin/org", false));
        assert!(nav_active("/admin/org/x", "/admin/org", false));
        assert!(!nav_active("/admin/organization", "/admin/org", false));
    }
}
