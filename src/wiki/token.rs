//! Action tokens (SPEC §3.0): an HMAC-SHA256 over (certificate fingerprint, action, target,
//! state), truncated to 128 bits and written as 22 characters of URL-safe base64. Pure: the
//! key is handed in (the data directory's `action-token.key`, read by `crate::secret`); this
//! module never logs it, prints it or compares a tag in variable time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::identity::Fingerprint;

type HmacSha256 = Hmac<Sha256>;

/// Characters of a token: 16 bytes in unpadded base64url.
pub const TOKEN_LEN: usize = 22;

/// Bytes of the HMAC kept in a token (128 bits).
const TAG_LEN: usize = 16;

/// Length of a time bucket; a bucketed token is accepted in its bucket and the next, so it
/// lives one to two hours.
pub const BUCKET_SECONDS: i64 = 3600;

/// Separates token MACs from every other use of the key (link codes).
const TOKEN_DOMAIN: &[u8] = b"gemwiki action token v1";
const LINK_CODE_DOMAIN: &[u8] = b"gemwiki link code v1";

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 32-byte secret tokens are keyed with. `Debug` never shows it.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(…)")
    }
}

/// What a token's validity is tied to (SPEC §3.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// A page's latest revision number (0 for a page that never existed): the token dies
    /// when the page changes, which is the edit-conflict check.
    Revision(u32),
    /// The state version of an account or page flag, e.g. `editor:active`.
    Version(String),
    /// The time `now` (Unix seconds): valid in its hour bucket and the next.
    Time(i64),
}

/// One action a token authorises: who, what, on what, in which state.
#[derive(Debug, Clone, Copy)]
pub struct Intent<'a> {
    pub fingerprint: &'a Fingerprint,
    pub action: &'a str,
    pub target: &'a str,
    pub state: &'a TokenState,
}

impl TokenKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The token for `intent`, to put in a link rendered for its certificate.
    pub fn token(&self, intent: &Intent<'_>) -> String {
        let state = match intent.state {
            TokenState::Time(now) => state_text(&TokenState::Time(bucket(*now))),
            other => state_text(other),
        };
        let tag = self.mac(intent, &state).finalize().into_bytes();
        encode(&tag[..TAG_LEN])
    }

    /// Whether `token` was made by [`token`](Self::token) for exactly this intent (a time
    /// state also accepts the previous bucket).
    // Defends against forged and replayed action links (a link someone else wrote, or a token
    // made for another certificate, page revision or account state acting for a visitor);
    // the tag is compared in constant time so a forger learns nothing byte by byte.
    pub fn verify(&self, intent: &Intent<'_>, token: &str) -> bool {
        let Some(tag) = decode(token) else {
            return false;
        };
        let states = match intent.state {
            TokenState::Time(now) => {
                let b = bucket(*now);
                vec![TokenState::Time(b), TokenState::Time(b - 1)]
            }
            other => vec![other.clone()],
        };
        // Every candidate is checked, so the time taken does not say which bucket matched.
        states.iter().fold(false, |ok, state| {
            let valid = self
                .mac(intent, &state_text(state))
                .verify_truncated_left(&tag)
                .is_ok();
            ok | valid
        })
    }

    /// Ten bytes that name the link code of `account` expiring at `expires`: derived, so the
    /// code can be shown again while it is valid without storing it (the store keeps its hash).
    pub fn link_code_bytes(&self, account: i64, expires: i64) -> [u8; 10] {
        let mut mac = self.keyed();
        field(&mut mac, LINK_CODE_DOMAIN);
        field(&mut mac, &account.to_be_bytes());
        field(&mut mac, &expires.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 10];
        out.copy_from_slice(&full[..10]);
        out
    }

    fn keyed(&self) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts a 32-byte key")
    }

    fn mac(&self, intent: &Intent<'_>, state: &str) -> HmacSha256 {
        let mut mac = self.keyed();
        field(&mut mac, TOKEN_DOMAIN);
        field(&mut mac, intent.fingerprint.as_bytes());
        field(&mut mac, intent.action.as_bytes());
        field(&mut mac, intent.target.as_bytes());
        field(&mut mac, state.as_bytes());
        mac
    }
}

/// Length-prefixed, so no two different tuples feed the MAC the same bytes.
fn field(mac: &mut HmacSha256, bytes: &[u8]) {
    mac.update(&(bytes.len() as u64).to_be_bytes());
    mac.update(bytes);
}

fn state_text(state: &TokenState) -> String {
    match state {
        TokenState::Revision(n) => format!("rev:{n}"),
        TokenState::Version(v) => format!("ver:{v}"),
        TokenState::Time(b) => format!("time:{b}"),
    }
}

/// The hour bucket of `now`.
fn bucket(now: i64) -> i64 {
    now.div_euclid(BUCKET_SECONDS)
}

/// Whether `segment` has the shape of a token (22 base64url characters).
pub fn looks_like_token(segment: &str) -> bool {
    segment.len() == TOKEN_LEN && segment.bytes().all(|b| BASE64URL.contains(&b))
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(TOKEN_LEN);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn decode(token: &str) -> Option<[u8; TAG_LEN]> {
    if !looks_like_token(token) {
        return None;
    }
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(TAG_LEN + 1);
    for b in token.bytes() {
        let value = BASE64URL.iter().position(|c| *c == b)?;
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // 22 characters carry 132 bits: the last 4 must be zero, so each tag has one spelling.
    if bits != 0 {
        return None;
    }
    out.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TokenKey {
        TokenKey::from_bytes([7; 32])
    }

    fn fp(byte: u8) -> Fingerprint {
        Fingerprint::of_der(&[byte])
    }

    fn make(fp: &Fingerprint, action: &str, target: &str, state: &TokenState) -> String {
        key().token(&Intent {
            fingerprint: fp,
            action,
            target,
            state,
        })
    }

    #[test]
    fn tokens_are_22_url_safe_characters_that_verify() {
        let a = fp(1);
        let state = TokenState::Revision(3);
        let token = make(&a, "replace", "Welcome", &state);
        assert_eq!(token.len(), TOKEN_LEN);
        assert!(looks_like_token(&token), "{token}");
        let intent = Intent {
            fingerprint: &a,
            action: "replace",
            target: "Welcome",
            state: &state,
        };
        assert!(key().verify(&intent, &token));
        assert_eq!(decode(&token).map(|t| encode(&t)), Some(token));
    }

    #[test]
    fn tokens_differ_per_fingerprint_action_target_and_state() {
        let (a, b) = (fp(1), fp(2));
        let rev = TokenState::Revision(3);
        let base = make(&a, "replace", "Welcome", &rev);
        let others = [
            make(&b, "replace", "Welcome", &rev),
            make(&a, "delete", "Welcome", &rev),
            make(&a, "replace", "Welcome2", &rev),
            make(&a, "replace", "Welcome", &TokenState::Revision(4)),
            make(&a, "replace", "Welcome", &TokenState::Version("3".into())),
            // Length prefixes: moving a character between fields changes the token.
            make(&a, "replac", "eWelcome", &rev),
        ];
        for other in others {
            assert_ne!(other, base);
        }
        let other_key = TokenKey::from_bytes([8; 32]);
        let intent = Intent {
            fingerprint: &a,
            action: "replace",
            target: "Welcome",
            state: &rev,
        };
        assert!(!other_key.verify(&intent, &base));
    }

    #[test]
    fn another_certificates_token_and_forgeries_are_refused() {
        let (a, b) = (fp(1), fp(2));
        let rev = TokenState::Revision(1);
        let token_a = make(&a, "delete", "X", &rev);
        let as_b = Intent {
            fingerprint: &b,
            action: "delete",
            target: "X",
            state: &rev,
        };
        assert!(!key().verify(&as_b, &token_a));
        for forged in [
            "",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "short",
            &"A".repeat(23),
            "!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert!(!key().verify(&as_b, forged), "{forged}");
        }
        // The non-canonical spelling of a real tag (low bits set) is refused too.
        let mut bytes = token_a.into_bytes();
        let last = bytes[TOKEN_LEN - 1];
        let pos = BASE64URL.iter().position(|c| *c == last).unwrap();
        bytes[TOKEN_LEN - 1] = BASE64URL[pos | 1];
        let odd = String::from_utf8(bytes).unwrap();
        let as_a = Intent {
            fingerprint: &a,
            ..as_b
        };
        assert!(key().verify(&as_a, &String::from_utf8(bytes_again(&odd, last)).unwrap()));
        assert!(!key().verify(&as_a, &odd));
    }

    fn bytes_again(odd: &str, last: u8) -> Vec<u8> {
        let mut bytes = odd.as_bytes().to_vec();
        bytes[TOKEN_LEN - 1] = last;
        bytes
    }

    #[test]
    fn time_tokens_live_one_to_two_hours() {
        let a = fp(1);
        let issued = 10 * BUCKET_SECONDS + 1800;
        let token = make(&a, "append", "X", &TokenState::Time(issued));
        let at = |now: i64| {
            key().verify(
                &Intent {
                    fingerprint: &a,
                    action: "append",
                    target: "X",
                    state: &TokenState::Time(now),
                },
                &token,
            )
        };
        assert!(at(issued));
        assert!(at(issued + 3600));
        assert!(!at(issued + 5400));
        assert!(!at(issued - 3600));
    }

    #[test]
    fn link_codes_are_stable_and_differ_per_account_and_time() {
        let k = key();
        assert_eq!(k.link_code_bytes(1, 100), k.link_code_bytes(1, 100));
        assert_ne!(k.link_code_bytes(1, 100), k.link_code_bytes(2, 100));
        assert_ne!(k.link_code_bytes(1, 100), k.link_code_bytes(1, 101));
        assert_eq!(format!("{k:?}"), "TokenKey(…)");
    }
}
