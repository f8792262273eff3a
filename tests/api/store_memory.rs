//! The single-instance store: bounded in bytes and entries, values expire,
//! a code is taken once.

use std::sync::Arc;
use std::time::Duration;

use crate::internals::{Clock, MemoryStore, Store, StoreError, StoreSettings, open_store};

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn filling_far_beyond_the_byte_bound_keeps_the_store_within_it() {
    let max_bytes = 256 * 1024;
    let store = MemoryStore::with_limits(max_bytes, 1_000_000);
    let value = vec![7u8; 1000];
    // About 10 MB of what people hold (sessions: three quarters of the
    // bound are theirs) written: 40 times the bound.
    for i in 0..10_000 {
        store
            .put(&format!("session:{i}"), value.clone(), MINUTE)
            .await
            .unwrap();
    }
    store.run_pending_tasks().await;
    let size = store.weighted_size();
    assert!(size <= max_bytes, "{size} > {max_bytes}");
    assert!(size > max_bytes / 2, "the store stays well used: {size}");
    // When full, the least recently used entries go: the latest stay.
    assert!(store.get("session:9999").await.unwrap().is_some());
    assert!(store.get("session:0").await.unwrap().is_none());
}

// Guards the strangers' pool: the entries anyone can make the portal
// create (pending requests, logins in progress, visitors' sessions) are
// refused past their share of the bound, neither pushing out each other
// (a flood cannot end the logins people have in progress) nor what people
// hold (sessions, codes).
#[tokio::test]
async fn strangers_entries_past_their_share_are_refused_and_push_out_nothing() {
    // A quarter, 64 KiB, for strangers.
    let store = MemoryStore::with_limits(256 * 1024, 1_000_000);
    let value = vec![7u8; 1000];
    for i in 0..100 {
        store
            .put(&format!("session:{i}"), value.clone(), MINUTE)
            .await
            .unwrap();
    }
    let mut refused = 0;
    for i in 0..1_000 {
        match store
            .create(&format!("pending:{i}"), value.clone(), MINUTE)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Full(_)) => refused += 1,
            Err(e) => panic!("pending:{i}: {e}"),
        }
    }
    assert!((900..1_000).contains(&refused), "{refused} refused");
    for key in ["visitor:v", "login:l"] {
        let refused = store.create(key, value.clone(), MINUTE).await;
        assert!(
            matches!(refused, Err(StoreError::Full(_))),
            "{key}: {refused:?}"
        );
    }
    store.run_pending_tasks().await;
    assert!(store.weighted_size() <= 256 * 1024);
    // The first strangers' entries are kept (the later ones were refused).
    assert!(store.get("pending:0").await.unwrap().is_some());
    for i in 0..100 {
        let key = format!("session:{i}");
        assert!(store.get(&key).await.unwrap().is_some(), "{key}");
    }
    // What people hold is still written.
    store.create("code:c", value.clone(), MINUTE).await.unwrap();
    assert!(store.get("code:c").await.unwrap().is_some());
}

#[tokio::test]
async fn the_entry_bound_holds_for_tiny_values() {
    let store = MemoryStore::with_limits(64 * 1024 * 1024, 100);
    for i in 0..5_000 {
        store
            .put(&format!("k{i}"), b"x".to_vec(), MINUTE)
            .await
            .unwrap();
    }
    store.run_pending_tasks().await;
    assert!(store.entry_count() <= 100, "{}", store.entry_count());
    assert!(store.weighted_size() <= 64 * 1024 * 1024);
}

#[tokio::test]
async fn a_value_expires_after_its_own_ttl_and_a_rewrite_sets_a_new_one() {
    let clock = Clock::system();
    let store = MemoryStore::new().with_clock(clock.clone());
    let short = Duration::from_millis(150);
    store.put("short", b"s".to_vec(), short).await.unwrap();
    store.put("long", b"l".to_vec(), MINUTE).await.unwrap();
    store.put("renewed", b"r".to_vec(), short).await.unwrap();
    store.put("renewed", b"r2".to_vec(), MINUTE).await.unwrap();
    store
        .put("zero", b"z".to_vec(), Duration::ZERO)
        .await
        .unwrap();

    clock.advance(Duration::from_millis(300));
    assert_eq!(store.get("short").await.unwrap(), None);
    assert_eq!(store.take("short").await.unwrap(), None);
    assert_eq!(store.get("zero").await.unwrap(), None);
    assert_eq!(store.get("long").await.unwrap(), Some(b"l".to_vec()));
    assert_eq!(store.get("renewed").await.unwrap(), Some(b"r2".to_vec()));
    store.run_pending_tasks().await;
    assert_eq!(store.entry_count(), 2, "expired entries are gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_concurrent_takers_exactly_one_gets_the_value() {
    exactly_one_of_twenty_takers_gets_the_value(Arc::new(MemoryStore::new()), 50).await;
}

/// `rounds` times: a value put, then taken by 20 tasks released at once;
/// exactly one gets it, intact (single-use `state`, codes). Any store.
pub async fn exactly_one_of_twenty_takers_gets_the_value(store: Arc<dyn Store>, rounds: usize) {
    for round in 0..rounds {
        let key = format!("code:{round}");
        store.put(&key, b"secret".to_vec(), MINUTE).await.unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(20));
        let takers: Vec<_> = (0..20)
            .map(|_| {
                let (store, key, barrier) = (store.clone(), key.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.take(&key).await.unwrap()
                })
            })
            .collect();
        let mut winners = 0;
        for taker in takers {
            if let Some(value) = taker.await.unwrap() {
                assert_eq!(value, b"secret");
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn a_value_over_the_limit_is_refused_and_not_stored() {
    let store = MemoryStore::new().with_max_value_bytes(10);
    store.put("fits", vec![0; 10], MINUTE).await.unwrap();
    let refused = store.put("big", vec![0; 11], MINUTE).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::TooLarge { size: 11, max: 10 }),
        "{refused}"
    );
    assert_eq!(store.get("big").await.unwrap(), None);

    let default = MemoryStore::new();
    assert!(matches!(
        default.put("big", vec![0; 64 * 1024 + 1], MINUTE).await,
        Err(StoreError::TooLarge { .. })
    ));
}

#[tokio::test]
async fn open_without_a_url_gives_the_bounded_memory_store() {
    let store = open_store(&StoreSettings {
        max_value_bytes: 100,
        ..StoreSettings::default()
    })
    .await
    .unwrap();
    store.put("k", b"v".to_vec(), MINUTE).await.unwrap();
    assert_eq!(store.take("k").await.unwrap(), Some(b"v".to_vec()));
    assert!(store.ping().await.is_ok());
    assert!(matches!(
        store.put("k", vec![0; 101], MINUTE).await,
        Err(StoreError::TooLarge { .. })
    ));

    let bad = StoreSettings {
        url: Some("http://not-redis".into()),
        ..StoreSettings::default()
    };
    assert!(matches!(
        open_store(&bad).await.err(),
        Some(StoreError::Config(_))
    ));
}
