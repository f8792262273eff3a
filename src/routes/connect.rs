//! `POST /connexion/{federation}`: a chooser button starts the login.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::context::{PageCtx, is_token, record_journey};
use super::{PageError, federation_login, pending, see_other};
use crate::common::Untrusted;
use crate::domain::{Federation, Journey, PopulationId};
use crate::provider::pending::PendingKind;
use crate::upstream::LoginHints;

/// The button's form: the démarche's pending request and the person's
/// answer, carried so that any page after this one keeps them.
fn journey_of(body: &[u8], page: &PageCtx) -> Journey {
    let field = |name: &str| {
        url::form_urlencoded::parse(body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    Journey {
        demande: field("demande").or_else(|| page.demande.clone()),
        population: field("population")
            .and_then(|p| PopulationId::parse(&p).ok())
            .filter(|p| page.state().chooser.population(p.as_str()).is_some())
            .or_else(|| page.population.clone()),
    }
}

pub async fn start(
    req: HttpRequest,
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let journey = journey_of(&body, &page);
    record_journey(&req, journey.clone());
    let federation: Federation = path
        .parse()
        .map_err(|_| PageError::UnknownFederation(path.into_inner()))?;
    let state = page.state();
    // A page shown before the federation went down still has its button.
    if state.federations.is_down(federation) {
        return Err(PageError::FederationUnavailable(federation));
    }
    let Some(id) = journey.demande.clone() else {
        let hints = LoginHints::default();
        return federation_login::begin(state, &session, federation, &hints, None, &journey).await;
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
            federation_login::begin_for_request(
                state,
                &session,
                federation,
                authorization,
                &journey,
            )
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
