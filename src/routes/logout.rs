//! `GET|POST /deconnexion`: ends the portal session, then the federation's
//! (RP-initiated logout), which sends the browser back to
//! `post_logout_redirect_path` with our `state`.
//!
//! Another site must not be able to log a person out (a link, an image, a
//! form): `GET` only asks for confirmation, and the `POST` must carry the
//! session's token that the portal's own forms hold
//! ([`super::session::csrf_token`]).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::context::{AppState, PageCtx, is_token, query_param};
use super::session::{csrf_matches, csrf_token, logged_in};
use super::{PageError, see_other};
use crate::common::random_token;
use crate::domain::Federation;
use crate::i18n::Tr;
use crate::store::keys::LOGOUT;
use crate::store::{put_json, take_json};

/// A logout in progress at a federation, keyed by the `state` sent there.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingLogout {
    pub federation: Federation,
    /// Where to go once the federation is done (a démarche's URI), if not
    /// the portal's own "logged out" page.
    pub resume: Option<String>,
}

#[derive(Template)]
#[template(path = "logged_out.html")]
struct LoggedOutPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    /// The federation confirmed the logout with our `state`.
    federation: Option<Federation>,
}

/// "Do you want to log out?": the form that makes a logout happen.
#[derive(Template)]
#[template(path = "logout_confirm.html")]
pub struct LogoutConfirmPage<'a> {
    pub t: Tr<'a>,
    pub page: &'a PageCtx,
    /// Where the form posts (`/deconnexion` or `/oidc/logout`).
    pub action: &'a str,
    /// Hidden fields: the session's token, and a démarche's logout request.
    pub fields: Vec<(String, String)>,
    /// The démarche asking for the logout, if known.
    pub demarche: Option<String>,
}

/// The confirmation page (200): the session's token in the form. Its
/// language links show it again with a GET of `action` and the request's
/// own fields (a GET that only ever asks, never logs out).
pub fn confirmation(
    page: &PageCtx,
    session: &Session,
    action: &str,
    mut fields: Vec<(String, String)>,
    demarche: Option<String>,
) -> Result<HttpResponse, PageError> {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let again = if query.is_empty() {
        action.to_owned()
    } else {
        format!("{action}?{query}")
    };
    let page = &page.clone().with_self_link(again);
    fields.push(("csrf".into(), csrf_token(session)?));
    let body = LogoutConfirmPage {
        t: page.tr(),
        page,
        action,
        fields,
        demarche,
    };
    Ok(super::account::no_store(super::html(StatusCode::OK, &body)))
}

/// `GET /deconnexion`: asks, when someone is logged in.
pub async fn ask(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    if logged_in(&session, page.state())?.is_none() {
        return Ok(logged_out_page(&page, None));
    }
    confirmation(&page, &session, "/deconnexion", Vec::new(), None)
}

/// `POST /deconnexion`: logs out when the form is the portal's own.
pub async fn start(
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let Some(login) = logged_in(&session, page.state())? else {
        // Nothing to end here: say so plainly.
        return Ok(logged_out_page(&page, None));
    };
    let presented = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned());
    if !csrf_matches(&session, presented.as_deref()) {
        tracing::warn!("logout form without this session's token: asking for confirmation");
        return confirmation(&page, &session, "/deconnexion", Vec::new(), None);
    }
    session.purge();
    let federation = login.identity.federation;
    tracing::info!(%federation, "logout started");
    end_at_federation(page.state(), federation, &login.id_token, None)
        .await
        .map(|url| url.map_or_else(|| logged_out_page(&page, None), |u| see_other(&u)))
}

/// The federation's logout URL for this login, with a fresh single-use
/// `state` remembered. `None` when the federation has no logout endpoint or
/// cannot be reached: the portal session is gone anyway.
pub async fn end_at_federation(
    state: &AppState,
    federation: Federation,
    id_token: &str,
    resume: Option<String>,
) -> Result<Option<String>, PageError> {
    let Some(client) = state.federations.get(federation) else {
        return Ok(None);
    };
    let logout_state = random_token(32);
    let url = match client.end_session_url(id_token, &logout_state).await {
        Ok(Some(url)) => url,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!(%federation, error = %crate::common::Untrusted(&e), "federation logout unavailable");
            return Ok(None);
        }
    };
    put_json(
        state.store.as_ref(),
        &LOGOUT.key(&logout_state),
        &PendingLogout { federation, resume },
        LOGOUT.fixed_ttl(),
    )
    .await?;
    Ok(Some(url.to_string()))
}

/// The federation's logout sent the browser back with our `state`.
/// Returns `None` when `state` is absent or unknown.
pub async fn finish_with_state(
    page: &PageCtx,
    req: &HttpRequest,
) -> Result<Option<HttpResponse>, PageError> {
    let Some(returned) = query_param(req, "state").filter(|s| is_token(s)) else {
        return Ok(None);
    };
    let pending: Option<PendingLogout> =
        take_json(page.state().store.as_ref(), &LOGOUT.key(&returned)).await?;
    let Some(pending) = pending else {
        return Ok(None);
    };
    tracing::info!(federation = %pending.federation, "logout confirmed by the federation");
    Ok(Some(match pending.resume {
        Some(resume) => see_other(&resume),
        None => logged_out_page(page, Some(pending.federation)),
    }))
}

/// `GET /deconnexion/fin`: where FranceConnect and Pro Santé Connect send
/// the browser back (ProConnect's test client uses `/`, handled by home).
pub async fn finished(page: PageCtx, req: HttpRequest) -> Result<HttpResponse, PageError> {
    if let Some(res) = finish_with_state(&page, &req).await? {
        return Ok(res);
    }
    tracing::warn!("logout return without a known state");
    Err(PageError::LogoutUnconfirmed)
}

/// "Vous êtes déconnecté": its language links lead to `GET /deconnexion`,
/// which shows the same page to someone no longer logged in.
pub fn logged_out_page(page: &PageCtx, federation: Option<Federation>) -> HttpResponse {
    let page = page.clone().with_self_link("/deconnexion");
    super::account::no_store(super::html(
        StatusCode::OK,
        &LoggedOutPage {
            t: page.tr(),
            page: &page,
            federation,
        },
    ))
}
