//! Configuration of the portal as an OpenID provider toward démarches:
//! `[oidc]` (keys, pairwise secret, lifetimes) and `[[clients]]`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use std::time::Duration;

use super::Demarche;
use super::alg::IdTokenAlg;
use crate::common::{ConfigIssue, Secret, check_web_url, read_secret, renamed_list};
use crate::domain::{Chooser, Federation, PopulationId};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderSettings {
    /// Where generated keys and secrets are kept between restarts.
    pub data_dir: PathBuf,
    /// The signing key (RSA, PKCS#1 or PKCS#8 PEM). Absent: generated on
    /// first start into `data_dir/signing-key.pem`, then reused.
    pub signing_key_file: Option<PathBuf>,
    /// Former signing keys, still published in the JWKS while tokens they
    /// signed may live.
    pub retired_key_files: Vec<PathBuf>,
    /// The ES256 signing key (P-256, PKCS#8 PEM), for démarches that
    /// register `id_token_signed_response_alg = "ES256"`. Absent: generated
    /// on first start into `data_dir/es256-key.pem`, then reused.
    pub es256_key_file: Option<PathBuf>,
    /// Secret of the pairwise `sub` (HMAC). Absent: generated into
    /// `data_dir/pairwise-secret`. Changing it changes every `sub`.
    pub pairwise_secret: Option<Secret>,
    pub pairwise_secret_file: Option<PathBuf>,
    pub code_ttl_seconds: u64,
    pub token_ttl_seconds: u64,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            data_dir: PathBuf::from("data"),
            signing_key_file: None,
            retired_key_files: Vec::new(),
            es256_key_file: None,
            pairwise_secret: None,
            pairwise_secret_file: None,
            code_ttl_seconds: 60,
            token_ttl_seconds: 300,
        }
    }
}

/// The scopes the portal answers itself (the federation gives their
/// claims, or the portal does: `organisation`); any other scope must be
/// one of the démarche's data scopes.
pub const STANDARD_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
    "organisation",
];

/// A démarche registered as a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemarcheSettings {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub client_secret_file: Option<PathBuf>,
    /// Shown to people: "Connexion à {name}".
    pub name: String,
    pub redirect_uris: Vec<Url>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<Url>,
    /// Federations this démarche accepts (default: all).
    #[serde(default)]
    pub federations: Option<Vec<Federation>>,
    /// Former name of `federations` (deprecated, still read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<Federation>>,
    /// Populations it serves (default: all).
    pub populations: Option<Vec<String>>,
    /// A client without secret (single-page or mobile app): PKCE required.
    #[serde(default)]
    pub public: bool,
    /// URL prefixes the discovery-only mode (`/decouverte`) may return to.
    #[serde(default)]
    pub discovery_return_prefixes: Vec<Url>,
    /// The démarche's own page, where a person goes back to when its
    /// request is already answered (Back, a reload). Default: the origin
    /// of its first redirect URI.
    #[serde(default)]
    pub home_url: Option<Url>,
    /// `RS256` (default, what every OpenID library understands) or `ES256`
    /// (smaller tokens, cheaper to sign).
    #[serde(default)]
    pub id_token_signed_response_alg: Option<String>,
    /// The federations' data scopes it may ask, per federation (API
    /// FranceConnectées: `franceconnect = ["dgfip_rfr"]`): passed on to
    /// the federation when its request asks them. None by default.
    #[serde(default)]
    pub data_scopes: std::collections::BTreeMap<Federation, Vec<String>>,
}

/// `[oidc]` parsed: the pairwise secret read when given inline or as a
/// file (`None`: generated into `data_dir` at start), lifetimes typed.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub data_dir: PathBuf,
    pub signing_key_file: Option<PathBuf>,
    pub retired_key_files: Vec<PathBuf>,
    pub es256_key_file: Option<PathBuf>,
    pub pairwise_secret: Option<Secret>,
    pub code_ttl: Duration,
    pub token_ttl: Duration,
}

impl DemarcheSettings {
    /// The démarche as the provider uses it, or its problems in `issues`.
    /// With the chooser, also checks that something is left to offer.
    pub fn resolve(
        &self,
        i: usize,
        chooser: Option<&Chooser>,
        notes: &mut Vec<String>,
        issues: &mut Vec<ConfigIssue>,
    ) -> Option<Demarche> {
        let before = issues.len();
        let key = format!("demarches[{i}]");
        let mut push = |field: &str, message: String| {
            issues.push(ConfigIssue::new(format!("{key}.{field}"), message))
        };
        if self.client_id.trim().is_empty() {
            push("client_id", "must not be empty".into());
        }
        if self.name.trim().is_empty() {
            push("name", "must not be empty".into());
        }
        if self.redirect_uris.is_empty() {
            push("redirect_uris", "at least one redirect URI".into());
        }
        self.check_uris(&mut push);
        let id_token_alg = match self.id_token_signed_response_alg.as_deref() {
            None => IdTokenAlg::default(),
            Some(name) => IdTokenAlg::parse(name).unwrap_or_else(|| {
                push(
                    "id_token_signed_response_alg",
                    format!("`{name}`: RS256 or ES256"),
                );
                IdTokenAlg::default()
            }),
        };
        let populations: Option<Vec<PopulationId>> = self.populations.as_ref().map(|pops| {
            pops.iter()
                .enumerate()
                .filter_map(|(j, p)| match PopulationId::parse(p) {
                    Ok(id) => Some(id),
                    Err(e) => {
                        push(&format!("populations[{j}]"), e.to_string());
                        None
                    }
                })
                .collect()
        });
        let secret = self.secret(&key, issues);
        let federations = renamed_list(
            ("federations", self.federations.as_ref()),
            ("providers", self.providers.as_ref()),
            &key,
            notes,
            issues,
        );
        let federations = federations.map(|(field, list)| (field, list.clone()));
        if let Some(chooser) = chooser {
            self.check_against(
                &key,
                chooser,
                federations.as_ref(),
                populations.as_deref(),
                issues,
            );
        }
        let data_scopes = self.checked_data_scopes(&key, issues);
        if issues.len() > before {
            return None;
        }
        let mut demarche = Demarche::new(
            self,
            secret.as_ref(),
            federations.map(|(_, list)| list),
            populations,
        );
        demarche.id_token_alg = id_token_alg;
        demarche.data_scopes = data_scopes;
        Some(demarche)
    }

    /// `data_scopes`, each a scope name (`A-Z a-z 0-9 _ . : -`, 64 at
    /// most) the portal does not give itself, for a federation the
    /// démarche accepts.
    fn checked_data_scopes(
        &self,
        key: &str,
        issues: &mut Vec<ConfigIssue>,
    ) -> std::collections::BTreeMap<Federation, Vec<String>> {
        let accepted = |f: &Federation| {
            let list = self.federations.as_ref().or(self.providers.as_ref());
            list.is_none_or(|l| l.contains(f))
        };
        for (federation, scopes) in &self.data_scopes {
            let field = format!("{key}.data_scopes.{}", federation.id());
            if !accepted(federation) {
                issues.push(ConfigIssue::new(
                    field.clone(),
                    "a federation this démarche does not accept",
                ));
            }
            for (j, scope) in scopes.iter().enumerate() {
                let well_formed = (1..=64).contains(&scope.len())
                    && scope
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b));
                let problem = if !well_formed {
                    Some(format!("`{scope}` is not a scope name"))
                } else if STANDARD_SCOPES.contains(&scope.as_str()) {
                    Some(format!(
                        "`{scope}` is the portal's own scope, not a federation's data"
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    issues.push(ConfigIssue::new(format!("{field}[{j}]"), message));
                }
            }
        }
        self.data_scopes.clone()
    }

    /// The secret, present exactly when the client is confidential.
    fn secret(&self, key: &str, issues: &mut Vec<ConfigIssue>) -> Option<Secret> {
        let secret = read_secret(
            &format!("{key}.client_secret"),
            self.client_secret.as_ref(),
            self.client_secret_file.as_ref(),
        )
        .map_err(|issue| issues.push(issue))
        .ok()?;
        let problem = match &secret {
            None if !self.public => Some(
                "a confidential client needs client_secret or client_secret_file (or public = true)",
            ),
            Some(_) if self.public => Some("a public client has no secret"),
            Some(s) if s.expose().len() < 16 => Some("at least 16 characters"),
            _ => None,
        };
        if let Some(message) = problem {
            let field = if self.public && secret.is_some() {
                "public"
            } else {
                "client_secret"
            };
            issues.push(ConfigIssue::new(format!("{key}.{field}"), message));
        }
        secret
    }

    fn check_uris(&self, push: &mut impl FnMut(&str, String)) {
        if let Some(Err(message)) = self.home_url.as_ref().map(check_web_url) {
            push("home_url", message);
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
                // Return addresses are matched without any query (see
                // `Demarche::allows_discovery_return`): a prefix with one
                // would admit nothing.
                if field == "discovery_return_prefixes" && uri.query().is_some() {
                    push(&format!("{field}[{j}]"), "must not contain a query".into());
                }
                // Native apps' private-use schemes are allowed (RFC 8252).
                let private_use = uri.scheme().contains('.');
                if let (false, Err(message)) = (private_use, check_web_url(uri)) {
                    push(&format!("{field}[{j}]"), message);
                }
            }
        }
    }

    fn check_against(
        &self,
        key: &str,
        chooser: &Chooser,
        federations: Option<&(&'static str, Vec<Federation>)>,
        populations: Option<&[PopulationId]>,
        issues: &mut Vec<ConfigIssue>,
    ) {
        for (j, p) in self.populations.iter().flatten().enumerate() {
            if chooser.population(p).is_none() {
                issues.push(ConfigIssue::new(
                    format!("{key}.populations[{j}]"),
                    format!("unknown population `{p}`"),
                ));
            }
        }
        let accepted = federations.map(|(_, list)| list.as_slice());
        if chooser.restricted(accepted, populations).is_none() {
            let field = federations.map_or("federations", |(field, _)| field);
            issues.push(ConfigIssue::new(
                format!("{key}.{field}"),
                "no population is left with these federations and populations",
            ));
        }
    }
}

impl ProviderSettings {
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> ProviderConfig {
        let files = self
            .signing_key_file
            .iter()
            .map(|p| ("provider.signing_key_file".to_owned(), p))
            .chain(
                self.retired_key_files
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("provider.retired_key_files[{i}]"), p)),
            )
            .chain(
                self.es256_key_file
                    .iter()
                    .map(|p| ("provider.es256_key_file".to_owned(), p)),
            );
        for (key, path) in files {
            if !path.is_file() {
                issues.push(ConfigIssue::new(
                    key,
                    format!("{} is not a readable file", path.display()),
                ));
            }
        }
        let pairwise_secret = read_secret(
            "provider.pairwise_secret",
            self.pairwise_secret.as_ref(),
            self.pairwise_secret_file.as_ref(),
        )
        .map_err(|issue| issues.push(issue))
        .ok()
        .flatten();
        if pairwise_secret
            .as_ref()
            .is_some_and(|s| s.expose().len() < 32)
        {
            let key = if self.pairwise_secret.is_some() {
                "provider.pairwise_secret"
            } else {
                "provider.pairwise_secret_file"
            };
            issues.push(ConfigIssue::new(key, "at least 32 characters"));
        }
        if !(1..=600).contains(&self.code_ttl_seconds) {
            issues.push(ConfigIssue::new(
                "provider.code_ttl_seconds",
                "between 1 and 600 (RFC 6749: at most 600; 60 is advised)",
            ));
        }
        if !(30..=86_400).contains(&self.token_ttl_seconds) {
            issues.push(ConfigIssue::new(
                "provider.token_ttl_seconds",
                "between 30 and 86400",
            ));
        }
        ProviderConfig {
            data_dir: self.data_dir.clone(),
            signing_key_file: self.signing_key_file.clone(),
            retired_key_files: self.retired_key_files.clone(),
            es256_key_file: self.es256_key_file.clone(),
            pairwise_secret,
            code_ttl: Duration::from_secs(self.code_ttl_seconds),
            token_ttl: Duration::from_secs(self.token_ttl_seconds),
        }
    }
}
