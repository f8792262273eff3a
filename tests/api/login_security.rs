//! Token-level attacks on the login callback. The federation is the
//! wiremock double (`federation_double.rs`): it signs, for each case, the
//! ID token (or userinfo) an attacker or a broken federation would send.
//! The happy paths against a real OpenID provider are in `login.rs`.

use std::time::{Duration, Instant};

use jsonwebtoken::Algorithm;
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::federation_double::*;
use crate::helpers::*;
use crate::internals::{
    CLIENT_ID, CLIENT_SECRET, Federation, callback_path, set_federation_timeout_ms, unix_now as now,
};

const SUB: &str = "7f3c9a2e-sub-of-jean-michel";
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

async fn assert_rejected(app: &TestApp, res: reqwest::Response, secrets: &[&str]) {
    assert_error_page(app, res, StatusCode::FORBIDDEN, REJECTED, secrets).await;
}

/// One ProConnect login whose token endpoint answers the ID token `make`
/// builds from the correct claims; returns the callback's response.
async fn login_with_id_token(
    make: impl FnOnce(&FederationDouble, Value) -> String,
) -> (TestApp, FederationDouble, String, reqwest::Response) {
    let fed = FederationDouble::start(Federation::ProConnect).await;
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
    let (app, fed, _, res) =
        login_with_id_token(|_, claims| sign(&claims, "rsa-1", Some("rsa-1"))).await;
    fed.assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn an_unknown_state_is_refused_as_expired() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    let _real = start_login(&app, &fed).await;
    fed.forbid_token_call().await;
    let res = callback(&app, &fed, "forged-state-0123456789abcdefghijklmnopqrstuv").await;
    assert_error_page(&app, res, StatusCode::BAD_REQUEST, EXPIRED, &[]).await;
    fed.verify().await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused_as_expired() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
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
    let fed = FederationDouble::start(Federation::ProConnect).await;
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
    make: impl FnOnce(&FederationDouble) -> String,
) -> (TestApp, FederationDouble, String, reqwest::Response) {
    let fed = FederationDouble::start(Federation::ProConnect).await;
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
    (app, fed, userinfo, res)
}

fn userinfo_claims(fed: &FederationDouble, sub: &str) -> Value {
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
    let (app, fed, _, res) =
        login_with_signed_userinfo(|fed| sign(&userinfo_claims(fed, SUB), "rsa-1", Some("rsa-1")))
            .await;
    fed.assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn a_signed_userinfo_with_a_bad_signature_is_rejected() {
    let (app, _fed, userinfo, res) = login_with_signed_userinfo(|fed| {
        sign(&userinfo_claims(fed, SUB), "rsa-attacker", Some("rsa-1"))
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
}

#[tokio::test]
async fn a_signed_userinfo_with_a_tampered_payload_is_rejected() {
    let (app, _fed, userinfo, res) = login_with_signed_userinfo(|fed| {
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
    let (app, _fed, userinfo, res) = login_with_signed_userinfo(|fed| {
        format!(
            "{}.{}.",
            b64(br#"{"alg":"none"}"#),
            b64(userinfo_claims(fed, SUB).to_string().as_bytes())
        )
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
    let (app, _fed, userinfo, res) = login_with_signed_userinfo(|fed| {
        sign_hs256(&userinfo_claims(fed, SUB), CLIENT_SECRET.as_bytes(), None)
    })
    .await;
    assert_rejected(&app, res, &[&userinfo]).await;
}

#[tokio::test]
async fn a_signed_userinfo_about_another_person_is_rejected() {
    let (app, _fed, userinfo, res) = login_with_signed_userinfo(|fed| {
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
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let other = FederationDouble::start(Federation::FranceConnect).await;
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
    let pc = FederationDouble::start(Federation::ProConnect).await;
    let fc = FederationDouble::start(Federation::FranceConnect).await;
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
    let fed = FederationDouble::start(Federation::ProConnect).await;
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
    // RS256 as ProConnect signs; ES256 with a signed userinfo as
    // FranceConnect does: neither the ID token nor the userinfo names a kid.
    for (federation, key, signed_userinfo) in [
        (Federation::ProConnect, "rsa-1", false),
        (Federation::FranceConnect, "ec-1", true),
    ] {
        let fed = FederationDouble::start_with(federation, jwks_without_kid(key), None).await;
        if signed_userinfo {
            let userinfo = sign(&fed.userinfo_claims(&fed.sub()), key, None);
            fed.serve_userinfo_body(&userinfo, "application/jwt").await;
        }
        let app = portal(&[&fed]).await;
        let login = start_login(&app, &fed).await;
        fed.serve_token(&sign(&fed.claims(&login.nonce), key, None))
            .await;
        let res = callback(&app, &fed, &login.state).await;
        fed.assert_logged_in(&app, res).await;
    }
}

#[tokio::test]
async fn an_es256_id_token_is_accepted() {
    let fed =
        FederationDouble::start_with(Federation::ProConnect, jwks(&["rsa-1", "ec-1"]), None).await;
    let app = portal(&[&fed]).await;
    let login = start_login(&app, &fed).await;
    fed.serve_token(&sign(&fed.claims(&login.nonce), "ec-1", Some("ec-1")))
        .await;
    let res = callback(&app, &fed, &login.state).await;
    fed.assert_logged_in(&app, res).await;
}

#[tokio::test]
async fn a_key_rotation_is_followed_with_one_jwks_refetch() {
    let fed = FederationDouble::start(Federation::ProConnect).await;
    let app = portal(&[&fed]).await;
    fed.wait_for_discovery().await;
    // A first person logs in: tokens signed with rsa-1, the keys the portal holds.
    let res = fed.log_in(&app).await;
    fed.assert_logged_in(&app, res).await;
    // The federation now signs with rsa-2 and serves only rsa-2.
    fed.rotate_keys_to("rsa-2").await;
    let before = fed.requests_to("jwks").await;
    // A second person (a new browser) logs in with tokens signed by the new key.
    let second = TestApp {
        address: app.address.clone(),
        client: browser(),
    };
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
    let app = portal_with(&[&fed], |s| {
        set_federation_timeout_ms(s, Federation::ProConnect, 1000);
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
