//! `/password`: change the password. Mandatory after an account is created or reset
//! (`must_change_password`): the route guard sends such users here first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::ChangePasswordRequest;
use shared::validation;

use crate::api;
use crate::app::use_session;
use crate::components::{error_text, Page, Spinner};
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

/// The form's three fields: which one, its label, element id, autocomplete hint.
pub const FIELDS: [(PwField, K, &str, &str); 3] = [
    (
        PwField::Current,
        K::PasswordCurrent,
        "current-password",
        "current-password",
    ),
    (PwField::New, K::PasswordNew, "new-password", "new-password"),
    (
        PwField::Confirm,
        K::PasswordConfirm,
        "confirm-password",
        "new-password",
    ),
];

#[component]
pub fn ChangePassword() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let mandatory = session.with_me(|m| m.must_change_password);
    // What is typed: current, new, confirmation.
    let typed = [(); 3].map(|_| RwSignal::new(String::new()));
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<(PwField, Msg)>);
    let server_error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let username = session
            .user
            .with_untracked(|u| u.as_ref().map(|m| m.username.clone()).unwrap_or_default());
        let [c, n, f] = typed.map(|s| s.get_untracked());
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
    let fields = FIELDS
        .into_iter()
        .zip(typed)
        .map(|((field, label, id, auto), value)| {
            let placeholder = if mandatory && field == PwField::Current {
                t(K::PasswordCurrentHint)
            } else {
                ""
            };
            view! {
                <label class="field">
                    <span class="label">{t(label)}</span>
                    <input
                        id=id
                        type="password"
                        autocomplete=auto
                        placeholder=placeholder
                        prop:value=value
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
                // The problem sits under its own field.
                {move || {
                    problem
                        .with(|p| p.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| msg(m)))
                        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                }}
            }
        })
        .collect_view();

    let back = (!mandatory).then_some("/");
    view! {
        <Page class="password" title=K::PasswordTitle back=back>
            <form id="password-form" class="card form" novalidate on:submit=submit>
                {mandatory.then(|| view! { <p class="banner info">{t(K::PasswordMandatory)}</p> })}
                <p class="hint">{t(K::PasswordRules)}</p>
                {fields}
                {move || server_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <button id="password-submit" type="submit" class="btn btn-primary btn-block" disabled=pending>
                    {move || pending.get().then(|| view! { <Spinner/> })}
                    {move || t(if pending.get() { K::Saving } else { K::PasswordSubmit })}
                </button>
            </form>
        </Page>
    }
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
    fn the_fields_are_in_order_with_their_autocomplete() {
        let ids: Vec<&str> = FIELDS.iter().map(|f| f.2).collect();
        assert_eq!(
            ids,
            ["current-password", "new-password", "confirm-password"]
        );
        assert_eq!(FIELDS[0].3, "current-password");
        assert!(FIELDS[1..].iter().all(|f| f.3 == "new-password"));
    }

    #[test]
    fn shared_rule_messages_are_kept() {
        let err = check_password_form("old", "abcdefgh", "abcdefgh", "m001").unwrap_err();
        assert_eq!(err.1, Msg::Text("密码需同时包含字母和数字".into()));
    }
}
