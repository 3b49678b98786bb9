//! Beacon's own `question-bank/` TOML format (documented in `question-bank/README.md`),
//! read with [`question_bank::parse_upload`] so an upload obeys the rules of the
//! repository's files (except that any id an import may hold is kept, and an explanation or
//! source may be empty, as in the other formats), and written so that it reads back
//! identically, ids included.
//!
//! A file holds one category. An export of several categories is a ZIP with one file per
//! category (`01-<category>.toml`, …), and such a ZIP (e.g. the zipped `question-bank/`
//! folder) is accepted for import; its locations name the file inside.
//!
//! `parse_upload` refuses a whole file for one bad question. For the preview, a file that
//! is valid TOML is read question by question (each `[[questions]]` table after the file's
//! `category` line), so the valid questions are listed and each invalid one becomes a
//! [`Problem`](super::Problem) at its own line. A TOML syntax error refuses the file; in a
//! file over a megabyte, which is split at its `[[questions]]` lines without parsing it
//! whole (that parse holds about ten times the file), it is a problem of its question.

use std::io::{Cursor, Read, Write};

use sha2::{Digest, Sha256};
use shared::grading::{AnswerKey, QuestionKind};
use shared::question::option_letter;

use super::{
    content_id, text, Candidate, Collector, ErrorCode, ExportQuestion, ImportError, Location,
    MAX_FILE_BYTES,
};
use crate::domain::question_bank;

/// The name `parse_upload` puts before each message's line; stripped again here.
const NAME: &str = "toml";
/// Most questions of a file written as an inline array (`questions = [{…}]`).
const MAX_INLINE_QUESTIONS: usize = 500;
/// Files up to this size are parsed whole first (a syntax error then refuses the file);
/// larger ones are split at their `[[questions]]` lines, and a syntax error is a problem
/// of its question.
const WHOLE_PARSE_BYTES: usize = 1024 * 1024;
/// Most files in a ZIP of TOML files.
const MAX_ZIP_FILES: usize = 1000;

/// Reads a TOML file, or a ZIP of TOML files.
pub fn read(bytes: &[u8], out: &mut Collector) -> Result<(), ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(bytes, out);
    }
    read_text(text::decode(bytes)?, None, out)
}

/// Where line `line` of the file (or of `file` in a ZIP) is.
fn location(file: Option<&str>, line: u32) -> Location {
    match file {
        Some(file) => Location::FileLine {
            file: file.to_string(),
            line,
        },
        None => Location::Line(line),
    }
}

/// A `parse_upload` message split into its line and text (`toml:12: text`).
fn split_message(message: &str) -> (u32, String) {
    let rest = message.strip_prefix(NAME).and_then(|m| m.strip_prefix(':'));
    if let Some((line, text)) = rest.and_then(|r| r.split_once(": ")) {
        if let Ok(line) = line.parse() {
            return (line, text.to_string());
        }
    }
    (1, message.to_string())
}

/// The field a `parse_upload` message is about, when it says.
fn field_of(message: &str) -> Option<&'static str> {
    const FIELDS: [&str; 10] = [
        "stem",
        "options",
        "answer",
        "explanation",
        "source",
        "difficulty",
        "tags",
        "kind",
        "category",
        "id",
    ];
    FIELDS.into_iter().find(|f| {
        message.contains(&format!("的 {f}："))
            || message.contains(&format!("的 {f} "))
            || message.contains(&format!("missing field `{f}`"))
            || message.starts_with(&format!("{f} "))
    })
}

/// Where a file's questions are: the span of each `questions` entry.
#[derive(serde::Deserialize)]
struct Layout {
    #[serde(default)]
    questions: Vec<toml::Spanned<serde::de::IgnoredAny>>,
}

/// Reads one file: question by question when they are `[[questions]]` tables (see the
/// module notes), else whole.
fn read_text(text: &str, file: Option<&str>, out: &mut Collector) -> Result<(), ImportError> {
    // Parsing the whole document to find the tables holds about ten times the file (the
    // TOML parser's tree); a large file is split at its `[[questions]]` lines instead, and
    // each table is parsed alone all the same.
    if text.len() > WHOLE_PARSE_BYTES {
        let starts = table_starts(text);
        if starts.is_empty() {
            return Err(ImportError::new(
                ErrorCode::Malformed,
                "题目较多时，请按 question-bank/README.md 用 [[questions]] 逐题书写",
            )
            .at(location(file, 1)));
        }
        return read_split(text, &starts, file, out);
    }
    let layout: Layout = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map_or(1, |s| text::LineIndex::new(text).line(s.start));
        ImportError::new(
            ErrorCode::Malformed,
            format!("TOML 格式有误：{}", e.message()),
        )
        .at(location(file, line))
    })?;
    let starts: Vec<usize> = layout.questions.iter().map(|q| q.span().start).collect();
    let tables = starts
        .iter()
        .all(|s| text.get(*s..).is_some_and(|t| t.starts_with("[[")));
    if tables && !starts.is_empty() {
        return read_split(text, &starts, file, out);
    }
    // Inline `questions = [{…}]`: `parse_upload`'s cost grows with the square of the
    // questions, so only a modest number is read this way.
    if starts.len() > MAX_INLINE_QUESTIONS {
        return Err(ImportError::new(
            ErrorCode::Malformed,
            format!(
                "题目较多（超过{MAX_INLINE_QUESTIONS}道）时，请按 question-bank/README.md 用 [[questions]] 逐题书写"
            ),
        )
        .at(location(file, 1)));
    }
    read_whole(text, file, out)
}

/// Byte offsets of the lines that open a `[[questions]]` table (leading spaces skipped),
/// outside multi-line strings, where a TOML parser finds them too.
fn table_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    // The delimiter of the multi-line string the line is in, if any.
    let mut open: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if open.is_none() {
            let header = trimmed
                .strip_prefix("[[")
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix("questions"))
                .map(str::trim_start);
            if header.is_some_and(|r| r.starts_with("]]")) {
                starts.push(offset + line.len() - trimmed.len());
            }
        }
        // Multi-line strings open and close at their delimiters; a comment holds none.
        let mut rest = line;
        loop {
            match open {
                None => {
                    let code = rest.split('#').next().unwrap_or("");
                    let next = ["\"\"\"", "'''"]
                        .into_iter()
                        .filter_map(|d| code.find(d).map(|at| (at, d)))
                        .min();
                    match next {
                        Some((at, d)) => {
                            open = Some(d);
                            rest = &rest[at + 3..];
                        }
                        None => break,
                    }
                }
                Some(d) => match rest.find(d) {
                    Some(at) => {
                        open = None;
                        rest = &rest[at + 3..];
                    }
                    None => break,
                },
            }
        }
        offset += line.len();
    }
    starts
}

/// Reads a file with one `parse_upload` call: all of it, or the first error for the file.
fn read_whole(text: &str, file: Option<&str>, out: &mut Collector) -> Result<(), ImportError> {
    let questions =
        question_bank::parse_upload(NAME, text).map_err(|e| whole_file_error(file, &e))?;
    for q in questions {
        out.entry()?;
        let (line, _) = split_message(&format!("{}: ", q.origin));
        out.question(Candidate {
            stable_id: Some(q.stable_id),
            category: q.category,
            draft: q.draft,
            location: location(file, line),
        });
    }
    Ok(())
}

/// The whole file cannot be read: the first error, as an [`ImportError`].
fn whole_file_error(file: Option<&str>, errors: &[String]) -> ImportError {
    let (line, message) = split_message(errors.first().map_or("", String::as_str));
    ImportError::new(ErrorCode::Malformed, message).at(location(file, line))
}

/// Reads each `[[questions]]` table after the file's category line alone, so one bad
/// question is one [`Problem`](super::Problem) and the work stays linear in the file's size
/// (`parse_upload` counts lines from the start for every question).
fn read_split(
    text: &str,
    starts: &[usize],
    file: Option<&str>,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let header = &text[..starts.first().copied().unwrap_or(0)];
    let category = match question_bank::parse_upload(NAME, header) {
        Ok(_) => header
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| {
                t.get("category")
                    .and_then(|c| c.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default(),
        Err(header_errors) => return Err(whole_file_error(file, &header_errors)),
    };
    // One line, however long the header's comments: parsed again with every question.
    let short_header = format!("category = {}\n", lit(category));
    let lines = text::LineIndex::new(text);
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    for (start, end) in starts.iter().copied().zip(ends) {
        out.entry()?;
        let first_line = lines.line(start);
        // Line `l` (from 2) of header + question is line `first_line + l - 2` of the file.
        let map = |l: u32| first_line.saturating_add(l.saturating_sub(2));
        let one = format!("{short_header}{}", text.get(start..end).unwrap_or(""));
        match question_bank::parse_upload(NAME, &one) {
            Ok(questions) => {
                for q in questions {
                    out.question(Candidate {
                        stable_id: Some(q.stable_id),
                        category: q.category,
                        draft: q.draft,
                        location: location(file, first_line),
                    });
                }
            }
            Err(errs) => {
                for e in errs {
                    let (line, message) = split_message(&e);
                    out.problem(location(file, map(line)), field_of(&message), message);
                }
            }
        }
    }
    Ok(())
}

fn read_zip(bytes: &[u8], out: &mut Collector) -> Result<(), ImportError> {
    let damaged = || ImportError::new(ErrorCode::Malformed, "ZIP 文件已损坏或不完整，无法读取");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > MAX_ZIP_FILES {
        return Err(damaged());
    }
    let mut files = Vec::new();
    let mut unpacked = 0usize;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| damaged())?;
        let name = entry.name().to_string();
        let wanted = !entry.is_dir()
            && name.to_ascii_lowercase().ends_with(".toml")
            && !name.starts_with("__MACOSX/")
            && !name.rsplit('/').next().is_some_and(|n| n.starts_with('.'));
        if !wanted {
            continue;
        }
        let mut data = Vec::new();
        // Unpack at most what is left of the size budget, plus one byte to notice more.
        let budget = (MAX_FILE_BYTES - unpacked) as u64 + 1;
        (&mut entry)
            .take(budget)
            .read_to_end(&mut data)
            .map_err(|_| damaged())?;
        unpacked += data.len();
        if unpacked > MAX_FILE_BYTES {
            return Err(ImportError::new(
                ErrorCode::TooLarge,
                "ZIP 中的题库文件解压后过大，请拆分后分批导入",
            ));
        }
        files.push((name, data));
    }
    if files.is_empty() {
        return Err(ImportError::new(
            ErrorCode::Empty,
            "ZIP 文件中没有 .toml 题库文件",
        ));
    }
    files.sort();
    for (name, data) in &files {
        let text = text::decode(data).map_err(|mut e| {
            let line = e.location.as_ref().map_or(1, Location::number);
            e.location = Some(location(Some(name), line));
            e
        })?;
        read_text(text, Some(name), out)?;
    }
    Ok(())
}

/// Whether an export needs a ZIP: questions of more than one category.
pub fn needs_zip(questions: &[ExportQuestion]) -> bool {
    questions
        .iter()
        .any(|q| questions.first().is_some_and(|f| f.category != q.category))
}

/// Writes one TOML file, or a ZIP of one file per category.
pub fn write(questions: &[ExportQuestion]) -> Vec<u8> {
    if !needs_zip(questions) {
        return write_file(questions).into_bytes();
    }
    let mut groups: Vec<(&str, Vec<ExportQuestion>)> = Vec::new();
    for q in questions {
        match groups.iter_mut().find(|(c, _)| *c == q.category) {
            Some((_, qs)) => qs.push(q.clone()),
            None => groups.push((&q.category, vec![q.clone()])),
        }
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, (category, qs)) in groups.iter().enumerate() {
        let name = format!("{:02}-{}.toml", i + 1, file_name(category));
        // Writing to memory fails only on a bug; an empty entry would then show it.
        if zip.start_file(name, options).is_ok() {
            let _ = zip.write_all(write_file(qs).as_bytes());
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A category name as a file name: characters file systems refuse become `_`.
fn file_name(category: &str) -> String {
    let name: String = category
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if name.trim().is_empty() {
        "未分类".into()
    } else {
        name
    }
}

/// A TOML string or array literal.
fn lit(value: impl Into<toml::Value>) -> String {
    value.into().to_string()
}

/// The id an export writes: the question's own, unchanged, so importing the export
/// matches the same questions ([`question_bank::parse_upload`] reads any id an import may
/// hold). Only an id no import could hold (none, or surrounded by spaces, over 128
/// characters…, which no stored question has) is replaced: by the content id, or by a hash
/// of itself, so it maps to the same replacement every time.
pub fn toml_id(q: &ExportQuestion) -> String {
    let id = q.stable_id.as_str();
    if question_bank::valid_upload_id(id) {
        id.to_string()
    } else if id.is_empty() {
        content_id(&q.draft)
    } else {
        format!("x-{}", &hex::encode(Sha256::digest(id.as_bytes()))[..20])
    }
}

fn kind_name(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "single",
        QuestionKind::Multiple => "multiple",
        QuestionKind::TrueFalse => "true_false",
        QuestionKind::FillIn => "fill_in",
    }
}

fn answer(key: &AnswerKey) -> String {
    match key {
        AnswerKey::Single { option } => lit(option_letter(*option).to_string()),
        AnswerKey::Multiple { options } => lit(options
            .iter()
            .map(|o| option_letter(*o))
            .collect::<String>()),
        AnswerKey::TrueFalse { value } => value.to_string(),
        AnswerKey::FillIn { blanks } => {
            let items: Vec<toml::Value> = blanks
                .iter()
                .map(|alts| match alts.as_slice() {
                    [one] => toml::Value::from(one.as_str()),
                    _ => toml::Value::from(alts.clone()),
                })
                .collect();
            lit(items)
        }
    }
}

/// One category's file, in the layout of `question-bank/`.
fn write_file(questions: &[ExportQuestion]) -> String {
    let category = questions
        .first()
        .map(|q| q.category.trim())
        .filter(|c| !c.is_empty())
        .unwrap_or("未分类");
    let mut out = format!(
        "# 题库：{category}\n# 由 Beacon 导出，格式见 question-bank/README.md。\ncategory = {}\n",
        lit(category)
    );
    for q in questions {
        let d = &q.draft;
        out.push_str("\n[[questions]]\n");
        out.push_str(&format!("id = {}\n", lit(toml_id(q))));
        out.push_str(&format!("kind = {}\n", lit(kind_name(d.kind))));
        out.push_str(&format!("stem = {}\n", lit(d.stem.as_str())));
        if !d.options.is_empty() {
            out.push_str(&format!("options = {}\n", lit(d.options.clone())));
        }
        out.push_str(&format!("answer = {}\n", answer(&d.key)));
        out.push_str(&format!("explanation = {}\n", lit(d.explanation.as_str())));
        out.push_str(&format!("source = {}\n", lit(d.source.as_str())));
        out.push_str(&format!("difficulty = {}\n", d.difficulty));
        if !d.tags.is_empty() {
            out.push_str(&format!("tags = {}\n", lit(d.tags.clone())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format};
    use super::*;
    use shared::question::QuestionDraft;

    const GOOD: &str = r#"# 测试
category = "测试分类"

[[questions]]
id = "t-001"
kind = "single"
stem = "单选题干"
options = ["甲", "乙", "丙"]
answer = "B"
explanation = "解析"
source = "第1条"

[[questions]]
id = "t-002"
kind = "判断"
stem = "判断题干"
answer = "错"
explanation = "解析"
source = "第2条"
"#;

    #[test]
    fn reads_a_repository_style_file() {
        let parsed = parse(Format::BeaconToml, GOOD.as_bytes()).unwrap();
        assert_eq!(parsed.questions.len(), 2);
        assert_eq!(parsed.questions[0].stable_id.as_deref(), Some("t-001"));
        assert_eq!(parsed.questions[0].location, Location::Line(4));
        assert_eq!(parsed.questions[1].location, Location::Line(13));
        assert_eq!(parsed.questions[1].category, "测试分类");
    }

    #[test]
    fn invalid_questions_become_problems_at_their_lines() {
        let bad = GOOD
            .replace("answer = \"B\"", "answer = \"E\"")
            .replace("source = \"第2条\"", "source = \"第2条\"\ncolour = \"red\"");
        let parsed = parse(Format::BeaconToml, bad.as_bytes()).unwrap();
        assert!(parsed.questions.is_empty());
        assert_eq!(parsed.problems.len(), 2, "{:?}", parsed.problems);
        assert_eq!(parsed.problems[0].location, Location::Line(4));
        assert_eq!(parsed.problems[0].field, Some("answer"));
        assert!(parsed.problems[0].message.contains("t-001"));
        assert_eq!(parsed.problems[1].field, None);
        assert!(parsed.problems[1].message.contains("colour"));

        let one_bad = GOOD.replace("stem = \"判断题干\"", "stem = \"\"");
        let parsed = parse(Format::BeaconToml, one_bad.as_bytes()).unwrap();
        assert_eq!(parsed.questions.len(), 1);
        assert_eq!(parsed.problems[0].location, Location::Line(13));
        assert_eq!(parsed.problems[0].field, Some("stem"));
    }

    #[test]
    fn syntax_and_file_errors_refuse_the_file() {
        let broken = GOOD.replace("stem = \"单选题干\"", "stem = \"单选题干");
        let e = parse(Format::BeaconToml, broken.as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Malformed);
        assert_eq!(e.location, Some(Location::Line(7)));
        let e = parse(
            Format::BeaconToml,
            GOOD.replace("category", "kategorie").as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Malformed);
        assert!(parse(Format::BeaconToml, b"\x00\x01\x02").is_err());
        assert!(parse(Format::BeaconToml, b"category = \"x\"\n").is_err());
    }

    /// A large file is split where the TOML parser would find its tables: not inside a
    /// multi-line string, nor in a comment; the split reads what the whole parse reads.
    #[test]
    fn large_files_split_at_their_tables_as_the_parser_would() {
        let text = "category = \"甲\"\n[[questions]]\nexplanation = '''\n[[questions]]\n'''\n\
                    # [[questions]] in a comment\n  [[ questions ]]\nstem = \"\"\"a\"\"\" # '''\n[[questions]]\n";
        let starts = table_starts(text);
        let expect: Vec<usize> = [
            text.find("[[questions]]\nexplanation").unwrap(),
            text.find("[[ questions ]]").unwrap(),
            text.rfind("[[questions]]").unwrap(),
        ]
        .into();
        assert_eq!(starts, expect);
        let layout: Layout = toml::from_str(text).unwrap();
        let parsed: Vec<usize> = layout.questions.iter().map(|q| q.span().start).collect();
        assert_eq!(starts, parsed);
        // Over the size read whole, the same questions (and problems) come out.
        let mut big = String::from("category = \"大文件\"\n\n");
        let mut i = 0;
        while big.len() <= WHOLE_PARSE_BYTES {
            big.push_str(&format!(
                "[[questions]]\nid = \"big-{i}\"\nkind = \"true_false\"\nstem = \"\"\"第{i}题\n[[questions]]\"\"\"\nanswer = true\nexplanation = \"解析。\"\nsource = \"出处\"\n\n"
            ));
            i += 1;
        }
        big.push_str(
            "[[questions]]\nid = \"bad\"\nkind = \"true_false\"\nstem = \"坏题\"\nanswer = 1\n",
        );
        let p = parse(Format::BeaconToml, big.as_bytes()).unwrap();
        assert_eq!(p.questions.len(), i, "{:?}", p.problems.first());
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.questions[1].draft.stem.ends_with("[[questions]]"));
    }

    #[test]
    fn inline_arrays_and_long_headers_are_read() {
        let inline = "category = \"c\"\nquestions = [\n  { id = \"a\", kind = \"判断\", stem = \"s\", answer = true, explanation = \"e\", source = \"o\" },\n]\n";
        let parsed = parse(Format::BeaconToml, inline.as_bytes()).unwrap();
        assert_eq!(parsed.questions.len(), 1);
        assert_eq!(parsed.questions[0].location, Location::Line(3));
        let long = format!("{}{GOOD}", "# 很长的注释\n".repeat(10_000));
        let parsed = parse(Format::BeaconToml, long.as_bytes()).unwrap();
        assert_eq!(parsed.questions[1].location, Location::Line(10_013));
    }

    fn question(id: &str, category: &str, stem: &str) -> ExportQuestion {
        ExportQuestion {
            stable_id: id.into(),
            category: category.into(),
            draft: QuestionDraft {
                kind: QuestionKind::FillIn,
                stem: stem.into(),
                options: vec![],
                key: AnswerKey::FillIn {
                    blanks: vec![vec!["甲".into()], vec!["乙'\"".into(), "乙2".into()]],
                },
                explanation: "多行\n解析 \"引号\" '单引号' \\ 反斜杠".into(),
                source: "出处".into(),
                difficulty: 3,
                tags: vec!["标签".into()],
            },
        }
    }

    #[test]
    fn export_reads_back_identically_and_zips_categories() {
        let qs = vec![
            question("a-1", "一类", "第一____题____"),
            question("Q 2", "二类/斜杠", "第二____题____"),
            question("党章-01", "二类/斜杠", "第四____题____"),
            question("", "一类", "第三____题____"),
        ];
        let bytes = write(&qs);
        assert!(bytes.starts_with(b"PK"));
        let parsed = parse(Format::BeaconToml, &bytes).unwrap();
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let mut got: Vec<_> = parsed
            .questions
            .iter()
            .map(|q| (q.key(), q.category.clone(), q.draft.clone()))
            .collect();
        let mut want: Vec<_> = qs
            .iter()
            .map(|q| (toml_id(q), q.category.clone(), q.draft.clone()))
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, want);
        assert!(matches!(
            &parsed.questions[0].location,
            Location::FileLine { file, line: 5 } if file == "01-一类.toml"
        ));
        // Ids that the repository's files could not hold still round-trip unchanged.
        assert_eq!(toml_id(&qs[1]), "Q 2");
        let single = write(&qs[..1]);
        assert!(single.starts_with("# 题库：一类".as_bytes()));
    }
}
