//! Levels of assurance end to end, with real `oidc-provider` federations
//! (tests/support/federation.mjs): step-up, `prompt=none`, `max_age`,
//! `login_hint`, and FranceConnect+ (ES256 tokens encrypted for the key
//! the portal publishes) through the chooser.

use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::internals::{Demarche, Federation, unix_now};
use crate::peers::{FederationPeer, test_login};

const CLIENT: &str = "demarche-niveaux";
const SECRET: &str = "demarche-niveaux-secret-0123456789";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// The démarche asking for levels (registered without a post-logout URI).
pub fn demarche() -> Demarche {
    Demarche::confidential(CLIENT, SECRET, "Démarche sensible", REDIRECT)
}

/// The portal with one real federation per `federations`, and the démarche.
pub struct WithPeers {
    pub app: TestApp,
    pub peers: Vec<FederationPeer>,
}

pub async fn portal(federations: &[Federation]) -> WithPeers {
    let mut portal = Portal::new().demarche(demarche());
    let mut peers = Vec::new();
    for f in federations {
        peers.push(FederationPeer::start(*f, portal.socket()).await);
    }
    for p in &peers {
        portal = portal.federation(p);
    }
    let app = portal.start().await;
    WithPeers { app, peers }
}

/// `/oidc/authorize` for the démarche, with `extra` parameters.
fn authorize(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "etat-niveaux"),
        ("nonce", "nonce-niveaux"),
    ];
    params.extend_from_slice(extra);
    app.url(&authorize_path(&params))
}

/// The browser of `app` sends the démarche's authorization request.
async fn ask(app: &TestApp, extra: &[(&str, &str)]) -> reqwest::Response {
    app.client.get(authorize(app, extra)).send().await.unwrap()
}

/// The first login of a test: straight to `federation` (`idp_hint`).
async fn first_login(app: &TestApp, federation: Federation) -> Journey {
    logging_in_at(
        app,
        &authorize(app, &[("idp_hint", federation.id())]),
        federation,
    )
    .await
}

/// The browser of `app` from `url` back to the démarche, logging in at
/// `federation`'s form whenever it shows.
async fn logging_in_at(app: &TestApp, url: &str, federation: Federation) -> Journey {
    journey(&app.client, url, Some(test_login(federation))).await
}

/// The démarche's tokens for the code the journey brought back.
async fn tokens(app: &TestApp, journey: &Journey) -> Value {
    let q = journey.query();
    let code = q
        .get("code")
        .unwrap_or_else(|| panic!("a code in {}", journey.back));
    let res = reqwest::Client::new()
        .post(app.url("/oidc/token"))
        .basic_auth(CLIENT, Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The ID token's claims (its signature is checked in op.rs).
fn id_claims(tokens: &Value) -> Value {
    let jwt = tokens["id_token"].as_str().unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn a_step_up_from_eidas1_to_eidas2_logs_in_again_at_franceconnect_plus() {
    let p = portal(&[Federation::FranceConnect, Federation::FranceConnectPlus]).await;
    let app = &p.app;
    let first = first_login(app, Federation::FranceConnect).await;
    assert_eq!(first.forms, 1);
    let low = id_claims(&tokens(app, &first).await);
    assert_eq!(
        (low["acr"].as_str(), low["idp"].as_str()),
        (Some("eidas1"), Some("franceconnect"))
    );
    // The same browser, a démarche asking eidas2: no code from the
    // eidas1 session, straight to FranceConnect+ for that level.
    let second = logging_in_at(
        app,
        &authorize(app, &[("acr_values", "eidas2")]),
        Federation::FranceConnectPlus,
    )
    .await;
    assert_eq!(second.to_federations.len(), 1, "{second:?}");
    let asked = second.asked();
    assert!(
        second.to_federations[0]
            .as_str()
            .starts_with(&p.peers[1].issuer)
    );
    assert_eq!(asked["acr_values"], "eidas2");
    assert_eq!(asked["prompt"], "login", "no single sign-on at eidas2");
    assert_eq!(second.forms, 1, "a new login at the federation");
    let high = id_claims(&tokens(app, &second).await);
    assert_eq!(high["acr"], "eidas2");
    assert_eq!(high["idp"], "franceconnect-plus");
    assert_eq!(high["given_name"], "Angela Claire Louise");
    // eidas2 is never answered from the session, not even right after.
    let third = logging_in_at(
        app,
        &authorize(app, &[("acr_values", "eidas2")]),
        Federation::FranceConnectPlus,
    )
    .await;
    assert_eq!(third.forms, 1, "every eidas2 request is a new login");
}

#[tokio::test]
async fn a_step_up_at_proconnect_asks_it_for_the_higher_level_with_the_claims_parameter() {
    let p = portal(&[Federation::ProConnect]).await;
    let app = &p.app;
    let first = first_login(app, Federation::ProConnect).await;
    assert_eq!(id_claims(&tokens(app, &first).await)["acr"], "eidas1");
    let claims = r#"{"id_token":{"acr":{"essential":true,"values":["eidas2"]}}}"#;
    let second = logging_in_at(
        app,
        &authorize(app, &[("claims", claims)]),
        Federation::ProConnect,
    )
    .await;
    let asked: Value = serde_json::from_str(&second.asked()["claims"]).unwrap();
    assert_eq!(
        asked["id_token"]["acr"]["values"],
        serde_json::json!(["eidas2"])
    );
    assert_eq!(second.forms, 1, "logged in again");
    assert_eq!(id_claims(&tokens(app, &second).await)["acr"], "eidas2");
}

#[tokio::test]
async fn prompt_none_needing_a_higher_level_answers_login_required() {
    let p = portal(&[Federation::FranceConnect, Federation::FranceConnectPlus]).await;
    let app = &p.app;
    first_login(app, Federation::FranceConnect).await;
    for extra in [
        vec![("acr_values", "eidas2"), ("prompt", "none")],
        vec![
            (
                "claims",
                r#"{"id_token":{"acr":{"essential":true,"value":"eidas3"}}}"#,
            ),
            ("prompt", "none"),
        ],
    ] {
        let res = ask(app, &extra).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let back = location(&res);
        assert!(back.starts_with(REDIRECT), "{back}");
        let q = query_of(back);
        assert_eq!(q["error"], "login_required", "{extra:?}");
        assert_eq!(q["state"], "etat-niveaux");
        assert!(!q.contains_key("code"));
    }
    // The eidas1 session still answers an eidas1 request silently.
    let res = ask(app, &[("acr_values", "eidas1"), ("prompt", "none")]).await;
    assert!(location(&res).contains("code="), "{}", location(&res));
}

#[tokio::test]
async fn max_age_0_forces_a_new_login_at_the_federation_and_auth_time_is_the_new_one() {
    let p = portal(&[Federation::FranceConnect]).await;
    let app = &p.app;
    let first = first_login(app, Federation::FranceConnect).await;
    let first_claims = id_claims(&tokens(app, &first).await);
    // Without max_age: single sign-on, no form.
    let sso = logging_in_at(app, &authorize(app, &[]), Federation::FranceConnect).await;
    assert_eq!((sso.forms, sso.to_federations.len()), (0, 0));
    assert_eq!(
        id_claims(&tokens(app, &sso).await)["auth_time"],
        first_claims["auth_time"],
        "the federation's auth_time, not the code's time"
    );
    // The federation counts auth_time in seconds on its own (real) clock:
    // the new login is in a later second than the first.
    let first_time = first_claims["auth_time"].as_i64().unwrap();
    eventually(
        "the federation's clock past the first login's second",
        std::time::Duration::from_secs(2),
        || async { unix_now() > first_time },
    )
    .await;
    let before = unix_now();
    let fresh = logging_in_at(
        app,
        &authorize(app, &[("max_age", "0")]),
        Federation::FranceConnect,
    )
    .await;
    assert_eq!(fresh.asked()["prompt"], "login");
    assert_eq!(fresh.forms, 1, "the federation's form again");
    let claims = id_claims(&tokens(app, &fresh).await);
    let auth_time = claims["auth_time"].as_i64().unwrap();
    assert!(
        auth_time >= before && auth_time > first_claims["auth_time"].as_i64().unwrap(),
        "auth_time {auth_time} is the new login's (after {before})"
    );
}

#[tokio::test]
async fn a_login_hint_naming_someone_else_is_not_answered_from_the_session() {
    let p = portal(&[Federation::ProConnect]).await;
    let app = &p.app;
    first_login(app, Federation::ProConnect).await;
    let other = "marie.curie@test.proconnect.gouv.fr";
    // prompt=none: the session is someone else's.
    let res = ask(app, &[("login_hint", other), ("prompt", "none")]).await;
    assert!(
        location(&res).contains("error=login_required"),
        "{}",
        location(&res)
    );
    // Otherwise: a new login at ProConnect, for that person.
    let res = ask(app, &[("login_hint", other)]).await;
    let to = location(&res);
    assert!(to.starts_with(&p.peers[0].issuer), "{to}");
    let q = query_of(to);
    assert_eq!(q["login_hint"], other);
    assert_eq!(q["prompt"], "login");
    // The session's own e-mail, whatever its case: answered at once.
    let res = ask(
        app,
        &[
            ("login_hint", "Jean.Michel@TEST.proconnect.gouv.fr"),
            ("prompt", "none"),
        ],
    )
    .await;
    assert!(location(&res).contains("code="), "{}", location(&res));
}

#[tokio::test]
async fn franceconnect_plus_logs_in_through_the_chooser_with_encrypted_tokens() {
    let p = portal(&[Federation::FranceConnect, Federation::FranceConnectPlus]).await;
    let app = &p.app;
    // The published encryption key: what the federation encrypts for.
    let jwks: Value = app.get("/federations/jwks").await.json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["use"].as_str(), key["alg"].as_str()),
        (Some("enc"), Some("RSA-OAEP"))
    );
    assert!(key.get("d").is_none(), "no private part");
    // Without a démarche asking for it, citizens see FranceConnect only.
    let doc = app.page("/choix/particulier", StatusCode::OK).await;
    assert!(select(&doc, "form[action='/connexion/franceconnect-plus']").is_empty());
    assert!(select(&doc, "#franceconnect-plus-needs").is_empty());
    // A démarche asking eidas2: FranceConnect+ instead, with what it needs.
    let res = ask(
        app,
        &[("acr_values", "eidas2"), ("population", "particulier")],
    )
    .await;
    let choice = location(&res).to_owned();
    assert!(
        choice.starts_with("/choix/particulier?demande="),
        "{choice}"
    );
    let res = app.get(&choice).await;
    let url = res.url().clone();
    let doc = html(res).await;
    assert!(select(&doc, "form[action='/connexion/franceconnect']").is_empty());
    let button = "form[action='/connexion/franceconnect-plus'] button.fr-connect.fr-connect--plus";
    // The "+" drawn by the DSFR is hidden from assistive technologies; the
    // brand is read from a hidden copy with it (the accessible name is
    // checked in Chromium, levels.mjs).
    assert_eq!(
        text_of(
            &doc,
            &format!("{button} .fr-connect__brand [aria-hidden=true]")
        ),
        "FranceConnect"
    );
    assert_eq!(
        text_of(&doc, &format!("{button} .fr-connect__brand .fr-sr-only")),
        "FranceConnect+"
    );
    // eidas2 is the substantial level (eIDAS), not the high one.
    let needs = text_of(&doc, "#franceconnect-plus-needs");
    assert!(needs.contains("France Identité"), "{needs}");
    assert!(
        needs.contains("le niveau de garantie substantiel") && !needs.contains("élevé"),
        "{needs}"
    );
    let why = text_of(&doc, "#federation-franceconnect-plus");
    assert!(why.contains("substantiel ou élevé"), "{why}");
    let res = submit_form(
        &app.client,
        &url,
        &doc,
        "form[action='/connexion/franceconnect-plus']",
        &[],
    )
    .await;
    let done = journey_from(
        &app.client,
        res,
        Some(test_login(Federation::FranceConnectPlus)),
    )
    .await;
    assert_eq!(done.asked()["acr_values"], "eidas2");
    let tokens = tokens(app, &done).await;
    let claims = id_claims(&tokens);
    assert_eq!(claims["idp"], "franceconnect-plus");
    assert_eq!(claims["acr"], "eidas2");
    assert_eq!(claims["family_name"], "DUBOIS");
    let info: Value = reqwest::Client::new()
        .get(app.url("/oidc/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        info["birthdate"], "1962-08-24",
        "from the encrypted userinfo"
    );
    assert_eq!(info["acr"], "eidas2");
}

#[tokio::test]
async fn a_demarche_asking_eidas2_without_a_federation_able_to_give_it_gets_an_error() {
    let p = portal(&[Federation::FranceConnect]).await;
    let app = &p.app;
    // Only FranceConnect accepted: no federation can give eidas2.
    let socket_app = Portal::new()
        .demarche(demarche().accepting(&[Federation::FranceConnect]))
        .start()
        .await;
    let res = socket_app
        .client
        .get(authorize(&socket_app, &[("acr_values", "eidas2")]))
        .send()
        .await
        .unwrap();
    let back = location(&res);
    assert!(
        back.starts_with(REDIRECT) && back.contains("error=invalid_request"),
        "{back}"
    );
    // A FranceConnect button posted for an eidas2 request is refused.
    let res = ask(
        app,
        &[("acr_values", "eidas2"), ("population", "particulier")],
    )
    .await;
    let demande = location(&res).split("demande=").nth(1).unwrap().to_owned();
    let res = app
        .post_form("/connexion/franceconnect", &[("demande", demande.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        text_of(&html(res).await, "h1"),
        "Niveau de garantie non proposé par ce service"
    );
}
