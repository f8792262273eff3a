//! Logins against real OpenID providers (`oidc-provider` configured like
//! each federation), with a cookie-jar client playing the browser.

use std::collections::HashMap;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{Federation, post_logout_path, use_federation_at};
use crate::peers::{FederationPeer, log_in_at_form, refuse_at_form, test_login};

/// A portal wired to one federation peer.
pub struct LoginSetup {
    pub app: TestApp,
    pub peer: FederationPeer,
}

pub async fn setup(federation: Federation) -> LoginSetup {
    let portal = Portal::new();
    let peer = FederationPeer::start(federation, portal.socket()).await;
    let app = portal.federation(&peer).start().await;
    LoginSetup { app, peer }
}

/// Clicks the federation's button, returns the federation's login page
/// (its URL and document) and the authorization request's query.
pub async fn open_login_form(
    app: &TestApp,
    federation: Federation,
) -> (reqwest::Url, scraper::Html, HashMap<String, String>) {
    let res = app.post(&format!("/connexion/{}", federation.id())).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let query = query_of(location(&res));
    let (res, visited) = follow(&app.client, res).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "login form reached via {visited:#?}"
    );
    let url = res.url().clone();
    (
        url,
        scraper::Html::parse_document(&res.text().await.unwrap()),
        query,
    )
}

/// Logs in with the federation's test account, following every redirect
/// back to the portal; returns the final response and the authorization
/// request's query.
pub async fn log_in(
    app: &TestApp,
    federation: Federation,
) -> (reqwest::Response, HashMap<String, String>) {
    let (url, form, query) = open_login_form(app, federation).await;
    let res = log_in_at_form(&app.client, &url, &form, test_login(federation)).await;
    (follow(&app.client, res).await.0, query)
}

async fn assert_logged_in_page(
    res: reqwest::Response,
    federation: Federation,
    name: &str,
    acr: &str,
) -> scraper::Html {
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.url().path(), "/compte");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "#identity-name"), name);
    assert_eq!(
        attr(&doc, "#identity-federation", "data-federation").as_deref(),
        Some(federation.id())
    );
    assert_eq!(text_of(&doc, "#identity-acr"), acr);
    doc
}

#[tokio::test]
async fn franceconnect_login_checks_es256_id_token_and_signed_userinfo() {
    let s = setup(Federation::FranceConnect).await;
    // The authorization request carried what FranceConnect v2 requires.
    let (res, q) = log_in(&s.app, Federation::FranceConnect).await;
    assert_eq!(q["acr_values"], "eidas1");
    assert_eq!(q["response_type"], "code");
    assert!(
        q["nonce"].len() >= 43 && q["state"].len() >= 43,
        "32-byte nonce and state"
    );
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    let doc = assert_logged_in_page(
        res,
        Federation::FranceConnect,
        "Angela Claire Louise DUBOIS",
        "eidas1",
    )
    .await;
    // Federation-specific claims are kept raw, from the signed userinfo,
    // under their names in the page's language.
    assert_eq!(text_of(&doc, "[data-claim=birthdate]"), "1962-08-24");
    assert_eq!(
        text_of(&doc, "[data-claim-label=birthdate]"),
        "Date de naissance"
    );
    assert_eq!(text_of(&doc, "#identity-level"), "faible (eidas1)");
    // FranceConnect sends no amr here: no empty row.
    assert!(select(&doc, "#identity-amr").is_empty());
    for cell in select(&doc, "#identity td") {
        let text: String = cell.text().collect();
        assert!(!text.trim().is_empty(), "an empty row: {}", cell.html());
    }
}

#[tokio::test]
async fn proconnect_login_asks_acr_through_claims_and_maps_usual_name() {
    let s = setup(Federation::ProConnect).await;
    let (res, q) = log_in(&s.app, Federation::ProConnect).await;
    let claims: serde_json::Value = serde_json::from_str(&q["claims"]).unwrap();
    assert_eq!(claims["id_token"]["acr"]["essential"], true);
    assert_eq!(
        claims["id_token"]["acr"]["values"],
        serde_json::json!(["eidas1"])
    );
    assert!(
        !q.contains_key("acr_values"),
        "ProConnect's acr goes through claims"
    );
    assert_eq!(
        q["code_challenge_method"], "S256",
        "PKCE where discovery advertises it"
    );
    for scope in [
        "openid",
        "given_name",
        "usual_name",
        "email",
        "uid",
        "siret",
    ] {
        assert!(q["scope"].split(' ').any(|s| s == scope), "scope {scope}");
    }
    let doc = assert_logged_in_page(res, Federation::ProConnect, "Jean Michel", "eidas1").await;
    assert_eq!(
        text_of(&doc, "#identity-email"),
        "jean.michel@test.proconnect.gouv.fr"
    );
    assert_eq!(text_of(&doc, "[data-claim=siret]"), "21340126800130");
    assert_eq!(text_of(&doc, "[data-claim=uid]"), "1");
    // Named for people, not by the claims' raw names.
    let labels: Vec<String> = select(&doc, "#identity tbody th")
        .iter()
        .map(|th| th.text().collect::<String>())
        .collect();
    for raw in ["uid", "siret", "idp_id", "amr", "acr", "sub"] {
        assert!(
            !labels
                .iter()
                .any(|l| l == raw || l.contains(&format!("({raw})"))),
            "{raw} shown raw: {labels:?}"
        );
    }
    assert_eq!(
        text_of(&doc, "[data-claim-label=siret]"),
        "Numéro SIRET de votre organisation"
    );
    assert_eq!(
        text_of(&doc, "[data-claim-label=uid]"),
        "Identifiant dans votre organisation"
    );
    if !select(&doc, "[data-claim=idp_id]").is_empty() {
        assert_eq!(
            text_of(&doc, "[data-claim-label=idp_id]"),
            "Identifiant de votre fournisseur d’identité"
        );
    }
    let doc = s.app.page("/compte?lang=en", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "[data-claim-label=siret]"),
        "Your organization's SIRET number"
    );
    assert_eq!(text_of(&doc, "#identity-level"), "low (eidas1)");
}

#[tokio::test]
async fn prosanteconnect_login_uses_scope_all_and_keeps_subject_ref_pro() {
    let s = setup(Federation::ProSanteConnect).await;
    let (res, q) = log_in(&s.app, Federation::ProSanteConnect).await;
    assert_eq!(q["scope"], "openid scope_all");
    assert_eq!(q["acr_values"], "eidas1");
    let doc = assert_logged_in_page(res, Federation::ProSanteConnect, "Paul DOC", "eidas1").await;
    assert_eq!(text_of(&doc, "[data-claim=SubjectNameID]"), "899700218896");
    assert_eq!(
        text_of(&doc, "[data-claim-label=SubjectNameID]"),
        "Identifiant national (RPPS ou ADELI)"
    );
    assert!(text_of(&doc, "[data-claim=SubjectRefPro]").contains("\"codeProfession\":\"10\""));
}

#[tokio::test]
async fn the_session_id_changes_at_login() {
    let s = setup(Federation::ProConnect).await;
    let res = s.app.post("/connexion/proconnect").await;
    let before: Vec<String> = set_cookies(&res)
        .into_iter()
        .filter(|c| c.starts_with("aiguillage_session="))
        .collect();
    assert_eq!(
        before.len(),
        1,
        "a session cookie for the login transaction"
    );
    assert!(
        before[0].contains("HttpOnly") && before[0].contains("SameSite=Lax"),
        "{}",
        before[0]
    );
    let (url, form) = {
        let (res, _) = follow(&s.app.client, res).await;
        let url = res.url().clone();
        (
            url,
            scraper::Html::parse_document(&res.text().await.unwrap()),
        )
    };
    let login = test_login(Federation::ProConnect);
    let mut res = log_in_at_form(&s.app.client, &url, &form, login).await;
    // Walk to the portal's callback and look at its cookie.
    while !res.url().as_str().starts_with(&s.app.address) {
        let next = res.url().join(location(&res)).unwrap();
        res = s.app.client.get(next).send().await.unwrap();
    }
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "callback answers with a redirect"
    );
    let after: Vec<String> = set_cookies(&res)
        .into_iter()
        .filter(|c| c.starts_with("aiguillage_session="))
        .collect();
    assert_eq!(after.len(), 1, "a new session cookie at login");
    assert_ne!(
        before[0].split(';').next(),
        after[0].split(';').next(),
        "session id renewed (no fixation)"
    );
}

#[tokio::test]
async fn refusing_at_the_federation_shows_a_page_to_retry_or_choose_another() {
    let s = setup(Federation::FranceConnect).await;
    let (url, form, _) = open_login_form(&s.app, Federation::FranceConnect).await;
    let res = refuse_at_form(&s.app.client, &url, &form).await;
    let (res, _) = follow(&s.app.client, res).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion annulée");
    assert!(
        !select(&doc, "form[action=\"/connexion/franceconnect\"] button").is_empty(),
        "retry button"
    );
    assert_eq!(
        attr(&doc, "main a.fr-btn", "href").as_deref(),
        Some("/"),
        "choose another federation"
    );
    // Nobody is logged in.
    assert_not_logged_in(&s.app).await;
}

#[tokio::test]
async fn logout_goes_through_the_federation_and_checks_the_returned_state() {
    for federation in [Federation::FranceConnect, Federation::ProConnect] {
        let s = setup(federation).await;
        let (res, _) = log_in(&s.app, federation).await;
        assert_eq!(res.status(), StatusCode::OK);
        // A link asks first; the confirmation form logs out.
        let res = s.app.get("/deconnexion").await;
        assert_eq!(res.status(), StatusCode::OK);
        let url = res.url().clone();
        let doc = html(res).await;
        let res = submit_form(&s.app.client, &url, &doc, "#logout-form", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let end = location(&res);
        assert!(end.starts_with(&s.peer.issuer), "to the federation: {end}");
        let q = query_of(end);
        assert!(q.contains_key("id_token_hint") && q["state"].len() >= 43);
        assert_eq!(
            q["post_logout_redirect_uri"],
            format!("{}{}", s.app.address, post_logout_path(federation))
        );
        let (res, visited) = follow(&s.app.client, res).await;
        assert_eq!(res.status(), StatusCode::OK, "{visited:#?}");
        let doc = html(res).await;
        assert_eq!(text_of(&doc, "h1"), "Déconnexion effectuée");
        assert!(
            text_of(&doc, "#logged-out").contains(federation.brand()),
            "federation logout confirmed"
        );
        // The local session is gone, and the state cannot be replayed.
        assert_not_logged_in(&s.app).await;
        let replay = s
            .app
            .client
            .get(visited.last().unwrap())
            .send()
            .await
            .unwrap();
        if federation == Federation::FranceConnect {
            assert_eq!(
                replay.status(),
                StatusCode::BAD_REQUEST,
                "a state is used once"
            );
        }
    }
}

#[tokio::test]
async fn a_federation_that_is_down_gets_a_clear_page_quickly_and_others_keep_working() {
    // A port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let portal = Portal::new();
    let peer = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let nowhere = format!("http://127.0.0.1:{closed}/api/v2");
    let app = portal
        .federation(&peer)
        .settings(|s| use_federation_at(s, Federation::FranceConnect, &nowhere))
        .start()
        .await;
    let started = std::time::Instant::now();
    let res = app.post("/connexion/franceconnect").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "h1"),
        "Service de connexion momentanément indisponible"
    );
    // The chooser and the other federation still work.
    assert_eq!(app.get("/choix/particulier").await.status(), StatusCode::OK);
    let (res, _) = log_in(&app, Federation::ProConnect).await;
    assert_eq!(res.url().path(), "/compte");
}
