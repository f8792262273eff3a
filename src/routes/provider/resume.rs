//! `GET /oidc/reprise/{demande}`: the démarche's pending request answered
//! with the browser's login, by the same rules as at authorization
//! ([`crate::broker::Broker::resume`]; the callback does it at once).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::PendingId;
use crate::routes::PageError;
use crate::routes::context::PageCtx;
use crate::routes::next::{failed, respond};
use crate::routes::session::{browser, keep};

pub async fn resume(
    req: HttpRequest,
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let id = PendingId::parse(&path).ok_or(PageError::PendingRequestExpired)?;
    let state = page.state();
    let mut browser = browser(&session, state)?;
    // Boxed (routes/mod.rs).
    let result = Box::pin(state.broker().resume(&mut browser, &id)).await;
    keep(&session, &browser)?;
    result.map(respond).map_err(|f| failed(&req, f))
}
