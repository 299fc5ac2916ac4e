//! User-name rules (SPEC §2): 1–32 letters, digits, `-`, `_` or `.`, NFKC-normalised, letters
//! from one script, nothing invisible, and unique by look rather than by code points: names
//! are compared by their UTS #39 confusable skeleton, case-folded ([`key`]), against the
//! reserved names here and (through the store) against every existing account.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::{GeneralSecurityProfile, MixedScript};

/// Names no person may take: they label system and anonymous edits or sound official.
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "anonymous",
    "system",
    "root",
    "gemwiki",
    "moderator",
    "wiki",
];

/// Why a user name was refused; the message tells the person choosing it what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    #[error("a user name has 1 to 32 characters")]
    Length,
    #[error("the name contains an invisible character {}", code_point(*.0))]
    Invisible(char),
    #[error("a user name may use only letters, digits, '-', '_' and '.'")]
    Characters,
    #[error("“{name}” mixes {scripts} letters")]
    MixedScripts { name: String, scripts: String },
    #[error("“{name}” is reserved")]
    Reserved { name: String },
    #[error("“{name}” looks like the reserved name “{reserved}”")]
    LooksReserved {
        name: String,
        reserved: &'static str,
    },
    #[error("“{name}” is taken")]
    Taken { name: String },
    #[error("“{name}” looks like the existing name “{existing}”")]
    LooksTaken { name: String, existing: String },
}

/// The stored form of a proposed user name: trimmed and NFKC-normalised, then checked, so
/// the capsule and the CLI agree on what a name is. Uniqueness is the store's to check.
///
/// # Errors
/// The first rule the name breaks.
pub fn normalise(input: &str) -> Result<String, UserNameError> {
    let name: String = input.trim().nfkc().collect();
    check(&name)?;
    Ok(name)
}

/// Checks a user name that is already trimmed and normalised.
///
/// # Errors
/// The first rule the name breaks, in this order: length, invisible characters, other
/// characters, reserved (by look), mixed scripts.
pub fn check(name: &str) -> Result<(), UserNameError> {
    let count = name.chars().count();
    if count == 0 || count > 32 {
        return Err(UserNameError::Length);
    }
    // Defends against names that render as nothing or as another name with a hidden
    // character in it (U+3164 HANGUL FILLER names, "ali\u{200B}ce").
    if let Some(c) = name.chars().find(|&c| is_invisible(c)) {
        return Err(UserNameError::Invisible(c));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(UserNameError::Characters);
    }
    let name_key = key(name);
    if let Some(&reserved) = RESERVED.iter().find(|r| key(r) == name_key) {
        let name = name.to_owned();
        return Err(if name.to_lowercase() == reserved {
            UserNameError::Reserved { name }
        } else {
            UserNameError::LooksReserved { name, reserved }
        });
    }
    // Defends against look-alikes of names not yet taken ("pаypal" with a Cyrillic а), which
    // would otherwise block the real name for its owner.
    if !name.is_single_script() {
        return Err(UserNameError::MixedScripts {
            name: name.to_owned(),
            scripts: script_names(name),
        });
    }
    Ok(())
}

/// The form names are compared in: the UTS #39 skeleton of the NFKC, lower-cased name,
/// lower-cased again (a prototype may be a capital, as for Cherokee Ꭺ). Two names with the
/// same key look alike, so `alice`, `аlice` (Cyrillic а), `ａｌｉｃｅ` and `ALICE` share one.
pub fn key(name: &str) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let skeleton: String = unicode_security::skeleton(&folded).collect();
    skeleton.to_lowercase()
}

/// The refusal for a name whose [`key`] an existing account (named `existing`) already has.
pub fn taken(name: &str, existing: &str) -> UserNameError {
    let name = name.to_owned();
    if name.to_lowercase() == existing.to_lowercase() {
        UserNameError::Taken { name }
    } else {
        UserNameError::LooksTaken {
            name,
            existing: existing.to_owned(),
        }
    }
}

/// Characters that show nothing: default-ignorable code points (zero-width characters,
/// bidi controls, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, variation selectors)
/// and other format, control and line or paragraph separator characters. (Spaces are
/// visible and refused as "characters".)
fn is_invisible(c: char) -> bool {
    c.identifier_type() == Some(IdentifierType::Default_Ignorable)
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::Control
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// `U+3164`: how an invisible character is named to the person who typed it.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// "Latin and Cyrillic": the scripts of the name's letters, in order of appearance.
fn script_names(name: &str) -> String {
    let mut scripts: Vec<&str> = Vec::new();
    for script in name.chars().map(|c| c.script()) {
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown)
            && !scripts.contains(&script.full_name())
        {
            scripts.push(script.full_name());
        }
    }
    match scripts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => scripts.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letters_digits_and_marks() {
        for name in [
            "alice",
            "Bob_2",
            "c.d-e",
            "Zoë",
            "ä",
            "Алиса",
            "山田たろう",
            "김철수",
        ] {
            assert_eq!(check(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn normalise_trims_and_applies_nfkc() {
        assert_eq!(normalise("  Zoe\u{308} ").as_deref(), Ok("Zoë"));
        assert_eq!(normalise("ｂｏｂ").as_deref(), Ok("bob"));
        assert_eq!(normalise(" "), Err(UserNameError::Length));
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(check(""), Err(UserNameError::Length));
        assert_eq!(check(&"a".repeat(33)), Err(UserNameError::Length));
        assert_eq!(check("a b"), Err(UserNameError::Characters));
        assert_eq!(check("a/b"), Err(UserNameError::Characters));
        assert_eq!(
            check("Admin").unwrap_err().to_string(),
            "“Admin” is reserved"
        );
        assert_eq!(
            check("SYSTEM").unwrap_err().to_string(),
            "“SYSTEM” is reserved"
        );
    }

    #[test]
    fn invisible_and_filler_characters_are_named() {
        for (name, c) in [
            ("\u{3164}", '\u{3164}'),
            ("\u{3164}\u{3164}\u{3164}", '\u{3164}'),
            ("a\u{115F}b", '\u{115F}'),
            ("a\u{FFA0}", '\u{FFA0}'),
            ("ali\u{200B}ce", '\u{200B}'),
            ("ali\u{200D}ce", '\u{200D}'),
            ("ali\u{2060}ce", '\u{2060}'),
            ("alice\u{FE0F}", '\u{FE0F}'),
            ("\u{202E}ecila", '\u{202E}'),
            ("al\u{AD}ice", '\u{AD}'),
        ] {
            assert_eq!(check(name), Err(UserNameError::Invisible(c)), "{name:?}");
        }
        // NFKC turns the compatibility filler U+3164 into U+1160, invisible as well.
        assert_eq!(
            normalise("\u{3164}").unwrap_err().to_string(),
            "the name contains an invisible character U+1160"
        );
        assert_eq!(
            check("a\u{3164}").unwrap_err().to_string(),
            "the name contains an invisible character U+3164"
        );
    }

    #[test]
    fn look_alikes_of_reserved_names_are_reserved() {
        assert_eq!(
            normalise("ＡＤＭＩＮ").unwrap_err().to_string(),
            "“ADMIN” is reserved"
        );
        assert_eq!(
            normalise("\u{430}dmin").unwrap_err().to_string(),
            "“\u{430}dmin” looks like the reserved name “admin”"
        );
        assert_eq!(
            normalise("adrnin").unwrap_err().to_string(),
            "“adrnin” looks like the reserved name “admin”"
        );
        assert_eq!(
            normalise("r\u{43e}\u{43e}t").unwrap_err().to_string(),
            "“r\u{43e}\u{43e}t” looks like the reserved name “root”"
        );
    }

    #[test]
    fn mixed_scripts_are_refused_with_the_scripts_named() {
        assert_eq!(
            check("p\u{430}ypal").unwrap_err().to_string(),
            "“p\u{430}ypal” mixes Latin and Cyrillic letters"
        );
        assert_eq!(
            check("abcαβγ").unwrap_err().to_string(),
            "“abcαβγ” mixes Latin and Greek letters"
        );
        // Digits and '-_.' belong to every script; Japanese mixes kanji and kana by design.
        assert_eq!(check("Алиса_2.0"), Ok(()));
        assert_eq!(check("日本語かな"), Ok(()));
    }

    #[test]
    fn look_alikes_share_a_key() {
        let alice = key("alice");
        for name in [
            "alice",
            "ALICE",
            "Alice",
            "\u{430}lice",
            "ａｌｉｃｅ",
            "ＡＬＩＣＥ",
        ] {
            assert_eq!(key(name), alice, "{name}");
        }
        assert_eq!(key("rnallory"), key("mallory"));
        assert_ne!(key("alice"), key("alicia"));
        assert_ne!(key("bob"), key("rob"));
    }

    #[test]
    fn taken_says_which_existing_name_it_looks_like() {
        assert_eq!(taken("aLICE", "Alice").to_string(), "“aLICE” is taken");
        assert_eq!(
            taken("\u{430}lice", "alice").to_string(),
            "“\u{430}lice” looks like the existing name “alice”"
        );
    }

    #[test]
    fn code_points_are_written_with_at_least_four_digits() {
        assert_eq!(code_point('\u{202E}'), "U+202E");
        assert_eq!(code_point('\u{AD}'), "U+00AD");
        assert_eq!(code_point('\u{E0001}'), "U+E0001");
    }
}
