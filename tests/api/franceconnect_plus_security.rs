//! Token-level attacks on FranceConnect+'s encrypted tokens. A wiremock
//! server plays the federation as a test double (as in login_security.rs):
//! for each case it serves the token response an attacker or a broken
//! federation would send, built with josekit for the key the portal
//! publishes at `/federations/jwks`. The happy path against a real
//! `oidc-provider` is in levels.rs.

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::*;
use crate::internals::{CLIENT_ID, Federation, Settings, unix_now as now, use_federation_at};
use crate::portal::PlaysFederation;

const SUB: &str = "sub-of-angela-at-franceconnect-plus";

fn key_file(name: &str) -> Vec<u8> {
    fixture_bytes(&format!("keys/{name}"))
}

/// An ES256 JWS with the federation's key (`ec-1`), or unsigned (`alg: none`).
fn signed(claims: &Value, unsigned: bool) -> String {
    if unsigned {
        use base64::Engine;
        let b64 = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        return format!("{}.{}.", b64(&json!({"alg": "none"})), b64(claims));
    }
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("ec-1".into());
    let key = EncodingKey::from_ec_pem(&key_file("ec-1.pem")).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// A JWE of `payload` for `key` (a public JWK), RSA-OAEP, content `enc`.
fn encrypted(payload: &str, key: &Value, enc: &str) -> String {
    let jwk = josekit::jwk::Jwk::from_map(key.as_object().unwrap().clone()).unwrap();
    let encrypter = josekit::jwe::RSA_OAEP.encrypter_from_jwk(&jwk).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption(enc);
    header.set_content_type("JWT");
    if let Some(kid) = key["kid"].as_str() {
        header.set_key_id(kid);
    }
    josekit::jwe::serialize_compact(payload.as_bytes(), &header, &encrypter).unwrap()
}

/// An RSA public JWK the portal does not hold the private half of, with
/// the portal's `kid` (the header points at the portal's key).
fn attacker_key(portal_key: &Value) -> Value {
    let mut key: Value =
        serde_json::from_slice(&key_file("rsa-attacker.jwk.json")).expect("attacker JWK");
    key["kid"] = portal_key["kid"].clone();
    key["alg"] = json!("RSA-OAEP");
    key["use"] = json!("enc");
    key
}

struct FcPlus {
    server: MockServer,
    issuer: String,
}

impl PlaysFederation for FcPlus {
    fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, Federation::FranceConnectPlus, &self.issuer);
    }
}

impl FcPlus {
    async fn start() -> FcPlus {
        let server = MockServer::start().await;
        let issuer = format!("{}/api/v2", server.uri());
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "id_token_encryption_alg_values_supported": ["RSA-OAEP", "ECDH-ES"],
            "id_token_encryption_enc_values_supported": ["A256GCM"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        });
        for (p, body) in [
            ("/api/v2/.well-known/openid-configuration", discovery),
            (
                "/api/v2/jwks",
                json!({ "keys": [serde_json::from_slice::<Value>(&key_file("ec-1.jwk.json")).unwrap()] }),
            ),
        ] {
            Mock::given(method("GET"))
                .and(path(p))
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
                .mount(&server)
                .await;
        }
        FcPlus { server, issuer }
    }

    /// The token endpoint answers `id_token`; userinfo an encrypted JWS
    /// about the same person (for the cases that get that far).
    async fn serve(&self, id_token: &str, portal_key: &Value) {
        Mock::given(method("POST"))
            .and(path("/api/v2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "access-token-of-the-double",
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": id_token,
            })))
            .mount(&self.server)
            .await;
        let userinfo = json!({
            "sub": SUB, "iss": self.issuer, "aud": CLIENT_ID,
            "given_name": "Angela", "family_name": "DUBOIS",
        });
        let body = encrypted(&signed(&userinfo, false), portal_key, "A256GCM");
        Mock::given(method("GET"))
            .and(path("/api/v2/userinfo"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/jwt"))
            .mount(&self.server)
            .await;
    }

    fn claims(&self, nonce: &str, acr: &str) -> Value {
        json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": SUB,
            "exp": now() + 60, "iat": now(), "auth_time": now(),
            "nonce": nonce, "acr": acr,
        })
    }
}

/// A fresh portal and double; the login started (state and nonce known),
/// and the portal's published encryption key.
async fn started() -> (TestApp, FcPlus, HashMap<String, String>, Value) {
    let fed = FcPlus::start().await;
    let app = Portal::new().federation(&fed).start().await;
    let jwks: Value = app.get("/federations/jwks").await.json().await.unwrap();
    let key = jwks["keys"][0].clone();
    let res = app.post("/connexion/franceconnect-plus").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    assert!(url.starts_with(&format!("{}/authorize?", fed.issuer)));
    let q = query_of(url);
    assert_eq!(q["acr_values"], "eidas2");
    assert_eq!(q["prompt"], "login");
    (app, fed, q, key)
}

async fn callback(app: &TestApp, state: &str) -> reqwest::Response {
    app.client
        .get(app.url("/connexion/franceconnect-plus/retour"))
        .query(&[("code", "abc"), ("state", state)])
        .send()
        .await
        .unwrap()
}

/// Refused: the security page, and nobody logged in.
async fn assert_refused(app: &TestApp, res: reqwest::Response) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(text_of(&html(res).await, "h1"), "Connexion non vérifiée");
    assert_no_session(app).await;
}

#[tokio::test]
async fn a_signed_then_encrypted_id_token_for_the_published_key_logs_in() {
    let (app, fed, q, key) = started().await;
    let jwe = encrypted(
        &signed(&fed.claims(&q["nonce"], "eidas2"), false),
        &key,
        "A256GCM",
    );
    fed.serve(&jwe, &key).await;
    let res = callback(&app, &q["state"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/compte");
    let doc = app.page("/compte", StatusCode::OK).await;
    assert!(
        doc.html().contains("Angela"),
        "userinfo decrypted and verified"
    );
}

#[tokio::test]
async fn an_id_token_encrypted_for_another_key_is_refused() {
    let (app, fed, q, key) = started().await;
    let inner = signed(&fed.claims(&q["nonce"], "eidas2"), false);
    fed.serve(&encrypted(&inner, &attacker_key(&key), "A256GCM"), &key)
        .await;
    assert_refused(&app, callback(&app, &q["state"]).await).await;
}

#[tokio::test]
async fn an_id_token_encrypted_with_another_content_encryption_is_refused() {
    let (app, fed, q, key) = started().await;
    let inner = signed(&fed.claims(&q["nonce"], "eidas2"), false);
    fed.serve(&encrypted(&inner, &key, "A128CBC-HS256"), &key)
        .await;
    assert_refused(&app, callback(&app, &q["state"]).await).await;
}

#[tokio::test]
async fn an_unsigned_token_inside_the_encryption_is_refused() {
    let (app, fed, q, key) = started().await;
    let inner = signed(&fed.claims(&q["nonce"], "eidas2"), true);
    fed.serve(&encrypted(&inner, &key, "A256GCM"), &key).await;
    assert_refused(&app, callback(&app, &q["state"]).await).await;
}

#[tokio::test]
async fn an_acr_below_the_level_asked_is_refused() {
    let (app, fed, q, key) = started().await;
    let inner = signed(&fed.claims(&q["nonce"], "eidas1"), false);
    fed.serve(&encrypted(&inner, &key, "A256GCM"), &key).await;
    assert_refused(&app, callback(&app, &q["state"]).await).await;
}

#[tokio::test]
async fn a_signed_id_token_that_is_not_encrypted_is_refused() {
    let (app, fed, q, key) = started().await;
    fed.serve(&signed(&fed.claims(&q["nonce"], "eidas2"), false), &key)
        .await;
    assert_refused(&app, callback(&app, &q["state"]).await).await;
}
