//! Reports for any period (issue 17): named periods (`?period=2026-Q1`) read and bounded
//! (a bad one is `422 invalid_period` in Chinese), last quarter's figures from the
//! dashboard's worked example, the non-completers by name per unit, the member × item
//! matrix XLSX (opened with calamine, its panes read from the sheet's XML), the report
//! export's sheets and file name, and a reminder at most once a day per member and item.

use std::io::{Cursor, Read};

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};

use crate::dashboard::{example, Example, DAY, P0};
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    named_periods_read_and_bad_ones_are_refused,
    last_quarter_figures_from_the_worked_example,
    non_completers_are_named_per_unit_in_scope,
    matrix_xlsx_has_a_sheet_per_unit_with_marks_and_dates,
    report_export_for_a_named_period,
    a_reminder_is_sent_once_a_day,
);

/// 2026-01-01 00:00 in Shanghai: the start of the quarter holding the example's week.
const Q1_FROM: i64 = 1_767_196_800_000;
/// 2026-04-01 00:00 in Shanghai.
const Q1_TO: i64 = 1_774_972_800_000;

/// `filename*` percent-encoding of a name (as the server writes it).
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn book(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            // Rows as written from A1 (calamine's range starts at the first used cell).
            assert_eq!(range.start(), Some((0, 0)), "{n}");
            (n, range.rows().map(|r| r.to_vec()).collect())
        })
        .collect()
}

/// The worked example with nothing else assigned: the shipped modules addressed to no unit
/// and the other quizzes drafts, so each member's items are the example's two.
async fn example_alone(app: &TestApp) -> Example {
    let ex = example(app).await;
    for sql in [
        format!(
            "UPDATE modules SET audience = 'units' WHERE id <> {}",
            ex.module
        ),
        format!(
            "UPDATE quizzes SET status = 'draft' WHERE id <> {}",
            ex.quiz
        ),
    ] {
        sqlx::query(&sql).execute(&app.db.pool).await.unwrap();
    }
    ex
}

fn unit(v: &Value, id: i64) -> &Value {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == id)
        .unwrap_or_else(|| panic!("unit {id} in {v}"))
}

fn names(u: &Value) -> Vec<String> {
    u["non_completers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["display_name"].as_str().unwrap().to_string())
        .collect()
}

async fn named_periods_read_and_bad_ones_are_refused(app: TestApp) {
    let ex = example(&app).await;
    let admin = app.signed_in("admin").await;
    for (text, from, to) in [
        ("2026-Q1", Q1_FROM, Q1_TO),
        ("2026-03", P0 - DAY, Q1_TO),
        ("2026-03-02~2026-03-08", P0, P0 + 7 * DAY),
        ("2026-H1", Q1_FROM, 1_782_835_200_000),
        ("2026", Q1_FROM, 1_798_732_800_000),
    ] {
        let d = admin
            .get_ok(&format!("/api/v1/dashboard?period={text}"))
            .await;
        assert_eq!(
            (d["from"].as_i64(), d["to"].as_i64()),
            (Some(from), Some(to)),
            "{text}"
        );
    }
    let a = ex.a;
    for path in [
        "/api/v1/dashboard?".to_string(),
        "/api/v1/dashboard/non-completers?".to_string(),
        format!("/api/v1/dashboard/branches/{a}/members?"),
        "/api/v1/dashboard/heatmap?".to_string(),
        "/api/v1/exports/dashboard?format=csv&".to_string(),
        "/api/v1/exports/report?format=xlsx&".to_string(),
        "/api/v1/exports/matrix?format=xlsx&".to_string(),
    ] {
        for bad in [
            "period=2026-Q5",
            "period=2026-13",
            "period=1969",
            "period=abc",
            "period=2026-06-01~2026-05-01",
            "period=2026-02-30~2026-03-01",
            "period=2026-Q1&from=0",
        ] {
            let r = admin.get(&format!("{path}{bad}")).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}{bad}: {}",
                r.text()
            );
            assert_eq!(r.code(), "invalid_period", "{path}{bad}");
            let message = r.json()["message"].as_str().unwrap().to_string();
            assert!(!message.is_ascii(), "a Chinese message: {message}");
        }
    }
}

async fn last_quarter_figures_from_the_worked_example(app: TestApp) {
    let ex = example_alone(&app).await;
    let admin = app.signed_in("admin").await;
    let d = admin.get_ok("/api/v1/dashboard?period=2026-Q1").await;
    let item = |kind: &str, id: i64| {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["item"]["kind"] == kind && i["item"]["id"] == id)
            .unwrap()["total"]
            .clone()
    };
    // Over the quarter a3's completion ten days before the week counts too: a1, a3, b1.
    let m = item("module", ex.module);
    assert_eq!(
        (m["assigned"].as_i64(), m["completed"].as_i64()),
        (Some(5), Some(3))
    );
    assert_eq!(m["completion_rate"], 60.0);
    // a2 submitted the exam but failed it: submitted is not completed.
    let q = item("quiz", ex.quiz);
    assert_eq!(
        (q["assigned"].as_i64(), q["completed"].as_i64()),
        (Some(5), Some(3))
    );
    // Branch A: a1 and a3 of four, for each of the two items.
    let a = d["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == ex.a)
        .unwrap();
    assert_eq!(
        (
            a["stats"]["assigned"].as_i64(),
            a["stats"]["completed"].as_i64()
        ),
        (Some(8), Some(4))
    );
    // The quarter before has no data (nothing to compare with).
    let before = admin.get_ok("/api/v1/dashboard?period=2025-Q4").await;
    assert_eq!(before["total"]["started"], 0);
    assert_eq!(before["total"]["completed"], 0);
    // The drill-down carries the completion dates.
    let u = admin
        .get_ok(&format!(
            "/api/v1/dashboard/branches/{}/members?period=2026-Q1",
            ex.a
        ))
        .await;
    let a1 = u["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == ex.a1)
        .unwrap();
    let at = a1["completed_at"].as_array().unwrap();
    assert_eq!(at.len(), a1["completed"].as_array().unwrap().len());
    assert!(at
        .iter()
        .all(|t| t.as_i64().unwrap() >= Q1_FROM && t.as_i64().unwrap() < Q1_TO));
}

async fn non_completers_are_named_per_unit_in_scope(app: TestApp) {
    let ex = example_alone(&app).await;
    let admin = app.signed_in("admin").await;
    let nc = admin
        .get_ok("/api/v1/dashboard/non-completers?period=2026-Q1")
        .await;
    let a = unit(&nc, ex.a);
    assert_eq!(a["name"], "测试甲支部");
    assert_eq!(a["members"], 4);
    assert_eq!(names(a), ["成员ta2", "成员ta4"]);
    let ta2 = &a["non_completers"][0];
    assert_eq!(ta2["unfinished"], json!(["示例专题", "示例测验"]));
    // Branch B: b1 finished (c1 is not in the audience); the youth group too.
    assert!(names(unit(&nc, ex.b)).is_empty());
    assert_eq!(unit(&nc, ex.b)["members"], 1);
    let y = nc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "youth_group" && u["unit_id"] == ex.y)
        .unwrap();
    assert!(names(y).is_empty());
    // Over the example's week, a3 (who finished before it) has not completed it then.
    let week = admin
        .get_ok(&format!(
            "/api/v1/dashboard/non-completers?from={P0}&to={}",
            P0 + 7 * DAY
        ))
        .await;
    assert_eq!(names(unit(&week, ex.a)), ["成员ta2", "成员ta3", "成员ta4"]);
    // The organizer of branch A sees branch A only; members are refused.
    let oa = app.signed_in("toa").await;
    let mine = oa
        .get_ok("/api/v1/dashboard/non-completers?period=2026-Q1")
        .await;
    let ids: Vec<i64> = mine["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [ex.a]);
    let r = app
        .signed_in("m001")
        .await
        .get("/api/v1/dashboard/non-completers")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The XML of a workbook's `n`th sheet (1-based).
fn sheet_xml(bytes: &[u8], n: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn matrix_xlsx_has_a_sheet_per_unit_with_marks_and_dates(app: TestApp) {
    let ex = example_alone(&app).await;
    let oa = app.signed_in("toa").await;
    let r = oa
        .get("/api/v1/exports/matrix?format=xlsx&period=2026-Q1")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cd = r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.contains(&format!(
            "filename*=UTF-8''{}",
            pct("测试甲支部_学习完成明细_2026年第1季度.xlsx")
        )),
        "{cd}"
    );
    let sheets = book(&r.bytes);
    assert_eq!(
        sheets.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["测试甲支部"]
    );
    let rows = &sheets[0].1;
    assert_eq!(text(&rows[0][0]), "测试甲支部 学习完成明细（成员 × 项目）");
    assert_eq!(
        text(&rows[1][0]),
        "统计周期：2026年第1季度（2026-01-01至2026-03-31）"
    );
    assert!(text(&rows[2][0]).starts_with("生成时间："));
    let header: Vec<String> = rows[3].iter().map(text).collect();
    assert_eq!(&header[..2], ["姓名", "账号"]);
    assert_eq!(&header[header.len() - 2..], ["已完成", "未完成"]);
    let col = |title: &str| header.iter().position(|h| h == title).unwrap();
    let (m, q) = (col("示例专题"), col("示例测验"));
    let row = |name: &str| {
        rows.iter()
            .find(|r| text(&r[0]) == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    // a1 completed the module on day 2 (2026-03-04): a real date cell, Excel day 46,085.
    match &row("成员ta1")[m] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), 46_085.0),
        other => panic!("a date, got {other:?}"),
    }
    assert_eq!(text(&row("成员ta2")[m]), "✗");
    assert_eq!(
        text(&row("成员ta2")[q]),
        "✗",
        "a failed exam is not completed"
    );
    assert_eq!(text(&row("成员ta4")[q]), "✗");
    assert_eq!(text(&row("成员ta4")[header.len() - 1]), "2");
    assert_eq!(rows.len() - 4, 4, "a row per member of branch A");
    let xml = sheet_xml(&r.bytes, 1);
    assert!(
        xml.contains(r#"ySplit="4""#) && xml.contains(r#"state="frozen""#),
        "frozen header"
    );
    assert!(xml.contains("<cols>"), "column widths");

    // The admin's matrix: a sheet per branch, B's c1 marked not assigned (—).
    let admin = app.signed_in("admin").await;
    let r = admin
        .get("/api/v1/exports/matrix?format=xlsx&period=2026-Q1")
        .await;
    let sheets = book(&r.bytes);
    let names: Vec<&str> = sheets.iter().map(|s| s.0.as_str()).collect();
    assert!(
        names.contains(&"测试甲支部") && names.contains(&"测试乙支部"),
        "{names:?}"
    );
    let b = &sheets.iter().find(|s| s.0 == "测试乙支部").unwrap().1;
    let header: Vec<String> = b[3].iter().map(text).collect();
    let m = header.iter().position(|h| h == "示例专题").unwrap();
    let c1 = b.iter().find(|r| text(&r[0]) == "成员tc1").unwrap();
    assert_eq!(text(&c1[m]), "—");
    // Out of scope and wrong formats are refused.
    let r = oa
        .get(&format!(
            "/api/v1/exports/matrix?format=xlsx&unit=branch&unit_id={}",
            ex.b
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = admin.get("/api/v1/exports/matrix?format=csv").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn report_export_for_a_named_period(app: TestApp) {
    let ex = example_alone(&app).await;
    let admin = app.signed_in("admin").await;
    let r = admin
        .get("/api/v1/exports/report?format=xlsx&period=2026-Q1")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cd = r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.contains(&pct("_季度督导报告_2026年第1季度.xlsx")),
        "{cd}"
    );
    let sheets = book(&r.bytes);
    assert_eq!(
        sheets.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["季度督导报告", "按学习专题与答题", "未完成名单"]
    );
    let rows = &sheets[0].1;
    assert_eq!(text(&rows[0][0]), "季度督导报告");
    assert_eq!(
        text(&rows[1][0]),
        "统计周期：2026年第1季度（2026-01-01至2026-03-31）"
    );
    assert_eq!(text(&rows[3][0]), "上一周期没有学习或答题数据，不作比较");
    let a = rows.iter().find(|r| text(&r[1]) == "测试甲支部").unwrap();
    assert_eq!(
        text(&a[4]),
        "4",
        "completed member × item pairs in branch A"
    );
    assert_eq!(a[8], Data::Empty, "no trend without a previous period");
    let list = &sheets[2].1;
    assert_eq!(text(&list[3][2]), "姓名");
    let named: Vec<String> = list
        .iter()
        .filter(|r| text(&r[1]) == "测试甲支部")
        .map(|r| text(&r[2]))
        .collect();
    assert_eq!(named, ["成员ta2", "成员ta4"]);
    // The quarter after compares with this one, which has data.
    let r = admin
        .get("/api/v1/exports/report?format=csv&period=2026-Q2")
        .await;
    let csv = String::from_utf8(r.bytes.clone()).unwrap();
    assert!(
        csv.contains("统计周期：2026年第2季度（2026-04-01至2026-06-30）"),
        "{csv}"
    );
    assert!(!csv.contains("不作比较"), "2026-Q1 has data");
    let _ = ex;
}

async fn a_reminder_is_sent_once_a_day(app: TestApp) {
    let ex = example_alone(&app).await;
    let admin = app.signed_in("admin").await;
    let body = json!({"item_kind": "module", "item_id": ex.module});
    // a2 and a4 have not completed the module (a1, a3 and b1 have).
    let r = admin.post("/api/v1/reminders", body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json(), json!({"recipients": 2, "already_reminded": 0}));
    // The same reminder again the same day is refused, and nothing is written.
    let r = admin.post("/api/v1/reminders", body.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "already_reminded");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("今天已经提醒过2名"));
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'reminder' AND item_id = $1",
    )
    .bind(ex.module)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 2);
    let log = admin.get_ok("/api/v1/audit?entity=reminder").await;
    assert_eq!(log["total"], 1);
    // A member new to branch A gets it; the two already reminded are counted, not
    // reminded again.
    sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, branch_id, \
         active, must_change_password, created_at, updated_at) \
         SELECT 'ta5', '成员ta5', password_hash, 'member', $1, 1, 0, 0, 0 FROM users \
         WHERE username = 'm001'",
    )
    .bind(ex.a)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let r = admin.post("/api/v1/reminders", body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json(), json!({"recipients": 1, "already_reminded": 2}));
    // Another item is another reminder.
    let r = admin
        .post(
            "/api/v1/reminders",
            json!({"item_kind": "quiz", "item_id": ex.quiz}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // a2 (failed it), a4 and the new ta5.
    assert_eq!(r.json()["recipients"], 3);
}
