//! Fuzz target: `question_io::parse` of MoodleXml never panics, and whatever it accepts is
//! valid and survives a round trip through the same format.
#![no_main]

use backend::domain::question_io::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    beacon_fuzz::check(Format::MoodleXml, data);
});
