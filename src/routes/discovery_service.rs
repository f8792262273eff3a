//! `GET /decouverte?return=URL&returnIDParam=NAME`: discovery only, for a
//! démarche that runs its own federation client (SAML Identity Provider
//! Discovery Service protocol, adapted): the chooser runs, then the browser
//! goes to `URL` with `NAME=<federation id>`.
//!
//! Both are kept while the person chooses, so both are bounded: `return`
//! at most [`MAX_RETURN_BYTES`], `returnIDParam` 1 to
//! [`MAX_PARAM_BYTES`] characters of `A-Z a-z 0-9 _ . -`; anything else is
//! refused with an error page, never cut or replaced silently.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};
use url::Url;

use super::PageError;
use super::context::{PageCtx, query_param};
use super::next::respond;
use super::session::{browser, keep};

/// The longest `return` URL kept.
pub const MAX_RETURN_BYTES: usize = 2048;
/// The longest `returnIDParam`.
pub const MAX_PARAM_BYTES: usize = 64;

pub async fn start(
    req: HttpRequest,
    page: PageCtx,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let state = page.state();
    let return_to = query_param(&req, "return").ok_or(PageError::BadDiscoveryReturn)?;
    if return_to.len() > MAX_RETURN_BYTES {
        return Err(PageError::TooLarge(format!(
            "discovery return URL over {MAX_RETURN_BYTES} bytes"
        )));
    }
    let return_to = Url::parse(&return_to).map_err(|_| PageError::BadDiscoveryReturn)?;
    let param = match query_param(&req, "returnIDParam") {
        None => "entityID".to_owned(),
        Some(p) if is_param_name(&p) => p,
        Some(_) => {
            return Err(PageError::BadRequest(format!(
                "returnIDParam must be 1 to {MAX_PARAM_BYTES} characters of A-Z a-z 0-9 _ . -"
            )));
        }
    };
    let mut browser = browser(&session, state)?;
    let result = state
        .broker()
        .ask_discovery(&mut browser, &return_to, param)
        .await;
    keep(&session, &browser)?;
    Ok(respond(result?))
}

fn is_param_name(p: &str) -> bool {
    (1..=MAX_PARAM_BYTES).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}
