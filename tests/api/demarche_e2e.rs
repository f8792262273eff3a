//! End to end: a real démarche (openid-client) logs people in through the
//! portal and a federation, clicked through in headless Chromium.
//!
//! The démarche is the example people copy, `examples/demarche/server.mjs`
//! (its own `node_modules`: `npm ci` in `examples/demarche`, done by
//! `scripts/test.sh` and `.ci/run`), so these tests prove it works. One
//! portal per test, with FranceConnect and ProConnect both played by
//! `oidc-provider` (so the chooser has a real choice to make, and nothing
//! is skipped just because one federation is configured).

use crate::browser::run_browser_script;
use crate::helpers::{Portal, TestApp};
use crate::internals::{Demarche, Federation};
use crate::peers::{DataProvider, FederationPeer, NodePeer, start_node, test_login};
use crate::redis_server::RedisServer;

const DEMARCHE_ID: &str = "demarche-e2e";
const DEMARCHE_SECRET: &str = "un-secret-de-demarche-e2e-0123456789";
pub const DEMARCHE_NAME: &str = "Prime à la réparation de vélos";

/// The example démarche, relative to `tests/support/` (where `start_node`
/// looks).
const DEMARCHE_SCRIPT: &str = "../../examples/demarche/server.mjs";

/// The federations' own `sub` for their test accounts (tests/support/README.md):
/// the démarche must never see them (pairwise `sub`).
fn federation_sub(federation: Federation) -> &'static str {
    match federation {
        Federation::FranceConnect => {
            "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1"
        }
        Federation::FranceConnectPlus => {
            "5d1c2e8f0a7b4c3d9e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2dv1"
        }
        Federation::ProConnect => "4f6a2c0e-8d3b-4a57-9c1e-2b7d5e9f0a31",
        Federation::ProSanteConnect => "f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:899700218896",
    }
}

pub struct Setup {
    pub app: TestApp,
    pub demarche: NodePeer,
    _peers: Vec<FederationPeer>,
    _data: Option<DataProvider>,
}

/// A FranceConnect and a ProConnect peer, the démarche (started before
/// the portal: it retries discovery until the portal is up), and the
/// portal with both and the démarche registered as a client with the URIs
/// it printed.
pub async fn setup(id_token_alg: &str) -> Setup {
    setup_with(Portal::new(), id_token_alg, false).await
}

/// [`setup`] on `portal`; with `data`, FranceConnect's data provider too
/// (`data-provider.mjs`), given to the démarche, which may ask `dgfip_rfr`.
async fn setup_with(portal: Portal, id_token_alg: &str, data: bool) -> Setup {
    let fc = if data {
        FederationPeer::with_data_provider(portal.socket(), &[]).await
    } else {
        FederationPeer::start(Federation::FranceConnect, portal.socket()).await
    };
    let data_provider = if data {
        Some(DataProvider::start(&fc).await)
    } else {
        None
    };
    let installed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/demarche/node_modules/openid-client/package.json");
    assert!(
        installed.exists(),
        "the example démarche is not installed: run scripts/test.sh (or `npm ci` in examples/demarche)"
    );
    let mut args: Vec<String> = vec![
        "--issuer".into(),
        portal.socket().base_url(),
        "--client-id".into(),
        DEMARCHE_ID.into(),
        "--client-secret".into(),
        DEMARCHE_SECRET.into(),
        "--port".into(),
        "0".into(),
        "--id-token-alg".into(),
        id_token_alg.into(),
        "--exit-with-stdin".into(),
    ];
    if let Some(d) = &data_provider {
        args.extend(["--data-provider-url".into(), d.url.clone()]);
    }
    let demarche = start_node(DEMARCHE_SCRIPT, &args).await;
    let uri = |name: &str| -> &str {
        demarche.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("the démarche printed no {name}: {}", demarche.info))
    };
    let peers = vec![
        fc,
        FederationPeer::start(Federation::ProConnect, portal.socket()).await,
    ];
    let mut registered = Demarche::confidential(
        DEMARCHE_ID,
        DEMARCHE_SECRET,
        DEMARCHE_NAME,
        uri("redirect_uri"),
    )
    .after_logout(uri("post_logout_redirect_uri"));
    if id_token_alg != "RS256" {
        registered = registered.id_tokens_signed_with(id_token_alg);
    }
    if data {
        registered = registered.with_data_scopes(Federation::FranceConnect, &["dgfip_rfr"]);
    }
    let app = portal
        .federation(&peers[0])
        .federation(&peers[1])
        .demarche(registered)
        .start()
        .await;
    Setup {
        app,
        demarche,
        _peers: peers,
        _data: data_provider,
    }
}

/// How the person gets to the federation.
enum Route {
    /// The portal's chooser: this population (id, start of its label).
    Chooser(&'static str, &'static str),
    /// `idp_hint` on the démarche's login link: no chooser.
    IdpHint,
}

async fn journey(federation: Federation, expected_name: &str, route: Route, logout: bool) {
    journey_signed(federation, expected_name, route, logout, "RS256").await;
}

/// A journey where the démarche registered `id_token_alg` for its ID
/// tokens: openid-client refuses a token signed with any other algorithm,
/// and checks the signature with the portal's JWKS.
async fn journey_signed(
    federation: Federation,
    expected_name: &str,
    route: Route,
    logout: bool,
    id_token_alg: &str,
) {
    let s = setup(id_token_alg).await;
    let demarche_url = s.demarche.info["url"].as_str().unwrap().to_owned();
    let mut env = vec![
        ("DEMARCHE_URL", demarche_url.as_str()),
        ("DEMARCHE_NAME", DEMARCHE_NAME),
        ("CLIENT_ID", DEMARCHE_ID),
        ("FEDERATION", federation.id()),
        ("FEDERATION_SUB", federation_sub(federation)),
        ("LOGIN", test_login(federation)),
        ("EXPECTED_NAME", expected_name),
    ];
    match route {
        Route::Chooser(population, label) => {
            env.push(("POPULATION", population));
            env.push(("POPULATION_LABEL", label));
        }
        Route::IdpHint => env.push(("IDP_HINT", federation.id())),
    }
    if logout {
        env.push(("LOGOUT", "1"));
    }
    run_browser_script("demarche.mjs", &s.app.address, &env).await;
}

#[tokio::test]
async fn a_particulier_logs_in_to_the_demarche_with_franceconnect_and_out_again() {
    journey(
        Federation::FranceConnect,
        "Angela Claire Louise DUBOIS",
        Route::Chooser("particulier", "Un particulier"),
        true,
    )
    .await;
}

#[tokio::test]
async fn an_agent_logs_in_to_the_demarche_with_proconnect_and_out_again() {
    journey(
        Federation::ProConnect,
        "Jean Michel",
        Route::Chooser("agent-etat", "Un agent ou une agente de l’État"),
        true,
    )
    .await;
}

#[tokio::test]
async fn idp_hint_from_the_demarche_skips_the_chooser() {
    journey(Federation::ProConnect, "Jean Michel", Route::IdpHint, false).await;
}

#[tokio::test]
async fn a_demarche_registered_for_es256_verifies_its_id_token_and_logs_the_person_in_and_out() {
    journey_signed(
        Federation::FranceConnect,
        "Angela Claire Louise DUBOIS",
        Route::Chooser("particulier", "Un particulier"),
        true,
        "ES256",
    )
    .await;
}

#[tokio::test]
async fn the_demarche_shows_the_revenu_fiscal_de_reference_got_with_franceconnect_s_token() {
    // The portal's store is a real Redis (the federation's token kept
    // there, sealed, between the login and the exchange).
    let redis = RedisServer::start().await;
    let s = setup_with(Portal::new().redis(&redis), "RS256", true).await;
    let demarche_url = s.demarche.info["url"].as_str().unwrap().to_owned();
    let federation = Federation::FranceConnect;
    run_browser_script(
        "demarche.mjs",
        &s.app.address,
        &[
            ("DEMARCHE_URL", demarche_url.as_str()),
            ("DEMARCHE_NAME", DEMARCHE_NAME),
            ("CLIENT_ID", DEMARCHE_ID),
            ("FEDERATION", federation.id()),
            ("FEDERATION_SUB", federation_sub(federation)),
            ("LOGIN", test_login(federation)),
            ("EXPECTED_NAME", "Angela Claire Louise DUBOIS"),
            ("IDP_HINT", federation.id()),
            ("EXPECTED_RFR", "12345"),
        ],
    )
    .await;
}
