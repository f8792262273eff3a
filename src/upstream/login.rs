//! Starting a login: the authorization request sent to the federation,
//! and the transaction kept under its `state` until the callback.

use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow};
use openidconnect::{
    AuthenticationContextClass, CsrfToken, LoginHint, Nonce, PkceCodeChallenge, Scope,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::discovery::Discovered;
use super::oidc_client::DiscoveredClient;
use super::{FederationClient, PkceMode, UpstreamError};
use crate::common::random_token;
use crate::domain::{Federation, Identity};

/// What a démarche (or the person) asks of this login.
#[derive(Debug, Clone, Default)]
pub struct LoginHints {
    /// E-mail to prefill (ProConnect).
    pub login_hint: Option<String>,
    /// `prompt=login`: the person must authenticate again.
    pub force_login: bool,
    /// Levels asked instead of the configured ones.
    pub acr_values: Option<Vec<String>>,
    /// A démarche's `max_age`: sent to the federations that take it (Pro
    /// Santé Connect, Keycloak); the others get `prompt=login` instead.
    pub max_age: Option<i64>,
    /// The federation's data scopes a démarche asks (API FranceConnectées),
    /// besides the configured scopes.
    pub data_scopes: Vec<String>,
    /// The organisation to propose (ProConnect's `siret_hint`, 14 digits).
    pub siret_hint: Option<String>,
}

/// What the relying party needs to check the federation's answer (the
/// broker keeps it, with its own part, under the login's `state`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginTransaction {
    pub federation: Federation,
    /// The issuer the request was sent to (mix-up defence).
    pub issuer: String,
    pub nonce: String,
    pub pkce_verifier: Option<String>,
    pub acr_values: Vec<String>,
    /// Unix time the login started (the system's: the federation's
    /// `auth_time` is compared with it).
    #[serde(default)]
    pub started_at: i64,
    /// A fresh authentication was asked (`prompt=login`): the ID token's
    /// `auth_time`, when given, must not predate the start.
    #[serde(default)]
    pub fresh_login: bool,
    /// The data scopes asked besides the configured ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_scopes: Vec<String>,
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
    /// The federation's access token, when data scopes were asked (a key
    /// to the person's data: never logged), its lifetime, and the data
    /// scopes it carries.
    pub federation_token: Option<FederationToken>,
}

/// The federation's access token for the data a démarche asked.
pub struct FederationToken {
    pub access_token: crate::common::Secret,
    /// As the federation said (`expires_in`), when it did.
    pub expires_in: Option<std::time::Duration>,
    /// The data scopes granted: the token response's `scope` when given,
    /// else those asked (RFC 6749 §5.1).
    pub data_scopes: Vec<String>,
}

/// An authorization request being built for a federation.
type CoreAuthorizationRequest<'a> = openidconnect::AuthorizationRequest<
    'a,
    openidconnect::core::CoreAuthDisplay,
    CoreAuthPrompt,
    openidconnect::core::CoreResponseType,
>;

impl FederationClient {
    /// The `openidconnect` client for this discovery, built once when the
    /// discovery is loaded ([`FederationClient::build_client`]).
    pub(super) fn discovered_client<'d>(
        &self,
        d: &'d Discovered,
    ) -> Result<&'d DiscoveredClient, UpstreamError> {
        d.oidc_client
            .as_ref()
            .map_err(|reason| UpstreamError::Unreachable(reason.clone()))
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
    pub async fn start(&self, hints: &LoginHints) -> Result<AuthorizationStart, UpstreamError> {
        let d = self.discovered().await?;
        let oidc_client = self.discovered_client(&d)?;
        // 32 random bytes each: FranceConnect wants a nonce of 22+ characters,
        // ProConnect a state and nonce of 32+.
        let state = random_token(32);
        let nonce = random_token(32);
        let acr_values = hints
            .acr_values
            .clone()
            .unwrap_or_else(|| self.settings.acr_values.clone());
        let (state_c, nonce_c) = (state.clone(), nonce.clone());
        let mut request = oidc_client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state_c),
            move || Nonce::new(nonce_c),
        );
        let scopes = self.settings.scopes.iter().chain(&hints.data_scopes);
        for scope in scopes.filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        request = self.with_level_and_hint(request, &acr_values, hints);
        // FranceConnect+ keeps no single sign-on at its levels: every
        // login there is a new authentication.
        let fresh_login = hints.force_login
            || hints.max_age.is_some()
            || self.federation.always_reauthenticates();
        if fresh_login {
            request = request.add_prompt(CoreAuthPrompt::Login);
        }
        // Only Keycloak (Pro Santé Connect) takes `max_age`; FranceConnect
        // and ProConnect refuse unknown parameters.
        if let Some(max_age) = hints
            .max_age
            .filter(|_| self.federation == Federation::ProSanteConnect)
        {
            request = request.add_extra_param("max_age", max_age.to_string());
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
                started_at: crate::common::clock::system_now(),
                fresh_login,
                data_scopes: hints.data_scopes.clone(),
            },
        })
    }

    /// The level asked (ProConnect through the `claims` parameter, the
    /// others through `acr_values`) and ProConnect's `login_hint`.
    fn with_level_and_hint<'a>(
        &self,
        mut request: CoreAuthorizationRequest<'a>,
        acr_values: &[String],
        hints: &LoginHints,
    ) -> CoreAuthorizationRequest<'a> {
        if !acr_values.is_empty() {
            if self.federation == Federation::ProConnect {
                let claims = serde_json::json!({
                    "id_token": {
                        "acr": { "essential": true, "values": acr_values },
                        "amr": { "essential": true },
                    }
                });
                request = request.add_extra_param("claims", claims.to_string());
            } else {
                for acr in acr_values {
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
        // ProConnect proposes this organisation to the agent (only it
        // takes the parameter; FranceConnect refuses unknown ones).
        if let Some(siret) = hints
            .siret_hint
            .as_ref()
            .filter(|_| self.federation == Federation::ProConnect)
        {
            request = request.add_extra_param("siret_hint", siret.clone());
        }
        request
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use base64::Engine;

    use super::*;
    use crate::upstream::test_support::{CLIENT_ID, ISSUER, client};

    fn query(url: &Url) -> HashMap<String, String> {
        url.query_pairs().into_owned().collect()
    }

    #[tokio::test]
    async fn a_login_asks_a_code_with_pkce_s256_and_a_state_and_nonce_of_its_own() {
        let fc = client(Federation::FranceConnect, true);
        let first = fc.start(&LoginHints::default()).await.unwrap();
        let q = query(&first.url);
        assert!(
            first
                .url
                .as_str()
                .starts_with(&format!("{ISSUER}/authorize?"))
        );
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], CLIENT_ID);
        assert_eq!(q["redirect_uri"], fc.redirect_url.as_str());
        assert_eq!(q["state"], first.state);
        assert_eq!(q["nonce"], first.transaction.nonce);
        assert!(first.state.len() >= 43 && first.transaction.nonce.len() >= 43);
        assert_eq!(q["code_challenge_method"], "S256");
        let verifier = first.transaction.pkce_verifier.as_deref().unwrap();
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()),
        );
        assert_eq!(q["code_challenge"], challenge);
        assert_eq!(first.transaction.issuer, ISSUER);
        let second = fc.start(&LoginHints::default()).await.unwrap();
        assert_ne!(second.state, first.state);
        assert_ne!(second.transaction.nonce, first.transaction.nonce);
    }

    #[tokio::test]
    async fn pkce_is_sent_only_where_the_federation_advertises_it() {
        // FranceConnect refuses unknown parameters: PKCE only when advertised.
        let fc = client(Federation::FranceConnect, false);
        let start = fc.start(&LoginHints::default()).await.unwrap();
        assert!(!query(&start.url).contains_key("code_challenge"));
        assert!(start.transaction.pkce_verifier.is_none());
    }

    #[tokio::test]
    async fn proconnect_gets_the_level_in_claims_and_the_hints_the_others_never_get() {
        let hints = LoginHints {
            login_hint: Some("agent@example.gouv.fr".into()),
            acr_values: Some(vec!["eidas2".into()]),
            siret_hint: Some("13002526500013".into()),
            data_scopes: vec!["dgfip_rfr".into()],
            ..LoginHints::default()
        };
        let pc = client(Federation::ProConnect, true);
        let q = query(&pc.start(&hints).await.unwrap().url);
        let claims: serde_json::Value = serde_json::from_str(&q["claims"]).unwrap();
        assert_eq!(
            claims["id_token"]["acr"],
            serde_json::json!({"essential": true, "values": ["eidas2"]})
        );
        assert!(!q.contains_key("acr_values"));
        assert_eq!(q["login_hint"], "agent@example.gouv.fr");
        assert_eq!(q["siret_hint"], "13002526500013");
        assert!(
            q["scope"].split(' ').any(|s| s == "dgfip_rfr"),
            "{}",
            q["scope"]
        );

        let fc = client(Federation::FranceConnect, true);
        let start = fc.start(&hints).await.unwrap();
        let q = query(&start.url);
        assert_eq!(q["acr_values"], "eidas2");
        for absent in ["claims", "login_hint", "siret_hint", "max_age"] {
            assert!(!q.contains_key(absent), "{absent} sent to FranceConnect");
        }
        assert_eq!(start.transaction.acr_values, vec!["eidas2".to_owned()]);
        assert_eq!(start.transaction.data_scopes, vec!["dgfip_rfr".to_owned()]);
    }

    #[tokio::test]
    async fn a_fresh_login_asks_prompt_login_and_only_pro_sante_connect_takes_max_age() {
        let hints = LoginHints {
            max_age: Some(0),
            ..LoginHints::default()
        };
        for federation in [Federation::FranceConnect, Federation::ProSanteConnect] {
            let start = client(federation, true).start(&hints).await.unwrap();
            let q = query(&start.url);
            assert_eq!(q["prompt"], "login", "{federation}");
            assert!(start.transaction.fresh_login);
            assert_eq!(
                q.get("max_age").map(String::as_str),
                (federation == Federation::ProSanteConnect).then_some("0"),
                "{federation}"
            );
        }
        let plain = client(Federation::FranceConnect, true)
            .start(&LoginHints::default())
            .await
            .unwrap();
        assert!(!query(&plain.url).contains_key("prompt"));
        assert!(!plain.transaction.fresh_login);
    }
}
