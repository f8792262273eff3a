//! Probes for load balancers and orchestrators.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::context::AppState;

/// Liveness: no dependency is checked, so a slow federation or Redis
/// never gets the portal restarted.
pub async fn check() -> HttpResponse {
    plain(StatusCode::OK, "ok")
}

/// Readiness (`GET /readyz`): 200 when the store answers (Redis PING,
/// bounded by `store.timeout_ms`), cannot evict people's sessions (Redis
/// with a `maxmemory` must have `maxmemory-policy noeviction`), and the
/// texts in service have every text the pages use; 503 otherwise, so that
/// a load balancer sends people to another instance. Federations are not checked: one down must not
/// take every instance out.
///
/// A refused edit of the text folder does not make the instance unready:
/// it keeps serving complete texts (the last good ones), and every
/// instance reading the same folder would be taken out at once for a
/// typo. It is said in the body (`ready; text edit refused…`), logged at
/// `error` with each problem's `file:line` and key, and in the gauge
/// `aiguillage_locales_refused` (README, "Readiness and liveness").
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    if !state.texts_complete {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "texts missing");
    }
    match state.store.ping().await {
        Ok(()) if eviction_risk(&state).await.is_some() => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "store may evict sessions: set Redis maxmemory-policy noeviction",
        ),
        Ok(()) if state.locales.refused() => plain(
            StatusCode::OK,
            "ready; text edit refused: the last good texts are served (see the log)",
        ),
        Ok(()) => plain(StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the store does not answer");
            plain(StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}

/// The store's eviction policy when it may push out people's sessions.
async fn eviction_risk(state: &AppState) -> Option<String> {
    let policy = state.store.eviction_risk().await.ok().flatten()?;
    tracing::error!(maxmemory_policy = %policy, "not ready: Redis may evict people's sessions; set maxmemory-policy noeviction");
    Some(policy)
}

fn plain(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}
