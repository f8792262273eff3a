//! A federation's answers cannot exhaust nor divert the portal (issue 18):
//! every answer is read with a cap within the federation's timeout (a huge
//! or endless body costs neither memory nor a stuck request), a discovery
//! document naming an endpoint away from its issuer is not used (unless
//! its host is listed in `endpoint_hosts`), an ID token for another
//! authorized party is refused, and an identity too large to keep is
//! refused before anything is kept or issued.
//!
//! The misbehaving federation is a raw TCP server here ([`RawFederation`]:
//! it can announce 200 MB, stream forever, or trickle), or the wiremock
//! double (`federation_double.rs`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::ResponseTemplate;

use crate::federation_double::{FederationDouble, discovery, jwks, person, sign};
use crate::helpers::*;
use crate::internals::{
    CLIENT_ID, Demarche, Federation, Settings, accept_unsigned_userinfo, allow_endpoint_hosts,
    set_federation_timeout_ms, unix_now, use_federation_at,
};
use crate::portal::PlaysFederation;

const FEDERATION: Federation = Federation::FranceConnect;
const OUTAGE: &str = "Service de connexion momentanément indisponible";

// ---------------------------------------------------------------------------
// A federation as a raw TCP server

/// Which endpoint misbehaves, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Hostile {
    Nothing,
    /// `Content-Length: 200 MB`, then as much as the portal reads.
    Announced(&'static str),
    /// Chunked, never ending.
    Endless(&'static str),
    /// A byte every 100 ms, never ending.
    Trickle(&'static str),
}

impl Hostile {
    fn endpoint(self) -> Option<&'static str> {
        match self {
            Hostile::Nothing => None,
            Hostile::Announced(e) | Hostile::Endless(e) | Hostile::Trickle(e) => Some(e),
        }
    }
}

/// A federation on a raw TCP listener (127.0.0.1): discovery, JWKS
/// (`rsa-1`), token (an ID token signed for the nonce the test gives) and
/// userinfo (the FranceConnect test person), honest unless told which
/// endpoint to make hostile.
#[derive(Clone)]
struct RawFederation {
    issuer: String,
    hostile: Arc<Mutex<Hostile>>,
    nonce: Arc<Mutex<String>>,
    /// Bytes written in hostile bodies.
    sent: Arc<AtomicU64>,
}

impl PlaysFederation for RawFederation {
    fn configure(&self, settings: &mut Settings) {
        use_federation_at(settings, FEDERATION, &self.issuer);
        accept_unsigned_userinfo(settings, FEDERATION);
        set_federation_timeout_ms(settings, FEDERATION, 2000);
    }
}

const HUGE: u64 = 200 * 1024 * 1024;

impl RawFederation {
    async fn start() -> RawFederation {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}/api/v2", listener.local_addr().unwrap());
        let fed = RawFederation {
            issuer: issuer.clone(),
            hostile: Arc::new(Mutex::new(Hostile::Nothing)),
            nonce: Arc::new(Mutex::new(String::new())),
            sent: Arc::new(AtomicU64::new(0)),
        };
        let (hostile, nonce, sent) = (fed.hostile.clone(), fed.nonce.clone(), fed.sent.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (issuer, hostile, nonce, sent) =
                    (issuer.clone(), hostile.clone(), nonce.clone(), sent.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &issuer, &hostile, &nonce, &sent).await;
                });
            }
        });
        fed
    }

    fn make_hostile(&self, hostile: Hostile) {
        *self.hostile.lock().unwrap() = hostile;
        self.sent.store(0, Ordering::Relaxed);
    }
}

/// One connection: reads a request (head, then its announced body) and
/// answers it; keeps the connection for the next request.
async fn serve(
    mut stream: TcpStream,
    issuer: &str,
    hostile: &Mutex<Hostile>,
    nonce: &Mutex<String>,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        buffer.drain(..head_end + length);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let endpoint = target
            .split('?')
            .next()
            .unwrap()
            .trim_start_matches("/api/v2/")
            .to_owned();
        let how = *hostile.lock().unwrap();
        if how.endpoint() == Some(endpoint.as_str()) {
            return hostile_body(&mut stream, how, sent).await;
        }
        let body = match endpoint.as_str() {
            ".well-known/openid-configuration" => discovery(issuer, issuer),
            "jwks" => jwks(&["rsa-1"]),
            "token" => {
                let claims = json!({
                    "iss": issuer,
                    "aud": CLIENT_ID,
                    "sub": person(FEDERATION)["sub"],
                    "exp": unix_now() + 60,
                    "iat": unix_now(),
                    "nonce": nonce.lock().unwrap().clone(),
                    "acr": "eidas1",
                    "amr": ["pwd"],
                });
                json!({
                    "access_token": "access-token-of-the-raw-federation",
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "id_token": sign(&claims, "rsa-1", Some("rsa-1")),
                })
            }
            "userinfo" => person(FEDERATION),
            _ => {
                stream
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .await?;
                continue;
            }
        };
        let body = body.to_string();
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await?;
    }
}

/// The hostile answer: a JSON string that never ends, until the portal
/// stops reading (or 200 MB).
async fn hostile_body(
    stream: &mut TcpStream,
    how: Hostile,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let content_type = "Content-Type: application/json\r\n";
    let head = match how {
        Hostile::Announced(_) => {
            format!("HTTP/1.1 200 OK\r\n{content_type}Content-Length: {HUGE}\r\n\r\n")
        }
        _ => format!("HTTP/1.1 200 OK\r\n{content_type}Transfer-Encoding: chunked\r\n\r\n"),
    };
    stream.write_all(head.as_bytes()).await?;
    let chunk = vec![b'x'; 64 * 1024];
    let mut total = 0u64;
    while total < HUGE {
        match how {
            Hostile::Announced(_) => stream.write_all(&chunk).await?,
            Hostile::Endless(_) => {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
            }
            Hostile::Trickle(_) => {
                stream.write_all(b"1\r\nx\r\n").await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Hostile::Nothing => unreachable!(),
        }
        let n = if matches!(how, Hostile::Trickle(_)) {
            1
        } else {
            chunk.len() as u64
        };
        total += n;
        sent.fetch_add(n, Ordering::Relaxed);
    }
    Ok(())
}

/// Presses the federation's button; when the portal sends the browser to
/// the federation, comes back to the portal's callback as the federation
/// would (the ID token signed for that login's nonce). Returns the
/// portal's last answer and how long it took.
async fn try_login(app: &TestApp, fed: &RawFederation) -> (reqwest::Response, Duration) {
    let started = Instant::now();
    let res = app.post(&format!("/connexion/{}", FEDERATION.id())).await;
    if res.status() != StatusCode::SEE_OTHER {
        return (res, started.elapsed());
    }
    let to = location(&res).to_owned();
    assert!(to.starts_with(&fed.issuer), "to the federation: {to}");
    let q = query_of(&to);
    *fed.nonce.lock().unwrap() = q["nonce"].clone();
    let started = Instant::now();
    let mut back = reqwest::Url::parse(&q["redirect_uri"]).unwrap();
    back.query_pairs_mut()
        .append_pair("code", "code-brut")
        .append_pair("state", &q["state"])
        .append_pair("iss", &fed.issuer);
    let res = app.client.get(back).send().await.unwrap();
    (res, started.elapsed())
}

// Guards the capped reads of every federation answer (256 KiB discovery
// and JWKS, 64 KiB token and userinfo) within the federation's timeout:
// without them, a federation announcing 200 MB or streaming forever grows
// the portal by as much, or holds the person's request forever.
#[tokio::test]
async fn huge_or_endless_federation_answers_are_cut_and_cost_no_memory() {
    let fed = RawFederation::start().await;
    let portal = Portal::new().federation(&fed).real_binary().start().await;
    // Discovery is kept an hour once it answered: the discovery and JWKS
    // cases come first. Warm up on the first one (pages rendered, a
    // capped read done), then measure.
    let cases = [
        Hostile::Announced(".well-known/openid-configuration"),
        Hostile::Announced(".well-known/openid-configuration"),
        Hostile::Endless(".well-known/openid-configuration"),
        Hostile::Announced("jwks"),
        Hostile::Endless("jwks"),
        Hostile::Announced("token"),
        Hostile::Endless("token"),
        Hostile::Trickle("token"),
        Hostile::Announced("userinfo"),
        Hostile::Endless("userinfo"),
        Hostile::Trickle("userinfo"),
    ];
    let mut before = 0;
    for (n, hostile) in cases.into_iter().enumerate() {
        fed.make_hostile(hostile);
        let (other, raw) = (portal.in_another_browser(), fed.clone());
        let login = tokio::spawn(async move {
            let (res, took) = try_login(&other, &raw).await;
            (res.status(), took, res.text().await.unwrap_or_default())
        });
        // Meanwhile, the portal answers others.
        let res = portal.in_another_browser().get("/").await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{hostile:?}: the home page meanwhile"
        );
        let (status, took, page) = login.await.unwrap();
        assert!(
            took < Duration::from_secs(5),
            "{hostile:?}: answered after {took:?}"
        );
        assert!(
            matches!(status.as_u16(), 403 | 502 | 503),
            "{hostile:?}: {status} {page}"
        );
        let sent = fed.sent.load(Ordering::Relaxed);
        eprintln!("{hostile:?}: {status} after {took:?}, {sent} bytes sent");
        assert!(
            sent < 32 * 1024 * 1024,
            "{hostile:?}: the portal read {sent} bytes"
        );
        if n == 0 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            before = portal.rss_kib();
        }
    }
    let after = portal.rss_kib();
    let grown = after.saturating_sub(before);
    eprintln!("VmRSS {before} KiB before, {after} KiB after: +{grown} KiB");
    assert!(grown < 64 * 1024, "memory grew by {grown} KiB");
    fed.make_hostile(Hostile::Nothing);
    let (res, _) = try_login(&portal.in_another_browser(), &fed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "an honest login again");
}

// ---------------------------------------------------------------------------
// Endpoints away from the issuer

/// A listener on 127.0.0.2 that counts the connections it gets (a host
/// that is not the federation's).
struct Capture {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Capture {
    async fn start() -> Capture {
        let listener = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::Relaxed);
                let _ = stream
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        Capture { port, connections }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.2:{}{path}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

/// `fed`'s discovery document now names `endpoint` at `url`, over the
/// mocks of larger `priority`.
async fn discovery_naming(fed: &FederationDouble, endpoint: &str, url: &str, priority: u8) {
    let mut document = discovery(&fed.issuer, &fed.issuer);
    document[endpoint] = json!(url);
    fed.serve_discovery(ResponseTemplate::new(200).set_body_json(document), priority)
        .await;
}

// Guards the check of the endpoints a discovery document names: without
// it, a tampered document naming a token endpoint elsewhere receives the
// portal's client secret and the person's code, and one naming its JWKS
// elsewhere chooses the keys the ID tokens are checked with.
#[tokio::test]
async fn a_discovery_naming_an_endpoint_on_another_host_is_not_used() {
    let capture = Capture::start().await;
    let fed = FederationDouble::start(FEDERATION).await;
    discovery_naming(&fed, "token_endpoint", &capture.url("/token"), 2).await;
    let portal = Portal::new().federation(&fed).real_binary().start().await;

    let res = portal.post("/connexion/franceconnect").await;
    assert_error_page(&portal, res, StatusCode::SERVICE_UNAVAILABLE, OUTAGE, &[]).await;
    let line = portal
        .wait_for_line(
            &["away from the issuer", "token_endpoint"],
            Duration::from_secs(5),
        )
        .await;
    assert!(
        line.contains("endpoint_hosts"),
        "the line says what to do: {line}"
    );

    // Its JWKS elsewhere: not fetched.
    discovery_naming(&fed, "jwks_uri", &capture.url("/jwks"), 1).await;
    let res = portal.post("/connexion/franceconnect").await;
    assert_error_page(&portal, res, StatusCode::SERVICE_UNAVAILABLE, OUTAGE, &[]).await;
    portal
        .wait_for_line(
            &["away from the issuer", "jwks_uri"],
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        capture.connections(),
        0,
        "nothing was sent to the other host"
    );
}

// Guards `endpoint_hosts`: a host the operator listed is the
// federation's (Pro Santé Connect's login page is on its wallet's host).
#[tokio::test]
async fn a_discovery_naming_a_listed_host_is_used() {
    let capture = Capture::start().await;
    let fed = FederationDouble::start(FEDERATION).await;
    discovery_naming(
        &fed,
        "authorization_endpoint",
        &capture.url("/authorize"),
        1,
    )
    .await;
    let app = Portal::new()
        .federation(&fed)
        .settings(|s| allow_endpoint_hosts(s, FEDERATION, &["127.0.0.2"]))
        .start()
        .await;
    let res = app.post("/connexion/franceconnect").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).starts_with(&capture.url("/authorize?")),
        "{}",
        location(&res)
    );
}

// ---------------------------------------------------------------------------
// What the ID token and the identity may be

// Guards the `azp` check (OpenID Connect Core §3.1.3.7): an ID token
// whose authorized party is another client was not issued to the portal,
// even if the portal is among its audiences.
#[tokio::test]
async fn an_id_token_for_another_authorized_party_is_refused() {
    for (azp, accepted) in [("another-client", false), (CLIENT_ID, true)] {
        let fed = FederationDouble::start(Federation::ProConnect).await;
        let app = Portal::new().federation(&fed).start().await;
        let login = crate::federation_double::start_login(&app, &fed).await;
        let mut claims = fed.claims(&login.nonce);
        claims["azp"] = json!(azp);
        fed.serve_token(&crate::federation_double::signed(&claims))
            .await;
        let res = crate::federation_double::callback(&app, &fed, &login.state).await;
        if accepted {
            fed.assert_logged_in(&app, res).await;
        } else {
            assert_error_page(
                &app,
                res,
                StatusCode::FORBIDDEN,
                "Connexion non vérifiée",
                &[],
            )
            .await;
            assert_not_logged_in(&app).await;
        }
    }
}

const TOO_LARGE_CLIENT: &str = "demarche-identite";
const TOO_LARGE_REDIRECT: &str = "http://127.0.0.1:9/callback";

/// Where the federation puts a large claim: the ID token, userinfo, both.
struct LargeClaims {
    in_id_token: usize,
    in_userinfo: usize,
}

/// A démarche's login whose federation vouches for the person with the
/// `large` claims (each answer under its cap); returns where the browser
/// ends at the démarche.
async fn login_with_large_claims(large: LargeClaims) -> (TestApp, Journey) {
    let fed = FederationDouble::start(FEDERATION).await;
    let app = Portal::new()
        .federation(&fed)
        .demarche(Demarche::confidential(
            TOO_LARGE_CLIENT,
            "demarche-identite-secret-0123456789",
            "Démarche à l'identité trop grande",
            TOO_LARGE_REDIRECT,
        ))
        .start()
        .await;
    if large.in_userinfo > 0 {
        let mut claims = person(FEDERATION);
        claims["adresse_complementaire"] = json!("u".repeat(large.in_userinfo));
        fed.serve_userinfo(ResponseTemplate::new(200).set_body_json(claims), 1)
            .await;
    }
    let res = app
        .authorize(&[
            ("client_id", TOO_LARGE_CLIENT),
            ("redirect_uri", TOO_LARGE_REDIRECT),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "etat-trop-grand"),
            ("nonce", "nonce-0123456789"),
            ("idp_hint", FEDERATION.id()),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res).to_owned();
    if large.in_id_token > 0 {
        let mut claims = fed.claims(&query_of(&to)["nonce"]);
        claims["mention_longue"] = json!("t".repeat(large.in_id_token));
        fed.serve_token(&crate::federation_double::signed(&claims))
            .await;
    }
    // The double answers at once, back to the portal's callback.
    let res = app.client.get(&to).send().await.unwrap();
    let back = journey_from(&app.client, res, None).await;
    (app, back)
}

// Guards the identity's size check before a code is given: a session
// that cannot be written would lose the login after the démarche's code
// was issued. The démarche hears a standard `server_error` instead, and
// nothing is kept: no session, no code. No answer of the federation is
// over its cap: 70 KB of claims in two answers, or 63 KiB in userinfo.
#[tokio::test]
async fn an_identity_too_large_to_keep_gets_the_demarche_a_server_error() {
    for large in [
        LargeClaims {
            in_id_token: 35_000,
            in_userinfo: 35_000,
        },
        LargeClaims {
            in_id_token: 0,
            in_userinfo: 63 * 1024,
        },
    ] {
        let what = format!("{} + {} bytes", large.in_id_token, large.in_userinfo);
        let (app, back) = login_with_large_claims(large).await;
        let q = back.query();
        assert_eq!(
            q.get("error").map(String::as_str),
            Some("server_error"),
            "{what}: {q:?}"
        );
        assert_eq!(q["state"], "etat-trop-grand", "{what}");
        assert!(
            q["error_description"].contains("too large"),
            "{what}: {q:?}"
        );
        assert!(!q.contains_key("code"), "{what}: {q:?}");
        assert_not_logged_in(&app).await;
    }
}
