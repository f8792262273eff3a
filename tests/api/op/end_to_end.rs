//! The provider with the real federations behind it: `oidc-provider`
//! playing FranceConnect, ProConnect and Pro Santé Connect (`peers.rs`),
//! their login forms filled in as a person would.

use super::*;
use crate::internals::Federation;
use crate::peers::{FederationPeer, test_login};

#[tokio::test]
async fn every_federation_logs_in_through_the_provider_with_only_issuer_id_and_secret() {
    let mut portal = Portal::new();
    let mut peers = Vec::new();
    for f in Federation::ALL {
        peers.push(FederationPeer::start(f, portal.socket()).await);
    }
    for p in &peers {
        portal = portal.federation(p);
    }
    let [demarche, ..] = demarches();
    let app = portal.demarche(demarche).start().await;
    for (federation, name) in [
        (Federation::FranceConnect, "Angela Claire Louise"),
        (Federation::ProConnect, "Jean"),
        (Federation::ProSanteConnect, "Paul"),
    ] {
        // A fresh browser each time: no single sign-on between them.
        let browser = browser();
        let params = standard(
            CLIENT,
            &[("idp_hint", federation.id()), ("prompt", "login")],
        );
        let url = authorize_url(&app, &params);
        let back = journey(&browser, &url, Some(test_login(federation))).await;
        let code = back.query()["code"].clone();
        let body = tokens(&app, &code, (CLIENT, SECRET)).await;
        let claims = verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
        assert_eq!(claims["idp"], federation.id());
        assert_eq!(claims["given_name"], name);
    }
}
