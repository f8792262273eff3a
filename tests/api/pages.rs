//! Cross-cutting page behaviour: health, security headers, static files,
//! the remembered answer.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::set_public_url;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = Portal::new().start().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn every_page_forbids_framing_and_foreign_content() {
    let app = Portal::new().start().await;
    for path in [
        "/",
        "/choix/particulier",
        "/federations",
        "/nulle-part",
        "/choix",
    ] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        // Development on http loopback: no HSTS (it would pin localhost to https).
        assert!(h.get("strict-transport-security").is_none());
    }
}

#[tokio::test]
async fn static_files_are_served_with_type_and_validator() {
    let app = Portal::new().start().await;
    let res = app.get("/static/dsfr/dsfr.min.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/css");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains(".fr-connect"));
    let again = app
        .client
        .get(app.url("/static/dsfr/dsfr.min.css"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Every stylesheet, script and icon a page links to exists.
    let doc = app.page("/", StatusCode::OK).await;
    for (css, attr_name) in [("link[href^='/static/']", "href"), ("script[src]", "src")] {
        for el in select(&doc, css) {
            let path = el.value().attr(attr_name).unwrap();
            assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
        }
    }
}

#[tokio::test]
async fn the_last_answer_is_remembered_and_can_be_forgotten() {
    let app = Portal::new().start().await;
    // First visit: nothing preselected.
    let doc = app.page("/", StatusCode::OK).await;
    assert!(select(&doc, "#remembered").is_empty());
    assert!(select(&doc, "input[name=population][checked]").is_empty());

    // Opening a situation's page from a link remembers nothing…
    let res = app.get("/choix/entreprise").await;
    assert!(
        set_cookies(&res)
            .iter()
            .all(|c| !c.starts_with("aiguillage_population=")),
        "a link does not replace the remembered answer"
    );
    // …answering the question does.
    let res = app.get("/choix?population=entreprise").await;
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("aiguillage_population="))
        .expect("the answer is remembered");
    assert!(
        cookie.starts_with("aiguillage_population=entreprise;"),
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(
        cookie.contains("Max-Age="),
        "kept across browser restarts: {cookie}"
    );

    // Return: preselected, and the page says so, truthfully whether the
    // answer was given a minute ago or on another day.
    let doc = app.page("/", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#remembered"),
        "Vous avez déjà répondu : Une entreprise ou une association. Cette réponse est présélectionnée ci-dessous."
    );
    assert!(!text_of(&doc, "main").contains("dernière visite"));
    let checked: Vec<_> = select(&doc, "input[name=population][checked]")
        .iter()
        .map(|e| e.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(checked, ["entreprise"]);

    // "Ce n'est pas moi": forgotten.
    assert!(text_of(&doc, "form[action='/choix/oublier'] button").starts_with("Ce n’est pas moi"));
    let res = app.post("/choix/oublier").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("aiguillage_population=;"))
    );
    let doc = app.page("/", StatusCode::OK).await;
    assert!(select(&doc, "#remembered").is_empty());
    assert!(select(&doc, "input[name=population][checked]").is_empty());
}

#[tokio::test]
async fn an_answer_in_the_address_is_preselected_without_being_called_remembered() {
    let app = Portal::new().start().await;
    // A language link carrying an answer checked but not sent.
    let doc = app
        .page("/?population=agent-etat&lang=en", StatusCode::OK)
        .await;
    let checked: Vec<_> = select(&doc, "input[name=population][checked]")
        .iter()
        .map(|e| e.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(checked, ["agent-etat"]);
    assert!(select(&doc, "#remembered").is_empty());
    // Its own language links keep it.
    assert_eq!(
        attr(&doc, "header a[hreflang=fr]", "href").as_deref(),
        Some("/?population=agent-etat&lang=fr")
    );
    // It wins over a remembered answer, which is then not announced.
    let res = app.get("/choix?population=entreprise").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let doc = app.page("/?population=particulier", StatusCode::OK).await;
    assert_eq!(
        attr(&doc, "input[name=population][checked]", "value").as_deref(),
        Some("particulier")
    );
    assert!(select(&doc, "#remembered").is_empty());
    // An unknown one is ignored.
    let doc = app.page("/?population=inconnue", StatusCode::OK).await;
    assert_eq!(
        attr(&doc, "input[name=population][checked]", "value").as_deref(),
        Some("entreprise")
    );
}

#[tokio::test]
async fn a_remembered_answer_that_no_longer_exists_is_ignored() {
    let app = Portal::new().start().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("Cookie", "aiguillage_population=disparue")
        .send()
        .await
        .unwrap();
    let doc = html(res).await;
    assert!(select(&doc, "#remembered").is_empty());
}

#[tokio::test]
async fn cookies_are_secure_behind_an_https_public_url() {
    let app = Portal::new()
        .settings(|s| set_public_url(s, "https://aiguillage.example.gouv.fr/"))
        .start()
        .await;
    let res = app.get("/choix?population=particulier&lang=en").await;
    let cookies = set_cookies(&res);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for c in &cookies {
        assert!(c.starts_with("__Host-aiguillage_"), "{c}");
        assert!(
            c.contains("Secure") && c.contains("HttpOnly") && c.contains("SameSite=Lax"),
            "{c}"
        );
    }
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

/// The policy is kept between requests (it is computed from the
/// federations' discovery): a federation whose login page lives on another
/// origin than its issuer (on a host the operator listed in
/// `endpoint_hosts`: any other is refused) is allowed as a form's target as
/// soon as its discovery has arrived, and not before.
#[tokio::test]
async fn forms_may_lead_to_a_federation_s_login_page_once_its_discovery_names_it() {
    use crate::internals::{Federation, allow_endpoint_hosts, use_federation_at};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let issuer = format!("{}/api/v2", server.uri());
    let mut document = crate::federation_double::discovery(&issuer, &issuer);
    document["authorization_endpoint"] = "https://login.federation.test/authorize".into();
    Mock::given(method("GET"))
        .and(path("/api/v2/.well-known/openid-configuration"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(document)
                .set_delay(std::time::Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"keys": []})))
        .mount(&server)
        .await;
    let app = Portal::new()
        .settings(|s| {
            use_federation_at(s, Federation::ProConnect, &issuer);
            allow_endpoint_hosts(s, Federation::ProConnect, &["login.federation.test"]);
        })
        .start()
        .await;
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let before = csp(&app.get("/").await);
    assert!(
        before.contains(&server.uri()),
        "the issuer's origin: {before}"
    );
    assert!(!before.contains("login.federation.test"), "{before}");
    eventually(
        "the discovered authorization endpoint allowed",
        std::time::Duration::from_secs(20),
        || async {
            let now = csp(&app.get("/").await);
            let allowed =
                now.contains("form-action 'self'") && now.contains("https://login.federation.test");
            allowed.then_some(()).ok_or(now)
        },
    )
    .await;
}
