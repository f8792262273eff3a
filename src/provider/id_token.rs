//! The ID token the provider signs for a démarche, the claims it gives at
//! userinfo, and the `id_token_hint` it reads back at logout.

use chrono::{DateTime, Utc};
use openidconnect::core::{CoreGenderClaim, CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, AuthenticationContextClass,
    AuthenticationMethodReference, EndUserEmail, EndUserFamilyName, EndUserGivenName, IdToken,
    IdTokenClaims, IssuerUrl, Nonce, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::token::CodeRecord;
use super::{OAuthError, OAuthErrorCode, OpenIdProvider};
use crate::domain::Identity;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortalClaims {
    /// The federation the person logged in with.
    pub idp: String,
}
impl AdditionalClaims for PortalClaims {}

pub type PortalIdToken = IdToken<
    PortalClaims,
    CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

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

    /// Signs the ID token for a code's exchange (RS256, `at_hash` set).
    pub fn id_token(
        &self,
        code: &CodeRecord,
        access_token: &AccessToken,
    ) -> Result<String, OAuthError> {
        let identity = &code.identity;
        let now = Utc::now();
        let ttl =
            chrono::Duration::from_std(self.token_ttl).unwrap_or(chrono::Duration::minutes(5));
        let sub = self.pairwise_sub(identity.federation.id(), &identity.sub, &code.client_id);
        let mut standard = StandardClaims::new(SubjectIdentifier::new(sub));
        if let Some(g) = &identity.given_name {
            standard = standard.set_given_name(Some(EndUserGivenName::new(g.clone()).into()));
        }
        if let Some(f) = &identity.family_name {
            standard = standard.set_family_name(Some(EndUserFamilyName::new(f.clone()).into()));
        }
        if let Some(e) = &identity.email {
            standard = standard.set_email(Some(EndUserEmail::new(e.clone())));
        }
        let issuer = IssuerUrl::new(self.issuer.clone())
            .map_err(|e| OAuthError::new(OAuthErrorCode::ServerError, e.to_string()))?;
        let claims = IdTokenClaims::new(
            issuer,
            vec![Audience::new(code.client_id.clone())],
            now + ttl,
            now,
            standard,
            PortalClaims {
                idp: identity.federation.id().to_owned(),
            },
        )
        .set_nonce(code.nonce.clone().map(Nonce::new))
        .set_auth_time(DateTime::from_timestamp(code.auth_time, 0))
        .set_auth_context_ref(identity.acr.clone().map(AuthenticationContextClass::new))
        .set_auth_method_refs(if identity.amr.is_empty() {
            None
        } else {
            Some(
                identity
                    .amr
                    .iter()
                    .cloned()
                    .map(AuthenticationMethodReference::new)
                    .collect(),
            )
        });
        let token = PortalIdToken::new(
            claims,
            self.keys.active(),
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Some(access_token),
            None,
        )
        .map_err(|e| OAuthError::new(OAuthErrorCode::ServerError, e.to_string()))?;
        Ok(token.to_string())
    }

    /// Reads an `id_token_hint` this provider issued: signature checked
    /// with the published keys; expiry ignored (OpenID RP-Initiated Logout
    /// §2). Returns the audience: the client the person logs out of.
    pub fn read_id_token_hint(&self, hint: &str) -> Option<String> {
        let token: PortalIdToken = hint.parse().ok()?;
        let keys: Vec<CoreJsonWebKey> = self.keys.verification_keys().to_vec();
        let issuer = IssuerUrl::new(self.issuer.clone()).ok()?;
        let verifier = openidconnect::IdTokenVerifier::<CoreJsonWebKey>::new_public_client(
            openidconnect::ClientId::new(String::new()),
            issuer,
            openidconnect::JsonWebKeySet::new(keys),
        )
        .require_audience_match(false)
        .require_issuer_match(true)
        .set_time_fn(|| DateTime::from_timestamp(0, 0).expect("epoch"))
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
        let claims = token.claims(&verifier, |_: Option<&Nonce>| Ok(())).ok()?;
        Some(claims.audiences().first()?.to_string())
    }
}
