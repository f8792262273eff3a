//! Browser tests: the Node scripts in `tests/support/browser/` drive real
//! headless Chromium against the portal spawned here.

use std::time::Duration;

use crate::helpers::*;
use crate::internals::{Federation, probe_federations_every, use_federation_at};
use crate::peers::{FederationPeer, test_login};

/// Runs one browser script against `base_url`; fails with its full output.
pub async fn run_browser_script(script: &str, base_url: &str, extra_env: &[(&str, &str)]) {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(format!("{manifest}/tests/support/browser/{script}"))
        .env("BASE_URL", base_url)
        .env(
            "SCREENSHOTS_DIR",
            format!("{manifest}/target/browser-screenshots"),
        )
        .kill_on_drop(true);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect(
        "node runs (install the test tools with scripts/test.sh, which runs npm ci in tests/support)",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(" passed, 0 failed"),
        "{script} ran no test:\n{stdout}"
    );
}

#[tokio::test]
async fn chooser_is_accessible_keyboard_operable_and_works_without_javascript() {
    // Every federation has a client (none reachable): every button shows.
    let app = Portal::new().every_button().start().await;
    run_browser_script("chooser.mjs", &app.address, &[]).await;
}

#[tokio::test]
async fn a_person_logs_in_and_out_with_proconnect_in_a_real_browser() {
    let portal = Portal::new();
    let peer = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal.federation(&peer).start().await;
    run_browser_script(
        "login.mjs",
        &app.address,
        &[
            ("FEDERATION", "proconnect"),
            ("LOGIN", test_login(Federation::ProConnect)),
            ("EXPECTED_NAME", "Jean Michel"),
        ],
    )
    .await;
}

#[tokio::test]
async fn franceconnect_plus_and_an_unavailable_federation_are_accessible_in_a_real_browser() {
    let portal = Portal::new();
    let fc_plus = FederationPeer::start(Federation::FranceConnectPlus, portal.socket()).await;
    let app = portal
        .federation(&fc_plus)
        .settings(|s| {
            // Nothing listens on port 9: Pro Santé Connect is found down.
            use_federation_at(
                s,
                Federation::ProSanteConnect,
                "http://127.0.0.1:9/auth/realms/esante-wallet",
            );
            probe_federations_every(s, 1);
        })
        .demarche(crate::levels::demarche())
        .start()
        .await;
    let fc_plus_authorize = "/oidc/authorize?client_id=demarche-niveaux&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code&scope=openid&state=s&nonce=n&acr_values=eidas2&population=particulier";
    eventually(
        "Pro Santé Connect found down",
        Duration::from_secs(60),
        || async {
            let doc = app
                .page("/choix/professionnel", reqwest::StatusCode::OK)
                .await;
            !select(&doc, "#unavailable-prosanteconnect").is_empty()
        },
    )
    .await;
    run_browser_script(
        "levels.mjs",
        &app.address,
        &[
            ("FC_PLUS_AUTHORIZE", fc_plus_authorize),
            ("DOWN_PAGE", "/choix/professionnel"),
        ],
    )
    .await;
}
