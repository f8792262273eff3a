//! `POST /retour-demarche` ("Retour à <démarche>" on the chooser and error
//! pages): the person goes back without logging in. The démarche's
//! parked request is used up and the démarche gets the standard answer:
//! `error=access_denied` with its `state` and `iss` (RFC 6749 §4.1.2.1,
//! RFC 9207) at its registered redirect URI; a discovery-only démarche
//! gets its return address without any federation (no choice made).

use actix_web::{HttpResponse, web};

use super::context::{PageCtx, is_token};
use super::{PageError, pending, see_other};
use crate::provider::pending::PendingKind;
use crate::provider::{OAuthError, OAuthErrorCode, redirect};

pub async fn back(page: PageCtx, body: web::Bytes) -> Result<HttpResponse, PageError> {
    let id = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "demande")
        .map(|(_, v)| v.into_owned())
        .filter(|d| is_token(d))
        .ok_or(PageError::PendingRequestExpired)?;
    let state = page.state();
    let request = pending::take(state, &id).await?;
    // Still registered: its URIs are the ones it declared.
    pending::client(state, &request)?;
    tracing::info!(client_id = %request.client_id, "the person went back to the démarche");
    match request.kind {
        PendingKind::Authorize(authorization) => {
            let error = OAuthError::new(
                OAuthErrorCode::AccessDenied,
                "the person went back without logging in",
            );
            let url = redirect::error_to_client(
                &authorization.redirect_uri,
                &state.op.issuer,
                authorization.state.as_deref(),
                &error,
            );
            Ok(super::oidc::redirect(&url))
        }
        PendingKind::Discovery { return_to, .. } => Ok(see_other(&return_to)),
    }
}
