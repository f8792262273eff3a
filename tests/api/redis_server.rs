//! A real `redis-server` (Debian's package; `scripts/test.sh` installs it)
//! on a free port of 127.0.0.1, without persistence, in a temporary
//! directory. It can be stopped and started again on the same port, to
//! show what the store does while Redis is down and once it is back.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

pub struct RedisServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a port nobody uses.
    pub async fn start() -> RedisServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        // A port the kernel just handed out is free; another test could
        // take it before redis-server binds it, so try a few.
        for _ in 0..5 {
            let port = free_port();
            if let Some(child) = spawn(port, dir.path()).await {
                return RedisServer {
                    port,
                    dir,
                    child: Some(child),
                };
            }
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
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_err()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("redis-server still answers on port {}", self.port);
    }

    /// Starts the server again on the same port (empty: no persistence).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "stop the server first");
        self.child = spawn(self.port, self.dir.path()).await;
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

/// Runs redis-server on the port; `None` if it exits (port taken) or does
/// not answer within 5 s.
async fn spawn(port: u16, dir: &std::path::Path) -> Option<Child> {
    let mut child = match Command::new("redis-server")
        .args(["--port", &port.to_string()])
        .args(["--bind", "127.0.0.1"])
        .args(["--save", ""])
        .args(["--appendonly", "no"])
        .arg("--dir")
        .arg(dir)
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

fn free_port() -> u16 {
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
