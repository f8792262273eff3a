//! Language negotiation and translation completeness.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::internals::{Lang, Locales, Settings, USED_KEYS, missing_keys};

#[tokio::test]
async fn language_comes_from_query_then_cookie_then_accept_language_then_french() {
    let app = Portal::new().start().await;
    let lang_of = |doc: &scraper::Html| attr(doc, "html", "lang").unwrap();

    assert_eq!(lang_of(&app.page("/", StatusCode::OK).await), "fr");
    let doc = html(app.get_lang("/", "en-GB,en;q=0.9").await).await;
    assert_eq!(lang_of(&doc), "en");
    assert_eq!(text_of(&doc, "h1"), "Sign in");
    let doc = html(app.get_lang("/", "de-DE, fr;q=0.5, en;q=0.8").await).await;
    assert_eq!(lang_of(&doc), "en");
    let doc = html(app.get_lang("/", "de, it").await).await;
    assert_eq!(lang_of(&doc), "fr");

    // ?lang= wins and is remembered in a cookie.
    let res = app.get_lang("/federations?lang=en", "fr").await;
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("aiguillage_lang="))
        .unwrap();
    assert!(
        cookie.starts_with("aiguillage_lang=en;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    assert_eq!(lang_of(&html(res).await), "en");
    // Next pages: the cookie beats Accept-Language.
    let doc = html(app.get_lang("/choix/particulier", "fr-FR").await).await;
    assert_eq!(lang_of(&doc), "en");
    // No federation is configured in tests: the page says so, in English.
    assert_eq!(text_of(&doc, "h1"), "No sign-in service available here");
    // An unknown language is ignored, not remembered.
    let res = app.get("/?lang=de").await;
    assert!(set_cookies(&res).is_empty());
    assert_eq!(lang_of(&html(res).await), "en");
    let doc = app.page("/?lang=fr", StatusCode::OK).await;
    assert_eq!(lang_of(&doc), "fr");
    assert_eq!(text_of(&doc, "h1"), "Se connecter");
}

#[tokio::test]
async fn the_language_selector_keeps_the_page_and_its_query() {
    let app = Portal::new().start().await;
    let doc = app.page("/choix/particulier?lang=fr", StatusCode::OK).await;
    let en = "header nav a[hreflang=en]";
    assert_eq!(
        attr(&doc, en, "href").as_deref(),
        Some("/choix/particulier?lang=en")
    );
    assert_eq!(attr(&doc, en, "lang").as_deref(), Some("en"));
    assert_eq!(
        attr(&doc, "header nav a[hreflang=fr]", "aria-current").as_deref(),
        Some("true")
    );
    assert!(attr(&doc, en, "aria-current").is_none());
    let doc = app
        .page("/choix?population=x&lang=en", StatusCode::NOT_FOUND)
        .await;
    assert_eq!(
        attr(&doc, "header nav a[hreflang=fr]", "href").as_deref(),
        Some("/choix?population=x&lang=fr")
    );
}

#[test]
fn every_key_the_portal_uses_exists_in_every_language() {
    let locales = Locales::load(std::path::Path::new("locales")).expect("locales are valid");
    let chooser = Settings::defaults().resolve().unwrap().chooser;
    assert!(
        USED_KEYS.len() >= 30,
        "the key scan found the templates: {}",
        USED_KEYS.len()
    );
    assert_eq!(missing_keys(&locales, &chooser), vec![]);
    assert_eq!(locales.keys(Lang::Fr), locales.keys(Lang::En));
}

#[tokio::test]
async fn no_page_shows_a_raw_message_id() {
    let app = Portal::new().start().await;
    let keys = Locales::load(std::path::Path::new("locales"))
        .unwrap()
        .keys(Lang::Fr)
        .clone();
    for lang in ["fr", "en"] {
        for path in [
            "/",
            "/choix",
            "/choix/professionnel",
            "/choix/particulier",
            "/federations",
            "/nulle-part",
        ] {
            let res = app.get(&format!("{path}?lang={lang}")).await;
            let body = res.text().await.unwrap();
            let doc = scraper::Html::parse_document(&body);
            let text: String = doc.root_element().text().collect();
            for word in text.split_whitespace() {
                assert!(
                    !keys.contains(word),
                    "{path} ({lang}) shows the raw id `{word}`"
                );
            }
        }
    }
}
