//! Values sealed at rest (AES-256-GCM, `ring`): what the store keeps that
//! is a key to someone's data (a federation's access token) cannot be read
//! from the store (a Redis dump, a backup) without the portal's secret.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::rand::{SecureRandom, SystemRandom};

/// Seals and opens values with one key.
pub struct Sealer {
    key: LessSafeKey,
    random: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// The key derived from `secret` for `purpose` (HKDF-SHA-256): every
    /// instance given the same secret derives the same key, and one secret
    /// gives unrelated keys for unrelated purposes.
    pub fn derive(secret: &[u8], purpose: &str) -> Sealer {
        let prk = Salt::new(HKDF_SHA256, b"aiguillage seal").extract(secret);
        let info = [purpose.as_bytes()];
        let okm = prk
            .expand(&info, &AES_256_GCM)
            .expect("32 bytes is a valid HKDF output length");
        Sealer {
            key: LessSafeKey::new(UnboundKey::from(okm)),
            random: SystemRandom::new(),
        }
    }

    /// A key of its own, for one process (nothing shares it).
    pub fn random(purpose: &str) -> Sealer {
        let mut secret = [0u8; 32];
        SystemRandom::new()
            .fill(&mut secret)
            .expect("the system's random generator answers");
        Sealer::derive(&secret, purpose)
    }

    /// `plain` sealed, bound to `context` (e.g. the key it is stored
    /// under: a sealed value moved to another key does not open): a random
    /// nonce, then the ciphertext and its tag.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .expect("the system's random generator answers");
        let mut sealed = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut sealed,
            )
            .expect("AES-GCM seals any length the store keeps");
        [nonce.as_slice(), &sealed].concat()
    }

    /// The plain value, when `sealed` was sealed by this key for `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_context() {
        let sealer = Sealer::derive(b"a secret shared by the instances", "federation tokens");
        let sealed = sealer.seal(b"the token", b"key:1");
        assert!(
            !sealed.windows(9).any(|w| w == b"the token"),
            "not in clear"
        );
        assert_eq!(
            sealer.open(&sealed, b"key:1").as_deref(),
            Some(&b"the token"[..])
        );
        let same = Sealer::derive(b"a secret shared by the instances", "federation tokens");
        assert_eq!(
            same.open(&sealed, b"key:1").as_deref(),
            Some(&b"the token"[..])
        );
        assert_eq!(sealer.open(&sealed, b"key:2"), None, "moved to another key");
        let other = Sealer::derive(b"a secret shared by the instances", "another purpose");
        assert_eq!(other.open(&sealed, b"key:1"), None);
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(sealer.open(&tampered, b"key:1"), None);
        assert_ne!(
            sealer.seal(b"the token", b"key:1"),
            sealed,
            "a nonce each time"
        );
        assert_eq!(sealer.open(b"short", b"key:1"), None);
    }
}
