//! HTTP layer: one module per page or endpoint, plus the pieces they share.
//!
//! A handler that calls the broker awaits its future boxed
//! (`Box::pin(broker.finish(…)).await`): that future is several KB, and
//! actix moves the handler's future into boxes on its way through the
//! middlewares, a copy of all of it each time; boxed, only a pointer moves.

mod account;
mod assets;
mod callback;
mod choice;
pub mod client_ip;
pub mod compression;
mod connect;
pub mod context;
mod demarche_return;
mod discovery_service;
pub mod error;
mod error_page;
mod federations;
mod health;
mod home;
mod logout;
mod metrics;
pub mod middleware;
mod next;
pub mod offers;
mod pending;
mod provider;
pub mod rate_limit;
pub mod session;
mod site_pages;
mod step_up;
pub mod texts;

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, guard, web};

pub use error::PageError;

/// The session cookie's name (before its `__Host-` prefix).
pub const SESSION_COOKIE: &str = "aiguillage_session";

/// A route as the portal registers it: its pattern and the methods it
/// answers (`HEAD` wherever `GET` is). Every other method gets a 405 with
/// `Allow` ([`method_not_allowed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub pattern: String,
    pub methods: Vec<Method>,
    /// Its GET consumes a single-use value (a login's or logout's `state`,
    /// a pending request) or acts (authorization, logout, discovery): a
    /// language link must not repeat it.
    pub single_use: bool,
}

impl RouteInfo {
    /// The `Allow` header's value.
    pub fn allow(&self) -> String {
        self.methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One resource being declared: its handlers by method, its 405 answer.
struct Endpoint {
    info: RouteInfo,
    resource: Resource,
    /// The 405 and errors of OAuth endpoints are OAuth JSON, not pages.
    oauth_json: bool,
    /// The rate limit budget its requests draw on (`rate_limit`).
    limit: Option<rate_limit::Kind>,
}

fn endpoint(pattern: &str) -> Endpoint {
    Endpoint {
        info: RouteInfo {
            pattern: pattern.to_owned(),
            methods: Vec::new(),
            single_use: false,
        },
        resource: web::resource(pattern),
        oauth_json: false,
        limit: None,
    }
}

impl Endpoint {
    /// `GET`, and `HEAD` with the same handler (actix sends no body to HEAD).
    fn get<F, Args>(mut self, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.info.methods.extend([Method::GET, Method::HEAD]);
        let get_or_head = guard::Any(guard::Get()).or(guard::Head());
        self.resource = self
            .resource
            .route(web::route().guard(get_or_head).to(handler));
        self
    }

    fn method<F, Args>(mut self, method: Method, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.info.methods.push(method.clone());
        self.resource = self.resource.route(web::method(method).to(handler));
        self
    }

    fn post<F, Args>(self, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, handler)
    }

    fn data<T: 'static>(mut self, data: T) -> Endpoint {
        self.resource = self.resource.app_data(web::Data::new(data));
        self
    }

    fn single_use(mut self) -> Endpoint {
        self.info.single_use = true;
        self
    }

    fn oauth_json(mut self) -> Endpoint {
        self.oauth_json = true;
        self
    }

    /// Keeps something or calls a federation: each client address has a
    /// budget of such requests ([`rate_limit`]).
    fn limited(mut self, kind: rate_limit::Kind) -> Endpoint {
        self.limit = Some(kind);
        self
    }

    fn register(self, cfg: &mut web::ServiceConfig) {
        let allow = self.info.allow();
        let oauth_json = self.oauth_json;
        let resource = self.resource.default_service(web::to(move || {
            method_not_allowed(allow.clone(), oauth_json)
        }));
        match self.limit {
            // On the resource the router matched, whatever the path's
            // spelling; only its own methods (a 405 keeps nothing).
            Some(kind) => {
                let methods = std::rc::Rc::new(self.info.methods);
                cfg.service(
                    resource.wrap(actix_web::middleware::from_fn(move |req, next| {
                        rate_limit::limit(kind, methods.clone(), req, next)
                    })),
                )
            }
            None => cfg.service(resource),
        };
    }
}

/// Every route of the portal. Callback and logout-return paths come from
/// each enabled federation's settings (`federations`: id and settings).
fn endpoints<'a>(
    federations: impl Iterator<
        Item = (
            crate::domain::Federation,
            &'a crate::upstream::FederationSettings,
        ),
    >,
) -> Vec<Endpoint> {
    let mut list = Vec::new();
    let mut post_logout_paths = vec!["/deconnexion/fin".to_owned()];
    for (federation, settings) in federations {
        list.push(
            endpoint(&settings.redirect_path)
                .data(callback::CallbackFor(federation))
                .get(callback::finish)
                .single_use(),
        );
        let path = &settings.post_logout_redirect_path;
        // `/` is the home page, which recognises a logout's `state` itself.
        if path != "/" && !post_logout_paths.contains(path) {
            post_logout_paths.push(path.clone());
        }
    }
    for path in post_logout_paths {
        list.push(endpoint(&path).get(logout::finished).single_use());
    }
    use rate_limit::Kind::{Login, Token};
    list.extend([
        endpoint("/").get(home::show),
        endpoint("/compte").get(account::show),
        // GET only asks; the POST (the portal's own form) logs out.
        endpoint("/deconnexion")
            .get(logout::ask)
            .post(logout::start)
            .limited(Login),
        endpoint("/retour-demarche")
            .post(demarche_return::back)
            .limited(Login),
        endpoint("/erreur/{stem}").get(error_page::show),
        endpoint("/aide").get(site_pages::help),
        endpoint("/accessibilite").get(site_pages::accessibility),
        endpoint("/mentions-legales").get(site_pages::legal),
        endpoint("/donnees-personnelles").get(site_pages::privacy),
        endpoint("/plan-du-site").get(site_pages::sitemap),
        endpoint("/decouverte")
            .get(discovery_service::start)
            .single_use()
            .limited(Login),
        endpoint("/.well-known/openid-configuration").get(provider::metadata::discovery),
        endpoint("/oidc/jwks").get(provider::metadata::jwks),
        endpoint("/oidc/authorize")
            .get(provider::authorize::authorize)
            .post(provider::authorize::authorize)
            .single_use()
            .limited(Login),
        endpoint("/oidc/reprise/{demande}")
            .get(provider::resume::resume)
            .single_use()
            .limited(Login),
        endpoint("/oidc/token")
            .post(provider::token::exchange)
            .method(Method::OPTIONS, provider::cors::preflight)
            .oauth_json()
            .limited(Token),
        endpoint("/oidc/userinfo")
            .get(provider::userinfo::userinfo)
            .post(provider::userinfo::userinfo)
            .method(Method::OPTIONS, provider::cors::preflight)
            .oauth_json(),
        endpoint("/oidc/logout")
            .get(provider::logout::logout)
            .post(provider::logout::logout)
            .single_use()
            .limited(Login),
        endpoint("/choix").get(choice::answer),
        endpoint("/choix/oublier").post(choice::forget),
        endpoint("/choix/{population}").get(choice::show),
        endpoint("/niveau/{federation}").get(step_up::show),
        endpoint("/federations").get(federations::show),
        endpoint("/federations/jwks").get(federations::encryption_jwks),
        endpoint("/connexion/{federation}")
            .post(connect::start)
            .limited(Login),
        endpoint("/healthz").get(health::check),
        endpoint("/readyz").get(health::ready),
        endpoint("/static/{path:.*}").get(assets::serve),
    ]);
    list
}

/// Registers every route of the portal, and `/metrics` when it is served
/// on the portal's own address.
pub fn configure(cfg: &mut web::ServiceConfig, state: &context::AppState) {
    let federations = state
        .federations
        .all()
        .map(|federation_client| (federation_client.federation, &federation_client.settings));
    for endpoint in endpoints(federations) {
        endpoint.register(cfg);
    }
    if let Some(handle) = &state.metrics {
        metrics_endpoint(handle.clone()).register(cfg);
    }
}

fn metrics_endpoint(handle: metrics_exporter_prometheus::PrometheusHandle) -> Endpoint {
    endpoint("/metrics").data(handle).get(metrics::render)
}

/// The routes of a portal with these federations enabled (as `configure`
/// registers them; `/metrics` aside), for tests and documentation.
pub fn route_table(federations: &[crate::upstream::FederationConfig]) -> Vec<RouteInfo> {
    endpoints(federations.iter().map(|f| (f.federation, &f.settings)))
        .into_iter()
        .map(|e| e.info)
        .collect()
}

/// The separate metrics listener's one route.
pub fn configure_metrics_only(
    cfg: &mut web::ServiceConfig,
    handle: metrics_exporter_prometheus::PrometheusHandle,
) {
    metrics_endpoint(handle).register(cfg);
}

/// The answer to a method a route does not take: 405 with `Allow`; a
/// localized page (rendered by [`middleware::render_error_pages`]), or
/// OAuth JSON for the token and userinfo endpoints.
async fn method_not_allowed(allow: String, oauth_json: bool) -> HttpResponse {
    use actix_web::http::StatusCode;
    use actix_web::http::header::ALLOW;
    if oauth_json {
        let error = crate::provider::OAuthError::invalid_request("method not allowed");
        let mut res = no_store_json(StatusCode::METHOD_NOT_ALLOWED, &error.json());
        if let Ok(value) = allow.parse() {
            res.headers_mut().insert(ALLOW, value);
        }
        return res;
    }
    // The error stays attached: the error page middleware renders it
    // (keeping `Allow`).
    let mut res = HttpResponse::from_error(PageError::MethodNotAllowed);
    if let Ok(value) = allow.parse() {
        res.headers_mut().insert(ALLOW, value);
    }
    res
}

/// What every route answers when nothing matched.
pub async fn not_found() -> Result<actix_web::HttpResponse, PageError> {
    Err(PageError::NotFound)
}

/// An HTML page with the given status. A template that fails to render is
/// a bug: logged, and answered with a plain 500 (never the template error).
pub fn html(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> actix_web::HttpResponse {
    match page.render() {
        Ok(body) => actix_web::HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            actix_web::HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Erreur interne / Internal error")
        }
    }
}

/// A 303 See Other (the right answer to a form, RFC 9700 §4.12).
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Sends the browser back to a démarche (a code or an error).
pub fn redirect(url: &url::Url) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, url.as_str()))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// How long to suggest waiting when the store does not answer.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// `Retry-After` on a 503 answer.
pub fn retry_later(res: &mut actix_web::HttpResponse) {
    res.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        RETRY_AFTER_SECONDS.into(),
    );
}

/// `503 temporarily_unavailable` as JSON, for the machine endpoints.
pub fn temporarily_unavailable() -> actix_web::HttpResponse {
    let error = crate::provider::OAuthError::store_unavailable();
    let mut res = no_store_json(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        &error.json(),
    );
    retry_later(&mut res);
    res
}

/// A JSON answer that no cache may keep (tokens, personal data).
pub fn no_store_json(
    status: actix_web::http::StatusCode,
    body: &serde_json::Value,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header((actix_web::http::header::PRAGMA, "no-cache"))
        .content_type("application/json")
        .body(body.to_string())
}
