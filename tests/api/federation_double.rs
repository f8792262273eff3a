//! A federation played by a wiremock server: the test double for every
//! test that needs a federation but neither a browser nor `oidc-provider`.
//!
//! [`FederationDouble::start`] serves, under `{server}/api/v2`:
//!
//! | endpoint | answer |
//! |---|---|
//! | `.well-known/openid-configuration` | [`discovery`] (`client_secret_post`, PKCE S256, RS256 and ES256) |
//! | `jwks` | the public test keys of `tests/fixtures/keys` (by default `rsa-1`) |
//! | `authorize` | at once a 303 back to `redirect_uri` with a code, the `state` and `iss`: the person logs in without a form |
//! | `token` | for a code it gave (and [`CLIENT_ID`]/[`CLIENT_SECRET`]): [`ACCESS_TOKEN`] and an ID token with the code's `nonce`, signed by `rsa-1` (see [`FederationDouble::sign_with`]) |
//! | `userinfo` | the federation's test person as JSON ([`person`]) |
//! | `session/end` | a 303 to `post_logout_redirect_uri` with the `state` |
//!
//! So a portal pointed at it (`Portal::new().federation(&double)`) logs people
//! in and out like with a real federation. A test changes one answer to
//! play an attacker or a broken federation: `serve_token` (a forged ID
//! token), `serve_userinfo`, `serve_jwks`, `forbid_token_call`. Those mocks
//! win over the honest ones: wiremock answers with the matching mock of
//! lowest priority number, and the honest answers have [`HONEST`].
//!
//! What the double does not check (the Node `oidc-provider` peers of
//! `peers.rs` do): PKCE, the redirect URI, consent, sessions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::*;
use crate::internals::{
    CLIENT_ID, CLIENT_SECRET, Federation, Settings, accept_unsigned_userinfo, callback_path,
    unix_now, use_federation_at,
};
use crate::portal::PlaysFederation;

/// The access token the double's token endpoint gives.
pub const ACCESS_TOKEN: &str = "access-token-from-the-mock-federation";

/// Priority of the double's honest answers: any mock mounted with the
/// default priority (5) or a smaller number replaces them.
const HONEST: u8 = 10;

// ---------------------------------------------------------------------------
// Test keys and JWTs

/// The public JWK of a test key (`kid` = its name), e.g. `jwk("rsa-1")`.
pub fn jwk(name: &str) -> Value {
    serde_json::from_slice(&fixture_bytes(&format!("keys/{name}.jwk.json"))).unwrap()
}

/// A JWKS of test keys.
pub fn jwks(names: &[&str]) -> Value {
    json!({ "keys": names.iter().map(|n| jwk(n)).collect::<Vec<_>>() })
}

/// A JWKS with only `name`'s key, without `kid`.
pub fn jwks_without_kid(name: &str) -> Value {
    let mut key = jwk(name);
    key.as_object_mut().unwrap().remove("kid");
    json!({ "keys": [key] })
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT signed with a test key: RS256 for `rsa-*`, ES256 for `ec-*`.
pub fn sign(claims: &Value, key: &str, kid: Option<&str>) -> String {
    let pem = fixture_bytes(&format!("keys/{key}.pem"));
    let (alg, key) = if key.starts_with("ec-") {
        (Algorithm::ES256, EncodingKey::from_ec_pem(&pem).unwrap())
    } else {
        (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap())
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// The federation's usual signature: `rsa-1`, with its `kid`.
pub fn signed(claims: &Value) -> String {
    sign(claims, "rsa-1", Some("rsa-1"))
}

/// An HMAC-signed JWT (the portal must never accept one).
pub fn sign_hs256(claims: &Value, secret: &[u8], kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

/// An unsigned JWT (`alg: none`).
pub fn unsigned(claims: &Value) -> String {
    format!(
        "{}.{}.",
        b64(br#"{"alg":"none"}"#),
        b64(claims.to_string().as_bytes())
    )
}

// ---------------------------------------------------------------------------
// The federation

/// The discovery document of a federation at `base`, naming `issuer`.
pub fn discovery(base: &str, issuer: &str) -> Value {
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

/// The test person of each federation, as its userinfo (JSON): the same
/// people as the Node peers' test accounts (tests/support/README.md), with
/// the double's own `sub`.
pub fn person(federation: Federation) -> Value {
    match federation {
        Federation::FranceConnect | Federation::FranceConnectPlus => json!({
            "sub": "3f9d2c71-sub-of-angela-dubois",
            "given_name": "Angela Claire Louise",
            "family_name": "DUBOIS",
            "email": "angela@example.fr",
            "birthdate": "1962-08-24",
        }),
        Federation::ProConnect => json!({
            "sub": "7f3c9a2e-sub-of-jean-michel",
            "given_name": "Jean",
            "usual_name": "Michel",
            "email": "jean.michel@example.gouv.fr",
        }),
        Federation::ProSanteConnect => json!({
            "sub": "f:8d1e7b04-sub-of-paul-doc:899700218896",
            "given_name": "Paul",
            "family_name": "DOC",
            "SubjectNameID": "899700218896",
        }),
    }
}

/// The person's name as the portal's account page shows it.
fn display_name(federation: Federation) -> &'static str {
    match federation {
        Federation::FranceConnect | Federation::FranceConnectPlus => "Angela Claire Louise DUBOIS",
        Federation::ProConnect => "Jean Michel",
        Federation::ProSanteConnect => "Paul DOC",
    }
}

/// What the honest endpoints share: the codes given (with their nonce)
/// and the key the ID tokens are signed with.
struct Honest {
    issued: usize,
    /// Each code's nonce and the level the person authenticated at.
    codes: HashMap<String, (String, String)>,
    key: (String, Option<String>),
}

/// The federation as a wiremock server (see the module's documentation).
pub struct FederationDouble {
    pub server: MockServer,
    pub federation: Federation,
    pub issuer: String,
    honest: Arc<Mutex<Honest>>,
}

impl PlaysFederation for FederationDouble {
    fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, self.federation, &self.issuer);
        // The signed-userinfo cases send `application/jwt` themselves.
        accept_unsigned_userinfo(settings, self.federation);
    }
}

impl FederationDouble {
    /// Serves every endpoint, the JWKS with `rsa-1`.
    pub async fn start(federation: Federation) -> FederationDouble {
        FederationDouble::start_with(federation, jwks(&["rsa-1"]), None).await
    }

    /// The JWKS `keys`; discovery answered after `delay`, if any.
    pub async fn start_with(
        federation: Federation,
        keys: Value,
        delay: Option<Duration>,
    ) -> FederationDouble {
        let server = MockServer::start().await;
        let issuer = format!("{}/api/v2", server.uri());
        let mut answer = ResponseTemplate::new(200).set_body_json(discovery(&issuer, &issuer));
        if let Some(delay) = delay {
            answer = answer.set_delay(delay);
        }
        Mock::given(method("GET"))
            .and(path("/api/v2/.well-known/openid-configuration"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let fed = FederationDouble {
            server,
            federation,
            issuer,
            honest: Arc::new(Mutex::new(Honest {
                issued: 0,
                codes: HashMap::new(),
                key: ("rsa-1".into(), Some("rsa-1".into())),
            })),
        };
        fed.serve_jwks(keys, HONEST).await;
        fed.serve_userinfo(
            ResponseTemplate::new(200).set_body_json(person(federation)),
            HONEST,
        )
        .await;
        fed.serve_logins().await;
        fed
    }

    pub fn path(&self, endpoint: &str) -> String {
        format!("/api/v2/{endpoint}")
    }

    /// The person's `sub` at this federation.
    pub fn sub(&self) -> String {
        person(self.federation)["sub"].as_str().unwrap().to_owned()
    }

    /// The honest authorization, token and end-session endpoints.
    async fn serve_logins(&self) {
        let (honest, issuer) = (self.honest.clone(), self.issuer.clone());
        Mock::given(method("GET"))
            .and(path(self.path("authorize")))
            .respond_with(move |req: &Request| {
                let q = query_of(req.url.as_str());
                let (Some(CLIENT_ID), Some(redirect_uri), Some(state)) = (
                    q.get("client_id").map(String::as_str),
                    q.get("redirect_uri"),
                    q.get("state"),
                ) else {
                    return ResponseTemplate::new(400)
                        .set_body_string("client_id, redirect_uri and state expected");
                };
                let Ok(mut back) = reqwest::Url::parse(redirect_uri) else {
                    return ResponseTemplate::new(400).set_body_string("bad redirect_uri");
                };
                let mut honest = honest.lock().unwrap();
                honest.issued += 1;
                let code = format!("code-{}", honest.issued);
                let nonce = q.get("nonce").cloned().unwrap_or_default();
                honest.codes.insert(code.clone(), (nonce, level_asked(&q)));
                back.query_pairs_mut()
                    .append_pair("code", &code)
                    .append_pair("state", state)
                    .append_pair("iss", &issuer);
                see_other(&back)
            })
            .with_priority(HONEST)
            .mount(&self.server)
            .await;

        let (honest, issuer, sub) = (self.honest.clone(), self.issuer.clone(), self.sub());
        Mock::given(method("POST"))
            .and(path(self.path("token")))
            .respond_with(move |req: &Request| {
                let form: HashMap<String, String> = url::form_urlencoded::parse(&req.body)
                    .into_owned()
                    .collect();
                let client = (form.get("client_id"), form.get("client_secret"));
                if client != (Some(&CLIENT_ID.into()), Some(&CLIENT_SECRET.into())) {
                    return oauth_error(401, "invalid_client");
                }
                let mut honest = honest.lock().unwrap();
                let code = form.get("code").cloned().unwrap_or_default();
                let Some((nonce, acr)) = honest.codes.remove(&code) else {
                    return oauth_error(400, "invalid_grant");
                };
                let (key, kid) = &honest.key;
                let mut claims = id_token_claims(&issuer, &sub, &nonce);
                claims["acr"] = acr.into();
                let id_token = sign(&claims, key, kid.as_deref());
                token_response(&id_token)
            })
            .with_priority(HONEST)
            .mount(&self.server)
            .await;

        Mock::given(method("GET"))
            .and(path(self.path("session/end")))
            .respond_with(|req: &Request| {
                let q = query_of(req.url.as_str());
                let Some(uri) = q.get("post_logout_redirect_uri") else {
                    return ResponseTemplate::new(200).set_body_string("Vous êtes déconnecté.");
                };
                let Ok(mut back) = reqwest::Url::parse(uri) else {
                    return ResponseTemplate::new(400)
                        .set_body_string("bad post_logout_redirect_uri");
                };
                if let Some(state) = q.get("state") {
                    back.query_pairs_mut().append_pair("state", state);
                }
                see_other(&back)
            })
            .with_priority(HONEST)
            .mount(&self.server)
            .await;
    }

    /// The honest token endpoint signs with the test key `key`, its header
    /// naming `kid`.
    pub fn sign_with(&self, key: &str, kid: Option<&str>) {
        self.honest.lock().unwrap().key = (key.into(), kid.map(str::to_owned));
    }

    /// A key rotation: from now on the federation signs with `key` and its
    /// JWKS holds only that key.
    pub async fn rotate_keys_to(&self, key: &str) {
        self.sign_with(key, Some(key));
        self.serve_jwks(jwks(&[key]), 1).await;
    }

    /// The JWKS answers `keys` (over the mocks of larger `priority`).
    pub async fn serve_jwks(&self, keys: Value, priority: u8) {
        Mock::given(method("GET"))
            .and(path(self.path("jwks")))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys))
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// The discovery document's address answers `answer` (over the mocks
    /// of larger `priority`).
    pub async fn serve_discovery(&self, answer: ResponseTemplate, priority: u8) {
        Mock::given(method("GET"))
            .and(path(self.path(".well-known/openid-configuration")))
            .respond_with(answer)
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// The userinfo endpoint answers `answer` (over the mocks of larger `priority`).
    pub async fn serve_userinfo(&self, answer: ResponseTemplate, priority: u8) {
        Mock::given(method("GET"))
            .and(path(self.path("userinfo")))
            .respond_with(answer)
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// The userinfo endpoint answers `body` as `content_type`.
    pub async fn serve_userinfo_body(&self, body: &str, content_type: &str) {
        let answer = ResponseTemplate::new(200).set_body_raw(body.to_owned(), content_type);
        self.serve_userinfo(answer, 1).await;
    }

    /// The person's userinfo claims as a signed userinfo carries them.
    pub fn userinfo_claims(&self, sub: &str) -> Value {
        let mut claims = person(self.federation);
        claims["sub"] = json!(sub);
        claims["iss"] = json!(self.issuer);
        claims["aud"] = json!(CLIENT_ID);
        claims
    }

    /// The token endpoint answers this ID token, whatever the code.
    pub async fn serve_token(&self, id_token: &str) {
        Mock::given(method("POST"))
            .and(path(self.path("token")))
            .respond_with(token_response(id_token))
            .mount(&self.server)
            .await;
    }

    /// The token endpoint must not be called (checked by [`FederationDouble::verify`]).
    pub async fn forbid_token_call(&self) {
        Mock::given(method("POST"))
            .and(path(self.path("token")))
            .respond_with(ResponseTemplate::new(500))
            .expect(0)
            .mount(&self.server)
            .await;
    }

    /// Fails if an expectation (e.g. [`FederationDouble::forbid_token_call`]) was not met.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// Correct ID token claims for a login with this `nonce`.
    pub fn claims(&self, nonce: &str) -> Value {
        id_token_claims(&self.issuer, &self.sub(), nonce)
    }

    /// How many requests `endpoint` received (e.g. `"jwks"`).
    pub async fn requests_to(&self, endpoint: &str) -> usize {
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
    pub async fn wait_for_discovery(&self) {
        eventually(
            "the portal fetched the JWKS",
            Duration::from_secs(5),
            || async { self.requests_to("jwks").await > 0 },
        )
        .await;
    }

    /// A whole login in `app`'s browser: the federation's button, the
    /// double's authorization endpoint, then the portal's callback, whose
    /// response is returned.
    pub async fn log_in(&self, app: &TestApp) -> reqwest::Response {
        let res = app
            .post(&format!("/connexion/{}", self.federation.id()))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "to the federation");
        let res = app.client.get(location(&res)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "back to the portal");
        app.client.get(location(&res)).send().await.unwrap()
    }

    /// The callback answered with a redirect to the account page, which
    /// shows this federation's person.
    pub async fn assert_logged_in(&self, app: &TestApp, res: reqwest::Response) {
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (res, visited) = follow(&app.client, res).await;
        assert_eq!(res.status(), StatusCode::OK, "{visited:#?}");
        assert_eq!(res.url().path(), "/compte");
        let doc = html(res).await;
        assert_eq!(
            text_of(&doc, "#identity-name"),
            display_name(self.federation)
        );
        assert_eq!(text_of(&doc, "#identity-acr"), "eidas1");
    }
}

/// The level a person authenticates at: the highest eIDAS level the
/// request asks (`acr_values`, or ProConnect's `claims`), else `eidas1`.
fn level_asked(q: &HashMap<String, String>) -> String {
    let from_claims = q
        .get("claims")
        .and_then(|c| serde_json::from_str::<Value>(c).ok())
        .and_then(|c| c["id_token"]["acr"]["values"].as_array().cloned())
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        });
    let asked = from_claims.unwrap_or_else(|| {
        q.get("acr_values")
            .map(|v| v.split(' ').map(str::to_owned).collect())
            .unwrap_or_default()
    });
    asked
        .into_iter()
        .filter(|a| a.starts_with("eidas"))
        .max()
        .unwrap_or_else(|| "eidas1".into())
}

fn see_other(url: &reqwest::Url) -> ResponseTemplate {
    ResponseTemplate::new(303).insert_header("location", url.as_str())
}

fn oauth_error(status: u16, error: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

fn token_response(id_token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 60,
        "id_token": id_token,
    }))
}

fn id_token_claims(issuer: &str, sub: &str, nonce: &str) -> Value {
    json!({
        "iss": issuer,
        "aud": CLIENT_ID,
        "sub": sub,
        "exp": unix_now() + 60,
        "iat": unix_now(),
        "nonce": nonce,
        "acr": "eidas1",
        "amr": ["pwd"],
    })
}

// ---------------------------------------------------------------------------
// Driving a login by hand

/// What the authorization request carried.
pub struct Started {
    pub state: String,
    pub nonce: String,
}

/// Clicks the federation's button: 303 to the double's authorization
/// endpoint, not followed.
pub async fn start_login(app: &TestApp, fed: &FederationDouble) -> Started {
    let res = app
        .post(&format!("/connexion/{}", fed.federation.id()))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    assert!(
        url.starts_with(&format!("{}/authorize?", fed.issuer)),
        "sent to the federation: {url}"
    );
    let q = query_of(url);
    Started {
        state: q["state"].clone(),
        nonce: q["nonce"].clone(),
    }
}

/// The federation's redirect back, as the browser `client` would follow it.
pub async fn deliver(
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
pub async fn callback(app: &TestApp, fed: &FederationDouble, state: &str) -> reqwest::Response {
    deliver(
        &app.client,
        &app.url(&callback_path(fed.federation)),
        state,
        Some(&fed.issuer),
    )
    .await
}
