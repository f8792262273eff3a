//! The federation's access token handed to a démarche by token exchange
//! (RFC 8693), for the data it asked (API FranceConnectées): at the token
//! endpoint, `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
//! the portal's access token as `subject_token`, the federation named by
//! `audience` (its id: `franceconnect`).
//!
//! Given only to the démarche the portal's token was issued to, only for
//! the login that produced it, while that login lives (not after its
//! logout, nor after the portal's token was revoked or expired), and while
//! the federation's token itself lives; only when the token's data scopes
//! are all the démarche's. Every refusal is a standard OAuth error.

use std::collections::HashMap;

use super::Broker;
use crate::domain::Federation;
use crate::provider::token::authenticate;
use crate::provider::userinfo::live_access;
use crate::provider::{OAuthError, OAuthErrorCode};

const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

impl Broker<'_> {
    /// A token exchange request (its body's parameters, the client's
    /// `Authorization: Basic` credentials): the federation's token, or why not.
    pub async fn exchange_token(
        &self,
        basic: Option<&str>,
        params: &HashMap<String, String>,
    ) -> Result<serde_json::Value, OAuthError> {
        let demarche = authenticate(self.provider, basic, params)?;
        let result = self.exchange_for(demarche, params).await;
        crate::metrics::token_exchange(
            &demarche.client_id,
            result.as_ref().err().map(|e| e.code.as_str()),
        );
        result
    }

    async fn exchange_for(
        &self,
        demarche: &crate::provider::Demarche,
        params: &HashMap<String, String>,
    ) -> Result<serde_json::Value, OAuthError> {
        let federation = asked_federation(params)?;
        let subject = params
            .get("subject_token")
            .ok_or_else(|| OAuthError::invalid_request("subject_token is required"))?;
        let access = live_access(self.store, subject)
            .await
            .map_err(OAuthError::storage)?
            .ok_or_else(|| {
                OAuthError::invalid_grant("unknown, expired or revoked subject token")
            })?;
        if access.client_id != demarche.client_id {
            tracing::warn!(client_id = %demarche.client_id, "token exchange with another client's token");
            return Err(OAuthError::invalid_grant(
                "the subject token was issued to another client",
            ));
        }
        let token = self
            .federation_token(&access.sid)
            .await
            .map_err(OAuthError::storage)?
            .filter(|t| t.federation.for_level(None) == federation)
            .ok_or_else(|| {
                OAuthError::invalid_grant(format!(
                    "no live {} token for this login (none asked, or expired)",
                    federation.id()
                ))
            })?;
        let allowed = demarche.data_scopes_for(federation, &token.data_scopes);
        if allowed.len() != token.data_scopes.len() {
            return Err(OAuthError::new(
                OAuthErrorCode::InvalidScope,
                "the federation's token carries data scopes this client may not ask",
            ));
        }
        let remaining = token.expires_at - crate::common::clock::system_now();
        tracing::info!(client_id = %demarche.client_id, %federation, "federation token exchanged");
        Ok(serde_json::json!({
            "access_token": token.access_token.expose(),
            "issued_token_type": ACCESS_TOKEN_TYPE,
            "token_type": "Bearer",
            "expires_in": remaining.max(0),
            "scope": token.data_scopes.join(" "),
        }))
    }
}

/// The federation the démarche asks a token for (`audience`), the subject
/// token being an access token and an access token being asked.
fn asked_federation(params: &HashMap<String, String>) -> Result<Federation, OAuthError> {
    match params.get("subject_token_type").map(String::as_str) {
        Some(ACCESS_TOKEN_TYPE) => {}
        None => {
            return Err(OAuthError::invalid_request(
                "subject_token_type is required",
            ));
        }
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "subject_token_type `{other}`: only the portal's access token ({ACCESS_TOKEN_TYPE})"
            )));
        }
    }
    if let Some(kind) = params
        .get("requested_token_type")
        .filter(|t| *t != ACCESS_TOKEN_TYPE)
    {
        return Err(OAuthError::invalid_request(format!(
            "requested_token_type `{kind}`: only an access token"
        )));
    }
    let audience = params
        .get("audience")
        .ok_or_else(|| OAuthError::new(OAuthErrorCode::InvalidTarget, "audience is required"))?;
    audience
        .parse::<Federation>()
        .map(|f| f.for_level(None))
        .map_err(|_| {
            OAuthError::new(
                OAuthErrorCode::InvalidTarget,
                format!("`{audience}` is not a federation"),
            )
        })
}
