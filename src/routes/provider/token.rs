//! `POST /oidc/token`: the démarche exchanges its code
//! ([`crate::provider::token::exchange`]). Answers are `no-store`; every
//! error, an unreadable or oversized body included, is RFC 6749 §5.2 JSON.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};

use super::{cors, no_store_json};
use crate::common::Untrusted;
use crate::provider::{OAuthError, OAuthErrorCode, authorization_credentials, parse_params, token};
use crate::routes::context::AppState;

pub async fn exchange(
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| authorization_credentials(v, "Basic"));
    let result = match body {
        Ok(body) if is_token_exchange(&body) => match parse_params(&body) {
            Ok(params) => state.broker().exchange_token(basic, &params).await,
            Err(e) => Err(e),
        },
        Ok(body) => token::exchange(&state.provider, state.store.as_ref(), basic, &body).await,
        Err(e) => {
            let error = OAuthError::invalid_request(format!("unreadable request body: {e}"));
            crate::metrics::code_refused(None, error.code.as_str());
            Err(error)
        }
    };
    let mut res = match result {
        Ok(tokens) => no_store_json(StatusCode::OK, &tokens),
        Err(e) => error_response(&e, basic.is_some()),
    };
    cors::add_headers(&req, &state, &mut res);
    res
}

/// RFC 8693's grant: the broker's (the federation's token), not a code's.
fn is_token_exchange(body: &[u8]) -> bool {
    crate::common::form::first_value(body, "grant_type").is_some_and(|v| v == token::TOKEN_EXCHANGE)
}

fn error_response(e: &OAuthError, basic_auth_used: bool) -> HttpResponse {
    tracing::warn!(error = %e.code, description = %Untrusted(&e.description), "token request refused");
    let status = match e.code {
        OAuthErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        OAuthErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        OAuthErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut res = no_store_json(status, &e.json());
    if status == StatusCode::SERVICE_UNAVAILABLE {
        super::retry_later(&mut res);
    }
    if status == StatusCode::UNAUTHORIZED && basic_auth_used {
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"aiguillage\""),
        );
    }
    res
}
