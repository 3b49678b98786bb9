//! Beacon's client-side app: Leptos 0.8 rendered in the browser, compiled to WebAssembly.
//! `app` holds the route table and the signed-in user, `router` the URL and history, `api`
//! every HTTP call, `i18n` every visible string, `pages` one module per routed page,
//! `components` the shared pieces, `browser` small wrappers over browser APIs, `text_size` the member's 文字大小, `offline`
//! what the member app keeps on the phone for when the network is gone.

mod answers;
mod api;
mod app;
mod browser;
#[cfg(feature = "console")]
mod charts;
#[cfg(feature = "console")]
mod choices;
mod components;
mod format;
mod i18n;
#[cfg(not(feature = "console"))]
mod offline;
mod pages;
mod router;
#[cfg(not(feature = "console"))]
mod text_size;

fn main() {
    // Without it a panic is a bare `unreachable` trap; with it the console says where.
    std::panic::set_hook(Box::new(|i| leptos::logging::error!("{i}")));
    i18n::init();
    #[cfg(not(feature = "console"))]
    text_size::init();
    browser::remove_boot_screen();
    leptos::mount::mount_to_body(app::App);
}
