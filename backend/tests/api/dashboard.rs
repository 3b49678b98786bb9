//! The completion dashboard: a small worked example whose figures are computed by hand in
//! the comments, the organizer's scope, the drill-down, the charts' data, and activity
//! through the real quiz and study endpoints reaching the figures (the triggers of
//! migration 0011).

use axum::http::StatusCode;
use backend::domain::points::{self, Amount};
use std::collections::BTreeMap;

use serde_json::{json, Value};
use shared::api::points::PointsSource;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    worked_example_by_item_unit_and_total,
    organizers_see_only_their_units,
    drill_down_timeline_and_heatmap,
    real_activity_and_moves_reach_the_figures,
    bad_periods_are_refused,
    huge_negative_and_reversed_periods_are_refused_everywhere,
    started_counts_members_still_working_and_periods_are_whole_days,
    unit_quizzes_count_for_their_units_and_drafts_not_at_all,
);

/// 2026-03-02 00:00 in Shanghai (a Monday): the period is the week from here.
pub(crate) const P0: i64 = 1_772_380_800_000;
const HOUR: i64 = 3_600_000;
pub(crate) const DAY: i64 = 24 * HOUR;
/// Day `k` of the period, 10:00.
pub(crate) fn day(k: i64) -> i64 {
    P0 + k * DAY + 10 * HOUR
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql).execute(&app.db.pool).await.unwrap();
}

async fn id(app: &TestApp, sql: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(sql).fetch_one(&app.db.pool).await.unwrap();
    id
}

/// The example's units, members, module and quiz.
pub(crate) struct Example {
    pub a: i64,
    pub b: i64,
    pub y: i64,
    pub module: i64,
    pub lesson: i64,
    pub quiz: i64,
    pub a1: i64,
    pub a2: i64,
    pub a3: i64,
    pub a4: i64,
    pub b1: i64,
    pub c1: i64,
}

async fn add_user(
    app: &TestApp,
    username: &str,
    role: &str,
    branch: i64,
    group: Option<i64>,
) -> i64 {
    // Everyone shares the demo password, so the example's organizer can sign in.
    sqlx::query_as::<_, (i64,)>(
        "INSERT INTO users (username, display_name, password_hash, role, branch_id, youth_group_id, \
         active, must_change_password, created_at, updated_at) \
         SELECT $1, $2, password_hash, $3, $4, $5, 1, 0, 0, 0 FROM users WHERE username = 'm001' \
         RETURNING id",
    )
    .bind(username)
    .bind(format!("成员{username}"))
    .bind(role)
    .bind(branch)
    .bind(group)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .0
}

async fn read(app: &TestApp, user: i64, lesson: i64, started: i64, last: i64) {
    sqlx::query(
        "INSERT INTO lesson_progress (user_id, lesson_id, credited_ms, last_heartbeat_at, \
         reached_end, started_at) VALUES ($1, $2, 0, $3, 0, $4)",
    )
    .bind(user)
    .bind(lesson)
    .bind(last)
    .bind(started)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

async fn complete(app: &TestApp, user: i64, module: i64, at: i64) {
    sqlx::query(
        "INSERT INTO module_completions (user_id, module_id, completed_at) VALUES ($1, $2, $3)",
    )
    .bind(user)
    .bind(module)
    .bind(at)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

/// An attempt started and graded at `at` with `score_milli` (1000 = 100%) and the given
/// (question, correct) answers, written as the quiz code writes it: the attempt, its
/// questions, then the grade.
async fn attempt(
    app: &TestApp,
    quiz: i64,
    user: i64,
    at: i64,
    score: i64,
    answers: &[(i64, bool)],
) {
    let (attempt,): (i64,) = sqlx::query_as(
        "INSERT INTO attempts (quiz_id, user_id, period, seq, from_mistakes, started_at, question_count) \
         VALUES ($1, $2, '-', $3, 0, $4, $5) RETURNING id",
    )
    .bind(quiz)
    .bind(user)
    .bind(at)
    .bind(at)
    .bind(answers.len() as i64)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    for (pos, (question, correct)) in answers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO attempt_questions (attempt_id, position, question_id, option_order, correct) \
             VALUES ($1, $2, $3, '[]', $4)",
        )
        .bind(attempt)
        .bind(pos as i64)
        .bind(question)
        .bind(i64::from(*correct))
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let right = answers.iter().filter(|a| a.1).count() as i64;
    sqlx::query(
        "UPDATE attempts SET submitted_at = $1, correct_count = $2, score_milli = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(right)
    .bind(score)
    .bind(attempt)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

/// Two questions of one category and one of another.
async fn questions(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    let (x, z): (i64, i64) = {
        let cats: Vec<(i64,)> = sqlx::query_as(
            "SELECT category_id FROM questions GROUP BY category_id HAVING COUNT(*) >= 2 ORDER BY category_id",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        (cats[0].0, cats[1].0)
    };
    let qx: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM questions WHERE category_id = $1 ORDER BY id LIMIT 2")
            .bind(x)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let qz = id(
        app,
        &format!("SELECT MIN(id) FROM questions WHERE category_id = {z}"),
    )
    .await;
    (x, z, qx[0].0, qx[1].0, qz)
}

/// Branch A (a1…a4), branch B (b1, c1, and the organizer oA who looks after A), youth
/// group Y (a1, b1). Module M, addressed to A and Y, has one lesson and a required exam Q
/// (pass mark 60) — both assigned to a1…a4 and b1: 5 members each.
///
/// Activity (the period is days 0…6):
/// - a1 reads on day 1, completes M on day 2, scores 80% on Q on day 2 (passed);
/// - a2 reads on day 3 and scores 50% on Q on day 3 (failed);
/// - a3 did everything ten days before the period (90%);
/// - a4 did nothing;
/// - b1 reads on day 1, completes M on day 5, scores 100% on Q on day 5;
/// - c1 (B, not in Y: not in the audience) reads M on day 1: never counted.
pub(crate) async fn example(app: &TestApp) -> Example {
    exec(app, "INSERT INTO branches (organization_id, name, created_at) SELECT id, '测试甲支部', 0 FROM organizations").await;
    exec(app, "INSERT INTO branches (organization_id, name, created_at) SELECT id, '测试乙支部', 0 FROM organizations").await;
    exec(app, "INSERT INTO youth_groups (organization_id, name, created_at) SELECT id, '测试青年小组', 0 FROM organizations").await;
    let a = app.id_of("branches", "测试甲支部").await;
    let b = app.id_of("branches", "测试乙支部").await;
    let y = app.id_of("youth_groups", "测试青年小组").await;
    let module = id(app, "INSERT INTO modules (slug, title, track, description, audience, position, created_at, updated_at) \
        VALUES ('example', '示例专题', 'theory', '', 'units', 99, 0, 0) RETURNING id").await;
    exec(
        app,
        &format!("INSERT INTO module_branches (module_id, branch_id) VALUES ({module}, {a})"),
    )
    .await;
    exec(
        app,
        &format!(
            "INSERT INTO module_youth_groups (module_id, youth_group_id) VALUES ({module}, {y})"
        ),
    )
    .await;
    let lesson = id(app, &format!("INSERT INTO lessons (module_id, position, title, body_md, source, char_count, created_at, updated_at) \
        VALUES ({module}, 1, '课一', '正文', '来源', 2, 0, 0) RETURNING id")).await;
    let quiz = id(app, &format!("INSERT INTO quizzes (title, kind, module_id, audience, question_count, pass_mark, required, created_at, updated_at) \
        VALUES ('示例测验', 'exam', {module}, 'all', 2, 60, 1, 0, 0) RETURNING id")).await;
    let a1 = add_user(app, "ta1", "member", a, Some(y)).await;
    let a2 = add_user(app, "ta2", "member", a, None).await;
    let a3 = add_user(app, "ta3", "member", a, None).await;
    let a4 = add_user(app, "ta4", "member", a, None).await;
    let b1 = add_user(app, "tb1", "member", b, Some(y)).await;
    let c1 = add_user(app, "tc1", "member", b, None).await;
    let oa = add_user(app, "toa", "organizer", b, None).await;
    exec(
        app,
        &format!("INSERT INTO organizer_branches (user_id, branch_id) VALUES ({oa}, {a})"),
    )
    .await;

    let (_, _, x1, x2, z1) = questions(app).await;
    read(app, a1, lesson, day(1), day(1)).await;
    complete(app, a1, module, day(2)).await;
    attempt(app, quiz, a1, day(2), 800, &[(x1, true), (x2, false)]).await;
    read(app, a2, lesson, day(3), day(3)).await;
    attempt(app, quiz, a2, day(3), 500, &[(z1, false)]).await;
    read(app, a3, lesson, day(-11), day(-10)).await;
    complete(app, a3, module, day(-10)).await;
    attempt(app, quiz, a3, day(-10), 900, &[(x1, true)]).await;
    read(app, b1, lesson, day(1), day(1)).await;
    complete(app, b1, module, day(5)).await;
    attempt(app, quiz, b1, day(5), 1000, &[(x1, true), (x2, true)]).await;
    read(app, c1, lesson, day(1), day(1)).await;
    Example {
        a,
        b,
        y,
        module,
        lesson,
        quiz,
        a1,
        a2,
        a3,
        a4,
        b1,
        c1,
    }
}

fn period() -> String {
    format!("from={P0}&to={}", P0 + 7 * DAY)
}

fn item<'a>(d: &'a Value, kind: &str, id: i64) -> &'a Value {
    d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"]["kind"] == kind && i["item"]["id"] == id)
        .unwrap_or_else(|| panic!("{kind} {id} on the dashboard"))
}

fn unit(rows: &Value, id: i64) -> &Value {
    &rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == id)
        .unwrap_or_else(|| panic!("unit {id} in {rows}"))["stats"]
}

/// A heatmap's `field` (answered or correct) summed over its cells.
fn heat_sum(h: &Value, field: &str) -> i64 {
    h["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[field].as_i64().unwrap())
        .sum()
}

fn stats(assigned: i64, started: i64, completed: i64, rate: f64, avg: Option<f64>) -> Value {
    json!({"assigned": assigned, "started": started, "completed": completed,
           "completion_rate": rate, "average_score": avg})
}

async fn worked_example_by_item_unit_and_total(app: TestApp) {
    let e = example(&app).await;
    let admin = app.signed_in("admin").await;
    let d = admin
        .get_ok(&format!("/api/v1/dashboard?{}", period()))
        .await;
    assert_eq!(d["from"], P0);

    // Module M. Assigned: a1…a4 and b1 = 5. Started (activity in the period or completed
    // in it): a1, a2, b1 = 3 (a3's was before). Completed in the period: a1, b1 = 2 →
    // 2/5 = 40.0%. Average score = its required quiz's: latest submissions in the period
    // a1 80, a2 50, b1 100 → 230/3 = 76.7.
    let m = item(&d, "module", e.module);
    assert_eq!(m["item"]["title"], "示例专题");
    assert_eq!(m["total"], stats(5, 3, 2, 40.0, Some(76.7)));
    // Branch A: a1…a4 assigned; a1, a2 started; a1 completed → 25.0%; scores 80, 50 → 65.0.
    assert_eq!(*unit(&m["branches"], e.a), stats(4, 2, 1, 25.0, Some(65.0)));
    // Branch B: only b1 (c1 is not in the audience, so his reading is not counted).
    assert_eq!(
        *unit(&m["branches"], e.b),
        stats(1, 1, 1, 100.0, Some(100.0))
    );
    // Youth group Y: a1 and b1, both done; scores 80, 100 → 90.0.
    assert_eq!(
        *unit(&m["youth_groups"], e.y),
        stats(2, 2, 2, 100.0, Some(90.0))
    );
    // Demo branches are not in M's audience, so they have no row for it.
    assert_eq!(m["branches"].as_array().unwrap().len(), 2);

    // Quiz Q: the same audience. Started: attempts in the period by a1, a2, b1 = 3;
    // completed (at or above 60%): a1, b1 = 2; average 76.7.
    let q = item(&d, "quiz", e.quiz);
    assert_eq!(q["item"]["module_id"], e.module);
    assert_eq!(q["total"], stats(5, 3, 2, 40.0, Some(76.7)));
    assert_eq!(*unit(&q["branches"], e.a), stats(4, 2, 1, 25.0, Some(65.0)));

    // The seeded content adds 7 modules and 7 assigned quizzes (6 required exams, 1
    // special), all for everyone: 16 items.
    assert_eq!(d["items"].as_array().unwrap().len(), 16);
    // Active non-admin accounts: 42 demo + a1…a4, b1, c1, oA = 49. Member × item
    // assignments: 14 × 49 + 2 × 5 = 696; completions: a1 and b1 on M and Q = 4 → 0.6%.
    // Scores count once (quizzes only): 80 + 50 + 100 over 3 = 76.7.
    assert_eq!(d["total"], stats(696, 6, 4, 0.6, Some(76.7)));
    // Branch A: 16 items × 4 members = 64; started a1 ×2, a2 ×2 = 4; completed a1 ×2 = 2
    // → 3.1%; scores 80, 50 → 65.0.
    assert_eq!(*unit(&d["branches"], e.a), stats(64, 4, 2, 3.1, Some(65.0)));
    // Branch B: 14 × 3 (b1, c1, oA) + 2 × 1 (b1) = 44; b1 started and completed both.
    assert_eq!(
        *unit(&d["branches"], e.b),
        stats(44, 2, 2, 4.5, Some(100.0))
    );
    // Every branch and youth group has a row (4 + 2 demo, 2 + 1 new).
    assert_eq!(d["branches"].as_array().unwrap().len(), 6);
    assert_eq!(d["youth_groups"].as_array().unwrap().len(), 3);
    let demo_branch = app.id_of("branches", "机关第三党支部").await;
    assert_eq!(
        *unit(&d["branches"], demo_branch),
        stats(140, 0, 0, 0.0, None)
    );

    // Without a period: everything so far, so a3's work counts too. M: started a1, a2, a3,
    // b1 = 4; completed a1, a3, b1 = 3 → 60.0%; a3's latest submission (90) now counts:
    // (80 + 50 + 90 + 100) / 4 = 80.0.
    let all = admin.get_ok("/api/v1/dashboard").await;
    assert_eq!(
        item(&all, "module", e.module)["total"],
        stats(5, 4, 3, 60.0, Some(80.0))
    );
    let _ = (e.lesson, e.a1, e.a2, e.a3, e.a4, e.b1, e.c1);
}

async fn organizers_see_only_their_units(app: TestApp) {
    let e = example(&app).await;
    // oA looks after branch A only.
    let oa = app.signed_in("toa").await;
    let d = oa.get_ok(&format!("/api/v1/dashboard?{}", period())).await;
    // Their "organization" is branch A: 16 items × 4 members.
    assert_eq!(d["total"], stats(64, 4, 2, 3.1, Some(65.0)));
    let branches: Vec<i64> = d["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(branches, vec![e.a]);
    assert_eq!(d["youth_groups"], json!([]));
    let m = item(&d, "module", e.module);
    assert_eq!(m["total"], stats(4, 2, 1, 25.0, Some(65.0)));
    assert_eq!(m["youth_groups"], json!([]), "Y is not theirs");
    // Other units read as not found; members may not look at all.
    let r = oa
        .get(&format!("/api/v1/dashboard/branches/{}/members", e.b))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = oa
        .get(&format!("/api/v1/dashboard/youth-groups/{}/members", e.y))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = oa
        .get(&format!("/api/v1/dashboard/branches/{}/members", e.a))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let heat = oa
        .get_ok(&format!("/api/v1/dashboard/heatmap?{}", period()))
        .await;
    assert!(heat["cells"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["branch_id"] == e.a));
    // org1 looks after the first two demo branches: none of the example's units.
    let org1 = app.signed_in("org1").await;
    let d = org1.get_ok("/api/v1/dashboard").await;
    assert_eq!(d["branches"].as_array().unwrap().len(), 2);
    assert!(d["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["item"]["id"] != e.module || i["item"]["kind"] != "module"));
    for path in [
        "/api/v1/dashboard",
        "/api/v1/dashboard/timeline",
        "/api/v1/dashboard/heatmap",
    ] {
        let r = app.signed_in("m001").await.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            app.anonymous().get(path).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app
        .signed_in("m001")
        .await
        .get(&format!("/api/v1/dashboard/branches/{}/members", e.a))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn drill_down_timeline_and_heatmap(app: TestApp) {
    let e = example(&app).await;
    // a1 earns 5 points in the period (one module award); a2 one point before it.
    points::award_now(
        &app.db,
        e.a1,
        PointsSource::Module,
        Amount::Units(1),
        "module:x",
        day(2),
    )
    .await
    .unwrap();
    points::award_now(
        &app.db,
        e.a2,
        PointsSource::SignIn,
        Amount::Units(1),
        "day:x",
        day(-1),
    )
    .await
    .unwrap();
    let admin = app.signed_in("admin").await;
    let d = admin
        .get_ok(&format!(
            "/api/v1/dashboard/branches/{}/members?{}",
            e.a,
            period()
        ))
        .await;
    assert_eq!(d["name"], "测试甲支部");
    assert_eq!(d["items"].as_array().unwrap().len(), 16);
    // Most unfinished first: a2, a3, a4 have all 16 open (a3 finished before the
    // period), a1 has 14.
    let order: Vec<i64> = d["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![e.a2, e.a3, e.a4, e.a1]);
    let a1 = &d["members"][3];
    assert_eq!(
        a1["completed"],
        json!([{"kind": "module", "id": e.module}, {"kind": "quiz", "id": e.quiz}])
    );
    assert_eq!(a1["unfinished"].as_array().unwrap().len(), 14);
    assert_eq!(a1["points"], 5);
    assert_eq!(a1["last_activity_at"], day(2));
    let a2 = &d["members"][0];
    assert_eq!(a2["points"], 0, "earned before the period");
    assert_eq!(a2["last_activity_at"], day(3), "reading on day 3 is later");
    assert_eq!(
        d["members"][2]["last_activity_at"],
        Value::Null,
        "a4 did nothing"
    );
    // The youth group: a1 and b1, M and Q assigned through Y.
    let g = admin
        .get_ok(&format!(
            "/api/v1/dashboard/youth-groups/{}/members?{}",
            e.y,
            period()
        ))
        .await;
    assert_eq!(g["members"].as_array().unwrap().len(), 2);

    // Timeline: a1's two completions on day 2, b1's two on day 5; assigned 696 as on the
    // dashboard; cumulative 4/696 = 0.6% at the end.
    let t = admin
        .get_ok(&format!("/api/v1/dashboard/timeline?{}", period()))
        .await;
    assert_eq!(t["assigned"], 696);
    let per_day: Vec<i64> = t["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["completed"].as_i64().unwrap())
        .collect();
    assert_eq!(per_day, vec![0, 0, 2, 0, 0, 2, 0]);
    assert_eq!(t["points"][0]["label"], "2026-03-02");
    assert_eq!(t["points"][0]["start"], P0);
    assert_eq!(t["points"][2]["cumulative_rate"], 0.3, "2/696");
    assert_eq!(t["points"][6]["cumulative"], 4);
    assert_eq!(t["points"][6]["cumulative_rate"], 0.6);
    let w = admin
        .get_ok(&format!(
            "/api/v1/dashboard/timeline?{}&bucket=week",
            period()
        ))
        .await;
    assert_eq!(w["points"].as_array().unwrap().len(), 1);
    assert_eq!(w["points"][0]["completed"], 4);

    // Heatmap over the period: branch A answered x1 right and x2 wrong (a1) and z1 wrong
    // (a2); branch B x1 and x2 right (b1). a3's answers were before the period.
    let (x, z, ..) = questions(&app).await;
    let h = admin
        .get_ok(&format!("/api/v1/dashboard/heatmap?{}", period()))
        .await;
    let cells: Vec<(i64, i64, i64, i64, f64)> = h["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["branch_id"].as_i64().unwrap(),
                c["category_id"].as_i64().unwrap(),
                c["answered"].as_i64().unwrap(),
                c["correct"].as_i64().unwrap(),
                c["rate"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut expected = vec![
        (e.a, x, 2, 1, 50.0),
        (e.a, z, 1, 0, 0.0),
        (e.b, x, 2, 2, 100.0),
    ];
    expected.sort_by_key(|c| (c.0, c.1));
    assert_eq!(cells, expected);
    assert_eq!(h["categories"].as_array().unwrap().len(), 2);
    // The same from a Saturday to a Tuesday around the week (whole weeks and edge days
    // are read from different tables), and from inside it (days only).
    for (from, to) in [(P0 - 2 * DAY, P0 + 9 * DAY), (P0 + DAY, P0 + 6 * DAY)] {
        let h = admin
            .get_ok(&format!("/api/v1/dashboard/heatmap?from={from}&to={to}"))
            .await;
        assert_eq!(heat_sum(&h, "answered"), 5, "{from}..{to}");
    }
    let h = admin
        .get_ok(&format!(
            "/api/v1/dashboard/heatmap?from={}&to={}",
            P0 - 20 * DAY,
            P0 + 14 * DAY
        ))
        .await;
    assert_eq!(
        heat_sum(&h, "answered"),
        6,
        "with a3's answer ten days before"
    );
    assert_eq!(h["branches"].as_array().unwrap().len(), 6);
}

async fn real_activity_and_moves_reach_the_figures(app: TestApp) {
    // m001 takes the special quiz through the API and answers everything right.
    let m = app.signed_in("m001").await;
    let quizzes = m.get_ok("/api/v1/quizzes").await;
    let special = quizzes
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "special")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = m
        .post(&format!("/api/v1/quizzes/{special}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let attempt = r.json()["id"].as_i64().unwrap();
    for (pos, answer) in app.right_answers(attempt).await {
        let r = m
            .put(
                &format!("/api/v1/attempts/{attempt}/answers/{pos}"),
                json!({ "answer": answer }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = m
        .post(&format!("/api/v1/attempts/{attempt}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // And reads a lesson of the founding document (one heartbeat starts it).
    let modules = m.get_ok("/api/v1/modules").await;
    let plan = modules
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "2023年党建工作要点")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let detail = m.get_ok(&format!("/api/v1/modules/{plan}")).await;
    let lesson = detail["lessons"][0]["id"].as_i64().unwrap();
    let r = m
        .post(
            &format!("/api/v1/lessons/{lesson}/heartbeat"),
            json!({"reached_end": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let admin = app.signed_in("admin").await;
    let m001 = app.user_id("m001").await;
    let (b1,): (i64,) = sqlx::query_as("SELECT branch_id FROM users WHERE id = $1")
        .bind(m001)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_counts_match_progress(&app).await;
    let d = admin.get_ok("/api/v1/dashboard").await;
    // 42 members; m001 started and passed the special quiz (no pass mark) with 100%.
    assert_eq!(
        item(&d, "quiz", special)["total"],
        stats(42, 1, 1, 2.4, Some(100.0))
    );
    assert_eq!(
        item(&d, "module", plan)["total"],
        stats(42, 1, 0, 0.0, None)
    );
    assert_eq!(
        unit(&item(&d, "quiz", special)["branches"], b1)["completed"],
        1
    );
    let heat = admin.get_ok("/api/v1/dashboard/heatmap").await;
    assert_eq!(
        heat_sum(&heat, "answered"),
        10,
        "the special quiz has 10 questions"
    );
    assert_eq!(heat_sum(&heat, "correct"), 10);

    // Moving m001 to another branch moves their progress; deactivating removes it.
    let other = app.id_of("branches", "机关第四党支部").await;
    assert_ne!(b1, other);
    let r = admin
        .patch(
            &format!("/api/v1/members/{m001}"),
            json!({"branch_id": other}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = admin.get_ok("/api/v1/dashboard").await;
    let q = item(&d, "quiz", special);
    assert_eq!(unit(&q["branches"], b1)["completed"], 0);
    assert_eq!(unit(&q["branches"], other)["completed"], 1);
    assert_counts_match_progress(&app).await;
    let r = admin
        .patch(&format!("/api/v1/members/{m001}"), json!({"active": false}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_counts_match_progress(&app).await;
    let d = admin.get_ok("/api/v1/dashboard").await;
    assert_eq!(
        item(&d, "quiz", special)["total"],
        stats(41, 0, 0, 0.0, None)
    );
}

type CountKey = (String, i64, i64, i64, i64);
/// A counts table's row: kind, item, branch, youth group, day or week, four counts.
type CountRow = (String, i64, i64, i64, i64, i64, i64, i64, i64);

/// The pre-aggregated counts (migration 0013) equal what the counted members' progress rows
/// add up to: per day and week (started, completed, scored, score sum) and in total
/// (started, completed). Rows of zeros left by moves are ignored.
async fn assert_counts_match_progress(app: &TestApp) {
    type Row = (
        String,
        i64,
        Option<i64>,
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT kind, item_id, branch_id, youth_group_id, started_at, completed_at, \
         last_submitted_at, best_score_milli FROM item_progress WHERE active = 1",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let local_day = |ms: i64| (ms + 8 * HOUR).div_euclid(DAY);
    let mut daily: BTreeMap<CountKey, [i64; 4]> = BTreeMap::new();
    let mut totals: BTreeMap<CountKey, [i64; 4]> = BTreeMap::new();
    for (kind, item, b, g, started, completed, submitted, best) in rows {
        let (b, g) = (b.unwrap_or(0), g.unwrap_or(0));
        let mut add = |at: i64, delta: [i64; 4]| {
            let cell = daily
                .entry((kind.clone(), item, b, g, local_day(at)))
                .or_default();
            for (c, d) in cell.iter_mut().zip(delta) {
                *c += d;
            }
        };
        add(started, [1, 0, 0, 0]);
        if let Some(c) = completed {
            add(c, [0, 1, 0, 0]);
        }
        if let Some(s) = submitted {
            add(s, [0, 0, 1, best.unwrap_or(0)]);
        }
        let t = totals.entry((kind.clone(), item, b, g, 0)).or_default();
        t[0] += 1;
        t[1] += i64::from(completed.is_some());
    }
    let mut weekly: BTreeMap<CountKey, [i64; 4]> = BTreeMap::new();
    for ((kind, item, b, g, day), v) in &daily {
        let cell = weekly
            .entry((kind.clone(), *item, *b, *g, (day + 3) / 7))
            .or_default();
        for (c, d) in cell.iter_mut().zip(v) {
            *c += d;
        }
    }
    for (table, bucket, expected) in [
        ("item_counts_daily", "day", daily),
        ("item_counts_weekly", "week", weekly),
        ("item_counts_total", "0", totals),
    ] {
        let sums = if table == "item_counts_total" {
            "started, completed, 0, 0"
        } else {
            "started, completed, scored, score_milli_sum"
        };
        let found: Vec<CountRow> = sqlx::query_as(&format!(
            "SELECT kind, item_id, branch_id, youth_group_id, CAST({bucket} AS BIGINT), {sums} \
             FROM {table}"
        ))
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let found: BTreeMap<CountKey, [i64; 4]> = found
            .into_iter()
            .map(|(k, i, b, g, t, s, c, n, v)| ((k, i, b, g, t), [s, c, n, v]))
            .filter(|(_, v)| v.iter().any(|x| *x != 0))
            .collect();
        assert_eq!(found, expected, "{table}");
    }
}

/// "Started" is begun before the period ends and not completed before it starts, whatever
/// the member did in the period; and a period's bounds widen to whole local days.
async fn started_counts_members_still_working_and_periods_are_whole_days(app: TestApp) {
    let e = example(&app).await;
    // a4 began M five days before the period and has not finished; a3, who completed it
    // ten days before, reads it again on day 3.
    read(&app, e.a4, e.lesson, day(-5), day(-5)).await;
    sqlx::query("UPDATE lesson_progress SET last_heartbeat_at = $1 WHERE user_id = $2")
        .bind(day(3))
        .bind(e.a3)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_counts_match_progress(&app).await;
    let admin = app.signed_in("admin").await;
    let d = admin
        .get_ok(&format!("/api/v1/dashboard?{}", period()))
        .await;
    // Started: a1, a2, b1 as before, and a4 (still working on it); not a3.
    assert_eq!(
        item(&d, "module", e.module)["total"],
        stats(5, 4, 2, 40.0, Some(76.7))
    );
    // The same period given as day 0 10:00 to day 6 10:00 covers days 0…6 whole.
    let d2 = admin
        .get_ok(&format!("/api/v1/dashboard?from={}&to={}", day(0), day(6)))
        .await;
    assert_eq!(d2["from"], P0);
    assert_eq!(d2["to"], P0 + 7 * DAY);
    assert_eq!(d2["items"], d["items"]);
    // Days 3…4 only: a2's read and failed attempt; b1 still working (completes on day 5).
    let d3 = admin
        .get_ok(&format!("/api/v1/dashboard?from={}&to={}", day(3), day(4)))
        .await;
    // Started before day 5 and not completed before day 3: a2, a4, b1 (a1 completed on
    // day 2). Completed: nobody. Scored: a2 (50).
    assert_eq!(
        item(&d3, "module", e.module)["total"],
        stats(5, 3, 0, 0.0, Some(50.0))
    );
}

async fn bad_periods_are_refused(app: TestApp) {
    let admin = app.signed_in("admin").await;
    for q in [
        "/api/v1/dashboard?from=10&to=5",
        "/api/v1/dashboard?from=-5",
        "/api/v1/dashboard?from=abc",
        "/api/v1/dashboard/timeline?bucket=month",
        "/api/v1/dashboard/timeline?from=0&to=1000000000000",
        "/api/v1/dashboard/heatmap?to=0",
        "/api/v1/dashboard/branches/abc/members",
    ] {
        let r = admin.get(q).await;
        assert!(r.status.is_client_error(), "{q}: {} {}", r.status, r.text());
        assert!(!r.code().is_empty());
    }
    let r = admin.get("/api/v1/dashboard/branches/999999/members").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A long timeline by week is fine; the same by day is not.
    let to = P0 + 200 * DAY;
    admin
        .get_ok(&format!(
            "/api/v1/dashboard/timeline?from={P0}&to={to}&bucket=week"
        ))
        .await;
    let r = admin
        .get(&format!(
            "/api/v1/dashboard/timeline?from={P0}&to={}",
            P0 + 400 * DAY
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_period");
}

/// Every endpoint that takes a period refuses one out of range (huge, negative, the ends of
/// i64), reversed or too long with `400 invalid_period` and a Chinese message: no panic in
/// the calendar arithmetic, no 500, no figures for nonsense. The ends of the range work.
async fn huge_negative_and_reversed_periods_are_refused_everywhere(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let branch = app.id_of("branches", "机关第一党支部").await;
    let (group,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM youth_groups")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let endpoints = [
        "GET /api/v1/dashboard?".to_string(),
        "GET /api/v1/dashboard/heatmap?".to_string(),
        "GET /api/v1/dashboard/timeline?".to_string(),
        "GET /api/v1/dashboard/timeline?bucket=week&".to_string(),
        format!("GET /api/v1/dashboard/branches/{branch}/members?"),
        format!("GET /api/v1/dashboard/youth-groups/{group}/members?"),
        "GET /api/v1/exports/dashboard?format=csv&".to_string(),
        "GET /api/v1/exports/members?format=csv&".to_string(),
        format!("GET /api/v1/exports/members?format=xlsx&unit=branch&unit_id={branch}&"),
        "POST /api/v1/exports/members/jobs?format=csv&".to_string(),
    ];
    let (max, min) = (i64::MAX, i64::MIN);
    let latest = backend::domain::dashboard::LATEST_MS;
    let periods = [
        format!("to={max}"),
        format!("from={max}"),
        format!("from={}&to={max}", max - 1),
        format!("to={min}"),
        format!("from={min}"),
        format!("from={min}&to={max}"),
        "from=-1".to_string(),
        "to=-86400000".to_string(),
        format!("from={}&to={P0}", P0 + DAY),
        format!("from={P0}&to={P0}"),
        format!("to={}", latest + 1),
        format!("from=0&to={latest}"),
    ];
    let refused = |r: &crate::helpers::TestResponse, what: &str| {
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.text());
        assert_eq!(r.code(), "invalid_period", "{what}");
        let message = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{what}: {message}"
        );
    };
    for e in &endpoints {
        let (method, path) = e.split_once(' ').unwrap();
        for p in &periods {
            let url = format!("{path}{p}");
            let r = if method == "POST" {
                admin.post(&url, json!({})).await
            } else {
                admin.get(&url).await
            };
            refused(&r, &format!("{method} {url}"));
        }
    }
    // The report checks its previous period too.
    for q in [
        format!("previous_from={min}&from={P0}&to={}", P0 + DAY),
        format!("previous_from=0&from={P0}&to={max}"),
        format!("previous_from=0&from={max}&to={P0}"),
        format!("previous_from={}&from={P0}&to={}", P0 + DAY, P0 + 2 * DAY),
        "previous_from=0&from=10&to=5".to_string(),
    ] {
        let url = format!("/api/v1/exports/report?format=xlsx&kind=quarter&{q}");
        refused(&admin.get(&url).await, &url);
    }
    // The last day of the range, and a timeline ending there, are fine.
    let last_day = format!("from={}&to={latest}", latest - DAY);
    let d = admin.get_ok(&format!("/api/v1/dashboard?{last_day}")).await;
    assert_eq!(d["to"], latest);
    admin
        .get_ok(&format!("/api/v1/dashboard/heatmap?{last_day}"))
        .await;
    let t = admin
        .get_ok(&format!("/api/v1/dashboard/timeline?to={latest}"))
        .await;
    assert_eq!(
        t["points"].as_array().unwrap().last().unwrap()["label"],
        "9999-12-31"
    );
    admin
        .get_ok(&format!(
            "/api/v1/dashboard/branches/{branch}/members?{last_day}"
        ))
        .await;
}

async fn unit_quizzes_count_for_their_units_and_drafts_not_at_all(app: TestApp) {
    let b3 = app.id_of("branches", "机关第三党支部").await;
    let unit_quiz = id(&app, "INSERT INTO quizzes (title, kind, audience, question_count, status, created_at, updated_at) \
        VALUES ('第三支部专项', 'special', 'units', 5, 'published', 0, 0) RETURNING id").await;
    exec(
        &app,
        &format!("INSERT INTO quiz_branches (quiz_id, branch_id) VALUES ({unit_quiz}, {b3})"),
    )
    .await;
    let draft = id(&app, "INSERT INTO quizzes (title, kind, audience, question_count, status, created_at, updated_at) \
        VALUES ('草稿测验', 'exam', 'all', 5, 'draft', 0, 0) RETURNING id").await;
    let admin = app.signed_in("admin").await;
    let d = admin.get_ok("/api/v1/dashboard").await;
    let q = item(&d, "quiz", unit_quiz);
    // The ten members of the third branch only.
    assert_eq!(q["total"]["assigned"], 10);
    assert_eq!(q["branches"].as_array().unwrap().len(), 1);
    assert!(d["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !(i["item"]["kind"] == "quiz" && i["item"]["id"] == draft)));
    // org1 (first two branches) does not see the third branch's quiz.
    let d = app
        .signed_in("org1")
        .await
        .get_ok("/api/v1/dashboard")
        .await;
    assert!(d["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !(i["item"]["kind"] == "quiz" && i["item"]["id"] == unit_quiz)));
}
