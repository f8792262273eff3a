//! `POST /connexion/{federation}`: starts the login with a federation.

use std::time::Duration;

use actix_session::Session;
use actix_web::{HttpResponse, web};

use super::context::{AppState, PageCtx, is_token};
use super::demande::{Demande, DemandeKind};
use super::session::browser_binding;
use super::{PageError, see_other};
use crate::domain::Federation;
use crate::store::put_json;
use crate::upstream::LoginHints;

/// How long a person has to log in at the federation.
pub const LOGIN_TRANSACTION_TTL: Duration = Duration::from_secs(600);

pub fn login_key(state: &str) -> String {
    format!("login:{state}")
}

pub async fn start(
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    // The button's form carries the démarche's pending request, if any.
    let demande_id = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "demande")
        .map(|(_, v)| v.into_owned())
        .or_else(|| page.demande.clone());
    let Some(id) = demande_id else {
        return begin_login(
            page.state(),
            &session,
            federation,
            &LoginHints::default(),
            None,
        )
        .await;
    };
    if !is_token(&id) {
        return Err(PageError::DemandeExpired);
    }
    let state = page.state();
    let demande = Demande::load(state, &id).await?;
    let client = demande.client(state)?;
    if !client.accepts(federation) {
        return Err(PageError::FederationNotAccepted(federation));
    }
    match &demande.kind {
        DemandeKind::Authorize(request) => {
            super::oidc::authorize::start_login(state, &session, federation, request, &id).await
        }
        DemandeKind::Discovery { return_to, param } => {
            // Discovery only: the démarche runs its own login.
            Demande::take(state, &id).await?;
            let mut url = url::Url::parse(return_to).map_err(|_| PageError::BadDiscoveryReturn)?;
            url.query_pairs_mut().append_pair(param, federation.id());
            tracing::info!(client_id = %demande.client_id, %federation, "federation chosen (discovery only)");
            Ok(see_other(url.as_str()))
        }
    }
}

/// Sends the browser to the federation, remembering the transaction under
/// its `state`. `resume` says what to do once logged in.
pub async fn begin_login(
    state: &AppState,
    session: &Session,
    federation: Federation,
    hints: &LoginHints,
    resume: Option<String>,
) -> Result<HttpResponse, PageError> {
    // A federation without a client here: the person is told so, with a
    // way back, rather than sent to a federation that would refuse them.
    let provider = state
        .upstream
        .get(federation)
        .ok_or(PageError::FederationNotConfigured(federation))?;
    let browser = browser_binding(session)?;
    let start = provider
        .start(browser, hints, resume)
        .await
        .map_err(|e| PageError::from_upstream(federation, e))?;
    put_json(
        state.store.as_ref(),
        &login_key(&start.state),
        &start.transaction,
        LOGIN_TRANSACTION_TTL,
    )
    .await?;
    tracing::info!(%federation, "login started");
    Ok(see_other(start.url.as_str()))
}
