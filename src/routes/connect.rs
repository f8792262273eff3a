//! `POST /connexion/{federation}`: a chooser button starts the login.

use actix_session::Session;
use actix_web::{HttpResponse, web};

use super::context::{PageCtx, is_token};
use super::{PageError, federation_login, pending, see_other};
use crate::common::Untrusted;
use crate::domain::Federation;
use crate::provider::pending::PendingKind;
use crate::upstream::LoginHints;

pub async fn start(
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    let state = page.state();
    // The button's form carries the démarche's pending request, if any.
    let pending_id = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "demande")
        .map(|(_, v)| v.into_owned())
        .or_else(|| page.demande.clone());
    let Some(id) = pending_id else {
        let hints = LoginHints::default();
        return federation_login::begin(state, &session, federation, &hints, None).await;
    };
    if !is_token(&id) {
        return Err(PageError::PendingRequestExpired);
    }
    let request = pending::load(state, &id).await?;
    let client = pending::client(state, &request)?;
    if !client.accepts(federation) {
        return Err(PageError::FederationNotAccepted(federation));
    }
    match &request.kind {
        PendingKind::Authorize(authorization) => {
            federation_login::begin_for_request(state, &session, federation, authorization, &id)
                .await
        }
        PendingKind::Discovery { return_to, param } => {
            // Discovery only: the démarche runs its own login.
            pending::take(state, &id).await?;
            let mut url = url::Url::parse(return_to).map_err(|_| PageError::BadDiscoveryReturn)?;
            url.query_pairs_mut().append_pair(param, federation.id());
            tracing::info!(client_id = %Untrusted(&request.client_id), %federation, "federation chosen (discovery only)");
            Ok(see_other(url.as_str()))
        }
    }
}
