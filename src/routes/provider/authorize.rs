//! `GET|POST /oidc/authorize`: a démarche sends a person here
//! ([`crate::broker::Broker::authorize`]): a code at once (single sign-on),
//! an error back to the démarche, the chooser, or a federation.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};

use super::QueryOrForm;
use crate::routes::PageError;
use crate::routes::context::PageCtx;
use crate::routes::next::{failed, respond};
use crate::routes::session::{browser, keep};

pub async fn authorize(
    req: HttpRequest,
    QueryOrForm(encoded): QueryOrForm,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    // The store down: the démarche hears `temporarily_unavailable`.
    let mut browser = browser(&session, state).ok();
    // Boxed (routes/mod.rs).
    let result = Box::pin(state.broker().authorize(browser.as_mut(), &encoded)).await;
    if let Some(browser) = &browser {
        keep(&session, browser)?;
    }
    match result {
        Ok(authorization) => {
            crate::metrics::authorization(
                authorization.client_id.as_deref(),
                authorization.accepted,
            );
            Ok(respond(authorization.next))
        }
        Err(f) => {
            crate::metrics::authorization(None, false);
            Err(failed(&req, f))
        }
    }
}
