//! Several portal instances on one Redis (README "Exploitation"): two
//! portals share a real `redis-server`, one public URL, the same session
//! key, signing key and pairwise secret, as behind a load balancer. The
//! test plays the balancer: each step of a journey goes to the instance
//! the test picks, with one cookie jar for the public host (like a
//! browser, which only ever sees the public URL). The federation is a
//! real `oidc-provider` (tests/support), the démarche an HTTP client.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{COOKIE, HOST, SET_COOKIE};
use reqwest::{Method, Response, StatusCode, Url};

use crate::helpers::*;
use crate::internals::{Clock, Demarche, Federation, set_public_url, set_session_key_file};
use crate::peers::{FederationPeer, log_in_at_form, test_login};
use crate::redis_server::{RedisServer, StoreUrl};

const CLIENT: &str = "demarche-partagee";
const SECRET: &str = "demarche-partagee-secret-0123456789";
const REDIRECT: &str = "http://127.0.0.1:9/callback";
const NAME: &str = "Angela Claire Louise DUBOIS";

/// What every instance shares, as an operator would give it: a Redis (one
/// server, or a Cluster: `R`), a session key file written by `openssl rand
/// -base64 64` (two lines), and the fixed signing key and pairwise secret
/// the test helpers set; and the time (one clock for all).
pub(crate) struct Shared<R = RedisServer> {
    pub(crate) redis: R,
    peer: FederationPeer,
    /// Holds the public port (nothing listens there: the test balances).
    public: AppSocket,
    keys: tempfile::TempDir,
    clock: Clock,
}

/// One running instance: its own address, the public host the balancer
/// says it serves, and the portal (to stop it).
pub(crate) struct Instance {
    base: String,
    public_host: String,
    app: TestApp,
}

/// Like a démarche's server: no redirect followed, a bounded wait.
fn machine() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

impl Shared {
    async fn start() -> Shared {
        Shared::on(RedisServer::start().await).await
    }
}

impl<R: StoreUrl> Shared<R> {
    /// The instances will share `redis`.
    pub(crate) async fn on(redis: R) -> Shared<R> {
        let public = AppSocket::bind();
        let peer = FederationPeer::start(Federation::FranceConnect, &public).await;
        let keys = tempfile::tempdir().unwrap();
        // 64 bytes in base64 over two lines, as openssl writes it.
        std::fs::write(
            keys.path().join("session-key"),
            "phMdLzvar79+kFnKiZ4lrT3qQ1FV8UZQbTtJdDAhUIbM1YTJr9eLIpNJql83F1ti\n\
             vqTpr/QJhOjlLqB9az1IVQ==\n",
        )
        .unwrap();
        Shared {
            redis,
            peer,
            public,
            keys,
            clock: Clock::system(),
        }
    }

    /// An instance's portal: on its own port, behind the public URL.
    fn portal(&self) -> Portal {
        let public_url = format!("{}/", self.public.base_url());
        let session_key = self.keys.path().join("session-key");
        Portal::new()
            .federation(&self.peer)
            .redis(&self.redis)
            .clock(&self.clock)
            .demarche(
                Demarche::confidential(CLIENT, SECRET, "Démarche partagée", REDIRECT)
                    .discovery_return("http://127.0.0.1:9/retour"),
            )
            .settings(|s| {
                set_public_url(s, &public_url);
                set_session_key_file(s, &session_key);
            })
    }

    pub(crate) async fn instance(&self) -> Instance {
        let portal = self.portal();
        let base = portal.socket().base_url();
        let app = portal.start().await;
        let public_host = self.public.base_url().replace("http://", "");
        Instance {
            base,
            public_host,
            app,
        }
    }

    /// Two instances, and a browser whose login began on the first
    /// (transaction stored there) and came back from the federation on the
    /// second: logged in on both.
    pub(crate) async fn logged_in_across_two(&self) -> (Instance, Instance, Front) {
        let (a, b) = (self.instance().await, self.instance().await);
        let front = self.browser();
        let (url, res) = front.log_in(&a, &[&b]).await;
        assert_eq!(url.path(), "/compte");
        assert_eq!(res.status(), StatusCode::OK);
        assert_logged_in(&front, &a).await;
        assert_logged_in(&front, &b).await;
        (a, b, front)
    }

    /// A browser: one cookie jar for the public host, one for the rest.
    pub(crate) fn browser(&self) -> Front {
        let public: Url = self.public.base_url().parse().unwrap();
        Front {
            jar: Arc::new(Jar::default()),
            portal: machine(),
            outside: browser(),
            public,
        }
    }
}

/// A browser behind the test's balancer.
pub(crate) struct Front {
    public: Url,
    jar: Arc<Jar>,
    portal: reqwest::Client,
    outside: reqwest::Client,
}

/// Where a journey stopped.
enum Step {
    /// A page (not a redirect), at this public URL.
    Page(Url, Response),
    /// Sent back to the démarche.
    Demarche(Url),
}

impl Front {
    fn url(&self, path: &str) -> Url {
        self.public.join(path).unwrap()
    }

    /// One request: to `on` when the URL is the portal's public one.
    async fn send(
        &self,
        on: &Instance,
        method: Method,
        url: &Url,
        form: Option<&[(String, String)]>,
    ) -> Response {
        let portal = url.origin() == self.public.origin();
        let mut request = if portal {
            let target = format!("{}{}", on.base, &url[url::Position::BeforePath..]);
            let mut r = self
                .portal
                .request(method, target)
                .header(HOST, &on.public_host);
            if let Some(cookies) = self.jar.cookies(&self.public) {
                r = r.header(COOKIE, cookies);
            }
            r
        } else {
            self.outside.request(method, url.clone())
        };
        if let Some(form) = form {
            request = request.form(form);
        }
        let res = request.send().await.expect("request sent");
        if portal {
            self.jar
                .set_cookies(&mut res.headers().get_all(SET_COOKIE).iter(), &self.public);
        }
        res
    }

    async fn get(&self, on: &Instance, path: &str) -> Response {
        self.send(on, Method::GET, &self.url(path), None).await
    }

    async fn post(&self, on: &Instance, path: &str) -> Response {
        self.send(on, Method::POST, &self.url(path), Some(&[]))
            .await
    }

    /// Follows redirects like a browser, logging in at the federation's
    /// form when it shows up; the portal's steps go to `route`'s instances
    /// in turn. Stops at the first page, or when sent to the démarche.
    async fn browse(&self, route: &[&Instance], mut url: Url, mut res: Response) -> Step {
        let mut hop = 0;
        for _ in 0..20 {
            if res.status().is_redirection() {
                let next = url.join(location(&res)).unwrap();
                if next.as_str().starts_with("http://127.0.0.1:9/") {
                    return Step::Demarche(next);
                }
                let on = route[hop % route.len()];
                if next.origin() == self.public.origin() {
                    hop += 1;
                }
                res = self.send(on, Method::GET, &next, None).await;
                url = next;
            } else if res.status() == StatusCode::OK && url.path().contains("/interaction/") {
                let doc = scraper::Html::parse_document(&res.text().await.unwrap());
                let login = test_login(Federation::FranceConnect);
                res = log_in_at_form(&self.outside, &url, &doc, login).await;
                url = res.url().clone();
            } else {
                return Step::Page(url, res);
            }
        }
        panic!("more than 20 steps");
    }

    /// Starts a FranceConnect login on `start`, ends it through `route`.
    pub(crate) async fn log_in(&self, start: &Instance, route: &[&Instance]) -> (Url, Response) {
        let res = self.post(start, "/connexion/franceconnect").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login started");
        match self
            .browse(route, self.url("/connexion/franceconnect"), res)
            .await
        {
            Step::Page(url, res) => (url, res),
            Step::Demarche(url) => panic!("sent to the démarche: {url}"),
        }
    }
}

async fn assert_logged_in(front: &Front, on: &Instance) {
    let res = front.get(on, "/compte").await;
    assert_eq!(res.status(), StatusCode::OK, "logged in on {}", on.base);
    assert_eq!(text_of(&html(res).await, "#identity-name"), NAME);
}

async fn assert_logged_out(front: &Front, on: &Instance) {
    let res = front.get(on, "/compte").await;
    assert_eq!(res.status(), StatusCode::OK, "logged out on {}", on.base);
    let doc = html(res).await;
    assert_eq!(
        select(&doc, "#not-logged-in").len(),
        1,
        "logged out on {}",
        on.base
    );
}

/// The démarche's authorization request with `state`.
fn authorize_with(state: &str) -> String {
    authorize_path(&[
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("state", state),
        ("nonce", "nonce-partage"),
        ("idp_hint", "franceconnect"),
    ])
}

async fn token_request(on: &Instance, code: &str) -> Response {
    machine()
        .post(format!("{}/oidc/token", on.base))
        .header(HOST, &on.public_host)
        .basic_auth(CLIENT, Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap()
}

async fn userinfo(on: &Instance, access_token: &str) -> Response {
    machine()
        .get(format!("{}/oidc/userinfo", on.base))
        .header(HOST, &on.public_host)
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

async fn json_error(res: Response) -> String {
    let body: serde_json::Value = res.json().await.unwrap();
    body["error"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_login_begun_on_one_instance_ends_on_the_other_and_logout_there_ends_it_everywhere() {
    let shared = Shared::start().await;
    let (a, b, front) = shared.logged_in_across_two().await;

    // Logout on B (its confirmation form, then the form sent); the
    // federation's return (state kept by B) lands on A.
    let res = front.get(&b, "/deconnexion").await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(res).await;
    let fields: Vec<(String, String)> = select(&doc, "#logout-form input[name]")
        .iter()
        .map(|i| {
            let v = i.value();
            (
                v.attr("name").unwrap().to_owned(),
                v.attr("value").unwrap_or("").to_owned(),
            )
        })
        .collect();
    let res = front
        .send(&b, Method::POST, &front.url("/deconnexion"), Some(&fields))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(&shared.peer.issuer));
    let Step::Page(url, res) = front.browse(&[&a], front.url("/deconnexion"), res).await else {
        panic!("no logged-out page");
    };
    assert_eq!(url.path(), "/deconnexion/fin");
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Déconnexion effectuée");
    assert!(text_of(&doc, "#logged-out").contains("FranceConnect"));
    assert_logged_out(&front, &a).await;
    assert_logged_out(&front, &b).await;
}

#[tokio::test]
async fn a_demarche_authorization_spans_both_instances_and_a_replayed_code_revokes_its_tokens() {
    let shared = Shared::start().await;
    let (a, b) = (shared.instance().await, shared.instance().await);
    let front = shared.browser();

    // Parked on A, callback on B, code issued on A.
    let path = authorize_with("etat-partage");
    let res = front.get(&a, &path).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "straight to the federation"
    );
    let Step::Demarche(back) = front.browse(&[&b, &a], front.url(&path), res).await else {
        panic!("never sent back to the démarche");
    };
    let q = query_of(back.as_str());
    assert_eq!(q["state"], "etat-partage");
    assert_eq!(q["iss"], shared.public.base_url(), "one issuer for both");
    let code = &q["code"];

    // Redeemed on B; the access token works on A.
    let res = token_request(&b, code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: serde_json::Value = res.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let res = userinfo(&a, access).await;
    assert_eq!(res.status(), StatusCode::OK);
    let claims: serde_json::Value = res.json().await.unwrap();
    assert_eq!(claims["family_name"], "DUBOIS");

    // The same sub from either instance (one pairwise secret): single
    // sign-on through B this time.
    let path = authorize_with("encore");
    let res = front.get(&b, &path).await;
    let Step::Demarche(again) = front.browse(&[&b], front.url(&path), res).await else {
        panic!("single sign-on expected");
    };
    let res = token_request(&a, &query_of(again.as_str())["code"]).await;
    let second: serde_json::Value = res.json().await.unwrap();
    let sub = |t: &serde_json::Value| {
        let jwt = t["id_token"].as_str().unwrap().split('.').nth(1).unwrap();
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt)
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["sub"].clone()
    };
    assert_eq!(sub(&tokens), sub(&second));

    // Replayed on A: refused, and the first tokens are revoked everywhere.
    let res = token_request(&a, code).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_error(res).await, "invalid_grant");
    let res = userinfo(&b, access).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_error(res).await, "invalid_token");
}

#[tokio::test]
async fn a_restarted_instance_keeps_sessions_and_logins_in_progress() {
    let shared = Shared::start().await;
    let a = shared.instance().await;
    let logged_in = shared.browser();
    let (url, _) = logged_in.log_in(&a, &[&a]).await;
    assert_eq!(url.path(), "/compte");
    // Someone else is at the federation's login form when A restarts.
    let midway = shared.browser();
    let started = midway.post(&a, "/connexion/franceconnect").await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);

    a.app.stop().await;
    let gone = machine().get(format!("{}/healthz", a.base)).send().await;
    assert!(gone.is_err(), "the old instance is stopped");
    let restarted = shared.instance().await;

    assert_logged_in(&logged_in, &restarted).await;
    let step = midway
        .browse(
            &[&restarted],
            midway.url("/connexion/franceconnect"),
            started,
        )
        .await;
    let Step::Page(url, res) = step else {
        panic!("sent to a démarche");
    };
    assert_eq!((url.path(), res.status()), ("/compte", StatusCode::OK));
    assert_logged_in(&midway, &restarted).await;
}

/// Asks `/readyz` until it answers `expected`, at most 10 s.
async fn wait_ready(on: &Instance, expected: StatusCode) {
    let what = format!("readyz {expected} on {}", on.base);
    eventually(&what, Duration::from_secs(10), || async {
        let status = machine()
            .get(format!("{}/readyz", on.base))
            .send()
            .await
            .unwrap()
            .status();
        (status == expected)
            .then_some(())
            .ok_or_else(|| format!("readyz still {status}"))
    })
    .await;
}

async fn assert_unavailable_page(res: Response, title: &str) {
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    assert!(
        res.headers().contains_key("content-security-policy"),
        "the usual headers"
    );
    assert_eq!(text_of(&html(res).await, "h1"), title);
}

#[tokio::test]
async fn with_redis_down_pages_and_endpoints_say_so_and_everything_recovers_when_it_is_back() {
    let mut shared = Shared::start().await;
    let (a, b) = (shared.instance().await, shared.instance().await);
    let person = shared.browser();
    person.log_in(&a, &[&b]).await;
    let path = authorize_with("avant-la-panne");
    let res = person.get(&a, &path).await;
    let Step::Demarche(back) = person.browse(&[&a], person.url(&path), res).await else {
        panic!("single sign-on expected");
    };
    let tokens: serde_json::Value = token_request(&b, &query_of(back.as_str())["code"])
        .await
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    wait_ready(&a, StatusCode::OK).await;

    shared.redis.stop().await;

    for on in [&a, &b] {
        wait_ready(on, StatusCode::SERVICE_UNAVAILABLE).await;
        let res = machine()
            .get(format!("{}/healthz", on.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "still alive");
    }
    // The chooser needs no store, even with a session cookie.
    for page in ["/", "/choix/particulier", "/federations"] {
        assert_eq!(
            person.get(&a, page).await.status(),
            StatusCode::OK,
            "{page}"
        );
    }
    // Pages that need it say so, in the person's language; nobody is
    // logged out by a Redis outage.
    let title = "Service momentanément indisponible";
    assert_unavailable_page(person.get(&a, "/compte").await, title).await;
    assert_unavailable_page(person.post(&b, "/deconnexion").await, title).await;
    let res = person.get(&b, "/compte?lang=en").await;
    assert_unavailable_page(res, "Service temporarily unavailable").await;
    let newcomer = shared.browser();
    let res = newcomer.post(&a, "/connexion/franceconnect").await;
    assert_unavailable_page(res, title).await;
    let res = newcomer
        .get(&b, "/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2Fretour")
        .await;
    assert_unavailable_page(res, title).await;
    // Machines get OAuth's answer.
    let res = newcomer.get(&a, &authorize_with("pendant-la-panne")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to_demarche = Url::parse(location(&res)).unwrap();
    assert!(to_demarche.as_str().starts_with(REDIRECT));
    let q = query_of(to_demarche.as_str());
    assert_eq!(q["error"], "temporarily_unavailable");
    assert_eq!(q["state"], "pendant-la-panne");
    let res = token_request(&a, "un-code-quelconque").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(json_error(res).await, "temporarily_unavailable");
    let res = userinfo(&b, access).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_error(res).await, "temporarily_unavailable");

    // Back (empty: no persistence), without restarting either portal.
    shared.redis.restart().await;
    wait_ready(&a, StatusCode::OK).await;
    wait_ready(&b, StatusCode::OK).await;
    assert_logged_out(&person, &a).await;
    let (url, res) = newcomer.log_in(&b, &[&a]).await;
    assert_eq!((url.path(), res.status()), ("/compte", StatusCode::OK));
    let path = authorize_with("apres-la-panne");
    let res = newcomer.get(&b, &path).await;
    let Step::Demarche(back) = newcomer.browse(&[&a], newcomer.url(&path), res).await else {
        panic!("single sign-on expected");
    };
    let res = token_request(&a, &query_of(back.as_str())["code"]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The one session in Redis (each test has its own server), and its PTTL.
async fn the_session(redis: &mut redis::aio::MultiplexedConnection) -> (String, i64) {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("aiguillage:session:*")
        .query_async(redis)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "one session: {keys:?}");
    let pttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query_async(redis)
        .await
        .unwrap();
    (keys[0].clone(), pttl)
}

#[tokio::test]
async fn every_request_extends_a_session_and_a_login_past_the_maximum_is_over() {
    let shared = Shared::start().await;
    let a = shared.instance().await;
    let person = shared.browser();
    person.log_in(&a, &[&a]).await;
    let mut redis = redis::Client::open(shared.redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();

    // Inactivity timeout: server.session_ttl_minutes (30), started again
    // by any request, even one that changes nothing.
    let (_, pttl) = the_session(&mut redis).await;
    assert!(pttl > 29 * 60_000 && pttl <= 30 * 60_000, "PTTL {pttl}");
    // Redis counts the TTL on its own clock: real time passes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, waited) = the_session(&mut redis).await;
    assert!(waited <= 30 * 60_000 - 1000, "PTTL {waited} went down");
    assert_eq!(person.get(&a, "/").await.status(), StatusCode::OK);
    let (_, extended) = the_session(&mut redis).await;
    assert!(extended > waited + 1000, "PTTL {extended} started again");

    // Absolute maximum: server.session_max_hours (12) after the login,
    // however active the session (Redis keeps it: its TTL runs on its own
    // clock). 12 h pass on the portal's.
    shared.clock.advance(Duration::from_secs(12 * 3600));
    assert_logged_out(&person, &a).await;
    // A démarche asking now sends the person to log in again.
    let res = person.get(&a, &authorize_with("trop-tard")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).starts_with(&shared.peer.issuer),
        "to the federation, not a code: {}",
        location(&res)
    );
}

fn aiguillage(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aiguillage"));
    cmd.args(args).env_remove("AIGUILLAGE_CONFIG");
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AIGUILLAGE__")) {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("binary runs")
}

#[test]
fn check_config_warns_when_a_redis_store_is_used_with_keys_from_a_local_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = aiguillage(
        &["check-config"],
        &[
            ("AIGUILLAGE__STORE__URL", "redis://127.0.0.1:6379/0"),
            ("AIGUILLAGE__PROVIDER__DATA_DIR", data),
        ],
    );
    assert!(out.status.success(), "warnings, not errors");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for key in [
        "server.session_key",
        "provider.signing_key_file",
        "provider.pairwise_secret",
        "server.trusted_proxies",
    ] {
        assert!(
            stderr.contains(&format!("warning: {key}: not set"))
                || stderr.contains(&format!("warning: {key}: empty")),
            "{key} in {stderr}"
        );
    }
    assert!(
        stderr.contains(&format!("{data}/signing-key.pem")),
        "{stderr}"
    );

    // Everything shared, the URL from a file: no warning.
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let url = write("redis-url", "redis://:secret@127.0.0.1:6379/0\n");
    let session = write(
        "session-key",
        "phMdLzvar79+kFnKiZ4lrT3qQ1FV8UZQbTtJdDAhUIbM1YTJr9eLIpNJql83F1ti\n\
         vqTpr/QJhOjlLqB9az1IVQ==\n",
    );
    // `openssl rand -base64 48`: one line and its newline.
    let pairwise = write(
        "pairwise",
        "Hx0cYyZs2m3Qp8lq7oVw1Qb1C9G0n2mX5r8tT4uYpS6dF2kL0aZ3cV7bN1mQ4wE8\n",
    );
    let signing = crate::helpers::fixture_path("keys/rsa-1.pem");
    let file = write(
        "aiguillage.toml",
        &format!(
            "[server]\nsession_key_file = \"{session}\"\ntrusted_proxies = [\"10.0.0.0/8\"]\n\
             [provider]\nsigning_key_file = \"{}\"\npairwise_secret_file = \"{pairwise}\"\n\
             [store]\nurl_file = \"{url}\"\n",
            signing.display()
        ),
    );
    let out = aiguillage(&["--config", &file, "check-config"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(
        !stderr.contains("secret@"),
        "the URL's password is never shown"
    );

    // A bad URL is an error with its key.
    let bad = write("bad-url", "http://redis.internal\n");
    let out = aiguillage(&["check-config"], &[("AIGUILLAGE__STORE__URL_FILE", &bad)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("store.url_file: scheme must be"),
        "{stderr}"
    );
}
