//! The column model shared by the XLSX and CSV formats: one question per row, a header row
//! naming the columns in any order, and the answer notation of the template.
//!
//! Columns (Chinese header, common variants, English alias): 编号/id (optional stable id),
//! 题型/kind, 题干/stem, 选项A…选项H (or A…H), 答案/key, 解析/explanation, 出处/source,
//! 分类/category, 难度/difficulty (1–3, empty = 2), 标签/tags. Only 题干 and 答案 are
//! required: without 题型 the kind comes from the sheet's name (a workbook with one sheet
//! per kind: 单选题, 多选题…) or, failing that, from the row itself (options and one key
//! letter: single choice…); 解析 and 出处 may be missing or empty (the preview counts such
//! questions). Columns Beacon does not read (序号, 备注…) are ignored and listed.
//!
//! The header is the first row, among the first [`HEADER_SEARCH_ROWS`] with content, that
//! names 题干 and 答案: a merged title row above it (“2023年党建知识题库”) is passed over.
//!
//! Answer notation (the 答案 column), as the template's example rows show it, and the
//! spellings organizers' own sheets use:
//! - 单选/多选: option letters, `B` or `ABD` (spaces, commas, 、 and ； ignored);
//! - 判断: `对`/`错` (also 正确/错误, √/×, T/F, true/false), or an option letter when the
//!   row writes 判断 as two options (`A 正确  B 错误`, answer `A`);
//! - 填空: one entry per blank separated by `|` (also `｜` or `；`), accepted alternatives
//!   of one blank separated by `/` (also `／`): `两个维护|四个意识/“四个意识”`. A backslash
//!   makes the next character literal (`1\/2` is the answer "1/2"); exports escape the
//!   same way, so every answer round-trips. A blank may be written `____` or as empty
//!   brackets, `（  ）` or `(   )`; an answer that is a date, `1921/7/1`, is one answer.
//!
//! Kinds Beacon does not grade (简答题, 论述题, 连线题…) are skipped with a reason.
//!
//! Tags are separated by `,` `，` `、` or line breaks; exports use `、`.

use std::collections::HashMap;

use shared::grading::{AnswerKey, QuestionKind};
use shared::question::{self, count_blanks, QuestionDraft, MAX_OPTIONS};

use super::{
    id_from, kind_label, Candidate, Collector, ErrorCode, ExportQuestion, ImportError, Location,
    SheetReport, DEFAULT_DIFFICULTY,
};

/// Cells of a sheet, each row with its 1-based row number as Excel shows it.
pub type Table = Vec<(u32, Vec<String>)>;

/// A sheet to read: its name (XLSX) and its rows.
pub struct Sheet {
    pub name: Option<String>,
    pub rows: Table,
    /// Why the sheet is not read at all (a hidden sheet), if so.
    pub skip: Option<String>,
}

/// Rows (with content) searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// A column of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Id,
    Kind,
    Stem,
    Opt(usize),
    Key,
    Explanation,
    Source,
    Category,
    Difficulty,
    Tags,
}

const REQUIRED: [Col; 2] = [Col::Stem, Col::Key];

/// The columns an export writes, in order.
pub fn export_columns() -> Vec<Col> {
    let mut cols = vec![Col::Kind, Col::Stem];
    cols.extend((0..MAX_OPTIONS).map(Col::Opt));
    cols.extend([
        Col::Key,
        Col::Explanation,
        Col::Source,
        Col::Category,
        Col::Difficulty,
        Col::Tags,
        Col::Id,
    ]);
    cols
}

impl Col {
    /// The Chinese header.
    pub fn header(self) -> String {
        match self {
            Col::Id => "编号".into(),
            Col::Kind => "题型".into(),
            Col::Stem => "题干".into(),
            Col::Opt(i) => format!("选项{}", question::option_letter(i)),
            Col::Key => "答案".into(),
            Col::Explanation => "解析".into(),
            Col::Source => "出处".into(),
            Col::Category => "分类".into(),
            Col::Difficulty => "难度".into(),
            Col::Tags => "标签".into(),
        }
    }

    /// The column a header cell names (Chinese or English, any case, spaces ignored).
    pub fn from_header(cell: &str) -> Option<Col> {
        let name: String = cell
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let name = name.trim_start_matches('\u{feff}');
        // A header may carry a note: “答案（必填）”, “题型(单选/多选)”.
        let name = name
            .split(['（', '('])
            .next()
            .unwrap_or(name)
            .trim_end_matches(['*', '：', ':']);
        let col = match name {
            "编号" | "题目编号" | "试题编号" | "id" => Col::Id,
            "题型" | "题目类型" | "试题类型" | "类型" | "kind" | "type" => Col::Kind,
            "题干" | "题目" | "题目内容" | "试题" | "试题内容" | "问题" | "stem" | "question" => {
                Col::Stem
            }
            "答案" | "正确答案" | "参考答案" | "标准答案" | "key" | "answer" => {
                Col::Key
            }
            "解析" | "答案解析" | "试题解析" | "解析说明" | "explanation" => {
                Col::Explanation
            }
            "出处" | "来源" | "出题依据" | "依据" | "source" => Col::Source,
            "分类" | "题目分类" | "category" => Col::Category,
            "难度" | "难易程度" | "难易度" | "difficulty" => Col::Difficulty,
            "标签" | "知识点" | "tags" | "tag" => Col::Tags,
            _ => return option_column(name),
        };
        Some(col)
    }
}

/// `选项A`, `a`, `optiona`, `选项ａ`… as option columns A–H.
fn option_column(name: &str) -> Option<Col> {
    let letter = name
        .strip_prefix("选项")
        .or_else(|| name.strip_prefix("option"))
        .unwrap_or(name);
    let mut chars = letter.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    // Full-width letters are what a Chinese input method types.
    let c = match c {
        'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0)?,
        _ => c,
    };
    let i = (c as usize).checked_sub('a' as usize)?;
    (i < MAX_OPTIONS).then_some(Col::Opt(i))
}

/// A header row: which column index holds which field, and the cells naming none.
struct Header {
    columns: HashMap<Col, usize>,
    ignored: Vec<String>,
}

/// The header a row makes, if it names every required column; `Err` for a row that does
/// but repeats a column.
fn header(cells: &[String]) -> Option<Result<Header, String>> {
    let mut columns = HashMap::new();
    let mut ignored = Vec::new();
    let mut repeated = None;
    for (i, cell) in cells.iter().enumerate() {
        if cell.trim().is_empty() {
            continue;
        }
        match Col::from_header(cell) {
            Some(col) => {
                if columns.insert(col, i).is_some() && repeated.is_none() {
                    repeated = Some(col);
                }
            }
            None => ignored.push(cell.trim().to_string()),
        }
    }
    if !REQUIRED.iter().all(|c| columns.contains_key(c)) {
        return None;
    }
    Some(match repeated {
        Some(col) => Err(format!("表头中“{}”列出现了两次", col.header())),
        None => Ok(Header { columns, ignored }),
    })
}

/// Why no header was found, naming what a header needs.
fn no_header_message() -> String {
    format!(
        "前{HEADER_SEARCH_ROWS}行中没有找到表头：表头应含“题干”和“答案”列，可含{}",
        export_columns()
            .iter()
            .map(|c| c.header())
            .filter(|h| h != "题干" && h != "答案")
            .collect::<Vec<_>>()
            .join("、")
    )
}

/// The kind a sheet's name announces (“单选题”, “二、多项选择题（20道）”), if any.
fn kind_of_sheet(name: &str) -> Option<QuestionKind> {
    [
        ("单选", QuestionKind::Single),
        ("单项选择", QuestionKind::Single),
        ("多选", QuestionKind::Multiple),
        ("多项选择", QuestionKind::Multiple),
        ("判断", QuestionKind::TrueFalse),
        ("填空", QuestionKind::FillIn),
    ]
    .into_iter()
    .find(|(word, _)| name.contains(word))
    .map(|(_, kind)| kind)
}

/// Reads the sheets of a file into questions. A sheet without a header is skipped (and
/// reported); a file in which no sheet has one is refused.
pub fn read(sheets: Vec<Sheet>, out: &mut Collector) -> Result<(), ImportError> {
    let mut found = Vec::new();
    let mut first_error: Option<ImportError> = None;
    let named = sheets.iter().any(|s| s.name.is_some());
    // Each sheet's report, by its place in the workbook (read sheets report at the end).
    let mut reports: Vec<(usize, SheetReport)> = Vec::new();
    for (place, sheet) in sheets.into_iter().enumerate() {
        let rows: Table = sheet
            .rows
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .collect();
        let label = sheet.name.clone().unwrap_or_default();
        let report = |read: bool, rows: usize, note: String| {
            (
                place,
                SheetReport {
                    name: label.clone(),
                    read,
                    rows,
                    note: Some(note).filter(|n| !n.is_empty()),
                },
            )
        };
        if let Some(reason) = &sheet.skip {
            reports.push(report(false, 0, reason.clone()));
            continue;
        }
        if rows.is_empty() {
            reports.push(report(false, 0, "工作表是空的".into()));
            continue;
        }
        let at = rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|(_, cells)| header(cells).is_some());
        let Some(at) = at else {
            let message = no_header_message();
            first_error.get_or_insert_with(|| {
                ImportError::new(ErrorCode::WrongColumns, message.clone())
                    .at(Location::Row(rows[0].0))
            });
            reports.push(report(false, 0, format!("未读取：{message}")));
            continue;
        };
        let header_row = rows[at].0;
        match header(&rows[at].1) {
            Some(Ok(h)) => {
                let note = if at > 0 {
                    format!("表头在第{header_row}行，其上{at}行（标题等）未读取")
                } else {
                    String::new()
                };
                found.push((place, sheet.name, rows, at, h, note));
            }
            Some(Err(message)) => {
                first_error.get_or_insert_with(|| {
                    ImportError::new(ErrorCode::WrongColumns, message.clone())
                        .at(Location::Row(header_row))
                });
                reports.push(report(
                    false,
                    0,
                    format!("未读取：第{header_row}行{message}"),
                ));
            }
            None => {}
        }
    }
    if found.is_empty() {
        return Err(first_error.unwrap_or_else(|| ImportError::new(ErrorCode::Empty, "表格是空的")));
    }
    // Rows are named by their sheet only when questions come from several.
    let several = found.len() > 1;
    for (place, name, rows, at, h, note) in found {
        for cell in &h.ignored {
            out.ignored_column(cell);
        }
        let sheet_kind = name.as_deref().and_then(kind_of_sheet);
        let count = rows.len() - at - 1;
        for (row, cells) in rows.into_iter().skip(at + 1) {
            out.entry()?;
            let location = match (&name, several) {
                (Some(sheet), true) => Location::SheetRow {
                    sheet: sheet.clone(),
                    row,
                },
                _ => Location::Row(row),
            };
            let get = |col: Col| -> &str {
                h.columns
                    .get(&col)
                    .and_then(|i| cells.get(*i))
                    .map(|s| s.trim())
                    .unwrap_or("")
            };
            match row_to_candidate(&location, sheet_kind, &get) {
                Ok(Row::Question(c)) => out.question(*c),
                Ok(Row::Skip(reason)) => out.skip(location, reason),
                Err(problems) => {
                    for (field, message) in problems {
                        out.problem(location.clone(), Some(field), message);
                    }
                }
            }
        }
        reports.push((
            place,
            SheetReport {
                name: name.unwrap_or_default(),
                read: true,
                rows: count,
                note: Some(note).filter(|n| !n.is_empty()),
            },
        ));
    }
    // A CSV file is one unnamed sheet: nothing to report.
    if named {
        reports.sort_by_key(|(place, _)| *place);
        for (_, report) in reports {
            out.sheet(report);
        }
    }
    Ok(())
}

/// What one row is.
enum Row {
    Question(Box<Candidate>),
    Skip(String),
}

/// Kinds organizers' sheets hold that Beacon does not grade automatically.
const UNGRADED_KINDS: [&str; 12] = [
    "简答",
    "问答",
    "论述",
    "案例",
    "材料",
    "名词解释",
    "计算",
    "连线",
    "匹配",
    "排序",
    "作文",
    "综合",
];

type RowProblems = Vec<(&'static str, String)>;

fn row_to_candidate<'a>(
    location: &Location,
    sheet_kind: Option<QuestionKind>,
    get: &dyn Fn(Col) -> &'a str,
) -> Result<Row, RowProblems> {
    let kind_cell = get(Col::Kind);
    if let Some(word) = UNGRADED_KINDS.iter().find(|w| kind_cell.contains(**w)) {
        return Ok(Row::Skip(format!(
            "“{kind_cell}”（{word}类主观题）无法自动评分，Beacon 暂不支持，已跳过"
        )));
    }
    let mut problems = Vec::new();
    let options = read_options(get)
        .map_err(|m| problems.push(("options", m)))
        .ok();
    let kind = if kind_cell.is_empty() {
        sheet_kind.or_else(|| infer_kind(options.as_deref().unwrap_or(&[]), get(Col::Key)))
    } else {
        parse_kind(kind_cell).or_else(|| indefinite(kind_cell, get(Col::Key)))
    };
    if kind.is_none() {
        problems.push(("kind", kind_problem(kind_cell)));
    }
    let difficulty = parse_difficulty(get(Col::Difficulty))
        .map_err(|m| problems.push(("difficulty", m)))
        .ok();
    let key = kind.and_then(|k| {
        row_key(k, options.as_deref().unwrap_or(&[]), get(Col::Key))
            .map_err(|m| problems.push(("answer", m)))
            .ok()
    });
    match (kind, difficulty, options, key) {
        (Some(kind), Some(difficulty), Some(options), Some(key)) if problems.is_empty() => {
            let mut stem = get(Col::Stem).to_string();
            let options = match kind {
                // 判断 written as options 正确/错误: the key says it all.
                QuestionKind::TrueFalse => vec![],
                QuestionKind::FillIn => {
                    if count_blanks(&stem) == 0 {
                        stem = bracket_blanks(&stem);
                    }
                    options
                }
                _ => options,
            };
            Ok(Row::Question(Box::new(Candidate {
                stable_id: id_from(get(Col::Id)),
                category: get(Col::Category).to_string(),
                draft: QuestionDraft {
                    kind,
                    stem,
                    options,
                    key,
                    explanation: get(Col::Explanation).to_string(),
                    source: get(Col::Source).to_string(),
                    difficulty,
                    tags: split_tags(get(Col::Tags)),
                },
                location: location.clone(),
            })))
        }
        _ => Err(problems),
    }
}

/// 不定项选择: multiple choice when the key has several letters, else single.
fn indefinite(cell: &str, key: &str) -> Option<QuestionKind> {
    let generic = matches!(cell.trim(), "选择" | "选择题");
    if !cell.contains("不定项") && !generic {
        return None;
    }
    let letters = question::parse_letters(&normalize_letters(key))?;
    Some(if letters.len() > 1 {
        QuestionKind::Multiple
    } else {
        QuestionKind::Single
    })
}

/// The kind of a row whose sheet says none: choice by the number of key letters when it
/// has options, else true/false when the key reads so, else fill-in.
fn infer_kind(options: &[String], key: &str) -> Option<QuestionKind> {
    if !options.is_empty() {
        let letters = question::parse_letters(&normalize_letters(key))?;
        return Some(match letters.len() {
            1 if options.len() == 2 && options.iter().all(|o| parse_true_false(o).is_some()) => {
                QuestionKind::TrueFalse
            }
            1 => QuestionKind::Single,
            _ => QuestionKind::Multiple,
        });
    }
    if parse_true_false(key).is_some() {
        return Some(QuestionKind::TrueFalse);
    }
    (!key.trim().is_empty()).then_some(QuestionKind::FillIn)
}

/// The key of a row: [`parse_key`], except that 判断 may be an option letter (`A` of
/// `A 正确 / B 错误`; without options A is 对 and B is 错, the common layout).
fn row_key(kind: QuestionKind, options: &[String], cell: &str) -> Result<AnswerKey, String> {
    if kind == QuestionKind::TrueFalse && parse_true_false(cell).is_none() {
        let letters = question::parse_letters(&normalize_letters(cell));
        if let Some([i]) = letters.as_deref() {
            let value = match options.get(*i) {
                Some(text) => parse_true_false(text),
                None if options.is_empty() && *i < 2 => Some(*i == 0),
                None => None,
            };
            if let Some(value) = value {
                return Ok(AnswerKey::TrueFalse { value });
            }
        }
    }
    // A date `1921/7/1` (typed, or a date cell as Excel shows it) is one answer, not three
    // alternatives.
    if kind == QuestionKind::FillIn && is_date(cell) {
        return Ok(AnswerKey::FillIn {
            blanks: vec![vec![cell.trim().to_string()]],
        });
    }
    parse_key(kind, cell)
}

/// Whether a cell reads as a date `yyyy/m/d` (optionally with a time).
fn is_date(cell: &str) -> bool {
    let date = cell.trim().split(' ').next().unwrap_or("");
    let parts: Vec<&str> = date.split('/').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Empty brackets written for a blank, `（  ）` `(   )` `（）` (also with full-width
/// spaces), as `____`.
pub fn bracket_blanks(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    let mut rest = stem;
    while let Some((i, open)) = rest.char_indices().find(|(_, c)| matches!(c, '（' | '(')) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len_utf8()..];
        let inner = after
            .char_indices()
            .find(|(_, c)| !c.is_whitespace())
            .map_or(after.len(), |(j, _)| j);
        match after[inner..].chars().next() {
            Some(close @ ('）' | ')')) => {
                out.push_str("____");
                rest = &after[inner + close.len_utf8()..];
            }
            _ => {
                out.push(open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Key letters as typed by a Chinese input method: full-width letters, and `；` `;` `。`
/// between them.
fn normalize_letters(cell: &str) -> String {
    cell.chars()
        .filter(|c| !matches!(c, '；' | ';' | '。' | '.' | '\u{3000}'))
        .map(|c| match c {
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn kind_problem(cell: &str) -> String {
    if cell.is_empty() {
        "“题型”不能为空，应为单选、多选、判断或填空".into()
    } else {
        format!("“题型”应为单选、多选、判断或填空，而不是“{cell}”（其他题型暂不支持）")
    }
}

/// Options A–H in order; a gap (B empty but C filled) is a mistake, not a shorter list.
fn read_options<'a>(get: &dyn Fn(Col) -> &'a str) -> Result<Vec<String>, String> {
    let cells: Vec<&str> = (0..MAX_OPTIONS).map(|i| get(Col::Opt(i))).collect();
    let used = cells
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |i| i + 1);
    if let Some(gap) = cells[..used].iter().position(|c| c.is_empty()) {
        return Err(format!(
            "选项{}为空，但后面还有选项；选项应从A开始连续填写",
            question::option_letter(gap)
        ));
    }
    Ok(cells[..used].iter().map(|c| c.to_string()).collect())
}

/// A kind cell: 单选/单选题/多选/多选题/判断/判断题/填空/填空题 or the English names.
pub fn parse_kind(cell: &str) -> Option<QuestionKind> {
    let name = cell.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match name.as_str() {
        "单选" | "单选题" | "单项选择" | "单项选择题" | "single" => {
            QuestionKind::Single
        }
        "多选" | "多选题" | "多项选择" | "多项选择题" | "multiple" => {
            QuestionKind::Multiple
        }
        "判断" | "判断题" | "true_false" | "truefalse" => QuestionKind::TrueFalse,
        "填空" | "填空题" | "fill_in" | "fillin" => QuestionKind::FillIn,
        _ => return None,
    })
}

/// A difficulty cell: 1, 2 or 3 (also 易/中/难); empty means [`DEFAULT_DIFFICULTY`].
pub fn parse_difficulty(cell: &str) -> Result<u8, String> {
    Ok(match cell.trim() {
        "" => DEFAULT_DIFFICULTY,
        "1" | "1.0" | "易" | "简单" => 1,
        "2" | "2.0" | "中" | "中等" => 2,
        "3" | "3.0" | "难" | "困难" => 3,
        other => return Err(format!("“难度”应为1、2或3，而不是“{other}”")),
    })
}

/// The answer cell of a question of `kind` (see the module notes).
pub fn parse_key(kind: QuestionKind, cell: &str) -> Result<AnswerKey, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Err("“答案”不能为空".into());
    }
    // A Chinese input method types full-width letters (ＡＢＤ) and `；` between them.
    let letters = normalize_letters(cell);
    match kind {
        QuestionKind::Single => match question::parse_letters(&letters) {
            Some(v) if v.len() == 1 => Ok(AnswerKey::Single { option: v[0] }),
            _ => Err(format!(
                "单选题的答案应为一个选项字母，如“B”，而不是“{cell}”"
            )),
        },
        QuestionKind::Multiple => match question::parse_letters(&letters) {
            Some(v) if !v.is_empty() => Ok(AnswerKey::Multiple { options: v }),
            _ => Err(format!("多选题的答案应为选项字母，如“ABD”，而不是“{cell}”")),
        },
        QuestionKind::TrueFalse => parse_true_false(cell)
            .map(|value| AnswerKey::TrueFalse { value })
            .ok_or_else(|| format!("判断题的答案应为“对”或“错”，而不是“{cell}”")),
        QuestionKind::FillIn => Ok(AnswerKey::FillIn {
            blanks: parse_blanks(cell),
        }),
    }
}

/// 对/错, 正确/错误, √/×, T/F, true/false (any case).
pub fn parse_true_false(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "对" | "正确" | "√" | "✓" | "✔" | "t" | "true" | "是" => Some(true),
        "错" | "错误" | "×" | "✗" | "✘" | "x" | "f" | "false" | "否" => Some(false),
        _ => None,
    }
}

fn is_blank_separator(c: char) -> bool {
    matches!(c, '|' | '｜' | '；')
}

fn is_alternative_separator(c: char) -> bool {
    matches!(c, '/' | '／')
}

/// Fill-in blanks: `|` between blanks, `/` between alternatives, `\` escapes. Empty
/// alternatives are dropped; a blank left with none stays empty for validation to report.
pub fn parse_blanks(cell: &str) -> Vec<Vec<String>> {
    let mut blanks = Vec::new();
    let mut alternatives = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    let push_alternative = |alts: &mut Vec<String>, current: &mut String| {
        let alt = current.trim();
        if !alt.is_empty() {
            alts.push(alt.to_string());
        }
        current.clear();
    };
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(chars.next().unwrap_or('\\'));
        } else if is_alternative_separator(c) {
            push_alternative(&mut alternatives, &mut current);
        } else if is_blank_separator(c) {
            push_alternative(&mut alternatives, &mut current);
            blanks.push(std::mem::take(&mut alternatives));
        } else {
            current.push(c);
        }
    }
    push_alternative(&mut alternatives, &mut current);
    blanks.push(alternatives);
    blanks
}

/// Writes blanks in the notation [`parse_blanks`] reads.
pub fn format_blanks(blanks: &[Vec<String>]) -> String {
    let escape = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c == '\\' || is_blank_separator(c) || is_alternative_separator(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    };
    blanks
        .iter()
        .map(|alts| alts.iter().map(|a| escape(a)).collect::<Vec<_>>().join("/"))
        .collect::<Vec<_>>()
        .join("|")
}

/// The answer cell of a question, in the notation [`parse_key`] reads.
pub fn format_key(key: &AnswerKey) -> String {
    match key {
        AnswerKey::Single { option } => question::option_letter(*option).to_string(),
        AnswerKey::Multiple { options } => options
            .iter()
            .map(|o| question::option_letter(*o))
            .collect(),
        AnswerKey::TrueFalse { value } => if *value { "对" } else { "错" }.into(),
        AnswerKey::FillIn { blanks } => format_blanks(blanks),
    }
}

/// Tags separated by `,` `，` or `、` (or put on separate lines of the cell).
pub fn split_tags(cell: &str) -> Vec<String> {
    cell.split([',', '，', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The cell of `col` for one exported question.
pub fn cell(q: &ExportQuestion, col: Col) -> String {
    let d = &q.draft;
    match col {
        Col::Id => q.stable_id.clone(),
        Col::Kind => kind_label(d.kind).into(),
        Col::Stem => d.stem.clone(),
        Col::Opt(i) => d.options.get(i).cloned().unwrap_or_default(),
        Col::Key => format_key(&d.key),
        Col::Explanation => d.explanation.clone(),
        Col::Source => d.source.clone(),
        Col::Category => q.category.clone(),
        Col::Difficulty => d.difficulty.to_string(),
        Col::Tags => d.tags.join("、"),
    }
}

/// The template's example questions: one of each kind, the fill-in one with two blanks and
/// alternatives, so the rows show the whole notation.
pub fn examples() -> Vec<ExportQuestion> {
    let q = |id: &str, kind, stem: &str, options: &[&str], key, tags: &[&str]| ExportQuestion {
        stable_id: id.into(),
        category: "示例分类".into(),
        draft: QuestionDraft {
            kind,
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key,
            explanation: "解析：写明答案依据，最好引用原文。".into(),
            source: "《中国共产党章程》总纲".into(),
            difficulty: 1,
            tags: tags.iter().map(|s| s.to_string()).collect(),
        },
    };
    vec![
        q(
            "",
            QuestionKind::Single,
            "中国共产党的根本宗旨是（  ）。",
            &["全心全意为人民服务", "实现共产主义", "发展生产力"],
            AnswerKey::Single { option: 0 },
            &["党章"],
        ),
        q(
            "",
            QuestionKind::Multiple,
            "党员干部要增强的“四个意识”包括（  ）。",
            &["政治意识", "大局意识", "核心意识", "看齐意识", "服务意识"],
            AnswerKey::Multiple {
                options: vec![0, 1, 2, 3],
            },
            &["党章", "政治建设"],
        ),
        q(
            "",
            QuestionKind::TrueFalse,
            "党的最高理想和最终目标是实现共产主义。",
            &[],
            AnswerKey::TrueFalse { value: true },
            &[],
        ),
        q(
            "",
            QuestionKind::FillIn,
            "做到“____”，增强“____”。",
            &[],
            AnswerKey::FillIn {
                blanks: vec![
                    vec!["两个维护".into()],
                    vec!["四个意识".into(), "“四个意识”".into()],
                ],
            },
            &[],
        ),
    ]
}

/// The instructions that go with the template (the XLSX's second sheet).
pub const INSTRUCTIONS: &[&str] = &[
    "从“题目”工作表第2行开始，每行填写一道题；第1行是表头，列的顺序可以调整，但名称请勿修改。",
    "题型：必填，单选、多选、判断或填空。",
    "题干：必填，不超过1000字；填空题用“____”（两个或更多下划线）标出每个空。",
    "选项A～选项H：选择题从A开始连续填写2～8个选项；判断题和填空题不填。",
    "答案：必填。单选填一个字母，如 B；多选填多个字母，如 ABD；判断填“对”或“错”；\
     填空题各空之间用 | 分隔，同一空的多个可接受答案用 / 分隔，如：两个维护|四个意识/“四个意识”。\
     答案本身含有 | 或 / 时，在其前面加 \\ 。",
    "解析、出处：建议填写。解析在答题后显示，建议引用原文；出处写明文件和条款。未填写的题目也会导入，预览中会统计数量。",
    "分类：选填，不填时导入到导入时选择的分类。",
    "难度：选填，1（易）、2（中）或3（难），不填为2。",
    "标签：选填，多个标签用逗号或顿号分隔。",
    "编号：选填。再次导入同一编号的题目会更新原题；不填时按题型、题干和选项识别同一道题。",
    "序号、备注等其他列不会导入；有多个工作表时，每个含有“题干”和“答案”列的工作表都会读取。",
    "有问题的行不会导入，导入前的预览会列出每个问题所在的行号。",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_chinese_or_english_any_case() {
        assert_eq!(Col::from_header(" 题 型 "), Some(Col::Kind));
        assert_eq!(Col::from_header("Stem"), Some(Col::Stem));
        assert_eq!(Col::from_header("选项C"), Some(Col::Opt(2)));
        assert_eq!(Col::from_header("选项ｃ"), Some(Col::Opt(2)));
        assert_eq!(Col::from_header("h"), Some(Col::Opt(7)));
        assert_eq!(Col::from_header("Option B"), Some(Col::Opt(1)));
        assert_eq!(Col::from_header("选项I"), None);
        assert_eq!(Col::from_header("\u{feff}编号"), Some(Col::Id));
        for col in export_columns() {
            assert_eq!(Col::from_header(&col.header()), Some(col));
        }
    }

    #[test]
    fn key_notation_round_trips() {
        let blanks = vec![
            vec!["1/2".to_string(), "二分之一".to_string()],
            vec!["a|b".to_string()],
            vec!["反斜杠\\".to_string(), "；".to_string()],
        ];
        let text = format_blanks(&blanks);
        assert_eq!(parse_blanks(&text), blanks);
        assert_eq!(
            parse_blanks(" 两个维护 ；四个意识／“四个意识” "),
            vec![
                vec!["两个维护".to_string()],
                vec!["四个意识".to_string(), "“四个意识”".to_string()]
            ]
        );
        assert_eq!(parse_blanks("a//b|"), vec![vec!["a", "b"], vec![]]);
        assert_eq!(parse_blanks("尾\\"), vec![vec!["尾\\"]]);
        for (cell, value) in [("√", true), ("错误", false), ("TRUE", true), ("f", false)] {
            assert_eq!(parse_true_false(cell), Some(value), "{cell}");
        }
        assert_eq!(parse_true_false("也许"), None);
        assert_eq!(
            parse_key(QuestionKind::Multiple, "a, b、d"),
            Ok(AnswerKey::Multiple {
                options: vec![0, 1, 3]
            })
        );
        assert!(parse_key(QuestionKind::Single, "AB").is_err());
        assert!(parse_key(QuestionKind::Single, "甲").is_err());
        assert!(parse_key(QuestionKind::TrueFalse, "").is_err());
    }

    #[test]
    fn kinds_difficulties_and_tags() {
        assert_eq!(parse_kind("单选题"), Some(QuestionKind::Single));
        assert_eq!(parse_kind("Fill-in"), Some(QuestionKind::FillIn));
        assert_eq!(parse_kind("true false"), Some(QuestionKind::TrueFalse));
        assert_eq!(parse_kind("简答"), None);
        assert_eq!(parse_difficulty(""), Ok(2));
        assert_eq!(parse_difficulty("3"), Ok(3));
        assert!(parse_difficulty("4").is_err());
        assert_eq!(
            split_tags("党章, 纪律，廉洁、 "),
            vec!["党章", "纪律", "廉洁"]
        );
    }
}
