//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod cli;
mod demarche_e2e;
mod deploy;
mod floods;
mod helpers;
mod i18n;
mod instances;
mod limits;
mod login;
mod login_security;
mod op;
mod pages;
mod peers;
mod redis_server;
mod store_memory;
mod store_redis;
