//! A federation client over a discovery given as documents (no HTTP): the
//! relying party's rules tested one by one.

use std::sync::Arc;

use serde_json::json;

use super::settings::{FederationConfig, FederationSettings};
use super::{FederationClient, Federations};
use crate::common::Secret;
use crate::domain::Federation;

pub const ISSUER: &str = "https://federation.example/api";
pub const CLIENT_ID: &str = "portail";

/// `federation`'s client with its discovery loaded: `iss` sent on the
/// callback, PKCE S256 advertised when `pkce` (PKCE in `auto` mode).
pub fn client(federation: Federation, pkce: bool) -> Arc<FederationClient> {
    client_with(federation, pkce, |_| {})
}

/// [`client`], its settings adjusted first.
pub fn client_with(
    federation: Federation,
    pkce: bool,
    adjust: impl FnOnce(&mut FederationSettings),
) -> Arc<FederationClient> {
    let mut settings = FederationSettings::default_for(federation);
    settings.enabled = true;
    settings.issuer = ISSUER.parse().unwrap();
    settings.discovery_url = None;
    settings.encrypted_tokens = false;
    adjust(&mut settings);
    let config = FederationConfig {
        federation,
        settings,
        client_id: CLIENT_ID.into(),
        client_secret: Secret("secret".into()),
    };
    let public_url = "https://portail.example/".parse().unwrap();
    let federations = Federations::new(&[config], &public_url, std::path::Path::new("."))
        .expect("no key to read");
    let client = federations.get(federation).unwrap().clone();
    let mut metadata = json!({
        "issuer": ISSUER,
        "authorization_endpoint": format!("{ISSUER}/authorize"),
        "token_endpoint": format!("{ISSUER}/token"),
        "userinfo_endpoint": format!("{ISSUER}/userinfo"),
        "jwks_uri": format!("{ISSUER}/jwks"),
        "end_session_endpoint": format!("{ISSUER}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "authorization_response_iss_parameter_supported": true,
    });
    if pkce {
        metadata["code_challenge_methods_supported"] = json!(["S256"]);
    }
    let url = client.settings.discovery_url();
    let metadata = client
        .checked_metadata(&url, metadata)
        .expect("valid discovery");
    let discovered = client
        .assemble(metadata, json!({"keys": []}))
        .expect("valid keys");
    client.set_cached(Some(Arc::new(discovered)));
    client
}
