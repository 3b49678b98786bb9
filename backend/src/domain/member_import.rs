//! Reading member spreadsheets (CSV in UTF-8 or GB18030, and XLSX) into checked rows, and
//! writing the templates organizers fill in. Parsing never panics: any malformed input is
//! an [`AppError::Import`] naming the row, and a workbook that would unpack beyond its
//! budget is 400 `too_large`.

use std::collections::HashMap;

use shared::api::members::IMPORT_COLUMNS;
use shared::ErrorDetail;

use crate::domain::question_io::{self, ErrorCode};
use crate::error::{AppError, AppResult};

/// Most data rows accepted in one file (hashing each initial password takes a moment).
pub const MAX_ROWS: usize = 2000;

/// Cells of a sheet, each row with its 1-based row (line) number in the file.
type Table = Vec<(u32, Vec<String>)>;

/// One data row of an import file; `row` is the spreadsheet's row number (header = 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: u32,
    pub username: String,
    pub display_name: String,
    pub branch: String,
    pub cell: Option<String>,
    pub youth_group: Option<String>,
    pub phone: Option<String>,
}

pub fn problem(row: u32, field: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        row: Some(row),
        field: Some(field.to_string()),
        message: message.into(),
    }
}

fn file_error(message: &str) -> AppError {
    AppError::Import(vec![ErrorDetail {
        row: None,
        field: None,
        message: message.to_string(),
    }])
}

/// Reads an XLSX (recognised by its ZIP signature) or CSV file into rows.
pub fn parse(bytes: &[u8]) -> AppResult<Vec<ImportRow>> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(file_error("文件是空的"));
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_error(
            "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传",
        ));
    } else {
        read_csv(bytes)?
    };
    rows_from_table(table)
}

/// The members sheet of a workbook, read by the question import's own XLSX reader: only
/// the parts a sheet needs are unpacked, within a budget relative to the file's size, so
/// a small file whose shared strings unpack to gigabytes (a ZIP bomb) is refused at once
/// instead of being unpacked into memory (calamine, used before, unpacked every part
/// whole); cells read as Excel shows them. The sheet is the first visible one whose first
/// row names 账号, else the first visible one (whose header is then reported).
fn read_xlsx(bytes: &[u8]) -> AppResult<Table> {
    let sheets = question_io::read_xlsx(bytes).map_err(|e| match e.code {
        ErrorCode::TooLarge => AppError::bad_request(ErrorCode::TooLarge.as_str(), e.message),
        ErrorCode::TooMany => file_error(&format!(
            "一次最多导入{MAX_ROWS}名成员，请拆分文件后分批导入"
        )),
        _ => file_error(&e.message),
    })?;
    let mut visible: Vec<Table> = sheets
        .into_iter()
        .filter(|s| s.skip.is_none())
        .map(|s| {
            s.rows
                .into_iter()
                .map(|(row, cells)| (row, cells.iter().map(|c| c.trim().to_string()).collect()))
                .collect()
        })
        .collect();
    let names_account = |t: &Table| {
        t.first()
            .is_some_and(|(_, cells)| cells.iter().any(|c| c == "账号"))
    };
    match visible.iter().position(names_account) {
        Some(i) => Ok(visible.swap_remove(i)),
        None if !visible.is_empty() => Ok(visible.swap_remove(0)),
        None => Err(file_error("Excel 文件中没有可读取的工作表")),
    }
}

fn read_csv(bytes: &[u8]) -> AppResult<Table> {
    if bytes.contains(&0) {
        return Err(file_error("文件不是有效的 CSV 或 Excel（.xlsx）文件"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Excel on Chinese Windows saves CSV in GB18030 (GBK); everything else uses UTF-8.
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (decoded, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(file_error(
                    "无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV",
                ));
            }
            decoded.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| {
            AppError::Import(vec![problem(
                i as u32 + 1,
                "",
                "这一行的 CSV 格式有误（例如引号不成对）",
            )])
        })?;
        // The reader skips blank lines, and its own line count is off with CRLF; counting
        // newlines before the record's first byte gives the row number a spreadsheet shows.
        let line = record
            .position()
            .map(|p| line_of(&text, p.byte() as usize))
            .unwrap_or(i as u32 + 1);
        table.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        if table.len() > MAX_ROWS + 1 {
            break;
        }
    }
    Ok(table)
}

/// The 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> u32 {
    let bytes = text.as_bytes();
    // A record's position may point at the line break that ended the previous one.
    let mut end = at.min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u32 + 1
}

fn rows_from_table(table: Table) -> AppResult<Vec<ImportRow>> {
    let mut lines = table.into_iter();
    let (header_row, header) = lines.next().unwrap_or_default();
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        match IMPORT_COLUMNS.iter().find(|c| **c == name.as_str()) {
            Some(c) => {
                if columns.insert(c, i).is_some() {
                    problems.push(problem(
                        header_row,
                        name,
                        format!("表头中“{name}”列出现了两次"),
                    ));
                }
            }
            None => problems.push(problem(
                header_row,
                name,
                format!("未知的列“{name}”，表头应为：{}", IMPORT_COLUMNS.join("、")),
            )),
        }
    }
    for required in ["账号", "姓名", "党支部"] {
        if !columns.contains_key(required) {
            problems.push(problem(header_row, required, format!("缺少“{required}”列")));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Import(problems));
    }
    let cell = |line: &[String], col: &str| -> Option<String> {
        columns
            .get(col)
            .and_then(|&i| line.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut rows = Vec::new();
    for (row_no, line) in lines {
        if line.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(AppError::Import(vec![problem(
                row_no,
                "",
                format!("一次最多导入{MAX_ROWS}名成员，请拆分文件后分批导入"),
            )]));
        }
        let username = cell(&line, "账号");
        let display_name = cell(&line, "姓名");
        let branch = cell(&line, "党支部");
        for (value, col) in [
            (&username, "账号"),
            (&display_name, "姓名"),
            (&branch, "党支部"),
        ] {
            if value.is_none() {
                problems.push(problem(row_no, col, format!("“{col}”不能为空")));
            }
        }
        if let (Some(username), Some(display_name), Some(branch)) = (username, display_name, branch)
        {
            rows.push(ImportRow {
                row: row_no,
                username,
                display_name,
                branch,
                cell: cell(&line, "党小组"),
                youth_group: cell(&line, "青年理论学习小组"),
                phone: cell(&line, "手机号"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Import(problems));
    }
    if rows.is_empty() {
        return Err(file_error(
            "文件中没有成员数据（第1行是表头，从第2行开始填写）",
        ));
    }
    Ok(rows)
}

/// The CSV template: UTF-8 with a BOM so Excel shows the Chinese headers correctly.
pub fn template_csv() -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(IMPORT_COLUMNS.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// The XLSX template: the header row, text-formatted columns (so phone numbers and staff
/// numbers keep their leading digits), and a sheet of instructions.
pub fn template_xlsx() -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let text = Format::new().set_num_format("@");
        let sheet = wb.add_worksheet();
        sheet.set_name("成员")?;
        for (i, name) in IMPORT_COLUMNS.iter().enumerate() {
            let col = i as u16;
            sheet.write_string_with_format(0, col, *name, &bold)?;
            sheet.set_column_width(col, 20)?;
            sheet.set_column_format(col, &text)?;
        }
        let help = wb.add_worksheet();
        help.set_name("填写说明")?;
        let notes = [
            "从“成员”工作表第2行开始，每行填写一名成员；第1行表头请勿修改。",
            "账号：必填，工号或手机号，3至32位字母或数字。已存在的账号将更新其信息。",
            "姓名：必填。",
            "党支部：必填，须与系统中的党支部名称完全一致。",
            "党小组：选填，须是该党支部下已有的党小组。",
            "青年理论学习小组：选填，须与系统中的小组名称完全一致。",
            "手机号：选填，11位数字。",
            "任一行有误时整个文件不会导入，请按提示的行号修改后重新上传。",
        ];
        help.set_column_width(0, 80)?;
        for (i, note) in notes.iter().enumerate() {
            help.write_string(i as u32, 0, *note)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(e: AppError) -> Vec<ErrorDetail> {
        match e {
            AppError::Import(d) => d,
            other => panic!("expected an import error, got {other:?}"),
        }
    }

    #[test]
    fn reads_utf8_csv_with_bom_and_optional_columns() {
        let csv = "\u{feff}账号,姓名,党支部,青年理论学习小组\r\nm100,张三,机关第一党支部,\r\n\r\nm101,李四,机关第二党支部,求实小组\r\n";
        let rows = parse(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].youth_group, None);
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[1].youth_group.as_deref(), Some("求实小组"));
    }

    #[test]
    fn reads_gbk_csv_from_chinese_excel() {
        let text = "账号,姓名,党支部\nm100,张三,机关第一党支部\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let rows = parse(&gbk).unwrap();
        assert_eq!(rows[0].display_name, "张三");
        assert_eq!(rows[0].branch, "机关第一党支部");
    }

    #[test]
    fn names_every_missing_field_by_row() {
        let csv = "账号,姓名,党支部\nm100,,机关第一党支部\n,李四,\n";
        let d = details(parse(csv.as_bytes()).unwrap_err());
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].row, Some(2));
        assert_eq!(d[1].row, Some(3));
        assert!(d[0].message.contains("姓名"));
    }

    #[test]
    fn rejects_wrong_headers_binary_and_legacy_files() {
        let d = details(parse("账号,名字,党支部\nm1,a,b\n".as_bytes()).unwrap_err());
        assert!(d.iter().any(|p| p.message.contains("未知的列“名字”")));
        assert!(d.iter().any(|p| p.message.contains("缺少“姓名”列")));
        let d = details(parse(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3]).unwrap_err());
        assert!(d[0].message.contains(".xls"));
        let d = details(parse(b"PK\x03\x04garbage that is no zip").unwrap_err());
        assert!(d[0].message.contains("Excel"));
        let d = details(parse(&[0x00, 0xFF, 0x13, 0x37]).unwrap_err());
        assert!(d[0].message.contains("CSV"));
        assert!(parse(b"  \n").is_err());
        assert!(parse("账号,姓名,党支部\n".as_bytes()).is_err());
    }

    #[test]
    fn xlsx_template_round_trips_through_the_reader() {
        let bytes = template_xlsx().unwrap();
        // The template has only the header: reading it says there is no data, not that
        // the file is broken.
        let d = details(parse(&bytes).unwrap_err());
        assert!(d[0].message.contains("没有成员数据"), "{d:?}");
        let d = details(parse(&template_csv()).unwrap_err());
        assert!(d[0].message.contains("没有成员数据"));
    }
}
