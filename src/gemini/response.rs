//! Gemini responses as values: the status codes the protocol defines, named constructors for
//! each kind of answer, and the one place a response becomes header bytes. Handlers build a
//! [`Response`]; only the connection writes it.

use std::borrow::Cow;

/// The status codes gemwiki sends; every defined Gemini code has a variant, no others exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    Input = 10,
    SensitiveInput = 11,
    Success = 20,
    RedirectTemporary = 30,
    RedirectPermanent = 31,
    TemporaryFailure = 40,
    ServerUnavailable = 41,
    CgiError = 42,
    ProxyError = 43,
    SlowDown = 44,
    PermanentFailure = 50,
    NotFound = 51,
    Gone = 52,
    ProxyRequestRefused = 53,
    BadRequest = 59,
    CertificateRequired = 60,
    CertificateNotAuthorised = 61,
    CertificateNotValid = 62,
}

impl Status {
    /// The two-digit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Longest META the protocol allows, in bytes.
pub const MAX_META: usize = 1024;

/// MIME type of every gemtext body gemwiki produces.
pub const GEMTEXT: &str = "text/gemini; charset=utf-8";

/// One complete answer: status, META and (only for `20`) a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    pub meta: String,
    pub body: Vec<u8>,
}

impl Response {
    fn new(status: Status, meta: impl Into<String>) -> Self {
        Self {
            status,
            meta: clean_meta(meta.into()),
            body: Vec::new(),
        }
    }

    /// `20 text/gemini` with the given gemtext body.
    pub fn gemtext(body: impl Into<String>) -> Self {
        Self::success(GEMTEXT, body.into().into_bytes())
    }

    /// `20` with any MIME type and body bytes.
    pub fn success(mime: impl Into<String>, body: Vec<u8>) -> Self {
        let mut response = Self::new(Status::Success, mime);
        response.body = body;
        response
    }

    /// `10`: ask the person for a line of text.
    pub fn input(prompt: impl Into<String>) -> Self {
        Self::new(Status::Input, prompt)
    }

    /// `11`: ask for text the client should not echo.
    pub fn sensitive_input(prompt: impl Into<String>) -> Self {
        Self::new(Status::SensitiveInput, prompt)
    }

    /// `30` to a URL or absolute path.
    pub fn redirect(target: impl Into<String>) -> Self {
        Self::new(Status::RedirectTemporary, target)
    }

    /// `31`: the resource lives at `target` from now on.
    pub fn moved(target: impl Into<String>) -> Self {
        Self::new(Status::RedirectPermanent, target)
    }

    /// `40` with a sentence saying what went wrong.
    pub fn temporary_failure(message: impl Into<String>) -> Self {
        Self::new(Status::TemporaryFailure, message)
    }

    /// `44`: too many requests; try again after `seconds`.
    pub fn slow_down(seconds: u64) -> Self {
        Self::new(
            Status::SlowDown,
            format!("Too many requests: wait {seconds} seconds"),
        )
    }

    /// `51` with a sentence saying what to do instead.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Status::NotFound, message)
    }

    /// `53`: the URL is not for this server.
    pub fn proxy_refused(message: impl Into<String>) -> Self {
        Self::new(Status::ProxyRequestRefused, message)
    }

    /// `59`: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(Status::BadRequest, message)
    }

    /// `60`: a client certificate is needed.
    pub fn cert_required(message: impl Into<String>) -> Self {
        Self::new(Status::CertificateRequired, message)
    }

    /// `61`: the certificate is not allowed to do this.
    pub fn cert_not_authorised(message: impl Into<String>) -> Self {
        Self::new(Status::CertificateNotAuthorised, message)
    }

    /// `62`: the certificate is outside its validity dates.
    pub fn cert_not_valid(message: impl Into<String>) -> Self {
        Self::new(Status::CertificateNotValid, message)
    }

    /// Any status with a META line; bodies stay empty except for `20`.
    pub fn with_status(status: Status, meta: impl Into<String>) -> Self {
        Self::new(status, meta)
    }

    /// The header line `NN META\r\n`.
    pub fn header(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.meta.len() + 5);
        out.extend_from_slice(self.status.code().to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.meta.as_bytes());
        out.extend_from_slice(b"\r\n");
        out
    }

    /// Header and body as they go on the wire: a body only after `20`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.header();
        if self.status == Status::Success {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// Keeps META on one line and within the protocol's limit, cutting on a char boundary.
fn clean_meta(meta: String) -> String {
    let meta: Cow<'_, str> = if meta.contains(['\r', '\n']) {
        Cow::Owned(meta.replace("\r\n", " ").replace(['\r', '\n'], " "))
    } else {
        Cow::Borrowed(&meta)
    };
    let mut end = meta.len().min(MAX_META);
    while !meta.is_char_boundary(end) {
        end -= 1;
    }
    meta[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_success_with_body() {
        let response = Response::gemtext("# Hi\n");
        assert_eq!(
            response.to_bytes(),
            b"20 text/gemini; charset=utf-8\r\n# Hi\n".to_vec()
        );
    }

    #[test]
    fn non_success_never_carries_a_body() {
        let mut response = Response::not_found("No such page");
        response.body = b"oops".to_vec();
        assert_eq!(response.to_bytes(), b"51 No such page\r\n".to_vec());
    }

    #[test]
    fn meta_is_one_line_and_bounded() {
        let response = Response::input("line one\r\nline two\nthree");
        assert_eq!(response.meta, "line one line two three");
        let long = Response::bad_request("é".repeat(1000));
        assert!(long.meta.len() <= MAX_META);
        assert!(long.meta.chars().all(|c| c == 'é'));
    }

    #[test]
    fn codes_match_the_protocol() {
        assert_eq!(Response::cert_required("x").header(), b"60 x\r\n");
        assert_eq!(Response::cert_not_authorised("x").status.code(), 61);
        assert_eq!(Response::cert_not_valid("x").status.code(), 62);
        assert_eq!(
            Response::slow_down(7).header(),
            b"44 Too many requests: wait 7 seconds\r\n"
        );
        assert_eq!(Response::proxy_refused("x").status.code(), 53);
    }
}
