//! The provider with the real federations behind it: `oidc-provider`
//! playing FranceConnect, ProConnect and Pro Santé Connect (`peers.rs`),
//! their login forms filled in as a person would.

use super::*;
use crate::helpers::*;
use crate::internals::Federation;
use crate::peers::FederationPeer;

#[tokio::test]
async fn every_federation_logs_in_through_the_provider_with_only_issuer_id_and_secret() {
    let socket = AppSocket::bind();
    let mut peers = Vec::new();
    for f in Federation::ALL {
        peers.push(FederationPeer::start(f, &socket).await);
    }
    let app = spawn_app_on(socket, |s| {
        for p in &peers {
            p.configure(s);
        }
        register(s, CLIENT, Some(SECRET), "Démarche d’exemple");
    })
    .await;
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
        let back = until_demarche(&browser, &authorize_url(&app, &params), Some(federation)).await;
        let code = query(&back)["code"].clone();
        let body = tokens(&app, &code, (CLIENT, SECRET)).await;
        let claims = verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
        assert_eq!(claims["idp"], federation.id());
        assert_eq!(claims["given_name"], name);
    }
}
