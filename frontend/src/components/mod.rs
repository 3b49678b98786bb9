//! Reusable view pieces: the page frame (top bar, bottom navigation, and in the console the
//! side navigation), loading and error states, question reviews with the 纠错 sheet, the
//! modal sheet used for forms on phones, the pager, the console's toasts and sortable headers.

mod bar;
mod bottom_nav;
mod error_banner;
#[cfg(feature = "console")]
mod export_job;
mod fetch;
mod load;
mod page;
mod pager;
#[cfg(not(feature = "console"))]
mod question_review;
#[cfg(not(feature = "console"))]
mod report_sheet;
mod sheet;
#[cfg(feature = "console")]
mod side_nav;
#[cfg(feature = "console")]
mod sort_header;
mod spinner;
#[cfg(feature = "console")]
mod toast;
mod top_bar;

pub use bar::Bar;
pub use bottom_nav::bottom_nav;
pub use error_banner::error_text;
#[cfg(feature = "console")]
pub use export_job::{ExportButtons, Exporter};
pub use fetch::Fetch;
#[cfg(feature = "console")]
pub use load::decoded;
pub use load::{load, show, ErrorBanner, Loaded, PageLoading, Skeleton};
pub use page::Page;
pub use pager::Pager;
#[cfg(all(test, not(feature = "console")))]
pub use question_review::answer_lines;
#[cfg(not(feature = "console"))]
pub use question_review::{QuestionReview, Reviewed};
#[cfg(not(feature = "console"))]
pub use report_sheet::Reviews;
pub use sheet::Sheet;
#[cfg(feature = "console")]
pub use side_nav::SideNav;
#[cfg(feature = "console")]
pub use sort_header::{sort_order, Sort, SortHeader};
#[cfg_attr(feature = "console", allow(unused_imports))]
pub use spinner::Spinner;
#[cfg(feature = "console")]
pub use toast::{Notice, Toast};
pub use top_bar::top_bar;
#[cfg(not(feature = "console"))]
pub use top_bar::LangToggle;
