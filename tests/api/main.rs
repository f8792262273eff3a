//! Integration tests: the real portal on a random port, over HTTP.

mod browser;
mod chooser;
mod cli;
mod helpers;
mod i18n;
mod login;
mod pages;
mod peers;
