//! The accept loop, written once: bind with a large backlog, cap open connections with a
//! semaphore (excess connections wait in the backlog) and per client network (excess ones
//! are closed at once), shed connections that have not sent their request when near the cap,
//! retry transient accept errors, spawn one task per connection, and on shutdown stop
//! accepting and wait (bounded) for open ones.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::slots::Slots;
use super::{connection, Capsule};
use crate::config::{ServerConfig, Timeouts};
use crate::gemini::Authority;
use crate::identity::Network;
use crate::tls::Acceptor;

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
    acceptor: Acceptor,
    app: Arc<Capsule>,
    settings: &ServerConfig,
    shutdown: CancellationToken,
) {
    let acceptor = Arc::new(acceptor);
    let limit = Arc::new(Semaphore::new(settings.max_connections));
    let slots = Slots::new(settings.connections_per_client);
    let tracker = TaskTracker::new();
    let mut loops = Vec::new();
    for listener in listeners {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(1965);
        let shared = Shared {
            acceptor: Arc::clone(&acceptor),
            app: Arc::clone(&app),
            authority: Arc::new(Authority {
                hosts: app.config().hostnames.clone(),
                port,
            }),
            limit: Arc::clone(&limit),
            reserve: (settings.max_connections / 8).max(1),
            slots: Arc::clone(&slots),
            tracker: tracker.clone(),
            timeouts: settings.timeouts,
        };
        loops.push(tokio::spawn(accept_loop(
            listener,
            shared,
            shutdown.clone(),
        )));
    }
    for accept in loops {
        let _ = accept.await;
    }
    tracker.close();
    let grace = settings.timeouts.shutdown;
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!(
            open = tracker.len(),
            "shutdown: gave up waiting for open connections"
        );
    }
}

/// What one listener's accept loop shares with the others.
struct Shared {
    acceptor: Arc<Acceptor>,
    app: Arc<Capsule>,
    authority: Arc<Authority>,
    /// The global cap on open connections.
    limit: Arc<Semaphore>,
    /// Below this many free slots, each new connection sheds one that has not sent its
    /// request yet.
    reserve: usize,
    slots: Arc<Slots>,
    tracker: TaskTracker,
    timeouts: Timeouts,
}

async fn accept_loop(listener: TcpListener, shared: Shared, shutdown: CancellationToken) {
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
        let Some(network_slot) = shared.slots.open(Network::of(addr.ip())) else {
            // Past `connections_per_client`: closed at once, before any TLS work.
            tracing::debug!("connection refused: its network holds too many");
            continue;
        };
        if shared.limit.available_permits() < shared.reserve {
            shared.slots.shed_oldest_unready();
        }
        let connection = connection::serve(
            tcp,
            addr.ip(),
            shared.slots.unready(),
            Arc::clone(&shared.acceptor),
            Arc::clone(&shared.app),
            Arc::clone(&shared.authority),
            shared.timeouts,
        );
        shared.tracker.spawn(async move {
            connection.await;
            // The slots are held for exactly as long as the connection is open.
            drop(network_slot);
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
