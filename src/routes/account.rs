//! `GET /compte`: who is logged in, when no démarche is waiting for them.

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::context::PageCtx;
use super::session::logged_in;
use super::{PageError, see_other};
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
}

pub async fn show(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    let Some(login) = logged_in(&session, page.state())? else {
        return Ok(see_other("/"));
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
