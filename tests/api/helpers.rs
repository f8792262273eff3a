use std::sync::LazyLock;

use reqwest::{Response, StatusCode, redirect};
use scraper::{Html, Selector};

use crate::internals::{Settings, init_logs, serve, test_settings};

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        init_logs();
    }
});

/// A file of `tests/fixtures/`, e.g. `fixture_path("keys/rsa-1.pem")`.
pub fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The content of a file of `tests/fixtures/`.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub struct TestApp {
    pub address: String,
    /// No redirects followed, cookies kept: like a browser, one step at a time.
    pub client: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The real application on 127.0.0.1, port 0, with settings changed by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(AppSocket::bind(), adjust).await
}

/// A socket bound before the portal is built, so that its URL can be given
/// to a federation (as redirect URI) before the portal's settings are made.
pub struct AppSocket {
    listener: std::net::TcpListener,
}

impl AppSocket {
    pub fn bind() -> AppSocket {
        AppSocket {
            listener: std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"),
        }
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// The portal's public URL on this socket, without the trailing slash.
    pub fn base_url(&self) -> String {
        format!(
            "http://localhost:{}",
            self.listener.local_addr().unwrap().port()
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The same socket, to build the portal on while this one keeps giving
    /// its URL (to a federation started later).
    pub fn try_clone(&self) -> AppSocket {
        AppSocket {
            listener: self.listener.try_clone().expect("socket cloned"),
        }
    }
}

/// The real application on a socket bound beforehand.
pub async fn spawn_app_on(socket: AppSocket, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_stoppable_app_on(socket, adjust).await.0
}

/// The same, with the handle that stops it (an instance restarted).
pub async fn spawn_stoppable_app_on(
    socket: AppSocket,
    adjust: impl FnOnce(&mut Settings),
) -> (TestApp, actix_web::dev::ServerHandle) {
    LazyLock::force(&TRACING);
    let mut settings = test_settings(socket.listener.local_addr().unwrap().port());
    adjust(&mut settings);
    let (address, handle) = serve(settings, socket.listener);
    let app = TestApp {
        address,
        client: browser(),
    };
    (app, handle)
}

/// A fresh client like a browser without JavaScript: its own cookie jar,
/// redirects not followed (see [`follow`]).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// Follows redirects like a browser (GET after 301/302/303), at most 20,
/// and returns the final response with every URL visited.
pub async fn follow(client: &reqwest::Client, mut res: Response) -> (Response, Vec<String>) {
    let mut visited = vec![res.url().to_string()];
    for _ in 0..20 {
        if !res.status().is_redirection() {
            return (res, visited);
        }
        let next = res.url().join(location(&res)).expect("valid Location");
        visited.push(next.to_string());
        res = client.get(next).send().await.expect("redirect followed");
    }
    panic!("too many redirects: {visited:#?}");
}

/// Submits the first form of `doc` matching `form_css` with its fields
/// (hidden inputs and inputs with a value), `fields` overriding them.
pub async fn submit_form(
    client: &reqwest::Client,
    page_url: &reqwest::Url,
    doc: &Html,
    form_css: &str,
    fields: &[(&str, &str)],
) -> Response {
    let form = select(doc, form_css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no form {form_css} in {}", doc.html()));
    let action = page_url
        .join(form.value().attr("action").unwrap_or(""))
        .expect("form action");
    let mut values: Vec<(String, String)> = form
        .select(&Selector::parse("input[name]").unwrap())
        .filter(|i| i.value().attr("type") != Some("submit"))
        .map(|i| {
            (
                i.value().attr("name").unwrap().to_owned(),
                i.value().attr("value").unwrap_or("").to_owned(),
            )
        })
        .collect();
    for (k, v) in fields {
        values.retain(|(name, _)| name != k);
        values.push(((*k).to_owned(), (*v).to_owned()));
    }
    client
        .post(action)
        .form(&values)
        .send()
        .await
        .expect("form sent")
}

impl TestApp {
    /// The same portal seen from another browser (a fresh cookie jar).
    pub fn in_another_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: browser(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_lang(&self, path: &str, accept_language: &str) -> Response {
        self.client
            .get(self.url(path))
            .header("Accept-Language", accept_language)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .expect("request sent")
    }

    /// POST a form with `fields`, as a browser submits it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    /// GET a page expected to answer `status` with HTML; returns the document.
    pub async fn page(&self, path: &str, status: StatusCode) -> Html {
        let res = self.get(path).await;
        assert_eq!(res.status(), status, "GET {path}");
        html(res).await
    }
}

pub async fn html(res: Response) -> Html {
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(ct, "text/html; charset=utf-8");
    Html::parse_document(&res.text().await.unwrap())
}

pub fn location(res: &Response) -> &str {
    res.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

pub fn text_of(doc: &Html, css: &str) -> String {
    select(doc, css)
        .first()
        .unwrap_or_else(|| panic!("no element {css}"))
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .first()
        .and_then(|e| e.value().attr(name).map(str::to_owned))
}

/// All `Set-Cookie` headers of a response.
pub fn set_cookies(res: &Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Nobody is logged in: `/compte` says so (with a way to log in).
pub async fn assert_no_session(app: &TestApp) {
    assert_not_logged_in(app).await;
}

/// The localized error page titled `title`, answered `status`, without
/// internals nor any of `secrets`, and nobody logged in.
pub async fn assert_error_page(
    app: &TestApp,
    res: Response,
    status: StatusCode,
    title: &str,
    secrets: &[&str],
) {
    assert_ne!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.status(), status);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    assert!(!body.contains("panicked"), "{body}");
    for secret in secrets {
        assert!(!body.contains(secret), "the page shows `{secret}`");
    }
    let doc = Html::parse_document(&body);
    assert_eq!(text_of(&doc, "h1"), title);
    assert_no_session(app).await;
}

/// Runs the cases of a table at once, each in its own task, and fails
/// naming every case that failed, with its message. A case is its name (a
/// sentence, e.g. `an_id_token_without_nonce_is_rejected`) and its check.
pub async fn run_cases<F>(cases: impl IntoIterator<Item = (&'static str, F)>)
where
    F: std::future::Future<Output = ()> + 'static,
{
    let tasks = tokio::task::LocalSet::new();
    let running: Vec<_> = cases
        .into_iter()
        .map(|(name, check)| (name, tasks.spawn_local(check)))
        .collect();
    let total = running.len();
    let failed = tasks
        .run_until(async {
            let mut failed = Vec::new();
            for (name, task) in running {
                if let Err(e) = task.await {
                    failed.push(format!("case {name}: {}", panic_message(e)));
                }
            }
            failed
        })
        .await;
    assert!(
        failed.is_empty(),
        "{} of {total} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".into()),
        Err(e) => e.to_string(),
    }
}

pub use crate::internals::{demarche_client, enable_unreachable};

/// A portal where every federation has a client (none reachable): every
/// button of the chooser shows.
pub async fn spawn_app_with_every_button() -> TestApp {
    spawn_app_with(|s| {
        for f in crate::internals::Federation::ALL {
            enable_unreachable(s, f);
        }
    })
    .await
}

/// `/compte` says nobody is logged in (with a way to log in).
pub async fn assert_not_logged_in(app: &TestApp) {
    let res = app.get("/compte").await;
    assert_eq!(res.status(), StatusCode::OK, "the account page answers");
    let doc = html(res).await;
    assert_eq!(
        select(&doc, "#not-logged-in").len(),
        1,
        "nobody is logged in: {}",
        text_of(&doc, "main")
    );
}

/// The query of a URL, as a map.
pub fn query_of(url: &str) -> std::collections::HashMap<String, String> {
    reqwest::Url::parse(url)
        .expect("absolute URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// The real application with `settings` (e.g. read from a file) made fit
/// for tests (port, fixed keys), on a socket bound beforehand.
pub async fn spawn_app_from(
    socket: AppSocket,
    settings: Settings,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    LazyLock::force(&TRACING);
    let port = socket.listener.local_addr().unwrap().port();
    let mut settings = crate::internals::with_test_keys(settings, port);
    adjust(&mut settings);
    let (address, _handle) = serve(settings, socket.listener);
    TestApp {
        address,
        client: browser(),
    }
}
