//! ES256 ID tokens for démarches that register
//! `id_token_signed_response_alg = "ES256"` (RS256 stays the default),
//! checked the way a démarche's library checks them: with the JWKS.

use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::*;
use crate::internals::{config_problems, sign_id_tokens_with, use_es256_key};

async fn published_key(app: &TestApp, kid: &serde_json::Value) -> serde_json::Value {
    let jwks: serde_json::Value = app.get("/oidc/jwks").await.json().await.unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| &k["kid"] == kid)
        .cloned()
        .unwrap_or_else(|| panic!("kid {kid} not in {jwks}"))
}

/// Verifies an ES256 ID token with the key the JWKS publishes for its kid.
async fn verify_es256(app: &TestApp, jwt: &str, audience: &str) -> serde_json::Value {
    let (header, _) = decode_claims(jwt);
    assert_eq!(header["alg"], "ES256");
    let key = published_key(app, &header["kid"]).await;
    assert_eq!(
        (&key["kty"], &key["crv"], &key["alg"], &key["use"]),
        (
            &"EC".into(),
            &"P-256".into(),
            &"ES256".into(),
            &"sig".into()
        )
    );
    let decoding = jsonwebtoken::DecodingKey::from_ec_components(
        key["x"].as_str().unwrap(),
        key["y"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[app.address.as_str()]);
    jsonwebtoken::decode::<serde_json::Value>(jwt, &decoding, &validation)
        .expect("valid ES256 ID token")
        .claims
}

#[tokio::test]
async fn a_demarche_registered_for_es256_gets_an_id_token_signed_with_the_published_p256_key() {
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| sign_id_tokens_with(s, CLIENT, "ES256"))
        .start()
        .await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let claims = verify_es256(&app, body["id_token"].as_str().unwrap(), CLIENT).await;
    assert_eq!(claims["nonce"], "nonce-de-la-demarche");
    assert_eq!(claims["idp"], "franceconnect");
    assert_eq!(claims["given_name"], "Angela Claire Louise");
    let digest = Sha256::digest(body["access_token"].as_str().unwrap().as_bytes());
    let at_hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
    assert_eq!(claims["at_hash"], at_hash.as_str());
    // Another démarche, registered without the setting, still gets RS256.
    let code = code_for(&app, &standard(OTHER, &[])).await;
    let body = tokens(&app, &code, (OTHER, OTHER_SECRET)).await;
    let (header, _) = decode_claims(body["id_token"].as_str().unwrap());
    assert_eq!(header["alg"], "RS256");
}

#[tokio::test]
async fn discovery_offers_rs256_and_es256_id_tokens() {
    let app = Portal::new().start().await;
    let doc: serde_json::Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256", "ES256"])
    );
}

#[tokio::test]
async fn a_configured_es256_key_is_the_one_published_and_signing() {
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| {
            use_es256_key(s, "ec-1");
            sign_id_tokens_with(s, CLIENT, "ES256");
        })
        .start()
        .await;
    let fixture: serde_json::Value =
        serde_json::from_slice(&fixture_bytes("keys/ec-1.jwk.json")).unwrap();
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let (header, _) = decode_claims(body["id_token"].as_str().unwrap());
    let key = published_key(&app, &header["kid"]).await;
    assert_eq!((&key["x"], &key["y"]), (&fixture["x"], &fixture["y"]));
    verify_es256(&app, body["id_token"].as_str().unwrap(), CLIENT).await;
}

#[tokio::test]
async fn logout_with_an_es256_id_token_hint_returns_to_the_demarche() {
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| sign_id_tokens_with(s, CLIENT, "ES256"))
        .start()
        .await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let mut url = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", body["id_token"].as_str().unwrap())
        .append_pair("post_logout_redirect_uri", BYE)
        .append_pair("state", "etat-es256");
    let back = journey(&app.client, url.as_str(), None).await.back;
    assert_eq!(back.as_str(), format!("{BYE}?state=etat-es256"));
    assert_eq!(fc.requests_to("session/end").await, 1);
}

#[tokio::test]
async fn an_es256_hint_with_a_forged_signature_is_not_trusted() {
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| sign_id_tokens_with(s, CLIENT, "ES256"))
        .start()
        .await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let token = body["id_token"].as_str().unwrap();
    // Same header and claims, another P-256 key's signature.
    let (header, claims) = decode_claims(token);
    let pem = fixture_bytes("keys/ec-1.pem");
    let mut forged_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    forged_header.kid = header["kid"].as_str().map(str::to_owned);
    let forged = jsonwebtoken::encode(
        &forged_header,
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_pem(&pem).unwrap(),
    )
    .unwrap();
    let mut url = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", &forged)
        .append_pair("post_logout_redirect_uri", BYE);
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
}

#[tokio::test]
async fn an_unknown_id_token_alg_is_a_configuration_error_naming_its_key() {
    let mut settings = crate::internals::test_settings();
    let [demarche, ..] = demarches();
    crate::internals::register_demarche(&mut settings, demarche);
    sign_id_tokens_with(&mut settings, CLIENT, "HS256");
    let problems = config_problems(&settings);
    assert!(!problems.is_empty(), "refused");
    let errors = format!("{problems:?}");
    assert!(
        errors.contains("id_token_signed_response_alg") && errors.contains("HS256"),
        "{errors}"
    );
}
