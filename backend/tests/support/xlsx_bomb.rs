//! Workbooks for tests: a hostile members workbook, valid in every part, but its shared strings
//! unpack to hundreds of megabytes from a file of a few hundred kilobytes (a ZIP bomb), and
//! what a workbook unpacks to.

use std::io::{Cursor, Read, Write};

/// A members workbook (header 账号/姓名/党支部, one member) whose `xl/sharedStrings.xml`
/// unpacks to about `mb` MiB; the file itself is about a thousandth of that.
pub fn members_xlsx_bomb(mb: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, v) in ["账号", "姓名", "党支部"].iter().enumerate() {
        sheet.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["30000009", "赵强", "机关第一党支部"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    let good = wb.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(good)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    let mut original_strings = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            original_strings = String::from_utf8(data).unwrap();
            continue;
        }
        out.start_file(name.as_str(), deflate).unwrap();
        out.write_all(&data).unwrap();
    }
    // The sheet's own strings first (so its cells still point at them), then padding
    // strings nobody refers to.
    let (head, tail) = original_strings.split_at(
        original_strings
            .rfind("</sst>")
            .expect("a shared strings part"),
    );
    out.start_file("xl/sharedStrings.xml", deflate).unwrap();
    out.write_all(head.as_bytes()).unwrap();
    let chunk = format!("<si><t>{}</t></si>", "x".repeat(64 * 1024)).repeat(16);
    let mut written = 0;
    while written < mb * 1024 * 1024 {
        out.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    out.write_all(tail.as_bytes()).unwrap();
    out.finish().unwrap().into_inner()
}

/// The bytes every part of a ZIP unpacks to, as its directory declares them.
#[allow(dead_code)]
pub fn unpacked_size(zip: &[u8]) -> usize {
    let mut zip = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().size() as usize)
        .sum()
}
