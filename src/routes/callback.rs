//! `GET {redirect_path}`: the federation sends the browser back here
//! ([`crate::broker::Broker::finish`]).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;
use super::context::PageCtx;
use super::next::{failed, respond};
use super::session::{browser, keep};
use crate::domain::Federation;
use crate::upstream::CallbackParams;

/// Which federation a callback route belongs to.
#[derive(Clone, Copy)]
pub struct CallbackFor(pub Federation);

pub async fn finish(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
    route: web::Data<CallbackFor>,
    params: web::Query<CallbackParams>,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    let mut browser = browser(&session, state)?;
    // Boxed (routes/mod.rs).
    let result = Box::pin(state.broker().finish(&mut browser, route.0, &params)).await;
    keep(&session, &browser)?;
    result.map(respond).map_err(|f| failed(&req, f))
}
