//! What a stranger can make the portal keep is bounded (README
//! "Exploitation", limits): each oversized value is refused with a clear
//! OAuth error or page, never kept, never a server error. And the probes a
//! load balancer asks: liveness and readiness.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{
    AUTHORIZE_PARAMETER_LIMITS, Demarche, MAX_AUTHORIZE_REQUEST_BYTES, MAX_STATE_BYTES,
    set_locales_dir,
};

const CLIENT: &str = "demarche-bornee";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// The portal with the démarche whose values are bounded.
fn portal() -> Portal {
    Portal::new().demarche(
        Demarche::confidential(
            CLIENT,
            "demarche-bornee-secret-0123456789",
            "Démarche bornée",
            REDIRECT,
        )
        .after_logout("http://127.0.0.1:9/au-revoir")
        .discovery_return("http://127.0.0.1:9/retour"),
    )
}

fn authorize(extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid"),
    ];
    params.extend_from_slice(extra);
    authorize_path(&params)
}

fn error_back(res: &reqwest::Response) -> std::collections::HashMap<String, String> {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(res);
    assert!(url.starts_with(REDIRECT), "{url}");
    query_of(url)
}

#[tokio::test]
async fn oversized_authorization_values_go_back_to_the_demarche_as_invalid_request() {
    let app = portal().start().await;
    let long = |n| "a".repeat(n);
    for (name, max) in AUTHORIZE_PARAMETER_LIMITS {
        let value = long(max + 1);
        let mut extra = vec![(*name, value.as_str())];
        if *name != "state" {
            extra.push(("state", "etat"));
        }
        let q = error_back(&app.get(&authorize(&extra)).await);
        assert_eq!(q["error"], "invalid_request", "{name}");
        assert!(q["error_description"].contains(name), "{name}: {q:?}");
        // An oversized state is not echoed (nor kept); another one is.
        let echoed = (*name != "state").then_some("etat");
        assert_eq!(q.get("state").map(String::as_str), echoed, "{name}");
    }
    // The largest allowed values are taken (the request is parked).
    let state = long(MAX_STATE_BYTES);
    let res = app
        .get(&authorize(&[("state", &state), ("nonce", &long(512))]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).starts_with("/?demande="),
        "{}",
        location(&res)
    );
    // The whole request: at most 8 KiB.
    let padding = long(MAX_AUTHORIZE_REQUEST_BYTES);
    let q = error_back(
        &app.get(&authorize(&[("state", "etat"), ("x", &padding)]))
            .await,
    );
    assert_eq!(q["error"], "invalid_request");
    assert!(q["error_description"].contains("too large"));
}

#[tokio::test]
async fn oversized_bodies_and_discovery_values_get_a_clear_answer() {
    let app = portal().start().await;
    let body = "a".repeat(20 * 1024);
    // A form: the localized page.
    let res = app
        .client
        .post(app.url("/connexion/franceconnect"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(text_of(&html(res).await, "h1"), "Demande trop volumineuse");
    // The token endpoint: OAuth JSON.
    let res = app
        .client
        .post(app.url("/oidc/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"], "invalid_request");

    // Discovery: `return` at most 2 KiB, `returnIDParam` a short name.
    let long_return = format!("http://127.0.0.1:9/retour?x={}", "a".repeat(2048));
    let mut url = reqwest::Url::parse(&app.url("/decouverte")).unwrap();
    url.query_pairs_mut().append_pair("return", &long_return);
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(text_of(&html(res).await, "h1"), "Demande trop volumineuse");
    for bad in ["", "x\"><script>", &"p".repeat(65)] {
        let mut url = reqwest::Url::parse(&app.url("/decouverte")).unwrap();
        url.query_pairs_mut()
            .append_pair("return", "http://127.0.0.1:9/retour")
            .append_pair("returnIDParam", bad);
        let res = app.client.get(url).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "returnIDParam {bad:?}"
        );
    }
    let res = app
        .get("/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2Fretour&returnIDParam=idp")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Logout: the démarche's state is echoed, so it is bounded too.
    let mut url = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT)
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9/au-revoir")
        .append_pair("state", &"s".repeat(1025));
    let res = app.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn readiness_says_whether_the_store_answers_and_the_texts_are_complete() {
    let app = portal().start().await;
    for probe in ["/healthz", "/readyz"] {
        let res = app.get(probe).await;
        assert_eq!(res.status(), StatusCode::OK, "{probe}");
        assert_eq!(res.headers()["cache-control"], "no-store");
    }
    assert_eq!(app.get("/readyz").await.text().await.unwrap(), "ready");

    // A text the pages use is missing in both languages (files still
    // valid): alive, but not ready.
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for lang in ["fr", "en"] {
        std::fs::create_dir_all(dir.path().join(lang)).unwrap();
        for entry in std::fs::read_dir(root.join(lang)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with("error-too-large-body"))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(dir.path().join(lang).join(path.file_name().unwrap()), kept).unwrap();
        }
    }
    // A folder lacking a text is refused at start: the portal serves the
    // texts built into it (live texts), complete, so it is ready, and
    // says the folder is refused.
    let incomplete = Portal::new()
        .settings(|s| set_locales_dir(s, dir.path()))
        .start()
        .await;
    assert_eq!(incomplete.get("/healthz").await.status(), StatusCode::OK);
    let res = incomplete.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.text().await.unwrap(),
        "ready; text edit refused: the last good texts are served (see the log)"
    );
}
