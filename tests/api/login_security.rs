//! Token-level attacks on the login callback. A wiremock server plays the
//! federation as a test double: it signs, for each case, the ID token (or
//! userinfo) an attacker or a broken federation would send. The happy paths
//! against a real OpenID provider are in `login.rs`.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aiguillage::configuration::Settings;
use aiguillage::domain::Federation;
use aiguillage::upstream::FederationSettings;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::*;
use crate::peers::{CLIENT_ID, CLIENT_SECRET, use_federation_at};

const SUB: &str = "7f3c9a2e-sub-of-jean-michel";
const ACCESS_TOKEN: &str = "access-token-from-the-mock-federation";
const REJECTED: &str = "Connexion non vérifiée";
const EXPIRED: &str = "Demande de connexion expirée";

/// rsa-1's public key (SPKI PEM), the bytes of the classic HS256 confusion.
const RSA_1_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7BEjKRR7B9jZLoY+coAk
FCPa8njVdoG5CmeXDdHWbaQU+Yvgx9M9WAcWL9cCUTKDtIl37hdTGgVi6ghORuAH
HKCImR1++pbd1F+X8wv3uGxorLxpXUfX95eFhMSaMywvKSGJ5rwA46TVpIrItjiX
RuW4EgKSwBiQNuQ9UzNEzZO0UAtQgcAZ0n3UqR8mWiPPGPCSt7kJg0wWlFjhXHuP
TLwkvnXkZsy4djjIY5IDgB2Btnm6lqMzZ5TKgOZ+5RUOcIF5NvfiKK6YocrJwXgo
Sdxcd/yxZgnAEym6A9nY7bxhgCVKrTr0iaDNJOxHKpK4tE5+p9F1XUuYriN+rbh3
2QIDAQAB
-----END PUBLIC KEY-----
";

fn fixture(file: &str) -> Vec<u8> {
    let p = format!("{}/tests/fixtures/keys/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The public JWK of a test key (`kid` = its name).
fn jwk(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("{name}.jwk.json"))).unwrap()
}

fn jwks(names: &[&str]) -> Value {
    json!({ "keys": names.iter().map(|n| jwk(n)).collect::<Vec<_>>() })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT signed with a test key: RS256 for `rsa-*`, ES256 for `ec-*`.
fn sign(claims: &Value, key: &str, kid: Option<&str>) -> String {
    let pem = fixture(&format!("{key}.pem"));
    let (alg, key) = if key.starts_with("ec-") {
        (Algorithm::ES256, EncodingKey::from_ec_pem(&pem).unwrap())
    } else {
        (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap())
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// An HMAC-signed JWT (the portal must never accept one).
fn sign_hs256(claims: &Value, secret: &[u8], kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

/// The discovery document of a federation at `base`, naming `issuer`.
fn discovery(base: &str, issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "end_session_endpoint": format!("{base}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_parameter_supported": true,
    })
}

/// The federation as a wiremock server: discovery, JWKS, token, userinfo.
struct Fed {
    server: MockServer,
    federation: Federation,
    issuer: String,
}

impl Fed {
    /// Serves discovery and a JWKS with rsa-1, and a JSON userinfo for [`SUB`].
    async fn start(federation: Federation) -> Fed {
        Fed::start_with(federation, jwks(&["rsa-1"]), None).await
    }

    async fn start_with(federation: Federation, keys: Value, delay: Option<Duration>) -> Fed {
        let server = MockServer::start().await;
        let issuer = format!("{}/api/v2", server.uri());
        let discovery = discovery(&issuer, &issuer);
        let mut answer = ResponseTemplate::new(200).set_body_json(discovery);
        if let Some(delay) = delay {
            answer = answer.set_delay(delay);
        }
        Mock::given(method("GET"))
            .and(path("/api/v2/.well-known/openid-configuration"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let fed = Fed {
            server,
            federation,
            issuer,
        };
        fed.serve_jwks(keys, 5).await;
        fed.serve_userinfo(
            ResponseTemplate::new(200).set_body_json(json!({
                "sub": SUB,
                "given_name": "Jean",
                "usual_name": "Michel",
                "email": "jean.michel@example.gouv.fr",
            })),
            5,
        )
        .await;
        fed
    }

    fn path(&self, endpoint: &str) -> String {
        format!("/api/v2/{endpoint}")
    }

    /// Points the portal's settings at this federation.
    fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, self.federation, &self.issuer);
        // The signed-userinfo cases send `application/jwt` themselves.
        settings
            .federations
            .get_mut(self.federation)
            .userinfo_signed = false;
    }

    /// wiremock answers with the matching mock of lowest `priority` (1 wins over 5).
    async fn serve_jwks(&self, keys: Value, priority: u8) {
        Mock::given(method("GET"))
            .and(path(self.path("jwks")))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys))
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    async fn serve_userinfo(&self, answer: ResponseTemplate, priority: u8) {
        Mock::given(method("GET"))
            .and(path(self.path("userinfo")))
            .respond_with(answer)
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// The token endpoint answers this ID token.
    async fn serve_token(&self, id_token: &str) {
        Mock::given(method("POST"))
            .and(path(self.path("token")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": ACCESS_TOKEN,
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": id_token,
            })))
            .mount(&self.server)
            .await;
    }

    /// The token endpoint must not be called (checked by [`Fed::verify`]).
    async fn forbid_token_call(&self) {
        Mock::given(method("POST"))
            .and(path(self.path("token")))
            .respond_with(ResponseTemplate::new(500))
            .expect(0)
            .mount(&self.server)
            .await;
    }

    async fn verify(&self) {
        self.server.verify().await;
    }

    /// Correct ID token claims for this login.
    fn claims(&self, nonce: &str) -> Value {
        json!({
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": SUB,
            "exp": now() + 60,
            "iat": now(),
            "nonce": nonce,
            "acr": "eidas1",
            "amr": ["pwd"],
        })
    }

    async fn requests_to(&self, endpoint: &str) -> usize {
        let p = self.path(endpoint);
        self.server
            .received_requests()
            .await
            .expect("requests recorded")
            .iter()
            .filter(|r| r.url.path() == p)
            .count()
    }

    /// Waits for the portal's start-up discovery (JWKS fetched), so that no
    /// fetch is still in flight when a test changes what the mock serves.
    async fn wait_for_discovery(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.requests_to("jwks").await == 0 {
            assert!(
                Instant::now() < deadline,
                "the portal never fetched the JWKS"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn portal(feds: &[&Fed]) -> TestApp {
    portal_with(feds, |_| {}).await
}

async fn portal_with(feds: &[&Fed], adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(AppSocket::bind(), |s| {
        for fed in feds {
            fed.configure(s);
        }
        adjust(s);
    })
    .await
}

fn callback_path(federation: Federation) -> String {
    FederationSettings::default_for(federation).redirect_path
}

/// What the authorization request carried.
struct Started {
    state: String,
    nonce: String,
}

/// Clicks the federation's button: 303 to the mock's authorization endpoint.
async fn start_login(app: &TestApp, fed: &Fed) -> Started {
    let res = app
        .post(&format!("/connexion/{}", fed.federation.id()))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = reqwest::Url::parse(location(&res)).expect("absolute authorization URL");
    assert!(
        url.as_str()
            .starts_with(&format!("{}/authorize?", fed.issuer)),
        "sent to the federation: {url}"
    );
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    Started {
        state: q["state"].clone(),
        nonce: q["nonce"].clone(),
    }
}

/// The federation's redirect back, as the browser `client` would follow it.
async fn deliver(
    client: &reqwest::Client,
    url: &str,
    state: &str,
    iss: Option<&str>,
) -> reqwest::Response {
    let mut query = vec![("code", "abc"), ("state", state)];
    if let Some(iss) = iss {
        query.push(("iss", iss));
    }
    client
        .get(url)
        .query(&query)
        .send()
        .await
        .expect("callback sent")
}

/// The callback on `fed`'s own path, `iss` naming `fed`.
async fn callback(app: &TestApp, fed: &Fed, state: &str) -> reqwest::Response {
    deliver(
        &app.client,
        &app.url(&callback_path(fed.federation)),
        state,
        Some(&fed.issuer),
    )
    .await
}

async fn assert_no_session(app: &TestApp) {
    assert_not_logged_in(app).await;
}

/// The localized error page, without internals, and nobody logged in.
async fn assert_error_page(
    app: &TestApp,
    res: reqwest::Response,
    status: StatusCode,
    title: &str,
    secrets: &[&str],
) {
    assert_ne!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.status(), status);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    assert!(!body.contains("panicked"), "{body}");
    for secret in secrets {
        assert!(!body.contains(secret), "the page shows `{secret}`");
    }
    let doc = scraper::Html::parse_document(&body);
    assert_eq!(text_of(&doc, "h1"), title);
    assert_no_session(app).await;
}

async fn assert_rejected(app: &TestApp, res: reqwest::Response, secrets: &[&str]) {
    assert_error_page(app, res, StatusCode::FORBIDDEN, REJECTED, secrets).await;
}

/// Callback answered with a redirect to the account page, which shows the person.
async fn assert_logged_in(app: &TestApp, res: reqwest::Response) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (res, visited) = follow(&app.client, res).await;
    assert_eq!(res.status(), StatusCode::OK, "{visited:#?}");
    assert_eq!(res.url().path(), "/compte");
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "#identity-name"), "Jean Michel");
    assert_eq!(text_of(&doc, "#identity-acr"), "eidas1");
}

/// One ProConnect login whose token endpoint answers the ID token `make`
/// builds from the correct claims; returns the callback's response.
async fn login_with_id_token(
    make: impl FnOnce(&Fed, Value) -> String,
) -> (TestApp, Fed, String, reqwest::Response) {
    let fed = Fed::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    let id_token = make(&fed, fed.claims(&login.nonce));
    fed.serve_token(&id_token).await;
    let res = callback(&app, &fed, &login.state).await;
    (app, fed, id_token, res)
}

#[tokio::test]
async fn the_mock_federation_logs_in_with_a_correct_id_token() {
    // The control case: every rejection below changes one thing in it.
    let (app, _fed, _, res) =
        login_with_id_token(|_, claims| sign(&claims, "rsa-1", Some("rsa-1"))).await;
    assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn an_unknown_state_is_refused_as_expired() {
    let fed = Fed::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    let _real = start_login(&app, &fed).await;
    fed.forbid_token_call().await;
    let res = callback(&app, &fed, "forged-state-0123456789abcdefghijklmnopqrstuv").await;
    assert_error_page(&app, res, StatusCode::BAD_REQUEST, EXPIRED, &[]).await;
    fed.verify().await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused_as_expired() {
    let fed = Fed::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    let id_token = sign(&fed.claims(&login.nonce), "rsa-1", Some("rsa-1"));
    fed.serve_token(&id_token).await;
    let first = callback(&app, &fed, &login.state).await;
    let replay_url = first.url().clone();
    assert_logged_in(&app, first).await;

    // The same browser replays it: the state was used.
    let res = app.client.get(replay_url.clone()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), EXPIRED);
    // Someone who stole the URL gets nothing either.
    let thief = TestApp {
        address: app.address.clone(),
        client: browser(),
    };
    let res = thief.client.get(replay_url).send().await.unwrap();
    assert_error_page(&thief, res, StatusCode::BAD_REQUEST, EXPIRED, &[&id_token]).await;
    assert_eq!(fed.requests_to("token").await, 1, "one code exchange");
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["nonce"] = json!("a-nonce-from-another-login-0123456789abcdef");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    // Also: no internals and no token on the page.
    assert_rejected(&app, res, &[&token, ACCESS_TOKEN, SUB, "nonce"]).await;
}

#[tokio::test]
async fn an_id_token_without_nonce_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims.as_object_mut().unwrap().remove("nonce");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_signed_by_an_attacker_with_the_real_kid_is_rejected() {
    let (app, _fed, token, res) =
        login_with_id_token(|_, claims| sign(&claims, "rsa-attacker", Some("rsa-1"))).await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_signed_by_an_attacker_key_unknown_to_the_jwks_is_rejected() {
    // Unknown kid: the portal refreshes the keys once, then still refuses.
    let (app, fed, token, res) =
        login_with_id_token(|_, claims| sign(&claims, "rsa-attacker", Some("rsa-attacker"))).await;
    assert_rejected(&app, res, &[&token]).await;
    assert!(fed.requests_to("jwks").await <= 3, "no JWKS hammering");
}

#[tokio::test]
async fn an_unsigned_id_token_alg_none_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, claims| {
        format!(
            "{}.{}.",
            b64(br#"{"alg":"none"}"#),
            b64(claims.to_string().as_bytes())
        )
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_hs256_id_token_keyed_with_the_rsa_public_key_is_rejected() {
    // The PEM really is rsa-1's public key: it verifies rsa-1's signatures.
    let probe = sign(&json!({"sub": "probe"}), "rsa-1", None);
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(RSA_1_PUBLIC_PEM.as_bytes()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    jsonwebtoken::decode::<Value>(&probe, &key, &validation).expect("rsa-1 public key");

    let (app, _fed, token, res) = login_with_id_token(|_, claims| {
        sign_hs256(&claims, RSA_1_PUBLIC_PEM.as_bytes(), Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_hs256_id_token_keyed_with_the_served_jwk_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, claims| {
        sign_hs256(&claims, jwk("rsa-1").to_string().as_bytes(), None)
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_hs256_id_token_keyed_with_the_client_secret_is_rejected() {
    // Spec-valid for a confidential client, but HMAC is not in the allow-list.
    let (app, _fed, token, res) =
        login_with_id_token(|_, claims| sign_hs256(&claims, CLIENT_SECRET.as_bytes(), None)).await;
    assert_rejected(&app, res, &[&token, CLIENT_SECRET]).await;
}

#[tokio::test]
async fn an_id_token_from_another_issuer_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|fed, mut claims| {
        claims["iss"] = json!(format!("{}/api/v3", fed.server.uri()));
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_for_another_client_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["aud"] = json!("another-client");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_also_for_an_untrusted_audience_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["aud"] = json!([CLIENT_ID, "another-client"]);
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_expired_id_token_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["iat"] = json!(now() - 900);
        claims["exp"] = json!(now() - 600);
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_issued_in_the_future_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["iat"] = json!(now() + 3600);
        claims["exp"] = json!(now() + 3660);
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_without_iat_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims.as_object_mut().unwrap().remove("iat");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_without_sub_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims.as_object_mut().unwrap().remove("sub");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_acr_lower_than_asked_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims["acr"] = json!("eidas0");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_id_token_without_acr_is_rejected_when_a_level_was_asked() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        claims.as_object_mut().unwrap().remove("acr");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn an_at_hash_that_does_not_match_the_access_token_is_rejected() {
    let (app, _fed, token, res) = login_with_id_token(|_, mut claims| {
        // Left half of SHA-256 of another access token.
        claims["at_hash"] = json!("aUAkJG-u6x4RTWuILWy-CA");
        sign(&claims, "rsa-1", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&token]).await;
}

#[tokio::test]
async fn a_userinfo_about_another_person_is_rejected() {
    let fed = Fed::start(Federation::ProConnect).await;
    fed.serve_userinfo(
        ResponseTemplate::new(200).set_body_json(json!({
            "sub": "someone-else",
            "given_name": "Mallory",
            "usual_name": "Attaquant",
        })),
        1,
    )
    .await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    let token = sign(&fed.claims(&login.nonce), "rsa-1", Some("rsa-1"));
    fed.serve_token(&token).await;
    let res = callback(&app, &fed, &login.state).await;
    assert_rejected(&app, res, &[&token, "Mallory"]).await;
}

/// A ProConnect login whose userinfo answers `application/jwt` built by `make`.
async fn login_with_signed_userinfo(
    make: impl FnOnce(&Fed) -> String,
) -> (TestApp, String, reqwest::Response) {
    let fed = Fed::start(Federation::ProConnect).await;
    let userinfo = make(&fed);
    fed.serve_userinfo(
        ResponseTemplate::new(200).set_body_raw(userinfo.clone(), "application/jwt"),
        1,
    )
    .await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    fed.serve_token(&sign(&fed.claims(&login.nonce), "rsa-1", Some("rsa-1")))
        .await;
    let res = callback(&app, &fed, &login.state).await;
    (app, userinfo, res)
}

fn userinfo_claims(fed: &Fed, sub: &str) -> Value {
    json!({
        "iss": fed.issuer,
        "aud": CLIENT_ID,
        "sub": sub,
        "given_name": "Jean",
        "usual_name": "Michel",
    })
}

#[tokio::test]
async fn a_signed_userinfo_with_a_good_signature_is_accepted() {
    let (app, _, res) =
        login_with_signed_userinfo(|fed| sign(&userinfo_claims(fed, SUB), "rsa-1", Some("rsa-1")))
            .await;
    assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn a_signed_userinfo_with_a_bad_signature_is_rejected() {
    let (app, userinfo, res) = login_with_signed_userinfo(|fed| {
        sign(&userinfo_claims(fed, SUB), "rsa-attacker", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
}

#[tokio::test]
async fn a_signed_userinfo_with_a_tampered_payload_is_rejected() {
    let (app, userinfo, res) = login_with_signed_userinfo(|fed| {
        let good = sign(&userinfo_claims(fed, SUB), "rsa-1", Some("rsa-1"));
        let parts: Vec<&str> = good.split('.').collect();
        let mut claims = userinfo_claims(fed, SUB);
        claims["given_name"] = json!("Mallory");
        format!(
            "{}.{}.{}",
            parts[0],
            b64(claims.to_string().as_bytes()),
            parts[2]
        )
    })
    .await;
    assert_rejected(&app, res, &[&userinfo, "Mallory"]).await;
}

#[tokio::test]
async fn a_signed_userinfo_alg_none_or_hs256_is_rejected() {
    let (app, userinfo, res) = login_with_signed_userinfo(|fed| {
        format!(
            "{}.{}.",
            b64(br#"{"alg":"none"}"#),
            b64(userinfo_claims(fed, SUB).to_string().as_bytes())
        )
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
    let (app, userinfo, res) = login_with_signed_userinfo(|fed| {
        sign_hs256(&userinfo_claims(fed, SUB), CLIENT_SECRET.as_bytes(), None)
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
}

#[tokio::test]
async fn a_signed_userinfo_about_another_person_is_rejected() {
    let (app, userinfo, res) = login_with_signed_userinfo(|fed| {
        sign(
            &userinfo_claims(fed, "someone-else"),
            "rsa-1",
            Some("rsa-1"),
        )
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
}

#[tokio::test]
async fn a_response_naming_another_issuer_is_rejected_before_the_code_is_used() {
    let fed = Fed::start(Federation::ProConnect).await;
    let other = Fed::start(Federation::FranceConnect).await;
    let app = portal(&[&fed, &other]).await;
    let login = start_login(&app, &fed).await;
    fed.forbid_token_call().await;
    other.forbid_token_call().await;
    let res = deliver(
        &app.client,
        &app.url(&callback_path(fed.federation)),
        &login.state,
        Some(&other.issuer),
    )
    .await;
    assert_rejected(&app, res, &[]).await;
    fed.verify().await;
    other.verify().await;
}

#[tokio::test]
async fn a_franceconnect_state_on_the_proconnect_callback_is_rejected() {
    let pc = Fed::start(Federation::ProConnect).await;
    let fc = Fed::start(Federation::FranceConnect).await;
    let app = portal(&[&pc, &fc]).await;
    pc.forbid_token_call().await;
    fc.forbid_token_call().await;
    let on_proconnect_path = app.url(&callback_path(Federation::ProConnect));
    // FranceConnect's honest response (its own `iss`, or none) on the wrong
    // path must be refused by the path check itself, before any code exchange.
    for iss in [Some(fc.issuer.as_str()), None, Some(pc.issuer.as_str())] {
        let login = start_login(&app, &fc).await;
        let res = deliver(&app.client, &on_proconnect_path, &login.state, iss).await;
        assert_rejected(&app, res, &[]).await;
        // And the state is used up: not even FranceConnect's path takes it now.
        let res = callback(&app, &fc, &login.state).await;
        assert_error_page(&app, res, StatusCode::BAD_REQUEST, EXPIRED, &[]).await;
    }
    pc.verify().await;
    fc.verify().await;
}

#[tokio::test]
async fn a_callback_in_another_browser_is_rejected() {
    let fed = Fed::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    fed.forbid_token_call().await;
    // A fresh browser without any session.
    let victim = start_login(&app, &fed).await;
    let fresh = TestApp {
        address: app.address.clone(),
        client: browser(),
    };
    let res = callback(&fresh, &fed, &victim.state).await;
    assert_rejected(&fresh, res, &[]).await;
    // A browser with its own login in progress (its own binding).
    let victim = start_login(&app, &fed).await;
    let attacker = TestApp {
        address: app.address.clone(),
        client: browser(),
    };
    let _own = start_login(&attacker, &fed).await;
    let res = callback(&attacker, &fed, &victim.state).await;
    assert_rejected(&attacker, res, &[]).await;
    assert_no_session(&app).await;
    fed.verify().await;
}

#[tokio::test]
async fn a_jwks_with_one_key_without_kid_is_accepted() {
    let mut key = jwk("rsa-1");
    key.as_object_mut().unwrap().remove("kid");
    let fed = Fed::start_with(Federation::ProConnect, json!({ "keys": [key] }), None).await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    fed.serve_token(&sign(&fed.claims(&login.nonce), "rsa-1", None))
        .await;
    let res = callback(&app, &fed, &login.state).await;
    assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn an_es256_id_token_is_accepted() {
    let fed = Fed::start_with(Federation::ProConnect, jwks(&["rsa-1", "ec-1"]), None).await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    fed.serve_token(&sign(&fed.claims(&login.nonce), "ec-1", Some("ec-1")))
        .await;
    let res = callback(&app, &fed, &login.state).await;
    assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn a_key_rotation_is_followed_with_one_jwks_refetch() {
    let fed = Fed::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    fed.wait_for_discovery().await;
    let login = start_login(&app, &fed).await;
    // The federation now signs with rsa-2 and serves only rsa-2.
    fed.serve_token(&sign(&fed.claims(&login.nonce), "rsa-2", Some("rsa-2")))
        .await;
    fed.serve_jwks(jwks(&["rsa-2"]), 1).await;
    let before = fed.requests_to("jwks").await;
    let res = callback(&app, &fed, &login.state).await;
    assert_logged_in(&app, res).await;
    assert_eq!(
        fed.requests_to("jwks").await,
        before + 1,
        "the keys are fetched again once"
    );
}

#[tokio::test]
async fn a_federation_slower_than_its_timeout_gets_a_clear_page_quickly() {
    let fed = Fed::start_with(
        Federation::ProConnect,
        jwks(&["rsa-1"]),
        Some(Duration::from_secs(3)),
    )
    .await;
    let app = portal_with(&[&fed], |s| {
        s.federations.get_mut(Federation::ProConnect).timeout_ms = 1000;
    })
    .await;
    let started = Instant::now();
    let res = app.post("/connexion/proconnect").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered in {:?}",
        started.elapsed()
    );
    assert_error_page(
        &app,
        res,
        StatusCode::SERVICE_UNAVAILABLE,
        "Service de connexion momentanément indisponible",
        &[],
    )
    .await;
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_not_used() {
    let fed = Fed::start(Federation::ProConnect).await;
    Mock::given(method("GET"))
        .and(path(fed.path(".well-known/openid-configuration")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(discovery(&fed.issuer, "https://attacker.example/api/v2")),
        )
        .with_priority(1)
        .mount(&fed.server)
        .await;
    let app = portal(&[&fed]).await;
    let res = app.post("/connexion/proconnect").await;
    assert_error_page(
        &app,
        res,
        StatusCode::SERVICE_UNAVAILABLE,
        "Service de connexion momentanément indisponible",
        &["attacker.example"],
    )
    .await;
}
