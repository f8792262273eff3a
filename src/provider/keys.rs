//! The portal's signing keys (RS256): the active one signs, every one is
//! published in the JWKS (a retired key stays while its tokens may live).

use std::path::{Path, PathBuf};

use base64::Engine;
use openidconnect::core::{CoreJsonWebKey, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use rsa::RsaPrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use sha2::{Digest, Sha256};

use super::settings::OidcConfig;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0}: not an RSA private key in PKCS#1 or PKCS#8 PEM")]
    Parse(PathBuf),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("key generation failed: {0}")]
    Generate(String),
}

pub struct SigningKeys {
    active: CoreRsaPrivateSigningKey,
    active_kid: String,
    published: Vec<CoreJsonWebKey>,
}

fn parse(pem: &str, path: &Path) -> Result<RsaPrivateKey, KeyError> {
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
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&Sha256::digest(der)[..12])
}

fn signing_key(key: &RsaPrivateKey) -> Result<(CoreRsaPrivateSigningKey, String), KeyError> {
    let kid = kid_of(key);
    let pem = key
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let signing = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.clone())))
        .map_err(KeyError::Generate)?;
    Ok((signing, kid))
}

fn read(path: &Path) -> Result<RsaPrivateKey, KeyError> {
    let pem = std::fs::read_to_string(path).map_err(|e| KeyError::Read(path.to_owned(), e))?;
    parse(&pem, path)
}

/// Reads the key at `path`, or creates it (2048-bit RSA, mode 0600).
fn read_or_generate(path: &Path) -> Result<RsaPrivateKey, KeyError> {
    if path.exists() {
        return read(path);
    }
    tracing::warn!(path = %path.display(), "no signing key: generating one (keep it: démarches trust its kid)");
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let pem = key
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| KeyError::Write(dir.to_owned(), e))?;
    }
    write_private(path, pem.as_bytes())?;
    // Another instance may have won the race: use the file as it is.
    read(path)
}

/// Writes a secret file readable by its owner only, if it does not exist
/// yet. Atomic: written aside, then linked into place, so two instances
/// starting together end up sharing whichever file won.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp-{}", crate::common::random_token(6)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| match std::fs::hard_link(&tmp, path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        });
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| KeyError::Write(path.to_owned(), e))
}

impl SigningKeys {
    pub fn load(settings: &OidcConfig) -> Result<SigningKeys, KeyError> {
        let active_key = match &settings.signing_key_file {
            Some(path) => read(path)?,
            None => read_or_generate(&settings.data_dir.join("signing-key.pem"))?,
        };
        let (active, active_kid) = signing_key(&active_key)?;
        let mut published = vec![active.as_verification_key()];
        for path in &settings.retired_key_files {
            let (retired, kid) = signing_key(&read(path)?)?;
            if kid != active_kid {
                published.push(retired.as_verification_key());
            }
        }
        Ok(SigningKeys {
            active,
            active_kid,
            published,
        })
    }

    pub fn active(&self) -> &CoreRsaPrivateSigningKey {
        &self.active
    }

    pub fn active_kid(&self) -> &str {
        &self.active_kid
    }

    /// The JWKS document. Each key says what it is for (`use: sig`) and
    /// with which algorithm (`alg: RS256`): some libraries pick keys by them.
    pub fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .published
            .iter()
            .map(|key| {
                let mut value = serde_json::to_value(key).expect("a JWK serializes");
                if let Some(fields) = value.as_object_mut() {
                    fields.insert("use".into(), "sig".into());
                    fields.insert("alg".into(), "RS256".into());
                }
                value
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }

    pub fn verification_keys(&self) -> &[CoreJsonWebKey] {
        &self.published
    }
}
