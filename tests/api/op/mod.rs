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
mod organisation;
mod token;

use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::federation_double::FederationDouble;
use crate::helpers::*;
use crate::internals::{Demarche, Federation};

pub const CLIENT: &str = "demarche-test";
pub const SECRET: &str = "demarche-secret-0123456789";
pub const OTHER: &str = "autre-demarche";
pub const OTHER_SECRET: &str = "autre-secret-0123456789";
pub const PUBLIC: &str = "appli-publique";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const BYE: &str = "http://127.0.0.1:9/au-revoir";

/// [`CLIENT`] (which may also use the discovery-only mode), [`OTHER`] and
/// the public [`PUBLIC`], with the test redirect URIs.
pub fn demarches() -> [Demarche; 3] {
    [
        Demarche::confidential(CLIENT, SECRET, "Démarche d’exemple", REDIRECT)
            .after_logout(BYE)
            .discovery_return("http://127.0.0.1:9/retour-choix"),
        Demarche::confidential(OTHER, OTHER_SECRET, "Autre démarche", REDIRECT).after_logout(BYE),
        Demarche::public(PUBLIC, "Appli publique", REDIRECT).after_logout(BYE),
    ]
}

/// The provider with its three démarches, not started yet: no federation
/// (for what happens before a login) unless one is added.
pub fn provider() -> Portal {
    Portal::new().demarches(demarches())
}

/// FranceConnect played by the double.
pub async fn franceconnect() -> FederationDouble {
    FederationDouble::start(Federation::FranceConnect).await
}

/// The authorization request `params` as an absolute URL of `app`.
pub fn authorize_url(app: &TestApp, params: &[(&str, &str)]) -> String {
    app.url(&authorize_path(params))
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
    let back = journey(&app.client, &authorize_url(app, params), None)
        .await
        .back;
    let q = query_of(back.as_str());
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
