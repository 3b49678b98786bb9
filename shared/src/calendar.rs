//! Calendar rules in the organization's time zone (Asia/Shanghai, UTC+8, no daylight
//! saving): which day and which week a moment belongs to, for daily and weekly quizzes,
//! caps and streaks. Every function is total: any `i64` gives an answer, never an overflow
//! panic (the arithmetic saturates at the ends of the range, millions of years away from
//! any real date; callers that take times from requests check their range first).

/// Offset of the organization's time zone from UTC.
pub const OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Days since 1970-01-01 in the organization's time zone.
pub fn local_day(now_ms: i64) -> i64 {
    now_ms.saturating_add(OFFSET_MS).div_euclid(DAY_MS)
}

/// The civil date (year, month, day) of a day number (Howard Hinnant's algorithm).
pub fn civil(day: i64) -> (i64, u32, u32) {
    // Saturating: beyond ±2.5e16 years the answer is meaningless but still no panic. The
    // rest stays in range: |era| <= i64::MAX / 146_097, so era * 400 cannot overflow.
    let z = day.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD` of the local day of `now_ms`.
pub fn day_key(now_ms: i64) -> String {
    let (y, m, d) = civil(local_day(now_ms));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The local day of `ms` as Chinese text reads it: `12月10日`.
pub fn month_day_zh(ms: i64) -> String {
    let (_, m, d) = civil(local_day(ms));
    format!("{m}月{d}日")
}

/// The week of `now_ms`, named by its Monday: `W:YYYY-MM-DD`.
pub fn week_key(now_ms: i64) -> String {
    let day = local_day(now_ms);
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    // `day` is at most i64::MAX / DAY_MS in size, so neither step can overflow.
    let monday = day - (day + 3).rem_euclid(7);
    let (y, m, d) = civil(monday);
    format!("W:{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-28 00:30 in Shanghai is 2026-11-27 16:30 UTC.
    const SAT_0030_SHANGHAI: i64 = 1_795_797_000_000;

    #[test]
    fn chinese_dates_have_no_leading_zeros() {
        assert_eq!(month_day_zh(SAT_0030_SHANGHAI), "11月28日");
        assert_eq!(month_day_zh(SAT_0030_SHANGHAI - 31 * 60 * 1000), "11月27日");
        assert_eq!(month_day_zh(0), "1月1日");
    }

    #[test]
    fn days_turn_at_shanghai_midnight() {
        assert_eq!(day_key(SAT_0030_SHANGHAI), "2026-11-28");
        assert_eq!(day_key(SAT_0030_SHANGHAI - 31 * 60 * 1000), "2026-11-27");
        assert_eq!(day_key(0), "1970-01-01");
        assert_eq!(civil(19_782), (2024, 2, 29));
    }

    #[test]
    fn no_moment_or_day_overflows() {
        for ms in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let _ = (local_day(ms), day_key(ms), week_key(ms));
        }
        for day in [i64::MIN, -1, 0, i64::MAX] {
            let _ = civil(day);
        }
        assert_eq!(
            day_key(-1),
            "1970-01-01",
            "08:00 Shanghai, minus a millisecond"
        );
        assert_eq!(day_key(253_402_271_999_999), "9999-12-31");
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_key(SAT_0030_SHANGHAI), "W:2026-11-23");
        let sunday_late = SAT_0030_SHANGHAI + (24 + 23) * 3600 * 1000;
        assert_eq!(day_key(sunday_late), "2026-11-29");
        assert_eq!(week_key(sunday_late), "W:2026-11-23");
        let monday = SAT_0030_SHANGHAI + 48 * 3600 * 1000;
        assert_eq!(week_key(monday), "W:2026-11-30");
    }
}
