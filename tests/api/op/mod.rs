//! The portal as an OpenID provider toward démarches, over HTTP, the way a
//! démarche's OpenID library uses it. Three démarches are registered
//! ([`CLIENT`], [`OTHER`], the public [`PUBLIC`]), all sent back to
//! [`REDIRECT`] (where nothing listens: the tests read the redirect).
//!
//! | file | what | the federation behind the portal |
//! |---|---|---|
//! | `metadata.rs` | discovery document, JWKS, the `/federations` page | none, or the double when a token is needed |
//! | `authorize.rs` | the authorization endpoint: errors, unknown clients, chooser, discovery-only mode, hints, `prompt=none` | none, or the double when a login must happen first |
//! | `token.rs` | codes, PKCE, client authentication, ID token, userinfo | the double (FranceConnect) |
//! | `logout.rs` | RP-initiated logout | the double |
//! | `end_to_end.rs` | one whole flow through each of the three federations | the real `oidc-provider` peers |
//!
//! "The double" is `federation_double.rs`: a wiremock federation that logs
//! the person in at once, so these tests need neither Node nor a browser.

mod authorize;
mod end_to_end;
mod es256;
mod logout;
mod metadata;
mod token;

use std::collections::HashMap;

use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::federation_double::FederationDouble;
use crate::helpers::*;
use crate::internals::{Demarche, Federation, Settings, register_demarche};
use crate::peers::test_login;

pub const CLIENT: &str = "demarche-test";
pub const SECRET: &str = "demarche-secret-0123456789";
pub const OTHER: &str = "autre-demarche";
pub const OTHER_SECRET: &str = "autre-secret-0123456789";
pub const PUBLIC: &str = "appli-publique";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const BYE: &str = "http://127.0.0.1:9/au-revoir";

/// Registers the démarche `id` (public without `secret`), with the test
/// redirect URIs; [`CLIENT`] may also use the discovery-only mode.
pub fn register(settings: &mut Settings, id: &str, secret: Option<&str>, name: &str) {
    register_demarche(
        settings,
        Demarche {
            client_id: id,
            secret,
            name,
            redirect_uri: REDIRECT,
            post_logout_redirect_uri: BYE,
            discovery_return_prefix: (id == CLIENT).then_some("http://127.0.0.1:9/retour-choix"),
        },
    );
}

/// Registers [`CLIENT`], [`OTHER`] and [`PUBLIC`].
fn register_all(settings: &mut Settings) {
    register(settings, CLIENT, Some(SECRET), "Démarche d’exemple");
    register(settings, OTHER, Some(OTHER_SECRET), "Autre démarche");
    register(settings, PUBLIC, None, "Appli publique");
}

/// The provider without any federation: for what happens before a login.
pub async fn provider(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        register_all(s);
        adjust(s);
    })
    .await
}

/// The provider with FranceConnect played by the double.
pub async fn provider_with_franceconnect(
    adjust: impl FnOnce(&mut Settings),
) -> (TestApp, FederationDouble) {
    let fc = FederationDouble::start(Federation::FranceConnect).await;
    let app = provider(|s| {
        fc.configure(s);
        adjust(s);
    })
    .await;
    (app, fc)
}

pub fn authorize_url(app: &TestApp, params: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse(&app.url("/oidc/authorize")).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

/// The authorization request `params`, in the portal's browser, not followed.
pub async fn authorize(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .get(authorize_url(app, params))
        .send()
        .await
        .expect("request sent")
}

/// A démarche's usual authorization request, FranceConnect hinted, with
/// `extra` parameters added or replacing those.
pub fn standard<'a>(client_id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
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

/// Follows redirects until the browser is sent to the démarche; returns
/// that URL. The double needs no form; with `login_at`, the login form of
/// that federation's Node peer is filled in with its test account when it
/// shows up.
pub async fn until_demarche(
    client: &reqwest::Client,
    first: &str,
    login_at: Option<Federation>,
) -> reqwest::Url {
    hops_to_demarche(client, first, login_at).await.0
}

/// [`until_demarche`], with every address the browser was at on the way
/// (the first one included, the démarche's excluded).
pub async fn hops_to_demarche(
    client: &reqwest::Client,
    first: &str,
    login_at: Option<Federation>,
) -> (reqwest::Url, Vec<reqwest::Url>) {
    let mut hops = Vec::new();
    let mut res = client.get(first).send().await.unwrap();
    for _ in 0..20 {
        hops.push(res.url().clone());
        let at_form = res.status() == StatusCode::OK && res.url().path().contains("/interaction/");
        if res.status().is_redirection() {
            let next = res.url().join(location(&res)).unwrap();
            if next.as_str().starts_with("http://127.0.0.1:9/") {
                return (next, hops);
            }
            res = client.get(next).send().await.unwrap();
        } else if let (true, Some(federation)) = (at_form, login_at) {
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

pub fn query(url: &reqwest::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// The query of the démarche URL a response redirects to.
pub fn redirect_query(res: &reqwest::Response) -> HashMap<String, String> {
    query(&reqwest::Url::parse(location(res)).unwrap())
}

pub fn pkce_pair() -> (String, String) {
    let verifier = "un-verificateur-pkce-suffisamment-long-0123456789abcdef".to_owned();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Runs the authorization request `params` in the portal's browser (logging
/// in at the double if needed) and returns the code given to the démarche,
/// checking `state` and `iss` on the way back.
pub async fn code_for(app: &TestApp, params: &[(&str, &str)]) -> String {
    let back = until_demarche(&app.client, &authorize_url(app, params), None).await;
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
pub fn code_form(code: &str) -> [(&'static str, &str); 3] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ]
}

/// A token request with `form`, the client authenticated with HTTP Basic
/// when `basic` is given.
pub async fn exchange(
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
pub async fn tokens(app: &TestApp, code: &str, client: (&str, &str)) -> serde_json::Value {
    let res = exchange(app, &code_form(code), Some(client)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "token request for {}",
        client.0
    );
    res.json().await.unwrap()
}

/// An error answer of the token endpoint (never cached): its status and
/// `error`.
pub async fn token_error(res: reqwest::Response) -> (StatusCode, String) {
    let status = res.status();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

/// A JWT's header and claims, unverified.
pub fn decode_claims(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    let part = |i: usize| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(i).unwrap())
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    (part(0), part(1))
}

/// Verifies the ID token's signature with the portal's published JWKS.
pub async fn verify_with_jwks(app: &TestApp, jwt: &str) -> serde_json::Value {
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

/// The userinfo endpoint's answer to the bearer `access_token`.
pub async fn userinfo(app: &TestApp, access_token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/oidc/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}
