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
    /// The démarche's identifier for the person of `identity`
    /// ([`OpenIdProvider::pairwise_sub`]): the `sub` of its ID token and
    /// userinfo.
    pub fn sub_for(&self, identity: &Identity, client_id: &str) -> String {
        self.pairwise_sub(identity.federation.id(), &identity.sub, client_id)
    }

    /// The person as a démarche sees them (userinfo): normalized claims,
    /// the federation id, and the federation's own claims kept raw; `sub`
    /// from [`OpenIdProvider::sub_for`].
    pub fn user_claims(&self, identity: &Identity, sub: &str) -> Map<String, Value> {
        // `identity.claims` holds no protocol claim (see `Identity::from_claims`).
        let mut claims = identity.claims.clone();
        let fed = identity.federation.id();
        claims.insert("sub".into(), sub.into());
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
        if let Some(organisation) = &identity.organisation {
            // Serializing a plain struct of strings and booleans cannot fail.
            if let Ok(value) = serde_json::to_value(organisation) {
                claims.insert("organisation".into(), value);
            }
        }
        claims
    }

    /// Signs the ID token for a code's exchange with the algorithm the
    /// démarche registered (RS256 by default), `at_hash` set; `sub` from
    /// [`OpenIdProvider::sub_for`].
    pub fn id_token(
        &self,
        code: &CodeRecord,
        access_token: &AccessToken,
        sub: String,
    ) -> Result<String, OAuthError> {
        let identity = &code.identity;
        let alg = self
            .demarches
            .get(&code.client_id)
            .map_or(IdTokenAlg::default(), |c| c.id_token_alg);
        let now = self.clock.now();
        let ttl = i64::try_from(self.token_ttl.as_secs()).unwrap_or(300);
        let federation = identity.federation.id();
        let claims = IdTokenClaims {
            iss: &self.issuer,
            sub,
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
            sid: Some(code.sid.as_str()).filter(|s| !s.is_empty()),
            organisation: identity.organisation.as_ref(),
        };
        self.keys
            .sign(alg, &claims)
            .map_err(|e| OAuthError::new(OAuthErrorCode::ServerError, e.to_string()))
    }

    /// Reads an `id_token_hint` this provider issued (RS256 or ES256):
    /// signature checked with the published keys, issuer checked. Expiry is
    /// not: RP-Initiated Logout 1.0 §4 asks to accept an expired token that
    /// names the current session, and whether it does is the caller's
    /// check ([`IdTokenHint::names`]).
    pub fn read_id_token_hint(&self, hint: &str) -> Option<IdTokenHint> {
        let claims = self.keys.verify(hint)?;
        if claims.get("iss")?.as_str()? != self.issuer {
            return None;
        }
        let aud = match claims.get("aud")? {
            Value::String(aud) => aud.clone(),
            Value::Array(list) => list.first()?.as_str()?.to_owned(),
            _ => return None,
        };
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(IdTokenHint {
            aud,
            sub: text("sub")?,
            sid: text("sid"),
        })
    }
}

/// What an `id_token_hint` says: the démarche it was given to, the person
/// as that démarche knows them, the login it came from.
#[derive(Debug, Clone)]
pub struct IdTokenHint {
    pub aud: String,
    pub sub: String,
    pub sid: Option<String>,
}

impl IdTokenHint {
    /// The hint was given from `login` (its `sid`) to the person `login`
    /// logged in (their `sub` for the démarche the hint names).
    pub fn names(&self, provider: &OpenIdProvider, login: &crate::domain::LoggedIn) -> bool {
        let identity = &login.identity;
        let sub = provider.sub_for(identity, &self.aud);
        !login.sid.is_empty() && self.sid.as_deref() == Some(login.sid.as_str()) && self.sub == sub
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
    /// The login's id (OpenID Connect Front-Channel Logout §3): an
    /// `id_token_hint` at logout must name the browser's current login.
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    /// The organisation behind the login's SIRET, for scope `organisation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<&'a crate::domain::Organisation>,
}
