//! The portal configured as an operator would, in a file: a federation
//! with the fewest keys, every secret from a file of its own.

use crate::helpers::*;
use crate::internals::{
    Federation, config_problems, discovery_url, forget_inline_pairwise_secret, settings_from_file,
};
use crate::login::log_in;
use crate::logs::{DEMARCHE_REDIRECT, demarche_login};
use crate::peers::{CLIENT_ID, CLIENT_SECRET, FederationPeer};

#[tokio::test]
async fn pro_sante_connect_logs_in_with_only_issuer_client_id_and_secret() {
    let socket = AppSocket::bind();
    // Keycloak-like paths under `/auth/realms/esante-wallet`, discovery
    // under Pro Santé Connect's own name.
    let peer = FederationPeer::start(Federation::ProSanteConnect, &socket).await;
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
    let settings = settings_from_file(&file).expect("the file is read");
    assert_eq!(
        discovery_url(&settings, Federation::ProSanteConnect),
        format!("{}/.well-known/wallet-openid-configuration", peer.issuer)
    );
    let app = Portal::from_file(&file).on(socket).start().await;
    let (res, query) = log_in(&app, Federation::ProSanteConnect).await;
    assert_eq!(query["scope"], "openid scope_all");
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(res.url().path(), "/compte");
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "#identity-name"), "Paul DOC");
}

#[tokio::test]
async fn every_secret_can_be_given_as_a_file() {
    let socket = AppSocket::bind();
    let peer = FederationPeer::start(Federation::ProConnect, &socket).await;
    let dir = tempfile::tempdir().unwrap();
    let secret_file = |name: &str, value: &str| {
        let path = dir.path().join(name);
        // As `openssl rand` or an editor writes it: a final newline.
        std::fs::write(&path, format!("{value}\n")).unwrap();
        path.display().to_string()
    };
    let session_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 64]);
    let files = [
        (
            "server",
            "session_key_file",
            secret_file("session", &session_key),
        ),
        (
            "provider",
            "pairwise_secret_file",
            secret_file("pairwise", "un-secret-pairwise-assez-long-0123456789"),
        ),
        (
            "federations.proconnect",
            "client_secret_file",
            secret_file("federation", CLIENT_SECRET),
        ),
    ];
    let mut toml: String = files
        .iter()
        .map(|(section, key, path)| format!("[{section}]\n{key} = \"{path}\"\n"))
        .collect();
    toml.push_str(&format!(
        "issuer = \"{}\"\nclient_id = \"{CLIENT_ID}\"\n\n[[clients]]\nclient_id = \"{DEMARCHE}\"\n\
         client_secret_file = \"{}\"\nname = \"Démarche\"\nredirect_uris = [\"{DEMARCHE_REDIRECT}\"]\n",
        peer.issuer,
        secret_file("demarche", DEMARCHE_SECRET),
    ));
    let file = dir.path().join("aiguillage.toml");
    std::fs::write(&file, &toml).unwrap();
    let app = Portal::from_file(&file)
        .on(socket)
        .settings(forget_inline_pairwise_secret)
        .start()
        .await;
    // The démarche's and the federation's secrets both worked.
    let login = demarche_login(&app.address, (DEMARCHE, DEMARCHE_SECRET)).await;
    assert!(!login.access_token.is_empty());

    // An unreadable file is named by its key.
    let missing = toml.replace(&files[0].2, "/nulle/part");
    std::fs::write(&file, missing).unwrap();
    let problems = config_problems(&settings_from_file(&file).unwrap());
    assert!(
        problems
            .iter()
            .any(|(key, _)| key == "server.session_key_file"),
        "{problems:?}"
    );
}

const DEMARCHE: &str = "demarche-des-fichiers";
const DEMARCHE_SECRET: &str = "secret+de/la=demarche-des-fichiers";
