//! `POST /connexion/{federation}`: a chooser button starts the login
//! ([`crate::broker::Broker::connect`]).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;
use super::context::{PageCtx, record_journey};
use super::next::{failed, respond};
use super::session::{browser, keep};
use crate::domain::{Federation, Journey, PendingId, PopulationId};

/// The button's form: the démarche's pending request and the person's
/// answer, carried so that any page after this one keeps them.
fn journey_of(body: &[u8], page: &PageCtx) -> Journey {
    let field = |name: &str| crate::common::form::first_value(body, name);
    Journey {
        pending: match field("demande") {
            Some(d) => PendingId::parse(&d),
            None => page.pending.clone(),
        },
        population: field("population")
            .and_then(|p| PopulationId::parse(&p).ok())
            .filter(|p| page.state().chooser.population(p.as_str()).is_some())
            .or_else(|| page.population.clone()),
    }
}

pub async fn start(
    req: HttpRequest,
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let journey = journey_of(&body, &page);
    record_journey(&req, journey.clone());
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    let state = page.state();
    let mut browser = browser(&session, state)?;
    // Boxed (routes/mod.rs).
    let result = Box::pin(state.broker().connect(&mut browser, federation, &journey)).await;
    keep(&session, &browser)?;
    result.map(respond).map_err(|f| failed(&req, f))
}
