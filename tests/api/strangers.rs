//! Strangers cannot evict, dodge or exhaust (issue 18). A stranger is
//! anyone who has not logged in: what they can make the portal keep
//! (pending requests, logins in progress, visitors' sessions) has a budget
//! of its own that never pushes out what people hold (sessions, codes,
//! tokens); the rate limits count whatever spelling of a path reaches a
//! limited route; a body trickled in cannot hold a request open; a code
//! cannot be spent by another démarche; a Redis that could evict people's
//! sessions makes the portal unready.
//!
//! Strangers come from many loopback addresses (`127.1.y.z`, each its own
//! rate limit budget), as a botnet would from many addresses.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use crate::federation_double::FederationDouble;
use crate::helpers::*;
use crate::internals::{Demarche, Federation, set_anonymous_max_entries};
use crate::redis_server::{RedisServer, ask};

const CLIENT: &str = "demarche-etrangers";
const SECRET: &str = "demarche-etrangers-secret-0123456789";
const OTHER: &str = "autre-demarche";
const OTHER_SECRET: &str = "autre-demarche-secret-0123456789";
/// Under [`DEMARCHES_AT`]: `journey` stops there.
const REDIRECT: &str = "http://127.0.0.1:9/callback";
const OTHER_REDIRECT: &str = "http://127.0.0.1:9/autre";
const NAME: &str = "Angela Claire Louise DUBOIS";

fn demarche() -> Demarche {
    Demarche::confidential(CLIENT, SECRET, "Démarche des étrangers", REDIRECT)
        .discovery_return("http://127.0.0.1:9/retour")
}

fn other_demarche() -> Demarche {
    Demarche::confidential(OTHER, OTHER_SECRET, "Autre démarche", OTHER_REDIRECT)
}

/// The `n`-th stranger's address: all distinct, none the tests' own
/// 127.0.0.1.
fn loopback(n: usize) -> Ipv4Addr {
    Ipv4Addr::new(
        127,
        1 + (n / 64_516) as u8,
        (n / 254 % 254) as u8 + 1,
        (n % 254) as u8 + 1,
    )
}

/// The portal's port (its address is `http://localhost:PORT`).
fn port_of(app: &TestApp) -> u16 {
    reqwest::Url::parse(&app.address).unwrap().port().unwrap()
}

/// A client without cookies connecting from `from` (the portal sees that
/// address), `localhost` being 127.0.0.1.
fn client_from(from: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(from))
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], 0)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A démarche's server (no cookies, 127.0.0.1).
fn machine() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn authorize_for(client_id: &str, redirect_uri: &str, state: &str) -> String {
    authorize_path(&[
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("state", state),
        ("nonce", "nonce-0123456789"),
    ])
}

async fn token_request(
    app: &TestApp,
    (client_id, secret): (&str, &str),
    code: &str,
    redirect_uri: &str,
) -> reqwest::Response {
    machine()
        .post(app.url("/oidc/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .send()
        .await
        .unwrap()
}

async fn userinfo(app: &TestApp, access_token: &str) -> reqwest::Response {
    machine()
        .get(app.url("/oidc/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

/// A person logs in at `fed` in `app`'s browser, then the démarche gets a
/// code for them (single sign-on) and redeems it: returns its access token.
async fn person_and_demarche(app: &TestApp, fed: &FederationDouble) -> String {
    let res = fed.log_in(app).await;
    fed.assert_logged_in(app, res).await;
    let back = journey(
        &app.client,
        &app.url(&authorize_for(CLIENT, REDIRECT, "avant")),
        None,
    )
    .await;
    let code = back.query()["code"].clone();
    let res = token_request(app, (CLIENT, SECRET), &code, REDIRECT).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: serde_json::Value = res.json().await.unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The person is still logged in (the account page names them) and the
/// démarche's access token still answers at userinfo.
async fn person_and_demarche_still_served(app: &TestApp, access_token: &str) {
    let doc = app.page("/compte", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#identity-name"),
        NAME,
        "the person's session"
    );
    let res = userinfo(app, access_token).await;
    assert_eq!(res.status(), StatusCode::OK, "the démarche's access token");
    let claims: serde_json::Value = res.json().await.unwrap();
    assert_eq!(claims["family_name"], "DUBOIS");
}

/// What a stranger's request got.
#[derive(Debug, Default)]
struct Outcomes {
    kept: usize,
    refused: usize,
}

/// `strangers` addresses each sending `each` requests that make the
/// portal keep something (authorization requests parked with a large
/// state, logins started), 16 at a time. Each answer is something kept
/// (a redirect onward) or a refusal (429, 503, or the démarche told
/// `temporarily_unavailable`); anything else fails.
async fn flood(app: &TestApp, strangers: usize, each: usize) -> Outcomes {
    let port = port_of(app);
    let state = "e".repeat(1024);
    let parked = authorize_for(CLIENT, REDIRECT, &state);
    let mut tasks = tokio::task::JoinSet::new();
    let mut all = Outcomes::default();
    for n in 0..strangers {
        let http = client_from(loopback(n));
        let parked = parked.clone();
        tasks.spawn(async move {
            let mut outcomes = Outcomes::default();
            for i in 0..each {
                let req = if i % 2 == 0 {
                    http.get(format!("http://localhost:{port}{parked}"))
                } else {
                    http.post(format!("http://localhost:{port}/connexion/franceconnect"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body("")
                };
                let res = req.send().await.expect("an answer");
                let status = res.status();
                let to = res
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                match status {
                    StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                        outcomes.refused += 1
                    }
                    StatusCode::SEE_OTHER if to.starts_with(REDIRECT) => {
                        assert_eq!(query_of(&to)["error"], "temporarily_unavailable", "{to}");
                        outcomes.refused += 1
                    }
                    StatusCode::SEE_OTHER => outcomes.kept += 1,
                    other => panic!("a stranger got {other} ({to})"),
                }
            }
            outcomes
        });
        if tasks.len() >= 16 {
            let o = tasks.join_next().await.unwrap().unwrap();
            all.kept += o.kept;
            all.refused += o.refused;
        }
    }
    while let Some(o) = tasks.join_next().await {
        let o = o.unwrap();
        all.kept += o.kept;
        all.refused += o.refused;
    }
    all
}

// Guards the memory store's two pools: without them, one LRU pool of
// 1 MiB, the ~3 MB the strangers make it keep would push out the person's
// session and the démarche's access token.
#[tokio::test]
async fn a_flood_of_strangers_evicts_no_session_nor_token_from_the_memory_store() {
    let fed = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new()
        .federation(&fed)
        .demarche(demarche())
        // A quarter (256 KiB) for strangers.
        .store_bounds(1024 * 1024, 20_000)
        .start()
        .await;
    let access_token = person_and_demarche(&app, &fed).await;

    let outcomes = flood(&app, 200, 6).await;
    person_and_demarche_still_served(&app, &access_token).await;
    assert!(outcomes.kept > 0, "{outcomes:?}");
    assert!(outcomes.refused > 0, "past the budget: {outcomes:?}");
}

// Guards the Redis budget of strangers' entries: without it, the flood
// fills Redis' 2 MB (noeviction: every write refused, the person's
// session and a new code included; another policy would evict them).
#[tokio::test]
async fn a_flood_of_strangers_evicts_no_session_nor_token_from_redis() {
    let redis =
        RedisServer::start_with(&["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"]).await;
    let fed = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new()
        .federation(&fed)
        .demarche(demarche())
        .redis(&redis)
        .settings(|s| set_anonymous_max_entries(s, 300))
        .start()
        .await;
    let access_token = person_and_demarche(&app, &fed).await;

    let outcomes = flood(&app, 200, 6).await;
    person_and_demarche_still_served(&app, &access_token).await;
    assert!(outcomes.kept > 0, "{outcomes:?}");
    assert!(outcomes.refused > 0, "past the budget: {outcomes:?}");
    // The person can still use their session with the démarche: a new
    // code is written (not anonymous) and redeemed.
    let back = journey(
        &app.client,
        &app.url(&authorize_for(CLIENT, REDIRECT, "apres")),
        None,
    )
    .await;
    let res = token_request(&app, (CLIENT, SECRET), &back.query()["code"], REDIRECT).await;
    assert_eq!(res.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------
// Spellings of a limited path

/// One request written as is (the path not normalized by a client
/// library) from `from`; returns the status.
async fn raw_status(port: u16, from: Ipv4Addr, method: &str, target: &str) -> u16 {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from.into(), 0)).unwrap();
    let mut stream = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: localhost:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    let head = String::from_utf8_lossy(&answer);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {target}: no status in {head:?}"))
}

/// A method and a request target, as written on the wire.
type Request = (&'static str, String);

/// Answers that keep nothing and call no federation.
fn keeps_nothing(status: u16) -> bool {
    matches!(status, 404 | 405 | 429)
}

// Guards the rate limit as a middleware of the route the router matched:
// a limit on the raw path (as before issue 18) let `/%63onnexion/…` or
// `/oidc/%61uthorize` start as many logins as a stranger liked.
#[tokio::test]
async fn no_spelling_of_a_limited_path_gets_around_its_limit() {
    const BURST: usize = 3;
    let fed = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new()
        .federation(&fed)
        .demarche(demarche())
        .login_rate_limit(1, BURST as u32)
        .start()
        .await;
    let port = port_of(&app);
    let query = "?client_id=demarche-etrangers&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback\
                 &response_type=code&scope=openid&state=etat";
    let connexion = ("POST", "/connexion/franceconnect".to_owned());
    let authorize = ("GET", format!("/oidc/authorize{query}"));
    let variants: Vec<(&str, Request, Request)> = vec![
        (
            "encoded letter",
            connexion.clone(),
            ("POST", "/%63onnexion/franceconnect".into()),
        ),
        (
            "encoded param",
            connexion.clone(),
            ("POST", "/connexion/%66ranceconnect".into()),
        ),
        (
            "all encoded",
            connexion.clone(),
            ("POST", "/%63%6f%6e%6e%65%78%69%6f%6e/franceconnect".into()),
        ),
        (
            "double slash first",
            connexion.clone(),
            ("POST", "//connexion/franceconnect".into()),
        ),
        (
            "double slash inside",
            connexion.clone(),
            ("POST", "/connexion//franceconnect".into()),
        ),
        (
            "trailing slash",
            connexion.clone(),
            ("POST", "/connexion/franceconnect/".into()),
        ),
        (
            "encoded trailing slash",
            connexion.clone(),
            ("POST", "/connexion/franceconnect%2f".into()),
        ),
        (
            "dot segment",
            connexion.clone(),
            ("POST", "/connexion/./franceconnect".into()),
        ),
        (
            "dot-dot segment",
            connexion.clone(),
            ("POST", "/x/../connexion/franceconnect".into()),
        ),
        (
            "encoded dot segment",
            connexion.clone(),
            ("POST", "/connexion/%2e/franceconnect".into()),
        ),
        (
            "capital",
            connexion.clone(),
            ("POST", "/Connexion/franceconnect".into()),
        ),
        (
            "capital param",
            connexion.clone(),
            ("POST", "/connexion/FRANCECONNECT".into()),
        ),
        (
            "with a query",
            connexion.clone(),
            ("POST", "/connexion/franceconnect?x=1".into()),
        ),
        (
            "authorize encoded",
            authorize.clone(),
            ("GET", format!("/oidc/%61uthorize{query}")),
        ),
        (
            "authorize encoded prefix",
            authorize.clone(),
            ("GET", format!("/%6fidc/authorize{query}")),
        ),
        (
            "authorize HEAD",
            authorize.clone(),
            ("HEAD", format!("/oidc/authorize{query}")),
        ),
        (
            "authorize POST",
            authorize.clone(),
            ("POST", format!("/oidc/authorize{query}")),
        ),
        (
            "authorize double slash",
            authorize.clone(),
            ("GET", format!("//oidc/authorize{query}")),
        ),
        (
            "authorize inner slash",
            authorize.clone(),
            ("GET", format!("/oidc//authorize{query}")),
        ),
        (
            "authorize trailing slash",
            authorize.clone(),
            ("GET", format!("/oidc/authorize/{query}")),
        ),
        (
            "authorize capital",
            authorize.clone(),
            ("GET", format!("/OIDC/authorize{query}")),
        ),
        (
            "authorize dot segment",
            authorize.clone(),
            ("GET", format!("/oidc/./authorize{query}")),
        ),
        (
            "authorize encoded dots",
            authorize.clone(),
            ("GET", format!("/x/%2e%2e/oidc/authorize{query}")),
        ),
    ];
    for (n, (name, (method, canonical), (v_method, variant))) in variants.iter().enumerate() {
        // The canonical route's budget spent: the variant is refused too
        // (or reaches no route).
        let from = loopback(2 * n);
        for i in 0..BURST {
            let status = raw_status(port, from, method, canonical).await;
            assert!(
                !keeps_nothing(status),
                "{name}: canonical request {i}: {status}"
            );
        }
        assert_eq!(
            raw_status(port, from, method, canonical).await,
            429,
            "{name}"
        );
        let status = raw_status(port, from, v_method, variant).await;
        assert!(
            matches!(status, 404 | 405 | 429),
            "{name}: {v_method} {variant} after the budget: {status}"
        );

        // The variant alone, from a fresh address: never more than the
        // budget of answers that keep something.
        let from = loopback(2 * n + 1);
        let mut counted = 0;
        for _ in 0..BURST + 2 {
            if !keeps_nothing(raw_status(port, from, v_method, variant).await) {
                counted += 1;
            }
        }
        assert!(
            counted <= BURST,
            "{name}: {v_method} {variant} answered {counted} times"
        );
    }
}

// ---------------------------------------------------------------------------
// Bodies, codes, return URLs, Redis' policy

// Guards the request-body deadline (10 s): without it, a body trickled a
// byte at a time holds the request (and its worker's attention) for as
// long as its sender likes.
#[tokio::test]
async fn a_body_trickled_in_is_cut_after_ten_seconds() {
    let app = Portal::new().demarche(demarche()).start().await;
    let port = port_of(&app);
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST /oidc/token HTTP/1.1\r\nHost: localhost:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    );
    write.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    // A byte every 250 ms: 56 bytes in 14 s, never the 1000 announced.
    let trickle = tokio::spawn(async move {
        for _ in 0..56 {
            if write.write_all(b"a").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let mut answer = vec![0u8; 4096];
    let read_some = tokio::time::timeout(Duration::from_secs(14), read.read(&mut answer)).await;
    let elapsed = started.elapsed();
    trickle.abort();
    let n = match read_some {
        Ok(Ok(n)) => n,
        // Reset by the portal: cut too.
        Ok(Err(_)) => 0,
        Err(_) => panic!("still reading the body after 14 s"),
    };
    assert!(
        (Duration::from_secs(9)..Duration::from_millis(12_500)).contains(&elapsed),
        "cut after {elapsed:?}"
    );
    if n > 0 {
        let head = String::from_utf8_lossy(&answer[..n]);
        assert!(
            head.starts_with("HTTP/1.1 400") || head.starts_with("HTTP/1.1 408"),
            "{head}"
        );
    }
}

// Guards the code's binding to its client (RFC 6749 §4.1.3): read before
// it is taken, so that another démarche presenting it neither gets tokens
// nor spends it.
#[tokio::test]
async fn a_code_presented_by_another_demarche_is_refused_and_still_redeemable() {
    let fed = FederationDouble::start(Federation::FranceConnect).await;
    let app = Portal::new()
        .federation(&fed)
        .demarches([demarche(), other_demarche()])
        .start()
        .await;
    let res = fed.log_in(&app).await;
    fed.assert_logged_in(&app, res).await;
    let back = journey(
        &app.client,
        &app.url(&authorize_for(CLIENT, REDIRECT, "s")),
        None,
    )
    .await;
    let code = back.query()["code"].clone();

    for redirect_uri in [OTHER_REDIRECT, REDIRECT] {
        let res = token_request(&app, (OTHER, OTHER_SECRET), &code, redirect_uri).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{redirect_uri}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_grant", "{redirect_uri}");
    }
    let res = token_request(&app, (CLIENT, SECRET), &code, REDIRECT).await;
    assert_eq!(res.status(), StatusCode::OK, "its own démarche redeems it");
    let tokens: serde_json::Value = res.json().await.unwrap();
    let res = userinfo(&app, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

// Guards the discovery return's check on the path as the démarche will
// read it: matched on its encoded form, `/retour/..%2f..%2fevil` passed
// the registered prefix `/retour` and sent the browser elsewhere.
#[tokio::test]
async fn a_discovery_return_cannot_escape_its_registered_prefix() {
    let app = Portal::new()
        .unreachable(Federation::FranceConnect)
        .demarche(demarche())
        .start()
        .await;
    let decouverte = |return_to: &str| {
        let mut url = reqwest::Url::parse(&app.url("/decouverte")).unwrap();
        url.query_pairs_mut().append_pair("return", return_to);
        url
    };
    for hostile in [
        "http://127.0.0.1:9/retour/..%2f..%2fevil",
        "http://127.0.0.1:9/retour/..%2F..%2Fevil",
        "http://127.0.0.1:9/retour/%2e%2e/evil",
        "http://127.0.0.1:9/retour/%2E%2E%2Fevil",
        "http://127.0.0.1:9/retour/.%2e/evil",
        "http://127.0.0.1:9/retour%2f..%2fevil",
        "http://127.0.0.1:9/retour%5c..%5cevil",
        "http://127.0.0.1:9/retour/..\\evil",
        "http://user@127.0.0.1:9/retour",
        "http://user:motdepasse@127.0.0.1:9/retour",
        "http://127.0.0.1:9@evil.example/retour",
        "http://127.0.0.1:9/retourevil",
    ] {
        let res = app.client.get(decouverte(hostile)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{hostile}");
    }
    for fine in [
        "http://127.0.0.1:9/retour",
        "http://127.0.0.1:9/retour/sso",
        "http://127.0.0.1:9/retour/a%20b",
    ] {
        let res = app.client.get(decouverte(fine)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{fine}");
    }
}

// Guards the readiness check of Redis' eviction policy: a Redis that may
// evict would drop people's sessions under a flood, so the instance says
// it is not ready (and why) until the policy is noeviction.
#[tokio::test]
async fn a_redis_that_may_evict_makes_the_portal_unready_and_says_why() {
    let redis =
        RedisServer::start_with(&["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"])
            .await;
    let app = Portal::new().redis(&redis).start().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let why = res.text().await.unwrap();
    assert!(why.contains("maxmemory-policy noeviction"), "{why}");
    // Liveness is not readiness: the instance is alive.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    let mut set = redis::cmd("CONFIG");
    set.arg("SET").arg("maxmemory-policy").arg("noeviction");
    let () = ask(redis.port, &set).await.unwrap();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");
}
