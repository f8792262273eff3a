//! Builds the running portal from [`Settings`].

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use url::Url;

use crate::common::clock::Clock;
use crate::common::seal::Sealer;
use crate::common::{ConfigErrors, is_loopback_url};
use crate::configuration::{Config, Settings};
use crate::directory::Directory;
use crate::i18n;
use crate::provider::{OpenIdProvider, ProviderSetupError};
use crate::routes::client_ip::ClientIpRule;
use crate::routes::compression::{CompressedBodies, compress_once};
use crate::routes::rate_limit::RateLimits;
use crate::routes::{self, context::AppState, middleware};
use crate::store::{SharedStore, StoreError, StoreSessions};
use crate::upstream::Federations;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid configuration:\n{0}")]
    Config(#[from] ConfigErrors),
    #[error("OpenID provider: {0}")]
    Provider(#[from] ProviderSetupError),
    #[error("federation encryption key: {0}")]
    EncryptionKey(#[from] crate::upstream::EncryptionKeyError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

pub struct Application {
    server: Server,
    /// `/metrics` on its own address (`[metrics] listen`).
    metrics_server: Option<Server>,
    port: u16,
    public_url: Url,
}

/// How long requests in flight may take to finish once a stop is asked
/// (SIGTERM, SIGINT): no new connection is accepted meanwhile.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 30;

impl Application {
    /// Parses the settings once, binds the configured address, builds.
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        Application::from_config(settings.resolve()?)
    }

    /// Binds the configured address and builds.
    pub fn from_config(config: Config) -> Result<Application, StartupError> {
        let address = format!("{}:{}", config.server.host, config.server.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
        Application::on_listener(config, listener)
    }

    /// Builds the portal on a socket bound by the caller (tests bind first,
    /// to tell a federation the callback URL before the portal exists).
    pub fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> Result<Application, StartupError> {
        Application::on_listener(settings.resolve()?, listener)
    }

    /// [`Application::build_with_listener`] with the clock the portal reads
    /// (tests move it forward to see lifetimes end).
    pub fn build_with_clock(
        settings: Settings,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Application, StartupError> {
        Application::on_listener_with_clock(settings.resolve()?, listener, clock)
    }

    fn on_listener(config: Config, listener: TcpListener) -> Result<Application, StartupError> {
        Application::on_listener_with_clock(config, listener, Clock::system())
    }

    fn on_listener_with_clock(
        config: Config,
        listener: TcpListener,
        clock: Clock,
    ) -> Result<Application, StartupError> {
        log_configuration_notes(&config);
        let address = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| "socket".into());
        let port = listener.local_addr().expect("bound socket").port();
        let public_url = config.server.public_url(port);
        let locales = live_locales(&config);
        let session_key = session_key(&config);
        let sealer = match &config.server.session_key {
            Some(secret) => Sealer::derive(secret, "federation tokens"),
            None => Sealer::random("federation tokens"),
        };
        let store = open_store(&config, &clock)?;
        let texts_complete = texts_complete(&locales, &config.chooser);
        let client_addresses = ClientIpRule::new(
            config.server.trusted_proxies.clone(),
            config.server.client_ip_header.clone(),
        );
        let metrics = config.metrics.enabled.then(crate::metrics::install);
        // The texts were read before the recorder existed: publish their state now.
        crate::metrics::locales_refused(locales.refused());
        let metrics_server = match (&metrics, config.metrics.listen) {
            (Some(handle), Some(address)) => Some(metrics_server(handle.clone(), address)?),
            _ => None,
        };
        let state = AppState {
            secure_cookies: !(public_url.scheme() == "http" && is_loopback_url(&public_url)),
            federations: Federations::new(
                &config.federations,
                &public_url,
                &config.provider.data_dir,
            )?,
            provider: OpenIdProvider::new(
                &config.provider,
                config.demarches,
                &public_url,
                clock.clone(),
            )?,
            directory: config
                .directory
                .as_ref()
                .map(|directory| Directory::new(directory, store.clone())),
            chooser: config.chooser,
            locales,
            public_url: public_url.clone(),
            store,
            site: config.site,
            session_max: config.server.session_max,
            texts_complete,
            // On its own address, `/metrics` is not on the portal's.
            metrics: metrics.filter(|_| metrics_server.is_none()),
            clock,
            sealer,
            single_use_routes: routes::route_table(&config.federations)
                .into_iter()
                .filter(|r| r.single_use)
                .map(|r| r.pattern)
                .collect(),
        };
        let rate_limits = config
            .rate_limit
            .as_ref()
            .map(|limits| web::Data::new(RateLimits::new(limits, client_addresses)));
        let sessions = SessionSettings {
            key: session_key,
            ttl: actix_web::cookie::time::Duration::try_from(config.server.session_ttl)
                .unwrap_or(actix_web::cookie::time::Duration::minutes(30)),
        };
        let server = run(
            listener,
            state,
            sessions,
            config.probe_interval,
            rate_limits,
        )
        .map_err(|source| StartupError::Bind { address, source })?;
        Ok(Application {
            server,
            metrics_server,
            port,
            public_url,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn public_url(&self) -> &Url {
        &self.public_url
    }

    /// Stops the server from elsewhere (tests restart an instance).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Runs until a stop is asked (SIGTERM, SIGINT): then finishes the
    /// requests in flight (at most [`SHUTDOWN_TIMEOUT_SECS`]) and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.metrics_server {
            None => self.server.await,
            Some(metrics) => {
                // A server runs while polled: both at once.
                let handle = metrics.handle();
                let metrics = tokio::spawn(metrics);
                let result = self.server.await;
                handle.stop(true).await;
                let _ = metrics.await;
                result
            }
        }
    }
}

/// Deprecated names and risky choices, logged before the portal listens.
fn log_configuration_notes(config: &Config) {
    for note in &config.deprecations {
        tracing::warn!(note = %note, "deprecated configuration name");
    }
    for warning in config.warnings() {
        tracing::warn!(key = %warning.key, "{}", warning.message);
    }
}

/// The key that encrypts session cookies: the configured one, else a
/// random one (sessions then end at restart and stay on one instance).
fn session_key(config: &Config) -> Key {
    match &config.server.session_key {
        Some(bytes) => Key::from(bytes),
        None => {
            tracing::warn!(
                "no server.session_key configured: using a random one; sessions end when the portal restarts \
                 and are not shared between instances"
            );
            Key::generate()
        }
    }
}

/// Every text the pages use is defined in every language (readiness).
fn texts_complete(locales: &i18n::LiveLocales, chooser: &crate::domain::Chooser) -> bool {
    let missing = routes::texts::missing_keys(&locales.load_full(), chooser);
    for (lang, key) in &missing {
        tracing::warn!(lang = lang.code(), key, "text missing: not ready");
    }
    missing.is_empty()
}

/// The store `[store]` asks for. With Redis, whether it answers is logged
/// in the background: the portal starts while Redis is down (readiness
/// says so) and connects once it is back.
fn open_store(config: &Config, clock: &Clock) -> Result<SharedStore, StartupError> {
    let store = crate::store::connect(&config.store, clock)?;
    match config.store.url.as_deref().map(crate::store::redacted) {
        Some(address) => {
            let probe = store.clone();
            tokio::spawn(async move {
                crate::store::log_first_ping(probe.as_ref(), &address).await;
            });
        }
        None => tracing::info!(
            "store in memory: one instance only (set [store] url for several, see README \"Exploitation\")"
        ),
    }
    Ok(store)
}

/// The texts in service, and the watcher that keeps them up to date with
/// the folder (`check-locales`' checks included: an edit that removes a
/// text a page needs is refused too).
fn live_locales(config: &Config) -> i18n::LiveLocales {
    let chooser = config.chooser.clone();
    let check: i18n::ExtraCheck =
        Box::new(move |locales| routes::texts::missing_issues(locales, &chooser));
    let dir = config.locales_dir.clone();
    let seen = i18n::fingerprint(&dir);
    let live = Arc::new(i18n::load_for_serving(&dir, &check));
    i18n::watch(dir, seen, Arc::downgrade(&live), check);
    live
}

/// `/metrics` alone on `address`.
fn metrics_server(
    handle: metrics_exporter_prometheus::PrometheusHandle,
    address: std::net::SocketAddr,
) -> Result<Server, StartupError> {
    let bind_error = |source| StartupError::Bind {
        address: address.to_string(),
        source,
    };
    let server = HttpServer::new(move || {
        let handle = handle.clone();
        App::new()
            .configure(move |cfg| routes::configure_metrics_only(cfg, handle))
            .default_service(web::to(|| async {
                actix_web::HttpResponse::NotFound().finish()
            }))
    })
    .workers(1)
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    .bind(address)
    .map_err(bind_error)?
    .run();
    tracing::info!(%address, "metrics served on their own address");
    Ok(server)
}

/// Headers sent with every response. The Content-Security-Policy is added
/// per response by [`middleware::content_security_policy`] (its
/// `form-action` lists the federations' login pages).
fn security_headers(secure: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if secure {
        headers.add((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Responses leave at once: without `TCP_NODELAY`, a body written after
/// its headers waits for the client's delayed ACK (Nagle), ~40 ms per
/// response on a keep-alive connection.
fn no_delay(connection: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(socket) = connection.downcast_ref::<actix_web::rt::net::TcpStream>()
        && let Err(e) = socket.set_nodelay(true)
    {
        tracing::warn!(error = %e, "cannot set TCP_NODELAY");
    }
}
/// The largest request body read (forms, token requests): every form of
/// the portal is far smaller (an authorization request at most 8 KiB).
const MAX_BODY_BYTES: usize = 16 * 1024;

struct SessionSettings {
    key: Key,
    ttl: actix_web::cookie::time::Duration,
}

fn run(
    listener: TcpListener,
    state: AppState,
    sessions: SessionSettings,
    probe_interval: Option<std::time::Duration>,
    rate_limits: Option<web::Data<RateLimits>>,
) -> std::io::Result<Server> {
    let secure = state.secure_cookies;
    let session_store = StoreSessions::new(state.store.clone());
    let session_cookie = state.cookie_name(routes::SESSION_COOKIE);
    match probe_interval {
        Some(every) => state.federations.start_probes(every),
        None => state.federations.warm_up(),
    }
    let state = web::Data::new(state);
    // Compressed pages, shared by the workers (16 MiB of compressed bytes).
    let compressed = web::Data::new(CompressedBodies::new(16 * 1024 * 1024));
    let csp = web::Data::new(middleware::CspCache::default());
    let server = HttpServer::new(move || {
        let session = SessionMiddleware::builder(session_store.clone(), sessions.key.clone())
            .cookie_name(session_cookie.clone())
            .cookie_path("/".into())
            .cookie_secure(secure)
            .cookie_http_only(true)
            // Strict would drop the cookie on the federation's redirect back.
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            // Inactivity timeout: every request starts it again.
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(sessions.ttl)
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build();
        let routes_state = state.clone();
        App::new()
            .app_data(state.clone())
            .configure(|cfg| {
                if let Some(limits) = &rate_limits {
                    cfg.app_data(limits.clone());
                }
            })
            .app_data(compressed.clone())
            .app_data(csp.clone())
            .app_data(web::QueryConfig::default())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .configure(move |cfg| routes::configure(cfg, &routes_state))
            .default_service(web::to(routes::not_found))
            // Innermost first: the last `wrap` sees the request first.
            .wrap(from_fn(middleware::render_error_pages))
            .wrap(session)
            .wrap(from_fn(middleware::session_store_failures))
            .wrap(from_fn(middleware::body_deadline))
            .wrap(from_fn(middleware::remember_language))
            .wrap(from_fn(middleware::canonical_host))
            .wrap(from_fn(middleware::cache_policy))
            .wrap(from_fn(middleware::content_security_policy))
            .wrap(security_headers(secure))
            .wrap(from_fn(compress_once))
            .wrap(from_fn(middleware::observe))
            .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
    })
    .on_connect(no_delay)
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    .listen(listener)?
    .run();
    Ok(server)
}
