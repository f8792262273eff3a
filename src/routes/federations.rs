//! `GET /federations`: the whole table, and what administrations need to
//! know to use the portal.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::context::PageCtx;
use crate::domain::{Federation, Population};
use crate::i18n::Tr;
use crate::upstream::Availability;

#[derive(Template)]
#[template(path = "federations.html")]
struct FederationsPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    populations: &'a [Population],
    /// The table's columns: the mission's table. FranceConnect+ is
    /// FranceConnect's higher-level sibling (its section says so).
    table_federations: Vec<Federation>,
    federations: Vec<Federation>,
    portal_url: String,
    issuer: String,
    demarches: Vec<DemarcheLink>,
    /// Each federation's status as the last background probe found it.
    statuses: Vec<(Federation, StatusText)>,
}

impl FederationsPage<'_> {
    fn status(&self, federation: &Federation) -> Option<&StatusText> {
        self.statuses
            .iter()
            .find(|(f, _)| f == federation)
            .map(|(_, s)| s)
    }
}

/// A federation's status, ready for the page.
struct StatusText {
    /// `up`, `down`, `unknown` or `not-configured` (for tests and styles).
    code: &'static str,
    text: String,
}

fn status_text(page: &PageCtx, federation: Federation) -> StatusText {
    let t = page.tr();
    let Some(federation_client) = page.state().federations.get(federation) else {
        return StatusText {
            code: "not-configured",
            text: t.t("niveaux-status-not-configured"),
        };
    };
    let status = federation_client.status();
    let since = status
        .since
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let (code, key) = match status.availability {
        Availability::Up => ("up", "niveaux-status-up"),
        Availability::Down => ("down", "niveaux-status-down"),
        Availability::Unknown => ("unknown", "niveaux-status-unknown"),
    };
    StatusText {
        code,
        text: t.t1(key, "since", &since),
    }
}

/// A registered démarche and the authorization link it puts on its form
/// (an OIDC library builds it; shown to check the configuration).
struct DemarcheLink {
    client_id: String,
    name: String,
    federations: String,
    link: String,
}

/// `GET /federations/jwks`: the portal's public encryption keys, the
/// `jwks_uri` registered at federations that encrypt (FranceConnect+).
pub async fn encryption_jwks(page: PageCtx) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .content_type("application/jwk-set+json")
        .body(page.state().federations.encryption_jwks().to_string())
}

pub async fn show(page: PageCtx) -> HttpResponse {
    let state = page.state();
    let body = FederationsPage {
        t: page.tr(),
        page: &page,
        populations: state.chooser.populations(),
        table_federations: Federation::ALL
            .into_iter()
            .filter(|f| *f != Federation::FranceConnectPlus)
            .collect(),
        federations: Federation::ALL.to_vec(),
        portal_url: state.public_url.to_string(),
        issuer: state.provider.issuer.clone(),
        statuses: Federation::ALL
            .into_iter()
            .map(|f| (f, status_text(&page, f)))
            .collect(),
        demarches: state
            .provider
            .demarches
            .all()
            .map(|c| {
                let mut link = url::Url::parse(&state.provider.endpoint("/oidc/authorize"))
                    .expect("valid URL");
                link.query_pairs_mut()
                    .append_pair("client_id", &c.client_id)
                    .append_pair(
                        "redirect_uri",
                        c.redirect_uris.first().map(|u| u.as_str()).unwrap_or(""),
                    )
                    .append_pair("response_type", "code")
                    .append_pair("scope", "openid")
                    .append_pair("state", "…")
                    .append_pair("nonce", "…");
                DemarcheLink {
                    client_id: c.client_id.clone(),
                    name: c.name.clone(),
                    federations: Federation::ALL
                        .into_iter()
                        .filter(|f| c.accepts(*f))
                        .map(Federation::brand)
                        .collect::<Vec<_>>()
                        .join(", "),
                    link: link.to_string(),
                }
            })
            .collect(),
    };
    super::html(StatusCode::OK, &body)
}
