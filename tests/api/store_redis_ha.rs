//! The Redis store on the two highly available layouts, with real
//! servers: a Cluster of three masters (`redis+cluster://`), and a master,
//! its replica and a sentinel (`redis+sentinel://`) failing over while the
//! same store keeps working.

use std::sync::Arc;
use std::time::Duration;

use crate::cli::{aiguillage, fails, stderr};
use crate::helpers::eventually;
use crate::instances::Shared;
use crate::internals::{RedisStore, Store, StoreError};
use crate::redis_server::{
    MASTER_NAME, RedisCluster, RedisSentinelSet, ask, raw, replicas_with_every_write, value_on,
};

const TIMEOUT: Duration = Duration::from_millis(500);
const MINUTE: Duration = Duration::from_secs(60);

fn store_at(url: &str) -> RedisStore {
    RedisStore::new(url, "t:", TIMEOUT).expect("Redis store")
}

/// `PTTL` of a store key, asked of the Cluster behind the store's back.
async fn cluster_pttl(cluster: &RedisCluster, key: &str) -> i64 {
    let seeds: Vec<String> = cluster
        .nodes
        .iter()
        .map(|n| format!("redis://127.0.0.1:{}", n.port))
        .collect();
    let mut connection = redis::cluster::ClusterClient::new(seeds)
        .unwrap()
        .get_async_connection()
        .await
        .expect("raw Cluster connection");
    redis::cmd("PTTL")
        .arg(format!("t:{key}"))
        .query_async(&mut connection)
        .await
        .expect("PTTL")
}

#[tokio::test]
async fn over_a_cluster_every_operation_reaches_keys_spread_over_all_three_masters() {
    let cluster = RedisCluster::start().await;
    let store = store_at(&cluster.url());
    store.ping().await.expect("ping");

    let keys: Vec<String> = (0..30).map(|i| format!("login:{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        store
            .put(key, i.to_string().into_bytes(), MINUTE)
            .await
            .unwrap();
    }
    // Each master holds some: the commands went to three different nodes.
    let counts = cluster.key_counts().await;
    assert_eq!(counts.iter().sum::<u64>(), 30, "{counts:?}");
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");

    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            store.get(key).await.unwrap(),
            Some(i.to_string().into_bytes())
        );
        // A minute at most, then ten: the expiry was moved on its node.
        assert!(cluster_pttl(&cluster, key).await <= 60_000);
        store.touch(key, 10 * MINUTE).await.unwrap();
        assert!(cluster_pttl(&cluster, key).await > 60_000, "{key}");
    }
    for (i, key) in keys.iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(
                store.take(key).await.unwrap(),
                Some(i.to_string().into_bytes())
            );
            assert_eq!(store.take(key).await.unwrap(), None, "taken once");
        } else {
            store.delete(key).await.unwrap();
        }
        assert_eq!(store.get(key).await.unwrap(), None);
    }
    assert_eq!(cluster.key_counts().await, [0, 0, 0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_a_cluster_of_twenty_concurrent_takers_exactly_one_gets_the_value() {
    let cluster = RedisCluster::start().await;
    let store = Arc::new(store_at(&cluster.url()));
    // The codes `code:0`…`code:9` land on several masters.
    crate::store_memory::exactly_one_of_twenty_takers_gets_the_value(store, 10).await;
    assert_eq!(cluster.key_counts().await, [0, 0, 0]);
}

#[tokio::test]
async fn over_a_cluster_a_login_begun_on_one_instance_ends_on_the_other() {
    let shared = Shared::on(RedisCluster::start().await).await;
    shared.logged_in_across_two().await;
    // The session is in the Cluster.
    let counts = shared.redis.key_counts().await;
    assert!(counts.iter().sum::<u64>() > 0, "{counts:?}");
}

#[tokio::test]
async fn over_a_cluster_a_stopped_master_makes_the_store_unavailable_until_it_is_back() {
    let mut cluster = RedisCluster::start().await;
    let store = &store_at(&cluster.url());
    let keys = &(0..30).map(|i| format!("session:{i}")).collect::<Vec<_>>();
    for key in keys {
        store.put(key, b"v".to_vec(), MINUTE).await.unwrap();
    }
    let on_the_third: Vec<String> = redis::cmd("KEYS")
        .arg("t:*")
        .query_async(&mut raw(cluster.nodes[2].port).await)
        .await
        .unwrap();
    let on_the_third = on_the_third
        .first()
        .and_then(|k| k.strip_prefix("t:"))
        .expect("a key on the third master");

    // A master without replica: its slots have no one to answer. Its keys
    // are unavailable at once; readiness once the other masters call the
    // Cluster failed (cluster-node-timeout, 2 s here).
    cluster.nodes[2].stop().await;
    let failed = store.get(on_the_third).await;
    assert!(matches!(failed, Err(StoreError::Backend(_))), "{failed:?}");
    eventually(
        "readiness failing while a master is down",
        Duration::from_secs(30),
        || async move { matches!(store.ping().await, Err(StoreError::Backend(_))) },
    )
    .await;

    // Back with its cluster file (no data: no persistence): the same
    // store reaches every slot again.
    cluster.nodes[2].restart().await;
    eventually(
        "every key written again once the master is back",
        Duration::from_secs(60),
        || async move {
            for key in keys {
                if store.put(key, b"w".to_vec(), MINUTE).await.is_err() {
                    return false;
                }
            }
            store.ping().await.is_ok()
        },
    )
    .await;
    for key in keys {
        assert_eq!(store.get(key).await.unwrap(), Some(b"w".to_vec()), "{key}");
    }
    assert!(cluster.key_counts().await.iter().all(|&n| n > 0));
}

#[tokio::test]
async fn over_sentinel_the_same_store_follows_forced_failovers() {
    let set = RedisSentinelSet::start().await;
    let store = store_at(&set.url());
    let first = set.master_port().await;
    assert_eq!(first, set.servers[0].port);

    for i in 0..10 {
        let key = format!("before:{i}");
        store.put(&key, b"v".to_vec(), MINUTE).await.unwrap();
    }
    // On the master, and copied to the replica before the failover.
    let value = value_on(first, "t:before:9").await;
    assert_eq!(value.as_deref(), Some(&b"v"[..]));
    let copies = replicas_with_every_write(first).await;
    assert_eq!(copies, 1, "the replica has every write");

    let second = set.fail_over().await;
    assert_eq!(second, set.servers[1].port);
    for i in 0..10 {
        let key = format!("before:{i}");
        assert_eq!(store.get(&key).await.unwrap(), Some(b"v".to_vec()), "{key}");
    }
    // Writes go to the new master: the old one would refuse them.
    store.put("after", b"w".to_vec(), MINUTE).await.unwrap();
    let value = value_on(second, "t:after").await;
    assert_eq!(value.as_deref(), Some(&b"w"[..]));
    assert_eq!(store.take("before:0").await.unwrap(), Some(b"v".to_vec()));
    store.ping().await.expect("ping");
    let copies = replicas_with_every_write(second).await;
    assert_eq!(copies, 1, "the old master, now replica, has every write");

    // And back: the store follows every failover, not only the first.
    let third = set.fail_over().await;
    assert_eq!(third, first);
    store.put("back", b"x".to_vec(), MINUTE).await.unwrap();
    let value = value_on(first, "t:back").await;
    assert_eq!(value.as_deref(), Some(&b"x"[..]));
    assert_eq!(store.get("after").await.unwrap(), Some(b"w".to_vec()));
}

#[tokio::test]
async fn over_sentinel_a_master_demoted_behind_the_stores_back_answers_readonly_and_the_store_asks_again()
 {
    let set = RedisSentinelSet::start().await;
    let store = store_at(&set.url());
    let (a, b) = (set.servers[0].port, set.servers[1].port);
    store.put("kept", b"v".to_vec(), MINUTE).await.unwrap();
    // Copied to B before B is promoted (replication is asynchronous: a
    // promotion first would drop it, whatever the store does).
    let copies = replicas_with_every_write(a).await;
    assert_eq!(copies, 1, "B has every write of A");

    // By hand, as an operator could: B promoted, A made its replica, the
    // sentinel told to watch B. Nothing closes the store's connection to
    // A (a sentinel's failover would): only A's READONLY tells.
    let _: () = ask(b, redis::cmd("REPLICAOF").arg("NO").arg("ONE"))
        .await
        .unwrap();
    let _: () = ask(a, redis::cmd("REPLICAOF").arg("127.0.0.1").arg(b))
        .await
        .unwrap();
    let sentinel = set.sentinel.port;
    let _: () = ask(
        sentinel,
        redis::cmd("SENTINEL").arg("REMOVE").arg(MASTER_NAME),
    )
    .await
    .unwrap();
    let _: () = ask(
        sentinel,
        redis::cmd("SENTINEL")
            .arg("MONITOR")
            .arg(MASTER_NAME)
            .arg("127.0.0.1")
            .arg(b)
            .arg(1),
    )
    .await
    .unwrap();
    assert_eq!(set.master_port().await, b);

    store.put("after", b"w".to_vec(), MINUTE).await.unwrap();
    let value: Option<Vec<u8>> = ask(b, redis::cmd("GET").arg("t:after")).await.unwrap();
    assert_eq!(value.as_deref(), Some(&b"w"[..]));
    assert_eq!(store.get("kept").await.unwrap(), Some(b"v".to_vec()));
}

#[tokio::test]
async fn over_sentinel_a_silent_first_sentinel_delays_the_first_operations_only() {
    let set = RedisSentinelSet::start().await;
    // Accepts connections, never answers: each lookup waits for it
    // longer than an operation may take.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "redis+sentinel://127.0.0.1:{},127.0.0.1:{}/{MASTER_NAME}",
        silent.local_addr().unwrap().port(),
        set.sentinel.port
    );
    let store = &store_at(&url);
    // The lookup goes on after an operation gives up: a later one finds
    // the master.
    eventually(
        "a write accepted despite the silent sentinel",
        Duration::from_secs(30),
        || async move { store.put("k", b"v".to_vec(), MINUTE).await.is_ok() },
    )
    .await;
    // From then on, the connection is kept: no more lookups.
    for _ in 0..20 {
        assert_eq!(store.get("k").await.unwrap(), Some(b"v".to_vec()));
    }
}

#[tokio::test]
async fn over_sentinel_a_master_that_stops_answering_is_replaced_and_the_store_follows() {
    let set = RedisSentinelSet::start().await;
    let store = &store_at(&set.url());
    store.put("kept", b"v".to_vec(), MINUTE).await.unwrap();
    let copies = replicas_with_every_write(set.servers[0].port).await;
    assert_eq!(copies, 1, "the replica has the write");

    // Frozen (SIGSTOP): its connections stay open and nothing answers,
    // as with a host gone silent. Only the timeouts tell.
    set.servers[0].freeze();
    eventually(
        "a write accepted after the master froze",
        Duration::from_secs(60),
        || async move { store.put("after", b"w".to_vec(), MINUTE).await.is_ok() },
    )
    .await;
    assert_eq!(set.master_port().await, set.servers[1].port);
    let value = value_on(set.servers[1].port, "t:after").await;
    assert_eq!(value.as_deref(), Some(&b"w"[..]));
    assert_eq!(store.get("kept").await.unwrap(), Some(b"v".to_vec()));
    set.servers[0].resume();
}

#[tokio::test]
async fn over_sentinel_a_master_that_dies_is_replaced_and_the_store_follows() {
    let mut set = RedisSentinelSet::start().await;
    let store = &store_at(&set.url());
    store.put("kept", b"v".to_vec(), MINUTE).await.unwrap();
    let copies = replicas_with_every_write(set.servers[0].port).await;
    assert_eq!(copies, 1, "the replica has the write");

    set.servers[0].stop().await;
    // Unavailable, not wrong, until the sentinel promotes the replica
    // (1 s to call the master down, then the failover itself).
    eventually(
        "a write accepted after the master died",
        Duration::from_secs(60),
        || async move {
            match store.put("after", b"w".to_vec(), MINUTE).await {
                Ok(()) => true,
                Err(e) => {
                    assert!(matches!(e, StoreError::Backend(_)), "{e}");
                    false
                }
            }
        },
    )
    .await;
    assert_eq!(set.master_port().await, set.servers[1].port);
    assert_eq!(store.get("kept").await.unwrap(), Some(b"v".to_vec()));
    let value = value_on(set.servers[1].port, "t:after").await;
    assert_eq!(value.as_deref(), Some(&b"w"[..]));
}

#[tokio::test]
async fn a_store_on_sentinels_or_a_cluster_that_do_not_answer_is_built_and_says_unavailable() {
    // Nothing listens: construction does not connect (the portal starts),
    // operations fail as unavailable, not as a configuration error.
    for url in [
        "redis+sentinel://127.0.0.1:1/m",
        "redis+cluster://127.0.0.1:1",
    ] {
        let store = store_at(url);
        assert!(
            matches!(store.ping().await, Err(StoreError::Backend(_))),
            "{url}"
        );
    }
}

#[test]
fn bad_sentinel_and_cluster_urls_are_configuration_errors_naming_store_url() {
    for (url, problem) in [
        (
            "redis+sentinel://127.0.0.1:26379",
            "store.url: no master name",
        ),
        ("redis+sentinel:///mymaster", "store.url: no sentinel host"),
        ("redis+cluster://", "store.url: no cluster host"),
        (
            "redis+cluster://127.0.0.1:7000/2",
            "store.url: a Redis Cluster has only database 0",
        ),
        ("redis+cluster://:s3cret@127.0.0.1:port", "store.url: host"),
    ] {
        let err = fails(&["check-config"], &[("AIGUILLAGE__STORE__URL", url)]);
        assert!(err.contains(problem), "{url}: {err}");
        assert!(!err.contains("s3cret"), "{url}: {err}");
    }
    for url in [
        "redis+sentinel://:s3cret@127.0.0.1:26379,127.0.0.1:26380/mymaster/1",
        "rediss+cluster://:s3cret@127.0.0.1:7000,127.0.0.1:7001",
    ] {
        let out = aiguillage(&["check-config"], &[("AIGUILLAGE__STORE__URL", url)]);
        let err = stderr(&out);
        assert!(out.status.success(), "{url}: {err}");
        assert!(!err.contains("s3cret"), "{url}: {err}");
    }
}
