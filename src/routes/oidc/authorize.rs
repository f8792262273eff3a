//! `GET|POST /oidc/authorize`: a démarche sends a person here. The rules
//! are in [`crate::provider::authorize`]; this handler parks the request
//! and sends the browser on: code at once (single sign-on), chooser, or
//! straight to the one federation that fits.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::redirect;
use crate::domain::{Federation, Journey};
use crate::provider::authorize::{self, AuthorizationRequest, Decision, Refusal};
use crate::provider::pending::{PendingKind, PendingRequest, only_federation};
use crate::provider::{OAuthError, OAuthErrorCode, redirect as to_client, token};
use crate::routes::context::{PageCtx, record_journey};
use crate::routes::session::logged_in;
use crate::routes::{PageError, federation_login, see_other};

pub async fn get(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(&req, req.query_string().as_bytes(), page, session).await
}

pub async fn post(
    req: HttpRequest,
    body: web::Bytes,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(&req, &body, page, session).await
}

/// The démarche's redirect URI with `temporarily_unavailable`: a federation
/// named by `idp_hint` (or the only one it accepts) that this portal cannot
/// log in with. The démarche hears it at once, as a standard error, rather
/// than the person meeting a dead end.
fn unavailable_to_client(
    op: &crate::provider::OpenIdProvider,
    request: &AuthorizationRequest,
    federation: Federation,
) -> HttpResponse {
    let error = OAuthError::new(
        OAuthErrorCode::TemporarilyUnavailable,
        format!("{} is not available on this portal", federation.id()),
    );
    redirect(&to_client::error_to_client(
        &request.redirect_uri,
        &op.issuer,
        request.state.as_deref(),
        &error,
    ))
}

async fn authorize(
    req: &HttpRequest,
    encoded: &[u8],
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    let op = &state.op;
    let (client, request, hints) = match authorize::parse(&op.clients, encoded) {
        Ok(parsed) => parsed,
        Err(Refusal::UnknownClient(id)) => return Err(PageError::UnknownClient(id)),
        Err(Refusal::BadRedirectUri) => return Err(PageError::BadRedirectUri),
        Err(Refusal::ToClient {
            redirect_uri,
            state: client_state,
            error,
        }) => {
            let url = to_client::error_to_client(
                &redirect_uri,
                &op.issuer,
                client_state.as_deref(),
                &error,
            );
            return Ok(redirect(&url));
        }
    };
    let login = logged_in(&session);
    let now = crate::common::clock::unix_now();
    match authorize::decide(client, &request, &hints, login.as_ref(), now) {
        Decision::IssueCode => {
            let login = login.expect("a code is only issued from a session");
            let url = token::issue_code(op, state.store.as_ref(), &request, &login).await?;
            return Ok(redirect(&url));
        }
        Decision::Refuse(error) => {
            let url = to_client::error_to_client(
                &request.redirect_uri,
                &op.issuer,
                request.state.as_deref(),
                &error,
            );
            return Ok(redirect(&url));
        }
        Decision::Interact => {}
    }
    let straight_to = hints
        .idp_hint
        .or_else(|| only_federation(&state.chooser, client));
    if let Some(federation) = straight_to.filter(|f| !state.can_log_in_with(*f)) {
        return Ok(unavailable_to_client(op, &request, federation));
    }
    let pending = PendingRequest {
        client_id: client.client_id.clone(),
        kind: PendingKind::Authorize(request.clone()),
    };
    let id = pending.park(state.store.as_ref()).await?;
    tracing::info!(client_id = %client.client_id, "authorization request accepted");
    if let Some(federation) = straight_to {
        let journey = Journey {
            demande: Some(id),
            population: hints.population.clone(),
        };
        // An error at the federation's door still offers the démarche's way back.
        record_journey(req, journey.clone());
        return federation_login::begin_for_request(
            state, &session, federation, &request, &journey,
        )
        .await;
    }
    let lang = hints
        .ui_lang
        .map(|l| format!("&lang={}", l.code()))
        .unwrap_or_default();
    let target = match hints.population {
        Some(p) => format!("/choix/{p}?demande={id}{lang}"),
        None => format!("/?demande={id}{lang}"),
    };
    Ok(see_other(&target))
}
