//! `/password`: change the password. Mandatory after an account is created or reset
//! (`must_change_password`): the route guard sends such users here first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::ChangePasswordRequest;
use shared::validation;

use crate::api;
use crate::app::use_session;
use crate::components::{error_text, region, Act, Page};
use crate::html::{el, esc, field, SPINNER};
use crate::i18n::{msg, t, Msg, K};
use crate::router::{use_router, Nav};

/// Which field a problem belongs to, so the message sits under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PwField {
    Current,
    New,
    Confirm,
}

/// Checks the form as the server will, plus the confirmation.
pub fn check_password_form(
    current: &str,
    new: &str,
    confirm: &str,
    username: &str,
) -> Result<(), (PwField, Msg)> {
    if current.is_empty() {
        return Err((PwField::Current, Msg::Key(K::PasswordNeedCurrent)));
    }
    if let Err(e) = validation::new_password(new, username) {
        return Err((PwField::New, Msg::Text(e.message)));
    }
    if new == current {
        return Err((PwField::New, Msg::Key(K::PasswordSameAsOld)));
    }
    if new != confirm {
        return Err((PwField::Confirm, Msg::Key(K::PasswordMismatch)));
    }
    Ok(())
}

#[component]
pub fn ChangePassword() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let mandatory = session.with_me(|m| m.must_change_password);
    // What was typed, kept for re-rendering: current, new, confirmation.
    let typed = RwSignal::new([String::new(), String::new(), String::new()]);
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<(PwField, Msg)>);
    let server_error = RwSignal::new(None::<String>);

    let submit = move |act: Act| {
        let Act::Submit(_, fields) = act else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        let username = session
            .user
            .with_untracked(|u| u.as_ref().map(|m| m.username.clone()).unwrap_or_default());
        let [c, n, f] = ["current", "new", "confirm"].map(|k| fields.text(k).to_string());
        typed.set([c.clone(), n.clone(), f.clone()]);
        server_error.set(None);
        if let Err(p) = check_password_form(&c, &n, &f, &username) {
            problem.set(Some(p));
            return;
        }
        problem.set(None);
        pending.set(true);
        spawn_local(async move {
            let req = ChangePasswordRequest {
                current_password: c,
                new_password: n,
            };
            match api::change_password(&req).await {
                Ok(me) => {
                    session.user.set(Some(me));
                    router.navigate("/", Nav::default());
                }
                Err(e) => {
                    server_error.try_set(Some(error_text(&e)));
                    pending.try_set(false);
                }
            }
        });
    };
    let html = move || {
        typed.with(|typed| {
            problem.with(|p| {
                password_html(
                    mandatory,
                    typed,
                    p.as_ref().map(|(f, m)| (*f, msg(m))),
                    server_error.get().as_deref(),
                    pending.get(),
                )
            })
        })
    };

    let back = (!mandatory).then_some("/");
    view! {
        <Page class="password" title=K::PasswordTitle back=back>
            {region("", html, submit)}
        </Page>
    }
}

/// The form: what was typed, the problem under its field, the server's error, a spinner
/// while saving.
pub fn password_html(
    mandatory: bool,
    typed: &[String; 3],
    problem: Option<(PwField, String)>,
    server_error: Option<&str>,
    pending: bool,
) -> String {
    let mut h = String::from(r#"<form id="password-form" class="card form" novalidate>"#);
    if mandatory {
        h += &el("p", "banner info", t(K::PasswordMandatory));
    }
    h += &el("p", "hint", t(K::PasswordRules));
    let error = |m: &str| format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m));
    for (i, (f, label, id, name, auto)) in [
        (
            PwField::Current,
            K::PasswordCurrent,
            "current-password",
            "current",
            "current-password",
        ),
        (
            PwField::New,
            K::PasswordNew,
            "new-password",
            "new",
            "new-password",
        ),
        (
            PwField::Confirm,
            K::PasswordConfirm,
            "confirm-password",
            "confirm",
            "new-password",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let placeholder = if mandatory && f == PwField::Current {
            t(K::PasswordCurrentHint)
        } else {
            ""
        };
        h += &field(
            t(label),
            &format!(
                r#"<input id="{id}" name="{name}" type="password" autocomplete="{auto}" placeholder="{}" value="{}">"#,
                esc(placeholder),
                esc(&typed[i])
            ),
        );
        if let Some((_, m)) = problem.as_ref().filter(|(p, _)| *p == f) {
            h += &error(m);
        }
    }
    if let Some(m) = server_error {
        h += &error(m);
    }
    h += &format!(
        r#"<button id="password-submit" type="submit" class="btn btn-primary btn-block"{}>{}{}</button>"#,
        if pending { " disabled" } else { "" },
        if pending { SPINNER } else { "" },
        t(if pending {
            K::Saving
        } else {
            K::PasswordSubmit
        })
    );
    h + "</form>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_field_by_field() {
        let check = |c, n, f| check_password_form(c, n, f, "m001").map_err(|(field, _)| field);
        assert_eq!(check("", "abc12345", "abc12345"), Err(PwField::Current));
        assert_eq!(check("old", "short1", "short1"), Err(PwField::New));
        assert_eq!(check("old", "m001", "m001"), Err(PwField::New));
        assert_eq!(check("abc12345", "abc12345", "abc12345"), Err(PwField::New));
        assert_eq!(check("old", "abc12345", "abc12346"), Err(PwField::Confirm));
        assert_eq!(check("old", "abc12345", "abc12345"), Ok(()));
    }

    #[test]
    fn problems_sit_under_their_field() {
        let typed = ["a".to_string(), "b<".to_string(), String::new()];
        let h = password_html(
            true,
            &typed,
            Some((PwField::New, "太短".into())),
            None,
            false,
        );
        assert!(h.contains("banner info"));
        let new_at = h.find(r#"id="new-password""#).unwrap();
        let problem_at = h.find("太短").unwrap();
        assert!(problem_at > new_at && problem_at < h.find(r#"id="confirm-password""#).unwrap());
        assert!(h.contains(r#"value="b&lt;""#));
        assert!(h.contains(r#"id="password-submit""#));
        let h = password_html(false, &typed, None, Some("服务器错误"), true);
        assert!(!h.contains("banner info") && h.contains("服务器错误") && h.contains("spinner"));
    }

    #[test]
    fn shared_rule_messages_are_kept() {
        let err = check_password_form("old", "abcdefgh", "abcdefgh", "m001").unwrap_err();
        assert_eq!(err.1, Msg::Text("密码需同时包含字母和数字".into()));
    }
}
