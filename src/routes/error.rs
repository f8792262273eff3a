//! One error type for every page, rendered as a localized page with the
//! common layout by [`super::middleware::render_error_pages`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::context::PageCtx;
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
    #[error("unknown client `{0}`")]
    UnknownClient(String),
    #[error("redirect URI not registered for the client")]
    BadRedirectUri,
    #[error("post-logout redirect URI not registered")]
    BadLogoutRedirectUri,
    #[error("discovery return URL not registered")]
    BadDiscoveryReturn,
    #[error("démarche request unknown or expired")]
    DemandeExpired,
    #[error("federation {0} not accepted by this démarche")]
    FederationNotAccepted(Federation),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("internal error: {0}")]
    Internal(String),
}

/// A storage failure is the portal's fault: an internal error page.
impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> PageError {
        PageError::Internal(e.to_string())
    }
}

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
            | PageError::UnknownClient(_)
            | PageError::BadRedirectUri
            | PageError::BadLogoutRedirectUri
            | PageError::BadDiscoveryReturn
            | PageError::DemandeExpired => StatusCode::BAD_REQUEST,
            PageError::FederationNotAccepted(_) => StatusCode::FORBIDDEN,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Bare response; the middleware replaces it with the page, knowing the
    /// request's language. Never shows internal details.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).finish()
    }
}

/// A link or button offered on an error page.
pub struct Action {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Tr<'a>,
    page: &'a PageCtx,
    status: u16,
    title: String,
    message: String,
    actions: Vec<Action>,
    retry: Option<Federation>,
}

/// Every stem [`PageError::stem`] can return (for `check-locales`).
pub const STEMS: &[&str] = &[
    "not-found",
    "unknown-population",
    "unknown-federation",
    "not-configured",
    "unavailable",
    "refused-access-denied",
    "refused-login-required",
    "refused-server-error",
    "refused-other",
    "login-rejected",
    "login-expired",
    "logout-unconfirmed",
    "unknown-client",
    "bad-redirect-uri",
    "bad-logout-redirect-uri",
    "bad-discovery-return",
    "demande-expired",
    "federation-not-accepted",
    "bad-request",
    "method-not-allowed",
    "internal",
];

impl PageError {
    /// Fluent key stem of the error's texts: `error-<stem>-title`, `-body`.
    fn stem(&self) -> &'static str {
        match self {
            PageError::NotFound => "not-found",
            PageError::UnknownPopulation(_) => "unknown-population",
            PageError::UnknownFederation(_) => "unknown-federation",
            PageError::FederationNotConfigured(_) => "not-configured",
            PageError::FederationUnavailable(_) => "unavailable",
            PageError::FederationRefused { error, .. } => match error.as_str() {
                "access_denied" | "consent_required" => "refused-access-denied",
                "login_required" | "interaction_required" => "refused-login-required",
                "server_error" | "temporarily_unavailable" => "refused-server-error",
                _ => "refused-other",
            },
            PageError::LoginRejected(_) => "login-rejected",
            PageError::LoginExpired(_) => "login-expired",
            PageError::LogoutUnconfirmed => "logout-unconfirmed",
            PageError::UnknownClient(_) => "unknown-client",
            PageError::BadRedirectUri => "bad-redirect-uri",
            PageError::BadLogoutRedirectUri => "bad-logout-redirect-uri",
            PageError::BadDiscoveryReturn => "bad-discovery-return",
            PageError::DemandeExpired => "demande-expired",
            PageError::FederationNotAccepted(_) => "federation-not-accepted",
            PageError::BadRequest(_) => "bad-request",
            PageError::MethodNotAllowed => "method-not-allowed",
            PageError::Internal(_) => "internal",
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
            | PageError::FederationRefused { federation: f, .. } => Some(*f),
            _ => None,
        }
    }

    /// Maps a relying-party failure to what the person is told.
    pub fn from_upstream(federation: Federation, error: UpstreamError) -> PageError {
        match error {
            UpstreamError::Unreachable(reason) => {
                tracing::warn!(%federation, reason, "federation unreachable");
                PageError::FederationUnavailable(federation)
            }
            UpstreamError::Refused { error, description } => {
                tracing::warn!(%federation, error, description, "federation refused the login");
                // Only standard codes are kept: the value is shown on the page.
                let known = [
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
                let error = if known.contains(&error.as_str()) {
                    error
                } else {
                    "unknown".to_owned()
                };
                PageError::FederationRefused { federation, error }
            }
            UpstreamError::Rejected(reason) => {
                tracing::warn!(%federation, reason, "federation response rejected");
                PageError::LoginRejected(federation)
            }
        }
    }

    pub fn render(&self, page: &PageCtx) -> HttpResponse {
        let t = page.tr();
        let stem = self.stem();
        let federation = self.federation().map(Federation::brand).unwrap_or("");
        let mut actions = vec![Action {
            href: "/".into(),
            label: t.t("error-action-home"),
        }];
        if let PageError::FederationNotConfigured(_) = self {
            actions.push(Action {
                href: "/federations".into(),
                label: t.t("error-action-federations"),
            });
        }
        // A login that failed can be tried again, or another federation chosen.
        let retry = match self {
            PageError::FederationNotConfigured(_) | PageError::FederationNotAccepted(_) => None,
            other => other.federation(),
        };
        if retry.is_some() {
            actions[0] = Action {
                href: "/".into(),
                label: t.t("error-action-other-federation"),
            };
        }
        let code = match self {
            PageError::FederationRefused { error, .. } => error.as_str(),
            _ => "",
        };
        let body = ErrorPage {
            t,
            page,
            status: self.status_code().as_u16(),
            title: t.t(&format!("error-{stem}-title")),
            message: t.t2(
                &format!("error-{stem}-body"),
                "federation",
                federation,
                "code",
                code,
            ),
            actions,
            retry,
        };
        super::html(self.status_code(), &body)
    }
}
