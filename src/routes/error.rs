//! One error type for every page, rendered as a localized page with the
//! common layout by [`super::middleware::render_error_pages`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::context::PageCtx;
use super::offers::other_active;
use crate::broker::{ForDemarche, PageDemarche};
use crate::common::Untrusted;
use crate::domain::Federation;
use crate::i18n::Tr;
use crate::upstream::UpstreamError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("unknown population `{0}`")]
    UnknownPopulation(String),
    #[error("unknown federation `{0}`")]
    UnknownFederation(String),
    #[error("federation {0} is not configured on this portal")]
    FederationNotConfigured(Federation),
    #[error("federation {0} unreachable")]
    FederationUnavailable(Federation),
    #[error("federation {federation} answered `{error}`")]
    FederationRefused {
        federation: Federation,
        error: String,
    },
    #[error("login with {0} rejected by a security check")]
    LoginRejected(Federation),
    #[error("login with {0} expired or already used")]
    LoginExpired(Federation),
    #[error("logout return with an unknown state")]
    LogoutUnconfirmed,
    #[error("unknown démarche `{0}`")]
    UnknownDemarche(String),
    #[error("redirect URI not registered for the démarche")]
    BadRedirectUri,
    #[error("post-logout redirect URI not registered")]
    BadLogoutRedirectUri,
    #[error("discovery return URL not registered")]
    BadDiscoveryReturn,
    #[error("démarche request unknown or expired")]
    PendingRequestExpired,
    /// The démarche's request was answered already (Back, a reload): the
    /// way back is its page.
    #[error("démarche request already answered")]
    PendingRequestAnswered { demarche: String, home: String },
    #[error("federation {0} not accepted by this démarche")]
    FederationNotAccepted(Federation),
    #[error("federation {0} cannot give the level of assurance asked")]
    LevelNotOffered(Federation),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The shared store (Redis) does not answer: try again shortly.
    #[error("the store is unavailable")]
    StoreUnavailable,
    /// More than the portal keeps for anyone (see the limits in README).
    #[error("request too large: {0}")]
    TooLarge(String),
    /// Past the client address' budget; retry after that many seconds.
    #[error("too many requests (retry after {0} s)")]
    TooManyRequests(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the person is told of a broker failure.
impl From<crate::broker::BrokerError> for PageError {
    fn from(e: crate::broker::BrokerError) -> PageError {
        use crate::broker::BrokerError as B;
        use crate::provider::logout::LogoutRefusal;
        match e {
            B::UnknownDemarche(id) => PageError::UnknownDemarche(id),
            B::BadRedirectUri => PageError::BadRedirectUri,
            B::PendingExpired => PageError::PendingRequestExpired,
            B::FederationNotAccepted(f) => PageError::FederationNotAccepted(f),
            B::LevelNotOffered(f) => PageError::LevelNotOffered(f),
            B::FederationNotConfigured(f) => PageError::FederationNotConfigured(f),
            B::FederationDown(f) => PageError::FederationUnavailable(f),
            B::Upstream { federation, error } => PageError::from_upstream(federation, error),
            B::LoginExpired(f) => PageError::LoginExpired(f),
            B::LogoutUnconfirmed => PageError::LogoutUnconfirmed,
            B::BadDiscoveryReturn => PageError::BadDiscoveryReturn,
            B::LogoutRefused(LogoutRefusal::BadRequest(why)) => PageError::BadRequest(why),
            B::LogoutRefused(LogoutRefusal::UnregisteredRedirect) => {
                PageError::BadLogoutRedirectUri
            }
            B::IdentityTooLarge(f, _) => PageError::LoginRejected(f),
            B::Store(e) => e.into(),
        }
    }
}

/// The store down is temporary (503, the person may retry); a value over
/// the store's size limit is the request's fault (413); anything else
/// (corrupt data) is a bug.
impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> PageError {
        crate::metrics::store_error(e.kind());
        use crate::store::StoreError;
        match e {
            StoreError::Backend(why) | StoreError::Full(why) => {
                tracing::warn!(error = %why, "store unavailable");
                PageError::StoreUnavailable
            }
            e @ StoreError::TooLarge { .. } => PageError::TooLarge(e.to_string()),
            e => PageError::Internal(e.to_string()),
        }
    }
}

/// How long to suggest waiting while the store is unavailable.
const STORE_RETRY_AFTER_SECONDS: u64 = 5;

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound
            | PageError::UnknownPopulation(_)
            | PageError::UnknownFederation(_) => StatusCode::NOT_FOUND,
            PageError::FederationNotConfigured(_) | PageError::FederationUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            PageError::FederationRefused { .. } | PageError::LoginRejected(_) => {
                StatusCode::FORBIDDEN
            }
            PageError::LoginExpired(_)
            | PageError::LogoutUnconfirmed
            | PageError::UnknownDemarche(_)
            | PageError::BadRedirectUri
            | PageError::BadLogoutRedirectUri
            | PageError::BadDiscoveryReturn
            | PageError::PendingRequestExpired
            | PageError::PendingRequestAnswered { .. } => StatusCode::BAD_REQUEST,
            PageError::FederationNotAccepted(_) | PageError::LevelNotOffered(_) => {
                StatusCode::FORBIDDEN
            }
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PageError::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Bare response; the middleware replaces it with the page, knowing the
    /// request's language. Never shows internal details.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).finish()
    }
}

/// A link offered on an error page.
pub struct Action {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    title: String,
    message: String,
    /// What to do instead, when the message alone leaves the person stuck.
    hint: Option<String>,
    /// The login that failed, to try again (its form keeps the journey).
    retry: Option<Federation>,
    actions: Vec<Action>,
    /// The démarche waiting for the person ("Connexion à …", "Retour à …").
    demarche: Option<String>,
}

/// Declares the error stems once: the enum, its list and its texts' key
/// stem (`error-<stem>-title`, `error-<stem>-body`).
macro_rules! error_stems {
    ($($variant:ident => $stem:literal,)*) => {
        /// Which texts an error page shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorStem { $($variant,)* }

        impl ErrorStem {
            pub const ALL: &'static [ErrorStem] = &[$(ErrorStem::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorStem::$variant => $stem,)* }
            }

            pub fn parse(s: &str) -> Option<ErrorStem> {
                match s { $($stem => Some(ErrorStem::$variant),)* _ => None }
            }
        }
    };
}

error_stems! {
    NotFound => "not-found",
    UnknownPopulation => "unknown-population",
    UnknownFederation => "unknown-federation",
    NotConfigured => "not-configured",
    Unavailable => "unavailable",
    RefusedAccessDenied => "refused-access-denied",
    RefusedLoginRequired => "refused-login-required",
    RefusedServerError => "refused-server-error",
    RefusedOther => "refused-other",
    LoginRejected => "login-rejected",
    LoginExpired => "login-expired",
    LogoutUnconfirmed => "logout-unconfirmed",
    UnknownDemarche => "unknown-client",
    BadRedirectUri => "bad-redirect-uri",
    BadLogoutRedirectUri => "bad-logout-redirect-uri",
    BadDiscoveryReturn => "bad-discovery-return",
    PendingRequestExpired => "demande-expired",
    PendingRequestAnswered => "demande-answered",
    FederationNotAccepted => "federation-not-accepted",
    LevelNotOffered => "level-not-offered",
    BadRequest => "bad-request",
    MethodNotAllowed => "method-not-allowed",
    StoreUnavailable => "store-unavailable",
    TooLarge => "too-large",
    TooManyRequests => "too-many-requests",
    Internal => "internal",
}

impl PageError {
    /// Which texts the error page shows.
    fn stem(&self) -> ErrorStem {
        match self {
            PageError::NotFound => ErrorStem::NotFound,
            PageError::UnknownPopulation(_) => ErrorStem::UnknownPopulation,
            PageError::UnknownFederation(_) => ErrorStem::UnknownFederation,
            PageError::FederationNotConfigured(_) => ErrorStem::NotConfigured,
            PageError::FederationUnavailable(_) => ErrorStem::Unavailable,
            PageError::FederationRefused { error, .. } => match error.as_str() {
                "access_denied" | "consent_required" => ErrorStem::RefusedAccessDenied,
                "login_required" | "interaction_required" => ErrorStem::RefusedLoginRequired,
                "server_error" | "temporarily_unavailable" => ErrorStem::RefusedServerError,
                _ => ErrorStem::RefusedOther,
            },
            PageError::LoginRejected(_) => ErrorStem::LoginRejected,
            PageError::LoginExpired(_) => ErrorStem::LoginExpired,
            PageError::LogoutUnconfirmed => ErrorStem::LogoutUnconfirmed,
            PageError::UnknownDemarche(_) => ErrorStem::UnknownDemarche,
            PageError::BadRedirectUri => ErrorStem::BadRedirectUri,
            PageError::BadLogoutRedirectUri => ErrorStem::BadLogoutRedirectUri,
            PageError::BadDiscoveryReturn => ErrorStem::BadDiscoveryReturn,
            PageError::PendingRequestExpired => ErrorStem::PendingRequestExpired,
            PageError::PendingRequestAnswered { .. } => ErrorStem::PendingRequestAnswered,
            PageError::FederationNotAccepted(_) => ErrorStem::FederationNotAccepted,
            PageError::LevelNotOffered(_) => ErrorStem::LevelNotOffered,
            PageError::BadRequest(_) => ErrorStem::BadRequest,
            PageError::MethodNotAllowed => ErrorStem::MethodNotAllowed,
            PageError::StoreUnavailable => ErrorStem::StoreUnavailable,
            PageError::TooLarge(_) => ErrorStem::TooLarge,
            PageError::TooManyRequests(_) => ErrorStem::TooManyRequests,
            PageError::Internal(_) => ErrorStem::Internal,
        }
    }

    /// The federation the error is about, if any.
    pub fn federation(&self) -> Option<Federation> {
        match self {
            PageError::FederationNotConfigured(f)
            | PageError::FederationUnavailable(f)
            | PageError::LoginRejected(f)
            | PageError::LoginExpired(f)
            | PageError::FederationNotAccepted(f)
            | PageError::LevelNotOffered(f)
            | PageError::FederationRefused { federation: f, .. } => Some(*f),
            _ => None,
        }
    }

    /// Maps a relying-party failure to what the person is told.
    pub fn from_upstream(federation: Federation, error: UpstreamError) -> PageError {
        match error {
            UpstreamError::Unreachable(reason) => {
                tracing::warn!(%federation, reason = %Untrusted(&reason), "federation unreachable");
                PageError::FederationUnavailable(federation)
            }
            UpstreamError::Refused { error, description } => {
                tracing::warn!(
                    %federation,
                    error = %Untrusted(&error),
                    description = %Untrusted(description.as_deref().unwrap_or("")),
                    "federation refused the login"
                );
                PageError::FederationRefused {
                    federation,
                    error: known_refusal(&error).to_owned(),
                }
            }
            UpstreamError::Rejected(reason) => {
                tracing::warn!(%federation, reason = %Untrusted(&reason), "federation response rejected");
                PageError::LoginRejected(federation)
            }
        }
    }

    /// The error a `/erreur/{stem}` address shows again (the language
    /// links of an error page that cannot be repeated lead there). `None`
    /// when the stem needs a federation and none is given.
    pub fn from_stem(
        stem: ErrorStem,
        federation: Option<Federation>,
        code: Option<&str>,
    ) -> Option<PageError> {
        use ErrorStem as S;
        let refused = |f: Federation, error: &str| PageError::FederationRefused {
            federation: f,
            error: error.to_owned(),
        };
        Some(match stem {
            S::NotFound => PageError::NotFound,
            S::UnknownPopulation => PageError::UnknownPopulation(String::new()),
            S::UnknownFederation => PageError::UnknownFederation(String::new()),
            S::NotConfigured => PageError::FederationNotConfigured(federation?),
            S::Unavailable => PageError::FederationUnavailable(federation?),
            S::RefusedAccessDenied => refused(federation?, "access_denied"),
            S::RefusedLoginRequired => refused(federation?, "login_required"),
            S::RefusedServerError => refused(federation?, "server_error"),
            S::RefusedOther => refused(federation?, known_refusal(code.unwrap_or_default())),
            S::LoginRejected => PageError::LoginRejected(federation?),
            S::LoginExpired => PageError::LoginExpired(federation?),
            S::LogoutUnconfirmed => PageError::LogoutUnconfirmed,
            S::UnknownDemarche => PageError::UnknownDemarche(String::new()),
            S::BadRedirectUri => PageError::BadRedirectUri,
            S::BadLogoutRedirectUri => PageError::BadLogoutRedirectUri,
            S::BadDiscoveryReturn => PageError::BadDiscoveryReturn,
            S::PendingRequestExpired => PageError::PendingRequestExpired,
            // Shown again without its démarche: as expired.
            // Its démarche is found again from the page's `demande`.
            S::PendingRequestAnswered => PageError::PendingRequestAnswered {
                demarche: String::new(),
                home: String::new(),
            },
            S::FederationNotAccepted => PageError::FederationNotAccepted(federation?),
            S::LevelNotOffered => PageError::LevelNotOffered(federation?),
            S::StoreUnavailable => PageError::StoreUnavailable,
            S::TooLarge => PageError::TooLarge(String::new()),
            // The wait is unknown again: the page says a minute.
            S::TooManyRequests => PageError::TooManyRequests(60),
            S::BadRequest => PageError::BadRequest(String::new()),
            S::MethodNotAllowed => PageError::MethodNotAllowed,
            S::Internal => PageError::Internal(String::new()),
        })
    }

    /// The federation's error code shown on the page, if any.
    fn code(&self) -> Option<&str> {
        match self {
            PageError::FederationRefused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// `/erreur/{stem}?federation=…&code=…&population=…`: a GET that shows
    /// this error again (the page's `demande` is added by its links).
    pub fn address(&self, page: &PageCtx) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(f) = self.federation() {
            query.append_pair("federation", f.id());
        }
        // Only `refused-other` shows the code; the other stems imply it.
        if let (ErrorStem::RefusedOther, Some(code)) = (self.stem(), self.code()) {
            query.append_pair("code", code);
        }
        if let Some(p) = &page.population {
            query.append_pair("population", p.as_str());
        }
        let query = query.finish();
        let path = format!("/erreur/{}", self.stem().as_str());
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The localized page, in the person's journey: the démarche's request
    /// still waiting (the retry, the other services that fit them, the way
    /// back), or answered already (a stale page: only the way back to the
    /// démarche), or none.
    pub async fn render(&self, page: &PageCtx) -> HttpResponse {
        let demarche = super::pending::page_demarche(page).await.ok().flatten();
        let mut page = page.clone();
        let (waiting, answered) = match demarche {
            Some(PageDemarche::Waiting(d)) => (Some(d), None),
            Some(PageDemarche::Answered { name, home }) => (None, Some((name, home))),
            None => (None, None),
        };
        if waiting.is_none() {
            page.pending = None;
        }
        if page.self_link().is_none() {
            let address = self.address(&page);
            page = page.with_self_link(address);
        }
        match (answered, self) {
            // Back, a reload: the démarche's request is answered.
            (
                Some((demarche, home)),
                PageError::PendingRequestExpired
                | PageError::PendingRequestAnswered { .. }
                | PageError::LoginExpired(_),
            ) => PageError::PendingRequestAnswered {
                demarche,
                home: home.to_string(),
            }
            .render_for(&page, None),
            _ => self.render_for(&page, waiting.as_ref()),
        }
    }

    fn render_for(&self, page: &PageCtx, demarche: Option<&ForDemarche>) -> HttpResponse {
        if let PageError::PendingRequestAnswered { demarche, home } = self {
            return self.render_answered(page, demarche, home);
        }
        let state = page.state();
        let t = page.tr();
        let stem = self.stem().as_str();
        let federation = self.federation();
        let brand = federation.map(Federation::brand).unwrap_or("");
        let chooser = demarche.map_or(&state.chooser, |d| &d.chooser);
        let population = page
            .population
            .as_ref()
            .filter(|p| chooser.population(p.as_str()).is_some());
        let others = match federation {
            Some(_) => other_active(state, chooser, population, federation),
            None => Vec::new(),
        };
        // A login that failed can be tried again, when the portal can.
        let retry = match self {
            PageError::FederationNotConfigured(_)
            | PageError::FederationNotAccepted(_)
            | PageError::LevelNotOffered(_) => None,
            other => other.federation(),
        }
        .filter(|f| state.can_log_in_with(*f));
        let mut actions = Vec::new();
        if !others.is_empty() {
            let path = population.map_or("/".to_owned(), |p| format!("/choix/{p}"));
            actions.push(Action {
                href: page.link(&path),
                label: t.t("error-action-other-federation"),
            });
        }
        if demarche.is_none() {
            actions.push(Action {
                href: "/".into(),
                label: t.t("error-action-home"),
            });
        }
        let demarche_name = demarche.map(|d| d.name.as_str()).unwrap_or("");
        // What to do instead, said only where it is true for this person.
        let hint = match (federation, others.is_empty(), demarche.is_some()) {
            (Some(_), false, _) => Some(t.t("error-hint-other-services")),
            (Some(_), true, true) if retry.is_none() => {
                Some(t.t1("error-hint-back-to-demarche", "demarche", demarche_name))
            }
            (Some(_), true, false) if retry.is_none() => Some(t.t("error-hint-administration")),
            _ => None,
        };
        let body = ErrorPage {
            t,
            page,
            title: t.t(&format!("error-{stem}-title")),
            message: t.t2(
                &format!("error-{stem}-body"),
                "federation",
                brand,
                "code",
                self.code().unwrap_or(""),
            ),
            hint,
            retry,
            actions,
            demarche: demarche.map(|d| d.name.clone()),
        };
        let mut res = super::html(self.status_code(), &body);
        let retry_after = match self {
            PageError::StoreUnavailable => Some(STORE_RETRY_AFTER_SECONDS),
            PageError::TooManyRequests(seconds) => Some(*seconds),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            res.headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, seconds.into());
        }
        res
    }
}

impl PageError {
    /// A démarche's request answered already: said so, with the one way
    /// forward, back to the démarche's own page (never a login it no
    /// longer waits for, never the account page).
    fn render_answered(&self, page: &PageCtx, demarche: &str, home: &str) -> HttpResponse {
        let t = page.tr();
        let name = if demarche.is_empty() {
            t.t("error-demande-answered-unknown")
        } else {
            demarche.to_owned()
        };
        let mut actions = Vec::new();
        if !home.is_empty() {
            actions.push(Action {
                href: home.to_owned(),
                label: t.t1("demarche-back", "demarche", &name),
            });
        } else {
            actions.push(Action {
                href: "/".into(),
                label: t.t("error-action-home"),
            });
        }
        let body = ErrorPage {
            t,
            page,
            title: t.t("error-demande-answered-title"),
            message: t.t1("error-demande-answered-body", "demarche", &name),
            hint: None,
            retry: None,
            actions,
            demarche: Some(name.clone()).filter(|_| !demarche.is_empty()),
        };
        super::html(self.status_code(), &body)
    }
}

/// Standard codes a federation may answer with are shown as they are;
/// anything else as `unknown` (the value is shown on the page).
fn known_refusal(code: &str) -> &str {
    const KNOWN: [&str; 10] = [
        "access_denied",
        "consent_required",
        "login_required",
        "interaction_required",
        "server_error",
        "temporarily_unavailable",
        "invalid_request",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_response_type",
    ];
    KNOWN
        .iter()
        .find(|k| **k == code)
        .copied()
        .unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stem_is_shown_again_by_its_address() {
        for &stem in ErrorStem::ALL {
            let error =
                PageError::from_stem(stem, Some(Federation::ProConnect), Some("invalid_scope"))
                    .unwrap_or_else(|| panic!("{stem:?}"));
            assert_eq!(error.stem(), stem);
            assert_eq!(ErrorStem::parse(stem.as_str()), Some(stem));
        }
        let other = PageError::from_stem(
            ErrorStem::RefusedOther,
            Some(Federation::ProConnect),
            Some("<script>"),
        );
        assert_eq!(
            other.and_then(|e| e.code().map(str::to_owned)).as_deref(),
            Some("unknown")
        );
        assert!(PageError::from_stem(ErrorStem::Unavailable, None, None).is_none());
    }
}
