//! The Gemini request line, parsed once at the edge into a [`Request`]: length, UTF-8, an
//! absolute `gemini://` or `titan://` URL with no userinfo or fragment, a host and port this
//! listener serves, dot-segments resolved, path and query percent-decoded once.
//! No I/O happens here: the connection reads the line (without CRLF) and hands over bytes.
//! Page-name rules (no `/`, no control characters) belong to the router, not to this module.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use super::authority::{parse_authority, Authority};
use super::response::Status;
use super::titan::{self, TitanError, TitanParams};
use crate::identity::{ClientCert, Network};

/// The longest request URL, in bytes, not counting the CRLF terminator.
pub const MAX_URL_LEN: usize = 1024;

/// The port a URL without an explicit port refers to.
pub const DEFAULT_PORT: u16 = 1965;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What [`Request::path`] escapes inside a segment so that the result parses back to the
/// same segments: controls, space, `%`, `/`, `?` and `#` (non-ASCII is always escaped).
const SEGMENT_ESCAPES: &AsciiSet = &CONTROLS.add(b' ').add(b'%').add(b'/').add(b'?').add(b'#');

/// The URL schemes this server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `gemini://`: read a resource.
    Gemini,
    /// `titan://`: upload a resource (see [`super::titan`]).
    Titan,
}

impl Scheme {
    /// The scheme name in lowercase, without `://`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Gemini => "gemini",
            Scheme::Titan => "titan",
        }
    }
}

/// One parsed and checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which scheme the URL used.
    pub scheme: Scheme,
    /// The host as matched: lowercase, punycode, no trailing dot.
    pub host: String,
    /// The explicit port, or [`DEFAULT_PORT`].
    pub port: u16,
    /// Path segments, each percent-decoded once, after dot-segment resolution. `/` and the
    /// empty path give no segments; `/a/b/` gives `["a", "b", ""]` so routes see the slash.
    pub segments: Vec<String>,
    /// The decoded query (user input): `+` as space, percent-decoded, CRLF as LF.
    /// `None` without `?`, `Some("")` for a bare `?`.
    pub query: Option<String>,
    /// Titan parameters: `Some` (possibly all absent) for `titan://`, `None` for `gemini://`.
    pub titan: Option<TitanParams>,
    /// The URL exactly as received, not decoded, for logs and redirects.
    pub url: String,
    /// The client's certificate, set by the connection after the handshake; never by `parse`.
    pub client_cert: Option<ClientCert>,
    /// A Titan upload's body, set by the connection once it has been admitted and read.
    pub body: Option<Vec<u8>>,
    /// The client's network (for per-network limits), set by admission; never by `parse`.
    /// Its `Debug` shows no address.
    pub network: Option<Network>,
}

/// Broken percent-encoding in a path segment, query or Titan value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A `%` not followed by two hex digits.
    #[error(
        "an invalid percent-escape {0:?}: write '%' and two hex digits, or %25 for a literal '%'"
    )]
    BadEscape(String),
    /// The decoded bytes are not UTF-8.
    #[error("percent-escapes that do not decode to UTF-8 text: encode text as UTF-8")]
    NotUtf8,
}

/// Why a request line is refused. [`RequestError::status`] gives the Gemini status; the
/// `Display` text is a sentence for the META line (user input in it is clipped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// More than [`MAX_URL_LEN`] bytes.
    #[error("the request URL is {0} bytes long; the limit is 1024 bytes: shorten it")]
    TooLong(usize),
    /// Nothing before the CRLF.
    #[error("the request is empty: send an absolute URL such as gemini://host/")]
    Empty,
    /// Starts with a UTF-8 byte order mark.
    #[error("the request starts with a byte order mark: send the URL without one")]
    Bom,
    /// Not valid UTF-8.
    #[error("the request is not valid UTF-8: send the URL as UTF-8 text")]
    NotUtf8,
    /// A raw space or control character.
    #[error("the URL contains a raw {0:?} (U+{code:04X}): percent-encode spaces and control characters", code = u32::from(*.0))]
    ForbiddenChar(char),
    /// No scheme: a relative reference.
    #[error("the request is not an absolute URL: send the full URL, such as gemini://host/path")]
    NotAbsolute,
    /// A `#` fragment.
    #[error("the URL has a fragment (#…): clients must not send it; remove it")]
    Fragment,
    /// A scheme other than `gemini` or `titan`.
    #[error("this server does not proxy {0}: requests; it serves only gemini:// and titan:// for its own host")]
    UnsupportedScheme(String),
    /// No `//` authority, or an empty host.
    #[error("the URL has no host: send the full URL, such as gemini://host/path")]
    NoHost,
    /// `user@host`.
    #[error("the URL contains user information (user@host): remove it; Gemini identifies users by client certificate")]
    UserInfo,
    /// A host that is neither a domain name nor an IP literal.
    #[error("the host {0:?} is not a valid domain name or IP address: check the URL")]
    BadHost(String),
    /// A port that is not a number from 0 to 65535.
    #[error("the port {0:?} is not a valid port number: check the URL")]
    BadPort(String),
    /// A host this listener does not serve.
    #[error("this server does not proxy requests for {0}: send them to that host directly")]
    ForeignHost(String),
    /// An explicit port other than the listener's.
    #[error("this server does not proxy requests for port {0}: it serves port {1}")]
    WrongPort(u16, u16),
    /// A `..` that would climb above `/`.
    #[error("the path climbs above / with '..': remove the extra '..' segments")]
    AboveRoot,
    /// Broken percent-encoding in the path.
    #[error("the path has {0}")]
    BadPath(DecodeError),
    /// Broken percent-encoding in the query.
    #[error("the query has {0}")]
    BadQuery(DecodeError),
    /// Malformed Titan parameters.
    #[error(transparent)]
    Titan(#[from] TitanError),
}

impl RequestError {
    /// The Gemini status: `53` (proxy request refused) for other schemes, hosts and ports,
    /// `59` (bad request) for everything else.
    pub fn status(&self) -> Status {
        match self {
            RequestError::UnsupportedScheme(_)
            | RequestError::ForeignHost(_)
            | RequestError::WrongPort(..) => Status::ProxyRequestRefused,
            _ => Status::BadRequest,
        }
    }
}

impl Request {
    /// Parses and checks one request line. `line` is the request line WITHOUT its CRLF.
    ///
    /// Checks run in this order, so the first problem found is the one reported: the line
    /// itself, the URL's shape and scheme, host and port (`53` before any path check, as
    /// Titan's order requires), Titan parameters, path, query.
    ///
    /// # Errors
    /// A [`RequestError`] naming the first problem; see [`RequestError::status`].
    pub fn parse(line: &[u8], ours: &Authority) -> Result<Request, RequestError> {
        let url = check_line(line)?;
        let (scheme, rest) = split_scheme(url)?;
        // A fragment is never part of a request, whatever the scheme.
        if url.contains('#') {
            return Err(RequestError::Fragment);
        }
        let scheme = if scheme.eq_ignore_ascii_case("gemini") {
            Scheme::Gemini
        } else if scheme.eq_ignore_ascii_case("titan") {
            Scheme::Titan
        } else {
            return Err(RequestError::UnsupportedScheme(clip(scheme)));
        };
        let rest = rest.strip_prefix("//").ok_or(RequestError::NoHost)?;
        let (authority, path_and_query) =
            rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let (host, port) = parse_authority(authority, ours)?;
        let (raw_path, raw_query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        // Titan parameters go first: a `mime` value contains a `/`, so it must not be split
        // into segments.
        let (raw_path, titan) = match scheme {
            Scheme::Titan => {
                let (path, params) = titan::split_params(raw_path)?;
                (path, Some(params))
            }
            Scheme::Gemini => (raw_path, None),
        };
        Ok(Request {
            scheme,
            host,
            port,
            segments: parse_path(raw_path)?,
            query: raw_query.map(decode_query).transpose()?,
            titan,
            url: url.to_owned(),
            client_cert: None,
            network: None,
            body: None,
        })
    }

    /// The path: `/` and the segments joined by `/`, each re-encoded minimally so that it
    /// parses back to the same segments and never carries raw control characters (for logs).
    pub fn path(&self) -> String {
        let mut path = String::from("/");
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.extend(utf8_percent_encode(segment, SEGMENT_ESCAPES));
        }
        path
    }
}

/// Checks that apply to the whole line, before it is read as a URL.
fn check_line(line: &[u8]) -> Result<&str, RequestError> {
    if line.len() > MAX_URL_LEN {
        return Err(RequestError::TooLong(line.len()));
    }
    if line.is_empty() {
        return Err(RequestError::Empty);
    }
    if line.starts_with(BOM) {
        return Err(RequestError::Bom);
    }
    let url = std::str::from_utf8(line).map_err(|_| RequestError::NotUtf8)?;
    // Raw non-ASCII is accepted (clients send IRIs); raw spaces and controls never are.
    match url.chars().find(|&c| c == ' ' || c.is_control()) {
        Some(c) => Err(RequestError::ForbiddenChar(c)),
        None => Ok(url),
    }
}

/// Splits `scheme:rest`, where the scheme is `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`
/// (RFC 3986 §3.1). Anything else is a relative reference.
fn split_scheme(url: &str) -> Result<(&str, &str), RequestError> {
    let (scheme, rest) = url.split_once(':').ok_or(RequestError::NotAbsolute)?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if valid {
        Ok((scheme, rest))
    } else {
        Err(RequestError::NotAbsolute)
    }
}

/// Splits the raw path into decoded segments and resolves `.` and `..` (RFC 3986 §5.2.4),
/// after decoding so that `%2E%2E` counts too. Climbing above `/` is an error, not clamped,
/// because such a URL was built wrongly or is probing.
fn parse_path(raw: &str) -> Result<Vec<String>, RequestError> {
    // After the authority the path is empty or starts with `/`; empty means `/`.
    let Some(rest) = raw.strip_prefix('/') else {
        return Ok(Vec::new());
    };
    let mut segments: Vec<String> = Vec::new();
    let mut pieces = rest.split('/').peekable();
    while let Some(piece) = pieces.next() {
        let segment = decode_percent(piece).map_err(RequestError::BadPath)?;
        match segment.as_str() {
            "." => {}
            ".." => {
                segments.pop().ok_or(RequestError::AboveRoot)?;
            }
            _ => {
                segments.push(segment);
                continue;
            }
        }
        // A final dot-segment leaves a directory behind it: `/a/b/..` is `/a/`.
        if pieces.peek().is_none() {
            segments.push(String::new());
        }
    }
    if segments == [""] {
        segments.clear();
    }
    Ok(segments)
}

/// Decodes user input: `+` is a space (first, so `%2B` stays `+`), then percent-escapes,
/// then CRLF becomes LF.
fn decode_query(raw: &str) -> Result<String, RequestError> {
    let decoded = decode_percent(&raw.replace('+', " ")).map_err(RequestError::BadQuery)?;
    Ok(decoded.replace("\r\n", "\n"))
}

/// Decodes percent-escapes once, strictly: every `%` must start `%XX` with two hex digits,
/// and the result must be UTF-8. (`percent_encoding::percent_decode` would pass bad escapes
/// through unchanged.)
///
/// # Errors
/// [`DecodeError::BadEscape`] for a malformed escape, [`DecodeError::NotUtf8`] otherwise.
pub fn decode_percent(raw: &str) -> Result<String, DecodeError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let hex = |j: usize| bytes.get(j).and_then(|&b| char::from(b).to_digit(16));
        match (hex(i + 1), hex(i + 2)) {
            (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
            _ => {
                let shown: String = raw[i..].chars().take(3).collect();
                return Err(DecodeError::BadEscape(shown));
            }
        }
        i += 3;
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

/// Shortens user input echoed in an error message so the META line stays well under its
/// 1024-byte limit.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Authority {
        Authority {
            hosts: [
                "localhost",
                "example.org",
                "xn--bcher-kva.de",
                "127.0.0.1",
                "[::1]",
            ]
            .map(String::from)
            .to_vec(),
            port: DEFAULT_PORT,
        }
    }

    fn ok(line: &[u8]) -> Request {
        Request::parse(line, &ours())
            .unwrap_or_else(|e| panic!("{:?} refused: {e}", String::from_utf8_lossy(line)))
    }

    /// A deterministic xorshift stream, so a failure names a reproducible seed.
    fn noise(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed.max(1);
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn random_and_mutated_lines_never_panic_and_accepted_ones_are_sane() {
        const ALPHABET: &[u8] =
            b"gemini:titan//localhost:1965/%2E.;=?#@[]:+ \x00\xff\xc3\xa9aZ09%%";
        let seeds = [
            b"gemini://localhost/page/A%20B?x+y".as_slice(),
            b"titan://localhost/raw/P;size=3;mime=text/plain",
        ];
        let mut next = noise(0x5eed);
        for round in 0..20_000u32 {
            let base = seeds[round as usize % seeds.len()];
            let mut line = base.to_vec();
            for _ in 0..(next() % 6) {
                let pos = (next() as usize) % (line.len() + 1);
                let byte = ALPHABET[(next() as usize) % ALPHABET.len()];
                match next() % 3 {
                    0 => line.insert(pos, byte),
                    1 if pos < line.len() => line[pos] = byte,
                    _ if pos < line.len() => {
                        line.remove(pos);
                    }
                    _ => {}
                }
            }
            if let Ok(request) = Request::parse(&line, &ours()) {
                assert!(
                    request.segments.iter().all(|s| s != "." && s != ".."),
                    "{line:?}"
                );
                assert!(!request.host.is_empty(), "{line:?}");
                assert_eq!(request.port, 1965, "{line:?}");
            }
        }
    }

    fn err(line: &[u8]) -> RequestError {
        match Request::parse(line, &ours()) {
            Ok(r) => panic!("{:?} accepted as {r:?}", String::from_utf8_lossy(line)),
            Err(e) => e,
        }
    }

    fn status(line: &[u8]) -> u8 {
        err(line).status().code()
    }

    fn segments(line: &[u8]) -> Vec<String> {
        ok(line).segments
    }

    // --- the line itself ---

    #[test]
    fn simple_request_is_parsed() {
        let r = ok(b"gemini://localhost/page/Welcome");
        assert_eq!(r.scheme, Scheme::Gemini);
        assert_eq!(r.host, "localhost");
        assert_eq!(r.port, 1965);
        assert_eq!(r.segments, ["page", "Welcome"]);
        assert_eq!(r.query, None);
        assert_eq!(r.titan, None);
        assert_eq!(r.url, "gemini://localhost/page/Welcome");
        assert_eq!(r.path(), "/page/Welcome");
    }

    #[test]
    fn url_is_kept_as_received() {
        let line = b"GEMINI://LocalHost:1965/a/./b%20c?x+y";
        assert_eq!(ok(line).url, "GEMINI://LocalHost:1965/a/./b%20c?x+y");
    }

    #[test]
    fn exactly_1024_bytes_is_served() {
        let mut line = b"gemini://localhost/".to_vec();
        line.resize(MAX_URL_LEN, b'a');
        assert_eq!(ok(&line).segments[0].len(), MAX_URL_LEN - 19);
    }

    #[test]
    fn over_1024_bytes_is_59() {
        let mut line = b"gemini://localhost/".to_vec();
        line.resize(MAX_URL_LEN + 1, b'a');
        assert_eq!(err(&line), RequestError::TooLong(1025));
        assert_eq!(status(&line), 59);
    }

    #[test]
    fn empty_line_is_59() {
        assert_eq!(err(b""), RequestError::Empty);
        assert_eq!(status(b""), 59);
    }

    #[test]
    fn bom_is_59() {
        assert_eq!(err(b"\xEF\xBB\xBFgemini://localhost/"), RequestError::Bom);
    }

    #[test]
    fn invalid_utf8_is_59() {
        for line in [
            &b"gemini://localhost/\xFF"[..],
            b"gemini://localhost/\xC3",
            b"gemini://localhost/\xC0\xAF",
            b"\xFEgemini://localhost/",
        ] {
            assert_eq!(err(line), RequestError::NotUtf8);
        }
    }

    #[test]
    fn raw_nul_controls_and_spaces_are_59() {
        for (line, c) in [
            (&b"gemini://localhost/\0"[..], '\0'),
            (b"gemini://localhost/a\tb", '\t'),
            (b"gemini://localhost/a\nb", '\n'),
            (b"gemini://localhost/a\rb", '\r'),
            (b"gemini://localhost/a\x7Fb", '\x7F'),
            (b"gemini://localhost/a\xC2\x85b", '\u{85}'),
            (b"gemini://localhost/a b", ' '),
            (b"gemini://localhost/?a b", ' '),
            (b" gemini://localhost/", ' '),
            (b"gemini://localhost/ ", ' '),
        ] {
            assert_eq!(err(line), RequestError::ForbiddenChar(c));
            assert_eq!(status(line), 59);
        }
    }

    // --- URL shape and scheme ---

    #[test]
    fn relative_urls_are_59() {
        for line in [
            &b"/foo"[..],
            b"foo",
            b"//localhost/",
            b"//localhost:1965/",
            b"localhost",
            b"1gemini://localhost/",
            b":gemini",
        ] {
            assert_eq!(err(line), RequestError::NotAbsolute, "{line:?}");
        }
    }

    #[test]
    fn missing_host_is_59() {
        for line in [
            &b"gemini:"[..],
            b"gemini:/foo",
            b"gemini:localhost/",
            b"gemini://",
            b"gemini:///foo",
            b"gemini://:1965/",
            b"gemini://?q",
        ] {
            assert_eq!(err(line), RequestError::NoHost, "{line:?}");
        }
    }

    #[test]
    fn fragment_is_59() {
        for line in [
            &b"gemini://localhost/#top"[..],
            b"gemini://localhost/a?q#x",
            b"gemini://localhost#",
            b"titan://localhost/raw/P;size=1#x",
        ] {
            assert_eq!(err(line), RequestError::Fragment);
        }
    }

    #[test]
    fn userinfo_is_59() {
        for line in [
            &b"gemini://user@localhost/"[..],
            b"gemini://user:pw@localhost/",
            b"gemini://@localhost/",
        ] {
            assert_eq!(err(line), RequestError::UserInfo);
        }
    }

    #[test]
    fn at_sign_in_path_is_not_userinfo() {
        assert_eq!(segments(b"gemini://localhost/a@b"), ["a@b"]);
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert_eq!(ok(b"GEMINI://localhost/").scheme, Scheme::Gemini);
        assert_eq!(ok(b"Gemini://localhost/").scheme, Scheme::Gemini);
        assert_eq!(ok(b"TiTaN://localhost/raw/P;size=1").scheme, Scheme::Titan);
    }

    #[test]
    fn other_schemes_are_53() {
        for (line, scheme) in [
            (&b"https://example.org/"[..], "https"),
            (b"http://localhost/", "http"),
            (b"gopher://localhost:70/1/", "gopher"),
            (b"file:///etc/passwd", "file"),
            (b"mailto:someone@example.org", "mailto"),
            (b"spartan://localhost/", "spartan"),
        ] {
            assert_eq!(
                err(line),
                RequestError::UnsupportedScheme(scheme.to_owned())
            );
            assert_eq!(status(line), 53);
            assert!(err(line).to_string().contains("does not proxy"));
        }
    }

    // --- host ---

    #[test]
    fn host_is_case_insensitive() {
        assert_eq!(ok(b"gemini://LocalHost/").host, "localhost");
        assert_eq!(ok(b"gemini://EXAMPLE.ORG/").host, "example.org");
    }

    #[test]
    fn idn_hosts_compare_in_punycode() {
        for line in [
            "gemini://bücher.de/".as_bytes(),
            "gemini://BÜCHER.DE/".as_bytes(),
            b"gemini://xn--bcher-kva.de/",
            b"gemini://XN--BCHER-KVA.DE/",
            b"gemini://b%C3%BCcher.de/",
        ] {
            assert_eq!(ok(line).host, "xn--bcher-kva.de");
        }
    }

    #[test]
    fn trailing_dot_on_host_is_removed() {
        assert_eq!(ok(b"gemini://localhost./").host, "localhost");
        assert_eq!(ok(b"gemini://localhost.:1965/").host, "localhost");
    }

    #[test]
    fn ip_literals_are_served_as_written() {
        assert_eq!(ok(b"gemini://127.0.0.1/").host, "127.0.0.1");
        assert_eq!(ok(b"gemini://[::1]/").host, "[::1]");
        assert_eq!(ok(b"gemini://[::1]:1965/").host, "[::1]");
        assert_eq!(ok(b"gemini://[::1]:/").port, 1965);
        assert_eq!(status(b"gemini://[::2]/"), 53);
        // Compared as written: another spelling of ::1 is not ours.
        assert_eq!(status(b"gemini://[0:0:0:0:0:0:0:1]/"), 53);
    }

    #[test]
    fn ipv6_literal_is_lowercased() {
        let ours = Authority {
            hosts: vec!["[fe80::abcd]".to_owned()],
            port: 1965,
        };
        let r = Request::parse(b"gemini://[FE80::ABCD]/", &ours).unwrap();
        assert_eq!(r.host, "[fe80::abcd]");
    }

    #[test]
    fn malformed_hosts_are_59() {
        for line in [
            &b"gemini://[::1/"[..],
            b"gemini://[zz]/",
            b"gemini://[::1]x/",
            b"gemini://[::1]x:1965/",
            b"gemini://[v1.x]/",
            b"gemini://[fe80::1%25eth0]/",
            b"gemini://exa$mple.org/",
            b"gemini://local\\host/",
            b"gemini://local%host/",
            b"gemini://a..b/",
            b"gemini://./",
            b"gemini://localhost;size=1/",
            b"gemini://xn--zz/",
        ] {
            assert!(
                matches!(err(line), RequestError::BadHost(_)),
                "{:?} gave {:?}",
                String::from_utf8_lossy(line),
                err(line)
            );
            assert_eq!(status(line), 59);
        }
    }

    #[test]
    fn foreign_host_is_53() {
        assert_eq!(
            err(b"gemini://example.com/"),
            RequestError::ForeignHost("example.com".to_owned())
        );
        assert_eq!(status(b"gemini://example.com/"), 53);
        assert_eq!(status(b"gemini://localhost.example.org/"), 53);
        assert_eq!(status(b"gemini://127.0.0.2/"), 53);
    }

    #[test]
    fn host_is_checked_before_the_path() {
        assert_eq!(status(b"gemini://example.com/%G1"), 53);
        assert_eq!(status(b"titan://example.com/raw/P;size=x"), 53);
    }

    // --- port ---

    #[test]
    fn ports() {
        assert_eq!(ok(b"gemini://localhost:1965/").port, 1965);
        assert_eq!(ok(b"gemini://localhost:01965/").port, 1965);
        assert_eq!(ok(b"gemini://localhost:/").port, 1965);
        assert_eq!(ok(b"gemini://localhost:").port, 1965);
        assert_eq!(
            err(b"gemini://localhost:1966/"),
            RequestError::WrongPort(1966, 1965)
        );
        assert_eq!(status(b"gemini://localhost:1966/"), 53);
        assert_eq!(status(b"gemini://localhost:0/"), 53);
        for line in [
            &b"gemini://localhost:abc/"[..],
            b"gemini://localhost:-1/",
            b"gemini://localhost:+1965/",
            b"gemini://localhost:65536/",
            b"gemini://localhost:99999999999999999999/",
            b"gemini://localhost:1965:1965/",
            b"gemini://[::1]:x/",
        ] {
            assert!(matches!(err(line), RequestError::BadPort(_)), "{line:?}");
            assert_eq!(status(line), 59);
        }
    }

    #[test]
    fn listener_on_another_port() {
        let ours = Authority {
            hosts: vec!["localhost".to_owned()],
            port: 41965,
        };
        let r = Request::parse(b"gemini://localhost:41965/", &ours).unwrap();
        assert_eq!(r.port, 41965);
        // Only an explicit port is compared; no port means the default, and is served.
        assert_eq!(
            Request::parse(b"gemini://localhost/", &ours).unwrap().port,
            1965
        );
        assert_eq!(
            Request::parse(b"gemini://localhost:1965/", &ours).unwrap_err(),
            RequestError::WrongPort(1965, 41965)
        );
    }

    // --- path ---

    #[test]
    fn empty_path_is_root() {
        let r = ok(b"gemini://localhost");
        assert!(r.segments.is_empty());
        assert_eq!(r.path(), "/");
        let slash = ok(b"gemini://localhost/");
        assert_eq!((r.segments, r.query), (slash.segments, slash.query));
    }

    #[test]
    fn trailing_slash_keeps_an_empty_segment() {
        assert_eq!(segments(b"gemini://localhost/a/b/"), ["a", "b", ""]);
        assert_eq!(segments(b"gemini://localhost/a/b"), ["a", "b"]);
        assert_eq!(segments(b"gemini://localhost/a//b"), ["a", "", "b"]);
        assert_eq!(segments(b"gemini://localhost//"), ["", ""]);
    }

    #[test]
    fn dot_segments_are_resolved() {
        let none: [&str; 0] = [];
        for (line, want) in [
            (&b"gemini://localhost/a/./b/../../"[..], &none[..]),
            (b"gemini://localhost/a/./b/../..", &none),
            (b"gemini://localhost/.", &none),
            (b"gemini://localhost/./", &none),
            (b"gemini://localhost/a/..", &none),
            (b"gemini://localhost/a/b/..", &["a", ""]),
            (b"gemini://localhost/a/.", &["a", ""]),
            (b"gemini://localhost/a/./b", &["a", "b"]),
            (b"gemini://localhost/a/b/../c", &["a", "c"]),
            (b"gemini://localhost/a/%2E/b", &["a", "b"]),
            (b"gemini://localhost/a/b/%2e%2E/c", &["a", "c"]),
            (b"gemini://localhost/a/b/.%2e", &["a", ""]),
            (b"gemini://localhost/a/.../b", &["a", "...", "b"]),
            (b"gemini://localhost/a/..b/.c", &["a", "..b", ".c"]),
        ] {
            assert_eq!(segments(line), want, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn climbing_above_root_is_59() {
        for line in [
            &b"gemini://localhost/.."[..],
            b"gemini://localhost/../",
            b"gemini://localhost/../a",
            b"gemini://localhost/a/../..",
            b"gemini://localhost/a/b/../../../c",
            b"gemini://localhost/./..",
            b"gemini://localhost/%2E%2E",
            b"gemini://localhost/%2e.",
            b"gemini://localhost/..?q",
        ] {
            assert_eq!(err(line), RequestError::AboveRoot, "{line:?}");
            assert_eq!(status(line), 59);
        }
    }

    #[test]
    fn segments_are_percent_decoded_once() {
        assert_eq!(
            segments(b"gemini://localhost/page/Page%20Name"),
            ["page", "Page Name"]
        );
        assert_eq!(segments(b"gemini://localhost/caf%C3%A9"), ["café"]);
        assert_eq!(segments(b"gemini://localhost/caf%c3%a9"), ["café"]);
        assert_eq!(segments("gemini://localhost/café".as_bytes()), ["café"]);
        assert_eq!(segments(b"gemini://localhost/%2541"), ["%41"]);
        assert_eq!(segments(b"gemini://localhost/a+b"), ["a+b"]);
    }

    #[test]
    fn decoded_slash_and_controls_stay_in_their_segment() {
        assert_eq!(segments(b"gemini://localhost/page/a%2Fb"), ["page", "a/b"]);
        assert_eq!(
            segments(b"gemini://localhost/page/..%2F..%2Fx"),
            ["page", "../../x"]
        );
        assert_eq!(segments(b"gemini://localhost/a%00b"), ["a\0b"]);
        assert_eq!(segments(b"gemini://localhost/a%0Ab"), ["a\nb"]);
        assert_eq!(segments(b"gemini://localhost/a%20"), ["a "]);
    }

    #[test]
    fn semicolon_is_part_of_a_gemini_segment() {
        let r = ok(b"gemini://localhost/raw/a;size=1;mime=text/plain");
        assert_eq!(r.segments, ["raw", "a;size=1;mime=text", "plain"]);
        assert_eq!(r.titan, None);
    }

    #[test]
    fn invalid_escapes_in_path_are_59() {
        for (line, shown) in [
            (&b"gemini://localhost/%G1"[..], "%G1"),
            (b"gemini://localhost/%4", "%4"),
            (b"gemini://localhost/a%", "%"),
            (b"gemini://localhost/%4g/x", "%4g"),
            (b"gemini://localhost/%%41", "%%4"),
        ] {
            assert_eq!(
                err(line),
                RequestError::BadPath(DecodeError::BadEscape(shown.to_owned()))
            );
            assert_eq!(status(line), 59);
        }
        // An escape cut off before a multi-byte character does not split it.
        assert_eq!(
            err("gemini://localhost/%é".as_bytes()),
            RequestError::BadPath(DecodeError::BadEscape("%é".to_owned()))
        );
    }

    #[test]
    fn invalid_utf8_after_decoding_is_59() {
        for line in [
            &b"gemini://localhost/%FF"[..],
            b"gemini://localhost/%C3",
            b"gemini://localhost/%C3%28",
            b"gemini://localhost/%ED%A0%80",
        ] {
            assert_eq!(err(line), RequestError::BadPath(DecodeError::NotUtf8));
        }
    }

    // --- query ---

    #[test]
    fn no_question_mark_means_no_query() {
        assert_eq!(ok(b"gemini://localhost/do/search").query, None);
    }

    #[test]
    fn bare_question_mark_is_empty_query() {
        let r = ok(b"gemini://localhost/do/search?");
        assert_eq!(r.query.as_deref(), Some(""));
        assert_eq!(r.segments, ["do", "search"]);
    }

    #[test]
    fn query_plus_is_space_and_escapes_are_decoded() {
        assert_eq!(
            ok(b"gemini://localhost/s?a+b%20c").query.as_deref(),
            Some("a b c")
        );
        assert_eq!(
            ok(b"gemini://localhost/s?1%2B1").query.as_deref(),
            Some("1+1")
        );
        assert_eq!(
            ok(b"gemini://localhost/s?caf%C3%A9").query.as_deref(),
            Some("café")
        );
        assert_eq!(
            ok("gemini://localhost/s?café".as_bytes()).query.as_deref(),
            Some("café")
        );
        assert_eq!(
            ok(b"gemini://localhost/s?%2541").query.as_deref(),
            Some("%41")
        );
    }

    #[test]
    fn query_starts_at_the_first_question_mark() {
        let r = ok(b"gemini://localhost/a/b?x?y/z=1&w");
        assert_eq!(r.segments, ["a", "b"]);
        assert_eq!(r.query.as_deref(), Some("x?y/z=1&w"));
    }

    #[test]
    fn query_without_path() {
        let r = ok(b"gemini://localhost?q");
        assert!(r.segments.is_empty());
        assert_eq!(r.query.as_deref(), Some("q"));
        assert_eq!(ok(b"gemini://localhost:1965?q").query.as_deref(), Some("q"));
    }

    #[test]
    fn query_newlines_are_lf() {
        let q = |line: &[u8]| ok(line).query.unwrap();
        assert_eq!(q(b"gemini://localhost/s?a%0Ab"), "a\nb");
        assert_eq!(q(b"gemini://localhost/s?a%0D%0Ab%0d%0a"), "a\nb\n");
        assert_eq!(q(b"gemini://localhost/s?a%0Db"), "a\rb");
        assert_eq!(q(b"gemini://localhost/s?%00"), "\0");
    }

    #[test]
    fn bad_query_encoding_is_59() {
        assert_eq!(
            err(b"gemini://localhost/s?100%"),
            RequestError::BadQuery(DecodeError::BadEscape("%".to_owned()))
        );
        assert_eq!(
            err(b"gemini://localhost/s?%ZZ"),
            RequestError::BadQuery(DecodeError::BadEscape("%ZZ".to_owned()))
        );
        assert_eq!(
            err(b"gemini://localhost/s?%FF"),
            RequestError::BadQuery(DecodeError::NotUtf8)
        );
        assert_eq!(status(b"gemini://localhost/s?%FF"), 59);
    }

    #[test]
    fn dots_in_query_are_not_resolved() {
        assert_eq!(
            ok(b"gemini://localhost/?../..").query.as_deref(),
            Some("../..")
        );
    }

    // --- titan ---

    #[test]
    fn titan_parameters_are_split_off_the_last_segment() {
        let r = ok(b"titan://localhost/raw/Page%20Name;size=12;mime=text/plain;token=abc");
        assert_eq!(r.scheme, Scheme::Titan);
        assert_eq!(r.segments, ["raw", "Page Name"]);
        assert_eq!(
            r.titan,
            Some(TitanParams {
                size: Some(12),
                mime: Some("text/plain".to_owned()),
                token: Some("abc".to_owned()),
                edit: false,
            })
        );
        assert_eq!(r.query, None);
    }

    #[test]
    fn titan_parameters_stop_at_the_query() {
        let r = ok(b"titan://localhost/raw/P;size=1;mime=text/gemini?a;b");
        assert_eq!(r.segments, ["raw", "P"]);
        assert_eq!(r.titan.unwrap().mime.as_deref(), Some("text/gemini"));
        assert_eq!(r.query.as_deref(), Some("a;b"));
    }

    #[test]
    fn titan_without_parameters_has_empty_params() {
        let r = ok(b"titan://localhost/raw/P");
        assert_eq!(r.titan, Some(TitanParams::default()));
        assert_eq!(r.segments, ["raw", "P"]);
    }

    #[test]
    fn titan_edit_flag_and_port() {
        let r = ok(b"titan://localhost:1965/raw/P;edit");
        assert!(r.titan.unwrap().edit);
        assert_eq!(r.port, 1965);
    }

    #[test]
    fn titan_encoded_semicolon_stays_in_the_name() {
        let r = ok(b"titan://localhost/raw/a%3Bb;size=1");
        assert_eq!(r.segments, ["raw", "a;b"]);
        assert_eq!(r.titan.unwrap().size, Some(1));
    }

    #[test]
    fn titan_path_dots_are_resolved_after_the_split() {
        let r = ok(b"titan://localhost/x/../raw/P;size=1;mime=text/../plain");
        assert_eq!(r.segments, ["raw", "P"]);
        assert_eq!(r.titan.unwrap().mime.as_deref(), Some("text/../plain"));
    }

    #[test]
    fn titan_bad_parameters_are_59() {
        for line in [
            &b"titan://localhost/raw/P;size=-1"[..],
            b"titan://localhost/raw/P;size=1;size=2",
            b"titan://localhost/raw/P;token=%G1",
            b"titan://localhost/raw/P;edit=yes",
        ] {
            assert!(matches!(err(line), RequestError::Titan(_)), "{line:?}");
            assert_eq!(status(line), 59);
        }
    }

    #[test]
    fn titan_unknown_parameters_are_ignored() {
        let r = ok(b"titan://localhost/raw/P;size=3;charset=utf-8;foo");
        assert_eq!(r.titan.unwrap().size, Some(3));
    }

    // --- path() and messages ---

    #[test]
    fn path_reencodes_minimally_and_round_trips() {
        let r = Request {
            segments: ["a/b", "c d", "x?y#z%", "é", "a;b+c", "\n", ""]
                .map(String::from)
                .to_vec(),
            ..ok(b"gemini://localhost/")
        };
        let path = r.path();
        assert_eq!(path, "/a%2Fb/c%20d/x%3Fy%23z%25/%C3%A9/a;b+c/%0A/");
        let again = ok(format!("gemini://localhost{path}").as_bytes());
        assert_eq!(again.segments, r.segments);
    }

    #[test]
    fn path_of_a_parsed_request() {
        assert_eq!(ok(b"gemini://localhost/a/./b/").path(), "/a/b/");
        assert_eq!(
            ok(b"gemini://localhost/page/Page%20Name?x").path(),
            "/page/Page%20Name"
        );
    }

    #[test]
    fn statuses_are_53_for_proxying_and_59_otherwise() {
        assert_eq!(
            RequestError::UnsupportedScheme("https".into())
                .status()
                .code(),
            53
        );
        assert_eq!(RequestError::ForeignHost("x".into()).status().code(), 53);
        assert_eq!(RequestError::WrongPort(1, 2).status().code(), 53);
        for e in [
            RequestError::TooLong(2000),
            RequestError::Empty,
            RequestError::Bom,
            RequestError::NotUtf8,
            RequestError::ForbiddenChar('\0'),
            RequestError::NotAbsolute,
            RequestError::Fragment,
            RequestError::NoHost,
            RequestError::UserInfo,
            RequestError::BadHost("x".into()),
            RequestError::BadPort("x".into()),
            RequestError::AboveRoot,
            RequestError::BadPath(DecodeError::NotUtf8),
            RequestError::BadQuery(DecodeError::NotUtf8),
            RequestError::Titan(TitanError::EditValue),
        ] {
            assert_eq!(e.status().code(), 59, "{e:?}");
        }
    }

    #[test]
    fn messages_say_what_to_do_and_stay_short() {
        let labels: Vec<String> = (0..15).map(|_| "a".repeat(60)).collect();
        let long_host = format!("gemini://{}/", labels.join("."));
        let e = err(long_host.as_bytes());
        assert_eq!(e.status().code(), 53);
        assert!(e.to_string().len() < 200, "{e}");
        assert_eq!(
            err(b"gemini://localhost/\0").to_string(),
            "the URL contains a raw '\\0' (U+0000): percent-encode spaces and control characters"
        );
        assert_eq!(
            err(b"gemini://localhost/%G1").to_string(),
            "the path has an invalid percent-escape \"%G1\": write '%' and two hex digits, or %25 for a literal '%'"
        );
        assert_eq!(
            err(b"titan://localhost/raw/P;size=x").to_string(),
            "the Titan size \"x\" is not a byte count: send size= and a decimal number of bytes, such as size=120"
        );
    }
}
