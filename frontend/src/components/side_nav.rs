//! The console's side navigation (console build only): at desk widths (>= 1024 px) a column
//! left of the page listing the console pages this user may open, the current one marked,
//! and a link back to the member app; narrower, the same links as a strip under the top bar
//! that scrolls sideways (see the "console shell" section of console.css).

use leptos::prelude::*;

use crate::app::use_session;
use crate::i18n::{t, K};
use crate::router::use_router;

/// One console page in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    pub href: &'static str,
    pub label: K,
    /// Only admins may open it (the server answers organizers with 403).
    pub admin_only: bool,
}

const fn item(href: &'static str, label: K, admin_only: bool) -> NavItem {
    NavItem {
        href,
        label,
        admin_only,
    }
}

/// Every console page, in the order of the navigation, grouped as the work goes: follow
/// completion, look after people, build questions and quizzes, then the admin's settings.
pub const CONSOLE_PAGES: [NavItem; 11] = [
    item("/admin/dashboard", K::DashTitle, false),
    item("/admin/reports", K::ConsoleReports, false),
    item("/admin/members", K::MembersTitle, false),
    item("/admin/org", K::OrgTitle, false),
    item("/admin/questions", K::ManageQuestions, false),
    item("/admin/question-reports", K::ReportsTitle, false),
    item("/admin/import", K::QImportTitle, false),
    item("/admin/quizzes", K::ManageQuizzes, false),
    item("/admin/content", K::ContentTitle, false),
    item("/admin/points", K::PointsRulesTitle, true),
    item("/admin/audit", K::AuditTitle, true),
];

/// The pages this user may open: organizers do not see the admin-only ones.
pub fn nav_items(admin: bool) -> Vec<NavItem> {
    CONSOLE_PAGES
        .into_iter()
        .filter(|i| admin || !i.admin_only)
        .collect()
}

/// The navigation item `path` belongs to: a page is under its list (a question under the
/// bank, a unit's members under the dashboard).
pub fn current_href(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let path = if path == "/admin" {
        "/admin/dashboard"
    } else {
        path
    };
    CONSOLE_PAGES.iter().map(|i| i.href).find(|href| {
        path == *href
            || path
                .strip_prefix(href)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The side navigation of the console.
#[component]
pub fn SideNav() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let current = Memo::new(move |_| current_href(&router.path()));
    let items = move || nav_items(session.is_admin());
    view! {
        <nav class="side-nav" aria-label=t(K::ConsoleNav)>
            <p class="side-nav-head">{t(K::ConsoleName)}</p>
            <ul>
                {move || {
                    items()
                        .into_iter()
                        .map(|i| {
                            let here = move || (current.get() == Some(i.href)).then_some("page");
                            view! {
                                <li>
                                    <a href=i.href class="side-nav-link" aria-current=here>
                                        {t(i.label)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <a href="/" class="side-nav-link side-nav-back">
                {t(K::ConsoleBackToApp)}
            </a>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organizers_do_not_see_admin_pages() {
        let org: Vec<_> = nav_items(false).iter().map(|i| i.href).collect();
        assert!(org.contains(&"/admin/members"));
        assert!(!org.contains(&"/admin/audit") && !org.contains(&"/admin/points"));
        assert_eq!(nav_items(true).len(), CONSOLE_PAGES.len());
    }

    #[test]
    fn pages_below_a_list_mark_the_list() {
        assert_eq!(current_href("/admin/members"), Some("/admin/members"));
        assert_eq!(current_href("/admin/questions/7"), Some("/admin/questions"));
        assert_eq!(
            current_href("/admin/quizzes/3/analysis"),
            Some("/admin/quizzes")
        );
        assert_eq!(
            current_href("/admin/dashboard/branches/2"),
            Some("/admin/dashboard")
        );
        assert_eq!(current_href("/admin"), Some("/admin/dashboard"));
        assert_eq!(current_href("/admin/"), Some("/admin/dashboard"));
        assert_eq!(current_href("/admin/organization"), None);
    }
}
