//! One module per routed page.

pub mod admin_members;
pub mod admin_org;
pub mod change_password;
pub mod home;
pub mod login;
pub mod not_found;
