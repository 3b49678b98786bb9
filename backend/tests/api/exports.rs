//! Exports of the dashboard, the members' progress and the reports: opened with a real
//! XLSX reader (calamine) and as CSV, and their numbers checked against the dashboard's.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    dashboard_xlsx_and_csv_match_the_dashboard,
    members_export_streams_every_member_in_scope,
    members_export_job_reports_progress_and_serves_its_file,
    export_jobs_live_in_the_database,
    report_export_matches_the_dashboard_of_both_periods,
    exports_check_role_scope_and_format,
);

fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            (n, range.rows().map(|r| r.to_vec()).collect())
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

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => f64::NAN,
    }
}

async fn dashboard_xlsx_and_csv_match_the_dashboard(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let period = "from=0&to=4102444800000";
    let d = admin.get_ok(&format!("/api/v1/dashboard?{period}")).await;
    let r = admin
        .get(&format!("/api/v1/exports/dashboard?format=xlsx&{period}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let book = sheets(&r.bytes);
    assert_eq!(book[0].0, "各单位完成率");
    // A title row, the period and when it was generated, then the header.
    let rows = &book[0].1;
    assert_eq!(text(&rows[0][0]), "完成率看板 · 各单位完成率");
    assert!(text(&rows[1][0]).starts_with("统计周期："), "{:?}", rows[1]);
    assert!(text(&rows[2][0]).starts_with("生成时间："), "{:?}", rows[2]);
    assert_eq!(text(&rows[3][1]), "单位");
    assert_eq!(text(&rows[4][0]), "合计");
    assert_eq!(num(&rows[4][2]), d["total"]["assigned"].as_f64().unwrap());
    // Every branch's row carries the dashboard's figures.
    for b in d["branches"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|r| text(&r[1]) == b["name"].as_str().unwrap())
            .expect("a row per branch");
        assert_eq!(num(&row[2]), b["stats"]["assigned"].as_f64().unwrap());
        assert_eq!(num(&row[4]), b["stats"]["completed"].as_f64().unwrap());
        assert_eq!(
            num(&row[5]),
            b["stats"]["completion_rate"].as_f64().unwrap()
        );
    }
    // The items sheet: one total row per item at least.
    let items = &book[1].1;
    for it in d["items"].as_array().unwrap() {
        assert!(
            items
                .iter()
                .any(|r| text(&r[1]) == it["item"]["title"].as_str().unwrap()
                    && text(&r[2]) == "全部")
        );
    }
    let r = admin
        .get(&format!("/api/v1/exports/dashboard?format=csv&{period}"))
        .await;
    let csv = String::from_utf8(r.bytes.clone()).unwrap();
    assert!(csv.starts_with('\u{feff}'), "Excel needs the BOM");
    assert!(
        csv.contains("完成率看板 · 各单位完成率\r\n统计周期："),
        "{csv}"
    );
    assert!(csv.contains("\r\n类别,单位,应完成"));
}

async fn members_export_streams_every_member_in_scope(app: TestApp) {
    let org1 = app.signed_in("org1").await;
    let r = org1.get("/api/v1/exports/members?format=csv").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let csv = String::from_utf8(r.bytes.clone()).unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(lines[0].starts_with("\u{feff}单位类别,单位,姓名,账号"));
    // org1 looks after the first two branches: every active account of those (organizers
    // are members of their branch too), once.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users u JOIN branches b ON b.id = u.branch_id \
         WHERE u.role <> 'admin' AND u.active = 1 AND b.name IN ('机关第一党支部', '机关第二党支部')",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(lines.len() as i64 - 1, n, "{csv}");
    assert!(lines[1..]
        .iter()
        .all(|l| l.contains("机关第一党支部") || l.contains("机关第二党支部")));
    // One unit as XLSX: the same members as its drill-down.
    let branch = app.id_of("branches", "机关第一党支部").await;
    let unit = org1
        .get_ok(&format!("/api/v1/dashboard/branches/{branch}/members"))
        .await;
    let r = org1
        .get(&format!(
            "/api/v1/exports/members?format=xlsx&unit=branch&unit_id={branch}"
        ))
        .await;
    let book = sheets(&r.bytes);
    let rows = &book[0].1;
    assert_eq!(rows.len() - 1, unit["members"].as_array().unwrap().len());
    let first = &unit["members"][0];
    assert_eq!(text(&rows[1][3]), first["username"].as_str().unwrap());
    assert_eq!(
        num(&rows[1][5]),
        first["unfinished"].as_array().unwrap().len() as f64
    );
}

/// Polls an export job until it has ended.
async fn finished(user: &crate::helpers::Client<'_>, id: i64) -> Value {
    for _ in 0..200 {
        let job = user.get_ok(&format!("/api/v1/exports/jobs/{id}")).await;
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("export job {id} did not end");
}

async fn members_export_job_reports_progress_and_serves_its_file(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let direct = admin.get("/api/v1/exports/members?format=csv").await;
    assert_eq!(direct.status, StatusCode::OK, "{}", direct.text());
    let r = admin
        .post(
            "/api/v1/exports/members/jobs?format=csv",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let started = r.json();
    assert_eq!(started["state"], "running");
    assert_eq!(started["file_name"], "成员完成情况.csv");
    let (branches,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM branches")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(started["units_total"], branches);
    let id = started["id"].as_i64().unwrap();
    let job = finished(&admin, id).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["units_done"], branches);
    // Every member of every branch, the same file as the plain download.
    let file = admin.get(&format!("/api/v1/exports/jobs/{id}/file")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, direct.bytes);
    let lines = String::from_utf8(file.bytes.clone()).unwrap();
    assert_eq!(
        job["rows"].as_i64().unwrap(),
        lines.trim_end().split("\r\n").count() as i64 - 1
    );
    // Someone else's job is not there for them.
    let org1 = app.signed_in("org1").await;
    assert_eq!(
        org1.get(&format!("/api/v1/exports/jobs/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        org1.get(&format!("/api/v1/exports/jobs/{id}/file"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // XLSX for one of org1's branches: opened by calamine, one row per member.
    let branch = app.id_of("branches", "机关第一党支部").await;
    let r = org1
        .post(
            &format!("/api/v1/exports/members/jobs?format=xlsx&unit=branch&unit_id={branch}"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let job = finished(&org1, id).await;
    assert_eq!(
        (job["state"].as_str(), job["units_total"].as_i64()),
        (Some("done"), Some(1))
    );
    let file = org1.get(&format!("/api/v1/exports/jobs/{id}/file")).await;
    let rows = &sheets(&file.bytes)[0].1;
    assert_eq!(text(&rows[0][0]), "单位类别");
    assert_eq!(rows.len() as i64 - 1, job["rows"].as_i64().unwrap());
    let unit = org1
        .get_ok(&format!("/api/v1/dashboard/branches/{branch}/members"))
        .await;
    assert_eq!(rows.len() - 1, unit["members"].as_array().unwrap().len());
    // A unit outside org2's scope cannot be exported; a bad format is refused.
    let org2 = app.signed_in("org2").await;
    let r = org2
        .post(
            &format!("/api/v1/exports/members/jobs?format=csv&unit=branch&unit_id={branch}"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = admin
        .post(
            "/api/v1/exports/members/jobs?format=pdf",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "validation_failed");
}

/// A job row as another instance would have left it: running for `runner`, last alive at
/// `heartbeat_at`.
async fn foreign_job(app: &TestApp, user_id: i64, runner: &str, heartbeat_at: i64) -> i64 {
    let now = backend::db::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (user_id, kind, status, units_total, file_name, format, runner, \
           heartbeat_at, created_at, updated_at) \
         VALUES ($1, 'members_export', 'running', 4, '成员完成情况.csv', 'csv', $2, $3, $4, $4) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(runner)
    .bind(heartbeat_at)
    .bind(now)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

/// Jobs are rows: a job whose instance stopped beating reads as failed with a code and no
/// longer counts; running jobs of any instance count against the limit; a file of several
/// chunks is streamed back whole; housekeeping removes jobs past their retention.
async fn export_jobs_live_in_the_database(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let uid = app.user_id("admin").await;
    let now = backend::db::now_ms();
    // An instance that died 31 s after its last heartbeat.
    let dead = foreign_job(&app, uid, "gone-1", now - 31_000).await;
    let job = admin.get_ok(&format!("/api/v1/exports/jobs/{dead}")).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(job["error"].as_str().unwrap().contains("中断"), "{job}");
    let file = admin
        .get(&format!("/api/v1/exports/jobs/{dead}/file"))
        .await;
    assert_eq!(file.status, StatusCode::CONFLICT);
    assert_eq!(file.code(), "export_interrupted");
    // Two jobs running on other, live instances (PostgreSQL): a third is refused here. On
    // SQLite, which one process serves, another runner is a process that died.
    let live = foreign_job(&app, uid, "elsewhere-1", now).await;
    foreign_job(&app, uid, "elsewhere-2", now).await;
    let start = "/api/v1/exports/members/jobs?format=csv";
    if app.db.kind == backend::db::DbKind::Sqlite {
        let job = admin.get_ok(&format!("/api/v1/exports/jobs/{live}")).await;
        assert_eq!(job["state"], "failed", "{job}");
        let r = admin.post(start, serde_json::json!({})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    } else {
        let r = admin.post(start, serde_json::json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.code(), "export_busy");
        let job = admin.get_ok(&format!("/api/v1/exports/jobs/{live}")).await;
        assert_eq!(job["state"], "running");
        let file = admin
            .get(&format!("/api/v1/exports/jobs/{live}/file"))
            .await;
        assert_eq!(file.code(), "export_not_ready");
        // Once their instances stop beating, they no longer count.
        sqlx::query("UPDATE jobs SET heartbeat_at = $1 WHERE runner LIKE 'elsewhere-%'")
            .bind(now - 60_000)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let r = admin.post(start, serde_json::json!({})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
        let (state,): (String,) = sqlx::query_as("SELECT status FROM jobs WHERE id = $1")
            .bind(live)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(state, "failed");
    }
    // A stored file of three chunks (the last one short) comes back whole, in order.
    let (done_id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (user_id, kind, status, units_total, units_done, file_name, format, \
           file_size, runner, heartbeat_at, created_at, updated_at) \
         VALUES ($1, 'members_export', 'done', 1, 1, '成员完成情况.csv', 'csv', $2, 'x', $3, $3, $3) \
         RETURNING id",
    )
    .bind(uid)
    .bind((2 * 1_048_576 + 5) as i64)
    .bind(now)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let mut whole = Vec::new();
    for (seq, len) in [(0i64, 1_048_576usize), (1, 1_048_576), (2, 5)] {
        let bytes: Vec<u8> = (0..len).map(|i| (i as i64 * 7 + seq) as u8).collect();
        whole.extend_from_slice(&bytes);
        sqlx::query("INSERT INTO job_files (job_id, seq, bytes) VALUES ($1, $2, $3)")
            .bind(done_id)
            .bind(seq)
            .bind(bytes)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let file = admin
        .get(&format!("/api/v1/exports/jobs/{done_id}/file"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes.len(), whole.len());
    assert!(
        file.bytes == whole,
        "the chunks came back out of order or changed"
    );
    // Past the hour's retention, housekeeping removes jobs and their chunks.
    sqlx::query("UPDATE jobs SET created_at = $1")
        .bind(now - 3_600_001)
        .execute(&app.db.pool)
        .await
        .unwrap();
    backend::domain::export_jobs::sweep(&app.db).await.unwrap();
    assert_eq!(app.count("job_files").await, 0);
    assert_eq!(
        admin
            .get(&format!("/api/v1/exports/jobs/{done_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn report_export_matches_the_dashboard_of_both_periods(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let (prev, from, to) = (1_000i64, 2_000_000i64, 4_102_444_800_000i64);
    let now: Value = admin
        .get_ok(&format!("/api/v1/dashboard?from={from}&to={to}"))
        .await;
    let r = admin
        .get(&format!(
            "/api/v1/exports/report?format=xlsx&kind=quarter&from={from}&to={to}&previous_from={prev}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let book = sheets(&r.bytes);
    assert_eq!(book[0].0, "季度督导报告");
    let rows = &book[0].1;
    assert_eq!(text(&rows[0][0]), "季度督导报告");
    // The period before (from 1970) has nothing to compare with; the report says so.
    assert_eq!(text(&rows[3][0]), "上一周期没有学习或答题数据，不作比较");
    assert_eq!(text(&rows[4][7]), "未完成人次");
    let total = &now["total"];
    assert_eq!(num(&rows[5][2]), total["assigned"].as_f64().unwrap());
    assert_eq!(
        num(&rows[5][7]),
        total["assigned"].as_f64().unwrap() - total["completed"].as_f64().unwrap()
    );
    assert_eq!(
        rows.len() - 5,
        1 + now["branches"].as_array().unwrap().len()
            + now["youth_groups"].as_array().unwrap().len()
    );
}

async fn exports_check_role_scope_and_format(app: TestApp) {
    let member = app.signed_in("m001").await;
    assert_eq!(
        member
            .get("/api/v1/exports/dashboard?format=csv")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let org2 = app.signed_in("org2").await;
    let branch = app.id_of("branches", "机关第一党支部").await;
    let r = org2
        .get(&format!(
            "/api/v1/exports/members?format=csv&unit=branch&unit_id={branch}"
        ))
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.text()
    );
    let admin = app.signed_in("admin").await;
    for q in [
        "dashboard?format=pdf",
        "members?format=csv&unit=cell&unit_id=1",
        "report?format=xlsx&kind=decade&from=2&to=3&previous_from=1",
    ] {
        let r = admin.get(&format!("/api/v1/exports/{q}")).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{q}: {}",
            r.text()
        );
    }
    // A reversed period is refused as the dashboard refuses it.
    let r = admin
        .get("/api/v1/exports/report?format=xlsx&kind=quarter&from=3&to=2&previous_from=1")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.code(), "invalid_period");
}
