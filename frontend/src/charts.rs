//! Charts as SVG and HTML text (no chart library: a few hundred bytes of string building
//! instead of tens of KB): horizontal bars, a line over time, and a heatmap table. Every
//! label goes through [`esc`]; every chart has a text alternative for screen readers.

use crate::html::esc;

/// One decimal, without the float formatter (`66.7`).
pub fn tenths(x: f64) -> String {
    let n = (x * 10.0).round() as i64;
    format!(
        "{}{}.{}",
        if n < 0 { "-" } else { "" },
        n.abs() / 10,
        n.abs() % 10
    )
}

/// Two decimals (−0.67), likewise.
pub fn hundredths(x: f64) -> String {
    let n = (x * 100.0).round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
}

/// Horizontal bars of percentages (0–100), one per row, labelled with the value.
pub fn bars_svg(title: &str, rows: &[(String, f64)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let row_h = 28;
    let h = rows.len() as i64 * row_h;
    let mut s = format!(
        r#"<svg class="chart bars" viewBox="0 0 320 {h}" role="img" aria-label="{}">"#,
        esc(title)
    );
    for (n, (label, value)) in rows.iter().enumerate() {
        let y = n as i64 * row_h;
        let w = (value.clamp(0.0, 100.0) * 1.4).round() as i64;
        s += &format!(
            r#"<text x="0" y="{}" class="lbl">{}</text><rect x="130" y="{}" width="140" height="14" rx="3" class="track"/><rect x="130" y="{}" width="{w}" height="14" rx="3" class="fill"/><text x="316" y="{}" text-anchor="end" class="val">{}%</text>"#,
            y + 17,
            esc(&short(label, 9)),
            y + 6,
            y + 6,
            y + 17,
            tenths(*value)
        );
    }
    s + "</svg>"
}

/// A line of percentages over time; `points` are (label, value 0–100), oldest first. The
/// first and last labels are written under the axis.
pub fn line_svg(title: &str, points: &[(String, f64)]) -> String {
    if points.is_empty() {
        return String::new();
    }
    let (w, h, top, left) = (300.0, 100.0, 10.0, 30.0);
    let step = if points.len() > 1 {
        (w - left) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |n: usize, v: f64| {
        (
            (left + step * n as f64).round() as i64,
            (top + h - v.clamp(0.0, 100.0) / 100.0 * h).round() as i64,
        )
    };
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(n, (_, v))| {
            let (x, y) = xy(n, *v);
            format!("{x},{y}")
        })
        .collect();
    let mut s = format!(
        r#"<svg class="chart line" viewBox="-12 0 322 135" role="img" aria-label="{}"><line x1="30" y1="110" x2="300" y2="110" class="axis"/><line x1="30" y1="10" x2="30" y2="110" class="axis"/><text x="26" y="14" text-anchor="end" class="val">100%</text><text x="26" y="110" text-anchor="end" class="val">0</text><polyline points="{}" class="stroke"/>"#,
        esc(title),
        path.join(" ")
    );
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        s += &format!(
            r#"<text x="30" y="128" class="lbl">{}</text><text x="300" y="128" text-anchor="end" class="lbl">{}</text>"#,
            esc(&first.0),
            esc(&last.0)
        );
        let (x, y) = xy(points.len() - 1, last.1);
        s += &format!(
            r#"<circle cx="{x}" cy="{y}" r="3" class="dot"/><text x="{x}" y="{}" text-anchor="end" class="val">{}%</text>"#,
            (y - 6).max(10),
            tenths(last.1)
        );
    }
    s + "</svg>"
}

/// A table of rates (0–100) by row and column, each cell shaded from red (0) to green
/// (100); empty cells have no answers. `cell(row, col)` gives the rate and the count.
pub fn heatmap_html(
    caption: &str,
    rows: &[(i64, String)],
    cols: &[(i64, String)],
    cell: impl Fn(i64, i64) -> Option<(f64, i64)>,
) -> String {
    let mut h = format!(
        r#"<div class="table-wrap"><table class="table heatmap"><caption>{}</caption><thead><tr><th></th>"#,
        esc(caption)
    );
    for (_, name) in cols {
        h += &format!("<th>{}</th>", esc(&short(name, 6)));
    }
    h += "</tr></thead><tbody>";
    for (r, name) in rows {
        h += &format!("<tr><th>{}</th>", esc(&short(name, 8)));
        for (c, _) in cols {
            h += &match cell(*r, *c) {
                Some((rate, n)) => format!(
                    r#"<td style="background:hsl({},70%,85%)" title="{n}">{}</td>"#,
                    (rate.clamp(0.0, 100.0) * 1.2).round() as i64,
                    tenths(rate)
                ),
                None => r#"<td class="muted">–</td>"#.to_string(),
            };
        }
        h += "</tr>";
    }
    h + "</tbody></table></div>"
}

/// At most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal() {
        assert_eq!(tenths(66.66), "66.7");
        assert_eq!(tenths(0.0), "0.0");
        assert_eq!(tenths(100.0), "100.0");
        assert_eq!(tenths(-2.25), "-2.3");
    }

    #[test]
    fn bars_scale_to_the_track_and_escape_labels() {
        let s = bars_svg(
            "完成率",
            &[
                ("第一支部".into(), 50.0),
                ("<b>很长的党支部名称啊啊</b>".into(), 120.0),
            ],
        );
        assert!(s.contains(r#"width="70" height="14" rx="3" class="fill""#));
        assert!(
            s.contains(r#"width="140" height="14" rx="3" class="fill""#),
            "clamped"
        );
        assert!(s.contains("&lt;b&gt;很长的党支…"));
        assert!(s.contains("50.0%"));
        assert!(bars_svg("x", &[]).is_empty());
    }

    #[test]
    fn the_line_runs_from_the_first_to_the_last_point() {
        let s = line_svg(
            "完成率",
            &[
                ("2026-01-01".into(), 0.0),
                ("2026-01-08".into(), 50.0),
                ("2026-01-15".into(), 100.0),
            ],
        );
        assert!(s.contains(r#"points="30,110 165,60 300,10""#), "{s}");
        assert!(s.contains("2026-01-01") && s.contains("2026-01-15"));
        assert!(s.contains("100.0%"));
        let one = line_svg("x", &[("d".into(), 40.0)]);
        assert!(one.contains(r#"points="30,70""#));
    }

    #[test]
    fn heatmap_cells_are_shaded_by_rate() {
        let h = heatmap_html(
            "正确率",
            &[(1, "党章".into())],
            &[(7, "一支部".into()), (8, "二支部".into())],
            |r, c| (r == 1 && c == 7).then_some((25.0, 4)),
        );
        assert!(h.contains("hsl(30,70%,85%)"));
        assert!(h.contains(">25.0<"));
        assert!(h.contains(r#"<td class="muted">–</td>"#));
    }
}
