//! What tests share besides the portal itself (`portal.rs`): fixtures, a
//! browser's steps (redirects, forms), HTML, the query of a URL, a
//! démarche's authorization request, a browser's way back to a démarche
//! through a federation's form, polling with a deadline, tables of cases.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use scraper::{Html, Selector};

pub use crate::portal::{AppSocket, Portal, PortalProcess, TestApp, browser};

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

// ---------------------------------------------------------------------------
// A browser's steps

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

// ---------------------------------------------------------------------------
// Queries and authorization requests

/// The query of a URL, as a map.
pub fn query_of(url: &str) -> HashMap<String, String> {
    reqwest::Url::parse(url)
        .expect("absolute URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// The query of the URL a response redirects to (absolute).
pub fn redirect_query(res: &Response) -> HashMap<String, String> {
    query_of(location(res))
}

/// A démarche's authorization request: `/oidc/authorize` with `params`,
/// in that order (the portal's path; `TestApp::url` makes it absolute).
pub fn authorize_path(params: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    format!("/oidc/authorize?{}", query.finish())
}

// ---------------------------------------------------------------------------
// Back to the démarche, through a federation's form

/// Where every test démarche is sent back (nothing listens there: the
/// tests read the URL).
pub const DEMARCHES_AT: &str = "http://127.0.0.1:9/";

/// A browser's way to a démarche: every address it was at (the first one
/// included, the démarche's excluded), the authorization requests sent to
/// federations, how many login forms it filled in, and the démarche URL it
/// ended at.
#[derive(Debug)]
pub struct Journey {
    pub hops: Vec<reqwest::Url>,
    pub to_federations: Vec<reqwest::Url>,
    pub forms: usize,
    pub back: reqwest::Url,
}

impl Journey {
    /// The query the démarche got.
    pub fn query(&self) -> HashMap<String, String> {
        query_of(self.back.as_str())
    }

    /// The last authorization request sent to a federation, as a map.
    pub fn asked(&self) -> HashMap<String, String> {
        query_of(
            self.to_federations
                .last()
                .expect("a request to a federation")
                .as_str(),
        )
    }
}

/// A GET of `url` in `client`, then [`journey_from`] its answer.
pub async fn journey(client: &reqwest::Client, url: &str, login: Option<&str>) -> Journey {
    let res = client.get(url).send().await.expect("request sent");
    journey_from(client, res, login).await
}

/// Follows a browser from `res` until it is sent to a démarche
/// ([`DEMARCHES_AT`]), logging in as `login` at a federation peer's form
/// whenever one shows (`None`: no form expected, as with the double).
pub async fn journey_from(
    client: &reqwest::Client,
    mut res: Response,
    login: Option<&str>,
) -> Journey {
    let (mut hops, mut to_federations, mut forms) = (Vec::new(), Vec::new(), 0);
    for _ in 0..25 {
        hops.push(res.url().clone());
        let at_form = res.status() == StatusCode::OK && res.url().path().contains("/interaction/");
        if res.status().is_redirection() {
            let next = res.url().join(location(&res)).unwrap();
            if next.as_str().starts_with(DEMARCHES_AT) {
                return Journey {
                    hops,
                    to_federations,
                    forms,
                    back: next,
                };
            }
            if next.path().ends_with("/authorize") && next.host_str() == Some("127.0.0.1") {
                to_federations.push(next.clone());
            }
            res = client.get(next).send().await.unwrap();
        } else if res.status() == StatusCode::OK && res.url().path().starts_with("/niveau/") {
            // The portal's step-up page: the person reads it and clicks
            // the federation's button.
            let url = res.url().clone();
            let doc = Html::parse_document(&res.text().await.unwrap());
            res = submit_form(client, &url, &doc, "form[action^='/connexion/']", &[]).await;
        } else if let (true, Some(login)) = (at_form, login) {
            forms += 1;
            let url = res.url().clone();
            let doc = Html::parse_document(&res.text().await.unwrap());
            res = crate::peers::log_in_at_form(client, &url, &doc, login).await;
        } else {
            let (url, status) = (res.url().clone(), res.status());
            panic!("stuck at {url} ({status}): {}", res.text().await.unwrap());
        }
    }
    panic!("never sent back to the démarche: {hops:#?}");
}

// ---------------------------------------------------------------------------
// Waiting for something that takes its time

/// What a check of [`eventually`] answers: `true`, `Some(value)` or
/// `Ok(value)` when what it waits for is there; else why not yet.
pub trait Answer {
    type Value;
    fn answer(self) -> Result<Self::Value, String>;
}

impl Answer for bool {
    type Value = ();
    fn answer(self) -> Result<(), String> {
        if self { Ok(()) } else { Err("no".into()) }
    }
}

impl<T> Answer for Option<T> {
    type Value = T;
    fn answer(self) -> Result<T, String> {
        self.ok_or_else(|| "none".into())
    }
}

impl<T, E: std::fmt::Display> Answer for Result<T, E> {
    type Value = T;
    fn answer(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Asks `check` until it answers (see [`Answer`]), at once then after
/// 10 ms, waiting half as long again each time up to 100 ms, and returns
/// its value; past `limit`, fails naming `what` and the last answer. For what the portal or a peer does in its own time (a probe, a
/// log line, a process ending, a failover), never for a lifetime: the
/// portal's clock is advanced instead (`TestApp::clock`).
pub async fn eventually<A, F, Fut>(what: &str, limit: Duration, mut check: F) -> A::Value
where
    A: Answer,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = A>,
{
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(10);
    loop {
        let last = match check().await.answer() {
            Ok(value) => return value,
            Err(last) => last,
        };
        assert!(
            Instant::now() < deadline,
            "{what}: not within {limit:?} (last: {last})"
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 3 / 2).min(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------------------
// HTML

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

// ---------------------------------------------------------------------------
// What a page says

/// Nobody is logged in: `/compte` says so (with a way to log in).
pub async fn assert_no_session(app: &TestApp) {
    assert_not_logged_in(app).await;
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

// ---------------------------------------------------------------------------
// Tables of cases

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
