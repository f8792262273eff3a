//! The portal as an OpenID provider toward démarches (`/oidc/…`).

pub mod authorize;
pub mod logout;
pub mod metadata;
pub mod resume;
pub mod token;
pub mod userinfo;

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::header;
use url::Url;

use crate::provider::OAuthError;

/// Request parameters; a repeated one is an error (RFC 6749 §3.1).
pub fn parse_params(encoded: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut params = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(encoded) {
        if params.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::new(
                "invalid_request",
                format!("parameter `{k}` repeated"),
            ));
        }
    }
    // An empty value is the same as an absent one (RFC 6749 §3.1).
    params.retain(|_, v| !v.is_empty());
    Ok(params)
}

/// Sends the browser back to the démarche's (already verified) redirect
/// URI with these parameters and `iss` (RFC 9207).
pub fn redirect_to_client(
    redirect_uri: &str,
    issuer: &str,
    params: &[(&str, &str)],
) -> HttpResponse {
    let mut url = Url::parse(redirect_uri).expect("registered redirect URIs are valid URLs");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        q.append_pair("iss", issuer);
    }
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// An OAuth error sent back to the démarche's redirect URI.
pub fn error_to_client(
    redirect_uri: &str,
    issuer: &str,
    state: Option<&str>,
    error: &OAuthError,
) -> HttpResponse {
    tracing::warn!(error = error.error, description = %error.description, "authorization request refused");
    let mut params = vec![
        ("error", error.error),
        ("error_description", error.description.as_str()),
    ];
    if let Some(s) = state {
        params.push(("state", s));
    }
    redirect_to_client(redirect_uri, issuer, &params)
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
