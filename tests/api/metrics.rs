//! `GET /metrics` across a real login. The recorder is one per process and
//! tests run in parallel: assertions are on differences between two
//! scrapes, and exact only for labels no other test uses (this test's
//! démarche).

use std::collections::BTreeMap;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{Demarche, Federation, disable_metrics, set_metrics_address};
use crate::logs::{DEMARCHE_REDIRECT, demarche_login, token_request};
use crate::peers::FederationPeer;

/// Every sample of a Prometheus text page: `name` and sorted labels → value.
type Samples = BTreeMap<(String, Vec<(String, String)>), f64>;

fn parse(text: &str) -> Samples {
    let mut samples = Samples::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("name and value");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let mut labels: Vec<(String, String)> = labels
            .split("\",")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once("=\"").expect("label=\"value\"");
                (k.to_owned(), v.trim_end_matches('"').to_owned())
            })
            .collect();
        labels.sort();
        samples.insert((name.to_owned(), labels), value.parse().unwrap());
    }
    samples
}

fn value(samples: &Samples, name: &str, labels: &[(&str, &str)]) -> f64 {
    let mut labels: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    labels.sort();
    samples
        .get(&(name.to_owned(), labels))
        .copied()
        .unwrap_or(0.0)
}

async fn scrape(address: &str) -> Samples {
    let res = reqwest::get(format!("{address}/metrics")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    parse(&res.text().await.unwrap())
}

const CLIENT: &str = "demarche-des-mesures";
const SECRET: &str = "secret-de-la-demarche-des-mesures-0123";

/// Registered without a post-logout URI.
fn demarche() -> Demarche {
    Demarche::confidential(CLIENT, SECRET, "Démarche des mesures", DEMARCHE_REDIRECT)
}

#[tokio::test]
async fn a_real_login_is_counted_in_the_metrics() {
    let portal = Portal::new();
    let peer = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal.federation(&peer).demarche(demarche()).start().await;
    let before = scrape(&app.address).await;
    let login = demarche_login(&app.address, (CLIENT, SECRET)).await;
    // The same code again: refused (and its tokens revoked).
    let replay = token_request(&app.address, (CLIENT, SECRET), &login.code).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let revoked = reqwest::Client::new()
        .get(app.url("/oidc/userinfo"))
        .bearer_auth(&login.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED, "tokens revoked");
    let after = scrape(&app.address).await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };

    // This test's démarche is its own label: exact counts.
    let client = ("client_id", CLIENT);
    let accepted = [client, ("outcome", "accepted")];
    assert_eq!(delta("aiguillage_authorizations_total", &accepted), 1.0);
    assert_eq!(delta("aiguillage_codes_issued_total", &[client]), 1.0);
    assert_eq!(delta("aiguillage_codes_redeemed_total", &[client]), 1.0);
    let replayed = [client, ("error", "invalid_grant")];
    assert_eq!(delta("aiguillage_codes_refused_total", &replayed), 1.0);

    // Federation labels are shared with other tests running meanwhile.
    let pc = ("federation", "proconnect");
    assert!(delta("aiguillage_logins_started_total", &[pc]) >= 1.0);
    assert!(delta("aiguillage_logins_completed_total", &[pc]) >= 1.0);
    for endpoint in ["token", "userinfo"] {
        let labels = [pc, ("endpoint", endpoint), ("outcome", "ok")];
        let name = "aiguillage_upstream_request_duration_seconds_count";
        assert!(delta(name, &labels) >= 1.0, "{endpoint} timed");
    }
    // Discovery ran (at start or at the first login) and worked.
    let discovery = [pc, ("endpoint", "discovery"), ("outcome", "ok")];
    let count = "aiguillage_upstream_request_duration_seconds_count";
    assert!(value(&after, count, &discovery) >= 1.0);
    let jwks = [pc, ("endpoint", "jwks"), ("outcome", "ok")];
    assert!(value(&after, count, &jwks) >= 1.0);
    let ok_token = [pc, ("endpoint", "token"), ("outcome", "ok")];
    let in_30s = [ok_token.as_slice(), &[("le", "30")]].concat();
    assert!(
        delta(
            "aiguillage_upstream_request_duration_seconds_bucket",
            &in_30s
        ) >= 1.0,
        "a histogram with buckets"
    );
    let route = [
        ("method", "POST"),
        ("route", "/oidc/token"),
        ("status", "200"),
    ];
    assert!(delta("aiguillage_http_requests_total", &route) >= 1.0);
}

#[tokio::test]
async fn a_failed_login_is_counted_with_its_reason() {
    let portal = Portal::new();
    let peer = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    let app = portal.federation(&peer).start().await;
    let before = scrape(&app.address).await;
    // A callback whose state the portal never issued.
    let res = app
        .get("/connexion/franceconnect/retour?code=x&state=inconnu")
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let after = scrape(&app.address).await;
    let labels = [("federation", "franceconnect"), ("reason", "expired")];
    let name = "aiguillage_logins_failed_total";
    assert!(value(&after, name, &labels) - value(&before, name, &labels) >= 1.0);
}

#[tokio::test]
async fn metrics_can_live_on_their_own_address_or_be_off() {
    let listen = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listen.local_addr().unwrap();
    drop(listen);
    let app = Portal::new()
        .settings(|s| set_metrics_address(s, address))
        .start()
        .await;
    // The portal's own address has no /metrics…
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    app.get("/").await;
    // …its own address has, and nothing else.
    let own = format!("http://{address}");
    let samples = scrape(&own).await;
    assert!(
        samples
            .keys()
            .any(|(name, _)| name == "aiguillage_http_requests_total")
    );
    let res = reqwest::get(format!("{own}/")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = reqwest::Client::new()
        .post(format!("{own}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET, HEAD");

    let off = Portal::new().settings(disable_metrics).start().await;
    assert_eq!(off.get("/metrics").await.status(), StatusCode::NOT_FOUND);
}
