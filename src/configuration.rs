//! Layered configuration: compiled-in defaults, then an optional TOML file
//! (`--config FILE` or `AIGUILLAGE_CONFIG`), then environment variables
//! `AIGUILLAGE__SECTION__KEY` (double underscore between levels).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::domain::{Chooser, Federation, Population, PopulationId};
use crate::provider::settings::{ClientSettings, OidcSettings};
use crate::upstream::{ProvidersSettings, Secret};

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
    /// Populations merged with the seed table by id (see [`Settings::chooser`]).
    #[serde(default)]
    pub populations: Vec<PopulationSettings>,
    #[serde(default)]
    pub providers: ProvidersSettings,
    /// The portal as an OpenID provider toward démarches.
    #[serde(default)]
    pub oidc: OidcSettings,
    /// Démarches allowed to use the portal.
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
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
    /// Inactivity limit of a logged-in session.
    pub session_ttl_minutes: u32,
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
        }
    }
}

impl ServerSettings {
    /// The session cookie key: configured, or random (logged as a warning
    /// by the caller when `None` is returned).
    pub fn session_key(&self) -> Result<Option<Vec<u8>>, String> {
        use base64::Engine;
        let text = match (&self.session_key, &self.session_key_file) {
            (Some(k), _) => k.0.clone(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            (None, None) => return Ok(None),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "not valid base64".to_owned())?;
        if bytes.len() < 64 {
            return Err(format!(
                "{} bytes; at least 64 are needed (openssl rand -base64 64)",
                bytes.len()
            ));
        }
        Ok(Some(bytes))
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
    pub providers: Option<Vec<String>>,
    pub order: Option<i32>,
    /// `false` removes a seed population.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// One configuration problem, with the key it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl ConfigErrors {
    pub fn one(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigErrors(vec![ConfigIssue {
            key: key.into(),
            message: message.into(),
        }])
    }
}

impl Settings {
    /// Reads defaults, then the file (if any), then the environment.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigErrors> {
        let mut figment = Figment::from(Serialized::defaults(Settings::defaults()));
        if let Some(path) = config_file {
            if !path.is_file() {
                return Err(ConfigErrors::one(
                    "config",
                    format!("configuration file {} not found", path.display()),
                ));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).split("__"));
        let settings: Settings = figment.extract().map_err(|e| {
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
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// The compiled-in defaults alone (no file, no environment).
    pub fn defaults() -> Settings {
        Settings {
            server: ServerSettings::default(),
            i18n: I18nSettings::default(),
            chooser: ChooserSettings::default(),
            populations: Vec::new(),
            providers: ProvidersSettings::default(),
            oidc: OidcSettings::default(),
            clients: Vec::new(),
        }
    }

    /// Every semantic problem at once, each with its key.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut issues = Vec::new();
        if let Some(url) = &self.server.public_url {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                issues.push(ConfigIssue {
                    key: "server.public_url".into(),
                    message: format!("`{url}` is not an http(s) URL"),
                });
            } else if url.scheme() == "http" && !is_loopback_url(url) {
                issues.push(ConfigIssue {
                    key: "server.public_url".into(),
                    message: "plain http is only accepted on a loopback address; use https".into(),
                });
            }
        }
        if let Err(e) = self.server.session_key() {
            let key = if self.server.session_key.is_some() {
                "server.session_key"
            } else {
                "server.session_key_file"
            };
            issues.push(ConfigIssue {
                key: key.into(),
                message: e,
            });
        }
        if self.server.session_ttl_minutes == 0 {
            issues.push(ConfigIssue {
                key: "server.session_ttl_minutes".into(),
                message: "must be at least 1".into(),
            });
        }
        self.providers.validate(&mut issues);
        self.oidc.validate(&mut issues);
        match self.chooser() {
            Err(mut more) => issues.append(&mut more.0),
            Ok(chooser) => {
                let mut seen = std::collections::HashSet::new();
                for (i, client) in self.clients.iter().enumerate() {
                    client.validate(i, &mut issues);
                    if !seen.insert(client.client_id.as_str()) {
                        issues.push(ConfigIssue {
                            key: format!("clients[{i}].client_id"),
                            message: format!("`{}` is registered twice", client.client_id),
                        });
                    }
                    let pops: Option<Vec<PopulationId>> = client.populations.as_ref().map(|ps| {
                        ps.iter()
                            .filter_map(|p| PopulationId::parse(p).ok())
                            .collect()
                    });
                    if chooser
                        .restricted(client.providers.as_deref(), pops.as_deref())
                        .is_none()
                    {
                        issues.push(ConfigIssue {
                            key: format!("clients[{i}].providers"),
                            message: "no population is left with these providers and populations"
                                .into(),
                        });
                    }
                    for (j, p) in client.populations.iter().flatten().enumerate() {
                        if chooser.population(p).is_none() {
                            issues.push(ConfigIssue {
                                key: format!("clients[{i}].populations[{j}]"),
                                message: format!("unknown population `{p}`"),
                            });
                        }
                    }
                }
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// The chooser rules: the seed table amended by `[[populations]]`
    /// (same id: replaced field by field; new id: added; `enabled = false`:
    /// removed), or replaced entirely with `chooser.replace_defaults = true`.
    pub fn chooser(&self) -> Result<Chooser, ConfigErrors> {
        let mut issues = Vec::new();
        let mut populations: Vec<Population> = if self.chooser.replace_defaults {
            Vec::new()
        } else {
            Chooser::seed().populations().to_vec()
        };
        for (i, entry) in self.populations.iter().enumerate() {
            let key = |field: &str| format!("populations[{i}].{field}");
            let id = match PopulationId::parse(&entry.id) {
                Ok(id) => id,
                Err(e) => {
                    issues.push(ConfigIssue {
                        key: key("id"),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let federations = match &entry.providers {
                Some(list) => {
                    let mut feds = Vec::new();
                    for (j, name) in list.iter().enumerate() {
                        match name.parse::<Federation>() {
                            Ok(f) if feds.contains(&f) => issues.push(ConfigIssue {
                                key: format!("populations[{i}].providers[{j}]"),
                                message: format!("federation `{f}` is listed twice"),
                            }),
                            Ok(f) => feds.push(f),
                            Err(e) => issues.push(ConfigIssue {
                                key: format!("populations[{i}].providers[{j}]"),
                                message: e.to_string(),
                            }),
                        }
                    }
                    if list.is_empty() {
                        issues.push(ConfigIssue {
                            key: key("providers"),
                            message: "at least one federation is needed".into(),
                        });
                    }
                    Some(feds)
                }
                None => None,
            };
            let existing = populations.iter().position(|p| p.id == id);
            match (existing, entry.enabled) {
                (Some(pos), false) => {
                    populations.remove(pos);
                }
                (None, false) => {}
                (Some(pos), true) => {
                    let p = &mut populations[pos];
                    if let Some(feds) = federations {
                        p.federations = feds;
                    }
                    if let Some(order) = entry.order {
                        p.order = order;
                    }
                }
                (None, true) => match federations {
                    Some(feds) => populations.push(Population {
                        id,
                        federations: feds,
                        order: entry.order.unwrap_or(1000 + i as i32),
                    }),
                    None => issues.push(ConfigIssue {
                        key: key("providers"),
                        message: format!("new population `{id}` needs a list of federations"),
                    }),
                },
            }
        }
        if !issues.is_empty() {
            return Err(ConfigErrors(issues));
        }
        Chooser::new(populations).map_err(|e| ConfigErrors::one("populations", e.to_string()))
    }

    /// The public URL, knowing the port actually bound.
    pub fn public_url(&self, bound_port: u16) -> Url {
        match &self.server.public_url {
            Some(url) => url.clone(),
            None => {
                let host = match self.server.host {
                    ip if ip.is_loopback() || ip.is_unspecified() => "localhost".to_owned(),
                    IpAddr::V6(v6) => format!("[{v6}]"),
                    IpAddr::V4(v4) => v4.to_string(),
                };
                Url::parse(&format!("http://{host}:{bound_port}/")).expect("valid URL")
            }
        }
    }
}

/// `http://127.0.0.1…`, `http://[::1]…` or `http://localhost…`.
pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}
