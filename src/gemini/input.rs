//! Line breaks in one-line input. A `10` prompt takes one line, and some clients (amfora)
//! percent-encode a typed `%`, so `%0A` cannot make a newline there. Instead a typed `\n`
//! becomes a line break and `\\n` stays a literal backslash-n; every other backslash is
//! kept as typed. [`encode_line_breaks`] is the inverse, for showing text in a prompt.

/// Typed text with `\n` turned into line breaks and `\\n` into a literal `\n`.
pub fn decode_line_breaks(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len());
    let mut rest = typed;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("\\\\n") {
            out.push_str("\\n");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("\\n") {
            out.push('\n');
            rest = after;
        } else {
            out.push('\\');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Text as it would be typed into a one-line prompt: line breaks as `\n`, a literal `\n`
/// as `\\n`, so [`decode_line_breaks`] gives the text back.
pub fn encode_line_breaks(text: &str) -> String {
    text.replace("\\n", "\\\\n").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_n_is_a_line_break_and_a_doubled_backslash_keeps_it_literal() {
        assert_eq!(decode_line_breaks("a\\nb"), "a\nb");
        assert_eq!(decode_line_breaks("a\\\\nb"), "a\\nb");
        assert_eq!(decode_line_breaks("C:\\dir\\"), "C:\\dir\\");
        assert_eq!(decode_line_breaks("\\n\\n"), "\n\n");
        assert_eq!(decode_line_breaks("no breaks"), "no breaks");
    }

    #[test]
    fn encoding_round_trips() {
        for text in ["a\nb", "path\\name\n", "lit \\n and\nbreak", "\\\\n"] {
            assert_eq!(
                decode_line_breaks(&encode_line_breaks(text)),
                text,
                "{text}"
            );
        }
    }
}
