use std::sync::LazyLock;

use aiguillage::configuration::Settings;
use aiguillage::startup::Application;
use reqwest::{Response, StatusCode, redirect};
use scraper::{Html, Selector};

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        aiguillage::telemetry::init(aiguillage::configuration::LogFormat::Human);
    }
});

pub fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
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
}

/// The real application on a socket bound beforehand.
pub async fn spawn_app_on(socket: AppSocket, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings::defaults();
    // Tests never reach the real integration platforms.
    for f in aiguillage::domain::Federation::ALL {
        settings.federations.get_mut(f).enabled = false;
    }
    spawn_app_from(socket, settings, adjust).await
}

/// The real application with `settings` (e.g. read from a file), on a
/// socket bound beforehand.
pub async fn spawn_app_from(
    socket: AppSocket,
    mut settings: Settings,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    LazyLock::force(&TRACING);
    settings.server.port = socket.listener.local_addr().unwrap().port();
    // Fixed keys: no key generation in every test, no shared data dir.
    settings.oidc.signing_key_file = Some(fixture("keys/rsa-1.pem"));
    settings.oidc.pairwise_secret = Some(aiguillage::common::Secret(
        "a-pairwise-secret-for-tests-only-0123456789".into(),
    ));
    adjust(&mut settings);
    let app =
        Application::build_with_listener(settings, socket.listener).expect("application builds");
    // The public URL (`http://localhost:PORT` in development): the portal
    // sends browsers on 127.0.0.1 to it, so that cookies follow one host.
    let address = if aiguillage::common::is_loopback_url(app.public_url()) {
        app.public_url().as_str().trim_end_matches('/').to_owned()
    } else {
        format!("http://127.0.0.1:{}", app.port())
    };
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp { address, client }
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
