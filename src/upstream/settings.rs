//! `[federations.<id>]` (formerly `[providers.<id>]`): how the portal
//! reaches each federation.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::{ConfigIssue, Secret, check_web_url, read_secret};
use crate::domain::Federation;

/// Where OpenID Connect Discovery puts the document, under the issuer.
pub const STANDARD_DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

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
pub struct FederationSettings {
    pub enabled: bool,
    /// Issuer identifier; discovery is `{issuer}{discovery_path}`.
    pub issuer: Url,
    /// Where the discovery document is, under the issuer:
    /// `/.well-known/openid-configuration`, or Pro Santé Connect's
    /// `/.well-known/wallet-openid-configuration`. A path, so that
    /// overriding `issuer` (production, a local Keycloak) moves it along.
    pub discovery_path: String,
    /// The discovery document's full URL, when it is not under the issuer
    /// at all (wins over `discovery_path`).
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
    /// The federation signs then encrypts its ID tokens and userinfo for
    /// the portal (JWE, FranceConnect+): anything not encrypted is refused.
    #[serde(default)]
    pub encrypted_tokens: bool,
    /// The portal's decryption key for this federation (RSA, or EC P-256,
    /// PEM). Absent: generated on first start into
    /// `{oidc.data_dir}/{federation}-encryption-key.pem`, then reused.
    #[serde(default)]
    pub encryption_key_file: Option<PathBuf>,
    /// Former decryption keys: still published and used to decrypt while
    /// the federation may encrypt with them (rotation).
    #[serde(default)]
    pub retired_encryption_key_files: Vec<PathBuf>,
    /// Key management algorithm published with the keys (`alg`): RSA keys
    /// `RSA-OAEP` (default) or `RSA-OAEP-256`; EC keys `ECDH-ES`.
    #[serde(default)]
    pub encryption_alg: Option<String>,
    /// Hosts besides the issuer's origin that its discovery document may
    /// name as endpoints (https only). Any other endpoint is refused: a
    /// document naming a token endpoint elsewhere would send the client
    /// secret and the codes there.
    #[serde(default)]
    pub endpoint_hosts: Vec<String>,
}

impl FederationSettings {
    /// Defaults: each federation's integration environment. Only ProConnect
    /// has a public test client (registered for
    /// `http://localhost:3000/login-callback`), so only it is enabled.
    pub fn default_for(federation: Federation) -> FederationSettings {
        let url = |s: &str| Url::parse(s).expect("valid default URL");
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        match federation {
            Federation::FranceConnect => FederationSettings {
                enabled: false,
                issuer: url("https://fcp-low.sbx.dev-franceconnect.fr/api/v2"),
                discovery_path: STANDARD_DISCOVERY_PATH.into(),
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
                ..FederationSettings::unencrypted()
            },
            // FranceConnect's settings, at the higher levels, encrypted.
            Federation::FranceConnectPlus => FederationSettings {
                issuer: url("https://auth.integ01.dev-franceconnect.fr/api/v2"),
                acr_values: strings(&["eidas2"]),
                redirect_path: "/connexion/franceconnect-plus/retour".into(),
                encrypted_tokens: true,
                ..FederationSettings::default_for(Federation::FranceConnect)
            },
            Federation::ProConnect => FederationSettings {
                enabled: true,
                issuer: url("https://fca.integ01.dev-agentconnect.fr/api/v2"),
                discovery_path: STANDARD_DISCOVERY_PATH.into(),
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
                ..FederationSettings::unencrypted()
            },
            Federation::ProSanteConnect => FederationSettings {
                enabled: false,
                issuer: url("https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet"),
                // Pro Santé Connect's own name for its discovery document.
                discovery_path: "/.well-known/wallet-openid-configuration".into(),
                discovery_url: None,
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
                // Its login page is on its wallet's host (sandbox, production).
                endpoint_hosts: strings(&[
                    "wallet.bas.psc.esante.gouv.fr",
                    "wallet.esw.esante.gouv.fr",
                ]),
                ..FederationSettings::unencrypted()
            },
        }
    }

    /// The encryption fields of a federation that does not encrypt.
    fn unencrypted() -> FederationSettings {
        FederationSettings {
            enabled: false,
            issuer: Url::parse("https://invalid.example/").expect("valid URL"),
            discovery_path: String::new(),
            discovery_url: None,
            client_id: None,
            client_secret: None,
            client_secret_file: None,
            scopes: Vec::new(),
            acr_values: Vec::new(),
            redirect_path: String::new(),
            post_logout_redirect_path: String::new(),
            pkce: PkceMode::Auto,
            userinfo_signed: false,
            timeout_ms: 4000,
            encrypted_tokens: false,
            encryption_key_file: None,
            retired_encryption_key_files: Vec::new(),
            encryption_alg: None,
            endpoint_hosts: Vec::new(),
        }
    }

    /// `discovery_url`, else `{issuer}{discovery_path}`.
    pub fn discovery_url(&self) -> Url {
        self.discovery_url.clone().unwrap_or_else(|| {
            let base = self.issuer.as_str().trim_end_matches('/');
            Url::parse(&format!("{base}{}", self.discovery_path)).expect("checked path")
        })
    }

    /// Checks the settings; for an enabled federation, its client
    /// credentials resolved (`None` when disabled or invalid).
    fn resolve(
        &self,
        federation: Federation,
        issues: &mut Vec<ConfigIssue>,
    ) -> Option<FederationConfig> {
        let before = issues.len();
        self.check_shape(federation, issues);
        if !self.enabled {
            return None;
        }
        self.check_enabled(federation, issues);
        let client_id = self.client_id.clone().filter(|id| !id.is_empty());
        let secret = self.secret(federation, issues);
        match (client_id, secret) {
            (Some(client_id), Some(client_secret)) if issues.len() == before => {
                Some(FederationConfig {
                    federation,
                    settings: self.clone(),
                    client_id,
                    client_secret,
                })
            }
            _ => None,
        }
    }

    /// URLs, paths, timeout and algorithm: checked even when disabled.
    fn check_shape(&self, federation: Federation, issues: &mut Vec<ConfigIssue>) {
        let key = |field: &str| format!("federations.{}.{field}", federation.id());
        let mut push =
            |field: &str, message: String| issues.push(ConfigIssue::new(key(field), message));
        for (field, url) in [
            ("issuer", Some(&self.issuer)),
            ("discovery_url", self.discovery_url.as_ref()),
        ] {
            if let Some(Err(message)) = url.map(check_web_url) {
                push(field, message);
            }
        }
        for (field, path) in [
            ("discovery_path", &self.discovery_path),
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
        for (i, host) in self.endpoint_hosts.iter().enumerate() {
            if url::Host::parse(host).is_err() || host.contains(['/', ':', '@']) {
                push(
                    &format!("endpoint_hosts[{i}]"),
                    format!("`{host}` must be a host name, without scheme, port or path"),
                );
            }
        }
        if let Some(alg) = &self.encryption_alg
            && !super::encryption::KEY_ALGORITHMS.contains(&alg.as_str())
        {
            push(
                "encryption_alg",
                format!(
                    "`{alg}`: use one of {}",
                    super::encryption::KEY_ALGORITHMS.join(", ")
                ),
            );
        }
    }

    /// What an enabled federation needs: key files, client id, `openid`.
    fn check_enabled(&self, federation: Federation, issues: &mut Vec<ConfigIssue>) {
        let key = |field: &str| format!("federations.{}.{field}", federation.id());
        let mut push =
            |field: &str, message: String| issues.push(ConfigIssue::new(key(field), message));
        let key_files = self
            .encryption_key_file
            .iter()
            .map(|p| ("encryption_key_file".to_owned(), p))
            .chain(
                self.retired_encryption_key_files
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("retired_encryption_key_files[{i}]"), p)),
            );
        for (field, path) in key_files {
            if !path.is_file() {
                push(&field, format!("{} is not a readable file", path.display()));
            }
        }
        if self.client_id.as_deref().is_none_or(str::is_empty) {
            push(
                "client_id",
                "required when the federation is enabled".into(),
            );
        }
        if !self.scopes.iter().any(|s| s == "openid") {
            push("scopes", "must contain `openid`".into());
        }
    }

    /// The client secret, inline or from its file.
    fn secret(&self, federation: Federation, issues: &mut Vec<ConfigIssue>) -> Option<Secret> {
        let key = format!("federations.{}.client_secret", federation.id());
        // ProConnect's built-in test secret sits in the defaults: a
        // `client_secret_file` given by the operator replaces it.
        let built_in = FederationSettings::default_for(federation).client_secret;
        let inline = self
            .client_secret
            .as_ref()
            .filter(|s| self.client_secret_file.is_none() || Some(*s) != built_in.as_ref());
        match read_secret(&key, inline, self.client_secret_file.as_ref()) {
            Ok(Some(secret)) => Some(secret),
            Ok(None) => {
                issues.push(ConfigIssue::new(
                    key,
                    "required when the federation is enabled (or client_secret_file)",
                ));
                None
            }
            Err(issue) => {
                issues.push(issue);
                None
            }
        }
    }
}

/// An enabled federation with its client credentials, as the relying party
/// uses it.
#[derive(Debug, Clone)]
pub struct FederationConfig {
    pub federation: Federation,
    pub settings: FederationSettings,
    pub client_id: String,
    pub client_secret: Secret,
}

/// `[federations]`: one table per federation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationsSettings {
    pub franceconnect: FederationSettings,
    /// `[federations.franceconnect-plus]` (`AIGUILLAGE__FEDERATIONS__FRANCECONNECT_PLUS__…`
    /// in the environment, which has no `-`: see `configuration::legacy`).
    #[serde(rename = "franceconnect-plus")]
    pub franceconnect_plus: FederationSettings,
    pub proconnect: FederationSettings,
    pub prosanteconnect: FederationSettings,
}

impl Default for FederationsSettings {
    fn default() -> Self {
        FederationsSettings {
            franceconnect: FederationSettings::default_for(Federation::FranceConnect),
            franceconnect_plus: FederationSettings::default_for(Federation::FranceConnectPlus),
            proconnect: FederationSettings::default_for(Federation::ProConnect),
            prosanteconnect: FederationSettings::default_for(Federation::ProSanteConnect),
        }
    }
}

impl FederationsSettings {
    pub fn get(&self, federation: Federation) -> &FederationSettings {
        match federation {
            Federation::FranceConnect => &self.franceconnect,
            Federation::FranceConnectPlus => &self.franceconnect_plus,
            Federation::ProConnect => &self.proconnect,
            Federation::ProSanteConnect => &self.prosanteconnect,
        }
    }

    pub fn get_mut(&mut self, federation: Federation) -> &mut FederationSettings {
        match federation {
            Federation::FranceConnect => &mut self.franceconnect,
            Federation::FranceConnectPlus => &mut self.franceconnect_plus,
            Federation::ProConnect => &mut self.proconnect,
            Federation::ProSanteConnect => &mut self.prosanteconnect,
        }
    }

    /// The enabled federations; every problem pushed to `issues`.
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> Vec<FederationConfig> {
        let enabled = Federation::ALL
            .into_iter()
            .filter_map(|f| self.get(f).resolve(f, issues))
            .collect();
        // Distinct callback paths: a response can only be for the federation
        // whose path it arrives on (mix-up defence, RFC 9700 §4.4).
        for (i, a) in Federation::ALL.iter().enumerate() {
            for b in &Federation::ALL[i + 1..] {
                if self.get(*a).redirect_path == self.get(*b).redirect_path {
                    issues.push(ConfigIssue::new(
                        format!("federations.{}.redirect_path", b.id()),
                        format!("same path as federations.{}.redirect_path", a.id()),
                    ));
                }
            }
        }
        enabled
    }
}

/// `[federation_probe]`: the background check of each configured
/// federation (see [`super::status`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeSettings {
    /// `false`: no probe; discovery is only fetched once at start and when
    /// someone logs in, and every federation is shown as available.
    pub enabled: bool,
    /// Seconds between two probes of one federation.
    pub interval_seconds: u64,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            enabled: true,
            interval_seconds: 30,
        }
    }
}

impl ProbeSettings {
    /// The probe interval, `None` when probes are off.
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> Option<std::time::Duration> {
        if !(1..=3600).contains(&self.interval_seconds) {
            issues.push(ConfigIssue::new(
                "federation_probe.interval_seconds",
                "must be between 1 and 3600",
            ));
        }
        self.enabled
            .then(|| std::time::Duration::from_secs(self.interval_seconds))
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_discovery_url_follows_an_overridden_issuer() {
        let mut psc = FederationSettings::default_for(Federation::ProSanteConnect);
        assert_eq!(
            psc.discovery_url().as_str(),
            "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration"
        );
        psc.issuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/"
            .parse()
            .unwrap();
        assert_eq!(
            psc.discovery_url().as_str(),
            "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration"
        );
        let mut fc = FederationSettings::default_for(Federation::FranceConnect);
        fc.issuer = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2"
            .parse()
            .unwrap();
        assert_eq!(
            fc.discovery_url().as_str(),
            "https://fcp-low.integ01.dev-franceconnect.fr/api/v2/.well-known/openid-configuration"
        );
        fc.discovery_url = Some("https://ailleurs.example.fr/d.json".parse().unwrap());
        assert_eq!(
            fc.discovery_url().as_str(),
            "https://ailleurs.example.fr/d.json"
        );
    }

    #[test]
    fn a_discovery_path_must_be_a_path() {
        for bad in ["wallet", "/x?y=1", "/x#y"] {
            let mut s = FederationSettings::default_for(Federation::ProSanteConnect);
            s.discovery_path = bad.into();
            let mut issues = Vec::new();
            s.resolve(Federation::ProSanteConnect, &mut issues);
            assert!(
                issues
                    .iter()
                    .any(|i| i.key == "federations.prosanteconnect.discovery_path"),
                "{bad}: {issues:?}"
            );
        }
    }
}
