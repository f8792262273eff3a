use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};

/// A random token of `bytes` bytes, base64url without padding (state,
/// nonce, codes, access tokens, session ids: 32 bytes = 256 bits), from
/// the system's generator.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The system's generator does not fail on the systems the portal
    // runs on; if it ever did, no token may be made from zeroes.
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the system's random generator answers");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Made by [`random_token`] with 32 bytes (43 base64url characters):
/// anything else in a URL or form is refused before any lookup.
pub fn is_random_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
