//! [`Store`] in this process' memory: one instance only, bounded.
//!
//! A `moka` cache, each entry expiring after its own TTL, bounded in bytes
//! (keys + values + a per-entry overhead) and in entries.
//!
//! **When full**, a `put` is always accepted and the least recently used
//! entries are evicted to make room (LRU policy, chosen over moka's default
//! TinyLFU, which may instead refuse a new entry: a fresh login
//! transaction would then vanish at once, while under a flood it is the
//! oldest untouched entries, which are the likeliest abandoned, that
//! should go). So a flood of writes cannot grow memory past the bound, but
//! can push out live sessions or login transactions: the bound is a
//! safety net, the limits on what strangers can make the portal keep are
//! enforced by the callers. Eviction runs in moka's housekeeping, right
//! after writes: the size may pass the bound briefly, by the writes not
//! yet applied.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::Op;
use moka::policy::EvictionPolicy;

use super::{Store, StoreError, StoreSettings};
use crate::common::clock::Clock;

/// What moka and the map keep per entry besides the key and value bytes,
/// roughly: counted in the byte bound.
const ENTRY_OVERHEAD: u64 = 128;

/// Longer TTLs are cut to this: far beyond any short-lived state.
const MAX_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

#[derive(Clone)]
struct Entry {
    value: Arc<[u8]>,
    ttl: Duration,
    /// On the portal's [`Clock`] (Unix ms): tests move it forward to see
    /// an entry expire; moka drops it by the system's time anyway.
    expires_at_ms: i64,
}

impl Entry {
    fn new(value: Arc<[u8]>, ttl: Duration, clock: &Clock) -> Entry {
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        Entry {
            value,
            ttl,
            expires_at_ms: clock.now_ms().saturating_add(ttl_ms),
        }
    }

    fn live(&self, clock: &Clock) -> bool {
        self.expires_at_ms > clock.now_ms()
    }
}

/// Each entry expires after its own TTL, counted from its last write.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        entry: &Entry,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        _updated_at: std::time::Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// The single-instance store: a bounded cache with per-entry expiry.
pub struct MemoryStore {
    cache: Cache<String, Entry>,
    max_bytes: u64,
    max_value_bytes: usize,
    clock: Clock,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// With the default bounds: 64 MiB, 200 000 entries, 64 KiB per value.
    pub fn new() -> Self {
        Self::with_limits(
            StoreSettings::DEFAULT_MEMORY_MAX_BYTES,
            StoreSettings::DEFAULT_MEMORY_MAX_ENTRIES,
        )
    }

    /// At most `max_bytes` (keys, values and a per-entry overhead) and
    /// `max_entries` entries (both at least 1). Values up to 64 KiB: see
    /// [`MemoryStore::with_max_value_bytes`].
    ///
    /// moka bounds one weighted size only: every entry weighs at least
    /// `max_bytes / max_entries`, so that the byte bound also caps the
    /// number of entries.
    pub fn with_limits(max_bytes: u64, max_entries: u64) -> Self {
        let max_bytes = max_bytes.max(1);
        let min_weight = max_bytes.div_ceil(max_entries.max(1));
        let cache = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |key: &String, entry: &Entry| {
                let bytes = (key.len() + entry.value.len()) as u64 + ENTRY_OVERHEAD;
                u32::try_from(bytes.max(min_weight)).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .eviction_policy(EvictionPolicy::lru())
            .build();
        MemoryStore {
            cache,
            max_bytes,
            max_value_bytes: StoreSettings::DEFAULT_MAX_VALUE_BYTES,
            clock: Clock::system(),
        }
    }

    /// The store [`StoreSettings`] describe (its `url` is not looked at),
    /// its lifetimes counted on `clock`.
    pub fn from_settings(settings: &StoreSettings, clock: &Clock) -> Result<Self, StoreError> {
        if let Some((field, problem)) = settings.problems().into_iter().next() {
            return Err(StoreError::Config(format!("{field}: {problem}")));
        }
        Ok(
            Self::with_limits(settings.memory_max_bytes, settings.memory_max_entries)
                .with_max_value_bytes(settings.max_value_bytes)
                .with_clock(clock.clone()),
        )
    }

    /// Lifetimes counted on `clock` (the system's by default).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Refuse values larger than `max` bytes ([`StoreError::TooLarge`]).
    pub fn with_max_value_bytes(mut self, max: usize) -> Self {
        self.max_value_bytes = max;
        self
    }

    /// The byte bound.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Bytes counted against the bound, as of the last housekeeping.
    pub fn weighted_size(&self) -> u64 {
        self.cache.weighted_size()
    }

    /// Entries kept, as of the last housekeeping.
    pub fn entry_count(&self) -> u64 {
        self.cache.entry_count()
    }

    /// Applies pending writes, evictions and expiries now (moka does it
    /// by itself as it is used): for tests and metrics.
    pub async fn run_pending_tasks(&self) {
        self.cache.run_pending_tasks().await;
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        StoreError::check_size(value.len(), self.max_value_bytes)?;
        if ttl.is_zero() {
            // Already expired.
            self.cache.invalidate(key).await;
            return Ok(());
        }
        let entry = Entry::new(value.into(), ttl.min(MAX_TTL), &self.clock);
        self.cache.insert(key.to_owned(), entry).await;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .cache
            .get(key)
            .await
            .filter(|e| e.live(&self.clock))
            .map(|e| e.value.to_vec()))
    }

    /// moka's `remove` takes the entry out atomically: of concurrent
    /// takers, one only gets it. It does not look at expiry, so we do.
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .cache
            .remove(key)
            .await
            .filter(|e| e.live(&self.clock))
            .map(|e| e.value.to_vec()))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.cache.invalidate(key).await;
        Ok(())
    }

    /// Atomic, like Redis' `PEXPIRE`: a session deleted meanwhile (logout)
    /// is never brought back by a concurrent request extending it.
    async fn touch(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        if ttl.is_zero() {
            self.cache.invalidate(key).await;
            return Ok(());
        }
        let ttl = ttl.min(MAX_TTL);
        let clock = &self.clock;
        self.cache
            .entry_by_ref(key)
            .and_compute_with(|current| async move {
                match current.map(|e| e.into_value()).filter(|e| e.live(clock)) {
                    Some(entry) => Op::Put(Entry::new(entry.value, ttl, clock)),
                    None => Op::Nop,
                }
            })
            .await;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn values_expire_and_take_is_single_use() {
        let store = MemoryStore::new();
        store
            .put("a", b"1".to_vec(), Duration::from_secs(60))
            .await
            .unwrap();
        store.put("b", b"2".to_vec(), Duration::ZERO).await.unwrap();
        assert_eq!(store.get("a").await.unwrap(), Some(b"1".to_vec()));
        assert_eq!(store.get("b").await.unwrap(), None);
        assert_eq!(store.take("a").await.unwrap(), Some(b"1".to_vec()));
        assert_eq!(store.take("a").await.unwrap(), None);
    }

    #[tokio::test]
    async fn touch_extends_a_live_value_and_never_brings_one_back() {
        let clock = Clock::system();
        let store = MemoryStore::new().with_clock(clock.clone());
        store
            .put("s", b"1".to_vec(), Duration::from_secs(20))
            .await
            .unwrap();
        store.touch("s", Duration::from_secs(60)).await.unwrap();
        clock.advance(Duration::from_secs(30));
        assert_eq!(store.get("s").await.unwrap(), Some(b"1".to_vec()));
        clock.advance(Duration::from_secs(31));
        assert_eq!(store.get("s").await.unwrap(), None, "past its new lifetime");
        store
            .put("s", b"1".to_vec(), Duration::from_secs(60))
            .await
            .unwrap();
        store.delete("s").await.unwrap();
        store.touch("s", Duration::from_secs(60)).await.unwrap();
        assert_eq!(store.get("s").await.unwrap(), None);
    }
}
