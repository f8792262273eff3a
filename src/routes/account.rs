//! `GET /compte`: who is logged in, when no démarche is waiting for them.

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::PageError;
use super::context::PageCtx;
use super::session::{csrf_token, logged_in};
use crate::domain::LoggedIn;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    login: &'a LoggedIn,
    /// Federation-specific claims, shown as they came (name, JSON value).
    extra: Vec<(String, String)>,
    /// The session's token, for the logout form.
    csrf: String,
}

/// `/compte` without a session: said plainly, with the way to log in.
#[derive(Template)]
#[template(path = "not_logged_in.html")]
struct NotLoggedInPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
}

pub async fn show(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    let Some(login) = logged_in(&session, page.state())? else {
        let body = NotLoggedInPage {
            t: page.tr(),
            page: &page,
        };
        return Ok(no_store(super::html(StatusCode::OK, &body)));
    };
    let extra = login
        .identity
        .claims
        .iter()
        // Protocol claims and those with a row of their own are not in
        // `claims` (see `Identity::from_claims`).
        .map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), shown)
        })
        .collect();
    let body = AccountPage {
        t: page.tr(),
        page: &page,
        login: &login,
        extra,
        csrf: csrf_token(&session)?,
    };
    Ok(no_store(super::html(StatusCode::OK, &body)))
}

/// Personal data must not stay in any cache.
pub fn no_store(mut res: HttpResponse) -> HttpResponse {
    use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
