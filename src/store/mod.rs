//! Short-lived shared state behind one trait: browser sessions, login
//! transactions (keyed by `state`), authorization codes. In memory for a
//! single instance; a Redis implementation of the same trait lets several
//! instances share it.

pub mod keys;
mod memory;
mod sessions;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use memory::MemoryStore;
pub use sessions::StoreSessions;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage backend unavailable: {0}")]
    Backend(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// A key-value store with expiry. Keys are namespaced as [`keys`] lists.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError>;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Reads and deletes in one step: the value can be taken once only,
    /// even by concurrent requests (single-use `state`, codes).
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
}

pub type SharedStore = Arc<dyn Store>;

/// Typed helpers over any [`Store`], as JSON.
pub async fn put_json<T: Serialize>(
    store: &dyn Store,
    key: &str,
    value: &T,
    ttl: Duration,
) -> Result<(), StoreError> {
    store.put(key, serde_json::to_vec(value)?, ttl).await
}

pub async fn get_json<T: DeserializeOwned>(
    store: &dyn Store,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match store.get(key).await? {
        Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        None => Ok(None),
    }
}

pub async fn take_json<T: DeserializeOwned>(
    store: &dyn Store,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match store.take(key).await? {
        Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        None => Ok(None),
    }
}
