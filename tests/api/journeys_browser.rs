//! The journeys of `journeys.rs` in headless Chromium
//! (`tests/support/browser/journeys.mjs`), the new pages' accessibility
//! (`pages.mjs`) and the check that no page links off the portal except to
//! declared destinations (`links.mjs`).

use crate::browser::run_browser_script;
use crate::demarche_e2e::{DEMARCHE_NAME, setup};
use crate::helpers::*;
use crate::internals::{Demarche, Federation};
use crate::peers::test_login;

#[tokio::test]
async fn a_citizen_without_franceconnect_is_told_plainly_in_a_real_browser() {
    let app = Portal::new().start().await;
    run_browser_script(
        "journeys.mjs",
        &app.address,
        &[("SCENARIO", "citizen-fc-off")],
    )
    .await;
}

#[tokio::test]
async fn a_demarche_person_refused_at_the_federation_switches_language_retries_and_lands_on_the_demarche()
 {
    let s = setup("RS256").await;
    let demarche = s.demarche.info["url"].as_str().unwrap().to_owned();
    run_browser_script(
        "journeys.mjs",
        &s.app.address,
        &[
            ("SCENARIO", "demarche-refusal"),
            ("DEMARCHE_URL", &demarche),
            ("DEMARCHE_NAME", DEMARCHE_NAME),
            ("LOGIN", test_login(Federation::FranceConnect)),
        ],
    )
    .await;
}

#[tokio::test]
async fn going_back_to_the_demarche_in_a_real_browser_delivers_access_denied() {
    let s = setup("RS256").await;
    let demarche = s.demarche.info["url"].as_str().unwrap().to_owned();
    run_browser_script(
        "journeys.mjs",
        &s.app.address,
        &[
            ("SCENARIO", "demarche-cancel"),
            ("DEMARCHE_URL", &demarche),
            ("DEMARCHE_NAME", DEMARCHE_NAME),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_error_after_a_button_switches_language_in_a_real_browser() {
    let app = Portal::new()
        .unreachable(Federation::ProSanteConnect)
        .unreachable(Federation::ProConnect)
        .start()
        .await;
    run_browser_script(
        "journeys.mjs",
        &app.address,
        &[("SCENARIO", "post-error-lang")],
    )
    .await;
}

#[tokio::test]
async fn continuing_without_an_answer_moves_focus_to_an_announced_error_summary_in_a_real_browser()
{
    let app = Portal::new().start().await;
    run_browser_script("journeys.mjs", &app.address, &[("SCENARIO", "home-error")]).await;
}

#[tokio::test]
async fn switching_language_keeps_an_answer_checked_but_not_sent_in_a_real_browser() {
    let app = Portal::new().start().await;
    run_browser_script(
        "journeys.mjs",
        &app.address,
        &[("SCENARIO", "lang-keeps-answer")],
    )
    .await;
}

#[tokio::test]
async fn every_page_is_accessible_in_both_languages_at_320_and_1280_px_with_alike_buttons() {
    let app = Portal::new().every_button().start().await;
    run_browser_script("pages.mjs", &app.address, &[]).await;
}

#[tokio::test]
async fn the_pages_a_state_site_owes_with_every_site_value_are_accessible_at_320_and_1280_px() {
    let app = Portal::new()
        .settings(|s| {
            crate::journeys::example_site_section(s);
            s.site.publication_director = Some("Prénom Nom, directrice du numérique".into());
            s.site.host = Some("Hébergeur SAS, 1 rue de l’Exemple, 75000 Paris".into());
            s.site
                .accessibility_test_environment
                .push("VoiceOver avec Safari 18".into());
        })
        .start()
        .await;
    run_browser_script(
        "pages.mjs",
        &app.address,
        &[(
            "PAGES",
            "/accessibilite /mentions-legales /donnees-personnelles /plan-du-site",
        )],
    )
    .await;
}

#[tokio::test]
async fn no_page_links_off_the_portal_except_to_declared_destinations() {
    const CONTACT: &str = "https://contact.example.gouv.fr/aiguillage";
    let app = Portal::new()
        .every_button()
        .settings(|s| s.site.contact_url = Some(CONTACT.parse().unwrap()))
        .demarche(
            Demarche::confidential(
                "demarche-liens",
                "un-secret-de-demarche-liens-0123456789",
                "Démarche des liens",
                "http://127.0.0.1:9/retour",
            )
            .after_logout("http://127.0.0.1:9/"),
        )
        .start()
        .await;
    // A démarche's chooser too: its pages and error pages carry the démarche.
    let authorize = "/oidc/authorize?client_id=demarche-liens&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fretour&response_type=code&scope=openid&state=s&nonce=n";
    let seeds =
        "/erreur/unavailable?federation=franceconnect&population=particulier&demande={demande}";
    run_browser_script(
        "links.mjs",
        &app.address,
        &[
            ("DEMARCHE_AUTHORIZE", authorize),
            ("DEMARCHE_SEEDS", seeds),
            ("CONTACT_URL", CONTACT),
        ],
    )
    .await;
}
