use crate::i18n::{t, tf, K};

/// How many pages `total` items fill, at least one.
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per_page = i64::from(per_page.max(1));
    let pages = (total.max(0) + per_page - 1) / per_page;
    u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
}

/// Previous / "page x of y" / next, for a paged list in a `region`: the buttons carry
/// `data-action="page"` and the page to go to in `data-id`. Empty when everything fits
/// one page.
pub fn pager_html(page: u32, total: i64, per_page: u32) -> String {
    let pages = page_count(total, per_page);
    if pages <= 1 {
        return String::new();
    }
    let page = page.clamp(1, pages);
    let button = |to: u32, off: bool, label: K| {
        format!(
            r#"<button type="button" class="btn btn-small" data-action="page" data-id="{to}"{}>{}</button>"#,
            if off { " disabled" } else { "" },
            t(label)
        )
    };
    format!(
        r#"<nav class="pager">{}<span class="pager-info">{}</span>{}</nav>"#,
        button(page - 1, page <= 1, K::MembersPrev),
        tf(
            K::MembersPageOf,
            &[("page", &page.to_string()), ("pages", &pages.to_string())]
        ),
        button(page + 1, page >= pages, K::MembersNext)
    )
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
    fn the_pager_links_its_neighbours() {
        assert_eq!(pager_html(1, 20, 20), "");
        let h = pager_html(1, 45, 20);
        assert!(h.contains(r#"data-id="0" disabled>"#));
        assert!(h.contains(r#"data-id="2">"#));
        let h = pager_html(9, 45, 20);
        assert!(
            h.contains(r#"data-id="2">"#),
            "clamped to the last page: {h}"
        );
        assert!(h.contains(r#"data-id="4" disabled>"#));
    }
}
