//! Reusable view pieces: the page frame (top bar, bottom navigation), loading and error
//! states, the modal sheet used for forms on phones, and `region`: interactive HTML text.

#[cfg(not(feature = "console"))]
mod bar;
mod bottom_nav;
mod error_banner;
#[cfg(feature = "console")]
mod export_job;
mod fetch;
#[cfg(not(feature = "console"))]
mod load;
mod page;
#[cfg(feature = "console")]
mod pager;
mod question_review;
mod region;
#[cfg(not(feature = "console"))]
mod report_sheet;
mod sheet;
#[cfg(not(feature = "console"))]
mod spinner;
mod top_bar;

#[cfg(not(feature = "console"))]
pub use bar::Bar;
pub use bottom_nav::bottom_nav;
pub use error_banner::error_text;
#[cfg(feature = "console")]
pub use export_job::Exporter;
pub use fetch::Fetch;
#[cfg(not(feature = "console"))]
pub use load::{load, show, Loaded};
pub use page::Page;
#[cfg(feature = "console")]
pub use pager::pager_html;
pub use question_review::{review_html, Review};
#[cfg(feature = "console")]
pub use region::chosen_file;
#[cfg(feature = "console")]
pub use region::Fields;
pub use region::{landmark, region, Act};
#[cfg(not(feature = "console"))]
pub use report_sheet::Reviews;
pub use sheet::Sheet;
#[cfg(not(feature = "console"))]
pub use spinner::Spinner;
#[cfg(not(feature = "console"))]
pub use top_bar::lang_toggle_html;
pub use top_bar::top_bar;
