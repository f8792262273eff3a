//! A login's end: once the person logs out, every code and token given
//! from that login (its `sid`) is void, on every instance.

use super::OpenIdProvider;
use crate::store::keys::ENDED;
use crate::store::{Store, StoreError};

/// The login `sid` was logged out: every code and token given from it is
/// void from now on (each is checked against this mark when used).
pub async fn end_login(
    provider: &OpenIdProvider,
    store: &dyn Store,
    sid: &str,
) -> Result<(), StoreError> {
    if sid.is_empty() {
        return Ok(());
    }
    let ttl = provider.code_ttl + provider.token_ttl;
    store.put(&ENDED.key(sid), b"1".to_vec(), ttl).await
}

/// Whether the login `sid` was logged out ([`end_login`]).
pub async fn login_ended(store: &dyn Store, sid: &str) -> Result<bool, StoreError> {
    Ok(!sid.is_empty() && store.get(&ENDED.key(sid)).await?.is_some())
}
