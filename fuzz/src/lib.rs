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
