//! The red bar on top of every signed-in page and the language switch the sign-in page
//! shows too. In the member app it carries the notification bell with the unread count and
//! the account menu (points rules, error reports, password, language, text size, sign-out
//! with a confirmation), so no
//! single mis-tap mid-exam signs a member out; the console keeps a plain sign-out button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::{use_session, Session};
use crate::i18n::{self, t, K};
use crate::router::{use_router, Nav, Router};

/// The red bar on top of every signed-in page: back arrow, title, and the account's
/// controls.
pub fn top_bar(title: K, back: Option<&'static str>) -> AnyView {
    view! { <TopBar title back/> }.into_any()
}

#[component]
fn TopBar(title: K, back: Option<&'static str>) -> impl IntoView {
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
            {account_controls()}
        </div>
    }
}

/// Signs out (locally even when the network fails; the cookie expires anyway) and opens
/// the sign-in page.
fn sign_out(busy: RwSignal<bool>, session: Session, router: Router) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    spawn_local(async move {
        let _ = api::logout().await;
        // What the phone kept for offline use is this member's: it goes with the session.
        #[cfg(not(feature = "console"))]
        crate::offline::clear_device();
        session.user.try_set(None);
        session.unread.try_set(None);
        session.unread_at.try_set(i64::MIN / 2);
        router.navigate("/login", Nav::default());
        busy.try_set(false);
    });
}

/// The console: language and a sign-out button.
#[cfg(feature = "console")]
fn account_controls() -> AnyView {
    let busy = RwSignal::new(false);
    let (session, router) = (use_session(), use_router());
    let out = move |_| sign_out(busy, session, router);
    view! {
        <LangToggle/>
        <button type="button" id="logout" class="topbar-btn" disabled=busy on:click=out>
            {t(K::Logout)}
        </button>
    }
    .into_any()
}

/// The member app: the bell and the account menu.
#[cfg(not(feature = "console"))]
fn account_controls() -> AnyView {
    let (session, router) = (use_session(), use_router());
    session.refresh_unread();
    let open = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let toggle = move |_| {
        confirming.set(false);
        open.update(|o| *o = !*o);
    };
    let unread = move || session.unread.get().filter(|n| *n > 0);
    let bell_label = move || match unread() {
        Some(n) => crate::i18n::tf(K::BellUnread, &[("n", &n.to_string())]),
        None => t(K::NoticeTitle).into(),
    };
    view! {
        <a href="/notifications" id="bell" class="icon-btn bell" aria-label=bell_label>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20a2 2 0 0 0 4 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"></path>
            </svg>
            {move || unread().map(|n| view! {
                <span class="bell-count">{if n > 99 { "99+".to_string() } else { n.to_string() }}</span>
            })}
        </a>
        <div class="account">
            <button
                type="button"
                id="account"
                class="icon-btn"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-label=t(K::AccountMenu)
                on:click=toggle
            >
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
                    <circle cx="12" cy="8.5" r="3.5" fill="none" stroke="currentColor" stroke-width="2"></circle>
                    <path d="M5 20a7 7 0 0 1 14 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"></path>
                </svg>
            </button>
            <Show when=move || open.get()>
                <div class="account-menu" role="menu">
                    <a role="menuitem" href="/points">{t(K::PointsRulesTitle)}</a>
                    <a role="menuitem" href="/reports">{t(K::MyReportsTitle)}</a>
                    <a role="menuitem" href="/password">{t(K::PasswordTitle)}</a>
                    {text_size_choice()}
                    <button type="button" role="menuitem" on:click=|_| i18n::switch_language()>
                        {t(K::LanguageToggleLabel)}
                    </button>
                    {move || if confirming.get() {
                        view! {
                            <div class="account-confirm" role="alertdialog">
                                <p>{t(K::LogoutConfirm)}</p>
                                <button type="button" id="logout-confirm" class="btn btn-primary btn-small" disabled=busy on:click=move |_| sign_out(busy, session, router)>
                                    {t(K::Logout)}
                                </button>
                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| confirming.set(false)>
                                    {t(K::Cancel)}
                                </button>
                            </div>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" role="menuitem" id="logout" class="danger-text" on:click=move |_| confirming.set(true)>
                                {t(K::Logout)}
                            </button>
                        }
                        .into_any()
                    }}
                </div>
            </Show>
        </div>
    }
    .into_any()
}

/// 文字大小: three buttons, the current one pressed; the page reflows at once.
#[cfg(not(feature = "console"))]
fn text_size_choice() -> impl IntoView {
    use crate::text_size::{self, TextSize};
    let current = RwSignal::new(text_size::current());
    let buttons = TextSize::ALL.map(|size| {
        let choose = move |_| {
            text_size::choose(size);
            current.set(size);
        };
        view! {
            <button
                type="button"
                class="text-size-btn"
                data-size=size.as_str()
                aria-pressed=move || (current.get() == size).to_string()
                on:click=choose
            >
                {t(size.label())}
            </button>
        }
    });
    view! {
        <div class="text-size" role="group" aria-label=t(K::TextSize)>
            <span class="text-size-label">{t(K::TextSize)}</span>
            <div class="text-size-options">{buttons.into_iter().collect_view()}</div>
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
