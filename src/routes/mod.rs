//! HTTP layer: one module per page or endpoint, plus the pieces they share.

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
mod federation_login;
mod federations;
mod health;
mod home;
mod logout;
pub mod middleware;
pub mod offers;
mod oidc;
mod pending;
pub mod rate_limit;
pub mod session;
mod site_pages;
pub mod texts;

use actix_web::web;

pub use error::PageError;

/// The session cookie's name (before its `__Host-` prefix).
pub const SESSION_COOKIE: &str = "aiguillage_session";

/// Registers every route of the portal. Callback and logout-return paths
/// come from each federation's settings.
pub fn configure(cfg: &mut web::ServiceConfig, state: &context::AppState) {
    let mut post_logout_paths = vec!["/deconnexion/fin".to_owned()];
    for client in state.federations.all() {
        cfg.service(
            web::resource(client.settings.redirect_path.as_str())
                .app_data(web::Data::new(callback::CallbackFor(client.federation)))
                .route(web::get().to(callback::finish)),
        );
        let path = &client.settings.post_logout_redirect_path;
        // `/` is the home page, which recognises a logout's `state` itself.
        if path != "/" && !post_logout_paths.contains(path) {
            post_logout_paths.push(path.clone());
        }
    }
    for path in post_logout_paths {
        cfg.route(&path, web::get().to(logout::finished));
    }
    cfg.route("/", web::get().to(home::show))
        .route("/compte", web::get().to(account::show))
        .route("/deconnexion", web::get().to(logout::ask))
        .route("/deconnexion", web::post().to(logout::start))
        .route("/retour-demarche", web::post().to(demarche_return::back))
        .route("/erreur/{stem}", web::get().to(error_page::show))
        .route("/aide", web::get().to(site_pages::help))
        .route("/accessibilite", web::get().to(site_pages::accessibility))
        .route("/mentions-legales", web::get().to(site_pages::legal))
        .route("/donnees-personnelles", web::get().to(site_pages::privacy))
        .route("/decouverte", web::get().to(discovery_service::start))
        .route(
            "/.well-known/openid-configuration",
            web::get().to(oidc::metadata::discovery),
        )
        .route("/oidc/jwks", web::get().to(oidc::metadata::jwks))
        .route("/oidc/authorize", web::get().to(oidc::authorize::authorize))
        .route(
            "/oidc/authorize",
            web::post().to(oidc::authorize::authorize),
        )
        .route(
            "/oidc/reprise/{demande}",
            web::get().to(oidc::resume::resume),
        )
        .route("/oidc/token", web::post().to(oidc::token::exchange))
        .route("/oidc/userinfo", web::get().to(oidc::userinfo::userinfo))
        .route("/oidc/userinfo", web::post().to(oidc::userinfo::userinfo))
        .route("/oidc/logout", web::get().to(oidc::logout::logout))
        .route("/oidc/logout", web::post().to(oidc::logout::logout))
        .route("/choix", web::get().to(choice::answer))
        .route("/choix/oublier", web::post().to(choice::forget))
        .route("/choix/{population}", web::get().to(choice::show))
        .route("/federations", web::get().to(federations::show))
        .route(
            "/federations/jwks",
            web::get().to(federations::encryption_jwks),
        )
        .route("/connexion/{federation}", web::post().to(connect::start))
        .route("/healthz", web::get().to(health::check))
        .route("/readyz", web::get().to(health::ready))
        .route("/static/{path:.*}", web::get().to(assets::serve));
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
