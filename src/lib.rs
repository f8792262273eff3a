//! Aiguillage: routes every person to the right French State identity
//! federation (FranceConnect, ProConnect, Pro Santé Connect) and back.

pub mod broker;
pub mod cli;
pub mod common;
pub mod configuration;
pub mod directory;
pub mod domain;
pub mod i18n;
pub mod metrics;
pub mod provider;
pub mod routes;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod upstream;
