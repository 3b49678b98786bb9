//! Reading import files takes memory bounded by the file's size, hostile files included: a
//! members or questions workbook whose shared strings unpack to 400 MiB from under a
//! megabyte (a ZIP bomb) is refused having read only its budget (before, calamine unpacked
//! a members workbook whole: 800 MB), and GIFT files of 19 MB, tildes (once 13.7 s and
//! +1.4 GB) or ordinary questions, stay within a small multiple of their size. A counting
//! allocator measures the peak; the tests of this binary take turns (one lock), so nothing
//! else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use backend::domain::question_io::{self, Format};

#[path = "support/xlsx_bomb.rs"]
mod xlsx_bomb;

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are the process's.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f`, returning its result and the most bytes it held at once beyond what was held
/// before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = NOW.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(before))
}

const MIB: usize = 1024 * 1024;

#[test]
fn a_members_zip_bomb_is_refused_in_bounded_memory() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let bomb = xlsx_bomb::members_xlsx_bomb(400);
    assert!(bomb.len() < 1024 * 1024, "the bomb is {} bytes", bomb.len());
    let (e, peak) = peak_of(|| backend::domain::member_import::parse(&bomb).unwrap_err());
    eprintln!(
        "{} KiB refused ({e:?}) with a peak of {} KiB",
        bomb.len() / 1024,
        peak / 1024
    );
    match &e {
        backend::error::AppError::BadRequest { code, message } => {
            assert_eq!(*code, "too_large");
            assert!(message.contains("解压后过大"), "{message}");
        }
        other => panic!("expected 400 too_large, got {other:?}"),
    }
    // The budget for a file this size is 16 MiB plus 40 times the file; what was read
    // within it is the most held at once, far below the 400 MiB it unpacks to.
    assert!(peak < 64 * MIB, "peak {} MiB", peak / MIB);
}

#[test]
fn a_questions_zip_bomb_is_refused_in_bounded_memory() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let bomb = xlsx_bomb::members_xlsx_bomb(400);
    let (e, peak) = peak_of(|| question_io::parse(Format::Xlsx, &bomb).unwrap_err());
    eprintln!("questions bomb: {e} with a peak of {} KiB", peak / 1024);
    assert_eq!(e.code.as_str(), "too_large");
    assert!(peak < 64 * MIB, "peak {} MiB", peak / MIB);
}

#[test]
fn a_gift_file_of_tildes_is_refused_in_bounded_memory_and_time() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let text = format!("题？{{{}}}\n", "~".repeat(19 * MIB));
    let started = std::time::Instant::now();
    let (p, peak) = peak_of(|| question_io::parse(Format::Gift, text.as_bytes()).unwrap());
    eprintln!(
        "19 MiB of tildes: {:?}, peak {} MiB, {:?}",
        p.problems.first().map(|p| &p.message),
        peak / MIB,
        started.elapsed()
    );
    assert_eq!(p.questions.len(), 0);
    assert!(p.problems[0].message.contains("256KB"), "{:?}", p.problems);
    assert!(peak < 4 * text.len(), "peak {} MiB", peak / MIB);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// 10,000 questions as Moodle's exporter writes GIFT ([html], feedback), then the same
/// questions exported to every other format: each is read holding at most a few times its
/// size.
#[test]
fn a_large_file_is_read_within_a_multiple_of_its_size_in_every_format() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let mut text = String::from("$CATEGORY: $course$/top/默认/党章\n\n");
    let long = "坚持和加强党的全面领导，".repeat(12);
    // As many as keep every format's export under the 20 MB limit.
    let n = 10_000;
    for i in 0..n {
        text.push_str(&format!(
            "// question: {i}  name: Q{i}\n::Q{i}::[html]<p>第{i}题：{long}以下哪项正确？</p>{{\n\t=<p>甲{i}</p>#<p>对</p>\n\t~<p>乙{i}</p>\n\t~<p>丙{i}</p>\n\t####<p>解析{i}。</p>\n}}\n\n"
        ));
    }
    let (p, peak) = peak_of(|| question_io::parse(Format::Gift, text.as_bytes()).unwrap());
    eprintln!("GIFT, {} KiB: peak {} KiB", text.len() / 1024, peak / 1024);
    assert_eq!(p.questions.len(), n);
    assert!(peak < 4 * text.len(), "GIFT: peak {} MiB", peak / MIB);
    let questions: Vec<question_io::ExportQuestion> = p
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| question_io::ExportQuestion {
            stable_id: format!("q-{i}"),
            category: q.category,
            draft: q.draft,
        })
        .collect();
    for format in [
        Format::MoodleXml,
        Format::Csv,
        Format::Xlsx,
        Format::BeaconToml,
    ] {
        let bytes = question_io::export(format, &questions).unwrap();
        let (p, peak) = peak_of(|| question_io::parse(format, &bytes).unwrap());
        eprintln!(
            "{format:?}, {} KiB: peak {} KiB",
            bytes.len() / 1024,
            peak / 1024
        );
        assert_eq!(p.questions.len(), questions.len(), "{format:?}");
        // A workbook is compressed: its budget is relative to what it unpacks to.
        let size = match format {
            Format::Xlsx => xlsx_bomb::unpacked_size(&bytes),
            _ => bytes.len(),
        };
        assert!(peak < 4 * size, "{format:?}: peak {} MiB", peak / MIB);
    }
}
