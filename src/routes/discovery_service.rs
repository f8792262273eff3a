//! `GET /decouverte?return=URL&returnIDParam=NAME`: discovery only, for a
//! démarche that runs its own federation client (SAML Identity Provider
//! Discovery Service protocol, adapted): the chooser runs, then the browser
//! goes to `URL` with `NAME=<federation id>`.

use actix_web::{HttpRequest, HttpResponse};
use url::Url;

use super::context::{PageCtx, query_param};
use super::{PageError, see_other};
use crate::provider::pending::{PendingKind, PendingRequest};

pub async fn start(req: HttpRequest, page: PageCtx) -> Result<HttpResponse, PageError> {
    let state = page.state();
    let return_to = query_param(&req, "return")
        .and_then(|r| Url::parse(&r).ok())
        .ok_or(PageError::BadDiscoveryReturn)?;
    // Only to an address a registered démarche declared: no open redirect.
    let client = state
        .op
        .clients
        .all()
        .find(|c| c.allows_discovery_return(&return_to))
        .ok_or_else(|| {
            tracing::warn!("discovery request with an unregistered return URL");
            PageError::BadDiscoveryReturn
        })?;
    let param = query_param(&req, "returnIDParam")
        .filter(|p| !p.is_empty() && p.len() <= 64)
        .unwrap_or_else(|| "entityID".to_owned());
    let pending = PendingRequest {
        client_id: client.client_id.clone(),
        kind: PendingKind::Discovery {
            return_to: return_to.to_string(),
            param,
        },
    };
    let id = pending.park(state.store.as_ref()).await?;
    Ok(see_other(&format!("/?demande={id}")))
}
