//! `POST /oidc/token`: the démarche exchanges its code (RFC 6749 §4.1.3,
//! PKCE RFC 7636). Answers are `no-store`; errors are RFC 6749 §5.2 JSON.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use openidconnect::AccessToken;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::resume::code_key;
use super::userinfo::access_key;
use super::{no_store_json, parse_params};
use crate::provider::{AccessRecord, Client, CodeRecord, OAuthError};
use crate::routes::context::AppState;
use crate::store::{put_json, random_token, take_json};

fn error_response(e: &OAuthError, basic_auth_used: bool) -> HttpResponse {
    tracing::warn!(error = e.error, description = %e.description, "token request refused");
    let status = if e.error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut res = no_store_json(
        status,
        &serde_json::json!({ "error": e.error, "error_description": e.description }),
    );
    if status == StatusCode::UNAUTHORIZED && basic_auth_used {
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            actix_web::http::header::HeaderValue::from_static("Basic realm=\"aiguillage\""),
        );
    }
    res
}

pub async fn exchange(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(str::to_owned);
    match token(&state, basic.as_deref(), &body).await {
        Ok(res) => res,
        Err(e) => error_response(&e, basic.is_some()),
    }
}

/// Client authentication: `client_secret_basic`, `client_secret_post`, or
/// `none` for a public client (which must then use PKCE).
fn authenticate<'a>(
    state: &'a AppState,
    basic: Option<&str>,
    params: &std::collections::HashMap<String, String>,
) -> Result<&'a Client, OAuthError> {
    let invalid = || OAuthError::new("invalid_client", "client authentication failed");
    let (id, secret) = match basic {
        Some(b64) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| invalid())?;
            let text = String::from_utf8(decoded).map_err(|_| invalid())?;
            let (id, secret) = text.split_once(':').ok_or_else(invalid)?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded.
            let dec = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            if params.contains_key("client_secret") {
                return Err(OAuthError::new(
                    "invalid_request",
                    "use one client authentication method",
                ));
            }
            (
                dec(id).ok_or_else(invalid)?,
                Some(dec(secret).ok_or_else(invalid)?),
            )
        }
        None => (
            params.get("client_id").cloned().ok_or_else(invalid)?,
            params.get("client_secret").cloned(),
        ),
    };
    let client = state.provider.clients.get(&id).ok_or_else(invalid)?;
    match (client.public, secret) {
        (true, None) => Ok(client),
        (false, Some(secret)) if client.secret_matches(&secret) => Ok(client),
        _ => Err(invalid()),
    }
}

fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    let valid = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    valid && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

async fn token(
    state: &AppState,
    basic: Option<&str>,
    body: &[u8],
) -> Result<HttpResponse, OAuthError> {
    let params = parse_params(body)?;
    let client = authenticate(state, basic, &params)?;
    match params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {}
        None => return Err(OAuthError::new("invalid_request", "grant_type is required")),
        Some(other) => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                format!("`{other}`"),
            ));
        }
    }
    let invalid_grant = |why: &str| OAuthError::new("invalid_grant", why.to_owned());
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
    let store = state.store.as_ref();
    let storage = |e: crate::store::StoreError| OAuthError::new("server_error", e.to_string());
    // Taken: a code works once, whatever happens next.
    let mut record: CodeRecord = take_json(store, &code_key(code))
        .await
        .map_err(storage)?
        .ok_or_else(|| invalid_grant("unknown, expired or already used code"))?;
    if record.used {
        // Replay: the tokens issued with this code are revoked (RFC 6749 §4.1.2).
        if let Some(key) = &record.access_token_key {
            store.delete(key).await.map_err(storage)?;
        }
        tracing::warn!(client_id = %record.client_id, "authorization code replayed: its tokens are revoked");
        return Err(invalid_grant("code already used"));
    }
    if record.client_id != client.client_id {
        return Err(invalid_grant("code issued to another client"));
    }
    if params.get("redirect_uri") != Some(&record.redirect_uri) {
        return Err(invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    match (&record.code_challenge, params.get("code_verifier")) {
        (Some(challenge), Some(verifier)) if pkce_matches(challenge, verifier) => {}
        (Some(_), _) => return Err(invalid_grant("PKCE verification failed")),
        // A verifier for a request made without a challenge: a downgrade.
        (None, Some(_)) => return Err(invalid_grant("code_verifier without code_challenge")),
        (None, None) => {}
    }

    let provider = &state.provider;
    let access_token = random_token(32);
    let access = AccessRecord {
        client_id: client.client_id.clone(),
        claims: provider.user_claims(&record.identity, &client.client_id),
    };
    let key = access_key(&access_token);
    put_json(store, &key, &access, provider.token_ttl)
        .await
        .map_err(storage)?;
    let id_token = provider.id_token(&record, &AccessToken::new(access_token.clone()))?;
    // Kept as used while its tokens live, to catch a replay.
    record.used = true;
    record.access_token_key = Some(key);
    put_json(store, &code_key(code), &record, provider.token_ttl)
        .await
        .map_err(storage)?;
    tracing::info!(client_id = %client.client_id, "tokens issued");
    Ok(no_store_json(
        StatusCode::OK,
        &serde_json::json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": provider.token_ttl.as_secs(),
            "id_token": id_token,
            "scope": "openid",
        }),
    ))
}
