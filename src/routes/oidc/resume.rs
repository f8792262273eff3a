//! `GET /oidc/reprise/{demande}`: back from the federation, logged in; the
//! démarche gets its one-time code.

use actix_session::Session;
use actix_web::{HttpResponse, web};

use super::redirect_to_client;
use crate::provider::{AuthorizationRequest, CodeRecord};
use crate::routes::PageError;
use crate::routes::context::{AppState, PageCtx, is_token};
use crate::routes::demande::{Demande, DemandeKind};
use crate::routes::session::{LoggedIn, logged_in};
use crate::store::{put_json, random_token};

pub async fn resume(
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    if !is_token(&id) {
        return Err(PageError::DemandeExpired);
    }
    let state = page.state();
    let demande = Demande::take(state, &id).await?;
    let DemandeKind::Authorize(request) = &demande.kind else {
        return Err(PageError::DemandeExpired);
    };
    let client = demande.client(state)?;
    // The login this browser just made (the callback only redirects here
    // after a successful login in this session).
    let login = logged_in(&session).ok_or(PageError::DemandeExpired)?;
    if !client.accepts(login.identity.federation) {
        return Err(PageError::FederationNotAccepted(login.identity.federation));
    }
    issue_code(state, request, &login).await
}

pub fn code_key(code: &str) -> String {
    format!("code:{code}")
}

/// A one-time code (256 random bits, `oidc.code_ttl_seconds`) bound to the
/// client, redirect URI, PKCE challenge and nonce; sent with `state` and `iss`.
pub async fn issue_code(
    state: &AppState,
    request: &AuthorizationRequest,
    login: &LoggedIn,
) -> Result<HttpResponse, PageError> {
    let code = random_token(32);
    let record = CodeRecord {
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        identity: login.identity.clone(),
        auth_time: login.at,
        used: false,
        access_token_key: None,
    };
    put_json(
        state.store.as_ref(),
        &code_key(&code),
        &record,
        state.provider.code_ttl,
    )
    .await?;
    tracing::info!(client_id = %request.client_id, federation = %login.identity.federation, "authorization code issued");
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        params.push(("state", s.as_str()));
    }
    Ok(redirect_to_client(
        &request.redirect_uri,
        &state.provider.issuer,
        &params,
    ))
}
