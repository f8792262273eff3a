//! The organisation behind a ProConnect SIRET (scope `organisation`):
//! `oidc-provider` plays ProConnect (its test agent works for the commune
//! whose SIRET is 21340126800130), `tests/support/sirene.mjs` plays the
//! company directory, the démarche asks and reads its tokens over HTTP.

use super::*;
use crate::directory::Sirene;
use crate::internals::Federation;
use crate::login::log_in;
use crate::peers::{FederationPeer, test_login};

/// The ProConnect test agent's SIRET (`tests/support/federation.mjs`),
/// in the directory as a commune (`tests/fixtures/sirene/local-authority.json`).
const AGENT_SIRET: &str = "21340126800130";

/// The portal with ProConnect and the directory at `directory_url`.
async fn portal_with_directory(directory_url: &str) -> (TestApp, FederationPeer) {
    let portal = Portal::new().demarches(demarches());
    let peer = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal
        .federation(&peer)
        .directory(directory_url, 2_000)
        .start()
        .await;
    (app, peer)
}

/// The démarche's request through ProConnect with `scope`, logging in at
/// the federation when `login` is given; its ID token's claims (checked
/// with the JWKS) and userinfo's.
async fn claims_for_scope(
    app: &TestApp,
    scope: &str,
    login: Option<&str>,
) -> (serde_json::Value, serde_json::Value) {
    let params = standard(CLIENT, &[("idp_hint", "proconnect"), ("scope", scope)]);
    let back = journey(&app.client, &authorize_url(app, &params), login).await;
    let code = back.query()["code"].clone();
    let body = tokens(app, &code, (CLIENT, SECRET)).await;
    let id_token = verify_with_jwks(app, body["id_token"].as_str().unwrap()).await;
    let res = userinfo(app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    (id_token, res.json().await.unwrap())
}

#[tokio::test]
async fn a_demarche_asking_scope_organisation_gets_the_commune_behind_the_agent_s_siret() {
    let sirene = Sirene::start(&[]).await;
    let (app, _peer) = portal_with_directory(&sirene.base_url).await;

    let (id_token, userinfo) = claims_for_scope(
        &app,
        "openid profile email organisation",
        Some(test_login(Federation::ProConnect)),
    )
    .await;
    for claims in [&id_token, &userinfo] {
        let organisation = &claims["organisation"];
        assert_eq!(organisation["siret"], AGENT_SIRET, "{claims}");
        assert_eq!(organisation["siren"], "213401268");
        assert_eq!(organisation["name"], "COMMUNE DE LAMALOU LES BAINS");
        assert_eq!(organisation["local_authority"], true);
        assert_eq!(organisation["public_body"], true);
        assert_eq!(organisation["active"], true);
    }
    // The federation's own claim is passed on beside it, at userinfo.
    assert_eq!(userinfo["siret"], AGENT_SIRET);
    assert_eq!(
        sirene.queries().await.len(),
        1,
        "one lookup for the login, its answer reused for both tokens"
    );

    // The same session, a request without the scope: no organisation.
    let (id_token, userinfo) = claims_for_scope(&app, "openid profile email", None).await;
    assert!(id_token.get("organisation").is_none(), "{id_token}");
    assert!(userinfo.get("organisation").is_none(), "{userinfo}");
    assert_eq!(userinfo["siret"], AGENT_SIRET);

    // Another login with the same SIRET, in another browser: the claim
    // again, from the portal's store, the directory not asked.
    let elsewhere = app.in_another_browser();
    let (id_token, _) = claims_for_scope(
        &elsewhere,
        "openid organisation",
        Some(test_login(Federation::ProConnect)),
    )
    .await;
    assert_eq!(id_token["organisation"]["siret"], AGENT_SIRET);
    assert_eq!(sirene.queries().await.len(), 1, "the day's answer reused");
}

#[tokio::test]
async fn a_directory_that_does_not_answer_costs_the_claim_never_the_login() {
    // Nothing listens on port 9.
    let (app, _peer) = portal_with_directory("http://127.0.0.1:9").await;
    let (id_token, userinfo) = claims_for_scope(
        &app,
        "openid profile email organisation",
        Some(test_login(Federation::ProConnect)),
    )
    .await;
    assert_eq!(id_token["idp"], "proconnect");
    assert!(id_token.get("organisation").is_none(), "{id_token}");
    assert!(userinfo.get("organisation").is_none(), "{userinfo}");
    assert_eq!(userinfo["siret"], AGENT_SIRET);
}

#[tokio::test]
async fn a_directory_that_is_too_slow_is_given_up_within_its_timeout() {
    let sirene = Sirene::start(&["--delay-ms", "5000"]).await;
    let (app, _peer) = portal_with_directory(&sirene.base_url).await;
    let started = std::time::Instant::now();
    let (id_token, _) = claims_for_scope(
        &app,
        "openid organisation",
        Some(test_login(Federation::ProConnect)),
    )
    .await;
    assert!(id_token.get("organisation").is_none(), "{id_token}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the login did not wait for the directory's 5 s"
    );
}

#[tokio::test]
async fn the_account_page_shows_the_organisation_the_directory_names() {
    let sirene = Sirene::start(&[]).await;
    let (app, _peer) = portal_with_directory(&sirene.base_url).await;
    let (res, _) = log_in(&app, Federation::ProConnect).await;
    assert_eq!(res.url().path(), "/compte");
    let doc = html(res).await;
    let shown = text_of(&doc, "#identity-organisation");
    assert!(shown.contains("COMMUNE DE LAMALOU LES BAINS"), "{shown}");
    assert!(shown.contains(&format!("SIRET {AGENT_SIRET}")), "{shown}");
    assert!(shown.contains("collectivité territoriale"), "{shown}");
}

#[tokio::test]
async fn the_chooser_tells_the_person_what_the_demarche_receives_besides_their_identity() {
    let (app, _peer) = portal_with_directory("http://127.0.0.1:9").await;
    let choice_page = |scope: &'static str| {
        let app = &app;
        async move {
            let mut params = standard(CLIENT, &[("scope", scope)]);
            params.retain(|(k, _)| *k != "idp_hint");
            let res = app.authorize(&params).await;
            let home = location(&res).to_owned();
            let demande = home.trim_start_matches("/?demande=").to_owned();
            app.page(
                &format!("/choix/agent-etat?demande={demande}"),
                StatusCode::OK,
            )
            .await
        }
    };
    let doc = choice_page("openid profile organisation").await;
    let said = text_of(&doc, "#data-asked");
    assert!(
        said.contains("En plus de votre identité, Démarche d’exemple recevra"),
        "{said}"
    );
    assert!(
        text_of(&doc, "#data-asked li[data-scope=organisation]")
            .contains("selon l’Annuaire des entreprises"),
        "{said}"
    );
    // Nothing asked besides the identity: nothing said.
    let doc = choice_page("openid profile email").await;
    assert!(select(&doc, "#data-asked").is_empty());
}

/// The release rule (the claim for scope `organisation` only) holds on
/// `/oidc/reprise` too: a request parked at the chooser, the person logged
/// in at ProConnect from the portal itself, then the request resumed.
#[tokio::test]
async fn a_request_resumed_after_a_login_gets_the_claim_only_for_its_scope() {
    let sirene = Sirene::start(&[]).await;
    let (app, _peer) = portal_with_directory(&sirene.base_url).await;
    let parked = |scope: &'static str| {
        let app = &app;
        async move {
            let mut params = standard(CLIENT, &[("scope", scope)]);
            params.retain(|(k, _)| *k != "idp_hint");
            let res = app.authorize(&params).await;
            location(&res).trim_start_matches("/?demande=").to_owned()
        }
    };
    let with_scope = parked("openid profile organisation").await;
    let without = parked("openid profile").await;
    // Logged in from the portal's own button, for no démarche.
    let (res, _) = log_in(&app, Federation::ProConnect).await;
    assert_eq!(res.url().path(), "/compte");
    for (demande, released) in [(with_scope, true), (without, false)] {
        let res = app.get(&format!("/oidc/reprise/{demande}")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let code = query_of(location(&res))["code"].clone();
        let body = tokens(&app, &code, (CLIENT, SECRET)).await;
        let id_token = verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
        assert_eq!(
            id_token.get("organisation").is_some(),
            released,
            "{id_token}"
        );
        if released {
            assert_eq!(id_token["organisation"]["siret"], AGENT_SIRET);
        }
    }
}
