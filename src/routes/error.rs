//! One error type for every page, rendered as a localized page with the
//! common layout by [`super::middleware::render_error_pages`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::context::PageCtx;
use crate::domain::Federation;
use crate::i18n::Tr;

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
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound
            | PageError::UnknownPopulation(_)
            | PageError::UnknownFederation(_) => StatusCode::NOT_FOUND,
            PageError::FederationNotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
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
}

/// Every stem [`PageError::stem`] can return (for `check-locales`).
pub const STEMS: &[&str] = &[
    "not-found",
    "unknown-population",
    "unknown-federation",
    "not-configured",
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
            PageError::BadRequest(_) => "bad-request",
            PageError::MethodNotAllowed => "method-not-allowed",
            PageError::Internal(_) => "internal",
        }
    }

    pub fn render(&self, page: &PageCtx) -> HttpResponse {
        let t = page.tr();
        let stem = self.stem();
        let federation = match self {
            PageError::FederationNotConfigured(f) => f.brand(),
            _ => "",
        };
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
        let body = ErrorPage {
            t,
            page,
            status: self.status_code().as_u16(),
            title: t.t(&format!("error-{stem}-title")),
            message: t.t1(&format!("error-{stem}-body"), "federation", federation),
            actions,
        };
        super::html(self.status_code(), &body)
    }
}
