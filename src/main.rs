//! The `gemwiki` binary: parse the command line, set up logging, and either serve the wiki or
//! run one administrative command. Everything else lives in the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Parser;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

use gemwiki::capsule::{server, Capsule};
use gemwiki::cli::{Cli, Command, ServeArgs, TlsCommand};
use gemwiki::config::{capsule_urls, Config};
use gemwiki::log_sink::LogSink;
use gemwiki::site::Site;
use gemwiki::store::Store;
use gemwiki::web::{serve::WebHandoff, Web};
use gemwiki::{commands, seed, tls};

/// mimalloc for Rust and (see `tls::use_mimalloc`) for OpenSSL: a handshake makes hundreds of
/// small allocations, and glibc's malloc was an eighth of its CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// File name of the database inside the data directory.
const DATABASE: &str = "gemwiki.sqlite";

fn main() -> ExitCode {
    // Before anything touches OpenSSL (it refuses once it has allocated).
    let openssl_on_mimalloc = tls::use_mimalloc();
    let log = LogSink::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(log.clone())
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if !openssl_on_mimalloc {
        tracing::debug!("OpenSSL had allocated already; it keeps the system allocator");
    }
    let outcome = run(Cli::parse());
    log.flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gemwiki: {}", describe(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each said once: many errors already include their
/// cause in their own message, and printing the chain as is would repeat it.
fn describe(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("wiki-data"));
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        None => serve(&data_dir, cli.config.as_deref(), &ServeArgs::default()),
        Some(Command::Serve(args)) => serve(&data_dir, cli.config.as_deref(), &args),
        Some(Command::Fingerprint { cert }) => Ok(commands::fingerprint(&cert, &mut stdout)?),
        Some(Command::Page(command)) => Ok(commands::page(
            &open_store(&data_dir)?,
            command,
            &mut stdout,
        )?),
        Some(Command::Account(command)) => Ok(commands::account(
            &open_store(&data_dir)?,
            command,
            &mut stdout,
        )?),
        // Not seeded: an imported wiki brings its own pages (Phoebe's Welcome, say).
        Some(Command::Import(command)) => Ok(commands::import(
            &open_store_unseeded(&data_dir)?,
            command,
            &mut stdout,
        )?),
        Some(Command::Backup { file }) => Ok(commands::backup(
            &open_store(&data_dir)?,
            &file,
            &mut stdout,
        )?),
        Some(Command::Export { dir }) => Ok(commands::export(
            &open_store(&data_dir)?,
            &dir,
            &mut stdout,
        )?),
        Some(Command::Tls(command)) => {
            let hostname = match &command {
                TlsCommand::Regenerate { hostname, .. } => hostname.clone(),
                TlsCommand::Show => Vec::new(),
            };
            let args = ServeArgs {
                hostname,
                ..ServeArgs::default()
            };
            let config = Config::load(&data_dir, cli.config.as_deref(), &args)?;
            Ok(commands::tls(&config, command, &mut stdout)?)
        }
    }
}

fn open_store_unseeded(data_dir: &std::path::Path) -> anyhow::Result<Store> {
    gemwiki::store::create_data_dir(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let path = data_dir.join(DATABASE);
    Store::open(&path).with_context(|| format!("cannot open {}", path.display()))
}

fn open_store(data_dir: &std::path::Path) -> anyhow::Result<Store> {
    let store = open_store_unseeded(data_dir)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let imported = store.import_if_empty(&seed::starter_pages(), now)?;
    if imported > 0 {
        tracing::info!(pages = imported, "new wiki: imported the starter pages");
    }
    Ok(store)
}

fn serve(
    data_dir: &std::path::Path,
    file: Option<&std::path::Path>,
    args: &ServeArgs,
) -> anyhow::Result<()> {
    let config = Config::load(data_dir, file, args)?;
    let store = open_store(data_dir)?;
    let (cert, key) = match &config.server.tls.files {
        Some(pair) => pair.clone(),
        None => tls::ensure_generated(data_dir, &config.wiki.hostnames)?,
    };
    tls::warn_uncovered(&cert, &config.wiki.hostnames);
    let acceptor = tls::build_acceptor(&cert, &key, config.server.tls.session_resumption)?;
    let tokens = gemwiki::secret::load_or_create(data_dir)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mut listeners = Vec::new();
        let mut bound = Vec::new();
        for addr in &config.server.listen {
            match server::bind(*addr) {
                Ok(listener) => {
                    let local = listener.local_addr().unwrap_or(*addr);
                    tracing::info!(addr = %local, "listening");
                    bound.push(local);
                    listeners.push(listener);
                }
                Err(err) if err.kind() == std::io::ErrorKind::AddrNotAvailable || err.raw_os_error() == Some(97) => {
                    tracing::warn!(%addr, error = %err, "skipping an address family this machine lacks");
                }
                Err(err) => return Err(err).with_context(|| format!("cannot listen on {addr}")),
            }
        }
        if listeners.is_empty() {
            bail!("no address to listen on; pass --listen 127.0.0.1:1965");
        }
        for host in &config.wiki.hostnames {
            for url in capsule_urls(host, &bound) {
                tracing::info!("serving {url}");
            }
        }
        let Config { server: settings, wiki } = config;
        let site = Arc::new(Site::new(wiki, store, tokens));
        let shutdown = CancellationToken::new();
        let gemini_port = settings.listen.first().map_or(1965, std::net::SocketAddr::port);
        let web = Arc::new(Web::new(Arc::clone(&site), gemini_port, settings.timeouts, shutdown.clone())?);
        let mut capsule = Capsule::new(site)?;
        if settings.web.on_gemini_port {
            capsule = capsule.with_http_handoff(Arc::new(WebHandoff(Arc::clone(&web))));
        }
        let capsule = Arc::new(capsule);
        let web_task = start_web(web, &settings, (&cert, &key))?;
        let signal = shutdown.clone();
        tokio::spawn(async move {
            server::shutdown_signal().await;
            tracing::info!("shutting down: no new connections");
            signal.cancel();
        });
        server::run(listeners, acceptor, capsule, &settings, shutdown).await;
        if let Some(task) = web_task {
            let _ = task.await;
        }
        Ok(())
    })
}

/// Binds the `[web]` listeners and serves them; `None` when there are none. HTTPS uses
/// `[web] cert_file`/`key_file`, else the Gemini certificate.
fn start_web(
    web: Arc<Web>,
    settings: &gemwiki::config::ServerConfig,
    gemini_cert: (&std::path::Path, &std::path::Path),
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let config = &settings.web;
    if config.listen.is_empty() && config.listen_plain.is_empty() {
        return Ok(None);
    }
    let bind = |addrs: &[std::net::SocketAddr], what: &str| {
        addrs
            .iter()
            .map(|addr| {
                tracing::info!(%addr, "web view listening ({what})");
                server::bind(*addr).with_context(|| format!("cannot listen on {addr} ([web])"))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    };
    let https = bind(&config.listen, "https")?;
    let plain = bind(&config.listen_plain, "plain http")?;
    let acceptor = if https.is_empty() {
        None
    } else {
        let (cert, key) = match &config.tls_files {
            Some((cert, key)) => (cert.as_path(), key.as_path()),
            None => gemini_cert,
        };
        Some(tls::build_web_acceptor(cert, key)?)
    };
    let max = settings.max_connections;
    Ok(Some(tokio::spawn(gemwiki::web::serve::run(
        web, https, acceptor, plain, max,
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read config file x.toml: {source}")]
    struct Outer {
        source: std::io::Error,
    }

    #[test]
    fn causes_already_in_the_message_are_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = anyhow::Error::from(Outer { source: io });
        assert_eq!(
            describe(&err),
            "cannot read config file x.toml: no such file"
        );
        let wrapped = err.context("cannot start");
        assert_eq!(
            describe(&wrapped),
            "cannot start: cannot read config file x.toml: no such file"
        );
    }
}
