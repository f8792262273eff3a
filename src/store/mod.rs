//! Short-lived shared state behind one trait: browser sessions, login
//! transactions (keyed by `state`), authorization codes. In memory for a
//! single instance ([`MemoryStore`], bounded); in Redis ([`RedisStore`]) to
//! share it between several instances and keep it across restarts.
//! [`open`] picks one from [`StoreSettings`].

mod address;
pub mod keys;
mod memory;
mod redis;
mod sessions;
mod settings;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::clock::Clock;

pub use self::redis::RedisStore;
pub use memory::MemoryStore;
pub use sessions::{
    LOGIN_KEY as SESSION_LOGIN_KEY, StoreSessions, UNAVAILABLE as SESSION_UNAVAILABLE, watch_writes,
};
pub use settings::{StoreSettings, redacted};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage backend unavailable: {0}")]
    Backend(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("value of {size} bytes refused: the store keeps at most {max} bytes per value")]
    TooLarge { size: usize, max: usize },
    #[error("store settings: {0}")]
    Config(String),
    /// What strangers can make the portal keep is at its budget: the
    /// stranger may try again later, nothing else is pushed out.
    #[error("store full for new anonymous entries: {0}")]
    Full(String),
}

impl StoreError {
    /// Refuses a value larger than `max` bytes (every store bounds them).
    pub fn check_size(size: usize, max: usize) -> Result<(), StoreError> {
        if size > max {
            return Err(StoreError::TooLarge { size, max });
        }
        Ok(())
    }

    /// The store could not be reached (Redis down, slow or refusing):
    /// worth trying again shortly; never the caller's fault.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Backend(_) | StoreError::Full(_))
    }

    /// A fixed word for the metrics (`aiguillage_store_errors_total{kind}`).
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Backend(_) => "backend",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::TooLarge { .. } => "too_large",
            StoreError::Config(_) => "config",
            StoreError::Full(_) => "full",
        }
    }
}

/// A key-value store with expiry. Keys are namespaced as [`keys`] lists.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError>;
    /// Puts a new entry. One a stranger can make the portal create
    /// ([`keys::is_anonymous`]) draws on their budget: refused with
    /// [`StoreError::Full`] past it, never pushing out another entry.
    async fn create(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        self.put(key, value, ttl).await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Reads and deletes in one step: the value can be taken once only,
    /// even by concurrent requests (single-use `state`, codes).
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Gives an existing value a new lifetime (an active session's
    /// inactivity timeout starts again); nothing when the key is absent.
    async fn touch(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        if let Some(value) = self.get(key).await? {
            self.put(key, value, ttl).await?;
        }
        Ok(())
    }
    /// Whether the store answers now (readiness). Always `Ok` in memory.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The largest value `put` accepts ([`StoreError::TooLarge`] past it).
    fn max_value_bytes(&self) -> usize;
    /// The store's own eviction policy, when it may push out entries
    /// under memory pressure (Redis' `maxmemory-policy`): people's
    /// sessions could then be lost. `None`: it never evicts (or cannot
    /// tell). The memory store never evicts what people hold for
    /// strangers' entries.
    async fn eviction_risk(&self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }
}

pub type SharedStore = Arc<dyn Store>;

/// The store the settings ask for: Redis when `url` is set, else memory.
///
/// Never fails because Redis is unreachable: the Redis store connects on
/// first use and reconnects by itself, so the portal starts while Redis is
/// down (operations fail with [`StoreError::Backend`] until it is back).
/// Fails only on settings that cannot work ([`StoreError::Config`]). Must
/// be called within a Tokio runtime.
pub async fn open(settings: &StoreSettings, clock: &Clock) -> Result<SharedStore, StoreError> {
    let store = connect(settings, clock)?;
    if let Some(address) = settings.url.as_deref().map(settings::redacted) {
        log_first_ping(store.as_ref(), &address).await;
    }
    Ok(store)
}

/// [`open`] without waiting for Redis' first answer: for callers that are
/// not async (the portal's startup logs that answer from a task of its own,
/// see [`log_first_ping`]). Must be called within a Tokio runtime.
/// The memory store counts lifetimes on `clock`; Redis on its own.
pub fn connect(settings: &StoreSettings, clock: &Clock) -> Result<SharedStore, StoreError> {
    if settings.url.is_none() {
        return Ok(Arc::new(MemoryStore::from_settings(settings, clock)?));
    }
    Ok(Arc::new(RedisStore::from_settings(settings)?))
}

/// Logs whether Redis answers now; starting goes on either way.
pub async fn log_first_ping(store: &dyn Store, address: &str) {
    match store.ping().await {
        Ok(()) => {
            tracing::info!(redis = %address, "shared store: Redis answers");
            if let Ok(Some(policy)) = store.eviction_risk().await {
                tracing::error!(redis = %address, maxmemory_policy = %policy, "Redis may evict people's sessions under memory pressure: set maxmemory-policy noeviction (not ready until then)");
            }
        }
        Err(e) => tracing::warn!(
            redis = %address,
            error = %e,
            "shared store: Redis does not answer yet; starting anyway, will retry on each use"
        ),
    }
}

/// Typed helpers over any [`Store`], as JSON.
pub async fn put_json<T: Serialize>(
    store: &dyn Store,
    key: &str,
    value: &T,
    ttl: Duration,
) -> Result<(), StoreError> {
    store.put(key, serde_json::to_vec(value)?, ttl).await
}

/// [`Store::create`], as JSON.
pub async fn create_json<T: Serialize>(
    store: &dyn Store,
    key: &str,
    value: &T,
    ttl: Duration,
) -> Result<(), StoreError> {
    store.create(key, serde_json::to_vec(value)?, ttl).await
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
