//! What the log says, read from the real binary's standard error: one
//! line per event whatever a request holds, a request id on each, and no
//! personal data, code, token or secret after a whole login.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{CLIENT_SECRET, Demarche, Federation, log_json};
use crate::peers::{FederationPeer, test_login};

const FORGED: &str = "2026-01-01T00:00:00.000000Z  INFO request{method=GET}: aiguillage::routes::callback: login succeeded federation=franceconnect";

/// The lines of `logs` that mention `needle`.
fn lines_with<'a>(logs: &'a str, needle: &str) -> Vec<&'a str> {
    logs.lines().filter(|l| l.contains(needle)).collect()
}

fn request_id(res: &reqwest::Response) -> String {
    res.headers()["x-request-id"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_forged_line_attempt_leaves_one_escaped_line() {
    let portal = Portal::new().real_binary().start().await;
    let forged_path = format!(
        "/choix/x%0A{}",
        url::form_urlencoded::byte_serialize(FORGED.as_bytes()).collect::<String>()
    )
    .replace('+', "%20");
    let res = reqwest::get(portal.url(&forged_path)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let id = request_id(&res);
    // A 20 000-character client_id is cut, not copied into the log.
    let huge = "a".repeat(20_000);
    let res = reqwest::get(portal.url(&format!("/oidc/authorize?client_id={huge}")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let huge_id = request_id(&res);
    let logs = portal.logs_through(&huge_id).await;

    let lines = lines_with(&logs, &id);
    assert_eq!(lines.len(), 1, "one line for the request:\n{logs}");
    assert!(lines[0].contains("\\n2026-01-01T00:00:00"), "{}", lines[0]);
    // The forged text is never at the start of a line of its own.
    for line in logs.lines() {
        assert!(!line.starts_with("2026-01-01T00:00:00"), "forged: {line}");
    }
    assert_eq!(lines_with(&logs, "login succeeded").len(), 1, "{logs}");

    let lines = lines_with(&logs, &huge_id);
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.len() < 2_000, "a line of {} bytes", line.len());
    }
    assert_eq!(lines_with(&logs, &"a".repeat(201)).len(), 0);
}

const DEMARCHE: &str = "demarche-des-journaux";
const DEMARCHE_SECRET: &str = "secret-de-la-demarche-des-journaux-0123";
pub const DEMARCHE_REDIRECT: &str = "http://127.0.0.1:9/retour";

/// The démarche's token request for `code` (client_secret_basic).
pub async fn token_request(address: &str, client: (&str, &str), code: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{address}/oidc/token"))
        .basic_auth(client.0, Some(client.1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", DEMARCHE_REDIRECT),
        ])
        .send()
        .await
        .unwrap()
}

/// A démarche's login through the portal: what it got.
pub struct DemarcheLogin {
    pub code: String,
    pub access_token: String,
    /// Every secret value seen on the way (codes, states, tokens, `sub`).
    pub seen: Vec<String>,
}

/// Logs in through the portal at `address` as the démarche `client`
/// (id, secret; its redirect URI is [`DEMARCHE_REDIRECT`]) would, with
/// ProConnect: authorization request, the federation's form, the code,
/// the token request, userinfo.
pub async fn demarche_login(address: &str, client: (&str, &str)) -> DemarcheLogin {
    let url = authorize_path(&[
        ("client_id", client.0),
        ("redirect_uri", DEMARCHE_REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "etat-de-la-demarche-journaux"),
        ("nonce", "nonce-de-la-demarche-journaux"),
        ("idp_hint", "proconnect"),
    ]);
    let login = test_login(Federation::ProConnect);
    let way = journey(&browser(), &format!("{address}{url}"), Some(login)).await;
    assert!(
        way.back.as_str().starts_with(DEMARCHE_REDIRECT),
        "{}",
        way.back
    );
    // Every code, state and nonce the browser was sent with on the way
    // (after the démarche's own request).
    let mut seen: Vec<String> = way.hops[1..]
        .iter()
        .chain([&way.back])
        .flat_map(|u| query_of(u.as_str()))
        .filter(|(k, _)| ["code", "state", "nonce"].contains(&k.as_str()))
        .map(|(_, v)| v)
        .collect();
    let code = way.query().remove("code").expect("a code for the démarche");
    let tokens: serde_json::Value = token_request(address, client, &code)
        .await
        .json()
        .await
        .unwrap();
    let access_token = tokens["access_token"].as_str().expect("tokens").to_owned();
    let userinfo: serde_json::Value = reqwest::Client::new()
        .get(format!("{address}/oidc/userinfo"))
        .bearer_auth(&access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["given_name"], "Jean", "the login went through");
    let id_token = tokens["id_token"].as_str().unwrap();
    seen.extend([code.clone(), access_token.clone(), id_token.to_owned()]);
    // Each part of the ID token (its signature, its claims) on its own.
    seen.extend(id_token.split('.').map(str::to_owned));
    seen.push(userinfo["sub"].as_str().unwrap().to_owned());
    DemarcheLogin {
        code,
        access_token,
        seen,
    }
}

#[tokio::test]
async fn a_whole_login_leaves_no_personal_data_code_token_or_secret_in_the_logs() {
    let builder = Portal::new();
    let peer = FederationPeer::start(Federation::ProConnect, builder.socket()).await;
    let portal = builder
        .federation(&peer)
        .demarche(Demarche::confidential(
            DEMARCHE,
            DEMARCHE_SECRET,
            "Démarche des journaux",
            DEMARCHE_REDIRECT,
        ))
        .settings(log_json)
        .real_binary()
        // Everything the portal and its libraries say, debug included.
        .env("RUST_LOG", "debug")
        .start()
        .await;
    let mut secrets = demarche_login(&portal.address, (DEMARCHE, DEMARCHE_SECRET))
        .await
        .seen;
    // The last request's line: every line before it is written.
    let res = reqwest::get(portal.url("/fin-du-test")).await.unwrap();
    let last = request_id(&res);
    let logs = portal.logs_through(&last).await;
    assert!(logs.contains("login succeeded"), "{logs}");
    assert!(logs.contains("tokens issued"), "{logs}");

    secrets.extend(
        [
            "Jean",
            "Michel",
            "jean.michel@test.proconnect.gouv.fr",
            "4f6a2c0e-8d3b-4a57-9c1e-2b7d5e9f0a31",
            "21340126800130",
            "0123456789",
            CLIENT_SECRET,
            DEMARCHE_SECRET,
        ]
        .map(str::to_owned),
    );
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        let found = lines_with(&logs, secret);
        assert!(found.is_empty(), "`{secret}` logged: {found:#?}");
    }
    // One JSON object per line; a request's lines carry its id.
    for line in logs.lines() {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if let Some(span) = event.get("span") {
            assert!(
                span["request_id"].as_str().is_some_and(|id| id.len() >= 32),
                "{line}"
            );
        }
    }
    let last_line = lines_with(&logs, &last);
    let event: serde_json::Value = serde_json::from_str(last_line[0]).unwrap();
    assert_eq!(event["span"]["request_id"], last);
}
