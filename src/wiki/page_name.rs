//! `PageName`: the one validated form of a wiki page name (SPEC §5). Names arrive
//! percent-decoded from the router or typed into a prompt; this type normalises them to
//! Unicode NFC and enforces the rules. A name is never used as a file path.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::GeneralSecurityProfile;

use super::user_name::code_point;

/// Longest page name, in Unicode scalar values after NFC normalisation.
pub const MAX_NAME_CHARS: usize = 100;

/// Characters left unescaped in page URLs: RFC 3986 unreserved ones.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A valid, NFC-normalised page name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageName(String);

/// Why a page name was refused; the message is shown to the person who typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageNameError {
    #[error("a page name cannot be empty")]
    Empty,
    #[error("a page name has at most 100 characters")]
    TooLong,
    #[error("a page name cannot contain control characters or line breaks ({})", code_point(*.0))]
    Control(char),
    #[error("a page name cannot contain the invisible formatting character {}", code_point(*.0))]
    Invisible(char),
    #[error("a page name cannot contain '/'")]
    Slash,
    #[error("'.' and '..' are not page names")]
    Dots,
    #[error("a page name cannot start or end with a space")]
    OuterSpace,
}

impl PageName {
    /// Validates and NFC-normalises `input`.
    ///
    /// # Errors
    /// A [`PageNameError`] naming the first rule the input breaks.
    pub fn new(input: &str) -> Result<Self, PageNameError> {
        let name: String = input.nfc().collect();
        if name.is_empty() {
            return Err(PageNameError::Empty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(PageNameError::TooLong);
        }
        if let Some(c) = name.chars().find(|&c| is_line_or_control(c)) {
            return Err(PageNameError::Control(c));
        }
        // Defends against names that hide or reorder text in every list they appear in
        // (U+202E RIGHT-TO-LEFT OVERRIDE, zero-width characters, Hangul fillers).
        if let Some(c) = name.chars().find(|&c| is_invisible(c)) {
            return Err(PageNameError::Invisible(c));
        }
        if name.contains('/') {
            return Err(PageNameError::Slash);
        }
        if name == "." || name == ".." {
            return Err(PageNameError::Dots);
        }
        if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
            return Err(PageNameError::OuterSpace);
        }
        Ok(Self(name))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name percent-encoded for use as one URL path segment.
    pub fn encoded(&self) -> String {
        utf8_percent_encode(&self.0, PATH_SEGMENT).to_string()
    }

    /// The case-folded form used to sort and compare names for people.
    pub fn sort_key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Cc, Zl and Zp: characters that break a line (U+2029 is a paragraph break to some
/// clients, making a fake heading of what follows) or control a terminal.
fn is_line_or_control(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Cf and default-ignorable characters: they show nothing themselves but hide, join or
/// reorder the text around them.
fn is_invisible(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || c.identifier_type() == Some(IdentifierType::Default_Ignorable)
}

impl FromStr for PageName {
    type Err = PageNameError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::new(input)
    }
}

impl fmt::Display for PageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PageName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_unicode_and_inner_spaces() {
        assert_eq!(
            PageName::new("Grüße an alle").unwrap().as_str(),
            "Grüße an alle"
        );
        assert!(PageName::new("日本語のページ").is_ok());
    }

    #[test]
    fn normalises_to_nfc() {
        let decomposed = "Cafe\u{301}";
        assert_eq!(PageName::new(decomposed).unwrap().as_str(), "Caf\u{e9}");
    }

    #[test]
    fn rejects_each_rule_with_its_reason() {
        let cases = [
            ("", PageNameError::Empty),
            ("a/b", PageNameError::Slash),
            (".", PageNameError::Dots),
            ("..", PageNameError::Dots),
            (" lead", PageNameError::OuterSpace),
            ("trail ", PageNameError::OuterSpace),
            ("line\nbreak", PageNameError::Control('\n')),
            ("nul\0", PageNameError::Control('\0')),
        ];
        for (input, expected) in cases {
            assert_eq!(PageName::new(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn invisible_and_line_breaking_characters_are_named() {
        let cases = [
            ("a\u{200B}b", PageNameError::Invisible('\u{200B}')),
            ("\u{202E}txt.exe", PageNameError::Invisible('\u{202E}')),
            ("a\u{2066}b", PageNameError::Invisible('\u{2066}')),
            ("\u{FEFF}Welcome", PageNameError::Invisible('\u{FEFF}')),
            ("soft\u{AD}hyphen", PageNameError::Invisible('\u{AD}')),
            ("\u{3164}", PageNameError::Invisible('\u{3164}')),
            ("a\u{115F}b", PageNameError::Invisible('\u{115F}')),
            ("a\u{FFA0}b", PageNameError::Invisible('\u{FFA0}')),
            ("emoji\u{FE0F}", PageNameError::Invisible('\u{FE0F}')),
            ("a\u{2028}b", PageNameError::Control('\u{2028}')),
            (
                "a\u{2029}# Fake heading",
                PageNameError::Control('\u{2029}'),
            ),
            ("a\u{85}b", PageNameError::Control('\u{85}')),
        ];
        for (input, expected) in cases {
            assert_eq!(PageName::new(input), Err(expected), "{input:?}");
        }
        assert_eq!(
            PageNameError::Invisible('\u{202E}').to_string(),
            "a page name cannot contain the invisible formatting character U+202E"
        );
        assert_eq!(
            PageNameError::Control('\u{2029}').to_string(),
            "a page name cannot contain control characters or line breaks (U+2029)"
        );
    }

    #[test]
    fn length_limit_counts_characters_not_bytes() {
        assert!(PageName::new(&"é".repeat(100)).is_ok());
        assert_eq!(PageName::new(&"a".repeat(101)), Err(PageNameError::TooLong));
    }

    #[test]
    fn encodes_as_one_path_segment() {
        let name = PageName::new("How to edit? 100%").unwrap();
        assert_eq!(name.encoded(), "How%20to%20edit%3F%20100%25");
        assert_eq!(PageName::new("a.b-c_d~e").unwrap().encoded(), "a.b-c_d~e");
    }
}
