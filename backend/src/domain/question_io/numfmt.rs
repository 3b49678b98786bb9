//! Excel number formats: a number cell shown as the text its author sees in Excel. An
//! answer typed as 1921/7/1 is stored as the serial number 7853 with a date format, a
//! percent 50% as 0.5 with `0%`; reading the number alone would make the key "7853".
//!
//! Covered: `General`, fixed decimals, leading zeros and thousands separators (`0.00`,
//! `00000000`, `#,##0`), percent (`0%`, `0.00%`), literal text around a number
//! (`0"分"`), and dates and times (`yyyy`, `yy`, `m`/`mm` as month or minute, `d`/`dd`,
//! `h`/`hh`, `ss`, `AM/PM`, `上午/下午`, Chinese literals such as `yyyy"年"m"月"d"日"`),
//! with sections for negative numbers. Colours, locales and conditions in brackets are
//! ignored. Built-in formats are those of Excel in the zh-CN locale (built-in 14 shows as
//! `yyyy/m/d` there). Anything else falls back to `General`: a readable number, never a
//! panic.

/// The format code of a built-in number format id (zh-CN display).
pub fn builtin(id: u32) -> &'static str {
    match id {
        1 => "0",
        2 => "0.00",
        3 | 5 | 6 | 37 | 38 => "#,##0",
        4 | 7 | 8 | 39 | 40 | 43 | 44 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        14 => "yyyy/m/d",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "yyyy/m/d h:mm",
        27 | 36 | 50 | 52 | 57 => "yyyy\"年\"m\"月\"",
        28 | 29 | 51 | 53 | 54 | 58 => "m\"月\"d\"日\"",
        30 => "m-d-yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"时\"mm\"分\"",
        33 => "h\"时\"mm\"分\"ss\"秒\"",
        34 | 55 => "上午/下午h\"时\"mm\"分\"",
        35 | 56 => "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss",
        49 => "@",
        _ => "General",
    }
}

/// A piece of a format section.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(String),
    /// A run of one date/time letter (`yyyy`, `m`, `dd`…), lower-cased.
    Date(char, usize),
    AmPm(AmPm),
    /// The number's placeholders (`#,##0.00`), as written.
    Number(String),
    Percent,
    /// `General` or `@` inside a section.
    General,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AmPm {
    English,
    Chinese,
}

/// A number as `code` shows it.
pub fn format(n: f64, code: &str, date1904: bool) -> String {
    let sections = split_sections(code);
    let (section, value) = match (n < 0.0, n == 0.0, sections.len()) {
        (true, _, 2..) => (sections[1].as_str(), -n),
        (_, true, 3..) => (sections[2].as_str(), n),
        _ => (sections[0].as_str(), n),
    };
    let tokens = tokenize(section);
    if tokens.iter().any(|t| matches!(t, Token::Date(..))) {
        return date(value, &tokens, date1904).unwrap_or_else(|| general(n));
    }
    let mut out = String::new();
    let percent = tokens.contains(&Token::Percent);
    let mut number_done = false;
    for t in &tokens {
        match t {
            Token::Literal(s) => out.push_str(s),
            Token::Percent => out.push('%'),
            Token::Number(p) if !number_done => {
                number_done = true;
                out.push_str(&number(if percent { value * 100.0 } else { value }, p));
            }
            Token::General if !number_done => {
                number_done = true;
                out.push_str(&general(value));
            }
            _ => {}
        }
    }
    if !number_done {
        // A section of text only (`"无"`), or one this reader does not understand.
        return if out.trim().is_empty() {
            general(n)
        } else {
            out
        };
    }
    out
}

/// The sections of a code, split at `;` outside quotes.
fn split_sections(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '\\' => {
                current.push(c);
                current.extend(chars.next());
            }
            ';' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

fn tokenize(section: &str) -> Vec<Token> {
    let chars: Vec<char> = section.chars().collect();
    let mut out = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut Vec<Token>| {
        if !literal.is_empty() {
            out.push(Token::Literal(std::mem::take(literal)));
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().take(7).collect();
        let lower = rest.to_lowercase();
        if lower.starts_with("general") {
            flush(&mut literal, &mut out);
            out.push(Token::General);
            i += 7;
            continue;
        }
        if rest.starts_with("G/通用格式") {
            flush(&mut literal, &mut out);
            out.push(Token::General);
            i += 6;
            continue;
        }
        if lower.starts_with("am/pm") {
            flush(&mut literal, &mut out);
            out.push(Token::AmPm(AmPm::English));
            i += 5;
            continue;
        }
        if rest.starts_with("上午/下午") {
            flush(&mut literal, &mut out);
            out.push(Token::AmPm(AmPm::Chinese));
            i += 5;
            continue;
        }
        match c {
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    literal.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '\\' => {
                if let Some(next) = chars.get(i + 1) {
                    literal.push(*next);
                }
                i += 2;
            }
            // `_x` leaves room for x, `*x` repeats x to fill: neither shows text.
            '_' | '*' => i += 2,
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == ']')
                    .map_or(chars.len(), |p| i + p);
                let inner: String = chars[i + 1..end.min(chars.len())].iter().collect();
                let inner = inner.to_lowercase();
                // Elapsed time ([h], [mm], [ss]) is a time part; the rest (colours,
                // locales, conditions) shows nothing.
                if let Some(letter) = inner
                    .chars()
                    .next()
                    .filter(|l| matches!(l, 'h' | 'm' | 's'))
                {
                    if inner.chars().all(|x| x == letter) {
                        flush(&mut literal, &mut out);
                        out.push(Token::Date(letter, inner.len()));
                    }
                }
                i = end + 1;
            }
            '@' => {
                flush(&mut literal, &mut out);
                out.push(Token::General);
                i += 1;
            }
            '%' => {
                flush(&mut literal, &mut out);
                out.push(Token::Percent);
                i += 1;
            }
            '0' | '#' | '?' | '.' | ',' => {
                flush(&mut literal, &mut out);
                let start = i;
                while i < chars.len() && matches!(chars[i], '0' | '#' | '?' | '.' | ',') {
                    i += 1;
                }
                // `E+00` (scientific) is shown as General; the placeholders stay numeric.
                let p: String = chars[start..i].iter().collect();
                if p.chars().any(|c| matches!(c, '0' | '#' | '?')) {
                    out.push(Token::Number(p));
                } else {
                    literal.push_str(&p);
                }
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'e' | 'E' => {
                let letter = c.to_ascii_lowercase();
                let start = i;
                while i < chars.len() && chars[i].to_ascii_lowercase() == letter {
                    i += 1;
                }
                flush(&mut literal, &mut out);
                // `e` is the year in some locales; `E` in `0.00E+00` is not a date.
                let letter = if letter == 'e' { 'y' } else { letter };
                if c == 'E' && out.iter().any(|t| matches!(t, Token::Number(_))) {
                    literal.push_str(&chars[start..i].iter().collect::<String>());
                } else {
                    out.push(Token::Date(letter, i - start));
                }
            }
            _ => {
                literal.push(c);
                i += 1;
            }
        }
    }
    flush(&mut literal, &mut out);
    out
}

/// A number through its placeholders: decimals as written after `.`, thousands separators
/// when a `,` sits among the integer placeholders.
fn number(n: f64, placeholders: &str) -> String {
    let (int, frac) = placeholders.split_once('.').unwrap_or((placeholders, ""));
    let decimals = frac
        .chars()
        .filter(|c| matches!(c, '0' | '#' | '?'))
        .count();
    let optional = frac.chars().filter(|c| *c == '#').count();
    let mut text = format!("{:.*}", decimals.min(15), n.abs());
    // `#` decimals show only when needed.
    if optional > 0 && text.contains('.') {
        let keep = decimals - optional;
        while text.ends_with('0') && text.split_once('.').is_some_and(|(_, f)| f.len() > keep) {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    // As many `0`s before the point, as many digits at least: `00000000` shows staff
    // number 4012 as 00004012.
    let min_int = int.chars().filter(|c| *c == '0').count();
    let whole_len = text.split_once('.').map_or(text.len(), |(w, _)| w.len());
    if min_int > whole_len {
        text.insert_str(0, &"0".repeat(min_int - whole_len));
    }
    if int.contains(',') {
        let (whole, rest) = text
            .split_once('.')
            .map_or((text.as_str(), None), |(w, r)| (w, Some(r)));
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        text = match rest {
            Some(r) => format!("{grouped}.{r}"),
            None => grouped,
        };
    }
    if n < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        text.insert(0, '-');
    }
    text
}

/// A number as Excel's General format shows it: integers whole, others with at most ten
/// decimals and no trailing zeros.
pub fn general(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let text = format!("{n:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

/// A date serial through date/time tokens; `None` outside Excel's dates (0–9999).
fn date(n: f64, tokens: &[Token], date1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&n) {
        return None;
    }
    let mut days = n.floor() as i64;
    let mut seconds = ((n - n.floor()) * 86_400.0).round() as i64;
    if seconds >= 86_400 {
        days += 1;
        seconds -= 86_400;
    }
    // Excel's 1900 system counts the 29th of February 1900, which did not exist.
    let (y, m, d) = if date1904 {
        shared::calendar::civil(days - 24_107)
    } else if days == 60 {
        (1900, 2, 29)
    } else if days < 60 {
        shared::calendar::civil(days - 25_568)
    } else {
        shared::calendar::civil(days - 25_569)
    };
    // 1970-01-01 was a Thursday (0 is Sunday).
    let weekday = (if date1904 {
        days - 24_107
    } else {
        days - 25_569
    } + 4)
        .rem_euclid(7);
    let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let twelve = tokens.iter().any(|t| matches!(t, Token::AmPm(_)));
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Literal(s) => out.push_str(s),
            Token::AmPm(style) => out.push_str(match (style, hour < 12) {
                (AmPm::English, true) => "AM",
                (AmPm::English, false) => "PM",
                (AmPm::Chinese, true) => "上午",
                (AmPm::Chinese, false) => "下午",
            }),
            Token::Date('y', len) => {
                if *len <= 2 {
                    out.push_str(&format!("{:02}", y.rem_euclid(100)));
                } else {
                    out.push_str(&y.to_string());
                }
            }
            Token::Date('m', len) if is_minute(tokens, i) => out.push_str(&pad(minute, *len)),
            Token::Date('m', len) => match len {
                1 | 2 => out.push_str(&pad(i64::from(m), *len)),
                _ => out.push_str(&format!("{m}月")),
            },
            Token::Date('d', len) => match len {
                1 | 2 => out.push_str(&pad(i64::from(d), *len)),
                3 => out.push_str(
                    ["周日", "周一", "周二", "周三", "周四", "周五", "周六"][weekday as usize],
                ),
                _ => out.push_str(
                    [
                        "星期日",
                        "星期一",
                        "星期二",
                        "星期三",
                        "星期四",
                        "星期五",
                        "星期六",
                    ][weekday as usize],
                ),
            },
            Token::Date('h', len) => {
                let h = if twelve { (hour + 11) % 12 + 1 } else { hour };
                out.push_str(&pad(h, *len));
            }
            Token::Date('s', len) => out.push_str(&pad(second, *len)),
            // Numbers and percent signs have no place in a date.
            _ => {}
        }
    }
    Some(out)
}

fn pad(n: i64, len: usize) -> String {
    if len >= 2 {
        format!("{n:02}")
    } else {
        n.to_string()
    }
}

/// Whether the `m` token at `i` means minutes: right after an hour, or right before
/// seconds (literals between them aside).
fn is_minute(tokens: &[Token], i: usize) -> bool {
    let is_time = |t: &Token| matches!(t, Token::Date(..));
    let before = tokens[..i].iter().rev().find(|t| is_time(t));
    let after = tokens[i + 1..].iter().find(|t| is_time(t));
    matches!(before, Some(Token::Date('h', _))) || matches!(after, Some(Token::Date('s', _)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_their_authors_see_them() {
        // 1921-07-01, the founding of the Party: serial 7853.
        assert_eq!(format(7853.0, builtin(14), false), "1921/7/1");
        assert_eq!(format(7853.0, builtin(31), false), "1921年7月1日");
        assert_eq!(
            format(7853.0, "yyyy\"年\"m\"月\"d\"日\"", false),
            "1921年7月1日"
        );
        assert_eq!(
            format(7853.0, "[$-804]yyyy年m月d日;@", false),
            "1921年7月1日"
        );
        assert_eq!(format(7853.0, "yyyy-mm-dd", false), "1921-07-01");
        assert_eq!(format(44_927.5, "yyyy/m/d h:mm", false), "2023/1/1 12:00");
        assert_eq!(format(0.75, "h:mm AM/PM", false), "6:00 PM");
        assert_eq!(format(0.3125, "hh:mm:ss", false), "07:30:00");
        assert_eq!(format(60.0, "yyyy-mm-dd", false), "1900-02-29");
        assert_eq!(format(61.0, "yyyy-mm-dd", false), "1900-03-01");
        assert_eq!(format(1.0, "yyyy-mm-dd", false), "1900-01-01");
        assert_eq!(format(0.0, "yyyy-mm-dd", true), "1904-01-01");
        assert_eq!(format(44_927.0, "dddd", false), "星期日");
    }

    #[test]
    fn numbers_and_percents() {
        assert_eq!(format(0.5, builtin(9), false), "50%");
        assert_eq!(format(0.125, builtin(10), false), "12.50%");
        assert_eq!(format(1_234_567.891, builtin(4), false), "1,234,567.89");
        assert_eq!(format(3.0, "0\"分\"", false), "3分");
        assert_eq!(format(-2.5, "0.0;[Red](0.0)", false), "(2.5)");
        assert_eq!(format(2.0, "General", false), "2");
        assert_eq!(format(0.1 + 0.2, "General", false), "0.3");
        assert_eq!(format(1921.0, "@", false), "1921");
        assert_eq!(format(1.5, "0.##", false), "1.5");
        assert_eq!(format(2.0, "0.##", false), "2");
        assert_eq!(format(1e20, "General", false), "100000000000000000000");
        // Leading zeros of a staff number or 编号 kept by its format.
        assert_eq!(format(4012.0, "00000000", false), "00004012");
        assert_eq!(format(7.0, "000", false), "007");
        assert_eq!(format(12345.0, "000", false), "12345");
        assert_eq!(format(-7.5, "00.0", false), "-07.5");
    }

    #[test]
    fn odd_codes_never_panic() {
        for code in [
            "", ";", "\"", "\\", "[", "[h", "0.0E+00", "mmm", "y;m;d;x", "_", "*",
        ] {
            for n in [0.0, -1.0, 1e300, 7853.5, f64::MIN_POSITIVE] {
                let _ = format(n, code, false);
            }
        }
    }
}
