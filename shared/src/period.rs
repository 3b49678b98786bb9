//! Report periods of the 四个一 cycle (每月一提醒、每季一督导、半年一研究、全年一考核) and
//! custom ranges, named the way the address and the API carry them:
//!
//! | text | period |
//! |---|---|
//! | `2026-05` | a month |
//! | `2026-Q2` | a quarter |
//! | `2026-H1` | a half-year (上半年 / 下半年) |
//! | `2026` | a year |
//! | `2026-05-01~2026-06-30` | a custom range of whole days, both ends included |
//!
//! Days are Asia/Shanghai's (`calendar`), so a period is `[from, to)` in Unix ms from the
//! start of its first day to the start of the day after its last. Both sides run the same
//! parser: the console to offer 上季度 and 去年 and label them, the server to answer
//! `?period=` (a bad text is `422 invalid_period` with [`PeriodError`]'s message).

use crate::calendar;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// The first and last year a period may name (as the dashboard's own bounds).
pub const FIRST_YEAR: i64 = 1970;
pub const LAST_YEAR: i64 = 9999;
/// The longest custom range: ten years of days, more than any report needs.
pub const MAX_RANGE_DAYS: i64 = 3653;

/// A report period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month {
        year: i64,
        month: u32,
    },
    Quarter {
        year: i64,
        quarter: u32,
    },
    Half {
        year: i64,
        half: u32,
    },
    Year {
        year: i64,
    },
    /// Local days `first..=last`.
    Range {
        first: i64,
        last: i64,
    },
}

/// Why a period's text was refused, in Chinese for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl std::fmt::Display for PeriodError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The day number of a civil date (the inverse of `calendar::civil`, Hinnant's algorithm).
pub fn day_of(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn bad(msg: impl Into<String>) -> PeriodError {
    PeriodError(msg.into())
}

const FORMS: &str =
    "统计周期的写法：2026-05（月）、2026-Q2（季度）、2026-H1（半年）、2026（年）或 2026-05-01~2026-06-30（自定义）";

fn year(s: &str) -> Result<i64, PeriodError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("年份“{s}”应为四位数字。{FORMS}")));
    }
    let y: i64 = s.parse().map_err(|_| bad(FORMS))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
        return Err(bad(format!(
            "年份应在{FIRST_YEAR}至{LAST_YEAR}之间（收到 {y}）"
        )));
    }
    Ok(y)
}

fn small(s: &str, what: &str, max: u32) -> Result<u32, PeriodError> {
    let n: u32 = (s.len() <= 2 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| bad(format!("{what}“{s}”不是数字。{FORMS}")))?;
    if !(1..=max).contains(&n) {
        return Err(bad(format!("{what}应在1至{max}之间（收到 {n}）")));
    }
    Ok(n)
}

fn date(s: &str) -> Result<i64, PeriodError> {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad(format!("日期“{s}”应写作 YYYY-MM-DD")));
    };
    let y = year(y)?;
    let m = small(m, "月份", 12)?;
    let d = small(d, "日期", days_in_month(y, m))?;
    Ok(day_of(y, m, d))
}

impl Period {
    /// Reads a period's text (see the module notes); surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(bad(format!("统计周期不能为空。{FORMS}")));
        }
        if s.chars().count() > 40 {
            return Err(bad(format!("统计周期过长。{FORMS}")));
        }
        if let Some((a, b)) = s.split_once('~') {
            let (first, last) = (date(a.trim())?, date(b.trim())?);
            if last < first {
                return Err(bad("自定义周期的结束日期不能早于开始日期"));
            }
            if last - first + 1 > MAX_RANGE_DAYS {
                return Err(bad("自定义周期最长十年"));
            }
            return Ok(Period::Range { first, last });
        }
        match s.split_once('-') {
            None => Ok(Period::Year { year: year(s)? }),
            Some((y, rest)) => {
                let year = year(y)?;
                match rest.as_bytes().first() {
                    Some(b'Q' | b'q') => Ok(Period::Quarter {
                        year,
                        quarter: small(&rest[1..], "季度", 4)?,
                    }),
                    Some(b'H' | b'h') => Ok(Period::Half {
                        year,
                        half: small(&rest[1..], "半年", 2)?,
                    }),
                    _ if rest.contains('-') => Err(bad(format!(
                        "自定义周期须有开始和结束两个日期，用 ~ 隔开。{FORMS}"
                    ))),
                    _ => Ok(Period::Month {
                        year,
                        month: small(rest, "月份", 12)?,
                    }),
                }
            }
        }
    }

    /// The period's text, as [`Period::parse`] reads it.
    pub fn key(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
            Period::Half { year, half } => format!("{year:04}-H{half}"),
            Period::Year { year } => format!("{year:04}"),
            Period::Range { first, last } => format!("{}~{}", ymd(first), ymd(last)),
        }
    }

    /// `month`, `quarter`, `half`, `year` or `range`.
    pub fn kind(&self) -> &'static str {
        match self {
            Period::Month { .. } => "month",
            Period::Quarter { .. } => "quarter",
            Period::Half { .. } => "half",
            Period::Year { .. } => "year",
            Period::Range { .. } => "range",
        }
    }

    /// The local days `[first, end)` it covers.
    pub fn days(&self) -> (i64, i64) {
        let months = |y: i64, m: u32, n: u32| {
            let (ey, em) = if m + n > 12 {
                (y + 1, m + n - 12)
            } else {
                (y, m + n)
            };
            (day_of(y, m, 1), day_of(ey, em, 1))
        };
        match *self {
            Period::Month { year, month } => months(year, month, 1),
            Period::Quarter { year, quarter } => months(year, quarter * 3 - 2, 3),
            Period::Half { year, half } => months(year, half * 6 - 5, 6),
            Period::Year { year } => months(year, 1, 12),
            Period::Range { first, last } => (first, last + 1),
        }
    }

    /// `[from, to)` in Unix ms: the start of its first local day to the start of the day
    /// after its last.
    pub fn bounds(&self) -> (i64, i64) {
        let (a, b) = self.days();
        (
            a * DAY_MS - calendar::OFFSET_MS,
            b * DAY_MS - calendar::OFFSET_MS,
        )
    }

    /// The period before it of the same kind and length (a range: as many days just
    /// before); `None` before 1970.
    pub fn previous(&self) -> Option<Period> {
        let p = match *self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Half { year, half: 1 } => Period::Half {
                year: year - 1,
                half: 2,
            },
            Period::Half { year, .. } => Period::Half { year, half: 1 },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::Range { first, last } => Period::Range {
                first: first - (last - first + 1),
                last: first - 1,
            },
        };
        (p.days().0 >= day_of(FIRST_YEAR, 1, 1)).then_some(p)
    }

    /// The month, quarter, half-year or year (`kind`) holding the moment `ms`; a range
    /// kind gives the month.
    pub fn containing(kind: &str, ms: i64) -> Period {
        let (y, m, _) = calendar::civil(calendar::local_day(ms));
        match kind {
            "quarter" => Period::Quarter {
                year: y,
                quarter: (m - 1) / 3 + 1,
            },
            "half" => Period::Half {
                year: y,
                half: if m <= 6 { 1 } else { 2 },
            },
            "year" => Period::Year { year: y },
            _ => Period::Month { year: y, month: m },
        }
    }

    /// How Chinese text names it: `2026年5月`, `2026年第2季度`, `2026年上半年`, `2026年`,
    /// `2026-05-01至2026-06-30`.
    pub fn label(&self) -> String {
        match *self {
            Period::Month { year, month } => format!("{year}年{month}月"),
            Period::Quarter { year, quarter } => format!("{year}年第{quarter}季度"),
            Period::Half { year, half } => {
                format!("{year}年{}", if half == 1 { "上半年" } else { "下半年" })
            }
            Period::Year { year } => format!("{year}年"),
            Period::Range { first, last } => format!("{}至{}", ymd(first), ymd(last)),
        }
    }

    /// The first and last day as `YYYY-MM-DD`.
    pub fn span_text(&self) -> (String, String) {
        let (a, b) = self.days();
        (ymd(a), ymd(b - 1))
    }

    /// The report's name for this kind of period (the cycle's four reports, or a custom one).
    pub fn report_title(&self) -> &'static str {
        match self {
            Period::Month { .. } => "月度提醒报告",
            Period::Quarter { .. } => "季度督导报告",
            Period::Half { .. } => "半年研究报告",
            Period::Year { .. } => "全年考核报告",
            Period::Range { .. } => "学习情况报告",
        }
    }
}

/// `YYYY-MM-DD` of a local day number.
pub fn ymd(day: i64) -> String {
    let (y, m, d) = calendar::civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn every_form_reads_and_writes_back() {
        for s in [
            "2026-05",
            "2026-Q2",
            "2026-H1",
            "2026",
            "2026-05-01~2026-06-30",
        ] {
            assert_eq!(p(s).key(), s);
        }
        assert_eq!(p(" 2026-q3 ").key(), "2026-Q3");
        assert_eq!(p("2026-5").key(), "2026-05");
    }

    #[test]
    fn bounds_are_whole_local_days() {
        // 2026-04-01 00:00 in Shanghai is 2026-03-31 16:00 UTC.
        let (from, to) = p("2026-Q2").bounds();
        assert_eq!(from, 1_774_972_800_000);
        assert_eq!(to - from, 91 * DAY_MS);
        assert_eq!(p("2026-Q4").days().1, p("2027-01").days().0);
        assert_eq!(p("2024-02").days().1 - p("2024-02").days().0, 29);
        assert_eq!(
            p("2026-H2").span_text(),
            ("2026-07-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            p("2026-05-01~2026-05-01").days().1 - p("2026-05-01~2026-05-01").days().0,
            1
        );
        assert_eq!(day_of(1970, 1, 1), 0);
        assert_eq!(calendar::civil(day_of(2026, 12, 8)), (2026, 12, 8));
    }

    #[test]
    fn previous_periods_and_labels() {
        assert_eq!(p("2026-Q1").previous(), Some(p("2025-Q4")));
        assert_eq!(p("2026-01").previous(), Some(p("2025-12")));
        assert_eq!(p("2026-H1").previous(), Some(p("2025-H2")));
        assert_eq!(p("2026").previous(), Some(p("2025")));
        assert_eq!(
            p("2026-05-11~2026-05-20").previous(),
            Some(p("2026-05-01~2026-05-10"))
        );
        assert_eq!(p("1970").previous(), None);
        assert_eq!(p("2026-Q3").label(), "2026年第3季度");
        assert_eq!(p("2026-H2").label(), "2026年下半年");
        assert_eq!(p("2026-Q3").report_title(), "季度督导报告");
        let dec8 = Period::Month {
            year: 2026,
            month: 12,
        }
        .bounds()
        .0 + 7 * DAY_MS;
        assert_eq!(
            Period::containing("quarter", dec8).previous(),
            Some(p("2026-Q3"))
        );
        assert_eq!(Period::containing("year", dec8).previous(), Some(p("2025")));
    }

    #[test]
    fn bad_text_is_told_in_chinese() {
        for s in [
            "",
            "2026-Q5",
            "2026-13",
            "2026-H3",
            "26",
            "1969",
            "10000",
            "2026-02-30~2026-03-01",
            "2026-06-01~2026-05-01",
            "2026-05-01",
            "abc",
            "2026-Qx",
            "2000-01-01~2020-01-01",
        ] {
            let e = Period::parse(s).unwrap_err();
            assert!(!e.0.is_empty() && !e.0.is_ascii(), "{s}: {e}");
        }
    }
}
