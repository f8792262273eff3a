//! [`Store`] in this process' memory: one instance only, bounded.
//!
//! Two pools, each a `moka` cache with per-entry expiry, bounded in bytes
//! (keys + values + a per-entry overhead) and in entries:
//!
//! - **strangers' entries** ([`super::keys::is_anonymous`]: pending
//!   requests, logins in progress, visitors' sessions), which anyone can
//!   make the portal create without logging in. At most
//!   `anonymous_max_bytes`: past it a new one is refused
//!   ([`StoreError::Full`], the stranger gets a 503), so a flood can
//!   neither grow memory nor push out what people hold, nor the logins
//!   people have in progress.
//! - **what people hold**: sessions of people logged in, codes, tokens,
//!   logouts in progress. The rest of the bytes. Only people who logged in
//!   at a federation create these, so only they can fill it; when full,
//!   the least recently used go (LRU, chosen over moka's default TinyLFU,
//!   which may instead refuse a new entry).
//!
//! Eviction runs in moka's housekeeping, right after writes: a pool may
//! pass its bound briefly, by the writes not yet applied.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::Op;
use moka::policy::EvictionPolicy;

use super::keys::is_anonymous;
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

/// The bytes an entry counts for.
/// What an entry of `key` and `value_len` bytes weighs in a pool whose
/// entries weigh at least `min_weight`.
fn weight(key: &str, value_len: usize, min_weight: u64) -> u64 {
    ((key.len() + value_len) as u64 + ENTRY_OVERHEAD).max(min_weight)
}

/// One pool: a bounded cache and, for a pool that refuses new entries
/// rather than evicting ([`Pool::refusing`]), the bytes it holds, so that
/// a new stranger's entry can be refused before moka would evict another.
///
/// Those bytes are counted here, not by an eviction listener (which makes
/// moka take a per-key lock on every write): added at each write, taken
/// off when an entry is taken or deleted. Entries that expire, or that a
/// write replaces, are not taken off: the count only ever errs high, and
/// when it says "full" it is set again from moka's own weighed size (after
/// its pending housekeeping) before anything is refused.
struct Pool {
    cache: Cache<String, Entry>,
    max_bytes: u64,
    /// Every entry weighs at least this much (see [`Pool::new`]).
    min_weight: u64,
    /// `None` for a pool that never refuses.
    held_bytes: Option<AtomicU64>,
}

impl Pool {
    /// `max_bytes` and `max_entries` (both at least 1). moka bounds one
    /// weighted size only: every entry weighs at least `max_bytes /
    /// max_entries`, so that the byte bound also caps the entries.
    fn new(max_bytes: u64, max_entries: u64) -> Pool {
        Pool::build(max_bytes, max_entries, false)
    }

    /// A pool whose [`Pool::has_room`] says when a new entry would push
    /// another one out.
    fn refusing(max_bytes: u64, max_entries: u64) -> Pool {
        Pool::build(max_bytes, max_entries, true)
    }

    fn build(max_bytes: u64, max_entries: u64, refusing: bool) -> Pool {
        let max_bytes = max_bytes.max(1);
        let min_weight = max_bytes.div_ceil(max_entries.max(1));
        // A refusing pool refuses at `max_bytes` by its own count; moka's
        // bound is an eighth above, so that writes racing a recount never
        // make it evict.
        let capacity = if refusing {
            max_bytes.saturating_add(max_bytes / 8)
        } else {
            max_bytes
        };
        let cache = Cache::builder()
            .max_capacity(capacity)
            .weigher(move |key: &String, entry: &Entry| {
                u32::try_from(weight(key, entry.value.len(), min_weight)).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .eviction_policy(EvictionPolicy::lru())
            .build();
        Pool {
            cache,
            max_bytes,
            min_weight,
            held_bytes: refusing.then(|| AtomicU64::new(0)),
        }
    }

    /// What an entry of `key` and `value_len` bytes weighs here.
    fn weight_of(&self, key: &str, value_len: usize) -> u64 {
        weight(key, value_len, self.min_weight)
    }

    /// Room for `weight` more without evicting anything (after the
    /// housekeeping moka has pending, when that is close). A pool that
    /// never refuses always has room.
    async fn has_room(&self, weight: u64) -> bool {
        let Some(held) = &self.held_bytes else {
            return true;
        };
        if held.load(Ordering::Relaxed) + weight <= self.max_bytes {
            return true;
        }
        // The count errs high (expired or replaced entries): counted again.
        self.cache.run_pending_tasks().await;
        held.store(self.cache.weighted_size(), Ordering::Relaxed);
        held.load(Ordering::Relaxed) + weight <= self.max_bytes
    }

    async fn insert(&self, key: &str, entry: Entry) {
        if let Some(held) = &self.held_bytes {
            held.fetch_add(self.weight_of(key, entry.value.len()), Ordering::Relaxed);
        }
        self.cache.insert(key.to_owned(), entry).await;
    }

    /// Takes the entry out (whatever its age), its bytes off the count.
    async fn remove(&self, key: &str) -> Option<Entry> {
        let entry = self.cache.remove(key).await;
        if let (Some(held), Some(e)) = (&self.held_bytes, &entry) {
            let gone = self.weight_of(key, e.value.len());
            let _ = held.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(gone))
            });
        }
        entry
    }
}

/// The single-instance store: two bounded pools with per-entry expiry.
pub struct MemoryStore {
    held: Pool,
    anonymous: Pool,
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
    /// `max_entries` entries in all (both at least 1), a quarter of each for
    /// strangers' entries ([`MemoryStore::with_anonymous_limits`] to say
    /// otherwise). Values up to 64 KiB: see
    /// [`MemoryStore::with_max_value_bytes`].
    pub fn with_limits(max_bytes: u64, max_entries: u64) -> Self {
        Self::with_anonymous_limits(max_bytes, max_entries, max_bytes.div_ceil(4))
    }

    /// [`MemoryStore::with_limits`], `anonymous_bytes` of them for
    /// strangers' entries (as many entries in proportion).
    pub fn with_anonymous_limits(max_bytes: u64, max_entries: u64, anonymous_bytes: u64) -> Self {
        let max_bytes = max_bytes.max(2);
        let anonymous_bytes = anonymous_bytes.clamp(1, max_bytes - 1);
        let share = anonymous_bytes as f64 / max_bytes as f64;
        let anonymous_entries = ((max_entries as f64 * share) as u64).max(1);
        MemoryStore {
            held: Pool::new(
                max_bytes - anonymous_bytes,
                max_entries.saturating_sub(anonymous_entries).max(1),
            ),
            anonymous: Pool::refusing(anonymous_bytes, anonymous_entries),
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
        Ok(Self::with_anonymous_limits(
            settings.memory_max_bytes,
            settings.memory_max_entries,
            settings.anonymous_max_bytes(),
        )
        .with_max_value_bytes(settings.max_value_bytes)
        .with_clock(clock.clone()))
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

    /// The byte bound, both pools.
    pub fn max_bytes(&self) -> u64 {
        self.held.max_bytes + self.anonymous.max_bytes
    }

    /// Bytes counted against the bounds, as of the last housekeeping.
    pub fn weighted_size(&self) -> u64 {
        self.held.cache.weighted_size() + self.anonymous.cache.weighted_size()
    }

    /// Entries kept, as of the last housekeeping.
    pub fn entry_count(&self) -> u64 {
        self.held.cache.entry_count() + self.anonymous.cache.entry_count()
    }

    /// Applies pending writes, evictions and expiries now (moka does it
    /// by itself as it is used): for tests and metrics.
    pub async fn run_pending_tasks(&self) {
        self.held.cache.run_pending_tasks().await;
        self.anonymous.cache.run_pending_tasks().await;
    }

    fn pool(&self, key: &str) -> &Pool {
        if is_anonymous(key) {
            &self.anonymous
        } else {
            &self.held
        }
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        StoreError::check_size(value.len(), self.max_value_bytes)?;
        let pool = self.pool(key);
        if ttl.is_zero() {
            // Already expired.
            pool.remove(key).await;
            return Ok(());
        }
        let entry = Entry::new(value.into(), ttl.min(MAX_TTL), &self.clock);
        pool.insert(key, entry).await;
        Ok(())
    }

    /// A stranger's new entry is refused rather than pushing out another
    /// one when their pool is full.
    async fn create(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        StoreError::check_size(value.len(), self.max_value_bytes)?;
        if is_anonymous(key) {
            let weight = self.anonymous.weight_of(key, value.len());
            if !self.anonymous.has_room(weight).await {
                return Err(StoreError::Full(format!(
                    "the {} bytes kept for entries made before anyone logs in are taken",
                    self.anonymous.max_bytes
                )));
            }
        }
        self.put(key, value, ttl).await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .pool(key)
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
            .pool(key)
            .remove(key)
            .await
            .filter(|e| e.live(&self.clock))
            .map(|e| e.value.to_vec()))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.pool(key).remove(key).await;
        Ok(())
    }

    /// Atomic, like Redis' `PEXPIRE`: a session deleted meanwhile (logout)
    /// is never brought back by a concurrent request extending it.
    async fn touch(&self, key: &str, ttl: Duration) -> Result<(), StoreError> {
        let pool = self.pool(key);
        if ttl.is_zero() {
            pool.remove(key).await;
            return Ok(());
        }
        let ttl = ttl.min(MAX_TTL);
        let clock = &self.clock;
        pool.cache
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

    fn max_value_bytes(&self) -> usize {
        self.max_value_bytes
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

    #[tokio::test]
    async fn strangers_entries_are_refused_when_their_pool_is_full_and_never_push_out_the_rest() {
        let store = MemoryStore::with_anonymous_limits(64 * 1024, 10_000, 16 * 1024);
        let minute = Duration::from_secs(60);
        store
            .put("session:held", vec![1; 1000], minute)
            .await
            .unwrap();
        store.put("code:c", vec![2; 1000], minute).await.unwrap();
        let mut refused = 0;
        for i in 0..100 {
            match store
                .create(&format!("pending:{i}"), vec![3; 1000], minute)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Full(_)) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        store.run_pending_tasks().await;
        assert!(
            refused > 80,
            "past 16 KiB the strangers are refused ({refused})"
        );
        assert!(
            store.get("pending:0").await.unwrap().is_some(),
            "the first kept"
        );
        assert!(store.get("session:held").await.unwrap().is_some());
        assert!(store.get("code:c").await.unwrap().is_some());
        // Once entries go, there is room again.
        for i in 0..100 {
            store.delete(&format!("pending:{i}")).await.unwrap();
        }
        store
            .create("pending:again", vec![3; 1000], minute)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_strangers_entry_written_again_and_again_weighs_once() {
        let store = MemoryStore::with_anonymous_limits(64 * 1024, 10_000, 16 * 1024);
        // Each write adds to the count (it errs high); once it says full,
        // the recount from moka's weighed size finds one entry.
        for _ in 0..100 {
            store
                .create("visitor:same", vec![4; 1000], Duration::from_secs(60))
                .await
                .expect("the same entry replaced, never refused");
        }
        let mut kept = 0;
        while store
            .create(
                &format!("pending:{kept}"),
                vec![3; 1000],
                Duration::from_secs(60),
            )
            .await
            .is_ok()
        {
            kept += 1;
        }
        assert!(
            (10..20).contains(&kept),
            "about 16 KiB for the others: {kept}"
        );
        assert!(
            store.get("visitor:same").await.unwrap().is_some(),
            "nothing pushed out"
        );
    }
}
