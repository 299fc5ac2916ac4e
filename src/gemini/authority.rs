//! The authority part of a request URL: host and port read, normalised (case, IDN to
//! punycode, IPv6 literals) and checked against what the listener serves (`53` otherwise).

use std::net::Ipv6Addr;

use super::request::{clip, decode_percent, RequestError, DEFAULT_PORT};

/// What the listener serves: host names (already lowercase ASCII / punycode, IPv6 literals
/// in brackets such as `[::1]`) and its port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// Every host name this listener answers for.
    pub hosts: Vec<String>,
    /// The port this listener serves.
    pub port: u16,
}

/// Reads `host[:port]` and checks it against `ours`. Returns the normalised host and the
/// port (explicit, or [`DEFAULT_PORT`]).
///
/// Only an explicit port is compared with `ours.port`: a URL without one is served, so a
/// listener behind port forwarding still answers `gemini://host/`.
pub(super) fn parse_authority(
    authority: &str,
    ours: &Authority,
) -> Result<(String, u16), RequestError> {
    if authority.contains('@') {
        return Err(RequestError::UserInfo);
    }
    let (raw_host, raw_port) = split_host_port(authority)?;
    let host = normalise_host(raw_host)?;
    let port = match raw_port {
        None | Some("") => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse().map_err(|_| RequestError::BadPort(clip(p)))?)
        }
        Some(p) => return Err(RequestError::BadPort(clip(p))),
    };
    if !ours.hosts.contains(&host) {
        return Err(RequestError::ForeignHost(clip(&host)));
    }
    match port {
        Some(port) if port != ours.port => Err(RequestError::WrongPort(port, ours.port)),
        port => Ok((host, port.unwrap_or(DEFAULT_PORT))),
    }
}

/// Splits the authority into host and optional port text, minding `[v6]:port`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), RequestError> {
    if authority.starts_with('[') {
        let end = authority
            .find(']')
            .ok_or_else(|| RequestError::BadHost(clip(authority)))?;
        let (host, after) = authority.split_at(end + 1);
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(RequestError::BadHost(clip(authority))),
        };
    }
    Ok(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// Lowercases the host: IPv6 literals as written, names through IDNA to punycode, one
/// trailing dot dropped. Checks that what remains looks like a host name or IPv4 address.
fn normalise_host(raw: &str) -> Result<String, RequestError> {
    if raw.is_empty() {
        return Err(RequestError::NoHost);
    }
    let bad = || RequestError::BadHost(clip(raw));
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        inner.parse::<Ipv6Addr>().map_err(|_| bad())?;
        return Ok(raw.to_ascii_lowercase());
    }
    // RFC 3986 allows percent-escapes in a host name; decode them before IDNA.
    let decoded = decode_percent(raw).map_err(|_| bad())?;
    // `domain_to_ascii` maps case, width and IDN, but lets ASCII punctuation through.
    let ascii = idna::domain_to_ascii(&decoded).map_err(|_| bad())?;
    let host = ascii.strip_suffix('.').unwrap_or(&ascii);
    let valid_label = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
    };
    if host.split('.').all(valid_label) {
        Ok(host.to_owned())
    } else {
        Err(bad())
    }
}
