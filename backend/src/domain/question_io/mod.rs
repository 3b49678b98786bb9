//! Question-bank import and export formats: Beacon's own `question-bank/` TOML, an XLSX and
//! CSV sheet with one column model, Moodle's GIFT text format and Moodle XML. Pure code: no
//! database and no HTTP. Reading never panics and never trusts sizes from the file; every
//! imported question is checked with [`shared::question::validate_import`] (an explanation
//! or source may be missing: they are counted, not invented), and what cannot be imported
//! is reported with its row (sheets) or line (text formats).
//!
//! A whole-file failure (wrong encoding, truncated, no question columns, not the format at
//! all) is an [`ImportError`] and imports nothing. Otherwise [`parse`] returns a
//! [`ParsedImport`]: the questions, the [`Problem`]s of questions that are invalid, the
//! questions [`Skipped`] because Beacon has no such kind (matching, numerical, essay…) and
//! [`Warning`]s that do not block (a question written twice is imported once), so the
//! organizer can preview the import before anything is written.
//!
//! Identity: a question keeps an id only when the file states one explicitly: TOML `id`,
//! the sheet's 编号 column, GIFT's `// [id:…]` comment, Moodle `<idnumber>`. A GIFT
//! `::title::` or a Moodle `<name>` is a name, never an id: Moodle writes one on every
//! question and does not keep them unique. Without an explicit id,
//! [`ImportedQuestion::key`] derives one from the question's kind, stem and options, so
//! importing the same file twice matches the same questions by content, and an edited
//! explanation or key updates the question in place instead of adding a copy.

mod gift;
mod moodle_xml;
mod numfmt;
mod sheet;
mod sheet_csv;
mod sheet_xlsx;
mod text;
mod toml_bank;

pub use sheet::format_key;
pub(crate) use sheet::Sheet;
pub use text::LineIndex;

use std::collections::HashMap;
use std::fmt;

use sha2::{Digest, Sha256};
use shared::grading::QuestionKind;
use shared::question::{self, QuestionDraft};

use crate::domain::question_bank::BankQuestion;

/// Largest file accepted for import (bytes).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Most questions (including skipped ones) one file may hold.
pub const MAX_QUESTIONS: usize = 20_000;
/// Longest stable id accepted from a file, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest category name, in characters (as in `question-bank/`).
pub const MAX_CATEGORY_CHARS: usize = 60;
/// Difficulty of an imported question whose file does not say (sheets, GIFT, Moodle XML).
pub const DEFAULT_DIFFICULTY: u8 = 2;
/// The marker that separates the explanation from the source in GIFT and Moodle general
/// feedback, which have no source field: `解析……\n[出处] 第1条`.
pub const SOURCE_MARKER: &str = "[出处]";

/// The formats Beacon reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `question-bank/*.toml` (one category per file; several categories travel as a ZIP
    /// of such files).
    BeaconToml,
    /// The Excel template (`.xlsx`).
    Xlsx,
    /// The same columns as CSV, UTF-8 (a BOM is written and accepted).
    Csv,
    /// Moodle GIFT text.
    Gift,
    /// Moodle XML.
    MoodleXml,
}

impl Format {
    /// Every format, in the order menus show them.
    pub const ALL: [Format; 5] = [
        Format::Xlsx,
        Format::Csv,
        Format::BeaconToml,
        Format::Gift,
        Format::MoodleXml,
    ];

    /// A stable machine name: `toml`, `xlsx`, `csv`, `gift`, `moodle_xml`.
    pub fn code(self) -> &'static str {
        match self {
            Format::BeaconToml => "toml",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Gift => "gift",
            Format::MoodleXml => "moodle_xml",
        }
    }

    /// The format named by [`Format::code`].
    pub fn from_code(code: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The format a file name's extension says. `.txt` is GIFT (Moodle's own GIFT export
    /// uses it); `.zip` is a ZIP of Beacon TOML files; `.xls` maps to XLSX so the reader can
    /// explain that the old format must be saved as `.xlsx`.
    pub fn from_filename(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "toml" | "zip" => Some(Format::BeaconToml),
            "xlsx" | "xlsm" | "xls" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            "gift" | "txt" => Some(Format::Gift),
            "xml" => Some(Format::MoodleXml),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes, for files whose name says nothing.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"PK\x03\x04") {
            // Every XLSX names its content-types part near the start of the archive.
            let head = &bytes[..bytes.len().min(64 * 1024)];
            return if contains(head, b"[Content_Types].xml") {
                Some(Format::Xlsx)
            } else {
                Some(Format::BeaconToml)
            };
        }
        if bytes.starts_with(&text::OLE_SIGNATURE) {
            return Some(Format::Xlsx);
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with("<?xml") || head.starts_with("<quiz") {
            Some(Format::MoodleXml)
        } else if head.contains("[[questions]]") {
            Some(Format::BeaconToml)
        } else if head.contains('{') && (head.contains("::") || head.contains("$CATEGORY")) {
            Some(Format::Gift)
        } else if head
            .lines()
            .next()
            .is_some_and(|l| l.contains("题干") || l.contains("stem"))
        {
            Some(Format::Csv)
        } else {
            None
        }
    }

    /// The format of an uploaded file: its extension, else its content.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<Format> {
        Format::from_filename(file_name).or_else(|| Format::sniff(bytes))
    }

    /// The usual file extension (without dot) of an export in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::BeaconToml => "toml",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Gift => "txt",
            Format::MoodleXml => "xml",
        }
    }

    /// The MIME type of an export in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::BeaconToml => "application/toml; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Gift => "text/plain; charset=utf-8",
            Format::MoodleXml => "application/xml; charset=utf-8",
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Where in a file something was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A spreadsheet row, 1-based as Excel shows it (the header is row 1).
    Row(u32),
    /// A line of a text file, 1-based.
    Line(u32),
    /// A line of one TOML file inside a ZIP.
    FileLine { file: String, line: u32 },
    /// A row of one worksheet of a workbook whose questions come from several.
    SheetRow { sheet: String, row: u32 },
}

impl Location {
    /// The row or line number.
    pub fn number(&self) -> u32 {
        match self {
            Location::Row(n)
            | Location::Line(n)
            | Location::FileLine { line: n, .. }
            | Location::SheetRow { row: n, .. } => *n,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Row(n) | Location::Line(n) => write!(f, "第{n}行"),
            Location::FileLine { file, line } => write!(f, "{file} 第{line}行"),
            Location::SheetRow { sheet, row } => write!(f, "工作表“{sheet}”第{row}行"),
        }
    }
}

/// Why a whole file cannot be imported (a stable machine code beside the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Over [`MAX_FILE_BYTES`].
    TooLarge,
    /// Over [`MAX_QUESTIONS`].
    TooMany,
    /// Nothing in the file.
    Empty,
    /// Text that is not UTF-8 (often GBK/ANSI from Chinese Windows, or UTF-16).
    NotUtf8,
    /// Binary data where text was expected.
    NotText,
    /// The file ends early (an interrupted upload, an unclosed XML element).
    Truncated,
    /// Not an XLSX workbook (an old `.xls`, an encrypted or damaged file).
    NotXlsx,
    /// The sheet's header lacks a column, repeats one or has one Beacon does not know.
    WrongColumns,
    /// The format's syntax is broken (TOML, XML, CSV quoting) or it is another format.
    Malformed,
}

impl ErrorCode {
    /// The code's stable name, e.g. `not_utf8`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TooLarge => "too_large",
            ErrorCode::TooMany => "too_many",
            ErrorCode::Empty => "empty",
            ErrorCode::NotUtf8 => "not_utf8",
            ErrorCode::NotText => "not_text",
            ErrorCode::Truncated => "truncated",
            ErrorCode::NotXlsx => "not_xlsx",
            ErrorCode::WrongColumns => "wrong_columns",
            ErrorCode::Malformed => "malformed",
        }
    }
}

/// A file that cannot be imported at all, with a message for the organizer (Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub code: ErrorCode,
    pub message: String,
    /// Where the file went wrong, when that is known.
    pub location: Option<Location>,
}

impl ImportError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> ImportError {
        ImportError {
            code,
            message: message.into(),
            location: None,
        }
    }

    pub(crate) fn at(mut self, location: Location) -> ImportError {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}：{}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// A question read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedQuestion {
    /// The id the file gives, if any (see [`ImportedQuestion::key`]).
    pub stable_id: Option<String>,
    /// The category the file puts it in; empty when the file names none (the caller then
    /// uses the category the organizer chose for the import).
    pub category: String,
    pub draft: QuestionDraft,
    pub location: Location,
}

impl ImportedQuestion {
    /// The id to match stored questions on: the file's own id, else one derived from the
    /// question's content ([`content_id`]).
    pub fn key(&self) -> String {
        self.stable_id
            .clone()
            .unwrap_or_else(|| content_id(&self.draft))
    }
}

/// A question of the file that cannot be imported as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    /// The field at fault (`stem`, `options`, `answer`, `explanation`, `source`,
    /// `difficulty`, `tags`, `kind`, `category`, `id`), when one is.
    pub field: Option<&'static str>,
    /// What is wrong, for the organizer (Chinese).
    pub message: String,
}

/// A question of a kind Beacon does not have, left out of the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub location: Location,
    /// Why, for the organizer (Chinese), e.g. "GIFT 匹配题（matching）暂不支持".
    pub reason: String,
}

/// Something worth telling the organizer that does not block the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

/// A worksheet of a workbook, read or skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetReport {
    pub name: String,
    pub read: bool,
    /// Question rows found (valid or not).
    pub rows: usize,
    /// Why it was skipped, or how it was read (e.g. where its header was found).
    pub note: Option<String>,
}

/// What a file holds, before anything is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedImport {
    pub questions: Vec<ImportedQuestion>,
    pub problems: Vec<Problem>,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<Warning>,
    /// Header cells of a sheet that name no column Beacon reads (序号, 备注…), each once.
    pub ignored_columns: Vec<String>,
    /// The worksheets of an XLSX file (empty for other formats).
    pub sheets: Vec<SheetReport>,
}

/// A stored question to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuestion {
    pub stable_id: String,
    pub category: String,
    pub draft: QuestionDraft,
}

impl From<BankQuestion> for ExportQuestion {
    fn from(q: BankQuestion) -> ExportQuestion {
        ExportQuestion {
            stable_id: q.stable_id,
            category: q.category,
            draft: q.draft,
        }
    }
}

/// Why an export could not be written (a cell over Excel's limit of 32,767 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExportError {}

/// Every worksheet of an XLSX workbook, its cells as the text Excel shows, read within the
/// unpacking budget of a file of its size (see `sheet_xlsx`): member imports read their
/// sheet with it too, so no spreadsheet reaches an unbounded unpacker.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    sheet_xlsx::read(bytes)
}

/// Reads a file in `format`. See the module notes for what each outcome means.
pub fn parse(format: Format, bytes: &[u8]) -> Result<ParsedImport, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::new(
            ErrorCode::TooLarge,
            format!(
                "文件超过{}MB，请拆分后分批导入",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    let mut out = Collector::default();
    match format {
        Format::BeaconToml => toml_bank::read(bytes, &mut out)?,
        Format::Xlsx => sheet::read(sheet_xlsx::read(bytes)?, &mut out)?,
        Format::Csv => sheet::read(
            vec![sheet::Sheet {
                name: None,
                rows: sheet_csv::read(bytes)?,
                skip: None,
            }],
            &mut out,
        )?,
        Format::Gift => gift::read(text::decode(bytes)?, &mut out)?,
        Format::MoodleXml => moodle_xml::read(text::decode(bytes)?, &mut out)?,
    }
    out.finish()
}

/// Writes `questions` in `format`, in the order given. A Beacon TOML export of one category
/// is a TOML file; of several, a ZIP with one TOML file per category (see
/// [`export_extension`]).
pub fn export(format: Format, questions: &[ExportQuestion]) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::BeaconToml => Ok(toml_bank::write(questions)),
        Format::Xlsx => sheet_xlsx::write(questions),
        Format::Csv => Ok(sheet_csv::write(questions)),
        Format::Gift => Ok(gift::write(questions)),
        Format::MoodleXml => Ok(moodle_xml::write(questions)),
    }
}

/// The file extension for [`export`]'s output: `zip` for a Beacon TOML export of several
/// categories, else [`Format::extension`].
pub fn export_extension(format: Format, questions: &[ExportQuestion]) -> &'static str {
    if format == Format::BeaconToml && toml_bank::needs_zip(questions) {
        "zip"
    } else {
        format.extension()
    }
}

/// A file to start from: for XLSX and CSV the template organizers fill in (Chinese header,
/// example rows that show every kind's answer notation; the XLSX has a sheet of
/// instructions), for the other formats the same example questions in that format.
pub fn template(format: Format) -> Vec<u8> {
    let examples = sheet::examples();
    match format {
        Format::Xlsx => sheet_xlsx::write_template(&examples),
        // The examples are fixed and short, well within every limit; a test reads each
        // template back.
        _ => export(format, &examples).unwrap_or_default(),
    }
}

/// An id derived from what identifies a question: its kind, stem and options (the key,
/// explanation, source and tags may be corrected later without making it another
/// question). `h-` and 20 hex digits, which the TOML format accepts as an id.
pub fn content_id(draft: &QuestionDraft) -> String {
    let canonical = serde_json::json!({
        "kind": draft.kind,
        "stem": draft.stem.trim(),
        "options": draft.options.iter().map(|o| o.trim()).collect::<Vec<_>>(),
    });
    let digest = hex::encode(Sha256::digest(canonical.to_string().as_bytes()));
    format!("h-{}", &digest[..20])
}

/// The Chinese name of a kind, as the sheet writes it.
pub fn kind_label(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "单选",
        QuestionKind::Multiple => "多选",
        QuestionKind::TrueFalse => "判断",
        QuestionKind::FillIn => "填空",
    }
}

/// Joins an explanation and its source into one feedback text (GIFT, Moodle XML).
pub(crate) fn feedback_with_source(explanation: &str, source: &str) -> String {
    format!("{explanation}\n{SOURCE_MARKER} {source}")
}

/// Splits feedback written by [`feedback_with_source`] (the last marker wins); the source
/// is `None` when there is no marker.
pub(crate) fn split_feedback(feedback: &str) -> (String, Option<String>) {
    match feedback.rfind(SOURCE_MARKER) {
        Some(at) => {
            let source = feedback[at + SOURCE_MARKER.len()..].trim();
            let explanation = feedback[..at].trim();
            (
                explanation.to_string(),
                Some(source.to_string()).filter(|s| !s.is_empty()),
            )
        }
        None => (feedback.trim().to_string(), None),
    }
}

/// The category a Moodle category path names: the whole path below Moodle's own levels
/// (`$course$/top/纪律教育/党章` → `纪律教育/党章`; `//` is a slash within a name), so two
/// different paths never merge into one category because their last names agree. Empty
/// for Moodle's own levels alone (`top`, `$…$`).
pub(crate) fn category_from_path(path: &str) -> String {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = path.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c != '/' {
            current.push(c);
        } else if chars.peek() == Some(&'/') {
            chars.next();
            current.push('/');
        } else {
            segments.push(std::mem::take(&mut current));
        }
    }
    segments.push(current);
    let mut names: Vec<String> = segments
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    // Moodle's context (`$course$`, `$system$`…) and its hidden `top` level come first.
    let own_levels = names
        .iter()
        .take_while(|s| *s == "top" || (s.starts_with('$') && s.ends_with('$')))
        .count();
    names.drain(..own_levels);
    names.join("/")
}

/// A question as a parser read it, before the common checks.
pub(crate) struct Candidate {
    pub stable_id: Option<String>,
    pub category: String,
    pub draft: QuestionDraft,
    pub location: Location,
}

/// Gathers what the parsers find and applies the checks every format shares: validation,
/// id rules, duplicates within the file and the question limit.
#[derive(Default)]
pub(crate) struct Collector {
    parsed: ParsedImport,
    /// Entries seen (questions, invalid ones, skipped ones), for the limit.
    entries: usize,
    /// The index in `parsed.questions` of each key's first question, to report duplicates.
    seen: HashMap<String, usize>,
}

impl Collector {
    /// Counts one entry of the file; an error once there are more than [`MAX_QUESTIONS`].
    pub fn entry(&mut self) -> Result<(), ImportError> {
        self.entries += 1;
        if self.entries > MAX_QUESTIONS {
            return Err(ImportError::new(
                ErrorCode::TooMany,
                format!("一次最多导入{MAX_QUESTIONS}道题，请拆分文件后分批导入"),
            ));
        }
        Ok(())
    }

    /// Reports a problem with one entry.
    pub fn problem(&mut self, location: Location, field: Option<&'static str>, message: String) {
        self.parsed.problems.push(Problem {
            location,
            field,
            message,
        });
    }

    /// Notes something that does not block the import.
    pub fn warn(&mut self, location: Location, message: String) {
        self.parsed.warnings.push(Warning { location, message });
    }

    /// Lists a header cell Beacon does not read (once per name).
    pub fn ignored_column(&mut self, name: &str) {
        if !self.parsed.ignored_columns.iter().any(|c| c == name) {
            self.parsed.ignored_columns.push(name.to_string());
        }
    }

    /// Reports how one worksheet was read.
    pub fn sheet(&mut self, report: SheetReport) {
        self.parsed.sheets.push(report);
    }

    /// Leaves one entry out, with the reason.
    pub fn skip(&mut self, location: Location, reason: impl Into<String>) {
        self.parsed.skipped.push(Skipped {
            location,
            reason: reason.into(),
        });
    }

    /// Checks a question and keeps it, or reports why not.
    pub fn question(&mut self, c: Candidate) {
        if let Err(e) = question::validate_import(&c.draft) {
            return self.problem(c.location, Some(e.field), e.message);
        }
        if c.category.chars().count() > MAX_CATEGORY_CHARS {
            return self.problem(
                c.location,
                Some("category"),
                format!("分类名称不能超过{MAX_CATEGORY_CHARS}个字符"),
            );
        }
        // Tags and categories are names shown on one line; every format writes them so.
        if c.draft.tags.iter().any(|t| t.chars().any(char::is_control)) {
            return self.problem(
                c.location,
                Some("tags"),
                "标签不能含有换行等控制字符".into(),
            );
        }
        if c.category.chars().any(char::is_control) {
            return self.problem(
                c.location,
                Some("category"),
                "分类名称不能含有换行等控制字符".into(),
            );
        }
        if let Some(id) = &c.stable_id {
            if let Err(message) = check_id(id) {
                return self.problem(c.location, Some("id"), message);
            }
        }
        let q = ImportedQuestion {
            stable_id: c.stable_id,
            category: c.category,
            draft: c.draft,
            location: c.location,
        };
        let key = q.key();
        if let Some(&first) = self.seen.get(&key) {
            let earlier = &self.parsed.questions[first];
            let at = earlier.location.clone();
            // The same question twice (Moodle banks and passed-around sheets often repeat
            // one) is imported once; one id for two different questions is a mistake.
            if earlier.draft == q.draft && earlier.category == q.category {
                return self.warn(q.location, format!("与{at}的题目完全相同，只导入一次"));
            }
            return match &q.stable_id {
                Some(id) => self.problem(
                    q.location,
                    Some("id"),
                    format!("编号“{id}”与{at}的题目重复，但内容不同"),
                ),
                None => self.warn(
                    q.location,
                    format!(
                        "与{at}的题目题型、题干和选项都相同（答案、解析或分类不同），只导入{at}的那道"
                    ),
                ),
            };
        }
        self.seen.insert(key, self.parsed.questions.len());
        self.parsed.questions.push(q);
    }

    fn finish(self) -> Result<ParsedImport, ImportError> {
        let p = &self.parsed;
        if p.questions.is_empty()
            && p.problems.is_empty()
            && p.skipped.is_empty()
            && p.warnings.is_empty()
        {
            return Err(ImportError::new(ErrorCode::Empty, "文件中没有找到题目"));
        }
        Ok(self.parsed)
    }
}

fn check_id(id: &str) -> Result<(), String> {
    if id.trim() != id || id.is_empty() {
        return Err("编号不能为空，首尾不能有空格".into());
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!("编号不能超过{MAX_ID_CHARS}个字符"));
    }
    if id.chars().any(char::is_control) {
        return Err("编号不能含有换行等控制字符".into());
    }
    Ok(())
}

/// A trimmed id, or `None` when empty.
pub(crate) fn id_from(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
pub(crate) mod tests;
