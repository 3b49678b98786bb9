//! One module per routed page.

pub mod admin_analysis;
pub mod admin_import;
pub mod admin_members;
pub mod admin_org;
pub mod admin_points;
pub mod admin_question;
pub mod admin_questions;
pub mod admin_quiz;
pub mod admin_quizzes;
pub mod attempt;
pub mod change_password;
pub mod history;
pub mod home;
pub mod lesson;
pub mod login;
pub mod mistakes;
pub mod module;
pub mod not_found;
pub mod quizzes;
pub mod ranking;
pub mod start;
pub mod study;
