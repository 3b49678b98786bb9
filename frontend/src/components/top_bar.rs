use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{landmark, Act};
use crate::api;
use crate::app::use_session;
use crate::html::esc;
use crate::i18n::{self, t, K};
use crate::router::{use_router, Nav};

/// The red bar on top of every signed-in page: back arrow, title, language, sign-out.
pub fn top_bar(title: K, back: Option<&'static str>) -> AnyView {
    let session = use_session();
    let router = use_router();
    let signing_out = RwSignal::new(false);
    let on = move |act: Act| match act {
        Act::Click(a, _) if a == "lang" => i18n::switch_language(),
        Act::Click(a, _) if a == "logout" && !signing_out.get_untracked() => {
            signing_out.set(true);
            spawn_local(async move {
                // Signed out locally even when the network fails; the cookie expires anyway.
                let _ = api::logout().await;
                session.user.try_set(None);
                router.navigate("/login", Nav::default());
                signing_out.try_set(false);
            });
        }
        _ => {}
    };
    landmark(
        "topbar",
        "banner",
        move || top_bar_html(title, back, signing_out.get()),
        on,
    )
}

/// The top bar's content.
pub fn top_bar_html(title: K, back: Option<&str>, signing_out: bool) -> String {
    let mut h = String::new();
    if let Some(href) = back {
        h += &format!(
            r#"<a href="{}" class="icon-btn back" aria-label="{}"><svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"></path></svg></a>"#,
            esc(href),
            t(K::Back)
        );
    }
    h += &format!(
        r#"<h1 class="topbar-title">{}</h1>{}<button type="button" id="logout" class="topbar-btn" data-action="logout"{}>{}</button>"#,
        t(title),
        lang_toggle_html(),
        if signing_out { " disabled" } else { "" },
        t(K::Logout)
    );
    h
}

/// Switches between 中文 and English (`data-action="lang"`); the choice is remembered on
/// this device.
pub fn lang_toggle_html() -> String {
    format!(
        r#"<button type="button" class="topbar-btn lang" aria-label="{}" data-action="lang">{}</button>"#,
        t(K::LanguageToggleLabel),
        t(K::LanguageToggle)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_has_back_title_language_and_sign_out() {
        let h = top_bar_html(K::QuizzesTitle, Some("/quizzes"), false);
        assert!(h.contains(r#"<a href="/quizzes" class="icon-btn back""#));
        assert!(h.contains(r#"<h1 class="topbar-title">"#));
        assert!(h.contains(r#"data-action="lang""#));
        assert!(h.contains(r#"id="logout" class="topbar-btn" data-action="logout">"#));
        let h = top_bar_html(K::AppName, None, true);
        assert!(!h.contains("back") && h.contains(r#"data-action="logout" disabled>"#));
    }
}
