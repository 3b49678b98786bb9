//! Charts as `view!` SVG and tables (no chart library: a few hundred bytes instead of tens
//! of KB): horizontal bars, a line over time, and a heatmap table, plus the number
//! formats they print. Every chart has a text alternative for screen readers.

use leptos::prelude::*;

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

/// At most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

// --- the same charts as `view!` (console pages converted in issue 14) --------------------

/// The filled width of a bar of `value` percent on the 140-wide track.
pub fn bar_width(value: f64) -> i64 {
    (value.clamp(0.0, 100.0) * 1.4).round() as i64
}

/// [`bars_svg`] as a view: one bar per (label, percent) row.
pub fn bars_view(title: &'static str, rows: Vec<(String, f64)>) -> impl IntoView {
    let height = rows.len() * 28;
    view! {
        <svg class="chart bars" viewBox=format!("0 0 320 {height}") role="img" aria-label=title>
            {rows
                .into_iter()
                .enumerate()
                .map(|(n, (label, value))| {
                    let y = n * 28;
                    view! {
                        <text x="0" y=(y + 17).to_string() class="lbl">{short(&label, 9)}</text>
                        <rect x="130" y=(y + 6).to_string() width="140" height="14" rx="3" class="track"></rect>
                        <rect x="130" y=(y + 6).to_string() width=bar_width(value).to_string() height="14" rx="3" class="fill"></rect>
                        <text x="316" y=(y + 17).to_string() text-anchor="end" class="val">{format!("{}%", tenths(value))}</text>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// Where the points of a line over `values` (percent, oldest first) go in the 300 x 100
/// plot right of the axis labels.
pub fn line_points(values: &[f64]) -> Vec<(i64, i64)> {
    let (w, h, top, left) = (300.0, 100.0, 10.0, 30.0);
    let step = if values.len() > 1 {
        (w - left) / (values.len() - 1) as f64
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(n, v)| {
            (
                (left + step * n as f64).round() as i64,
                (top + h - v.clamp(0.0, 100.0) / 100.0 * h).round() as i64,
            )
        })
        .collect()
}

/// [`line_svg`] as a view; `points` are (label, percent), oldest first.
pub fn line_view(title: &'static str, points: Vec<(String, f64)>) -> impl IntoView {
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    let xy = line_points(&values);
    let path = xy
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ");
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().cloned();
    let end = xy.last().copied();
    view! {
        <svg class="chart line" viewBox="-12 0 322 135" role="img" aria-label=title>
            <line x1="30" y1="110" x2="300" y2="110" class="axis"></line>
            <line x1="30" y1="10" x2="30" y2="110" class="axis"></line>
            <text x="26" y="14" text-anchor="end" class="val">"100%"</text>
            <text x="26" y="110" text-anchor="end" class="val">"0"</text>
            <polyline points=path class="stroke"></polyline>
            <text x="30" y="128" class="lbl">{first}</text>
            {last
                .zip(end)
                .map(|((label, value), (x, y))| {
                    view! {
                        <text x="300" y="128" text-anchor="end" class="lbl">{label}</text>
                        <circle cx=x.to_string() cy=y.to_string() r="3" class="dot"></circle>
                        <text x=x.to_string() y=(y - 6).max(10).to_string() text-anchor="end" class="val">
                            {format!("{}%", tenths(value))}
                        </text>
                    }
                })}
        </svg>
    }
}

/// The hue of a heatmap cell: red (0 %) to green (100 %).
pub fn heat_hue(rate: f64) -> i64 {
    (rate.clamp(0.0, 100.0) * 1.2).round() as i64
}

/// [`heatmap_html`] as a view: rates by row and column; `cell(row, col)` gives the rate and
/// the count of a cell, `None` where there were no answers.
pub fn heatmap_view(
    caption: &'static str,
    rows: Vec<(i64, String)>,
    cols: Vec<(i64, String)>,
    cell: impl Fn(i64, i64) -> Option<(f64, i64)>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|(r, name)| {
            let cells = cols
                .iter()
                .map(|(c, _)| match cell(r, *c) {
                    Some((rate, n)) => view! {
                        <td style=format!("background:hsl({},70%,85%)", heat_hue(rate)) title=n.to_string()>
                            {tenths(rate)}
                        </td>
                    }
                    .into_any(),
                    None => view! { <td class="muted">"–"</td> }.into_any(),
                })
                .collect_view();
            view! { <tr><th>{short(&name, 8)}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table heatmap">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th></th>
                        {cols.iter().map(|(_, name)| view! { <th>{short(name, 6)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
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
    fn charts_place_their_marks() {
        assert_eq!(bar_width(50.0), 70);
        assert_eq!(bar_width(120.0), 140);
        assert_eq!(
            line_points(&[0.0, 50.0, 100.0]),
            vec![(30, 110), (165, 60), (300, 10)]
        );
        assert_eq!(line_points(&[40.0]), vec![(30, 70)]);
        assert_eq!(heat_hue(25.0), 30);
        assert_eq!(heat_hue(-5.0), 0);
    }
}
