//! Member accounts: scoped listing, the admin's create/edit/reset, and the bulk import.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    listing_filters_searches_and_pages,
    create_validates_every_field,
    edits_keep_the_tree_consistent,
    the_last_admin_stays_an_admin,
    reset_password_forces_a_change,
    organizers_reset_passwords_of_their_members_only,
    admins_reset_a_selection_and_download_the_passwords_once,
    csv_import_creates_and_updates_members,
    an_invalid_row_rejects_the_whole_file,
    xlsx_import_and_templates,
    a_hostile_workbook_is_refused_and_a_workbook_is_read_as_shown,
);

async fn listing_filters_searches_and_pages(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let all = admin.get("/api/v1/members?per_page=200").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.json()["total"], 43);
    let branch = app.id_of("branches", "机关第三党支部").await;
    let r = admin
        .get(&format!("/api/v1/members?branch_id={branch}"))
        .await
        .json();
    assert_eq!(r["total"], 10);
    assert!(r["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["branch_id"] == branch));
    let r = admin
        .get("/api/v1/members?q=m01&per_page=5&page=2")
        .await
        .json();
    assert_eq!(r["total"], 10, "m010…m019");
    assert_eq!(r["items"].as_array().unwrap().len(), 5);
    assert_eq!(r["page"], 2);
    // LIKE wildcards in the search are literal characters.
    let r = admin.get("/api/v1/members?q=%25").await.json();
    assert_eq!(r["total"], 0);
    let r = admin
        .get("/api/v1/members?q=%E7%BB%84%E7%BB%87%E5%A7%94%E5%91%98")
        .await
        .json();
    assert_eq!(r["total"], 1, "search by Chinese name");
    assert_eq!(r["items"][0]["role"], "organizer");
    assert_eq!(
        r["items"][0]["scope"]["branch_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn create_validates_every_field(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let b1 = app.id_of("branches", "机关第一党支部").await;
    let b2 = app.id_of("branches", "机关第二党支部").await;
    let (cell_of_b2,): (i64,) = sqlx::query_as("SELECT id FROM cells WHERE branch_id = $1 LIMIT 1")
        .bind(b2)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let before = app.count("users").await;
    let cases = [
        (
            json!({"username": "a b", "display_name": "张三", "role": "member", "branch_id": b1}),
            "username",
        ),
        (
            json!({"username": "zs001", "display_name": "", "role": "member", "branch_id": b1}),
            "display_name",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "member"}),
            "branch_id",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "member", "branch_id": 9999}),
            "branch_id",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "member", "branch_id": b1, "cell_id": cell_of_b2}),
            "cell_id",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "member", "branch_id": b1, "youth_group_id": 9999}),
            "youth_group_id",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "member", "branch_id": b1, "phone": "12345"}),
            "phone",
        ),
        (
            json!({"username": "zs001", "display_name": "张三", "role": "organizer", "branch_id": b1}),
            "scope",
        ),
    ];
    for (body, field) in cases {
        let r = admin.post("/api/v1/members", body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text()
        );
        assert_eq!(r.json()["details"][0]["field"], field, "{body}");
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    let r = admin
        .post(
            "/api/v1/members",
            json!({"username": "m001", "display_name": "重名", "role": "member", "branch_id": b1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "username_taken");
    let r = admin
        .post(
            "/api/v1/members",
            json!({"username": "x", "display_name": "张三", "role": "boss", "branch_id": b1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown role");
    assert_eq!(app.count("users").await, before, "nothing written");

    let r = admin
        .post(
            "/api/v1/members",
            json!({"username": "zuzhi01", "display_name": "组织委员王芳", "role": "organizer",
            "branch_id": b1, "scope": {"branch_ids": [b1], "youth_group_ids": []}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["member"]["scope"]["branch_ids"], json!([b1]));
}

async fn edits_keep_the_tree_consistent(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let id = app.user_id("m001").await;
    let b2 = app.id_of("branches", "机关第二党支部").await;
    let r = admin.get(&format!("/api/v1/members/{id}")).await.json();
    assert!(r["cell_id"].is_i64());
    // Moving to another branch drops the old branch's cell.
    let r = admin
        .patch(
            &format!("/api/v1/members/{id}"),
            json!({"branch_id": b2, "display_name": "王建国", "phone": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = r.json();
    assert_eq!(m["branch_id"], b2);
    assert!(m["cell_id"].is_null());
    assert!(m["phone"].is_null());
    assert_eq!(m["display_name"], "王建国");
    // Make them an organizer of a youth group, then a member again (scope cleared).
    let g = app.id_of("youth_groups", "“求是”青年理论学习小组").await;
    let r = admin
        .patch(
            &format!("/api/v1/members/{id}"),
            json!({"role": "organizer", "scope": {"branch_ids": [], "youth_group_ids": [g]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["scope"]["youth_group_ids"], json!([g]));
    let r = admin
        .patch(&format!("/api/v1/members/{id}"), json!({"role": "member"}))
        .await;
    assert_eq!(r.json()["scope"]["youth_group_ids"], json!([]));
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM organizer_youth_groups WHERE user_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0, "the scope rows are gone");
    let r = admin
        .patch("/api/v1/members/99999", json!({"display_name": "无"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn the_last_admin_stays_an_admin(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let id = app.user_id("admin").await;
    let r = admin
        .patch(&format!("/api/v1/members/{id}"), json!({"active": false}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("自己"));
    let b1 = app.id_of("branches", "机关第一党支部").await;
    let r = admin
        .patch(
            &format!("/api/v1/members/{id}"),
            json!({"role": "member", "branch_id": b1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("最后一个管理员"));
    let (role,): (String,) = sqlx::query_as("SELECT role FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(role, "admin");
}

async fn reset_password_forces_a_change(app: TestApp) {
    let member = app.signed_in("m009").await;
    let admin = app.signed_in("admin").await;
    let id = app.user_id("m009").await;
    let r = admin
        .post(&format!("/api/v1/members/{id}/reset-password"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let initial = r.json()["initial_password"].as_str().unwrap().to_string();
    assert_eq!(
        member.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut c = app.anonymous();
    assert_eq!(
        c.login("m009", "Beacon2023").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = c.login("m009", &initial).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);
}

async fn csv_import_creates_and_updates_members(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.count("users").await;
    let csv = "\u{feff}账号,姓名,党支部,党小组,青年理论学习小组,手机号\r\n\
               20230001,赵新,机关第一党支部,第一党小组,“求是”青年理论学习小组,13900000001\r\n\
               20230002,钱进,机关第四党支部,,,\r\n\
               m001,王建国,机关第二党支部,,,\r\n";
    let r = admin
        .upload("/api/v1/members/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let report = r.json();
    assert_eq!(report["created"], 2);
    assert_eq!(report["updated"], 1);
    assert_eq!(report["issued"].as_array().unwrap().len(), 2);
    assert_eq!(app.count("users").await, before + 2);
    let initial = report["issued"][0]["initial_password"]
        .as_str()
        .unwrap()
        .to_string();
    let mut c = app.anonymous();
    let r = c.login("20230001", &initial).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);
    assert_eq!(r.json()["youth_group_name"], "“求是”青年理论学习小组");
    let m001 = admin
        .get(&format!("/api/v1/members/{}", app.user_id("m001").await))
        .await
        .json();
    assert_eq!(
        m001["branch_id"],
        app.id_of("branches", "机关第二党支部").await
    );
    // Importing the same file again creates nobody new.
    let r = admin
        .upload("/api/v1/members/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(r.json()["created"], 0);
    assert_eq!(r.json()["updated"], 3);
    assert_eq!(app.count("users").await, before + 2);
}

async fn an_invalid_row_rejects_the_whole_file(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.count("users").await;
    let csv = "账号,姓名,党支部,党小组,青年理论学习小组,手机号\n\
               20230011,孙一,机关第一党支部,,,\n\
               20230012,李二,不存在的党支部,,,\n\
               20230013,周三,机关第一党支部,第九党小组,,\n\
               20230011,吴四,机关第一党支部,,,\n\
               admin,郑五,机关第一党支部,,,\n\
               20230016,王六,机关第一党支部,,,1234\n";
    let r = admin
        .upload("/api/v1/members/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "import_invalid");
    let details = r.json()["details"].as_array().unwrap().clone();
    let rows: Vec<i64> = details.iter().map(|d| d["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, vec![3, 4, 5, 6, 7], "{details:?}");
    assert!(details[0]["message"]
        .as_str()
        .unwrap()
        .contains("不存在的党支部"));
    assert!(details[2]["message"]
        .as_str()
        .unwrap()
        .contains("第2行重复"));
    assert_eq!(app.count("users").await, before, "nothing imported");
    // Members and organizers may not import.
    let org = app.signed_in("org1").await;
    let r = org
        .upload("/api/v1/members/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn xlsx_import_and_templates(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let r = admin
        .get("/api/v1/members/import-template?format=xlsx")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"PK\x03\x04"));
    let r = admin
        .get("/api/v1/members/import-template?format=csv")
        .await;
    assert!(r.text().starts_with("\u{feff}账号,姓名,党支部"));

    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    let rows = [
        [
            "账号",
            "姓名",
            "党支部",
            "党小组",
            "青年理论学习小组",
            "手机号",
        ],
        [
            "30000001",
            "冯明",
            "机关第三党支部",
            "第二党小组",
            "",
            "13900000002",
        ],
        [
            "30000002",
            "陈亮",
            "机关第三党支部",
            "",
            "“青春先锋”青年理论学习小组",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // A phone typed as a number in Excel still imports.
    sheet.write_number(2, 5, 13900000003.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = admin.upload("/api/v1/members/import", bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["created"], 2);
    let id = app.user_id("30000002").await;
    let m = admin.get(&format!("/api/v1/members/{id}")).await.json();
    assert_eq!(m["phone"], "13900000003");
    assert_eq!(
        m["youth_group_id"],
        app.id_of("youth_groups", "“青春先锋”青年理论学习小组")
            .await
    );
    let r = admin
        .upload("/api/v1/members/import", b"PK\x03\x04broken".to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["details"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Excel"));
}

/// Member workbooks are read by the capped XLSX reader (before: calamine, which unpacked a
/// 455 KB file's 400 MB of shared strings into memory and imported it): a small file that
/// unpacks far beyond its budget is 400 `too_large` with a Chinese message and writes
/// nothing. A workbook with an instructions sheet first is read from its members sheet,
/// with cells as Excel shows them.
async fn a_hostile_workbook_is_refused_and_a_workbook_is_read_as_shown(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.count("users").await;
    let bomb = crate::xlsx_bomb::members_xlsx_bomb(200);
    assert!(bomb.len() < 512 * 1024, "{}", bomb.len());
    let r = admin.upload("/api/v1/members/import", bomb).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.code(), "too_large");
    assert!(r.json()["message"].as_str().unwrap().contains("解压后过大"));
    assert_eq!(app.count("users").await, before, "nothing imported");

    let mut wb = rust_xlsxwriter::Workbook::new();
    let help = wb.add_worksheet();
    help.set_name("填写说明").unwrap();
    help.write_string(0, 0, "从“成员”工作表第2行开始填写。")
        .unwrap();
    let sheet = wb.add_worksheet();
    sheet.set_name("成员").unwrap();
    for (c, v) in ["账号", " 姓名 ", "党支部", "手机号"].iter().enumerate() {
        sheet.write_string(0, c as u16, *v).unwrap();
    }
    // A staff number typed as a number with leading zeros kept by its number format, as
    // Excel shows it; a phone typed as a number.
    let zeros = rust_xlsxwriter::Format::new().set_num_format("00000000");
    sheet
        .write_number_with_format(1, 0, 4012.0, &zeros)
        .unwrap();
    sheet.write_string(1, 1, "周红").unwrap();
    sheet.write_string(1, 2, "机关第二党支部").unwrap();
    sheet.write_number(1, 3, 13900000004.0).unwrap();
    let r = admin
        .upload("/api/v1/members/import", wb.save_to_buffer().unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["created"], 1, "{}", r.text());
    let id = app.user_id("00004012").await;
    let m = admin.get(&format!("/api/v1/members/{id}")).await.json();
    assert_eq!(m["phone"], "13900000004");
    assert_eq!(m["display_name"], "周红");
}

async fn resets_by(app: &TestApp, actor: &str, member: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'reset_password' \
         AND entity = 'member' AND entity_id = $1 AND actor_id = $2",
    )
    .bind(member.to_string())
    .bind(app.user_id(actor).await)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    n
}

/// Whether `username` still signs in with the demo password.
async fn old_password_works(app: &TestApp, username: &str) -> bool {
    let mut c = app.anonymous();
    c.login(username, "Beacon2023").await.status == StatusCode::OK
}

async fn reset(c: &Client<'_>, id: i64) -> crate::helpers::TestResponse {
    c.post(&format!("/api/v1/members/{id}/reset-password"), json!({}))
        .await
}

async fn organizers_reset_passwords_of_their_members_only(app: TestApp) {
    let org1 = app.signed_in("org1").await;
    let org2 = app.signed_in("org2").await;
    // m005 is in org1's first branch; m007 in a branch nobody but the admin looks after;
    // m003 in a youth group org2 looks after.
    let (m005, m007, m003) = (
        app.user_id("m005").await,
        app.user_id("m007").await,
        app.user_id("m003").await,
    );
    let session = app.signed_in("m005").await;
    let r = reset(&org1, m005).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["member"]["must_change_password"], true);
    let initial = r.json()["initial_password"].as_str().unwrap().to_string();
    assert_eq!(resets_by(&app, "org1", m005).await, 1);
    assert_eq!(
        session.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED,
        "the member is signed out everywhere"
    );
    let mut c = app.anonymous();
    let r = c.login("m005", &initial).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["must_change_password"], true);

    // Outside the scope, or another staff account: refused with a code, nothing changed.
    let admin_id = app.user_id("admin").await;
    let org1_id = app.user_id("org1").await;
    let org2_id = app.user_id("org2").await;
    for (who, target, code) in [
        (&org1, m007, "reset_out_of_scope"),
        (&org1, m003, "reset_out_of_scope"),
        (&org2, m005, "reset_out_of_scope"),
        (&org1, admin_id, "reset_staff_account"),
        (&org1, org2_id, "reset_staff_account"),
        (&org1, org1_id, "reset_staff_account"),
    ] {
        let r = reset(who, target).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{target}: {}", r.text());
        assert_eq!(r.code(), code);
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    for name in ["m007", "m003", "admin", "org2", "org1"] {
        assert!(old_password_works(&app, name).await, "{name}");
    }
    assert_eq!(reset(&org1, 999_999).await.status, StatusCode::NOT_FOUND);
    // Members cannot reset anyone.
    let member = app.signed_in("m006").await;
    let r = reset(&member, m007).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    // org2 resets a member of its youth group, whatever the branch.
    let r = reset(&org2, m003).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(resets_by(&app, "org2", m003).await, 1);
    assert!(!old_password_works(&app, "m003").await);
}

/// Rows of the first sheet of an XLSX file, as text.
fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn admins_reset_a_selection_and_download_the_passwords_once(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let org1 = app.signed_in("org1").await;
    let (m010, m011, m012, org2) = (
        app.user_id("m010").await,
        app.user_id("m011").await,
        app.user_id("m012").await,
        app.user_id("org2").await,
    );
    let admin_id = app.user_id("admin").await;
    let path = "/api/v1/members/reset-passwords";
    let too_many: Vec<i64> = (1..=101).collect();
    for (body, field) in [
        (json!({ "member_ids": [] }), "member_ids"),
        (json!({ "member_ids": [m012, 999_999] }), "member_ids"),
        (json!({ "member_ids": [m012, admin_id] }), "member_ids"),
        (json!({ "member_ids": too_many }), "member_ids"),
    ] {
        let r = admin.post(path, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text()
        );
        assert_eq!(r.json()["details"][0]["field"], field);
    }
    let r = admin
        .post(path, json!({ "member_ids": [m012], "ids": [1] }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    // Organizers and members may not batch-reset.
    for c in [&org1, &app.signed_in("m001").await] {
        let r = c.post(path, json!({ "member_ids": [m012] })).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    // Nothing was written by any of these.
    assert!(old_password_works(&app, "m012").await);
    assert_eq!(resets_by(&app, "admin", m012).await, 0);

    let r = admin
        .post(path, json!({ "member_ids": [m010, m011, m010, org2] }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let sheet = r.json();
    assert_eq!(sheet["count"], 3);
    assert!(sheet["file_name"].as_str().unwrap().ends_with(".xlsx"));
    let url = sheet["download_url"].as_str().unwrap().to_string();
    for id in [m010, m011, org2] {
        assert_eq!(
            resets_by(&app, "admin", id).await,
            1,
            "one audit entry each"
        );
    }
    // Only its maker may download it.
    let r = org1.get(&url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin
            .get("/api/v1/members/password-sheets/999999")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let file = admin.get(&url).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert!(file.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let rows = sheet_rows(&file.bytes);
    assert_eq!(rows[0], ["账号", "姓名", "初始密码"]);
    assert_eq!(rows.len(), 4);
    let usernames: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(usernames, ["m010", "m011", "org2"]);
    for row in &rows[1..] {
        assert!(!row[1].is_empty());
        let mut c = app.anonymous();
        let r = c.login(&row[0], &row[2]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", row[0], r.text());
        assert_eq!(r.json()["must_change_password"], true);
        assert!(!old_password_works(&app, &row[0]).await);
    }
    // Once only; the passwords are gone from the database.
    let again = admin.get(&url).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(again.code(), "password_sheet_downloaded");
    let (chunks,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM job_files WHERE job_id = $1")
            .bind(sheet["id"].as_i64().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(chunks, 0);
}
