//! Finishing a login, step by step: the authorization response, the code
//! exchange, the ID token's signature and claims, then userinfo.

use std::sync::Arc;

use openidconnect::core::{CoreIdToken, CoreIdTokenClaims};
use openidconnect::{
    AccessToken, AuthorizationCode, Nonce, OAuth2TokenResponse, PkceCodeVerifier, RequestTokenError,
};
use serde_json::{Map, Value};
use url::Url;

use super::back_channel::{BodyLimits, read_capped};
use super::discovery::Discovered;
use super::encryption::is_jwe;
use super::login::{CallbackParams, FederationToken, LoginTransaction, UpstreamLogin};
use super::oidc_client::RawTokenResponse;
use super::signatures::CLOCK_SKEW_SECS;
use super::{FederationClient, UpstreamError};
use crate::common::jws::{SignatureError, at_hash};
use crate::domain::{Identity, acr_satisfies};
use crate::metrics::{self, UpstreamEndpoint};

fn rejected(reason: impl Into<String>) -> UpstreamError {
    UpstreamError::Rejected(reason.into())
}

impl FederationClient {
    /// The callback, once the transaction was taken by its `state` and
    /// found bound to this browser and this federation.
    pub async fn finish(
        &self,
        tx: &LoginTransaction,
        params: &CallbackParams,
    ) -> Result<UpstreamLogin, UpstreamError> {
        let result = self.finish_steps(tx, params).await;
        if let Err(UpstreamError::Unreachable(_)) = &result {
            // The endpoints may have moved: read discovery again next time.
            self.invalidate();
        }
        result
    }

    async fn finish_steps(
        &self,
        tx: &LoginTransaction,
        params: &CallbackParams,
    ) -> Result<UpstreamLogin, UpstreamError> {
        let d = self.discovered().await?;
        let code = check_response(&d, tx, params)?;
        let token = self.exchange_code(&d, tx, code).await?;
        let sent = token
            .raw_id_token()
            .ok_or_else(|| rejected("token response without ID token"))?;
        // Encrypted (FranceConnect+): opened first, then the signed token
        // inside is verified like any other.
        let raw_id_token = self.open(sent, "ID token")?;
        let access_token = token.access_token();
        let (claims, id_claims) = self
            .verify_with_key_refresh(d.clone(), |d| {
                self.verify_id_token(d, &raw_id_token, access_token, &tx.nonce)
            })
            .await?;
        check_claims(&claims, tx)?;
        let sub = claims.subject().as_str();
        let userinfo = match d.metadata.userinfo_endpoint() {
            Some(endpoint) => {
                self.userinfo(d.clone(), endpoint.url(), access_token, sub)
                    .await?
            }
            None => Map::new(),
        };
        let identity = Identity::from_claims(self.federation, &id_claims, &userinfo)
            .ok_or_else(|| rejected("ID token without iss or sub"))?;
        Ok(UpstreamLogin {
            identity,
            id_token: raw_id_token,
            federation_token: federation_token(tx, &token),
        })
    }

    async fn exchange_code(
        &self,
        d: &Discovered,
        tx: &LoginTransaction,
        code: &str,
    ) -> Result<RawTokenResponse, UpstreamError> {
        let oidc_client = self.discovered_client(d)?;
        let mut exchange = oidc_client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| UpstreamError::Unreachable(format!("no token endpoint: {e}")))?;
        if let Some(v) = &tx.pkce_verifier {
            exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(v.clone()));
        }
        let started = std::time::Instant::now();
        let result = exchange.request_async(&self.http).await;
        if !matches!(result, Err(RequestTokenError::Request(_))) {
            self.answered();
        }
        let elapsed = started.elapsed();
        metrics::upstream_call(
            self.federation,
            UpstreamEndpoint::Token,
            elapsed,
            result.is_ok(),
        );
        result.map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => {
                rejected(format!("token endpoint answered `{}`", r.error()))
            }
            RequestTokenError::Request(e) if e.is_too_large() => {
                rejected(format!("token response: {e}"))
            }
            RequestTokenError::Request(_) => {
                UpstreamError::Unreachable("token endpoint unreachable".into())
            }
            other => rejected(format!("token response: {other}")),
        })
    }

    /// The signature (with `ring`, [`crate::common::jws`]); then issuer, audience,
    /// expiry and nonce by `openidconnect`; then `at_hash`, which binds the
    /// access token to this ID token. The claims both as `openidconnect`
    /// types and as the JSON the federation sent (for [`Identity`]).
    fn verify_id_token(
        &self,
        d: &Discovered,
        raw_id_token: &str,
        access_token: &AccessToken,
        nonce: &str,
    ) -> Result<(CoreIdTokenClaims, Map<String, Value>), SignatureError> {
        let reject = |e: &dyn std::fmt::Display| SignatureError::Rejected(format!("ID token: {e}"));
        let verified = d
            .signing_keys
            .verify(raw_id_token)
            .map_err(|e| e.about("ID token"))?;
        let id_token: CoreIdToken = raw_id_token.parse().map_err(|e| reject(&e))?;
        let oidc_client = self.discovered_client(d).map_err(|e| reject(&e))?;
        // The signature was checked above, with the same key choice rules.
        let verifier = oidc_client
            .id_token_verifier()
            .insecure_disable_signature_check();
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce.to_owned()))
            .map_err(|e| reject(&e))?;
        // Core §3.1.3.7: when `azp` is there, it names this client (a
        // token for another client that lists us among its audiences is not ours).
        if let Some(azp) = claims.authorized_party()
            && azp.as_str() != self.client_id
        {
            return Err(SignatureError::Rejected(
                "ID token: azp names another client".into(),
            ));
        }
        if let Some(expected) = claims.access_token_hash()
            && at_hash(verified.alg.hash(), access_token.secret()) != **expected
        {
            return Err(SignatureError::Rejected(
                "at_hash does not match the access token".into(),
            ));
        }
        Ok((claims.clone(), verified.claims))
    }

    /// Userinfo as JSON or as a signed JWT (`application/jwt`, verified
    /// with the federation's keys); its `sub` must be the ID token's.
    async fn userinfo(
        &self,
        d: Arc<Discovered>,
        endpoint: &Url,
        access_token: &AccessToken,
        sub: &str,
    ) -> Result<Map<String, Value>, UpstreamError> {
        let started = std::time::Instant::now();
        let sent = self
            .http
            .get(endpoint.clone())
            .bearer_auth(access_token.secret())
            .header("Accept", "application/jwt, application/json")
            .send()
            .await;
        let ok = sent.as_ref().is_ok_and(|r| r.status().is_success());
        metrics::upstream_call(
            self.federation,
            UpstreamEndpoint::Userinfo,
            started.elapsed(),
            ok,
        );
        let res =
            sent.map_err(|_| UpstreamError::Unreachable("userinfo endpoint unreachable".into()))?;
        self.answered();
        if !res.status().is_success() {
            return Err(rejected(format!("userinfo answered HTTP {}", res.status())));
        }
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let body = read_capped(res, BodyLimits::DEFAULT.userinfo)
            .await
            .map_err(|e| match e {
                e if e.is_too_large() => rejected(format!("userinfo: {e}")),
                _ => UpstreamError::Unreachable("userinfo body unreadable".into()),
            })?;
        let body = String::from_utf8(body).map_err(|_| rejected("userinfo is not UTF-8"))?;
        let claims: Map<String, Value> = match content_type.as_str() {
            "application/jwt" => {
                let inner = self.open(body.trim(), "userinfo")?;
                if inner.starts_with('{') && !self.settings.userinfo_signed {
                    // Encrypted but not signed: JSON inside.
                    serde_json::from_str(&inner)
                        .map_err(|_| rejected("userinfo is not a JSON object"))?
                } else {
                    self.verify_with_key_refresh(d, |d| self.verify_userinfo_jwt(d, &inner))
                        .await?
                }
            }
            _ if self.settings.encrypted_tokens => {
                return Err(rejected("userinfo is not encrypted"));
            }
            "application/json" if self.settings.userinfo_signed => {
                return Err(rejected("userinfo is not signed"));
            }
            "application/json" => serde_json::from_str(&body)
                .map_err(|_| rejected("userinfo is not a JSON object"))?,
            other => return Err(rejected(format!("userinfo content type `{other}`"))),
        };
        if claims.get("sub").and_then(Value::as_str) != Some(sub) {
            return Err(rejected("userinfo `sub` differs from the ID token's"));
        }
        Ok(claims)
    }
}

impl FederationClient {
    /// What the federation sent, opened when it is encrypted for the portal.
    /// A federation that encrypts must always do so; one that does not
    /// cannot be read encrypted.
    fn open(&self, token: &str, what: &str) -> Result<String, UpstreamError> {
        match (&self.decryption, is_jwe(token)) {
            (Some(keys), true) => {
                let plain = keys
                    .decrypt(token)
                    .map_err(|e| rejected(format!("{what}: {e}")))?;
                String::from_utf8(plain).map_err(|_| rejected(format!("{what}: not text inside")))
            }
            (Some(_), false) => Err(rejected(format!("{what} is not encrypted"))),
            (None, true) => Err(rejected(format!(
                "{what} is encrypted, but no decryption key is set for this federation"
            ))),
            (None, false) => Ok(token.to_owned()),
        }
    }
}

/// The federation's access token, kept only when the login asked data
/// scopes (a démarche will exchange it for the person's data).
fn federation_token(tx: &LoginTransaction, token: &RawTokenResponse) -> Option<FederationToken> {
    if tx.data_scopes.is_empty() {
        return None;
    }
    let data_scopes = match token.scopes() {
        Some(granted) => granted
            .iter()
            .map(|s| s.as_str().to_owned())
            .filter(|s| tx.data_scopes.contains(s))
            .collect(),
        None => tx.data_scopes.clone(),
    };
    Some(FederationToken {
        access_token: crate::common::Secret(token.access_token().secret().clone()),
        expires_in: token.expires_in(),
        data_scopes,
    })
}

/// RFC 9207: the response names its issuer; it must be the one the request
/// went to, and be there when the federation says it sends it. Then the
/// federation's error, or the code.
fn check_response<'a>(
    d: &Discovered,
    tx: &LoginTransaction,
    params: &'a CallbackParams,
) -> Result<&'a str, UpstreamError> {
    match &params.iss {
        Some(iss) if *iss != tx.issuer => {
            return Err(rejected(format!(
                "authorization response from issuer `{iss}`, request sent to `{}` (mix-up)",
                tx.issuer
            )));
        }
        None if d.iss_parameter_supported => {
            return Err(rejected("authorization response without `iss`"));
        }
        _ => {}
    }
    if let Some(error) = &params.error {
        return Err(UpstreamError::Refused {
            error: error.clone(),
            description: params.error_description.clone(),
        });
    }
    params
        .code
        .as_deref()
        .ok_or_else(|| rejected("callback without code"))
}

/// What `openidconnect` leaves to the relying party: the issuer the
/// request went to, `iat` not in the future, the level asked, and a new
/// authentication when one was asked.
fn check_claims(claims: &CoreIdTokenClaims, tx: &LoginTransaction) -> Result<(), UpstreamError> {
    if *claims.issuer().as_str() != tx.issuer {
        return Err(rejected("ID token from another issuer"));
    }
    if claims.issue_time().timestamp() > crate::common::clock::system_now() + CLOCK_SKEW_SECS {
        return Err(rejected("ID token issued in the future"));
    }
    if let Some(auth_time) = claims.auth_time().map(|t| t.timestamp())
        && tx.fresh_login
        && auth_time < tx.started_at - CLOCK_SKEW_SECS
    {
        return Err(rejected(
            "a new authentication was asked, the ID token's auth_time predates it",
        ));
    }
    if !tx.acr_values.is_empty() {
        let acr = claims
            .auth_context_ref()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        if !acr_satisfies(&acr, &tx.acr_values) {
            return Err(rejected(format!(
                "acr `{acr}` is not among the levels asked {:?}",
                tx.acr_values
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use openidconnect::core::CoreGenderClaim;
    use openidconnect::{
        Audience, AuthenticationContextClass, EmptyAdditionalClaims, IssuerUrl, StandardClaims,
        SubjectIdentifier,
    };

    use super::*;
    use crate::domain::Federation;
    use crate::upstream::test_support::{CLIENT_ID, ISSUER, client};

    fn transaction() -> LoginTransaction {
        LoginTransaction {
            federation: Federation::FranceConnect,
            issuer: ISSUER.into(),
            nonce: "n".repeat(43),
            pkce_verifier: None,
            acr_values: vec!["eidas1".into()],
            started_at: Utc::now().timestamp(),
            fresh_login: false,
            data_scopes: Vec::new(),
        }
    }

    fn params(iss: Option<&str>, code: Option<&str>, error: Option<&str>) -> CallbackParams {
        CallbackParams {
            code: code.map(str::to_owned),
            state: Some("s".into()),
            iss: iss.map(str::to_owned),
            error: error.map(str::to_owned),
            error_description: None,
        }
    }

    #[test]
    fn the_authorization_response_must_come_from_the_issuer_asked_and_carry_a_code() {
        let fc = client(Federation::FranceConnect, true);
        let d = fc.cached().unwrap();
        let tx = transaction();
        let answer = |p: CallbackParams| check_response(&d, &tx, &p).map(str::to_owned);
        assert_eq!(answer(params(Some(ISSUER), Some("c"), None)).unwrap(), "c");
        let mixed_up = answer(params(Some("https://other.example"), Some("c"), None));
        assert!(matches!(mixed_up, Err(UpstreamError::Rejected(r)) if r.contains("mix-up")));
        // The federation says it sends `iss`: its absence is refused.
        let without_iss = answer(params(None, Some("c"), None));
        assert!(
            matches!(without_iss, Err(UpstreamError::Rejected(r)) if r.contains("without `iss`"))
        );
        let refused = answer(params(Some(ISSUER), None, Some("access_denied")));
        assert!(
            matches!(refused, Err(UpstreamError::Refused { error, .. }) if error == "access_denied")
        );
        let no_code = answer(params(Some(ISSUER), None, None));
        assert!(matches!(no_code, Err(UpstreamError::Rejected(r)) if r.contains("without code")));
    }

    fn id_token_claims(
        issuer: &str,
        iat_from_now: i64,
        acr: &str,
        auth_time: Option<i64>,
    ) -> CoreIdTokenClaims {
        let now = Utc::now();
        CoreIdTokenClaims::new(
            IssuerUrl::new(issuer.into()).unwrap(),
            vec![Audience::new(CLIENT_ID.into())],
            now + Duration::seconds(300),
            now + Duration::seconds(iat_from_now),
            StandardClaims::<CoreGenderClaim>::new(SubjectIdentifier::new("s1".into())),
            EmptyAdditionalClaims {},
        )
        .set_auth_context_ref(Some(AuthenticationContextClass::new(acr.into())))
        .set_auth_time(auth_time.and_then(|t| chrono::DateTime::from_timestamp(t, 0)))
    }

    #[test]
    fn the_id_token_must_name_the_issuer_asked_be_issued_already_and_give_the_level_asked() {
        let tx = transaction();
        let check = |claims: CoreIdTokenClaims, tx: &LoginTransaction| check_claims(&claims, tx);
        assert!(check(id_token_claims(ISSUER, 0, "eidas1", None), &tx).is_ok());
        for (claims, why) in [
            (
                id_token_claims("https://other.example", 0, "eidas1", None),
                "another issuer",
            ),
            (
                id_token_claims(ISSUER, 600, "eidas1", None),
                "in the future",
            ),
            (
                id_token_claims(ISSUER, 0, "eidas0", None),
                "not among the levels asked",
            ),
        ] {
            let result = check(claims, &tx);
            assert!(
                matches!(&result, Err(UpstreamError::Rejected(r)) if r.contains(why)),
                "{why}: {result:?}"
            );
        }
        // A higher level than asked satisfies it.
        assert!(check(id_token_claims(ISSUER, 0, "eidas2", None), &tx).is_ok());
    }

    #[test]
    fn a_new_authentication_asked_is_refused_an_auth_time_from_before_the_login() {
        let tx = LoginTransaction {
            fresh_login: true,
            ..transaction()
        };
        let long_ago = tx.started_at - 3600;
        let result = check_claims(&id_token_claims(ISSUER, 0, "eidas1", Some(long_ago)), &tx);
        assert!(
            matches!(&result, Err(UpstreamError::Rejected(r)) if r.contains("predates")),
            "{result:?}"
        );
        let just_now = tx.started_at + 5;
        assert!(check_claims(&id_token_claims(ISSUER, 0, "eidas1", Some(just_now)), &tx).is_ok());
        // Without a new authentication asked, an old auth_time is the
        // federation's single sign-on.
        let tx = transaction();
        assert!(check_claims(&id_token_claims(ISSUER, 0, "eidas1", Some(long_ago)), &tx).is_ok());
    }
}
