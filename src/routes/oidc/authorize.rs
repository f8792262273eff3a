//! `GET|POST /oidc/authorize`: a démarche sends a person here. The rules
//! are in [`crate::provider::authorize`]; this handler parks the request
//! and sends the browser on: code at once (single sign-on), chooser, or
//! straight to the one federation that fits.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::redirect;
use crate::provider::authorize::{self, Decision, Refusal};
use crate::provider::pending::{PendingKind, PendingRequest, only_federation};
use crate::provider::{redirect as to_client, token};
use crate::routes::context::PageCtx;
use crate::routes::session::logged_in;
use crate::routes::{PageError, federation_login, see_other};

pub async fn get(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(req.query_string().as_bytes(), page, session).await
}

pub async fn post(
    body: web::Bytes,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    authorize(&body, page, session).await
}

/// Counts the request in the metrics: accepted when it goes on (to a
/// code, the chooser or a federation), refused otherwise.
async fn authorize(
    encoded: &[u8],
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let result = answer(encoded, &page, &session).await;
    let accepted = matches!(result, Ok((_, true)));
    crate::metrics::authorization(registered_client(&page, encoded), accepted);
    result.map(|(res, _)| res)
}

/// The request's `client_id` when it is a registered démarche's (only
/// those become metric labels).
fn registered_client<'a>(page: &'a PageCtx, encoded: &[u8]) -> Option<&'a str> {
    let (_, id) = url::form_urlencoded::parse(encoded).find(|(k, _)| k == "client_id")?;
    page.state()
        .op
        .clients
        .get(&id)
        .map(|c| c.client_id.as_str())
}

/// The answer, and whether the request was accepted.
async fn answer(
    encoded: &[u8],
    page: &PageCtx,
    session: &Session,
) -> Result<(HttpResponse, bool), PageError> {
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
            return Ok((redirect(&url), false));
        }
    };
    let login = logged_in(session);
    let now = crate::common::clock::unix_now();
    match authorize::decide(client, &request, &hints, login.as_ref(), now) {
        Decision::IssueCode => {
            let login = login.expect("a code is only issued from a session");
            let url = token::issue_code(op, state.store.as_ref(), &request, &login).await?;
            return Ok((redirect(&url), true));
        }
        Decision::Refuse(error) => {
            let url = to_client::error_to_client(
                &request.redirect_uri,
                &op.issuer,
                request.state.as_deref(),
                &error,
            );
            return Ok((redirect(&url), false));
        }
        Decision::Interact => {}
    }
    let pending = PendingRequest {
        client_id: client.client_id.clone(),
        kind: PendingKind::Authorize(request.clone()),
    };
    let id = pending.park(state.store.as_ref()).await?;
    tracing::info!(client_id = %client.client_id, "authorization request accepted");
    if let Some(federation) = hints
        .idp_hint
        .or_else(|| only_federation(&state.chooser, client))
    {
        return federation_login::begin_for_request(state, session, federation, &request, &id)
            .await
            .map(|res| (res, true));
    }
    let lang = hints
        .ui_lang
        .map(|l| format!("&lang={}", l.code()))
        .unwrap_or_default();
    let target = match hints.population {
        Some(p) => format!("/choix/{p}?demande={id}{lang}"),
        None => format!("/?demande={id}{lang}"),
    };
    Ok((see_other(&target), true))
}
