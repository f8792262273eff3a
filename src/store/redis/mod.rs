//! [`Store`] in Redis, so that several portal instances share sessions,
//! login transactions, codes and tokens, and keep them across restarts.
//!
//! - Each value is one Redis string with its expiry set by Redis itself
//!   (`SET key value PX ms`); `take` is `GETDEL` (Redis ≥ 6.2), atomic on
//!   the server, so a code or `state` is handed out once even to two
//!   instances asking at the same moment; `touch` is `PEXPIRE` (an active
//!   session's inactivity timeout starts again, a deleted one stays gone).
//! - Every key is `key_prefix` + the caller's key (`aiguillage:login:…`).
//!   All keys have an expiry. **Redis must not evict**: with `maxmemory`,
//!   only `maxmemory-policy noeviction` keeps people's sessions and tokens
//!   whatever strangers make the portal create (any other policy would
//!   push them out under memory pressure); a full Redis then refuses
//!   writes ([`StoreError::Backend`]). [`Store::eviction_risk`] tells
//!   (readiness says so). What strangers can make the portal create has a
//!   budget shared by every instance: [`StoreSettings::anonymous_max_entries`]
//!   per [`ANONYMOUS_WINDOW`], counted in Redis (`INCR` of one key per
//!   window), so they cannot fill Redis either.
//! - One connection (multiplexed: requests are pipelined on it) held by the
//!   `redis` crate's `ConnectionManager`, created without connecting: the
//!   portal starts while Redis is down. A broken or refused connection is
//!   replaced on the next use (the manager's own reconnection, plus one
//!   retry by this store on a connection error), so the same store works
//!   again as soon as Redis is back, without a restart.
//! - Every operation, connecting included, is bounded by `timeout`: past
//!   it, or on any Redis error, it fails with [`StoreError::Backend`].
//!   Such a failure has an unknown outcome: a command already sent to a
//!   slow Redis may still run afterwards (a `put` may land, a `take` may
//!   consume the value, which is then lost, not handed out twice).
//!   Retrying after a lost connection is safe for every operation: `SET`,
//!   `GET`, `DEL` are idempotent, and a `GETDEL` whose first answer was lost
//!   can only yield nothing the second time (the value is then lost, never
//!   handed out twice).
//! - `rediss://` uses rustls with the system's root certificates (Debian:
//!   `ca-certificates`; add a private CA there). rustls takes its crypto
//!   provider from the build (ring, which reqwest already brings in).
//!
//! # Sentinel and Cluster
//!
//! `url` also names a Sentinel set or a Cluster ([`super::address`] has
//! the forms); the same operations then go through another connection, behind
//! this same [`Store`] impl:
//!
//! - **Sentinel** (`redis+sentinel://`, [`sentinel`]): the sentinels are
//!   asked for the current master on first use; its connection is
//!   forgotten when lost or when the node answers `READONLY` (demoted to
//!   replica by a failover), and the retry asks the sentinels again, so
//!   the store follows a failover without a restart. Writes acknowledged
//!   by the old master after the new one was promoted, before the
//!   sentinels demote it, are lost (Redis replication is asynchronous).
//! - **Cluster** (`redis+cluster://`, [`cluster`]): the `redis` crate's
//!   Cluster connection routes each command to the node holding its key
//!   and follows `MOVED`/`ASK`. Every command here touches exactly one key
//!   (no `MGET`, no multi-key transaction, no Lua), so the key layout is
//!   Cluster-safe without hash tags.
//!
//! In both, every operation is bounded by `timeout` (asking the sentinels
//! included) and retried once on a lost connection, as on one server.
//! `ping` (readiness) is `PING` to the master on Sentinel, and on a
//! Cluster `CLUSTER INFO` saying `cluster_state:ok`: the Cluster's own
//! verdict that every slot is served.

mod cluster;
mod sentinel;

use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, Cmd, FromRedisValue, RedisError, RedisResult};
use async_trait::async_trait;

use self::cluster::Cluster;
use self::sentinel::SentinelMaster;
use super::address::{HaAddress, HaKind};
use super::keys::is_anonymous;
use super::settings::{ANONYMOUS_WINDOW, redacted};
use super::{Store, StoreError, StoreSettings};

/// Redis keeps no expiry beyond this (longer TTLs are cut to it): far
/// beyond any short-lived state, and far from Redis' own overflow.
const MAX_TTL_MS: u64 = 10 * 365 * 24 * 3600 * 1000;

/// The shared store in Redis. Cheap to clone (one shared connection).
#[derive(Clone)]
pub struct RedisStore {
    connection: Connection,
    address: String,
    prefix: String,
    timeout: Duration,
    max_value_bytes: usize,
    anonymous_max_entries: u64,
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://`, `rediss://`,
    /// `redis+unix://`, or a Sentinel set or Cluster as [`super::address`]
    /// says), every key prefixed with `key_prefix`, every operation
    /// bounded by `timeout`. Does not connect: the first
    /// operation does. Fails only on a URL it cannot use, or outside a
    /// Tokio runtime (the connection's background tasks need one).
    pub fn new(
        url: &str,
        key_prefix: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        if timeout.is_zero() {
            return Err(StoreError::Config(
                "the Redis timeout must not be zero".into(),
            ));
        }
        tokio::runtime::Handle::try_current().map_err(|_| {
            StoreError::Config("the Redis store must be created within a Tokio runtime".into())
        })?;
        let address = redacted(url);
        let connection = Connection::new(url, timeout)
            .map_err(|e| StoreError::Config(format!("Redis URL {address}: {e}")))?;
        Ok(RedisStore {
            connection,
            address,
            prefix: key_prefix.into(),
            timeout,
            max_value_bytes: StoreSettings::DEFAULT_MAX_VALUE_BYTES,
            anonymous_max_entries: StoreSettings::DEFAULT_ANONYMOUS_MAX_ENTRIES,
        })
    }

    /// The store [`StoreSettings`] describe (`url` must be set).
    pub fn from_settings(settings: &StoreSettings) -> Result<Self, StoreError> {
        if let Some((field, problem)) = settings.problems().into_iter().next() {
            return Err(StoreError::Config(format!("{field}: {problem}")));
        }
        let url = settings
            .url
            .as_deref()
            .ok_or_else(|| StoreError::Config("url: no Redis URL".into()))?;
        Ok(Self::new(
            url,
            settings.key_prefix.clone(),
            Duration::from_millis(settings.timeout_ms),
        )?
        .with_max_value_bytes(settings.max_value_bytes)
        .with_anonymous_max_entries(settings.anonymous_max_entries))
    }

    /// At most `max` anonymous entries created per [`ANONYMOUS_WINDOW`],
    /// all instances together.
    pub fn with_anonymous_max_entries(mut self, max: u64) -> Self {
        self.anonymous_max_entries = max;
        self
    }

    /// Counts one anonymous entry in this window's budget; refused past it.
    /// Fixed windows: at most twice the budget in any window-long span.
    async fn spend_anonymous_budget(&self) -> Result<(), StoreError> {
        let window_secs = ANONYMOUS_WINDOW.as_secs();
        let window = crate::common::clock::system_now() / window_secs as i64;
        let key = self.key(&format!("anonymous-budget:{window}"));
        let mut incr = ::redis::cmd("INCR");
        incr.arg(&key);
        let count: u64 = self.run("INCR", incr).await?;
        if count == 1 {
            let mut expire = ::redis::cmd("PEXPIRE");
            expire.arg(&key).arg(2 * window_secs * 1000);
            self.run::<()>("PEXPIRE", expire).await?;
        }
        if count > self.anonymous_max_entries {
            return Err(StoreError::Full(format!(
                "{} anonymous entries created in this window, the budget (store.anonymous_max_entries)",
                self.anonymous_max_entries
            )));
        }
        Ok(())
    }

    /// Refuse values larger than `max` bytes ([`StoreError::TooLarge`]).
    pub fn with_max_value_bytes(mut self, max: usize) -> Self {
        self.max_value_bytes = max;
        self
    }

    /// The Redis URL, password hidden: for logs.
    pub fn address(&self) -> &str {
        &self.address
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Runs one command, retried once on a lost or refused connection, all
    /// within `timeout`.
    async fn run<T: FromRedisValue>(&self, what: &str, cmd: Cmd) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, self.connection.run(&cmd)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError::Backend(format!(
                "Redis {} {what}: {e}",
                self.address
            ))),
            Err(_) => {
                self.connection.after_timeout();
                Err(StoreError::Backend(format!(
                    "Redis {} {what}: no answer within {} ms",
                    self.address,
                    self.timeout.as_millis()
                )))
            }
        }
    }
}

/// One server, a Sentinel set's master, or a Cluster.
#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Sentinel(Arc<SentinelMaster>),
    Cluster(Arc<Cluster>),
}

impl Connection {
    /// Connects to nothing yet: the first command does.
    fn new(url: &str, timeout: Duration) -> Result<Connection, String> {
        match HaAddress::parse(url) {
            Some(Ok(address)) => match address.kind {
                HaKind::Sentinel => SentinelMaster::new(&address, timeout)
                    .map(|s| Connection::Sentinel(Arc::new(s)))
                    .map_err(|e| e.to_string()),
                HaKind::Cluster => Cluster::new(&address, timeout)
                    .map(|c| Connection::Cluster(Arc::new(c)))
                    .map_err(|e| e.to_string()),
            },
            Some(Err(problem)) => Err(problem),
            None => {
                let client = Client::open(url).map_err(|e| e.to_string())?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    // Few, quick attempts per reconnection: each operation
                    // is bounded by `timeout` anyway, and a refused
                    // connection is retried on the next use.
                    .set_number_of_retries(2)
                    .set_min_delay(Duration::from_millis(20))
                    .set_max_delay(timeout);
                ConnectionManager::new_lazy_with_config(client, config)
                    .map(Connection::Single)
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// An operation took longer than `timeout`. A Sentinel master that
    /// stopped answering (host down, no reset sent) may have been replaced
    /// meanwhile: the next command asks the sentinels again. (The
    /// connection's own response timeout often reports it lost first; this
    /// does not depend on it.) The single server and the Cluster
    /// connection time out and reconnect by themselves.
    fn after_timeout(&self) {
        if let Connection::Sentinel(sentinels) = self {
            sentinels.forget_current();
        }
    }

    /// Runs `cmd`, once more after a lost connection (and, on Sentinel,
    /// after `READONLY`): by then the connection manager has begun
    /// reconnecting, the Cluster connection has refreshed its nodes, or
    /// the sentinels are asked for the master again.
    async fn run<T: FromRedisValue>(&self, cmd: &Cmd) -> RedisResult<T> {
        match self {
            Connection::Single(manager) => {
                let mut connection = manager.clone();
                match cmd.query_async::<T>(&mut connection).await {
                    Err(e) if connection_lost(&e) => cmd.query_async::<T>(&mut connection).await,
                    result => result,
                }
            }
            Connection::Cluster(cluster) => {
                let mut connection = cluster.connection().await?;
                match cmd.query_async::<T>(&mut connection).await {
                    Err(e) if connection_lost(&e) => cmd.query_async::<T>(&mut connection).await,
                    result => result,
                }
            }
            Connection::Sentinel(sentinels) => {
                let mut master = sentinels.master().await?;
                match cmd.query_async::<T>(&mut master.connection).await {
                    Err(e) if connection_lost(&e) || sentinel::demoted(&e) => {
                        sentinels.forget(&master);
                        let mut master = sentinels.master().await?;
                        cmd.query_async::<T>(&mut master.connection).await
                    }
                    result => result,
                }
            }
        }
    }
}

fn connection_lost(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_unrecoverable_error()
}

/// The policy in an `INFO memory` answer, when `maxmemory` is set and the
/// policy evicts.
fn eviction_risk_in(info: &str) -> Option<String> {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    let bounded = field("maxmemory").is_some_and(|m| m != "0");
    let policy = field("maxmemory_policy")?;
    (bounded && policy != "noeviction").then(|| policy.to_owned())
}

/// Whole milliseconds, rounded up so that a positive TTL never becomes 0.
fn ttl_ms(ttl: Duration) -> u64 {
    let ms = ttl.as_nanos().div_ceil(1_000_000);
    u64::try_from(ms).unwrap_or(u64::MAX).min(MAX_TTL_MS)
}

#[async_trait]
impl Store for RedisStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        StoreError::check_size(value.len(), self.max_value_bytes)?;
        if ttl.is_zero() {
            // Already expired; Redis refuses `PX 0`.
            return self.delete(key).await;
        }
        let mut cmd = ::redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("PX").arg(ttl_ms(ttl));
        self.run::<()>("SET", cmd).await
    }

    async fn create(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        StoreError::check_size(value.len(), self.max_value_bytes)?;
        if is_anonymous(key) {
            self.spend_anonymous_budget().await?;
        }
        self.put(key, value, ttl).await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut cmd = ::redis::cmd("GET");
        cmd.arg(self.key(key));
        self.run("GET", cmd).await
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut cmd = ::redis::cmd("GETDEL");
        cmd.arg(self.key(key));
        self.run("GETDEL", cmd).await
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let mut cmd = ::redis::cmd("DEL");
        cmd.arg(self.key(key));
        self.run::<()>("DEL", cmd).await
    }

    async fn touch(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        if ttl.is_zero() {
            return self.delete(key).await;
        }
        let mut cmd = ::redis::cmd("PEXPIRE");
        cmd.arg(self.key(key)).arg(ttl_ms(ttl));
        self.run::<()>("PEXPIRE", cmd).await
    }

    fn max_value_bytes(&self) -> usize {
        self.max_value_bytes
    }

    /// `maxmemory-policy` when Redis has a `maxmemory` and a policy that
    /// evicts; `None` when it never evicts, or cannot tell. Read from
    /// `INFO memory`, which managed offers answer even when they refuse
    /// `CONFIG GET`.
    async fn eviction_risk(&self) -> Result<Option<String>, StoreError> {
        let mut cmd = ::redis::cmd("INFO");
        cmd.arg("memory");
        let info: String = match self.run("INFO memory", cmd).await {
            Ok(info) => info,
            Err(e) => {
                tracing::debug!(error = %e, "INFO memory refused: Redis' eviction policy unknown");
                return Ok(None);
            }
        };
        Ok(eviction_risk_in(&info))
    }

    /// `PING`; on a Cluster, `CLUSTER INFO` on any node, which must say
    /// `cluster_state:ok` (every slot served). A `PING` there would go
    /// only to the nodes the connection still reaches, and answer while a
    /// master without replica is down.
    async fn ping(&self) -> Result<(), StoreError> {
        if !matches!(self.connection, Connection::Cluster(_)) {
            return self.run::<()>("PING", ::redis::cmd("PING")).await;
        }
        let mut cmd = ::redis::cmd("CLUSTER");
        cmd.arg("INFO");
        let info: String = self.run("CLUSTER INFO", cmd).await?;
        if info.lines().any(|line| line.trim() == "cluster_state:ok") {
            Ok(())
        } else {
            Err(StoreError::Backend(format!(
                "Redis {} CLUSTER INFO: the Cluster does not say cluster_state:ok",
                self.address
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bounded_redis_that_evicts_is_a_risk() {
        let info = |max: &str, policy: &str| {
            format!(
                "# Memory\r\nused_memory:1000\r\nmaxmemory:{max}\r\nmaxmemory_human:1M\r\nmaxmemory_policy:{policy}\r\n"
            )
        };
        assert_eq!(
            eviction_risk_in(&info("1048576", "allkeys-lru")).as_deref(),
            Some("allkeys-lru")
        );
        assert_eq!(
            eviction_risk_in(&info("1048576", "volatile-lru")).as_deref(),
            Some("volatile-lru")
        );
        assert_eq!(eviction_risk_in(&info("1048576", "noeviction")), None);
        assert_eq!(
            eviction_risk_in(&info("0", "allkeys-lru")),
            None,
            "no maxmemory: nothing evicted"
        );
        assert_eq!(eviction_risk_in("# Memory\r\n"), None, "cannot tell");
    }

    #[test]
    fn ttls_round_up_to_whole_milliseconds() {
        assert_eq!(ttl_ms(Duration::from_nanos(1)), 1);
        assert_eq!(ttl_ms(Duration::from_millis(1500)), 1500);
        assert_eq!(ttl_ms(Duration::from_secs(u64::MAX)), MAX_TTL_MS);
    }

    #[test]
    fn outside_a_runtime_construction_fails_without_panicking() {
        let e = RedisStore::new("redis://127.0.0.1:1", "p:", Duration::from_secs(1))
            .err()
            .expect("no runtime here");
        assert!(matches!(e, StoreError::Config(_)), "{e}");
    }

    #[tokio::test]
    async fn construction_does_not_connect_and_refuses_a_bad_url() {
        // Nothing listens on port 1: construction still succeeds.
        let store = RedisStore::new("redis://127.0.0.1:1", "p:", Duration::from_millis(500));
        assert!(store.is_ok());
        let store = RedisStore::new(
            "rediss://:pw@redis.invalid:6380",
            "p:",
            Duration::from_secs(1),
        );
        assert_eq!(store.unwrap().address(), "rediss://:***@redis.invalid:6380");
        let bad = RedisStore::new("nope://x", "p:", Duration::from_secs(1));
        assert!(matches!(bad, Err(StoreError::Config(_))));

        let sentinel = RedisStore::new(
            "redis+sentinel://:pw@127.0.0.1:1,127.0.0.1:2/mymaster",
            "p:",
            Duration::from_secs(1),
        );
        assert_eq!(
            sentinel.unwrap().address(),
            "redis+sentinel://:***@127.0.0.1:1,127.0.0.1:2/mymaster/0"
        );
        for url in [
            "redis+cluster://127.0.0.1:1",
            "rediss+cluster://:pw@redis.invalid:6380",
            "rediss+sentinel://:pw@redis.invalid:26380/mymaster",
        ] {
            let store = RedisStore::new(url, "p:", Duration::from_secs(1));
            assert!(store.is_ok(), "{url}: {:?}", store.err());
        }
        for bad in [
            "redis+sentinel://127.0.0.1:1",
            "redis+cluster://127.0.0.1:1/4",
        ] {
            let e = RedisStore::new(bad, "p:", Duration::from_secs(1)).err();
            assert!(matches!(e, Some(StoreError::Config(_))), "{bad}: {e:?}");
        }
    }
}
