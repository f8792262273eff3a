//! The ID token the provider signs for a démarche, the claims it gives at
//! userinfo, and the `id_token_hint` it reads back at logout.

use openidconnect::AccessToken;
use serde::Serialize;
use serde_json::{Map, Value};

use super::alg::IdTokenAlg;
use super::token::CodeRecord;
use super::{OAuthError, OAuthErrorCode, OpenIdProvider};
use crate::common::jws::at_hash;
use crate::domain::Identity;

impl OpenIdProvider {
    /// The person as a démarche sees them (userinfo): normalized claims,
    /// the federation id, and the federation's own claims kept raw.
    pub fn user_claims(&self, identity: &Identity, client_id: &str) -> Map<String, Value> {
        // `identity.claims` holds no protocol claim (see `Identity::from_claims`).
        let mut claims = identity.claims.clone();
        let fed = identity.federation.id();
        claims.insert(
            "sub".into(),
            self.pairwise_sub(fed, &identity.sub, client_id).into(),
        );
        claims.insert("idp".into(), fed.into());
        for (name, value) in [
            ("given_name", &identity.given_name),
            ("family_name", &identity.family_name),
            ("email", &identity.email),
        ] {
            if let Some(v) = value {
                claims.insert(name.into(), v.clone().into());
            }
        }
        if let Some(acr) = &identity.acr {
            claims.insert("acr".into(), acr.clone().into());
        }
        claims
    }

    /// Signs the ID token for a code's exchange with the algorithm the
    /// démarche registered (RS256 by default), `at_hash` set.
    pub fn id_token(
        &self,
        code: &CodeRecord,
        access_token: &AccessToken,
    ) -> Result<String, OAuthError> {
        let identity = &code.identity;
        let alg = self
            .clients
            .get(&code.client_id)
            .map_or(IdTokenAlg::default(), |c| c.id_token_alg);
        let now = crate::common::clock::unix_now();
        let ttl = i64::try_from(self.token_ttl.as_secs()).unwrap_or(300);
        let federation = identity.federation.id();
        let claims = IdTokenClaims {
            iss: &self.issuer,
            sub: self.pairwise_sub(federation, &identity.sub, &code.client_id),
            aud: &code.client_id,
            exp: now + ttl,
            iat: now,
            auth_time: code.auth_time,
            nonce: code.nonce.as_deref(),
            acr: identity.acr.as_deref(),
            amr: &identity.amr,
            // RS256 and ES256 both hash with SHA-256.
            at_hash: at_hash(&ring::digest::SHA256, access_token.secret()),
            given_name: identity.given_name.as_deref(),
            family_name: identity.family_name.as_deref(),
            email: identity.email.as_deref(),
            idp: federation,
        };
        self.keys
            .sign(alg, &claims)
            .map_err(|e| OAuthError::new(OAuthErrorCode::ServerError, e.to_string()))
    }

    /// Reads an `id_token_hint` this provider issued (RS256 or ES256):
    /// signature checked with the published keys, issuer checked; expiry
    /// ignored (OpenID RP-Initiated Logout §2). Returns the audience: the
    /// client the person logs out of.
    pub fn read_id_token_hint(&self, hint: &str) -> Option<String> {
        let claims = self.keys.verify(hint)?;
        if claims.get("iss")?.as_str()? != self.issuer {
            return None;
        }
        match claims.get("aud")? {
            Value::String(aud) => Some(aud.clone()),
            Value::Array(list) => Some(list.first()?.as_str()?.to_owned()),
            _ => None,
        }
    }
}

/// The ID token's claims, serialized straight into the JWS payload.
#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: String,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    amr: &'a [String],
    at_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    idp: &'a str,
}
