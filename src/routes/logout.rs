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

use super::PageError;
use super::context::{PageCtx, query_param};
use super::next::respond_to_logout;
use super::session::{browser, csrf_matches, csrf_token, keep, logged_in};
use crate::broker::LogoutNext;
use crate::domain::Federation;
use crate::i18n::Tr;

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
    /// Where "Annuler" leads: back to the démarche that asked, else the
    /// account page.
    pub cancel: String,
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
    cancel: Option<String>,
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
        cancel: cancel.unwrap_or_else(|| "/compte".to_owned()),
    };
    Ok(super::account::no_store(super::html(StatusCode::OK, &body)))
}

/// `GET /deconnexion`: asks, when someone is logged in; says so when
/// nobody is (never "logged out" for a logout that did not happen).
pub async fn ask(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    if logged_in(&session, page.state())?.is_none() {
        return Ok(super::account::not_logged_in_page(&page));
    }
    confirmation(&page, &session, "/deconnexion", Vec::new(), None, None)
}

/// `POST /deconnexion`: logs out when the form is the portal's own
/// ([`crate::broker::Broker::log_out`]).
pub async fn start(
    page: PageCtx,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let presented = crate::common::form::first_value(&body, "csrf");
    let confirmed = csrf_matches(&session, presented.as_deref());
    let state = page.state();
    let mut browser = browser(&session, state)?;
    // Boxed (routes/mod.rs).
    let next = Box::pin(state.broker().log_out(&mut browser, confirmed)).await;
    keep(&session, &browser)?;
    render_logout(&page, &session, next?, "/deconnexion", Vec::new())
}

/// The response for a logout's next step: a redirect, or one of the two
/// pages ("Se déconnecter ?" posting to `action` with `fields`, "logged out").
pub fn render_logout(
    page: &PageCtx,
    session: &Session,
    next: LogoutNext,
    action: &str,
    fields: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    if let Some(res) = respond_to_logout(&next) {
        return Ok(res);
    }
    match next {
        LogoutNext::Ask { demarche, cancel } => {
            confirmation(page, session, action, fields, demarche, cancel)
        }
        LogoutNext::LoggedOut(federation) => Ok(logged_out_page(page, federation)),
        LogoutNext::NotLoggedIn => Ok(super::account::not_logged_in_page(page)),
        _ => Err(PageError::Internal("a logout step without a page".into())),
    }
}

/// The federation's logout sent the browser back with our `state`.
/// Returns `None` when `state` is absent or unknown.
pub async fn finish_with_state(
    page: &PageCtx,
    session: &Session,
    req: &HttpRequest,
) -> Result<Option<HttpResponse>, PageError> {
    let Some(returned) = query_param(req, "state") else {
        return Ok(None);
    };
    match page.state().broker().finish_logout(&returned).await? {
        Some(next) => render_logout(page, session, next, "/deconnexion", Vec::new()).map(Some),
        None => Ok(None),
    }
}

/// `GET /deconnexion/fin`: where FranceConnect and Pro Santé Connect send
/// the browser back (ProConnect's test client uses `/`, handled by home).
pub async fn finished(
    page: PageCtx,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    if let Some(res) = finish_with_state(&page, &session, &req).await? {
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
