//! The federations' status before the click: a real `oidc-provider`
//! federation stopped while the portal runs is shown unavailable on the
//! chooser and on `/federations` once the background probe (every second
//! here) has seen it, and available again once it is back. Pages only read
//! the last probe: polling is bounded, no page latency is asserted.

use std::time::{Duration, Instant};

use aiguillage::domain::Federation;
use reqwest::StatusCode;
use scraper::Html;

use crate::helpers::*;
use crate::peers::FederationPeer;

const CHOICE: &str = "/choix/professionnel";
const PSC_FORM: &str = "form[action='/connexion/prosanteconnect']";

/// GETs `path` until `check` holds on the page (at most 60 s).
async fn page_until(app: &TestApp, path: &str, what: &str, check: impl Fn(&Html) -> bool) -> Html {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let doc = app.page(path, StatusCode::OK).await;
        if check(&doc) {
            return doc;
        }
        assert!(Instant::now() < deadline, "{path}: never {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn status_of(doc: &Html, federation: &str) -> Option<String> {
    attr(doc, &format!("#status-{federation}"), "data-status")
}

/// Waits until nothing listens on `port` any more (the stopped process died).
async fn port_free(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "port {port} still taken");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_stopped_federation_is_shown_unavailable_then_available_again_once_restarted() {
    let socket = AppSocket::bind();
    let pc = FederationPeer::start(Federation::ProConnect, &socket).await;
    let psc = FederationPeer::start(Federation::ProSanteConnect, &socket).await;
    let psc_port = psc.port();
    let app = spawn_app_on(socket.try_clone(), |s| {
        pc.configure(s);
        psc.configure(s);
        s.federation_probe.interval_seconds = 1;
    })
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

    port_free(psc_port as u16).await;
    let port = psc_port.to_string();
    let _psc =
        FederationPeer::start_with(Federation::ProSanteConnect, &socket, &["--port", &port]).await;
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
