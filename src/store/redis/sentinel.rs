//! The master a Sentinel set names, followed across failovers.
//!
//! The `redis` crate's `SentinelClient` asks the sentinels for the master's
//! address (and checks with `ROLE` that the node found is a master), but
//! hands back a plain connection that stays on that node. This keeps the
//! connection it got, and forgets it when it stops being the master's: the
//! connection is lost (sentinels end the clients of a node they demote,
//! and a dead master loses them all), or the node answers `READONLY` (a
//! demoted master still connected). The next command asks the sentinels
//! again and connects to whichever node they name then.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use ::redis::{AsyncConnectionConfig, ConnectionAddr, RedisError, RedisResult, TlsMode};

use crate::store::address::HaAddress;

/// A connection to the current master, and which one it is: a command
/// that fails on it forgets that one only, not a newer one another task
/// made meanwhile.
#[derive(Clone)]
pub struct Master {
    generation: u64,
    pub connection: MultiplexedConnection,
}

pub struct SentinelMaster {
    /// Asking the sentinels goes one task at a time: the tasks waiting
    /// behind it then use the connection it made.
    sentinels: tokio::sync::Mutex<SentinelClient>,
    current: Mutex<Option<Master>>,
    /// Numbers the connections made, never twice the same.
    generations: AtomicU64,
    config: AsyncConnectionConfig,
}

impl SentinelMaster {
    /// Builds the sentinels' client: connects to nothing yet.
    pub fn new(address: &HaAddress, timeout: Duration) -> RedisResult<SentinelMaster> {
        let sentinels = address.nodes.iter().map(|(host, port)| {
            if address.tls {
                ConnectionAddr::TcpTls {
                    host: host.clone(),
                    port: *port,
                    insecure: false,
                    tls_params: None,
                }
            } else {
                ConnectionAddr::Tcp(host.clone(), *port)
            }
        });
        let master = address.master.as_deref().unwrap_or_default();
        let mut builder =
            SentinelClientBuilder::new(sentinels, master, SentinelServerType::Master)?
                .set_client_to_redis_db(address.db);
        if address.tls {
            builder = builder.set_client_to_redis_tls_mode(TlsMode::Secure);
        }
        if let Some(username) = &address.username {
            builder = builder.set_client_to_redis_username(username);
        }
        if let Some(password) = &address.password {
            builder = builder.set_client_to_redis_password(password);
        }
        if let Some(username) = &address.sentinel_username {
            builder = builder.set_client_to_sentinel_username(username);
        }
        if let Some(password) = &address.sentinel_password {
            builder = builder.set_client_to_sentinel_password(password);
        }
        Ok(SentinelMaster {
            sentinels: tokio::sync::Mutex::new(builder.build()?),
            current: Mutex::new(None),
            generations: AtomicU64::new(0),
            config: AsyncConnectionConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout)),
        })
    }

    fn current(&self) -> Option<Master> {
        // A poisoned lock only means a panic elsewhere: the slot is intact.
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The connection to the master, asking the sentinels when there is
    /// none (first use, or the last one was forgotten).
    ///
    /// The asking runs in a task of its own: an operation that gives up
    /// (its `timeout`) does not cancel it, so a slow lookup still ends
    /// (a silent sentinel costs the `redis` crate's own timeouts, 1 s to
    /// connect, 0.5 s to answer, before the next one is heard), and the
    /// next operation finds its connection.
    pub async fn master(self: &Arc<Self>) -> RedisResult<Master> {
        if let Some(master) = self.current() {
            return Ok(master);
        }
        let this = Arc::clone(self);
        tokio::spawn(async move { this.ask_sentinels().await })
            .await
            .map_err(|e| {
                RedisError::from(std::io::Error::other(format!(
                    "asking the sentinels failed: {e}"
                )))
            })?
    }

    async fn ask_sentinels(&self) -> RedisResult<Master> {
        let mut sentinels = self.sentinels.lock().await;
        // Another task may have connected while this one waited.
        if let Some(master) = self.current() {
            return Ok(master);
        }
        let client = sentinels.async_get_client().await?;
        let connection = client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await?;
        let master = Master {
            generation: self.generations.fetch_add(1, Ordering::Relaxed),
            connection,
        };
        *self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(master.clone());
        Ok(master)
    }

    /// Drops `master`'s connection (if still the current one) so that the
    /// next command asks the sentinels again.
    pub fn forget(&self, master: &Master) {
        let mut slot = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot
            .as_ref()
            .is_some_and(|m| m.generation == master.generation)
        {
            *slot = None;
        }
    }

    /// Drops whichever connection is current.
    pub fn forget_current(&self) {
        *self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

/// The node answering is no longer the master (`READONLY`: a replica now).
pub fn demoted(e: &RedisError) -> bool {
    e.code() == Some("READONLY")
}
