//! Journeys that never dead-end, over HTTP: only the federations the
//! portal can log in with are buttons; the démarche stays with the person
//! through every page and error until they are back (retry, other
//! service, "Retour à …", language links); logout cannot be triggered by
//! another site. The same journeys in Chromium: `journeys_browser.rs`.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{
    AccessibilityStatus, Demarche, Federation, Lang, Locales, enable_every_federation_nowhere,
    route_table, set_session_lifetimes,
};
use crate::peers::{FederationPeer, log_in_at_form, refuse_at_form, test_login};

const CLIENT: &str = "demarche-parcours";
const SECRET: &str = "un-secret-de-demarche-parcours-0123456789";
const NAME: &str = "Aide au permis de conduire";
const REDIRECT: &str = "http://127.0.0.1:9/retour";
const BYE: &str = "http://127.0.0.1:9/au-revoir";

/// The journeys' démarche.
fn demarche() -> Demarche {
    Demarche::confidential(CLIENT, SECRET, NAME, REDIRECT).after_logout(BYE)
}

/// `/oidc/authorize` for the démarche with its `state`, and `extra`.
fn authorize_for(extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid profile email"),
        ("state", "etat-demarche"),
        ("nonce", "nonce-demarche"),
    ];
    params.extend_from_slice(extra);
    authorize_path(&params)
}

/// Asserts an OAuth error sent to the démarche: its state and the portal's iss.
fn assert_oauth_error(app: &TestApp, location: &str, error: &str) {
    assert!(
        location.starts_with(REDIRECT),
        "to the démarche: {location}"
    );
    let q = query_of(location);
    assert_eq!(q["error"], error, "{location}");
    assert_eq!(q["state"], "etat-demarche");
    assert_eq!(q["iss"], app.address);
}

#[tokio::test]
async fn an_idp_hint_naming_a_federation_not_configured_here_is_an_oauth_error_to_the_demarche() {
    let only_fc = Demarche::confidential("seulement-fc", SECRET, "FC seulement", REDIRECT)
        .after_logout(BYE)
        .accepting(&[Federation::FranceConnect]);
    let app = Portal::new()
        .demarche(demarche())
        .unreachable(Federation::ProConnect)
        .demarche(only_fc)
        .start()
        .await;
    let res = app
        .get(&authorize_for(&[("idp_hint", "franceconnect")]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_oauth_error(&app, location(&res), "temporarily_unavailable");
    // The only federation a démarche accepts, not configured here: the same.
    let path = authorize_for(&[]).replace(CLIENT, "seulement-fc");
    let res = app.get(&path).await;
    assert_oauth_error(&app, location(&res), "temporarily_unavailable");
    // A configured one still goes to the federation (here: unreachable).
    let res = app.get(&authorize_for(&[("idp_hint", "proconnect")])).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "#demarche"),
        format!("Connexion à {NAME}"),
        "the error page keeps the démarche"
    );
    assert_eq!(select(&doc, "#back-to-demarche").len(), 1);
}

/// The chooser's home for the démarche (`/?demande=…`) and the id.
async fn demarche_home(app: &TestApp, extra: &[(&str, &str)]) -> (String, String) {
    let res = app.get(&authorize_for(extra)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let target = location(&res).to_owned();
    let demande = query_of(&app.url(&target))["demande"].clone();
    (target, demande)
}

#[tokio::test]
async fn going_back_to_the_demarche_sends_access_denied_with_its_state_and_iss() {
    let app = Portal::new()
        .demarche(demarche())
        .unreachable(Federation::ProConnect)
        .start()
        .await;
    let (home, demande) = demarche_home(&app, &[]).await;
    let res = app.get(&home).await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("http://127.0.0.1:9"),
        "the form may lead to the démarche: {csp}"
    );
    let url = res.url().clone();
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "title"),
        format!("Connexion à {NAME} – Aiguillage")
    );
    assert_eq!(
        text_of(&doc, "#back-to-demarche"),
        format!("Retour à {NAME}")
    );
    let back = submit_form(
        &app.client,
        &url,
        &doc,
        "form[action='/retour-demarche']",
        &[],
    )
    .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(back.headers()["cache-control"], "no-store");
    assert_oauth_error(&app, location(&back), "access_denied");
    // Used up: the same request cannot be answered twice.
    let again = app
        .post_form("/retour-demarche", &[("demande", demande.as_str())])
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    // Answered already: the page says so and still leads to the démarche.
    let doc = html(again).await;
    assert_eq!(text_of(&doc, "h1"), "Demande de connexion déjà terminée");
    assert!(
        !select(&doc, "#back-to-demarche, a[href^='http://127.0.0.1:9']").is_empty(),
        "a way back to the démarche"
    );
    // Every chooser page of the démarche offers the way back, and its links keep it.
    let (_, demande) = demarche_home(&app, &[("population", "entreprise")]).await;
    let doc = app
        .page(
            &format!("/choix/entreprise?demande={demande}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(select(&doc, "#back-to-demarche").len(), 1);
    for css in [
        "#change-answer",
        "#header-help",
        "header a[hreflang=en]",
        ".fr-header__service a",
    ] {
        let href = attr(&doc, css, "href").unwrap();
        assert!(
            href.contains(&format!("demande={demande}")),
            "{css}: {href}"
        );
    }
}

#[tokio::test]
async fn after_a_refusal_the_page_keeps_the_demarche_and_a_retry_lands_on_it() {
    let portal = Portal::new();
    let fc = FederationPeer::start(Federation::FranceConnect, portal.socket()).await;
    let app = portal.federation(&fc).demarche(demarche()).start().await;
    let (target, demande) = demarche_home(&app, &[("population", "particulier")]).await;
    assert!(target.starts_with("/choix/particulier?"), "{target}");
    let url = reqwest::Url::parse(&app.url(&target)).unwrap();
    let doc = app.page(&target, StatusCode::OK).await;
    let res = submit_form(
        &app.client,
        &url,
        &doc,
        "form[action='/connexion/franceconnect']",
        &[],
    )
    .await;
    let (res, _) = follow(&app.client, res).await;
    let form_url = res.url().clone();
    let form = scraper::Html::parse_document(&res.text().await.unwrap());
    let res = refuse_at_form(&app.client, &form_url, &form).await;
    let (res, _) = follow(&app.client, res).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let error_url = res.url().clone();
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion annulée");
    assert_eq!(
        text_of(&doc, "title"),
        format!("Connexion annulée – Connexion à {NAME} – Aiguillage")
    );
    assert_eq!(text_of(&doc, "#demarche"), format!("Connexion à {NAME}"));
    assert_eq!(
        attr(&doc, "#retry input[name=demande]", "value").as_deref(),
        Some(demande.as_str())
    );
    assert_eq!(
        attr(&doc, "#retry input[name=population]", "value").as_deref(),
        Some("particulier")
    );
    assert_eq!(select(&doc, "#back-to-demarche").len(), 1);
    // Only FranceConnect fits a citizen: no "other service" offered.
    assert!(select(&doc, "main a[href^='/choix']").is_empty());
    assert!(select(&doc, "#error-hint").is_empty());
    // The language link leads to the same page (the callback cannot be replayed).
    let en = attr(&doc, "header a[hreflang=en]", "href").unwrap();
    assert_eq!(
        en,
        format!(
            "/erreur/refused-access-denied?federation=franceconnect&population=particulier&demande={demande}&lang=en"
        )
    );
    let res = app.get(&en).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let english = html(res).await;
    assert_eq!(text_of(&english, "h1"), "Sign-in canceled");
    assert_eq!(text_of(&english, "#demarche"), format!("Sign in to {NAME}"));
    assert_eq!(
        attr(&english, "#retry input[name=demande]", "value").as_deref(),
        Some(demande.as_str())
    );
    // The retry: the federation's form again, then back at the démarche with a code.
    let res = submit_form(&app.client, &error_url, &doc, "#retry", &[]).await;
    let (res, _) = follow(&app.client, res).await;
    let form_url = res.url().clone();
    let form = scraper::Html::parse_document(&res.text().await.unwrap());
    let login = test_login(Federation::FranceConnect);
    let mut res = log_in_at_form(&app.client, &form_url, &form, login).await;
    let mut landed = None;
    for _ in 0..10 {
        let next = res.url().join(location(&res)).unwrap();
        if next.as_str().starts_with(REDIRECT) {
            landed = Some(next);
            break;
        }
        assert_ne!(
            next.path(),
            "/compte",
            "a démarche's person never lands on /compte"
        );
        res = app.client.get(next).send().await.unwrap();
    }
    let landed = landed.expect("back at the démarche");
    let q = query_of(landed.as_str());
    assert!(q.contains_key("code"), "{landed}");
    assert_eq!(q["state"], "etat-demarche");
}

#[tokio::test]
async fn an_outage_page_says_only_what_is_true_for_the_person() {
    let app = Portal::new().every_button().start().await;
    // A citizen: FranceConnect is all there is for them.
    let res = app
        .post_form("/connexion/franceconnect", &[("population", "particulier")])
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "h1"),
        "Service de connexion momentanément indisponible"
    );
    assert!(
        select(&doc, "#error-hint").is_empty(),
        "no other service to offer"
    );
    assert!(!text_of(&doc, "main").contains("autre service"));
    assert_eq!(
        attr(&doc, "header a[hreflang=en]", "href").as_deref(),
        Some("/erreur/unavailable?federation=franceconnect&population=particulier&lang=en")
    );
    // A health professional: ProConnect fits too, and is offered.
    let res = app
        .post_form(
            "/connexion/prosanteconnect",
            &[("population", "professionnel-sante")],
        )
        .await;
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "#error-hint"),
        "Vous pouvez aussi utiliser un autre service de connexion qui vous correspond."
    );
    assert_eq!(
        attr(&doc, "main a.fr-btn[href^='/choix']", "href").as_deref(),
        Some("/choix/professionnel-sante")
    );
    // The page shown again in English, same status.
    let res = app
        .get(
            "/erreur/unavailable?federation=prosanteconnect&population=professionnel-sante&lang=en",
        )
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "h1"),
        "Sign-in service temporarily unavailable"
    );
    assert_eq!(
        text_of(&doc, "#error-hint"),
        "You can also use another sign-in service that fits you."
    );
    // Only known errors, and those needing a federation only with one.
    for path in [
        "/erreur/inconnue",
        "/erreur/unavailable",
        "/erreur/unavailable?federation=x",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_population_with_nothing_available_here_says_so_and_what_to_do() {
    let app = Portal::new()
        .settings(|s| {
            s.site.contact_url = Some(
                "https://contact.example.gouv.fr/aiguillage"
                    .parse()
                    .unwrap(),
            )
        })
        .demarche(demarche())
        .start()
        .await;
    let doc = app.page("/choix/particulier", StatusCode::OK).await;
    assert!(
        select(&doc, "form[action^='/connexion/']").is_empty(),
        "no button that leads nowhere"
    );
    assert_eq!(
        text_of(&doc, "h1"),
        "Aucun service de connexion disponible ici"
    );
    assert_eq!(
        text_of(&doc, "#unavailable-franceconnect"),
        "FranceConnect n’est pas proposé sur ce portail pour le moment."
    );
    assert!(
        text_of(&doc, "#none-available")
            .contains("rendez-vous sur le site de l’administration concernée")
    );
    assert_eq!(
        attr(&doc, "#contact-link", "href").as_deref(),
        Some("https://contact.example.gouv.fr/aiguillage")
    );
    // For a démarche: go back to it.
    let (_, demande) = demarche_home(&app, &[("population", "particulier")]).await;
    let doc = app
        .page(
            &format!("/choix/particulier?demande={demande}"),
            StatusCode::OK,
        )
        .await;
    assert!(
        text_of(&doc, "#none-available").contains(&format!("Revenez sur le site de « {NAME} »"))
    );
    assert_eq!(select(&doc, "#back-to-demarche").len(), 1);
}

#[tokio::test]
async fn every_chooser_page_has_its_own_title_and_one_choice_pages_do_not_ask_to_choose() {
    let app = Portal::new().every_button().start().await;
    let mut titles = std::collections::HashSet::new();
    for path in [
        "/",
        "/aide",
        "/federations",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/plan-du-site",
        "/compte",
        "/choix/particulier",
        "/choix/professionnel",
        "/choix/professionnel-sante",
        "/choix/entreprise",
        "/choix/agent-etat",
        "/choix/agent-collectivite",
    ] {
        let doc = app.page(path, StatusCode::OK).await;
        let title = text_of(&doc, "title");
        assert!(
            titles.insert(title.clone()),
            "{path}: title {title:?} already used"
        );
    }
    let doc = app.page("/choix/agent-etat", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Connectez-vous avec ProConnect");
    let doc = app.page("/choix/agent-etat?lang=en", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Sign in with ProConnect");
}

/// A raw HTTP/1.1 GET, for paths no URL library would send as they are
/// (`/\evil.example/x`).
async fn raw_get(app: &TestApp, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host.replace("localhost", "127.0.0.1"))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn language_links_are_built_from_the_route_never_from_the_raw_path() {
    let app = Portal::new().start().await;
    for path in [
        "//evil.example/path",
        "/\\evil.example/x",
        "/%5Cevil.example/x",
        "/choix/%5Cevil.example",
    ] {
        let response = raw_get(&app, path).await;
        assert!(
            response.starts_with("HTTP/1.1 404"),
            "{path}: {}",
            &response[..40]
        );
        let doc = scraper::Html::parse_document(&response[response.find("\r\n\r\n").unwrap()..]);
        for link in select(&doc, "a[href], form[action]") {
            let target = link
                .value()
                .attr("href")
                .or(link.value().attr("action"))
                .unwrap();
            let on_portal =
                target.starts_with('/') && !target.starts_with("//") && !target.starts_with("/\\")
                    || target.starts_with("https://")
                    || target.starts_with('#');
            assert!(on_portal, "{path}: {target}");
            assert!(
                !target.contains("evil.example") || target.starts_with("/choix/%5Cevil"),
                "{path}: {target}"
            );
        }
    }
    let doc = app
        .page("/choix/%5Cevil.example", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(
        attr(&doc, "header a[hreflang=en]", "href").as_deref(),
        Some("/choix/%5Cevil.example?lang=en"),
        "a matched route's value, percent-encoded"
    );
    let doc = app.page("//evil.example/path", StatusCode::NOT_FOUND).await;
    assert_eq!(
        attr(&doc, "header a[hreflang=en]", "href").as_deref(),
        Some("/erreur/not-found?lang=en"),
        "an unknown path: the error page's own address"
    );
    // A page reached by a button (POST) switches language on a GET route.
    let res = app.post("/connexion/franceconnect").await;
    let doc = html(res).await;
    let en = attr(&doc, "header a[hreflang=en]", "href").unwrap();
    assert_eq!(
        en,
        "/erreur/not-configured?federation=franceconnect&lang=en"
    );
    let res = app.get(&en).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        text_of(&html(res).await, "h1"),
        "Sign-in service unavailable on this portal"
    );
}

#[tokio::test]
async fn logout_cannot_be_triggered_by_another_site() {
    let s = crate::login::setup(Federation::ProConnect).await;
    let (res, _) = crate::login::log_in(&s.app, Federation::ProConnect).await;
    assert_eq!(res.url().path(), "/compte");
    let logged_in = |doc: &scraper::Html| select(doc, "#identity-name").len() == 1;
    // A link or a forged form from elsewhere: a question, nothing ended.
    let res = s.app.get("/deconnexion").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(text_of(&html(res).await, "h1"), "Se déconnecter ?");
    for body in ["", "csrf=", "csrf=forge"] {
        let res = s
            .app
            .client
            .post(s.app.url("/deconnexion"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{body}");
        assert_eq!(select(&html(res).await, "#logout-form").len(), 1);
    }
    let res = s.app.get("/oidc/logout").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(select(&html(res).await, "#logout-form").len(), 1);
    assert!(
        logged_in(&s.app.page("/compte", StatusCode::OK).await),
        "still logged in"
    );
    // The account page's own form logs out.
    let res = s.app.get("/compte").await;
    let url = res.url().clone();
    let doc = html(res).await;
    let res = submit_form(
        &s.app.client,
        &url,
        &doc,
        "form[action='/deconnexion']",
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).starts_with(&s.peer.issuer),
        "to the federation's logout"
    );
    follow(&s.app.client, res).await;
    assert_not_logged_in(&s.app).await;
}

#[tokio::test]
async fn a_demarche_logout_without_id_token_hint_asks_the_person_first() {
    let portal = Portal::new();
    let pc = FederationPeer::start(Federation::ProConnect, portal.socket()).await;
    let app = portal.federation(&pc).demarche(demarche()).start().await;
    let logout = format!(
        "/oidc/logout?client_id={CLIENT}&post_logout_redirect_uri={}&state=etat-sortie",
        url::form_urlencoded::byte_serialize(BYE.as_bytes()).collect::<String>()
    );
    // Nobody logged in: nothing to end, straight back to the démarche.
    let res = app.get(&logout).await;
    assert_eq!(location(&res), format!("{BYE}?state=etat-sortie"));
    let (res, _) = crate::login::log_in(&app, Federation::ProConnect).await;
    assert_eq!(res.url().path(), "/compte");
    let res = app.get(&logout).await;
    assert_eq!(res.status(), StatusCode::OK, "asked, not logged out");
    let url = res.url().clone();
    let doc = html(res).await;
    assert_eq!(
        text_of(&doc, "#logout-question"),
        format!(
            "« {NAME} » demande à mettre fin à votre connexion sur ce portail et auprès de votre service de connexion. Voulez-vous vous déconnecter ?"
        )
    );
    assert_eq!(
        select(&app.page("/compte", StatusCode::OK).await, "#identity-name").len(),
        1
    );
    // The question, in English: the same request asked again, still nothing ended.
    let en = attr(&doc, "header a[hreflang=en]", "href").unwrap();
    assert_eq!(en, format!("{logout}&lang=en"));
    let english = app.page(&en, StatusCode::OK).await;
    assert_eq!(text_of(&english, "h1"), "Sign out?");
    assert_eq!(
        select(
            &app.page("/compte?lang=fr", StatusCode::OK).await,
            "#identity-name"
        )
        .len(),
        1
    );
    // Confirmed: through the federation, then back at the démarche with its state.
    let res = submit_form(&app.client, &url, &doc, "#logout-form", &[]).await;
    let mut res = res;
    let mut back = None;
    for _ in 0..10 {
        let next = res.url().join(location(&res)).unwrap();
        if next.as_str().starts_with(BYE) {
            back = Some(next);
            break;
        }
        res = app.client.get(next).send().await.unwrap();
        if !res.status().is_redirection() {
            // The federation's own confirmation (no id_token_hint to it? it has one).
            panic!("stopped at {} ({})", res.url(), res.status());
        }
    }
    assert_eq!(
        back.expect("back at the démarche").as_str(),
        format!("{BYE}?state=etat-sortie")
    );
    assert_not_logged_in(&app).await;
}

#[tokio::test]
async fn the_pages_a_state_site_owes_exist_in_both_languages_with_honest_defaults() {
    let app = Portal::new().start().await;
    let doc = app.page("/", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#footer-accessibility"),
        "Accessibilité : non conforme"
    );
    assert_eq!(
        attr(&doc, "#footer-accessibility", "href").as_deref(),
        Some("/accessibilite")
    );
    let institutional: Vec<String> = select(&doc, "footer .fr-footer__content-list a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(
        institutional,
        [
            "https://www.info.gouv.fr",
            "https://www.service-public.fr",
            "https://www.legifrance.gouv.fr",
            "https://www.data.gouv.fr"
        ]
    );
    assert!(text_of(&doc, "footer .fr-footer__bottom-copy").ends_with("licence etalab-2.0"));
    for path in ["/mentions-legales", "/donnees-personnelles", "/aide"] {
        assert_eq!(
            select(&doc, &format!("footer a[href='{path}']")).len(),
            1,
            "{path}"
        );
    }
    // The site map first among the footer's links (DSFR).
    assert_eq!(
        attr(&doc, "footer .fr-footer__bottom-item:first-child a", "href").as_deref(),
        Some("/plan-du-site")
    );
    assert_eq!(text_of(&doc, "#footer-sitemap"), "Plan du site");
    let doc = app.page("/accessibilite", StatusCode::OK).await;
    assert!(text_of(&doc, "#accessibility-status").contains("non conforme"));
    assert!(text_of(&doc, "#accessibility-audit").starts_with("Aucun audit"));
    assert_eq!(select(&doc, "#no-contact").len(), 1, "no contact invented");
    // The RGAA's model statement: its sections, with honest defaults.
    let h2: Vec<String> = select(&doc, "main h2")
        .iter()
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(
        h2,
        [
            "État de conformité",
            "Résultats des tests",
            "Contenus non accessibles",
            "Établissement de cette déclaration",
            "Retour d’information et contact",
            "Voies de recours"
        ]
    );
    let h3: Vec<String> = select(&doc, "main h3")
        .iter()
        .map(|h| h.text().collect::<String>())
        .collect();
    for wanted in [
        "Non-conformités",
        "Dérogations pour charge disproportionnée",
        "Contenus non soumis à l’obligation d’accessibilité",
        "Technologies utilisées pour la réalisation du portail",
        "Environnement de test",
        "Outils pour évaluer l’accessibilité",
        "Pages du portail ayant fait l’objet de la vérification de conformité",
    ] {
        assert!(h3.iter().any(|h| h == wanted), "{wanted} in {h3:?}");
    }
    assert_eq!(
        text_of(&doc, "#accessibility-statement-date"),
        "La date d’établissement de cette déclaration n’a pas été renseignée par l’exploitant de ce portail."
    );
    assert!(
        text_of(&doc, "#accessibility-non-compliances")
            .starts_with("Aucun audit n’ayant encore été réalisé")
    );
    assert_eq!(text_of(&doc, "#accessibility-derogations"), "Aucune.");
    assert!(text_of(&doc, "#accessibility-exempt").contains("FranceConnect"));
    assert!(text_of(&doc, "#accessibility-environment-automated").contains("Chromium"));
    assert!(
        text_of(&doc, "#accessibility-commitment")
            .starts_with("L’éditeur de ce portail, dont le nom")
    );
    let doc = app.page("/accessibilite?lang=en", StatusCode::OK).await;
    assert!(text_of(&doc, "#accessibility-status").contains("not compliant"));
    let doc = app.page("/mentions-legales?lang=fr", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#legal-publisher"),
        "Non renseigné par l’exploitant de ce portail."
    );
    let doc = app.page("/donnees-personnelles", StatusCode::OK).await;
    // Without a publisher, a sentence that reads right.
    assert_eq!(
        text_of(&doc, "#privacy-controller"),
        "Le responsable du traitement est l’éditeur de ce portail, dont le nom n’a pas été renseigné par son exploitant."
    );
    // The inactivity timeout and the absolute maximum of a login.
    let retention = text_of(&doc, "#privacy-retention-session");
    assert!(
        retention.contains("30 minutes sans activité") && retention.contains("12 heures au plus"),
        "{retention}"
    );
    let cookie = |name: &str, col: usize| {
        text_of(&doc, &format!("tr[data-cookie={name}] > :nth-child({col})"))
    };
    assert_eq!(cookie("session", 1), "aiguillage_session");
    assert!(cookie("session", 3).contains("30 minutes"));
    assert!(cookie("session", 3).contains("12 heures"));
    assert_eq!(cookie("lang", 1), "aiguillage_lang");
    assert_eq!(cookie("lang", 3), "1 an");
    assert_eq!(cookie("population", 1), "aiguillage_population");
    assert_eq!(cookie("population", 3), "90 jours");
    let data = text_of(&doc, "#privacy-data");
    for item in ["date de naissance", "SIRET", "adresse électronique", "RPPS"] {
        assert!(data.contains(item), "{item} in {data}");
    }
    let doc = app
        .page("/donnees-personnelles?lang=en", StatusCode::OK)
        .await;
    assert_eq!(
        text_of(&doc, "tr[data-cookie=lang] > :nth-child(3)"),
        "1 year"
    );
    assert!(text_of(&doc, "#privacy-retention-session").contains("12 hours at most"));
}

#[tokio::test]
async fn the_site_map_lists_every_page_a_person_can_open() {
    let app = Portal::new().every_button().start().await;
    let doc = app.page("/plan-du-site", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Plan du site");
    assert_eq!(text_of(&doc, "title"), "Plan du site – Aiguillage");
    let listed: std::collections::BTreeSet<String> = select(&doc, "#sitemap a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    // Every route that answers a page to a GET from a link, from the
    // route table (a new page must be added to the map or here, on purpose).
    let not_pages = [
        "/choix",               // the form's action
        "/deconnexion",         // reached from "Votre connexion"
        "/deconnexion/fin",     // a federation's return
        "/erreur/{stem}",       // an error shown again
        "/decouverte",          // for démarches' own choosers
        "/niveau/{federation}", // a step-up, for a démarche's request
        "/federations/jwks",    // keys
        "/.well-known/openid-configuration",
        "/healthz",
        "/readyz",
        "/static/{path:.*}",
    ];
    let mut settings = crate::internals::Settings::defaults();
    enable_every_federation_nowhere(&mut settings);
    let routes = route_table(&settings);
    let mut expected = std::collections::BTreeSet::new();
    for route in routes {
        let p = route.pattern.as_str();
        let get = route.methods.iter().any(|m| m.as_str() == "GET");
        let callback = p.contains("retour") || p == "/login-callback";
        if !get || p.starts_with("/oidc/") || not_pages.contains(&p) || callback {
            continue;
        }
        if p == "/choix/{population}" {
            for id in [
                "particulier",
                "professionnel",
                "professionnel-sante",
                "entreprise",
                "agent-etat",
                "agent-collectivite",
            ] {
                expected.insert(format!("/choix/{id}"));
            }
        } else {
            expected.insert(p.to_owned());
        }
    }
    assert_eq!(listed, expected);
    // Every link of the map opens a page.
    for href in &listed {
        let res = app.get(href).await;
        assert_eq!(res.status(), StatusCode::OK, "{href}");
    }
    let doc = app.page("/plan-du-site?lang=en", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Site map");
    assert_eq!(text_of(&doc, "#footer-sitemap"), "Site map");
}

/// A `[site]` section an administration would write: publisher, contact,
/// and an accessibility statement with an audit, its non-compliances,
/// derogations and test environment.
pub fn example_site_section(s: &mut crate::internals::Settings) {
    s.site.publisher = Some("Direction du numérique d’exemple".into());
    s.site.contact_email = Some("aiguillage@example.gouv.fr".into());
    s.site.accessibility_status = AccessibilityStatus::PartiellementConforme;
    s.site.accessibility_audit_date = Some("2026-03-12".into());
    s.site.accessibility_auditor = Some("Audit Accessible SAS".into());
    s.site.accessibility_rate = Some(72);
    s.site.accessibility_statement_date = Some("2026-03-20".into());
    s.site.accessibility_non_compliances = vec![
        "Le tableau des services n’a pas de résumé.".into(),
        "Un lien d’évitement manque sur la page d’erreur.".into(),
    ];
    s.site.accessibility_derogations = vec!["Les anciennes captures d’écran.".into()];
    s.site.accessibility_test_environment = vec!["NVDA 2024.4 avec Firefox 128".into()];
}

#[tokio::test]
async fn publisher_contact_and_accessibility_status_come_from_the_site_section() {
    let app = Portal::new()
        .settings(|s| {
            example_site_section(s);
            set_session_lifetimes(s, 20, 8);
        })
        .start()
        .await;
    let doc = app.page("/accessibilite", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#footer-accessibility"),
        "Accessibilité : partiellement conforme"
    );
    assert!(text_of(&doc, "main").contains("Direction du numérique d’exemple s’engage"));
    assert_eq!(
        text_of(&doc, "#accessibility-audit"),
        "Ce statut est celui établi par l’audit de conformité réalisé le 12/03/2026. \
         L’audit a été réalisé par Audit Accessible SAS. \
         Il révèle que 72 % des critères du RGAA version 4.1.2 sont respectés."
    );
    assert_eq!(
        text_of(&doc, "#accessibility-statement-date"),
        "Cette déclaration a été établie le 20/03/2026."
    );
    let items = |css: &str| -> Vec<String> {
        select(&doc, &format!("{css} li"))
            .iter()
            .map(|li| li.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        items("#accessibility-non-compliances"),
        [
            "Le tableau des services n’a pas de résumé.",
            "Un lien d’évitement manque sur la page d’erreur."
        ]
    );
    assert_eq!(
        items("#accessibility-derogations"),
        ["Les anciennes captures d’écran."]
    );
    assert_eq!(
        items("#accessibility-environment"),
        ["NVDA 2024.4 avec Firefox 128"]
    );
    assert_eq!(
        attr(&doc, "#contact-link", "href").as_deref(),
        Some("mailto:aiguillage@example.gouv.fr")
    );
    let doc = app.page("/accessibilite?lang=en", StatusCode::OK).await;
    assert!(text_of(&doc, "#accessibility-audit").contains("March 12, 2026"));
    assert!(text_of(&doc, "#accessibility-audit").contains("72% of the criteria"));
    assert_eq!(
        text_of(&doc, "#accessibility-statement-date"),
        "This statement was prepared on March 20, 2026."
    );
    let doc = app.page("/mentions-legales", StatusCode::OK).await;
    assert_eq!(
        text_of(&doc, "#legal-publisher"),
        "Direction du numérique d’exemple"
    );
    let doc = app
        .page("/donnees-personnelles?lang=fr", StatusCode::OK)
        .await;
    assert!(text_of(&doc, "tr[data-cookie=session]").contains("20 minutes"));
    assert!(text_of(&doc, "tr[data-cookie=session]").contains("8 heures"));
    assert_eq!(
        text_of(&doc, "#privacy-controller"),
        "Le responsable du traitement est Direction du numérique d’exemple."
    );
}

#[test]
fn check_config_names_the_site_keys_it_refuses() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aiguillage"))
        .arg("check-config")
        .env_remove("AIGUILLAGE_CONFIG")
        .env(
            "AIGUILLAGE__SITE__ACCESSIBILITY_STATUS",
            "totalement-conforme",
        )
        .env("AIGUILLAGE__SITE__CONTACT_EMAIL", "pas-une-adresse")
        .env(
            "AIGUILLAGE__SITE__ACCESSIBILITY_STATEMENT_DATE",
            "le 20 mars",
        )
        .env("AIGUILLAGE__SITE__ACCESSIBILITY_RATE", "130")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("site.accessibility_audit_date"), "{stderr}");
    assert!(stderr.contains("site.contact_email"), "{stderr}");
    assert!(
        stderr.contains("site.accessibility_statement_date"),
        "{stderr}"
    );
    assert!(stderr.contains("site.accessibility_rate"), "{stderr}");
}

#[tokio::test]
async fn the_help_page_explains_each_situation_including_hospital_and_public_body_staff() {
    let app = Portal::new().start().await;
    let doc = app.page("/", StatusCode::OK).await;
    assert_eq!(attr(&doc, "#help-link", "href").as_deref(), Some("/aide"));
    assert_eq!(text_of(&doc, "#help-link"), "Je ne sais pas quoi répondre");
    assert!(text_of(&doc, "label[for=population-agent-etat]").contains("hôpital"));
    let doc = app.page("/aide", StatusCode::OK).await;
    for p in [
        "particulier",
        "professionnel",
        "professionnel-sante",
        "entreprise",
        "agent-etat",
        "agent-collectivite",
    ] {
        assert_eq!(
            attr(&doc, &format!("#help-{p} a"), "href"),
            Some(format!("/choix/{p}")),
            "{p}"
        );
    }
    assert!(text_of(&doc, "#help-agent-etat").contains("hôpital public"));
}

#[tokio::test]
async fn no_new_page_shows_a_raw_message_id() {
    let app = Portal::new().every_button().start().await;
    let keys = Locales::load(std::path::Path::new("locales"))
        .unwrap()
        .keys(Lang::Fr)
        .clone();
    for lang in ["fr", "en"] {
        for path in [
            "/aide",
            "/accessibilite",
            "/mentions-legales",
            "/donnees-personnelles",
            "/plan-du-site",
            "/compte",
            "/deconnexion",
            "/choix/professionnel-sante",
            "/erreur/refused-other?federation=proconnect&code=invalid_scope",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let body = app
                .get(&format!("{path}{sep}lang={lang}"))
                .await
                .text()
                .await
                .unwrap();
            let doc = scraper::Html::parse_document(&body);
            let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
            for word in text.split_whitespace() {
                assert!(
                    !keys.contains(word),
                    "{path} ({lang}) shows the raw id `{word}`"
                );
            }
        }
    }
}
