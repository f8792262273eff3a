//! `[providers.<id>]`: how the portal reaches each federation.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::configuration::{ConfigIssue, is_loopback_url};
use crate::domain::Federation;

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PkceMode {
    /// S256 when the federation's discovery advertises it.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub enabled: bool,
    /// Issuer identifier; discovery is `{issuer}/.well-known/openid-configuration`.
    pub issuer: Url,
    /// Where discovery lives when it is not under the issuer (Pro Santé Connect).
    pub discovery_url: Option<Url>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub client_secret_file: Option<PathBuf>,
    pub scopes: Vec<String>,
    /// Asked level(s): `acr_values` (FranceConnect, Pro Santé Connect) or the
    /// `claims` parameter (ProConnect). The ID token's `acr` must match.
    pub acr_values: Vec<String>,
    /// Callback path; `{public_url}{redirect_path}` is registered at the federation.
    pub redirect_path: String,
    /// Where the federation sends the browser back after logout.
    pub post_logout_redirect_path: String,
    pub pkce: PkceMode,
    /// Require the userinfo response to be a signed JWT.
    pub userinfo_signed: bool,
    /// Connect + response time limit for every call to the federation.
    pub timeout_ms: u64,
}

impl ProviderSettings {
    /// Defaults: each federation's integration environment. Only ProConnect
    /// has a public test client (registered for
    /// `http://localhost:3000/login-callback`), so only it is enabled.
    pub fn default_for(federation: Federation) -> ProviderSettings {
        let url = |s: &str| Url::parse(s).expect("valid default URL");
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        match federation {
            Federation::FranceConnect => ProviderSettings {
                enabled: false,
                issuer: url("https://fcp-low.sbx.dev-franceconnect.fr/api/v2"),
                discovery_url: None,
                client_id: None,
                client_secret: None,
                client_secret_file: None,
                scopes: strings(&[
                    "openid",
                    "given_name",
                    "family_name",
                    "preferred_username",
                    "birthdate",
                    "email",
                ]),
                acr_values: strings(&["eidas1"]),
                redirect_path: "/connexion/franceconnect/retour".into(),
                post_logout_redirect_path: "/deconnexion/fin".into(),
                pkce: PkceMode::Auto,
                userinfo_signed: true,
                timeout_ms: 4000,
            },
            Federation::ProConnect => ProviderSettings {
                enabled: true,
                issuer: url("https://fca.integ01.dev-agentconnect.fr/api/v2"),
                discovery_url: None,
                client_id: Some("ef16b50d-ca12-43c4-ac1f-c0a536979457".into()),
                // Public secret of ProConnect's official test client
                // (proconnect-gouv/proconnect-test-client), integration only.
                client_secret: Some(Secret(
                    "47477c05d6c935df0d0772138cc6db59491f138a681a7eb0fe48aa1c2100cfd6".into(),
                )),
                client_secret_file: None,
                scopes: strings(&[
                    "openid",
                    "given_name",
                    "usual_name",
                    "email",
                    "uid",
                    "siret",
                    "idp_id",
                ]),
                acr_values: strings(&["eidas1"]),
                redirect_path: "/login-callback".into(),
                post_logout_redirect_path: "/".into(),
                pkce: PkceMode::Auto,
                userinfo_signed: false,
                timeout_ms: 4000,
            },
            Federation::ProSanteConnect => ProviderSettings {
                enabled: false,
                issuer: url("https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet"),
                discovery_url: Some(url(
                    "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration",
                )),
                client_id: None,
                client_secret: None,
                client_secret_file: None,
                scopes: strings(&["openid", "scope_all"]),
                acr_values: strings(&["eidas1"]),
                redirect_path: "/connexion/prosanteconnect/retour".into(),
                post_logout_redirect_path: "/deconnexion/fin".into(),
                pkce: PkceMode::Auto,
                userinfo_signed: false,
                timeout_ms: 4000,
            },
        }
    }

    pub fn discovery_url(&self) -> Url {
        self.discovery_url.clone().unwrap_or_else(|| {
            let base = self.issuer.as_str().trim_end_matches('/');
            Url::parse(&format!("{base}/.well-known/openid-configuration")).expect("valid URL")
        })
    }

    /// The client secret, from the setting or its file.
    pub fn secret(&self) -> Result<Option<Secret>, String> {
        match (&self.client_secret, &self.client_secret_file) {
            (Some(s), _) => Ok(Some(s.clone())),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map(|s| Some(Secret(s.trim().to_owned())))
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            (None, None) => Ok(None),
        }
    }

    pub fn validate(&self, federation: Federation, issues: &mut Vec<ConfigIssue>) {
        let key = |field: &str| format!("providers.{}.{field}", federation.id());
        let mut push = |field: &str, message: String| {
            issues.push(ConfigIssue {
                key: key(field),
                message,
            })
        };
        for (field, url) in [
            ("issuer", Some(&self.issuer)),
            ("discovery_url", self.discovery_url.as_ref()),
        ] {
            let Some(url) = url else { continue };
            match url.scheme() {
                "https" => {}
                "http" if is_loopback_url(url) => {}
                "http" => push(
                    field,
                    "plain http is only accepted on a loopback address; use https".into(),
                ),
                other => push(field, format!("unsupported scheme `{other}`")),
            }
        }
        for (field, path) in [
            ("redirect_path", &self.redirect_path),
            ("post_logout_redirect_path", &self.post_logout_redirect_path),
        ] {
            if !path.starts_with('/') || path.contains(['?', '#']) {
                push(
                    field,
                    format!("`{path}` must be an absolute path without query or fragment"),
                );
            }
        }
        if self.timeout_ms == 0 || self.timeout_ms > 30_000 {
            push("timeout_ms", "must be between 1 and 30000".into());
        }
        if self.enabled {
            if self.client_id.as_deref().is_none_or(str::is_empty) {
                push(
                    "client_id",
                    "required when the federation is enabled".into(),
                );
            }
            match self.secret() {
                Ok(Some(_)) => {}
                Ok(None) => push(
                    "client_secret",
                    "required when the federation is enabled (or client_secret_file)".into(),
                ),
                Err(e) => push("client_secret_file", e),
            }
            if !self.scopes.iter().any(|s| s == "openid") {
                push("scopes", "must contain `openid`".into());
            }
        }
    }
}

/// `[providers]`: one table per federation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvidersSettings {
    pub franceconnect: ProviderSettings,
    pub proconnect: ProviderSettings,
    pub prosanteconnect: ProviderSettings,
}

impl Default for ProvidersSettings {
    fn default() -> Self {
        ProvidersSettings {
            franceconnect: ProviderSettings::default_for(Federation::FranceConnect),
            proconnect: ProviderSettings::default_for(Federation::ProConnect),
            prosanteconnect: ProviderSettings::default_for(Federation::ProSanteConnect),
        }
    }
}

impl ProvidersSettings {
    pub fn get(&self, federation: Federation) -> &ProviderSettings {
        match federation {
            Federation::FranceConnect => &self.franceconnect,
            Federation::ProConnect => &self.proconnect,
            Federation::ProSanteConnect => &self.prosanteconnect,
        }
    }

    pub fn get_mut(&mut self, federation: Federation) -> &mut ProviderSettings {
        match federation {
            Federation::FranceConnect => &mut self.franceconnect,
            Federation::ProConnect => &mut self.proconnect,
            Federation::ProSanteConnect => &mut self.prosanteconnect,
        }
    }

    pub fn validate(&self, issues: &mut Vec<ConfigIssue>) {
        for f in Federation::ALL {
            self.get(f).validate(f, issues);
        }
        // Distinct callback paths: a response can only be for the federation
        // whose path it arrives on (mix-up defence, RFC 9700 §4.4).
        for (i, a) in Federation::ALL.iter().enumerate() {
            for b in &Federation::ALL[i + 1..] {
                if self.get(*a).redirect_path == self.get(*b).redirect_path {
                    issues.push(ConfigIssue {
                        key: format!("providers.{}.redirect_path", b.id()),
                        message: format!("same path as providers.{}.redirect_path", a.id()),
                    });
                }
            }
        }
    }
}
