//! Fuzz target: the XML inside a workbook. Byte mutations of a whole `.xlsx` rarely get
//! past the ZIP's checksums, so this target puts the input into a valid archive (the
//! template's parts, with the worksheet and the shared strings replaced by the input, split
//! at its first NUL byte) and parses that as XLSX.
#![no_main]

use backend::domain::question_io::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let sheet = &data[..split];
    let strings = data.get(split + 1..).unwrap_or(&[]);
    let workbook = beacon_fuzz::workbook_with(sheet, strings);
    beacon_fuzz::check(Format::Xlsx, &workbook);
});
