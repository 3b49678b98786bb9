//! The study modules of `seeds/modules/`: every file loads, is listed for a member with
//! its lessons and quizzes, draws from its own question category, and loading twice
//! changes nothing.

use std::path::PathBuf;

use axum::http::StatusCode;
use backend::domain::content;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    every_module_file_is_listed_with_its_lessons_and_quizzes,
    modules_load_idempotently,
    a_module_without_questions_is_refused_with_its_file_and_line,
);

fn modules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../seeds")
        .join(content::MODULES_DIR)
}

fn modules() -> Vec<content::ModuleFile> {
    content::parse_dir(&modules_dir())
        .unwrap_or_else(|errors| panic!("module files have errors:\n{}", errors.join("\n")))
}

async fn every_module_file_is_listed_with_its_lessons_and_quizzes(app: TestApp) {
    let files = modules();
    assert!(!files.is_empty(), "seeds/modules has module files");
    let c = app.signed_in("m001").await;
    let list = c.get("/api/v1/modules").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let list = list.json();
    let list = list.as_array().unwrap();
    let quizzes = c.get("/api/v1/quizzes").await.json();
    let quizzes = quizzes.as_array().unwrap();
    for f in &files {
        let m = list
            .iter()
            .find(|m| m["title"] == f.title.as_str())
            .unwrap_or_else(|| panic!("module {} is listed", f.slug));
        assert_eq!(m["track"], f.track.as_str(), "{}", f.slug);
        assert_eq!(m["lesson_count"], f.lessons.len() as i64, "{}", f.slug);
        let detail = c.get(&format!("/api/v1/modules/{}", m["id"])).await.json();
        let lessons = detail["lessons"].as_array().unwrap();
        for (l, file_lesson) in lessons.iter().zip(&f.lessons) {
            assert_eq!(l["title"], file_lesson.title.as_str());
            assert_eq!(l["source"], file_lesson.source.as_str());
        }
        let first = c
            .get(&format!("/api/v1/lessons/{}", lessons[0]["id"]))
            .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text());
        assert!(!first.json()["html"].as_str().unwrap().is_empty());

        let of_module: Vec<_> = quizzes
            .iter()
            .filter(|q| q["module_id"] == m["id"])
            .collect();
        assert!(
            of_module.iter().any(|q| q["kind"] == "practice"),
            "{} has a practice quiz",
            f.slug
        );
        assert_eq!(
            of_module.iter().any(|q| q["kind"] == "exam"),
            f.exam.is_some(),
            "{} has an exam exactly when its file declares one",
            f.slug
        );

        // The practice quiz draws only from the module's own category.
        let practice = of_module.iter().find(|q| q["kind"] == "practice").unwrap();
        let started = c
            .post(
                &format!("/api/v1/quizzes/{}/attempts", practice["id"]),
                serde_json::json!({}),
            )
            .await;
        assert!(started.status.is_success(), "{}", started.text());
        let (outside,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id \
             JOIN question_categories c ON c.id = q.category_id \
             WHERE aq.attempt_id = $1 AND c.name <> $2",
        )
        .bind(started.json()["id"].as_i64().unwrap())
        .bind(&f.category)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(outside, 0, "{} practises from {}", f.slug, f.category);
    }
}

async fn modules_load_idempotently(app: TestApp) {
    let files = modules();
    let before = (
        app.count("modules").await,
        app.count("lessons").await,
        app.count("quizzes").await,
        app.count("module_categories").await,
    );
    let (stamp,): (i64,) = sqlx::query_as("SELECT MAX(updated_at) FROM lessons")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        content::load(&app.db, &files).await.unwrap(),
        files.len(),
        "every file loads"
    );
    let after = (
        app.count("modules").await,
        app.count("lessons").await,
        app.count("quizzes").await,
        app.count("module_categories").await,
    );
    assert_eq!(before, after, "loading twice adds nothing");
    let (again,): (i64,) = sqlx::query_as("SELECT MAX(updated_at) FROM lessons")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stamp, again, "and rewrites no lesson");

    // An edited lesson is updated in place; a dropped one is removed.
    let mut edited = files.clone();
    edited[0].lessons[0].body.push_str("\n\n（修订）");
    let dropped = edited[0].lessons.pop().unwrap();
    content::load(&app.db, &edited).await.unwrap();
    assert_eq!(app.count("lessons").await, before.1 - 1);
    let (body,): (String,) =
        sqlx::query_as("SELECT body_md FROM lessons WHERE title = $1 AND position = 1")
            .bind(&edited[0].lessons[0].title)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(body.ends_with("（修订）"));
    let (gone,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM lessons WHERE title = $1")
        .bind(&dropped.title)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
}

async fn a_module_without_questions_is_refused_with_its_file_and_line(app: TestApp) {
    let mut files = modules();
    files.truncate(1);
    files[0].slug = "no-questions".into();
    files[0].title = "没有题目的专题".into();
    files[0].category = "不存在的分类".into();
    let modules_before = app.count("modules").await;
    let err = content::load(&app.db, &files)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&files[0].category_origin) && err.contains("不存在的分类"),
        "{err}"
    );
    assert_eq!(
        app.count("modules").await,
        modules_before,
        "nothing is written"
    );
}
