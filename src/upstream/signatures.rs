//! Signature checks on what a federation signs (ID tokens, userinfo JWTs):
//! one algorithm allow-list, one typed "unknown key" outcome, and one
//! helper that refreshes the federation's keys once when a key is unknown
//! (a rotation) before giving up.

use std::sync::Arc;

use jsonwebtoken::Algorithm;
use openidconnect::core::CoreJwsSigningAlgorithm;
use serde_json::{Map, Value};

use super::discovery::Discovered;
use super::{FederationClient, UpstreamError};

/// Leeway for clocks that disagree (`iat` in the future, `exp`).
pub const CLOCK_SKEW_SECS: i64 = 120;

/// Signature algorithms accepted from a federation, as both libraries name
/// them: asymmetric only, so `none` and HMAC-with-a-public-key confusions
/// are impossible.
const ALLOWED: [(CoreJwsSigningAlgorithm, Algorithm); 8] = [
    (
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Algorithm::RS256,
    ),
    (
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
        Algorithm::RS384,
    ),
    (
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
        Algorithm::RS512,
    ),
    (CoreJwsSigningAlgorithm::RsaSsaPssSha256, Algorithm::PS256),
    (CoreJwsSigningAlgorithm::RsaSsaPssSha384, Algorithm::PS384),
    (CoreJwsSigningAlgorithm::RsaSsaPssSha512, Algorithm::PS512),
    (CoreJwsSigningAlgorithm::EcdsaP256Sha256, Algorithm::ES256),
    (CoreJwsSigningAlgorithm::EcdsaP384Sha384, Algorithm::ES384),
];

/// The allow-list for `openidconnect`'s ID token verifier.
pub fn allowed_id_token_algs() -> Vec<CoreJwsSigningAlgorithm> {
    ALLOWED.iter().map(|(core, _)| core.clone()).collect()
}

fn allowed_jwt_alg(alg: Algorithm) -> bool {
    ALLOWED.iter().any(|(_, a)| *a == alg)
}

/// Why a signed value was not accepted.
#[derive(Debug)]
pub enum SignatureError {
    /// Signed with a key the federation's JWKS does not (yet) hold.
    UnknownKey,
    Rejected(String),
}

impl From<SignatureError> for UpstreamError {
    fn from(e: SignatureError) -> UpstreamError {
        match e {
            SignatureError::UnknownKey => {
                UpstreamError::Rejected("signed with an unknown key".into())
            }
            SignatureError::Rejected(reason) => UpstreamError::Rejected(reason),
        }
    }
}

impl FederationClient {
    /// Runs `verify` with the cached keys; on an unknown key, once more with
    /// freshly fetched keys (unless a refresh happened moments ago).
    pub(super) async fn verify_with_key_refresh<T>(
        &self,
        d: Arc<Discovered>,
        verify: impl Fn(&Discovered) -> Result<T, SignatureError>,
    ) -> Result<T, UpstreamError> {
        match verify(&d) {
            Err(SignatureError::UnknownKey) => match self.refresh_keys(&d).await? {
                Some(fresh) => Ok(verify(&fresh)?),
                None => Err(SignatureError::UnknownKey.into()),
            },
            other => Ok(other?),
        }
    }

    /// A signed userinfo response (`application/jwt`). `openidconnect`'s
    /// userinfo verifier only accepts RS256; FranceConnect signs with
    /// ES256, so it is checked with `jsonwebtoken`.
    pub(super) fn verify_userinfo_jwt(
        &self,
        d: &Discovered,
        jwt: &str,
    ) -> Result<Map<String, Value>, SignatureError> {
        use jsonwebtoken::{DecodingKey, Validation};
        let rejected = |m: &str| SignatureError::Rejected(m.to_owned());
        let header =
            jsonwebtoken::decode_header(jwt).map_err(|_| rejected("malformed userinfo JWT"))?;
        if !allowed_jwt_alg(header.alg) {
            return Err(SignatureError::Rejected(format!(
                "userinfo signed with {:?}",
                header.alg
            )));
        }
        let jwk = match &header.kid {
            Some(kid) => d.jwks_jsonwebtoken.find(kid),
            None if d.jwks_jsonwebtoken.keys.len() == 1 => d.jwks_jsonwebtoken.keys.first(),
            None => None,
        }
        .ok_or(SignatureError::UnknownKey)?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| rejected("unusable JWK"))?;
        let mut validation = Validation::new(header.alg);
        validation.required_spec_claims.clear();
        validation.validate_aud = false;
        validation.leeway = CLOCK_SKEW_SECS as u64;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(jwt, &key, &validation)
            .map_err(|e| SignatureError::Rejected(format!("userinfo JWT: {e}")))?
            .claims;
        if let Some(iss) = claims.get("iss")
            && iss.as_str() != Some(d.issuer.as_str())
        {
            return Err(rejected("userinfo JWT from another issuer"));
        }
        let aud_ok = match claims.get("aud") {
            None => true,
            Some(Value::String(a)) => *a == self.client_id,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(&self.client_id)),
            Some(_) => false,
        };
        if !aud_ok {
            return Err(rejected("userinfo JWT for another audience"));
        }
        Ok(claims)
    }
}
