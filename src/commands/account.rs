//! `gemwiki account …`: list, show, approve, suspend, promote, demote, certificates, and
//! link codes — the way back in for someone whose only certificate expired or was lost.
//! The last active admin is never demoted or suspended, so a wiki always keeps someone who
//! can approve and unlock from `/do/admin`.

use std::io::Write;

use super::{format_time, now, plural, CommandError, Result};
use crate::cli::AccountCommand;
use crate::identity::{ClientCert, Fingerprint};
use crate::store::Store;
use crate::wiki::model::{
    Account, AccountState, Author, CreateAccount, Reverted, RevokeOutcome, Role,
};
use crate::wiki::{link_code, since};

/// `gemwiki account …`.
///
/// # Errors
/// Unknown account, bad fingerprint, the last admin, or a storage failure.
pub fn account(store: &Store, command: AccountCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        AccountCommand::List => list(store, out),
        AccountCommand::Show { name } => show_account(store, &find(store, &name)?, out),
        AccountCommand::Approve { name } => set_state(store, &name, AccountState::Active, out),
        AccountCommand::Suspend { name } => set_state(store, &name, AccountState::Suspended, out),
        AccountCommand::Promote { name } => set_role(store, &name, Role::Admin, out),
        AccountCommand::Demote { name } => set_role(store, &name, Role::Editor, out),
        AccountCommand::AddCert { name, fingerprint } => add_cert(store, &name, &fingerprint, out),
        AccountCommand::RevokeCert { name, prefix } => revoke_cert(store, &name, &prefix, out),
        AccountCommand::LinkCode { name } => link(store, &find(store, &name)?, out),
        AccountCommand::Revert { name, since, by } => {
            revert(store, &find(store, &name)?, &since, by.as_deref(), out)
        }
    }
}

fn find(store: &Store, name: &str) -> Result<Account> {
    // `{name:?}`: the name as typed, escaped, since a mistyped name may hold invisible
    // characters the person should see.
    store.account_by_name(name)?.ok_or_else(|| {
        CommandError::Usage(format!(
            "no account named {name:?} (see gemwiki account list)"
        ))
    })
}

/// One line per account: name, role, state, certificate count, last use, tab-separated.
fn list(store: &Store, out: &mut dyn Write) -> Result<()> {
    for a in store.accounts()? {
        let certs = store.certificates(a.id)?;
        let last_used = certs.iter().filter_map(|c| c.last_used).max();
        let last_used = last_used.map_or_else(
            || "never used".to_owned(),
            |t| format!("last used {}", format_time(t)),
        );
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{last_used}",
            a.name,
            a.role.as_str(),
            a.state.as_str(),
            plural(certs.len() as u64, "certificate"),
        )?;
    }
    Ok(())
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

/// Refuses to take the last active admin's rights away: nobody could then approve, unlock
/// or restore from the web, and a wiki with `registration = "approval"` would take no one.
fn keep_an_admin(store: &Store, account: &Account, change: &str) -> Result<()> {
    let active_admin = account.role == Role::Admin && account.state == AccountState::Active;
    if active_admin && store.active_admin_count()? <= 1 {
        return Err(CommandError::Usage(format!(
            "{} is the last active admin; promote another account first \
             (gemwiki account promote NAME), then {change} {}",
            account.name, account.name
        )));
    }
    Ok(())
}

fn set_state(store: &Store, name: &str, state: AccountState, out: &mut dyn Write) -> Result<()> {
    let account = find(store, name)?;
    if state != AccountState::Active {
        keep_an_admin(store, &account, "suspend")?;
    }
    store.set_account_state(account.id, state)?;
    writeln!(out, "{} is now {}", account.name, state.as_str())?;
    Ok(())
}

fn set_role(store: &Store, name: &str, role: Role, out: &mut dyn Write) -> Result<()> {
    let account = find(store, name)?;
    if role != Role::Admin {
        keep_an_admin(store, &account, "demote")?;
    }
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
    let in_use = || CommandError::Usage("that certificate is already bound to an account".into());
    if let Some(account) = store.account_by_name(name)? {
        if !store.add_certificate(account.id, &cert, now())? {
            return Err(in_use());
        }
        writeln!(out, "added {} to {}", fingerprint.short(), account.name)?;
        return Ok(());
    }
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
        CreateAccount::CertificateInUse => return Err(in_use()),
    }
    Ok(())
}

fn revoke_cert(store: &Store, name: &str, prefix: &str, out: &mut dyn Write) -> Result<()> {
    let account = find(store, name)?;
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

/// Prints a fresh one-time link code for the account (replacing its earlier codes), in the
/// format `/do/account/link` uses. The code is a secret for the person only: printed, never
/// logged.
fn link(store: &Store, account: &Account, out: &mut dyn Write) -> Result<()> {
    let bytes = crate::tls::random_bytes(link_code::CODE_LEN)?;
    let code = link_code::from_random(&bytes);
    let expires = now() + link_code::ADMIN_VALID_SECONDS;
    store.create_link_code(account.id, &link_code::hash(&code), expires)?;
    writeln!(out, "link code for {}: {code}", account.name)?;
    writeln!(
        out,
        "It works once, until {}: give it to {} only. With the new certificate, open \
         /do/account/claim and type the code.",
        format_time(expires),
        account.name
    )?;
    Ok(())
}

/// Undoes `account`'s page edits since `since`, as revisions by `by` (an admin) or system.
fn revert(
    store: &Store,
    account: &Account,
    since: &str,
    by: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let since = parse_since(since)?;
    let author = match by {
        None => Author::System,
        Some(name) => {
            let admin = find(store, name)?;
            if admin.role != Role::Admin {
                return Err(CommandError::Usage(format!(
                    "{} is not an admin",
                    admin.name
                )));
            }
            Author::Account(admin.id)
        }
    };
    let done = store.revert_edits_since(account.id, since, author, now())?;
    for page in &done {
        match page {
            Reverted::LeftAlone { name } => {
                writeln!(out, "left alone: {name} (edited by someone else since)")?;
            }
            Reverted::Deleted { name, revision } => writeln!(
                out,
                "deleted {name} (created by {}), revision {revision}",
                account.name
            )?,
            Reverted::AlreadyDeleted { name } => writeln!(out, "{name}: already deleted")?,
            Reverted::Restored { name, to, .. } => {
                writeln!(out, "{name}: back to revision {to}")?;
            }
            Reverted::Unchanged { name, to } => {
                writeln!(out, "{name}: already as revision {to}")?;
            }
        }
    }
    let left = done.iter().filter(|page| page.left_alone()).count() as u64;
    writeln!(
        out,
        "reverted {} by {}; left {left} alone",
        plural(done.len() as u64 - left, "page"),
        account.name
    )?;
    Ok(())
}

/// What `--since` names: see [`crate::wiki::since`].
fn parse_since(text: &str) -> Result<i64> {
    since::parse_since(text, now())
        .ok_or_else(|| CommandError::Usage(format!("--since {text:?}: give {}", since::FORMS)))
}
