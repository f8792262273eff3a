//! Public keys parsed once from a JWKS into `ring`'s form, and the check
//! of a compact JWS against them: what a federation signs (ID tokens,
//! signed userinfo, `upstream`) and the portal's own ID tokens coming back
//! as `id_token_hint` (`provider`).
//!
//! Why not the libraries' own checks: `openidconnect` and `jsonwebtoken`
//! verify with pure-Rust RSA and P-256, which took a quarter of the CPU
//! of a whole login (BENCHMARKS.md); `ring` does the same in a fraction of
//! it. `openidconnect` still checks every claim of a federation's ID token
//! (its signature check is turned off only after this module's).
//!
//! The key is chosen as `openidconnect` chooses it (OpenID Connect Core
//! 10.1): by `kid` when the token names one, among keys whose type fits the
//! algorithm, whose `use` (if any) is `sig` and whose `alg` (if any) is the
//! token's; without a `kid`, only when exactly one key fits.

use base64::Engine;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::{Map, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Why a signed value was not accepted.
#[derive(Debug)]
pub enum SignatureError {
    /// Signed with a key the JWKS does not (yet) hold.
    UnknownKey,
    Rejected(String),
}

impl SignatureError {
    /// A rejection's reason prefixed with what was signed (`ID token`,
    /// `userinfo JWT`); an unknown key stays one (the caller may refresh).
    pub fn about(self, what: &str) -> SignatureError {
        match self {
            SignatureError::Rejected(reason) => {
                SignatureError::Rejected(format!("{what}: {reason}"))
            }
            unknown => unknown,
        }
    }
}

/// `at_hash` (OpenID Connect Core 3.1.3.6): the left half of the access
/// token's hash with the ID token's algorithm's hash, base64url.
pub fn at_hash(hash: &'static ring::digest::Algorithm, access_token: &str) -> String {
    let digest = ring::digest::digest(hash, access_token.as_bytes());
    B64.encode(&digest.as_ref()[..digest.as_ref().len() / 2])
}

/// Signature algorithms accepted: asymmetric only, so
/// `none` and HMAC-with-a-public-key confusions are impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwsAlg {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
}

impl JwsAlg {
    pub const ALL: [JwsAlg; 8] = [
        JwsAlg::Rs256,
        JwsAlg::Rs384,
        JwsAlg::Rs512,
        JwsAlg::Ps256,
        JwsAlg::Ps384,
        JwsAlg::Ps512,
        JwsAlg::Es256,
        JwsAlg::Es384,
    ];

    pub fn name(self) -> &'static str {
        match self {
            JwsAlg::Rs256 => "RS256",
            JwsAlg::Rs384 => "RS384",
            JwsAlg::Rs512 => "RS512",
            JwsAlg::Ps256 => "PS256",
            JwsAlg::Ps384 => "PS384",
            JwsAlg::Ps512 => "PS512",
            JwsAlg::Es256 => "ES256",
            JwsAlg::Es384 => "ES384",
        }
    }

    fn parse(name: &str) -> Option<JwsAlg> {
        JwsAlg::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The hash the algorithm signs with, for `at_hash` (Core 3.1.3.6).
    pub fn hash(self) -> &'static ring::digest::Algorithm {
        match self {
            JwsAlg::Rs256 | JwsAlg::Ps256 | JwsAlg::Es256 => &ring::digest::SHA256,
            JwsAlg::Rs384 | JwsAlg::Ps384 | JwsAlg::Es384 => &ring::digest::SHA384,
            JwsAlg::Rs512 | JwsAlg::Ps512 => &ring::digest::SHA512,
        }
    }
}

/// What a key can verify, in the form `ring` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PublicKey {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed point `04 ‖ x ‖ y`.
    P256(Vec<u8>),
    P384(Vec<u8>),
}

impl PublicKey {
    fn fits(&self, alg: JwsAlg) -> bool {
        match self {
            PublicKey::Rsa { .. } => !matches!(alg, JwsAlg::Es256 | JwsAlg::Es384),
            PublicKey::P256(_) => alg == JwsAlg::Es256,
            PublicKey::P384(_) => alg == JwsAlg::Es384,
        }
    }

    fn verify(&self, alg: JwsAlg, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Rsa { n, e } => RsaPublicKeyComponents { n, e }
                .verify(rsa_parameters(alg), message, signature)
                .is_ok(),
            PublicKey::P256(point) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
                    .is_ok()
            }
            PublicKey::P384(point) => {
                UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                    .verify(message, signature)
                    .is_ok()
            }
        }
    }
}

/// `ring`'s RSA parameters for `alg` (only called for RSA algorithms;
/// keys under 2048 bits are refused).
fn rsa_parameters(alg: JwsAlg) -> &'static signature::RsaParameters {
    match alg {
        JwsAlg::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        JwsAlg::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        JwsAlg::Ps256 => &signature::RSA_PSS_2048_8192_SHA256,
        JwsAlg::Ps384 => &signature::RSA_PSS_2048_8192_SHA384,
        JwsAlg::Ps512 => &signature::RSA_PSS_2048_8192_SHA512,
        _ => &signature::RSA_PKCS1_2048_8192_SHA256,
    }
}

#[derive(Debug, Clone)]
struct VerificationKey {
    kid: Option<String>,
    alg: Option<String>,
    public: PublicKey,
}

/// The JWK members this module reads (RFC 7517, 7518 §6).
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    alg: Option<String>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

impl Jwk {
    /// `None` for keys that cannot verify signatures here (encryption
    /// keys, symmetric keys, unknown curves, malformed members).
    fn into_signing_key(self) -> Option<VerificationKey> {
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return None;
        }
        let decode = |part: &Option<String>| B64.decode(part.as_deref()?).ok();
        let public = match (self.kty.as_str(), self.crv.as_deref()) {
            ("RSA", _) => PublicKey::Rsa {
                n: decode(&self.n)?,
                e: decode(&self.e)?,
            },
            ("EC", Some(crv @ ("P-256" | "P-384"))) => {
                let (x, y) = (decode(&self.x)?, decode(&self.y)?);
                let size = if crv == "P-256" { 32 } else { 48 };
                if x.len() != size || y.len() != size {
                    return None;
                }
                let point = [&[4u8][..], &x, &y].concat();
                if size == 32 {
                    PublicKey::P256(point)
                } else {
                    PublicKey::P384(point)
                }
            }
            _ => return None,
        };
        Some(VerificationKey {
            kid: self.kid,
            alg: self.alg,
            public,
        })
    }
}

/// The signature keys of a JWKS, ready to verify.
#[derive(Debug, Clone, Default)]
pub struct VerificationKeys {
    keys: Vec<VerificationKey>,
}

/// A JWS whose signature was checked.
#[derive(Debug)]
pub struct VerifiedJws {
    pub alg: JwsAlg,
    pub claims: Map<String, Value>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

impl VerificationKeys {
    /// The keys of a JWKS document (`{"keys": [...]}`); keys this module
    /// cannot use are left out, not an error (a JWKS may hold encryption
    /// keys too).
    pub fn from_jwks(jwks: &Value) -> VerificationKeys {
        let keys = jwks
            .get("keys")
            .and_then(Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| Jwk::deserialize(k).ok()?.into_signing_key())
                    .collect()
            })
            .unwrap_or_default();
        VerificationKeys { keys }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The token's signature checked with the key it names and its claims
    /// read; `UnknownKey` when no key fits (rotation: the caller fetches
    /// the keys again once).
    pub fn verify(&self, token: &str) -> Result<VerifiedJws, SignatureError> {
        let rejected = |m: &str| SignatureError::Rejected(m.to_owned());
        let mut parts = token.split('.');
        let (Some(encoded_header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(rejected("not a compact JWS"));
        };
        let header: Header = B64
            .decode(encoded_header)
            .ok()
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or_else(|| rejected("malformed JWS header"))?;
        let alg = JwsAlg::parse(&header.alg).ok_or_else(|| {
            SignatureError::Rejected(format!(
                "signed with {:?}, which is not allowed",
                header.alg
            ))
        })?;
        let key = self.key_for(header.kid.as_deref(), alg)?;
        let signature = B64
            .decode(signature)
            .map_err(|_| rejected("malformed JWS signature"))?;
        let signed = &token[..encoded_header.len() + 1 + payload.len()];
        if !key.public.verify(alg, signed.as_bytes(), &signature) {
            return Err(rejected("bad signature"));
        }
        let claims = B64
            .decode(payload)
            .ok()
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or_else(|| rejected("malformed JWS payload"))?;
        Ok(VerifiedJws { alg, claims })
    }

    fn key_for(&self, kid: Option<&str>, alg: JwsAlg) -> Result<&VerificationKey, SignatureError> {
        let mut fitting = self.keys.iter().filter(|k| {
            kid.is_none_or(|kid| k.kid.as_deref() == Some(kid))
                && k.public.fits(alg)
                && k.alg.as_deref().is_none_or(|a| a == alg.name())
        });
        match (fitting.next(), fitting.next()) {
            (Some(key), None) => Ok(key),
            (None, _) => Err(SignatureError::UnknownKey),
            (Some(_), Some(_)) => Err(SignatureError::Rejected(
                "several keys fit the token and it names none (kid)".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

    fn es256_pair() -> (EcdsaKeyPair, Value) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = pair.public_key().as_ref();
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig",
            "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..]),
        });
        (pair, jwk)
    }

    fn sign(pair: &EcdsaKeyPair, header: &Value, claims: &Value) -> String {
        let signed = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature = pair.sign(&SystemRandom::new(), signed.as_bytes()).unwrap();
        format!("{signed}.{}", B64.encode(signature.as_ref()))
    }

    #[test]
    fn at_hash_matches_the_openid_connect_core_example() {
        // OpenID Connect Core 1.0, appendix A.3 (RS256: SHA-256).
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        assert_eq!(
            at_hash(&ring::digest::SHA256, token),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn a_token_signed_by_the_named_key_is_verified_and_its_claims_read() {
        let (pair, jwk) = es256_pair();
        let keys = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [jwk] }));
        let token = sign(
            &pair,
            &serde_json::json!({"alg": "ES256", "kid": "ec-1"}),
            &serde_json::json!({"sub": "abc"}),
        );
        let verified = keys.verify(&token).unwrap();
        assert_eq!(verified.alg, JwsAlg::Es256);
        assert_eq!(verified.claims["sub"], "abc");
    }

    #[test]
    fn a_changed_payload_a_foreign_key_or_an_unknown_kid_is_refused() {
        let (pair, jwk) = es256_pair();
        let (other, _) = es256_pair();
        let keys = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [jwk] }));
        let header = serde_json::json!({"alg": "ES256", "kid": "ec-1"});
        let token = sign(&pair, &header, &serde_json::json!({"sub": "abc"}));
        let forged = sign(&pair, &header, &serde_json::json!({"sub": "xyz"}));
        let spliced = format!(
            "{}.{}",
            &forged[..forged.rfind('.').unwrap()],
            &token[token.rfind('.').unwrap() + 1..]
        );
        assert!(matches!(
            keys.verify(&spliced),
            Err(SignatureError::Rejected(_))
        ));
        let by_other = sign(&other, &header, &serde_json::json!({"sub": "abc"}));
        assert!(matches!(
            keys.verify(&by_other),
            Err(SignatureError::Rejected(_))
        ));
        let unknown = sign(
            &pair,
            &serde_json::json!({"alg": "ES256", "kid": "ec-2"}),
            &serde_json::json!({"sub": "abc"}),
        );
        assert!(matches!(
            keys.verify(&unknown),
            Err(SignatureError::UnknownKey)
        ));
    }

    #[test]
    fn none_hmac_and_an_algorithm_the_key_does_not_fit_are_refused() {
        let (pair, jwk) = es256_pair();
        let keys = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [jwk] }));
        for alg in ["none", "HS256", "RS256", "ES384"] {
            let token = sign(
                &pair,
                &serde_json::json!({"alg": alg, "kid": "ec-1"}),
                &serde_json::json!({"sub": "abc"}),
            );
            assert!(keys.verify(&token).is_err(), "{alg} accepted");
        }
    }

    #[test]
    fn without_kid_a_single_fitting_key_is_used_and_two_are_ambiguous() {
        let (pair, jwk) = es256_pair();
        let (_, other_jwk) = es256_pair();
        let header = serde_json::json!({"alg": "ES256"});
        let token = sign(&pair, &header, &serde_json::json!({"sub": "abc"}));
        let one = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [jwk.clone()] }));
        assert!(one.verify(&token).is_ok());
        let two = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [jwk, other_jwk] }));
        assert!(matches!(
            two.verify(&token),
            Err(SignatureError::Rejected(_))
        ));
    }

    #[test]
    fn encryption_and_symmetric_keys_are_left_out() {
        let (_, mut jwk) = es256_pair();
        jwk["use"] = "enc".into();
        let keys = VerificationKeys::from_jwks(&serde_json::json!({ "keys": [
            jwk,
            {"kty": "oct", "k": "c2VjcmV0"},
            {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
        ]}));
        assert!(keys.is_empty());
    }
}
