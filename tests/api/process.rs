//! The real `aiguillage` binary as a child process, with a configuration
//! file and its standard error kept: for what only a whole process shows
//! (its log lines, its answer to SIGTERM).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::fixture_path as fixture;

pub struct PortalProcess {
    child: Child,
    /// `http://localhost:PORT`, without the trailing slash.
    pub address: String,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

/// The settings every test process needs (fixed keys), then `extra`
/// TOML (which must say `[federations.proconnect]`, enabled by default:
/// [`NO_FEDERATION`] when none is used); `port` 0 picks a free one.
pub fn base_config(port: u16, extra: &str) -> String {
    format!(
        r#"
[server]
port = {port}

[oidc]
signing_key_file = "{key}"
pairwise_secret = "a-pairwise-secret-for-tests-only-0123456789"

{extra}
"#,
        key = fixture("keys/rsa-1.pem").display(),
    )
}

/// Tests never reach the real integration platforms.
pub const NO_FEDERATION: &str = "[federations.proconnect]\nenabled = false\n";

impl PortalProcess {
    /// Starts `aiguillage serve` with `config` (TOML) and `env`, and waits
    /// for its "listening" line.
    pub fn start(config: &str, env: &[(&str, &str)]) -> PortalProcess {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("aiguillage.toml");
        std::fs::write(&file, config).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiguillage"));
        cmd.arg("--config")
            .arg(&file)
            .arg("serve")
            .current_dir(dir.path())
            .env_remove("AIGUILLAGE_CONFIG")
            .env_remove("AIGUILLAGE_LOG_FORMAT")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AIGUILLAGE__")) {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("Aiguillage listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "no listening line: {line:?}; stderr: {}",
                    stderr.lock().unwrap()
                )
            })
            .trim_end_matches('/')
            .to_owned();
        PortalProcess {
            child,
            address,
            stderr,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything written on standard error so far.
    pub fn logs(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) for a log line containing every `needle`.
    pub async fn wait_for_line(&self, needles: &[&str], limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(line) = self
                .logs()
                .lines()
                .find(|l| needles.iter().all(|n| l.contains(n)))
            {
                return Some(line.to_owned());
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every line written up to the one of the request `request_id` (the
    /// lines come in order): at most 10 s.
    pub async fn logs_through(&self, request_id: &str) -> String {
        self.wait_for_line(&[request_id], Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("request {request_id} logged:\n{}", self.logs()));
        self.logs()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most `limit`) for the process to end.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
