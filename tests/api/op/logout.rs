//! RP-initiated logout (`/oidc/logout`): through the federation's logout,
//! back only to a registered URI.

use reqwest::StatusCode;

use super::*;

#[tokio::test]
async fn logout_returns_only_to_a_registered_uri_after_the_federation() {
    let fc = franceconnect().await;
    let app = provider().federation(&fc).start().await;
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let id_token = body["id_token"].as_str().unwrap();
    // A foreign post_logout_redirect_uri: a page, no redirect.
    let mut foreign = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    foreign
        .query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", "https://attaquant.example/")
        .append_pair("state", "s");
    let res = app.client.get(foreign).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    // The registered one: through the federation's logout, then back.
    let mut url = reqwest::Url::parse(&app.url("/oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", BYE)
        .append_pair("state", "etat-sortie");
    let back = journey(&app.client, url.as_str(), None).await.back;
    assert_eq!(back.as_str(), format!("{BYE}?state=etat-sortie"));
    assert_eq!(
        fc.requests_to("session/end").await,
        1,
        "after the federation"
    );
    // The portal session is gone: prompt=none now fails.
    let res = app
        .authorize(&standard(CLIENT, &[("prompt", "none")]))
        .await;
    assert_eq!(redirect_query(&res)["error"], "login_required");
}
