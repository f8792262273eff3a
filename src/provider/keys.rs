//! The portal's signing keys: RSA (RS256, the default every démarche
//! understands) and P-256 (ES256, for démarches that register
//! `id_token_signed_response_alg = "ES256"`). The active keys sign; every
//! key is published in the JWKS (a retired RSA key stays while its tokens
//! may live). Keys are parsed once, at start: the RSA key into an OpenSSL
//! key, the P-256 key into a `ring` key pair (the faster of each, see
//! [`super::jws`]); the JWKS document is serialized once too.

use std::path::{Path, PathBuf};

use base64::Engine;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

use super::alg::IdTokenAlg;
use super::settings::ProviderConfig;
use crate::common::jws::VerificationKeys;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0}: not an RSA private key in PKCS#1 or PKCS#8 PEM")]
    Parse(PathBuf),
    #[error("{0}: not a P-256 private key in PKCS#8 PEM (BEGIN PRIVATE KEY): {1}")]
    ParseEc(PathBuf, String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("key generation failed: {0}")]
    Generate(String),
}

pub struct SigningKeys {
    /// RS256 signs with OpenSSL (already linked for FranceConnect+'s
    /// encryption): its RSA is about twice as fast as `ring`'s, and RS256
    /// is what most démarches ask for. The rest is `ring`.
    pub(super) rsa: PKey<Private>,
    pub(super) rsa_kid: String,
    pub(super) ec: EcdsaKeyPair,
    pub(super) ec_kid: String,
    /// The published keys (the JWKS), to check tokens the portal issued.
    pub(super) verification: VerificationKeys,
    pub(super) rng: SystemRandom,
    jwks: String,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An RSA private key in PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
/// (`BEGIN PRIVATE KEY`) PEM.
fn parse_rsa(pem: &str, path: &Path) -> Result<Rsa<Private>, KeyError> {
    PKey::private_key_from_pem(pem.as_bytes())
        .and_then(|key| key.rsa())
        .map_err(|_| KeyError::Parse(path.to_owned()))
}

/// A stable `kid`: a digest of the public key (its SubjectPublicKeyInfo
/// DER, like a JWK thumbprint).
fn kid_of(key: &Rsa<Private>) -> String {
    let der = key.public_key_to_der().unwrap_or_default();
    b64(&digest(&SHA256, &der).as_ref()[..12])
}

fn ec_kid_of(point: &[u8]) -> String {
    let input = [b"P-256".as_slice(), point].concat();
    b64(&digest(&SHA256, &input).as_ref()[..12])
}

/// An RSA key: its OpenSSL key, its JWK and its `kid`.
fn rsa_key(
    key: Rsa<Private>,
    path: &Path,
) -> Result<(PKey<Private>, serde_json::Value, String), KeyError> {
    let kid = kid_of(&key);
    let jwk = serde_json::json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": b64(&key.n().to_vec()), "e": b64(&key.e().to_vec()),
    });
    let pair = PKey::from_rsa(key).map_err(|_| KeyError::Parse(path.into()))?;
    Ok((pair, jwk, kid))
}

fn ec_key(
    pkcs8: &[u8],
    path: &Path,
    rng: &SystemRandom,
) -> Result<(EcdsaKeyPair, serde_json::Value, String), KeyError> {
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, rng)
        .map_err(|e| KeyError::ParseEc(path.into(), e.to_string()))?;
    let point = pair.public_key().as_ref().to_vec();
    let kid = ec_kid_of(&point);
    // Uncompressed point: 0x04 ‖ x (32 bytes) ‖ y (32 bytes).
    let jwk = serde_json::json!({
        "kty": "EC", "use": "sig", "alg": "ES256", "kid": kid, "crv": "P-256",
        "x": b64(&point[1..33]), "y": b64(&point[33..65]),
    });
    Ok((pair, jwk, kid))
}

fn read_text(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|e| KeyError::Read(path.to_owned(), e))
}

fn read_rsa(path: &Path) -> Result<Rsa<Private>, KeyError> {
    parse_rsa(&read_text(path)?, path)
}

/// The DER inside a PEM's first block, and its label.
fn pem_decode(text: &str) -> Result<(&str, Vec<u8>), String> {
    let begin = text.find("-----BEGIN ").ok_or("no PEM block")?;
    let rest = &text[begin + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----").ok_or("malformed PEM header")?;
    let end = rest
        .find(&format!("-----END {label}-----"))
        .ok_or("PEM block not closed")?;
    let body: String = rest[..end].split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| format!("PEM body: {e}"))?;
    Ok((label, der))
}

/// `der` as a PEM block labelled `label` (64 characters a line).
fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn read_ec(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = read_text(path)?;
    match pem_decode(&text) {
        Ok(("PRIVATE KEY", der)) => Ok(der),
        Ok((label, _)) => Err(KeyError::ParseEc(path.into(), format!("found {label}"))),
        Err(e) => Err(KeyError::ParseEc(path.into(), e)),
    }
}

/// Writes a new key's PEM at `path` (mode 0600) unless a file is already
/// there (another instance may have won the race: callers then read the
/// file as it is).
fn store_generated(path: &Path, pem: &str) -> Result<(), KeyError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| KeyError::Write(dir.to_owned(), e))?;
    }
    write_private(path, pem.as_bytes())
}

/// Reads the RSA key at `path`, or creates it (2048-bit, mode 0600).
fn read_or_generate_rsa(path: &Path) -> Result<Rsa<Private>, KeyError> {
    if path.exists() {
        return read_rsa(path);
    }
    tracing::warn!(path = %path.display(), "no signing key: generating one (keep it: démarches trust its kid)");
    let pem = Rsa::generate(2048)
        .and_then(|key| key.private_key_to_pem())
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    store_generated(path, &String::from_utf8_lossy(&pem))?;
    read_rsa(path)
}

/// Reads the P-256 key at `path`, or creates it (PKCS#8, mode 0600).
fn read_or_generate_ec(path: &Path, rng: &SystemRandom) -> Result<Vec<u8>, KeyError> {
    if path.exists() {
        return read_ec(path);
    }
    tracing::warn!(path = %path.display(), "no ES256 signing key: generating one (keep it: démarches trust its kid)");
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    store_generated(path, &pem_encode("PRIVATE KEY", pkcs8.as_ref()))?;
    read_ec(path)
}

/// Writes a secret file readable by its owner only, if it does not exist
/// yet ([`crate::common::write_private`]).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    crate::common::write_private(path, bytes).map_err(|e| KeyError::Write(path.to_owned(), e))
}

impl SigningKeys {
    pub fn load(settings: &ProviderConfig) -> Result<SigningKeys, KeyError> {
        let rng = SystemRandom::new();
        let rsa_path = settings
            .signing_key_file
            .clone()
            .unwrap_or_else(|| settings.data_dir.join("signing-key.pem"));
        let rsa_private = match &settings.signing_key_file {
            Some(path) => read_rsa(path)?,
            None => read_or_generate_rsa(&rsa_path)?,
        };
        let (rsa, rsa_jwk, rsa_kid) = rsa_key(rsa_private, &rsa_path)?;
        let ec_path = settings
            .es256_key_file
            .clone()
            .unwrap_or_else(|| settings.data_dir.join("es256-key.pem"));
        let ec_pkcs8 = match &settings.es256_key_file {
            Some(path) => read_ec(path)?,
            None => read_or_generate_ec(&ec_path, &rng)?,
        };
        let (ec, ec_jwk, ec_kid) = ec_key(&ec_pkcs8, &ec_path, &rng)?;
        let mut jwks = vec![rsa_jwk, ec_jwk];
        for path in &settings.retired_key_files {
            let (_, jwk, retired_kid) = rsa_key(read_rsa(path)?, path)?;
            if retired_kid != rsa_kid {
                jwks.push(jwk);
            }
        }
        let jwks = serde_json::json!({ "keys": jwks });
        Ok(SigningKeys {
            rsa,
            rsa_kid,
            ec,
            ec_kid,
            verification: VerificationKeys::from_jwks(&jwks),
            rng,
            jwks: jwks.to_string(),
        })
    }

    /// The `kid` of the key that signs with `alg` now.
    pub fn active_kid(&self, alg: IdTokenAlg) -> &str {
        match alg {
            IdTokenAlg::Rs256 => &self.rsa_kid,
            IdTokenAlg::Es256 => &self.ec_kid,
        }
    }

    /// The JWKS document, serialized.
    pub fn jwks(&self) -> &str {
        &self.jwks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_round_trip_and_a_foreign_label_is_named() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = pem_encode("PRIVATE KEY", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(pem_decode(&pem).unwrap(), ("PRIVATE KEY", der.clone()));
        let other = pem_encode("EC PRIVATE KEY", &der);
        assert_eq!(pem_decode(&other).unwrap().0, "EC PRIVATE KEY");
        assert!(pem_decode("-----BEGIN PRIVATE KEY-----\nAAAA\n").is_err());
    }

    #[test]
    fn the_test_keys_keep_their_kid_and_public_numbers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
        let path = dir.join("rsa-1.pem");
        let (_, jwk, kid) = rsa_key(read_rsa(&path).unwrap(), &path).unwrap();
        // The kid as `openssl pkey -pubout -outform DER | sha256` gives it
        // (the first 12 bytes): the same as before the keys moved to
        // OpenSSL, so démarches that cached the JWKS still find the key.
        assert_eq!(kid, "EfPIsQWXgJDhkEch");
        let public: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("rsa-1.jwk.json")).unwrap()).unwrap();
        assert_eq!(jwk["n"], public["n"]);
        assert_eq!(jwk["e"], public["e"]);
    }
}
