//! The seam between the Gemini port and the web front-end: a first line that is an HTTP
//! request line is handed, with the stream and the bytes already read, to whatever
//! [`HttpHandoff`] `main.rs` wired in. Neutral ground: neither front-end imports the other,
//! both import this; no OpenSSL types appear here (the stream is boxed).

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite};

/// A client connection after its TLS handshake, as a byte stream.
pub trait ClientStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> ClientStream for T {}

/// Serves an HTTP connection that arrived on the Gemini port.
pub trait HttpHandoff: Send + Sync {
    /// Answers HTTP on `stream`, whose first `already_read` bytes (the request line with its
    /// CRLF and whatever followed it) were read by the Gemini side; closes it when done.
    fn serve(
        &self,
        stream: Box<dyn ClientStream>,
        already_read: Vec<u8>,
        client: IpAddr,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// Whether `line` (without CRLF) is an HTTP/1.x `GET` or `HEAD` request line, as a browser
/// sends it. No Gemini request line can be one: a Gemini URL has no spaces.
pub fn is_http_request_line(line: &[u8]) -> bool {
    (line.starts_with(b"GET ") || line.starts_with(b"HEAD "))
        && (line.ends_with(b" HTTP/1.1") || line.ends_with(b" HTTP/1.0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_get_and_head_lines_are_handed_off() {
        assert!(is_http_request_line(b"GET / HTTP/1.1"));
        assert!(is_http_request_line(b"HEAD /page/Welcome HTTP/1.0"));
        assert!(!is_http_request_line(b"gemini://localhost/"));
        assert!(!is_http_request_line(b"POST / HTTP/1.1"));
        assert!(!is_http_request_line(b"GET / HTTP/2"));
        assert!(!is_http_request_line(b"GET gemini://h/"));
    }
}
