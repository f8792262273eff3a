//! A federation configured as an operator would, in a file, with the
//! fewest keys.

use aiguillage::configuration::Settings;
use aiguillage::domain::Federation;

use crate::helpers::*;
use crate::login::log_in;
use crate::peers::{CLIENT_ID, CLIENT_SECRET, FederationPeer};

#[tokio::test]
async fn pro_sante_connect_logs_in_with_only_issuer_client_id_and_secret() {
    let socket = AppSocket::bind();
    // Keycloak-like paths under `/auth/realms/esante-wallet`, discovery
    // under Pro Santé Connect's own name.
    let peer = FederationPeer::start(Federation::ProSanteConnect, &socket, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aiguillage.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[federations.proconnect]
enabled = false

[federations.prosanteconnect]
enabled = true
issuer = "{}"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
"#,
            peer.issuer
        ),
    )
    .unwrap();
    let settings = Settings::load(Some(&file)).expect("the file is read");
    let psc = settings.federations.get(Federation::ProSanteConnect);
    assert_eq!(
        psc.discovery_url().as_str(),
        format!("{}/.well-known/wallet-openid-configuration", peer.issuer)
    );
    let app = spawn_app_from(socket, settings, |_| {}).await;
    let (res, query) = log_in(&app, Federation::ProSanteConnect).await;
    assert_eq!(query["scope"], "openid scope_all");
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(res.url().path(), "/compte");
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "#identity-name"), "Paul DOC");
}
