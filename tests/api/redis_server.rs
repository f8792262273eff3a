//! A real `redis-server` (Debian's package; `scripts/test.sh` installs it)
//! on a free port of 127.0.0.1, without persistence, in a temporary
//! directory. It can be stopped and started again on the same port, to
//! show what the store does while Redis is down and once it is back.
//!
//! Also the two highly available layouts, from the same servers:
//! [`RedisCluster`] (three masters, no replica) and [`RedisSentinelSet`]
//! (a master, its replica, one sentinel that can fail over).

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::helpers::eventually;

/// redis-server's arguments for a port and a directory.
type Arguments = Arc<dyn Fn(u16, &Path) -> Vec<OsString> + Send + Sync>;

pub struct RedisServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    arguments: Arguments,
}

impl RedisServer {
    /// Starts a server on a port nobody uses.
    pub async fn start() -> RedisServer {
        Self::start_with(&[]).await
    }

    /// A server with more `redis-server` options (`--replicaof …`); the
    /// port's `{port}` in them is replaced by the server's own port.
    pub async fn start_with(options: &[&str]) -> RedisServer {
        let options: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        Self::launch(Arc::new(move |port, dir| {
            let mut args: Vec<OsString> = vec![
                "--port".into(),
                port.to_string().into(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                "".into(),
                "--appendonly".into(),
                "no".into(),
                "--dir".into(),
                dir.into(),
            ];
            args.extend(
                options
                    .iter()
                    .map(|o| o.replace("{port}", &port.to_string()).into()),
            );
            args
        }))
        .await
    }

    async fn launch(arguments: Arguments) -> RedisServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        // A port the kernel just handed out is free; another test could
        // take it before redis-server binds it, so try a few.
        for _ in 0..5 {
            let port = free_port();
            if let Some(child) = spawn(&arguments(port, dir.path())).await {
                return RedisServer {
                    port,
                    dir,
                    child: Some(child),
                    arguments,
                };
            }
            // Only the port is known to the caller's `{port}`: retry
            // with a fresh one.
        }
        panic!("redis-server did not start on any of 5 free ports");
    }

    /// `redis://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (as a crash would) and waits until it is gone.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("kill redis-server");
        }
        let port = self.port;
        let what = format!("redis-server gone from port {port}");
        eventually(&what, Duration::from_secs(2), || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
        })
        .await;
    }

    /// Starts the server again on the same port (empty: no persistence).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "stop the server first");
        self.child = spawn(&(self.arguments)(self.port, self.dir.path())).await;
        assert!(
            self.child.is_some(),
            "redis-server did not start again on port {}",
            self.port
        );
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing
    /// answers. `resume` thaws it.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let pid = self
            .child
            .as_ref()
            .and_then(Child::id)
            .expect("server running");
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} {pid}");
    }
}

/// Runs redis-server with `args` (`--port` among them); `None` if it exits
/// (port taken) or does not answer within 5 s.
async fn spawn(args: &[OsString]) -> Option<Child> {
    let port: u16 = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .and_then(|p| p.to_str()?.parse().ok())
        .expect("--port among the arguments");
    let mut child = match Command::new("redis-server")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run redis-server ({e}): install Debian's redis-server \
             (scripts/test.sh does it)"
        ),
    };
    for _ in 0..250 {
        if let Ok(Some(_)) = child.try_wait() {
            return None;
        }
        if pong(port).await {
            return Some(child);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = child.kill().await;
    None
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // SIGKILL, which also ends a frozen server.
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Whether a Redis answers PING on the port.
async fn pong(port: u16) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    if stream.write_all(b"PING\r\n").await.is_err() {
        return false;
    }
    let mut buf = [0u8; 7];
    matches!(
        tokio::time::timeout(Duration::from_millis(500), stream.read_exact(&mut buf)).await,
        Ok(Ok(_)) if &buf == b"+PONG\r\n"
    )
}

/// What a portal's `store.url` is, to reach a Redis set up here.
pub trait StoreUrl {
    fn store_url(&self) -> String;
}

impl StoreUrl for RedisServer {
    fn store_url(&self) -> String {
        self.url()
    }
}

impl StoreUrl for RedisCluster {
    fn store_url(&self) -> String {
        self.url()
    }
}

impl StoreUrl for RedisSentinelSet {
    fn store_url(&self) -> String {
        self.url()
    }
}

/// A plain connection to one server, to look behind the store's back.
pub async fn raw(port: u16) -> redis::aio::MultiplexedConnection {
    redis::Client::open(format!("redis://127.0.0.1:{port}"))
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection")
}

/// `GET key` on the server at `port` (the prefixed key, as stored).
pub async fn value_on(port: u16, key: &str) -> Option<Vec<u8>> {
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut raw(port).await)
        .await
        .expect("GET")
}

/// `WAIT 1 10000` on the master at `port`: how many replicas have every
/// write it accepted so far (waiting up to 10 s for one).
pub async fn replicas_with_every_write(port: u16) -> u64 {
    redis::cmd("WAIT")
        .arg(1)
        .arg(10_000)
        .query_async(&mut raw(port).await)
        .await
        .expect("WAIT")
}

/// One command on a fresh connection to a server. A probe during a
/// failover may fail (a sentinel closes every client of the node it
/// demotes): the wait loops take an error as "not yet".
pub async fn ask<T: redis::FromRedisValue>(port: u16, cmd: &redis::Cmd) -> redis::RedisResult<T> {
    let mut connection = redis::Client::open(format!("redis://127.0.0.1:{port}"))?
        .get_multiplexed_async_connection()
        .await?;
    cmd.query_async(&mut connection).await
}

/// A Redis Cluster of three masters (no replica), each owning a third of
/// the hash slots, made by `redis-cli --cluster create`.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
}

impl RedisCluster {
    pub async fn start() -> RedisCluster {
        let mut nodes = Vec::new();
        for _ in 0..3 {
            nodes.push(
                RedisServer::start_with(&[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes-{port}.conf",
                    "--cluster-node-timeout",
                    "2000",
                ])
                .await,
            );
        }
        let addresses: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let out = tokio::process::Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .await
            .expect("redis-cli runs");
        assert!(
            out.status.success(),
            "redis-cli --cluster create: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for node in &nodes {
            let port = node.port;
            eventually(
                &format!("cluster_state:ok on {port}"),
                Duration::from_secs(30),
                || async move {
                    let info: String = ask(port, redis::cmd("CLUSTER").arg("INFO"))
                        .await
                        .unwrap_or_default();
                    info.contains("cluster_state:ok")
                },
            )
            .await;
        }
        RedisCluster { nodes }
    }

    /// `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`
    pub fn url(&self) -> String {
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    /// How many keys each node holds (`DBSIZE`), in node order.
    pub async fn key_counts(&self) -> Vec<u64> {
        let mut counts = Vec::new();
        for node in &self.nodes {
            let count: u64 = redis::cmd("DBSIZE")
                .query_async(&mut raw(node.port).await)
                .await
                .expect("DBSIZE");
            counts.push(count);
        }
        counts
    }
}

/// The master's name the sentinel monitors.
pub const MASTER_NAME: &str = "m";

/// A master, its replica and one sentinel watching them (quorum 1), quick
/// to decide: a master silent for 1 s is down, a failover times out in 3 s.
pub struct RedisSentinelSet {
    /// The two data nodes; which one is master changes with failovers.
    pub servers: [RedisServer; 2],
    pub sentinel: RedisServer,
}

impl RedisSentinelSet {
    pub async fn start() -> RedisSentinelSet {
        let master = RedisServer::start().await;
        let master_port = master.port.to_string();
        let replica = RedisServer::start_with(&["--replicaof", "127.0.0.1", &master_port]).await;
        let master_port = master.port;
        let sentinel = RedisServer::launch(Arc::new(move |port, dir| {
            // The sentinel rewrites its file: one per directory.
            let conf = dir.join("sentinel.conf");
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                     sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 1\n\
                     sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
                     sentinel failover-timeout {MASTER_NAME} 3000\n",
                    dir = dir.display()
                ),
            )
            .expect("sentinel.conf");
            vec![
                conf.into(),
                "--sentinel".into(),
                "--port".into(),
                port.to_string().into(),
            ]
        }))
        .await;
        let set = RedisSentinelSet {
            servers: [master, replica],
            sentinel,
        };
        // Ready when the replica copies the master and the sentinel knows
        // the replica (a failover needs one to promote).
        let (replica_port, sentinel_port) = (set.servers[1].port, set.sentinel.port);
        eventually(
            "the replica in sync and known to the sentinel",
            Duration::from_secs(30),
            || async move {
                let replicas: Vec<redis::Value> = ask(
                    sentinel_port,
                    redis::cmd("SENTINEL").arg("REPLICAS").arg(MASTER_NAME),
                )
                .await
                .unwrap_or_default();
                Self::in_sync(replica_port).await && !replicas.is_empty()
            },
        )
        .await;
        set
    }

    /// `redis+sentinel://127.0.0.1:<sentinel>/m`
    pub fn url(&self) -> String {
        format!(
            "redis+sentinel://127.0.0.1:{}/{MASTER_NAME}",
            self.sentinel.port
        )
    }

    /// The master's port, as the sentinel names it now.
    pub async fn master_port(&self) -> u16 {
        let (_, port): (String, u16) = redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg(MASTER_NAME)
            .query_async(&mut raw(self.sentinel.port).await)
            .await
            .expect("the sentinel names a master");
        port
    }

    /// Whether a server is a replica whose link to its master is up
    /// (`role:slave`, `master_link_status:up`).
    pub async fn in_sync(port: u16) -> bool {
        let info: String = ask(port, redis::cmd("INFO").arg("replication"))
            .await
            .unwrap_or_default();
        info.contains("role:slave") && info.contains("master_link_status:up")
    }

    /// `SENTINEL FAILOVER`, as an operator would force it, then waits
    /// until the sentinel names the new master and the old one has become
    /// its replica. Returns the new master's port.
    pub async fn fail_over(&self) -> u16 {
        let old = self.master_port().await;
        let sentinel = self.sentinel.port;
        // Refused (NOGOODSLAVE…) until the sentinel has checked the
        // replica: asked again until accepted.
        eventually(
            "SENTINEL FAILOVER accepted",
            Duration::from_secs(30),
            || async move {
                let answer: redis::RedisResult<()> = ask(
                    sentinel,
                    redis::cmd("SENTINEL").arg("FAILOVER").arg(MASTER_NAME),
                )
                .await;
                answer.is_ok()
            },
        )
        .await;
        let new = eventually(
            &format!("the sentinel names another master than {old}"),
            Duration::from_secs(30),
            || async {
                let new = self.master_port().await;
                (new != old).then_some(new)
            },
        )
        .await;
        // Then copying the new master: the set is steady again (a second
        // failover needs a replica in sync, or writes are lost).
        eventually(
            "the old master demoted to replica, in sync",
            Duration::from_secs(30),
            || Self::in_sync(old),
        )
        .await;
        new
    }
}
