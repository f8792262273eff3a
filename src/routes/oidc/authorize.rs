//! `GET|POST /oidc/authorize`: a démarche sends a person here. The rules
//! are in [`crate::provider::authorize`]; this handler parks the request
//! and sends the browser on: code at once (single sign-on), chooser, or
//! straight to the one federation that fits.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};

use super::{QueryOrForm, redirect};
use crate::domain::{Federation, Journey};
use crate::provider::authorize::AuthorizationHints;
use crate::provider::authorize::AuthorizationRequest;
use crate::provider::authorize::{self, Decision, Refusal};
use crate::provider::pending::{PendingKind, PendingRequest, only_federation, restricted_chooser};
use crate::provider::{
    Client, OAuthError, OAuthErrorCode, OpenIdProvider, redirect as to_client, token,
};
use crate::routes::context::AppState;
use crate::routes::context::{PageCtx, record_journey};
use crate::routes::session::logged_in;
use crate::routes::{PageError, federation_login, see_other};

pub async fn authorize(
    req: HttpRequest,
    QueryOrForm(encoded): QueryOrForm,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let result = answer(&req, &encoded, &page, &session).await;
    let accepted = matches!(result, Ok((_, true)));
    crate::metrics::authorization(registered_client(&page, &encoded), accepted);
    result.map(|(res, _)| res)
}

/// The démarche's id when it is registered (metrics labels only ever hold
/// registered ids).
fn registered_client<'a>(page: &'a PageCtx, encoded: &[u8]) -> Option<&'a str> {
    let (_, id) = url::form_urlencoded::parse(encoded).find(|(k, _)| k == "client_id")?;
    page.state()
        .op
        .clients
        .get(&id)
        .map(|c| c.client_id.as_str())
}

/// The answer, and whether the request goes on (to a code, the chooser or
/// a federation) rather than being refused.
async fn answer(
    req: &HttpRequest,
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
            let res = back_with_error(op, &redirect_uri, client_state.as_deref(), &error);
            return Ok((res, false));
        }
    };
    // The redirect URI is verified: a store failure goes back to the
    // démarche as an OAuth error, which it can act on.
    let result = proceed(req, state, session, client, request.clone(), &hints).await;
    match result.as_ref().err().and_then(for_the_demarche) {
        Some(error) => {
            let (uri, client_state) = (&request.redirect_uri, request.state.as_deref());
            Ok((back_with_error(op, uri, client_state, &error), false))
        }
        None => result,
    }
}

/// The page errors a démarche is told about rather than the person.
fn for_the_demarche(e: &PageError) -> Option<OAuthError> {
    match e {
        PageError::StoreUnavailable => Some(OAuthError::store_unavailable()),
        PageError::TooLarge(_) => Some(OAuthError::invalid_request("request too large")),
        _ => None,
    }
}

/// A valid request: a code at once (single sign-on), a refusal, or the
/// person sent to choose and log in.
async fn proceed(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    client: &Client,
    mut request: AuthorizationRequest,
    hints: &AuthorizationHints,
) -> Result<(HttpResponse, bool), PageError> {
    let op = &state.op;
    let login = logged_in(session, state)?;
    let now = crate::common::clock::unix_now();
    let straight_to = match authorize::decide(client, &request, hints, login.as_ref(), now) {
        Decision::IssueCode => {
            let login = login.expect("a code is only issued from a session");
            let url = token::issue_code(op, state.store.as_ref(), &request, &login).await?;
            return Ok((redirect(&url), true));
        }
        Decision::Refuse(error) => {
            let (uri, client_state) = (&request.redirect_uri, request.state.as_deref());
            return Ok((back_with_error(op, uri, client_state, &error), false));
        }
        Decision::Interact {
            federation,
            fresh_login,
        } => {
            // A session that does not fit: the federation must not answer
            // from its own (wrong level, too old, another person).
            request.force_login |= fresh_login;
            federation
        }
    };
    let level = request.required_level();
    // eidas2 asked by a démarche that accepts FranceConnect alone: no
    // federation it accepts can give it.
    if restricted_chooser(&state.chooser, client, level).is_none() {
        let error = OAuthError::invalid_request(
            "no federation this client accepts can give the level of assurance asked",
        );
        let (uri, client_state) = (&request.redirect_uri, request.state.as_deref());
        return Ok((back_with_error(op, uri, client_state, &error), false));
    }
    let wanted = wanted_federation(state, client, hints, level, straight_to);
    if let Some(federation) = wanted.filter(|f| !state.can_log_in_with(*f)) {
        return Ok((unavailable_to_client(op, &request, federation), false));
    }
    // Never straight to one found down: the chooser says so, and offers another.
    let direct = wanted.filter(|f| !state.federations.is_down(*f));
    let pending = PendingRequest {
        client_id: client.client_id.clone(),
        kind: PendingKind::Authorize(request.clone()),
    };
    let id = pending.park(state.store.as_ref()).await?;
    tracing::info!(client_id = %client.client_id, "authorization request accepted");
    if let Some(federation) = direct {
        let journey = Journey {
            demande: Some(id),
            population: hints.population.clone(),
        };
        // An error at the federation's door still offers the démarche's way back.
        record_journey(req, journey.clone());
        return federation_login::begin_for_request(state, session, federation, &request, &journey)
            .await
            .map(|res| (res, true));
    }
    let lang = hints
        .ui_lang
        .map(|l| format!("&lang={}", l.code()))
        .unwrap_or_default();
    let target = match &hints.population {
        Some(p) => format!("/choix/{p}?demande={id}{lang}"),
        None => format!("/?demande={id}{lang}"),
    };
    Ok((see_other(&target), true))
}

/// The federation to send the person to without the chooser, if any: the
/// hinted one (or its sibling at the level asked: franceconnect asked
/// eidas2 is FranceConnect+), the one a new login should go to if it is
/// configured here, or the only one that fits.
fn wanted_federation(
    state: &AppState,
    client: &Client,
    hints: &AuthorizationHints,
    level: Option<u8>,
    straight_to: Option<Federation>,
) -> Option<Federation> {
    match hints.idp_hint {
        Some(hinted) => Some(hinted.for_level(level)).filter(|f| client.accepts(*f)),
        None => straight_to
            .filter(|f| state.federations.get(*f).is_some())
            .or_else(|| only_federation(&state.chooser, client, level)),
    }
}

/// The démarche's redirect URI with `temporarily_unavailable`: a federation
/// named by `idp_hint` (or the only one it accepts) that this portal cannot
/// log in with. The démarche hears it at once, as a standard error, rather
/// than the person meeting a dead end.
fn unavailable_to_client(
    op: &OpenIdProvider,
    request: &AuthorizationRequest,
    federation: Federation,
) -> HttpResponse {
    let error = OAuthError::new(
        OAuthErrorCode::TemporarilyUnavailable,
        format!("{} is not available on this portal", federation.id()),
    );
    back_with_error(op, &request.redirect_uri, request.state.as_deref(), &error)
}

/// Sends the browser back to the démarche with an OAuth error.
fn back_with_error(
    op: &OpenIdProvider,
    redirect_uri: &str,
    client_state: Option<&str>,
    error: &OAuthError,
) -> HttpResponse {
    redirect(&to_client::error_to_client(
        redirect_uri,
        &op.issuer,
        client_state,
        error,
    ))
}
