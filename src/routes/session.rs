//! What the portal keeps in a browser's session.

use actix_session::Session;

use super::PageError;
use crate::common::random_token;
use crate::domain::LoggedIn;

const BROWSER: &str = "browser";
const LOGIN: &str = "login";

fn session_error(e: impl std::fmt::Display) -> PageError {
    PageError::Internal(format!("session: {e}"))
}

/// A random value tied to this browser's session, copied into each login
/// transaction: a callback is only accepted from the browser that started it.
pub fn browser_binding(session: &Session) -> Result<String, PageError> {
    if let Some(b) = session.get::<String>(BROWSER).map_err(session_error)? {
        return Ok(b);
    }
    let b = random_token(32);
    session.insert(BROWSER, &b).map_err(session_error)?;
    Ok(b)
}

pub fn current_browser(session: &Session) -> Option<String> {
    session.get::<String>(BROWSER).ok().flatten()
}

pub fn logged_in(session: &Session) -> Option<LoggedIn> {
    session.get::<LoggedIn>(LOGIN).ok().flatten()
}

/// Records the login under a new session id (no session fixation).
pub fn log_in(session: &Session, login: &LoggedIn) -> Result<(), PageError> {
    session.renew();
    session.insert(LOGIN, login).map_err(session_error)
}

const CSRF: &str = "csrf";

/// A random value of this session, put in the portal's own logout forms:
/// a logout POST without it was not sent from the portal's pages (another
/// site cannot read it). Made on first use.
pub fn csrf_token(session: &Session) -> Result<String, PageError> {
    if let Some(t) = session.get::<String>(CSRF).map_err(session_error)? {
        return Ok(t);
    }
    let t = random_token(32);
    session.insert(CSRF, &t).map_err(session_error)?;
    Ok(t)
}

/// The form carried this session's token (compared in constant time).
pub fn csrf_matches(session: &Session, presented: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match (session.get::<String>(CSRF).ok().flatten(), presented) {
        (Some(expected), Some(p)) => bool::from(expected.as_bytes().ct_eq(p.as_bytes())),
        _ => false,
    }
}
