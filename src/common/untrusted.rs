use std::fmt;

/// Longest text kept from a value that came from outside (a path, a
/// `client_id`, a federation's error description) when it is logged.
pub const UNTRUSTED_MAX_CHARS: usize = 200;

/// A value from outside, made safe to log: control characters escaped
/// (`\n` → `\n` as two characters: a value can never start a new log line
/// nor move a terminal's cursor) and cut after
/// [`UNTRUSTED_MAX_CHARS`] characters (`…` marks the cut).
///
/// `tracing::warn!(client_id = %Untrusted(&id), "…")`.
pub struct Untrusted<T>(pub T);

impl<T: fmt::Display> fmt::Display for Untrusted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_log(&self.0.to_string(), UNTRUSTED_MAX_CHARS))
    }
}

impl<T: fmt::Display> fmt::Debug for Untrusted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `text` with control characters escaped, cut after `max_chars` characters.
pub fn escape_for_log(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 2));
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_line_break(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Unicode line and paragraph separators, which some viewers break on.
fn is_line_break(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_escape_sequences_are_escaped() {
        let forged = "x\n2026-01-01T00:00:00Z  INFO login succeeded\r\u{1b}[2J\u{2028}";
        let logged = Untrusted(forged).to_string();
        assert!(
            !logged.contains(['\n', '\r', '\u{1b}', '\u{2028}']),
            "{logged}"
        );
        assert_eq!(
            logged,
            "x\\n2026-01-01T00:00:00Z  INFO login succeeded\\r\\u{1b}[2J\\u{2028}"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = "é".repeat(20_000);
        let logged = Untrusted(&long).to_string();
        assert_eq!(logged.chars().count(), UNTRUSTED_MAX_CHARS + 1);
        assert!(logged.ends_with('…'));
        assert_eq!(Untrusted("court").to_string(), "court");
    }
}
