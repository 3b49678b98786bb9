//! Quizzes and attempts: the six kinds' rules, server-side grading, key secrecy before
//! submission, one result for many submissions, deadlines, scope, and the mistake book.

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::grading::Answer;

use crate::helpers::{Client, TestApp};
use crate::on_both_databases;

on_both_databases!(
    six_kinds_are_offered,
    nothing_before_submission_reveals_a_key,
    grading_is_done_on_the_server_with_explanations_after,
    daily_is_once_a_day_and_resumes,
    fifty_concurrent_submissions_give_one_result,
    exam_deadline_and_attempt_limit,
    special_window_and_single_attempt,
    bad_answers_and_foreign_attempts_are_refused,
    challenge_runs_until_the_first_wrong_answer,
    mistakes_are_practised_until_right_on_two_days,
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

/// Every JSON object key in a response, recursively.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
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

async fn nothing_before_submission_reveals_a_key(app: TestApp) {
    let c = app.signed_in("m002").await;
    let (explanations,): (String,) =
        sqlx::query_as("SELECT explanation FROM questions ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let mut responses = vec![quizzes(&c).await.into_iter().collect::<Value>()];
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
        responses.push(a.clone());
        responses.push(c.get(&format!("/api/v1/attempts/{id}")).await.json());
        let first = &a["questions"][0];
        let right = app.right_answers(id).await;
        let answer = if kind == "challenge" {
            right[&1].clone()
        } else {
            wrong(
                &right[&1],
                first["options"].as_array().unwrap().len().max(2),
            )
        };
        responses.push(save(&c, id, 1, &answer).await.json());
        responses.push(c.get("/api/v1/attempts").await.json());
    }
    for r in &responses {
        let mut ks = Vec::new();
        keys(r, &mut ks);
        for forbidden in ["key", "answer_key", "explanation", "source", "correct"] {
            // A challenge says whether the answer just given was right: that is its rule.
            if forbidden == "correct" && r.get("correct").is_some_and(|c| c == true) {
                continue;
            }
            assert!(!ks.iter().any(|k| k == forbidden), "{forbidden} in {r}");
        }
        assert!(
            !r.to_string().contains(&explanations),
            "explanation text leaked: {r}"
        );
    }
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
    assert!(qs[0]["source"].as_str().unwrap().contains("第"));
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
    // Time runs out.
    sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
        .bind(backend::db::now_ms() - 1000)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = save(&c, id, 2, &right[&2]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "deadline_passed");
    let r = c
        .post(&format!("/api/v1/attempts/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let result = &r.json()["result"];
    assert_eq!(
        result["correct_count"], 1,
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
    assert!(!book[0]["source"].as_str().unwrap().trim().is_empty());
    // Practise: right today...
    for day in 0..2 {
        let p = c.post("/api/v1/mistakes/practice", json!({})).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text());
        let pid = p.json()["id"].as_i64().unwrap();
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
