//! Back from the federation, logged in: the démarche gets its one-time
//! code. The callback hands it back at once ([`hand_back`]); `GET
//! /oidc/reprise/{demande}` does the same for a browser sent there.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::redirect;
use crate::domain::Journey;
use crate::provider::pending::PendingKind;
use crate::provider::{OAuthError, OAuthErrorCode, redirect as to_client, token};
use crate::routes::context::{AppState, PageCtx, is_token, record_journey};
use crate::routes::session::logged_in;
use crate::routes::{PageError, pending};

/// Where a login for the démarche's request `id` comes back.
pub fn resume_path(id: &str) -> String {
    format!("{RESUME_PREFIX}{id}")
}

/// The request a login's return address ([`resume_path`]) names, if any.
pub fn pending_id(resume: &str) -> Option<&str> {
    resume.strip_prefix(RESUME_PREFIX)
}

const RESUME_PREFIX: &str = "/oidc/reprise/";

pub async fn resume(
    req: HttpRequest,
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    hand_back(&req, page.state(), &session, &path.into_inner()).await
}

/// The démarche's request `id` answered for the login in `session`: the
/// redirect to the démarche with its code (or with `access_denied` when
/// the level asked was not reached).
pub async fn hand_back(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    id: &str,
) -> Result<HttpResponse, PageError> {
    if !is_token(id) {
        return Err(PageError::PendingRequestExpired);
    }
    record_journey(
        req,
        Journey {
            demande: Some(id.to_owned()),
            population: None,
        },
    );
    // The login this browser just made (the callback calls this right
    // after it; a browser sent to the route has it in its session).
    let login = logged_in(session, state)?.ok_or(PageError::PendingRequestExpired)?;
    let request = pending::take(state, id).await?;
    let PendingKind::Authorize(authorization) = &request.kind else {
        return Err(PageError::PendingRequestExpired);
    };
    let client = pending::client(state, &request)?;
    if !client.accepts(login.identity.federation) {
        return Err(PageError::FederationNotAccepted(login.identity.federation));
    }
    // The callback already refused a lower level than the one asked of the
    // federation; this keeps the promise whatever happened in between:
    // never a code claiming less than the démarche asked.
    if !login.satisfies_acr(authorization.acr_values.as_deref().unwrap_or_default()) {
        tracing::warn!(client_id = %client.client_id, acr = ?login.identity.acr, "login below the level asked");
        let error = OAuthError::new(
            OAuthErrorCode::AccessDenied,
            "the level of assurance asked was not reached",
        );
        let url = to_client::error_to_client(
            &authorization.redirect_uri,
            &state.op.issuer,
            authorization.state.as_deref(),
            &error,
        );
        return Ok(redirect(&url));
    }
    let url = token::issue_code(&state.op, state.store.as_ref(), authorization, &login).await?;
    Ok(redirect(&url))
}
