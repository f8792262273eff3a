//! actix-session's storage on top of [`Store`]: the cookie holds only a
//! random session id (encrypted), the data lives in the store.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;

use super::SharedStore;
use super::keys::SESSION;
use crate::common::random_token;

#[derive(Clone)]
pub struct StoreSessions {
    store: SharedStore,
}

impl StoreSessions {
    pub fn new(store: SharedStore) -> Self {
        StoreSessions { store }
    }
}

fn key(session_key: &SessionKey) -> String {
    SESSION.key(session_key.as_ref())
}

fn ttl(d: &Duration) -> StdDuration {
    StdDuration::from_secs(d.whole_seconds().max(0) as u64)
}

type State = HashMap<String, String>;

impl SessionStore for StoreSessions {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let bytes = self
            .store
            .get(&key(session_key))
            .await
            .map_err(|e| LoadError::Other(e.into()))?;
        bytes
            .map(|b| serde_json::from_slice(&b))
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(&self, state: State, ttl_: &Duration) -> Result<SessionKey, SaveError> {
        // 256 random bits: unguessable (ASVS 7.2.3 asks for 128).
        let session_key: SessionKey = random_token(32)
            .try_into()
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let body = serde_json::to_vec(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        self.store
            .put(&key(&session_key), body, ttl(ttl_))
            .await
            .map_err(|e| SaveError::Other(e.into()))?;
        Ok(session_key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl_: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let body = serde_json::to_vec(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        self.store
            .put(&key(&session_key), body, ttl(ttl_))
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl_: &Duration,
    ) -> Result<(), anyhow::Error> {
        if let Some(body) = self.store.get(&key(session_key)).await? {
            self.store.put(&key(session_key), body, ttl(ttl_)).await?;
        }
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        self.store.delete(&key(session_key)).await?;
        Ok(())
    }
}
