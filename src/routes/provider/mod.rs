//! The portal as an OpenID provider toward démarches (`/oidc/…`): each
//! handler extracts the request, calls [`crate::provider`], and renders.

pub mod authorize;
pub mod cors;
pub mod logout;
pub mod metadata;
pub mod resume;
pub mod token;
pub mod userinfo;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use url::Url;

/// The encoded parameters of an endpoint that takes them as a query (GET)
/// or as a form body (POST): authorization and logout requests.
pub struct QueryOrForm(pub web::Bytes);

impl FromRequest for QueryOrForm {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.method() == Method::POST {
            let body = web::Bytes::from_request(req, payload);
            Box::pin(async move { body.await.map(QueryOrForm) })
        } else {
            let query = web::Bytes::copy_from_slice(req.query_string().as_bytes());
            Box::pin(async move { Ok(QueryOrForm(query)) })
        }
    }
}

/// Sends the browser back to a démarche (a code or an error).
pub fn redirect(url: &Url) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// How long to suggest waiting when the store does not answer.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// `Retry-After` on a 503 answer.
pub fn retry_later(res: &mut HttpResponse) {
    res.headers_mut()
        .insert(header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
}

/// `503 temporarily_unavailable` as JSON, for the machine endpoints.
pub fn temporarily_unavailable() -> HttpResponse {
    let error = crate::provider::OAuthError::store_unavailable();
    let mut res = no_store_json(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        &error.json(),
    );
    retry_later(&mut res);
    res
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
