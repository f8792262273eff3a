//! The portal as an OpenID provider toward démarches (`/oidc/…`): each
//! handler extracts the request, calls [`crate::provider`], and renders.

pub mod authorize;
pub mod cors;
pub mod logout;
pub mod metadata;
pub mod resume;
pub mod token;
pub mod userinfo;

use actix_web::HttpResponse;
use actix_web::http::header;
use url::Url;

/// Sends the browser back to a démarche (a code or an error).
pub fn redirect(url: &Url) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A JSON answer that no cache may keep (tokens, personal data).
pub fn no_store_json(
    status: actix_web::http::StatusCode,
    body: &serde_json::Value,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .content_type("application/json")
        .body(body.to_string())
}
