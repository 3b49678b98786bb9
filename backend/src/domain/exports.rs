//! Exports of the dashboard's tables and the periodic reports as XLSX and CSV (UTF-8 with
//! a BOM, so Excel opens Chinese correctly). The figures are the dashboard's own: every
//! export is built from `domain::dashboard`, so a report and the dashboard always agree.
//!
//! The members table can hold the whole organization (100,000 rows): it is written to disk
//! unit by unit, as a job with progress, by `domain::export_jobs`. The other tables are a
//! few hundred rows, built in memory (XLSX off the async threads).

use shared::api::dashboard::{
    CompletionStats, Dashboard, ItemKind, PeriodQuery, UnitKind, UnitMembers, UnitStats,
};

use crate::auth::SessionUser;
use crate::db::{self, Db};
use crate::domain::dashboard::{self, ViewScope};
use crate::error::{AppError, AppResult};

/// A file format of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    Xlsx,
    Csv,
}

impl Sheet {
    pub fn parse(s: &str) -> AppResult<Sheet> {
        match s {
            "xlsx" => Ok(Sheet::Xlsx),
            "csv" => Ok(Sheet::Csv),
            _ => Err(AppError::validation("format", "导出格式只能是 xlsx 或 csv")),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Sheet::Xlsx => "xlsx",
            Sheet::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Sheet::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Sheet::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Empty,
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => csv_field(s),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => format!("{x:.1}"),
            Cell::Empty => String::new(),
        }
    }
}

/// A table: a title (the sheet's name), its header and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would make Excel evaluate the text as a formula.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line (with its line end).
pub fn csv_line(cells: &[Cell]) -> String {
    let mut line = cells.iter().map(Cell::csv).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &str = "\u{feff}";

/// The tables as CSV (several tables one after another, each under its title).
pub fn csv(tables: &[Table]) -> Vec<u8> {
    let mut out = String::from(BOM);
    for (n, t) in tables.iter().enumerate() {
        if tables.len() > 1 {
            if n > 0 {
                out.push_str("\r\n");
            }
            out += &csv_line(&[Cell::Text(t.title.clone())]);
        }
        let header: Vec<Cell> = t.header.iter().map(|h| Cell::Text(h.to_string())).collect();
        out += &csv_line(&header);
        for r in &t.rows {
            out += &csv_line(r);
        }
    }
    out.into_bytes()
}

/// The tables as an XLSX workbook, one sheet each.
pub fn xlsx(tables: &[Table]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\.
        let name: String = t
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        sheet.set_name(&name).map_err(AppError::internal)?;
        for (c, h) in t.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s),
                    Cell::Int(n) => sheet.write_number(r, c, *n as f64),
                    Cell::Num(x) => sheet.write_number(r, c, *x),
                    Cell::Empty => continue,
                }
                .map_err(AppError::internal)?;
            }
        }
        sheet.set_column_width(0, 24).map_err(AppError::internal)?;
    }
    book.save_to_buffer().map_err(AppError::internal)
}

const STATS: [&str; 5] = ["应完成", "已开始", "已完成", "完成率(%)", "平均分"];

fn stats_cells(s: &CompletionStats) -> Vec<Cell> {
    vec![
        Cell::Int(s.assigned),
        Cell::Int(s.started),
        Cell::Int(s.completed),
        Cell::Num(s.completion_rate),
        s.average_score.map_or(Cell::Empty, Cell::Num),
    ]
}

fn unit_rows(kind: &str, units: &[UnitStats]) -> Vec<Vec<Cell>> {
    units
        .iter()
        .map(|u| {
            let mut r = vec![Cell::Text(kind.into()), Cell::Text(u.name.clone())];
            r.extend(stats_cells(&u.stats));
            r
        })
        .collect()
}

/// The dashboard's tables: completion by unit, and every item by unit.
pub fn dashboard_tables(d: &Dashboard) -> Vec<Table> {
    let mut header = vec!["类别", "单位"];
    header.extend(STATS);
    let mut units = vec![{
        let mut r = vec![Cell::Text("合计".into()), Cell::Text("全部".into())];
        r.extend(stats_cells(&d.total));
        r
    }];
    units.extend(unit_rows("党支部", &d.branches));
    units.extend(unit_rows("青年理论学习小组", &d.youth_groups));
    let mut item_header = vec!["类型", "名称", "单位"];
    item_header.extend(STATS);
    let mut items = Vec::new();
    for it in &d.items {
        let kind = match it.item.kind {
            ItemKind::Module => "学习专题",
            ItemKind::Quiz => "答题",
        };
        let row = |unit: &str, s: &CompletionStats| {
            let mut r = vec![
                Cell::Text(kind.into()),
                Cell::Text(it.item.title.clone()),
                Cell::Text(unit.into()),
            ];
            r.extend(stats_cells(s));
            r
        };
        items.push(row("全部", &it.total));
        for u in it.branches.iter().chain(&it.youth_groups) {
            items.push(row(&u.name, &u.stats));
        }
    }
    vec![
        Table {
            title: "各单位完成率".into(),
            header,
            rows: units,
        },
        Table {
            title: "学习与答题".into(),
            header: item_header,
            rows: items,
        },
    ]
}

/// The dashboard's tables over a period, for the caller's scope.
pub async fn dashboard(db: &Db, user: &SessionUser, p: PeriodQuery) -> AppResult<Vec<Table>> {
    Ok(dashboard_tables(&dashboard::dashboard(db, user, p).await?))
}

/// A report (季度督导, 半年研究, 全年考核) of the period `[from, to)` against the one before:
/// per branch and youth group, the figures and the change of the completion rate.
pub async fn report(
    db: &Db,
    user: &SessionUser,
    kind: &str,
    from: i64,
    to: i64,
    previous_from: i64,
) -> AppResult<Vec<Table>> {
    let title = match kind {
        "quarter" => "季度督导报告",
        "half" => "半年研究报告",
        "year" => "全年考核报告",
        _ => {
            return Err(AppError::validation(
                "kind",
                "报告类型只能是 quarter、half 或 year",
            ))
        }
    };
    // Both periods are checked as the dashboard checks them (400 invalid_period).
    dashboard::check_bound("previous_from", previous_from)?;
    if previous_from >= from {
        return Err(AppError::bad_request(
            dashboard::INVALID_PERIOD,
            "上一周期的开始时间（previous_from）须早于本期开始时间（from）",
        ));
    }
    dashboard::check_period(previous_from, from)?;
    dashboard::check_period(from, to)?;
    let q = |from, to| PeriodQuery {
        from: Some(from),
        to: Some(to),
    };
    let now = dashboard::dashboard(db, user, q(from, to)).await?;
    let before = dashboard::dashboard(db, user, q(previous_from, from)).await?;
    let mut header = vec!["类别", "单位"];
    header.extend(STATS);
    header.extend(["未完成人次", "较上期(百分点)"]);
    let mut rows = Vec::new();
    let row = |kind: &str, name: &str, s: &CompletionStats, prev: Option<&CompletionStats>| {
        let mut r = vec![Cell::Text(kind.into()), Cell::Text(name.into())];
        r.extend(stats_cells(s));
        r.push(Cell::Int((s.assigned - s.completed).max(0)));
        r.push(prev.map_or(Cell::Empty, |p| {
            Cell::Num(((s.completion_rate - p.completion_rate) * 10.0).round() / 10.0)
        }));
        r
    };
    rows.push(row("合计", "全部", &now.total, Some(&before.total)));
    for (kind, units, prev) in [
        ("党支部", &now.branches, &before.branches),
        ("青年理论学习小组", &now.youth_groups, &before.youth_groups),
    ] {
        for u in units {
            let p = prev
                .iter()
                .find(|p| p.unit_id == u.unit_id)
                .map(|p| &p.stats);
            rows.push(row(kind, &u.name, &u.stats, p));
        }
    }
    Ok(vec![Table {
        title: title.into(),
        header,
        rows,
    }])
}

pub(crate) const MEMBER_HEADER: [&str; 9] = [
    "单位类别",
    "单位",
    "姓名",
    "账号",
    "已完成",
    "未完成",
    "未完成项目",
    "积分",
    "最近活动",
];

pub(crate) fn member_rows(u: &UnitMembers, kind: &str) -> Vec<Vec<Cell>> {
    let title = |k: &shared::api::dashboard::ItemKey| {
        u.items
            .iter()
            .find(|i| i.kind == k.kind && i.id == k.id)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    u.members
        .iter()
        .map(|m| {
            vec![
                Cell::Text(kind.into()),
                Cell::Text(u.name.clone()),
                Cell::Text(m.display_name.clone()),
                Cell::Text(m.username.clone()),
                Cell::Int(m.completed.len() as i64),
                Cell::Int(m.unfinished.len() as i64),
                Cell::Text(
                    m.unfinished
                        .iter()
                        .map(title)
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::Int(m.points),
                m.last_activity_at
                    .map_or(Cell::Empty, |at| Cell::Text(local_time(at))),
            ]
        })
        .collect()
}

/// `2026-03-01 09:30` in Beijing time.
fn local_time(ms: i64) -> String {
    let local = ms + shared::calendar::OFFSET_MS;
    let (y, m, d) = shared::calendar::civil(local.div_euclid(86_400_000));
    let mins = local.rem_euclid(86_400_000) / 60_000;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

/// The units whose members an export covers: one, or every branch in the caller's scope.
pub(crate) async fn member_units(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
) -> AppResult<Vec<(UnitKind, i64)>> {
    let scope = ViewScope::of(user)?;
    if let Some((kind, id)) = unit {
        scope.check_unit(kind, id)?;
        return Ok(vec![(kind, id)]);
    }
    let mut conn = db.pool.acquire().await?;
    Ok(db::org::branches(&mut conn)
        .await?
        .into_iter()
        .filter(|b| scope.shows_branch(b.id))
        .map(|b| (UnitKind::Branch, b.id))
        .collect())
}

pub(crate) fn kind_name(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Branch => "党支部",
        UnitKind::YouthGroup => "青年理论学习小组",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let line = csv_line(&[
            Cell::Text("a,b".into()),
            Cell::Text("说\"明\"".into()),
            Cell::Text("=SUM(A1)".into()),
            Cell::Int(3),
            Cell::Num(66.66),
            Cell::Empty,
        ]);
        assert_eq!(line, "\"a,b\",\"说\"\"明\"\"\",'=SUM(A1),3,66.7,\r\n");
        let t = Table {
            title: "表".into(),
            header: vec!["甲"],
            rows: vec![vec![Cell::Int(1)]],
        };
        let out = String::from_utf8(csv(&[t])).unwrap();
        assert!(out.starts_with(BOM));
        assert_eq!(out, format!("{BOM}甲\r\n1\r\n"));
        assert_eq!(local_time(0), "1970-01-01 08:00");
    }
}
