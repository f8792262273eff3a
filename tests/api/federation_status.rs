//! The federations' status before the click: a real `oidc-provider`
//! federation stopped while the portal runs is shown unavailable on the
//! chooser and on `/federations` once the background probe (every second
//! here) has seen it, and available again once it is back. Pages only read
//! the last probe: polling is bounded, no page latency is asserted.

use std::time::Duration;

use reqwest::StatusCode;
use scraper::Html;

use crate::helpers::*;
use crate::internals::{Federation, probe_federations_every};
use crate::peers::FederationPeer;

const CHOICE: &str = "/choix/professionnel";
const PSC_FORM: &str = "form[action='/connexion/prosanteconnect']";

/// GETs `path` until `check` holds on the page (at most 60 s).
async fn page_until(app: &TestApp, path: &str, what: &str, check: impl Fn(&Html) -> bool) -> Html {
    let what = format!("{path} {what}");
    eventually(&what, Duration::from_secs(60), || async {
        let doc = app.page(path, StatusCode::OK).await;
        check(&doc).then_some(doc)
    })
    .await
}

fn status_of(doc: &Html, federation: &str) -> Option<String> {
    attr(doc, &format!("#status-{federation}"), "data-status")
}

/// Waits until nothing listens on `port` any more (the stopped process died).
async fn port_free(port: u16) {
    let what = format!("port {port} free");
    eventually(&what, Duration::from_secs(10), || async {
        std::net::TcpListener::bind(("127.0.0.1", port)).map(drop)
    })
    .await;
}

#[tokio::test]
async fn a_stopped_federation_is_shown_unavailable_then_available_again_once_restarted() {
    let portal = Portal::new();
    let pc = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let psc = FederationPeer::start(Federation::ProSanteConnect, portal.socket()).await;
    let psc_port = psc.port();
    let app = portal
        .federation(&pc)
        .federation(&psc)
        .settings(|s| probe_federations_every(s, 1))
        .start()
        .await;
    page_until(&app, "/federations", "shows Pro Santé Connect up", |d| {
        status_of(d, "prosanteconnect").as_deref() == Some("up")
    })
    .await;
    let doc = app.page(CHOICE, StatusCode::OK).await;
    assert_eq!(
        select(&doc, &format!("{PSC_FORM} button[type=submit]")).len(),
        1
    );

    drop(psc);
    let doc = page_until(&app, CHOICE, "shows Pro Santé Connect unavailable", |d| {
        !select(d, "#unavailable-prosanteconnect").is_empty()
    })
    .await;
    assert!(select(&doc, PSC_FORM).is_empty(), "no active button");
    assert_eq!(
        select(&doc, "#unavailable-prosanteconnect button[disabled]").len(),
        1
    );
    assert_eq!(
        text_of(&doc, "#unavailable-prosanteconnect-notice"),
        "Pro Santé Connect est momentanément indisponible. En attendant, vous pouvez utiliser ProConnect, proposé sur cette page."
    );
    assert_eq!(
        select(
            &doc,
            "form[action='/connexion/proconnect'] button[type=submit]"
        )
        .len(),
        1,
        "the alternative stays available"
    );
    let federations = app.page("/federations", StatusCode::OK).await;
    assert_eq!(
        status_of(&federations, "prosanteconnect").as_deref(),
        Some("down")
    );
    assert_eq!(status_of(&federations, "proconnect").as_deref(), Some("up"));
    // A button from a page shown earlier: a clear page, not a dead federation.
    let res = app.post("/connexion/prosanteconnect").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);

    port_free(psc_port).await;
    let port = psc_port.to_string();
    let _psc =
        FederationPeer::start_with(Federation::ProSanteConnect, &app, &["--port", &port]).await;
    page_until(
        &app,
        CHOICE,
        "shows Pro Santé Connect available again",
        |d| {
            select(d, "#unavailable-prosanteconnect").is_empty()
                && select(d, &format!("{PSC_FORM} button[type=submit]")).len() == 1
        },
    )
    .await;
}
