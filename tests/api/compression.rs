//! Compressed responses (`routes::compression`): what a browser sending
//! `Accept-Encoding` receives, decoded as a browser would.

use std::io::Read;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::Federation;
use crate::login::{log_in, setup};

async fn get_encoded(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Accept-Encoding", accept)
        .send()
        .await
        .expect("request sent")
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a valid gzip stream of UTF-8");
    text
}

fn unbrotli(bytes: &[u8]) -> String {
    let mut text = String::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_string(&mut text)
        .expect("a valid brotli stream of UTF-8");
    text
}

/// The response's body and its declared length agree.
async fn body_checked(res: reqwest::Response) -> Vec<u8> {
    let declared: Option<usize> = header(&res, "content-length").map(|l| l.parse().unwrap());
    let bytes = res.bytes().await.unwrap().to_vec();
    if let Some(length) = declared {
        assert_eq!(length, bytes.len(), "Content-Length matches the body");
    }
    bytes
}

#[tokio::test]
async fn a_page_sent_gzipped_decodes_to_the_same_html_as_sent_plain() {
    let app = Portal::new().start().await;
    let plain = get_encoded(&app, "/", "identity").await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header(&plain, "content-encoding"), None);
    let vary: Vec<&str> = plain
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept-Encoding")),
        "{vary:?}"
    );
    let plain = String::from_utf8(body_checked(plain).await).unwrap();
    assert!(plain.contains("<html"), "the chooser page: {plain}");

    let gzipped = get_encoded(&app, "/", "gzip, deflate").await;
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(header(&gzipped, "content-encoding"), Some("gzip"));
    assert!(varies_on_encoding(&gzipped), "Vary: Accept-Encoding");
    let bytes = body_checked(gzipped).await;
    assert!(
        bytes.len() < plain.len() / 2,
        "compressed: {} bytes",
        bytes.len()
    );
    assert_eq!(gunzip(&bytes), plain);
}

#[tokio::test]
async fn a_browser_accepting_brotli_gets_brotli_that_decodes_to_the_same_html() {
    let app = Portal::new().start().await;
    let plain =
        String::from_utf8(body_checked(get_encoded(&app, "/", "identity").await).await).unwrap();
    let res = get_encoded(&app, "/", "gzip, deflate, br, zstd").await;
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert!(varies_on_encoding(&res), "Vary: Accept-Encoding");
    assert_eq!(unbrotli(&body_checked(res).await), plain);
}

#[tokio::test]
async fn an_encoding_refused_with_q_zero_is_not_used() {
    let app = Portal::new().start().await;
    let res = get_encoded(&app, "/", "br;q=0, gzip;q=0.5").await;
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    let res = get_encoded(&app, "/", "gzip;q=0").await;
    assert_eq!(header(&res, "content-encoding"), None);
    let text = String::from_utf8(body_checked(res).await).unwrap();
    assert!(text.contains("<html"));
}

#[tokio::test]
async fn a_page_served_twice_gives_identical_compressed_bytes() {
    let app = Portal::new().start().await;
    let first = body_checked(get_encoded(&app, "/", "gzip").await).await;
    let second = body_checked(app.in_another_browser().get("/").await).await;
    let second_gzip = body_checked(
        app.in_another_browser()
            .client
            .get(app.url("/"))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first, second_gzip);
    assert_eq!(gunzip(&first), String::from_utf8(second).unwrap());
}

#[tokio::test]
async fn another_language_is_another_compressed_page() {
    let app = Portal::new().start().await;
    let french = get_encoded(&app, "/?lang=fr", "gzip").await;
    let french = gunzip(&body_checked(french).await);
    let english = get_encoded(&app, "/?lang=en", "gzip").await;
    let english = gunzip(&body_checked(english).await);
    assert!(french.contains("lang=\"fr\""), "{french}");
    assert!(english.contains("lang=\"en\""), "{english}");
}

#[tokio::test]
async fn json_is_compressed_and_keeps_its_headers() {
    let app = Portal::new().start().await;
    let plain = app.get("/.well-known/openid-configuration").await;
    let plain: serde_json::Value = serde_json::from_slice(&body_checked(plain).await).unwrap();
    let res = get_encoded(&app, "/.well-known/openid-configuration", "gzip").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(header(&res, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=300"));
    let decoded: serde_json::Value =
        serde_json::from_str(&gunzip(&body_checked(res).await)).unwrap();
    assert_eq!(decoded, plain);
}

#[tokio::test]
async fn a_no_store_page_of_personal_data_is_compressed_and_stays_no_store() {
    let s = setup(Federation::FranceConnect).await;
    let (res, _) = log_in(&s.app, Federation::FranceConnect).await;
    assert_eq!(res.status(), StatusCode::OK);
    let plain = get_encoded(&s.app, "/compte", "identity").await;
    assert_eq!(plain.status(), StatusCode::OK);
    let plain = String::from_utf8(body_checked(plain).await).unwrap();
    let res = get_encoded(&s.app, "/compte", "gzip").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "cache-control"), Some("no-store"));
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert!(header(&res, "content-security-policy").is_some());
    assert_eq!(gunzip(&body_checked(res).await), plain);
    // Another browser, without the session, does not get that page.
    let other = s.app.in_another_browser();
    assert!(plain.contains("DUBOIS"), "the person's page names them");
    let res = get_encoded(&other, "/compte", "gzip").await;
    let theirs = gunzip(&body_checked(res).await);
    assert!(theirs.contains("id=\"not-logged-in\""), "{theirs}");
    assert!(!theirs.contains("DUBOIS"), "{theirs}");
    // A page read once is sent with gzip, cheaper than brotli, to a
    // browser accepting both; with brotli only, brotli.
    let res = get_encoded(&s.app, "/compte", "br, gzip").await;
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&body_checked(res).await), plain);
    let res = get_encoded(&s.app, "/compte", "br").await;
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert_eq!(unbrotli(&body_checked(res).await), plain);
}

#[tokio::test]
async fn small_and_binary_responses_are_sent_as_they_are() {
    let app = Portal::new().start().await;
    let res = get_encoded(&app, "/healthz", "gzip").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), None);
}

/// One of the response's `Vary` headers names `Accept-Encoding` (pages
/// also vary on the language and cookies).
fn varies_on_encoding(res: &reqwest::Response) -> bool {
    res.headers()
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap_or("").contains("Accept-Encoding"))
}
