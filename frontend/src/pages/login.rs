//! `/login`: username (staff or phone number) and password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::LoginRequest;

use crate::api;
use crate::app::{safe_next, use_session};
use crate::components::{error_text, lang_toggle_html, region, Act};
use crate::html::{el, esc, field, SPINNER};
use crate::i18n::{self, msg, t, Msg, K};
use crate::router::{use_router, Nav};

/// What is missing before the form can be sent, if anything.
pub fn check_login(username: &str, password: &str) -> Option<K> {
    if username.trim().is_empty() {
        Some(K::LoginNeedUsername)
    } else if password.is_empty() {
        Some(K::LoginNeedPassword)
    } else {
        None
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<Msg>);

    let submit = move |act: Act| {
        let fields = match act {
            Act::Click(a, _) if a == "lang" => return i18n::switch_language(),
            Act::Submit(_, fields) => fields,
            _ => return,
        };
        if pending.get_untracked() {
            return;
        }
        let (u, p) = (
            fields.text("username").to_string(),
            fields.text("password").to_string(),
        );
        username.set(u.clone());
        password.set(p.clone());
        if let Some(k) = check_login(&u, &p) {
            error.set(Some(Msg::Key(k)));
            return;
        }
        error.set(None);
        pending.set(true);
        let next = safe_next(router.url.with_untracked(|u| u.param("next")).as_deref());
        spawn_local(async move {
            let req = LoginRequest {
                username: u.trim().to_string(),
                password: p,
            };
            match api::login(&req).await {
                Ok(me) => {
                    let to = if me.must_change_password {
                        "/password".to_string()
                    } else {
                        next
                    };
                    session.user.set(Some(me));
                    router.navigate(&to, Nav::default());
                }
                Err(e) => {
                    error.try_set(Some(Msg::Text(error_text(&e))));
                    pending.try_set(false);
                }
            }
        });
    };
    let html = move || {
        login_html(
            &username.get(),
            &password.get(),
            error.with(|e| e.as_ref().map(msg)).as_deref(),
            pending.get(),
        )
    };
    view! { <div class="page login">{region("", html, submit)}</div> }
}

/// The sign-in page: brand, the form (what was typed, the error, a spinner while
/// signing in).
pub fn login_html(username: &str, password: &str, error: Option<&str>, pending: bool) -> String {
    let mut h = format!(
        r##"<div class="login-top">{}</div><div class="login-brand"><div class="logo" aria-hidden="true"><svg viewBox="0 0 48 48" width="48" height="48"><path d="M24 4l5 9h-10zM18 15h12l3 27H15z" fill="#ffd54f"></path><path d="M6 14l10 4M42 14l-10 4M4 24h9M44 24h-9" stroke="#ffd54f" stroke-width="2.5" stroke-linecap="round"></path></svg></div>{}{}</div><main class="container narrow"><form id="login-form" class="card form" novalidate>{}"##,
        lang_toggle_html(),
        el("h1", "", t(K::AppName)),
        el("p", "", t(K::AppTagline)),
        el("h2", "", t(K::LoginTitle)),
    );
    h += &field(
        t(K::LoginUsername),
        &format!(
            r#"<input id="username" name="username" type="text" autocomplete="username" autocapitalize="off" spellcheck="false" placeholder="{}" value="{}">"#,
            esc(t(K::LoginUsernameHint)),
            esc(username)
        ),
    );
    h += &field(
        t(K::LoginPassword),
        &format!(
            r#"<input id="password" name="password" type="password" autocomplete="current-password" value="{}">"#,
            esc(password)
        ),
    );
    if let Some(e) = error {
        h += &format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(e));
    }
    h += &format!(
        r#"<button id="login-submit" type="submit" class="btn btn-primary btn-block"{}>{}{}</button>"#,
        if pending { " disabled" } else { "" },
        if pending { SPINNER } else { "" },
        t(if pending {
            K::LoginPending
        } else {
            K::LoginSubmit
        })
    );
    h += &el("p", "hint", t(K::LoginFooter));
    h + "</form></main>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_needed() {
        assert_eq!(check_login("", "x"), Some(K::LoginNeedUsername));
        assert_eq!(check_login("  ", "x"), Some(K::LoginNeedUsername));
        assert_eq!(check_login("m001", ""), Some(K::LoginNeedPassword));
        assert_eq!(check_login("m001", "Beacon2023"), None);
    }

    #[test]
    fn the_form_keeps_what_was_typed() {
        let h = login_html("m<1", "p\"w", Some("用户名或密码错误"), true);
        assert!(h.contains(r#"id="username""#) && h.contains(r#"value="m&lt;1""#));
        assert!(h.contains(r#"value="p&quot;w""#));
        assert!(h.contains(r#"<p class="form-error" role="alert">用户名或密码错误</p>"#));
        assert!(h.contains(r#"id="login-submit" type="submit" class="btn btn-primary btn-block" disabled><span class="spinner""#));
        assert!(h.contains(r#"data-action="lang""#));
        assert!(!login_html("", "", None, false).contains("form-error"));
    }
}
