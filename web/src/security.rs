//! What every response carries, whatever produced it: security headers, the stylesheet the
//! strict Content-Security-Policy allows, and Dutch answers in place of axum's own English
//! rejections (unknown address, wrong method, unreadable form, missing content type, time-out).

use super::WebState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use tower_http::set_header::SetResponseHeaderLayer;

/// The component styles (design tokens from `theme.rs`); no inline styles, so the CSP can forbid them.
pub const STYLESHEET: &str = include_str!("static/knooppunt.css");
pub const STYLESHEET_PATH: &str = "/static/knooppunt.css";

/// The site's only script (progressive enhancement: a character counter, the preview
/// scrolled into view); every page works without it.
pub const SCRIPT: &str = include_str!("static/knooppunt.js");
pub const SCRIPT_PATH: &str = "/static/knooppunt.js";

/// Nothing but the site's own stylesheet, script and images; no inline script or style, no
/// frames, forms only to this site; the script may ask this site only (`/sessie`).
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every response of `router`. `Cache-Control: no-store` keeps
/// pages with signal text out of the browser cache of a shared team PC after sign-out; a
/// handler that sets its own `Cache-Control` (the stylesheet) keeps it.
pub fn with_security_headers(router: Router) -> Router {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(fixed(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(header::REFERRER_POLICY, "same-origin"))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The Dutch words for a refusal that axum or tower-http produced in English (or empty).
fn dutch(status: StatusCode, api: bool) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => ("Ongeldig verzoek", "het verzoek kon niet worden gelezen"),
        StatusCode::NOT_FOUND => ("Niet gevonden", "dit adres bestaat niet"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Niet toegestaan",
            "dit adres kan niet op deze manier worden gebruikt",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "Verzoek duurde te lang",
            "het verzoek kwam niet op tijd binnen of duurde te lang; probeer het opnieuw",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Te groot", "het verzoek is te groot"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE if api => (
            "Verkeerd soort inhoud",
            "Content-Type: stuur de signalen als JSON (application/json)",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Verkeerd soort inhoud",
            "het formulier is niet als formulier verstuurd; open de pagina opnieuw",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "Ongeldig formulier",
            "het formulier bevat een waarde die niet kan worden gelezen",
        ),
        _ => ("Niet gelukt", "het verzoek kon niet worden verwerkt"),
    }
}

/// Replaces an English or empty refusal (any 4xx that is not already HTML or JSON) with a
/// Dutch one: JSON `{"error": …}` under `/api/`, a page elsewhere.
pub async fn dutch_rejections(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("text/html")
                || v.starts_with("application/json")
                || v.starts_with("application/problem+json")
        });
    if !status.is_client_error() || ours {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let (title, text) = dutch(status, api);
    let mut replaced = if api {
        // The API's own error format (RFC 9457 problem details, with `error` for old clients).
        knooppunt_ingest::openapi::problem(status, text)
    } else {
        let mut capital = text.to_string();
        if let Some(first) = capital.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        crate::render::message(&state, status, None, title, &format!("{capital}."))
    };
    if let Some(allow) = allow {
        replaced.headers_mut().insert(header::ALLOW, allow);
    }
    replaced
}

/// The address a request came from: the last address in `header` (which the TLS proxy in
/// front appends) when configured and present, else the connection's peer.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    header: Option<&HeaderName>,
) -> Option<IpAddr> {
    if let Some(name) = header {
        let forwarded = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

/// The client as the sign-in throttle counts it: an IPv4 address, or an IPv6 /64 network.
pub fn client_key(address: Option<IpAddr>) -> String {
    match address.map(|a| a.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "onbekend".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_header_gives_the_last_address_and_ipv6_counts_per_64() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.0.0.1, 203.0.113.7"),
        );
        let name = HeaderName::from_static("x-forwarded-for");
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(
            client_address(&headers, Some(peer), Some(&name)),
            Some("203.0.113.7".parse().unwrap())
        );
        // Without a configured header the peer counts, whatever the client sends.
        assert_eq!(client_address(&headers, Some(peer), None), Some(peer.ip()));
        let a = client_key(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = client_key(Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a, b);
        assert_ne!(a, client_key(Some("2001:db8:1:3::1".parse().unwrap())));
        assert_eq!(
            client_key(Some("::ffff:192.0.2.1".parse().unwrap())),
            "192.0.2.1"
        );
    }
}
