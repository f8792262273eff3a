//! Browser tests: the Node scripts in `tests/support/browser/` drive real
//! headless Chromium against the portal spawned here.

use crate::helpers::*;

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
    let app = spawn_app_with_every_button().await;
    run_browser_script("chooser.mjs", &app.address, &[]).await;
}

#[tokio::test]
async fn a_person_logs_in_and_out_with_proconnect_in_a_real_browser() {
    use crate::internals::Federation;
    let socket = AppSocket::bind();
    let peer = crate::peers::FederationPeer::start(Federation::ProConnect, &socket).await;
    let app = spawn_app_on(socket, |s| peer.configure(s)).await;
    run_browser_script(
        "login.mjs",
        &app.address,
        &[
            ("FEDERATION", "proconnect"),
            ("LOGIN", crate::peers::test_login(Federation::ProConnect)),
            ("EXPECTED_NAME", "Jean Michel"),
        ],
    )
    .await;
}

#[tokio::test]
async fn franceconnect_plus_and_an_unavailable_federation_are_accessible_in_a_real_browser() {
    use aiguillage::domain::Federation;
    let socket = AppSocket::bind();
    let fc_plus = crate::peers::FederationPeer::start(Federation::FranceConnectPlus, &socket).await;
    let app = spawn_app_on(socket, |s| {
        fc_plus.configure(s);
        // Nothing listens on port 9: Pro Santé Connect is found down.
        crate::internals::use_federation_at(
            s,
            Federation::ProSanteConnect,
            "http://127.0.0.1:9/auth/realms/esante-wallet",
        );
        s.federation_probe.interval_seconds = 1;
        s.demarches = vec![crate::levels::demarche()];
    })
    .await;
    let fc_plus_authorize = "/oidc/authorize?client_id=demarche-niveaux&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&response_type=code&scope=openid&state=s&nonce=n&acr_values=eidas2&population=particulier";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while select(
        &app.page("/choix/professionnel", reqwest::StatusCode::OK)
            .await,
        "#unavailable-prosanteconnect",
    )
    .is_empty()
    {
        assert!(std::time::Instant::now() < deadline, "never found down");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
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
