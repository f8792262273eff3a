//! People are told, in Chromium (`tests/support/browser/told.mjs`): a
//! service down (the outage choice page and its retry keeping the
//! démarche; a click racing the probe), a step-up, Back and Cancel; each
//! new page state audited with axe in fr and en at 320 and 1280 px.

use std::time::Duration;

use reqwest::StatusCode;

use crate::browser::run_browser_script;
use crate::helpers::*;
use crate::internals::{Demarche, Federation, probe_federations_every, use_federation_at};
use crate::peers::{FederationPeer, test_login};

const CLIENT: &str = "demarche-racontee";
const SECRET: &str = "demarche-racontee-secret-0123456789";
const NAME: &str = "Aide au logement étudiant";
/// Where the démarche is: nothing listens there, the browser scripts
/// answer it (not port 9: Chromium refuses to follow a redirect there).
const DEMARCHE_AT: &str = "http://127.0.0.1:49151/";
const REDIRECT: &str = "http://127.0.0.1:49151/callback";
const AFTER_LOGOUT: &str = DEMARCHE_AT;

fn demarche() -> Demarche {
    Demarche::confidential(CLIENT, SECRET, NAME, REDIRECT).after_logout(AFTER_LOGOUT)
}

fn authorize(extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "etat-raconte"),
        ("nonce", "nonce-raconte"),
    ];
    params.extend_from_slice(extra);
    authorize_path(&params)
}

/// `federation`'s status as `/federations` shows it (`up`, `down`…).
async fn status(app: &TestApp, federation: Federation) -> Option<String> {
    let doc = app.page("/federations", StatusCode::OK).await;
    attr(&doc, &format!("#status-{}", federation.id()), "data-status")
}

#[tokio::test]
async fn the_only_service_found_down_is_momentarily_unavailable_with_a_retry_keeping_the_demarche()
{
    let app = Portal::new()
        .settings(|s| {
            // Nothing listens on port 9: the probe finds FranceConnect down.
            use_federation_at(s, Federation::FranceConnect, "http://127.0.0.1:9/api/v2");
            probe_federations_every(s, 1);
        })
        .demarche(demarche())
        .start()
        .await;
    eventually(
        "FranceConnect found down",
        Duration::from_secs(60),
        || async { status(&app, Federation::FranceConnect).await.as_deref() == Some("down") },
    )
    .await;
    run_browser_script(
        "told.mjs",
        &app.address,
        &[
            ("SCENARIO", "outage-choice"),
            ("DEMARCHE_NAME", NAME),
            ("DEMARCHE_AT", DEMARCHE_AT),
            ("AUTHORIZE", &authorize(&[("population", "particulier")])),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_button_pressed_after_its_service_went_down_gets_the_portals_outage_page() {
    let portal = Portal::new();
    let peer = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    // The probe saw it up at start and will not look again for an hour.
    let app = portal
        .federation(&peer)
        .settings(|s| probe_federations_every(s, 3600))
        .start()
        .await;
    eventually("FranceConnect seen up", Duration::from_secs(30), || async {
        status(&app, Federation::FranceConnect).await.as_deref() == Some("up")
    })
    .await;
    drop(peer);
    // Past the moment its last answer vouches for it (5 s): the portal
    // asks it again at the click, and finds it gone.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(
        status(&app, Federation::FranceConnect).await.as_deref(),
        Some("up"),
        "the probe has not noticed"
    );
    run_browser_script("told.mjs", &app.address, &[("SCENARIO", "outage-race")]).await;
}

#[tokio::test]
async fn a_step_up_from_eidas1_says_what_is_asked_and_why_with_the_button_and_the_way_back() {
    let portal = Portal::new().demarche(demarche());
    let fc = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    let fc_plus = FederationPeer::start(Federation::FranceConnectPlus, portal.socket()).await;
    let app = portal.federation(&fc).federation(&fc_plus).start().await;
    run_browser_script(
        "told.mjs",
        &app.address,
        &[
            ("SCENARIO", "step-up"),
            ("DEMARCHE_NAME", NAME),
            ("DEMARCHE_AT", DEMARCHE_AT),
            ("AUTHORIZE", &authorize(&[("idp_hint", "franceconnect")])),
            ("AUTHORIZE_EIDAS2", &authorize(&[("acr_values", "eidas2")])),
            ("LOGIN", test_login(Federation::FranceConnect)),
        ],
    )
    .await;
}

#[tokio::test]
async fn back_and_cancel_lead_back_to_the_demarche_and_logout_with_nobody_says_so() {
    let portal = Portal::new().demarche(demarche());
    let fc = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    let pc = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal.federation(&fc).federation(&pc).start().await;
    let logout = format!(
        "/oidc/logout?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("client_id", CLIENT),
                ("post_logout_redirect_uri", AFTER_LOGOUT),
                ("state", "etat-deconnexion"),
            ])
            .finish()
    );
    run_browser_script(
        "told.mjs",
        &app.address,
        &[
            ("SCENARIO", "back-cancel"),
            ("DEMARCHE_NAME", NAME),
            ("DEMARCHE_AT", DEMARCHE_AT),
            ("AUTHORIZE", &authorize(&[])),
            ("LOGIN", test_login(Federation::FranceConnect)),
            ("LOGOUT", &logout),
            ("POST_LOGOUT", AFTER_LOGOUT),
        ],
    )
    .await;
}
