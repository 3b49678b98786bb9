//! `/login`: username (staff or phone number) and password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::LoginRequest;

use crate::api;
use crate::app::{safe_next, use_session};
use crate::components::{error_text, LangToggle, Spinner};
use crate::i18n::{msg, t, Msg, K};
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

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (u, p) = (username.get_untracked(), password.get_untracked());
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
                    // Reads kept offline belonged to whoever was signed in before.
                    crate::offline::forget_reads();
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
    view! {
        <div class="page login">
            <div class="login-top"><LangToggle/></div>
            <div class="login-brand">
                <div class="logo" aria-hidden="true">
                    <svg viewBox="0 0 48 48" width="48" height="48">
                        <path d="M24 4l5 9h-10zM18 15h12l3 27H15z" fill="#ffd54f"></path>
                        <path d="M6 14l10 4M42 14l-10 4M4 24h9M44 24h-9" stroke="#ffd54f" stroke-width="2.5" stroke-linecap="round"></path>
                    </svg>
                </div>
                <h1>{t(K::AppName)}</h1>
                <p>{t(K::AppTagline)}</p>
            </div>
            <main class="container narrow">
                <form id="login-form" class="card form" novalidate on:submit=submit>
                    <h2>{t(K::LoginTitle)}</h2>
                    <label class="field">
                        <span class="label">{t(K::LoginUsername)}</span>
                        <input
                            id="username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="off"
                            spellcheck="false"
                            placeholder=t(K::LoginUsernameHint)
                            prop:value=username
                            on:input=move |ev| username.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field">
                        <span class="label">{t(K::LoginPassword)}</span>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </label>
                    {move || error.with(|e| e.as_ref().map(msg)).map(|m| view! {
                        <p class="form-error" role="alert">{m}</p>
                    })}
                    <button id="login-submit" type="submit" class="btn btn-primary btn-block" disabled=pending>
                        {move || pending.get().then(|| view! { <Spinner/> })}
                        {move || t(if pending.get() { K::LoginPending } else { K::LoginSubmit })}
                    </button>
                    <p class="hint">{t(K::LoginFooter)}</p>
                </form>
            </main>
        </div>
    }
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
}
