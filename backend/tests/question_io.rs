//! The import/export formats against the repository's own question bank: every question of
//! `question-bank/*.toml`, exported to each of the five formats and imported again, comes
//! back whole — for every format (GIFT and Moodle XML included) the same stable id,
//! category, kind, stem, options, key (fill-in alternatives included), explanation, source,
//! difficulty and tags. Importing the same file twice gives the same questions and keys,
//! and a file of 10,000 questions parses in every format.

use std::collections::BTreeMap;
use std::path::PathBuf;

use backend::domain::question_bank;
use backend::domain::question_io::{self, ExportQuestion, Format, ParsedImport};
use shared::grading::AnswerKey;

fn bank() -> Vec<ExportQuestion> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../question-bank");
    question_bank::parse_dir(&dir)
        .unwrap_or_else(|e| panic!("question-bank has errors: {e:?}"))
        .into_iter()
        .map(ExportQuestion::from)
        .collect()
}

fn round_trip(format: Format, questions: &[ExportQuestion]) -> ParsedImport {
    let bytes = question_io::export(format, questions)
        .unwrap_or_else(|e| panic!("{format:?} export failed: {e}"));
    let parsed = question_io::parse(format, &bytes)
        .unwrap_or_else(|e| panic!("{format:?} import failed: {e}"));
    assert!(
        parsed.problems.is_empty(),
        "{format:?}: {:?}",
        parsed.problems
    );
    assert!(
        parsed.skipped.is_empty(),
        "{format:?}: {:?}",
        parsed.skipped
    );
    parsed
}

#[test]
fn the_repository_bank_round_trips_through_every_format() {
    let bank = bank();
    assert!(bank.len() > 200, "the bank has {} questions", bank.len());
    // The bank exercises what a round trip can lose: fill-in alternatives and tags.
    assert!(bank.iter().any(|q| matches!(
        &q.draft.key,
        AnswerKey::FillIn { blanks } if blanks.iter().any(|b| b.len() > 1)
    )));
    assert!(bank.iter().any(|q| q.draft.tags.len() > 1));
    let expected: BTreeMap<&str, &ExportQuestion> =
        bank.iter().map(|q| (q.stable_id.as_str(), q)).collect();
    for format in Format::ALL {
        let parsed = round_trip(format, &bank);
        assert_eq!(parsed.questions.len(), bank.len(), "{format:?}");
        for got in &parsed.questions {
            let id = got
                .stable_id
                .as_deref()
                .unwrap_or_else(|| panic!("{format:?}: no id at {}", got.location));
            let want = expected
                .get(id)
                .unwrap_or_else(|| panic!("{format:?}: unknown id {id}"));
            assert_eq!(got.category, want.category, "{format:?} {id}");
            assert_eq!(got.draft, want.draft, "{format:?} {id}");
        }
    }
}

#[test]
fn importing_the_same_file_twice_gives_the_same_questions() {
    let mut bank = bank();
    // Without ids, the content-derived key must still match on re-import.
    for q in bank.iter_mut().step_by(2) {
        q.stable_id.clear();
    }
    for format in Format::ALL {
        let bytes = question_io::export(format, &bank).unwrap();
        let first = question_io::parse(format, &bytes).unwrap();
        let second = question_io::parse(format, &bytes).unwrap();
        assert_eq!(first, second, "{format:?}");
        let keys: Vec<String> = first.questions.iter().map(|q| q.key()).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), bank.len(), "{format:?}: keys collide");
    }
}

#[test]
fn ten_thousand_questions_parse_in_every_format() {
    let bank = bank();
    let many: Vec<ExportQuestion> = (0..10_000)
        .map(|i| {
            let mut q = bank[i % bank.len()].clone();
            q.stable_id = format!("{}-{i}", q.stable_id);
            q.draft.stem = format!("（第{i}题）{}", q.draft.stem);
            q
        })
        .collect();
    for format in Format::ALL {
        let parsed = round_trip(format, &many);
        assert_eq!(parsed.questions.len(), 10_000, "{format:?}");
    }
}
