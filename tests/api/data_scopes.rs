//! The data a démarche needs (README "The data a démarche needs, not only
//! who"): data scopes asked through the portal, the federation's token
//! given by token exchange (RFC 8693) only when it should be, kept sealed;
//! `siret_hint` passed on to ProConnect.
//!
//! FranceConnect is `oidc-provider` (`federation.mjs`, which knows
//! `dgfip_rfr`), with `data-provider.mjs` checking the tokens it is shown at
//! FranceConnect's introspection endpoint: what a démarche gets is proved
//! by the data provider's answer, not by reading the portal's store.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{Demarche, Federation};
use crate::op::{
    BYE, CLIENT, OTHER, OTHER_SECRET, REDIRECT, SECRET, authorize_url, exchange, standard,
    token_error, tokens, userinfo,
};
use crate::peers::{DataProvider, FederationPeer, test_login};
use crate::redis_server::{RedisServer, raw};

const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
/// A démarche that may ask no data.
const WITHOUT_DATA: &str = "demarche-sans-donnees";
const WITHOUT_DATA_SECRET: &str = "sans-donnees-secret-0123456789";
/// The revenu fiscal de référence `data-provider.mjs` knows for `angela`.
const ANGELAS_RFR: i64 = 12345;

/// [`CLIENT`] and [`OTHER`] may ask FranceConnect's `dgfip_rfr`;
/// [`WITHOUT_DATA`] no data scope.
fn demarches() -> [Demarche; 3] {
    [
        Demarche::confidential(CLIENT, SECRET, "Aide au logement", REDIRECT)
            .after_logout(BYE)
            .with_data_scopes(Federation::FranceConnect, &["dgfip_rfr"]),
        Demarche::confidential(OTHER, OTHER_SECRET, "Bourse", REDIRECT)
            .after_logout(BYE)
            .with_data_scopes(Federation::FranceConnect, &["dgfip_rfr"]),
        Demarche::confidential(WITHOUT_DATA, WITHOUT_DATA_SECRET, "Sans données", REDIRECT)
            .after_logout(BYE),
    ]
}

struct Setup {
    app: TestApp,
    data: DataProvider,
    _fc: FederationPeer,
}

/// FranceConnect (`fc_extra`: more arguments for `federation.mjs`), its
/// data provider, and `portal` with the démarches.
async fn setup(portal: Portal, fc_extra: &[&str]) -> Setup {
    let fc = FederationPeer::with_data_provider(portal.socket(), fc_extra).await;
    let data = DataProvider::start(&fc).await;
    let app = portal.federation(&fc).demarches(demarches()).start().await;
    Setup { app, data, _fc: fc }
}

/// `scope` asked by [`CLIENT`] (FranceConnect hinted): the way back to the
/// démarche in the portal's browser, logging in at FranceConnect's form
/// when it shows.
async fn log_in(app: &TestApp, scope: &str) -> Journey {
    let params = standard(CLIENT, &[("scope", scope)]);
    journey(
        &app.client,
        &authorize_url(app, &params),
        Some(test_login(Federation::FranceConnect)),
    )
    .await
}

/// [`CLIENT`]'s tokens after a login asking `openid profile dgfip_rfr`.
async fn tokens_with_data(app: &TestApp) -> serde_json::Value {
    let back = log_in(app, "openid profile dgfip_rfr").await;
    tokens(app, &back.query()["code"], (CLIENT, SECRET)).await
}

/// A token exchange at the portal by `client`: `subject` (of
/// `subject_type`) for FranceConnect's access token.
async fn exchange_token(
    app: &TestApp,
    client: (&str, &str),
    subject: &str,
    subject_type: &str,
) -> reqwest::Response {
    let form = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", subject),
        ("subject_token_type", subject_type),
        ("requested_token_type", ACCESS_TOKEN),
        ("audience", "franceconnect"),
    ];
    exchange(app, &form, Some(client)).await
}

/// [`CLIENT`]'s exchange of its `access_token`, expected to succeed:
/// FranceConnect's token.
async fn franceconnect_token(app: &TestApp, access_token: &str) -> String {
    let res = exchange_token(app, (CLIENT, SECRET), access_token, ACCESS_TOKEN).await;
    assert_eq!(res.status(), StatusCode::OK, "the exchange is granted");
    let body: serde_json::Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// The exchange of `subject` by `client` is refused with `error` (status 400).
async fn assert_refused(
    app: &TestApp,
    client: (&str, &str),
    subject: &str,
    subject_type: &str,
    error: &str,
) {
    let res = exchange_token(app, client, subject, subject_type).await;
    assert_eq!(
        token_error(res).await,
        (StatusCode::BAD_REQUEST, error.to_owned())
    );
}

// ---------------------------------------------------------------------------
// What a démarche gets

#[tokio::test]
async fn a_demarche_exchanges_its_token_for_franceconnect_s_and_the_data_provider_answers_it() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let res = exchange_token(&s.app, (CLIENT, SECRET), access_token, ACCESS_TOKEN).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["issued_token_type"], ACCESS_TOKEN);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "dgfip_rfr", "only the data scopes");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!(
        (590..=600).contains(&expires_in),
        "FranceConnect's own lifetime (600 s), what is left of it: {expires_in}"
    );
    let fc_token = body["access_token"].as_str().unwrap();
    assert_ne!(fc_token, access_token);

    let res = s.data.data_for(fc_token).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "FranceConnect's token opens the data"
    );
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["rfr"], ANGELAS_RFR);
    // The portal's own token is no key to the data.
    let res = s.data.data_for(access_token).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_login_that_did_not_grant_the_data_scope_sends_the_person_to_franceconnect_again()
{
    let s = setup(Portal::new(), &[]).await;
    let first = log_in(&s.app, "openid profile").await;
    assert_eq!(first.forms, 1, "a login at FranceConnect");
    let tokens = tokens(&s.app, &first.query()["code"], (CLIENT, SECRET)).await;
    let refused = exchange_token(
        &s.app,
        (CLIENT, SECRET),
        tokens["access_token"].as_str().unwrap(),
        ACCESS_TOKEN,
    )
    .await;
    assert_eq!(
        token_error(refused).await,
        (StatusCode::BAD_REQUEST, "invalid_grant".to_owned()),
        "no data asked: no FranceConnect token to give"
    );

    let second = log_in(&s.app, "openid profile dgfip_rfr").await;
    assert_eq!(
        second.to_federations.len(),
        1,
        "FranceConnect asked again for the data scope: {:#?}",
        second.hops
    );
    let asked = second.asked();
    assert!(
        asked["scope"].split(' ').any(|s| s == "dgfip_rfr"),
        "the data scope passed on: {asked:?}"
    );
    assert_ne!(
        asked.get("prompt").map(String::as_str),
        Some("login"),
        "no new authentication asked"
    );
    assert_eq!(second.forms, 0, "FranceConnect's single sign-on: no form");
    let tokens = crate::op::tokens(&s.app, &second.query()["code"], (CLIENT, SECRET)).await;
    let fc_token = franceconnect_token(&s.app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(s.data.data_for(&fc_token).await.status(), StatusCode::OK);

    // Now the session holds it: answered at once.
    let third = log_in(&s.app, "openid profile dgfip_rfr").await;
    assert!(
        third.to_federations.is_empty(),
        "single sign-on at the portal: {:#?}",
        third.hops
    );
}

/// The same rule at `/oidc/reprise`: a démarche's request asking the data
/// scope, cancelled at FranceConnect, then resumed from the error page's
/// way back, is sent to FranceConnect again for the scope, never answered
/// with a code from the session's login that did not grant it.
#[tokio::test]
async fn a_resumed_request_asking_a_data_scope_the_session_did_not_grant_goes_to_franceconnect_again()
 {
    let s = setup(Portal::new(), &[]).await;
    log_in(&s.app, "openid profile").await;
    let params = standard(CLIENT, &[("scope", "openid profile dgfip_rfr")]);
    let res = s.app.get(&authorize_path(&params)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "to FranceConnect for the data"
    );
    let state = query_of(location(&res))["state"].clone();
    // The person cancels there: FranceConnect's answer to the portal.
    let cancelled = s
        .app
        .client
        .get(
            s.app
                .url(&crate::internals::callback_path(Federation::FranceConnect)),
        )
        .query(&[
            ("error", "access_denied"),
            ("state", state.as_str()),
            ("iss", s._fc.issuer.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let doc = html(cancelled).await;
    let demande = attr(
        &doc,
        "form[action=\"/retour-demarche\"] input[name=demande]",
        "value",
    )
    .expect("the error page offers the way back to the démarche");
    let resumed = s.app.get(&format!("/oidc/reprise/{demande}")).await;
    assert_eq!(resumed.status(), StatusCode::SEE_OTHER);
    let to = location(&resumed);
    assert!(
        to.starts_with(&s._fc.issuer),
        "sent to FranceConnect again, not to the démarche: {to}"
    );
    assert!(
        query_of(to)["scope"].split(' ').any(|s| s == "dgfip_rfr"),
        "the data scope asked of FranceConnect: {to}"
    );
}

// ---------------------------------------------------------------------------
// Refusals

#[tokio::test]
async fn a_data_scope_the_demarche_may_not_ask_is_invalid_scope_before_any_federation() {
    let s = setup(Portal::new(), &[]).await;
    for (client, scope) in [
        (WITHOUT_DATA, "openid dgfip_rfr"),
        (CLIENT, "openid dgfip_nbpart"),
    ] {
        let res = s
            .app
            .authorize(&standard(client, &[("scope", scope)]))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{client}: {scope}");
        let to = location(&res);
        assert!(to.starts_with(REDIRECT), "back to the démarche: {to}");
        let q = query_of(to);
        assert_eq!(q["error"], "invalid_scope", "{client}: {scope}");
        assert_eq!(q["state"], "etat-de-la-demarche");
    }
}

#[tokio::test]
async fn another_demarche_s_subject_token_is_not_exchanged() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    assert_refused(
        &s.app,
        (OTHER, OTHER_SECRET),
        access_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
    // The démarche it was issued to gets it.
    franceconnect_token(&s.app, access_token).await;
}

#[tokio::test]
async fn a_demarche_that_may_not_ask_the_data_is_refused_the_token_another_s_login_got() {
    let s = setup(Portal::new(), &[]).await;
    tokens_with_data(&s.app).await;
    // The same person, the same session, a démarche without data scopes.
    let params = standard(WITHOUT_DATA, &[]);
    let back = journey(&s.app.client, &authorize_url(&s.app, &params), None).await;
    assert!(back.to_federations.is_empty(), "single sign-on");
    let theirs = tokens(
        &s.app,
        &back.query()["code"],
        (WITHOUT_DATA, WITHOUT_DATA_SECRET),
    )
    .await;
    assert_refused(
        &s.app,
        (WITHOUT_DATA, WITHOUT_DATA_SECRET),
        theirs["access_token"].as_str().unwrap(),
        ACCESS_TOKEN,
        "invalid_scope",
    )
    .await;
}

#[tokio::test]
async fn an_id_token_is_not_a_subject_token() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    // Said to be an access token: no such access token.
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        id_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
    // Said to be an ID token: not a type the portal exchanges.
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        id_token,
        ID_TOKEN,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn an_audience_that_is_no_federation_is_invalid_target() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let form = [
        ("grant_type", TOKEN_EXCHANGE),
        ("subject_token", tokens["access_token"].as_str().unwrap()),
        ("subject_token_type", ACCESS_TOKEN),
        ("audience", "impots.gouv.fr"),
    ];
    let res = exchange(&s.app, &form, Some((CLIENT, SECRET))).await;
    assert_eq!(
        token_error(res).await,
        (StatusCode::BAD_REQUEST, "invalid_target".to_owned())
    );
}

#[tokio::test]
async fn an_expired_portal_token_is_not_exchanged() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    franceconnect_token(&s.app, access_token).await;
    // The portal's token lives 300 s, FranceConnect's 600 s.
    s.app.clock().advance(Duration::from_secs(301));
    assert_eq!(
        userinfo(&s.app, access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        access_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn a_portal_token_revoked_by_its_code_s_replay_is_not_exchanged() {
    let s = setup(Portal::new(), &[]).await;
    let back = log_in(&s.app, "openid profile dgfip_rfr").await;
    let code = back.query()["code"].clone();
    let tokens = tokens(&s.app, &code, (CLIENT, SECRET)).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    franceconnect_token(&s.app, access_token).await;
    // The code presented again: its tokens are revoked (RFC 6749 §4.1.2).
    let replay = exchange(&s.app, &crate::op::code_form(&code), Some((CLIENT, SECRET))).await;
    assert_eq!(
        token_error(replay).await,
        (StatusCode::BAD_REQUEST, "invalid_grant".to_owned())
    );
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        access_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn after_logout_the_federation_s_token_is_not_given() {
    let s = setup(Portal::new(), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let fc_token = franceconnect_token(&s.app, access_token).await;
    let mut logout = reqwest::Url::parse(&s.app.url("/oidc/logout")).unwrap();
    logout
        .query_pairs_mut()
        .append_pair("id_token_hint", tokens["id_token"].as_str().unwrap())
        .append_pair("post_logout_redirect_uri", BYE)
        .append_pair("state", "etat-sortie");
    let back = journey(&s.app.client, logout.as_str(), None).await;
    assert_eq!(back.back.as_str(), format!("{BYE}?state=etat-sortie"));
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        access_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
    // FranceConnect ended its own token at its logout.
    assert_eq!(
        s.data.data_for(&fc_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn after_the_federation_s_token_expired_it_is_not_given() {
    // FranceConnect's tokens live 30 s here, the portal's 300 s.
    let s = setup(Portal::new(), &["--access-token-ttl", "30"]).await;
    let tokens = tokens_with_data(&s.app).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let res = exchange_token(&s.app, (CLIENT, SECRET), access_token, ACCESS_TOKEN).await;
    let body: serde_json::Value = res.json().await.unwrap();
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((1..=30).contains(&expires_in), "{expires_in}");
    s.app.clock().advance(Duration::from_secs(31));
    assert_refused(
        &s.app,
        (CLIENT, SECRET),
        access_token,
        ACCESS_TOKEN,
        "invalid_grant",
    )
    .await;
    assert_eq!(
        userinfo(&s.app, access_token).await.status(),
        StatusCode::OK,
        "the portal's token itself still lives"
    );
}

#[tokio::test]
async fn redis_holds_the_federation_s_token_sealed_never_in_plain_text() {
    let redis = RedisServer::start().await;
    let s = setup(Portal::new().redis(&redis), &[]).await;
    let tokens = tokens_with_data(&s.app).await;
    let fc_token = franceconnect_token(&s.app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(s.data.data_for(&fc_token).await.status(), StatusCode::OK);

    let mut redis_connection = raw(redis.port).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut redis_connection)
        .await
        .unwrap();
    assert!(
        keys.iter().any(|k| k.contains("federation-token:")),
        "the federation's token is kept: {keys:?}"
    );
    for key in &keys {
        assert!(!key.contains(&fc_token), "a key names the token: {key}");
        // DUMP: whatever the value's type, its serialized bytes.
        let dump: Vec<u8> = redis::cmd("DUMP")
            .arg(key)
            .query_async(&mut redis_connection)
            .await
            .unwrap();
        assert!(
            !contains(&dump, fc_token.as_bytes()),
            "FranceConnect's token in plain text under {key}"
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------
// siret_hint

#[tokio::test]
async fn siret_hint_reaches_proconnect_and_no_other_federation() {
    let portal = Portal::new();
    let pc = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let fc = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    let app = portal
        .federation(&pc)
        .federation(&fc)
        .demarches(demarches())
        .start()
        .await;
    let siret = ("siret_hint", "13002526500013");
    let params = standard(CLIENT, &[("idp_hint", "proconnect"), siret]);
    let back = journey(
        &app.client,
        &authorize_url(&app, &params),
        Some(test_login(Federation::ProConnect)),
    )
    .await;
    assert_eq!(
        back.asked().get("siret_hint").map(String::as_str),
        Some("13002526500013"),
        "ProConnect's authorization request: {}",
        back.to_federations[0]
    );
    assert!(
        back.query().contains_key("code"),
        "logged in: {}",
        back.back
    );

    let params = standard(CLIENT, &[("idp_hint", "franceconnect"), siret]);
    let back = journey(
        &browser(),
        &authorize_url(&app, &params),
        Some(test_login(Federation::FranceConnect)),
    )
    .await;
    assert!(
        !back.asked().contains_key("siret_hint"),
        "FranceConnect takes no siret_hint: {}",
        back.to_federations[0]
    );
    assert!(
        back.query().contains_key("code"),
        "logged in: {}",
        back.back
    );
}

#[tokio::test]
async fn a_malformed_siret_hint_is_refused_before_any_federation() {
    let portal = Portal::new();
    let pc = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal.federation(&pc).demarches(demarches()).start().await;
    for bad in ["1300252650001", "13002526500O13", "130 025 265 00013"] {
        let params = standard(CLIENT, &[("idp_hint", "proconnect"), ("siret_hint", bad)]);
        let res = app.authorize(&params).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{bad:?}");
        let to = location(&res);
        assert!(
            to.starts_with(REDIRECT),
            "{bad:?}: back to the démarche: {to}"
        );
        let q = query_of(to);
        assert_eq!(q["error"], "invalid_request", "{bad:?}");
        assert!(
            q["error_description"].contains("siret_hint"),
            "{bad:?}: the description names the parameter: {}",
            q["error_description"]
        );
    }
    // Empty: as if not sent (RFC 6749 §3.1), the login goes on without it.
    let params = standard(CLIENT, &[("idp_hint", "proconnect"), ("siret_hint", "")]);
    let res = app.authorize(&params).await;
    let to = location(&res);
    assert!(to.starts_with(&pc.issuer), "to ProConnect: {to}");
    assert!(!query_of(to).contains_key("siret_hint"), "{to}");
}
