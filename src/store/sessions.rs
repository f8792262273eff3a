//! actix-session's storage on top of [`Store`]: the cookie holds only a
//! random session id (encrypted), the data lives in the store.
//!
//! **A visitor's session is not a person's.** A session without a login
//! (a browser that started a démarche's request or a login, chose a
//! language…) is anonymous: anyone can make the portal create one, so it
//! is kept under `visitor:` (its key marked, [`VISITOR_MARK`]) and draws on
//! the strangers' budget ([`Store::create`]); at login actix-session renews
//! the session id and the session moves to `session:`, with what people
//! hold. A flood of visitors can then never push out a logged-in session.
//!
//! **When the store is down**, a session cannot be read. actix-session
//! would answer a bare 500 for every request carrying the cookie, even
//! pages that need no session (the chooser). So `load` hands back a
//! session holding only [`UNAVAILABLE`]: the pages that read the session
//! see it and answer "temporarily unavailable" (`routes::session`); the
//! others work. Such a session is never written back (`save` and `update`
//! refuse it), so the real one, in the store, is intact once it is back.
//! Extending a session's lifetime (`update_ttl`, on every request) is best
//! effort: a failure is logged, the page is still served.
//!
//! **When writing fails** (the store went down during the request),
//! actix-session would also answer a bare 500 of its own, outside every
//! other middleware. Within [`watch_writes`] (a middleware around the
//! session middleware), a failed write is instead reported there and the
//! request goes on: that middleware then replaces the whole response (and
//! the cookie it would set or remove) with a "temporarily unavailable"
//! page. Nothing is lost: a session that could not be deleted (logout) is
//! still there, and the person is told to try again.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;

use super::keys::{SESSION, VISITOR};
use super::{SharedStore, StoreError};
use crate::common::random_token;

/// The one key of a session that could not be read because the store is
/// unavailable.
pub const UNAVAILABLE: &str = "_store_unavailable";

/// The session key under which a person's login is kept: a session with
/// it is a person's, one without it a visitor's.
pub const LOGIN_KEY: &str = "login";

/// Starts a visitor's session key (never in a random token's alphabet).
pub const VISITOR_MARK: char = '~';

tokio::task_local! {
    /// Set when a session write failed within [`watch_writes`].
    static WRITE_FAILED: Cell<bool>;
}

/// Runs `request` (a session middleware's call), and says whether a
/// session write failed meanwhile (see the module doc).
pub async fn watch_writes<F: Future>(request: F) -> (F::Output, bool) {
    WRITE_FAILED
        .scope(Cell::new(false), async {
            let output = request.await;
            (output, WRITE_FAILED.with(Cell::get))
        })
        .await
}

/// A write failed: reported to [`watch_writes`] when watched (`Ok`, the
/// request goes on), else the error.
fn write_failed(e: StoreError) -> Result<(), anyhow::Error> {
    match WRITE_FAILED.try_with(|failed| failed.set(true)) {
        Ok(()) => {
            tracing::warn!(error = %e, "session not written: the store is unavailable");
            Ok(())
        }
        Err(_) => Err(e.into()),
    }
}

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
    match session_key.as_ref().strip_prefix(VISITOR_MARK) {
        Some(id) => VISITOR.key(id),
        None => SESSION.key(session_key.as_ref()),
    }
}

fn is_visitors(session_key: &SessionKey) -> bool {
    session_key.as_ref().starts_with(VISITOR_MARK)
}

fn logged_in(state: &State) -> bool {
    state.contains_key(LOGIN_KEY)
}

/// A new session key: 256 random bits (ASVS 7.2.3 asks for 128), marked
/// when the session is a visitor's.
fn new_key(state: &State) -> Result<SessionKey, anyhow::Error> {
    let id = random_token(32);
    let key = if logged_in(state) {
        id
    } else {
        format!("{VISITOR_MARK}{id}")
    };
    key.try_into().map_err(|e| anyhow::anyhow!("{e}"))
}

fn ttl(d: &Duration) -> StdDuration {
    StdDuration::from_secs(d.whole_seconds().max(0) as u64)
}

type State = HashMap<String, String>;

fn unreadable_session_written() -> anyhow::Error {
    anyhow::anyhow!("a session read while the store was unavailable is never written back")
}

impl SessionStore for StoreSessions {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let bytes = match self.store.get(&key(session_key)).await {
            Ok(bytes) => bytes,
            Err(e) if e.is_unavailable() => {
                tracing::warn!(error = %e, "session unreadable: the store is unavailable");
                return Ok(Some(State::from([(UNAVAILABLE.into(), "true".into())])));
            }
            Err(e) => return Err(LoadError::Other(e.into())),
        };
        bytes
            .map(|b| serde_json::from_slice(&b))
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(&self, state: State, ttl_: &Duration) -> Result<SessionKey, SaveError> {
        if state.contains_key(UNAVAILABLE) {
            return Err(SaveError::Other(unreadable_session_written()));
        }
        let session_key = new_key(&state).map_err(SaveError::Other)?;
        let body = serde_json::to_vec(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        // New: a visitor's draws on the strangers' budget.
        if let Err(e) = self.store.create(&key(&session_key), body, ttl(ttl_)).await {
            write_failed(e).map_err(SaveError::Other)?;
        }
        Ok(session_key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl_: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        if state.contains_key(UNAVAILABLE) {
            return Err(UpdateError::Other(unreadable_session_written()));
        }
        if is_visitors(&session_key) == logged_in(&state) {
            // A login kept (or dropped) without a new id: the session
            // moves to the keyspace it now belongs to.
            if let Err(e) = self.store.delete(&key(&session_key)).await {
                write_failed(e).map_err(UpdateError::Other)?;
            }
            return self.save(state, ttl_).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            });
        }
        let body = serde_json::to_vec(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        if let Err(e) = self.store.put(&key(&session_key), body, ttl(ttl_)).await {
            write_failed(e).map_err(UpdateError::Other)?;
        }
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl_: &Duration,
    ) -> Result<(), anyhow::Error> {
        match self.store.touch(&key(session_key), ttl(ttl_)).await {
            Err(e) if e.is_unavailable() => {
                tracing::warn!(error = %e, "session lifetime not extended: the store is unavailable");
                Ok(())
            }
            other => Ok(other?),
        }
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        match self.store.delete(&key(session_key)).await {
            Ok(()) => Ok(()),
            Err(e) => write_failed(e),
        }
    }
}
