//! The portal as an OpenID provider toward démarches: conformance cases
//! over HTTP, with `oidc-provider` playing the federation behind it.

use std::collections::HashMap;

use aiguillage::common::Secret;
use aiguillage::configuration::Settings;
use aiguillage::domain::Federation;
use aiguillage::provider::settings::ClientSettings;
use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::peers::{FederationPeer, test_login};

const CLIENT: &str = "demarche-test";
const SECRET: &str = "demarche-secret-0123456789";
const OTHER: &str = "autre-demarche";
const OTHER_SECRET: &str = "autre-secret-0123456789";
const PUBLIC: &str = "appli-publique";
const REDIRECT: &str = "http://127.0.0.1:9/callback";
const BYE: &str = "http://127.0.0.1:9/au-revoir";

fn client(id: &str, secret: Option<&str>, name: &str) -> ClientSettings {
    ClientSettings {
        client_id: id.into(),
        client_secret: secret.map(|s| Secret(s.into())),
        client_secret_file: None,
        name: name.into(),
        redirect_uris: vec![REDIRECT.parse().unwrap()],
        post_logout_redirect_uris: vec![BYE.parse().unwrap()],
        federations: None,
        providers: None,
        populations: None,
        public: secret.is_none(),
        discovery_return_prefixes: if id == CLIENT {
            vec!["http://127.0.0.1:9/retour-choix".parse().unwrap()]
        } else {
            Vec::new()
        },
    }
}

struct Op {
    app: TestApp,
    _peer: FederationPeer,
}

async fn op_with(adjust: impl FnOnce(&mut Settings)) -> Op {
    let socket = AppSocket::bind();
    let peer = FederationPeer::start(Federation::FranceConnect, &socket, &[]).await;
    let app = spawn_app_on(socket, |s| {
        peer.configure(s);
        s.clients = vec![
            client(CLIENT, Some(SECRET), "Démarche d’exemple"),
            client(OTHER, Some(OTHER_SECRET), "Autre démarche"),
            client(PUBLIC, None, "Appli publique"),
        ];
        adjust(s);
    })
    .await;
    Op { app, _peer: peer }
}

async fn op() -> Op {
    op_with(|_| {}).await
}

fn authorize_url(app: &TestApp, params: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse(&app.url("/oidc/authorize")).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

fn standard<'a>(client_id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "etat-de-la-demarche"),
        ("nonce", "nonce-de-la-demarche"),
        ("idp_hint", "franceconnect"),
    ];
    for (k, v) in extra {
        p.retain(|(name, _)| name != k);
        p.push((k, v));
    }
    p
}

/// Follows redirects until the browser is sent to the démarche; logs in
/// at the federation's form when it shows up. Returns the démarche URL.
async fn until_demarche(client: &reqwest::Client, first: &str) -> reqwest::Url {
    until_demarche_as(client, first, Federation::FranceConnect).await
}

/// The same, logging in at `federation` with its test account.
async fn until_demarche_as(
    client: &reqwest::Client,
    first: &str,
    federation: Federation,
) -> reqwest::Url {
    let mut res = client.get(first).send().await.unwrap();
    for _ in 0..20 {
        if res.status().is_redirection() {
            let next = res.url().join(location(&res)).unwrap();
            if next.as_str().starts_with("http://127.0.0.1:9/") {
                return next;
            }
            res = client.get(next).send().await.unwrap();
        } else if res.status() == StatusCode::OK && res.url().path().contains("/interaction/") {
            let url = res.url().clone();
            let doc = scraper::Html::parse_document(&res.text().await.unwrap());
            res = submit_form(
                client,
                &url,
                &doc,
                "form[action$=\"/login\"]",
                &[("login", test_login(federation)), ("action", "login")],
            )
            .await;
        } else {
            let (url, status) = (res.url().clone(), res.status());
            panic!("stuck at {url} ({status}): {}", res.text().await.unwrap());
        }
    }
    panic!("never sent back to the démarche");
}

fn query(url: &reqwest::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn pkce_pair() -> (String, String) {
    let verifier = "un-verificateur-pkce-suffisamment-long-0123456789abcdef".to_owned();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

async fn code_for(app: &TestApp, params: &[(&str, &str)]) -> String {
    let back = until_demarche(&app.client, &authorize_url(app, params)).await;
    let q = query(&back);
    assert_eq!(
        q.get("state").map(String::as_str),
        Some("etat-de-la-demarche")
    );
    assert_eq!(
        q["iss"], app.address,
        "iss on the authorization response (RFC 9207)"
    );
    q.get("code")
        .unwrap_or_else(|| panic!("a code in {back}"))
        .clone()
}

/// The token request's form for `code`, with the registered redirect URI.
fn code_form(code: &str) -> [(&'static str, &str); 3] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ]
}

async fn exchange(
    app: &TestApp,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(app.url("/oidc/token"))
        .form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    req.send().await.unwrap()
}

/// A successful token response for `code`, as JSON.
async fn tokens(app: &TestApp, code: &str, client: (&str, &str)) -> serde_json::Value {
    let res = exchange(app, &code_form(code), Some(client)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "token request for {}",
        client.0
    );
    res.json().await.unwrap()
}

async fn token_error(res: reqwest::Response) -> (StatusCode, String) {
    let status = res.status();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

fn decode_claims(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    let part = |i: usize| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(i).unwrap())
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    (part(0), part(1))
}

/// Verifies the ID token's signature with the portal's published JWKS.
async fn verify_with_jwks(app: &TestApp, jwt: &str) -> serde_json::Value {
    let jwks: serde_json::Value = reqwest::get(app.url("/oidc/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (header, _) = decode_claims(jwt);
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the token's kid is published");
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[CLIENT]);
    validation.set_issuer(&[app.address.as_str()]);
    jsonwebtoken::decode::<serde_json::Value>(jwt, &decoding, &validation)
        .expect("valid RS256 ID token")
        .claims
}

#[tokio::test]
async fn discovery_advertises_the_endpoints_and_capabilities() {
    let op = op().await;
    let res = op.app.get("/.well-known/openid-configuration").await;
    assert_eq!(res.status(), StatusCode::OK);
    let d: serde_json::Value = res.json().await.unwrap();
    assert_eq!(d["issuer"], op.app.address);
    for (field, path) in [
        ("authorization_endpoint", "/oidc/authorize"),
        ("token_endpoint", "/oidc/token"),
        ("userinfo_endpoint", "/oidc/userinfo"),
        ("jwks_uri", "/oidc/jwks"),
        ("end_session_endpoint", "/oidc/logout"),
    ] {
        assert_eq!(d[field], format!("{}{path}", op.app.address));
    }
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    let methods = d["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap();
    assert!(
        methods.contains(&"client_secret_basic".into())
            && methods.contains(&"client_secret_post".into())
    );
}

#[tokio::test]
async fn a_code_gives_a_signed_id_token_and_userinfo_with_a_pairwise_sub() {
    let op = op().await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let res = exchange(&op.app, &code_form(&code), Some((CLIENT, SECRET))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let claims = verify_with_jwks(&op.app, body["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["nonce"], "nonce-de-la-demarche");
    assert_eq!(claims["idp"], "franceconnect");
    assert_eq!(claims["acr"], "eidas1");
    assert_eq!(claims["given_name"], "Angela Claire Louise");
    assert_eq!(claims["family_name"], "DUBOIS");
    assert!(claims["auth_time"].is_i64() && claims["at_hash"].is_string());
    let sub = claims["sub"].as_str().unwrap().to_owned();
    let info: serde_json::Value = reqwest::Client::new()
        .get(op.app.url("/oidc/userinfo"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(info["idp"], "franceconnect");
    assert_eq!(info["birthdate"], "1962-08-24", "federation claims kept");
    // Same person, same démarche: same sub (SSO, no new federation login);
    // another démarche: another sub.
    let again = code_for(&op.app, &standard(CLIENT, &[])).await;
    let res = exchange(
        &op.app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &again),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
        ],
        None,
    )
    .await;
    let body2: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        decode_claims(body2["id_token"].as_str().unwrap()).1["sub"],
        sub.as_str(),
        "stable across logins"
    );
    let other = code_for(&op.app, &standard(OTHER, &[])).await;
    let body3 = tokens(&op.app, &other, (OTHER, OTHER_SECRET)).await;
    assert_ne!(
        decode_claims(body3["id_token"].as_str().unwrap()).1["sub"],
        sub.as_str(),
        "pairwise per démarche"
    );
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_its_tokens() {
    let op = op().await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let first = tokens(&op.app, &code, (CLIENT, SECRET)).await;
    let access = first["access_token"].as_str().unwrap().to_owned();
    let userinfo = || {
        reqwest::Client::new()
            .get(op.app.url("/oidc/userinfo"))
            .bearer_auth(&access)
            .send()
    };
    assert_eq!(userinfo().await.unwrap().status(), StatusCode::OK);
    let (status, error) =
        token_error(exchange(&op.app, &code_form(&code), Some((CLIENT, SECRET))).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    let res = userinfo().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the first tokens are revoked"
    );
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let op = op_with(|s| s.oidc.code_ttl_seconds = 1).await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let form = code_form(&code);
    let (_, error) = token_error(exchange(&op.app, &form, Some((CLIENT, SECRET))).await).await;
    assert_eq!(error, "invalid_grant");
}

#[tokio::test]
async fn a_code_used_by_another_client_or_with_another_redirect_uri_is_refused() {
    let op = op().await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let form = code_form(&code);
    let (_, error) = token_error(exchange(&op.app, &form, Some((OTHER, OTHER_SECRET))).await).await;
    assert_eq!(error, "invalid_grant");
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:9/ailleurs"),
    ];
    let (_, error) = token_error(exchange(&op.app, &form, Some((CLIENT, SECRET))).await).await;
    assert_eq!(error, "invalid_grant");
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client() {
    let op = op().await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let form = code_form(&code);
    let res = exchange(&op.app, &form, Some((CLIENT, "pas-le-bon-secret"))).await;
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    let (status, error) = token_error(res).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
}

#[tokio::test]
async fn pkce_missing_wrong_or_downgraded_is_invalid_grant() {
    let op = op().await;
    let (verifier, challenge) = pkce_pair();
    let with_pkce = standard(
        CLIENT,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        (&with_pkce, None, "missing verifier"),
        (
            &with_pkce,
            Some("un-autre-verificateur-pkce-suffisamment-long-0123456789"),
            "wrong verifier",
        ),
    ];
    for (params, sent_verifier, case) in cases {
        let code = code_for(&op.app, params).await;
        let mut form = code_form(&code).to_vec();
        if let Some(v) = sent_verifier {
            form.push(("code_verifier", v));
        }
        let (_, error) = token_error(exchange(&op.app, &form, Some((CLIENT, SECRET))).await).await;
        assert_eq!(error, "invalid_grant", "{case}");
    }
    // Downgrade: a verifier for a code obtained without a challenge.
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let form = [
        &code_form(&code)[..],
        &[("code_verifier", verifier.as_str())],
    ]
    .concat();
    let (_, error) = token_error(exchange(&op.app, &form, Some((CLIENT, SECRET))).await).await;
    assert_eq!(error, "invalid_grant", "downgrade");
    // The right verifier works, for a public client too.
    let public = standard(
        PUBLIC,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let code = code_for(&op.app, &public).await;
    let form = [
        &code_form(&code)[..],
        &[("client_id", PUBLIC), ("code_verifier", verifier.as_str())],
    ]
    .concat();
    assert_eq!(
        exchange(&op.app, &form, None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn authorization_errors_go_back_to_the_demarche_with_state_and_iss() {
    let op = op().await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            standard(
                CLIENT,
                &[
                    ("code_challenge", "abc"),
                    ("code_challenge_method", "plain"),
                ],
            ),
            "invalid_request",
        ),
        (standard(PUBLIC, &[]), "invalid_request"),
        (
            standard(CLIENT, &[("response_type", "token")]),
            "unsupported_response_type",
        ),
        (standard(CLIENT, &[("scope", "profile")]), "invalid_scope"),
        (standard(CLIENT, &[("prompt", "none")]), "login_required"),
        (
            standard(CLIENT, &[("idp_hint", "inconnu")]),
            "invalid_request",
        ),
    ];
    for (params, expected) in cases {
        let res = op
            .app
            .get(&authorize_url(&op.app, &params)[op.app.address.len()..])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{params:?}");
        let back = reqwest::Url::parse(location(&res)).unwrap();
        assert!(back.as_str().starts_with(REDIRECT), "{back}");
        let q = query(&back);
        assert_eq!(q["error"], expected, "{params:?}");
        assert_eq!(q["state"], "etat-de-la-demarche");
        assert_eq!(q["iss"], op.app.address);
    }
}

#[tokio::test]
async fn prompt_none_with_a_session_answers_at_once() {
    let op = op().await;
    code_for(&op.app, &standard(CLIENT, &[])).await;
    let res = op
        .app
        .get(
            &authorize_url(&op.app, &standard(CLIENT, &[("prompt", "none")]))
                [op.app.address.len()..],
        )
        .await;
    let q = query(&reqwest::Url::parse(location(&res)).unwrap());
    assert!(q.contains_key("code") && !q.contains_key("error"), "{q:?}");
}

#[tokio::test]
async fn an_unknown_client_or_redirect_uri_gets_a_page_and_no_redirect() {
    let op = op().await;
    for (params, title) in [
        (standard("inconnue", &[]), "Démarche inconnue"),
        (
            standard(CLIENT, &[("redirect_uri", "https://attaquant.example/cb")]),
            "Adresse de retour refusée",
        ),
        (
            standard(CLIENT, &[("redirect_uri", "http://127.0.0.1:9/callback/")]),
            "Adresse de retour refusée",
        ),
    ] {
        let res = op
            .app
            .get(&authorize_url(&op.app, &params)[op.app.address.len()..])
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.headers().get("location").is_none());
        assert_eq!(text_of(&html(res).await, "h1"), title);
    }
}

#[tokio::test]
async fn the_chooser_is_restricted_and_titled_for_the_demarche() {
    let op = op_with(|s| {
        s.clients[0].federations = Some(vec![Federation::ProConnect, Federation::ProSanteConnect]);
        // Their buttons show once the portal has a client for them.
        enable_unreachable(s, Federation::ProConnect);
        enable_unreachable(s, Federation::ProSanteConnect);
    })
    .await;
    let mut params = standard(CLIENT, &[]);
    params.retain(|(k, _)| *k != "idp_hint");
    let res = op
        .app
        .get(&authorize_url(&op.app, &params)[op.app.address.len()..])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = location(&res).to_owned();
    assert!(home.starts_with("/?demande="), "{home}");
    let doc = op.app.page(&home, StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion à Démarche d’exemple");
    let offered: Vec<String> = select(&doc, "input[name=population]")
        .iter()
        .map(|i| i.value().attr("value").unwrap().to_owned())
        .collect();
    assert!(
        !offered.contains(&"particulier".to_owned()),
        "FranceConnect-only population hidden: {offered:?}"
    );
    assert!(offered.contains(&"professionnel-sante".to_owned()));
    let demande = home.trim_start_matches("/?demande=");
    let doc = op
        .app
        .page(
            &format!("/choix/professionnel-sante?demande={demande}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        select(
            &doc,
            "form[action^='/connexion/'] input[type=hidden][name=demande]"
        )
        .len(),
        2,
        "each button carries the demande"
    );
    // A federation the démarche does not accept is refused.
    let res = op
        .app
        .client
        .post(op.app.url("/connexion/franceconnect"))
        .form(&[("demande", demande)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_jwks_keeps_a_retired_key_and_tokens_use_the_new_one() {
    let op = op_with(|s| {
        s.oidc.signing_key_file = Some(fixture("keys/rsa-2.pem"));
        s.oidc.retired_key_files = vec![fixture("keys/rsa-1.pem")];
    })
    .await;
    let jwks: serde_json::Value = op.app.get("/oidc/jwks").await.json().await.unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2, "{kids:?}");
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let body = tokens(&op.app, &code, (CLIENT, SECRET)).await;
    let (header, _) = decode_claims(body["id_token"].as_str().unwrap());
    assert_eq!(header["kid"], kids[0], "signed with the active key");
    verify_with_jwks(&op.app, body["id_token"].as_str().unwrap()).await;
}

#[tokio::test]
async fn logout_returns_only_to_a_registered_uri_after_the_federation() {
    let op = op().await;
    let code = code_for(&op.app, &standard(CLIENT, &[])).await;
    let body = tokens(&op.app, &code, (CLIENT, SECRET)).await;
    let id_token = body["id_token"].as_str().unwrap();
    // A foreign post_logout_redirect_uri: a page, no redirect.
    let mut foreign = reqwest::Url::parse(&op.app.url("/oidc/logout")).unwrap();
    foreign
        .query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", "https://attaquant.example/")
        .append_pair("state", "s");
    let res = op.app.client.get(foreign).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    // The registered one: through the federation's logout, then back.
    let mut url = reqwest::Url::parse(&op.app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", BYE)
        .append_pair("state", "etat-sortie");
    let back = until_demarche(&op.app.client, url.as_str()).await;
    assert_eq!(back.as_str(), format!("{BYE}?state=etat-sortie"));
    // The portal session is gone: prompt=none now fails.
    let res = op
        .app
        .get(
            &authorize_url(&op.app, &standard(CLIENT, &[("prompt", "none")]))
                [op.app.address.len()..],
        )
        .await;
    assert_eq!(
        query(&reqwest::Url::parse(location(&res)).unwrap())["error"],
        "login_required"
    );
}

#[tokio::test]
async fn discovery_only_mode_returns_the_chosen_federation_to_a_registered_prefix() {
    let op = op().await;
    let res = op
        .app
        .get("/decouverte?return=https%3A%2F%2Fattaquant.example%2F&returnIDParam=idp")
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    // A supplied query, or a path past the prefix without a `/`: refused.
    for bad in ["retour-choix%3Fx%3D1", "retour-choixevil"] {
        let res = op
            .app
            .get(&format!(
                "/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2F{bad}&returnIDParam=idp"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.headers().get("location").is_none());
    }
    let res = op
        .app
        .get("/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2Fretour-choix%2Fsso&returnIDParam=idp")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = location(&res).to_owned();
    let demande = home.trim_start_matches("/?demande=").to_owned();
    let res = op.app.get(&home).await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self'") && csp.contains("http://127.0.0.1:9"),
        "the button may lead back: {csp}"
    );
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion à Démarche d’exemple");
    let res = op
        .app
        .client
        .post(op.app.url("/connexion/franceconnect"))
        .form(&[("demande", demande.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "http://127.0.0.1:9/retour-choix/sso?idp=franceconnect"
    );
}

#[tokio::test]
async fn the_federations_page_shows_how_each_demarche_integrates() {
    let op = op_with(|s| s.clients[1].federations = Some(vec![Federation::ProConnect])).await;
    let doc = op.app.page("/federations", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "#oidc-issuer"), op.app.address);
    let section = format!("[data-client=\"{CLIENT}\"]");
    assert_eq!(
        text_of(&doc, &format!("{section} h4")),
        "Démarche d’exemple"
    );
    let link = text_of(&doc, &format!("{section} pre"));
    assert!(
        link.starts_with(&format!(
            "{}/oidc/authorize?client_id={CLIENT}",
            op.app.address
        )),
        "{link}"
    );
    assert!(text_of(&doc, &format!("[data-client=\"{OTHER}\"] p")).ends_with(": ProConnect."));
}

#[tokio::test]
async fn every_federation_logs_in_through_the_provider_with_only_issuer_id_and_secret() {
    let socket = AppSocket::bind();
    let mut peers = Vec::new();
    for f in Federation::ALL {
        peers.push(FederationPeer::start(f, &socket, &[]).await);
    }
    let app = spawn_app_on(socket, |s| {
        for p in &peers {
            p.configure(s);
        }
        s.clients = vec![client(CLIENT, Some(SECRET), "Démarche d’exemple")];
    })
    .await;
    for (federation, name) in [
        (Federation::FranceConnect, "Angela Claire Louise"),
        (Federation::ProConnect, "Jean"),
        (Federation::ProSanteConnect, "Paul"),
    ] {
        // A fresh browser each time: no single sign-on between them.
        let browser = browser();
        let params = standard(
            CLIENT,
            &[("idp_hint", federation.id()), ("prompt", "login")],
        );
        let back = until_demarche_as(&browser, &authorize_url(&app, &params), federation).await;
        let code = query(&back)["code"].clone();
        let body = tokens(&app, &code, (CLIENT, SECRET)).await;
        let claims = verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
        assert_eq!(claims["idp"], federation.id());
        assert_eq!(claims["given_name"], name);
    }
}

#[tokio::test]
async fn population_ui_locales_login_hint_acr_values_and_max_age_are_honoured() {
    let socket = AppSocket::bind();
    let fc = FederationPeer::start(Federation::FranceConnect, &socket, &[]).await;
    let pc = FederationPeer::start(Federation::ProConnect, &socket, &[]).await;
    let app = spawn_app_on(socket, |s| {
        fc.configure(s);
        pc.configure(s);
        s.clients = vec![client(CLIENT, Some(SECRET), "Démarche d’exemple")];
    })
    .await;
    let path = |params: &[(&str, &str)]| {
        let mut p = standard(CLIENT, params);
        p.retain(|(k, _)| *k != "idp_hint" || params.iter().any(|(n, _)| *n == "idp_hint"));
        authorize_url(&app, &p)[app.address.len()..].to_owned()
    };
    // population: straight to that population's buttons; ui_locales: English.
    let res = app
        .get(&path(&[
            ("population", "agent-etat"),
            ("ui_locales", "en fr"),
        ]))
        .await;
    let target = location(&res).to_owned();
    assert!(
        target.starts_with("/choix/agent-etat?demande=") && target.ends_with("&lang=en"),
        "{target}"
    );
    let doc = app.page(&target, StatusCode::OK).await;
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("en"));
    assert_eq!(text_of(&doc, "#demarche"), "Sign in to Démarche d’exemple");
    // login_hint goes to ProConnect; acr_values to the federation.
    let res = app
        .get(&path(&[
            ("idp_hint", "proconnect"),
            ("login_hint", "jean.michel@test.proconnect.gouv.fr"),
        ]))
        .await;
    let q = query(&reqwest::Url::parse(location(&res)).unwrap());
    assert_eq!(q["login_hint"], "jean.michel@test.proconnect.gouv.fr");
    let res = app
        .get(&path(&[
            ("idp_hint", "franceconnect"),
            ("acr_values", "eidas1"),
        ]))
        .await;
    let q = query(&reqwest::Url::parse(location(&res)).unwrap());
    assert_eq!(q["acr_values"], "eidas1");
    // max_age: a session older than allowed means a new federation login.
    let params = standard(CLIENT, &[]);
    code_for(&app, &params).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = app
        .get(&path(&[("idp_hint", "franceconnect"), ("max_age", "0")]))
        .await;
    let to = location(&res).to_owned();
    assert!(
        to.starts_with(&fc.issuer),
        "to the federation again, got {to}"
    );
    assert_eq!(query(&reqwest::Url::parse(&to).unwrap())["prompt"], "login");
    let res = app
        .get(&path(&[("idp_hint", "franceconnect"), ("max_age", "3600")]))
        .await;
    assert!(
        location(&res).starts_with(REDIRECT),
        "recent enough: a code at once"
    );
}
