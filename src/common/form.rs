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
    encoded
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .find_map(|pair| {
            let raw_name = pair.split(|&b| b == b'=').next().unwrap_or_default();
            let escaped = raw_name.iter().any(|&b| b == b'%' || b == b'+');
            if !escaped && raw_name != name.as_bytes() {
                return None;
            }
            // This pair alone, through the standard decoder.
            let (decoded_name, value) = url::form_urlencoded::parse(pair).next()?;
            (decoded_name == name).then_some(value)
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
