//! The token and userinfo endpoints: what a code gives, and every way a
//! code or a client is refused. The person logs in at the double
//! (FranceConnect) first.

use reqwest::StatusCode;

use super::*;
use crate::internals::set_code_ttl_seconds;

/// The token endpoint refuses `form` from `client` (HTTP Basic) with
/// `invalid_grant`; `case` says which refusal failed.
async fn assert_invalid_grant(
    app: &TestApp,
    form: &[(&str, &str)],
    client: (&str, &str),
    case: &str,
) {
    let (_, error) = token_error(exchange(app, form, Some(client)).await).await;
    assert_eq!(error, "invalid_grant", "{case}");
}

#[tokio::test]
async fn a_code_gives_a_signed_id_token_and_userinfo_with_a_pairwise_sub() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let res = exchange(&app, &code_form(&code), Some((CLIENT, SECRET))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let claims = verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
    assert_eq!(claims["nonce"], "nonce-de-la-demarche");
    assert_eq!(claims["idp"], "franceconnect");
    assert_eq!(claims["acr"], "eidas1");
    assert_eq!(claims["given_name"], "Angela Claire Louise");
    assert_eq!(claims["family_name"], "DUBOIS");
    assert!(claims["auth_time"].is_i64() && claims["at_hash"].is_string());
    let sub = claims["sub"].as_str().unwrap().to_owned();
    let info: serde_json::Value = userinfo(&app, body["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(info["idp"], "franceconnect");
    assert_eq!(info["birthdate"], "1962-08-24", "federation claims kept");
    // Same person, same démarche: same sub (SSO, no new federation login);
    // another démarche: another sub.
    let again = code_for(&app, &standard(CLIENT, &[])).await;
    assert_eq!(fc.requests_to("authorize").await, 1, "single sign-on");
    let res = exchange(
        &app,
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
    let other = code_for(&app, &standard(OTHER, &[])).await;
    let body3 = tokens(&app, &other, (OTHER, OTHER_SECRET)).await;
    assert_ne!(
        decode_claims(body3["id_token"].as_str().unwrap()).1["sub"],
        sub.as_str(),
        "pairwise per démarche"
    );
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_its_tokens() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let first = tokens(&app, &code, (CLIENT, SECRET)).await;
    let access = first["access_token"].as_str().unwrap().to_owned();
    assert_eq!(userinfo(&app, &access).await.status(), StatusCode::OK);
    let (status, error) =
        token_error(exchange(&app, &code_form(&code), Some((CLIENT, SECRET))).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    let res = userinfo(&app, &access).await;
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
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| set_code_ttl_seconds(s, 1))
        .start()
        .await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    app.clock().advance(std::time::Duration::from_millis(1500));
    assert_invalid_grant(&app, &code_form(&code), (CLIENT, SECRET), "expired").await;
}

#[tokio::test]
async fn a_code_used_by_another_client_or_with_another_redirect_uri_is_refused() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    assert_invalid_grant(
        &app,
        &code_form(&code),
        (OTHER, OTHER_SECRET),
        "another client",
    )
    .await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:9/ailleurs"),
    ];
    assert_invalid_grant(&app, &form, (CLIENT, SECRET), "another redirect URI").await;
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let form = code_form(&code);
    let res = exchange(&app, &form, Some((CLIENT, "pas-le-bon-secret"))).await;
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
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
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
        let code = code_for(&app, params).await;
        let mut form = code_form(&code).to_vec();
        if let Some(v) = sent_verifier {
            form.push(("code_verifier", v));
        }
        assert_invalid_grant(&app, &form, (CLIENT, SECRET), case).await;
    }
    // Downgrade: a verifier for a code obtained without a challenge.
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let form = [
        &code_form(&code)[..],
        &[("code_verifier", verifier.as_str())],
    ]
    .concat();
    assert_invalid_grant(&app, &form, (CLIENT, SECRET), "downgrade").await;
    // The right verifier works, for a public client too.
    let public = standard(
        PUBLIC,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let code = code_for(&app, &public).await;
    let form = [
        &code_form(&code)[..],
        &[("client_id", PUBLIC), ("code_verifier", verifier.as_str())],
    ]
    .concat();
    assert_eq!(exchange(&app, &form, None).await.status(), StatusCode::OK);
}

/// A token response is read once (`no-store`) and fits in one TCP segment:
/// it goes as it is even to a client that accepts gzip (compressing it
/// would save no packet).
#[tokio::test]
async fn a_token_response_fitting_one_tcp_segment_goes_uncompressed_even_when_gzip_is_accepted() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let res = reqwest::Client::new()
        .post(app.url("/oidc/token"))
        .header("Accept-Encoding", "gzip")
        .basic_auth(CLIENT, Some(SECRET))
        .form(&code_form(&code))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("content-encoding").is_none());
    let body = res.bytes().await.unwrap();
    assert!(body.len() < 1460, "{} bytes", body.len());
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(json["id_token"].is_string());
}

/// Back from the federation, the callback sends the browser straight to the
/// démarche with its code: three stops at the portal and the federation
/// (authorize, the federation, the callback), no detour through
/// `/oidc/reprise/…` (a round trip less for the person).
#[tokio::test]
async fn the_callback_sends_the_browser_straight_back_to_the_demarche_with_its_code() {
    use crate::internals::{Federation, callback_path};
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let Journey { back, hops, .. } = journey(
        &app.client,
        &authorize_url(&app, &standard(CLIENT, &[])),
        None,
    )
    .await;
    let paths: Vec<&str> = hops.iter().map(|u| u.path()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(paths[0], "/oidc/authorize");
    assert!(
        paths[1].ends_with("/authorize"),
        "the federation: {paths:?}"
    );
    assert_eq!(paths[2], callback_path(Federation::FranceConnect));
    assert!(query_of(back.as_str()).contains_key("code"), "{back}");
    // The resume route still answers a browser sent there, once.
    let again = app.get("/oidc/reprise/unknown-request-id").await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}
