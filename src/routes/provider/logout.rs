//! `GET|POST /oidc/logout` (OpenID RP-Initiated Logout): a démarche logs the
//! person out of the portal and of their federation, then gets them back
//! at a registered `post_logout_redirect_uri` with its `state`
//! ([`crate::provider::logout`] decides where).
//!
//! What logs out at once and what asks first is the broker's rule
//! ([`crate::broker::Broker::log_out_for_demarche`]); the confirmation
//! form carries the request's own parameters and the session's token.

use actix_session::Session;
use actix_web::HttpResponse;

use super::QueryOrForm;
use crate::provider::parse_params;
use crate::routes::PageError;
use crate::routes::context::PageCtx;
use crate::routes::logout::render_logout;
use crate::routes::session::{browser, csrf_matches, keep};

/// The request's own parameters, carried by the confirmation form.
const CARRIED: [&str; 4] = [
    "client_id",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
];

pub async fn logout(
    QueryOrForm(encoded): QueryOrForm,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let params = parse_params(&encoded).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let confirmed = csrf_matches(&session, params.get("csrf").map(String::as_str));
    let state = page.state();
    let mut browser = browser(&session, state)?;
    // Boxed (routes/mod.rs).
    let next = Box::pin(
        state
            .broker()
            .log_out_for_demarche(&mut browser, &params, confirmed),
    )
    .await;
    keep(&session, &browser)?;
    let fields = CARRIED
        .iter()
        .filter_map(|k| params.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    render_logout(&page, &session, next?, "/oidc/logout", fields)
}
