//! Exports of the dashboard's tables and the periodic reports as XLSX and CSV (UTF-8 with
//! a BOM, so Excel opens Chinese correctly). The figures are the dashboard's own: every
//! export is built from `domain::dashboard`, so a report and the dashboard always agree.
//!
//! The members table can hold the whole organization (100,000 rows): it is written to disk
//! unit by unit, as a job with progress, by `domain::export_jobs`. The other tables are a
//! few hundred rows, built in memory (XLSX off the async threads).

use shared::api::dashboard::{
    CompletionStats, Dashboard, ItemKey, ItemKind, PeriodQuery, UnitKind, UnitMembers, UnitStats,
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

/// A table: a title (the sheet's name), the lines above its header (the report's title,
/// period and when it was generated), its header and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    // issue 17 reports
    pub lines: Vec<String>,
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
        if n > 0 {
            out.push_str("\r\n");
        }
        if t.lines.is_empty() && tables.len() > 1 {
            out += &csv_line(&[Cell::Text(t.title.clone())]);
        }
        for l in &t.lines {
            out += &csv_line(&[Cell::Text(l.clone())]);
        }
        let header: Vec<Cell> = t.header.iter().map(|h| Cell::Text(h.to_string())).collect();
        out += &csv_line(&header);
        for r in &t.rows {
            out += &csv_line(r);
        }
    }
    out.into_bytes()
}

/// The tables as an XLSX workbook, one sheet each: the lines above (the first in bold,
/// larger), the header in bold and frozen with them, columns as wide as their text.
pub fn xlsx(tables: &[Table]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    for t in tables {
        let sheet = book.add_worksheet();
        sheet
            .set_name(sheet_name(&t.title))
            .map_err(AppError::internal)?;
        for (r, l) in t.lines.iter().enumerate() {
            let f = if r == 0 { &title } else { &Format::new() };
            sheet
                .write_string_with_format(r as u32, 0, l, f)
                .map_err(AppError::internal)?;
        }
        let top = t.lines.len() as u32;
        let mut widths: Vec<usize> = t.header.iter().map(|h| text_width(h)).collect();
        for (c, h) in t.header.iter().enumerate() {
            sheet
                .write_string_with_format(top, c as u16, *h, &bold)
                .map_err(AppError::internal)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = top + r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let w = match cell {
                    Cell::Text(s) => text_width(s),
                    _ => 8,
                };
                if let Some(x) = widths.get_mut(c) {
                    *x = (*x).max(w);
                }
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
        for (c, w) in widths.iter().enumerate() {
            sheet
                .set_column_width(c as u16, (*w).clamp(8, 40) as f64 + 2.0)
                .map_err(AppError::internal)?;
        }
        sheet
            .set_freeze_panes(top + 1, 0)
            .map_err(AppError::internal)?;
    }
    book.save_to_buffer().map_err(AppError::internal)
}

// issue 17 reports
/// A sheet's name from a title: at most 31 characters, none of []:*?/\.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// How wide text reads in a spreadsheet column: a Chinese character is two.
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The period an export covers: `[from, to)` and how people name it.
#[derive(Debug, Clone)]
pub struct Span {
    pub from: i64,
    pub to: i64,
    /// `2026年第3季度`, or `2026-07-01至2026-09-30` for `from`/`to`, `截至2026-12-08` from
    /// the beginning.
    pub label: String,
}

impl Span {
    /// The period of a query at `now`, checked as the dashboard checks it.
    pub fn of(p: &PeriodQuery, now: i64) -> AppResult<Span> {
        let (from, to) = dashboard::resolve(p, now)?;
        let named = p
            .period
            .as_deref()
            .and_then(|t| shared::period::Period::parse(t).ok());
        let last = shared::period::ymd(shared::calendar::local_day(to - 1));
        let label = match named {
            Some(n) => n.label(),
            None if from <= dashboard::EARLIEST_MS => format!("截至{last}"),
            None => format!(
                "{}至{last}",
                shared::period::ymd(shared::calendar::local_day(from))
            ),
        };
        Ok(Span { from, to, label })
    }

    /// The query of exactly this period (for the dashboard's functions).
    pub fn query(&self) -> PeriodQuery {
        PeriodQuery {
            from: Some(self.from),
            to: Some(self.to),
            period: None,
        }
    }

    /// "统计周期：2026年第3季度（2026-07-01至2026-09-30）".
    pub fn line(&self) -> String {
        let day = |ms| shared::period::ymd(shared::calendar::local_day(ms));
        let days = format!("{}至{}", day(self.from), day(self.to - 1));
        if self.label == days {
            format!("统计周期：{days}")
        } else {
            format!("统计周期：{}（{days}）", self.label)
        }
    }
}

/// "生成时间：2026-12-08 10:30（北京时间）".
pub fn generated_line(now: i64) -> String {
    format!("生成时间：{}（北京时间）", local_time(now))
}

/// What "completed" means, the same sentence on every screen and export.
pub const COMPLETED_MEANS: &str = "完成：学习专题为读完全部课程并通过必答测验；答题活动为提交且成绩达到及格线（已提交未及格不算完成）";

/// The lines above a table: its title, the period, when generated and what completed means.
pub fn caption(title: &str, span: &Span, now: i64) -> Vec<String> {
    vec![
        title.to_string(),
        span.line(),
        format!("{}；{COMPLETED_MEANS}", generated_line(now)),
    ]
}

/// Whose figures an export holds, for its file name: the one unit, or the organization
/// (admins) or the organizer's units.
pub async fn scope_name(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
) -> AppResult<String> {
    let mut conn = db.pool.acquire().await?;
    let branches = db::org::branches(&mut conn).await?;
    let groups = db::org::youth_groups(&mut conn).await?;
    let branch = |id: i64| branches.iter().find(|b| b.id == id).map(|b| b.name.clone());
    let group = |id: i64| groups.iter().find(|g| g.id == id).map(|g| g.name.clone());
    if let Some((kind, id)) = unit {
        let name = match kind {
            UnitKind::Branch => branch(id),
            UnitKind::YouthGroup => group(id),
        };
        return Ok(name.unwrap_or_default());
    }
    if user.is_admin() {
        return Ok(db::org::organization(&mut conn)
            .await?
            .map(|o| o.name)
            .unwrap_or_else(|| "全部单位".into()));
    }
    let mut names: Vec<String> = user
        .scope
        .branch_ids
        .iter()
        .filter_map(|b| branch(*b))
        .collect();
    names.extend(user.scope.youth_group_ids.iter().filter_map(|g| group(*g)));
    Ok(names.join("、"))
}

/// A download's name: unit, report and period, `机关第一党支部_季度督导报告_2026年第3季度`
/// (characters a file name cannot hold become `-`).
pub fn file_stem(scope: &str, report: &str, span: &Span) -> String {
    format!("{scope}_{report}_{}", span.label)
        .chars()
        .map(|c| if "\\/:*?\"<>|".contains(c) { '-' } else { c })
        .collect()
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

/// The dashboard's tables: completion by unit, and every item by unit (no lines above).
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
            lines: vec![],
            header,
            rows: units,
        },
        Table {
            title: "学习与答题".into(),
            lines: vec![],
            header: item_header,
            rows: items,
        },
    ]
}

/// The dashboard's tables over a period, for the caller's scope, each under its title,
/// the period and when generated; and the file's name (scope, 完成率看板, period).
pub async fn dashboard(
    db: &Db,
    user: &SessionUser,
    p: PeriodQuery,
) -> AppResult<(String, Vec<Table>)> {
    let now = db::now_ms();
    let span = Span::of(&p, now)?;
    let d = dashboard::dashboard(db, user, span.query()).await?;
    let mut tables = dashboard_tables(&d);
    for t in &mut tables {
        t.lines = caption(&format!("完成率看板 · {}", t.title), &span, now);
    }
    let name = file_stem(&scope_name(db, user, None).await?, "完成率看板", &span);
    Ok((name, tables))
}

/// Which report and periods a report export covers.
pub struct ReportAsk {
    /// 季度督导报告 and so on.
    pub title: &'static str,
    pub span: Span,
    /// The period before (compared only when it has data).
    pub previous: Option<(i64, i64)>,
}

impl ReportAsk {
    /// A named period (`period=2026-Q3`: its report, and the period before), or the older
    /// `kind`, `from`, `to` and `previous_from`.
    pub fn of(
        p: &PeriodQuery,
        kind: Option<&str>,
        previous_from: Option<i64>,
        now: i64,
    ) -> AppResult<ReportAsk> {
        if let Some(text) = p.period.as_deref() {
            let span = Span::of(p, now)?;
            let named = shared::period::Period::parse(text)
                .map_err(|e| AppError::validation("period", e.0))?;
            return Ok(ReportAsk {
                title: named.report_title(),
                span,
                previous: named.previous().map(|b| b.bounds()),
            });
        }
        let (Some(from), Some(to), Some(previous_from), Some(kind)) =
            (p.from, p.to, previous_from, kind)
        else {
            return Err(AppError::validation("period", "请给出报告周期"));
        };
        let title = match kind {
            "month" => "月度提醒报告",
            "quarter" => "季度督导报告",
            "half" => "半年研究报告",
            "year" => "全年考核报告",
            _ => {
                return Err(AppError::validation(
                    "kind",
                    "报告类型只能是 month、quarter、half 或 year",
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
        Ok(ReportAsk {
            title,
            span: Span::of(
                &PeriodQuery {
                    from: Some(from),
                    to: Some(to),
                    period: None,
                },
                now,
            )?,
            previous: Some((previous_from, from)),
        })
    }
}

/// Whether a period has any figures to compare with (someone started or completed).
pub fn has_data(s: &CompletionStats) -> bool {
    s.started > 0 || s.completed > 0
}

/// A report (月度提醒, 季度督导, 半年研究, 全年考核 or custom) of a period: per branch and
/// youth group the figures and, when the period before has data, the change of the
/// completion rate; every module and quiz by unit; the non-completers by name. Returns the
/// file's name and the tables.
pub async fn report(
    db: &Db,
    user: &SessionUser,
    ask: ReportAsk,
) -> AppResult<(String, Vec<Table>)> {
    let now_ms = db::now_ms();
    let span = &ask.span;
    let now = dashboard::dashboard(db, user, span.query()).await?;
    let before = match ask.previous {
        Some((f, t)) => {
            let b = dashboard::dashboard(
                db,
                user,
                PeriodQuery {
                    from: Some(f),
                    to: Some(t),
                    period: None,
                },
            )
            .await?;
            has_data(&b.total).then_some(b)
        }
        None => None,
    };
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
    rows.push(row(
        "合计",
        "全部",
        &now.total,
        before.as_ref().map(|b| &b.total),
    ));
    for (kind, units, prev) in [
        (
            "党支部",
            &now.branches,
            before.as_ref().map(|b| &b.branches),
        ),
        (
            "青年理论学习小组",
            &now.youth_groups,
            before.as_ref().map(|b| &b.youth_groups),
        ),
    ] {
        for u in units {
            let p = prev
                .and_then(|prev| prev.iter().find(|p| p.unit_id == u.unit_id))
                .map(|p| &p.stats);
            rows.push(row(kind, &u.name, &u.stats, p));
        }
    }
    let mut lines = caption(ask.title, span, now_ms);
    if before.is_none() {
        lines.push("上一周期没有学习或答题数据，不作比较".into());
    }
    let mut tables = vec![Table {
        title: ask.title.into(),
        lines,
        header,
        rows,
    }];
    let mut items = dashboard_tables(&now).remove(1);
    items.title = "按学习专题与答题".into();
    items.lines = caption(&format!("{} · 按学习专题与答题", ask.title), span, now_ms);
    tables.push(items);
    let names = dashboard::non_completers(db, user, span.query()).await?;
    let mut list = Vec::new();
    for u in &names.units {
        for m in &u.non_completers {
            list.push(vec![
                Cell::Text(kind_name(u.unit).into()),
                Cell::Text(u.name.clone()),
                Cell::Text(m.display_name.clone()),
                Cell::Text(m.username.clone()),
                Cell::Int(m.unfinished.len() as i64),
            ]);
        }
    }
    tables.push(Table {
        title: "未完成名单".into(),
        lines: caption(&format!("{} · 未完成名单", ask.title), span, now_ms),
        header: vec!["单位类别", "单位", "姓名", "账号", "未完成项数"],
        rows: list,
    });
    let name = file_stem(&scope_name(db, user, None).await?, ask.title, span);
    Ok((name, tables))
}

// issue 17 reports
/// The member × item matrix of some units (one sheet each): a title row, the period, when
/// generated and what the marks mean, then a frozen header (姓名, 账号, each item, 已完成,
/// 未完成) and a row per member: a completed item is its completion date (a real date,
/// shown `✓ 2026-08-03`), an unfinished one `✗`, one not assigned to the member `—`.
pub fn matrix_xlsx(units: &[UnitMembers], span: &Span, now: i64) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let done = Format::new()
        // `\✓` is the literal mark (an escaped character reads as a date format to every
        // reader; a quoted one does not to some).
        .set_num_format("\\✓ yyyy-mm-dd")
        .set_align(FormatAlign::Center);
    let centre = Format::new().set_align(FormatAlign::Center);
    let e = AppError::internal;
    let mut used = std::collections::HashSet::new();
    for u in units {
        let sheet = book.add_worksheet();
        let mut name = sheet_name(&u.name);
        if name.is_empty() || !used.insert(name.clone()) {
            name = sheet_name(&format!("{}-{}", u.unit_id, u.name));
        }
        sheet.set_name(&name).map_err(e)?;
        sheet
            .write_string_with_format(
                0,
                0,
                format!("{} 学习完成明细（成员 × 项目）", u.name),
                &title,
            )
            .map_err(e)?;
        sheet.write_string(1, 0, span.line()).map_err(e)?;
        sheet
            .write_string(
                2,
                0,
                format!(
                    "{}；✓ 后为完成日期，✗ 未完成，— 未分配；{COMPLETED_MEANS}",
                    generated_line(now)
                ),
            )
            .map_err(e)?;
        let top = 3u32;
        let last = u.items.len() as u16 + 2;
        sheet
            .write_string_with_format(top, 0, "姓名", &head)
            .map_err(e)?;
        sheet
            .write_string_with_format(top, 1, "账号", &head)
            .map_err(e)?;
        for (c, it) in u.items.iter().enumerate() {
            let c = c as u16 + 2;
            sheet
                .write_string_with_format(top, c, &it.title, &head)
                .map_err(e)?;
            let w = text_width(&it.title).clamp(14, 30) as f64;
            sheet.set_column_width(c, w).map_err(e)?;
        }
        sheet
            .write_string_with_format(top, last, "已完成", &head)
            .map_err(e)?;
        sheet
            .write_string_with_format(top, last + 1, "未完成", &head)
            .map_err(e)?;
        sheet.set_column_width(0, 12).map_err(e)?;
        sheet.set_column_width(1, 12).map_err(e)?;
        sheet.set_column_width(last, 8).map_err(e)?;
        sheet.set_column_width(last + 1, 8).map_err(e)?;
        for (r, m) in u.members.iter().enumerate() {
            let r = top + 1 + r as u32;
            sheet.write_string(r, 0, &m.display_name).map_err(e)?;
            sheet.write_string(r, 1, &m.username).map_err(e)?;
            for (c, it) in u.items.iter().enumerate() {
                let c = c as u16 + 2;
                let same = |k: &ItemKey| k.kind == it.kind && k.id == it.id;
                if let Some(n) = m.completed.iter().position(same) {
                    // Excel counts days from 1899-12-30; 1970-01-01 is day 25,569.
                    let day = shared::calendar::local_day(m.completed_at[n]) + 25_569;
                    sheet
                        .write_number_with_format(r, c, day as f64, &done)
                        .map_err(e)?;
                } else if m.unfinished.iter().any(same) {
                    sheet
                        .write_string_with_format(r, c, "✗", &centre)
                        .map_err(e)?;
                } else {
                    sheet
                        .write_string_with_format(r, c, "—", &centre)
                        .map_err(e)?;
                }
            }
            sheet
                .write_number(r, last, m.completed.len() as f64)
                .map_err(e)?;
            sheet
                .write_number(r, last + 1, m.unfinished.len() as f64)
                .map_err(e)?;
        }
        sheet.set_freeze_panes(top + 1, 1).map_err(e)?;
    }
    if units.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("学习完成明细").map_err(e)?;
        sheet.write_string(0, 0, "范围内没有党支部").map_err(e)?;
    }
    book.save_to_buffer().map_err(e)
}

/// The matrix of one unit or every branch in scope over a period, and its file name.
pub async fn matrix(
    db: &Db,
    user: &SessionUser,
    unit: Option<(UnitKind, i64)>,
    p: PeriodQuery,
) -> AppResult<(String, Vec<u8>)> {
    let now = db::now_ms();
    let span = Span::of(&p, now)?;
    let mut units = Vec::new();
    for (kind, id) in member_units(db, user, unit).await? {
        units.push(dashboard::unit_members(db, user, kind, id, span.query()).await?);
    }
    let name = file_stem(&scope_name(db, user, unit).await?, "学习完成明细", &span);
    let bytes = tokio::task::spawn_blocking(move || matrix_xlsx(&units, &span, now))
        .await
        .map_err(AppError::internal)??;
    Ok((name, bytes))
}

// issue 17 reports: the one-cell list of unfinished titles went; the matrix export has them.
pub(crate) const MEMBER_HEADER: [&str; 8] = [
    "单位类别",
    "单位",
    "姓名",
    "账号",
    "已完成",
    "未完成",
    "积分",
    "最近活动",
];

pub(crate) fn member_rows(u: &UnitMembers, kind: &str) -> Vec<Vec<Cell>> {
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
            lines: vec![],
            header: vec!["甲"],
            rows: vec![vec![Cell::Int(1)]],
        };
        let out = String::from_utf8(csv(&[t])).unwrap();
        assert!(out.starts_with(BOM));
        assert_eq!(out, format!("{BOM}甲\r\n1\r\n"));
        assert_eq!(local_time(0), "1970-01-01 08:00");
    }
}
