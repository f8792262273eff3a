//! Token-level attacks on the login callback. The federation is the
//! wiremock double (`federation_double.rs`): it signs, for each case, the
//! ID token (or userinfo) an attacker or a broken federation would send.
//! The happy paths against a real OpenID provider are in `login.rs`.
//!
//! Most cases are rows of a table run through one check (`run_cases`):
//! the logins accepted, the ID tokens with a wrong claim, those not signed
//! by the federation, the forged userinfos. A failure names its row.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::federation_double::*;
use crate::helpers::*;
use crate::internals::{
    CLIENT_ID, CLIENT_SECRET, Federation, callback_path, set_federation_timeout_ms, unix_now as now,
};

const REJECTED: &str = "Connexion non vérifiée";
const EXPIRED: &str = "Demande de connexion expirée";
const JSON: &str = "application/json";
const JWT: &str = "application/jwt";

async fn assert_rejected(app: &TestApp, res: reqwest::Response, secrets: &[&str]) {
    assert_error_page(app, res, StatusCode::FORBIDDEN, REJECTED, secrets).await;
}

/// One login at `fed` whose token endpoint answers the ID token `make`
/// builds from the correct claims; returns the portal, that ID token and
/// the callback's response.
async fn login_with_id_token(
    fed: &FederationDouble,
    make: impl FnOnce(&FederationDouble, Value) -> String,
) -> (TestApp, String, reqwest::Response) {
    let app = Portal::new().federation(fed).start().await;
    let login = start_login(&app, fed).await;
    let id_token = make(fed, fed.claims(&login.nonce));
    fed.serve_token(&id_token).await;
    let res = callback(&app, fed, &login.state).await;
    (app, id_token, res)
}

// ---------------------------------------------------------------------------
// Logins the portal accepts

/// A correct login: `federation` serves the JWKS `keys`, signs the ID token
/// with the test key `key` naming `kid` and, with `signed_userinfo`, the
/// userinfo too (else it is JSON). The person is logged in.
async fn is_accepted(
    federation: Federation,
    keys: Value,
    key: &'static str,
    kid: Option<&'static str>,
    signed_userinfo: bool,
) {
    let fed = FederationDouble::start_with(federation, keys, None).await;
    if signed_userinfo {
        let userinfo = sign(&fed.userinfo_claims(&fed.sub()), key, kid);
        fed.serve_userinfo_body(&userinfo, JWT).await;
    }
    let (app, _, res) = login_with_id_token(&fed, |_, claims| sign(&claims, key, kid)).await;
    fed.assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn correctly_signed_logins_are_accepted() {
    use Federation::{FranceConnect, ProConnect};
    let rsa_1 = || jwks(&["rsa-1"]);
    // (case, federation, JWKS served, signing key, kid, userinfo signed too)
    let cases = [
        // The control case: every rejection below changes one thing in it.
        (
            "the_mock_federation_logs_in_with_a_correct_id_token",
            ProConnect,
            rsa_1(),
            "rsa-1",
            Some("rsa-1"),
            false,
        ),
        (
            "an_es256_id_token_is_accepted",
            ProConnect,
            jwks(&["rsa-1", "ec-1"]),
            "ec-1",
            Some("ec-1"),
            false,
        ),
        (
            "a_signed_userinfo_with_a_good_signature_is_accepted",
            ProConnect,
            rsa_1(),
            "rsa-1",
            Some("rsa-1"),
            true,
        ),
        (
            "a_jwks_with_one_key_without_kid_is_accepted (RS256, as ProConnect signs)",
            ProConnect,
            jwks_without_kid("rsa-1"),
            "rsa-1",
            None,
            false,
        ),
        (
            "a_jwks_with_one_key_without_kid_is_accepted (ES256 and a signed userinfo, as FranceConnect)",
            FranceConnect,
            jwks_without_kid("ec-1"),
            "ec-1",
            None,
            true,
        ),
    ];
    run_cases(
        cases.map(|(name, federation, keys, key, kid, signed_userinfo)| {
            (
                name,
                is_accepted(federation, keys, key, kid, signed_userinfo),
            )
        }),
    )
    .await;
}

// ---------------------------------------------------------------------------
// ID tokens the portal rejects

/// The callback refuses the login answered with the ID token `forge` makes
/// from the correct claims: the rejection page, nobody logged in, and on
/// the page no internals, no token, no secret, not the person; the JWKS is
/// fetched again at most once (no hammering).
async fn is_rejected(forge: impl FnOnce(&FederationDouble, Value) -> String) {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let (app, token, res) = login_with_id_token(&fed, forge).await;
    let sub = fed.sub();
    let never_shown = [token.as_str(), ACCESS_TOKEN, &sub, "nonce", CLIENT_SECRET];
    assert_rejected(&app, res, &never_shown).await;
    assert!(fed.requests_to("jwks").await <= 3, "no JWKS hammering");
}

fn remove(claims: &mut Value, name: &str) {
    claims.as_object_mut().unwrap().remove(name);
}

/// The correct claims with one changed, signed by the federation.
type ChangeClaims = fn(&FederationDouble, &mut Value);
const WRONG_CLAIMS: &[(&str, ChangeClaims)] = &[
    ("an_id_token_with_another_nonce_is_rejected", |_, c| {
        c["nonce"] = json!("a-nonce-from-another-login-0123456789abcdef")
    }),
    ("an_id_token_without_nonce_is_rejected", |_, c| {
        remove(c, "nonce")
    }),
    ("an_id_token_from_another_issuer_is_rejected", |fed, c| {
        c["iss"] = json!(format!("{}/api/v3", fed.server.uri()))
    }),
    ("an_id_token_for_another_client_is_rejected", |_, c| {
        c["aud"] = json!("another-client")
    }),
    (
        "an_id_token_also_for_an_untrusted_audience_is_rejected",
        |_, c| c["aud"] = json!([CLIENT_ID, "another-client"]),
    ),
    ("an_expired_id_token_is_rejected", |_, c| {
        c["iat"] = json!(now() - 900);
        c["exp"] = json!(now() - 600);
    }),
    ("an_id_token_issued_in_the_future_is_rejected", |_, c| {
        c["iat"] = json!(now() + 3600);
        c["exp"] = json!(now() + 3660);
    }),
    ("an_id_token_without_iat_is_rejected", |_, c| {
        remove(c, "iat")
    }),
    ("an_id_token_without_sub_is_rejected", |_, c| {
        remove(c, "sub")
    }),
    ("an_acr_lower_than_asked_is_rejected", |_, c| {
        c["acr"] = json!("eidas0")
    }),
    (
        "an_id_token_without_acr_is_rejected_when_a_level_was_asked",
        |_, c| remove(c, "acr"),
    ),
    (
        "an_at_hash_that_does_not_match_the_access_token_is_rejected",
        |_, c| {
            // Left half of SHA-256 of another access token.
            c["at_hash"] = json!("aUAkJG-u6x4RTWuILWy-CA")
        },
    ),
];

#[tokio::test]
async fn an_id_token_with_a_wrong_or_missing_claim_is_rejected() {
    run_cases(WRONG_CLAIMS.iter().map(|&(name, change)| {
        let forge = move |fed: &FederationDouble, mut claims: Value| {
            change(fed, &mut claims);
            signed(&claims)
        };
        (name, is_rejected(forge))
    }))
    .await;
}

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

/// [`RSA_1_PUBLIC_PEM`], after checking that it really is rsa-1's public
/// key: it verifies rsa-1's signatures.
fn rsa_1_public_pem() -> &'static [u8] {
    let probe = sign(&json!({"sub": "probe"}), "rsa-1", None);
    let key = DecodingKey::from_rsa_pem(RSA_1_PUBLIC_PEM.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    jsonwebtoken::decode::<Value>(&probe, &key, &validation).expect("rsa-1 public key");
    RSA_1_PUBLIC_PEM.as_bytes()
}

/// The correct claims, not signed by the federation's key.
type Sign = fn(&Value) -> String;
const FORGED_SIGNATURES: &[(&str, Sign)] = &[
    (
        "an_id_token_signed_by_an_attacker_with_the_real_kid_is_rejected",
        |c| sign(c, "rsa-attacker", Some("rsa-1")),
    ),
    // Unknown kid: the portal refreshes the keys once, then still refuses.
    (
        "an_id_token_signed_by_an_attacker_key_unknown_to_the_jwks_is_rejected",
        |c| sign(c, "rsa-attacker", Some("rsa-attacker")),
    ),
    ("an_unsigned_id_token_alg_none_is_rejected", unsigned),
    (
        "an_hs256_id_token_keyed_with_the_rsa_public_key_is_rejected",
        |c| sign_hs256(c, rsa_1_public_pem(), Some("rsa-1")),
    ),
    (
        "an_hs256_id_token_keyed_with_the_served_jwk_is_rejected",
        |c| sign_hs256(c, jwk("rsa-1").to_string().as_bytes(), None),
    ),
    // Spec-valid for a confidential client, but HMAC is not in the allow-list.
    (
        "an_hs256_id_token_keyed_with_the_client_secret_is_rejected",
        |c| sign_hs256(c, CLIENT_SECRET.as_bytes(), None),
    ),
];

#[tokio::test]
async fn an_id_token_not_signed_by_the_federation_is_rejected() {
    run_cases(
        FORGED_SIGNATURES
            .iter()
            .map(|&(name, forge)| (name, is_rejected(move |_, claims| forge(&claims)))),
    )
    .await;
}

// ---------------------------------------------------------------------------
// Userinfo answers the portal rejects

/// The userinfo endpoint answers what `forge` makes (a body and its content
/// type) to a correct ID token: the rejection page, nobody logged in, and
/// on the page neither token, nor the userinfo, nor what it claims.
async fn userinfo_is_rejected(forge: UserinfoForge) {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let (userinfo, content_type) = forge(&fed);
    fed.serve_userinfo_body(&userinfo, content_type).await;
    let (app, id_token, res) = login_with_id_token(&fed, |_, claims| signed(&claims)).await;
    let never_shown = [
        userinfo.as_str(),
        &id_token,
        ACCESS_TOKEN,
        "Mallory",
        CLIENT_SECRET,
    ];
    assert_rejected(&app, res, &never_shown).await;
}

/// The person's userinfo signed by the federation, its payload then
/// replaced by one that says Mallory.
fn tampered_userinfo(fed: &FederationDouble) -> String {
    let good = signed(&fed.userinfo_claims(&fed.sub()));
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims = fed.userinfo_claims(&fed.sub());
    claims["given_name"] = json!("Mallory");
    format!(
        "{}.{}.{}",
        parts[0],
        b64(claims.to_string().as_bytes()),
        parts[2]
    )
}

type UserinfoForge = fn(&FederationDouble) -> (String, &'static str);
const FORGED_USERINFO: &[(&str, UserinfoForge)] = &[
    ("a_userinfo_about_another_person_is_rejected", |_| {
        let about =
            json!({"sub": "someone-else", "given_name": "Mallory", "usual_name": "Attaquant"});
        (about.to_string(), JSON)
    }),
    (
        "a_signed_userinfo_with_a_bad_signature_is_rejected",
        |fed| {
            let claims = fed.userinfo_claims(&fed.sub());
            (sign(&claims, "rsa-attacker", Some("rsa-1")), JWT)
        },
    ),
    (
        "a_signed_userinfo_with_a_tampered_payload_is_rejected",
        |fed| (tampered_userinfo(fed), JWT),
    ),
    (
        "a_signed_userinfo_alg_none_or_hs256_is_rejected (alg none)",
        |fed| (unsigned(&fed.userinfo_claims(&fed.sub())), JWT),
    ),
    (
        "a_signed_userinfo_alg_none_or_hs256_is_rejected (HS256)",
        |fed| {
            let claims = fed.userinfo_claims(&fed.sub());
            (sign_hs256(&claims, CLIENT_SECRET.as_bytes(), None), JWT)
        },
    ),
    (
        "a_signed_userinfo_about_another_person_is_rejected",
        |fed| (signed(&fed.userinfo_claims("someone-else")), JWT),
    ),
    ("a_signed_userinfo_expired_an_hour_ago_is_rejected", |fed| {
        let mut claims = fed.userinfo_claims(&fed.sub());
        claims["exp"] = json!(now() - 3600);
        (signed(&claims), JWT)
    }),
    ("a_signed_userinfo_for_another_client_is_rejected", |fed| {
        let mut claims = fed.userinfo_claims(&fed.sub());
        claims["aud"] = json!("another-client");
        (signed(&claims), JWT)
    }),
];

#[tokio::test]
async fn a_forged_or_foreign_userinfo_is_rejected() {
    run_cases(
        FORGED_USERINFO
            .iter()
            .map(|&(name, forge)| (name, userinfo_is_rejected(forge))),
    )
    .await;
}

// ---------------------------------------------------------------------------
// Callbacks the portal refuses before any code exchange

#[tokio::test]
async fn an_unknown_state_is_refused_as_expired() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = Portal::new().federation(&fed).start().await;
    let _real = start_login(&app, &fed).await;
    fed.forbid_token_call().await;
    let res = callback(&app, &fed, "forged-state-0123456789abcdefghijklmnopqrstuv").await;
    assert_error_page(&app, res, StatusCode::BAD_REQUEST, EXPIRED, &[]).await;
    fed.verify().await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused_as_expired() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = Portal::new().federation(&fed).start().await;
    let login = start_login(&app, &fed).await;
    let id_token = sign(&fed.claims(&login.nonce), "rsa-1", Some("rsa-1"));
    fed.serve_token(&id_token).await;
    let first = callback(&app, &fed, &login.state).await;
    let replay_url = first.url().clone();
    fed.assert_logged_in(&app, first).await;

    // The same browser replays it: the state was used.
    let res = app.client.get(replay_url.clone()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), EXPIRED);
    // Someone who stole the URL gets nothing either.
    let thief = app.in_another_browser();
    let res = thief.client.get(replay_url).send().await.unwrap();
    assert_error_page(&thief, res, StatusCode::BAD_REQUEST, EXPIRED, &[&id_token]).await;
    assert_eq!(fed.requests_to("token").await, 1, "one code exchange");
}

#[tokio::test]
async fn a_response_naming_another_issuer_is_rejected_before_the_code_is_used() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let other = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new()
        .federation(&fed)
        .federation(&other)
        .start()
        .await;
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
    let pc = FederationDouble::start(Federation::ProConnect).await;
    let fc = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new().federation(&pc).federation(&fc).start().await;
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
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = Portal::new().federation(&fed).start().await;
    fed.forbid_token_call().await;
    // A fresh browser without any session.
    let victim = start_login(&app, &fed).await;
    let fresh = app.in_another_browser();
    let res = callback(&fresh, &fed, &victim.state).await;
    assert_rejected(&fresh, res, &[]).await;
    // A browser with its own login in progress (its own binding).
    let victim = start_login(&app, &fed).await;
    let attacker = app.in_another_browser();
    let _own = start_login(&attacker, &fed).await;
    let res = callback(&attacker, &fed, &victim.state).await;
    assert_rejected(&attacker, res, &[]).await;
    assert_no_session(&app).await;
    fed.verify().await;
}

// ---------------------------------------------------------------------------
// Keys and availability

#[tokio::test]
async fn a_key_rotation_is_followed_with_one_jwks_refetch() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = Portal::new().federation(&fed).start().await;
    fed.wait_for_discovery().await;
    // A first person logs in: tokens signed with rsa-1, the keys the portal holds.
    let res = fed.log_in(&app).await;
    fed.assert_logged_in(&app, res).await;
    // The federation now signs with rsa-2 and serves only rsa-2.
    fed.rotate_keys_to("rsa-2").await;
    let before = fed.requests_to("jwks").await;
    // A second person (a new browser) logs in with tokens signed by the new key.
    let second = app.in_another_browser();
    let res = fed.log_in(&second).await;
    fed.assert_logged_in(&second, res).await;
    assert_eq!(
        fed.requests_to("jwks").await,
        before + 1,
        "the keys are fetched again once"
    );
}

#[tokio::test]
async fn a_federation_slower_than_its_timeout_gets_a_clear_page_quickly() {
    let fed = FederationDouble::start_with(
        Federation::ProConnect,
        jwks(&["rsa-1"]),
        Some(Duration::from_secs(3)),
    )
    .await;
    let app = Portal::new()
        .federation(&fed)
        .settings(|s| set_federation_timeout_ms(s, Federation::ProConnect, 1000))
        .start()
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
    let fed = FederationDouble::start(Federation::ProConnect).await;
    Mock::given(method("GET"))
        .and(path(fed.path(".well-known/openid-configuration")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(discovery(&fed.issuer, "https://attacker.example/api/v2")),
        )
        .with_priority(1)
        .mount(&fed.server)
        .await;
    let app = Portal::new().federation(&fed).start().await;
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
