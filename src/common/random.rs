use base64::Engine;
use rand::RngCore;

/// A random token of `bytes` bytes, base64url without padding (state,
/// nonce, codes, access tokens, session ids: 32 bytes = 256 bits).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Made by [`random_token`] with 32 bytes (43 base64url characters):
/// anything else in a URL or form is refused before any lookup.
pub fn is_random_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
