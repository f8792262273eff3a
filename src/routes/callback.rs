//! `GET {redirect_path}`: the federation sends the browser back here.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::context::{PageCtx, is_token, record_journey};
use super::oidc::resume;
use super::session::{current_browser, log_in};
use super::{PageError, see_other};
use crate::common::Untrusted;
use crate::domain::{Federation, LoggedIn};
use crate::metrics::{self, LoginFailure};
use crate::store::keys::LOGIN;
use crate::store::take_json;
use crate::upstream::{CallbackParams, LoginTransaction, UpstreamError};

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
    let federation = route.0;
    let result = finish_login(&req, &page, &session, federation, &params).await;
    match &result {
        Ok(_) => metrics::login_completed(federation),
        Err(e) => metrics::login_failed(federation, failure_reason(e)),
    }
    result
}

/// What the metrics call a callback's failure.
fn failure_reason(error: &PageError) -> LoginFailure {
    match error {
        PageError::LoginExpired(_) => LoginFailure::Expired,
        PageError::FederationUnavailable(_) | PageError::FederationNotConfigured(_) => {
            LoginFailure::Unreachable
        }
        PageError::FederationRefused { .. } => LoginFailure::Refused,
        PageError::Internal(_) => LoginFailure::Internal,
        _ => LoginFailure::Rejected,
    }
}

async fn finish_login(
    req: &HttpRequest,
    page: &PageCtx,
    session: &Session,
    federation: Federation,
    params: &CallbackParams,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    let rejected = |reason: &str| {
        tracing::warn!(%federation, reason = %Untrusted(reason), "login callback rejected");
        PageError::LoginRejected(federation)
    };
    let Some(state_param) = params.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(rejected("callback without state"));
    };
    if !is_token(state_param) {
        tracing::warn!(%federation, "state not made by this portal");
        return Err(PageError::LoginExpired(federation));
    }
    // Read before the transaction is taken: with the store down, nothing is lost.
    let browser = current_browser(session)?;
    // Single use: taken, whatever happens next.
    let tx: LoginTransaction = take_json(state.store.as_ref(), &LOGIN.key(state_param))
        .await?
        .ok_or_else(|| {
            tracing::warn!(%federation, "unknown, expired or replayed state");
            PageError::LoginExpired(federation)
        })?;
    // From here on, any page keeps the person's démarche and answer.
    record_journey(req, tx.journey.clone());
    if tx.federation != federation {
        return Err(rejected(
            "response arrived on another federation's callback (mix-up)",
        ));
    }
    if browser.as_deref() != Some(tx.browser.as_str()) {
        return Err(rejected(
            "callback from a browser that did not start this login",
        ));
    }
    let client = state
        .federations
        .get(federation)
        .ok_or(PageError::FederationNotConfigured(federation))?;
    let login = match client.finish(&tx, params).await {
        Ok(login) => login,
        Err(UpstreamError::Rejected(reason)) => return Err(rejected(&reason)),
        Err(e) => return Err(PageError::from_upstream(federation, e)),
    };
    log_in(
        session,
        &LoggedIn {
            identity: login.identity,
            id_token: login.id_token,
            at: crate::common::clock::unix_now(),
        },
    )?;
    tracing::info!(%federation, "login succeeded");
    // Back to a démarche: its code at once, one round trip less for the
    // person than a redirect to the resume route first.
    if let Some(id) = tx.resume.as_deref().and_then(resume::pending_id) {
        return resume::hand_back(req, state, session, id).await;
    }
    // A clean URL: no code or state left in the history.
    Ok(see_other(tx.resume.as_deref().unwrap_or("/compte")))
}
