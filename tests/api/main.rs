//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod cli;
mod demarche_e2e;
mod helpers;
mod i18n;
mod login;
mod login_security;
mod logs;
mod metrics;
mod op;
mod pages;
mod peers;
mod process;
mod redis_server;
mod store_memory;
mod store_redis;
