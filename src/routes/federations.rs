//! `GET /federations`: the whole table, and what administrations need to
//! know to use the portal.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::context::PageCtx;
use crate::domain::{Federation, Population};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "federations.html")]
struct FederationsPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    populations: &'a [Population],
    federations: Vec<Federation>,
    portal_url: String,
    issuer: String,
    demarches: Vec<DemarcheLink>,
}

/// A registered démarche and the authorization link it puts on its form
/// (an OIDC library builds it; shown to check the configuration).
struct DemarcheLink {
    client_id: String,
    name: String,
    federations: String,
    link: String,
}

pub async fn show(page: PageCtx) -> HttpResponse {
    let state = page.state();
    let body = FederationsPage {
        t: page.tr(),
        page: &page,
        populations: state.chooser.populations(),
        federations: Federation::ALL.to_vec(),
        portal_url: state.public_url.to_string(),
        issuer: state.op.issuer.clone(),
        demarches: state
            .op
            .clients
            .all()
            .map(|c| {
                let mut link =
                    url::Url::parse(&state.op.endpoint("/oidc/authorize")).expect("valid URL");
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
