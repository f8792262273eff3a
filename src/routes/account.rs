//! `GET /compte`: who is logged in, when no démarche is waiting for them.

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::PageError;
use super::context::PageCtx;
use super::session::{csrf_token, logged_in};
use super::texts::{LABELLED_CLAIMS, level_key};
use crate::domain::{Federation, LoggedIn};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    login: &'a LoggedIn,
    /// The eIDAS name of the login's level (`faible`…), when its `acr` is one.
    level: Option<String>,
    /// Federation-specific claims: (claim name, label, value as it came).
    /// Known claims have a label in the page's language; an empty value
    /// has no row.
    extra: Vec<(String, String, String)>,
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

/// "Aucune connexion en cours", with the way to log in.
pub fn not_logged_in_page(page: &PageCtx) -> HttpResponse {
    let body = NotLoggedInPage { t: page.tr(), page };
    no_store(super::html(StatusCode::OK, &body))
}

pub async fn show(page: PageCtx, session: Session) -> Result<HttpResponse, PageError> {
    let Some(login) = logged_in(&session, page.state())? else {
        return Ok(not_logged_in_page(&page));
    };
    let t = page.tr();
    let federation = login.identity.federation;
    let extra = login
        .identity
        .claims
        .iter()
        // Protocol claims and those with a row of their own are not in
        // `claims` (see `Identity::from_claims`).
        .filter_map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            let empty = shown.trim().is_empty() || shown == "[]" || shown == "{}";
            (!empty).then(|| (k.clone(), claim_label(&t, federation, k), shown))
        })
        .collect();
    let level = login
        .identity
        .acr
        .as_deref()
        .and_then(crate::domain::eidas_level)
        .map(|l| t.t(level_key(l)));
    let body = AccountPage {
        t,
        page: &page,
        login: &login,
        level,
        extra,
        csrf: csrf_token(&session)?,
    };
    Ok(no_store(super::html(StatusCode::OK, &body)))
}

/// The label of a claim: `claim-<name>` when [`LABELLED_CLAIMS`] has it
/// (Pro Santé Connect's `preferred_username` is its national identifier),
/// else the claim's own name.
fn claim_label(t: &crate::i18n::Tr<'_>, federation: Federation, claim: &str) -> String {
    let key = match (federation, claim) {
        (Federation::ProSanteConnect, "preferred_username") => "SubjectNameID",
        (_, c) => c,
    };
    if LABELLED_CLAIMS.contains(&key) {
        t.t(&format!("claim-{key}"))
    } else {
        claim.to_owned()
    }
}

/// Personal data must not stay in any cache.
pub fn no_store(mut res: HttpResponse) -> HttpResponse {
    use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
