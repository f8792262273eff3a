//! Every name the tests take from the crate's internals, in one place.
//!
//! The tests drive the portal over HTTP, as a person, a démarche or a
//! federation would. Only its start-up takes Rust values: `Settings` and
//! the types they hold, and the clock. Those types, and the few values
//! tests read from them, are reached through this module alone (no other
//! test file says `aiguillage::`), so that a rename in `src/` is followed
//! here and nowhere else. Test files say what they want
//! (`use_federation_at`, `Demarche::confidential`, `set_code_ttl_seconds`…),
//! never which field holds it. The few tests of a module itself (the
//! stores, the texts) take that module's types from here too.

use std::net::TcpListener;
use std::path::Path;

pub use aiguillage::common::clock::Clock;
pub use aiguillage::common::clock::system_now as unix_now;
pub use aiguillage::configuration::Settings;
pub use aiguillage::configuration::site::AccessibilityStatus;
pub use aiguillage::domain::Federation;
/// The texts, for the tests of the texts themselves (`i18n.rs`).
pub use aiguillage::i18n::{Lang, Locales};
/// The keys the templates and code use, and those a folder lacks.
pub use aiguillage::routes::texts::{USED_KEYS, missing_keys};
/// The stores, for the tests of the stores themselves.
pub use aiguillage::store::{MemoryStore, RedisStore, Store, StoreError, StoreSettings};

/// The store `settings` choose (memory, or Redis with a URL), on the
/// system's clock.
pub async fn open_store(settings: &StoreSettings) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    aiguillage::store::open(settings, &Clock::system()).await
}

use aiguillage::common::Secret;
use aiguillage::provider::settings::DemarcheSettings;
use aiguillage::startup::Application;
use aiguillage::upstream::FederationSettings;

use crate::helpers::fixture_path;

/// The portal's client id and secret at every test federation (the Node
/// peers register them; the wiremock double expects them).
pub const CLIENT_ID: &str = "aiguillage-test";
pub const CLIENT_SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

/// The portal's logs on stdout (`TEST_LOG=1`).
pub fn init_logs() {
    aiguillage::telemetry::init(aiguillage::configuration::LogFormat::Human);
}

// ---------------------------------------------------------------------------
// Start-up (for `portal.rs`)

/// What every test portal starts from: no federation enabled (tests never
/// reach the real integration platforms), fixed keys (no key generation in
/// every test, no shared data dir).
pub fn test_settings() -> Settings {
    let mut settings = Settings::defaults();
    for f in Federation::ALL {
        settings.federations.get_mut(f).enabled = false;
    }
    // Never the real company directory from a test: a test that wants
    // it points it at the double ([`use_directory`]).
    settings.directory.enabled = false;
    with_test_keys(settings)
}

/// The settings an operator's file gives (defaults, then the file), or
/// every problem it has.
pub fn settings_from_file(file: &Path) -> Result<Settings, String> {
    Settings::load(Some(file)).map_err(|e| e.to_string())
}

/// `settings` with the fixed test keys (no key generation in every test,
/// no shared data dir).
pub fn with_test_keys(mut settings: Settings) -> Settings {
    settings.provider.signing_key_file = Some(fixture_path(TEST_SIGNING_KEY));
    settings.provider.pairwise_secret = Some(Secret(TEST_PAIRWISE_SECRET.into()));
    settings
}

const TEST_SIGNING_KEY: &str = "keys/rsa-1.pem";
const TEST_PAIRWISE_SECRET: &str = "a-pairwise-secret-for-tests-only-0123456789";

/// The test keys and the port, as the environment gives them to the real
/// binary reading an operator's file.
pub fn test_keys_and_port_env(port: u16) -> Vec<(String, String)> {
    let key = fixture_path(TEST_SIGNING_KEY).display().to_string();
    [
        ("AIGUILLAGE__SERVER__PORT", port.to_string()),
        ("AIGUILLAGE__PROVIDER__SIGNING_KEY_FILE", key),
        ("AIGUILLAGE__DIRECTORY__ENABLED", "false".into()),
        (
            "AIGUILLAGE__PROVIDER__PAIRWISE_SECRET",
            TEST_PAIRWISE_SECRET.into(),
        ),
    ]
    .map(|(k, v)| (k.to_owned(), v))
    .to_vec()
}

/// The port the portal listens on.
pub fn set_port(settings: &mut Settings, port: u16) {
    settings.server.port = port;
}

/// The settings as the TOML file an operator would write (the real
/// binary is started with it).
pub fn settings_as_toml(settings: &Settings) -> String {
    toml::to_string(settings).expect("the settings as TOML")
}

/// Whether two settings say the same (compared as their TOML).
pub fn same_settings(a: &Settings, b: &Settings) -> bool {
    settings_as_toml(a) == settings_as_toml(b)
}

/// Where the texts are read from.
pub fn locales_dir(settings: &Settings) -> &Path {
    &settings.i18n.locales_dir
}

/// Texts read from `dir` (a copy of `locales/` a test edits).
pub fn set_locales_dir(settings: &mut Settings, dir: &Path) {
    settings.i18n.locales_dir = dir.to_owned();
}

/// Builds the portal on `listener`, reading `clock`, and runs it in the
/// background; returns its address without the trailing slash and the
/// handle that stops it. That is the public URL (`http://localhost:PORT`
/// in development): the portal sends browsers on 127.0.0.1 to it, so that
/// cookies follow one host.
pub fn serve(
    settings: Settings,
    listener: TcpListener,
    clock: Clock,
) -> (String, actix_web::dev::ServerHandle) {
    let app = Application::build_with_clock(settings, listener, clock).expect("application builds");
    let address = if aiguillage::common::is_loopback_url(app.public_url()) {
        app.public_url().as_str().trim_end_matches('/').to_owned()
    } else {
        format!("http://127.0.0.1:{}", app.port())
    };
    // Stops the instance from a test (an instance restarted).
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    (address, handle)
}

// ---------------------------------------------------------------------------
// Federations

/// Enables `federation` with its issuer at `issuer` and the test client's
/// credentials ([`CLIENT_ID`], [`CLIENT_SECRET`]).
pub fn use_federation_at(settings: &mut Settings, federation: Federation, issuer: &str) {
    let p = settings.federations.get_mut(federation);
    p.enabled = true;
    p.issuer = issuer.parse().unwrap();
    p.discovery_url = None;
    p.client_id = Some(CLIENT_ID.into());
    p.client_secret = Some(Secret(CLIENT_SECRET.into()));
    if federation == Federation::FranceConnectPlus {
        // A fixed decryption key: nothing generated into a data dir.
        p.encryption_key_file = Some(fixture_path("keys/rsa-2.pem"));
    }
}

/// Takes the federation's userinfo as plain JSON too (FranceConnect's
/// default is to require a signed one).
pub fn accept_unsigned_userinfo(settings: &mut Settings, federation: Federation) {
    settings.federations.get_mut(federation).userinfo_signed = false;
}

/// The back-channel timeout toward `federation`.
pub fn set_federation_timeout_ms(settings: &mut Settings, federation: Federation, ms: u64) {
    settings.federations.get_mut(federation).timeout_ms = ms;
}

/// Hosts besides its issuer's origin that `federation`'s discovery
/// document may name as endpoints (`endpoint_hosts`).
pub fn allow_endpoint_hosts(settings: &mut Settings, federation: Federation, hosts: &[&str]) {
    settings.federations.get_mut(federation).endpoint_hosts =
        hosts.iter().map(|h| h.to_string()).collect();
}

/// The portal's default callback path for `federation`.
pub fn callback_path(federation: Federation) -> String {
    FederationSettings::default_for(federation).redirect_path
}

/// Where `federation`'s logout sends the browser back, by default.
pub fn post_logout_path(federation: Federation) -> String {
    FederationSettings::default_for(federation).post_logout_redirect_path
}

/// How `federation`'s discovery document is found (its issuer's, or a
/// name of its own).
pub fn discovery_url(settings: &Settings, federation: Federation) -> String {
    settings
        .federations
        .get(federation)
        .discovery_url()
        .to_string()
}

/// Every federation enabled, at an address where nothing answers, with a
/// client id and secret: their routes exist, none answers.
pub fn enable_every_federation_nowhere(settings: &mut Settings) {
    for f in Federation::ALL {
        let p = settings.federations.get_mut(f);
        p.enabled = true;
        p.issuer = "http://127.0.0.1:9/issuer".parse().unwrap();
        p.discovery_url = None;
        p.client_id = Some("portail".into());
        p.client_secret = Some(Secret("secret".into()));
    }
}

/// Enables `federation` with credentials and an issuer where nothing
/// listens: the portal offers its button (it can start a login), and a
/// login attempt finds the federation unreachable.
pub fn enable_unreachable(settings: &mut Settings, federation: Federation) {
    // No background probe: it would show the federation down before anyone
    // presses its button, and these tests press it to meet the outage.
    settings.federation_probe.enabled = false;
    use_federation_at(
        settings,
        federation,
        &format!("http://127.0.0.1:9/{}", federation.id()),
    );
}

/// The background probe of the federations asks every `seconds`.
pub fn probe_federations_every(settings: &mut Settings, seconds: u64) {
    settings.federation_probe.interval_seconds = seconds;
}

/// A route of the portal: its path pattern, methods, `Allow` header.
pub use aiguillage::routes::RouteInfo as Route;

/// Every route the portal with `settings` registers (its own table).
pub fn route_table(settings: &Settings) -> Vec<Route> {
    let config = settings.resolve().expect("the settings resolve");
    aiguillage::routes::route_table(&config.federations)
}

/// Whether `settings` resolve; the problems found, with their keys.
pub fn config_problems(settings: &Settings) -> Vec<(String, String)> {
    match settings.resolve() {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|i| (i.key, i.message)).collect(),
    }
}

// ---------------------------------------------------------------------------
// Démarches

/// A démarche to register at the portal: its client id, secret (none for
/// a public client, which must use PKCE), name and redirect URI; every
/// federation and population accepted unless said otherwise.
#[derive(Clone, Debug)]
pub struct Demarche {
    client_id: String,
    secret: Option<String>,
    name: String,
    redirect_uri: String,
    post_logout_redirect_uri: Option<String>,
    discovery_return_prefix: Option<String>,
    federations: Option<Vec<Federation>>,
    id_token_alg: Option<String>,
    data_scopes: Vec<(Federation, Vec<String>)>,
}

impl Demarche {
    /// A démarche with a server: it authenticates with `secret`.
    pub fn confidential(client_id: &str, secret: &str, name: &str, redirect_uri: &str) -> Demarche {
        Demarche {
            client_id: client_id.into(),
            secret: Some(secret.into()),
            name: name.into(),
            redirect_uri: redirect_uri.into(),
            post_logout_redirect_uri: None,
            discovery_return_prefix: None,
            federations: None,
            id_token_alg: None,
            data_scopes: Vec::new(),
        }
    }

    /// A public client (single-page or mobile app): no secret, PKCE.
    pub fn public(client_id: &str, name: &str, redirect_uri: &str) -> Demarche {
        Demarche {
            secret: None,
            ..Demarche::confidential(client_id, "", name, redirect_uri)
        }
    }

    /// Where its logout may send the browser back.
    pub fn after_logout(mut self, uri: &str) -> Demarche {
        self.post_logout_redirect_uri = Some(uri.into());
        self
    }

    /// A prefix the discovery-only mode (`/decouverte`) may return to.
    pub fn discovery_return(mut self, prefix: &str) -> Demarche {
        self.discovery_return_prefix = Some(prefix.into());
        self
    }

    /// It accepts only `federations`.
    pub fn accepting(mut self, federations: &[Federation]) -> Demarche {
        self.federations = Some(federations.to_vec());
        self
    }

    /// It asks for ID tokens signed with `alg` (`id_token_signed_response_alg`).
    pub fn id_tokens_signed_with(mut self, alg: &str) -> Demarche {
        self.id_token_alg = Some(alg.into());
        self
    }

    /// It may ask `federation`'s data `scopes` (API FranceConnectées:
    /// `data_scopes`).
    pub fn with_data_scopes(mut self, federation: Federation, scopes: &[&str]) -> Demarche {
        let scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self.data_scopes.push((federation, scopes));
        self
    }
}

/// Registers `d` at the portal.
pub fn register_demarche(settings: &mut Settings, d: Demarche) {
    settings.demarches.push(DemarcheSettings {
        client_id: d.client_id,
        public: d.secret.is_none(),
        client_secret: d.secret.map(Secret),
        client_secret_file: None,
        name: d.name,
        redirect_uris: vec![d.redirect_uri.parse().unwrap()],
        post_logout_redirect_uris: d
            .post_logout_redirect_uri
            .map(|u| u.parse().unwrap())
            .into_iter()
            .collect(),
        federations: d.federations,
        providers: None,
        populations: None,
        discovery_return_prefixes: d
            .discovery_return_prefix
            .map(|p| p.parse().unwrap())
            .into_iter()
            .collect(),
        id_token_signed_response_alg: d.id_token_alg,
        data_scopes: d.data_scopes.into_iter().collect(),
        home_url: None,
    });
}

/// The registered démarche `client_id` asks for ID tokens signed with
/// `alg` (`id_token_signed_response_alg`).
pub fn sign_id_tokens_with(settings: &mut Settings, client_id: &str, alg: &str) {
    registered(settings, client_id).id_token_signed_response_alg = Some(alg.into());
}

/// The registered démarche `client_id` accepts only `federations`.
pub fn accept_only(settings: &mut Settings, client_id: &str, federations: &[Federation]) {
    registered(settings, client_id).federations = Some(federations.to_vec());
}

/// The settings of the registered démarche `client_id`.
fn registered<'a>(settings: &'a mut Settings, client_id: &str) -> &'a mut DemarcheSettings {
    settings
        .demarches
        .iter_mut()
        .find(|c| c.client_id == client_id)
        .unwrap_or_else(|| panic!("no démarche {client_id} registered"))
}

// ---------------------------------------------------------------------------
// The provider toward démarches

/// How long the provider's authorization codes live.
pub fn set_code_ttl_seconds(settings: &mut Settings, seconds: u64) {
    settings.provider.code_ttl_seconds = seconds;
}

/// The provider's ES256 key: the test key `name` (`tests/fixtures/keys`).
pub fn use_es256_key(settings: &mut Settings, name: &str) {
    settings.provider.es256_key_file = Some(fixture_path(&format!("keys/{name}.pem")));
}

/// The provider signs with the test key `active` and still publishes the
/// `retired` ones (names of `tests/fixtures/keys/*.pem`).
pub fn use_signing_keys(settings: &mut Settings, active: &str, retired: &[&str]) {
    settings.provider.signing_key_file = Some(fixture_path(&format!("keys/{active}.pem")));
    settings.provider.retired_key_files = retired
        .iter()
        .map(|k| fixture_path(&format!("keys/{k}.pem")))
        .collect();
}

/// No pairwise secret given inline (a file, or none, gives it).
pub fn forget_inline_pairwise_secret(settings: &mut Settings) {
    settings.provider.pairwise_secret = None;
}

/// Each authorization parameter a démarche may send with its largest
/// size; the largest `state`; the largest whole request.
pub use aiguillage::provider::authorize::{
    LIMITS as AUTHORIZE_PARAMETER_LIMITS, MAX_REQUEST_BYTES as MAX_AUTHORIZE_REQUEST_BYTES,
    MAX_STATE_BYTES,
};

// ---------------------------------------------------------------------------
// The server, the store and the limits

/// The portal's public URL.
pub fn set_public_url(settings: &mut Settings, url: &str) {
    settings.server.public_url = Some(url.parse().unwrap());
}

/// The session key, from a file (instances that share sessions).
pub fn set_session_key_file(settings: &mut Settings, file: &Path) {
    settings.server.session_key_file = Some(file.to_owned());
}

/// A session ends after `minutes` without a request, and `hours` after
/// its login however active.
pub fn set_session_lifetimes(settings: &mut Settings, minutes: u32, hours: u32) {
    settings.server.session_ttl_minutes = minutes;
    settings.server.session_max_hours = hours;
}

/// The store is the Redis at `url`, whose every operation may take at
/// most `timeout_ms`.
pub fn use_redis(settings: &mut Settings, url: &str, timeout_ms: u64) {
    settings.store.url = Some(url.into());
    settings.store.timeout_ms = timeout_ms;
}

/// The memory store keeps at most `max_bytes` in `max_entries`.
pub fn set_store_bounds(settings: &mut Settings, max_bytes: u64, max_entries: u64) {
    settings.store.memory_max_bytes = max_bytes;
    settings.store.memory_max_entries = max_entries;
}

/// Redis: at most `entries` strangers' entries created per 15 minutes, by
/// every instance together.
pub fn set_anonymous_max_entries(settings: &mut Settings, entries: u64) {
    settings.store.anonymous_max_entries = entries;
}

/// Logins started (and every other request that keeps something) per
/// client address: `per_minute` sustained, `burst` at once.
pub fn set_login_rate_limit(settings: &mut Settings, per_minute: u32, burst: u32) {
    settings.rate_limit.login_per_minute = per_minute;
    settings.rate_limit.login_burst = burst;
}

/// Token requests per client address: `per_minute` sustained, `burst` at once.
pub fn set_token_rate_limit(settings: &mut Settings, per_minute: u32, burst: u32) {
    settings.rate_limit.token_per_minute = per_minute;
    settings.rate_limit.token_burst = burst;
}

/// How many client addresses each rate limit tracks.
pub fn set_rate_limited_clients(settings: &mut Settings, max: u64) {
    settings.rate_limit.max_clients = max;
}

/// A proxy whose `X-Forwarded-For` is believed (CIDR).
pub fn trust_proxy(settings: &mut Settings, cidr: &str) {
    settings
        .server
        .trusted_proxies
        .push(cidr.parse().expect("a CIDR"));
}

/// `/metrics` on its own address.
pub fn set_metrics_address(settings: &mut Settings, address: std::net::SocketAddr) {
    settings.metrics.listen = Some(address);
}

/// No `/metrics`.
pub fn disable_metrics(settings: &mut Settings) {
    settings.metrics.enabled = false;
}

/// Log lines as JSON.
pub fn log_json(settings: &mut Settings) {
    settings.log.format = aiguillage::configuration::LogFormat::Json;
}

// ---------------------------------------------------------------------------
// The company directory (tests/api/directory.rs).

pub use aiguillage::directory::{Directory, DirectoryError};
pub use aiguillage::domain::Organisation;

/// The directory's client toward `base_url` (the Sirene double), with its
/// timeout, keeping its answers in a memory store of its own on `clock`.
pub fn directory_at(base_url: &str, timeout_ms: u64, clock: &Clock) -> Directory {
    let settings = aiguillage::directory::DirectorySettings {
        enabled: true,
        base_url: base_url.parse().unwrap(),
        timeout_ms,
    };
    let mut issues = Vec::new();
    let config = settings.resolve(&mut issues).expect("enabled");
    assert!(issues.is_empty(), "{issues:?}");
    let store = aiguillage::store::MemoryStore::from_settings(&Default::default(), clock)
        .expect("memory store");
    Directory::new(&config, std::sync::Arc::new(store))
}

/// The company directory at `base_url` (the Sirene double), answering
/// within `timeout_ms`.
pub fn use_directory(settings: &mut Settings, base_url: &str, timeout_ms: u64) {
    settings.directory.enabled = true;
    settings.directory.base_url = base_url.parse().expect("a URL");
    settings.directory.timeout_ms = timeout_ms;
}

/// Every metric of this process, in Prometheus text format.
pub fn metrics_text() -> String {
    aiguillage::metrics::install().render()
}
