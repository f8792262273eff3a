//! `GET|POST /deconnexion`: ends the portal session, then the federation's
//! (RP-initiated logout), which sends the browser back to
//! `post_logout_redirect_path` with our `state`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::context::{AppState, PageCtx, query_param};
use super::session::logged_in;
use super::{PageError, see_other};
use crate::common::random_token;
use crate::domain::Federation;
use crate::i18n::Tr;
use crate::store::keys::LOGOUT;
use crate::store::{put_json, take_json};

/// A logout in progress at a federation, keyed by the `state` sent there.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingLogout {
    pub federation: Federation,
    /// Where to go once the federation is done (a démarche's URI), if not
    /// the portal's own "logged out" page.
    pub resume: Option<String>,
}

#[derive(Template)]
#[template(path = "logged_out.html")]
struct LoggedOutPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    /// The federation confirmed the logout with our `state`.
    federation: Option<Federation>,
}

pub async fn start(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    let Some(login) = logged_in(&session) else {
        // Nothing to end here: say so plainly.
        return Ok(logged_out_page(&page, None));
    };
    session.purge();
    let federation = login.identity.federation;
    tracing::info!(%federation, "logout started");
    end_at_federation(page.state(), federation, &login.id_token, None)
        .await
        .map(|url| url.map_or_else(|| logged_out_page(&page, None), |u| see_other(&u)))
}

/// The federation's logout URL for this login, with a fresh single-use
/// `state` remembered. `None` when the federation has no logout endpoint or
/// cannot be reached: the portal session is gone anyway.
pub async fn end_at_federation(
    state: &AppState,
    federation: Federation,
    id_token: &str,
    resume: Option<String>,
) -> Result<Option<String>, PageError> {
    let Some(client) = state.federations.get(federation) else {
        return Ok(None);
    };
    let logout_state = random_token(32);
    let url = match client.end_session_url(id_token, &logout_state).await {
        Ok(Some(url)) => url,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!(%federation, error = %crate::common::Untrusted(&e), "federation logout unavailable");
            return Ok(None);
        }
    };
    put_json(
        state.store.as_ref(),
        &LOGOUT.key(&logout_state),
        &PendingLogout { federation, resume },
        LOGOUT.fixed_ttl(),
    )
    .await?;
    Ok(Some(url.to_string()))
}

/// The federation's logout sent the browser back with our `state`.
/// Returns `None` when `state` is absent or unknown.
pub async fn finish_with_state(page: &PageCtx, req: &HttpRequest) -> Option<HttpResponse> {
    let returned = query_param(req, "state")?;
    let pending: PendingLogout = take_json(page.state().store.as_ref(), &LOGOUT.key(&returned))
        .await
        .ok()
        .flatten()?;
    tracing::info!(federation = %pending.federation, "logout confirmed by the federation");
    Some(match pending.resume {
        Some(resume) => see_other(&resume),
        None => logged_out_page(page, Some(pending.federation)),
    })
}

/// `GET /deconnexion/fin`: where FranceConnect and Pro Santé Connect send
/// the browser back (ProConnect's test client uses `/`, handled by home).
pub async fn finished(page: PageCtx, req: HttpRequest) -> Result<HttpResponse, PageError> {
    if let Some(res) = finish_with_state(&page, &req).await {
        return Ok(res);
    }
    tracing::warn!("logout return without a known state");
    Err(PageError::LogoutUnconfirmed)
}

pub fn logged_out_page(page: &PageCtx, federation: Option<Federation>) -> HttpResponse {
    super::account::no_store(super::html(
        StatusCode::OK,
        &LoggedOutPage {
            t: page.tr(),
            page,
            federation,
        },
    ))
}
