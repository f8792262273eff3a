//! What the provider publishes: its discovery document, its keys, and
//! the `/federations` page that shows each démarche how to integrate.

use reqwest::StatusCode;

use super::*;
use crate::internals::{Federation, accept_only, use_signing_keys};

#[tokio::test]
async fn discovery_advertises_the_endpoints_and_capabilities() {
    let app = provider().start().await;
    let res = app.get("/.well-known/openid-configuration").await;
    assert_eq!(res.status(), StatusCode::OK);
    let d: serde_json::Value = res.json().await.unwrap();
    assert_eq!(d["issuer"], app.address);
    for (field, path) in [
        ("authorization_endpoint", "/oidc/authorize"),
        ("token_endpoint", "/oidc/token"),
        ("userinfo_endpoint", "/oidc/userinfo"),
        ("jwks_uri", "/oidc/jwks"),
        ("end_session_endpoint", "/oidc/logout"),
    ] {
        assert_eq!(d[field], format!("{}{path}", app.address));
    }
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    let methods = d["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap();
    assert!(
        methods.contains(&"client_secret_basic".into())
            && methods.contains(&"client_secret_post".into())
    );
}

#[tokio::test]
async fn the_jwks_keeps_a_retired_key_and_tokens_use_the_new_one() {
    let fc = franceconnect().await;
    let app = provider()
        .federation(&fc)
        .settings(|s| use_signing_keys(s, "rsa-2", &["rsa-1"]))
        .start()
        .await;
    let jwks: serde_json::Value = app.get("/oidc/jwks").await.json().await.unwrap();
    // The RSA keys (RS256, the default); the ES256 key is published too.
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["kty"] == "RSA")
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2, "{kids:?}");
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 3, "{jwks}");
    let code = code_for(&app, &standard(CLIENT, &[])).await;
    let body = tokens(&app, &code, (CLIENT, SECRET)).await;
    let (header, _) = decode_claims(body["id_token"].as_str().unwrap());
    assert_eq!(header["kid"], kids[0], "signed with the active key");
    verify_with_jwks(&app, body["id_token"].as_str().unwrap()).await;
}

#[tokio::test]
async fn the_federations_page_shows_how_each_demarche_integrates() {
    let app = provider()
        .settings(|s| accept_only(s, OTHER, &[Federation::ProConnect]))
        .start()
        .await;
    let doc = app.page("/federations", StatusCode::OK).await;
    assert_eq!(text_of(&doc, "#oidc-issuer"), app.address);
    let section = format!("[data-client=\"{CLIENT}\"]");
    assert_eq!(
        text_of(&doc, &format!("{section} h4")),
        "Démarche d’exemple"
    );
    let link = text_of(&doc, &format!("{section} pre"));
    assert!(
        link.starts_with(&format!(
            "{}/oidc/authorize?client_id={CLIENT}",
            app.address
        )),
        "{link}"
    );
    assert_eq!(
        text_of(
            &doc,
            &format!("[data-client=\"{OTHER}\"] .aig-demarche__federations")
        ),
        "ProConnect"
    );
    // The per-login values are placeholders that read as such, with PKCE.
    for part in [
        "state=ETAT_ALEATOIRE_A_GENERER",
        "nonce=NONCE_ALEATOIRE_A_GENERER",
        "code_challenge=DEFI_PKCE_A_CALCULER&code_challenge_method=S256",
    ] {
        assert!(link.contains(part), "{part} in {link}");
    }
    assert!(!link.contains('…'), "{link}");
}
