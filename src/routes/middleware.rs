//! Cross-cutting behaviour: security headers, the language cookie,
//! localized error pages for every error response, caching headers, the
//! request id and the HTTP metrics.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use super::PageError;
use super::context::{AppState, LANG_COOKIE, PageCtx, lang_from_query};
use crate::common::Untrusted;

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

/// The token and userinfo endpoints answer machines: their errors are
/// OAuth JSON (RFC 6749 §5.2, RFC 6750 §3.1), never pages.
fn is_oauth_json_path(path: &str) -> bool {
    path == "/oidc/token" || path == "/oidc/userinfo"
}

/// Replaces every error response (from a handler, an extractor or the
/// router) with the localized error page, or OAuth JSON on the token and
/// userinfo endpoints, and logs it once. `Allow` (on a 405) is kept.
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
            StatusCode::PAYLOAD_TOO_LARGE => PageError::TooLarge(error.to_string()),
            StatusCode::METHOD_NOT_ALLOWED => PageError::MethodNotAllowed,
            s if s.is_client_error() => PageError::BadRequest(error.to_string()),
            _ => PageError::Internal(error.to_string()),
        },
    };
    let status = res.status();
    let path = Untrusted(res.request().path().to_owned());
    if status.is_server_error() {
        tracing::error!(%status, error = %Untrusted(&page_error), %path, "request failed");
    } else {
        tracing::warn!(%status, error = %Untrusted(&page_error), %path, "request refused");
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut page = if is_oauth_json_path(req.path()) {
        oauth_error(status)
    } else {
        page_error.render(&PageCtx::from_request(&req)).await
    };
    if let Some(allow) = allow {
        page.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ServiceResponse::new(req, page).map_into_right_body())
}

/// A session the store could not write (it stopped answering during the
/// request): the response, and the cookie it would set or remove, are
/// replaced by the "temporarily unavailable" page, or
/// `temporarily_unavailable` JSON on the machine endpoints. Wraps the
/// session middleware ([`crate::store::watch_writes`]).
pub async fn session_store_failures(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let (res, write_failed) = crate::store::watch_writes(next.call(req)).await;
    let res = res?;
    if !write_failed {
        return Ok(res.map_into_left_body());
    }
    let (request, _) = res.into_parts();
    let page = if matches!(request.path(), "/oidc/token" | "/oidc/userinfo") {
        super::temporarily_unavailable()
    } else {
        PageError::StoreUnavailable
            .render(&PageCtx::from_request(&request))
            .await
    };
    Ok(ServiceResponse::new(request, page).map_into_right_body())
}

/// An error of the token or userinfo endpoint that no handler answered
/// (unreadable body, internal error), as OAuth JSON.
fn oauth_error(status: StatusCode) -> actix_web::HttpResponse {
    use crate::provider::{OAuthError, OAuthErrorCode};
    let (status, error) = if status.is_server_error() {
        let error = OAuthError::new(OAuthErrorCode::ServerError, "internal error");
        (StatusCode::INTERNAL_SERVER_ERROR, error)
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        (status, OAuthError::invalid_request("method not allowed"))
    } else {
        let error = OAuthError::invalid_request("malformed request");
        (StatusCode::BAD_REQUEST, error)
    };
    super::no_store_json(status, &error.json())
}

/// Around every request: sends its id back (`X-Request-Id`, the id its
/// log lines carry), counts it in the metrics by route pattern, and
/// drops the `Content-Encoding: identity` marker static files use to keep
/// the compression middleware off (that value is not for responses).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = std::time::Instant::now();
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let method = req.method().as_str().to_owned();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(HeaderName::from_static("x-request-id"), id);
    }
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "identity")
    {
        headers.remove(header::CONTENT_ENCODING);
    }
    let status = res.status().as_u16();
    crate::metrics::http_request(&method, route, status, started.elapsed());
    Ok(res)
}

/// `Cache-Control` and `Vary` on every answer that did not set its own.
///
/// Pages change with the language (`?lang=`, the language cookie,
/// `Accept-Language`) and the cookies (session, remembered answer): they
/// say so with `Vary: Accept-Language, Cookie` and are `no-cache` (a cache
/// must ask again before reuse). Redirects, error pages and answers that
/// set a cookie carry a one-time `state`, a démarche's request or a
/// session: `no-store`.
pub async fn cache_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let status = res.status();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let sets_cookie = res.headers().contains_key(header::SET_COOKIE);
    let headers = res.headers_mut();
    if is_html || status.is_redirection() {
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if status.is_success() && is_html && !sets_cookie {
            "no-cache"
        } else {
            "no-store"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    Ok(res)
}

/// Where a form may lead: the federations' login and logout pages, and the
/// démarches' addresses: a discovery-only return (the chooser's button
/// then redirects there), the redirect URI ("Retour à …" answers there),
/// the post-logout URI (a confirmed logout ends there).
fn form_action_origins(state: &AppState) -> Vec<String> {
    let mut origins = state.federations.form_action_origins();
    for demarche in state.provider.demarches.all() {
        let uris = demarche
            .discovery_return_prefixes
            .iter()
            .chain(&demarche.redirect_uris)
            .chain(&demarche.post_logout_redirect_uris);
        for uri in uris {
            // Private-use schemes (native apps) have no origin to list.
            if let url::Origin::Tuple(..) = uri.origin() {
                origins.push(uri.origin().ascii_serialization());
            }
        }
    }
    origins.sort();
    origins.dedup();
    origins
}

fn content_security_policy_for(state: &AppState) -> Option<HeaderValue> {
    let origins = form_action_origins(state).join(" ");
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self' {origins}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).ok()
}

/// The policy as last computed, with the federations' discovery generation
/// it was computed from: it changes only when a discovery is loaded (the
/// démarches' addresses are fixed at start).
#[derive(Default)]
pub struct CspCache(std::sync::RwLock<Option<(u64, HeaderValue)>>);

impl CspCache {
    fn get(&self, state: &AppState) -> Option<HeaderValue> {
        let generation = state.federations.discovery_generation();
        if let Some((at, value)) = &*self.0.read().expect("csp lock")
            && *at == generation
        {
            return Some(value.clone());
        }
        let value = content_security_policy_for(state)?;
        *self.0.write().expect("csp lock") = Some((generation, value.clone()));
        Some(value)
    }
}

/// The Content-Security-Policy: nothing from outside the portal, no
/// framing (clickjacking), and forms may only lead to the portal or to a
/// federation's login page (a login button's POST answers with a redirect
/// there, which `form-action` also governs).
pub async fn content_security_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let policy = req.app_data::<web::Data<AppState>>().and_then(|state| {
        match req.app_data::<web::Data<CspCache>>() {
            Some(cache) => cache.get(state),
            None => content_security_policy_for(state),
        }
    });
    let mut res = next.call(req).await?;
    if let Some(value) = policy {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(res)
}

/// In development the public URL is `http://localhost:PORT/` while the
/// portal also answers on 127.0.0.1: cookies are per host, so a login
/// started on one would fail on the other. Pages asked on another host are
/// redirected to the public URL (only when it is loopback: in production a
/// reverse proxy owns the host name).
pub async fn canonical_host(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if let Some(target) = canonical_redirect(&req) {
        let res = actix_web::HttpResponse::PermanentRedirect()
            .insert_header((actix_web::http::header::LOCATION, target))
            .finish();
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn canonical_redirect(req: &ServiceRequest) -> Option<String> {
    use actix_web::http::Method;
    let state = req.app_data::<web::Data<AppState>>()?;
    let public = &state.public_url;
    if !crate::common::is_loopback_url(public)
        || !(req.method() == Method::GET || req.method() == Method::HEAD)
        || matches!(req.path(), "/healthz" | "/readyz")
    {
        return None;
    }
    let host = req.connection_info().host().to_owned();
    let expected = match public.port() {
        Some(port) => format!("{}:{port}", public.host_str()?),
        None => public.host_str()?.to_owned(),
    };
    if host.eq_ignore_ascii_case(&expected) {
        return None;
    }
    let mut target = public.join(req.path().trim_start_matches('/')).ok()?;
    target.set_query(Some(req.query_string()).filter(|q| !q.is_empty()));
    Some(target.to_string())
}

/// How long a request's body may take to arrive. Every body the portal
/// reads is small (16 KiB at most): one trickled byte by byte must not
/// hold a worker's request open for as long as its sender likes.
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// A request body that fails once [`BODY_DEADLINE`] has passed.
struct BodyWithDeadline {
    body: actix_web::dev::Payload,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    expired: bool,
}

impl futures_core::Stream for BodyWithDeadline {
    type Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::future::Future;
        use std::task::Poll;
        if self.expired {
            return Poll::Ready(None);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired = true;
            let late = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
            return Poll::Ready(Some(Err(actix_web::error::PayloadError::Io(late))));
        }
        std::pin::Pin::new(&mut self.body).poll_next(cx)
    }
}

/// Gives every request body [`BODY_DEADLINE`] to arrive: past it, reading
/// it fails (a 400 page, or OAuth JSON at the token endpoint) and the
/// request ends.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let body = req.take_payload();
    if matches!(body, actix_web::dev::Payload::None) {
        // No body to wait for (a GET): no timer either.
        return next.call(req).await;
    }
    let timed = BodyWithDeadline {
        body,
        deadline: Box::pin(tokio::time::sleep(BODY_DEADLINE)),
        expired: false,
    };
    req.set_payload(actix_web::dev::Payload::Stream {
        payload: Box::pin(timed),
    });
    next.call(req).await
}
