//! The command line as the user typed it (clap derive). Validation and merging with the
//! config file happen in `config.rs`; this module only describes the flags and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A Gemini wiki whose editing is gated by TLS client certificates.
#[derive(Debug, Parser)]
#[command(name = "gemwiki", version, about)]
pub struct Cli {
    /// Data directory: database, TLS certificate, config.toml and template overrides.
    #[arg(long, global = true, value_name = "DIR", env = "GEMWIKI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Config file (default: <data-dir>/config.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the wiki (the default when no subcommand is given).
    Serve(ServeArgs),
    /// Print the SHA-256 fingerprint of a PEM certificate, as accounts store it.
    Fingerprint {
        /// PEM file holding the certificate.
        cert: PathBuf,
    },
    /// Inspect and manage pages.
    #[command(subcommand)]
    Page(PageCommand),
    /// Inspect and manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Import a wiki: a Phoebe data directory, or a gemwiki export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Copy the database to FILE while the server runs, and check the copy.
    Backup {
        /// Where to write the copy (replaced if it exists).
        file: PathBuf,
    },
    /// Write every live page, every file and a manifest of all revisions to DIR.
    Export {
        /// A new or empty directory.
        dir: PathBuf,
    },
    /// Inspect or replace the server certificate.
    #[command(subcommand)]
    Tls(TlsCommand),
}

#[derive(Debug, Subcommand)]
pub enum TlsCommand {
    /// Print the server certificate's SHA-256 fingerprint, names and validity, and the
    /// configured hostnames it does not name.
    Show,
    /// Replace the generated server certificate with one for the configured hostnames,
    /// keeping the old pair as cert.pem.old and key.pem.old. Clients that pinned the old
    /// certificate will warn their users that it changed.
    Regenerate {
        /// Host names for the new certificate (repeatable; default: the configured ones).
        #[arg(long, value_name = "NAME")]
        hostname: Vec<String>,
        /// Confirm: every client that visited before will see a changed certificate.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a Phoebe wiki directory: every revision, deletion and file. Running it again
    /// adds only what is new.
    Phoebe {
        /// Phoebe's data directory (holding page/, keep/, changes.log).
        dir: PathBuf,
        /// Import this space (a sub-directory) instead of the main one.
        #[arg(long, value_name = "NAME")]
        space: Option<String>,
        /// Report what would be imported without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import a directory written by `gemwiki export`.
    Export {
        /// A directory written by `gemwiki export`.
        dir: PathBuf,
        /// Report what would be imported without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Overrides for `serve`; each replaces the config file's list when given.
#[derive(Debug, Default, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:1965 or [::]:1965 (repeatable).
    #[arg(long, value_name = "ADDR")]
    pub listen: Vec<String>,
    /// Host name this capsule answers to (repeatable).
    #[arg(long, value_name = "NAME")]
    pub hostname: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PageCommand {
    /// List live pages with their revision count and lock state.
    List,
    /// Print a page's stored text (the latest revision, or REVISION), byte for byte.
    Show {
        /// The page's name, e.g. "How to edit".
        name: String,
        /// A revision number (see `gemwiki page history NAME`).
        revision: Option<u32>,
    },
    /// List a page's revisions, newest first: number, time, author, size, summary.
    History {
        /// The page's name.
        name: String,
    },
    /// Import gemtext (.gmi) or Markdown (.md) files as pages named after the file stem.
    Import {
        /// Files ending in .gmi or .md; "Notes.md" becomes the page "Notes".
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Refuse edits to a page from everyone but admins.
    Lock {
        /// The page's name.
        name: String,
    },
    /// Allow edits to a locked page again.
    Unlock {
        /// The page's name.
        name: String,
    },
    /// Delete a page (a deletion revision; restorable).
    Delete {
        /// The page's name.
        name: String,
    },
    /// Make an old revision the current text again.
    Restore {
        /// The page's name.
        name: String,
        /// The revision to copy (see `gemwiki page history NAME`).
        revision: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List accounts: role, state, certificates and when one was last used.
    List,
    /// Show one account and its certificates.
    Show {
        /// The user name (case does not matter).
        name: String,
    },
    /// Activate a pending account.
    Approve {
        /// The user name.
        name: String,
    },
    /// Suspend an account: it can no longer edit (never the last active admin).
    Suspend {
        /// The user name.
        name: String,
    },
    /// Make an account an admin.
    Promote {
        /// The user name.
        name: String,
    },
    /// Make an admin an editor again (never the last active admin).
    Demote {
        /// The user name.
        name: String,
    },
    /// Bind a certificate fingerprint to an account, creating the account if needed.
    AddCert {
        /// The user name; a new active editor account if there is none.
        name: String,
        /// Fingerprint: hex, sha256$hex, SHA256:HEX or colon-separated.
        fingerprint: String,
    },
    /// Remove a certificate (by its 16-digit prefix) from an account.
    RevokeCert {
        /// The user name.
        name: String,
        /// The first 16 hex digits of the fingerprint, as `account show` lists them.
        prefix: String,
    },
    /// Print a one-time code (valid 24 hours) that binds a new certificate to the account at
    /// /do/account/claim: the way back in for someone whose certificates are lost or expired.
    LinkCode {
        /// The user name.
        name: String,
    },
    /// Undo every page edit the account made since a time (a vandal's spree): each page goes
    /// back to its revision before the account's first edit since then, as a new revision.
    /// Pages someone else edited afterwards are left alone and listed.
    Revert {
        /// The user name whose edits to undo.
        name: String,
        /// From when: a date `YYYY-MM-DD` (UTC midnight), Unix seconds, or a time ago (`6h`, `3d`).
        #[arg(long)]
        since: String,
        /// The admin the reverting revisions are attributed to (default: "system").
        #[arg(long)]
        by: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_subcommand_means_serve_defaults() {
        let cli = Cli::try_parse_from(["gemwiki"]).unwrap();
        assert!(cli.command.is_none());
        assert!(cli.data_dir.is_none());
    }

    #[test]
    fn data_dir_goes_before_or_after_the_subcommand() {
        let before = Cli::try_parse_from(["gemwiki", "--data-dir", "d", "page", "list"]).unwrap();
        let after = Cli::try_parse_from(["gemwiki", "page", "list", "--data-dir", "d"]).unwrap();
        assert_eq!(before.data_dir, Some(PathBuf::from("d")));
        assert_eq!(after.data_dir, Some(PathBuf::from("d")));
    }

    #[test]
    fn import_phoebe_takes_a_space_and_dry_run() {
        let cli = Cli::try_parse_from([
            "gemwiki",
            "import",
            "phoebe",
            "old",
            "--space",
            "notes",
            "--dry-run",
        ])
        .unwrap();
        let Some(Command::Import(ImportCommand::Phoebe {
            dir,
            space,
            dry_run,
        })) = cli.command
        else {
            panic!("expected import phoebe");
        };
        assert_eq!(
            (dir, space, dry_run),
            ("old".into(), Some("notes".into()), true)
        );
    }

    #[test]
    fn every_positional_argument_has_help() {
        use clap::CommandFactory;
        fn check(command: &clap::Command, path: &str) {
            for arg in command.get_positionals() {
                assert!(
                    arg.get_help().is_some(),
                    "{path} {} has no help",
                    arg.get_id()
                );
            }
            for sub in command.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        check(&Cli::command(), "gemwiki");
    }

    #[test]
    fn page_show_takes_an_optional_revision() {
        let cli = Cli::try_parse_from(["gemwiki", "page", "show", "Welcome", "2"]).unwrap();
        let Some(Command::Page(PageCommand::Show { name, revision })) = cli.command else {
            panic!("expected page show");
        };
        assert_eq!((name.as_str(), revision), ("Welcome", Some(2)));
    }

    #[test]
    fn listen_and_hostname_repeat() {
        let cli = Cli::try_parse_from([
            "gemwiki",
            "serve",
            "--listen",
            "0.0.0.0:1965",
            "--listen",
            "[::]:1965",
            "--hostname",
            "a.example",
            "--hostname",
            "b.example",
        ])
        .unwrap();
        let Some(Command::Serve(args)) = cli.command else {
            panic!("expected serve");
        };
        assert_eq!(args.listen, ["0.0.0.0:1965", "[::]:1965"]);
        assert_eq!(args.hostname, ["a.example", "b.example"]);
    }
}
