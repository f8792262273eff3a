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
    use aiguillage::domain::Federation;
    let socket = AppSocket::bind();
    let peer = crate::peers::FederationPeer::start(Federation::ProConnect, &socket, &[]).await;
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
