//! The chooser shows each population exactly its federations' official buttons.

use reqwest::StatusCode;

use crate::helpers::*;

/// The mission's table: population → federations, recommended first.
const TABLE: [(&str, &[&str]); 6] = [
    ("particulier", &["franceconnect"]),
    ("professionnel", &["proconnect", "prosanteconnect"]),
    ("professionnel-sante", &["prosanteconnect", "proconnect"]),
    ("entreprise", &["proconnect"]),
    ("agent-etat", &["proconnect"]),
    ("agent-collectivite", &["proconnect"]),
];

const ALL: [&str; 3] = ["franceconnect", "proconnect", "prosanteconnect"];

#[tokio::test]
async fn each_population_sees_exactly_its_federations_buttons_in_both_languages() {
    let app = Portal::new().every_button().start().await;
    for lang in ["fr", "en"] {
        for (population, expected) in TABLE {
            let doc = app
                .page(&format!("/choix/{population}?lang={lang}"), StatusCode::OK)
                .await;
            let forms: Vec<String> = select(&doc, "form[method=post][action^='/connexion/']")
                .iter()
                .map(|f| {
                    f.value()
                        .attr("action")
                        .unwrap()
                        .trim_start_matches("/connexion/")
                        .to_owned()
                })
                .collect();
            assert_eq!(
                forms, expected,
                "{population} ({lang}): buttons and their order"
            );
            // All 18 cells: a federation without ✅ has no button at all.
            for fed in ALL {
                let shown = !select(
                    &doc,
                    &format!("form[action='/connexion/{fed}'] button[type=submit]"),
                )
                .is_empty();
                assert_eq!(
                    shown,
                    expected.contains(&fed),
                    "{population} / {fed} ({lang})"
                );
            }
            let what_is = if lang == "fr" {
                "Qu’est-ce que"
            } else {
                "What is"
            };
            for fed in expected {
                let group = format!("form[action='/connexion/{fed}'] .fr-connect-group");
                let link = format!("{group} a[target=_blank][rel~=noopener]");
                let link_text = text_of(&doc, &link);
                assert!(link_text.starts_with(what_is), "{fed}: {link_text}");
                let title = attr(&doc, &link, "title").unwrap();
                let new_window = if lang == "fr" {
                    "nouvelle fenêtre"
                } else {
                    "new window"
                };
                assert!(
                    title.starts_with(&link_text) && title.ends_with(new_window),
                    "{title}"
                );
                // One sentence on why this federation.
                assert!(!text_of(&doc, &format!("#federation-{fed} > p")).is_empty());
            }
            // Two federations: say which one first, and why.
            let advice = select(&doc, "#advice");
            assert_eq!(
                advice.len(),
                usize::from(expected.len() > 1),
                "{population} advice"
            );
            if expected.len() > 1 {
                let first = text_of(&doc, &format!("#federation-{} h2", expected[0]));
                assert!(
                    first.starts_with(if lang == "fr" { "D’abord" } else { "First" }),
                    "{first}"
                );
            }
            // A way back to change the answer.
            assert_eq!(attr(&doc, "main a[href='/']", "href").as_deref(), Some("/"));
            // One button: the page names the service rather than ask to choose.
            let h1 = text_of(&doc, "h1");
            let choose = if lang == "fr" { "Choisissez" } else { "Choose" };
            assert_eq!(
                h1.starts_with(choose),
                expected.len() > 1,
                "{population}: {h1}"
            );
        }
    }
}

#[tokio::test]
async fn official_buttons_use_the_dsfr_markup() {
    let app = Portal::new().every_button().start().await;
    let doc = app.page("/choix/particulier", StatusCode::OK).await;
    let fc = "form[action='/connexion/franceconnect'] .fr-connect-group > button.fr-connect";
    assert_eq!(
        text_of(&doc, &format!("{fc} > span.fr-connect__login")),
        "S’identifier avec"
    );
    assert_eq!(
        text_of(&doc, &format!("{fc} > span.fr-connect__brand")),
        "FranceConnect"
    );
    assert!(select(&doc, "button.fr-connect--pro").is_empty());

    let doc = app.page("/choix/entreprise", StatusCode::OK).await;
    let pc = "form[action='/connexion/proconnect'] .fr-connect-group > button.fr-connect.fr-connect--pro";
    assert_eq!(
        text_of(&doc, &format!("{pc} > span.fr-connect__brand")),
        "ProConnect"
    );

    let doc = app
        .page("/choix/professionnel-sante?lang=en", StatusCode::OK)
        .await;
    let psc = "form[action='/connexion/prosanteconnect'] button[type=submit]";
    assert_eq!(text_of(&doc, psc), "Sign in with Pro Santé Connect");
}

#[tokio::test]
async fn the_home_form_leads_to_the_choice_page_with_a_303() {
    let app = Portal::new().start().await;
    let doc = app.page("/", StatusCode::OK).await;
    assert_eq!(
        attr(&doc, "main form[action='/choix']", "method").as_deref(),
        Some("get")
    );
    let radios: Vec<_> = select(&doc, "fieldset input[type=radio][name=population]")
        .iter()
        .map(|r| r.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(radios, TABLE.map(|(p, _)| p));
    // Every radio has its label.
    for (p, _) in TABLE {
        assert!(!text_of(&doc, &format!("label[for='population-{p}']")).is_empty());
    }
    assert_eq!(text_of(&doc, "legend .aig-question"), "Vous êtes…");

    for (population, _) in TABLE {
        let res = app.get(&format!("/choix?population={population}")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/choix/{population}"));
    }
}

#[tokio::test]
async fn no_answer_shows_the_question_again_with_an_error() {
    let app = Portal::new().start().await;
    let message = "Choisissez la situation qui vous correspond pour continuer.";
    for path in ["/choix", "/choix?population="] {
        let doc = app.page(path, StatusCode::BAD_REQUEST).await;
        // DSFR's error pattern, rendered by the server (no JavaScript):
        // the title says it, a summary at the top takes the focus and
        // announces the message, the group is in error with its message.
        assert_eq!(text_of(&doc, "title"), "Erreur : Se connecter – Aiguillage");
        assert_eq!(
            attr(&doc, "#error-summary", "autofocus").as_deref(),
            Some("")
        );
        assert_eq!(
            attr(&doc, "#error-summary", "tabindex").as_deref(),
            Some("-1")
        );
        assert_eq!(text_of(&doc, "#error-summary [role=alert] a"), message);
        assert_eq!(
            attr(&doc, "#error-summary a", "href").as_deref(),
            Some("#population-particulier")
        );
        assert_eq!(text_of(&doc, "#population-error"), message);
        assert_eq!(
            attr(&doc, "fieldset.fr-fieldset--error", "aria-labelledby").as_deref(),
            Some("population-legend population-messages")
        );
        assert_eq!(
            attr(&doc, "fieldset.fr-fieldset--error", "role").as_deref(),
            Some("group")
        );
    }
    let doc = app.page("/choix?lang=en", StatusCode::BAD_REQUEST).await;
    assert_eq!(text_of(&doc, "title"), "Error: Sign in – Aiguillage");
    // Without the error, nothing of it.
    let doc = app.page("/?lang=fr", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "title"), "Se connecter – Aiguillage");
    assert!(select(&doc, "#error-summary, [autofocus], .fr-fieldset--error").is_empty());
}

#[tokio::test]
async fn the_professional_answer_agrees_with_the_services_it_offers_and_differs_from_a_company() {
    let app = Portal::new().every_button().start().await;
    for (lang, not_a_company, company, psc_fits) in [
        (
            "fr",
            "sans représenter une entreprise ou une association",
            "Vous la dirigez ou vous agissez en son nom",
            "Pro Santé Connect convient si vous travaillez dans la santé ou le social",
        ),
        (
            "en",
            "not on behalf of a company or an association",
            "You run it or act on its behalf",
            "Pro Santé Connect fits if you work in health or social care",
        ),
    ] {
        let doc = app.page(&format!("/?lang={lang}"), StatusCode::OK).await;
        let professional = text_of(&doc, "label[for=population-professionnel]");
        // The hint no longer excludes health, which the page then offers.
        assert!(
            !professional.contains("hors santé") && !professional.contains("outside health"),
            "{professional}"
        );
        assert!(professional.contains(not_a_company), "{professional}");
        let label = text_of(&doc, "label[for=population-entreprise]");
        assert!(label.contains(company), "{label}");
        // The professional's page offers Pro Santé Connect and says when it fits.
        let doc = app
            .page(&format!("/choix/professionnel?lang={lang}"), StatusCode::OK)
            .await;
        assert_eq!(
            select(&doc, "form[action='/connexion/prosanteconnect'] button").len(),
            1
        );
        assert!(
            text_of(&doc, "#advice").contains(psc_fits),
            "{}",
            text_of(&doc, "#advice")
        );
        // The help page tells the professional from the company.
        let doc = app
            .page(&format!("/aide?lang={lang}"), StatusCode::OK)
            .await;
        let help = text_of(&doc, "#help-entreprise");
        assert!(
            help.contains("Un professionnel ou une professionnelle")
                || help.contains("A professional"),
            "{help}"
        );
    }
}

#[tokio::test]
async fn unknown_population_or_federation_gets_a_localized_404() {
    let app = Portal::new().start().await;
    for (path, title) in [
        ("/choix/inconnu", "Réponse inconnue"),
        ("/choix?population=inconnu", "Réponse inconnue"),
        ("/choix?population=%3Cscript%3E", "Réponse inconnue"),
        ("/nulle-part", "Page introuvable"),
        ("/static/absent.css", "Page introuvable"),
    ] {
        let doc = app.page(path, StatusCode::NOT_FOUND).await;
        assert_eq!(text_of(&doc, "h1"), title, "{path}");
        // Same layout as every page: header, footer, link home.
        assert!(!select(&doc, "header.fr-header").is_empty());
        assert!(!select(&doc, "footer.fr-footer").is_empty());
    }
    let res = app
        .client
        .post(app.url("/connexion/inconnue?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let doc = html(res).await;
    assert_eq!(text_of(&doc, "h1"), "Unknown sign-in service");
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("en"));
}

#[tokio::test]
async fn a_known_federation_without_configuration_is_explained() {
    let app = Portal::new().start().await;
    let res = app.post("/connexion/prosanteconnect").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let doc = html(res).await;
    assert!(
        text_of(&doc, "main")
            .contains("Pro Santé Connect n’est pas proposé sur ce portail pour le moment")
    );
}

#[tokio::test]
async fn the_federations_page_shows_the_whole_table_accessibly() {
    let app = Portal::new().start().await;
    for lang in ["fr", "en"] {
        let doc = app
            .page(&format!("/federations?lang={lang}"), StatusCode::OK)
            .await;
        assert!(!text_of(&doc, "table caption").is_empty());
        let heads: Vec<_> = select(&doc, "thead th[scope=col]")
            .iter()
            .map(|e| e.text().collect::<String>())
            .collect();
        assert_eq!(
            heads[1..],
            ["FranceConnect", "ProConnect", "Pro Santé Connect"]
        );
        let (yes, no) = if lang == "fr" {
            ("Oui", "Non")
        } else {
            ("Yes", "No")
        };
        for (population, feds) in TABLE {
            let row = format!("tbody tr[data-population='{population}']");
            assert!(!text_of(&doc, &format!("{row} th[scope=row]")).is_empty());
            for fed in ALL {
                let cell = text_of(&doc, &format!("{row} td[data-federation='{fed}']"));
                assert_eq!(
                    cell,
                    if feds.contains(&fed) { yes } else { no },
                    "{population}/{fed}"
                );
            }
        }
        // For administrations: each federation explained with its access link, and the link to use.
        for fed in ["franceconnect", "proconnect", "prosanteconnect"] {
            assert!(!select(&doc, &format!("#about-{fed}")).is_empty());
        }
        // The guide's first values: the issuer and its discovery document.
        assert_eq!(text_of(&doc, "#oidc-issuer"), app.address);
        assert_eq!(
            text_of(&doc, "#oidc-discovery"),
            format!("{}/.well-known/openid-configuration", app.address)
        );
    }
}
