//! Compact JWS (RFC 7515) over the portal's own keys (RS256 signed with
//! OpenSSL, the rest with `ring`, see [`SigningKeys`]): the
//! claims are serialized once, straight from a struct, and signed; tokens
//! the portal issued are verified with the published keys (`id_token_hint`,
//! with [`crate::common::jws`]).

use base64::Engine;
use openssl::hash::MessageDigest;
use serde::Serialize;

use super::alg::IdTokenAlg;
use super::keys::SigningKeys;

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot serialize the claims: {0}")]
    Claims(#[from] serde_json::Error),
    #[error("signature failed")]
    Sign,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    kid: &'a str,
}

impl SigningKeys {
    /// `header.payload.signature`, signed with the active key for `alg`.
    pub fn sign(&self, alg: IdTokenAlg, claims: &impl Serialize) -> Result<String, SignError> {
        let header = serde_json::to_vec(&Header {
            alg: alg.name(),
            typ: "JWT",
            kid: self.active_kid(alg),
        })?;
        let payload = serde_json::to_vec(claims)?;
        let mut token =
            String::with_capacity((header.len() + payload.len() + self.rsa.size()) * 4 / 3 + 8);
        B64.encode_string(&header, &mut token);
        token.push('.');
        B64.encode_string(&payload, &mut token);
        match alg {
            IdTokenAlg::Rs256 => {
                // PKCS#1 v1.5 padding: OpenSSL's default for an RSA key.
                let signature = openssl::sign::Signer::new(MessageDigest::sha256(), &self.rsa)
                    .and_then(|mut signer| signer.sign_oneshot_to_vec(token.as_bytes()))
                    .map_err(|_| SignError::Sign)?;
                token.push('.');
                B64.encode_string(&signature, &mut token);
            }
            IdTokenAlg::Es256 => {
                let signature = self
                    .ec
                    .sign(&self.rng, token.as_bytes())
                    .map_err(|_| SignError::Sign)?;
                token.push('.');
                B64.encode_string(signature.as_ref(), &mut token);
            }
        }
        Ok(token)
    }

    /// The claims of a token signed by one of the published keys (the one
    /// its header names, with that key's algorithm); `None` otherwise.
    /// Only the signature is checked: the caller checks the claims.
    pub fn verify(&self, token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
        self.verification.verify(token).ok().map(|v| v.claims)
    }
}
