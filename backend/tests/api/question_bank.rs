//! The repository's `question-bank/` files: every one parses, and loading is idempotent.

use std::path::PathBuf;

use backend::domain::question_bank;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(repository_bank_loads_once_and_updates_in_place);

fn bank_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../question-bank")
}

async fn repository_bank_loads_once_and_updates_in_place(app: TestApp) {
    let questions = question_bank::parse_dir(&bank_dir())
        .unwrap_or_else(|errors| panic!("question-bank files have errors:\n{}", errors.join("\n")));
    assert!(!questions.is_empty());
    let n = questions.len();
    // The test app loaded the bank once already, as the server does at start.
    assert_eq!(app.count("questions").await, n as i64);
    let again = question_bank::load(&app.db, &questions).await.unwrap();
    assert_eq!(again.unchanged, n, "loading twice changes nothing");
    assert_eq!(again.inserted + again.updated, 0);

    let mut edited = questions.clone();
    edited[0].draft.explanation.push_str("（修订）");
    let third = question_bank::load(&app.db, &edited).await.unwrap();
    assert_eq!((third.updated, third.unchanged), (1, n - 1));
    assert_eq!(app.count("questions").await, n as i64);
    let (explanation,): (String,) =
        sqlx::query_as("SELECT explanation FROM questions WHERE stable_id = $1")
            .bind(&edited[0].stable_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(explanation.ends_with("（修订）"));
}
