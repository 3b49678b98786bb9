//! Question imports that keep faith with their files (issue 22), through the API with files
//! written the way their authors' tools write them (`backend/tests/fixtures/question_import`,
//! and a workbook built here the way 党建 organizers lay theirs out):
//! - GIFT titles are names: a second Moodle file whose titles repeat the first's adds its
//!   questions and changes none; a re-import is recognised by content; an organizer's
//!   import is not refused because the organization's bank holds the same file; a changed
//!   question is listed with its old and new version;
//! - feedback becomes the explanation, never a placeholder;
//! - a workbook with a title row, 序号, no 出处, one sheet per kind, a date cell, a 简答题
//!   and a repeated question imports as its author expects, sheet by sheet;
//! - Beacon's own TOML export imports back without duplicates whatever its ids;
//! - a file whose every question is skipped answers with its preview;
//! - Moodle XML: category paths stay whole, cloze reads like multianswer, each choice
//!   gap's feedback stays with its option;
//! - a GIFT file and a Moodle XML file as Moodle's exporter writes them (every kind,
//!   escapes, entities, weights, feedback of every sort, kinds Beacon skips) import as
//!   their authors expect;
//! - the server keeps answering while a file is read; an import whose process died can be
//!   confirmed again; previews nobody confirmed are deleted after a day.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    gift_titles_are_names_and_reimports_match_by_content,
    feedback_is_the_explanation_and_nothing_is_invented,
    an_organizers_workbook_imports_as_its_author_expects,
    a_toml_export_imports_back_without_duplicates,
    a_file_whose_every_question_is_skipped_answers_with_its_preview,
    moodle_xml_keeps_category_paths_and_reads_cloze,
    the_server_answers_while_a_file_is_read,
    an_import_whose_process_died_or_failed_can_be_confirmed_again,
    previews_nobody_confirmed_are_deleted_after_a_day,
    a_gift_file_as_moodles_exporter_writes_it_imports_as_its_author_expects,
    a_moodle_xml_export_imports_as_its_author_expects,
);

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/question_import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn upload(c: &Client<'_>, query: &str, bytes: Vec<u8>) -> Value {
    let r = c
        .upload(&format!("/api/v1/question-imports?{query}"), bytes)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn confirm_and_wait(c: &Client<'_>, id: i64) -> Value {
    let r = c
        .post(&format!("/api/v1/question-imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let start = Instant::now();
    loop {
        let job = c.get_ok(&format!("/api/v1/question-imports/{id}")).await;
        if job["state"] != "running" {
            assert_eq!(job["state"], "done", "{job}");
            return job;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "import never ended"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn id(job: &Value) -> i64 {
    job["id"].as_i64().unwrap()
}

/// (kind, category, explanation) of every question with this stem.
async fn stored(app: &TestApp, stem: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT q.kind, c.name, q.explanation FROM questions q \
         JOIN question_categories c ON c.id = q.category_id WHERE q.stem = $1 ORDER BY q.id",
    )
    .bind(stem)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn gift_titles_are_names_and_reimports_match_by_content(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let a = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    assert_eq!(a["problems"], json!([]), "{a}");
    assert_eq!(a["added"]["true_false"], 1);
    assert_eq!(a["added"]["single"], 1);
    confirm_and_wait(&admin, id(&a)).await;
    let before = app.count("questions").await;

    // File B repeats A's titles (Q1, Q2) for different questions: it adds them and changes
    // nothing of A's. Its repeated Q2 is a warning, not a blocking problem.
    let b = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    assert_eq!(b["problems"], json!([]), "{b}");
    assert_eq!(b["changes"], json!([]), "{b}");
    assert_eq!(b["updated"]["true_false"], 0);
    assert_eq!(b["added"]["single"], 1, "{b}");
    assert_eq!(b["added"]["true_false"], 1, "{b}");
    assert_eq!(b["warnings"].as_array().unwrap().len(), 1, "{b}");
    confirm_and_wait(&admin, id(&b)).await;
    assert_eq!(app.count("questions").await, before + 2);
    let tf = stored(&app, "预备党员的预备期为一年。").await;
    assert_eq!(tf.len(), 1);
    assert_eq!(
        (tf[0].0.as_str(), tf[0].1.as_str()),
        ("true_false", "默认/党章")
    );

    // The same file again: recognised by content, nothing to write.
    let again = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    assert_eq!(again["unchanged"], 2, "{again}");
    assert_eq!(again["total"], 0, "{again}");

    // An organizer imports the same file into a branch: not refused because the
    // organization's bank has it; the branch gets its own copies.
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let mine = upload(
        &org1,
        &format!("file_name=a.gift&branch_id={branch}"),
        fixture("moodle_branch_a.gift"),
    )
    .await;
    assert_eq!(mine["problems"], json!([]), "{mine}");
    assert_eq!(mine["added"]["true_false"], 1, "{mine}");
    confirm_and_wait(&org1, id(&mine)).await;
    assert_eq!(stored(&app, "预备党员的预备期为一年。").await.len(), 2);

    // An edited explanation changes the stored question in place, and the preview shows
    // both versions before anything is written.
    let edited = String::from_utf8(fixture("moodle_branch_a.gift"))
        .unwrap()
        .replace("见党章第十条。", "见党章第十条：党的最高领导机关。");
    let p = upload(&admin, "file_name=a.gift", edited.into_bytes()).await;
    assert_eq!(p["updated"]["single"], 1, "{p}");
    let change = &p["changes"][0];
    assert_eq!(change["fields"], json!(["explanation"]), "{p}");
    assert!(change["before"]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("见党章第十条。"));
    assert!(change["after"]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("见党章第十条：党的最高领导机关。"));
    assert_eq!(change["before"]["key"], "A");
    assert_eq!(change["location"], "第9行");
    assert!(change["question_id"].as_i64().unwrap() > 0);
}

async fn feedback_is_the_explanation_and_nothing_is_invented(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let a = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    // File B has no feedback at all: counted, not invented.
    let b = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    assert_eq!(a["without_explanation"], 0, "{a}");
    assert_eq!(b["without_explanation"], 2, "{b}");
    assert_eq!(b["without_source"], 2, "{b}");
    confirm_and_wait(&admin, id(&a)).await;
    confirm_and_wait(&admin, id(&b)).await;
    let tf = stored(&app, "预备党员的预备期为一年。").await;
    assert_eq!(tf[0].2, "党章第七条规定：预备期为一年。");
    let single = stored(&app, "党的最高领导机关是（  ）。").await;
    assert_eq!(
        single[0].2,
        "见党章第十条。\nB：中央政治局在中央委员会全体会议闭会期间行使其职权。"
    );
    let none = stored(&app, "党员受到警告处分后一年内不得在党内提升职务。").await;
    assert_eq!(none[0].2, "");
    let (placeholders,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM questions WHERE explanation LIKE '%原题未附解析%'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(placeholders, 0);
}

/// A workbook as 党建 organizers keep them: an instructions sheet first; a sheet per kind
/// under a merged title row, with 序号 and without 出处; blanks as brackets; 判断 as
/// options A/B; multiple answers separated by ；; a date typed as a date; a 简答题; a
/// question repeated.
fn organizers_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let title = Format::new().set_bold();
    let help = wb.add_worksheet();
    help.set_name("填表说明").unwrap();
    help.write_string(0, 0, "各支部请按以下格式报送题目，每季度更新一次。")
        .unwrap();
    let write_rows = |sheet: &mut rust_xlsxwriter::Worksheet, first: u32, rows: &[&[&str]]| {
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string(first + r as u32, c as u16, *v).unwrap();
                }
            }
        }
    };
    let single = wb.add_worksheet();
    single.set_name("单选题").unwrap();
    single
        .merge_range(0, 0, 0, 6, "2023年度党建知识题库（单选题）", &title)
        .unwrap();
    write_rows(
        single,
        1,
        &[
            &[
                "序号",
                "题目",
                "选项A",
                "选项B",
                "选项C",
                "正确答案",
                "解析",
            ],
            &[
                "1",
                "党的根本宗旨是（　　）。",
                "全心全意为人民服务",
                "发展生产力",
                "实现共产主义",
                "A",
                "党章总纲。",
            ],
            &[
                "2",
                "“三会一课”中的“一课”是（  ）。",
                "党课",
                "团课",
                "班课",
                "Ａ",
                "",
            ],
            &[
                "3",
                "党的根本宗旨是（　　）。",
                "全心全意为人民服务",
                "发展生产力",
                "实现共产主义",
                "A",
                "党章总纲。",
            ],
        ],
    );
    let other = wb.add_worksheet();
    other.set_name("其他题型").unwrap();
    write_rows(
        other,
        0,
        &[
            &[
                "序号", "题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "备注",
            ],
            &[
                "1",
                "多选题",
                "“四个意识”包括（  ）。",
                "政治意识",
                "大局意识",
                "服务意识",
                "A；B",
                "",
                "",
            ],
            &[
                "2",
                "判断题",
                "党员可以不参加组织生活。",
                "正确",
                "错误",
                "",
                "B",
                "党员必须参加组织生活。",
                "",
            ],
            &[
                "3",
                "填空题",
                "党的最高理想和最终目标是实现(   )。",
                "",
                "",
                "",
                "共产主义",
                "",
                "",
            ],
            &[
                "4",
                "填空题",
                "中国共产党成立于（    ）。",
                "",
                "",
                "",
                "",
                "",
                "日期格式",
            ],
            &[
                "5",
                "简答题",
                "简述“两个确立”的决定性意义。",
                "",
                "",
                "",
                "略",
                "",
                "",
            ],
            &[
                "6",
                "判断题",
                "“三会一课”是党的组织生活基本制度。",
                "对",
                "错",
                "",
                "A",
                "",
                "",
            ],
            &[
                "7",
                "填空题",
                "党支部党员大会须有超过（  ）的有表决权的党员到会方可召开。",
                "",
                "",
                "",
                "",
                "",
                "百分比格式",
            ],
        ],
    );
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    other.write_number_with_format(4, 6, 7853.0, &date).unwrap();
    let percent = Format::new().set_num_format("0%");
    other.write_number_with_format(7, 6, 0.5, &percent).unwrap();
    wb.save_to_buffer().unwrap()
}

async fn an_organizers_workbook_imports_as_its_author_expects(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    let cats = org1.get_ok("/api/v1/question-categories").await;
    let cat = cats[0]["id"].as_i64().unwrap();
    let p = upload(
        &org1,
        &format!("file_name=%E9%A2%98%E5%BA%93.xlsx&branch_id={branch}&category_id={cat}"),
        organizers_workbook(),
    )
    .await;
    assert_eq!(p["problems"], json!([]), "{p}");
    assert_eq!(
        p["added"],
        json!({ "single": 2, "multiple": 1, "true_false": 2, "fill_in": 3 }),
        "{p}"
    );
    assert_eq!(p["ignored_columns"], json!(["序号", "备注"]));
    assert_eq!(p["without_explanation"], 6, "{p}");
    assert_eq!(p["without_source"], 8, "{p}");
    assert_eq!(p["skipped"].as_array().unwrap().len(), 1, "{p}");
    assert!(p["skipped"][0]["reason"].as_str().unwrap().contains("简答"));
    assert_eq!(p["skipped"][0]["location"], "工作表“其他题型”第6行");
    // The repeated question is a warning naming both rows, not a blocking problem.
    assert_eq!(p["warnings"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["warnings"][0]["location"], "工作表“单选题”第5行", "{p}");
    assert!(
        p["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("第3行"),
        "{p}"
    );
    let sheets: Vec<(String, bool)> = p["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["read"] == true))
        .collect();
    assert_eq!(
        sheets,
        vec![
            ("填表说明".to_string(), false),
            ("单选题".to_string(), true),
            ("其他题型".to_string(), true)
        ]
    );
    assert!(p["sheets"][0]["note"].as_str().unwrap().contains("表头"));
    confirm_and_wait(&org1, id(&p)).await;
    let (key,): (String,) =
        sqlx::query_as("SELECT answer_key FROM questions WHERE stem = '中国共产党成立于____。'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(key.contains("1921年7月1日"), "{key}");
    let (tf,): (String,) =
        sqlx::query_as("SELECT answer_key FROM questions WHERE stem = '党员可以不参加组织生活。'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(tf.contains("false"), "{tf}");
    // 判断 written with options 对/错 and answer A is true.
    let (tf,): (String,) = sqlx::query_as(
        "SELECT answer_key FROM questions WHERE stem = '“三会一课”是党的组织生活基本制度。'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(tf.contains("true"), "{tf}");
    // A percent cell is the text Excel shows, not 0.5.
    let (key,): (String,) = sqlx::query_as(
        "SELECT answer_key FROM questions WHERE stem LIKE '党支部党员大会须有超过____%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(key.contains("\"50%\""), "{key}");
}

async fn a_toml_export_imports_back_without_duplicates(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    // Ids as organizers write them: Chinese, capitals, spaces.
    let csv = "\u{feff}编号,题型,题干,选项A,选项B,答案,解析,出处,分类\n\
               党章-01,单选,党的根本宗旨是（  ）。,全心全意为人民服务,发展生产力,A,党章总纲。,党章,编号测试\n\
               Q 2,判断,党员应按期交纳党费。,,,对,党章第三条。,党章,编号测试\n";
    let q = format!("file_name=a.csv&branch_id={branch}");
    let p = upload(&org1, &q, csv.as_bytes().to_vec()).await;
    confirm_and_wait(&org1, id(&p)).await;
    let cats = org1.get_ok("/api/v1/question-categories").await;
    let cat = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "编号测试")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = org1
        .get(&format!(
            "/api/v1/question-exports?format=toml&category_id={cat}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("id = \"党章-01\""), "{}", r.text());
    let back = upload(
        &org1,
        &format!("file_name=export.toml&branch_id={branch}"),
        r.bytes.clone(),
    )
    .await;
    assert_eq!(back["problems"], json!([]), "{back}");
    assert_eq!(back["unchanged"], 2, "{back}");
    assert_eq!(back["total"], 0, "{back}");
}

async fn a_file_whose_every_question_is_skipped_answers_with_its_preview(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let gift = "::一::简述党的优良作风。{}\n\n::二::1921 年?{#1921:0}\n\n::三::配对。{=甲 -> 乙 =丙 -> 丁}\n";
    let p = upload(&admin, "file_name=skip.gift", gift.as_bytes().to_vec()).await;
    let reasons: Vec<&str> = p["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 3, "{p}");
    assert!(reasons[0].contains("问答题"));
    assert!(reasons[1].contains("数值题"));
    assert!(reasons[2].contains("匹配题"));
    assert_eq!(p["total"], 0);
}

async fn moodle_xml_keeps_category_paths_and_reads_cloze(app: TestApp) {
    let admin = app.signed_in("admin").await;
    // An existing category named like the paths' last segment stays untouched.
    let before = app.count("questions").await;
    let p = upload(&admin, "file_name=moodle.xml", fixture("moodle_export.xml")).await;
    assert_eq!(p["problems"], json!([]), "{p}");
    assert_eq!(p["added"]["single"], 2, "{p}");
    let mut cats: Vec<&str> = p["new_categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    cats.sort();
    assert_eq!(cats, vec!["理论学习/党章", "纪律教育/党章"], "{p}");
    let skipped = &p["skipped"][0]["reason"];
    assert!(
        skipped.as_str().unwrap().contains("第1空是NUMERICAL"),
        "{p}"
    );
    confirm_and_wait(&admin, id(&p)).await;
    assert_eq!(app.count("questions").await, before + 2);
    // The choice gap's per-option feedback (`#正确`, `#不对`) stays with its option.
    let cloze = stored(&app, "党的根本宗旨是（  ）。").await;
    assert_eq!(
        cloze,
        vec![(
            "single".to_string(),
            "理论学习/党章".to_string(),
            "党章总纲。\nA：正确\nB：不对".to_string()
        )]
    );
    let (explanation,): (String,) = sqlx::query_as(
        "SELECT explanation FROM questions q JOIN question_categories c ON c.id = q.category_id \
         WHERE c.name = '纪律教育/党章'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        explanation,
        "《中国共产党纪律处分条例》第八条。\nA：警告、严重警告、撤销党内职务、留党察看、开除党籍。"
    );
}

/// The worst time `/api/health` takes over `n` calls 10 ms apart, or until `stop` is set.
async fn probe_health(
    client: &Client<'_>,
    n: usize,
    stop: Option<&AtomicBool>,
) -> (Duration, usize) {
    let mut worst = Duration::ZERO;
    let mut probes = 0;
    while probes < n && !stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
        let started = Instant::now();
        let r = client.get("/api/health").await;
        assert_eq!(r.status, StatusCode::OK);
        worst = worst.max(started.elapsed());
        probes += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (worst, probes)
}

/// A big file is read on the blocking pool: `/api/health` keeps answering within 100 ms
/// (beyond what it takes on this machine right now without an import, so that a busy test
/// machine does not count against it). Read on the request's thread, as before, the file
/// held every probe for the whole parse.
async fn the_server_answers_while_a_file_is_read(app: TestApp) {
    let branch = app.id_of("branches", "机关第一党支部").await;
    let org1 = app.signed_in("org1").await;
    // 15,000 questions with long stems: about 14 MB, a second or more to read.
    let mut csv = String::from("\u{feff}题型,题干,选项A,选项B,选项C,答案,解析,出处,分类\n");
    let long = "坚持和加强党的全面领导，".repeat(25);
    for i in 0..15_000 {
        csv.push_str(&format!(
            "单选,第{i}题：{long}以下哪项正确？,甲{i},乙{i},丙{i},B,解析{i}。,出处{i},大题库\n"
        ));
    }
    let probe = app.anonymous();
    let (idle, _) = probe_health(&probe, 20, None).await;
    let done = AtomicBool::new(false);
    let query = format!("file_name=big.csv&branch_id={branch}");
    let importing = async {
        let p = upload(&org1, &query, csv.into_bytes()).await;
        done.store(true, Ordering::SeqCst);
        p
    };
    let (p, (worst, probes)) =
        tokio::join!(importing, probe_health(&probe, usize::MAX, Some(&done)));
    assert_eq!(p["added"]["single"], 15_000);
    eprintln!(
        "health during an import ({:?}): {probes} probes, worst {worst:?} (idle worst {idle:?})",
        app.db.kind
    );
    assert!(
        probes >= 3,
        "the file was read too fast to tell: {probes} probes"
    );
    assert!(
        worst < Duration::from_millis(100) + idle,
        "worst {worst:?}, idle worst {idle:?}"
    );
}

async fn an_import_whose_process_died_or_failed_can_be_confirmed_again(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let p = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    // The preview keeps what it read, not the file.
    let (payload, parsed): (i64, i64) = sqlx::query_as(
        "SELECT (CASE WHEN payload IS NULL THEN 0 ELSE 1 END), \
           (CASE WHEN parsed IS NULL THEN 0 ELSE 1 END) FROM question_imports WHERE id = $1",
    )
    .bind(id(&p))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((payload, parsed), (0, 1));
    // A process claimed it and died before writing: its transaction rolled back, the
    // record stays `running` with a heartbeat that stopped long ago.
    sqlx::query(
        "UPDATE question_imports SET state = 'running', runner = 'a-process-that-died', \
           heartbeat_at = 1 WHERE id = $1",
    )
    .bind(id(&p))
    .execute(&app.db.pool)
    .await
    .unwrap();
    let seen = admin
        .get_ok(&format!("/api/v1/question-imports/{}", id(&p)))
        .await;
    assert_eq!(seen["state"], "failed", "{seen}");
    assert!(
        seen["error"].as_str().unwrap().contains("重新确认"),
        "{seen}"
    );
    let job = confirm_and_wait(&admin, id(&p)).await;
    assert_eq!(job["done"], 2);
    assert_eq!(stored(&app, "预备党员的预备期为一年。").await.len(), 1);
    // One whose writing failed (rolled back) may be confirmed again too.
    let f = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    sqlx::query("UPDATE question_imports SET state = 'failed', error = '导入失败' WHERE id = $1")
        .bind(id(&f))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let job = confirm_and_wait(&admin, id(&f)).await;
    assert_eq!(job["error"], Value::Null, "{job}");
    // Done is done.
    let r = admin
        .post(
            &format!("/api/v1/question-imports/{}/confirm", id(&p)),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "import_not_pending");
    // One whose process is alive (a fresh heartbeat) is not taken over.
    let q = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    assert_eq!(q["unchanged"], 2, "{q}");
    sqlx::query(
        "UPDATE question_imports SET state = 'running', runner = 'another-live-process', \
           heartbeat_at = $1 WHERE id = $2",
    )
    .bind(backend::db::now_ms())
    .bind(id(&q))
    .execute(&app.db.pool)
    .await
    .unwrap();
    let r = admin
        .post(
            &format!("/api/v1/question-imports/{}/confirm", id(&q)),
            json!({}),
        )
        .await;
    if app.db.kind == backend::db::DbKind::Postgres {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    } else {
        // On SQLite one process serves the database: any other runner is gone.
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    }
}

/// Previews nobody confirmed are deleted after a day by the hourly housekeeping, also on
/// an instance that gets no further upload (before, only a new upload deleted them); a
/// younger preview and a confirmed import stay; a failed import older than a day keeps its
/// record but not what it read.
async fn previews_nobody_confirmed_are_deleted_after_a_day(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let day = 24 * 3600 * 1000;
    let now = backend::db::now_ms();
    let age = |id: i64, at: i64| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query(
                "UPDATE question_imports SET created_at = $1, \
                   finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE $1 END \
                 WHERE id = $2",
            )
            .bind(at)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    let done = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    confirm_and_wait(&admin, id(&done)).await;
    let old = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    let young = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    let failed = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    sqlx::query(
        "UPDATE question_imports SET state = 'failed', error = '导入失败', finished_at = 1 \
         WHERE id = $1",
    )
    .bind(id(&failed))
    .execute(&app.db.pool)
    .await
    .unwrap();
    age(id(&done), now - 2 * day).await;
    age(id(&old), now - day - 60_000).await;
    age(id(&young), now - day + 60_000).await;
    age(id(&failed), now - day - 60_000).await;

    let swept = backend::domain::question_import::sweep(&app.db)
        .await
        .unwrap();
    assert_eq!(swept, (1, 1));
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, state, (CASE WHEN parsed IS NULL THEN 0 ELSE 1 END) \
         FROM question_imports ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (id(&done), "done".to_string(), 0),
            (id(&young), "preview".to_string(), 1),
            (id(&failed), "failed".to_string(), 0),
        ]
    );
    let r = admin
        .get(&format!("/api/v1/question-imports/{}", id(&old)))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The failed one asks for its file again; the young preview is still confirmed.
    let r = admin
        .post(
            &format!("/api/v1/question-imports/{}/confirm", id(&failed)),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "import_expired");
    confirm_and_wait(&admin, id(&young)).await;
    // Sweeping again finds nothing more.
    let swept = backend::domain::question_import::sweep(&app.db)
        .await
        .unwrap();
    assert_eq!(swept, (0, 0));

    // A new upload also deletes the stale previews, as before.
    let stale = upload(&admin, "file_name=a.gift", fixture("moodle_branch_a.gift")).await;
    age(id(&stale), now - day - 1000).await;
    let fresh = upload(&admin, "file_name=b.gift", fixture("moodle_branch_b.gift")).await;
    let previews: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM question_imports WHERE state = 'preview' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(previews, vec![(id(&fresh),)]);
}

/// (kind, category, options, answer key, explanation) of the one question with this stem.
async fn stored_one(app: &TestApp, stem: &str) -> (String, String, Value, Value, String) {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT q.kind, c.name, q.options, q.answer_key, q.explanation FROM questions q \
         JOIN question_categories c ON c.id = q.category_id WHERE q.stem = $1",
    )
    .bind(stem)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "{stem}: {rows:?}");
    let (kind, category, options, key, explanation) = rows.into_iter().next().unwrap();
    (
        kind,
        category,
        serde_json::from_str(&options).unwrap(),
        serde_json::from_str(&key).unwrap(),
        explanation,
    )
}

fn reasons(p: &Value) -> Vec<(String, String)> {
    p["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["location"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// GIFT as Moodle's exporter writes it: `// question:` comments, a `$CATEGORY` path,
/// `[html]` texts with `<p>`, `<strong>` and `&nbsp;`, an escaped `\:`, per-answer feedback
/// on choices and short answers, `%50%`/`%-100%` weights, `{FALSE#…#…}`, a missing-word
/// question, and an essay, a numerical question and a description, which Beacon skips.
async fn a_gift_file_as_moodles_exporter_writes_it_imports_as_its_author_expects(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let gift = fixture("moodle_exporter.gift");
    let p = upload(&admin, "file_name=%E7%BA%AA%E5%BE%8B.gift", gift.clone()).await;
    assert_eq!(p["problems"], json!([]), "{p}");
    assert_eq!(
        p["added"],
        json!({ "single": 1, "multiple": 1, "true_false": 1, "fill_in": 2 }),
        "{p}"
    );
    assert_eq!(p["new_categories"], json!(["默认/纪律教育/条例"]), "{p}");
    let skipped = reasons(&p);
    assert_eq!(skipped.len(), 3, "{p}");
    for ((location, reason), (line, word)) in skipped.iter().zip([
        ("第40行", "问答题"),
        ("第44行", "数值题"),
        ("第48行", "说明文字"),
    ]) {
        assert_eq!(location, line);
        assert!(reason.contains(word), "{reason}");
    }
    assert_eq!(p["without_explanation"], 1, "{p}");
    confirm_and_wait(&admin, id(&p)).await;

    let (kind, category, options, key, explanation) = stored_one(
        &app,
        "《中国共产党纪律处分条例》第七条规定: 党组织和党员违反党章和其他党内法规，违反国家法律法规，违反党和国家政策，违反社会主义道德，危害党、国家和人民利益的行为，依照规定应当给予纪律处理或者处分的，都必须受到（  ）。",
    )
    .await;
    assert_eq!(
        (kind.as_str(), category.as_str()),
        ("single", "默认/纪律教育/条例")
    );
    assert_eq!(options, json!(["追究", "批评", "教育", "警示"]));
    assert_eq!(key, json!({ "kind": "single", "option": 0 }));
    assert_eq!(
        explanation,
        "见《中国共产党纪律处分条例》第七条。\nA：条例原文为“都必须受到追究”。\nC：教育是手段，不是这里的用词。"
    );
    let (kind, _, options, key, explanation) =
        stored_one(&app, "下列属于监督执纪“四种形态”的有（  ）。").await;
    assert_eq!(kind, "multiple");
    assert_eq!(options.as_array().unwrap().len(), 3);
    assert_eq!(key, json!({ "kind": "multiple", "options": [0, 1] }));
    assert_eq!(explanation, "C：不是“四种形态”的内容。");
    let (kind, _, _, key, explanation) = stored_one(&app, "预备党员的预备期为两年。").await;
    assert_eq!(kind, "true_false");
    assert_eq!(key, json!({ "kind": "true_false", "value": false }));
    assert_eq!(
        explanation,
        "党章第七条：预备期为一年。\n对，预备期为一年。"
    );
    let (kind, _, _, key, explanation) =
        stored_one(&app, "中国共产党第一次全国代表大会在哪座城市开幕？____").await;
    assert_eq!(kind, "fill_in");
    assert_eq!(
        key,
        json!({ "kind": "fill_in", "blanks": [["上海", "上海市"]] })
    );
    assert_eq!(
        explanation,
        "后转移到浙江嘉兴南湖继续举行。\n“上海”：1921年7月23日在上海开幕。"
    );
    let (_, _, _, key, explanation) = stored_one(&app, "党的最高理想和最终目标是实现____。").await;
    assert_eq!(
        key,
        json!({ "kind": "fill_in", "blanks": [["共产主义", "共产主义社会"]] })
    );
    assert_eq!(explanation, "");
    // No HTML reached the bank.
    let (tags,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM questions WHERE stem LIKE '%<%' OR options LIKE '%<p>%' \
           OR explanation LIKE '%<p>%' OR stem LIKE '%&nbsp;%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(tags, 0);
    // The same file again changes nothing.
    let again = upload(&admin, "file_name=%E7%BA%AA%E5%BE%8B.gift", gift).await;
    assert_eq!(again["unchanged"], 5, "{again}");
    assert_eq!(again["total"], 0, "{again}");
}

/// Moodle XML as Moodle 4's exporter writes it: a category with its info, a true/false
/// question with feedback on its answers, a multiple-answer question with 25% weights, a
/// negative distractor, an `<idnumber>` and tags (text escaped, not CDATA), a short-answer
/// question with a wrong answer's feedback, a cloze of two short-answer gaps with feedback,
/// and an essay and a question showing an image, which Beacon skips.
async fn a_moodle_xml_export_imports_as_its_author_expects(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let xml = fixture("moodle_quiz_export.xml");
    let p = upload(&admin, "file_name=dangshi.xml", xml.clone()).await;
    assert_eq!(p["problems"], json!([]), "{p}");
    assert_eq!(
        p["added"],
        json!({ "single": 0, "multiple": 1, "true_false": 1, "fill_in": 2 }),
        "{p}"
    );
    assert_eq!(p["new_categories"], json!(["默认/党史"]), "{p}");
    let skipped = reasons(&p);
    assert_eq!(skipped.len(), 2, "{p}");
    assert_eq!(skipped[0].0, "第153行");
    assert!(skipped[0].1.contains("问答题"), "{p}");
    assert_eq!(skipped[1].0, "第173行");
    assert!(skipped[1].1.contains("图片"), "{p}");
    confirm_and_wait(&admin, id(&p)).await;

    let (kind, category, _, key, explanation) =
        stored_one(&app, "遵义会议是党的历史上一个生死攸关的转折点。").await;
    assert_eq!(
        (kind.as_str(), category.as_str()),
        ("true_false", "默认/党史")
    );
    assert_eq!(key, json!({ "kind": "true_false", "value": true }));
    assert_eq!(
        explanation,
        "见《中国共产党简史》第三章。\n对，遵义会议确立了毛泽东同志在党中央和红军的领导地位。"
    );
    let (kind, _, options, key, explanation) =
        stored_one(&app, "“四史”学习教育中的“四史”是指（  ）。").await;
    assert_eq!(kind, "multiple");
    assert_eq!(
        options,
        json!(["党史", "新中国史", "改革开放史", "社会主义发展史", "世界史"])
    );
    assert_eq!(key, json!({ "kind": "multiple", "options": [0, 1, 2, 3] }));
    assert_eq!(explanation, "E：“四史”不包括世界史。");
    let (stable_id, tags): (String, String) = sqlx::query_as(
        "SELECT stable_id, tags FROM questions WHERE stem = '“四史”学习教育中的“四史”是指（  ）。'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(stable_id, "ds-002");
    assert_eq!(
        serde_json::from_str::<Value>(&tags).unwrap(),
        json!(["四史", "党史学习教育"])
    );
    let (_, _, _, key, explanation) =
        stored_one(&app, "中国共产党第一次全国代表大会在哪座城市开幕？____").await;
    assert_eq!(
        key,
        json!({ "kind": "fill_in", "blanks": [["上海", "上海市"]] })
    );
    assert_eq!(
        explanation,
        "“嘉兴”：大会最后一天转移到嘉兴南湖举行，开幕在上海。"
    );
    let (kind, _, _, key, explanation) = stored_one(
        &app,
        "1934年10月，中央红军从____等地出发开始长征，1936年10月在____胜利会师。",
    )
    .await;
    assert_eq!(kind, "fill_in");
    assert_eq!(
        key,
        json!({ "kind": "fill_in", "blanks": [["瑞金"], ["会宁", "甘肃会宁"]] })
    );
    assert_eq!(
        explanation,
        "见《中国共产党简史》。\n“瑞金”：对\n“遵义”：遵义会议在长征途中召开"
    );
    let again = upload(&admin, "file_name=dangshi.xml", xml).await;
    assert_eq!(again["unchanged"], 4, "{again}");
    assert_eq!(again["total"], 0, "{again}");
}
