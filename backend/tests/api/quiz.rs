//! Quizzes and attempts: the six kinds' rules, server-side grading, key secrecy before
//! submission, one result for many submissions, deadlines, scope, and the mistake book.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::grading::Answer;

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    six_kinds_are_offered,
    keys_appear_only_as_the_reveal_rule_allows,
    closing_a_quiz_closes_its_open_attempts_once,
    grading_is_done_on_the_server_with_explanations_after,
    daily_is_once_a_day_and_resumes,
    fifty_concurrent_submissions_give_one_result,
    saves_racing_a_submission_are_graded_or_refused,
    exam_deadline_and_attempt_limit,
    special_window_and_single_attempt,
    bad_answers_and_foreign_attempts_are_refused,
    signed_out_or_deactivated_sessions_stop_saving_at_once,
    challenge_runs_until_the_first_wrong_answer,
    mistakes_are_practised_until_right_on_two_days,
    results_say_points_earned_attempts_left_and_whether_to_go_again,
);

async fn quizzes(c: &Client<'_>) -> Vec<Value> {
    let r = c.get("/api/v1/quizzes").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json().as_array().unwrap().clone()
}

async fn quiz_id(c: &Client<'_>, kind: &str) -> i64 {
    quizzes(c)
        .await
        .iter()
        .find(|q| q["kind"] == kind)
        .unwrap_or_else(|| panic!("a {kind} quiz"))["id"]
        .as_i64()
        .unwrap()
}

async fn start(c: &Client<'_>, quiz: i64) -> Value {
    let r = c
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// A wrong answer of the same shape as `right`.
fn wrong(right: &Answer, option_count: usize) -> Answer {
    match right {
        Answer::Single { option } => Answer::Single {
            option: (option + 1) % option_count,
        },
        Answer::Multiple { options } => Answer::Multiple {
            options: vec![options[0]],
        },
        Answer::TrueFalse { value } => Answer::TrueFalse { value: !value },
        Answer::FillIn { blanks } => Answer::FillIn {
            blanks: blanks.iter().map(|_| "错误答案".to_string()).collect(),
        },
    }
}

async fn save(
    c: &Client<'_>,
    attempt: i64,
    position: i64,
    answer: &Answer,
) -> crate::helpers::TestResponse {
    c.call(
        axum::http::Method::PUT,
        &format!("/api/v1/attempts/{attempt}/answers/{position}"),
        Some(json!({ "answer": answer })),
    )
    .await
}

async fn six_kinds_are_offered(app: TestApp) {
    let c = app.signed_in("m001").await;
    let mut kinds: Vec<String> = quizzes(&c)
        .await
        .iter()
        .map(|q| q["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds.dedup(); // the study modules of seeds/modules add practice quizzes and exams
    assert_eq!(
        kinds,
        vec![
            "challenge",
            "daily",
            "exam",
            "practice",
            "special",
            "weekly"
        ]
    );
    let exam = quizzes(&c)
        .await
        .into_iter()
        .find(|q| q["kind"] == "exam")
        .unwrap();
    assert_eq!(exam["time_limit_secs"], 600);
    assert_eq!(exam["pass_mark"], 60);
    assert_eq!(exam["max_attempts"], 3);
    assert_eq!(
        app.anonymous().get("/api/v1/quizzes").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Keys, explanations, sources and per-question verdicts found anywhere in `v`: the
/// (non-null) values of those fields, and the explanation texts themselves.
fn revealing(v: &Value, explanations: &[String]) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let secret = ["key", "answer_key", "explanation", "source", "correct"];
                    // A challenge says whether the answer just given was right: that is
                    // its rule (the run ends at the first wrong one).
                    let challenge_verdict = k == "correct" && m.contains_key("finished");
                    if secret.contains(&k.as_str()) && !v.is_null() && !challenge_verdict {
                        out.push(format!("{k}: {v}"));
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out);
    let text = v.to_string();
    out.extend(
        explanations
            .iter()
            .filter(|e| text.contains(e.as_str()))
            .map(|e| format!("explanation text {e}")),
    );
    out
}

/// The explanations of every question a member's attempts hold.
async fn explanations_seen_by(app: &TestApp, username: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT q.explanation FROM attempt_questions aq \
         JOIN attempts a ON a.id = aq.attempt_id JOIN questions q ON q.id = aq.question_id \
         WHERE a.user_id = $1",
    )
    .bind(app.user_id(username).await)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(e,)| {
            serde_json::to_string(&e)
                .unwrap()
                .trim_matches('"')
                .to_string()
        })
        .filter(|e| e.chars().count() > 5)
        .collect()
}

/// For every reveal rule, a member takes each kind of quiz, answers wrong and submits.
/// Before the rule allows, no response (questions, saves, results, history, the mistake
/// book, practising from it, the quiz list) carries a key, an explanation, a source or a
/// per-question verdict, and the book lists nothing to practise; once it allows, results
/// and the book show them.
async fn keys_appear_only_as_the_reveal_rule_allows(app: TestApp) {
    let admin = app.signed_in("admin").await;
    for (rule, member) in [
        ("after_submit", "m002"),
        ("after_close", "m013"),
        ("never", "m014"),
    ] {
        sqlx::query(
            "UPDATE quizzes SET reveal = $1 WHERE slug IS NULL OR slug <> 'mistake-practice'",
        )
        .bind(rule)
        .execute(&app.db.pool)
        .await
        .unwrap();
        let c = app.signed_in(member).await;
        let mut before = vec![quizzes(&c).await.into_iter().collect::<Value>()];
        let mut after = Vec::new();
        let mut taken = Vec::new();
        for kind in [
            "daily",
            "weekly",
            "practice",
            "special",
            "exam",
            "challenge",
        ] {
            let quiz = quiz_id(&c, kind).await;
            let a = start(&c, quiz).await;
            let id = a["id"].as_i64().unwrap();
            taken.push((quiz, id));
            before.push(a.clone());
            before.push(c.get(&format!("/api/v1/attempts/{id}")).await.json());
            let right = app.right_answers(id).await;
            // A challenge would end at a wrong answer: answer right, then stop.
            let answer = if kind == "challenge" {
                right[&1].clone()
            } else {
                let options = a["questions"][0]["options"].as_array().unwrap().len();
                wrong(&right[&1], options.max(2))
            };
            before.push(save(&c, id, 1, &answer).await.json());
            before.push(c.get("/api/v1/attempts").await.json());
            let r = c
                .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            after.push(r.json());
            after.push(c.get(&format!("/api/v1/attempts/{id}")).await.json());
        }
        after.push(c.get("/api/v1/attempts").await.json());
        after.push(quizzes(&c).await.into_iter().collect::<Value>());
        let book = c.get_ok("/api/v1/mistakes").await;
        let practice = c.post("/api/v1/mistakes/practice", json!({})).await;
        let explanations = explanations_seen_by(&app, member).await;
        assert!(!explanations.is_empty());
        for r in &before {
            let found = revealing(r, &explanations);
            assert!(
                found.is_empty(),
                "{rule}, before submission: {found:?} in {r}"
            );
        }
        if rule == "after_submit" {
            let result = &after[0]["result"];
            assert_eq!(result["revealed"], true);
            assert!(result["questions"][0]["key"].is_object(), "{result}");
            assert_eq!(result["questions"][0]["correct"], false);
            assert!(!book.as_array().unwrap().is_empty());
            assert!(book[0]["key"].is_object() && book[0]["explanation"].is_string());
            assert_eq!(practice.status, StatusCode::CREATED, "{}", practice.text());
            continue;
        }
        // Not yet (after close) or never: nothing in any answer, and an empty book.
        after.push(book.clone());
        after.push(practice.json());
        for r in &after {
            let found = revealing(r, &explanations);
            assert!(
                found.is_empty(),
                "{rule}, after submission: {found:?} in {r}"
            );
        }
        assert_eq!(book, json!([]), "{rule}: no mistake listed before its key");
        assert_eq!(
            practice.status,
            StatusCode::CONFLICT,
            "{rule}: no key oracle"
        );
        assert_eq!(practice.code(), "no_mistakes");
        assert!(
            after[0]["result"]["score_percent"].is_i64(),
            "the score is shown"
        );
        // The quizzes close: "after close" now shows everything, "never" still nothing.
        for (quiz, _) in &taken {
            let r = admin
                .post(
                    &format!("/api/v1/manage/quizzes/{quiz}/status"),
                    json!({ "status": "closed" }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
        let book = c.get_ok("/api/v1/mistakes").await;
        let mut shown = vec![book.clone(), c.get("/api/v1/attempts").await.json()];
        for (_, id) in &taken {
            shown.push(c.get(&format!("/api/v1/attempts/{id}")).await.json());
        }
        if rule == "never" {
            for r in &shown {
                let found = revealing(r, &explanations);
                assert!(found.is_empty(), "never, closed: {found:?} in {r}");
            }
            let r = c.post("/api/v1/mistakes/practice", json!({})).await;
            assert_eq!(r.code(), "no_mistakes");
        } else {
            let result = &shown[2]["result"];
            assert_eq!(result["revealed"], true);
            assert!(result["questions"][0]["key"].is_object(), "{result}");
            assert_eq!(result["questions"][0]["correct"], false);
            let book = book.as_array().unwrap();
            assert!(!book.is_empty(), "after close, the mistakes enter the book");
            assert!(book[0]["key"].is_object() && book[0]["explanation"].is_string());
            let r = c.post("/api/v1/mistakes/practice", json!({})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        // Reopened for the next member.
        sqlx::query("UPDATE quizzes SET status = 'published' WHERE status = 'closed'")
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
}

/// Ledger entries and their points for one attempt.
async fn ledger_of(app: &TestApp, attempt: i64) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT points FROM points_ledger WHERE reference = $1 ORDER BY id")
            .bind(format!("attempt:{attempt}"))
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    rows.into_iter().map(|(p,)| p).collect()
}

async fn set_status(admin: &Client<'_>, quiz: i64, status: &str) -> Value {
    let r = admin
        .post(
            &format!("/api/v1/manage/quizzes/{quiz}/status"),
            json!({ "status": status }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

/// Closing a quiz closes its open attempts at their saved answers, graded then (result,
/// mistakes, points) exactly once; afterwards saving and submitting are refused with
/// `quiz_closed`. A member's own submission (before the close, or racing it) keeps its one
/// result.
async fn closing_a_quiz_closes_its_open_attempts_once(app: TestApp) {
    sqlx::query("UPDATE quizzes SET reveal = 'after_close' WHERE kind = 'special'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let admin = app.signed_in("admin").await;
    let open = app.signed_in("m020").await;
    let done = app.signed_in("m021").await;
    let racing = app.signed_in("m022").await;
    let quiz = quiz_id(&open, "special").await;
    // m020 leaves three right answers and one wrong one saved.
    let a = start(&open, quiz).await;
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    for pos in 1..=3 {
        assert_eq!(
            save(&open, id, pos, &right[&pos]).await.status,
            StatusCode::OK
        );
    }
    let options = a["questions"][3]["options"]
        .as_array()
        .unwrap()
        .len()
        .max(2);
    save(&open, id, 4, &wrong(&right[&4], options)).await;
    // m021 submitted before the close.
    let d = start(&done, quiz).await;
    let done_id = d["id"].as_i64().unwrap();
    let submitted = done
        .post(&format!("/api/v1/attempts/{done_id}/submit"), json!({}))
        .await
        .json();
    // m022 submits while the quiz is being closed.
    let rc = start(&racing, quiz).await;
    let racing_id = rc["id"].as_i64().unwrap();
    let racing_right = app.right_answers(racing_id).await;
    save(&racing, racing_id, 1, &racing_right[&1]).await;
    let status_path = format!("/api/v1/manage/quizzes/{quiz}/status");
    let submit_path = format!("/api/v1/attempts/{racing_id}/submit");
    let (closed, raced) = futures_util::join!(
        admin.post(&status_path, json!({ "status": "closed" })),
        racing.post(&submit_path, json!({})),
    );
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let by_now = backend::db::now_ms();
    assert!(
        raced.status == StatusCode::OK || raced.code() == "quiz_closed",
        "{}",
        raced.text()
    );

    // The open attempt is graded at its saved answers, and now shows its keys.
    let v = open.get_ok(&format!("/api/v1/attempts/{id}")).await;
    assert_eq!(v["submitted"], true);
    let result = &v["result"];
    assert_eq!(result["correct_count"], 3);
    assert_eq!(result["question_count"], 10);
    assert!(result["submitted_at"].as_i64().unwrap() <= by_now);
    assert_eq!(result["revealed"], true, "after close: the quiz is closed");
    assert_eq!(result["questions"][3]["correct"], false);
    // Saving and submitting are refused, and change nothing.
    let r = save(&open, id, 5, &right[&5]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "quiz_closed");
    assert!(r.json()["message"].as_str().unwrap().contains("答题已结束"));
    let r = open
        .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.code(), "quiz_closed");
    let again = open.get_ok(&format!("/api/v1/attempts/{id}")).await;
    assert_eq!(again["result"], v["result"]);
    // Points and mistakes as a submission would give, once: 1 point per correct answer.
    assert_eq!(ledger_of(&app, id).await, vec![3]);
    let me = open.get_ok("/api/v1/points/me").await;
    assert_eq!(me["totals"]["all"], 1 + 3, "sign-in plus the quiz");
    let (wrong_count,): (i64,) = sqlx::query_as(
        "SELECT wrong_count FROM mistakes WHERE user_id = $1 AND question_id = \
         (SELECT question_id FROM attempt_questions WHERE attempt_id = $2 AND position = 4)",
    )
    .bind(app.user_id("m020").await)
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(wrong_count, 1);

    // The member who submitted keeps their result; repeating the submission still gives it.
    let r = done
        .post(&format!("/api/v1/attempts/{done_id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["result"]["submitted_at"],
        submitted["result"]["submitted_at"]
    );
    // The racing submission was graded by exactly one of the two.
    assert_eq!(ledger_of(&app, racing_id).await, vec![1]);
    let (graded,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM attempts WHERE id = $1 AND correct_count IS NOT NULL")
            .bind(racing_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(graded, 1);

    // Reopening and closing again grades nothing twice.
    set_status(&admin, quiz, "published").await;
    set_status(&admin, quiz, "closed").await;
    assert_eq!(ledger_of(&app, id).await, vec![3]);
    assert_eq!(
        open.get_ok(&format!("/api/v1/attempts/{id}")).await["result"]["submitted_at"],
        v["result"]["submitted_at"]
    );
    // Nobody can start it now.
    let r = app
        .signed_in("m023")
        .await
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.code(), "quiz_closed");
}

async fn grading_is_done_on_the_server_with_explanations_after(app: TestApp) {
    let c = app.signed_in("m003").await;
    let a = start(&c, quiz_id(&c, "practice").await).await;
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    let n = a["questions"].as_array().unwrap().len() as i64;
    assert_eq!(n, 5);
    // All right but the last, which is left unanswered.
    for pos in 1..n {
        let r = save(&c, id, pos, &right[&pos]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(
            r.json()["correct"].is_null(),
            "no verdict before submission"
        );
    }
    let r = c
        .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let result = r.json()["result"].clone();
    assert_eq!(result["correct_count"], n - 1);
    assert_eq!(result["score_percent"], (n - 1) * 100 / n);
    assert_eq!(result["revealed"], true);
    let qs = result["questions"].as_array().unwrap();
    assert!(qs[0]["explanation"].as_str().unwrap().len() > 3);
    // Every shipped question cites where it comes from (not always a numbered article:
    // "2023年党建工作要点 总体要求", a speech with its date).
    assert!(!qs[0]["source"].as_str().unwrap().trim().is_empty());
    assert_eq!(qs[0]["correct"], true);
    assert_eq!(qs[n as usize - 1]["correct"], false);
    assert!(qs[n as usize - 1]["answer"].is_null());
    assert_eq!(
        serde_json::from_value::<Answer>(qs[0]["key"].clone()).unwrap(),
        right[&1]
    );
    // Practice is unlimited: a new attempt starts.
    let again = start(&c, quiz_id(&c, "practice").await).await;
    assert_ne!(again["id"], a["id"]);
}

async fn daily_is_once_a_day_and_resumes(app: TestApp) {
    let c = app.signed_in("m004").await;
    let quiz = quiz_id(&c, "daily").await;
    let a = start(&c, quiz).await;
    assert_eq!(a["questions"].as_array().unwrap().len(), 5);
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    save(&c, id, 2, &right[&2]).await;
    // A reload resumes the same attempt with the saved answer.
    let again = start(&c, quiz).await;
    assert_eq!(again["id"], id);
    assert_eq!(
        serde_json::from_value::<Answer>(again["questions"][1]["answer"].clone()).unwrap(),
        right[&2]
    );
    c.post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    let r = c
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "no_attempts_left");
    assert!(r.json()["message"].as_str().unwrap().contains("今日"));
    let listed = quizzes(&c)
        .await
        .into_iter()
        .find(|q| q["kind"] == "daily")
        .unwrap();
    assert_eq!(listed["can_start"], false);
    // Yesterday's attempt does not count today.
    sqlx::query("UPDATE attempts SET period = '2000-01-01' WHERE id = $1")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_ne!(start(&c, quiz).await["id"], id);
}

async fn fifty_concurrent_submissions_give_one_result(app: TestApp) {
    let c = app.signed_in("m005").await;
    let a = start(&c, quiz_id(&c, "weekly").await).await;
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    save(&c, id, 1, &right[&1]).await;
    let opts = a["questions"][1]["options"]
        .as_array()
        .unwrap()
        .len()
        .max(2);
    save(&c, id, 2, &wrong(&right[&2], opts)).await;
    let path = format!("/api/v1/attempts/{id}/submit");
    let futs: Vec<_> = (0..50).map(|_| c.post(&path, json!({}))).collect();
    let results = join_all(futs).await;
    let firsts: Vec<Value> = results
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            r.json()["result"].clone()
        })
        .collect();
    for r in &firsts {
        assert_eq!(r["submitted_at"], firsts[0]["submitted_at"]);
        assert_eq!(r["correct_count"], 1);
    }
    let (wrong_count,): (i64,) = sqlx::query_as("SELECT wrong_count FROM mistakes WHERE user_id = $1 AND question_id = (SELECT question_id FROM attempt_questions WHERE attempt_id = $2 AND position = 2)")
        .bind(app.user_id("m005").await)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(wrong_count, 1, "graded once");
}

/// Saves sent while the attempt is being submitted: each is either written before the
/// grading (and graded) or refused with 409, never written after it. A save clears the
/// question's verdict (`correct = NULL`) and grading sets it, so a save that slipped in
/// after the grading would leave a question without a verdict.
async fn saves_racing_a_submission_are_graded_or_refused(app: TestApp) {
    let c = app.signed_in("m007").await;
    let a = start(&c, quiz_id(&c, "weekly").await).await;
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    let positions: Vec<i64> = right.keys().copied().collect();
    let saves: Vec<_> = (0..60)
        .map(|i| {
            let p = positions[i % positions.len()];
            save(&c, id, p, &right[&p])
        })
        .collect();
    let path = format!("/api/v1/attempts/{id}/submit");
    let (saved, submitted) = futures_join(join_all(saves), c.post(&path, json!({}))).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text());
    let mut written = 0;
    for r in &saved {
        match r.status {
            StatusCode::OK => written += 1,
            StatusCode::CONFLICT => assert_eq!(r.json()["code"], "attempt_submitted"),
            other => panic!("save answered {other}: {}", r.text()),
        }
    }
    let (ungraded, right_rows): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN correct IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM attempt_questions WHERE attempt_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        ungraded, 0,
        "no save landed after the grading ({written} of 60 written)"
    );
    let view = c.get(&format!("/api/v1/attempts/{id}")).await.json();
    assert_eq!(view["result"]["correct_count"], right_rows);
    // After the submission every save is refused.
    let late = save(&c, id, positions[0], &right[&positions[0]]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    (ra.unwrap(), rb.unwrap())
}

async fn join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

async fn exam_deadline_and_attempt_limit(app: TestApp) {
    let c = app.signed_in("m006").await;
    let quiz = quiz_id(&c, "exam").await;
    let a = start(&c, quiz).await;
    let id = a["id"].as_i64().unwrap();
    assert!(a["deadline_at"].as_i64().unwrap() - a["started_at"].as_i64().unwrap() == 600_000);
    let right = app.right_answers(id).await;
    save(&c, id, 1, &right[&1]).await;
    let deadline = |ago: i64| {
        sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
            .bind(backend::db::now_ms() - ago)
            .bind(id)
            .execute(&app.db.pool)
    };
    // Time ran out a moment ago: the pick on screen then was in flight, and counts.
    deadline(2_000).await.unwrap();
    let r = save(&c, id, 2, &right[&2]).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "within the grace of a save in flight"
    );
    // Past the grace: refused.
    deadline(shared::api::quiz::SAVE_GRACE_MS + 1_000)
        .await
        .unwrap();
    let r = save(&c, id, 3, &right[&3]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "deadline_passed");
    let r = c
        .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let result = &r.json()["result"];
    assert_eq!(
        result["correct_count"], 2,
        "graded on what was saved in time"
    );
    assert_eq!(result["passed"], false);
    for _ in 0..2 {
        let a = start(&c, quiz).await;
        c.post(&format!("/api/v1/attempts/{}/submit", a["id"]), json!({}))
            .await;
    }
    let r = c
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "no_attempts_left");
}

async fn special_window_and_single_attempt(app: TestApp) {
    let c = app.signed_in("m007").await;
    let quiz = quiz_id(&c, "special").await;
    let a = start(&c, quiz).await;
    assert_eq!(a["questions"].as_array().unwrap().len(), 10, "a fixed set");
    c.post(&format!("/api/v1/attempts/{}/submit", a["id"]), json!({}))
        .await;
    let r = c
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.code(), "no_attempts_left");
    let other = app.signed_in("m008").await;
    sqlx::query("UPDATE quizzes SET opens_at = $1 WHERE id = $2")
        .bind(backend::db::now_ms() + 3_600_000)
        .bind(quiz)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = other
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "quiz_not_open");
    sqlx::query("UPDATE quizzes SET opens_at = 0, closes_at = $1 WHERE id = $2")
        .bind(backend::db::now_ms() - 1000)
        .bind(quiz)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = other
        .post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({}))
        .await;
    assert_eq!(r.code(), "quiz_closed");
    assert_eq!(app.count("attempts").await, 1, "nothing written");
}

async fn bad_answers_and_foreign_attempts_are_refused(app: TestApp) {
    let c = app.signed_in("m009").await;
    let a = start(&c, quiz_id(&c, "practice").await).await;
    let id = a["id"].as_i64().unwrap();
    let r = save(&c, id, 99, &Answer::TrueFalse { value: true }).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let first_kind = a["questions"][0]["kind"].as_str().unwrap().to_string();
    let bad = if first_kind == "true_false" {
        Answer::Single { option: 0 }
    } else {
        Answer::TrueFalse { value: true }
    };
    let r = save(&c, id, 1, &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_answer");
    let r = c
        .call(
            axum::http::Method::PUT,
            &format!("/api/v1/attempts/{id}/answers/1"),
            Some(json!({"answer": {"kind": "single", "option": 42}})),
        )
        .await;
    assert!(r.status == StatusCode::BAD_REQUEST, "{}", r.text());
    let (saved,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM attempt_questions WHERE attempt_id = $1 AND answer IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(saved, 0, "nothing written");
    let other = app.signed_in("m010").await;
    assert_eq!(
        other.get(&format!("/api/v1/attempts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        save(&other, id, 1, &Answer::TrueFalse { value: true })
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    c.post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    let r = save(&c, id, 1, &Answer::TrueFalse { value: true }).await;
    assert_eq!(r.code(), "attempt_submitted");
}

/// The hot paths check the session inside their own statement (saves: the batched write;
/// heartbeats: the read), and an answer save's question is remembered after its first
/// save: a session signed out or an account deactivated must still stop both at once.
async fn signed_out_or_deactivated_sessions_stop_saving_at_once(app: TestApp) {
    async fn lesson(c: &Client<'_>) -> i64 {
        let modules = c.get("/api/v1/modules").await.json();
        let m = modules[0]["id"].as_i64().unwrap();
        let detail = c.get(&format!("/api/v1/modules/{m}")).await.json();
        detail["lessons"][0]["id"].as_i64().unwrap()
    }
    async fn beat(c: &Client<'_>, lesson: i64) -> StatusCode {
        c.post(
            &format!("/api/v1/lessons/{lesson}/heartbeat"),
            json!({"reached_end": false}),
        )
        .await
        .status
    }
    let admin = app.signed_in("admin").await;
    for (username, end) in [("m012", "sign out"), ("m013", "deactivate")] {
        let c = app.signed_in(username).await;
        let a = start(&c, quiz_id(&c, "practice").await).await;
        let id = a["id"].as_i64().unwrap();
        let q = &a["questions"][0];
        let answer: Answer = serde_json::from_value(match q["kind"].as_str().unwrap() {
            "true_false" => json!({"kind": "true_false", "value": true}),
            "multiple" => json!({"kind": "multiple", "options": [0]}),
            "fill_in" => json!({"kind": "fill_in", "blanks": vec!["答"; q["blanks"].as_u64().unwrap_or(1) as usize]}),
            _ => json!({"kind": "single", "option": 0}),
        })
        .unwrap();
        let position = q["position"].as_i64().unwrap();
        let lesson = lesson(&c).await;
        // Twice each: the second save takes the remembered question, the second
        // heartbeat the one-statement read that answers without a write.
        for _ in 0..2 {
            let r = save(&c, id, position, &answer).await;
            assert_eq!(r.status, StatusCode::OK, "{username}: {}", r.text());
            assert_eq!(beat(&c, lesson).await, StatusCode::OK, "{username}");
        }
        if end == "sign out" {
            let r = c.post("/api/v1/auth/logout", json!({})).await;
            assert!(r.status.is_success(), "{}", r.text());
        } else {
            let user = app.user_id(username).await;
            let r = admin
                .patch(&format!("/api/v1/members/{user}"), json!({"active": false}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
        let r = save(&c, id, position, &answer).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{username} after {end}");
        assert_eq!(
            beat(&c, lesson).await,
            StatusCode::UNAUTHORIZED,
            "{username} after {end}"
        );
    }
}

async fn challenge_runs_until_the_first_wrong_answer(app: TestApp) {
    let c = app.signed_in("m011").await;
    let a = start(&c, quiz_id(&c, "challenge").await).await;
    let id = a["id"].as_i64().unwrap();
    assert_eq!(
        a["questions"].as_array().unwrap().len(),
        1,
        "one question at a time"
    );
    let right = app.right_answers(id).await;
    let r = save(&c, id, 1, &right[&1]).await.json();
    assert_eq!(r["correct"], true);
    assert_eq!(r["next"]["position"], 2);
    let r = save(&c, id, 1, &right[&1]).await;
    assert_eq!(r.code(), "not_current_question");
    let r = save(&c, id, 2, &right[&2]).await.json();
    assert_eq!(r["correct"], true);
    let opts = r["next"]["options"].as_array().unwrap().len().max(2);
    let r = save(&c, id, 3, &wrong(&right[&3], opts)).await.json();
    assert_eq!(r["correct"], false);
    assert_eq!(r["finished"], true);
    let v = c.get(&format!("/api/v1/attempts/{id}")).await.json();
    assert_eq!(v["submitted"], true);
    assert_eq!(
        v["result"]["correct_count"], 2,
        "the run's length is the score"
    );
    assert_eq!(v["result"]["question_count"], 3);
}

async fn mistakes_are_practised_until_right_on_two_days(app: TestApp) {
    let c = app.signed_in("m012").await;
    let r = c.post("/api/v1/mistakes/practice", json!({})).await;
    assert_eq!(r.code(), "no_mistakes");
    let a = start(&c, quiz_id(&c, "practice").await).await;
    assert_eq!(a["from_mistakes"], false);
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    let opts = a["questions"][0]["options"]
        .as_array()
        .unwrap()
        .len()
        .max(2);
    save(&c, id, 1, &wrong(&right[&1], opts)).await;
    for p in 2..=5 {
        save(&c, id, p, &right[&p]).await;
    }
    c.post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    let book = c.get("/api/v1/mistakes").await.json();
    let book = book.as_array().unwrap();
    assert_eq!(book.len(), 1);
    assert_eq!(book[0]["module_title"], "2023年党建工作要点");
    assert!(book[0]["explanation"].as_str().unwrap().len() > 3);
    // The book shows what was answered: the same choice as on the result page, though
    // the result lists options in the attempt's order and the book in the question's.
    let result = c.get(&format!("/api/v1/attempts/{id}")).await.json();
    let shown = &result["result"]["questions"][0];
    let given: Answer = serde_json::from_value(shown["answer"].clone()).unwrap();
    let kept: Answer = serde_json::from_value(book[0]["your_answer"].clone()).unwrap();
    assert_eq!(
        answer_texts(&given, &shown["options"]),
        answer_texts(&kept, &book[0]["options"])
    );
    assert_ne!(book[0]["your_answer"], book[0]["key"]);
    assert!(!book[0]["source"].as_str().unwrap().trim().is_empty());
    // Practise: right today...
    for day in 0..2 {
        let p = c.post("/api/v1/mistakes/practice", json!({})).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
        let pid = p.json()["id"].as_i64().unwrap();
        assert_eq!(p.json()["from_mistakes"], true, "a 错题练习 round says so");
        let right = app.right_answers(pid).await;
        save(&c, pid, 1, &right[&1]).await;
        c.post(&format!("/api/v1/attempts/{pid}/submit"), json!({}))
            .await;
        let book = c.get("/api/v1/mistakes").await.json();
        if day == 0 {
            assert_eq!(book[0]["right_days"], 1, "still in the book after one day");
            // A second right answer the same day does not count twice.
            let p2 = c.post("/api/v1/mistakes/practice", json!({})).await.json();
            let pid2 = p2["id"].as_i64().unwrap();
            let r2 = app.right_answers(pid2).await;
            save(&c, pid2, 1, &r2[&1]).await;
            c.post(&format!("/api/v1/attempts/{pid2}/submit"), json!({}))
                .await;
            assert_eq!(c.get("/api/v1/mistakes").await.json()[0]["right_days"], 1);
            // ...and then on another day.
            sqlx::query("UPDATE mistakes SET last_right_day = '2000-01-01'")
                .execute(&app.db.pool)
                .await
                .unwrap();
        } else {
            assert_eq!(book.as_array().unwrap().len(), 0, "cleared after two days");
        }
    }
}

async fn submit(c: &Client<'_>, id: i64) -> Value {
    let r = c
        .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn results_say_points_earned_attempts_left_and_whether_to_go_again(app: TestApp) {
    let c = app.signed_in("m007").await;
    // A daily quiz all right: its points are what the ledger got, and it is done today.
    let a = start(&c, quiz_id(&c, "daily").await).await;
    let id = a["id"].as_i64().unwrap();
    let right = app.right_answers(id).await;
    for (pos, answer) in &right {
        save(&c, id, *pos, answer).await;
    }
    let daily = submit(&c, id).await["result"].clone();
    let ledger = c.get("/api/v1/points/ledger?limit=100").await.json();
    let in_ledger: i64 = ledger["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reference"] == format!("attempt:{id}"))
        .map(|e| e["points"].as_i64().unwrap())
        .sum();
    assert!(in_ledger > 0, "a right answer earns points");
    assert_eq!(daily["points_earned"], in_ledger);
    assert_eq!(daily["attempts_left"], 0);
    assert_eq!(daily["can_retake"], false);
    // The result read again later says the same.
    let shown = c.get(&format!("/api/v1/attempts/{id}")).await.json();
    assert_eq!(shown["result"]["points_earned"], in_ledger);

    // An exam failed on its first attempt: no points, two attempts left, 再考一次.
    let exam = quiz_id(&c, "exam").await;
    let e = start(&c, exam).await;
    let eid = e["id"].as_i64().unwrap();
    let failed = submit(&c, eid).await["result"].clone();
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["points_earned"], 0);
    assert_eq!(failed["attempts_left"], 2);
    assert_eq!(failed["can_retake"], true);
    // Practice has no limit and no pass mark.
    let p = start(&c, quiz_id(&c, "practice").await).await;
    let pid = p["id"].as_i64().unwrap();
    let practice = submit(&c, pid).await["result"].clone();
    assert!(practice["attempts_left"].is_null());
    assert_eq!(practice["can_retake"], true);
    // The history says 通过 / 未通过 only where there is a pass mark.
    let history = c.get("/api/v1/attempts").await.json();
    let of = |id: i64| {
        history
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(of(eid)["passed"], false);
    assert!(of(pid)["passed"].is_null());
    // Once the exam's attempts are used up, its result offers no retake.
    for _ in 0..2 {
        let a = start(&c, exam).await;
        let last = submit(&c, a["id"].as_i64().unwrap()).await["result"].clone();
        assert_eq!(last["can_retake"], last["attempts_left"] != 0);
    }
    let r = c.get(&format!("/api/v1/attempts/{eid}")).await.json();
    assert_eq!(r["result"]["attempts_left"], 0);
    assert_eq!(r["result"]["can_retake"], false);
}

/// An answer as what it says: the texts of the chosen options (choices), else the answer.
fn answer_texts(a: &Answer, options: &Value) -> Value {
    let text = |i: &usize| options[*i].clone();
    match a {
        Answer::Single { option } => json!([text(option)]),
        Answer::Multiple { options: chosen } => {
            let mut t: Vec<String> = chosen
                .iter()
                .map(|i| text(i).as_str().unwrap().to_string())
                .collect();
            t.sort();
            json!(t)
        }
        other => json!(other),
    }
}
