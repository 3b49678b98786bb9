//! Question files in and out through the API: an organizer's XLSX bank previewed, confirmed
//! and imported in the background; the same file again changes nothing; problems by row
//! block the import and write nothing; unreadable files; 10,000 questions with progress;
//! export of a category in every format, which imports back unchanged; scope.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    an_organizers_xlsx_bank_is_previewed_imported_and_reimported_unchanged,
    problems_block_the_import_and_nothing_is_written,
    unreadable_files_are_refused_with_a_code,
    ten_thousand_questions_import_in_the_background,
    exports_in_every_format_import_back_unchanged,
    imports_and_exports_stay_in_scope,
    confirming_checks_the_bank_again_and_writes_nothing_on_a_conflict,
);

const HEADER: [&str; 12] = [
    "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "出处", "分类", "难度",
    "标签",
];

/// An organizer's sheet: the template's header, one row per question.
fn xlsx(rows: &[[&str; 12]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn branch_bank() -> Vec<u8> {
    xlsx(&[
        [
            "单选",
            "党的根本宗旨是（  ）。",
            "全心全意为人民服务",
            "发展生产力",
            "实现共产主义",
            "",
            "A",
            "党章总纲。",
            "《中国共产党章程》",
            "支部题库",
            "1",
            "党章",
        ],
        [
            "多选",
            "“四个意识”包括（  ）。",
            "政治意识",
            "大局意识",
            "核心意识",
            "服务意识",
            "ABC",
            "另有看齐意识。",
            "党的十八届六中全会",
            "支部题库",
            "2",
            "理论",
        ],
        [
            "判断",
            "党员可以不参加组织生活。",
            "",
            "",
            "",
            "",
            "错",
            "党员必须参加组织生活。",
            "《中国共产党章程》第四条",
            "支部题库",
            "1",
            "",
        ],
        [
            "填空",
            "做到“____”。",
            "",
            "",
            "",
            "",
            "两个维护",
            "坚决做到两个维护。",
            "2023年工作要点",
            "支部题库",
            "2",
            "",
        ],
        [
            "单选",
            "三会一课中的“一课”是（  ）。",
            "党课",
            "团课",
            "班课",
            "",
            "A",
            "按时上好党课。",
            "《中国共产党支部工作条例》",
            "支部题库",
            "3",
            "",
        ],
    ])
}

async fn upload(c: &Client<'_>, query: &str, bytes: Vec<u8>) -> crate::helpers::TestResponse {
    c.upload(&format!("/api/v1/question-imports?{query}"), bytes)
        .await
}

/// Confirms an import and waits for it to finish; returns the final job.
async fn confirm_and_wait(c: &Client<'_>, id: i64) -> Value {
    let r = c
        .post(&format!("/api/v1/question-imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    assert_eq!(r.json()["state"], "running");
    wait(c, id).await
}

async fn wait(c: &Client<'_>, id: i64) -> Value {
    let start = Instant::now();
    loop {
        let job = c.get_ok(&format!("/api/v1/question-imports/{id}")).await;
        let done = job["done"].as_i64().unwrap();
        assert!(done <= job["total"].as_i64().unwrap());
        if job["state"] != "running" {
            return job;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "import never ended"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn branch_questions(app: &TestApp, branch: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM questions WHERE owner_branch_id = $1")
        .bind(branch)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    n
}

async fn an_organizers_xlsx_bank_is_previewed_imported_and_reimported_unchanged(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let query = format!("file_name=%E9%A2%98%E5%BA%93.xlsx&branch_id={branch}");
    let r = upload(&org1, &query, branch_bank()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let preview = r.json();
    assert_eq!(preview["format"], "xlsx");
    assert_eq!(preview["state"], "preview");
    assert_eq!(
        preview["added"],
        json!({ "single": 2, "multiple": 1, "true_false": 1, "fill_in": 1 })
    );
    assert_eq!(preview["unchanged"], 0);
    assert_eq!(preview["new_categories"], json!(["支部题库"]));
    assert_eq!(preview["problems"], json!([]));
    // The preview wrote nothing to the bank.
    assert_eq!(branch_questions(&app, branch).await, 0);

    let job = confirm_and_wait(&org1, preview["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        (job["done"].as_i64(), job["total"].as_i64()),
        (Some(5), Some(5))
    );
    assert_eq!(branch_questions(&app, branch).await, 5);
    // The organizer's editor lists them as editable, owned by the branch.
    let list = org1
        .get_ok("/api/v1/questions?q=%E5%9B%9B%E4%B8%AA%E6%84%8F%E8%AF%86")
        .await;
    assert_eq!(list["items"][0]["owner"]["branch_id"], branch);
    assert_eq!(list["items"][0]["editable"], true);
    // Confirming twice is refused.
    let r = org1
        .post(
            &format!("/api/v1/question-imports/{}/confirm", preview["id"]),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "import_not_pending");

    // The same file again: nothing to add or update.
    let again = upload(&org1, &query, branch_bank()).await.json();
    assert_eq!(again["unchanged"], 5, "{again}");
    assert_eq!(
        again["added"],
        json!({ "single": 0, "multiple": 0, "true_false": 0, "fill_in": 0 })
    );
    let job = confirm_and_wait(&org1, again["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "done");
    assert_eq!(branch_questions(&app, branch).await, 5);
}

async fn problems_block_the_import_and_nothing_is_written(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let bad = xlsx(&[
        [
            "单选",
            "好题。",
            "甲",
            "乙",
            "",
            "",
            "A",
            "解析。",
            "出处",
            "支部题库",
            "",
            "",
        ],
        [
            "单选",
            "答案超出选项。",
            "甲",
            "乙",
            "",
            "",
            "D",
            "解析。",
            "出处",
            "支部题库",
            "",
            "",
        ],
        [
            "多选",
            "",
            "甲",
            "乙",
            "丙",
            "",
            "AB",
            "解析。",
            "出处",
            "支部题库",
            "",
            "",
        ],
        [
            "连线",
            "不支持的题型。",
            "",
            "",
            "",
            "",
            "A",
            "解析。",
            "出处",
            "支部题库",
            "",
            "",
        ],
    ]);
    let r = upload(
        &org1,
        &format!("file_name=bad.xlsx&branch_id={branch}"),
        bad,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let preview = r.json();
    let lines: Vec<i64> = preview["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_i64().unwrap())
        .collect();
    // Rows as Excel numbers them: the header is row 1.
    assert!(lines.contains(&3), "{preview}");
    assert!(lines.contains(&4), "{preview}");
    assert!(preview["problems"][0]["location"]
        .as_str()
        .unwrap()
        .starts_with("第"));
    let before = app.count("questions").await;
    let r = org1
        .post(
            &format!("/api/v1/question-imports/{}/confirm", preview["id"]),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "import_has_problems");
    assert_eq!(app.count("questions").await, before);
    assert_eq!(app.count("question_categories").await, {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM question_categories")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        n
    });

    // No category in the file and none chosen: each such row is a problem.
    let csv =
        "\u{feff}题型,题干,选项A,选项B,答案,解析,出处\n单选,无分类的题。,甲,乙,A,解析。,出处\n";
    let r = upload(
        &org1,
        &format!("file_name=a.csv&branch_id={branch}"),
        csv.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r.json()["problems"][0]["field"], "category", "{}", r.text());
    // Choosing a category fixes it.
    let cats = org1.get_ok("/api/v1/question-categories").await;
    let cat = cats[0]["id"].as_i64().unwrap();
    let r = upload(
        &org1,
        &format!("file_name=a.csv&branch_id={branch}&category_id={cat}"),
        csv.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r.json()["problems"], json!([]), "{}", r.text());
    assert_eq!(r.json()["added"]["single"], 1);
}

async fn unreadable_files_are_refused_with_a_code(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let q = |name: &str| format!("file_name={name}&branch_id={branch}");
    // "题型,题干" in GBK.
    let gbk = vec![0xCC, 0xE2, 0xD0, 0xCD, b',', 0xCC, 0xE2, 0xB8, 0xC9, b'\n'];
    let mut truncated = branch_bank();
    truncated.truncate(truncated.len() / 2);
    let cases: Vec<(String, Vec<u8>, &str)> = vec![
        (q("a.csv"), gbk, "not_utf8"),
        (q("a.xlsx"), truncated, "truncated"),
        (
            q("a.xml"),
            b"<?xml version=\"1.0\"?><quiz><question type=\"multichoice\">".to_vec(),
            "truncated",
        ),
        (
            q("a.bin"),
            vec![0u8, 159, 146, 150, 1, 2, 3],
            "unknown_format",
        ),
        (q("a.csv"), b"name,age\nx,1\n".to_vec(), "wrong_columns"),
        (q("a.csv"), Vec::new(), "empty"),
        // A workbook of under half a megabyte whose shared strings unpack to 200 MB.
        (
            q("a.xlsx"),
            crate::xlsx_bomb::members_xlsx_bomb(200),
            "too_large",
        ),
    ];
    let before = app.count("question_imports").await;
    for (query, bytes, code) in cases {
        let r = upload(&org1, &query, bytes).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{code}: {}", r.text());
        assert_eq!(r.code(), code, "{}", r.text());
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(app.count("question_imports").await, before);
}

async fn ten_thousand_questions_import_in_the_background(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let mut csv = String::from("\u{feff}题型,题干,选项A,选项B,选项C,答案,解析,出处,分类,难度\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "单选,第{i}题：以下哪项正确？,甲{i},乙{i},丙{i},B,解析{i}。,出处{i},大题库{},{}\n",
            i % 7,
            i % 3 + 1
        ));
    }
    let started = Instant::now();
    let r = upload(
        &org1,
        &format!("file_name=big.csv&branch_id={branch}"),
        csv.into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let preview = r.json();
    assert_eq!(preview["added"]["single"], 10_000);
    assert_eq!(preview["new_categories"].as_array().unwrap().len(), 7);
    let id = preview["id"].as_i64().unwrap();
    let r = org1
        .post(&format!("/api/v1/question-imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    // While it runs, other members keep working: a read answers.
    let member = app.signed_in("m001").await;
    assert_eq!(member.get("/api/v1/quizzes").await.status, StatusCode::OK);
    let job = wait(&org1, id).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["done"], 10_000);
    assert_eq!(branch_questions(&app, branch).await, 10_000);
    eprintln!(
        "10,000-question import ({:?}): {:?}",
        app.db.kind,
        started.elapsed()
    );
}

async fn exports_in_every_format_import_back_unchanged(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let query = format!("file_name=bank.xlsx&branch_id={branch}");
    let preview = upload(&org1, &query, branch_bank()).await.json();
    confirm_and_wait(&org1, preview["id"].as_i64().unwrap()).await;
    let cats = org1.get_ok("/api/v1/question-categories").await;
    let cat = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "支部题库")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    for (format, ext) in [
        ("xlsx", "xlsx"),
        ("csv", "csv"),
        ("toml", "toml"),
        ("gift", "txt"),
        ("moodle_xml", "xml"),
    ] {
        let r = org1
            .get(&format!(
                "/api/v1/question-exports?format={format}&category_id={cat}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text());
        let disposition = r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.contains(&format!(".{ext}")), "{disposition}");
        let r = upload(
            &org1,
            &format!("file_name=export.{ext}&branch_id={branch}"),
            r.bytes.clone(),
        )
        .await;
        let p = r.json();
        assert_eq!(p["problems"], json!([]), "{format}: {p}");
        assert_eq!(p["unchanged"], 5, "{format}: {p}");
        assert_eq!(p["added"]["single"], 0, "{format}: {p}");
    }
    // A selection.
    let ids: Vec<i64> = org1.get_ok("/api/v1/questions?per_page=2").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    let r = org1
        .get(&format!(
            "/api/v1/question-exports?format=csv&ids={},{}",
            ids[0], ids[1]
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8(r.bytes.clone()).unwrap();
    assert!(text.starts_with('\u{feff}'), "Excel needs the BOM");
    assert_eq!(text.lines().count(), 3);
}

async fn imports_and_exports_stay_in_scope(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    let preview = upload(
        &org1,
        &format!("file_name=b.xlsx&branch_id={branch}"),
        branch_bank(),
    )
    .await
    .json();
    let id = preview["id"].as_i64().unwrap();
    // Another organizer neither sees nor confirms it.
    assert_eq!(
        org2.get(&format!("/api/v1/question-imports/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        org2.post(&format!("/api/v1/question-imports/{id}/confirm"), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Nor imports into a branch that is not theirs, nor into the organization's bank.
    for q in [
        format!("file_name=b.xlsx&branch_id={branch}"),
        "file_name=b.xlsx".to_string(),
    ] {
        let r = upload(&org2, &q, branch_bank()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["details"][0]["field"], "owner");
    }
    confirm_and_wait(&org1, id).await;
    // Exports only hold what the caller sees.
    let ids: Vec<String> = org1.get_ok("/api/v1/questions?q=%E5%85%9A").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["owner"]["branch_id"] == branch)
        .map(|q| q["id"].to_string())
        .collect();
    assert!(!ids.is_empty());
    let r = org2
        .get(&format!(
            "/api/v1/question-exports?format=csv&ids={}",
            ids.join(",")
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "nothing_to_export");
    // Members have no part in it.
    let member = app.signed_in("m001").await;
    assert_eq!(
        upload(&member, "file_name=b.xlsx", branch_bank())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        member
            .get("/api/v1/question-exports?format=csv")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn confirming_checks_the_bank_again_and_writes_nothing_on_a_conflict(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let admin = app.signed_in("admin").await;
    let csv = "\u{feff}编号,题型,题干,选项A,选项B,答案,解析,出处,分类\n\
               imp-1,单选,第一题？,甲,乙,A,解析。,出处,冲突测试\n\
               imp-2,单选,第二题？,甲,乙,B,解析。,出处,冲突测试\n";
    let mine = upload(
        &org1,
        &format!("file_name=a.csv&branch_id={branch}"),
        csv.as_bytes().to_vec(),
    )
    .await
    .json();
    assert_eq!(mine["problems"], json!([]), "{mine}");
    // Meanwhile the admin imports the same ids into the organization's bank.
    let theirs = upload(&admin, "file_name=a.csv", csv.as_bytes().to_vec())
        .await
        .json();
    let done = confirm_and_wait(&admin, theirs["id"].as_i64().unwrap()).await;
    assert_eq!(done["state"], "done");
    let before = app.count("questions").await;
    let r = org1
        .post(
            &format!("/api/v1/question-imports/{}/confirm", mine["id"]),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "import_has_problems");
    assert_eq!(app.count("questions").await, before);
    assert_eq!(branch_questions(&app, branch).await, 0);
    // The import stays a preview; a fresh upload lists the conflicts by line.
    let again = upload(
        &org1,
        &format!("file_name=a.csv&branch_id={branch}"),
        csv.as_bytes().to_vec(),
    )
    .await
    .json();
    let lines: Vec<i64> = again["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3], "{again}");
}
