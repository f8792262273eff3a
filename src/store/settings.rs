//! The store's own settings, meant to sit in the portal's configuration
//! (e.g. a `[store]` table). Every field has a default, so an empty table
//! (or none) gives the bounded in-memory store.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::address::HaAddress;
use crate::common::{ConfigIssue, Secret, read_secret};

/// Where the short-lived shared state lives, and its bounds.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    /// `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS
    /// (server certificate checked against the system's roots), or
    /// `redis+unix:///path/to/socket`; a Sentinel set as
    /// `redis+sentinel://[user:password@]host1:26379,host2:26379/<master>[/<db>]`
    /// (`?sentinel_password=…` when the sentinels have one of their own),
    /// a Cluster as `redis+cluster://[user:password@]host1:6379,host2:6379`
    /// (`rediss+…` for TLS). Unset: the
    /// in-memory store, good for one instance only (state is neither shared
    /// between instances nor kept across a restart).
    ///
    /// The URL may hold a password: `url_file` reads it from a file instead
    /// (e.g. a container secret); env `AIGUILLAGE__STORE__URL` also works.
    pub url: Option<String>,
    pub url_file: Option<PathBuf>,
    /// Put before every key in Redis, so that several portals (or other
    /// applications) can share one Redis. Default `aiguillage:`.
    pub key_prefix: String,
    /// The longest any Redis operation may take, connecting included; past
    /// it the operation fails (`StoreError::Backend`). Default 1000 ms.
    pub timeout_ms: u64,
    /// In-memory store: total bytes of keys and values kept. Default 64 MiB.
    pub memory_max_bytes: u64,
    /// In-memory store: number of entries kept. Default 200 000.
    pub memory_max_entries: u64,
    /// Largest single value `put` accepts, in either store. Default 64 KiB.
    pub max_value_bytes: usize,
    /// In-memory store: of `memory_max_bytes`, the bytes for what anyone
    /// can make the portal keep without logging in (pending requests,
    /// logins in progress, visitors' sessions); past it such entries are
    /// refused, never pushing out the others. Default a quarter.
    pub anonymous_max_bytes: Option<u64>,
    /// Redis: how many such entries all instances together may create in
    /// [`ANONYMOUS_WINDOW`] (their longest lifetime); past it they are
    /// refused. About 3 KB each: keep this × 3 KB well within Redis'
    /// `maxmemory`. Default 50 000.
    pub anonymous_max_entries: u64,
}

/// The window [`StoreSettings::anonymous_max_entries`] counts in: the
/// longest lifetime of an anonymous entry (a pending request).
pub const ANONYMOUS_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl StoreSettings {
    pub const DEFAULT_KEY_PREFIX: &'static str = "aiguillage:";
    pub const DEFAULT_TIMEOUT_MS: u64 = 1_000;
    pub const DEFAULT_MEMORY_MAX_BYTES: u64 = 64 * 1024 * 1024;
    pub const DEFAULT_MEMORY_MAX_ENTRIES: u64 = 200_000;
    pub const DEFAULT_MAX_VALUE_BYTES: usize = 64 * 1024;
    pub const DEFAULT_ANONYMOUS_MAX_ENTRIES: u64 = 50_000;

    /// The in-memory store's bytes for anonymous entries.
    pub fn anonymous_max_bytes(&self) -> u64 {
        self.anonymous_max_bytes
            .unwrap_or_else(|| self.memory_max_bytes.div_ceil(4))
    }

    /// The settings' mistakes, as `(field, message)`; empty when usable.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if let Some(url) = &self.url {
            match HaAddress::parse(url) {
                Some(Ok(_)) => {}
                Some(Err(problem)) => problems.push(("url", problem)),
                None => match url::Url::parse(url) {
                    Ok(u) if matches!(u.scheme(), "redis" | "rediss" | "redis+unix" | "unix") => {}
                    Ok(u) => problems.push((
                        "url",
                        format!(
                            "scheme must be redis://, rediss://, redis+unix://, \
                             redis+sentinel://, rediss+sentinel://, redis+cluster:// \
                             or rediss+cluster://, not {}://",
                            u.scheme()
                        ),
                    )),
                    Err(e) => problems.push(("url", format!("not a URL: {e}"))),
                },
            }
        }
        if self.timeout_ms == 0 {
            problems.push(("timeout_ms", "must be at least 1".into()));
        }
        if self.memory_max_bytes == 0 {
            problems.push(("memory_max_bytes", "must be at least 1".into()));
        }
        if self.memory_max_entries == 0 {
            problems.push(("memory_max_entries", "must be at least 1".into()));
        }
        if self.max_value_bytes == 0 {
            problems.push(("max_value_bytes", "must be at least 1".into()));
        }
        if self
            .anonymous_max_bytes
            .is_some_and(|b| b == 0 || b >= self.memory_max_bytes)
        {
            problems.push((
                "anonymous_max_bytes",
                "must be at least 1 and less than memory_max_bytes".into(),
            ));
        }
        if self.anonymous_max_entries == 0 {
            problems.push(("anonymous_max_entries", "must be at least 1".into()));
        }
        problems
    }

    /// `[store]` as the portal runs with it: the URL read from `url_file`
    /// when given that way (`url` then set, `url_file` cleared), every
    /// problem pushed with its key (`store.url`, `store.timeout_ms`…).
    pub fn resolve(&self, issues: &mut Vec<ConfigIssue>) -> StoreSettings {
        let inline = self.url.clone().map(Secret);
        let url = match read_secret("store.url", inline.as_ref(), self.url_file.as_ref()) {
            Ok(url) => url.map(|u| u.expose().to_owned()),
            Err(issue) => {
                issues.push(issue);
                None
            }
        };
        let resolved = StoreSettings {
            url,
            url_file: None,
            ..self.clone()
        };
        for (field, message) in resolved.problems() {
            let key = match (field, &self.url, &self.url_file) {
                ("url", None, Some(_)) => "store.url_file".to_owned(),
                _ => format!("store.{field}"),
            };
            issues.push(ConfigIssue::new(key, message));
        }
        resolved
    }
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            url: None,
            url_file: None,
            key_prefix: Self::DEFAULT_KEY_PREFIX.to_owned(),
            timeout_ms: Self::DEFAULT_TIMEOUT_MS,
            memory_max_bytes: Self::DEFAULT_MEMORY_MAX_BYTES,
            memory_max_entries: Self::DEFAULT_MEMORY_MAX_ENTRIES,
            max_value_bytes: Self::DEFAULT_MAX_VALUE_BYTES,
            anonymous_max_bytes: None,
            anonymous_max_entries: Self::DEFAULT_ANONYMOUS_MAX_ENTRIES,
        }
    }
}

/// The URL's password never shows in logs.
impl std::fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreSettings")
            .field("url", &self.url.as_deref().map(redacted))
            .field("url_file", &self.url_file)
            .field("key_prefix", &self.key_prefix)
            .field("timeout_ms", &self.timeout_ms)
            .field("memory_max_bytes", &self.memory_max_bytes)
            .field("memory_max_entries", &self.memory_max_entries)
            .field("max_value_bytes", &self.max_value_bytes)
            .field("anonymous_max_bytes", &self.anonymous_max_bytes)
            .field("anonymous_max_entries", &self.anonymous_max_entries)
            .finish()
    }
}

/// The URL with its password (if any) replaced by `***` (both of them in
/// a Sentinel URL).
pub fn redacted(url: &str) -> String {
    match HaAddress::parse(url) {
        Some(Ok(address)) => return address.redacted(),
        Some(Err(_)) => return "<not a valid Redis Sentinel or Cluster URL>".to_owned(),
        None => {}
    }
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<not a URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_table_gives_the_defaults_and_unknown_fields_are_refused() {
        let s: StoreSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, StoreSettings::default());
        assert!(s.problems().is_empty());
        assert!(serde_json::from_str::<StoreSettings>(r#"{"urll": "redis://x"}"#).is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let s = StoreSettings {
            url: Some("redis://user:s3cret@redis.internal:6379/0".into()),
            ..StoreSettings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("redis.internal"), "{shown}");
    }

    #[test]
    fn bad_urls_and_zero_bounds_are_reported() {
        let s = StoreSettings {
            url: Some("http://redis".into()),
            timeout_ms: 0,
            ..StoreSettings::default()
        };
        let fields: Vec<_> = s.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["url", "timeout_ms"]);
        for (url, problem) in [
            ("redis+sentinel://s1:26379", "no master name"),
            ("redis+sentinel:///mymaster", "no sentinel host"),
            ("redis+cluster://", "no cluster host"),
            ("redis+cluster://n1:7000/3", "only database 0"),
        ] {
            let s = StoreSettings {
                url: Some(url.into()),
                ..StoreSettings::default()
            };
            let problems = s.problems();
            assert_eq!(problems.len(), 1, "{url}: {problems:?}");
            assert_eq!(problems[0].0, "url");
            assert!(problems[0].1.contains(problem), "{url}: {problems:?}");
        }
        for url in [
            "redis+sentinel://:pw@s1,s2:26380/mymaster/1?sentinel_password=spw",
            "rediss+cluster://n1:7000,n2:7001",
        ] {
            let s = StoreSettings {
                url: Some(url.into()),
                ..StoreSettings::default()
            };
            assert!(s.problems().is_empty(), "{url}: {:?}", s.problems());
        }
    }

    #[test]
    fn sentinel_and_cluster_urls_show_no_password() {
        let shown =
            redacted("redis+sentinel://app:s3cret@s1:26379,s2/mymaster?sentinel_password=t0p");
        assert_eq!(
            shown,
            "redis+sentinel://app:***@s1:26379,s2:26379/mymaster/0?sentinel_password=***"
        );
        assert_eq!(
            redacted("redis+cluster://:s3cret@n1:7000"),
            "redis+cluster://:***@n1:7000/0"
        );
        assert!(!redacted("redis+cluster://:s3cret@n1:x").contains("s3cret"));
    }

    #[test]
    fn the_url_is_read_from_its_file_and_problems_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("redis-url");
        std::fs::write(&path, "redis://:pw@redis.internal:6379/0\n").unwrap();
        let s = StoreSettings {
            url_file: Some(path.clone()),
            ..StoreSettings::default()
        };
        let mut issues = Vec::new();
        let resolved = s.resolve(&mut issues);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            resolved.url.as_deref(),
            Some("redis://:pw@redis.internal:6379/0")
        );
        std::fs::write(&path, "http://not-redis").unwrap();
        let mut issues = Vec::new();
        s.resolve(&mut issues);
        assert_eq!(issues[0].key, "store.url_file", "{issues:?}");
        let missing = StoreSettings {
            url_file: Some(dir.path().join("missing")),
            memory_max_entries: 0,
            ..StoreSettings::default()
        };
        let mut issues = Vec::new();
        missing.resolve(&mut issues);
        let keys: Vec<_> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["store.url_file", "store.memory_max_entries"]);
    }
}
