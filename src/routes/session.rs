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
use super::context::{AppState, BROWSER, binding};
use crate::broker::{Browser, SessionChange};
use crate::common::random_token;
use crate::domain::LoggedIn;
use crate::store::SESSION_UNAVAILABLE;

use crate::store::SESSION_LOGIN_KEY as LOGIN;

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

/// The browser as the broker sees it: its binding and its login (an
/// expired login dropped).
pub fn browser(session: &Session, state: &AppState) -> Result<Browser, PageError> {
    let login = logged_in(session, state)?;
    Ok(Browser::new(binding(session), login))
}

/// Writes back what a broker call changed, whether it succeeded or not
/// (a binding made for a request kept, a login made before a hand-back
/// failed, both stay).
pub fn keep(session: &Session, browser: &Browser) -> Result<(), PageError> {
    if let Some(binding) = browser.new_binding() {
        session.insert(BROWSER, binding).map_err(session_error)?;
    }
    match browser.change() {
        Some(SessionChange::LoggedIn(login)) => {
            // A new session id at login: no session fixation.
            session.renew();
            session.insert(LOGIN, login).map_err(session_error)?;
        }
        Some(SessionChange::LoggedOut) => session.purge(),
        None => {}
    }
    Ok(())
}

/// The login of this session, if any and younger than the absolute
/// maximum; an older one is dropped from the session.
pub fn logged_in(session: &Session, state: &AppState) -> Result<Option<LoggedIn>, PageError> {
    readable(session)?;
    let Some(login) = session.get::<LoggedIn>(LOGIN).ok().flatten() else {
        return Ok(None);
    };
    let age = state.clock.now().saturating_sub(login.at);
    if u64::try_from(age).unwrap_or(0) >= state.session_max.as_secs() {
        tracing::info!(federation = %login.identity.federation, "session past its maximum duration: logged out");
        session.remove(LOGIN);
        return Ok(None);
    }
    Ok(Some(login))
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
