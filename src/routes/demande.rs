//! A démarche's pending request ("demande"), kept in the store while the
//! person answers the chooser: an OpenID authorization request, or a
//! discovery-only question ("which federation?").

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::PageError;
use super::context::{AppState, PageCtx};
use crate::domain::{Chooser, Federation};
use crate::provider::{AuthorizationRequest, Client};
use crate::store::{get_json, put_json, random_token, take_json};

/// How long a person has to choose and log in.
const DEMANDE_TTL: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum DemandeKind {
    Authorize(AuthorizationRequest),
    /// `/decouverte`: send the chosen federation's id to `return_to`.
    Discovery {
        return_to: String,
        param: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Demande {
    pub client_id: String,
    pub kind: DemandeKind,
}

fn key(id: &str) -> String {
    format!("demande:{id}")
}

impl Demande {
    pub async fn save(&self, state: &AppState) -> Result<String, PageError> {
        let id = random_token(32);
        put_json(state.store.as_ref(), &key(&id), self, DEMANDE_TTL).await?;
        Ok(id)
    }

    pub async fn load(state: &AppState, id: &str) -> Result<Demande, PageError> {
        get_json(state.store.as_ref(), &key(id))
            .await?
            .ok_or(PageError::DemandeExpired)
    }

    /// Single use: the demande is gone once a code or a redirect is made.
    pub async fn take(state: &AppState, id: &str) -> Result<Demande, PageError> {
        take_json(state.store.as_ref(), &key(id))
            .await?
            .ok_or(PageError::DemandeExpired)
    }

    pub fn client<'a>(&self, state: &'a AppState) -> Result<&'a Client, PageError> {
        state
            .provider
            .clients
            .get(&self.client_id)
            .ok_or_else(|| PageError::UnknownClient(self.client_id.clone()))
    }
}

/// What the chooser pages show for a démarche: its name, and the chooser
/// restricted to what it accepts.
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
    let demande = Demande::load(state, id).await?;
    let client = demande.client(state)?;
    Ok(Some(ForDemarche {
        name: client.name.clone(),
        chooser: restricted_chooser(state, client)?,
    }))
}

/// Configuration checks make sure something is left (`check-config`).
pub fn restricted_chooser(state: &AppState, client: &Client) -> Result<Chooser, PageError> {
    state
        .chooser
        .restricted(client.providers.as_deref(), client.populations.as_deref())
        .ok_or_else(|| {
            PageError::Internal(format!("client {} accepts no population", client.client_id))
        })
}

/// The federation to go to without asking, when only one fits.
pub fn only_federation(state: &AppState, client: &Client) -> Option<Federation> {
    restricted_chooser(state, client).ok()?.single_federation()
}
