//! How numbers, dates and durations read on screen, in Chinese conventions for zh-CN
//! ("11月28日 14:05", "3分钟") and plain ones for English. Times are shown in the
//! organization's time zone (Asia/Shanghai), the same calendar the server counts days in.

use shared::calendar::{civil, local_day, OFFSET_MS};

#[cfg(not(feature = "console"))]
use crate::i18n::locale;
use crate::i18n::Locale;

/// A moment as date and time: `2026年11月28日 14:05` / `2026-11-28 14:05`.
pub fn date_time(ms: i64, loc: Locale) -> String {
    let (y, m, d) = civil(local_day(ms));
    let minute = (ms + OFFSET_MS).rem_euclid(86_400_000) / 60_000;
    let (h, min) = (minute / 60, minute % 60);
    match loc {
        Locale::Zh => format!("{y}年{m}月{d}日 {h:02}:{min:02}"),
        Locale::En => format!("{y}-{m:02}-{d:02} {h:02}:{min:02}"),
    }
}

/// A day: `11月28日` / `2026-11-28`.
pub fn date(ms: i64, loc: Locale) -> String {
    let (y, m, d) = civil(local_day(ms));
    match loc {
        Locale::Zh => format!("{m}月{d}日"),
        Locale::En => format!("{y}-{m:02}-{d:02}"),
    }
}

/// A length of study time: `45秒`, `3分钟`, `1小时5分钟` / `45 s`, `3 min`, `1 h 5 min`.
#[cfg(not(feature = "console"))]
pub fn duration(secs: i64, loc: Locale) -> String {
    let secs = secs.max(0);
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (loc, h, m) {
        (Locale::Zh, 0, 0) => format!("{secs}秒"),
        (Locale::Zh, 0, m) => format!("{m}分钟"),
        (Locale::Zh, h, 0) => format!("{h}小时"),
        (Locale::Zh, h, m) => format!("{h}小时{m}分钟"),
        (Locale::En, 0, 0) => format!("{secs} s"),
        (Locale::En, 0, m) => format!("{m} min"),
        (Locale::En, h, 0) => format!("{h} h"),
        (Locale::En, h, m) => format!("{h} h {m} min"),
    }
}

/// A study requirement to the second: `1分15秒`, `3分钟`, `45秒` / `1 min 15 s`. Rules must
/// not be rounded: a lesson that needs 75 s must not say 1分钟.
#[cfg(not(feature = "console"))]
pub fn duration_exact(secs: i64, loc: Locale) -> String {
    let secs = secs.max(0);
    let (m, s) = (secs / 60, secs % 60);
    if m == 0 || s == 0 || m >= 60 {
        return duration(secs, loc);
    }
    match loc {
        Locale::Zh => format!("{m}分{s}秒"),
        Locale::En => format!("{m} min {s} s"),
    }
}

/// A countdown clock: `4:05`, `1:02:03`; never negative.
#[cfg(not(feature = "console"))]
pub fn clock(ms: i64) -> String {
    // Rounded up, so the clock shows 0:00 only when time is really up.
    let secs = (ms.max(0) + 999) / 1000;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `part` of `whole` as a whole percentage for progress bars, 0 to 100.
#[cfg(not(feature = "console"))]
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part.clamp(0, whole) * 100) / whole
    }
}

/// [`date_time`] in the current language.
#[cfg(not(feature = "console"))]
pub fn when(ms: i64) -> String {
    date_time(ms, locale())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-28 06:05 UTC is 14:05 in Beijing.
    const T: i64 = 1_795_845_900_000;

    #[test]
    fn dates_are_in_beijing_time() {
        assert_eq!(date_time(T, Locale::Zh), "2026年11月28日 14:05");
        assert_eq!(date_time(T, Locale::En), "2026-11-28 14:05");
        assert_eq!(date(T, Locale::Zh), "11月28日");
        // 20:00 UTC is already the next day in Beijing.
        let late = T + 14 * 3_600_000;
        assert_eq!(date(late, Locale::Zh), "11月29日");
        assert_eq!(date_time(late, Locale::Zh), "2026年11月29日 04:05");
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn durations_read_naturally() {
        assert_eq!(duration(45, Locale::Zh), "45秒");
        assert_eq!(duration(180, Locale::Zh), "3分钟");
        assert_eq!(duration(3900, Locale::Zh), "1小时5分钟");
        assert_eq!(duration(7200, Locale::Zh), "2小时");
        assert_eq!(duration(-5, Locale::En), "0 s");
        assert_eq!(duration(3900, Locale::En), "1 h 5 min");
        assert_eq!(duration_exact(75, Locale::Zh), "1分15秒");
        assert_eq!(duration_exact(180, Locale::Zh), "3分钟");
        assert_eq!(duration_exact(45, Locale::Zh), "45秒");
        assert_eq!(duration_exact(75, Locale::En), "1 min 15 s");
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn clocks_count_down_to_zero() {
        assert_eq!(clock(245_000), "4:05");
        assert_eq!(clock(244_001), "4:05");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(-3000), "0:00");
    }

    #[test]
    #[cfg(not(feature = "console"))]
    fn percentages_stay_in_range() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(5, 5), 100);
        assert_eq!(percent(7, 5), 100);
        assert_eq!(percent(-1, 5), 0);
        assert_eq!(percent(1, 0), 0);
    }
}

/// `ms` as a `datetime-local` input value in Beijing time (`2023-05-04T09:30`).
#[cfg(feature = "console")]
pub fn input_datetime(ms: i64) -> String {
    let local = ms + shared::calendar::OFFSET_MS;
    let day = local.div_euclid(86_400_000);
    let (y, m, d) = shared::calendar::civil(day);
    let mins = local.rem_euclid(86_400_000) / 60_000;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", mins / 60, mins % 60)
}

/// A `datetime-local` value (Beijing time) as milliseconds; `None` if it is not one.
#[cfg(feature = "console")]
pub fn parse_datetime(s: &str) -> Option<i64> {
    let (date, time) = s.trim().split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut tm = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (tm.next()??, tm.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 {
        return None;
    }
    // Days from the civil date (H. Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000 + (h * 60 + min) * 60_000 - shared::calendar::OFFSET_MS)
}

#[cfg(all(test, feature = "console"))]
mod datetime_tests {
    use super::*;

    #[test]
    fn datetime_inputs_round_trip_in_beijing_time() {
        // 2023-05-04 01:30 UTC = 09:30 in Beijing.
        let ms = 1_683_163_800_000;
        assert_eq!(input_datetime(ms), "2023-05-04T09:30");
        assert_eq!(parse_datetime("2023-05-04T09:30"), Some(ms));
        assert_eq!(
            parse_datetime("2024-02-29T23:59")
                .map(input_datetime)
                .as_deref(),
            Some("2024-02-29T23:59")
        );
        assert_eq!(parse_datetime(""), None);
        assert_eq!(parse_datetime("2023-13-01T00:00"), None);
    }
}

/// The start (Beijing time) of the current month, quarter, half year or year at `now`, by
/// name (`month`, `quarter`, `half`, `year`); `None` for anything else (all time).
#[cfg(feature = "console")]
pub fn period_start(period: &str, now: i64) -> Option<i64> {
    let (y, m, _) = shared::calendar::civil(shared::calendar::local_day(now));
    let first = match period {
        "month" => m,
        "quarter" => (m - 1) / 3 * 3 + 1,
        "half" => {
            if m <= 6 {
                1
            } else {
                7
            }
        }
        "year" => 1,
        _ => return None,
    };
    parse_datetime(&format!("{y:04}-{first:02}-01T00:00"))
}

// issue 17 reports: the reports' previous periods come from `shared::period` now.

#[cfg(all(test, feature = "console"))]
mod period_tests {
    use super::*;

    #[test]
    fn periods_start_on_beijing_calendar_boundaries() {
        // 2026-05-20 10:00 in Beijing.
        let now = parse_datetime("2026-05-20T10:00").unwrap();
        let at = |s: &str| parse_datetime(s).unwrap();
        assert_eq!(period_start("month", now), Some(at("2026-05-01T00:00")));
        assert_eq!(period_start("quarter", now), Some(at("2026-04-01T00:00")));
        assert_eq!(period_start("half", now), Some(at("2026-01-01T00:00")));
        assert_eq!(period_start("year", now), Some(at("2026-01-01T00:00")));
        assert_eq!(period_start("all", now), None);
    }
}
