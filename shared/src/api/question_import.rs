//! Importing question files (Beacon TOML, XLSX/CSV template, GIFT, Moodle XML): a preview
//! first, then a confirmed import that runs in the background with progress, all or
//! nothing.

use serde::{Deserialize, Serialize};

/// Questions per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
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
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
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
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSkip {
    pub location: String,
    pub line: u32,
    pub reason: String,
}

/// Something in the file worth knowing that does not block the import, e.g. a question
/// that appears twice (imported once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportWarning {
    pub location: String,
    pub line: u32,
    pub message: String,
}

/// One side of a changed question, as the organizer reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionText {
    pub category: String,
    /// `single`, `multiple`, `true_false` or `fill_in`.
    pub kind: String,
    pub stem: String,
    pub options: Vec<String>,
    /// The key in the sheet's notation: `B`, `ABD`, `对`, `两个维护|四个意识`.
    pub key: String,
    pub explanation: String,
    pub source: String,
    pub difficulty: u8,
    pub tags: Vec<String>,
}

/// A question already in the target bank that confirming would change: both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportChange {
    /// Where the file has the new version.
    pub location: String,
    pub line: u32,
    /// The stored question's id.
    pub question_id: i64,
    /// The fields that differ (`category`, `stem`, `options`, `key`, `explanation`,
    /// `source`, `difficulty`, `tags`).
    pub fields: Vec<String>,
    pub before: QuestionText,
    pub after: QuestionText,
}

/// A worksheet of an XLSX file: read for questions, or skipped and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "miniserde", derive(miniserde::Deserialize))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSheet {
    pub name: String,
    pub read: bool,
    /// Question rows found on it (valid or not).
    pub rows: i64,
    /// Why it was skipped (or a note about how it was read).
    pub note: Option<String>,
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
    /// Notes that do not block confirming (duplicates in the file…).
    #[serde(default)]
    pub warnings: Vec<ImportWarning>,
    /// Every stored question confirming would change, old and new side by side.
    #[serde(default)]
    pub changes: Vec<ImportChange>,
    /// Existing categories that will receive questions (nothing is merged unannounced).
    #[serde(default)]
    pub existing_categories: Vec<String>,
    /// Questions of the file without an explanation (解析) or a source (出处); they are
    /// imported, and the question editor asks for them.
    #[serde(default)]
    pub without_explanation: i64,
    #[serde(default)]
    pub without_source: i64,
    /// Columns of a sheet that Beacon does not read (序号, 备注…), ignored.
    #[serde(default)]
    pub ignored_columns: Vec<String>,
    /// The worksheets of an XLSX file, read or skipped.
    #[serde(default)]
    pub sheets: Vec<ImportSheet>,
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
