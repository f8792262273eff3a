//! Starting a login (authorization request) and finishing it (callback:
//! checks, code exchange, ID token and userinfo verification).

use base64::Engine;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AuthType, AuthenticationContextClass, AuthorizationCode,
    ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, LoginHint, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::discovery::Discovered;
use super::{PkceMode, Provider, UpstreamError};
use crate::domain::{Federation, Identity};
use crate::store::random_token;

/// Signature algorithms accepted from a federation: asymmetric only, so
/// `none` and HMAC-with-a-public-key confusions are impossible.
const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 8] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
];

/// Leeway for clocks that disagree (`iat` in the future).
const CLOCK_SKEW_SECS: i64 = 120;

/// What a démarche (or the person) asks of this login.
#[derive(Debug, Clone, Default)]
pub struct LoginHints {
    /// E-mail to prefill (ProConnect).
    pub login_hint: Option<String>,
    /// `prompt=login`: the person must authenticate again.
    pub force_login: bool,
    /// Levels asked instead of the configured ones.
    pub acr_values: Option<Vec<String>>,
}

/// Everything the callback needs, stored under the `state` (single use).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginTransaction {
    pub federation: Federation,
    /// The issuer the request was sent to (mix-up defence).
    pub issuer: String,
    pub nonce: String,
    pub pkce_verifier: Option<String>,
    pub acr_values: Vec<String>,
    /// Random value also kept in the browser's session: the callback must
    /// come from the browser that started the login.
    pub browser: String,
    /// What to do once logged in (a pending démarche request), opaque here.
    pub resume: Option<String>,
}

pub struct AuthorizationStart {
    pub url: Url,
    pub state: String,
    pub transaction: LoginTransaction,
}

/// Query of the federation's redirect back to the portal.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A successful login.
pub struct UpstreamLogin {
    pub identity: Identity,
    /// Kept for the logout `id_token_hint`, never logged.
    pub id_token: String,
}

/// `eidas1-mfa` → 1. Higher eIDAS levels satisfy lower ones.
fn eidas_level(acr: &str) -> Option<u8> {
    acr.strip_prefix("eidas")?.split('-').next()?.parse().ok()
}

/// The returned `acr` is one of those asked, or a higher eIDAS level
/// (Pro Santé Connect answers `eidas2` to a card login when `eidas1` was asked).
pub fn acr_satisfies(returned: &str, asked: &[String]) -> bool {
    if asked.iter().any(|a| a == returned) {
        return true;
    }
    match (
        eidas_level(returned),
        asked.iter().filter_map(|a| eidas_level(a)).min(),
    ) {
        (Some(got), Some(min)) => got >= min,
        _ => false,
    }
}

fn payload_of(jwt: &str) -> Result<Map<String, Value>, UpstreamError> {
    let part = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| UpstreamError::Rejected("malformed JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| UpstreamError::Rejected("malformed JWT payload".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| UpstreamError::Rejected("malformed JWT payload".into()))
}

impl Provider {
    fn client(&self, d: &Discovered) -> Result<DiscoveredClient, UpstreamError> {
        let methods: Vec<String> = d
            .metadata
            .token_endpoint_auth_methods_supported()
            .map(|m| {
                m.iter()
                    .map(|m| {
                        serde_json::to_value(m)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        // client_secret_basic is the default when nothing is advertised.
        let auth = if methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic") {
            AuthType::BasicAuth
        } else if methods.iter().any(|m| m == "client_secret_post") {
            AuthType::RequestBody
        } else {
            return Err(UpstreamError::Unreachable(format!(
                "no supported token endpoint auth method among {methods:?}"
            )));
        };
        Ok(CoreClient::from_provider_metadata(
            d.metadata.clone(),
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.0.clone())),
        )
        .set_redirect_uri(RedirectUrl::from_url(self.redirect_url.clone()))
        .set_auth_type(auth))
    }

    fn use_pkce(&self, d: &Discovered) -> bool {
        match self.settings.pkce {
            PkceMode::Always => true,
            PkceMode::Never => false,
            // FranceConnect rejects unknown parameters: PKCE only when advertised.
            PkceMode::Auto => d.pkce_s256,
        }
    }

    /// The authorization request: where to send the browser, and the
    /// transaction to store under `state`.
    pub async fn start(
        &self,
        browser: String,
        hints: &LoginHints,
        resume: Option<String>,
    ) -> Result<AuthorizationStart, UpstreamError> {
        let d = self.discovered().await?;
        let client = self.client(&d)?;
        // 32 random bytes each: FranceConnect wants a nonce of 22+ characters,
        // ProConnect a state and nonce of 32+.
        let state = random_token(32);
        let nonce = random_token(32);
        let acr_values = hints
            .acr_values
            .clone()
            .unwrap_or_else(|| self.settings.acr_values.clone());
        let (state_c, nonce_c) = (state.clone(), nonce.clone());
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state_c),
            move || Nonce::new(nonce_c),
        );
        for scope in self.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if !acr_values.is_empty() {
            if self.federation == Federation::ProConnect {
                // ProConnect takes the level through the claims parameter.
                let claims = serde_json::json!({
                    "id_token": {
                        "acr": { "essential": true, "values": acr_values },
                        "amr": { "essential": true },
                    }
                });
                request = request.add_extra_param("claims", claims.to_string());
            } else {
                for acr in &acr_values {
                    request = request
                        .add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
                }
            }
        }
        if let Some(hint) = hints
            .login_hint
            .as_ref()
            .filter(|_| self.federation == Federation::ProConnect)
        {
            request = request.set_login_hint(LoginHint::new(hint.clone()));
        }
        if hints.force_login {
            request = request.add_prompt(CoreAuthPrompt::Login);
        }
        let mut pkce_verifier = None;
        if self.use_pkce(&d) {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(32);
            request = request.set_pkce_challenge(challenge);
            pkce_verifier = Some(verifier.into_secret());
        }
        let (url, _, _) = request.url();
        Ok(AuthorizationStart {
            url,
            state,
            transaction: LoginTransaction {
                federation: self.federation,
                issuer: d.issuer.clone(),
                nonce,
                pkce_verifier,
                acr_values,
                browser,
                resume,
            },
        })
    }

    /// The callback, once the transaction was taken by its `state` and
    /// found bound to this browser and this federation.
    pub async fn finish(
        &self,
        tx: &LoginTransaction,
        params: &CallbackParams,
    ) -> Result<UpstreamLogin, UpstreamError> {
        let result = self.finish_checked(tx, params).await;
        if let Err(UpstreamError::Unreachable(_)) = &result {
            // The endpoints may have moved: read discovery again next time.
            self.invalidate();
        }
        result
    }

    async fn finish_checked(
        &self,
        tx: &LoginTransaction,
        params: &CallbackParams,
    ) -> Result<UpstreamLogin, UpstreamError> {
        let mut d = self.discovered().await?;
        // RFC 9207: the response names its issuer; it must be the one the
        // request went to, and be there when the federation says it sends it.
        match &params.iss {
            Some(iss) if *iss != tx.issuer => {
                return Err(UpstreamError::Rejected(format!(
                    "authorization response from issuer `{iss}`, request sent to `{}` (mix-up)",
                    tx.issuer
                )));
            }
            None if d.iss_parameter_supported => {
                return Err(UpstreamError::Rejected(
                    "authorization response without `iss`".into(),
                ));
            }
            _ => {}
        }
        if let Some(error) = &params.error {
            return Err(UpstreamError::Refused {
                error: error.clone(),
                description: params.error_description.clone(),
            });
        }
        let code = params
            .code
            .clone()
            .ok_or_else(|| UpstreamError::Rejected("callback without code".into()))?;

        let client = self.client(&d)?;
        let mut exchange = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| UpstreamError::Unreachable(format!("no token endpoint: {e}")))?;
        if let Some(v) = &tx.pkce_verifier {
            exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(v.clone()));
        }
        let token = exchange
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => {
                    UpstreamError::Rejected(format!("token endpoint answered `{}`", r.error()))
                }
                RequestTokenError::Request(_) => {
                    UpstreamError::Unreachable("token endpoint unreachable".into())
                }
                other => UpstreamError::Rejected(format!("token response: {other}")),
            })?;
        let id_token = token
            .id_token()
            .ok_or_else(|| UpstreamError::Rejected("token response without ID token".into()))?;

        // Verify the ID token; an unknown key may be a rotation: refresh once.
        let nonce = Nonce::new(tx.nonce.clone());
        let mut refreshed = false;
        let claims = loop {
            let client = self.client(&d)?;
            let verifier = id_token_verifier(&client);
            match id_token.claims(&verifier, &nonce) {
                Ok(claims) => {
                    // at_hash binds the access token to this ID token.
                    if let Some(expected) = claims.access_token_hash() {
                        let alg = id_token
                            .signing_alg()
                            .map_err(|e| UpstreamError::Rejected(e.to_string()))?;
                        let key = id_token
                            .signing_key(&verifier)
                            .map_err(|e| UpstreamError::Rejected(e.to_string()))?;
                        let actual = AccessTokenHash::from_token(token.access_token(), alg, key)
                            .map_err(|e| UpstreamError::Rejected(e.to_string()))?;
                        if actual != *expected {
                            return Err(UpstreamError::Rejected(
                                "at_hash does not match the access token".into(),
                            ));
                        }
                    }
                    break claims.clone();
                }
                Err(ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::NoMatchingKey,
                )) if !refreshed => {
                    refreshed = true;
                    match self.refresh_keys(&d).await? {
                        Some(fresh) => d = fresh,
                        None => {
                            return Err(UpstreamError::Rejected(
                                "ID token signed with an unknown key".into(),
                            ));
                        }
                    }
                }
                Err(e) => return Err(UpstreamError::Rejected(format!("ID token: {e}"))),
            }
        };
        if *claims.issuer().as_str() != tx.issuer {
            return Err(UpstreamError::Rejected(
                "ID token from another issuer".into(),
            ));
        }
        let iat = claims.issue_time().timestamp();
        if iat > crate::clock::unix_now() + CLOCK_SKEW_SECS {
            return Err(UpstreamError::Rejected(
                "ID token issued in the future".into(),
            ));
        }
        if !tx.acr_values.is_empty() {
            let acr = claims
                .auth_context_ref()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default();
            if !acr_satisfies(&acr, &tx.acr_values) {
                return Err(UpstreamError::Rejected(format!(
                    "acr `{acr}` is not among the levels asked {:?}",
                    tx.acr_values
                )));
            }
        }
        let raw_id_token = id_token.to_string();
        let id_claims = payload_of(&raw_id_token)?;
        let sub = claims.subject().as_str().to_owned();

        let userinfo = match d.metadata.userinfo_endpoint() {
            Some(endpoint) => {
                self.userinfo(&d, endpoint.url(), token.access_token(), &sub)
                    .await?
            }
            None => Map::new(),
        };
        let identity = Identity::from_claims(self.federation, &id_claims, &userinfo)
            .ok_or_else(|| UpstreamError::Rejected("ID token without iss or sub".into()))?;
        Ok(UpstreamLogin {
            identity,
            id_token: raw_id_token,
        })
    }

    /// Userinfo as JSON or as a signed JWT (`application/jwt`, verified
    /// with the federation's keys); its `sub` must be the ID token's.
    async fn userinfo(
        &self,
        d: &Discovered,
        endpoint: &Url,
        access_token: &AccessToken,
        sub: &str,
    ) -> Result<Map<String, Value>, UpstreamError> {
        let res = self
            .http
            .get(endpoint.clone())
            .bearer_auth(access_token.secret())
            .header("Accept", "application/jwt, application/json")
            .send()
            .await
            .map_err(|_| UpstreamError::Unreachable("userinfo endpoint unreachable".into()))?;
        if !res.status().is_success() {
            return Err(UpstreamError::Rejected(format!(
                "userinfo answered HTTP {}",
                res.status()
            )));
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
        let body = res
            .text()
            .await
            .map_err(|_| UpstreamError::Unreachable("userinfo body unreadable".into()))?;
        let claims = match content_type.as_str() {
            "application/jwt" => match self.verify_userinfo_jwt(d, body.trim()) {
                Err(UpstreamError::Rejected(m)) if m == UNKNOWN_KEY => {
                    match self.refresh_keys(d).await? {
                        Some(fresh) => self.verify_userinfo_jwt(&fresh, body.trim())?,
                        None => {
                            return Err(UpstreamError::Rejected(UNKNOWN_KEY.into()));
                        }
                    }
                }
                other => other?,
            },
            "application/json" if self.settings.userinfo_signed => {
                return Err(UpstreamError::Rejected("userinfo is not signed".into()));
            }
            "application/json" => serde_json::from_str(&body)
                .map_err(|_| UpstreamError::Rejected("userinfo is not a JSON object".into()))?,
            other => {
                return Err(UpstreamError::Rejected(format!(
                    "userinfo content type `{other}`"
                )));
            }
        };
        if claims.get("sub").and_then(Value::as_str) != Some(sub) {
            return Err(UpstreamError::Rejected(
                "userinfo `sub` differs from the ID token's".into(),
            ));
        }
        Ok(claims)
    }

    /// `openidconnect`'s userinfo verifier only accepts RS256; FranceConnect
    /// signs with ES256, so signed userinfo is checked with `jsonwebtoken`.
    fn verify_userinfo_jwt(
        &self,
        d: &Discovered,
        jwt: &str,
    ) -> Result<Map<String, Value>, UpstreamError> {
        use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
        let header = jsonwebtoken::decode_header(jwt)
            .map_err(|_| UpstreamError::Rejected("malformed userinfo JWT".into()))?;
        let allowed = [
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
        ];
        if !allowed.contains(&header.alg) {
            return Err(UpstreamError::Rejected(format!(
                "userinfo signed with {:?}",
                header.alg
            )));
        }
        let jwks: JwkSet = serde_json::from_value(d.jwks_json.clone())
            .map_err(|_| UpstreamError::Rejected("unreadable JWKS".into()))?;
        let jwk = match &header.kid {
            Some(kid) => jwks.find(kid),
            None if jwks.keys.len() == 1 => jwks.keys.first(),
            None => None,
        }
        .ok_or_else(|| UpstreamError::Rejected(UNKNOWN_KEY.into()))?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|_| UpstreamError::Rejected("unusable JWK".into()))?;
        let mut validation = Validation::new(header.alg);
        validation.required_spec_claims.clear();
        validation.validate_aud = false;
        validation.leeway = CLOCK_SKEW_SECS as u64;
        let data = jsonwebtoken::decode::<Map<String, Value>>(jwt, &key, &validation)
            .map_err(|e| UpstreamError::Rejected(format!("userinfo JWT: {e}")))?;
        let claims = data.claims;
        if let Some(iss) = claims.get("iss")
            && iss.as_str() != Some(d.issuer.as_str())
        {
            return Err(UpstreamError::Rejected(
                "userinfo JWT from another issuer".into(),
            ));
        }
        let aud_ok = match claims.get("aud") {
            None => true,
            Some(Value::String(a)) => *a == self.client_id,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(&self.client_id)),
            Some(_) => false,
        };
        if !aud_ok {
            return Err(UpstreamError::Rejected(
                "userinfo JWT for another audience".into(),
            ));
        }
        Ok(claims)
    }

    /// The federation's logout URL (`end_session_endpoint`), if it has one.
    pub async fn end_session_url(
        &self,
        id_token_hint: &str,
        state: &str,
    ) -> Result<Option<Url>, UpstreamError> {
        let d = self.discovered().await?;
        Ok(d.end_session_endpoint.clone().map(|mut url| {
            url.query_pairs_mut()
                .append_pair("id_token_hint", id_token_hint)
                .append_pair("state", state)
                .append_pair(
                    "post_logout_redirect_uri",
                    self.post_logout_redirect_url.as_str(),
                );
            url
        }))
    }
}

/// A client built from discovery: authorization endpoint set, token and
/// userinfo endpoints present when the federation advertises them.
type DiscoveredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

const UNKNOWN_KEY: &str = "userinfo signed with an unknown key";

fn id_token_verifier<'a>(client: &'a DiscoveredClient) -> CoreIdTokenVerifier<'a> {
    client.id_token_verifier().set_allowed_algs(ALLOWED_ALGS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acr_levels() {
        let asked = vec!["eidas1".to_owned()];
        assert!(acr_satisfies("eidas1", &asked));
        assert!(acr_satisfies("eidas2", &asked));
        assert!(acr_satisfies("eidas1-mfa", &asked));
        assert!(!acr_satisfies("eidas0", &asked));
        assert!(!acr_satisfies("", &asked));
        assert!(!acr_satisfies("eidas1", &["eidas2".to_owned()]));
        let custom = vec!["https://proconnect.gouv.fr/assurance/self-asserted-2fa".to_owned()];
        assert!(acr_satisfies(&custom[0], &custom));
        assert!(!acr_satisfies("eidas3", &custom));
    }
}
