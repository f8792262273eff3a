//! `GET /oidc/reprise/{demande}`: back from the federation, logged in; the
//! démarche gets its one-time code.

use actix_session::Session;
use actix_web::{HttpResponse, web};

use super::redirect;
use crate::provider::pending::PendingKind;
use crate::provider::token;
use crate::routes::context::{PageCtx, is_token};
use crate::routes::session::logged_in;
use crate::routes::{PageError, pending};

pub async fn resume(
    path: web::Path<String>,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    if !is_token(&id) {
        return Err(PageError::PendingRequestExpired);
    }
    let state = page.state();
    // The login this browser just made (the callback only redirects here
    // after a successful login in this session).
    let login = logged_in(&session, state)?.ok_or(PageError::PendingRequestExpired)?;
    let request = pending::take(state, &id).await?;
    let PendingKind::Authorize(authorization) = &request.kind else {
        return Err(PageError::PendingRequestExpired);
    };
    let client = pending::client(state, &request)?;
    if !client.accepts(login.identity.federation) {
        return Err(PageError::FederationNotAccepted(login.identity.federation));
    }
    let url = token::issue_code(&state.op, state.store.as_ref(), authorization, &login).await?;
    Ok(redirect(&url))
}
