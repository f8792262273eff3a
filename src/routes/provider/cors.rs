//! CORS on the token and userinfo endpoints, for public clients (a
//! single-page application exchanges its code from the browser).
//!
//! The allowed origins are a fixed list: the origins of the redirect URIs
//! of the registered public démarches. A request's `Origin` is echoed
//! only when it is on that list; never `*`, never `null` (RFC 9700 §2.6
//! asks for no CORS on the authorization endpoint, which has none).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::routes::context::AppState;

/// The request's `Origin` when a registered public démarche lives there.
pub fn allowed_origin(req: &HttpRequest, state: &AppState) -> Option<HeaderValue> {
    let origin = req.headers().get(header::ORIGIN)?.to_str().ok()?;
    state
        .provider
        .demarches
        .public_origins()
        .any(|o| o == origin)
        .then(|| HeaderValue::from_str(origin).ok())
        .flatten()
}

/// Adds the CORS headers to an answer of the token or userinfo endpoint.
pub fn add_headers(req: &HttpRequest, state: &AppState, res: &mut HttpResponse) {
    let headers = res.headers_mut();
    // The answer differs with the Origin: caches must know.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed_origin(req, state) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("WWW-Authenticate"),
        );
    }
}

/// `OPTIONS` (the browser's preflight): 204, with the methods and headers
/// the endpoint takes when the origin is allowed, without them otherwise
/// (the browser then stops).
pub async fn preflight(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let methods = if req.path() == "/oidc/token" {
        "POST"
    } else {
        "GET, POST"
    };
    let mut res = HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish();
    if allowed_origin(&req, &state).is_some() {
        let headers = res.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Authorization, Content-Type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    add_headers(&req, &state, &mut res);
    res
}
