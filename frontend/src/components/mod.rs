//! Reusable view pieces: the page frame (top bar, bottom navigation), loading and error
//! states, the modal sheet used for forms on phones, and `region`: interactive HTML text.

mod bottom_nav;
mod error_banner;
mod export_job;
mod fetch;
mod page;
mod pager;
mod question_review;
mod region;
mod report_sheet;
mod sheet;
mod spinner;
mod top_bar;

pub use bottom_nav::bottom_nav;
pub use error_banner::error_text;
pub use export_job::Exporter;
pub use fetch::Fetch;
pub use page::Page;
pub use pager::pager_html;
pub use question_review::{review_html, Review};
pub use region::{chosen_file, landmark, region, Act, Fields};
pub use report_sheet::Reviews;
pub use sheet::Sheet;
pub use spinner::Spinner;
pub use top_bar::{lang_toggle_html, top_bar};
