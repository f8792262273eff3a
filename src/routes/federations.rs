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
}

pub async fn show(page: PageCtx) -> HttpResponse {
    let state = page.state();
    let body = FederationsPage {
        t: page.tr(),
        page: &page,
        populations: state.chooser.populations(),
        federations: Federation::ALL.to_vec(),
        portal_url: state.public_url.to_string(),
    };
    super::html(StatusCode::OK, &body)
}
