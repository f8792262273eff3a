//! `GET|POST /oidc/logout` (OpenID RP-Initiated Logout): a démarche logs the
//! person out of the portal and of their federation, then gets them back
//! at a registered `post_logout_redirect_uri` with its `state`
//! ([`crate::provider::logout`] decides where).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::provider::logout::{LogoutRefusal, return_target};
use crate::provider::parse_params;
use crate::routes::context::PageCtx;
use crate::routes::logout::end_at_federation;
use crate::routes::session::logged_in;
use crate::routes::{PageError, see_other};

pub async fn get(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    logout(req.query_string().as_bytes(), page, session).await
}

pub async fn post(
    body: web::Bytes,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    logout(&body, page, session).await
}

async fn logout(
    encoded: &[u8],
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let params = parse_params(encoded).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let state = page.state();
    let target = return_target(&state.op, &params).map_err(|e| match e {
        LogoutRefusal::BadRequest(why) => PageError::BadRequest(why),
        LogoutRefusal::UnregisteredRedirect => PageError::BadLogoutRedirectUri,
    })?;
    let login = logged_in(&session, state)?;
    session.purge();
    if let Some(login) = login {
        tracing::info!(federation = %login.identity.federation, "logout asked by a démarche");
        let federation = login.identity.federation;
        if let Some(url) =
            end_at_federation(state, federation, &login.id_token, target.clone()).await?
        {
            return Ok(see_other(&url));
        }
    }
    Ok(match target {
        Some(t) => see_other(&t),
        None => crate::routes::logout::logged_out_page(&page, None),
    })
}
