//! One set of rules on every path: what a démarche's request allows is
//! checked wherever a code can be issued or a request used — at
//! authorization, at the callback's hand-back, at `/oidc/reprise`, at
//! "Retour à", at logout. Each test is an attack that once worked on one
//! of those paths.

use std::collections::HashMap;

use reqwest::StatusCode;

use crate::federation_double::FederationDouble;
use crate::helpers::*;
use crate::internals::{Federation, callback_path};
use crate::op::{
    CLIENT, REDIRECT, SECRET, code_for, pkce_pair, provider, standard, tokens, userinfo,
};

/// The provider with FranceConnect and ProConnect played by doubles.
async fn provider_with_both() -> (TestApp, FederationDouble, FederationDouble) {
    let fc = FederationDouble::start(Federation::FranceConnect).await;
    let pc = FederationDouble::start(Federation::ProConnect).await;
    let app = provider().federation(&fc).federation(&pc).start().await;
    (app, fc, pc)
}

/// The authorization request's answer sends the browser to `fed`'s login;
/// returns what that login request carries.
fn sent_to(res: &reqwest::Response, fed: &FederationDouble) -> HashMap<String, String> {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "to a federation");
    let to = location(res);
    assert!(
        to.starts_with(&format!("{}/authorize?", fed.issuer)),
        "sent to {}'s login, not {to}",
        fed.federation
    );
    query_of(to)
}

/// The person cancels at `fed` (which answers `access_denied`): the
/// portal's error page. Returns the `demande` its "Retour à" form carries.
async fn cancel_at(app: &TestApp, fed: &FederationDouble, state: &str) -> String {
    let res = app
        .client
        .get(app.url(&callback_path(fed.federation)))
        .query(&[
            ("error", "access_denied"),
            ("state", state),
            ("iss", fed.issuer.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let doc = html(res).await;
    attr(
        &doc,
        "form[action=\"/retour-demarche\"] input[name=demande]",
        "value",
    )
    .expect("the error page offers the way back to the démarche")
}

/// Logged in with `first` for [`CLIENT`]; then [`CLIENT`] asks `second`,
/// which needs a new login at `fed`; the person cancels there and opens
/// `/oidc/reprise/<demande>` (its id is on the error page). The response.
async fn cancel_then_resume(
    app: &TestApp,
    first: &[(&str, &str)],
    second: &[(&str, &str)],
    fed: &FederationDouble,
) -> reqwest::Response {
    code_for(app, first).await;
    let res = app.authorize(second).await;
    let asked = sent_to(&res, fed);
    let demande = cancel_at(app, fed, &asked["state"]).await;
    app.get(&format!("/oidc/reprise/{demande}")).await
}

/// No code reaches the démarche: the person is sent to log in at `fed`
/// again (afresh when `fresh`: a federation they are logged in at must
/// authenticate them again).
fn logs_in_again(
    res: &reqwest::Response,
    fed: &FederationDouble,
    fresh: bool,
) -> Result<(), String> {
    let to = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("");
    if to.starts_with(REDIRECT) {
        return Err(format!(
            "the démarche got an answer from the old login: {to}"
        ));
    }
    if res.status() != StatusCode::SEE_OTHER
        || !to.starts_with(&format!("{}/authorize?", fed.issuer))
    {
        return Err(format!(
            "not sent to {}'s login: {} {to}",
            fed.federation,
            res.status()
        ));
    }
    match query_of(to).get("prompt").map(String::as_str) {
        Some("login") if fresh => Ok(()),
        None if !fresh => Ok(()),
        other => Err(format!("prompt={other:?}, fresh expected: {fresh}")),
    }
}

#[tokio::test]
async fn a_resumed_request_is_never_answered_from_a_login_older_than_it_allows() {
    let (app, fc, pc) = provider_with_both().await;
    let at_pc = [("idp_hint", "proconnect")];
    let pc_eidas2 = [("idp_hint", "proconnect"), ("acr_values", "eidas2")];
    // (why, first request, second request, where to log in again, afresh)
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a str)>,
        Vec<(&'a str, &'a str)>,
        &'a FederationDouble,
        bool,
    );
    let cases: Vec<Case> = vec![
        (
            "prompt=login cancelled",
            standard(CLIENT, &[]),
            standard(CLIENT, &[("prompt", "login")]),
            &fc,
            true,
        ),
        (
            "max_age=0 cancelled",
            standard(CLIENT, &[]),
            standard(CLIENT, &[("max_age", "0")]),
            &fc,
            true,
        ),
        (
            "a login_hint naming someone else cancelled",
            standard(CLIENT, &at_pc),
            standard(
                CLIENT,
                &[
                    ("idp_hint", "proconnect"),
                    ("login_hint", "quelqu.un.autre@example.gouv.fr"),
                ],
            ),
            &pc,
            true,
        ),
        (
            "an idp_hint for another federation cancelled",
            standard(CLIENT, &[]),
            standard(CLIENT, &at_pc),
            &pc,
            false,
        ),
        (
            "eidas2 (never from a session) cancelled",
            standard(CLIENT, &pc_eidas2),
            standard(CLIENT, &pc_eidas2),
            &pc,
            true,
        ),
    ];
    let mut failed = Vec::new();
    for (why, first, second, fed, fresh) in cases {
        let app = app.in_another_browser();
        let res = cancel_then_resume(&app, &first, &second, fed).await;
        if let Err(e) = logs_in_again(&res, fed, fresh) {
            failed.push(format!("{why}: {e}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A victim's browser sent by the démarche to the chooser: the
/// `demande` in its address (browser history, proxy logs).
async fn victims_request(app: &TestApp) -> String {
    let (_, challenge) = pkce_pair();
    let mut params = standard(
        CLIENT,
        &[
            ("state", "etat-de-la-victime"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    params.retain(|(k, _)| *k != "idp_hint");
    let res = app.authorize(&params).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let chooser = app.url(location(&res));
    query_of(&chooser)["demande"].clone()
}

#[tokio::test]
async fn a_pending_request_is_used_only_by_the_browser_that_made_it() {
    let (app, fc, _pc) = provider_with_both().await;
    let victim = app.in_another_browser();
    let demande = victims_request(&victim).await;
    // The attacker logs in as himself, then uses the victim's request.
    let attacker = app.in_another_browser();
    fc.assert_logged_in(&attacker, fc.log_in(&attacker).await)
        .await;

    let res = attacker.get(&format!("/oidc/reprise/{demande}")).await;
    assert!(
        !res.status().is_redirection() || !location(&res).starts_with(REDIRECT),
        "a code with the victim's state went to the démarche: {:?}",
        res.headers().get("location")
    );
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "resumed from another browser"
    );

    let res = attacker
        .post_form("/connexion/franceconnect", &[("demande", demande.as_str())])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "a login for the victim's request started from another browser"
    );

    let res = attacker
        .post_form("/retour-demarche", &[("demande", demande.as_str())])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "the victim's request cancelled from another browser"
    );

    let res = attacker.get(&format!("/?demande={demande}")).await;
    let doc = html(res).await;
    assert!(
        !doc.html().contains("Démarche d’exemple"),
        "the démarche's name shown to another browser"
    );

    // Nothing was used up: the victim goes on and logs in.
    let res = victim
        .get(&format!("/choix/particulier?demande={demande}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = victim
        .post_form("/connexion/franceconnect", &[("demande", demande.as_str())])
        .await;
    sent_to(&res, &fc);
    let res = victim.client.get(location(&res)).send().await.unwrap();
    let res = victim.client.get(location(&res)).send().await.unwrap();
    let q = redirect_query(&res);
    assert_eq!(q["state"], "etat-de-la-victime");
    assert!(
        q.contains_key("code"),
        "the victim's démarche gets its code"
    );
}

/// Logs in through `fed` for [`CLIENT`] in `app`'s browser; the tokens.
async fn tokens_through(app: &TestApp, fed: Federation) -> serde_json::Value {
    let hint = [("idp_hint", fed.id())];
    let code = code_for(app, &standard(CLIENT, &hint)).await;
    tokens(app, &code, (CLIENT, SECRET)).await
}

/// `/oidc/logout` with `hint` in `app`'s browser, back to the démarche.
async fn logout_with_hint(app: &TestApp, hint: &str) -> reqwest::Response {
    let mut url = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", hint)
        .append_pair("post_logout_redirect_uri", crate::op::BYE)
        .append_pair("state", "etat-sortie");
    app.client.get(url).send().await.unwrap()
}

/// The logout was not done: the person is asked, and still logged in.
async fn asked_not_logged_out(app: &TestApp, res: reqwest::Response, why: &str) {
    assert_eq!(res.status(), StatusCode::OK, "{why}: a confirmation page");
    let doc = html(res).await;
    assert_eq!(
        select(&doc, "form[action=\"/oidc/logout\"]").len(),
        1,
        "{why}: the person is asked"
    );
    let res = app
        .authorize(&standard(CLIENT, &[("prompt", "none")]))
        .await;
    assert!(
        redirect_query(&res).contains_key("code"),
        "{why}: still logged in"
    );
}

#[tokio::test]
async fn an_id_token_hint_logs_out_at_once_only_for_this_session() {
    let (app, _fc, _pc) = provider_with_both().await;
    // Someone else's token, from another browser.
    let other = app.in_another_browser();
    let theirs = tokens_through(&other, Federation::ProConnect).await;
    let mine = app.in_another_browser();
    tokens_through(&mine, Federation::FranceConnect).await;
    let res = logout_with_hint(&mine, theirs["id_token"].as_str().unwrap()).await;
    asked_not_logged_out(&mine, res, "another person's id_token_hint").await;

    // A token of an earlier login in this browser, logged out since.
    let shared = app.in_another_browser();
    let earlier = tokens_through(&shared, Federation::FranceConnect).await;
    let res = logout_with_hint(&shared, earlier["id_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "its own hint: at once");
    tokens_through(&shared, Federation::FranceConnect).await;
    let res = logout_with_hint(&shared, earlier["id_token"].as_str().unwrap()).await;
    asked_not_logged_out(&shared, res, "a hint from an earlier login").await;
}

#[tokio::test]
async fn access_tokens_end_with_the_session_that_gave_them() {
    let (app, _fc, _pc) = provider_with_both().await;
    let by_hint = tokens_through(&app, Federation::FranceConnect).await;
    let access = by_hint["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&app, access).await.status(), StatusCode::OK);
    let res = logout_with_hint(&app, by_hint["id_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = userinfo(&app, access).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "userinfo after the démarche's logout"
    );

    // The portal's own logout ends them too.
    let browser = app.in_another_browser();
    let tokens = tokens_through(&browser, Federation::FranceConnect).await;
    let access = tokens["access_token"].as_str().unwrap();
    let doc = browser.page("/deconnexion", StatusCode::OK).await;
    let url = reqwest::Url::parse(&browser.url("/deconnexion")).unwrap();
    let res = submit_form(
        &browser.client,
        &url,
        &doc,
        "form[action=\"/deconnexion\"]",
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = userinfo(&app, access).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "userinfo after the person's logout"
    );
}

#[tokio::test]
async fn a_silent_request_s_error_says_nothing_about_the_session_s_person() {
    let (app, _fc, _pc) = provider_with_both().await;
    let silent = |extra: &'static [(&'static str, &'static str)]| {
        let mut p = standard(CLIENT, &[("prompt", "none"), ("idp_hint", "proconnect")]);
        p.extend_from_slice(extra);
        p
    };
    let nobody = redirect_query(&app.authorize(&silent(&[])).await);
    assert_eq!(nobody["error"], "login_required");
    tokens_through(&app, Federation::ProConnect).await;
    for extra in [
        &[("login_hint", "quelqu.un.autre@example.gouv.fr")][..],
        &[("max_age", "0")][..],
        &[("acr_values", "eidas2")][..],
    ] {
        let q = redirect_query(&app.authorize(&silent(extra)).await);
        assert_eq!(q["error"], "login_required", "{extra:?}");
        assert_eq!(
            q.get("error_description"),
            nobody.get("error_description"),
            "{extra:?}: the same words as when nobody is logged in"
        );
    }
}

/// A federation that stopped answering since its last answer (the probe
/// has not noticed: it looks once an hour here) is asked again before a
/// person is sent there, on each path that sends them: a new
/// authorization (a fresh login asked) and `/oidc/reprise` (the same
/// request resumed) both give the portal's outage page, never a redirect
/// to it, and never a code from the session instead.
#[tokio::test]
async fn a_federation_gone_since_its_last_answer_is_where_no_path_sends_the_person() {
    use crate::internals::probe_federations_every;

    let fc = FederationDouble::start(Federation::FranceConnect).await;
    let app = provider()
        .federation(&fc)
        .settings(|s| probe_federations_every(s, 3600))
        .start()
        .await;
    code_for(&app, &standard(CLIENT, &[])).await;
    // Gone: its discovery document now fails, over every other answer.
    fc.serve_discovery(wiremock::ResponseTemplate::new(503), 1)
        .await;
    // Past the moment its last answer vouches for it (5 s, the system's
    // clock: the same the probe reads).
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;

    let outage = |res: reqwest::Response| async move {
        assert_eq!(
            res.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            res.url()
        );
        let doc = html(res).await;
        assert_eq!(
            text_of(&doc, "h1"),
            "Service de connexion momentanément indisponible"
        );
        doc
    };
    let fresh = standard(CLIENT, &[("prompt", "login")]);
    let doc = outage(app.get(&authorize_path(&fresh)).await).await;
    let demande = attr(&doc, "input[name=demande]", "value")
        .expect("the outage page keeps the démarche's request");
    let resumed = app.get(&format!("/oidc/reprise/{demande}")).await;
    outage(resumed).await;
}
