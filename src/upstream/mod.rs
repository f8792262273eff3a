//! The portal as a relying party toward the federations (OpenID Connect
//! code flow with the `openidconnect` crate): one [`FederationClient`] per
//! enabled federation, all of them in [`Federations`].

mod back_channel;
mod callback;
mod discovery;
pub mod encryption;
mod login;
mod oidc_client;
pub mod settings;
mod signatures;
pub mod status;
#[cfg(test)]
mod test_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use url::Url;

use crate::domain::Federation;
pub use crate::domain::acr_satisfies;
use back_channel::BackChannel;
pub use back_channel::BodyLimits;
pub use discovery::Discovered;
pub use encryption::{DecryptionKeys, EncryptionKeyError};
pub use login::{
    AuthorizationStart, CallbackParams, FederationToken, LoginHints, LoginTransaction,
    UpstreamLogin,
};
pub use settings::{
    FederationConfig, FederationSettings, FederationsSettings, PkceMode, ProbeSettings,
};
pub use status::{Availability, FederationStatus};

use crate::common::Secret;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Network failure, timeout, bad discovery: the federation cannot be used now.
    #[error("federation unreachable: {0}")]
    Unreachable(String),
    /// The federation answered the callback with an OAuth error.
    #[error("federation returned error `{error}`")]
    Refused {
        error: String,
        description: Option<String>,
    },
    /// A security check failed: nothing from this response may be used.
    #[error("rejected response: {0}")]
    Rejected(String),
}

/// The relying party toward one federation: settings resolved, discovery cached.
pub struct FederationClient {
    pub federation: Federation,
    pub settings: FederationSettings,
    pub client_id: String,
    pub(crate) client_secret: Secret,
    pub redirect_url: Url,
    pub post_logout_redirect_url: Url,
    http: BackChannel,
    cache: std::sync::RwLock<Option<Arc<Discovered>>>,
    /// Bumped at each change of `cache`, so that what is derived from
    /// discovery (the CSP's `form-action`) is recomputed only then.
    cache_generation: std::sync::atomic::AtomicU64,
    /// When an unknown key last forced a JWKS refresh.
    last_key_refresh: std::sync::Mutex<Option<std::time::Instant>>,
    /// When the federation last answered a request (system ms, 0: never).
    last_answer_ms: std::sync::atomic::AtomicI64,
    /// The portal's keys to open what the federation encrypts (set when
    /// `encrypted_tokens`).
    decryption: Option<DecryptionKeys>,
    /// What the last background probe found ([`status`]).
    status: std::sync::RwLock<FederationStatus>,
}

/// Every federation the portal can log in with (the enabled ones).
#[derive(Default)]
pub struct Federations {
    federation_clients: BTreeMap<Federation, Arc<FederationClient>>,
}

impl Federations {
    /// One client per enabled federation; the decryption keys of those that
    /// encrypt are read (or generated into `data_dir`).
    pub fn new(
        configs: &[FederationConfig],
        public_url: &Url,
        data_dir: &std::path::Path,
    ) -> Result<Federations, EncryptionKeyError> {
        let mut federation_clients = BTreeMap::new();
        for config in configs {
            let s = &config.settings;
            let decryption = if s.encrypted_tokens {
                Some(DecryptionKeys::load(config.federation, s, data_dir)?)
            } else {
                None
            };
            let timeout = std::time::Duration::from_millis(s.timeout_ms);
            let http = BackChannel::new(timeout, BodyLimits::DEFAULT.token);
            let join = |path: &str| public_url.join(path).expect("valid path");
            federation_clients.insert(
                config.federation,
                Arc::new(FederationClient {
                    federation: config.federation,
                    redirect_url: join(&s.redirect_path),
                    post_logout_redirect_url: join(&s.post_logout_redirect_path),
                    settings: s.clone(),
                    client_id: config.client_id.clone(),
                    client_secret: config.client_secret.clone(),
                    http,
                    cache: std::sync::RwLock::new(None),
                    cache_generation: std::sync::atomic::AtomicU64::new(0),
                    last_key_refresh: std::sync::Mutex::new(None),
                    last_answer_ms: std::sync::atomic::AtomicI64::new(0),
                    decryption,
                    status: std::sync::RwLock::new(FederationStatus::default()),
                }),
            );
        }
        Ok(Federations { federation_clients })
    }

    /// The portal's public encryption keys, for every federation that
    /// encrypts (`/federations/jwks`, the `jwks_uri` registered there).
    pub fn encryption_jwks(&self) -> serde_json::Value {
        let keys: Vec<&serde_json::Map<String, serde_json::Value>> = self
            .federation_clients
            .values()
            .filter_map(|c| c.decryption.as_ref())
            .flat_map(|d| d.public_jwks())
            .collect();
        serde_json::json!({ "keys": keys })
    }

    /// The federation's client, if it is enabled and configured here.
    pub fn get(&self, federation: Federation) -> Option<&Arc<FederationClient>> {
        self.federation_clients.get(&federation)
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<FederationClient>> {
        self.federation_clients.values()
    }

    /// Fetches every discovery document in the background, so the first
    /// login is fast and the CSP knows the authorization endpoints. Never
    /// blocks start-up; failures are retried when someone logs in.
    pub fn warm_up(&self) {
        for federation_client in self.federation_clients.values() {
            let federation_client = federation_client.clone();
            tokio::spawn(async move {
                if let Err(e) = federation_client.discovered().await {
                    tracing::warn!(
                        federation = %federation_client.federation,
                        error = %crate::common::Untrusted(&e),
                        "discovery failed; will retry on use"
                    );
                }
            });
        }
    }

    /// Changes whenever a federation's discovery is loaded or forgotten
    /// (each client's counter only grows, so their sum only grows).
    pub fn discovery_generation(&self) -> u64 {
        self.federation_clients
            .values()
            .map(|c| {
                c.cache_generation
                    .load(std::sync::atomic::Ordering::Acquire)
            })
            .sum()
    }

    /// Origins a login form may be redirected to (CSP `form-action`).
    pub fn form_action_origins(&self) -> Vec<String> {
        let mut origins = Vec::new();
        for p in self.federation_clients.values() {
            origins.push(p.settings.issuer.origin().ascii_serialization());
            if let Some(d) = p.cached() {
                origins.push(d.authorization_endpoint.origin().ascii_serialization());
            }
        }
        origins.sort();
        origins.dedup();
        origins
    }
}
