//! Domain logic, one module per resource: what each request means, with its validation and
//! its explicit role and scope checks. Handlers in `routes/` call these; these call `db/`.

pub mod audit;
pub mod auth;
pub mod authoring;
pub mod content;
pub mod dashboard;
pub mod demo;
pub mod export_jobs;
pub mod exports;
pub mod member_import;
pub mod members;
pub mod notifications;
pub mod org;
pub mod points;
pub mod question_bank;
pub mod question_import;
pub mod question_io;
pub mod questions;
pub mod quiz;
pub mod quiz_builder;
pub mod seeds;
pub mod study;
pub mod throttle;
