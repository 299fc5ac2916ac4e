//! Client identity as the application sees it: the SHA-256 fingerprint of a certificate's DER
//! bytes and the few certificate facts handlers need. The TLS layer builds a [`ClientCert`]
//! once per connection; nothing here stores or trusts anything, and no OpenSSL type escapes.
//! A [`Network`] is the other thing a client is known by: the address block its limits count
//! against.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// SHA-256 of a certificate's DER encoding: the whole identity of an account's certificate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Fingerprint of the given DER-encoded certificate.
    pub fn of_der(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// The raw 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The full 64-digit lowercase hex form.
    pub fn to_hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        out
    }

    /// The 16-digit prefix shown in lists and logs.
    pub fn short(&self) -> String {
        let mut hex = self.to_hex();
        hex.truncate(16);
        hex
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

/// Why a fingerprint typed by a person could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 fingerprint: expected 64 hex digits, optionally as `sha256$hex`, `SHA256:HEX` or colon-separated")]
pub struct FingerprintParseError;

impl FromStr for Fingerprint {
    type Err = FingerprintParseError;

    /// Accepts plain hex, `sha256$hex`, `SHA256:HEX` and colon-separated hex, any case.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        let lower = trimmed.to_ascii_lowercase();
        let body = lower
            .strip_prefix("sha256$")
            .or_else(|| lower.strip_prefix("sha256:"))
            .or_else(|| lower.strip_prefix("sha256 fingerprint="))
            .or_else(|| lower.strip_prefix("sha2-256:"))
            .unwrap_or(&lower);
        let digits: Vec<u8> = body.bytes().filter(|b| *b != b':').collect();
        if digits.len() != 64 {
            return Err(FingerprintParseError);
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or(FingerprintParseError)?;
            let lo = hex_value(pair[1]).ok_or(FingerprintParseError)?;
            out[i] = hi << 4 | lo;
        }
        Ok(Self(out))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// What the server learned from the client's certificate during the handshake.
///
/// Possession of the private key was proven by the handshake itself; the CA chain was not
/// checked (Gemini client certificates are self-signed), so only the fingerprint identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    pub fingerprint: Fingerprint,
    /// The subject's common name, if any: only a suggestion for a user name.
    pub common_name: Option<String>,
    /// Start of validity, Unix seconds (UTC).
    pub not_before: i64,
    /// End of validity, Unix seconds (UTC).
    pub not_after: i64,
}

/// Where a certificate stands relative to its validity dates at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    NotYetValid { not_before: i64 },
    Expired { not_after: i64 },
}

impl ClientCert {
    /// Whether the certificate is inside its validity window at `now` (Unix seconds).
    pub fn validity_at(&self, now: i64) -> Validity {
        if now < self.not_before {
            Validity::NotYetValid {
                not_before: self.not_before,
            }
        } else if now > self.not_after {
            Validity::Expired {
                not_after: self.not_after,
            }
        } else {
            Validity::Valid
        }
    }
}

/// A client network, what per-client limits count against: an IPv4 address, or the /64 an
/// IPv6 address is in (one IPv6 host commonly owns a whole /64, so counting addresses would
/// give it 2^64 budgets). IPv4-mapped IPv6 addresses count as their IPv4 address.
/// Its `Debug` hides the address, so it never reaches a log line.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Network(IpAddr);

impl Network {
    /// The network `ip` belongs to.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Network(..)")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn networks_are_ipv4_addresses_and_ipv6_slash_64s() {
        let net = |s: &str| Network::of(s.parse().unwrap());
        assert_eq!(net("192.0.2.1"), net("192.0.2.1"));
        assert_ne!(net("192.0.2.1"), net("192.0.2.2"));
        // Every address of one /64 is one network: no fresh budget per address.
        assert_eq!(
            net("2001:db8:1:2::1"),
            net("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"));
        assert_eq!(net("::ffff:192.0.2.1"), net("192.0.2.1"));
        assert_eq!(format!("{:?}", net("192.0.2.1")), "Network(..)");
    }

    use super::*;

    const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn fingerprint_round_trips_through_hex() {
        let fp: Fingerprint = HEX64.parse().unwrap();
        assert_eq!(fp.to_hex(), HEX64);
        assert_eq!(fp.short(), "0123456789abcdef");
    }

    #[test]
    fn fingerprint_accepts_every_documented_spelling() {
        let colon = HEX64
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        for input in [
            HEX64.to_string(),
            format!("sha256${HEX64}"),
            format!("SHA256:{}", HEX64.to_ascii_uppercase()),
            colon,
        ] {
            assert_eq!(
                input.parse::<Fingerprint>().unwrap().to_hex(),
                HEX64,
                "{input}"
            );
        }
    }

    #[test]
    fn fingerprint_rejects_wrong_length_and_non_hex() {
        assert!("abc".parse::<Fingerprint>().is_err());
        assert!(HEX64.replace('0', "g").parse::<Fingerprint>().is_err());
        assert!(format!("{HEX64}00").parse::<Fingerprint>().is_err());
    }

    #[test]
    fn fingerprint_is_sha256_of_der() {
        // SHA-256 of the empty input, a known vector.
        assert_eq!(
            Fingerprint::of_der(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn validity_names_the_side_of_the_window() {
        let cert = ClientCert {
            fingerprint: Fingerprint::of_der(b"x"),
            common_name: None,
            not_before: 100,
            not_after: 200,
        };
        assert_eq!(cert.validity_at(150), Validity::Valid);
        assert_eq!(
            cert.validity_at(50),
            Validity::NotYetValid { not_before: 100 }
        );
        assert_eq!(cert.validity_at(250), Validity::Expired { not_after: 200 });
    }
}
