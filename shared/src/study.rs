//! Study-time rules. The lesson page sends a heartbeat every [`HEARTBEAT_SECS`] while it
//! is visible and focused; the server credits time from heartbeats alone:
//!
//! - each heartbeat credits the real time since the previous one, so a burst of forged
//!   heartbeats credits no more than the wall-clock time it took to send them;
//! - a gap longer than [`MAX_GAP_SECS`] credits nothing: no heartbeats came in between, so
//!   the reader was away (a background tab, a locked phone);
//! - a lesson's credited time is capped at [`cap_seconds`];
//! - a member's study time never exceeds wall time across lessons: each member has one
//!   clock, the moment up to which they have been credited, and a heartbeat to any lesson
//!   credits only time after it ([`credit_window`]), so lessons kept open side by side (or
//!   heartbeats forged to many lessons at once) share the same minutes;
//! - heartbeats less than [`COALESCE_MS`] after a lesson's last recorded one are answered
//!   without being recorded; their time is credited by the next recorded one.
//!
//! A lesson is completed once the reader has reached its end and has spent at least
//! [`min_read_seconds`], which grows with the lesson's length.

/// How often the lesson page reports while visible and focused.
pub const HEARTBEAT_SECS: i64 = 15;
/// The longest gap between two heartbeats that still counts as reading.
pub const MAX_GAP_SECS: i64 = 40;
/// Characters read per second assumed for the minimum time (about 600 a minute: a brisk
/// but real reading pace for Chinese text).
pub const CHARS_PER_SECOND: usize = 10;

/// Heartbeats of a lesson less than this long after its last recorded one are not recorded:
/// they would credit almost nothing, and the time goes to the next recorded one instead
/// (its gap is measured from the last recorded heartbeat). This keeps a flood of
/// heartbeats (many tabs, a buggy or forged client) from being a flood of writes.
pub const COALESCE_MS: i64 = 1_000;

/// Whether a heartbeat at `now_ms` is answered without being recorded: the lesson's last
/// recorded heartbeat (`last_ms`) is less than [`COALESCE_MS`] old and the heartbeat brings
/// no news (`news`: it reports the end of the lesson reached for the first time).
pub fn coalesces(last_ms: Option<i64>, now_ms: i64, news: bool) -> bool {
    !news && last_ms.is_some_and(|last| (0..COALESCE_MS).contains(&(now_ms - last)))
}

/// Milliseconds to credit for a heartbeat at `now_ms` after one at `last_ms`.
pub fn credit_ms(last_ms: Option<i64>, now_ms: i64) -> i64 {
    match last_ms {
        Some(last) if now_ms > last && now_ms - last <= MAX_GAP_SECS * 1000 => now_ms - last,
        _ => 0,
    }
}

/// The time a heartbeat at `now_ms` credits, as `(start, ms)`: the lesson's gap since its
/// previous heartbeat at `last_ms` (see [`credit_ms`]), but starting no earlier than
/// `clock_ms`, the moment up to which the member has been credited for any lesson. `ms` is
/// 0 when nothing is credited. Whoever credits `c <= ms` of it moves the member's clock to
/// `start + c`, so credited windows never overlap.
pub fn credit_window(last_ms: Option<i64>, clock_ms: i64, now_ms: i64) -> (i64, i64) {
    let gap = credit_ms(last_ms, now_ms);
    let start = (now_ms - gap).max(clock_ms);
    (start, (now_ms - start).clamp(0, gap))
}

/// Minimum reading time of a lesson of `chars` characters: at least 20 s, at most 10 min.
pub fn min_read_seconds(chars: usize) -> i64 {
    ((chars / CHARS_PER_SECOND) as i64).clamp(20, 600)
}

/// Most time one lesson can earn: three times its minimum, and at least 5 minutes.
pub fn cap_seconds(chars: usize) -> i64 {
    (min_read_seconds(chars) * 3).max(300)
}

/// Whether a lesson counts as completed.
pub fn is_completed(reached_end: bool, credited_seconds: i64, chars: usize) -> bool {
    reached_end && credited_seconds >= min_read_seconds(chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_real_elapsed_time_between_close_heartbeats() {
        assert_eq!(
            credit_ms(None, 1_000),
            0,
            "the first heartbeat only starts the clock"
        );
        assert_eq!(credit_ms(Some(1_000), 16_000), 15_000);
        assert_eq!(credit_ms(Some(1_000), 1_000), 0);
        assert_eq!(credit_ms(Some(5_000), 1_000), 0, "clock going backwards");
    }

    #[test]
    fn heartbeats_within_a_second_are_not_recorded_unless_they_bring_news() {
        assert!(coalesces(Some(10_000), 10_000, false));
        assert!(coalesces(Some(10_000), 10_999, false));
        assert!(!coalesces(Some(10_000), 11_000, false));
        assert!(
            !coalesces(Some(10_000), 10_500, true),
            "the end reached is news"
        );
        assert!(
            !coalesces(None, 10_000, false),
            "the first one starts the clock"
        );
        assert!(
            !coalesces(Some(10_000), 9_000, false),
            "a clock going backwards"
        );
        // A flood of heartbeats 10 ms apart records one a second, and the recorded ones
        // still credit the whole time.
        let (mut last, mut recorded, mut credited) = (Some(0), 0, 0);
        for i in 1..=1000 {
            let now = i * 10;
            if !coalesces(last, now, false) {
                credited += credit_ms(last, now);
                last = Some(now);
                recorded += 1;
            }
        }
        assert_eq!(recorded, 10);
        assert_eq!(credited, 10_000);
    }

    #[test]
    fn a_long_gap_earns_nothing() {
        assert_eq!(credit_ms(Some(0), 40_000), 40_000);
        assert_eq!(credit_ms(Some(0), 40_001), 0);
        assert_eq!(credit_ms(Some(0), 3_600_000), 0);
    }

    #[test]
    fn a_burst_earns_only_its_wall_clock_time() {
        // 1000 forged heartbeats sent within two seconds.
        let mut last = None;
        let mut total = 0;
        for i in 0..1000 {
            let now = 10_000 + i * 2;
            total += credit_ms(last, now);
            last = Some(now);
        }
        assert!(total <= 2_000, "{total}");
    }

    #[test]
    fn lessons_read_side_by_side_share_one_clock() {
        // Eleven lessons, each beating every 15 s for 30 s after a first beat at 0.
        let mut clock = 0;
        let mut last = [Some(0i64); 11];
        let mut total = 0;
        for now in [15_000, 30_000] {
            for (i, l) in last.iter_mut().enumerate() {
                let at = now + i as i64; // in the same millisecond or a few apart
                let (start, ms) = credit_window(*l, clock, at);
                total += ms;
                clock = start + ms;
                *l = Some(at);
            }
        }
        assert!(total <= 30_010, "{total}");
        assert!(
            total >= 29_990,
            "one lesson's time is still credited: {total}"
        );
    }

    #[test]
    fn the_clock_only_shortens_a_window() {
        assert_eq!(credit_window(Some(1_000), 0, 16_000), (1_000, 15_000));
        assert_eq!(credit_window(Some(1_000), 10_000, 16_000), (10_000, 6_000));
        assert_eq!(
            credit_window(Some(1_000), 20_000, 16_000).1,
            0,
            "clock ahead"
        );
        assert_eq!(credit_window(None, 0, 16_000).1, 0);
        assert_eq!(credit_window(Some(0), 0, 3_600_000).1, 0, "a long gap");
    }

    #[test]
    fn minimum_time_grows_with_length_within_bounds() {
        assert_eq!(min_read_seconds(50), 20);
        assert_eq!(min_read_seconds(3000), 300);
        assert_eq!(min_read_seconds(100_000), 600);
        assert_eq!(cap_seconds(50), 300);
        assert_eq!(cap_seconds(3000), 900);
        assert!(!is_completed(true, 19, 50));
        assert!(!is_completed(false, 600, 50));
        assert!(is_completed(true, 20, 50));
    }
}
