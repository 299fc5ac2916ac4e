//! The accept loop, written once: bind with a large backlog, cap open connections with a
//! semaphore (excess connections wait in the backlog), retry transient accept errors, spawn
//! one task per connection, and on shutdown stop accepting and wait (bounded) for open ones.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use openssl::ssl::SslAcceptor;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::{connection, Capsule};
use crate::config::{ServerConfig, Timeouts};
use crate::gemini::Authority;

/// Listen backlog: a small one drops SYNs under bursts and adds 1–3 s client stalls.
const BACKLOG: i32 = 4096;

/// Binds `addr` with address reuse, IPv6-only sockets for IPv6 (so `[::]` and `0.0.0.0` can
/// both listen on one port), and a large backlog.
///
/// # Errors
/// The address is in use, unavailable, or its family is missing on this machine.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_tcp_nodelay(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    TcpListener::from_std(socket.into())
}

/// Serves every listener until `shutdown` is cancelled, then waits for open connections
/// (at most the configured shutdown timeout).
pub async fn run(
    listeners: Vec<TcpListener>,
    acceptor: SslAcceptor,
    app: Arc<Capsule>,
    settings: &ServerConfig,
    shutdown: CancellationToken,
) {
    let shared = Arc::new(Shared {
        acceptor: Arc::new(acceptor),
        limit: Arc::new(Semaphore::new(settings.max_connections)),
        tracker: TaskTracker::new(),
        timeouts: settings.timeouts,
        shutdown,
        app,
    });
    let mut loops = Vec::new();
    for listener in listeners {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(1965);
        let authority = Arc::new(Authority {
            hosts: shared.app.config().hostnames.clone(),
            port,
        });
        loops.push(tokio::spawn(accept_loop(
            listener,
            authority,
            Arc::clone(&shared),
        )));
    }
    for accept in loops {
        let _ = accept.await;
    }
    let tracker = &shared.tracker;
    tracker.close();
    let grace = settings.timeouts.shutdown;
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!(
            open = tracker.len(),
            "shutdown: gave up waiting for open connections"
        );
    }
}

/// What every accept loop shares.
struct Shared {
    acceptor: Arc<SslAcceptor>,
    app: Arc<Capsule>,
    /// One permit per open connection (`max_connections`).
    limit: Arc<Semaphore>,
    tracker: TaskTracker,
    timeouts: Timeouts,
    shutdown: CancellationToken,
}

async fn accept_loop(listener: TcpListener, authority: Arc<Authority>, shared: Arc<Shared>) {
    let shutdown = &shared.shutdown;
    let mut backoff = Duration::from_millis(5);
    loop {
        // Take a slot before accepting, so connections past the cap wait in the backlog.
        let permit = tokio::select! {
            () = shutdown.cancelled() => return,
            permit = Arc::clone(&shared.limit).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let accepted = tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (tcp, addr) = match accepted {
            Ok(pair) => {
                backoff = Duration::from_millis(5);
                pair
            }
            Err(err) => {
                // Running out of file descriptors or a reset before accept: wait and go on.
                tracing::warn!(error = %err, "accept failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let connection = connection::serve(
            tcp,
            addr.ip(),
            Arc::clone(&shared.acceptor),
            Arc::clone(&shared.app),
            Arc::clone(&authority),
            shared.timeouts,
        );
        shared.tracker.spawn(async move {
            connection.await;
            // The slot is held for exactly as long as the connection is open.
            drop(permit);
        });
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
