//! What an access token gives at the userinfo endpoint (RFC 6750 bearer).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::login_end::login_ended;
use crate::store::keys::ACCESS;
use crate::store::{Store, StoreError, get_json};

/// Kept under the access token while it lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRecord {
    pub client_id: String,
    pub claims: Map<String, Value>,
    /// The login it was given from: its logout ends the token.
    #[serde(default)]
    pub sid: String,
}

/// The access token's record while it lives and its login has not ended;
/// `None` for an unknown, expired or revoked one.
pub async fn live_access(
    store: &dyn Store,
    access_token: &str,
) -> Result<Option<AccessRecord>, StoreError> {
    if access_token.is_empty() {
        return Ok(None);
    }
    let Some(record) = get_json::<AccessRecord>(store, &ACCESS.key(access_token)).await? else {
        return Ok(None);
    };
    if login_ended(store, &record.sid).await? {
        return Ok(None);
    }
    Ok(Some(record))
}

/// The person's claims for a live access token ([`live_access`]).
pub async fn claims_for(
    store: &dyn Store,
    access_token: &str,
) -> Result<Option<Map<String, Value>>, StoreError> {
    Ok(live_access(store, access_token).await?.map(|r| r.claims))
}
