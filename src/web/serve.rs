//! The web view's connection layer, the only web file that touches OpenSSL: accept loops for
//! the `[web] listen` HTTPS listeners (no client certificate asked) and the `listen_plain`
//! listeners, the hand-off of HTTP from the Gemini port ([`WebHandoff`]), and hyper serving
//! each stream with a header-size cap, a header-read deadline and a connection lifetime.

use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use openssl::ssl::{Ssl, SslAcceptor};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::timeout;
use tokio_openssl::SslStream;
use tokio_util::task::TaskTracker;

use super::replay::Replay;
use super::{http, Web};
use crate::handoff::{ClientStream, HttpHandoff};

/// Largest request head (request line and headers). Defends against memory exhaustion by
/// endless headers; hyper answers `431` past it.
const MAX_HEAD: usize = 16 * 1024;

/// Longest a connection stays open, however busy. Defends against a client holding a
/// connection slot forever with slow keep-alive requests or a response it never reads.
const MAX_LIFETIME: Duration = Duration::from_secs(120);

/// Answers HTTP that arrived on the Gemini port (wired into the capsule by `main.rs`).
pub struct WebHandoff(pub Arc<Web>);

impl HttpHandoff for WebHandoff {
    fn serve(
        &self,
        stream: Box<dyn ClientStream>,
        already_read: Vec<u8>,
        client: IpAddr,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        let io = Replay::new(already_read, stream);
        Box::pin(serve_http(Arc::clone(&self.0), io, client, false, "https"))
    }
}

/// Serves the web listeners until the web's shutdown token is cancelled, then waits (at
/// most the shutdown timeout) for open connections. `https` listeners need `acceptor`.
pub async fn run(
    web: Arc<Web>,
    https: Vec<TcpListener>,
    acceptor: Option<SslAcceptor>,
    plain: Vec<TcpListener>,
    max_connections: usize,
) {
    let tracker = TaskTracker::new();
    let limit = Arc::new(Semaphore::new(max_connections));
    let acceptor = acceptor.map(Arc::new);
    let mut loops = Vec::new();
    for listener in https {
        let tls = acceptor.clone();
        loops.push(tokio::spawn(accept_loop(
            listener,
            tls,
            Arc::clone(&web),
            Arc::clone(&limit),
            tracker.clone(),
        )));
    }
    for listener in plain {
        loops.push(tokio::spawn(accept_loop(
            listener,
            None,
            Arc::clone(&web),
            Arc::clone(&limit),
            tracker.clone(),
        )));
    }
    for accept in loops {
        let _ = accept.await;
    }
    tracker.close();
    if timeout(web.timeouts.shutdown, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = tracker.len(),
            "shutdown: gave up waiting for web connections"
        );
    }
}

/// Accepts until shutdown; `tls` is `None` on a plain-HTTP listener.
async fn accept_loop(
    listener: TcpListener,
    tls: Option<Arc<SslAcceptor>>,
    web: Arc<Web>,
    limit: Arc<Semaphore>,
    tracker: TaskTracker,
) {
    let mut backoff = Duration::from_millis(5);
    loop {
        // Take a slot before accepting, so connections past the cap wait in the backlog.
        let permit = tokio::select! {
            () = web.shutdown.cancelled() => return,
            permit = Arc::clone(&limit).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let accepted = tokio::select! {
            () = web.shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (tcp, addr) = match accepted {
            Ok(pair) => {
                backoff = Duration::from_millis(5);
                pair
            }
            Err(err) => {
                tracing::warn!(error = %err, "web accept failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let web = Arc::clone(&web);
        let tls = tls.clone();
        tracker.spawn(async move {
            match tls {
                Some(acceptor) => serve_tls(web, tcp, addr.ip(), &acceptor).await,
                None => serve_http(web, tcp, addr.ip(), true, "http").await,
            }
            drop(permit);
        });
    }
}

/// The TLS handshake (no client certificate asked), within the handshake deadline.
async fn serve_tls(web: Arc<Web>, tcp: TcpStream, client: IpAddr, acceptor: &SslAcceptor) {
    let Ok(ssl) = Ssl::new(acceptor.context()) else {
        return;
    };
    let Ok(mut stream) = SslStream::new(ssl, tcp) else {
        return;
    };
    match timeout(web.timeouts.handshake, Pin::new(&mut stream).accept()).await {
        Ok(Ok(())) => serve_http(web, stream, client, false, "https").await,
        Ok(Err(err)) => tracing::debug!(error = %err, "web TLS handshake failed"),
        Err(_) => tracing::debug!("web TLS handshake timed out"),
    }
}

/// HTTP/1.1 on `io` until the client is done, the lifetime ends or the server shuts down;
/// hyper's close shuts the stream down (a TLS stream sends `close_notify`). `plain` marks a
/// plain-HTTP listener, where a loopback peer is a reverse proxy.
async fn serve_http<S>(web: Arc<Web>, io: S, peer: IpAddr, plain: bool, scheme: &'static str)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service_web = Arc::clone(&web);
    let service = service_fn(move |request| {
        let web = Arc::clone(&service_web);
        let client = http::client_address(peer, plain, request.headers());
        async move { Ok::<_, Infallible>(http::handle(web, request, client, scheme).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(web.timeouts.request)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let ended = tokio::select! {
        result = connection.as_mut() => Some(result),
        () = web.shutdown.cancelled() => None,
        () = tokio::time::sleep(MAX_LIFETIME) => None,
    };
    match ended {
        Some(Err(err)) => tracing::debug!(error = %err, "web connection ended with an error"),
        Some(Ok(())) => {}
        None => {
            connection.as_mut().graceful_shutdown();
            let _ = timeout(web.timeouts.write, connection).await;
        }
    }
}
