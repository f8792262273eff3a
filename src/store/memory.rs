use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{Store, StoreError};

/// The single-instance store: a map with expiry, swept as it is written.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, (Instant, Vec<u8>)>>,
    writes: std::sync::atomic::AtomicU64,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn live(entry: &(Instant, Vec<u8>)) -> bool {
        entry.0 > Instant::now()
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().expect("store lock");
        // Sweep expired entries now and then, so memory stays bounded by
        // what is alive.
        let writes = self
            .writes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if writes.is_multiple_of(256) {
            entries.retain(|_, e| Self::live(e));
        }
        entries.insert(key.to_owned(), (Instant::now() + ttl, value));
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let entries = self.entries.lock().expect("store lock");
        Ok(entries
            .get(key)
            .filter(|e| Self::live(e))
            .map(|e| e.1.clone()))
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut entries = self.entries.lock().expect("store lock");
        Ok(entries.remove(key).filter(Self::live).map(|e| e.1))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.entries.lock().expect("store lock").remove(key);
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
}
