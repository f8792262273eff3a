//! Floods against the portal with its in-memory store, as the real binary
//! (its own process, so that its memory can be measured: VmRSS from
//! /proc). What a stranger can make the portal keep is bounded: oversized
//! requests are refused, many small ones are cut by the rate limit, and
//! many from many addresses (a trusted proxy's `X-Forwarded-For`, as from
//! a botnet behind the load balancer) fill the strangers' share of the
//! store up to its bound and no further: past it they get a 503, never a
//! server error. The chooser keeps answering throughout. Every loop is
//! bounded in count, and the whole flood in time.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Portal, PortalProcess, authorize_path, text_of};
use crate::internals::{Demarche, Federation};
use crate::peers::FederationPeer;

const DEMARCHE: &str = "demarche-inondee";
const REDIRECT: &str = "http://127.0.0.1:9/callback";
/// The store's bound for this portal: small, so that a flood fills it.
const STORE_MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Requests from many addresses, each keeping about 3 KB if accepted.
const FLOOD: usize = 4_000;
/// Stands for "connection closed by the portal before it answered".
const CLOSED: StatusCode = match StatusCode::from_u16(499) {
    Ok(s) => s,
    Err(_) => panic!(),
};

/// The binary with its memory store bounded, behind a trusted proxy (the
/// test's `X-Forwarded-For`), FranceConnect at `peer`, the démarche.
async fn portal(peer: &FederationPeer, portal: Portal) -> PortalProcess {
    portal
        .trusted_proxy("127.0.0.1/32")
        .store_bounds(STORE_MAX_BYTES, 50_000)
        // One address' token requests: 20 at once, then 1 a second (the
        // default allows a démarche's server far more), so that 429s come
        // whatever the speed.
        .token_rate_limit(60, 20, 5000)
        .federation(peer)
        .demarche(Demarche::confidential(
            DEMARCHE,
            "demarche-inondee-secret-0123456789",
            "Démarche inondée",
            REDIRECT,
        ))
        .real_binary()
        .env("RUST_LOG", "error")
        .start()
        .await
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The `n`-th address of a botnet (all distinct), as the proxy reports it.
fn address(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// An authorization request as large as the limits allow (it is parked
/// while the person chooses: about 3 KB kept per request).
fn largest_authorize_query() -> String {
    authorize_path(&[
        ("client_id", DEMARCHE),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", &format!("openid {}", "s".repeat(500))),
        ("state", &"e".repeat(1024)),
        ("nonce", &"n".repeat(512)),
        ("login_hint", &"h".repeat(256)),
        ("acr_values", &"a".repeat(256)),
    ])
}

/// Statuses seen, by code.
#[derive(Default)]
struct Tally(std::collections::BTreeMap<u16, usize>);

impl Tally {
    fn add(&mut self, status: StatusCode) {
        *self.0.entry(status.as_u16()).or_default() += 1;
    }

    fn count(&self, status: u16) -> usize {
        self.0.get(&status).copied().unwrap_or(0)
    }

    /// No 5xx but the 503 of a store at its strangers' budget.
    fn no_server_error(&self, what: &str) {
        assert!(
            self.0.keys().all(|s| *s < 500 || *s == 503),
            "{what}: server errors in {:?}",
            self.0
        );
    }
}

async fn chooser_answers(portal: &PortalProcess) {
    for path in ["/", "/choix/particulier"] {
        let res = client().get(portal.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path} during the flood");
    }
}

/// `count` requests from `workers` tasks, the `n`-th made by `make(n)`.
async fn flood<F, Fut>(count: usize, workers: usize, make: F) -> Tally
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = StatusCode> + Send,
{
    let make = Arc::new(make);
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let make = make.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            for n in (w..count).step_by(workers) {
                tally.add(make(n).await);
            }
            tally
        });
    }
    let mut all = Tally::default();
    while let Some(tally) = tasks.join_next().await {
        for (status, n) in tally.unwrap().0 {
            *all.0.entry(status).or_default() += n;
        }
    }
    all
}

#[tokio::test]
async fn floods_keep_memory_bounded_get_429s_and_the_chooser_keeps_answering() {
    let builder = Portal::new();
    let peer = FederationPeer::start(Federation::FranceConnect, builder.socket()).await;
    let portal = Arc::new(portal(&peer, builder).await);
    let http = client();
    // Warm up (discovery fetched, pages rendered once), then measure.
    let res = http
        .post(portal.url("/connexion/franceconnect"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    chooser_answers(&portal).await;
    // Not a lifetime: the allocations of the warm-up settle before the
    // first measure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = portal.rss_kib();

    let deadline = Duration::from_secs(240);
    tokio::time::timeout(deadline, async {
        // 1. Oversized: a 250 KB authorization request, 300 times, each from
        // its own address (no rate limit to hide behind): refused unread.
        let p = portal.clone();
        let big = Arc::new(format!(
            "client_id={DEMARCHE}&response_type=code&scope=openid&state={}",
            "x".repeat(250 * 1024)
        ));
        let tally = flood(300, 8, move |n| {
            let (p, big) = (p.clone(), big.clone());
            async move {
                client()
                    .post(p.url("/oidc/authorize"))
                    .header("X-Forwarded-For", address(n))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(big.to_string())
                    .send()
                    .await
                    .map(|r| r.status())
                    // The portal may close the connection without reading
                    // the rest of the body: counted apart.
                    .unwrap_or(CLOSED)
            }
        })
        .await;
        tally.no_server_error("oversized");
        assert_eq!(tally.count(200) + tally.count(303), 0, "{:?}", tally.0);

        // 2. Many, from many addresses: logins started and authorization
        // requests parked as large as allowed, far more than the
        // strangers' share of the store (a quarter, 1 MiB) could hold.
        let p = portal.clone();
        let query = Arc::new(largest_authorize_query());
        let tally = flood(FLOOD, 16, move |n| {
            let (p, query) = (p.clone(), query.clone());
            async move {
                let req = if n % 3 == 0 {
                    client().post(p.url("/connexion/franceconnect"))
                } else {
                    client().get(p.url(&query))
                };
                req.header("X-Forwarded-For", address(300 + n))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        })
        .await;
        tally.no_server_error("many addresses");
        // Kept up to the budget, then refused: nothing else.
        assert!(tally.count(303) > 0, "{:?}", tally.0);
        assert!(tally.count(503) > 0, "past the budget: {:?}", tally.0);
        assert_eq!(tally.count(303) + tally.count(503), FLOOD, "{:?}", tally.0);
        chooser_answers(&portal).await;

        // 3. Many from one address: the rate limit answers 429, with a page
        // for people and OAuth JSON for démarches.
        let tally = flood(80, 4, {
            let p = portal.clone();
            move |_| {
                let p = p.clone();
                async move {
                    client()
                        .post(p.url("/connexion/franceconnect"))
                        .send()
                        .await
                        .unwrap()
                        .status()
                }
            }
        })
        .await;
        tally.no_server_error("one address");
        assert!(tally.count(429) >= 40, "429s: {:?}", tally.0);
        let res = http
            .post(portal.url("/connexion/franceconnect"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        let doc = scraper::Html::parse_document(&res.text().await.unwrap());
        assert_eq!(text_of(&doc, "h1"), "Trop de tentatives");
        let tally = flood(150, 4, {
            let p = portal.clone();
            move |_| {
                let p = p.clone();
                async move {
                    client()
                        .post(p.url("/oidc/token"))
                        .form(&[("grant_type", "authorization_code"), ("code", "x")])
                        .send()
                        .await
                        .unwrap()
                        .status()
                }
            }
        })
        .await;
        tally.no_server_error("token endpoint");
        assert!(tally.count(429) >= 40, "token 429s: {:?}", tally.0);
        chooser_answers(&portal).await;
    })
    .await
    .expect("the floods end within their time bound");

    let after = portal.rss_kib();
    let grown = after.saturating_sub(before);
    eprintln!("VmRSS {before} KiB before, {after} KiB after: +{grown} KiB");
    // The 4 000 requests would keep about 13 MB: the strangers' share
    // of the store (1 MiB) refuses most of them; what grows is that share,
    // the rate limiter's 5 000 addresses and the allocator's slack.
    assert!(grown < 24 * 1024, "memory grew by {grown} KiB");
}
