//! Beacon's shared crate: the JSON types that cross the wire between `backend` and
//! `frontend`, and the pure rules both sides run (validation today; grading and points
//! rules as they arrive). No I/O and no server-only dependencies: it builds for wasm32.

pub mod api;
pub mod calendar;
pub mod error;
pub mod grading;
pub mod item_analysis;
#[cfg(feature = "miniserde")]
pub mod mini;
// issue 17 reports
pub mod period;
pub mod points;
pub mod question;
pub mod study;
pub mod text;
pub mod validation;

pub use error::{ErrorBody, ErrorDetail};
