//! `GET|POST /oidc/userinfo` with a bearer access token (RFC 6750).

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};

use super::no_store_json;
use crate::provider::AccessRecord;
use crate::routes::context::AppState;
use crate::store::get_json;

pub fn access_key(token: &str) -> String {
    format!("access:{token}")
}

pub async fn userinfo(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let record: Option<AccessRecord> = match token {
        Some(t) if !t.is_empty() => get_json(state.store.as_ref(), &access_key(t))
            .await
            .ok()
            .flatten(),
        _ => None,
    };
    match record {
        Some(r) => no_store_json(StatusCode::OK, &serde_json::Value::Object(r.claims)),
        None => {
            let mut res = no_store_json(
                StatusCode::UNAUTHORIZED,
                &serde_json::json!({ "error": "invalid_token", "error_description": "unknown, expired or revoked access token" }),
            );
            let challenge = if token.is_some() {
                "Bearer error=\"invalid_token\""
            } else {
                "Bearer"
            };
            res.headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            res
        }
    }
}
