//! One error type for every page, rendered as a localized page with the
//! common layout by [`super::middleware::render_error_pages`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::context::PageCtx;
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
    #[error("unknown client `{0}`")]
    UnknownClient(String),
    #[error("redirect URI not registered for the client")]
    BadRedirectUri,
    #[error("post-logout redirect URI not registered")]
    BadLogoutRedirectUri,
    #[error("discovery return URL not registered")]
    BadDiscoveryReturn,
    #[error("démarche request unknown or expired")]
    PendingRequestExpired,
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
        crate::metrics::store_error(e.kind());
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
            | PageError::PendingRequestExpired => StatusCode::BAD_REQUEST,
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
    UnknownClient => "unknown-client",
    BadRedirectUri => "bad-redirect-uri",
    BadLogoutRedirectUri => "bad-logout-redirect-uri",
    BadDiscoveryReturn => "bad-discovery-return",
    PendingRequestExpired => "demande-expired",
    FederationNotAccepted => "federation-not-accepted",
    BadRequest => "bad-request",
    MethodNotAllowed => "method-not-allowed",
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
            PageError::UnknownClient(_) => ErrorStem::UnknownClient,
            PageError::BadRedirectUri => ErrorStem::BadRedirectUri,
            PageError::BadLogoutRedirectUri => ErrorStem::BadLogoutRedirectUri,
            PageError::BadDiscoveryReturn => ErrorStem::BadDiscoveryReturn,
            PageError::PendingRequestExpired => ErrorStem::PendingRequestExpired,
            PageError::FederationNotAccepted(_) => ErrorStem::FederationNotAccepted,
            PageError::BadRequest(_) => ErrorStem::BadRequest,
            PageError::MethodNotAllowed => ErrorStem::MethodNotAllowed,
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
                tracing::warn!(%federation, reason = %Untrusted(&reason), "federation response rejected");
                PageError::LoginRejected(federation)
            }
        }
    }

    pub fn render(&self, page: &PageCtx) -> HttpResponse {
        let t = page.tr();
        let stem = self.stem().as_str();
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
