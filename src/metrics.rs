//! Metrics, rendered in Prometheus text format at `GET /metrics`.
//!
//! The `metrics` facade records into one process-wide recorder
//! ([`install`], idempotent); every metric the portal exports is named
//! here, with a function per event, so that call sites say what happened
//! (`metrics::login_completed(federation)`) and the names and labels stay
//! in one table:
//!
//! | metric | type | labels |
//! | --- | --- | --- |
//! | `aiguillage_logins_started_total` | counter | `federation` |
//! | `aiguillage_logins_completed_total` | counter | `federation` |
//! | `aiguillage_logins_failed_total` | counter | `federation`, `reason` |
//! | `aiguillage_authorizations_total` | counter | `client_id`, `outcome` (`accepted`, `refused`) |
//! | `aiguillage_codes_issued_total` | counter | `client_id` |
//! | `aiguillage_codes_redeemed_total` | counter | `client_id` |
//! | `aiguillage_codes_refused_total` | counter | `client_id`, `error` |
//! | `aiguillage_upstream_request_duration_seconds` | histogram | `federation`, `endpoint` (`discovery`, `jwks`, `token`, `userinfo`), `outcome` (`ok`, `error`) |
//! | `aiguillage_federation_discovery_up` | gauge | `federation` (1: last discovery worked) |
//! | `aiguillage_directory_lookups_total` | counter | `outcome` (`found`, `not_found`, `cached`, `failed`, `invalid`) |
//! | `aiguillage_directory_request_duration_seconds` | histogram | `outcome` (`ok`, `error`) |
//! | `aiguillage_rate_limited_requests_total` | counter | `limit` |
//! | `aiguillage_store_errors_total` | counter | `kind` |
//! | `aiguillage_locales_reloads_total` | counter | `outcome` (`applied`, `refused`) |
//! | `aiguillage_locales_refused` | gauge | (1: the text folder on disk is refused, older texts served) |
//! | `aiguillage_http_requests_total` | counter | `method`, `route`, `status` |
//! | `aiguillage_http_request_duration_seconds` | histogram | `route` |
//!
//! Labels only ever hold values from a closed set (federation ids, the
//! configured démarches' client ids, route patterns, fixed words): a value
//! from a request never becomes a label, so the number of series is
//! bounded. A démarche's `client_id` that is not registered is `unknown`.
//!
//! This module sits just above `domain`: every layer may call it.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::domain::Federation;

pub const LOGINS_STARTED: &str = "aiguillage_logins_started_total";
pub const LOGINS_COMPLETED: &str = "aiguillage_logins_completed_total";
pub const LOGINS_FAILED: &str = "aiguillage_logins_failed_total";
pub const AUTHORIZATIONS: &str = "aiguillage_authorizations_total";
pub const CODES_ISSUED: &str = "aiguillage_codes_issued_total";
pub const CODES_REDEEMED: &str = "aiguillage_codes_redeemed_total";
pub const CODES_REFUSED: &str = "aiguillage_codes_refused_total";
pub const TOKEN_EXCHANGES: &str = "aiguillage_token_exchanges_total";
pub const UPSTREAM_DURATION: &str = "aiguillage_upstream_request_duration_seconds";
pub const DISCOVERY_UP: &str = "aiguillage_federation_discovery_up";
pub const DIRECTORY_LOOKUPS: &str = "aiguillage_directory_lookups_total";
pub const DIRECTORY_DURATION: &str = "aiguillage_directory_request_duration_seconds";
pub const RATE_LIMITED: &str = "aiguillage_rate_limited_requests_total";
pub const STORE_ERRORS: &str = "aiguillage_store_errors_total";
pub const LOCALES_RELOADS: &str = "aiguillage_locales_reloads_total";
pub const LOCALES_REFUSED: &str = "aiguillage_locales_refused";
pub const HTTP_REQUESTS: &str = "aiguillage_http_requests_total";
pub const HTTP_DURATION: &str = "aiguillage_http_request_duration_seconds";

/// Histogram buckets, in seconds: from a fast local call to the longest
/// federation timeout (30 s).
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder the first time, and returns the
/// handle that renders it. Later calls (several portals in one test
/// process) share it.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .expect("buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed: /metrics stays empty");
            }
            describe();
            // Histograms keep raw samples until drained: drain them
            // regularly even if nobody scrapes.
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(5));
                        upkeep.run_upkeep();
                    }
                })
                .expect("thread starts");
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(LOGINS_STARTED, "Logins sent to a federation");
    describe_counter!(
        LOGINS_COMPLETED,
        "Logins that came back from a federation and were accepted"
    );
    describe_counter!(
        LOGINS_FAILED,
        "Logins that came back from a federation and were not accepted, by reason"
    );
    describe_counter!(
        AUTHORIZATIONS,
        "Authorization requests of démarches, accepted or refused"
    );
    describe_counter!(CODES_ISSUED, "Authorization codes given to démarches");
    describe_counter!(CODES_REDEEMED, "Authorization codes exchanged for tokens");
    describe_counter!(CODES_REFUSED, "Token requests refused, by OAuth error");
    describe_counter!(
        TOKEN_EXCHANGES,
        "Federation tokens asked by token exchange, by démarche and outcome"
    );
    describe_histogram!(
        UPSTREAM_DURATION,
        metrics::Unit::Seconds,
        "Duration of the portal's calls to a federation"
    );
    describe_gauge!(
        DISCOVERY_UP,
        "1 when the federation's last discovery (and keys) fetch worked, else 0"
    );
    describe_counter!(
        DIRECTORY_LOOKUPS,
        "Organisations looked up by SIRET: found, not found, answered from the cache, failed (the directory slow, down or answering wrongly: the login goes on without the claim), invalid SIRET"
    );
    describe_histogram!(
        DIRECTORY_DURATION,
        metrics::Unit::Seconds,
        "Duration of the portal's calls to the company directory"
    );
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit");
    describe_counter!(
        STORE_ERRORS,
        "Requests that failed because the store failed, by kind"
    );
    describe_counter!(
        LOCALES_RELOADS,
        "Edits of the text files applied or refused"
    );
    describe_gauge!(
        LOCALES_REFUSED,
        "1 while the text folder on disk is refused (the last good texts, or the built-in ones, are served), else 0"
    );
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route pattern and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route pattern"
    );
}

/// Why a login that came back from a federation was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// The federation could not be reached (network, timeout, discovery).
    Unreachable,
    /// The federation answered with an OAuth error (e.g. `access_denied`).
    Refused,
    /// A security check failed (signature, state, nonce, mix-up…).
    Rejected,
    /// Unknown, expired or replayed `state`.
    Expired,
    /// The portal's own failure (store).
    Internal,
}

impl LoginFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginFailure::Unreachable => "unreachable",
            LoginFailure::Refused => "refused",
            LoginFailure::Rejected => "rejected",
            LoginFailure::Expired => "expired",
            LoginFailure::Internal => "internal",
        }
    }
}

/// A federation endpoint the portal calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamEndpoint {
    Discovery,
    Jwks,
    Token,
    Userinfo,
}

impl UpstreamEndpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamEndpoint::Discovery => "discovery",
            UpstreamEndpoint::Jwks => "jwks",
            UpstreamEndpoint::Token => "token",
            UpstreamEndpoint::Userinfo => "userinfo",
        }
    }
}

pub fn login_started(federation: Federation) {
    metrics::counter!(LOGINS_STARTED, "federation" => federation.id()).increment(1);
}

pub fn login_completed(federation: Federation) {
    metrics::counter!(LOGINS_COMPLETED, "federation" => federation.id()).increment(1);
}

pub fn login_failed(federation: Federation, reason: LoginFailure) {
    metrics::counter!(LOGINS_FAILED, "federation" => federation.id(), "reason" => reason.as_str())
        .increment(1);
}

/// `client_id` must be a registered démarche's, or `None` (`unknown`).
pub fn authorization(client_id: Option<&str>, accepted: bool) {
    let outcome = if accepted { "accepted" } else { "refused" };
    metrics::counter!(AUTHORIZATIONS, "client_id" => client_label(client_id), "outcome" => outcome)
        .increment(1);
}

pub fn code_issued(client_id: &str) {
    metrics::counter!(CODES_ISSUED, "client_id" => client_id.to_owned()).increment(1);
}

pub fn code_redeemed(client_id: &str) {
    metrics::counter!(CODES_REDEEMED, "client_id" => client_id.to_owned()).increment(1);
}

/// A token exchange (RFC 8693) by a registered démarche: given, or the
/// OAuth error it got. Never the tokens.
pub fn token_exchange(client_id: &str, error: Option<&'static str>) {
    metrics::counter!(
        TOKEN_EXCHANGES,
        "client_id" => client_id.to_owned(),
        "outcome" => error.unwrap_or("exchanged")
    )
    .increment(1);
}

/// A refused token request; `client_id` when the client authenticated.
pub fn code_refused(client_id: Option<&str>, error: &'static str) {
    metrics::counter!(CODES_REFUSED, "client_id" => client_label(client_id), "error" => error)
        .increment(1);
}

fn client_label(client_id: Option<&str>) -> String {
    client_id.unwrap_or("unknown").to_owned()
}

/// One call to a federation and how long it took.
pub fn upstream_call(
    federation: Federation,
    endpoint: UpstreamEndpoint,
    elapsed: Duration,
    ok: bool,
) {
    metrics::histogram!(
        UPSTREAM_DURATION,
        "federation" => federation.id(),
        "endpoint" => endpoint.as_str(),
        "outcome" => if ok { "ok" } else { "error" },
    )
    .record(elapsed.as_secs_f64());
}

/// The federation's discovery document and keys were (not) fetched.
pub fn discovery_status(federation: Federation, up: bool) {
    metrics::gauge!(DISCOVERY_UP, "federation" => federation.id()).set(if up { 1.0 } else { 0.0 });
}

/// How a lookup of an organisation by SIRET ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryOutcome {
    /// The directory knows the establishment.
    Found,
    /// The directory does not know it (no result).
    NotFound,
    /// Answered from the store, found or not: no request made.
    Cached,
    /// Timeout, connection, status, size or shape: no answer.
    Failed,
    /// Not a SIRET: no request made.
    Invalid,
}

impl DirectoryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectoryOutcome::Found => "found",
            DirectoryOutcome::NotFound => "not_found",
            DirectoryOutcome::Cached => "cached",
            DirectoryOutcome::Failed => "failed",
            DirectoryOutcome::Invalid => "invalid",
        }
    }
}

/// A lookup of an organisation by SIRET ended so.
pub fn directory_lookup(outcome: DirectoryOutcome) {
    metrics::counter!(DIRECTORY_LOOKUPS, "outcome" => outcome.as_str()).increment(1);
}

/// One call to the company directory and how long it took.
pub fn directory_request(elapsed: Duration, ok: bool) {
    metrics::histogram!(DIRECTORY_DURATION, "outcome" => if ok { "ok" } else { "error" })
        .record(elapsed.as_secs_f64());
}

/// A request refused by the rate limit named `limit` (a fixed word such
/// as `login` or `token`, never a value from the request).
pub fn rate_limited(limit: &'static str) {
    metrics::counter!(RATE_LIMITED, "limit" => limit).increment(1);
}

/// A request failed because the store did; `kind` is the error's kind
/// (`backend`, `corrupt`, `too_large`, `config`).
pub fn store_error(kind: &'static str) {
    metrics::counter!(STORE_ERRORS, "kind" => kind).increment(1);
}

/// An edit of the text files was applied or refused.
pub fn locales_reload(applied: bool) {
    let outcome = if applied { "applied" } else { "refused" };
    metrics::counter!(LOCALES_RELOADS, "outcome" => outcome).increment(1);
}

/// Whether the text folder as it is on disk is refused (set at start and
/// after every reload): an alert on `aiguillage_locales_refused == 1`
/// catches an edit that never reached the pages.
pub fn locales_refused(refused: bool) {
    metrics::gauge!(LOCALES_REFUSED).set(if refused { 1.0 } else { 0.0 });
}

/// An answered HTTP request; `route` is the matched pattern (`/choix/{population}`)
/// or `unmatched`.
pub fn http_request(method: &str, route: String, status: u16, elapsed: Duration) {
    let method = match method {
        "GET" | "HEAD" | "POST" | "OPTIONS" | "PUT" | "DELETE" | "PATCH" => method.to_owned(),
        _ => "other".to_owned(),
    };
    metrics::histogram!(HTTP_DURATION, "route" => route.clone()).record(elapsed.as_secs_f64());
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status.to_string())
        .increment(1);
}
