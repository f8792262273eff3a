//! Integration tests: the real portal on a random port, over HTTP.
//!
//! Harness (no tests):
//! - `portal`: the one way to start the portal, a builder
//!   (`Portal::new()…start()`: its federations, démarches, store, clock,
//!   limits, a settings file; in this process, or `.real_binary()` as a
//!   child process), and `TestApp`, the running portal with a browser;
//! - `helpers`: fixtures, a browser's steps and HTML, `query_of`,
//!   `authorize_path`, `journey` (back to the démarche through a
//!   federation's form), `eventually` (polling with a deadline),
//!   `run_cases` (tables of named cases);
//! - `internals`: the only door to the crate's types;
//! - `federation_double` (a wiremock federation), `peers` (real
//!   `oidc-provider` federations, Node programs, the federation's form),
//!   `redis_server` (real Redis servers, Cluster, Sentinel).
//!
//! Lifetimes are tested by advancing the portal's clock
//! (`app.clock().advance(…)`), not by sleeping. The README's "Tests"
//! section says which federation each file uses.

// Harness
mod federation_double;
mod helpers;
mod internals;
mod peers;
mod portal;
mod redis_server;

// Tests
mod architecture;
mod browser;
mod chooser;
mod cli;
mod compression;
mod data_scopes;
mod demarche_e2e;
mod deploy;
mod directory;
mod every_path;
mod federation_settings;
mod federation_status;
mod floods;
mod franceconnect_plus_security;
mod guide;
mod hostile_federations;
mod http_conformance;
mod i18n;
mod instances;
mod journeys;
mod journeys_browser;
mod levels;
mod limits;
mod live_texts;
mod login;
mod login_security;
mod logs;
mod metrics;
mod op;
mod pages;
mod shutdown;
mod store_memory;
mod store_redis;
mod store_redis_ha;
mod strangers;
mod told_browser;
