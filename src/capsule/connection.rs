//! One client connection, start to finish: TLS handshake, a capped and deadline-bound read of
//! the request line (and a Titan body when one is admitted), the client certificate turned
//! into a `ClientCert`, the app's answer written, and `close_notify` sent on every path. Until
//! its request line is in, a connection may be shed (see `slots`) and then simply closes.
//! This is the only place bytes are read from or written to a client.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use openssl::ssl::{Ssl, SslAcceptor};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_openssl::SslStream;

use super::admission::{self, Admission};
use super::slots::Unready;
use super::Capsule;
use crate::config::Timeouts;
use crate::gemini::{Authority, Response};
use crate::tls;

/// Longest request line: 1024 bytes of URL plus CRLF.
const MAX_LINE: usize = 1024 + 2;

/// How a read of the request line ended.
enum LineRead {
    /// The URL bytes (without CRLF) and any bytes that followed them (a Titan body's start).
    Line(Vec<u8>, Vec<u8>),
    /// No CRLF within the first 1026 bytes.
    TooLong,
    /// The client closed the connection before a CRLF.
    Closed,
}

/// Serves one accepted TCP connection; never panics on client behaviour. `unready` is shed
/// (the connection closes) if the server needs the slot before the request line is in.
pub async fn serve(
    tcp: TcpStream,
    client: IpAddr,
    unready: Unready,
    acceptor: Arc<SslAcceptor>,
    app: Arc<Capsule>,
    authority: Arc<Authority>,
    timeouts: Timeouts,
) {
    let started = Instant::now();
    let Ok(ssl) = Ssl::new(acceptor.context()) else {
        return;
    };
    let Ok(mut stream) = SslStream::new(ssl, tcp) else {
        return;
    };
    if !handshake(&mut stream, &unready, timeouts).await {
        return;
    }
    let cert = tls::client_cert(stream.ssl());
    let fingerprint = cert.as_ref().map(|c| c.fingerprint.short());
    let read = tokio::select! {
        () = unready.shed() => {
            tracing::debug!("connection shed before its request line");
            close(&mut stream, timeouts).await;
            return;
        }
        read = timeout(timeouts.request, read_line(&mut stream)) => read,
    };
    drop(unready);
    let anonymous = cert.is_none();
    let (line, leftover) = match read {
        Ok(Ok(LineRead::Line(line, rest))) => match app.http_handoff() {
            // A browser on the Gemini port (Phoebe's behaviour): the web front-end answers.
            Some(http) if crate::handoff::is_http_request_line(&line) => {
                let already = [line.as_slice(), b"\r\n", rest.as_slice()].concat();
                return http.serve(Box::new(stream), already, client).await;
            }
            _ => (line, rest),
        },
        Ok(Ok(LineRead::TooLong)) => {
            let response = Response::bad_request(
                "The request line is longer than 1024 bytes; use a shorter URL",
            );
            finish(&mut stream, &response, timeouts).await;
            log(&response, "-", started, fingerprint.as_deref());
            return;
        }
        Ok(Ok(LineRead::Closed)) | Ok(Err(_)) | Err(_) => {
            // No complete request (e.g. a bare LF, or silence): close without an answer.
            close(&mut stream, timeouts).await;
            return;
        }
    };
    let (path, response) = match admission::admit(&app, line, cert, client, &authority).await {
        Admission::Respond { path, response } => (path, response),
        Admission::Reject {
            path,
            response,
            drain,
        } => {
            // With no identity to account for it, a refused upload's body gets a few seconds,
            // not the full body timeout (a dribbled upload would hold its slot otherwise).
            let bound = if anonymous {
                timeouts.rejected_drain
            } else {
                timeouts.body
            };
            let _ = timeout(bound, drain_body(&mut stream, drain, leftover.len())).await;
            (path, response)
        }
        Admission::Handle(request) => {
            let path = request.path();
            (path, admission::respond(&app, *request).await)
        }
        Admission::ReadBody { mut request, size } => {
            let path = request.path();
            match timeout(timeouts.body, read_body(&mut stream, leftover, size)).await {
                Ok(Ok(body)) => {
                    request.body = Some(body);
                    (path, admission::respond(&app, *request).await)
                }
                Ok(Err(BodyError::TooMuch)) => (
                    path,
                    Response::bad_request("The upload is longer than its size parameter says"),
                ),
                Ok(Err(BodyError::Io)) | Err(_) => {
                    close(&mut stream, timeouts).await;
                    tracing::info!(path, "upload ended before its announced size");
                    return;
                }
            }
        }
    };
    finish(&mut stream, &response, timeouts).await;
    log(&response, &path, started, fingerprint.as_deref());
}

/// The TLS handshake within its deadline; `false` if it failed, timed out or was shed.
async fn handshake(
    stream: &mut SslStream<TcpStream>,
    unready: &Unready,
    timeouts: Timeouts,
) -> bool {
    let done = tokio::select! {
        () = unready.shed() => {
            tracing::debug!("connection shed during its TLS handshake");
            return false;
        }
        done = timeout(timeouts.handshake, Pin::new(stream).accept()) => done,
    };
    match done {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::debug!(error = %err, "TLS handshake failed");
            false
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            false
        }
    }
}

/// Reads until CRLF, at most [`MAX_LINE`] bytes; a bare LF does not end the line.
async fn read_line<S: AsyncRead + Unpin>(stream: &mut S) -> std::io::Result<LineRead> {
    let mut buf = vec![0u8; MAX_LINE];
    let mut filled = 0;
    loop {
        if let Some(end) = buf[..filled].windows(2).position(|w| w == b"\r\n") {
            let rest = buf[end + 2..filled].to_vec();
            buf.truncate(end);
            return Ok(LineRead::Line(buf, rest));
        }
        if filled == MAX_LINE {
            return Ok(LineRead::TooLong);
        }
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Ok(LineRead::Closed);
        }
        filled += n;
    }
}

enum BodyError {
    TooMuch,
    Io,
}

/// Reads exactly `size` body bytes, starting with what arrived with the request line.
async fn read_body<S: AsyncRead + Unpin>(
    stream: &mut S,
    mut body: Vec<u8>,
    size: u64,
) -> Result<Vec<u8>, BodyError> {
    let size = usize::try_from(size).map_err(|_| BodyError::TooMuch)?;
    if body.len() > size {
        return Err(BodyError::TooMuch);
    }
    body.reserve_exact(size - body.len() + 1);
    let mut chunk = vec![0u8; 16 * 1024];
    while body.len() < size {
        // Ask for one byte more than needed so bytes past `size` already sent are noticed.
        let want = (size - body.len() + 1).min(chunk.len());
        let n = stream
            .read(&mut chunk[..want])
            .await
            .map_err(|_| BodyError::Io)?;
        if n == 0 {
            return Err(BodyError::Io);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if body.len() > size {
        return Err(BodyError::TooMuch);
    }
    Ok(body)
}

/// Reads and discards up to `announced` bytes of a rejected upload, so the client gets to read
/// the error line instead of a reset.
async fn drain_body<S: AsyncRead + Unpin>(stream: &mut S, announced: u64, already: usize) {
    let mut left = announced.saturating_sub(already as u64);
    let mut chunk = vec![0u8; 16 * 1024];
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
        match stream.read(&mut chunk[..want]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n as u64),
        }
    }
}

/// Writes the response, then closes with `close_notify`, all within the write deadline.
async fn finish(stream: &mut SslStream<TcpStream>, response: &Response, timeouts: Timeouts) {
    let bytes = response.to_bytes();
    let written = timeout(timeouts.write, async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await
    })
    .await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::debug!("client did not take the whole response");
    }
}

/// Sends `close_notify` and closes, bounded by the write deadline.
async fn close(stream: &mut SslStream<TcpStream>, timeouts: Timeouts) {
    let _ = timeout(timeouts.write, stream.shutdown()).await;
}

fn log(response: &Response, path: &str, started: Instant, fingerprint: Option<&str>) {
    tracing::info!(
        status = response.status.code(),
        path,
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        cert = fingerprint.unwrap_or("-"),
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn line_ends_only_at_crlf_and_keeps_following_bytes() {
        let mut input: &[u8] = b"gemini://h/\r\nBODY";
        let LineRead::Line(line, rest) = read_line(&mut input).await.unwrap() else {
            panic!("expected a line");
        };
        assert_eq!(line, b"gemini://h/");
        assert_eq!(rest, b"BODY");
    }

    #[tokio::test]
    async fn bare_lf_is_not_a_line_end() {
        let mut input: &[u8] = b"gemini://h/\n";
        assert!(matches!(
            read_line(&mut input).await.unwrap(),
            LineRead::Closed
        ));
    }

    #[tokio::test]
    async fn exactly_1024_bytes_is_a_line_and_1025_is_too_long() {
        let mut ok = vec![b'a'; 1024];
        ok.extend_from_slice(b"\r\n");
        assert!(
            matches!(read_line(&mut ok.as_slice()).await.unwrap(), LineRead::Line(l, _) if l.len() == 1024)
        );
        let mut long = vec![b'a'; 1025];
        long.extend_from_slice(b"\r\n");
        assert!(matches!(
            read_line(&mut long.as_slice()).await.unwrap(),
            LineRead::TooLong
        ));
    }

    #[tokio::test]
    async fn body_must_not_exceed_its_size() {
        let mut rest: &[u8] = b"67";
        assert!(matches!(read_body(&mut rest, b"12345".to_vec(), 5).await, Ok(b) if b == b"12345"));
        let mut more: &[u8] = b"6789";
        assert!(matches!(
            read_body(&mut more, b"12".to_vec(), 5).await,
            Err(BodyError::TooMuch)
        ));
        let mut short: &[u8] = b"3";
        assert!(matches!(
            read_body(&mut short, b"12".to_vec(), 5).await,
            Err(BodyError::Io)
        ));
    }
}
