//! A Redis Cluster, through the `redis` crate's async Cluster client: it
//! learns which node holds which hash slot from the seed nodes, sends each
//! command to the node holding its key, follows `MOVED`/`ASK` redirections
//! and refreshes its slot map when they happen (resharding, failover).
//!
//! Every command the store sends touches exactly one key (no `MGET`, no
//! multi-key transaction, no Lua), so no command ever spans two slots.

use std::sync::Arc;
use std::time::Duration;

use ::redis::cluster::{ClusterClient, ClusterClientBuilder};
use ::redis::cluster_async::ClusterConnection;
use ::redis::{RedisError, RedisResult, TlsMode};

use crate::store::address::HaAddress;

pub struct Cluster {
    client: ClusterClient,
    /// Made on first use (the portal starts while the Cluster is down),
    /// then kept: it reconnects to the nodes by itself.
    connection: tokio::sync::OnceCell<ClusterConnection>,
}

impl Cluster {
    /// Builds the client: connects to nothing yet.
    pub fn new(address: &HaAddress, timeout: Duration) -> RedisResult<Cluster> {
        let seeds: Vec<String> = address
            .nodes
            .iter()
            .map(|(host, port)| {
                let scheme = if address.tls { "rediss" } else { "redis" };
                if host.contains(':') {
                    format!("{scheme}://[{host}]:{port}")
                } else {
                    format!("{scheme}://{host}:{port}")
                }
            })
            .collect();
        let mut builder = ClusterClientBuilder::new(seeds)
            .connection_timeout(timeout)
            .response_timeout(timeout)
            // Few, quick retries (a redirection, a node reconnecting): each
            // operation is bounded by the store's `timeout` anyway.
            .retries(2)
            .min_retry_wait(20)
            .max_retry_wait(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX));
        if address.tls {
            builder = builder.tls(TlsMode::Secure);
        }
        if let Some(username) = &address.username {
            builder = builder.username(username);
        }
        if let Some(password) = &address.password {
            builder = builder.password(password);
        }
        Ok(Cluster {
            client: builder.build()?,
            connection: tokio::sync::OnceCell::new(),
        })
    }

    /// The Cluster connection, made on first use; a failed attempt leaves
    /// none, and the next use tries again. Made in a task of its own: an
    /// operation that gives up (its `timeout`) does not cancel it, so a
    /// slow first connection (several seeds, some silent) still ends.
    pub async fn connection(self: &Arc<Self>) -> RedisResult<ClusterConnection> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection.clone());
        }
        let this = Arc::clone(self);
        tokio::spawn(async move {
            this.connection
                .get_or_try_init(|| this.client.get_async_connection())
                .await
                .cloned()
        })
        .await
        .map_err(|e| {
            RedisError::from(std::io::Error::other(format!(
                "connecting to the Cluster failed: {e}"
            )))
        })?
    }
}
