//! Paging of long lists: previous / "page x of y" / next ([`Pager`]).

use leptos::prelude::*;

use crate::i18n::{t, tf, K};

/// How many pages `total` items fill, at least one.
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per_page = i64::from(per_page.max(1));
    let pages = (total.max(0) + per_page - 1) / per_page;
    u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
}

/// Where the pager's buttons lead: the previous and the next page, `None` at either end.
pub fn neighbours(page: u32, pages: u32) -> (Option<u32>, Option<u32>) {
    let page = page.clamp(1, pages.max(1));
    (
        (page > 1).then(|| page - 1),
        (page < pages).then(|| page + 1),
    )
}

/// Previous / "page x of y" / next under a paged list; nothing when everything fits one
/// page. `on_page` gets the page to go to.
#[component]
pub fn Pager(
    page: u32,
    total: i64,
    per_page: u32,
    #[prop(into)] on_page: Callback<u32>,
) -> impl IntoView {
    let pages = page_count(total, per_page);
    let page = page.clamp(1, pages);
    let (prev, next) = neighbours(page, pages);
    let button = move |to: Option<u32>, label: K| {
        view! {
            <button
                type="button"
                class="btn btn-small"
                data-action="page"
                data-id=to.unwrap_or(page).to_string()
                disabled=to.is_none()
                on:click=move |_| {
                    if let Some(p) = to {
                        on_page.run(p);
                    }
                }
            >
                {t(label)}
            </button>
        }
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=t(K::Paging)>
                {button(prev, K::MembersPrev)}
                <span class="pager-info">
                    {tf(K::MembersPageOf, &[("page", &page.to_string()), ("pages", &pages.to_string())])}
                </span>
                {button(next, K::MembersNext)}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up_and_never_reach_zero() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(1, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(45, 20), 3);
        assert_eq!(page_count(-3, 20), 1);
        assert_eq!(page_count(5, 0), 5);
    }

    #[test]
    fn neighbours_stop_at_the_ends() {
        assert_eq!(neighbours(1, 3), (None, Some(2)));
        assert_eq!(neighbours(2, 3), (Some(1), Some(3)));
        assert_eq!(neighbours(9, 3), (Some(2), None));
        assert_eq!(neighbours(1, 1), (None, None));
    }
}
