//! The question sheet as an Excel workbook (`.xlsx`): every worksheet that has the
//! question columns is read (a workbook with one sheet per kind, or an instructions sheet
//! first, is common); exports and the template add a sheet of instructions.
//!
//! An XLSX is a ZIP of XML parts, read here directly (quick-xml) rather than through a
//! spreadsheet library, for three reasons:
//! - cells are read as the text the author sees: a number is shown through its cell's
//!   number format, so a date cell is `1921年7月1日` or `1921/7/1` (not its serial number
//!   7853) and a percent `50%` (not `0.5`); text, shared strings (phonetic runs left out),
//!   booleans and cached formula results as Excel displays them;
//! - only the parts a sheet needs are unpacked, each with a cap, and all of them within a
//!   budget that grows with the file's size ([`unpack_budget`]), so a small file whose
//!   shared strings expand to hundreds of megabytes (a ZIP bomb) is refused at once;
//! - cells are kept sparse (a stray cell at XFD1048576 costs one cell), addresses are
//!   checked against Excel's grid, and nothing in the file is trusted for a size.
//!
//! A missing end-of-archive record means the upload was cut short (`truncated`).

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::sheet::{self, Col, Sheet, Table};
use super::text::OLE_SIGNATURE;
use super::{ErrorCode, ExportError, ExportQuestion, ImportError, Location, MAX_QUESTIONS};

/// Most bytes all parts read from one workbook may unpack to, whatever its size.
const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Most parts (files) in the archive; a real workbook has a few dozen.
const MAX_PARTS: usize = 10_000;
/// Columns read; the sheet needs 19, the rest are room for unknown headers to be named.
const MAX_COLUMNS: u32 = 256;
/// Most worksheets read.
const MAX_SHEETS: usize = 64;

fn not_xlsx(message: &str) -> ImportError {
    ImportError::new(ErrorCode::NotXlsx, message)
}

fn damaged() -> ImportError {
    not_xlsx("无法读取该 Excel 文件，文件可能已损坏，请用模板重新填写后上传")
}

fn too_large() -> ImportError {
    ImportError::new(
        ErrorCode::TooLarge,
        "Excel 文件解压后过大，请删除无关的工作表、图片后重试，或拆分文件",
    )
}

/// How many bytes the parts of a workbook of `file_len` bytes may unpack to: 16 MB plus
/// 40 times the file (text compresses about tenfold in real workbooks), at most
/// [`MAX_UNPACKED_BYTES`].
pub fn unpack_budget(file_len: usize) -> u64 {
    (16 * 1024 * 1024 + 40 * file_len as u64).min(MAX_UNPACKED_BYTES)
}

/// Reads every worksheet into rows numbered as Excel shows them.
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    if bytes.starts_with(&OLE_SIGNATURE) {
        return Err(not_xlsx(
            "这是旧版 Excel（.xls）文件或加密的 Excel 文件，请在 Excel 中另存为 .xlsx（不设密码）后上传",
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx(
            "这不是 Excel（.xlsx）文件；如果是 CSV 文件，请选择 CSV 格式导入",
        ));
    }
    if !has_end_record(bytes) {
        return Err(ImportError::new(
            ErrorCode::Truncated,
            "Excel 文件不完整（可能上传或复制时中断），请重新保存后上传",
        ));
    }
    let mut book = Parts {
        zip: zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?,
        budget: unpack_budget(bytes.len()),
    };
    if book.zip.len() > MAX_PARTS {
        return Err(damaged());
    }
    let workbook = book.part("xl/workbook.xml")?.ok_or_else(damaged)?;
    let (sheets, date1904) = workbook_sheets(&workbook)?;
    let rels = book
        .part("xl/_rels/workbook.xml.rels")?
        .map(|x| relationships(&x))
        .transpose()?
        .unwrap_or_default();
    let strings = match book.part("xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };
    let styles = match book.part("xl/styles.xml")? {
        Some(xml) => Styles::read(&xml)?,
        None => Styles::default(),
    };
    if sheets.is_empty() {
        return Err(ImportError::new(ErrorCode::Empty, "Excel 文件中没有工作表"));
    }
    let mut out = Vec::new();
    for entry in sheets.into_iter().take(MAX_SHEETS) {
        if entry.hidden {
            out.push(Sheet {
                name: Some(entry.name),
                rows: Table::new(),
                skip: Some("隐藏的工作表，未读取（如需导入，请在 Excel 中取消隐藏）".into()),
            });
            continue;
        }
        let Some(target) = rels.get(&entry.rel) else {
            return Err(damaged());
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let xml = book.part(&path)?.ok_or_else(damaged)?;
        let cells = Cells {
            strings: &strings,
            styles: &styles,
            date1904,
        };
        out.push(Sheet {
            name: Some(entry.name),
            rows: cells.rows(&xml)?,
            skip: None,
        });
    }
    Ok(out)
}

/// Whether the ZIP's end-of-central-directory record is in its last 64 KB, where a
/// complete archive always has it.
fn has_end_record(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// The archive and what is left of its unpacking budget.
struct Parts<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    budget: u64,
}

impl Parts<'_> {
    /// One part, unpacked within the budget; `None` when the archive has no such part.
    fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let part = match self.zip.by_name(name) {
            Ok(part) => part,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(_) => return Err(damaged()),
        };
        // The declared size is a hint only (a bomb may lie), capped by the budget; it spares
        // the doubling reallocations that held up to three times the budget at once.
        let hint = part.size().min(self.budget + 1);
        let mut data = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        // One byte past the budget tells that it was exceeded.
        part.take(self.budget + 1)
            .read_to_end(&mut data)
            .map_err(|_| damaged())?;
        let used = data.len() as u64;
        if used > self.budget {
            return Err(too_large());
        }
        self.budget -= used;
        Ok(Some(data))
    }
}

/// A worksheet as the workbook lists it.
struct SheetEntry {
    name: String,
    rel: String,
    hidden: bool,
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name || a.key.as_ref() == name)
        .map(|a| attr_text(&a.value))
}

/// An attribute value as text (entities decoded, as far as they decode).
fn attr_text(value: &[u8]) -> String {
    let raw = String::from_utf8_lossy(value);
    quick_xml::escape::unescape(&raw)
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| raw.into_owned())
}

/// Reads XML events, calling `f` for each; malformed XML is a damaged file.
fn each_event(
    xml: &[u8],
    mut f: impl FnMut(Event<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| damaged())?;
        if matches!(event, Event::Eof) {
            return Ok(());
        }
        f(event)?;
        buf.clear();
    }
}

/// The sheets in workbook order, and whether dates count from 1904.
fn workbook_sheets(xml: &[u8]) -> Result<(Vec<SheetEntry>, bool), ImportError> {
    let mut sheets = Vec::new();
    let mut date1904 = false;
    each_event(xml, |event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            match e.local_name().as_ref() {
                b"sheet" => sheets.push(SheetEntry {
                    name: attr(&e, b"name").unwrap_or_default(),
                    rel: e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"id")
                        .map(|a| attr_text(&a.value))
                        .unwrap_or_default(),
                    hidden: attr(&e, b"state").is_some_and(|s| s != "visible"),
                }),
                b"workbookPr" => {
                    date1904 = attr(&e, b"date1904").is_some_and(|v| v == "1" || v == "true")
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok((sheets, date1904))
}

/// Relationship ids to their targets.
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, ImportError> {
    let mut out = HashMap::new();
    each_event(xml, |event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            if e.local_name().as_ref() == b"Relationship" {
                if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    out.insert(id, target);
                }
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// The shared strings: each `<si>`'s text (runs joined; phonetic guides `<rPh>` left out).
fn shared_strings(xml: &[u8]) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_t = false;
    let mut in_phonetic = false;
    each_event(xml, |event| {
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => current.clear(),
                b"t" => in_t = true,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => out.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                b"si" => out.push(unescape_x(&std::mem::take(&mut current))),
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_t && !in_phonetic => {
                current.push_str(&t.decode().map_err(|_| damaged())?)
            }
            Event::GeneralRef(r) if in_t && !in_phonetic => current.push_str(&reference(&r)),
            Event::CData(t) if in_t && !in_phonetic => {
                current.push_str(&String::from_utf8_lossy(&t))
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

/// An entity or character reference as text (the five XML entities; others stay).
fn reference(r: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().as_deref() {
        Ok("lt") => "<".into(),
        Ok("gt") => ">".into(),
        Ok("amp") => "&".into(),
        Ok("apos") => "'".into(),
        Ok("quot") => "\"".into(),
        Ok(other) => format!("&{other};"),
        Err(_) => String::new(),
    }
}

/// Excel's `_xHHHH_` escapes (control characters stored in XML) decoded; `_x005F_` is an
/// escaped underscore.
fn unescape_x(s: &str) -> String {
    if !s.contains("_x") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let code = tail
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The number format of each cell style (`<cellXfs>`), by style index.
#[derive(Default)]
struct Styles {
    formats: Vec<String>,
}

impl Styles {
    fn read(xml: &[u8]) -> Result<Styles, ImportError> {
        let mut custom: HashMap<u32, String> = HashMap::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut in_xfs = false;
        each_event(xml, |event| {
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"numFmt" => {
                        if let (Some(id), Some(code)) =
                            (attr(&e, b"numFmtId"), attr(&e, b"formatCode"))
                        {
                            if let Ok(id) = id.parse() {
                                custom.insert(id, code);
                            }
                        }
                    }
                    b"cellXfs" => in_xfs = true,
                    b"xf" if in_xfs => ids.push(
                        attr(&e, b"numFmtId")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0),
                    ),
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
                _ => {}
            }
            Ok(())
        })?;
        let formats = ids
            .into_iter()
            .map(|id| {
                custom
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| super::numfmt::builtin(id).to_string())
            })
            .collect();
        Ok(Styles { formats })
    }

    fn format(&self, style: usize) -> &str {
        self.formats.get(style).map_or("General", String::as_str)
    }
}

/// What reading a worksheet's cells needs.
struct Cells<'a> {
    strings: &'a [String],
    styles: &'a Styles,
    date1904: bool,
}

/// A cell being read: its type, style and raw value.
#[derive(Default)]
struct Cell {
    col: u32,
    kind: String,
    style: usize,
    value: String,
    inline: String,
}

fn bad_address() -> ImportError {
    not_xlsx("Excel 文件已损坏（含有超出 Excel 范围的单元格地址），请用模板重新填写后上传")
}

/// A cell address `XFD1048576` as (0-based column, 1-based row), within Excel's grid.
fn address(r: &str) -> Result<(u32, u32), ImportError> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || letters > 3 || row.is_empty() || row.len() > 7 {
        return Err(bad_address());
    }
    let col = col.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u32 = row.parse().map_err(|_| bad_address())?;
    if col == 0 || col > 16_384 || row == 0 || row > 1_048_576 {
        return Err(bad_address());
    }
    Ok((col - 1, row))
}

impl Cells<'_> {
    /// The worksheet's rows with content, each with its row number.
    fn rows(&self, xml: &[u8]) -> Result<Table, ImportError> {
        let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
        let mut row: u32 = 0;
        let mut next_col: u32 = 0;
        let mut cell: Option<Cell> = None;
        // Inside <v>, or <t> of an inline string (and not its phonetic guide).
        let (mut in_v, mut in_t, mut in_phonetic) = (false, false, false);
        each_event(xml, |event| {
            match event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                    row = match attr(&e, b"r") {
                        Some(r) if r.len() <= 7 => r.parse().map_err(|_| bad_address())?,
                        Some(_) => return Err(bad_address()),
                        None => row.saturating_add(1),
                    };
                    if row == 0 || row > 1_048_576 {
                        return Err(bad_address());
                    }
                    next_col = 0;
                }
                Event::Start(e) if e.local_name().as_ref() == b"c" => {
                    cell = Some(self.start_cell(&e, &mut row, &mut next_col)?);
                }
                Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                    self.start_cell(&e, &mut row, &mut next_col)?;
                }
                Event::Start(e) => match e.local_name().as_ref() {
                    b"v" => in_v = true,
                    b"t" => in_t = true,
                    b"rPh" => in_phonetic = true,
                    _ => {}
                },
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        b"v" => in_v = false,
                        b"t" => in_t = false,
                        b"rPh" => in_phonetic = false,
                        b"c" => {
                            if let Some(c) = cell.take() {
                                let text = self.text(&c);
                                if c.col < MAX_COLUMNS && !text.trim().is_empty() {
                                    rows.entry(row).or_default().push((c.col, text));
                                    // The header and MAX_QUESTIONS questions; one more row says so.
                                    if rows.len() > MAX_QUESTIONS + 12 {
                                        return Err(ImportError::new(
                                        ErrorCode::TooMany,
                                        format!("一次最多导入{MAX_QUESTIONS}道题，请拆分文件后分批导入"),
                                    )
                                    .at(Location::Row(row)));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(t) => {
                    if let Some(c) = cell.as_mut() {
                        let text = t.decode().map_err(|_| damaged())?;
                        if in_v {
                            c.value.push_str(&text);
                        } else if in_t && !in_phonetic {
                            c.inline.push_str(&text);
                        }
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(c) = cell.as_mut() {
                        if in_v {
                            c.value.push_str(&reference(&r));
                        } else if in_t && !in_phonetic {
                            c.inline.push_str(&reference(&r));
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(rows
            .into_iter()
            .map(|(row, cells)| (row, dense(cells)))
            .collect())
    }

    fn start_cell(
        &self,
        e: &BytesStart<'_>,
        row: &mut u32,
        next_col: &mut u32,
    ) -> Result<Cell, ImportError> {
        let col = match attr(e, b"r") {
            Some(r) => {
                let (col, r) = address(&r)?;
                *row = r;
                col
            }
            None => *next_col,
        };
        *next_col = col.saturating_add(1);
        Ok(Cell {
            col,
            kind: attr(e, b"t").unwrap_or_default(),
            style: attr(e, b"s").and_then(|s| s.parse().ok()).unwrap_or(0),
            ..Cell::default()
        })
    }

    /// A cell as Excel shows it.
    fn text(&self, c: &Cell) -> String {
        match c.kind.as_str() {
            "s" => c
                .value
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| self.strings.get(i))
                .cloned()
                .unwrap_or_default(),
            "inlineStr" => unescape_x(&c.inline),
            "str" => unescape_x(&c.value),
            "b" => if c.value.trim() == "1" {
                "TRUE"
            } else {
                "FALSE"
            }
            .into(),
            "e" => String::new(),
            // ISO dates (`t="d"`) are rare; shown as stored.
            "d" => c.value.trim().to_string(),
            _ => match c.value.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    super::numfmt::format(n, self.styles.format(c.style), self.date1904)
                }
                _ => c.value.trim().to_string(),
            },
        }
    }
}

/// One row's cells by column index (gaps empty).
fn dense(cells: Vec<(u32, String)>) -> Vec<String> {
    let width = cells
        .iter()
        .map(|(c, _)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut out = vec![String::new(); width];
    for (col, value) in cells {
        if let Some(slot) = out.get_mut(col as usize) {
            *slot = value;
        }
    }
    out
}

/// Writes the questions sheet (header, one row per question) and the instructions sheet.
pub fn write(questions: &[ExportQuestion]) -> Result<Vec<u8>, ExportError> {
    build(questions).map_err(|e| ExportError {
        message: match e {
            XlsxError::MaxStringLengthExceeded => {
                "有题目的某项内容超过 Excel 单元格上限（32767 个字符），请改用其他格式导出".into()
            }
            other => format!("无法生成 Excel 文件：{other}"),
        },
    })
}

fn build(questions: &[ExportQuestion]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = CellFormat::new().set_bold();
    // Text format keeps ids such as 001 and answers such as 1/2 as typed when edited.
    let text = CellFormat::new().set_num_format("@");
    let sheet = wb.add_worksheet();
    sheet.set_name("题目")?;
    let columns = sheet::export_columns();
    for (i, col) in columns.iter().enumerate() {
        let c = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, col.header(), &bold)?;
        sheet.set_column_width(c, column_width(*col))?;
        if *col != Col::Difficulty {
            sheet.set_column_format(c, &text)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, q) in questions.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (i, col) in columns.iter().enumerate() {
            let c = u16::try_from(i).unwrap_or(u16::MAX);
            if *col == Col::Difficulty {
                sheet.write_number(row, c, f64::from(q.draft.difficulty))?;
            } else {
                let value = sheet::cell(q, *col);
                if !value.is_empty() {
                    sheet.write_string(row, c, value)?;
                }
            }
        }
    }
    let help = wb.add_worksheet();
    help.set_name("填写说明")?;
    help.set_column_width(0, 100)?;
    for (i, line) in sheet::INSTRUCTIONS.iter().enumerate() {
        help.write_string(u32::try_from(i).unwrap_or(u32::MAX), 0, *line)?;
    }
    wb.save_to_buffer()
}

fn column_width(col: Col) -> f64 {
    match col {
        Col::Stem | Col::Explanation => 50.0,
        Col::Opt(_) | Col::Source | Col::Category | Col::Key => 20.0,
        Col::Kind | Col::Difficulty => 8.0,
        Col::Tags | Col::Id => 16.0,
    }
}

/// The template: the example questions with the instructions sheet.
pub fn write_template(examples: &[ExportQuestion]) -> Vec<u8> {
    // The examples are fixed and short; a test reads the template back.
    write(examples).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format};
    use super::*;
    use shared::grading::{AnswerKey, QuestionKind};

    fn workbook(rows: &[&[&str]]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string(r as u32, c as u16, *value).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn template_reads_back_as_its_examples() {
        let parsed = parse(Format::Xlsx, &super::super::template(Format::Xlsx)).unwrap();
        let drafts: Vec<_> = parsed.questions.iter().map(|q| q.draft.clone()).collect();
        let expected: Vec<_> = sheet::examples().into_iter().map(|q| q.draft).collect();
        assert_eq!(drafts, expected);
        assert!(parsed.questions.iter().all(|q| q.stable_id.is_none()));
        assert_eq!(parsed.questions[0].location, Location::Row(2));
    }

    #[test]
    fn chinese_headers_in_any_order_and_numbers_as_text() {
        let bytes = workbook(&[
            &[
                "难度", "出处", "答案", "题干", "解析", "题型", "选项B", "选项A",
            ],
            &[
                "3",
                "党章",
                "b",
                "党的根本宗旨是（  ）。",
                "解析",
                "单选题",
                "为人民服务",
                "发展",
            ],
            &[],
            &["", "党章", "甲", "题干", "解析", "单选", "", ""],
        ]);
        let parsed = parse(Format::Xlsx, &bytes).unwrap();
        assert_eq!(parsed.questions.len(), 1);
        let q = &parsed.questions[0];
        assert_eq!(q.draft.kind, QuestionKind::Single);
        assert_eq!(q.draft.options, vec!["发展", "为人民服务"]);
        assert_eq!(q.draft.difficulty, 3);
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].location, Location::Row(4));
        assert_eq!(parsed.problems[0].field, Some("answer"));
    }

    #[test]
    fn columns_beacon_does_not_read_are_ignored_and_listed() {
        let bytes = workbook(&[
            &["序号", "题型", "题干", "答案", "解析", "备注"],
            &["1", "判断", "党员应按期交纳党费。", "对", "", "见党章"],
        ]);
        let p = parse(Format::Xlsx, &bytes).unwrap();
        assert_eq!(p.questions.len(), 1, "{p:?}");
        assert_eq!(p.ignored_columns, vec!["序号", "备注"]);
        // 解析 empty and 出处 missing: imported, counted by the preview.
        assert_eq!(p.questions[0].draft.explanation, "");
        assert_eq!(p.questions[0].draft.source, "");
        let bytes = workbook(&[&["题型", "答案", "解析"], &["单选"]]);
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert_eq!(e.code, ErrorCode::WrongColumns);
        assert!(e.message.contains("“题干”和“答案”"), "{e}");
        let bytes = workbook(&[&["题型", "题干", "答案", "解析", "出处", "kind"], &["单选"]]);
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert!(e.message.contains("“题型”列出现了两次"), "{e}");
    }

    /// A sheet the way 党建 organizers keep them: a merged title row, 序号, no 出处, 解析
    /// sometimes empty, blanks as brackets, 判断 as options A/B, answers with ；, a 简答题,
    /// a repeated question, one sheet per kind after an instructions sheet.
    fn organizers_workbook() -> Vec<u8> {
        let mut wb = Workbook::new();
        let bold = CellFormat::new().set_bold();
        let help = wb.add_worksheet();
        help.set_name("说明").unwrap();
        help.write_string(0, 0, "本题库供2023年度党建知识竞赛使用，请勿外传。")
            .unwrap();
        let sheet = wb.add_worksheet();
        sheet.set_name("单选题").unwrap();
        sheet
            .merge_range(0, 0, 0, 6, "机关党委2023年党建知识题库（单选）", &bold)
            .unwrap();
        for (c, h) in ["序号", "题目", "A", "B", "C", "D", "正确答案", "解析"]
            .iter()
            .enumerate()
        {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        let rows: [[&str; 8]; 3] = [
            [
                "1",
                "党的根本宗旨是（　　）。",
                "全心全意为人民服务",
                "发展生产力",
                "实现共产主义",
                "",
                "A",
                "党章总纲。",
            ],
            [
                "2",
                "“三会一课”中的“一课”是（  ）。",
                "党课",
                "团课",
                "班课",
                "",
                "Ａ",
                "",
            ],
            [
                "3",
                "党的根本宗旨是（　　）。",
                "全心全意为人民服务",
                "发展生产力",
                "实现共产主义",
                "",
                "A",
                "党章总纲。",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32 + 2, c as u16, *v).unwrap();
                }
            }
        }
        let sheet = wb.add_worksheet();
        sheet.set_name("其他题型").unwrap();
        for (c, h) in [
            "序号", "题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "出处",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let rows: [[&str; 9]; 5] = [
            [
                "1",
                "多选题",
                "“四个意识”包括（  ）。",
                "政治意识",
                "大局意识",
                "服务意识",
                "A；B",
                "",
                "十八届六中全会",
            ],
            [
                "2",
                "判断题",
                "党员可以不参加组织生活。",
                "正确",
                "错误",
                "",
                "B",
                "党员必须参加组织生活。",
                "",
            ],
            [
                "3",
                "填空题",
                "党的最高理想和最终目标是实现(   )。",
                "",
                "",
                "",
                "共产主义",
                "",
                "党章总纲",
            ],
            [
                "4",
                "填空题",
                "中国共产党成立于（    ）。",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "5",
                "简答题",
                "简述“两个确立”的决定性意义。",
                "",
                "",
                "",
                "略",
                "",
                "",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
                }
            }
        }
        // The founding date typed as a date.
        let date = CellFormat::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
        sheet.write_number_with_format(4, 6, 7853.0, &date).unwrap();
        // A hidden sheet of drafts, with the question columns: not read.
        let hidden = wb.add_worksheet();
        hidden.set_name("草稿").unwrap();
        hidden.write_string(0, 0, "题干").unwrap();
        hidden.write_string(0, 1, "答案").unwrap();
        hidden.write_string(1, 0, "草稿题").unwrap();
        hidden.write_string(1, 1, "对").unwrap();
        hidden.set_hidden(true);
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn organizers_sheets_import_as_their_authors_expect() {
        let p = parse(Format::Xlsx, &organizers_workbook()).unwrap();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let q = &p.questions;
        assert_eq!(q.len(), 6, "{q:?}");
        // The sheet name gives the kind; the header is found below the title row.
        assert_eq!(q[0].draft.kind, QuestionKind::Single);
        assert_eq!(q[0].location.to_string(), "工作表“单选题”第3行");
        assert_eq!(q[1].draft.key, AnswerKey::Single { option: 0 });
        assert_eq!(
            q[2].draft.key,
            AnswerKey::Multiple {
                options: vec![0, 1]
            }
        );
        assert_eq!(q[3].draft.kind, QuestionKind::TrueFalse);
        assert_eq!(q[3].draft.key, AnswerKey::TrueFalse { value: false });
        assert!(q[3].draft.options.is_empty());
        assert_eq!(q[4].draft.stem, "党的最高理想和最终目标是实现____。");
        assert_eq!(q[5].draft.stem, "中国共产党成立于____。");
        assert_eq!(
            q[5].draft.key,
            AnswerKey::FillIn {
                blanks: vec![vec!["1921年7月1日".into()]]
            }
        );
        // 简答题: skipped with its reason; the repeat: a warning naming the first row.
        assert_eq!(p.skipped.len(), 1);
        assert!(p.skipped[0].reason.contains("简答"), "{:?}", p.skipped);
        assert_eq!(p.warnings.len(), 1);
        assert!(
            p.warnings[0].message.contains("“单选题”第3行"),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.ignored_columns, vec!["序号"]);
        let sheets: Vec<(&str, bool, usize)> = p
            .sheets
            .iter()
            .map(|s| (s.name.as_str(), s.read, s.rows))
            .collect();
        assert_eq!(
            sheets,
            vec![
                ("说明", false, 0),
                ("单选题", true, 3),
                ("其他题型", true, 5),
                ("草稿", false, 0)
            ]
        );
        assert!(p.sheets[0].note.as_deref().unwrap().contains("表头"));
        assert!(p.sheets[3].note.as_deref().unwrap().contains("隐藏"));
        assert!(p.sheets[1].note.as_deref().unwrap().contains("第2行"));
    }

    #[test]
    fn number_cells_read_through_their_format() {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (c, h) in ["题型", "题干", "答案"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "填空").unwrap();
        sheet.write_string(1, 1, "中国共产党成立于____。").unwrap();
        let date = CellFormat::new().set_num_format("yyyy/m/d");
        sheet.write_number_with_format(1, 2, 7853.0, &date).unwrap();
        sheet.write_string(2, 0, "填空").unwrap();
        sheet.write_string(2, 1, "占比____。").unwrap();
        let percent = CellFormat::new().set_num_format("0%");
        sheet.write_number_with_format(2, 2, 0.5, &percent).unwrap();
        sheet.write_string(3, 0, "填空").unwrap();
        sheet.write_string(3, 1, "党的____大。").unwrap();
        sheet.write_number(3, 2, 20.0).unwrap();
        let p = parse(Format::Xlsx, &wb.save_to_buffer().unwrap()).unwrap();
        let keys: Vec<&AnswerKey> = p.questions.iter().map(|q| &q.draft.key).collect();
        let blank = |s: &str| AnswerKey::FillIn {
            blanks: vec![vec![s.to_string()]],
        };
        assert_eq!(keys, vec![&blank("1921/7/1"), &blank("50%"), &blank("20")]);
    }

    #[test]
    fn a_small_file_that_unpacks_huge_is_refused() {
        // 21 MB of shared strings compress to a few dozen KB.
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        let long = "党".repeat(10_000);
        for r in 0..700u32 {
            sheet.write_string(r, 0, format!("{r}{long}")).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        assert!(bytes.len() < 2 * 1024 * 1024, "{}", bytes.len());
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooLarge, "{e}");
    }

    #[test]
    fn truncated_legacy_and_garbage_files_are_refused() {
        let good = super::super::template(Format::Xlsx);
        let e = parse(Format::Xlsx, &good[..good.len() / 2]).unwrap_err();
        assert_eq!(e.code, ErrorCode::Truncated, "{e}");
        let e = parse(Format::Xlsx, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]).unwrap_err();
        assert!(e.message.contains(".xls"), "{e}");
        let e = parse(Format::Xlsx, "题型,题干\n".as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotXlsx);
        let mut broken = good.clone();
        for b in broken.iter_mut().skip(100).step_by(7) {
            *b ^= 0x5A;
        }
        assert!(parse(Format::Xlsx, &broken).is_err());
        let e = parse(Format::Xlsx, b"PK\x03\x04 no archive PK\x05\x06").unwrap_err();
        assert_eq!(e.code, ErrorCode::NotXlsx);
    }

    /// Found by the fuzzer: rust_xlsxwriter before 0.84.2 panicked on `_x` followed by a
    /// multi-byte character (it sliced inside the character).
    #[test]
    fn underscore_x_before_chinese_exports() {
        let mut qs = sheet::examples();
        qs[0].draft.stem = "全心全意为人民服_x务的宗旨_x0041_（  ）。".into();
        let parsed = parse(Format::Xlsx, &write(&qs).unwrap()).unwrap();
        assert_eq!(parsed.questions[0].draft.stem, qs[0].draft.stem);
    }

    /// Found by the fuzzer: calamine 0.32 overflowed (a panic in debug builds) on cell
    /// addresses beyond Excel's grid.
    #[test]
    fn impossible_cell_addresses_are_refused() {
        assert_eq!(address("XFD1048576").unwrap(), (16_383, 1_048_576));
        assert_eq!(address("C9").unwrap(), (2, 9));
        assert!(address("A99999999999").is_err());
        assert!(address("AAAAAAA1").is_err());
        assert!(address("XFE1").is_err());
        let template = super::super::template(Format::Xlsx);
        let sheet = read_part(&template, "xl/worksheets/sheet1.xml");
        for (good, bad) in [
            ("<row r=\"1\"", "<row r=\"99999999999\""),
            ("<c r=\"A1\"", "<c r=\"AAAAAAAAA1\""),
        ] {
            assert!(sheet.contains(good), "{good}");
            let xml = sheet.replacen(good, bad, 1);
            let e = parse(
                Format::Xlsx,
                &replace_part(&template, "xl/worksheets/sheet1.xml", &xml),
            )
            .unwrap_err();
            assert!(e.message.contains("单元格地址"), "{bad}: {e}");
        }
        // Found by the fuzzer next: a worksheet broken before its cells, which calamine
        // still reads on into.
        let broken = sheet
            .replacen("<sheetViews>", "<sheetViews>\u{b0}</x>", 1)
            .replacen("<c r=\"A5\"", "<c r=\"zzzzzzzzzzzzzzA5\"", 1);
        let xlsx = replace_part(&template, "xl/worksheets/sheet1.xml", &broken);
        assert_eq!(
            parse(Format::Xlsx, &xlsx).unwrap_err().code,
            ErrorCode::NotXlsx
        );
    }

    fn read_part(xlsx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    fn replace_part(xlsx: &[u8], name: &str, xml: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let part_name = part.name().to_string();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            out.start_file(part_name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            let data = if part_name == name {
                xml.as_bytes()
            } else {
                &data
            };
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_far_away_cell_costs_nothing() {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (c, h) in ["题型", "题干", "答案", "解析", "出处"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1_048_575, 1, "远处").unwrap();
        sheet.write_string(1_048_575, 16_383, "更远").unwrap();
        let parsed = parse(Format::Xlsx, &wb.save_to_buffer().unwrap()).unwrap();
        // The far cell's row has no kind: one problem, and no giant allocation.
        assert_eq!(parsed.problems[0].location, Location::Row(1_048_576));
    }
}
