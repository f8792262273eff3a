//! The portal's signing keys: RSA (RS256, the default every démarche
//! understands) and P-256 (ES256, for démarches that register
//! `id_token_signed_response_alg = "ES256"`). The active keys sign; every
//! key is published in the JWKS (a retired RSA key stays while its tokens
//! may live). Keys are parsed once, at start, into `ring` key pairs
//! (native-speed signatures, see [`super::jws`]); the JWKS document is
//! serialized once too.

use std::path::{Path, PathBuf};

use base64::Engine;
use openssl::pkey::{PKey, Private};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use rsa::RsaPrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::der::pem;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

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

fn parse_rsa(pem: &str, path: &Path) -> Result<RsaPrivateKey, KeyError> {
    RsaPrivateKey::from_pkcs1_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem))
        .map_err(|_| KeyError::Parse(path.to_owned()))
}

/// A stable `kid`: a digest of the public key (like a JWK thumbprint).
fn kid_of(key: &RsaPrivateKey) -> String {
    let der = key
        .to_public_key()
        .to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .unwrap_or_default();
    b64(&Sha256::digest(der)[..12])
}

fn ec_kid_of(point: &[u8]) -> String {
    let mut digest = Sha256::new();
    digest.update(b"P-256");
    digest.update(point);
    b64(&digest.finalize()[..12])
}

/// An RSA key: its OpenSSL key, its JWK and its `kid`.
fn rsa_key(
    key: &RsaPrivateKey,
    path: &Path,
) -> Result<(PKey<Private>, serde_json::Value, String), KeyError> {
    let kid = kid_of(key);
    let der = key
        .to_pkcs1_der()
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let pair = openssl::rsa::Rsa::private_key_from_der(der.as_bytes())
        .and_then(PKey::from_rsa)
        .map_err(|_| KeyError::Parse(path.into()))?;
    let jwk = serde_json::json!({
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be()),
    });
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

fn read_rsa(path: &Path) -> Result<RsaPrivateKey, KeyError> {
    parse_rsa(&read_text(path)?, path)
}

fn read_ec(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = read_text(path)?;
    match pem::decode_vec(text.as_bytes()) {
        Ok(("PRIVATE KEY", der)) => Ok(der),
        Ok((label, _)) => Err(KeyError::ParseEc(path.into(), format!("found {label}"))),
        Err(e) => Err(KeyError::ParseEc(path.into(), e.to_string())),
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
fn read_or_generate_rsa(path: &Path) -> Result<RsaPrivateKey, KeyError> {
    if path.exists() {
        return read_rsa(path);
    }
    tracing::warn!(path = %path.display(), "no signing key: generating one (keep it: démarches trust its kid)");
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let pem = key
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    store_generated(path, &pem)?;
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
    let pem = pem::encode_string("PRIVATE KEY", pem::LineEnding::LF, pkcs8.as_ref())
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    store_generated(path, &pem)?;
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
        let (rsa, rsa_jwk, rsa_kid) = rsa_key(&rsa_private, &rsa_path)?;
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
            let (_, jwk, retired_kid) = rsa_key(&read_rsa(path)?, path)?;
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
