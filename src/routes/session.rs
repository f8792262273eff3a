//! What the portal keeps in a browser's session, and its two time limits:
//! an inactivity timeout (`server.session_ttl_minutes`: the session's
//! lifetime in the store, started again by every request, see
//! `startup`), and an absolute maximum counted from the login
//! (`server.session_max_hours`, checked here each time the login is read).
//!
//! Every reader fails with [`PageError::StoreUnavailable`] when the session
//! could not be read because the store is down (see
//! [`crate::store::StoreSessions`]): a person is never told "not logged
//! in" (nor "logged out") only because Redis did not answer.

use actix_session::Session;

use super::PageError;
use super::context::AppState;
use crate::common::random_token;
use crate::domain::LoggedIn;
use crate::store::SESSION_UNAVAILABLE;

const BROWSER: &str = "browser";
const LOGIN: &str = "login";

fn session_error(e: impl std::fmt::Display) -> PageError {
    PageError::Internal(format!("session: {e}"))
}

/// `Err(StoreUnavailable)` when this request's session could not be read.
fn readable(session: &Session) -> Result<(), PageError> {
    if session.contains_key(SESSION_UNAVAILABLE) {
        return Err(PageError::StoreUnavailable);
    }
    Ok(())
}

/// A random value tied to this browser's session, copied into each login
/// transaction: a callback is only accepted from the browser that started
/// it. Not yet in the session when new: [`keep_browser_binding`] puts it
/// there once the transaction is stored (so that nothing is written to
/// the session when storing fails).
pub fn browser_binding(session: &Session) -> Result<String, PageError> {
    readable(session)?;
    Ok(current_browser(session)?.unwrap_or_else(|| random_token(32)))
}

pub fn keep_browser_binding(session: &Session, binding: &str) -> Result<(), PageError> {
    if current_browser(session)?.as_deref() != Some(binding) {
        session.insert(BROWSER, binding).map_err(session_error)?;
    }
    Ok(())
}

pub fn current_browser(session: &Session) -> Result<Option<String>, PageError> {
    readable(session)?;
    Ok(session.get::<String>(BROWSER).ok().flatten())
}

/// The login of this session, if any and younger than the absolute
/// maximum; an older one is dropped from the session.
pub fn logged_in(session: &Session, state: &AppState) -> Result<Option<LoggedIn>, PageError> {
    readable(session)?;
    let Some(login) = session.get::<LoggedIn>(LOGIN).ok().flatten() else {
        return Ok(None);
    };
    let age = crate::common::clock::unix_now().saturating_sub(login.at);
    if u64::try_from(age).unwrap_or(0) >= state.session_max.as_secs() {
        tracing::info!(federation = %login.identity.federation, "session past its maximum duration: logged out");
        session.remove(LOGIN);
        return Ok(None);
    }
    Ok(Some(login))
}

/// Records the login under a new session id (no session fixation).
pub fn log_in(session: &Session, login: &LoggedIn) -> Result<(), PageError> {
    readable(session)?;
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
