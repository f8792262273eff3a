//! `GET|POST /oidc/logout` (OpenID RP-Initiated Logout): a démarche logs the
//! person out of the portal and of their federation, then gets them back
//! at a registered `post_logout_redirect_uri` with its `state`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use url::Url;

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
    let params = super::parse_params(encoded).map_err(|e| PageError::BadRequest(e.to_string()))?;
    let state = page.state();
    let provider = &state.provider;
    let hint = params
        .get("id_token_hint")
        .and_then(|h| provider.read_id_token_hint(h));
    if params.contains_key("id_token_hint") && hint.is_none() {
        tracing::warn!("logout with an id_token_hint this portal did not issue");
    }
    // The client: the hint's audience, else `client_id`; both must agree.
    let client_id = match (hint.as_deref(), params.get("client_id")) {
        (Some(a), Some(c)) if a != c => {
            return Err(PageError::BadRequest(
                "client_id and id_token_hint disagree".into(),
            ));
        }
        (Some(a), _) => Some(a.to_owned()),
        (None, c) => c.cloned(),
    };
    // Where to go at the end: only an exact registered URI.
    let target = match params.get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => {
            let client = client_id
                .as_deref()
                .and_then(|id| provider.clients.get(id))
                .ok_or(PageError::BadLogoutRedirectUri)?;
            if !client.has_post_logout_redirect_uri(uri) {
                tracing::warn!(client_id = %client.client_id, "logout to an unregistered post_logout_redirect_uri");
                return Err(PageError::BadLogoutRedirectUri);
            }
            let mut url = Url::parse(uri).map_err(|_| PageError::BadLogoutRedirectUri)?;
            if let Some(s) = params.get("state") {
                url.query_pairs_mut().append_pair("state", s);
            }
            Some(url.to_string())
        }
    };
    let login = logged_in(&session);
    session.purge();
    if let Some(login) = login {
        tracing::info!(federation = %login.identity.federation, "logout asked by a démarche");
        if let Some(url) = end_at_federation(
            state,
            login.identity.federation,
            &login.id_token,
            target.clone(),
        )
        .await?
        {
            return Ok(see_other(&url));
        }
    }
    Ok(match target {
        Some(t) => see_other(&t),
        None => crate::routes::logout::logged_out_page(&page, None),
    })
}
