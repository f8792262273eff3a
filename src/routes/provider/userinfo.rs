//! `GET|POST /oidc/userinfo` with a bearer access token (RFC 6750).

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};

use super::{cors, no_store_json};
use crate::provider::{OAuthError, OAuthErrorCode, authorization_credentials, userinfo};
use crate::routes::context::AppState;

pub async fn userinfo(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let mut res = answer(&req, &state).await;
    cors::add_headers(&req, &state, &mut res);
    res
}

async fn answer(req: &HttpRequest, state: &AppState) -> HttpResponse {
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| authorization_credentials(v, "Bearer"));
    let claims = match token {
        Some(t) => match userinfo::claims_for(state.store.as_ref(), t).await {
            Ok(claims) => claims,
            Err(e) => return storage_failure(e),
        },
        None => None,
    };
    if let Some(claims) = claims {
        return no_store_json(StatusCode::OK, &serde_json::Value::Object(claims));
    }
    let error = OAuthError::new(
        OAuthErrorCode::InvalidToken,
        "unknown, expired or revoked access token",
    );
    let mut res = no_store_json(StatusCode::UNAUTHORIZED, &error.json());
    let challenge = if token.is_some() {
        "Bearer error=\"invalid_token\""
    } else {
        "Bearer"
    };
    res.headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    res
}

/// The token could not be looked up: never "invalid" (the démarche would
/// drop a good token), but "try again" (or a plain server error).
fn storage_failure(e: crate::store::StoreError) -> HttpResponse {
    let error = OAuthError::storage(e);
    if error.code == OAuthErrorCode::TemporarilyUnavailable {
        return super::temporarily_unavailable();
    }
    no_store_json(StatusCode::INTERNAL_SERVER_ERROR, &error.json())
}
