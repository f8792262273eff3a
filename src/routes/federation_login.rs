//! Sending the browser to a federation: shared by the chooser's buttons
//! (`POST /connexion/{federation}`) and by démarche requests that need no
//! choice (`/oidc/authorize` with one federation or `idp_hint`).

use actix_session::Session;
use actix_web::HttpResponse;

use super::context::AppState;
use super::session::{browser_binding, keep_browser_binding};
use super::{PageError, see_other};
use crate::domain::{Federation, Journey};
use crate::provider::authorize::AuthorizationRequest;
use crate::store::keys::LOGIN;
use crate::store::put_json;
use crate::upstream::LoginHints;

/// Sends the browser to the federation, remembering the transaction under
/// its `state`. `resume` says where to go once logged in.
pub async fn begin(
    state: &AppState,
    session: &Session,
    federation: Federation,
    hints: &LoginHints,
    resume: Option<String>,
    journey: &Journey,
) -> Result<HttpResponse, PageError> {
    // A federation without a client here: the person is told so, with a
    // way back, rather than sent to a federation that would refuse them.
    let client = state
        .federations
        .get(federation)
        .ok_or(PageError::FederationNotConfigured(federation))?;
    let browser = browser_binding(session)?;
    let mut start = client
        .start(browser.clone(), hints, resume)
        .await
        .map_err(|e| PageError::from_upstream(federation, e))?;
    // Kept for the pages shown after the federation's answer (errors included).
    start.transaction.journey = journey.clone();
    put_json(
        state.store.as_ref(),
        &LOGIN.key(&start.state),
        &start.transaction,
        LOGIN.fixed_ttl(),
    )
    .await?;
    keep_browser_binding(session, &browser)?;
    tracing::info!(%federation, "login started");
    crate::metrics::login_started(federation);
    Ok(see_other(start.url.as_str()))
}

/// The federation login for a démarche's parked request; once logged in,
/// the callback hands the request back (`oidc::resume`).
pub async fn begin_for_request(
    state: &AppState,
    session: &Session,
    federation: Federation,
    request: &AuthorizationRequest,
    journey: &Journey,
) -> Result<HttpResponse, PageError> {
    let pending_id = journey
        .demande
        .as_deref()
        .ok_or(PageError::PendingRequestExpired)?;
    // FranceConnect cannot give eidas2: a stale page or a forged form must
    // not turn a higher-level request into a lower-level login.
    if !federation.serves_level(request.required_level()) {
        return Err(PageError::LevelNotOffered(federation));
    }
    let hints = LoginHints {
        login_hint: request.login_hint.clone(),
        force_login: request.force_login,
        acr_values: request
            .acr_values
            .as_deref()
            .and_then(|asked| federation.acr_values_for(asked)),
        max_age: request.max_age,
    };
    let resume = Some(super::oidc::resume::resume_path(pending_id));
    begin(state, session, federation, &hints, resume, journey).await
}
