//! The property every fuzz target checks: parsing arbitrary bytes never panics; whatever
//! a parser accepts passes validation; and what it accepts is stable under export: once
//! exported and read back (which may normalize it once, e.g. HTML whitespace in Moodle
//! XML), exporting and reading again changes nothing, and nothing exported is refused.

use backend::domain::question_io::{self, ExportQuestion, Format, ParsedImport};

fn to_export(parsed: &ParsedImport) -> Vec<ExportQuestion> {
    parsed
        .questions
        .iter()
        .map(|q| ExportQuestion {
            stable_id: q.key(),
            category: q.category.clone(),
            draft: q.draft.clone(),
        })
        .collect()
}

/// Exports and re-reads; `None` when the export itself is refused (an XLSX cell over
/// Excel's limit).
fn again(format: Format, parsed: &ParsedImport) -> Option<ParsedImport> {
    let bytes = question_io::export(format, &to_export(parsed)).ok()?;
    let next = question_io::parse(format, &bytes)
        .unwrap_or_else(|e| panic!("{format:?}: an export was refused: {e}"));
    assert!(next.problems.is_empty(), "{format:?}: {:?}", next.problems);
    assert!(next.skipped.is_empty(), "{format:?}: {:?}", next.skipped);
    assert_eq!(next.questions.len(), parsed.questions.len(), "{format:?}");
    Some(next)
}

fn summary(parsed: &ParsedImport) -> Vec<(String, String, shared::question::QuestionDraft)> {
    parsed
        .questions
        .iter()
        .map(|q| (q.key(), q.category.clone(), q.draft.clone()))
        .collect()
}

/// Runs the property on one input.
pub fn check(format: Format, data: &[u8]) {
    let Ok(first) = question_io::parse(format, data) else {
        return;
    };
    for q in &first.questions {
        assert!(shared::question::validate(&q.draft).is_ok(), "{q:?}");
    }
    if first.questions.is_empty() {
        return;
    }
    let Some(second) = again(format, &first) else {
        return;
    };
    let Some(third) = again(format, &second) else {
        return;
    };
    assert_eq!(summary(&second), summary(&third), "{format:?}");
}

/// The XLSX template's parts, unpacked once.
fn template_parts() -> &'static [(String, Vec<u8>)] {
    static PARTS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    PARTS.get_or_init(|| {
        use std::io::Read;
        let bytes = question_io::template(Format::Xlsx);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the template");
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).expect("a template part");
                let mut data = Vec::new();
                part.read_to_end(&mut data).expect("a template part");
                (part.name().to_string(), data)
            })
            .collect()
    })
}

/// Paths of the parts `workbook_with` replaces.
pub const SHEET_PART: &str = "xl/worksheets/sheet1.xml";
pub const STRINGS_PART: &str = "xl/sharedStrings.xml";

/// The template workbook with its first worksheet and shared strings replaced, stored
/// uncompressed.
pub fn workbook_with(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in template_parts() {
        let data = match name.as_str() {
            SHEET_PART => sheet,
            STRINGS_PART => strings,
            _ => data,
        };
        zip.start_file(name.as_str(), options)
            .expect("write to memory");
        zip.write_all(data).expect("write to memory");
    }
    zip.finish().expect("write to memory").into_inner()
}

/// The seed of the `xlsx_parts` target for a workbook: its worksheet, NUL, its strings.
pub fn parts_seed(workbook: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(workbook)).expect("a workbook");
    let mut read = |name: &str| {
        let mut data = Vec::new();
        if let Ok(mut part) = zip.by_name(name) {
            part.read_to_end(&mut data).expect("a part");
        }
        data
    };
    let mut seed = read(SHEET_PART);
    seed.push(0);
    seed.extend(read(STRINGS_PART));
    seed
}
