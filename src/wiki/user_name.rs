//! User-name rules (SPEC §2): 1–32 letters, digits, `-`, `_` or `.`, compared
//! case-insensitively, and a few names reserved for the wiki itself.

use unicode_normalization::UnicodeNormalization;

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

/// Why a user name was refused; shown to the person choosing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    #[error("a user name has 1 to 32 characters")]
    Length,
    #[error("a user name may use only letters, digits, '-', '_' and '.'")]
    Characters,
    #[error("that name is reserved")]
    Reserved,
}

/// The stored form of a proposed user name: trimmed and NFC-normalised, then checked, so
/// the web form and the CLI agree on what a name is.
///
/// # Errors
/// The first rule the name breaks.
pub fn normalise(input: &str) -> Result<String, UserNameError> {
    let name: String = input.trim().nfc().collect();
    check(&name)?;
    Ok(name)
}

/// Checks a user name that is already trimmed and normalised.
///
/// # Errors
/// The first rule the name breaks.
pub fn check(name: &str) -> Result<(), UserNameError> {
    let count = name.chars().count();
    if count == 0 || count > 32 {
        return Err(UserNameError::Length);
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(UserNameError::Characters);
    }
    let lower = name.to_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return Err(UserNameError::Reserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letters_digits_and_marks() {
        for name in ["alice", "Bob_2", "c.d-e", "Zoë", "ä"] {
            assert_eq!(check(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn normalise_trims_and_composes() {
        assert_eq!(normalise("  Zoe\u{308} ").as_deref(), Ok("Zoë"));
        assert_eq!(normalise(" "), Err(UserNameError::Length));
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(check(""), Err(UserNameError::Length));
        assert_eq!(check(&"a".repeat(33)), Err(UserNameError::Length));
        assert_eq!(check("a b"), Err(UserNameError::Characters));
        assert_eq!(check("a/b"), Err(UserNameError::Characters));
        assert_eq!(check("Admin"), Err(UserNameError::Reserved));
        assert_eq!(check("SYSTEM"), Err(UserNameError::Reserved));
    }
}
