//! `POST /retour-demarche` ("Retour à <démarche>" on the chooser and error
//! pages): the person goes back without logging in
//! ([`crate::broker::Broker::go_back`]).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;
use super::context::PageCtx;
use super::next::{failed, respond};
use super::session::browser;
use crate::domain::PendingId;

pub async fn back(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = crate::common::form::first_value(&body, "demande")
        .and_then(|v| PendingId::parse(&v))
        .ok_or(PageError::PendingRequestExpired)?;
    let state = page.state();
    let browser = browser(&session, state)?;
    let result = state.broker().go_back(&browser, &id).await;
    result.map(respond).map_err(|f| failed(&req, f))
}
