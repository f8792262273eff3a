//! The portal's decryption keys, for federations that sign then encrypt
//! what they send (FranceConnect+: ID token and userinfo are an ES256 JWS
//! inside a JWE, RSA-OAEP or ECDH-ES with A256GCM). The JWE is opened here
//! with josekit; the JWS inside is then verified like any other
//! (`signatures.rs`, `callback.rs`).
//!
//! Keys: the active one first, then retired ones (still published and used
//! to decrypt while the federation may have cached them). The public halves
//! are published at `/federations/jwks` (`use: enc`, with `alg`), the
//! `jwks_uri` registered at the federation.

use std::path::{Path, PathBuf};

use base64::Engine;
use josekit::jwe::{JweDecrypter, JweHeader};
use josekit::jwk::KeyPair;
use josekit::jwk::alg::ec::{EcCurve, EcKeyPair};
use josekit::jwk::alg::rsa::RsaKeyPair;
use serde_json::{Map, Value};

use super::FederationSettings;
use crate::domain::Federation;

/// Key management algorithms the portal accepts (`encryption_alg`).
pub const KEY_ALGORITHMS: [&str; 3] = ["RSA-OAEP", "RSA-OAEP-256", "ECDH-ES"];
/// The one content encryption accepted (FranceConnect+'s).
pub const CONTENT_ENCRYPTION: &str = "A256GCM";

#[derive(Debug, thiserror::Error)]
pub enum EncryptionKeyError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0}: not an RSA or EC P-256 private key in PEM")]
    Parse(PathBuf),
    #[error("{0}: `{1}` does not fit this key (RSA: RSA-OAEP, RSA-OAEP-256; EC: ECDH-ES)")]
    Algorithm(PathBuf, String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("key generation failed: {0}")]
    Generate(String),
}

struct DecryptionKey {
    kid: String,
    alg: &'static str,
    decrypter: Box<dyn JweDecrypter>,
    public_jwk: Map<String, Value>,
}

/// One federation's decryption keys.
pub struct DecryptionKeys {
    keys: Vec<DecryptionKey>,
}

/// A JWE in compact form has five parts (a JWS three).
pub fn is_jwe(token: &str) -> bool {
    token.split('.').count() == 5
}

/// A stable `kid`: a digest of the public key.
fn kid_of(public_der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public_der);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest.as_ref()[..12])
}

fn key_from_pem(
    path: &Path,
    pem: &[u8],
    wanted: Option<&str>,
) -> Result<DecryptionKey, EncryptionKeyError> {
    let bad_alg = |alg: &str| EncryptionKeyError::Algorithm(path.to_owned(), alg.to_owned());
    let (pair, alg, decrypter): (Box<dyn KeyPair>, &'static str, Box<dyn JweDecrypter>) =
        if let Ok(rsa) = RsaKeyPair::from_pem(pem) {
            let (alg, decrypter) = match wanted.unwrap_or("RSA-OAEP") {
                "RSA-OAEP" => ("RSA-OAEP", josekit::jwe::RSA_OAEP.decrypter_from_pem(pem)),
                "RSA-OAEP-256" => (
                    "RSA-OAEP-256",
                    josekit::jwe::RSA_OAEP_256.decrypter_from_pem(pem),
                ),
                other => return Err(bad_alg(other)),
            };
            let decrypter = decrypter.map_err(|_| EncryptionKeyError::Parse(path.to_owned()))?;
            (Box::new(rsa), alg, Box::new(decrypter))
        } else if let Ok(ec) = EcKeyPair::from_pem(pem, Some(EcCurve::P256)) {
            match wanted.unwrap_or("ECDH-ES") {
                "ECDH-ES" => {}
                other => return Err(bad_alg(other)),
            }
            let decrypter = josekit::jwe::ECDH_ES
                .decrypter_from_pem(pem)
                .map_err(|_| EncryptionKeyError::Parse(path.to_owned()))?;
            (Box::new(ec), "ECDH-ES", Box::new(decrypter))
        } else {
            return Err(EncryptionKeyError::Parse(path.to_owned()));
        };
    let kid = kid_of(&pair.to_der_public_key());
    let mut jwk = pair.to_jwk_public_key();
    jwk.set_key_id(kid.clone());
    jwk.set_key_use("enc");
    jwk.set_algorithm(alg);
    Ok(DecryptionKey {
        kid,
        alg,
        decrypter,
        public_jwk: jwk.as_ref().clone(),
    })
}

fn read(path: &Path, wanted: Option<&str>) -> Result<DecryptionKey, EncryptionKeyError> {
    let pem = std::fs::read(path).map_err(|e| EncryptionKeyError::Read(path.to_owned(), e))?;
    key_from_pem(path, &pem, wanted)
}

/// Reads the key at `path`, or creates it (2048-bit RSA, mode 0600).
fn read_or_generate(
    path: &Path,
    wanted: Option<&str>,
) -> Result<DecryptionKey, EncryptionKeyError> {
    if !path.exists() {
        tracing::warn!(path = %path.display(), "no encryption key: generating one (publish it to the federation through /federations/jwks)");
        let pem = match wanted {
            Some("ECDH-ES") => EcKeyPair::generate(EcCurve::P256).map(|k| k.to_pem_private_key()),
            _ => RsaKeyPair::generate(2048).map(|k| k.to_pem_private_key()),
        }
        .map_err(|e| EncryptionKeyError::Generate(e.to_string()))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| EncryptionKeyError::Write(dir.to_owned(), e))?;
        }
        crate::common::write_private(path, &pem)
            .map_err(|e| EncryptionKeyError::Write(path.to_owned(), e))?;
    }
    // Another instance may have won the race: use the file as it is.
    read(path, wanted)
}

impl DecryptionKeys {
    /// The configured key (or the one kept in `data_dir`), then the retired ones.
    pub fn load(
        federation: Federation,
        settings: &FederationSettings,
        data_dir: &Path,
    ) -> Result<DecryptionKeys, EncryptionKeyError> {
        let alg = settings.encryption_alg.as_deref();
        let active = match &settings.encryption_key_file {
            Some(path) => read(path, alg)?,
            None => read_or_generate(
                &data_dir.join(format!("{}-encryption-key.pem", federation.id())),
                alg,
            )?,
        };
        let mut keys = vec![active];
        for path in &settings.retired_encryption_key_files {
            let retired = read(path, alg)?;
            if keys.iter().all(|k| k.kid != retired.kid) {
                keys.push(retired);
            }
        }
        Ok(DecryptionKeys { keys })
    }

    /// The public keys, for the JWKS the federation reads.
    pub fn public_jwks(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.keys.iter().map(|k| &k.public_jwk)
    }

    /// Opens a JWE (compact form) sent to the portal: the key named by
    /// `kid` (or, without `kid`, the one whose algorithm matches), only
    /// its algorithm, only A256GCM, no compression. Returns the plaintext
    /// (the inner JWS), or why it was refused.
    pub fn decrypt(&self, jwe: &str) -> Result<Vec<u8>, String> {
        let selector =
            |header: &JweHeader| -> Result<Option<&dyn JweDecrypter>, josekit::JoseError> {
                Ok(self.select(header).ok().map(|k| k.decrypter.as_ref()))
            };
        // The reason first (josekit's own message only says "not found").
        let header = decode_header(jwe)?;
        self.select(&header)?;
        josekit::jwe::deserialize_compact_with_selector(jwe, selector)
            .map(|(plaintext, _)| plaintext)
            .map_err(|e| format!("JWE not decrypted: {e}"))
    }

    fn select(&self, header: &JweHeader) -> Result<&DecryptionKey, String> {
        let alg = header.algorithm().unwrap_or("");
        let enc = header.content_encryption().unwrap_or("");
        if enc != CONTENT_ENCRYPTION {
            return Err(format!(
                "JWE content encryption `{enc}`, only {CONTENT_ENCRYPTION}"
            ));
        }
        if header.compression().is_some() || header.critical().is_some() {
            return Err("JWE with compression or critical headers".into());
        }
        let key = match header.key_id() {
            Some(kid) => self.keys.iter().find(|k| k.kid == kid),
            None => self.keys.iter().find(|k| k.alg == alg),
        }
        .ok_or_else(|| "JWE encrypted for a key the portal does not hold".to_owned())?;
        if key.alg != alg {
            return Err(format!(
                "JWE key algorithm `{alg}`, the key is for {}",
                key.alg
            ));
        }
        Ok(key)
    }
}

fn decode_header(jwe: &str) -> Result<JweHeader, String> {
    let part = jwe.split('.').next().unwrap_or("");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "malformed JWE header".to_owned())?;
    let map: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| "malformed JWE header".to_owned())?;
    JweHeader::from_map(map).map_err(|_| "malformed JWE header".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(name)
    }

    fn settings(key: &str, retired: &[&str]) -> FederationSettings {
        let mut s = FederationSettings::default_for(Federation::FranceConnectPlus);
        s.encryption_key_file = Some(fixture(key));
        s.retired_encryption_key_files = retired.iter().map(|r| fixture(r)).collect();
        s
    }

    fn encrypt_for(keys: &DecryptionKeys, index: usize, enc: &str, payload: &[u8]) -> String {
        let jwk = josekit::jwk::Jwk::from_map(keys.keys[index].public_jwk.clone()).unwrap();
        let encrypter = josekit::jwe::RSA_OAEP.encrypter_from_jwk(&jwk).unwrap();
        let mut header = JweHeader::new();
        header.set_content_encryption(enc);
        header.set_key_id(keys.keys[index].kid.clone());
        josekit::jwe::serialize_compact(payload, &header, &encrypter).unwrap()
    }

    #[test]
    fn the_active_and_retired_keys_decrypt_and_other_encryptions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let keys = DecryptionKeys::load(
            Federation::FranceConnectPlus,
            &settings("rsa-2.pem", &["rsa-1.pem"]),
            dir.path(),
        )
        .unwrap();
        let published: Vec<_> = keys.public_jwks().collect();
        assert_eq!(published.len(), 2);
        assert_eq!(published[0]["use"], "enc");
        assert_eq!(published[0]["alg"], "RSA-OAEP");
        assert!(published[0].get("d").is_none(), "no private part published");
        for index in [0, 1] {
            let jwe = encrypt_for(&keys, index, "A256GCM", b"inner.jws.token");
            assert!(is_jwe(&jwe));
            assert_eq!(keys.decrypt(&jwe).unwrap(), b"inner.jws.token");
        }
        let wrong_enc = encrypt_for(&keys, 0, "A128CBC-HS256", b"x");
        assert!(
            keys.decrypt(&wrong_enc)
                .unwrap_err()
                .contains("A128CBC-HS256")
        );
        let other = DecryptionKeys::load(
            Federation::FranceConnectPlus,
            &settings("rsa-1.pem", &[]),
            dir.path(),
        )
        .unwrap();
        let only_rsa1 = encrypt_for(&other, 0, "A256GCM", b"x");
        let mut tampered: Vec<&str> = only_rsa1.split('.').collect();
        let garbage = "A".repeat(tampered[3].len());
        tampered[3] = &garbage;
        assert!(
            keys.decrypt(&tampered.join(".")).is_err(),
            "tampered ciphertext"
        );
    }

    #[test]
    fn a_missing_key_is_generated_into_the_data_dir_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FederationSettings::default_for(Federation::FranceConnectPlus);
        s.encryption_alg = Some("ECDH-ES".into());
        let first = DecryptionKeys::load(Federation::FranceConnectPlus, &s, dir.path()).unwrap();
        let path = dir.path().join("franceconnect-plus-encryption-key.pem");
        assert!(path.exists());
        let again = DecryptionKeys::load(Federation::FranceConnectPlus, &s, dir.path()).unwrap();
        assert_eq!(first.keys[0].kid, again.keys[0].kid);
        assert_eq!(first.keys[0].public_jwk["kty"], "EC");
        assert_eq!(first.keys[0].public_jwk["alg"], "ECDH-ES");
        // What FranceConnect+ sends with ECDH-ES opens too.
        let jwk = josekit::jwk::Jwk::from_map(first.keys[0].public_jwk.clone()).unwrap();
        let encrypter = josekit::jwe::ECDH_ES.encrypter_from_jwk(&jwk).unwrap();
        let mut header = JweHeader::new();
        header.set_content_encryption("A256GCM");
        header.set_key_id(first.keys[0].kid.clone());
        let jwe = josekit::jwe::serialize_compact(b"inner", &header, &encrypter).unwrap();
        assert_eq!(again.decrypt(&jwe).unwrap(), b"inner");
        s.encryption_alg = Some("RSA-OAEP".into());
        assert!(matches!(
            DecryptionKeys::load(Federation::FranceConnectPlus, &s, dir.path()),
            Err(EncryptionKeyError::Algorithm(..))
        ));
    }
}
