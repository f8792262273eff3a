//! The company directory's client (`aiguillage::directory::Directory`)
//! over HTTP, against `tests/support/sirene.mjs`: a double of the API
//! Recherche d'entreprises serving the answers of `tests/fixtures/sirene/`
//! (the API's documented shape, docs/sirene.md), slow, failing or
//! redirecting on demand, and counting what it is asked. The login's use of
//! the organisation (the `organisation` claim) is tested where a login
//! asks for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::instrument::WithSubscriber;

use crate::cli::fails;
use crate::internals::{
    Clock, Directory, DirectoryError, Organisation, directory_at, metrics_text,
};
use crate::peers::{NodePeer, start_node};

/// The double, and what it was asked.
pub struct Sirene {
    pub base_url: String,
    _node: NodePeer,
}

impl Sirene {
    pub async fn start(args: &[&str]) -> Sirene {
        let node = start_node(
            "sirene.mjs",
            &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        )
        .await;
        Sirene {
            base_url: node.info["base_url"].as_str().expect("base_url").to_owned(),
            _node: node,
        }
    }

    /// The query strings of the /search requests received so far.
    pub async fn queries(&self) -> Vec<String> {
        self.requests()
            .await
            .iter()
            .map(|r| r["query"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn requests(&self) -> Vec<serde_json::Value> {
        let seen: serde_json::Value = reqwest::get(format!("{}/__requests", self.base_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen["requests"].as_array().unwrap().clone()
    }
}

const COMPANY: &str = "91234567500025";
const DINUM: &str = "13002526500013";
const COMMUNE: &str = "21340126800130";
const CLOSED: &str = "91234567500033";
const UNKNOWN: &str = "91234567500041";

/// A lookup that must find an organisation.
async fn found(directory: &Directory, siret: &str) -> Organisation {
    directory
        .lookup(siret)
        .await
        .unwrap_or_else(|e| panic!("{siret}: {e}"))
        .unwrap_or_else(|| panic!("{siret}: not found"))
}

#[tokio::test]
async fn a_company_a_public_body_a_local_authority_and_a_closed_establishment() {
    let sirene = Sirene::start(&[]).await;
    let directory = directory_at(&sirene.base_url, 2000, &Clock::system());

    let company = found(&directory, COMPANY).await;
    assert_eq!(
        company,
        Organisation {
            siret: COMPANY.into(),
            siren: "912345675".into(),
            name: Some("ATELIER NUMERIQUE DU RHONE".into()),
            naf: Some("62.02A".into()),
            commune: Some("69383".into()),
            postcode: Some("69003".into()),
            public_body: false,
            local_authority: false,
            active: true,
        }
    );
    let dinum = found(&directory, DINUM).await;
    assert_eq!(dinum.siren, "130025265");
    assert_eq!(
        dinum.name.as_deref(),
        Some("DIRECTION INTERMINISTERIELLE DU NUMERIQUE")
    );
    assert_eq!(dinum.naf.as_deref(), Some("84.11Z"));
    assert!(dinum.public_body && !dinum.local_authority && dinum.active);
    let commune = found(&directory, COMMUNE).await;
    assert_eq!(commune.commune.as_deref(), Some("34126"));
    assert!(commune.public_body && commune.local_authority);
    let closed = found(&directory, CLOSED).await;
    assert!(!closed.active, "{closed:?}");
    assert_eq!(closed.siren, company.siren);

    // The direct search by SIRET, only the parts read (no officers, no
    // finances), one result; and the portal says who it is.
    let requests = sirene.requests().await;
    assert_eq!(requests.len(), 4);
    assert_eq!(
        requests[0]["query"],
        format!(
            "q={COMPANY}&minimal=true&include=siege%2Ccomplements%2Cmatching_etablissements&page=1&per_page=1"
        )
    );
    assert!(
        requests[0]["user_agent"]
            .as_str()
            .unwrap()
            .starts_with("aiguillage/")
    );
}

#[tokio::test]
async fn a_second_lookup_asks_nothing_until_the_day_or_the_hour_is_over() {
    let sirene = Sirene::start(&[]).await;
    let clock = Clock::system();
    let directory = directory_at(&sirene.base_url, 2000, &clock);

    let first = found(&directory, DINUM).await;
    assert_eq!(directory.lookup(UNKNOWN).await.unwrap(), None);
    assert_eq!(sirene.queries().await.len(), 2);
    // Cached: the same answers, nothing asked.
    assert_eq!(found(&directory, DINUM).await, first);
    assert_eq!(directory.lookup(UNKNOWN).await.unwrap(), None);
    assert_eq!(sirene.queries().await.len(), 2);

    // An unknown SIRET is asked again after an hour (it may have been
    // registered since), an organisation after a day.
    clock.advance(Duration::from_secs(3600 + 1));
    assert_eq!(directory.lookup(UNKNOWN).await.unwrap(), None);
    assert_eq!(found(&directory, DINUM).await, first);
    let queries = sirene.queries().await;
    assert_eq!(queries.len(), 3, "{queries:?}");
    assert!(queries[2].starts_with(&format!("q={UNKNOWN}&")));
    clock.advance(Duration::from_secs(23 * 3600));
    found(&directory, DINUM).await;
    assert_eq!(sirene.queries().await.len(), 4);
}

#[tokio::test]
async fn a_slow_directory_ends_the_lookup_within_its_timeout_and_nothing_is_kept() {
    let sirene = Sirene::start(&["--delay-ms", "5000"]).await;
    let directory = directory_at(&sirene.base_url, 300, &Clock::system());
    let started = Instant::now();
    let result = directory.lookup(DINUM).await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(DirectoryError::Timeout(_))),
        "{result:?}"
    );
    // The bound, with room for a shared machine; the double answers after 5 s.
    assert!(
        elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(1300),
        "{elapsed:?}"
    );
    // A failure is not an answer: the next lookup asks again.
    assert!(directory.lookup(DINUM).await.is_err());
    assert_eq!(sirene.queries().await.len(), 2);
}

#[tokio::test]
async fn a_failing_a_redirecting_or_an_absent_directory_is_an_error_at_once() {
    let failing = Sirene::start(&["--fail"]).await;
    let directory = directory_at(&failing.base_url, 2000, &Clock::system());
    let result = directory.lookup(DINUM).await;
    assert!(
        matches!(result, Err(DirectoryError::Status(500))),
        "{result:?}"
    );
    assert!(directory.lookup(DINUM).await.is_err());
    assert_eq!(failing.queries().await.len(), 2, "a failure is not kept");

    // A redirect is never followed (it could lead anywhere).
    let redirecting = Sirene::start(&["--redirect"]).await;
    let directory = directory_at(&redirecting.base_url, 2000, &Clock::system());
    let result = directory.lookup(DINUM).await;
    assert!(
        matches!(result, Err(DirectoryError::Status(302))),
        "{result:?}"
    );
    assert_eq!(redirecting.queries().await.len(), 1);

    // Nothing listens: refused at once, well within the timeout.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let directory = directory_at(&format!("http://127.0.0.1:{port}"), 2000, &Clock::system());
    let started = Instant::now();
    let result = directory.lookup(DINUM).await;
    assert!(
        matches!(result, Err(DirectoryError::Unreachable(_))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn a_malformed_siret_asks_nothing() {
    let sirene = Sirene::start(&[]).await;
    let directory = directory_at(&sirene.base_url, 2000, &Clock::system());
    for bad in [
        "",
        "1300252650001",
        "13002526500013 ",
        "13002526500O13",
        "q=1&x",
    ] {
        let result = directory.lookup(bad).await;
        assert!(
            matches!(result, Err(DirectoryError::InvalidSiret)),
            "{bad:?}: {result:?}"
        );
    }
    assert!(sirene.queries().await.is_empty());
}

/// A writer for log lines that tests read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// `aiguillage_directory_lookups_total{outcome}` now.
fn lookups(outcome: &str) -> f64 {
    let line = format!("aiguillage_directory_lookups_total{{outcome=\"{outcome}\"}} ");
    metrics_text()
        .lines()
        .find_map(|l| l.strip_prefix(&line))
        .map_or(0.0, |v| v.parse().unwrap())
}

#[tokio::test]
async fn a_failure_is_logged_and_counted_without_the_siret() {
    let sirene = Sirene::start(&["--fail"]).await;
    let directory = directory_at(&sirene.base_url, 2000, &Clock::system());
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    // Other tests count too (one recorder per process): at least this one.
    let failed = lookups("failed");
    let result = directory.lookup(COMMUNE).with_subscriber(subscriber).await;
    assert!(result.is_err());
    assert!(lookups("failed") > failed);
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let warning = logs
        .lines()
        .find(|l| l.contains("company directory: no answer"))
        .unwrap_or_else(|| panic!("a warning:\n{logs}"));
    assert!(
        warning.contains("WARN") && warning.contains("500"),
        "{warning}"
    );
    assert!(
        !logs.contains(COMMUNE) && !logs.contains("213401268"),
        "the SIRET is not logged:\n{logs}"
    );

    let answered = lookups("found");
    let ok = Sirene::start(&[]).await;
    directory_at(&ok.base_url, 2000, &Clock::system())
        .lookup(COMMUNE)
        .await
        .unwrap();
    assert!(lookups("found") > answered);
}

#[test]
fn directory_settings_are_checked_with_their_keys() {
    let err = fails(
        &["check-config"],
        &[
            (
                "AIGUILLAGE__DIRECTORY__BASE_URL",
                "http://annuaire.example.fr",
            ),
            ("AIGUILLAGE__DIRECTORY__TIMEOUT_MS", "50"),
        ],
    );
    assert!(err.contains("directory.base_url"), "{err}");
    assert!(err.contains("loopback"), "{err}");
    assert!(err.contains("directory.timeout_ms"), "{err}");
    let err = fails(
        &["check-config"],
        &[("AIGUILLAGE__DIRECTORY__TIMEOUT", "50")],
    );
    assert!(err.contains("timeout"), "an unknown key: {err}");
}
