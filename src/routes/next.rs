//! The broker's outcomes as responses: where the browser goes next, and
//! the page for a failure (with the person's journey, so that it still
//! offers the retry and the way back to the démarche).

use actix_web::{HttpRequest, HttpResponse};

use super::context::record_journey;
use super::{PageError, see_other};
use crate::broker::{Failed, LogoutNext, Next};

/// The redirect for `next`.
pub fn respond(next: Next) -> HttpResponse {
    match next {
        // To a démarche: its code or error, never cached.
        Next::Demarche(url) => super::redirect(&url),
        Next::Federation(url) | Next::DiscoveryReturn(url) => see_other(url.as_str()),
        Next::Chooser {
            pending,
            population,
            lang,
        } => {
            let lang = lang
                .map(|l| format!("&lang={}", l.code()))
                .unwrap_or_default();
            see_other(&match population {
                Some(p) => format!("/choix/{p}?demande={pending}{lang}"),
                None => format!("/?demande={pending}{lang}"),
            })
        }
        Next::StepUp {
            pending,
            federation,
        } => see_other(&format!("/niveau/{federation}?demande={pending}")),
        Next::Account => see_other("/compte"),
    }
}

/// The page for a failure; its journey kept for the page.
pub fn failed(req: &HttpRequest, failure: Failed) -> PageError {
    if let Some(journey) = failure.journey {
        record_journey(req, journey);
    }
    failure.error.into()
}

/// The redirect for a logout's next step; `None` for the pages the
/// caller renders (the question, "logged out").
pub fn respond_to_logout(next: &LogoutNext) -> Option<HttpResponse> {
    match next {
        LogoutNext::Federation(url) => Some(see_other(url.as_str())),
        LogoutNext::Demarche(uri) => Some(see_other(uri)),
        LogoutNext::Ask { .. } | LogoutNext::LoggedOut(_) | LogoutNext::NotLoggedIn => None,
    }
}
