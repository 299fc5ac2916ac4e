//! The "bare" Gemini server: the handshake-cost baseline for gemwiki's benchmarks (issue 6).
//!
//! Same build, same OpenSSL, same acceptor (`gemwiki::tls::build_acceptor`), same listener
//! (`gemwiki::capsule::server::bind`) and the same tokio runtime as `gemwiki serve`, but no app: it
//! reads the request line, writes a fixed ~2 KiB gemtext page and sends `close_notify`.
//! gemwiki's page-GET throughput divided by this server's is the wiki's overhead over TLS.
//!
//! ```text
//! cargo run --release --example bare -- --listen 127.0.0.1:1966 --data-dir /tmp/bare
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use openssl::ssl::{Ssl, SslAcceptor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_openssl::SslStream;

#[derive(Debug, Parser)]
#[command(about = "Minimal Gemini server: handshake, fixed 2 KiB reply, close_notify")]
struct Args {
    /// Address to listen on (loopback only).
    #[arg(long, default_value = "127.0.0.1:1966")]
    listen: SocketAddr,
    /// Where the generated certificate lives (`<dir>/tls/cert.pem`), unless --cert is given.
    #[arg(long, default_value = "/tmp/gemwiki-bare")]
    data_dir: PathBuf,
    /// Server certificate (PEM); with --key, used instead of the generated one.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    /// Server key (PEM).
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Issue TLS session tickets, as gemwiki does with `[tls] session_resumption = true`.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    session_resumption: bool,
}

/// The same allocators as `gemwiki serve`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every phase of a connection gets this long, like gemwiki's deadlines.
const DEADLINE: Duration = Duration::from_secs(10);

fn main() {
    gemwiki::tls::use_mimalloc();
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        eprintln!("bare: benchmark server; listen on 127.0.0.1 or [::1] only");
        std::process::exit(2);
    }
    let (cert, key) = match (args.cert.clone(), args.key.clone()) {
        (Some(cert), Some(key)) => (cert, key),
        _ => gemwiki::tls::ensure_generated(&args.data_dir, &["localhost".into()])
            .expect("generate certificate"),
    };
    let acceptor =
        gemwiki::tls::build_acceptor(&cert, &key, args.session_resumption).expect("build acceptor");
    let acceptor = Arc::new(acceptor);
    let reply: Arc<[u8]> = page().into();
    // The same runtime as `gemwiki serve` (`Runtime::new`: one worker per CPU).
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let listener = gemwiki::capsule::server::bind(args.listen).expect("bind");
        eprintln!("bare: listening on {}", args.listen);
        // Accept on a worker thread, as `gemwiki::capsule::server::run` does: a loop left in
        // `block_on` would run on the main thread and pay a thread wake-up per connection.
        let accept = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                let acceptor = Arc::clone(&acceptor);
                let reply = Arc::clone(&reply);
                tokio::spawn(async move {
                    let _ = timeout(DEADLINE, serve(tcp, &acceptor, &reply)).await;
                });
            }
        });
        let _ = accept.await;
    });
}

async fn serve(tcp: TcpStream, acceptor: &SslAcceptor, reply: &[u8]) -> Option<()> {
    let ssl = Ssl::new(acceptor.context()).ok()?;
    let mut stream = SslStream::new(ssl, tcp).ok()?;
    Pin::new(&mut stream).accept().await.ok()?;
    let mut line = [0u8; 1026];
    let mut filled = 0;
    while !line[..filled].windows(2).any(|w| w == b"\r\n") {
        if filled == line.len() {
            return None;
        }
        let n = stream.read(&mut line[filled..]).await.ok()?;
        if n == 0 {
            return None;
        }
        filled += n;
    }
    stream.write_all(reply).await.ok()?;
    stream.shutdown().await.ok()
}

/// The fixed answer: a `20` header and about 2 KiB of gemtext.
fn page() -> Vec<u8> {
    let mut body = String::from("20 text/gemini; charset=utf-8\r\n# Bare\n\n");
    let mut i = 0;
    while body.len() < 2048 {
        i += 1;
        body.push_str(&format!(
            "Line {i} of the fixed reply: the quick brown fox jumps over the lazy dog.\n"
        ));
    }
    body.into_bytes()
}
