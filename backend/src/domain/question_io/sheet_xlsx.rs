//! The question sheet as an Excel workbook (`.xlsx`): the first worksheet holds the
//! questions; exports and the template add a sheet of instructions.
//!
//! An XLSX is a ZIP of XML parts, so reading checks the archive before calamine sees it:
//! a missing end-of-archive record means the upload was cut short (`truncated`), and every
//! part is unpacked once with a cap on the total size, so a small file that expands to
//! gigabytes (a ZIP bomb) is refused instead of exhausting memory. Cells are then read one
//! by one (calamine's `Range` would allocate every cell between A1 and the last used one,
//! which one stray cell at XFD1048576 makes enormous).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use quick_xml::events::Event;
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::sheet::{self, Col, Table};
use super::text::OLE_SIGNATURE;
use super::{ErrorCode, ExportError, ExportQuestion, ImportError, Location, MAX_QUESTIONS};

/// Most bytes all parts of a workbook may unpack to.
const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Most parts (files) in the archive; a real workbook has a few dozen.
const MAX_PARTS: usize = 10_000;
/// Columns read; the sheet needs 19, the rest are room for unknown headers to be named.
const MAX_COLUMNS: u32 = 256;

fn not_xlsx(message: &str) -> ImportError {
    ImportError::new(ErrorCode::NotXlsx, message)
}

/// Reads the first worksheet into rows numbered as Excel shows them.
pub fn read(bytes: &[u8]) -> Result<Table, ImportError> {
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
    check_archive(bytes)?;
    read_cells(bytes)
}

/// Whether the ZIP's end-of-central-directory record is in its last 64 KB, where a
/// complete archive always has it.
fn has_end_record(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// Unpacks every part once, counting bytes, and refuses damaged or oversized archives and
/// worksheets with impossible cell addresses.
fn check_archive(bytes: &[u8]) -> Result<(), ImportError> {
    let damaged = || not_xlsx("Excel 文件已损坏，无法读取，请用模板重新填写后上传");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > MAX_PARTS {
        return Err(damaged());
    }
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| damaged())?;
        let is_sheet = part.name().starts_with("xl/worksheets/");
        // Read one byte past the budget to know it was exceeded.
        let mut limited = part.take(MAX_UNPACKED_BYTES - unpacked + 1);
        let n = if is_sheet {
            let mut xml = Vec::new();
            limited.read_to_end(&mut xml).map_err(|_| damaged())?;
            if !cell_addresses_fit(&xml) {
                return Err(not_xlsx(
                    "Excel 文件已损坏（含有超出 Excel 范围的单元格地址），请用模板重新填写后上传",
                ));
            }
            xml.len() as u64
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| damaged())?
        };
        unpacked += n;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(ImportError::new(
                ErrorCode::TooLarge,
                "Excel 文件解压后过大，请删除无关的工作表、图片后重试，或拆分文件",
            ));
        }
    }
    Ok(())
}

/// Whether every cell address of a worksheet (`<dimension ref>`, `<row r>`, `<c r>`) stays
/// within Excel's grid: at most 3 column letters and 7 row digits per part. calamine 0.32
/// computes addresses in `u32` without checks and overflows (a panic in debug builds) on
/// longer ones. The reader is as lenient as calamine's (end tags are not matched); XML it
/// cannot read at all counts as not fitting, since calamine might read further.
fn cell_addresses_fit(xml: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        let element = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::Eof) => return true,
            Err(_) => return false,
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        if matches!(element.local_name().as_ref(), b"dimension" | b"row" | b"c") {
            let fits = element.attributes().flatten().all(|a| {
                !matches!(a.key.local_name().as_ref(), b"r" | b"ref") || address_fits(&a.value)
            });
            if !fits {
                return false;
            }
        }
        buf.clear();
    }
}

/// Whether each run of letters and of digits in an address (`XFD1048576`, `A1:C9`) is
/// within Excel's limits.
fn address_fits(value: &[u8]) -> bool {
    let mut letters = 0;
    let mut digits = 0;
    for b in value {
        if b.is_ascii_alphabetic() {
            letters += 1;
            digits = 0;
        } else if b.is_ascii_digit() {
            digits += 1;
            letters = 0;
        } else {
            letters = 0;
            digits = 0;
        }
        if letters > 3 || digits > 7 {
            return false;
        }
    }
    true
}

fn read_cells(bytes: &[u8]) -> Result<Table, ImportError> {
    let damaged = || not_xlsx("无法读取该 Excel 文件，文件可能已损坏，请用模板重新填写后上传");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let Some(first) = wb.sheet_names().into_iter().next() else {
        return Err(ImportError::new(ErrorCode::Empty, "Excel 文件中没有工作表"));
    };
    let mut cells = wb.worksheet_cells_reader(&first).map_err(|_| damaged())?;
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
        let (row, col) = cell.get_position();
        let value = cell_text(cell.get_value());
        if col >= MAX_COLUMNS || value.trim().is_empty() {
            continue;
        }
        rows.entry(row).or_default().push((col, value));
        // The header and MAX_QUESTIONS questions; one more row is enough to say so.
        if rows.len() > MAX_QUESTIONS + 2 {
            return Err(ImportError::new(
                ErrorCode::TooMany,
                format!("一次最多导入{MAX_QUESTIONS}道题，请拆分文件后分批导入"),
            )
            .at(Location::Row(row.saturating_add(1))));
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row.saturating_add(1), dense(cells)))
        .collect())
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

/// A cell as text: numbers as Excel shows them (`2`, not `2.0`), booleans as true/false.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
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
    use shared::grading::QuestionKind;

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
    fn wrong_columns_name_the_column() {
        let bytes = workbook(&[&["题型", "题干", "答案", "解析", "备注"], &["单选"]]);
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert_eq!(e.code, ErrorCode::WrongColumns);
        assert!(e.message.contains("未知的列“备注”"), "{e}");
        let bytes = workbook(&[&["题型", "题干", "答案", "解析"], &["单选"]]);
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert!(e.message.contains("缺少“出处”列"), "{e}");
        let bytes = workbook(&[&["题型", "题干", "答案", "解析", "出处", "kind"], &["单选"]]);
        let e = parse(Format::Xlsx, &bytes).unwrap_err();
        assert!(e.message.contains("“题型”列出现了两次"), "{e}");
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
        assert!(address_fits(b"XFD1048576"));
        assert!(address_fits(b"A1:C9"));
        assert!(!address_fits(b"A99999999999"));
        assert!(!address_fits(b"AAAAAAA1"));
        let template = super::super::template(Format::Xlsx);
        let sheet = read_part(&template, "xl/worksheets/sheet1.xml");
        for (good, bad) in [
            ("<row r=\"1\"", "<row r=\"99999999999\""),
            ("<c r=\"A1\"", "<c r=\"AAAAAAAAA1\""),
            (
                "<dimension ref=\"A1:Q5\"",
                "<dimension ref=\"A1:Q55555555555\"",
            ),
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
