//! Layered configuration: compiled-in defaults, then an optional TOML file
//! (`--config FILE` or `AIGUILLAGE_CONFIG`), then environment variables
//! `AIGUILLAGE__SECTION__KEY` (double underscore between levels).
//!
//! [`Settings`] is what the layers say, as written; [`Settings::resolve`]
//! parses it once into a [`Config`] (secrets read, session key decoded,
//! chooser built, démarches typed) or every problem with its key.

mod legacy;
mod observability;
pub mod rate_limit;
mod resolve;
pub mod site;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::{ConfigErrors, ConfigIssue, Secret};
use crate::directory::DirectorySettings;
use crate::provider::settings::{DemarcheSettings, ProviderSettings};
use crate::store::StoreSettings;
use crate::upstream::{FederationsSettings, ProbeSettings};
pub use observability::{LogFormat, LogSettings, MetricsSettings};
use rate_limit::RateLimitSettings;
pub use resolve::{Config, ServerConfig};

pub const CONFIG_FILE_ENV: &str = "AIGUILLAGE_CONFIG";
pub const ENV_PREFIX: &str = "AIGUILLAGE__";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub server: ServerSettings,
    #[serde(default)]
    pub i18n: I18nSettings,
    #[serde(default)]
    pub chooser: ChooserSettings,
    /// Populations merged with the seed table by id (see [`Settings::resolve`]).
    #[serde(default)]
    pub populations: Vec<PopulationSettings>,
    /// `[federations.<id>]` (formerly `[providers.<id>]`).
    #[serde(default)]
    pub federations: FederationsSettings,
    /// The background check of the federations' status.
    #[serde(default)]
    pub federation_probe: ProbeSettings,
    /// The portal as an OpenID provider toward démarches.
    #[serde(default)]
    pub provider: ProviderSettings,
    /// Démarches allowed to use the portal (`[[clients]]`).
    #[serde(default)]
    pub demarches: Vec<DemarcheSettings>,
    /// The public company directory: the organisation behind a SIRET.
    #[serde(default)]
    pub directory: DirectorySettings,
    /// Publisher, contact and accessibility status (`[site]`).
    #[serde(default)]
    pub site: site::SiteSettings,
    /// Where sessions, logins in progress, codes and tokens live: in
    /// memory (one instance) or Redis (several).
    #[serde(default)]
    pub store: StoreSettings,
    /// Requests per client address on the endpoints that keep something.
    #[serde(default)]
    pub rate_limit: RateLimitSettings,
    /// Log lines' format.
    #[serde(default)]
    pub log: LogSettings,
    /// `GET /metrics`.
    #[serde(default)]
    pub metrics: MetricsSettings,
    /// Deprecation notes from reading the layers (not a setting).
    #[serde(skip)]
    pub deprecations: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: IpAddr,
    pub port: u16,
    /// The URL people and démarches use to reach the portal. Defaults to
    /// `http://localhost:port/` on a loopback address (with the real port
    /// when `port = 0`): the federations' test clients are registered for
    /// `localhost`, and one host name keeps cookies in one jar.
    pub public_url: Option<Url>,
    /// Key (base64, 64 bytes or more) that encrypts the session cookie.
    /// Without it (or `session_key_file`), a random key is made at start:
    /// sessions then do not survive a restart nor span several instances.
    pub session_key: Option<Secret>,
    pub session_key_file: Option<PathBuf>,
    /// Inactivity limit of a session: every request starts it again.
    pub session_ttl_minutes: u32,
    /// Absolute limit of a login, however active: past it, log in again.
    pub session_max_hours: u32,
    /// Addresses (CIDR) of the load balancers or reverse proxies in front of
    /// the portal, whose `client_ip_header` is believed. Default: none (the
    /// TCP peer is the client).
    pub trusted_proxies: Vec<IpNet>,
    /// The header those proxies put the client's address in:
    /// `X-Forwarded-For` (default) or `Forwarded` (RFC 7239).
    pub client_ip_header: String,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 3000,
            public_url: None,
            session_key: None,
            session_key_file: None,
            session_ttl_minutes: 30,
            session_max_hours: 12,
            trusted_proxies: Vec::new(),
            client_ip_header: "X-Forwarded-For".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct I18nSettings {
    /// Folder holding `fr/*.ftl` and `en/*.ftl`. When it does not exist, the
    /// copies compiled into the binary are used.
    pub locales_dir: PathBuf,
}

impl Default for I18nSettings {
    fn default() -> Self {
        I18nSettings {
            locales_dir: PathBuf::from("locales"),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChooserSettings {
    /// `true`: `[[populations]]` replaces the seed table instead of amending it.
    #[serde(default)]
    pub replace_defaults: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSettings {
    pub id: String,
    /// Federation ids, recommended first. Required for a new population;
    /// for a seed population, omitted means "keep the seed's".
    pub federations: Option<Vec<String>>,
    /// Former name of `federations` (deprecated, still read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<String>>,
    pub order: Option<i32>,
    /// `false` removes a seed population.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl Settings {
    /// Reads defaults, then the file (if any), then the environment, and
    /// checks the result can be resolved.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigErrors> {
        let notes = legacy::Notes::default();
        let mut figment = Figment::from(Serialized::defaults(Settings::defaults()));
        if let Some(path) = config_file {
            if !path.is_file() {
                return Err(ConfigErrors::one(
                    "config",
                    format!("configuration file {} not found", path.display()),
                ));
            }
            figment = figment.merge(legacy::LegacyNames {
                inner: Toml::file_exact(path),
                notes: notes.clone(),
            });
        }
        figment = figment.merge(legacy::LegacyNames {
            inner: Env::prefixed(ENV_PREFIX).split("__"),
            notes: notes.clone(),
        });
        let mut settings: Settings = figment.extract().map_err(figment_errors)?;
        settings.deprecations = notes.lock().expect("notes lock").clone();
        Ok(settings)
    }

    /// The compiled-in defaults alone (no file, no environment).
    pub fn defaults() -> Settings {
        Settings {
            server: ServerSettings::default(),
            i18n: I18nSettings::default(),
            chooser: ChooserSettings::default(),
            populations: Vec::new(),
            federations: FederationsSettings::default(),
            federation_probe: ProbeSettings::default(),
            provider: ProviderSettings::default(),
            demarches: Vec::new(),
            directory: DirectorySettings::default(),
            site: site::SiteSettings::default(),
            store: StoreSettings::default(),
            rate_limit: RateLimitSettings::default(),
            log: LogSettings::default(),
            metrics: MetricsSettings::default(),
            deprecations: Vec::new(),
        }
    }
}

/// figment's errors as configuration issues, each with its key.
fn figment_errors(e: figment::Error) -> ConfigErrors {
    ConfigErrors(
        e.into_iter()
            .map(|e| ConfigIssue {
                key: if e.path.is_empty() {
                    "(top level)".to_owned()
                } else {
                    e.path.join(".")
                },
                message: match &e.metadata {
                    Some(md) => format!("{} (from {})", e.kind, md.name),
                    None => e.kind.to_string(),
                },
            })
            .collect(),
    )
}
