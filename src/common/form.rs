//! One field of an `application/x-www-form-urlencoded` string (a query
//! string or a form body), decoded exactly as `url::form_urlencoded`
//! decodes it.
//!
//! Pages look up one or two fields of a query several times per request
//! (language, journey, pending request): only the field asked for is
//! decoded, the other pairs are compared raw (a name with no `%` or `+`
//! is its own decoding), which keeps a long authorization request from
//! being decoded again at each lookup.

use std::borrow::Cow;

/// The first value of `name` in `encoded`, decoded; `None` when absent.
pub fn first_value<'a>(encoded: &'a [u8], name: &str) -> Option<Cow<'a, str>> {
    pairs(encoded).find_map(|pair| {
        // Values are long (addresses, PKCE, tokens), names short: only
        // the name is looked at, up to its `=`.
        let raw_name = &pair[..memchr::memchr(b'=', pair).unwrap_or(pair.len())];
        let escaped = memchr::memchr2(b'%', b'+', raw_name).is_some();
        if !escaped && raw_name != name.as_bytes() {
            return None;
        }
        // This pair alone, through the standard decoder.
        let (decoded_name, value) = url::form_urlencoded::parse(pair).next()?;
        (decoded_name == name).then_some(value)
    })
}

/// The `&`-separated pairs, empty ones skipped (as the decoder does).
fn pairs(encoded: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = encoded;
    std::iter::from_fn(move || {
        while !rest.is_empty() {
            let end = memchr::memchr(b'&', rest).unwrap_or(rest.len());
            let pair = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            if !pair.is_empty() {
                return Some(pair);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::first_value;

    /// What `url::form_urlencoded` itself finds first for `name`.
    fn reference(encoded: &str, name: &str) -> Option<String> {
        url::form_urlencoded::parse(encoded.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    #[test]
    fn finds_what_the_standard_decoder_finds() {
        let cases = [
            "a=1&b=2",
            "b=2&a=1&a=3",
            "a",
            "a=",
            "&&a=x&&",
            "%61=escaped-name&a=plain",
            "a+b=space&a%20b=percent",
            "a=%C3%A9t%C3%A9+ici",
            "a=%FF%FE",
            "a=1=2",
            "=only-value&a=ok",
            "redirect_uri=https%3A%2F%2Fd.example%2Fretour%3Fx%3D1&state=s%26t",
            "",
        ];
        for encoded in cases {
            for name in ["a", "b", "a b", "redirect_uri", "state", "missing"] {
                assert_eq!(
                    first_value(encoded.as_bytes(), name).map(|v| v.into_owned()),
                    reference(encoded, name),
                    "{name} in {encoded:?}"
                );
            }
        }
    }
}
