//! Texts edited while the portal runs: served without a restart; a broken
//! edit refused with `file:line`, the last good texts kept; a folder
//! broken at start gives the embedded texts.

use std::path::Path;
use std::time::Duration;

use crate::helpers::*;
use crate::internals::set_locales_dir;

/// A copy of the real `locales/` in a temporary folder.
fn copy_locales() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["fr", "en"] {
        std::fs::create_dir_all(dir.path().join(lang)).unwrap();
        for entry in std::fs::read_dir(format!("locales/{lang}")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(lang).join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Replaces the line starting with `key =` in `file`.
fn set_text(file: &Path, key: &str, value: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let prefix = format!("{key} =");
    assert!(
        text.lines().any(|l| l.starts_with(&prefix)),
        "{key} in {file:?}"
    );
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{key} = {value}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(file, edited.join("\n") + "\n").unwrap();
}

/// The home page's `<title>` (it ends with the site name).
async fn title(portal: &PortalProcess) -> String {
    let res = reqwest::get(portal.url("/")).await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    text_of(&html(res).await, "title")
}

/// Polls the home page (at most 10 s) until its title contains `text`.
async fn wait_for_title(portal: &PortalProcess, text: &str) {
    let what = format!("the title with {text:?} served");
    eventually(&what, Duration::from_secs(10), || async {
        let shown = title(portal).await;
        shown.contains(text).then_some(()).ok_or(shown)
    })
    .await;
}

/// The binary reading its texts from `locales`.
async fn portal_reading(locales: &Path) -> PortalProcess {
    Portal::new()
        .settings(|s| set_locales_dir(s, locales))
        .real_binary()
        .start()
        .await
}

#[tokio::test]
async fn an_edit_is_served_without_restart_and_a_broken_edit_keeps_the_last_good_texts() {
    let locales = copy_locales();
    let portal = portal_reading(locales.path()).await;
    assert!(title(&portal).await.contains("Aiguillage"));
    let portail = locales.path().join("fr/portail.ftl");

    set_text(&portail, "site-name", "Portail des démarches (édité)");
    // The edit is served within 10 s.
    wait_for_title(&portal, "Portail des démarches (édité)").await;

    assert_eq!(refused_gauge(&portal).await, "0");
    assert_eq!(readiness(&portal).await, (200, "ready".to_owned()));

    // A broken edit (a placeable left open at the end of an existing
    // French text, as an administrator would leave it), together with a
    // new site name that must not show.
    set_text(&portail, "site-name", "Jamais servi");
    set_text(
        &portail,
        "home-remembered",
        "Vous avez déjà répondu : { $population",
    );
    let text = std::fs::read_to_string(&portail).unwrap();
    let broken_line = text
        .lines()
        .position(|l| l.starts_with("home-remembered ="))
        .unwrap()
        + 1;
    let location = format!("{}:{broken_line}", portail.display());
    // The refusal, with file:line.
    let refused = portal
        .wait_for_line(&["text edit refused", &location], Duration::from_secs(10))
        .await;
    assert!(
        refused.contains("home-remembered"),
        "the key is named: {refused}"
    );
    // Once: the English text of the same key is not "missing" in French.
    assert!(!portal.logs().contains("is missing"), "{}", portal.logs());
    let shown = title(&portal).await;
    assert!(shown.contains("Portail des démarches (édité)"), "{shown}");
    assert!(!shown.contains("Jamais servi"));
    // Visible to operators: the gauge, and readiness says it (still ready:
    // the instance serves the last good texts).
    assert_eq!(refused_gauge(&portal).await, "1");
    let (status, body) = readiness(&portal).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("ready; text edit refused"), "{body}");

    // check-locales says the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aiguillage"))
        .arg("check-locales")
        .env("AIGUILLAGE__I18N__LOCALES_DIR", locales.path())
        .env_remove("AIGUILLAGE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{location}: syntax error")));

    // Fixed: served again, no longer refused.
    set_text(&portail, "site-name", "Portail réparé");
    set_text(
        &portail,
        "home-remembered",
        "Vous avez déjà répondu : { $population }.",
    );
    wait_for_title(&portal, "Portail réparé").await;
    assert_eq!(refused_gauge(&portal).await, "0");
    assert_eq!(readiness(&portal).await, (200, "ready".to_owned()));
}

/// `/readyz`'s status and body.
async fn readiness(portal: &PortalProcess) -> (u16, String) {
    let res = reqwest::get(portal.url("/readyz")).await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The value of `aiguillage_locales_refused` on `/metrics`.
async fn refused_gauge(portal: &PortalProcess) -> String {
    let text = reqwest::get(portal.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("aiguillage_locales_refused "))
        .unwrap_or_else(|| panic!("the gauge in:\n{text}"))
        .to_owned()
}

#[tokio::test]
async fn a_folder_broken_at_start_gives_the_embedded_texts_until_fixed() {
    let locales = copy_locales();
    let portail = locales.path().join("en/portail.ftl");
    let original = std::fs::read_to_string(&portail).unwrap();
    std::fs::write(&portail, format!("{original}\nbroken = {{ $\n")).unwrap();
    let portal = portal_reading(locales.path()).await;
    let location = format!("{}:{}", portail.display(), original.lines().count() + 2);
    for needle in [
        location.as_str(),
        "serving the texts built into the program",
    ] {
        portal
            .wait_for_line(&[needle], Duration::from_secs(10))
            .await;
    }
    // The embedded texts serve every page meanwhile; the folder is refused.
    assert!(title(&portal).await.contains("Aiguillage"));
    assert_eq!(refused_gauge(&portal).await, "1");
    assert!(
        readiness(&portal)
            .await
            .1
            .starts_with("ready; text edit refused")
    );

    let fixed = original.replace("site-name = Aiguillage", "site-name = Aiguillage réparé");
    assert_ne!(fixed, original, "en/portail.ftl names the site");
    std::fs::write(&portail, fixed).unwrap();
    wait_for_english_title(&portal, "Aiguillage réparé").await;
    assert_eq!(refused_gauge(&portal).await, "0");
}

/// Polls the English home page (at most 10 s) until its title contains `text`.
async fn wait_for_english_title(portal: &PortalProcess, text: &str) {
    let client = reqwest::Client::new();
    let what = format!("the English title with {text:?} served");
    eventually(&what, Duration::from_secs(10), || async {
        let res = client.get(portal.url("/?lang=en")).send().await.unwrap();
        let shown = text_of(&html(res).await, "title");
        shown.contains(text).then_some(()).ok_or(shown)
    })
    .await;
}
