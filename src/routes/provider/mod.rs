//! The portal as an OpenID provider toward démarches (`/oidc/…`): each
//! handler extracts the request, calls [`crate::provider`], and renders.

pub mod authorize;
pub mod cors;
pub mod logout;
pub mod metadata;
pub mod resume;
pub mod token;
pub mod userinfo;

pub use super::{no_store_json, retry_later, temporarily_unavailable};

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};

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
