//! Signature checks on what a federation signs (ID tokens, userinfo JWTs):
//! one typed "unknown key" outcome, and one helper that refreshes the
//! federation's keys once when a key is unknown (a rotation) before giving
//! up. The signatures themselves are checked by [`crate::common::jws`].

use std::sync::Arc;

use serde_json::{Map, Value};

use super::discovery::Discovered;
use super::{FederationClient, UpstreamError};
use crate::common::jws::SignatureError;

/// Leeway for clocks that disagree (`iat` in the future, `exp`).
pub const CLOCK_SKEW_SECS: i64 = 120;

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

    /// A signed userinfo response (`application/jwt`): signed by the
    /// federation, for this client, not expired.
    pub(super) fn verify_userinfo_jwt(
        &self,
        d: &Discovered,
        jwt: &str,
    ) -> Result<Map<String, Value>, SignatureError> {
        let rejected = |m: &str| SignatureError::Rejected(m.to_owned());
        let claims = d
            .signing_keys
            .verify(jwt)
            .map_err(|e| e.about("userinfo JWT"))?
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
        if let Some(exp) = claims.get("exp") {
            let expired = exp.as_f64().is_none_or(|exp| {
                exp as i64 + CLOCK_SKEW_SECS < crate::common::clock::system_now()
            });
            if expired {
                return Err(rejected("userinfo JWT expired"));
            }
        }
        Ok(claims)
    }
}
