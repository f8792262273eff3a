//! Discovery and JWKS: fetched lazily, cached, refreshed on failure or on
//! an unknown signing key (rotation).

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::CoreJsonWebKeySet;
use url::Url;

use super::back_channel::{BackChannelError, BodyLimits, read_capped};
use super::oidc_client::{DiscoveredClient, Metadata};
use super::{FederationClient, UpstreamError};
use crate::common::jws::VerificationKeys;
use crate::common::{Untrusted, check_web_url};
use crate::metrics::{self, UpstreamEndpoint};

/// What the portal knows of a federation after discovery.
pub struct Discovered {
    pub metadata: Metadata,
    /// The same keys parsed once into `ring`'s form: every signature the
    /// federation makes (ID token, userinfo) is checked with these.
    pub signing_keys: VerificationKeys,
    /// The `openidconnect` client over this discovery (built once: it
    /// holds a copy of the metadata), or why it cannot be used.
    pub(super) oidc_client: Result<DiscoveredClient, String>,
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub end_session_endpoint: Option<Url>,
    pub iss_parameter_supported: bool,
    pub pkce_s256: bool,
    fetched_at: Instant,
}

/// A federation that answered this recently is taken to be up.
const RECENTLY: Duration = Duration::from_secs(5);

/// How long discovery is trusted before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Two JWKS refreshes at least this far apart (an unknown `kid` cannot
/// make the portal hammer the federation).
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(10);

impl FederationClient {
    pub fn cached(&self) -> Option<Arc<Discovered>> {
        self.cache.read().expect("cache lock").clone()
    }

    /// Replaces the cached discovery (and says so to whoever derives
    /// something from it, see [`super::Federations::discovery_generation`]).
    pub(super) fn set_cached(&self, discovered: Option<Arc<Discovered>>) {
        *self.cache.write().expect("cache lock") = discovered;
        self.cache_generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// Cached discovery, fetched when absent or stale.
    pub async fn discovered(&self) -> Result<Arc<Discovered>, UpstreamError> {
        if let Some(d) = self
            .cached()
            .filter(|d| d.fetched_at.elapsed() < METADATA_TTL)
        {
            return Ok(d);
        }
        let fresh = Arc::new(self.fetch().await?);
        self.set_cached(Some(fresh.clone()));
        tracing::info!(federation = %self.federation, issuer = %Untrusted(&fresh.issuer), "discovery loaded");
        Ok(fresh)
    }

    /// Re-fetches the keys once (key rotation); `None` when an unknown key
    /// already caused a refresh moments ago (an attacker's tokens with random
    /// `kid`s cannot make the portal hammer the federation).
    pub async fn refresh_keys(
        &self,
        seen: &Discovered,
    ) -> Result<Option<Arc<Discovered>>, UpstreamError> {
        // Someone else refreshed since `seen` was read: use theirs.
        if let Some(current) = self.cached().filter(|c| !std::ptr::eq(c.as_ref(), seen)) {
            return Ok(Some(current));
        }
        {
            let mut last = self.last_key_refresh.lock().expect("refresh lock");
            if last.is_some_and(|t| t.elapsed() < JWKS_MIN_REFRESH) {
                return Ok(None);
            }
            *last = Some(Instant::now());
        }
        let fresh = Arc::new(self.fetch().await?);
        self.set_cached(Some(fresh.clone()));
        tracing::info!(federation = %self.federation, "signing keys refreshed");
        Ok(Some(fresh))
    }

    /// Forgets discovery, so the next use fetches it again (after a failure).
    pub fn invalidate(&self) {
        self.set_cached(None);
    }

    /// A GET to the federation, timed in the metrics as `endpoint`.
    async fn get_json(
        &self,
        url: &Url,
        endpoint: UpstreamEndpoint,
    ) -> Result<serde_json::Value, UpstreamError> {
        let started = Instant::now();
        let result = self.get_json_untimed(url).await;
        metrics::upstream_call(self.federation, endpoint, started.elapsed(), result.is_ok());
        result
    }

    async fn get_json_untimed(&self, url: &Url) -> Result<serde_json::Value, UpstreamError> {
        let unreachable =
            |e: &dyn std::fmt::Display| UpstreamError::Unreachable(format!("GET {url}: {e}"));
        let res = self
            .http
            .get(url.clone())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| unreachable(&BackChannelError::from(e)))?;
        if !res.status().is_success() {
            return Err(unreachable(&format!("HTTP {}", res.status())));
        }
        let body = read_capped(res, BodyLimits::DEFAULT.metadata)
            .await
            .map_err(|e| unreachable(&e))?;
        self.answered();
        serde_json::from_slice(&body).map_err(|_| unreachable(&"invalid JSON"))
    }

    /// The federation answered now.
    pub(super) fn answered(&self) {
        self.last_answer_ms.store(
            crate::common::clock::system_now_ms(),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// The federation answered a moment ago ([`RECENTLY`]), or answers now
    /// (its discovery document asked again, within its timeout): a person
    /// is not sent to a federation that went down before the background
    /// probe noticed (their browser would show its own "site unreachable").
    pub async fn confirm_up(&self) -> Result<(), UpstreamError> {
        let last = self
            .last_answer_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        let now = crate::common::clock::system_now_ms();
        let recent_ms = i64::try_from(RECENTLY.as_millis()).unwrap_or(i64::MAX);
        if last > 0 && now.saturating_sub(last) < recent_ms {
            return Ok(());
        }
        let url = self.settings.discovery_url();
        if let Err(e) = self.get_json(&url, UpstreamEndpoint::Discovery).await {
            // Its endpoints may have moved: read discovery again next time.
            self.invalidate();
            return Err(e);
        }
        Ok(())
    }

    /// Discovery and keys; the federation's status in the metrics.
    pub(super) async fn fetch(&self) -> Result<Discovered, UpstreamError> {
        let result = self.fetch_untracked().await;
        metrics::discovery_status(self.federation, result.is_ok());
        result
    }

    async fn fetch_untracked(&self) -> Result<Discovered, UpstreamError> {
        let url = self.settings.discovery_url();
        let json = self.get_json(&url, UpstreamEndpoint::Discovery).await?;
        let metadata = self.checked_metadata(&url, json)?;
        // Before any other request: the keys are fetched from `jwks_uri`.
        let jwks_url = metadata.jwks_uri().url().clone();
        let jwks_json = self.get_json(&jwks_url, UpstreamEndpoint::Jwks).await?;
        self.assemble(metadata, jwks_json)
    }

    /// The discovery document read: its issuer the configured one, every
    /// endpoint where the issuer is ([`Self::check_endpoints`]).
    pub(super) fn checked_metadata(
        &self,
        url: &Url,
        json: serde_json::Value,
    ) -> Result<Metadata, UpstreamError> {
        let metadata: Metadata = serde_json::from_value(json)
            .map_err(|e| UpstreamError::Unreachable(format!("discovery {url}: {e}")))?;
        let issuer = metadata.issuer().as_str().to_owned();
        // The configured issuer must be the one the document names (a
        // trailing slash in the configuration is forgiven).
        if issuer.trim_end_matches('/') != self.settings.issuer.as_str().trim_end_matches('/') {
            return Err(UpstreamError::Unreachable(format!(
                "discovery {url} names issuer `{issuer}`, expected `{}`",
                self.settings.issuer
            )));
        }
        self.check_endpoints(url, &metadata)?;
        Ok(metadata)
    }

    /// The discovery with its keys: what a login reads.
    pub(super) fn assemble(
        &self,
        metadata: Metadata,
        jwks_json: serde_json::Value,
    ) -> Result<Discovered, UpstreamError> {
        let jwks_url = metadata.jwks_uri().url().clone();
        let jwks: CoreJsonWebKeySet = serde_json::from_value(jwks_json.clone())
            .map_err(|e| UpstreamError::Unreachable(format!("JWKS {jwks_url}: {e}")))?;
        let signing_keys = VerificationKeys::from_jwks(&jwks_json);
        if signing_keys.is_empty() {
            tracing::warn!(federation = %self.federation, "JWKS holds no signature key the portal can use");
        }
        // `openidconnect`'s client takes its keys from the metadata (the
        // signatures themselves are checked with `signing_keys`).
        let metadata = metadata.set_jwks(jwks);
        let extra = metadata.additional_metadata();
        let issuer = metadata.issuer().as_str().to_owned();
        Ok(Discovered {
            oidc_client: self.build_client(&metadata),
            authorization_endpoint: metadata.authorization_endpoint().url().clone(),
            end_session_endpoint: extra.end_session_endpoint.clone(),
            iss_parameter_supported: extra.authorization_response_iss_parameter_supported
                == Some(true),
            pkce_s256: extra
                .code_challenge_methods_supported
                .as_ref()
                .is_some_and(|m| m.iter().any(|m| m == "S256")),
            issuer,
            signing_keys,
            metadata,
            fetched_at: Instant::now(),
        })
    }
}

impl FederationClient {
    /// Every endpoint the discovery document names is on the issuer's
    /// origin (scheme, host and port), or https on one of the hosts the
    /// operator listed (`endpoint_hosts`). Anything else is refused before
    /// any request goes there: a document (tampered with, or a federation
    /// misconfigured) must not be able to send the client secret, a code
    /// or a person's browser elsewhere.
    fn check_endpoints(&self, url: &Url, metadata: &Metadata) -> Result<(), UpstreamError> {
        let extra = metadata.additional_metadata();
        let endpoints = [
            (
                "authorization_endpoint",
                Some(metadata.authorization_endpoint().url()),
            ),
            ("token_endpoint", metadata.token_endpoint().map(|e| e.url())),
            (
                "userinfo_endpoint",
                metadata.userinfo_endpoint().map(|e| e.url()),
            ),
            ("jwks_uri", Some(metadata.jwks_uri().url())),
            ("end_session_endpoint", extra.end_session_endpoint.as_ref()),
        ];
        let issuer_origin = self.settings.issuer.origin();
        for (name, endpoint) in endpoints {
            let Some(endpoint) = endpoint else { continue };
            let listed = check_web_url(endpoint).is_ok()
                && endpoint
                    .host_str()
                    .is_some_and(|h| self.settings.endpoint_hosts.iter().any(|l| l == h));
            if endpoint.origin() != issuer_origin && !listed {
                tracing::error!(
                    federation = %self.federation,
                    endpoint = name,
                    at = %Untrusted(endpoint.as_str()),
                    "discovery names an endpoint away from the issuer: refused (list its host in endpoint_hosts if it is the federation's)"
                );
                return Err(UpstreamError::Unreachable(format!(
                    "discovery {url}: {name} is not on the issuer's origin nor in endpoint_hosts"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Federation;
    use crate::upstream::test_support::{ISSUER, client, client_with};

    fn document(token_endpoint: &str) -> serde_json::Value {
        json!({
            "issuer": ISSUER,
            "authorization_endpoint": format!("{ISSUER}/authorize"),
            "token_endpoint": token_endpoint,
            "jwks_uri": format!("{ISSUER}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })
    }

    #[test]
    fn an_endpoint_away_from_the_issuer_is_refused_unless_its_host_is_listed() {
        let fc = client(Federation::FranceConnect, true);
        let url = fc.settings.discovery_url();
        assert!(
            fc.checked_metadata(&url, document(&format!("{ISSUER}/token")))
                .is_ok()
        );
        for elsewhere in [
            "https://attacker.example/token",
            // The same host, another port or scheme: another origin.
            "https://federation.example:8443/token",
            "http://federation.example/api/token",
        ] {
            let refused = fc.checked_metadata(&url, document(elsewhere));
            assert!(
                matches!(&refused, Err(UpstreamError::Unreachable(r)) if r.contains("token_endpoint")),
                "{elsewhere}: {refused:?}"
            );
        }
        let listed = client_with(Federation::FranceConnect, true, |s| {
            s.endpoint_hosts = vec!["wallet.example".into()];
        });
        assert!(
            listed
                .checked_metadata(&url, document("https://wallet.example/token"))
                .is_ok()
        );
        // Listed, but not https.
        assert!(
            listed
                .checked_metadata(&url, document("http://wallet.example/token"))
                .is_err()
        );
    }

    #[test]
    fn a_document_naming_another_issuer_is_refused() {
        let fc = client(Federation::FranceConnect, true);
        let mut doc = document(&format!("{ISSUER}/token"));
        doc["issuer"] = json!("https://federation.example/other");
        let refused = fc.checked_metadata(&fc.settings.discovery_url(), doc);
        assert!(
            matches!(&refused, Err(UpstreamError::Unreachable(r)) if r.contains("names issuer")),
            "{refused:?}"
        );
    }
}
