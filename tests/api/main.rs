//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod demarche_e2e;
mod cli;
mod helpers;
mod i18n;
mod login;
mod login_security;
mod op;
mod pages;
mod peers;
