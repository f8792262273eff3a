//! `GET /niveau/{federation}?demande=<id>`: before a step-up (logged in
//! below the level a démarche asks), what the démarche asks, why a new
//! login is needed, what it takes; the federation's button and the way
//! back to the démarche.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::PageCtx;
use super::session::logged_in;
use super::texts::level_key;
use super::{PageError, pending};
use crate::domain::{Federation, eidas_level};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "step_up.html")]
struct StepUpPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    /// The federation to log in at now (its official button).
    f: Federation,
    demarche: String,
    /// The level asked, by its name (faible, substantiel, élevé).
    asked: String,
    /// The session's login: its federation and the level it has.
    current: Option<(Federation, String)>,
}

impl StepUpPage<'_> {
    fn connect_class(&self, federation: &Federation) -> &'static str {
        super::choice::connect_class(*federation)
    }
}

pub async fn show(
    page: PageCtx,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    let demarche = pending::for_page(&page)
        .await?
        .ok_or(PageError::PendingRequestExpired)?;
    let t = page.tr();
    let asked = t.t(level_key(demarche.level.unwrap_or(2)));
    let current = logged_in(&session, page.state())?.map(|login| {
        let held = login.identity.acr.as_deref().and_then(eidas_level);
        (login.identity.federation, t.t(level_key(held.unwrap_or(1))))
    });
    let body = StepUpPage {
        t,
        page: &page,
        f: federation,
        demarche: demarche.name,
        asked,
        current,
    };
    Ok(super::account::no_store(super::html(StatusCode::OK, &body)))
}
