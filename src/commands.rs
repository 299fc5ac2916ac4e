//! The administrative subcommands (`page …`, `account …`, `fingerprint`, `import …`,
//! `backup`, `export`): each opens the store, does one thing and prints a line or a table to
//! `out` (progress bars go to stderr, only on a terminal). Changes take effect on a
//! running server at once, since the server reads accounts and locks from the database.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::{AccountCommand, ImportCommand, PageCommand};
use crate::identity::{ClientCert, Fingerprint};
use crate::store::{Store, StoreError};
use crate::wiki::model::{
    Account, AccountState, Author, CreateAccount, NewRevision, RevokeOutcome, Role, SaveOutcome,
};
use crate::wiki::{PageFormat, PageName};

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

/// `gemwiki page …`.
///
/// # Errors
/// Unknown page, invalid name, unreadable file, or a storage failure.
pub fn page(store: &Store, command: PageCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        PageCommand::List => {
            let mut offset = 0;
            loop {
                let names = store.page_names(offset, 1000)?;
                for name in &names {
                    writeln!(out, "{name}")?;
                }
                if names.len() < 1000 {
                    return Ok(());
                }
                offset += 1000;
            }
        }
        PageCommand::Import { files } => {
            for file in files {
                import_file(store, &file, out)?;
            }
            Ok(())
        }
        PageCommand::Lock { name } => set_lock(store, &name, true, out),
        PageCommand::Unlock { name } => set_lock(store, &name, false, out),
        PageCommand::Delete { name } => {
            let name = page_name(&name)?;
            match store.delete_page(&name, Author::System, now())? {
                crate::wiki::model::DeleteOutcome::Deleted(rev) => {
                    writeln!(out, "deleted {name} (revision {rev})")?;
                    Ok(())
                }
                crate::wiki::model::DeleteOutcome::NotFound => {
                    Err(CommandError::Usage(format!("no live page named {name:?}")))
                }
            }
        }
        PageCommand::Restore { name, revision } => {
            let name = page_name(&name)?;
            match store.restore_revision(&name, revision, Author::System, now())? {
                Some(SaveOutcome::Created(rev)) => {
                    writeln!(out, "restored {name} as revision {rev}")?
                }
                Some(SaveOutcome::Unchanged(rev)) => {
                    writeln!(out, "{name} already has that text (revision {rev})")?
                }
                None => {
                    return Err(CommandError::Usage(format!(
                        "{name:?} has no revision {revision}"
                    )))
                }
            }
            Ok(())
        }
    }
}

fn set_lock(store: &Store, name: &str, locked: bool, out: &mut dyn Write) -> Result<()> {
    let name = page_name(name)?;
    if !store.set_locked(&name, locked)? {
        return Err(CommandError::Usage(format!("no page named {name:?}")));
    }
    writeln!(out, "{} {name}", if locked { "locked" } else { "unlocked" })?;
    Ok(())
}

/// Imports one `.gmi` / `.md` file as the page named after its file stem.
fn import_file(store: &Store, path: &Path, out: &mut dyn Write) -> Result<()> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| CommandError::Usage(format!("{}: no usable file name", path.display())))?;
    let name = page_name(stem)?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("md" | "markdown") => PageFormat::Markdown,
        _ => PageFormat::Gemtext,
    };
    let text = std::fs::read_to_string(path)?.replace("\r\n", "\n");
    let outcome = store.save_revision(NewRevision {
        name: &name,
        text: &text,
        format,
        author: Author::System,
        comment: Some("imported"),
        now: now(),
    })?;
    match outcome {
        SaveOutcome::Created(rev) => writeln!(out, "imported {name} (revision {rev})")?,
        SaveOutcome::Unchanged(_) => writeln!(out, "unchanged {name}")?,
    }
    Ok(())
}

/// `gemwiki account …`.
///
/// # Errors
/// Unknown account, bad fingerprint, or a storage failure.
pub fn account(store: &Store, command: AccountCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        AccountCommand::List => {
            for a in store.accounts()? {
                writeln!(out, "{}\t{}\t{}", a.name, a.role.as_str(), a.state.as_str())?;
            }
            Ok(())
        }
        AccountCommand::Show { name } => show_account(store, &find(store, &name)?, out),
        AccountCommand::Approve { name } => set_state(store, &name, AccountState::Active, out),
        AccountCommand::Suspend { name } => set_state(store, &name, AccountState::Suspended, out),
        AccountCommand::Promote { name } => set_role(store, &name, Role::Admin, out),
        AccountCommand::Demote { name } => set_role(store, &name, Role::Editor, out),
        AccountCommand::AddCert { name, fingerprint } => add_cert(store, &name, &fingerprint, out),
        AccountCommand::RevokeCert { name, prefix } => {
            let account = find(store, &name)?;
            match store.revoke_certificate(account.id, &prefix.to_ascii_lowercase())? {
                RevokeOutcome::Revoked => writeln!(out, "revoked {prefix} from {}", account.name)?,
                RevokeOutcome::NotFound => {
                    return Err(CommandError::Usage(format!(
                        "{} has no certificate {prefix}",
                        account.name
                    )))
                }
                RevokeOutcome::LastCertificate => {
                    return Err(CommandError::Usage(format!(
                        "{prefix} is the last certificate of {}; add another first",
                        account.name
                    )))
                }
            }
            Ok(())
        }
    }
}

fn find(store: &Store, name: &str) -> Result<Account> {
    store.account_by_name(name)?.ok_or_else(|| {
        CommandError::Usage(format!(
            "no account named {name:?} (see `gemwiki account list`)"
        ))
    })
}

fn show_account(store: &Store, account: &Account, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "name:  {}", account.name)?;
    writeln!(out, "role:  {}", account.role.as_str())?;
    writeln!(out, "state: {}", account.state.as_str())?;
    for cert in store.certificates(account.id)? {
        let cn = cert.common_name.unwrap_or_default();
        writeln!(out, "cert:  {} {cn}", cert.fingerprint)?;
    }
    Ok(())
}

fn set_state(store: &Store, name: &str, state: AccountState, out: &mut dyn Write) -> Result<()> {
    let account = find(store, name)?;
    store.set_account_state(account.id, state)?;
    writeln!(out, "{} is now {}", account.name, state.as_str())?;
    Ok(())
}

fn set_role(store: &Store, name: &str, role: Role, out: &mut dyn Write) -> Result<()> {
    let account = find(store, name)?;
    store.set_account_role(account.id, role)?;
    writeln!(out, "{} is now {}", account.name, role.as_str())?;
    Ok(())
}

/// Binds a fingerprint to an account, creating an active editor account if none exists.
fn add_cert(store: &Store, name: &str, fingerprint: &str, out: &mut dyn Write) -> Result<()> {
    let fingerprint: Fingerprint = fingerprint
        .parse()
        .map_err(|err| CommandError::Usage(format!("{err}")))?;
    let cert = ClientCert {
        fingerprint,
        common_name: None,
        not_before: i64::MIN,
        not_after: i64::MAX,
    };
    match store.account_by_name(name)? {
        Some(account) => {
            if !store.add_certificate(account.id, &cert, now())? {
                return Err(CommandError::Usage(
                    "that certificate is already bound to an account".into(),
                ));
            }
            writeln!(out, "added {} to {}", fingerprint.short(), account.name)?;
        }
        None => {
            let name = crate::wiki::user_name::normalise(name)
                .map_err(|err| CommandError::Usage(format!("{name:?}: {err}")))?;
            match store.create_account(&name, Role::Editor, AccountState::Active, &cert, now())? {
                CreateAccount::Created(a) => {
                    writeln!(out, "created {} with {}", a.name, fingerprint.short())?
                }
                CreateAccount::NameTaken => {
                    let existing = store.account_like(&name)?.map_or(name.clone(), |a| a.name);
                    let refusal = crate::wiki::user_name::taken(&name, &existing);
                    return Err(CommandError::Usage(refusal.to_string()));
                }
                CreateAccount::CertificateInUse => {
                    return Err(CommandError::Usage(
                        "that certificate is already bound to an account".into(),
                    ))
                }
            }
        }
    }
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
