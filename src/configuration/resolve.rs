//! [`Settings`] parsed once into what the portal runs with.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use actix_web::http::header::HeaderName;
use ipnet::IpNet;
use url::Url;

use super::rate_limit::RateLimitConfig;
use super::{LogSettings, MetricsSettings, Settings};
use crate::common::{ConfigErrors, ConfigIssue, check_web_url, read_secret, renamed_list};
use crate::directory::DirectoryConfig;
use crate::domain::{Chooser, Federation, Population, PopulationId};
use crate::provider::Demarche;
use crate::provider::settings::ProviderConfig;
use crate::store::StoreSettings;
use crate::upstream::FederationConfig;

/// The configuration the portal runs with: every value parsed and checked.
#[derive(Debug)]
pub struct Config {
    pub server: ServerConfig,
    pub locales_dir: PathBuf,
    pub chooser: Chooser,
    /// The enabled federations, with their client credentials.
    pub federations: Vec<FederationConfig>,
    /// Interval of the federations' status probe (`None`: off).
    pub probe_interval: Option<Duration>,
    pub provider: ProviderConfig,
    /// The registered démarches, secrets digested.
    pub demarches: Vec<Demarche>,
    /// The company directory (`None`: off).
    pub directory: Option<DirectoryConfig>,
    /// What the footer and the legal pages say (`[site]`).
    pub site: super::site::SiteConfig,
    /// Where short-lived shared state lives (URL read from its file).
    pub store: StoreSettings,
    /// `None`: rate limiting off.
    pub rate_limit: Option<RateLimitConfig>,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
    /// Old names still in use (`check-config` prints them, `serve` logs them).
    pub deprecations: Vec<String>,
}

#[derive(Debug)]
pub struct ServerConfig {
    pub host: IpAddr,
    pub port: u16,
    pub public_url: Option<Url>,
    /// The session cookie key (64 bytes or more); `None`: random at start.
    pub session_key: Option<Vec<u8>>,
    /// Inactivity timeout, extended by every request.
    pub session_ttl: Duration,
    /// Absolute maximum of a login.
    pub session_max: Duration,
    pub trusted_proxies: Vec<IpNet>,
    pub client_ip_header: HeaderName,
}

impl Config {
    /// Settings that work but are likely a mistake, each with its key:
    /// with a shared (Redis) store there are several instances, which must
    /// share their keys (README "Exploitation").
    pub fn warnings(&self) -> Vec<ConfigIssue> {
        let mut warnings = Vec::new();
        if self.store.url.is_none() {
            return warnings;
        }
        let data_dir = self.provider.data_dir.display();
        if self.server.session_key.is_none() {
            warnings.push(ConfigIssue::new(
                "server.session_key",
                "not set while [store] url is: each instance makes its own random key, so a \
                 session started on one instance is unknown to the others and lost at every \
                 restart; give every instance the same session_key_file",
            ));
        }
        if self.provider.signing_key_file.is_none() {
            warnings.push(ConfigIssue::new(
                "provider.signing_key_file",
                format!(
                    "not set while [store] url is: each instance generates its own key into \
                     {data_dir}/signing-key.pem unless that directory is shared; give every \
                     instance the same signing_key_file (and retired_key_files)"
                ),
            ));
        }
        if self.provider.pairwise_secret.is_none() {
            warnings.push(ConfigIssue::new(
                "provider.pairwise_secret",
                format!(
                    "not set while [store] url is: each instance generates its own secret into \
                     {data_dir}/pairwise-secret unless that directory is shared, and the same \
                     person gets a different sub on each; give every instance the same \
                     pairwise_secret_file"
                ),
            ));
        }
        // The ES256 key matters only to a démarche registered for ES256.
        let es256_used = self
            .demarches
            .iter()
            .any(|d| d.id_token_alg == crate::provider::IdTokenAlg::Es256);
        if self.provider.es256_key_file.is_none() && es256_used {
            warnings.push(ConfigIssue::new(
                "provider.es256_key_file",
                format!(
                    "not set while [store] url is: each instance generates its own ES256 key into \
                     {data_dir}/es256-key.pem unless that directory is shared, and a démarche \
                     registered for ES256 cannot check tokens signed by another instance; give \
                     every instance the same es256_key_file"
                ),
            ));
        }
        for federation in self
            .federations
            .iter()
            .filter(|f| f.settings.encrypted_tokens && f.settings.encryption_key_file.is_none())
        {
            warnings.push(ConfigIssue::new(
                format!(
                    "federations.{}.encryption_key_file",
                    federation.federation.id()
                ),
                "not set while [store] url is: each instance generates its own decryption key, \
                 and the federation encrypts for one of them only; give every instance the \
                 same encryption_key_file",
            ));
        }
        if self.rate_limit.is_some() && self.server.trusted_proxies.is_empty() {
            warnings.push(ConfigIssue::new(
                "server.trusted_proxies",
                "empty while [store] url is: behind a load balancer, rate limiting counts every \
                 person under the balancer's address; list the balancer's addresses",
            ));
        }
        warnings
    }
}

impl ServerConfig {
    /// The public URL, knowing the port actually bound.
    pub fn public_url(&self, bound_port: u16) -> Url {
        match &self.public_url {
            Some(url) => url.clone(),
            None => {
                let host = match self.host {
                    ip if ip.is_loopback() || ip.is_unspecified() => "localhost".to_owned(),
                    IpAddr::V6(v6) => format!("[{v6}]"),
                    IpAddr::V4(v4) => v4.to_string(),
                };
                Url::parse(&format!("http://{host}:{bound_port}/")).expect("valid URL")
            }
        }
    }
}

impl Settings {
    /// Parses everything once; every problem at once, each with its key.
    pub fn resolve(&self) -> Result<Config, ConfigErrors> {
        let mut issues = Vec::new();
        let mut notes = self.deprecations.clone();
        let server = self.server_config(&mut issues);
        let chooser = self.chooser(&mut notes, &mut issues);
        let federations = self.federations.resolve(&mut issues);
        let probe_interval = self.federation_probe.resolve(&mut issues);
        let provider = self.provider.resolve(&mut issues);
        let demarches = self.resolve_demarches(chooser.as_ref(), &mut notes, &mut issues);
        let directory = self.directory.resolve(&mut issues);
        let site = self.site.resolve(server.session_ttl, &mut issues);
        let store = self.store.resolve(&mut issues);
        let rate_limit = self.rate_limit.resolve(&mut issues);
        if self.metrics.listen == Some((self.server.host, self.server.port).into()) {
            issues.push(ConfigIssue::new(
                "metrics.listen",
                "must differ from the portal's own address (unset it to serve /metrics there)",
            ));
        }
        match chooser {
            Some(chooser) if issues.is_empty() => Ok(Config {
                server,
                locales_dir: self.i18n.locales_dir.clone(),
                chooser,
                federations,
                probe_interval,
                provider,
                demarches,
                directory,
                site,
                store,
                rate_limit,
                log: self.log.clone(),
                metrics: self.metrics.clone(),
                deprecations: notes,
            }),
            _ => Err(ConfigErrors(issues)),
        }
    }

    fn server_config(&self, issues: &mut Vec<ConfigIssue>) -> ServerConfig {
        let s = &self.server;
        if let Some(url) = &s.public_url
            && let Err(message) = check_web_url(url)
        {
            issues.push(ConfigIssue::new("server.public_url", message));
        }
        if s.session_ttl_minutes == 0 {
            issues.push(ConfigIssue::new(
                "server.session_ttl_minutes",
                "must be at least 1",
            ));
        }
        if !(1..=24 * 30).contains(&s.session_max_hours) {
            issues.push(ConfigIssue::new(
                "server.session_max_hours",
                "between 1 and 720",
            ));
        }
        let client_ip_header = HeaderName::from_bytes(s.client_ip_header.as_bytes())
            .unwrap_or_else(|_| {
                issues.push(ConfigIssue::new(
                    "server.client_ip_header",
                    "not a valid HTTP header name",
                ));
                HeaderName::from_static("x-forwarded-for")
            });
        let session_key = match read_secret(
            "server.session_key",
            s.session_key.as_ref(),
            s.session_key_file.as_ref(),
        ) {
            Ok(text) => text.and_then(|t| match decode_session_key(t.expose()) {
                Ok(bytes) => Some(bytes),
                Err(message) => {
                    let key = if s.session_key.is_some() {
                        "server.session_key"
                    } else {
                        "server.session_key_file"
                    };
                    issues.push(ConfigIssue::new(key, message));
                    None
                }
            }),
            Err(issue) => {
                issues.push(issue);
                None
            }
        };
        ServerConfig {
            host: s.host,
            port: s.port,
            public_url: s.public_url.clone(),
            session_key,
            session_ttl: Duration::from_secs(u64::from(s.session_ttl_minutes) * 60),
            session_max: Duration::from_secs(u64::from(s.session_max_hours) * 3600),
            trusted_proxies: s.trusted_proxies.clone(),
            client_ip_header,
        }
    }

    /// The chooser rules: the seed table amended by `[[populations]]`
    /// (same id: replaced field by field; new id: added; `enabled = false`:
    /// removed), or replaced entirely with `chooser.replace_defaults = true`.
    fn chooser(&self, notes: &mut Vec<String>, issues: &mut Vec<ConfigIssue>) -> Option<Chooser> {
        let before = issues.len();
        let mut populations: Vec<Population> = if self.chooser.replace_defaults {
            Vec::new()
        } else {
            Chooser::seed().populations().to_vec()
        };
        for (i, entry) in self.populations.iter().enumerate() {
            let key = format!("populations[{i}]");
            let id = match PopulationId::parse(&entry.id) {
                Ok(id) => id,
                Err(e) => {
                    issues.push(ConfigIssue::new(format!("{key}.id"), e.to_string()));
                    continue;
                }
            };
            let list = renamed_list(
                ("federations", entry.federations.as_ref()),
                ("providers", entry.providers.as_ref()),
                &key,
                notes,
                issues,
            );
            let federations = list
                .map(|(field, names)| federation_list(&format!("{key}.{field}"), names, issues));
            let existing = populations.iter().position(|p| p.id == id);
            match (existing, entry.enabled, federations) {
                (Some(pos), false, _) => {
                    populations.remove(pos);
                }
                (None, false, _) => {}
                (Some(pos), true, feds) => {
                    let p = &mut populations[pos];
                    if let Some(feds) = feds {
                        p.federations = feds;
                    }
                    if let Some(order) = entry.order {
                        p.order = order;
                    }
                }
                (None, true, Some(feds)) => populations.push(Population {
                    id,
                    federations: feds,
                    order: entry.order.unwrap_or(1000 + i as i32),
                }),
                (None, true, None) => issues.push(ConfigIssue::new(
                    format!("{key}.federations"),
                    format!("new population `{id}` needs a list of federations"),
                )),
            }
        }
        if issues.len() > before {
            return None;
        }
        Chooser::new(populations)
            .map_err(|e| issues.push(ConfigIssue::new("populations", e.to_string())))
            .ok()
    }

    /// The démarches, typed; checked against the chooser (something must
    /// be left for each to offer).
    fn resolve_demarches(
        &self,
        chooser: Option<&Chooser>,
        notes: &mut Vec<String>,
        issues: &mut Vec<ConfigIssue>,
    ) -> Vec<Demarche> {
        let mut seen = HashSet::new();
        let mut demarches = Vec::new();
        for (i, settings) in self.demarches.iter().enumerate() {
            if !seen.insert(settings.client_id.as_str()) {
                issues.push(ConfigIssue::new(
                    format!("demarches[{i}].client_id"),
                    format!("`{}` is registered twice", settings.client_id),
                ));
            }
            if let Some(demarche) = settings.resolve(i, chooser, notes, issues) {
                demarches.push(demarche);
            }
        }
        demarches
    }
}

/// Federation ids of a list setting, each known and listed once.
pub(crate) fn federation_list(
    key: &str,
    names: &[String],
    issues: &mut Vec<ConfigIssue>,
) -> Vec<Federation> {
    if names.is_empty() {
        issues.push(ConfigIssue::new(key, "at least one federation is needed"));
    }
    let mut feds = Vec::new();
    for (j, name) in names.iter().enumerate() {
        match name.parse::<Federation>() {
            Ok(f) if feds.contains(&f) => issues.push(ConfigIssue::new(
                format!("{key}[{j}]"),
                format!("federation `{f}` is listed twice"),
            )),
            Ok(f) => feds.push(f),
            Err(e) => issues.push(ConfigIssue::new(format!("{key}[{j}]"), e.to_string())),
        }
    }
    feds
}

/// Base64 of 64 bytes or more. Line breaks are ignored: `openssl rand
/// -base64 64` writes its output on two lines.
fn decode_session_key(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let compact: String = text.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| "not valid base64".to_owned())?;
    if bytes.len() < 64 {
        return Err(format!(
            "{} bytes; at least 64 are needed (openssl rand -base64 64)",
            bytes.len()
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_key_written_by_openssl_on_two_lines_is_accepted() {
        let two_lines = "phMdLzvar79+kFnKiZ4lrT3qQ1FV8UZQbTtJdDAhUIbM1YTJr9eLIpNJql83F1ti\nvqTpr/QJhOjlLqB9az1IVQ==\n";
        let key = decode_session_key(two_lines).expect("accepted");
        assert!(key.len() >= 64);
        assert!(
            decode_session_key("c2hvcnQ=")
                .unwrap_err()
                .contains("at least 64")
        );
        assert_eq!(decode_session_key("***").unwrap_err(), "not valid base64");
    }
}
