//! The public company directory: the organisation behind a SIRET, from the
//! State's API Recherche d'entreprises (`[directory]`, no key needed),
//! kept in the store for a day.
//!
//! A login that carries a SIRET (ProConnect's `siret`, Pro Santé Connect's
//! activity sites) may ask [`Directory::lookup`] for the
//! [`Organisation`]; the directory being slow, down or answering wrongly
//! never fails the login: the lookup ends within `directory.timeout_ms`
//! with an error, logged at `warn` and counted
//! (`aiguillage_directory_lookups_total{outcome="failed"}`), and the login
//! goes on without the claim.
//!
//! Never logged: the SIRET (a sole trader's identifies a person), any name.

mod settings;
mod sirene;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::outbound::{self, CappedReadError};
use crate::domain::Organisation;
use crate::metrics::{self, DirectoryOutcome};
use crate::store::{self, SharedStore, keys};

pub use settings::{DirectoryConfig, DirectorySettings};

/// The largest answer read: one result with its head office, one
/// establishment and complements is about 5 KB (a local authority's list
/// of elected people makes it longer).
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Not 14 digits: nothing was asked.
    #[error("not a SIRET (14 digits)")]
    InvalidSiret,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("directory unreachable: {0}")]
    Unreachable(&'static str),
    /// An HTTP status other than 200 (429: the directory's rate limit; a
    /// redirect, never followed).
    #[error("directory answered HTTP {0}")]
    Status(u16),
    #[error("directory's answer over {max} bytes: not read")]
    TooLarge { max: usize },
    /// Not the documented answer (never quoting it: it may hold a name).
    #[error("directory's answer is not the documented one: {0}")]
    Malformed(String),
}

impl DirectoryError {
    /// A fixed word for log lines.
    pub fn kind(&self) -> &'static str {
        match self {
            DirectoryError::InvalidSiret => "invalid_siret",
            DirectoryError::Timeout(_) => "timeout",
            DirectoryError::Unreachable(_) => "unreachable",
            DirectoryError::Status(_) => "status",
            DirectoryError::TooLarge { .. } => "too_large",
            DirectoryError::Malformed(_) => "malformed",
        }
    }
}

/// A SIRET: 14 ASCII digits. Its Luhn key is not checked: the directory
/// holds SIRETs that fail it (La Poste's establishments, SIREN 356000000,
/// follow a rule of their own), and it is the directory that says whether
/// a SIRET exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Siret(String);

impl Siret {
    pub fn parse(s: &str) -> Option<Siret> {
        (s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())).then(|| Siret(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The legal unit's number: the SIRET's first 9 digits.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

/// What the store keeps for a SIRET: the organisation, or `None` when the
/// directory does not know it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cached {
    organisation: Option<Organisation>,
}

/// The client of the company directory (one per portal, cheap to share).
#[derive(Clone)]
pub struct Directory {
    http: reqwest::Client,
    search_url: Url,
    timeout: Duration,
    store: SharedStore,
}

/// How a lookup was answered.
enum Answer {
    Cached(Option<Organisation>),
    Asked(Option<Organisation>),
}

impl Directory {
    /// Builds the client; asks nothing yet (start-up never waits for the
    /// directory).
    pub fn new(config: &DirectoryConfig, store: SharedStore) -> Directory {
        Directory {
            http: outbound::client(config.timeout),
            search_url: search_url(&config.base_url),
            timeout: config.timeout,
            store,
        }
    }

    /// The organisation behind `siret`, `None` when the directory does not
    /// know it. From the store when it was asked within a day (an hour for
    /// an unknown SIRET); else asked, within the timeout. An error (the
    /// SIRET malformed, the directory slow, down or answering wrongly) is
    /// logged and counted here: the caller goes on without the claim.
    pub async fn lookup(&self, siret: &str) -> Result<Option<Organisation>, DirectoryError> {
        let Some(siret) = Siret::parse(siret) else {
            metrics::directory_lookup(DirectoryOutcome::Invalid);
            // Its length only: a SIRET-like value may be a person's.
            tracing::warn!(
                length = siret.len(),
                "company directory: not a SIRET, nothing asked"
            );
            return Err(DirectoryError::InvalidSiret);
        };
        let started = Instant::now();
        // One bound for all of it, the store's read and write included: a
        // slow Redis must not hold the login either.
        let result = tokio::time::timeout(self.timeout, self.answer(&siret))
            .await
            .unwrap_or(Err(DirectoryError::Timeout(self.timeout)));
        match result {
            Ok(Answer::Cached(organisation)) => {
                metrics::directory_lookup(DirectoryOutcome::Cached);
                Ok(organisation)
            }
            Ok(Answer::Asked(organisation)) => {
                metrics::directory_lookup(if organisation.is_some() {
                    DirectoryOutcome::Found
                } else {
                    DirectoryOutcome::NotFound
                });
                Ok(organisation)
            }
            Err(e) => {
                metrics::directory_lookup(DirectoryOutcome::Failed);
                tracing::warn!(
                    error = %e,
                    kind = e.kind(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "company directory: no answer; the login goes on without the organisation"
                );
                Err(e)
            }
        }
    }

    async fn answer(&self, siret: &Siret) -> Result<Answer, DirectoryError> {
        let key = keys::DIRECTORY.key(siret.as_str());
        if let Some(cached) = self.cached(&key).await {
            return Ok(Answer::Cached(cached.organisation));
        }
        let organisation = self.ask(siret).await?;
        let ttl = if organisation.is_some() {
            keys::DIRECTORY.fixed_ttl()
        } else {
            keys::DIRECTORY_UNKNOWN_TTL
        };
        let entry = Cached { organisation };
        if let Err(e) = store::put_json(self.store.as_ref(), &key, &entry, ttl).await {
            // The answer is good without being kept: the next login asks again.
            metrics::store_error(e.kind());
            tracing::warn!(error = %e, "company directory: answer not kept in the store");
        }
        Ok(Answer::Asked(entry.organisation))
    }

    /// What the store keeps for `key`; `None` when nothing, or when the
    /// store cannot tell (down, or an entry of an older format): the
    /// directory is then asked.
    async fn cached(&self, key: &str) -> Option<Cached> {
        match store::get_json::<Cached>(self.store.as_ref(), key).await {
            Ok(cached) => cached,
            Err(e) => {
                metrics::store_error(e.kind());
                tracing::warn!(error = %e, "company directory: store not read, asking the directory");
                None
            }
        }
    }

    /// One request to the directory, timed.
    async fn ask(&self, siret: &Siret) -> Result<Option<Organisation>, DirectoryError> {
        let started = Instant::now();
        let result = self.ask_untimed(siret).await;
        metrics::directory_request(started.elapsed(), result.is_ok());
        result
    }

    async fn ask_untimed(&self, siret: &Siret) -> Result<Option<Organisation>, DirectoryError> {
        let request_error = |e: reqwest::Error| {
            if e.is_timeout() {
                DirectoryError::Timeout(self.timeout)
            } else {
                DirectoryError::Unreachable(outbound::describe(&e))
            }
        };
        let res = self
            .http
            .get(self.url_for(siret))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(request_error)?;
        if res.status() != reqwest::StatusCode::OK {
            return Err(DirectoryError::Status(res.status().as_u16()));
        }
        let body = outbound::read_capped(res, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| match e {
                CappedReadError::Request(e) => request_error(e),
                CappedReadError::TooLarge { max } => DirectoryError::TooLarge { max },
            })?;
        sirene::organisation(siret, &body)
    }

    /// `GET /search?q=<siret>`: the API's direct search by SIRET (its other
    /// filters are then ignored), with only the parts read (`minimal`,
    /// `include`): neither the officers (people) nor the finances are
    /// asked for.
    fn url_for(&self, siret: &Siret) -> Url {
        let mut url = self.search_url.clone();
        url.query_pairs_mut()
            .append_pair("q", siret.as_str())
            .append_pair("minimal", "true")
            .append_pair("include", "siege,complements,matching_etablissements")
            .append_pair("page", "1")
            .append_pair("per_page", "1");
        url
    }
}

/// `<base_url>/search`, whatever path the base URL has (a mirror under a
/// prefix).
fn search_url(base: &Url) -> Url {
    let mut url = base.clone();
    let path = format!("{}/search", base.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("search_url", &self.search_url.as_str())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::MemoryStore;

    fn directory_at(base: &str, store: SharedStore) -> Directory {
        let config = DirectoryConfig {
            base_url: Url::parse(base).unwrap(),
            timeout: Duration::from_millis(500),
        };
        Directory::new(&config, store)
    }

    /// Nothing listens on port 9 of loopback (discard): any request fails.
    const NOWHERE: &str = "http://127.0.0.1:9";

    #[test]
    fn a_siret_is_fourteen_digits_luhn_or_not() {
        assert!(Siret::parse("13002526500013").is_some());
        // Shaped like La Poste's (SIREN 356000000, digits summing to a
        // multiple of 5): fails Luhn, may exist.
        assert!(Siret::parse("35600000012341").is_some());
        for bad in [
            "",
            "1300252650001",
            "130025265000130",
            "13002526500O13",
            "130 025 265 00013",
            "１３００２５２６５０００１３",
        ] {
            assert!(Siret::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Siret::parse("13002526500013").unwrap().siren(), "130025265");
    }

    #[test]
    fn the_search_url_is_under_the_base_url_s_path() {
        let url = |base: &str| search_url(&Url::parse(base).unwrap()).to_string();
        assert_eq!(
            url("https://recherche-entreprises.api.gouv.fr"),
            "https://recherche-entreprises.api.gouv.fr/search"
        );
        assert_eq!(
            url("http://127.0.0.1:8080/mirror/"),
            "http://127.0.0.1:8080/mirror/search"
        );
        let directory = directory_at(
            "https://recherche-entreprises.api.gouv.fr",
            Arc::new(MemoryStore::new()),
        );
        assert_eq!(
            directory
                .url_for(&Siret::parse("13002526500013").unwrap())
                .as_str(),
            "https://recherche-entreprises.api.gouv.fr/search?q=13002526500013&minimal=true\
             &include=siege%2Ccomplements%2Cmatching_etablissements&page=1&per_page=1"
        );
    }

    #[tokio::test]
    async fn a_kept_answer_is_given_without_asking() {
        let store: SharedStore = Arc::new(MemoryStore::new());
        let organisation = sirene::organisation(
            &Siret::parse("13002526500013").unwrap(),
            include_bytes!("../../tests/fixtures/sirene/public-body.json"),
        )
        .unwrap();
        store::put_json(
            store.as_ref(),
            "directory:13002526500013",
            &Cached {
                organisation: organisation.clone(),
            },
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        store::put_json(
            store.as_ref(),
            "directory:91234567500041",
            &Cached { organisation: None },
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        // The directory cannot be reached: only the store can answer.
        let directory = directory_at(NOWHERE, store);
        assert_eq!(
            directory.lookup("13002526500013").await.unwrap(),
            organisation
        );
        assert_eq!(directory.lookup("91234567500041").await.unwrap(), None);
        assert!(matches!(
            directory.lookup("13002526500021").await,
            Err(DirectoryError::Unreachable(_))
        ));
    }

    #[tokio::test]
    async fn an_entry_of_another_format_is_asked_again_not_believed() {
        let store: SharedStore = Arc::new(MemoryStore::new());
        store
            .put(
                "directory:13002526500013",
                br#"{"organisation":{"siret":"13002526500013"}}"#.to_vec(),
                Duration::from_secs(60),
            )
            .await
            .unwrap();
        let directory = directory_at(NOWHERE, store);
        assert!(matches!(
            directory.lookup("13002526500013").await,
            Err(DirectoryError::Unreachable(_))
        ));
    }

    #[tokio::test]
    async fn a_malformed_siret_is_refused_before_anything_is_asked() {
        let directory = directory_at(NOWHERE, Arc::new(MemoryStore::new()));
        let started = Instant::now();
        assert!(matches!(
            directory.lookup("1300252650001").await,
            Err(DirectoryError::InvalidSiret)
        ));
        assert!(started.elapsed() < Duration::from_millis(100));
    }
}
