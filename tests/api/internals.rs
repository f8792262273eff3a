//! Every name the tests take from the crate's internals, in one place.
//!
//! The tests drive the portal over HTTP, as a person, a démarche or a
//! federation would. Only its start-up takes Rust values: `Settings` and
//! the types they hold. Those types, and the few values tests read from
//! them, are reached through this module alone, so that a rename in `src/`
//! is followed here and nowhere else. Test files say what they want
//! (`use_federation_at`, `register_demarche`, `set_code_ttl`…), never which
//! field holds it.

use std::net::TcpListener;

pub use aiguillage::common::clock::system_now as unix_now;
pub use aiguillage::configuration::Settings;
pub use aiguillage::domain::Federation;

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

/// What every test portal starts from, on `port`: no federation enabled
/// (tests never reach the real integration platforms), fixed keys (no key
/// generation in every test, no shared data dir).
pub fn test_settings(port: u16) -> Settings {
    let mut settings = Settings::defaults();
    for f in Federation::ALL {
        settings.federations.get_mut(f).enabled = false;
    }
    with_test_keys(settings, port)
}

/// `settings` on `port`, with the fixed test keys (no key generation in
/// every test, no shared data dir).
pub fn with_test_keys(mut settings: Settings, port: u16) -> Settings {
    settings.server.port = port;
    settings.provider.signing_key_file = Some(fixture_path("keys/rsa-1.pem"));
    settings.provider.pairwise_secret =
        Some(Secret("a-pairwise-secret-for-tests-only-0123456789".into()));
    settings
}

/// Builds the portal on `listener` and runs it in the background; returns
/// its address without the trailing slash and the handle that stops it. That is the public URL
/// (`http://localhost:PORT` in development): the portal sends browsers on
/// 127.0.0.1 to it, so that cookies follow one host.
pub fn serve(settings: Settings, listener: TcpListener) -> (String, actix_web::dev::ServerHandle) {
    let app = Application::build_with_listener(settings, listener).expect("application builds");
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

/// The portal's default callback path for `federation`.
pub fn callback_path(federation: Federation) -> String {
    FederationSettings::default_for(federation).redirect_path
}

/// Where `federation`'s logout sends the browser back, by default.
pub fn post_logout_path(federation: Federation) -> String {
    FederationSettings::default_for(federation).post_logout_redirect_path
}

/// A démarche to register as the portal's client.
pub struct Demarche<'a> {
    pub client_id: &'a str,
    /// `None`: a public client (no secret, PKCE required).
    pub secret: Option<&'a str>,
    pub name: &'a str,
    pub redirect_uri: &'a str,
    pub post_logout_redirect_uri: &'a str,
    /// For the discovery-only mode (`/decouverte`).
    pub discovery_return_prefix: Option<&'a str>,
}

pub fn register_demarche(settings: &mut Settings, d: Demarche) {
    settings.demarches.push(DemarcheSettings {
        client_id: d.client_id.into(),
        client_secret: d.secret.map(|s| Secret(s.into())),
        client_secret_file: None,
        name: d.name.into(),
        redirect_uris: vec![d.redirect_uri.parse().unwrap()],
        post_logout_redirect_uris: vec![d.post_logout_redirect_uri.parse().unwrap()],
        federations: None,
        providers: None,
        populations: None,
        public: d.secret.is_none(),
        discovery_return_prefixes: d
            .discovery_return_prefix
            .map(|p| p.parse().unwrap())
            .into_iter()
            .collect(),
        id_token_signed_response_alg: None,
    });
}

/// The registered démarche `client_id` asks for ID tokens signed with
/// `alg` (`id_token_signed_response_alg`).
pub fn sign_id_tokens_with(settings: &mut Settings, client_id: &str, alg: &str) {
    registered(settings, client_id).id_token_signed_response_alg = Some(alg.into());
}

/// The provider's ES256 key: the test key `name` (`tests/fixtures/keys`).
pub fn use_es256_key(settings: &mut Settings, name: &str) {
    settings.provider.es256_key_file = Some(fixture_path(&format!("keys/{name}.pem")));
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

/// How long the provider's authorization codes live.
pub fn set_code_ttl_seconds(settings: &mut Settings, seconds: u64) {
    settings.provider.code_ttl_seconds = seconds;
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

/// The portal's public URL.
pub fn set_public_url(settings: &mut Settings, url: &str) {
    settings.server.public_url = Some(url.parse().unwrap());
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

/// A démarche registered at the portal: confidential, the given redirect
/// and post-logout URIs, every federation and population accepted.
pub fn demarche_client(
    client_id: &str,
    secret: &str,
    name: &str,
    redirect_uri: &str,
    post_logout_redirect_uri: &str,
) -> DemarcheSettings {
    DemarcheSettings {
        client_id: client_id.into(),
        client_secret: Some(Secret(secret.into())),
        client_secret_file: None,
        name: name.into(),
        redirect_uris: vec![redirect_uri.parse().unwrap()],
        post_logout_redirect_uris: vec![post_logout_redirect_uri.parse().unwrap()],
        federations: None,
        providers: None,
        populations: None,
        public: false,
        discovery_return_prefixes: vec![],
        id_token_signed_response_alg: None,
    }
}

// ---------------------------------------------------------------------------
// The company directory (tests/api/directory.rs).

pub use aiguillage::common::clock::Clock;
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

/// Every metric of this process, in Prometheus text format.
pub fn metrics_text() -> String {
    aiguillage::metrics::install().render()
}
