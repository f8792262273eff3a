//! Real peers started as child processes from `tests/support/`: an
//! `oidc-provider` playing one federation, an `openid-client` démarche;
//! and the one driver of the federation's login form.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{AppSocket, TestApp, submit_form};
pub use crate::internals::{CLIENT_ID, CLIENT_SECRET};
use crate::internals::{Federation, Settings, callback_path, post_logout_path, use_federation_at};
use crate::portal::PlaysFederation;

/// The portal's URL, known before it starts (its socket) or after.
pub trait PortalAddress {
    /// `path` on the portal.
    fn url(&self, path: &str) -> String;
}

impl PortalAddress for AppSocket {
    fn url(&self, path: &str) -> String {
        AppSocket::url(self, path)
    }
}

impl PortalAddress for TestApp {
    fn url(&self, path: &str) -> String {
        TestApp::url(self, path)
    }
}

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

/// `oidc-provider` configured like `federation`, with the portal (at
/// `portal`) registered as its client with the portal's default paths.
pub struct FederationPeer {
    pub federation: Federation,
    pub issuer: String,
    _node: NodePeer,
}

impl FederationPeer {
    pub async fn start(federation: Federation, portal: &impl PortalAddress) -> FederationPeer {
        FederationPeer::start_with(federation, portal, &[]).await
    }

    /// [`FederationPeer::start`] with more arguments for `federation.mjs`
    /// (e.g. `--port` to start it again where it was).
    pub async fn start_with(
        federation: Federation,
        portal: &impl PortalAddress,
        extra: &[&str],
    ) -> FederationPeer {
        let mut args: Vec<String> = vec![
            "--profile".into(),
            federation.id().into(),
            "--client-id".into(),
            CLIENT_ID.into(),
            "--client-secret".into(),
            CLIENT_SECRET.into(),
            "--redirect-uri".into(),
            portal.url(&callback_path(federation)),
            "--post-logout-redirect-uri".into(),
            portal.url(&post_logout_path(federation)),
        ];
        if federation == Federation::FranceConnectPlus {
            // It encrypts for the keys the portal publishes.
            args.push("--client-jwks-uri".into());
            args.push(portal.url("/federations/jwks"));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let node = start_node("federation.mjs", &args).await;
        let issuer = node.info["issuer"].as_str().expect("issuer").to_owned();
        FederationPeer {
            federation,
            issuer,
            _node: node,
        }
    }

    pub fn port(&self) -> u16 {
        let port = self._node.info["port"].as_u64().expect("port");
        u16::try_from(port).expect("a port")
    }
}

impl PlaysFederation for FederationPeer {
    fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, self.federation, &self.issuer);
    }
}

/// The data provider's own client at a federation peer (to introspect
/// tokens): [`FederationPeer::with_data_provider`].
pub const DATA_PROVIDER_ID: &str = "fournisseur-de-donnees";
pub const DATA_PROVIDER_SECRET: &str = "un-secret-de-fournisseur-0123456789";

impl FederationPeer {
    /// FranceConnect with the data provider registered as a client that
    /// may introspect its tokens (API FranceConnectées), `extra` arguments
    /// for `federation.mjs` (e.g. `--access-token-ttl`).
    pub async fn with_data_provider(portal: &impl PortalAddress, extra: &[&str]) -> FederationPeer {
        let mut args = vec![
            "--data-provider-id",
            DATA_PROVIDER_ID,
            "--data-provider-secret",
            DATA_PROVIDER_SECRET,
        ];
        args.extend_from_slice(extra);
        FederationPeer::start_with(Federation::FranceConnect, portal, &args).await
    }
}

/// `data-provider.mjs`: the person's revenu fiscal de référence to whoever
/// shows a token `federation` says is active and carries `dgfip_rfr`.
pub struct DataProvider {
    /// Its data endpoint (`…/api/rfr`).
    pub url: String,
    _node: NodePeer,
}

impl DataProvider {
    /// Started on `federation` (a [`FederationPeer::with_data_provider`]).
    pub async fn start(federation: &FederationPeer) -> DataProvider {
        let node = start_node(
            "data-provider.mjs",
            &[
                "--issuer".into(),
                federation.issuer.clone(),
                "--client-id".into(),
                DATA_PROVIDER_ID.into(),
                "--client-secret".into(),
                DATA_PROVIDER_SECRET.into(),
            ],
        )
        .await;
        let url = node.info["url"].as_str().expect("url").to_owned();
        DataProvider { url, _node: node }
    }

    /// Its answer to `Authorization: Bearer <token>`.
    pub async fn data_for(&self, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(&self.url)
            .bearer_auth(token)
            .send()
            .await
            .expect("the data provider answers")
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

/// The federation's login form (`federation.mjs`, at `page`) filled in as
/// `login` and sent; the federation's answer.
pub async fn log_in_at_form(
    client: &reqwest::Client,
    page: &reqwest::Url,
    form: &scraper::Html,
    login: &str,
) -> reqwest::Response {
    let fields = [("login", login), ("password", "x"), ("action", "login")];
    submit_form(client, page, form, LOGIN_FORM, &fields).await
}

/// The federation's login form answered "Refuser"; the federation's answer.
pub async fn refuse_at_form(
    client: &reqwest::Client,
    page: &reqwest::Url,
    form: &scraper::Html,
) -> reqwest::Response {
    submit_form(client, page, form, LOGIN_FORM, &[("action", "deny")]).await
}

const LOGIN_FORM: &str = "form[action$=\"/login\"]";
