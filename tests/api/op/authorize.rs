//! The authorization endpoint: what goes back to the démarche as an OAuth
//! error, what gets an error page instead, the chooser restricted to the
//! démarche, the discovery-only mode, and the hints a démarche may send.

use reqwest::StatusCode;

use super::*;
use crate::federation_double::FederationDouble;
use crate::internals::{Federation, accept_only};

#[tokio::test]
async fn authorization_errors_go_back_to_the_demarche_with_state_and_iss() {
    let app = provider().start().await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            standard(
                CLIENT,
                &[
                    ("code_challenge", "abc"),
                    ("code_challenge_method", "plain"),
                ],
            ),
            "invalid_request",
        ),
        (standard(PUBLIC, &[]), "invalid_request"),
        (
            standard(CLIENT, &[("response_type", "token")]),
            "unsupported_response_type",
        ),
        (standard(CLIENT, &[("scope", "profile")]), "invalid_scope"),
        (standard(CLIENT, &[("prompt", "none")]), "login_required"),
        (
            standard(CLIENT, &[("idp_hint", "inconnu")]),
            "invalid_request",
        ),
    ];
    for (params, expected) in cases {
        let res = app.authorize(&params).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{params:?}");
        let back = location(&res);
        assert!(back.starts_with(REDIRECT), "{back}");
        let q = query_of(back);
        assert_eq!(q["error"], expected, "{params:?}");
        assert_eq!(q["state"], "etat-de-la-demarche");
        assert_eq!(q["iss"], app.address);
    }
}

#[tokio::test]
async fn an_unknown_client_or_redirect_uri_gets_a_page_and_no_redirect() {
    let app = provider().start().await;
    for (params, title) in [
        (standard("inconnue", &[]), "Démarche inconnue"),
        (
            standard(CLIENT, &[("redirect_uri", "https://attaquant.example/cb")]),
            "Adresse de retour refusée",
        ),
        (
            standard(CLIENT, &[("redirect_uri", "http://127.0.0.1:9/callback/")]),
            "Adresse de retour refusée",
        ),
    ] {
        let res = app.authorize(&params).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.headers().get("location").is_none());
        assert_eq!(text_of(&html(res).await, "h1"), title);
    }
}

#[tokio::test]
async fn the_chooser_is_restricted_and_titled_for_the_demarche() {
    let app = provider()
        .settings(|s| {
            accept_only(
                s,
                CLIENT,
                &[Federation::ProConnect, Federation::ProSanteConnect],
            )
        })
        // Their buttons show once the portal has a client for them.
        .unreachable(Federation::ProConnect)
        .unreachable(Federation::ProSanteConnect)
        .start()
        .await;
    let mut params = standard(CLIENT, &[]);
    params.retain(|(k, _)| *k != "idp_hint");
    let res = app.authorize(&params).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = location(&res).to_owned();
    assert!(home.starts_with("/?demande="), "{home}");
    let doc = app.page(&home, StatusCode::OK).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion à Démarche d’exemple");
    let offered: Vec<String> = select(&doc, "input[name=population]")
        .iter()
        .map(|i| i.value().attr("value").unwrap().to_owned())
        .collect();
    assert!(
        !offered.contains(&"particulier".to_owned()),
        "FranceConnect-only population hidden: {offered:?}"
    );
    assert!(offered.contains(&"professionnel-sante".to_owned()));
    let demande = home.trim_start_matches("/?demande=");
    let doc = app
        .page(
            &format!("/choix/professionnel-sante?demande={demande}"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        select(
            &doc,
            "form[action^='/connexion/'] input[type=hidden][name=demande]"
        )
        .len(),
        2,
        "each button carries the demande"
    );
    // A federation the démarche does not accept is refused.
    let res = app
        .post_form("/connexion/franceconnect", &[("demande", demande)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn discovery_only_mode_returns_the_chosen_federation_to_a_registered_prefix() {
    let app = provider().start().await;
    let res = app
        .get("/decouverte?return=https%3A%2F%2Fattaquant.example%2F&returnIDParam=idp")
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    // A supplied query, or a path past the prefix without a `/`: refused.
    for bad in ["retour-choix%3Fx%3D1", "retour-choixevil"] {
        let res = app
            .get(&format!(
                "/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2F{bad}&returnIDParam=idp"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.headers().get("location").is_none());
    }
    let res = app
        .get("/decouverte?return=http%3A%2F%2F127.0.0.1%3A9%2Fretour-choix%2Fsso&returnIDParam=idp")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = location(&res).to_owned();
    let demande = home.trim_start_matches("/?demande=").to_owned();
    let res = app.get(&home).await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self'") && csp.contains("http://127.0.0.1:9"),
        "the button may lead back: {csp}"
    );
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Connexion à Démarche d’exemple");
    let res = app
        .post_form("/connexion/franceconnect", &[("demande", demande.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        "http://127.0.0.1:9/retour-choix/sso?idp=franceconnect"
    );
}

#[tokio::test]
async fn prompt_none_with_a_session_answers_at_once() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    code_for(&app, &standard(CLIENT, &[])).await;
    let res = app
        .authorize(&standard(CLIENT, &[("prompt", "none")]))
        .await;
    let q = redirect_query(&res);
    assert!(q.contains_key("code") && !q.contains_key("error"), "{q:?}");
}

#[tokio::test]
async fn population_ui_locales_login_hint_acr_values_and_max_age_are_honoured() {
    let fc = FederationDouble::start(Federation::FranceConnect).await;
    let pc = FederationDouble::start(Federation::ProConnect).await;
    let app = provider().federation(&fc).federation(&pc).start().await;
    // The standard request, hinting a federation only when `extra` does.
    let request = |extra: &[(&'static str, &'static str)]| {
        let mut p = standard(CLIENT, extra);
        p.retain(|(k, _)| *k != "idp_hint" || extra.iter().any(|(n, _)| *n == "idp_hint"));
        p
    };
    // population: straight to that population's buttons; ui_locales: English.
    let res = app
        .authorize(&request(&[
            ("population", "agent-etat"),
            ("ui_locales", "en fr"),
        ]))
        .await;
    let target = location(&res).to_owned();
    assert!(
        target.starts_with("/choix/agent-etat?demande=") && target.ends_with("&lang=en"),
        "{target}"
    );
    let doc = app.page(&target, StatusCode::OK).await;
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("en"));
    assert_eq!(text_of(&doc, "#demarche"), "Sign in to Démarche d’exemple");
    // login_hint goes to ProConnect; acr_values to the federation.
    let res = app
        .authorize(&request(&[
            ("idp_hint", "proconnect"),
            ("login_hint", "jean.michel@test.proconnect.gouv.fr"),
        ]))
        .await;
    let q = redirect_query(&res);
    assert_eq!(q["login_hint"], "jean.michel@test.proconnect.gouv.fr");
    let res = app
        .authorize(&request(&[
            ("idp_hint", "franceconnect"),
            ("acr_values", "eidas1"),
        ]))
        .await;
    let q = redirect_query(&res);
    assert_eq!(q["acr_values"], "eidas1");
    // max_age: a session older than allowed means a new federation login.
    let params = standard(CLIENT, &[]);
    code_for(&app, &params).await;
    app.clock().advance(std::time::Duration::from_millis(1100));
    let res = app
        .authorize(&request(&[("idp_hint", "franceconnect"), ("max_age", "0")]))
        .await;
    let to = location(&res).to_owned();
    assert!(
        to.starts_with(&fc.issuer),
        "to the federation again, got {to}"
    );
    assert_eq!(query_of(&to)["prompt"], "login");
    let res = app
        .authorize(&request(&[
            ("idp_hint", "franceconnect"),
            ("max_age", "3600"),
        ]))
        .await;
    assert!(
        location(&res).starts_with(REDIRECT),
        "recent enough: a code at once"
    );
}
