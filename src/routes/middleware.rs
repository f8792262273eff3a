//! Cross-cutting behaviour: security headers, the language cookie, and
//! localized error pages for every error response.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::PageError;
use super::context::{AppState, LANG_COOKIE, PageCtx, lang_from_query};

/// `?lang=xx` on any page is remembered for a year.
pub async fn remember_language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let asked = lang_from_query(req.request());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let mut res = next.call(req).await?;
    if let (Some(lang), Some(state)) = (asked, state) {
        let cookie = state.cookie(LANG_COOKIE, lang.code().to_owned(), Duration::days(365));
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// Replaces every error response (from a handler, an extractor or the
/// router) with the localized error page, and logs it once.
pub async fn render_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let res = next.call(req).await?;
    let Some(error) = res.response().error() else {
        return Ok(res.map_into_left_body());
    };
    let page_error = match error.as_error::<PageError>() {
        Some(e) => e.clone(),
        None => match res.status() {
            StatusCode::NOT_FOUND => PageError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => PageError::MethodNotAllowed,
            s if s.is_client_error() => PageError::BadRequest(error.to_string()),
            _ => PageError::Internal(error.to_string()),
        },
    };
    let status = res.status();
    if status.is_server_error() {
        tracing::error!(%status, error = %page_error, path = res.request().path(), "request failed");
    } else {
        tracing::warn!(%status, error = %page_error, path = res.request().path(), "request refused");
    }
    let (req, _) = res.into_parts();
    let page = page_error.render(&PageCtx::from_request(&req));
    Ok(ServiceResponse::new(req, page).map_into_right_body())
}
