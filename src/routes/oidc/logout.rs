//! `GET|POST /oidc/logout` (OpenID RP-Initiated Logout): a démarche logs the
//! person out of the portal and of their federation, then gets them back
//! at a registered `post_logout_redirect_uri` with its `state`
//! ([`crate::provider::logout`] decides where).
//!
//! Only a request with a valid `id_token_hint` (one this portal issued)
//! logs out at once. Without it, anyone could log a person out with a
//! link: the person is asked first, and the confirmation form carries the
//! session's token. Nobody logged in: nothing to end, the request goes on.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::HttpResponse;

use super::QueryOrForm;
use crate::provider::logout::{LogoutRefusal, return_target};
use crate::provider::parse_params;
use crate::routes::context::PageCtx;
use crate::routes::logout::{confirmation, end_at_federation};
use crate::routes::session::{csrf_matches, logged_in};
use crate::routes::{PageError, see_other};

/// The request's own parameters, carried by the confirmation form.
const CARRIED: [&str; 4] = [
    "client_id",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
];

fn ask(
    page: &PageCtx,
    session: &Session,
    params: &HashMap<String, String>,
) -> Result<HttpResponse, PageError> {
    let fields = CARRIED
        .iter()
        .filter_map(|k| params.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    let demarche = params
        .get("client_id")
        .and_then(|id| page.state().op.clients.get(id))
        .map(|c| c.name.clone());
    confirmation(page, session, "/oidc/logout", fields, demarche)
}

pub async fn logout(
    QueryOrForm(encoded): QueryOrForm,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let params = parse_params(&encoded).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let state = page.state();
    let target = return_target(&state.op, &params).map_err(|e| match e {
        LogoutRefusal::BadRequest(why) => PageError::BadRequest(why),
        LogoutRefusal::UnregisteredRedirect => PageError::BadLogoutRedirectUri,
    })?;
    let login = logged_in(&session, state)?;
    let hinted = params
        .get("id_token_hint")
        .is_some_and(|h| state.op.read_id_token_hint(h).is_some());
    let confirmed = csrf_matches(&session, params.get("csrf").map(String::as_str));
    if login.is_some() && !hinted && !confirmed {
        return ask(&page, &session, &params);
    }
    session.purge();
    if let Some(login) = login {
        tracing::info!(federation = %login.identity.federation, "logout asked by a démarche");
        let federation = login.identity.federation;
        if let Some(url) =
            end_at_federation(state, federation, &login.id_token, target.clone()).await?
        {
            return Ok(see_other(&url));
        }
    }
    Ok(match target {
        Some(t) => see_other(&t),
        None => crate::routes::logout::logged_out_page(&page, None),
    })
}
