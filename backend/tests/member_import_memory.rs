//! Reading a hostile members workbook (shared strings that unpack to 400 MiB from a file of
//! under a megabyte) is refused within a bounded amount of memory: the file is read by the
//! question import's capped XLSX reader, not unpacked whole. A counting allocator measures
//! the peak; this binary holds this one test, so nothing else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

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

#[test]
fn a_members_zip_bomb_is_refused_in_bounded_memory() {
    let bomb = xlsx_bomb::members_xlsx_bomb(400);
    assert!(bomb.len() < 1024 * 1024, "the bomb is {} bytes", bomb.len());
    let before = NOW.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let e = backend::domain::member_import::parse(&bomb).unwrap_err();
    let peak = PEAK.load(Ordering::SeqCst) - before;
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
    assert!(peak < 64 * 1024 * 1024, "peak {} MiB", peak / 1024 / 1024);
}
