//! The portal as a standard OpenID provider ("OP") toward démarches: they
//! send people to `/oidc/authorize` and get back, after the chooser and the
//! federation's login, an ID token about them. This module owns the
//! protocol's rules as functions over the store and the clock, tested
//! without HTTP; `routes::oidc` only extracts, calls and renders. Meets
//! `upstream` only through [`crate::domain::Identity`].

pub mod alg;
pub mod authorize;
pub mod demarches;
mod error;
pub mod id_token;
pub mod jws;
pub mod keys;
pub mod login_end;
pub mod logout;
mod params;
pub mod pkce;
pub mod redirect;
pub mod scopes;
pub mod settings;
pub mod token;
pub mod userinfo;

use std::path::Path;

use base64::Engine;
use url::Url;

use crate::common::clock::Clock;

pub use alg::IdTokenAlg;
pub use demarches::{Demarche, Demarches};
pub use error::{OAuthError, OAuthErrorCode};
pub use keys::{KeyError, SigningKeys};
pub use params::{authorization_credentials, parse_params};
use settings::ProviderConfig;

#[derive(Debug, thiserror::Error)]
pub enum ProviderSetupError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("pairwise secret: {0}")]
    Pairwise(String),
}

/// Everything the OpenID provider side needs at run time.
pub struct OpenIdProvider {
    /// The issuer: the public URL without its trailing slash.
    pub issuer: String,
    pub demarches: Demarches,
    pub keys: SigningKeys,
    /// HMAC-SHA-256 key of the pairwise `sub` (`provider.pairwise_secret`).
    pairwise_key: ring::hmac::Key,
    pub code_ttl: std::time::Duration,
    pub token_ttl: std::time::Duration,
    /// The portal's clock: ID tokens' times and what lives in the store.
    pub clock: Clock,
}

/// The configured pairwise secret, or the one kept in the data dir
/// (generated on first start).
fn pairwise_secret(settings: &ProviderConfig) -> Result<Vec<u8>, ProviderSetupError> {
    if let Some(s) = &settings.pairwise_secret {
        return Ok(s.expose().as_bytes().to_vec());
    }
    let path = settings.data_dir.join("pairwise-secret");
    if !path.exists() {
        generate_secret(&path)?;
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ProviderSetupError::Pairwise(format!("cannot read {}: {e}", path.display()))
    })?;
    let text = text.trim();
    if text.len() < 32 {
        return Err(ProviderSetupError::Pairwise(format!(
            "{}: at least 32 characters",
            path.display()
        )));
    }
    Ok(text.as_bytes().to_vec())
}

fn generate_secret(path: &Path) -> Result<(), ProviderSetupError> {
    tracing::warn!(path = %path.display(), "no pairwise secret: generating one (keep it: démarches know people by the sub it derives)");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ProviderSetupError::Pairwise(e.to_string()))?;
    }
    let secret = crate::common::random_token(48);
    keys::write_private(path, secret.as_bytes())
        .map_err(|e| ProviderSetupError::Pairwise(e.to_string()))?;
    Ok(())
}

impl OpenIdProvider {
    pub fn new(
        settings: &ProviderConfig,
        demarches: Vec<Demarche>,
        public_url: &Url,
        clock: Clock,
    ) -> Result<OpenIdProvider, ProviderSetupError> {
        Ok(OpenIdProvider {
            issuer: public_url.as_str().trim_end_matches('/').to_owned(),
            demarches: Demarches::new(demarches),
            keys: SigningKeys::load(settings)?,
            pairwise_key: ring::hmac::Key::new(
                ring::hmac::HMAC_SHA256,
                &pairwise_secret(settings)?,
            ),
            code_ttl: settings.code_ttl,
            token_ttl: settings.token_ttl,
            clock,
        })
    }

    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// The `sub` a démarche sees: stable for one person and one démarche,
    /// different between démarches (no cross-démarche correlation).
    pub fn pairwise_sub(&self, federation: &str, upstream_sub: &str, client_id: &str) -> String {
        let mut mac = ring::hmac::Context::with_key(&self.pairwise_key);
        // Length-prefixed parts: no two inputs can collide by concatenation.
        for part in [federation, upstream_sub, client_id] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.sign().as_ref())
    }

    /// The portal's own scopes, then every data scope a registered
    /// démarche may ask (sorted, once each).
    fn scopes_supported(&self) -> Vec<String> {
        let data: std::collections::BTreeSet<&String> = self
            .demarches
            .all()
            .flat_map(|d| d.data_scopes.values().flatten())
            .collect();
        ["openid", "profile", "email", "organisation"]
            .into_iter()
            .map(str::to_owned)
            .chain(data.into_iter().cloned())
            .collect()
    }

    /// The discovery document (OpenID Connect Discovery 1.0).
    pub fn discovery(&self) -> serde_json::Value {
        serde_json::json!({
            "issuer": self.issuer,
            "authorization_endpoint": self.endpoint("/oidc/authorize"),
            "token_endpoint": self.endpoint("/oidc/token"),
            "userinfo_endpoint": self.endpoint("/oidc/userinfo"),
            "jwks_uri": self.endpoint("/oidc/jwks"),
            "end_session_endpoint": self.endpoint("/oidc/logout"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", token::TOKEN_EXCHANGE],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": self.scopes_supported(),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr",
                "given_name", "family_name", "email", "idp"],
            "acr_values_supported": ["eidas1", "eidas2", "eidas3"],
            "prompt_values_supported": ["none", "login"],
            "ui_locales_supported": ["fr", "en"],
            "claims_parameter_supported": true,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "authorization_response_iss_parameter_supported": true,
        })
    }
}
