//! `[directory]`: where the public company directory answers and how long
//! a login may wait for it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::{ConfigIssue, check_web_url};

/// `[directory]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectorySettings {
    /// `false`: no lookup; logins never carry the `organisation` claim.
    /// Default `true`.
    pub enabled: bool,
    /// The API Recherche d'entreprises (no key needed); its `/search` is
    /// asked. Plain http only on loopback (tests, a local mirror).
    pub base_url: Url,
    /// The longest a lookup may take, connecting and reading included: a
    /// login waits for it, then goes on without the claim. Default 2000.
    pub timeout_ms: u64,
}

impl DirectorySettings {
    pub const DEFAULT_BASE_URL: &'static str = "https://recherche-entreprises.api.gouv.fr";
    pub const DEFAULT_TIMEOUT_MS: u64 = 2_000;
    /// A login must not wait longer than this for a claim it can do without.
    pub const MAX_TIMEOUT_MS: u64 = 10_000;
    /// Below this even a healthy directory rarely answers.
    pub const MIN_TIMEOUT_MS: u64 = 100;
}

impl Default for DirectorySettings {
    fn default() -> Self {
        DirectorySettings {
            enabled: true,
            base_url: Url::parse(Self::DEFAULT_BASE_URL).expect("valid URL"),
            timeout_ms: Self::DEFAULT_TIMEOUT_MS,
        }
    }
}

/// `[directory]` checked.
#[derive(Debug, Clone)]
pub struct DirectoryConfig {
    pub base_url: Url,
    pub timeout: Duration,
}

impl DirectorySettings {
    /// The directory to use, `None` when disabled. Checked even when
    /// disabled, so that a mistake shows before someone enables it.
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> Option<DirectoryConfig> {
        let url = &self.base_url;
        if let Err(message) = check_web_url(url) {
            issues.push(ConfigIssue::new("directory.base_url", message));
        }
        if url.query().is_some() || url.fragment().is_some() {
            issues.push(ConfigIssue::new(
                "directory.base_url",
                "must not have a query or a fragment: the portal adds `/search?q=…` itself",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            issues.push(ConfigIssue::new(
                "directory.base_url",
                "must not hold credentials: the directory needs none, and they would be sent with every SIRET",
            ));
        }
        if !(Self::MIN_TIMEOUT_MS..=Self::MAX_TIMEOUT_MS).contains(&self.timeout_ms) {
            issues.push(ConfigIssue::new(
                "directory.timeout_ms",
                format!(
                    "must be between {} and {} (a login waits for the directory that long)",
                    Self::MIN_TIMEOUT_MS,
                    Self::MAX_TIMEOUT_MS
                ),
            ));
        }
        self.enabled.then(|| DirectoryConfig {
            base_url: url.clone(),
            timeout: Duration::from_millis(self.timeout_ms),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues_of(settings: &DirectorySettings) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        settings.resolve(&mut issues);
        issues
    }

    #[test]
    fn the_defaults_ask_the_public_api_within_two_seconds() {
        let mut issues = Vec::new();
        let config = DirectorySettings::default()
            .resolve(&mut issues)
            .expect("enabled by default");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            config.base_url.as_str(),
            "https://recherche-entreprises.api.gouv.fr/"
        );
        assert_eq!(config.timeout, Duration::from_millis(2000));
    }

    #[test]
    fn disabled_gives_no_directory_but_is_still_checked() {
        let settings = DirectorySettings {
            enabled: false,
            timeout_ms: 0,
            ..DirectorySettings::default()
        };
        let mut issues = Vec::new();
        assert!(settings.resolve(&mut issues).is_none());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].key, "directory.timeout_ms");
    }

    #[test]
    fn every_mistake_is_told_with_its_key() {
        let cases = [
            (
                "http://annuaire.example.fr",
                "directory.base_url",
                "loopback",
            ),
            ("ftp://127.0.0.1", "directory.base_url", "scheme"),
            (
                "https://annuaire.example.fr/?q=1",
                "directory.base_url",
                "query",
            ),
            (
                "https://user:secret@annuaire.example.fr/",
                "directory.base_url",
                "credentials",
            ),
        ];
        for (url, key, words) in cases {
            let settings = DirectorySettings {
                base_url: Url::parse(url).unwrap(),
                ..DirectorySettings::default()
            };
            let issues = issues_of(&settings);
            assert_eq!(issues.len(), 1, "{url}: {issues:?}");
            assert_eq!(issues[0].key, key, "{url}");
            assert!(issues[0].message.contains(words), "{url}: {issues:?}");
        }
        for ms in [0, 99, 10_001] {
            let settings = DirectorySettings {
                timeout_ms: ms,
                ..DirectorySettings::default()
            };
            let issues = issues_of(&settings);
            assert_eq!(issues.len(), 1, "{ms}");
            assert_eq!(issues[0].key, "directory.timeout_ms");
        }
        let loopback = DirectorySettings {
            base_url: Url::parse("http://127.0.0.1:8080/mirror/").unwrap(),
            timeout_ms: 100,
            ..DirectorySettings::default()
        };
        assert!(issues_of(&loopback).is_empty());
    }
}
