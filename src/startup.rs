//! Builds the running portal from [`Settings`].

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use url::Url;

use crate::configuration::{ConfigErrors, Settings, is_loopback_url};
use crate::i18n::{LocaleIssue, Locales};
use crate::routes::{self, context::AppState, middleware};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("invalid configuration:\n{0}")]
    Config(#[from] ConfigErrors),
    #[error("invalid locale files:\n{}", .0.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"))]
    Locales(Vec<LocaleIssue>),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

pub struct Application {
    server: Server,
    port: u16,
    public_url: Url,
}

impl Application {
    pub fn build(settings: Settings) -> Result<Application, StartupError> {
        settings.validate()?;
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
        let port = listener.local_addr().expect("bound socket").port();
        let public_url = settings.public_url(port);
        let locales = Locales::load(&settings.i18n.locales_dir).map_err(StartupError::Locales)?;
        tracing::info!(source = locales.source(), "locales loaded");
        let state = AppState {
            secure_cookies: !(public_url.scheme() == "http" && is_loopback_url(&public_url)),
            chooser: settings.chooser()?,
            locales: Arc::new(locales),
            public_url: public_url.clone(),
        };
        let server = run(listener, state).map_err(|source| StartupError::Bind { address, source })?;
        Ok(Application {
            server,
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

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Headers sent with every response. The CSP allows nothing from outside
/// the portal and forbids framing (clickjacking, RFC 9700 §4.16).
fn security_headers(secure: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"));
    if secure {
        headers.add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    } else {
        headers
    }
}

fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let secure = state.secure_cookies;
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::QueryConfig::default())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
            .wrap(from_fn(middleware::render_error_pages))
            .wrap(from_fn(middleware::remember_language))
            .wrap(security_headers(secure))
            .wrap(Compress::default())
            .wrap(TracingLogger::default())
    })
    .listen(listener)?
    .run();
    Ok(server)
}
