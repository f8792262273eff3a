//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod cli;
mod demarche_e2e;
mod federation_double;
mod helpers;
mod i18n;
mod internals;
mod login;
mod login_security;
mod op;
mod pages;
mod peers;
