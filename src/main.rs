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
use gemwiki::cli::{Cli, Command, ServeArgs};
use gemwiki::config::Config;
use gemwiki::site::Site;
use gemwiki::store::Store;
use gemwiki::{commands, seed, tls};

/// File name of the database inside the data directory.
const DATABASE: &str = "gemwiki.sqlite";

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gemwiki: {err:#}");
            ExitCode::FAILURE
        }
    }
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
    let acceptor = tls::build_acceptor(&cert, &key, config.server.tls.session_resumption)?;
    let tokens = gemwiki::secret::load_or_create(data_dir)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mut listeners = Vec::new();
        for addr in &config.server.listen {
            match server::bind(*addr) {
                Ok(listener) => {
                    tracing::info!(%addr, "listening");
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
        tracing::info!(hosts = ?config.wiki.hostnames, "serving gemini://{}/", config.wiki.hostnames[0]);
        let Config { server: settings, wiki } = config;
        let capsule = Arc::new(Capsule::new(Site::new(wiki, store, tokens))?);
        let shutdown = CancellationToken::new();
        let signal = shutdown.clone();
        tokio::spawn(async move {
            server::shutdown_signal().await;
            tracing::info!("shutting down: no new connections");
            signal.cancel();
        });
        server::run(listeners, acceptor, capsule, &settings, shutdown).await;
        Ok(())
    })
}
