//! `/federations` as the integration guide, followed by an integrator on
//! the local stack `scripts/try-locally.sh` starts (federation doubles,
//! the real portal binary, the example démarche), in Chromium
//! (`tests/support/browser/guide.mjs`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::browser::run_browser_script;
use crate::internals::Federation;
use crate::peers::test_login;
use crate::redis_server::free_port;

/// The script, stopped (SIGTERM: it stops what it started) when dropped.
struct LocalStack {
    child: Child,
    portal: String,
    demarche: String,
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// `scripts/try-locally.sh` on free ports, with the test build's binary,
/// until it says "Prêt."; the URLs it printed.
fn start_local_stack(dir: &std::path::Path) -> LocalStack {
    // The ports are free when picked, but a test running beside this one
    // may take one before the script binds it: then, new ports.
    for _ in 0..3 {
        if let Some(stack) = try_local_stack(dir) {
            return stack;
        }
    }
    let logs: String = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            format!("--- {}\n{text}", e.path().display())
        })
        .collect();
    panic!("try-locally.sh never said it was ready, three times:\n{logs}");
}

/// One start of the script; `None` when it did not get ready.
fn try_local_stack(dir: &std::path::Path) -> Option<LocalStack> {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let ports: Vec<String> = (0..5).map(|_| free_port().to_string()).collect();
    let mut child = Command::new(format!("{manifest}/scripts/try-locally.sh"))
        .env("AIGUILLAGE_BIN", env!("CARGO_BIN_EXE_aiguillage"))
        .env("TRY_DIR", dir)
        .env("PORTAL_PORT", &ports[0])
        .env("DEMARCHE_PORT", &ports[1])
        .env("FRANCECONNECT_PORT", &ports[2])
        .env("PROCONNECT_PORT", &ports[3])
        .env("PROSANTECONNECT_PORT", &ports[4])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("scripts/try-locally.sh runs");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut printed = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("Prêt.") {
                let _ = tx.send(printed.clone());
            }
        }
        let _ = tx.send(printed);
    });
    let printed = rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_default();
    let stack = LocalStack {
        child,
        portal: format!("http://localhost:{}", ports[0]),
        demarche: format!("http://127.0.0.1:{}/", ports[1]),
    };
    if !printed.contains("Prêt.") {
        eprintln!("try-locally.sh did not get ready:\n{printed}");
        return None;
    }
    // What it prints is where things are.
    for url in [
        format!("{}/federations", stack.portal),
        stack.demarche.clone(),
    ] {
        assert!(printed.contains(&url), "{url} printed:\n{printed}");
    }
    Some(stack)
}

#[tokio::test]
async fn an_integrator_follows_the_guide_on_the_local_stack_and_the_example_demarche_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start_local_stack(dir.path());
    // The generated configuration registers the démarche as the guide
    // says (its secret is the script's, written in the file).
    let config = std::fs::read_to_string(dir.path().join("aiguillage.toml")).unwrap();
    let secret = config
        .lines()
        .find_map(|l| l.strip_prefix("client_secret = \"secret-de-la-demarche"))
        .map(|rest| format!("secret-de-la-demarche{}", rest.trim_end_matches('"')))
        .expect("the démarche's secret in the generated configuration");
    run_browser_script(
        "guide.mjs",
        &stack.portal,
        &[
            ("DEMARCHE_URL", &stack.demarche),
            ("CLIENT_ID", "demarche-exemple"),
            ("CLIENT_SECRET", &secret),
            ("LOGIN", test_login(Federation::FranceConnect)),
        ],
    )
    .await;
    drop(stack);
}

#[tokio::test]
async fn the_guide_names_the_operator_and_how_to_reach_them_or_says_none_was_given() {
    use crate::helpers::*;
    use reqwest::StatusCode;

    let app = Portal::new()
        .settings(|s| {
            s.site.publisher = Some("Direction du numérique d’exemple".into());
            s.site.contact_email = Some("aiguillage@exemple.gouv.fr".into());
        })
        .start()
        .await;
    let doc = app.page("/federations", StatusCode::OK).await;
    assert!(
        text_of(&doc, "#guide-contact")
            .starts_with("Exploitant de ce portail : Direction du numérique d’exemple."),
        "{}",
        text_of(&doc, "#guide-contact")
    );
    assert_eq!(
        attr(&doc, "#guide-contact a", "href").as_deref(),
        Some("mailto:aiguillage@exemple.gouv.fr")
    );
    let doc = app.page("/federations?lang=en", StatusCode::OK).await;
    assert!(
        text_of(&doc, "#guide-contact")
            .starts_with("Operator of this portal: Direction du numérique d’exemple."),
        "{}",
        text_of(&doc, "#guide-contact")
    );
    // Nothing configured: said so, and whom to ask instead.
    let bare = Portal::new().start().await;
    let doc = bare.page("/federations", StatusCode::OK).await;
    assert!(select(&doc, "#guide-contact a").is_empty());
    assert_eq!(
        text_of(&doc, "#no-contact"),
        "L’exploitant de ce portail n’a pas encore indiqué de moyen de contact. Adressez-vous à l’administration qui vous a orienté vers ce portail."
    );
}
