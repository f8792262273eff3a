//! The Redis store against a real redis-server: what several portal
//! instances rely on to share state, and what happens while Redis is down.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::eventually;
use crate::internals::{RedisStore, Store, StoreError, StoreSettings, open_store};
use crate::redis_server::RedisServer;

const TIMEOUT: Duration = Duration::from_millis(500);

fn store_on(server: &RedisServer, prefix: &str) -> RedisStore {
    RedisStore::new(&server.url(), prefix, TIMEOUT).expect("Redis store")
}

/// A plain connection, to look at Redis behind the store's back.
async fn raw(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection")
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn values_are_put_read_and_deleted_in_redis() {
    let server = RedisServer::start().await;
    let store = store_on(&server, "t:");
    assert!(store.ping().await.is_ok());

    store.put("a", b"one".to_vec(), MINUTE).await.unwrap();
    assert_eq!(store.get("a").await.unwrap(), Some(b"one".to_vec()));
    store.put("a", b"two".to_vec(), MINUTE).await.unwrap();
    assert_eq!(store.get("a").await.unwrap(), Some(b"two".to_vec()));
    store.delete("a").await.unwrap();
    assert_eq!(store.get("a").await.unwrap(), None);
    store.delete("never-there").await.unwrap();
    assert_eq!(store.take("never-there").await.unwrap(), None);

    let bytes: Vec<u8> = (0..=255).collect();
    store.put("binary", bytes.clone(), MINUTE).await.unwrap();
    assert_eq!(store.take("binary").await.unwrap(), Some(bytes));
    assert_eq!(store.get("binary").await.unwrap(), None);
}

#[tokio::test]
async fn redis_itself_expires_the_values() {
    let server = RedisServer::start().await;
    let store = store_on(&server, "t:");
    let mut redis = raw(&server).await;

    store
        .put("short", b"v".to_vec(), Duration::from_millis(300))
        .await
        .unwrap();
    store.put("long", b"v".to_vec(), MINUTE).await.unwrap();
    let pttl: i64 = redis::cmd("PTTL")
        .arg("t:short")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(0 < pttl && pttl <= 300, "PTTL of t:short: {pttl}");
    let pttl: i64 = redis::cmd("PTTL")
        .arg("t:long")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(59_000 < pttl && pttl <= 60_000, "PTTL of t:long: {pttl}");

    // Redis counts the TTL on its own clock: the test waits for it.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(store.get("short").await.unwrap(), None);
    let exists: bool = redis::cmd("EXISTS")
        .arg("t:short")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(!exists, "Redis dropped the key itself");
    assert!(store.get("long").await.unwrap().is_some());

    // A zero TTL: already expired, nothing kept.
    store
        .put("long", b"v".to_vec(), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(store.get("long").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_concurrent_takers_exactly_one_gets_the_value() {
    let server = RedisServer::start().await;
    let store = Arc::new(store_on(&server, "t:"));
    crate::store_memory::exactly_one_of_twenty_takers_gets_the_value(store, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_redis_share_their_state_and_a_code_is_used_once() {
    let server = RedisServer::start().await;
    // Two portals: two stores, two connections, one Redis.
    let first = Arc::new(store_on(&server, "aiguillage:"));
    let second = Arc::new(store_on(&server, "aiguillage:"));

    first
        .put("session:s1", b"alice".to_vec(), MINUTE)
        .await
        .unwrap();
    assert_eq!(
        second.get("session:s1").await.unwrap(),
        Some(b"alice".to_vec())
    );
    second.delete("session:s1").await.unwrap();
    assert_eq!(first.get("session:s1").await.unwrap(), None);

    // A code redeemed at both instances at once: one only gets it.
    for round in 0..10 {
        let key = format!("code:{round}");
        first.put(&key, b"c".to_vec(), MINUTE).await.unwrap();
        let (a, b) = tokio::join!(
            tokio::spawn({
                let (s, k) = (first.clone(), key.clone());
                async move { s.take(&k).await.unwrap() }
            }),
            tokio::spawn({
                let (s, k) = (second.clone(), key.clone());
                async move { s.take(&k).await.unwrap() }
            }),
        );
        let got = [a.unwrap(), b.unwrap()];
        assert_eq!(got.iter().flatten().count(), 1, "round {round}: {got:?}");
    }
}

#[tokio::test]
async fn the_key_prefix_keeps_two_portals_apart() {
    let server = RedisServer::start().await;
    let blue = store_on(&server, "blue:");
    let green = store_on(&server, "green:");

    blue.put("login:x", b"b".to_vec(), MINUTE).await.unwrap();
    green.put("login:x", b"g".to_vec(), MINUTE).await.unwrap();
    assert_eq!(blue.get("login:x").await.unwrap(), Some(b"b".to_vec()));
    assert_eq!(green.take("login:x").await.unwrap(), Some(b"g".to_vec()));
    assert_eq!(blue.get("login:x").await.unwrap(), Some(b"b".to_vec()));

    let mut redis = raw(&server).await;
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut redis)
        .await
        .unwrap();
    keys.sort();
    assert_eq!(keys, ["blue:login:x"]);
}

#[tokio::test]
async fn a_value_over_the_limit_is_refused_and_not_stored() {
    let server = RedisServer::start().await;
    let store = store_on(&server, "t:").with_max_value_bytes(1024);

    store.put("fits", vec![1; 1024], MINUTE).await.unwrap();
    let refused = store.put("big", vec![1; 1025], MINUTE).await.unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::TooLarge {
                size: 1025,
                max: 1024
            }
        ),
        "{refused}"
    );
    assert_eq!(store.get("big").await.unwrap(), None);

    // The default bound: 64 KiB.
    let default = store_on(&server, "t:");
    let refused = default
        .put("big", vec![1; 64 * 1024 + 1], MINUTE)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::TooLarge { .. }), "{refused}");
}

/// Every operation of the store, each of which must fail with
/// `StoreError::Backend` within `limit`.
async fn every_operation_fails_fast(store: &RedisStore, limit: Duration) {
    let started = Instant::now();
    let results = [
        ("put", store.put("k", b"v".to_vec(), MINUTE).await.err()),
        ("get", store.get("k").await.err()),
        ("take", store.take("k").await.err()),
        ("delete", store.delete("k").await.err()),
        ("ping", store.ping().await.err()),
    ];
    for (operation, error) in results {
        assert!(
            matches!(error, Some(StoreError::Backend(_))),
            "{operation}: {error:?}"
        );
    }
    // Five operations, each within the limit.
    let elapsed = started.elapsed();
    assert!(elapsed < 5 * limit, "took {elapsed:?}");
}

#[tokio::test]
async fn with_redis_down_every_operation_fails_quickly_and_the_same_store_recovers() {
    let mut server = RedisServer::start().await;
    let store = store_on(&server, "t:");
    store.put("kept", b"v".to_vec(), MINUTE).await.unwrap();

    server.stop().await;
    for _ in 0..3 {
        let one = Instant::now();
        assert!(matches!(
            store.get("kept").await,
            Err(StoreError::Backend(_))
        ));
        assert!(
            one.elapsed() < Duration::from_secs(2),
            "{:?}",
            one.elapsed()
        );
        every_operation_fails_fast(&store, Duration::from_secs(2)).await;
    }

    // Back on the same port (empty: no persistence). The same store
    // instance works again, from the first operation on.
    server.restart().await;
    store.ping().await.expect("ping once Redis is back");
    store.put("again", b"v2".to_vec(), MINUTE).await.unwrap();
    assert_eq!(store.get("again").await.unwrap(), Some(b"v2".to_vec()));
    assert_eq!(store.get("kept").await.unwrap(), None, "no persistence");
}

#[tokio::test]
async fn a_store_opened_while_redis_is_down_starts_and_works_once_redis_is_up() {
    let mut server = RedisServer::start().await;
    server.stop().await;

    // What the portal does at startup: open() does not fail on a refused
    // connection.
    let settings = StoreSettings {
        url: Some(server.url()),
        key_prefix: "portal:".into(),
        timeout_ms: 500,
        ..StoreSettings::default()
    };
    let opened = Instant::now();
    let store = open_store(&settings).await.expect("opens with Redis down");
    assert!(opened.elapsed() < Duration::from_secs(2));
    assert!(matches!(store.ping().await, Err(StoreError::Backend(_))));
    assert!(matches!(
        store.put("k", b"v".to_vec(), MINUTE).await,
        Err(StoreError::Backend(_))
    ));

    server.restart().await;
    store.ping().await.expect("ping once Redis is up");
    store.put("k", b"v".to_vec(), MINUTE).await.unwrap();
    let mut redis = raw(&server).await;
    let value: Option<Vec<u8>> = redis::cmd("GET")
        .arg("portal:k")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(value, Some(b"v".to_vec()), "open() chose Redis");
}

#[tokio::test]
async fn a_redis_that_stops_answering_fails_within_the_timeout_then_recovers() {
    let server = RedisServer::start().await;
    let store = store_on(&server, "t:");
    store.put("kept", b"v".to_vec(), MINUTE).await.unwrap();

    // Connections stay open but nothing answers: only the timeout ends
    // the wait. (The commands sent meanwhile still run once Redis thaws:
    // a timed-out operation has an unknown outcome.)
    server.freeze();
    every_operation_fails_fast(&store, TIMEOUT + Duration::from_millis(300)).await;
    server.resume();

    let value = eventually("the store recovered", Duration::from_secs(5), || {
        store.get("kept")
    })
    .await;
    assert_eq!(value, Some(b"v".to_vec()));
}
