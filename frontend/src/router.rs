//! A small client-side router: the current URL as a signal, `history.pushState` navigation,
//! the back button (`popstate`), and same-site `<a href="/...">` clicks turned into client
//! navigation. The member app and the console are two builds of this crate: each routes its
//! own paths (the console `/admin` and below, the member app the rest) and leaves the other's
//! to the browser, whose full page load gets the other build from the server. It replaces `leptos_router`, which costs about 50 KB of the 250 KB gzipped
//! budget for features this app does not use (nested routes, SSR, forms, transitions).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// A location inside the app: path and query string (without `?`); fragments are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Url {
    pub path: String,
    pub query: String,
}

impl Url {
    pub fn parse(s: &str) -> Url {
        let s = s.split('#').next().unwrap_or_default();
        let (path, query) = s.split_once('?').unwrap_or((s, ""));
        Url {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query: query.into(),
        }
    }

    /// The decoded value of a query parameter (the last one when repeated).
    pub fn param(&self, key: &str) -> Option<String> {
        self.query.rsplit('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k) == key).then(|| decode_component(v))
        })
    }
}

/// Undoes percent-encoding (and `+` for space, as forms encode it). Invalid escapes and
/// invalid UTF-8 are kept as they are / replaced, never a failure.
pub fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Whether `path` is a page of the organizer/admin console: `/admin` and below.
pub fn is_console_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Whether `path` is rendered by this build (the console's pages by the console, every other
/// page by the member app).
pub fn in_this_app(path: &str) -> bool {
    is_console_path(path) == cfg!(feature = "console")
}

/// Whether a link's `href` is a page of this app (rather than the other build's page,
/// another site or an API download, which the browser handles itself).
pub fn is_app_link(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/api/")
        && in_this_app(&Url::parse(href).path)
}

/// How to navigate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nav {
    /// Replace the current history entry instead of adding one.
    pub replace: bool,
    /// Stay where the page is scrolled (filters, paging).
    pub keep_scroll: bool,
}

impl Nav {
    pub const REPLACE: Nav = Nav {
        replace: true,
        keep_scroll: false,
    };
}

/// The router, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    pub url: RwSignal<Url>,
}

impl Router {
    /// The current URL (reactive).
    pub fn url(self) -> Url {
        self.url.get()
    }

    /// The current path (reactive).
    pub fn path(self) -> String {
        self.url.with(|u| u.path.clone())
    }

    /// Goes to `to` (a path with an optional query), adding a history entry unless asked
    /// not to.
    pub fn navigate(self, to: &str, nav: Nav) {
        if !is_app_link(to) {
            // The other build's page (or not a page at all): the browser loads it.
            if let Some(loc) = web_sys::window().map(|w| w.location()) {
                let _ = if nav.replace {
                    loc.replace(to)
                } else {
                    loc.assign(to)
                };
            }
            return;
        }
        let url = Url::parse(to);
        let same = self.url.with_untracked(|u| *u == url);
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = if nav.replace || same {
                history.replace_state_with_url(&JsValue::NULL, "", Some(to))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(to))
            };
        }
        if !same {
            self.url.set(url);
        }
        if !nav.keep_scroll {
            crate::browser::scroll_to_top();
        }
    }
}

fn current_url() -> Url {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return Url::parse("/");
    };
    Url {
        path: loc.pathname().unwrap_or_else(|_| "/".into()),
        query: loc
            .search()
            .unwrap_or_default()
            .trim_start_matches('?')
            .to_string(),
    }
}

/// Creates the router for the whole app: reads the address bar and listens to the back
/// button and to link clicks.
pub fn provide_router() -> Router {
    let router = Router {
        url: RwSignal::new(current_url()),
    };
    provide_context(router);
    // The listeners live as long as the app.
    std::mem::forget(window_event_listener(leptos::ev::popstate, move |_| {
        router.url.set(current_url());
    }));
    std::mem::forget(window_event_listener(
        leptos::ev::click,
        move |ev: web_sys::MouseEvent| {
            if ev.default_prevented()
                || ev.button() != 0
                || ev.meta_key()
                || ev.ctrl_key()
                || ev.shift_key()
                || ev.alt_key()
            {
                return;
            }
            let Some(a) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten())
            else {
                return;
            };
            let external = a.has_attribute("download")
                || a.has_attribute("target")
                || a.get_attribute("rel")
                    .is_some_and(|r| r.split_whitespace().any(|p| p == "external"));
            let href = a.get_attribute("href").unwrap_or_default();
            if external || !is_app_link(&href) {
                return;
            }
            ev.prevent_default();
            router.navigate(&href, Nav::default());
        },
    ));
    router
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_path_and_query() {
        let u = Url::parse("/admin/members?q=%E5%BC%A0+san&page=2#top");
        assert_eq!(u.path, "/admin/members");
        assert_eq!(u.query, "q=%E5%BC%A0+san&page=2");
        assert_eq!(u.param("q").as_deref(), Some("张 san"));
        assert_eq!(u.param("page").as_deref(), Some("2"));
        assert_eq!(u.param("missing"), None);
        assert_eq!(Url::parse("").path, "/");
        assert_eq!(Url::parse("/login").param("next"), None);
        assert_eq!(
            Url::parse("/login?next=%2Fadmin%2Forg")
                .param("next")
                .as_deref(),
            Some("/admin/org")
        );
        assert_eq!(Url::parse("/?a=1&a=2").param("a").as_deref(), Some("2"));
        assert_eq!(Url::parse("/?flag").param("flag").as_deref(), Some(""));
    }

    #[test]
    fn decoding_never_fails() {
        assert_eq!(decode_component("a%20b"), "a b");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%zz"), "%zz");
        assert_eq!(decode_component("%E5%BC"), "\u{FFFD}");
        assert_eq!(
            decode_component(&crate::api::encode_component("张三 & co/?")),
            "张三 & co/?"
        );
    }

    #[test]
    fn only_app_pages_are_routed_here() {
        // Each build routes its own pages; the browser loads the other's.
        let console = cfg!(feature = "console");
        assert_eq!(is_app_link("/admin/org"), console);
        assert_eq!(is_app_link("/admin"), console);
        assert_eq!(is_app_link("/admin?x=1"), console);
        assert_eq!(is_app_link("/"), !console);
        assert_eq!(is_app_link("/administration"), !console);
        assert_eq!(is_app_link("/login?next=%2Fadmin%2Forg"), !console);
        assert!(!is_app_link("//example.com/x"));
        assert!(!is_app_link("https://example.com"));
        assert!(!is_app_link("/api/v1/members/import-template?format=csv"));
        assert!(!is_app_link("#top"));
    }
}
