//! The red bar on top of every signed-in page (back arrow, title, language, sign-out) and
//! the language switch the sign-in page shows too.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::use_session;
use crate::i18n::{self, t, K};
use crate::router::{use_router, Nav};

/// The red bar on top of every signed-in page: back arrow, title, language, sign-out.
pub fn top_bar(title: K, back: Option<&'static str>) -> AnyView {
    view! { <TopBar title back/> }.into_any()
}

#[component]
fn TopBar(title: K, back: Option<&'static str>) -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        spawn_local(async move {
            // Signed out locally even when the network fails; the cookie expires anyway.
            let _ = api::logout().await;
            session.user.try_set(None);
            router.navigate("/login", Nav::default());
            signing_out.try_set(false);
        });
    };
    view! {
        <div class="topbar" role="banner">
            {back.map(|href| view! {
                <a href=href class="icon-btn back" aria-label=t(K::Back)>
                    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                        <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"></path>
                    </svg>
                </a>
            })}
            <h1 class="topbar-title">{t(title)}</h1>
            <LangToggle/>
            <button type="button" id="logout" class="topbar-btn" disabled=signing_out on:click=sign_out>
                {t(K::Logout)}
            </button>
        </div>
    }
}

/// Switches between 中文 and English; the choice is remembered on this device.
#[component]
pub fn LangToggle() -> impl IntoView {
    view! {
        <button
            type="button"
            class="topbar-btn lang"
            aria-label=t(K::LanguageToggleLabel)
            on:click=|_| i18n::switch_language()
        >
            {t(K::LanguageToggle)}
        </button>
    }
}
