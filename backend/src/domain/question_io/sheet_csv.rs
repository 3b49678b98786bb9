//! The question sheet as CSV. Read: UTF-8 with or without a BOM (GBK and UTF-16 are
//! refused with a message saying how to save the file as UTF-8), comma, semicolon or tab
//! separated (whichever the header uses). Written: UTF-8 with a BOM and CRLF, so Excel on
//! Chinese Windows opens it with the Chinese intact.
//!
//! Cells that Excel would run as a formula (starting with `= + - @`, tab or CR) are written
//! with a leading `'`, which the reader removes again, so an export can neither attack the
//! organizer's spreadsheet nor lose text on the way back.

use super::sheet::{self, Table};
use super::{text, ErrorCode, ExportQuestion, ImportError, Location};

const BOM: &str = "\u{feff}";

/// Reads CSV bytes into rows numbered as Excel shows them.
pub fn read(bytes: &[u8]) -> Result<Table, ImportError> {
    let text = text::decode(bytes)?;
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let lines = text::LineIndex::new(text);
    let mut table = Table::new();
    // Line breaks inside quoted cells, so far: they start no new Excel row.
    let mut inner_breaks = 0u32;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(1, |p| line_at(text, &lines, p.byte()));
                return Err(ImportError::new(
                    ErrorCode::Malformed,
                    "CSV 格式有误，无法读取这一行（例如引号不成对）",
                )
                .at(Location::Row(line.saturating_sub(inner_breaks))));
            }
        }
        let line = record
            .position()
            .map_or(1, |p| line_at(text, &lines, p.byte()));
        table.push((
            line.saturating_sub(inner_breaks),
            record.iter().map(unneutralize).collect(),
        ));
        let breaks: usize = record.iter().map(|c| c.matches('\n').count()).sum();
        inner_breaks = inner_breaks.saturating_add(u32::try_from(breaks).unwrap_or(u32::MAX));
    }
    Ok(table)
}

/// The separator the header line uses most: `,` (the default), `;` or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| header.matches(c).count();
    [b';', b'\t']
        .into_iter()
        .filter(|d| count(char::from(*d)) > count(','))
        .max_by_key(|d| count(char::from(*d)))
        .unwrap_or(b',')
}

/// The 1-based line of a record starting at byte `at`. The reader may report the line
/// break that ended the previous record (and blank lines it skipped) as the start.
fn line_at(text: &str, lines: &text::LineIndex, at: u64) -> u32 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    lines.line(end)
}

fn starts_dangerously(s: &str) -> bool {
    s.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as written to CSV: formula-like text gets a leading `'`.
fn neutralize(cell: &str) -> String {
    if starts_dangerously(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralize`].
fn unneutralize(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_dangerously(rest) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// Writes the header and one row per question.
pub fn write(questions: &[ExportQuestion]) -> Vec<u8> {
    let columns = sheet::export_columns();
    let mut rows: Vec<Vec<String>> = vec![columns.iter().map(|c| c.header()).collect()];
    rows.extend(questions.iter().map(|q| {
        columns
            .iter()
            .map(|c| neutralize(&sheet::cell(q, *c)))
            .collect()
    }));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format};
    use super::*;
    use shared::grading::{AnswerKey, QuestionKind};

    const GOOD: &str = "题型,题干,选项A,选项B,选项C,答案,解析,出处\r\n\
        单选,根本宗旨是（  ）。,为人民服务,发展生产力,,A,解析一,党章\r\n\
        \r\n\
        判断,\"两行\n的题干\",,,,对,解析二,党章\r\n\
        多选,四个意识包括（  ）。,政治意识,大局意识,服务意识,AB,解析三,党章\r\n";

    #[test]
    fn reads_rows_with_excel_row_numbers() {
        let parsed = parse(Format::Csv, GOOD.as_bytes()).unwrap();
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let rows: Vec<u32> = parsed
            .questions
            .iter()
            .map(|q| q.location.number())
            .collect();
        // Row 3 is blank; the quoted line break does not start a new row.
        assert_eq!(rows, vec![2, 4, 5]);
        assert_eq!(parsed.questions[1].draft.stem, "两行\n的题干");
        assert_eq!(parsed.questions[1].draft.difficulty, 2);
        assert_eq!(
            parsed.questions[2].draft.key,
            AnswerKey::Multiple {
                options: vec![0, 1]
            }
        );
    }

    #[test]
    fn bom_semicolons_and_shuffled_headers() {
        let csv = "\u{feff}答案;出处;解析;题干;题型;B;A\n错;党章;解析;党员可以不交党费。;判断;;\n";
        let parsed = parse(Format::Csv, csv.as_bytes()).unwrap();
        assert_eq!(parsed.questions.len(), 1, "{parsed:?}");
        assert_eq!(parsed.questions[0].draft.kind, QuestionKind::TrueFalse);
    }

    #[test]
    fn gbk_and_binary_files_are_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
        let e = parse(Format::Csv, &gbk).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotUtf8);
        assert!(e.message.contains("GBK"), "{e}");
        let garbage: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        assert!(parse(Format::Csv, &garbage).is_err());
    }

    #[test]
    fn formulas_are_neutralized_and_restored() {
        for cell in ["=SUM(A1)", "-1", "'=x", "''+y", "@a", "普通", "'引号"] {
            assert_eq!(unneutralize(&neutralize(cell)), cell, "{cell}");
        }
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("'引号"), "'引号");
    }

    #[test]
    fn export_has_a_bom_and_reads_back() {
        let examples = sheet::examples();
        let bytes = write(&examples);
        assert!(bytes.starts_with(BOM.as_bytes()));
        let parsed = parse(Format::Csv, &bytes).unwrap();
        let drafts: Vec<_> = parsed.questions.iter().map(|q| q.draft.clone()).collect();
        let expected: Vec<_> = examples.into_iter().map(|q| q.draft).collect();
        assert_eq!(drafts, expected);
    }
}
