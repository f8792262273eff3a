//! Registered démarches. Secrets are kept only as SHA-256 digests and
//! compared in constant time.

use subtle::ConstantTimeEq;
use url::Url;

use super::alg::IdTokenAlg;
use super::settings::DemarcheSettings;
use crate::common::Secret;
use crate::domain::{Federation, PopulationId};

#[derive(Debug, Clone)]
pub struct Demarche {
    pub client_id: String,
    pub name: String,
    secret_digest: Option<[u8; 32]>,
    pub redirect_uris: Vec<Url>,
    pub post_logout_redirect_uris: Vec<Url>,
    /// Federations it accepts (`None`: all).
    pub federations: Option<Vec<Federation>>,
    pub populations: Option<Vec<PopulationId>>,
    pub public: bool,
    pub discovery_return_prefixes: Vec<Url>,
    /// How its ID tokens are signed (`id_token_signed_response_alg`).
    pub id_token_alg: IdTokenAlg,
    /// The federations' data scopes it may ask, per federation.
    pub data_scopes: std::collections::BTreeMap<Federation, Vec<String>>,
    /// Its own page (`home_url`, else its first redirect URI's origin).
    pub home: Url,
}

fn digest(secret: &str) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    digest.as_ref().try_into().unwrap_or([0; 32])
}

impl Demarche {
    /// Built by [`DemarcheSettings::resolve`], which checked every part.
    pub(crate) fn new(
        s: &DemarcheSettings,
        secret: Option<&Secret>,
        federations: Option<Vec<Federation>>,
        populations: Option<Vec<PopulationId>>,
    ) -> Demarche {
        Demarche {
            client_id: s.client_id.clone(),
            name: s.name.clone(),
            secret_digest: secret.map(|s| digest(s.expose())),
            redirect_uris: s.redirect_uris.clone(),
            post_logout_redirect_uris: s.post_logout_redirect_uris.clone(),
            federations,
            populations,
            public: s.public,
            discovery_return_prefixes: s.discovery_return_prefixes.clone(),
            id_token_alg: IdTokenAlg::default(),
            data_scopes: Default::default(),
            home: s
                .home_url
                .clone()
                .unwrap_or_else(|| home_of(&s.redirect_uris)),
        }
    }

    /// `scope` is one of its data scopes, for some federation.
    pub fn allows_data_scope(&self, scope: &str) -> bool {
        self.data_scopes.values().flatten().any(|s| s == scope)
    }

    /// Of the scopes `asked`, those it may ask `federation` for.
    pub fn data_scopes_for(&self, federation: Federation, asked: &[String]) -> Vec<String> {
        let allowed = self.data_scopes.get(&federation.for_level(None));
        asked
            .iter()
            .filter(|s| allowed.is_some_and(|a| a.contains(s)))
            .cloned()
            .collect()
    }

    /// Exact match, character for character (no prefix, no normalisation
    /// beyond URL parsing: RFC 9700 §4.1.3).
    pub fn has_redirect_uri(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u.as_str() == uri)
    }

    pub fn has_post_logout_redirect_uri(&self, uri: &str) -> bool {
        self.post_logout_redirect_uris
            .iter()
            .any(|u| u.as_str() == uri)
    }

    /// Checks a presented secret; a public client has none to check.
    pub fn secret_matches(&self, presented: &str) -> bool {
        match &self.secret_digest {
            Some(expected) => bool::from(digest(presented).ct_eq(expected)),
            None => false,
        }
    }

    pub fn accepts(&self, federation: Federation) -> bool {
        self.federations
            .as_ref()
            .is_none_or(|list| list.contains(&federation))
    }

    /// `url` lies under one of the discovery return prefixes: same origin,
    /// and its path is the prefix's path or continues it at a `/` (a
    /// prefix `/sso` admits `/sso` and `/sso/x`, not `/ssoevil`). A query
    /// or fragment is refused: the portal appends the chosen federation
    /// itself, and a caller must not add parameters the démarche would
    /// read as its own. The path is compared as the démarche will read it
    /// ([`plain_path`]): `/sso/..%2f..%2fevil` or `http://evil@host/sso`
    /// are refused, not matched on their encoded form.
    pub fn allows_discovery_return(&self, url: &Url) -> bool {
        let Some(path) = plain_path(url) else {
            return false;
        };
        url.query().is_none()
            && url.fragment().is_none()
            && self
                .discovery_return_prefixes
                .iter()
                .any(|p| p.origin() == url.origin() && path_under(&path, p.path()))
    }
}

/// The URL's path as its server reads it, when that is unambiguous: no
/// user or password part, and once percent-decoded, no dot segment, no
/// separator that was encoded (`%2f`, `%5c`), no backslash, valid UTF-8.
/// `None` otherwise.
fn plain_path(url: &Url) -> Option<String> {
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(url.path())
        .decode_utf8()
        .ok()?;
    let segments: Vec<&str> = decoded.split('/').collect();
    let hidden_separator = decoded.matches('/').count() != url.path().matches('/').count();
    let dot_segment = segments.iter().any(|s| *s == "." || *s == "..");
    if hidden_separator || dot_segment || decoded.contains('\\') {
        return None;
    }
    Some(decoded.into_owned())
}

/// The origin of the first redirect URI, as a page (`https://host/`); a
/// native app's private-use scheme has none: its URI then.
fn home_of(redirect_uris: &[Url]) -> Url {
    let Some(first) = redirect_uris.first() else {
        return Url::parse("about:blank").expect("valid URL");
    };
    match first.origin() {
        origin @ url::Origin::Tuple(..) => {
            Url::parse(&format!("{}/", origin.ascii_serialization()))
                .unwrap_or_else(|_| first.clone())
        }
        url::Origin::Opaque(_) => first.clone(),
    }
}

/// `path` equals `prefix` or continues it after a `/`.
fn path_under(path: &str, prefix: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || prefix.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// The registered démarches, sorted by name once (pages list them; the
/// CSP reads them on every response). Client ids are unique (`check-config`).
#[derive(Debug, Default)]
pub struct Demarches {
    list: Vec<Demarche>,
}

impl Demarches {
    pub fn new(mut list: Vec<Demarche>) -> Demarches {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Demarches { list }
    }

    pub fn get(&self, client_id: &str) -> Option<&Demarche> {
        self.list.iter().find(|c| c.client_id == client_id)
    }

    pub fn all(&self) -> impl Iterator<Item = &Demarche> {
        self.list.iter()
    }

    /// The origins of the public démarches' redirect URIs: where a
    /// browser application may call the token and userinfo endpoints from
    /// (CORS). `https://app.example.fr`, no trailing slash.
    pub fn public_origins(&self) -> impl Iterator<Item = String> + '_ {
        self.list
            .iter()
            .filter(|c| c.public)
            .flat_map(|c| c.redirect_uris.iter())
            .map(|u| u.origin().ascii_serialization())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demarche(prefix: &str) -> Demarche {
        let settings: DemarcheSettings = serde_json::from_value(serde_json::json!({
            "client_id": "d",
            "name": "D",
            "redirect_uris": ["https://d.example/cb"],
            "public": true,
            "discovery_return_prefixes": [prefix],
        }))
        .unwrap();
        settings
            .resolve(0, None, &mut Vec::new(), &mut Vec::new())
            .unwrap()
    }

    #[test]
    fn discovery_returns_match_the_prefix_at_a_path_boundary_without_query() {
        let c = demarche("https://d.example/sso");
        let ok = |u: &str| c.allows_discovery_return(&Url::parse(u).unwrap());
        assert!(ok("https://d.example/sso"));
        assert!(ok("https://d.example/sso/retour"));
        assert!(!ok("https://d.example/ssoevil"));
        assert!(!ok("https://d.example/sso?x=1"));
        assert!(!ok("https://d.example/sso/retour?entityID=evil"));
        assert!(!ok("https://d.example/sso#x"));
        assert!(!ok("https://evil.example/sso"));
        // Read as the démarche will read them.
        assert!(!ok("https://d.example/sso/..%2f..%2fevil"));
        assert!(!ok("https://d.example/sso/%2e%2e/evil"));
        assert!(!ok("https://d.example/sso/%2e%2e%2fevil"));
        assert!(!ok("https://d.example/sso%5c..%5cevil"));
        assert!(!ok("https://evil@d.example/sso/retour"));
        assert!(!ok("https://user:pw@d.example/sso/retour"));
        assert!(ok("https://d.example/sso/retour%202"));
        let slash = demarche("https://d.example/retour/");
        assert!(slash.allows_discovery_return(&Url::parse("https://d.example/retour/x").unwrap()));
        assert!(!slash.allows_discovery_return(&Url::parse("https://d.example/retourx").unwrap()));
    }
}
