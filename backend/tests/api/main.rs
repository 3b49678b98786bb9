//! API integration tests: the real router (no socket) on a fresh database per test, each
//! test run on SQLite and on PostgreSQL (`BEACON_TEST_POSTGRES_URL`, set by scripts/test.sh).

mod helpers;
#[path = "../support/xlsx_bomb.rs"]
mod xlsx_bomb;

mod audit;
mod auth;
mod authoring;
mod content;
mod dashboard;
mod errors;
mod exports;
mod members;
mod notifications;
mod openapi;
mod org;
mod points;
mod question_bank;
mod question_import;
mod question_import_files;
mod questions;
mod quiz;
mod quiz_builder;
mod quiz_builder_mix;
mod reports;
mod schema;
mod scope;
mod security;
mod study;
