//! One way to start the portal: [`Portal`], a builder, then `.start()`.
//!
//! ```text
//! Portal::new().start().await                      no federation, nothing registered
//! Portal::new().every_button().start().await       every federation enabled, none reachable
//! Portal::new().federation(&double).demarche(d)…   a federation (wiremock double or Node peer), a démarche
//! Portal::new().redis(&server).clock(&clock)…      the store, the clock (shared by instances)
//! Portal::from_file(path)                          an operator's TOML file, with the test keys
//!                                                  (the real binary reads it as written)
//! Portal::new().real_binary().start().await        the `aiguillage` binary as a child process
//! ```
//!
//! Every portal listens on 127.0.0.1, on a port the kernel chose when the
//! builder was made: [`Portal::socket`] gives its URL before the portal
//! exists, for a Node federation that must know the callback first. Every
//! portal has the fixed test keys (`tests/fixtures/keys`) and no federation
//! unless one is given.
//!
//! Time: the in-process portal reads a [`Clock`] ([`TestApp::clock`], or
//! one given with [`Portal::clock`]); `clock.advance(…)` makes a lifetime
//! pass at once (sessions, logins in progress, pending requests, codes,
//! tokens, the memory store's entries). What federations sign is checked
//! against the system's time, and Redis counts its TTLs itself: those
//! cannot be advanced. The real binary reads the system's clock.

use std::io::{BufRead, BufReader};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use reqwest::{Response, StatusCode, redirect};
use scraper::Html;

use crate::helpers::{authorize_path, eventually, html};
use crate::internals::{
    self, Clock, Demarche, Federation, Settings, enable_unreachable, init_logs, register_demarche,
};
use crate::redis_server::StoreUrl;

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        init_logs();
    }
});

/// A federation a test sets up (the wiremock double, a Node peer, a
/// hand-made one): it knows how to point the portal's settings at itself.
pub trait PlaysFederation {
    fn configure(&self, settings: &mut Settings);
}

/// How a test starts the portal (see the module's documentation).
pub struct Portal {
    settings: Settings,
    socket: AppSocket,
    /// The clock a test gave (else the portal has its own).
    clock: Option<Clock>,
    /// Made from an operator's file: the file, and the settings it gave.
    file: Option<(PathBuf, String)>,
}

impl Portal {
    /// No federation, no démarche, the test keys, its own clock.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Portal {
        Portal::with_settings(internals::test_settings())
    }

    /// The settings an operator's file gives (defaults, then the file),
    /// with the test keys. The real binary reads the file itself, as
    /// written (old names included), the test keys and port given by its
    /// environment.
    pub fn from_file(file: &Path) -> Portal {
        let settings = internals::settings_from_file(file)
            .unwrap_or_else(|e| panic!("{} is read: {e}", file.display()));
        let settings = internals::with_test_keys(settings);
        let as_read = internals::settings_as_toml(&settings);
        Portal {
            file: Some((file.to_owned(), as_read)),
            ..Portal::with_settings(settings)
        }
    }

    fn with_settings(settings: Settings) -> Portal {
        Portal {
            settings,
            socket: AppSocket::bind(),
            clock: None,
            file: None,
        }
    }

    /// Where the portal will listen: its URL is known before it starts.
    pub fn socket(&self) -> &AppSocket {
        &self.socket
    }

    /// Listens on `socket` (bound earlier: a public address several
    /// instances share, a port given to a peer before this builder).
    pub fn on(mut self, socket: AppSocket) -> Portal {
        self.socket = socket;
        self
    }

    /// Points the portal at `federation` (a double, a peer).
    pub fn federation(mut self, federation: &impl PlaysFederation) -> Portal {
        federation.configure(&mut self.settings);
        self
    }

    /// Enables `federation` where nothing listens: its button shows, a
    /// login finds it unreachable.
    pub fn unreachable(mut self, federation: Federation) -> Portal {
        enable_unreachable(&mut self.settings, federation);
        self
    }

    /// Every federation enabled, none reachable: every button of the
    /// chooser shows.
    pub fn every_button(mut self) -> Portal {
        for f in Federation::ALL {
            enable_unreachable(&mut self.settings, f);
        }
        self
    }

    /// Registers a démarche.
    pub fn demarche(mut self, demarche: Demarche) -> Portal {
        register_demarche(&mut self.settings, demarche);
        self
    }

    /// Registers démarches.
    pub fn demarches(mut self, demarches: impl IntoIterator<Item = Demarche>) -> Portal {
        for d in demarches {
            register_demarche(&mut self.settings, d);
        }
        self
    }

    /// Reads `clock` (the test keeps a clone to advance; instances share it).
    pub fn clock(mut self, clock: &Clock) -> Portal {
        self.clock = Some(clock.clone());
        self
    }

    /// The store is this Redis (a server, a Cluster, a Sentinel set), each
    /// operation bounded by 500 ms (a stopped Redis is seen at once).
    pub fn redis(mut self, redis: &impl StoreUrl) -> Portal {
        internals::use_redis(&mut self.settings, &redis.store_url(), 500);
        self
    }

    /// The memory store keeps at most `max_bytes` in `max_entries`.
    pub fn store_bounds(mut self, max_bytes: u64, max_entries: u64) -> Portal {
        internals::set_store_bounds(&mut self.settings, max_bytes, max_entries);
        self
    }

    /// Token requests per client address: `per_minute` sustained, `burst`
    /// at once; each limit tracks at most `clients` addresses.
    pub fn token_rate_limit(mut self, per_minute: u32, burst: u32, clients: u64) -> Portal {
        internals::set_token_rate_limit(&mut self.settings, per_minute, burst);
        internals::set_rate_limited_clients(&mut self.settings, clients);
        self
    }

    /// Logins started and the other requests that keep something, per
    /// client address: `per_minute` sustained, `burst` at once.
    pub fn login_rate_limit(mut self, per_minute: u32, burst: u32) -> Portal {
        internals::set_login_rate_limit(&mut self.settings, per_minute, burst);
        self
    }

    /// The company directory is the double at `base_url` (it is off
    /// otherwise), each lookup bounded by `timeout_ms`.
    pub fn directory(mut self, base_url: &str, timeout_ms: u64) -> Portal {
        internals::use_directory(&mut self.settings, base_url, timeout_ms);
        self
    }

    /// A proxy whose `X-Forwarded-For` is believed (CIDR).
    pub fn trusted_proxy(mut self, cidr: &str) -> Portal {
        internals::trust_proxy(&mut self.settings, cidr);
        self
    }

    /// Any other setting, through a function of `internals` (or, for
    /// the few settings no function names, the field).
    pub fn settings(mut self, adjust: impl FnOnce(&mut Settings)) -> Portal {
        adjust(&mut self.settings);
        self
    }

    /// Starts the portal in this process, on the builder's socket.
    pub async fn start(self) -> TestApp {
        LazyLock::force(&TRACING);
        let Portal {
            mut settings,
            socket,
            clock,
            file: _,
        } = self;
        internals::set_port(&mut settings, socket.port());
        let clock = clock.unwrap_or_else(Clock::system);
        let (address, handle) = internals::serve(settings, socket.listener, clock.clone());
        TestApp {
            address,
            client: browser(),
            clock: Some(clock),
            handle: Some(handle),
        }
    }

    /// The same portal as the real `aiguillage` binary, in a process of
    /// its own (its log lines, its answer to signals, its memory). It reads
    /// the system's clock: no [`Portal::clock`].
    pub fn real_binary(self) -> RealBinary {
        assert!(
            self.clock.is_none(),
            "the real binary reads the system's clock: it cannot be given one"
        );
        RealBinary {
            portal: self,
            env: vec![("RUST_LOG".into(), "info".into())],
        }
    }
}

/// A portal to start as the real binary: [`Portal::real_binary`].
pub struct RealBinary {
    portal: Portal,
    env: Vec<(String, String)>,
}

impl RealBinary {
    /// An environment variable for the process (`RUST_LOG` is `info`
    /// unless given; no `AIGUILLAGE…` variable of the test's is passed).
    pub fn env(mut self, key: &str, value: &str) -> RealBinary {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Writes the settings as a TOML file (checked: read back, they are
    /// the same), runs `aiguillage --config FILE serve` on the builder's
    /// port and waits for its "listening" line (at most 30 s). A portal
    /// [`Portal::from_file`] runs on that file as written instead.
    pub async fn start(self) -> PortalProcess {
        let Portal {
            mut settings,
            socket,
            clock: _,
            file,
        } = self.portal;
        let dir = tempfile::tempdir().unwrap();
        let mut env = Vec::new();
        let file = match file {
            Some((file, as_read)) => {
                assert_eq!(
                    internals::settings_as_toml(&settings),
                    as_read,
                    "the binary reads {} as written: no option may change it",
                    file.display()
                );
                env = internals::test_keys_and_port_env(socket.port());
                file
            }
            None => {
                // The process runs in `dir`: texts at a relative path are
                // those the tests' own process reads (the crate's folder).
                let locales = internals::locales_dir(&settings).to_owned();
                if locales.is_relative() {
                    let absolute = Path::new(env!("CARGO_MANIFEST_DIR")).join(locales);
                    internals::set_locales_dir(&mut settings, &absolute);
                }
                internals::set_port(&mut settings, socket.port());
                let file = dir.path().join("aiguillage.toml");
                std::fs::write(&file, internals::settings_as_toml(&settings)).unwrap();
                let read_back =
                    internals::settings_from_file(&file).expect("the written file is read");
                assert!(
                    internals::same_settings(&read_back, &settings),
                    "the binary would not read the test's settings:\n{}",
                    internals::settings_as_toml(&settings)
                );
                file
            }
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiguillage"));
        cmd.arg("--config")
            .arg(&file)
            .arg("serve")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AIGUILLAGE")) {
            cmd.env_remove(k);
        }
        cmd.envs(env).envs(self.env);
        // The binary binds the port itself.
        drop(socket);
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
        let out = child.stdout.take().unwrap();
        let first_line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(out).read_line(&mut line).map(|_| line)
        });
        let Ok(line) = tokio::time::timeout(Duration::from_secs(30), first_line).await else {
            let _ = child.kill();
            panic!(
                "the portal did not start within 30 s; stderr: {}",
                stderr.lock().unwrap()
            );
        };
        let line = line.unwrap().expect("its standard output is read");
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
            app: TestApp {
                address,
                client: browser(),
                clock: None,
                handle: None,
            },
            child,
            stderr,
            _dir: dir,
        }
    }
}

/// A socket bound before the portal is built, so that its URL can be given
/// to a federation (as redirect URI) before the portal's settings are made.
pub struct AppSocket {
    listener: std::net::TcpListener,
}

impl AppSocket {
    pub fn bind() -> AppSocket {
        AppSocket {
            listener: std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"),
        }
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// The portal's public URL on this socket, without the trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://localhost:{}", self.port())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }
}

/// A running portal, and a browser to visit it with.
pub struct TestApp {
    /// Its public URL (`http://localhost:PORT`), without the trailing slash.
    pub address: String,
    /// No redirects followed, cookies kept: like a browser, one step at a time.
    pub client: reqwest::Client,
    clock: Option<Clock>,
    handle: Option<ServerHandle>,
}

impl TestApp {
    /// The same portal seen from another browser (a fresh cookie jar).
    pub fn in_another_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: browser(),
            clock: self.clock.clone(),
            handle: self.handle.clone(),
        }
    }

    /// The clock the portal reads: `advance` it to make a lifetime pass.
    pub fn clock(&self) -> &Clock {
        self.clock
            .as_ref()
            .expect("the real binary reads the system's clock")
    }

    /// Stops the portal (an instance restarted): it answers no more.
    pub async fn stop(&self) {
        self.handle
            .as_ref()
            .expect("a portal in this process (a binary: `terminate`)")
            .stop(false)
            .await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_lang(&self, path: &str, accept_language: &str) -> Response {
        self.client
            .get(self.url(path))
            .header("Accept-Language", accept_language)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .expect("request sent")
    }

    /// POST a form with `fields`, as a browser submits it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    /// GET a page expected to answer `status` with HTML; returns the document.
    pub async fn page(&self, path: &str, status: StatusCode) -> Html {
        let res = self.get(path).await;
        assert_eq!(res.status(), status, "GET {path}");
        html(res).await
    }

    /// A démarche's authorization request `params` in this browser (not
    /// followed): see `helpers::authorize_path`.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> Response {
        self.get(&authorize_path(params)).await
    }
}

/// A fresh client like a browser without JavaScript: its own cookie jar,
/// redirects not followed (see `helpers::follow`).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The real binary running (see [`Portal::real_binary`]): the same
/// accessors as [`TestApp`] (`address`, `url`, `get`…), and what only a
/// process shows: its standard error, its signals, its memory.
pub struct PortalProcess {
    app: TestApp,
    child: Child,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Deref for PortalProcess {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

impl PortalProcess {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything written on standard error so far.
    pub fn logs(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) for a log line containing every `needle`.
    pub async fn wait_for_line(&self, needles: &[&str], limit: Duration) -> String {
        let what = format!("a log line with {needles:?}");
        eventually(&what, limit, || async {
            self.logs()
                .lines()
                .find(|l| needles.iter().all(|n| l.contains(n)))
                .map(str::to_owned)
                .ok_or_else(|| format!("the log so far:\n{}", self.logs()))
        })
        .await
    }

    /// Every line written up to the one of the request `request_id` (the
    /// lines come in order): at most 10 s.
    pub async fn logs_through(&self, request_id: &str) -> String {
        self.wait_for_line(&[request_id], Duration::from_secs(10))
            .await;
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
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let child = Mutex::new(&mut self.child);
        let logs = &self.stderr;
        eventually("the process ends", limit, || async {
            child
                .lock()
                .unwrap()
                .try_wait()
                .unwrap()
                .ok_or_else(|| format!("the log so far:\n{}", logs.lock().unwrap()))
        })
        .await
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
