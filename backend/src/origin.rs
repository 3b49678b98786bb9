//! Refuses state-changing requests that another site makes a browser send.
//!
//! The session cookie is SameSite=Lax, but a page on another site (or another host of the
//! same site) can still make a browser POST to Beacon. Every non-GET request must show that
//! it comes from Beacon's own pages: by its `Origin`, which browsers send with every
//! cross-origin and every non-GET fetch, or when that is missing by `Sec-Fetch-Site`. A
//! request with neither did not come from a modern browser (curl, the load test, other
//! programs) and carries no ambient credentials a site could abuse, so it passes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::{AppState, Settings};

/// Middleware: passes safe methods, and other requests from Beacon's own origin.
pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers(), &state.settings) {
        return next.run(request).await;
    }
    tracing::info!(
        method = %request.method(),
        path = request.uri().path(),
        origin = ?request.headers().get(header::ORIGIN),
        "cross-site request refused"
    );
    AppError::CrossOrigin.into_response()
}

/// Whether a request's `Origin` (or `Sec-Fetch-Site`) says it comes from this server.
pub fn is_same_origin(headers: &HeaderMap, settings: &Settings) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Some(origin) = origin.to_str().ok().and_then(Origin::parse) else {
            // `Origin: null` (sandboxed frames, file: pages) or garbage.
            return false;
        };
        return own_hosts(headers, settings).any(|host| origin.is(host));
    }
    match headers.get("sec-fetch-site").map(|v| v.to_str()) {
        // "none": the user typed or bookmarked the address.
        Some(Ok(site)) => site == "same-origin" || site == "none",
        Some(Err(_)) => false,
        None => true,
    }
}

/// The names this server is reached by: `Host`, and behind trusted proxies the
/// `X-Forwarded-Host` they set.
fn own_hosts<'a>(headers: &'a HeaderMap, settings: &Settings) -> impl Iterator<Item = &'a str> {
    let forwarded = (settings.trusted_proxies > 0)
        .then(|| headers.get("x-forwarded-host"))
        .flatten();
    headers
        .get(header::HOST)
        .into_iter()
        .chain(forwarded)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// A serialized origin, `scheme://host[:port]`.
struct Origin<'a> {
    scheme: &'a str,
    authority: &'a str,
}

impl<'a> Origin<'a> {
    fn parse(s: &'a str) -> Option<Origin<'a>> {
        let (scheme, authority) = s.split_once("://")?;
        let valid = matches!(scheme, "http" | "https")
            && !authority.is_empty()
            && !authority.contains(['/', '?', '#', '@']);
        valid.then_some(Origin { scheme, authority })
    }

    /// Whether `host` (a `Host` header value) names this origin's host and port.
    fn is(&self, host: &str) -> bool {
        let default_port = if self.scheme == "https" {
            ":443"
        } else {
            ":80"
        };
        let origin = self.authority;
        let origin = origin.strip_suffix(default_port).unwrap_or(origin);
        let host = host.strip_suffix(default_port).unwrap_or(host);
        origin.eq_ignore_ascii_case(host)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn own_origin_passes_and_others_do_not() {
        let s = Settings::default();
        let host = ("host", "beacon.example:3000");
        for (origin, ok) in [
            ("http://beacon.example:3000", true),
            ("https://BEACON.example:3000", true),
            ("http://evil.example", false),
            ("http://beacon.example:3001", false),
            ("http://beacon.example:3000.evil.example", false),
            ("null", false),
            ("http://user@beacon.example:3000", false),
        ] {
            let h = headers(&[host, ("origin", origin)]);
            assert_eq!(is_same_origin(&h, &s), ok, "{origin}");
        }
        let h = headers(&[
            ("host", "beacon.example"),
            ("origin", "https://beacon.example:443"),
        ]);
        assert!(is_same_origin(&h, &s), "default ports are the same origin");
    }

    #[test]
    fn without_origin_the_fetch_site_decides() {
        let s = Settings::default();
        let host = ("host", "beacon.example");
        for (site, ok) in [
            ("same-origin", true),
            ("none", true),
            ("same-site", false),
            ("cross-site", false),
        ] {
            let h = headers(&[host, ("sec-fetch-site", site)]);
            assert_eq!(is_same_origin(&h, &s), ok, "{site}");
        }
        assert!(is_same_origin(&headers(&[host]), &s), "not a browser");
    }

    #[test]
    fn forwarded_host_counts_only_behind_a_trusted_proxy() {
        let h = headers(&[
            ("host", "10.0.0.5:3000"),
            ("x-forwarded-host", "beacon.example"),
            ("origin", "https://beacon.example"),
        ]);
        assert!(!is_same_origin(&h, &Settings::default()));
        let behind = Settings {
            trusted_proxies: 1,
            ..Settings::default()
        };
        assert!(is_same_origin(&h, &behind));
    }
}
