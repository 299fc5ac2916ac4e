//! One-time link codes, the pure part: how a code is spelled from random bytes and what is
//! stored for it (a hash of its canonical form). Randomness comes from the caller
//! (`tls::random_bytes`), storage from `store/`. `/do/account/link` and
//! `gemwiki account link-code` hand out codes in this one format, and `/do/account/claim`
//! takes either.

use sha2::{Digest, Sha256};

/// How long a link code stays valid, in seconds (SPEC §3: 10 minutes).
pub const VALID_SECONDS: i64 = 600;

/// How long a code printed by `gemwiki account link-code` stays valid: an admin passes it on
/// by hand (mail, chat), which takes longer than switching certificates on one device.
pub const ADMIN_VALID_SECONDS: i64 = 24 * 3600;

/// Characters in a link code: 50 random bits, short enough to type on a phone.
pub const CODE_LEN: usize = 10;

/// Crockford's base32 alphabet: no `i`, `l`, `o` or `u`, so a code copied by hand survives.
/// 32 symbols, so five bits of a random byte pick one without bias.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The code spelled by `bytes` (one character per byte; pass [`CODE_LEN`] random bytes).
pub fn from_random(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect()
}

/// What is stored for a code: the SHA-256 of its canonical form, so a code typed in capitals,
/// with spaces or dashes, or with `i`/`l`/`o` for `1`/`0`, still matches.
pub fn hash(code: &str) -> [u8; 32] {
    let canonical: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            other => other,
        })
        .collect();
    Sha256::digest(canonical.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_one_character_per_byte() {
        let code = from_random(&[0, 31, 32, 255, 10, 17, 18, 21, 26, 27]);
        assert_eq!(code, "0z0zahjntv");
        assert!(code.bytes().all(|c| ALPHABET.contains(&c)));
    }

    #[test]
    fn hash_forgives_case_spacing_and_lookalikes() {
        let canonical = hash("0123456789ab");
        for typed in [
            "O123456789AB",
            "o1 23-45 6789ab",
            "0i23456789ab",
            "0L23456789ab",
        ] {
            assert_eq!(hash(typed), canonical, "{typed}");
        }
        assert_ne!(hash("0123456789ac"), canonical);
    }
}
