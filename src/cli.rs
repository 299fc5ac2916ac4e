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
    /// List live pages.
    List,
    /// Import gemtext (.gmi) or Markdown (.md) files as pages named after the file stem.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Refuse edits to a page from everyone but admins.
    Lock { name: String },
    /// Allow edits to a locked page again.
    Unlock { name: String },
    /// Delete a page (a deletion revision; restorable).
    Delete { name: String },
    /// Make an old revision the current text again.
    Restore { name: String, revision: u32 },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List accounts.
    List,
    /// Show one account and its certificates.
    Show { name: String },
    /// Activate a pending account.
    Approve { name: String },
    /// Suspend an account: it can no longer edit.
    Suspend { name: String },
    /// Make an account an admin.
    Promote { name: String },
    /// Make an admin an editor again.
    Demote { name: String },
    /// Bind a certificate fingerprint to an account, creating the account if needed.
    AddCert {
        name: String,
        /// Fingerprint: hex, sha256$hex, SHA256:HEX or colon-separated.
        fingerprint: String,
    },
    /// Remove a certificate (by its 16-digit prefix) from an account.
    RevokeCert { name: String, prefix: String },
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
