//! Importing question files (Beacon TOML, XLSX/CSV template, GIFT, Moodle XML): a preview
//! first, then a confirmed import that runs in the background with progress, all or
//! nothing.

use serde::{Deserialize, Serialize};

/// Questions per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCounts {
    pub single: i64,
    pub multiple: i64,
    pub true_false: i64,
    pub fill_in: i64,
}

impl KindCounts {
    pub fn total(&self) -> i64 {
        self.single + self.multiple + self.true_false + self.fill_in
    }
}

/// A question of the file that cannot be imported as written; it blocks the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// Where, as the organizer reads it: "第12行", "法规.toml 第40行".
    pub location: String,
    /// The row or line number.
    pub line: u32,
    pub field: Option<String>,
    pub message: String,
}

/// A question of a kind Beacon does not have, left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSkip {
    pub location: String,
    pub line: u32,
    pub reason: String,
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Read and checked; waiting for the organizer to confirm.
    Preview,
    /// Being written.
    Running,
    /// Written.
    Done,
    /// Nothing was written (see `error`).
    Failed,
}

/// An import: what the file holds and what confirming does (preview), then its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: i64,
    pub file_name: String,
    /// `xlsx`, `csv`, `toml`, `gift` or `moodle_xml`.
    pub format: String,
    pub state: ImportState,
    /// New questions, by kind.
    pub added: KindCounts,
    /// Questions already stored whose content changes, by kind.
    pub updated: KindCounts,
    /// Questions already stored as the file has them.
    pub unchanged: i64,
    /// Categories that will be created.
    pub new_categories: Vec<String>,
    /// Every problem, by row or line; any problem blocks confirming.
    pub problems: Vec<ImportProblem>,
    pub skipped: Vec<ImportSkip>,
    /// Questions to write and how many are written so far (while running).
    pub total: i64,
    pub done: i64,
    pub error: Option<String>,
}

/// Query of `POST /api/v1/question-imports` (the file is the raw body).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ImportParams {
    /// The uploaded file's name; its extension tells the format.
    pub file_name: String,
    /// The category for questions whose file names none.
    #[serde(default)]
    pub category_id: Option<i64>,
    /// The unit that will own the questions (organizers must name one of theirs; none:
    /// the organization's bank, admins only).
    #[serde(default)]
    pub branch_id: Option<i64>,
    #[serde(default)]
    pub youth_group_id: Option<i64>,
}

/// Query of `GET /api/v1/question-exports`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ExportParams {
    /// `xlsx`, `csv`, `toml`, `gift` or `moodle_xml`.
    pub format: String,
    /// A category (with its sub-categories).
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Comma-separated question ids (a selection).
    #[serde(default)]
    pub ids: Option<String>,
}
