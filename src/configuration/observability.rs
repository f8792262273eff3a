//! `[log]` and `[metrics]`: what operators read.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// How log lines are written (on standard error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Human,
    /// One JSON object per line, for a log collector.
    Json,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `human` (default) or `json`. The environment variable
    /// `AIGUILLAGE_LOG_FORMAT` (older name) wins when set. Which lines are
    /// written is chosen with `RUST_LOG` (default `info`).
    #[serde(default)]
    pub format: LogFormat,
}

impl LogSettings {
    /// The format in force: `AIGUILLAGE_LOG_FORMAT`, else the setting.
    pub fn effective_format(&self) -> LogFormat {
        match std::env::var("AIGUILLAGE_LOG_FORMAT").as_deref() {
            Ok("json") => LogFormat::Json,
            Ok("human") => LogFormat::Human,
            _ => self.format,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve `GET /metrics` (Prometheus text format). Default `true`.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// A separate address for `/metrics` (e.g. `127.0.0.1:9100`), for
    /// deployments that must not publish it on the portal's own address;
    /// the portal's address then answers 404 there. Unset: `/metrics` is
    /// on the portal's address.
    #[serde(default)]
    pub listen: Option<SocketAddr>,
}

fn enabled() -> bool {
    true
}

impl Default for MetricsSettings {
    fn default() -> Self {
        MetricsSettings {
            enabled: true,
            listen: None,
        }
    }
}
