//! The administrative subcommands (`page …` in `page.rs`, `account …` in `account.rs`,
//! `tls …` in `tls.rs`, and here `fingerprint`, `import …`, `backup`, `export`): each opens
//! the store, does one thing and prints a line or a table to `out` (progress bars go to
//! stderr, only on a terminal). Changes take effect on a running server at once, since the
//! server reads accounts and locks from the database. Messages name pages and accounts as
//! the wiki shows them, never as Rust debug output.

mod account;
mod page;
mod tls;

pub use account::account;
pub use page::page;
pub use tls::tls;

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::ImportCommand;
use crate::store::{Store, StoreError};
use crate::wiki::PageName;

/// Why a subcommand failed; the message says what to type instead.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Usage(String),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    #[error(transparent)]
    Moving(#[from] crate::moving::MovingError),
}

type Result<T> = std::result::Result<T, CommandError>;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A time as the CLI prints it: `2025-03-01 14:05 UTC`.
fn format_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "(no date)".into())
}

/// `1 revision`, `3 revisions`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A page name typed on the command line; an invalid one is echoed escaped (`{name:?}` of
/// the raw text, not of a `PageName`) so invisible characters show.
fn page_name(name: &str) -> Result<PageName> {
    PageName::new(name).map_err(|err| CommandError::Usage(format!("{name:?}: {err}")))
}

/// `gemwiki fingerprint CERT.pem`.
///
/// # Errors
/// The file is unreadable or not a PEM certificate.
pub fn fingerprint(path: &Path, out: &mut dyn Write) -> Result<()> {
    let fp = crate::tls::fingerprint_pem_file(path)?;
    writeln!(out, "{fp}")?;
    Ok(())
}

/// A progress bar on stderr; indicatif draws nothing when stderr is not a terminal.
fn progress_bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar
}

/// `gemwiki import phoebe|export DIR`: prints the report.
///
/// # Errors
/// The source is missing or unreadable, or a storage failure.
pub fn import(store: &Store, command: ImportCommand, out: &mut dyn Write) -> Result<()> {
    let bar = progress_bar("importing");
    let report = match command {
        ImportCommand::Phoebe {
            dir,
            space,
            dry_run,
        } => crate::moving::import_phoebe(store, &dir, space.as_deref(), dry_run, &bar)?,
        ImportCommand::Export { dir, dry_run } => {
            crate::moving::export::import_export(store, &dir, dry_run, &bar)?
        }
    };
    write!(out, "{report}")?;
    Ok(())
}

/// `gemwiki backup FILE`: an online copy, checked, readable by its owner only.
///
/// # Errors
/// The file cannot be written, or the copy fails its integrity check.
pub fn backup(store: &Store, file: &Path, out: &mut dyn Write) -> Result<()> {
    // Created 0600 before SQLite writes into it: the copy holds what the database holds.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?;
    let bar = progress_bar("backing up (pages)");
    store.backup_to(file, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    writeln!(out, "backed up to {} (integrity check: ok)", file.display())?;
    Ok(())
}

/// `gemwiki export DIR`.
///
/// # Errors
/// `dir` is not empty or not writable, or a storage failure.
pub fn export(store: &Store, dir: &Path, out: &mut dyn Write) -> Result<()> {
    let manifest = crate::moving::export::export(store, dir, &progress_bar("exporting"))?;
    writeln!(
        out,
        "exported {} pages and {} files to {}",
        manifest.pages.len(),
        manifest.files.len(),
        dir.display()
    )?;
    Ok(())
}
