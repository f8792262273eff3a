//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod cli;
mod demarche_e2e;
mod federation_settings;
mod helpers;
mod http_conformance;
mod i18n;
mod live_texts;
mod login;
mod login_security;
mod logs;
mod metrics;
mod op;
mod pages;
mod peers;
mod process;
mod redis_server;
mod shutdown;
mod store_memory;
mod store_redis;
