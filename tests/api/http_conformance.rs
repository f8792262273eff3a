//! HTTP as proxies, caches and machines expect it, over every route the
//! portal registers (its own route table): HEAD wherever GET is, 405 with
//! `Allow` for any other method (a localized page, or OAuth JSON on the
//! token and userinfo endpoints), `Cache-Control` on every answer and
//! `Vary` on every page; static files pre-compressed under hashed names;
//! OAuth JSON for every malformed token request.

use std::io::Read;

use base64::Engine;
use reqwest::{Method, StatusCode};

use crate::helpers::*;
use crate::internals::{Demarche, Settings, enable_every_federation_nowhere, route_table};

/// A path that matches `pattern`.
fn example_path(pattern: &str) -> String {
    pattern
        .replace("{population}", "particulier")
        .replace("{federation}", "franceconnect")
        .replace("{demande}", &"d".repeat(43))
        .replace("{stem}", "logout-unconfirmed")
        .replace("{path:.*}", "dsfr/dsfr.min.css")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What every answer must say about caching.
fn check_caching(res: &reqwest::Response, what: &str) {
    let cache_control = header(res, "cache-control");
    assert!(!cache_control.is_empty(), "{what}: no Cache-Control");
    if header(res, "content-type").starts_with("text/html") {
        let vary = header(res, "vary");
        assert!(
            vary.contains("Accept-Language") && vary.contains("Cookie"),
            "{what}: Vary `{vary}`"
        );
    }
    if res.status().is_redirection() {
        assert_eq!(cache_control, "no-store", "{what}");
    }
}

#[tokio::test]
async fn every_route_answers_head_405_with_allow_and_cache_headers() {
    // Every federation enabled, at an address where nothing answers: the
    // callback routes exist, no test here needs a federation to answer.
    let mut settings = Settings::defaults();
    enable_every_federation_nowhere(&mut settings);
    let routes = route_table(&settings);
    assert!(routes.len() >= 20, "{routes:#?}");
    let app = Portal::new()
        .settings(enable_every_federation_nowhere)
        .start()
        .await;
    let client = browser();
    for route in &routes {
        let path = example_path(&route.pattern);
        for method in &route.methods {
            let method = Method::from_bytes(method.as_str().as_bytes()).unwrap();
            let what = format!("{method} {path}");
            let res = client
                .request(method.clone(), app.url(&path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send()
                .await
                .unwrap();
            assert_ne!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert_ne!(res.status(), StatusCode::NOT_FOUND, "{what}: not routed");
            check_caching(&res, &what);
            if method == Method::GET {
                let head = client.head(app.url(&path)).send().await.unwrap();
                assert_eq!(head.status(), res.status(), "HEAD {path}");
                assert_eq!(
                    header(&head, "content-type"),
                    header(&res, "content-type"),
                    "HEAD {path}"
                );
                check_caching(&head, &format!("HEAD {path}"));
                assert!(
                    head.bytes().await.unwrap().is_empty(),
                    "HEAD {path}: a body"
                );
            }
        }
        let names: Vec<&str> = route.methods.iter().map(|m| m.as_str()).collect();
        assert_eq!(names.contains(&"HEAD"), names.contains(&"GET"), "{path}");
        for (lang, title) in [("fr", "Action non autorisée"), ("en", "Action not allowed")] {
            let res = client
                .put(app.url(&path))
                .header("Accept-Language", lang)
                .send()
                .await
                .unwrap();
            let what = format!("PUT {path}");
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert_eq!(header(&res, "allow"), route.allow(), "{what}");
            check_caching(&res, &what);
            if route.pattern == "/oidc/token" || route.pattern == "/oidc/userinfo" {
                assert_eq!(header(&res, "content-type"), "application/json", "{what}");
                let body: serde_json::Value = res.json().await.unwrap();
                assert_eq!(body["error"], "invalid_request", "{what}");
            } else {
                let doc = html(res).await;
                assert_eq!(text_of(&doc, "h1"), title, "{what}");
                assert_eq!(attr(&doc, "html", "lang").as_deref(), Some(lang));
            }
        }
    }
}

#[tokio::test]
async fn static_files_are_hashed_immutable_and_precompressed() {
    let app = Portal::new().start().await;
    let doc = app.page("/", StatusCode::OK).await;
    let css = attr(&doc, "link[rel=stylesheet][href*='dsfr.min']", "href").unwrap();
    assert!(
        regex::Regex::new(r"^/static/dsfr/dsfr\.min\.[0-9a-f]{12}\.css$")
            .unwrap()
            .is_match(&css),
        "{css}"
    );
    let plain = app.get(&css).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "Accept-Encoding");
    let plain = plain.bytes().await.unwrap();
    // The fonts the stylesheet points at are hashed too.
    let text = String::from_utf8(plain.to_vec()).unwrap();
    let font = regex::Regex::new(r"url\((fonts/Marianne-Regular\.[0-9a-f]{12}\.woff2)\)")
        .unwrap()
        .captures(&text)
        .expect("a hashed font")[1]
        .to_owned();
    let res = app.get(&format!("/static/dsfr/{font}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "font/woff2");

    for (encoding, decode) in [
        ("br", decode_brotli as fn(&[u8]) -> Vec<u8>),
        ("gzip", decode_gzip),
    ] {
        let res = app
            .client
            .get(app.url(&css))
            .header("Accept-Encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], encoding);
        assert_eq!(res.headers()["content-type"], "text/css");
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let body = res.bytes().await.unwrap();
        assert!(
            body.len() < plain.len() / 3,
            "{encoding}: {} bytes",
            body.len()
        );
        assert_eq!(
            decode(&body),
            plain.to_vec(),
            "{encoding} decodes to the file"
        );
        let again = app
            .client
            .get(app.url(&css))
            .header("Accept-Encoding", encoding)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{encoding}");
    }
    // The old, unhashed name still answers, for an hour.
    let old = app.get("/static/dsfr/dsfr.min.css").await;
    assert_eq!(old.status(), StatusCode::OK);
    assert_eq!(old.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(old.bytes().await.unwrap(), plain);
}

fn decode_brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(data, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn decode_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

const CLIENT: &str = "demarche-http";
/// `+`, `/` and `=`: what base64 secrets hold, and what form-encoding changes.
const SECRET: &str = "s3cret+avec/des=signes";
const PUBLIC: &str = "appli-navigateur";
const PUBLIC_ORIGIN: &str = "https://appli.example.fr";

fn clients() -> [Demarche; 2] {
    [
        Demarche::confidential(CLIENT, SECRET, CLIENT, "https://demarche.example.fr/retour"),
        Demarche::public(PUBLIC, PUBLIC, &format!("{PUBLIC_ORIGIN}/retour")),
    ]
}

/// A token request with an unknown code: `invalid_grant` once the client
/// is authenticated, `invalid_client` when it is not.
async fn token_error(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let res = request.send().await.unwrap();
    let status = res.status();
    assert_eq!(
        res.headers()["content-type"],
        "application/json",
        "{status}"
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

const UNKNOWN_CODE: &str = "grant_type=authorization_code&code=inconnu&redirect_uri=https%3A%2F%2Fdemarche.example.fr%2Fretour";

#[tokio::test]
async fn malformed_token_requests_get_oauth_json() {
    let app = Portal::new().demarches(clients()).start().await;
    let http = reqwest::Client::new();
    let token = || {
        http.post(app.url("/oidc/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
    };
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            "an oversized body",
            token().body(format!(
                "grant_type=authorization_code&code={}",
                "a".repeat(300_000)
            )),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "a repeated parameter",
            token().body("grant_type=authorization_code&grant_type=authorization_code"),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "no client at all",
            token().body(UNKNOWN_CODE),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            "Basic that is not base64",
            token()
                .header("Authorization", "Basic ***")
                .body(UNKNOWN_CODE),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            "a wrong secret",
            token()
                .header(
                    "Authorization",
                    format!("Basic {}", b64(&format!("{CLIENT}:faux"))),
                )
                .body(UNKNOWN_CODE),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            "an unsupported grant type",
            token()
                .basic_auth(CLIENT, Some(SECRET))
                .body("grant_type=password&username=a&password=b"),
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            "no grant type",
            token().basic_auth(CLIENT, Some(SECRET)).body("code=x"),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "a body that is not a form",
            token()
                .basic_auth(CLIENT, Some(SECRET))
                .body(vec![0xff, 0xfe, 0x00, 0x26]),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (what, request, status, error) in cases {
        assert_eq!(
            token_error(request).await,
            (status, error.to_owned()),
            "{what}"
        );
    }
}

#[tokio::test]
async fn client_secrets_are_accepted_raw_or_form_encoded_and_schemes_in_any_case() {
    let app = Portal::new().demarches(clients()).start().await;
    let http = reqwest::Client::new();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let form_encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    assert_ne!(form_encoded, SECRET);
    for (scheme, credentials) in [
        // As `curl -u` and Python `requests` send it.
        ("Basic", format!("{CLIENT}:{SECRET}")),
        // As RFC 6749 §2.3.1 asks.
        ("Basic", format!("{CLIENT}:{form_encoded}")),
        ("basic", format!("{CLIENT}:{SECRET}")),
        ("BASIC", format!("{CLIENT}:{form_encoded}")),
    ] {
        let request = http
            .post(app.url("/oidc/token"))
            .header("Authorization", format!("{scheme} {}", b64(&credentials)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(UNKNOWN_CODE);
        // Authenticated: the code, not the client, is refused.
        let refused = token_error(request).await;
        assert_eq!(
            refused,
            (StatusCode::BAD_REQUEST, "invalid_grant".to_owned()),
            "{scheme} {credentials}"
        );
    }
    // Bearer in lower case reaches the token check (not a missing token).
    for scheme in ["bearer", "BEARER"] {
        let res = http
            .get(app.url("/oidc/userinfo"))
            .header("Authorization", format!("{scheme} inconnu"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\""
        );
    }
}

#[tokio::test]
async fn a_public_clients_origin_gets_cors_on_token_and_userinfo_and_others_do_not() {
    let app = Portal::new().demarches(clients()).start().await;
    let http = reqwest::Client::new();
    for (path, methods) in [("/oidc/token", "POST"), ("/oidc/userinfo", "GET, POST")] {
        let preflight = http
            .request(Method::OPTIONS, app.url(path))
            .header("Origin", PUBLIC_ORIGIN)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            PUBLIC_ORIGIN
        );
        assert_eq!(preflight.headers()["access-control-allow-methods"], methods);
        let allowed = header(&preflight, "access-control-allow-headers").to_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"));
        assert!(header(&preflight, "vary").contains("Origin"));

        let answer = http
            .post(app.url(path))
            .header("Origin", PUBLIC_ORIGIN)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("client_id={PUBLIC}&{UNKNOWN_CODE}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.headers()["access-control-allow-origin"],
            PUBLIC_ORIGIN,
            "{path}"
        );

        // A confidential démarche's origin, or any other, gets nothing.
        for origin in [
            "https://demarche.example.fr",
            "https://pirate.example",
            "null",
        ] {
            let res = http
                .request(Method::OPTIONS, app.url(path))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .send()
                .await
                .unwrap();
            assert!(
                res.headers().get("access-control-allow-origin").is_none(),
                "{origin}"
            );
            assert!(res.headers().get("access-control-allow-methods").is_none());
        }
    }
    // Not on the pages nor the authorization endpoint (RFC 9700 §2.6).
    let res = http
        .get(app.url("/oidc/authorize"))
        .header("Origin", PUBLIC_ORIGIN)
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn jwks_entries_say_their_algorithm_and_use() {
    let app = Portal::new().start().await;
    let res = app.get("/oidc/jwks").await;
    assert!(header(&res, "cache-control").starts_with("public, max-age="));
    let jwks: serde_json::Value = res.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        // RS256 keys are RSA, the ES256 key (for démarches that ask) P-256.
        let expected = if key["kty"] == "RSA" {
            "RS256"
        } else {
            "ES256"
        };
        assert_eq!(key["alg"], expected, "{key}");
        assert_eq!(key["use"], "sig", "{key}");
        assert!(key["kty"] == "RSA" || key["crv"] == "P-256", "{key}");
        assert!(key.get("d").is_none(), "no private part");
    }
}
