use leptos::prelude::*;

use crate::i18n::{t, tf, K};

/// How many pages `total` items fill, at least one.
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per_page = i64::from(per_page.max(1));
    let pages = (total.max(0) + per_page - 1) / per_page;
    u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
}

/// Previous / "page x of y" / next, for a paged list. Hidden when everything fits one page.
#[component]
pub fn Pager(page: u32, total: i64, per_page: u32, on_go: Callback<u32>) -> impl IntoView {
    let pages = page_count(total, per_page);
    let page = page.clamp(1, pages);
    (pages > 1).then(|| {
        view! {
            <nav class="pager">
                <button
                    type="button"
                    class="btn btn-small"
                    disabled={page <= 1}
                    on:click=move |_| on_go.run(page - 1)
                >
                    {t(K::MembersPrev)}
                </button>
                <span class="pager-info">
                    {move || {
                        tf(K::MembersPageOf, &[("page", &page.to_string()), ("pages", &pages.to_string())])
                    }}
                </span>
                <button
                    type="button"
                    class="btn btn-small"
                    disabled={page >= pages}
                    on:click=move |_| on_go.run(page + 1)
                >
                    {t(K::MembersNext)}
                </button>
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
}
