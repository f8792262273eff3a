//! Real peers started as child processes from `tests/support/`: an
//! `oidc-provider` playing one federation, an `openid-client` démarche.

use std::process::Stdio;

use aiguillage::common::Secret;
use aiguillage::configuration::Settings;
use aiguillage::domain::Federation;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::AppSocket;

pub const CLIENT_ID: &str = "aiguillage-test";
pub const CLIENT_SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

/// A running Node program; it exits when dropped (its stdin closes).
pub struct NodePeer {
    pub info: serde_json::Value,
    _child: Child,
}

pub async fn start_node(script: &str, args: &[String]) -> NodePeer {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new("node")
        .arg(format!("{manifest}/tests/support/{script}"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (scripts/test.sh installs the test tools)");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .unwrap_or_else(|_| panic!("{script} did not start within 30 s"))
    .expect("read the peer's first line");
    let info =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{script} printed {line:?}: {e}"));
    NodePeer {
        info,
        _child: child,
    }
}

/// `oidc-provider` configured like `federation`, with the portal (on
/// `socket`) registered as its client with the portal's default paths.
pub struct FederationPeer {
    pub federation: Federation,
    pub issuer: String,
    node: NodePeer,
}

impl FederationPeer {
    pub async fn start(
        federation: Federation,
        socket: &AppSocket,
        extra: &[&str],
    ) -> FederationPeer {
        let defaults = aiguillage::upstream::FederationSettings::default_for(federation);
        let mut args: Vec<String> = vec![
            "--profile".into(),
            federation.id().into(),
            "--client-id".into(),
            CLIENT_ID.into(),
            "--client-secret".into(),
            CLIENT_SECRET.into(),
            "--redirect-uri".into(),
            socket.url(&defaults.redirect_path),
            "--post-logout-redirect-uri".into(),
            socket.url(&defaults.post_logout_redirect_path),
        ];
        if federation == Federation::FranceConnectPlus {
            // It encrypts for the keys the portal publishes.
            args.push("--client-jwks-uri".into());
            args.push(socket.url("/federations/jwks"));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let node = start_node("federation.mjs", &args).await;
        let issuer = node.info["issuer"].as_str().expect("issuer").to_owned();
        FederationPeer {
            federation,
            issuer,
            node,
        }
    }

    pub fn port(&self) -> u64 {
        self.node.info["port"].as_u64().unwrap()
    }

    /// Points the portal's settings at this federation.
    pub fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, self.federation, &self.issuer);
    }

    /// Makes the federation sign with a new key (new `kid`, old one gone).
    pub async fn rotate_keys(&self) {
        let res = reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/__test/rotate-keys",
                self.port()
            ))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "rotate-keys: {}", res.status());
    }
}

/// Enables `federation` in the portal's settings, with its issuer at
/// `issuer` and the test client's credentials.
pub fn use_federation_at(settings: &mut Settings, federation: Federation, issuer: &str) {
    let p = settings.federations.get_mut(federation);
    p.enabled = true;
    p.issuer = issuer.parse().unwrap();
    p.discovery_url = None;
    p.client_id = Some(CLIENT_ID.into());
    p.client_secret = Some(Secret(CLIENT_SECRET.into()));
    if federation == Federation::FranceConnectPlus {
        // A fixed decryption key: nothing generated into a data dir.
        p.encryption_key_file = Some(crate::helpers::fixture("keys/rsa-2.pem"));
    }
}

/// The test account each federation profile knows.
pub fn test_login(federation: Federation) -> &'static str {
    match federation {
        Federation::FranceConnect | Federation::FranceConnectPlus => "angela",
        Federation::ProConnect => "jean.michel@test.proconnect.gouv.fr",
        Federation::ProSanteConnect => "899700218896",
    }
}
