//! The démarche a chooser page belongs to: its parked request, found by
//! the page's `demande` id, with the page errors for a stale one.

use super::PageError;
use super::context::{AppState, PageCtx};
use crate::domain::Chooser;
use crate::provider::Client;
use crate::provider::pending::{PendingRequest, restricted_chooser};

/// The parked request `id`, or "expired" (unknown, expired or used).
pub async fn load(state: &AppState, id: &str) -> Result<PendingRequest, PageError> {
    PendingRequest::load(state.store.as_ref(), id)
        .await?
        .ok_or(PageError::PendingRequestExpired)
}

/// Single use: the request is gone once a code or a redirect is made.
pub async fn take(state: &AppState, id: &str) -> Result<PendingRequest, PageError> {
    PendingRequest::take(state.store.as_ref(), id)
        .await?
        .ok_or(PageError::PendingRequestExpired)
}

pub fn client<'a>(state: &'a AppState, pending: &PendingRequest) -> Result<&'a Client, PageError> {
    pending
        .client(&state.op.clients)
        .ok_or_else(|| PageError::UnknownClient(pending.client_id.clone()))
}

/// What the chooser pages show for a démarche: its name, and the chooser
/// restricted to what it accepts at the level it asks.
pub struct ForDemarche {
    pub name: String,
    pub chooser: Chooser,
}

/// The page's démarche, if it carries a `demande`.
pub async fn for_page(page: &PageCtx) -> Result<Option<ForDemarche>, PageError> {
    let Some(id) = &page.demande else {
        return Ok(None);
    };
    let state = page.state();
    let pending = load(state, id).await?;
    let client = client(state, &pending)?;
    let level = pending.level();
    // `/oidc/authorize` refused a level no federation it accepts can give.
    let chooser = restricted_chooser(&state.chooser, client, level).ok_or_else(|| {
        PageError::Internal(format!("client {} accepts no population", client.client_id))
    })?;
    Ok(Some(ForDemarche {
        name: client.name.clone(),
        chooser,
    }))
}
