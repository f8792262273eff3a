//! A démarche's request parked while the person answers the chooser and
//! logs in at a federation: an OpenID authorization request, or a
//! discovery-only question ("which federation?"). Its id travels in the
//! chooser's URLs and forms as `demande=<id>`.

use serde::{Deserialize, Serialize};

use super::authorize::AuthorizationRequest;
use super::{Demarche, Demarches};
use crate::common::random_token;
use crate::domain::{Chooser, Federation};
use crate::store::keys::PENDING;
use crate::store::{Store, StoreError, get_json, put_json, take_json};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PendingKind {
    Authorize(AuthorizationRequest),
    /// `/decouverte`: send the chosen federation's id to `return_to`.
    Discovery {
        return_to: String,
        param: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRequest {
    pub client_id: String,
    pub kind: PendingKind,
}

impl PendingRequest {
    /// Parks the request; returns its id (256 random bits).
    pub async fn park(&self, store: &dyn Store) -> Result<String, StoreError> {
        let id = random_token(32);
        put_json(store, &PENDING.key(&id), self, PENDING.fixed_ttl()).await?;
        Ok(id)
    }

    pub async fn load(store: &dyn Store, id: &str) -> Result<Option<PendingRequest>, StoreError> {
        get_json(store, &PENDING.key(id)).await
    }

    /// Single use: gone once a code or a redirect is made.
    pub async fn take(store: &dyn Store, id: &str) -> Result<Option<PendingRequest>, StoreError> {
        take_json(store, &PENDING.key(id)).await
    }

    /// The eIDAS level the request needs (`None`: none asked, or discovery only).
    pub fn level(&self) -> Option<u8> {
        match &self.kind {
            PendingKind::Authorize(request) => request.required_level(),
            PendingKind::Discovery { .. } => None,
        }
    }

    /// The démarche, if still registered.
    pub fn client<'a>(&self, clients: &'a Demarches) -> Option<&'a Demarche> {
        clients.get(&self.client_id)
    }
}

/// The chooser for a request at eIDAS `level`, restricted to what the
/// démarche accepts (`None` when nothing is left: `check-config` makes
/// sure something is at least without level).
pub fn restricted_chooser(
    chooser: &Chooser,
    client: &Demarche,
    level: Option<u8>,
) -> Option<Chooser> {
    chooser
        .for_level(level)
        .restricted(client.federations.as_deref(), client.populations.as_deref())
}

/// The federation to go to without asking, when only one fits.
pub fn only_federation(
    chooser: &Chooser,
    client: &Demarche,
    level: Option<u8>,
) -> Option<Federation> {
    restricted_chooser(chooser, client, level)?.single_federation()
}
