//! Configuration of the portal as an OpenID provider toward démarches:
//! `[oidc]` (keys, pairwise secret, lifetimes) and `[[clients]]`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::configuration::{ConfigIssue, is_loopback_url};
use crate::domain::{Federation, PopulationId};
use crate::upstream::Secret;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcSettings {
    /// Where generated keys and secrets are kept between restarts.
    pub data_dir: PathBuf,
    /// The signing key (RSA, PKCS#1 or PKCS#8 PEM). Absent: generated on
    /// first start into `data_dir/signing-key.pem`, then reused.
    pub signing_key_file: Option<PathBuf>,
    /// Former signing keys, still published in the JWKS while tokens they
    /// signed may live.
    pub retired_key_files: Vec<PathBuf>,
    /// Secret of the pairwise `sub` (HMAC). Absent: generated into
    /// `data_dir/pairwise-secret`. Changing it changes every `sub`.
    pub pairwise_secret: Option<Secret>,
    pub pairwise_secret_file: Option<PathBuf>,
    pub code_ttl_seconds: u64,
    pub token_ttl_seconds: u64,
}

impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            data_dir: PathBuf::from("data"),
            signing_key_file: None,
            retired_key_files: Vec::new(),
            pairwise_secret: None,
            pairwise_secret_file: None,
            code_ttl_seconds: 60,
            token_ttl_seconds: 300,
        }
    }
}

/// A démarche registered as a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub client_secret_file: Option<PathBuf>,
    /// Shown to people: "Connexion à {name}".
    pub name: String,
    pub redirect_uris: Vec<Url>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<Url>,
    /// Federations this démarche accepts (default: all).
    pub providers: Option<Vec<Federation>>,
    /// Populations it serves (default: all).
    pub populations: Option<Vec<String>>,
    /// A client without secret (single-page or mobile app): PKCE required.
    #[serde(default)]
    pub public: bool,
    /// URL prefixes the discovery-only mode (`/decouverte`) may return to.
    #[serde(default)]
    pub discovery_return_prefixes: Vec<Url>,
}

impl ClientSettings {
    pub fn secret(&self) -> Result<Option<String>, String> {
        match (&self.client_secret, &self.client_secret_file) {
            (Some(s), _) => Ok(Some(s.0.clone())),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map(|s| Some(s.trim().to_owned()))
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            (None, None) => Ok(None),
        }
    }

    pub fn validate(&self, i: usize, issues: &mut Vec<ConfigIssue>) {
        let mut push = |field: &str, message: String| {
            issues.push(ConfigIssue {
                key: format!("clients[{i}].{field}"),
                message,
            })
        };
        if self.client_id.trim().is_empty() {
            push("client_id", "must not be empty".into());
        }
        if self.name.trim().is_empty() {
            push("name", "must not be empty".into());
        }
        match self.secret() {
            Err(e) => push("client_secret_file", e),
            Ok(None) if !self.public => push(
                "client_secret",
                "a confidential client needs client_secret or client_secret_file (or public = true)".into(),
            ),
            Ok(Some(_)) if self.public => push("public", "a public client has no secret".into()),
            Ok(Some(s)) if s.len() < 16 => push("client_secret", "at least 16 characters".into()),
            _ => {}
        }
        if self.redirect_uris.is_empty() {
            push("redirect_uris", "at least one redirect URI".into());
        }
        let lists = [
            ("redirect_uris", &self.redirect_uris),
            ("post_logout_redirect_uris", &self.post_logout_redirect_uris),
            ("discovery_return_prefixes", &self.discovery_return_prefixes),
        ];
        for (field, list) in lists {
            for (j, uri) in list.iter().enumerate() {
                if uri.fragment().is_some() {
                    push(
                        &format!("{field}[{j}]"),
                        "must not contain a fragment".into(),
                    );
                }
                match uri.scheme() {
                    "https" => {}
                    "http" if is_loopback_url(uri) => {}
                    "http" => push(
                        &format!("{field}[{j}]"),
                        "plain http only on loopback; use https".into(),
                    ),
                    // Native apps' private-use schemes are allowed (RFC 8252).
                    s if s.contains('.') => {}
                    other => push(
                        &format!("{field}[{j}]"),
                        format!("scheme `{other}` not allowed"),
                    ),
                }
            }
        }
        if let Some(pops) = &self.populations {
            for (j, p) in pops.iter().enumerate() {
                if let Err(e) = PopulationId::parse(p) {
                    push(&format!("populations[{j}]"), e.to_string());
                }
            }
        }
    }
}

impl OidcSettings {
    pub fn validate(&self, issues: &mut Vec<ConfigIssue>) {
        let files = self
            .signing_key_file
            .iter()
            .map(|p| ("oidc.signing_key_file".to_owned(), p))
            .chain(
                self.retired_key_files
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("oidc.retired_key_files[{i}]"), p)),
            )
            .chain(
                self.pairwise_secret_file
                    .iter()
                    .map(|p| ("oidc.pairwise_secret_file".to_owned(), p)),
            );
        for (key, path) in files {
            if !path.is_file() {
                issues.push(ConfigIssue {
                    key,
                    message: format!("{} is not a readable file", path.display()),
                });
            }
        }
        if self
            .pairwise_secret
            .as_ref()
            .is_some_and(|s| s.0.len() < 32)
        {
            issues.push(ConfigIssue {
                key: "oidc.pairwise_secret".into(),
                message: "at least 32 characters".into(),
            });
        }
        if !(1..=600).contains(&self.code_ttl_seconds) {
            issues.push(ConfigIssue {
                key: "oidc.code_ttl_seconds".into(),
                message: "between 1 and 600 (RFC 6749: at most 600; 60 is advised)".into(),
            });
        }
        if !(30..=86_400).contains(&self.token_ttl_seconds) {
            issues.push(ConfigIssue {
                key: "oidc.token_ttl_seconds".into(),
                message: "between 30 and 86400".into(),
            });
        }
    }
}
