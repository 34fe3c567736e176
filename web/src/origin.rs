//! Forms only from this site: a state-changing request whose browser says it came from another
//! origin is refused before any handler runs, whatever its form token.
//!
//! The form token alone is not enough where another site can share the cookies: browsers send
//! cookies by host, not by port, so a page on `http://127.0.0.1:9999` is "same-site" with
//! Knooppunt on `127.0.0.1:8080` (the `SameSite=Strict` session cookie goes along) and may even
//! set the sign-in form's double-submit cookie. A browser names the page that sent a form in
//! `Origin` (or, without it, `Referer`); that must be this site as the browser reached it.
//! (The pages' `Referrer-Policy: same-origin` lets the browser name them: under `no-referrer`
//! it sends `Origin: null` for every form, which cannot be told from an opaque page.)

use super::WebState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Refuses (403, a Dutch page) a non-GET request to the website sent from another origin. The
/// API (`/api/`) is for programs with a token and is left to its own checks.
pub async fn same_origin_forms(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.uri().path().starts_with("/api/") || from_this_site(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        path = request.uri().path(),
        "Form from another site refused"
    );
    crate::render::message(
        &state,
        StatusCode::FORBIDDEN,
        None,
        "Formulier niet van deze site",
        "Dit formulier is vanaf een andere website verstuurd en is daarom geweigerd; er is \
         niets opgeslagen. Open Knooppunt zelf en probeer het daar opnieuw.",
    )
}

/// Whether the request's `Origin` (without it, its `Referer`) is this site as the browser
/// reached it: the `Host` header, or the `X-Forwarded-Host` a TLS proxy passes, port included.
/// A request naming neither comes from no browser page (a script, a test client) and passes;
/// `Origin: null` (a sandboxed or opaque page) does not.
fn from_this_site(headers: &HeaderMap) -> bool {
    let Some(sender) = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
    else {
        return true;
    };
    let Some(sender) = sender.to_str().ok().and_then(site_of) else {
        return false;
    };
    [header::HOST, HeaderName::from_static("x-forwarded-host")]
        .iter()
        .filter_map(|name| headers.get(name)?.to_str().ok())
        .filter_map(|host| host.split(',').next())
        .any(|host| same_authority(&sender, host.trim()))
}

/// The scheme and authority of an origin or URL (`https://example.nl:8443/pad` →
/// `("https", "example.nl:8443")`), or `None` when it has neither (`null`).
fn site_of(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).filter(|a| !a.is_empty())?;
    Some((scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// Whether `host` (a `Host` header) names the authority of `sender`, a scheme's default port
/// written out or left off alike.
fn same_authority((scheme, authority): &(String, String), host: &str) -> bool {
    let default = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    let bare = |a: &str| -> String {
        let a = a.to_ascii_lowercase();
        match !default.is_empty() && a.ends_with(default) {
            true => a[..a.len() - default.len()].to_string(),
            false => a,
        }
    };
    bare(authority) == bare(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn a_form_from_this_site_passes() {
        let own = [
            [
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            [
                ("host", "knooppunt.example.nl"),
                ("origin", "https://knooppunt.example.nl"),
            ],
            [
                ("host", "knooppunt.example.nl:443"),
                ("origin", "https://Knooppunt.example.nl"),
            ],
            [
                ("host", "127.0.0.1:8080"),
                ("referer", "http://127.0.0.1:8080/agenda?x=1"),
            ],
        ];
        for pairs in own {
            assert!(from_this_site(&headers(&pairs)), "{pairs:?}");
        }
        // Behind a proxy that passes the host the browser used.
        assert!(from_this_site(&headers(&[
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-host", "knooppunt.example.nl"),
            ("origin", "https://knooppunt.example.nl"),
        ])));
        // No browser page named at all: a script or test client.
        assert!(from_this_site(&headers(&[("host", "127.0.0.1:8080")])));
    }

    #[test]
    fn a_form_from_another_port_host_or_an_opaque_page_is_refused() {
        let foreign = [
            [
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:19194"),
            ],
            [
                ("host", "127.0.0.1:8080"),
                ("origin", "http://localhost:8080"),
            ],
            [
                ("host", "knooppunt.example.nl"),
                ("origin", "https://evil.example"),
            ],
            [("host", "127.0.0.1:8080"), ("origin", "null")],
            [
                ("host", "127.0.0.1:8080"),
                ("referer", "http://127.0.0.1:9999/csrf.html"),
            ],
        ];
        for pairs in foreign {
            assert!(!from_this_site(&headers(&pairs)), "{pairs:?}");
        }
        // An Origin wins over a Referer that would have matched.
        assert!(!from_this_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:9999"),
            ("referer", "http://127.0.0.1:8080/"),
        ])));
    }
}
