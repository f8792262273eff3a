//! What an access token gives at the userinfo endpoint (RFC 6750 bearer).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::store::keys::ACCESS;
use crate::store::{Store, StoreError, get_json};

/// Kept under the access token while it lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessRecord {
    pub client_id: String,
    pub claims: Map<String, Value>,
}

/// The person's claims for a live access token; `None` for an unknown,
/// expired or revoked one.
pub async fn claims_for(
    store: &dyn Store,
    access_token: &str,
) -> Result<Option<Map<String, Value>>, StoreError> {
    if access_token.is_empty() {
        return Ok(None);
    }
    let record: Option<AccessRecord> = get_json(store, &ACCESS.key(access_token)).await?;
    Ok(record.map(|r| r.claims))
}
