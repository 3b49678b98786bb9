//! Reusable view pieces: the page frame (top bar, bottom navigation), loading and error
//! states, and the modal sheet used for forms on phones.

mod bottom_nav;
mod error_banner;
mod page;
mod pager;
mod sheet;
mod spinner;
mod top_bar;

pub use bottom_nav::BottomNav;
pub use error_banner::{error_text, ErrorBanner, ErrorLine};
pub use page::Page;
pub use pager::Pager;
pub use sheet::Sheet;
pub use spinner::{PageLoading, Skeleton, Spinner};
pub use top_bar::{LangToggle, TopBar};
