//! The answer to one web request as a value ([`Reply`]), and the one place it becomes an
//! HTTP response: `Content-Type`, caching headers, the `ETag` (a hash of the body) and
//! `Last-Modified`, `304` for a matching `If-None-Match` / `If-Modified-Since`, and the
//! security headers every response carries.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};
use sha2::{Digest, Sha256};

/// Content types, with their charset.
pub const HTML: &str = "text/html; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Cache lifetimes.
pub const CACHE_PAGE: &str = "public, max-age=60";
pub const CACHE_OLD: &str = "public, max-age=86400";
pub const CACHE_FEED: &str = "public, max-age=300";
pub const CACHE_NONE: &str = "no-cache";

/// Defends against script injection should any text ever escape unescaped: no script, no
/// plugin, no frame, no form to another site may run or load on a page of the web view.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Defends against stored XSS through uploads: a file (say `text/html`) runs in a sandbox
/// with nothing allowed, so it can never act as the wiki's origin.
const CSP_FILE: &str = "sandbox; default-src 'none'; img-src 'self'; style-src 'self'";

/// What a handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Bytes,
    pub cache: &'static str,
    /// Unix seconds of the content's last change, for `Last-Modified`.
    pub modified: Option<i64>,
    /// `X-Robots-Tag: noindex` (history, diffs).
    pub noindex: bool,
    /// `Retry-After` seconds (429, 503).
    pub retry_after: Option<u64>,
    /// An uploaded file: sandboxed.
    pub untrusted: bool,
}

impl Reply {
    /// A `200` with `body` of `content_type`.
    pub fn ok(content_type: &str, body: impl Into<Bytes>, cache: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: content_type.to_string(),
            body: body.into(),
            cache,
            modified: None,
            noindex: false,
            retry_after: None,
            untrusted: false,
        }
    }

    #[must_use]
    pub fn modified(mut self, unix: i64) -> Self {
        self.modified = Some(unix);
        self
    }

    #[must_use]
    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }

    #[must_use]
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The HTTP response for a request with `request` headers (for the conditional ones).
    pub fn into_response(self, request: &HeaderMap) -> Response<Full<Bytes>> {
        let etag = (self.status == StatusCode::OK).then(|| etag_of(&self.body));
        let modified = self.modified.map(http_date);
        let fresh = etag
            .as_deref()
            .is_some_and(|tag| not_modified(request, tag, self.modified));
        let (status, body) = if fresh {
            (StatusCode::NOT_MODIFIED, Bytes::new())
        } else {
            (self.status, self.body)
        };
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        let mut set = |name, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        };
        if !fresh {
            set(header::CONTENT_TYPE, &self.content_type);
        }
        set(header::CACHE_CONTROL, self.cache);
        if let Some(tag) = &etag {
            set(header::ETAG, tag);
        }
        if let Some(date) = &modified {
            set(header::LAST_MODIFIED, date);
        }
        if let Some(seconds) = self.retry_after {
            set(header::RETRY_AFTER, &seconds.to_string());
        }
        if self.noindex {
            set(header::HeaderName::from_static("x-robots-tag"), "noindex");
        }
        set(
            header::CONTENT_SECURITY_POLICY,
            if self.untrusted { CSP_FILE } else { CSP },
        );
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(header::REFERRER_POLICY, "same-origin");
        response
    }
}

/// A strong validator: the first 128 bits of the body's SHA-256, quoted. One per revision
/// (and per template version), with no state to keep.
fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// RFC 9110 §13.2.2: `If-None-Match` when present, else `If-Modified-Since`.
fn not_modified(request: &HeaderMap, etag: &str, modified: Option<i64>) -> bool {
    if let Some(value) = request.get(header::IF_NONE_MATCH) {
        let value = value.to_str().unwrap_or("");
        return value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => {
            let since = since.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            u64::try_from(modified).is_ok_and(|m| m <= since)
        }
        _ => false,
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(unix: i64) -> String {
    let secs = u64::try_from(unix).unwrap_or(0);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn page() -> Reply {
        Reply::ok(HTML, "<p>x</p>", CACHE_PAGE).modified(1_700_000_000)
    }

    #[test]
    fn a_page_carries_its_validators_and_security_headers() {
        let response = page().into_response(&HeaderMap::new());
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], HTML);
        assert_eq!(h[header::CACHE_CONTROL], CACHE_PAGE);
        assert_eq!(h[header::LAST_MODIFIED], "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(h[header::ETAG].to_str().unwrap(), etag_of(b"<p>x</p>"));
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], CSP);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn matching_validators_give_304_and_others_200() {
        let tag = etag_of(b"<p>x</p>");
        let status = |h: &[(header::HeaderName, &str)]| page().into_response(&headers(h)).status();
        assert_eq!(
            status(&[(header::IF_NONE_MATCH, &tag)]),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            status(&[(header::IF_NONE_MATCH, &format!("\"a\", W/{tag}"))]),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            status(&[(header::IF_NONE_MATCH, "\"other\"")]),
            StatusCode::OK
        );
        let later = "Wed, 15 Nov 2023 00:00:00 GMT";
        let earlier = "Mon, 13 Nov 2023 00:00:00 GMT";
        assert_eq!(
            status(&[(header::IF_MODIFIED_SINCE, later)]),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            status(&[(header::IF_MODIFIED_SINCE, earlier)]),
            StatusCode::OK
        );
        // If-None-Match wins over If-Modified-Since.
        let both = [
            (header::IF_NONE_MATCH, "\"other\""),
            (header::IF_MODIFIED_SINCE, later),
        ];
        assert_eq!(status(&both), StatusCode::OK);
    }

    #[test]
    fn errors_are_never_304_and_uploads_are_sandboxed() {
        let missing = page().status(StatusCode::NOT_FOUND);
        let response = missing.into_response(&headers(&[(header::IF_NONE_MATCH, "*")]));
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.headers().get(header::ETAG).is_none());
        let mut file = Reply::ok("text/html", "<script>", CACHE_PAGE);
        file.untrusted = true;
        let response = file.into_response(&HeaderMap::new());
        assert!(response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("sandbox;"));
    }
}
