//! `[rate_limit]`: how many requests a client address may make on the
//! endpoints that keep something (applied by `routes::rate_limit`).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::Quota;
use serde::{Deserialize, Serialize};

use crate::common::ConfigIssue;

/// `[rate_limit]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// `false` turns every limit off (tests of other things, or a limit
    /// already enforced in front of the portal).
    pub enabled: bool,
    /// Logins started (`POST /connexion/*`, `/oidc/authorize`) per client
    /// address and minute, sustained. Default 30.
    pub login_per_minute: u32,
    /// How many of those may come at once. Default 30.
    pub login_burst: u32,
    /// Token requests per client address and minute. Default 600.
    pub token_per_minute: u32,
    pub token_burst: u32,
    /// Client addresses tracked per budget; past it the least recently
    /// seen are forgotten. Default 50 000 (a few MB).
    pub max_clients: u64,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            enabled: true,
            login_per_minute: 30,
            login_burst: 30,
            token_per_minute: 600,
            token_burst: 100,
            max_clients: 50_000,
        }
    }
}

/// `[rate_limit]` checked: `None` when disabled.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub login: Quota,
    pub token: Quota,
    pub max_clients: u64,
}

impl RateLimitSettings {
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> Option<RateLimitConfig> {
        let mut quota = |per_minute: u32, burst: u32, name: &str| {
            let burst = NonZeroU32::new(burst).or_else(|| {
                issues.push(ConfigIssue::new(
                    format!("rate_limit.{name}_burst"),
                    "must be at least 1",
                ));
                None
            });
            let per_minute = NonZeroU32::new(per_minute).or_else(|| {
                issues.push(ConfigIssue::new(
                    format!("rate_limit.{name}_per_minute"),
                    "must be at least 1 (or set rate_limit.enabled = false)",
                ));
                None
            });
            let period = Duration::from_secs(60) / per_minute?.get();
            Some(Quota::with_period(period)?.allow_burst(burst?))
        };
        let login = quota(self.login_per_minute, self.login_burst, "login");
        let token = quota(self.token_per_minute, self.token_burst, "token");
        if self.max_clients == 0 {
            issues.push(ConfigIssue::new(
                "rate_limit.max_clients",
                "must be at least 1",
            ));
        }
        Some(RateLimitConfig {
            login: login?,
            token: token?,
            max_clients: self.max_clients,
        })
        .filter(|_| self.enabled)
    }
}
