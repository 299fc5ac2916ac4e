//! The domain types the store hands out and takes in: pages, revisions, changes, search hits,
//! files and accounts, plus the outcome enums for the results callers are expected to handle.
//! Plain data only: no SQL, no rusqlite types, no I/O.

use std::fmt;
use std::str::FromStr;

use crate::identity::Fingerprint;
use crate::wiki::{PageFormat, PageName};

/// Who made a revision or uploaded a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The wiki itself, e.g. starter pages.
    System,
    /// A token-authorised edit without a certificate.
    Anonymous,
    /// A registered account, by id.
    Account(i64),
}

/// One revision of a page, with its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub name: PageName,
    /// 1 for the first revision of a page, then consecutive.
    pub number: u32,
    pub text: String,
    pub format: PageFormat,
    /// The account name, or "system" / "anonymous".
    pub author: String,
    /// Unix seconds, UTC.
    pub created: i64,
    /// Size of `text` in bytes.
    pub size: u64,
    /// Whether this revision deleted the page (its text is then empty).
    pub deleted: bool,
    pub comment: Option<String>,
}

/// A page's latest revision and its page-level flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The latest revision; check `current.deleted` before showing it.
    pub current: Revision,
    pub locked: bool,
    /// How many revisions the page has (the number of the latest one).
    pub revisions: u32,
}

/// One line of the page index as the CLI lists it: a live page, its revision count and lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageListing {
    pub name: PageName,
    /// The number of the latest revision, which is how many revisions the page has.
    pub revisions: u32,
    pub locked: bool,
}

/// One line of a page's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionSummary {
    pub number: u32,
    pub created: i64,
    pub author: String,
    pub size: u64,
    /// Bytes added (positive) or removed (negative) relative to the previous revision.
    pub size_delta: i64,
    pub deleted: bool,
    pub comment: Option<String>,
}

/// One line of the recent-changes list (or of an account's edits): a page revision or an
/// uploaded file's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The page's or the file's name.
    pub name: PageName,
    /// The revision's or the file version's number.
    pub number: u32,
    pub created: i64,
    pub author: String,
    /// Bytes added (positive) or removed (negative) relative to the previous revision or
    /// version (the whole size for the first).
    pub size_delta: i64,
    /// The edit summary; files have none.
    pub comment: Option<String>,
    pub kind: ChangeKind,
}

/// What a [`Change`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A page revision; `deleted` if it deleted the page.
    Page { deleted: bool },
    /// An uploaded file's version: its MIME type and size in bytes.
    File { mime: String, size: u64 },
}

impl Change {
    /// Whether this change deleted a page.
    pub fn deleted(&self) -> bool {
        matches!(self.kind, ChangeKind::Page { deleted: true })
    }

    /// What an upload was, worded alike in every front-end's lists: `uploaded image/png,
    /// 6 bytes` (then `, version N` after the first, as `/do/files` says it); `None` for a
    /// page revision.
    pub fn upload_summary(&self) -> Option<String> {
        let ChangeKind::File { mime, size } = &self.kind else {
            return None;
        };
        let version = match self.number {
            1 => String::new(),
            n => format!(", version {n}"),
        };
        Some(format!("uploaded {mime}, {size} bytes{version}"))
    }
}

/// A page found by a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub name: PageName,
    /// A short single-line excerpt of the body, without markup; `…` marks cut text.
    pub snippet: String,
    /// Whether every search word is in the page name (such hits come first).
    pub title_match: bool,
}

/// The current version of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: PageName,
    pub mime: String,
    pub data: Vec<u8>,
    pub created: i64,
    pub author: String,
}

/// One uploaded file in the list of files: its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub name: PageName,
    pub mime: String,
    /// Size of the current version in bytes.
    pub size: u64,
    /// When the current version was uploaded (Unix seconds, UTC), and by whom.
    pub created: i64,
    pub author: String,
    /// How many versions were uploaded.
    pub versions: u32,
}

/// A page an account edited since some time, for reverting its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditsSince {
    pub name: PageName,
    /// The number of the account's first revision of the page since then.
    pub first: u32,
    /// Whether someone else made a revision after it (a revert would undo their work too).
    pub edited_by_others_after: bool,
}

/// What reverting one account's edits did to one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reverted {
    /// The account created the page: it was deleted, as this revision.
    Deleted { name: PageName, revision: u32 },
    /// The account created the page and it is deleted already.
    AlreadyDeleted { name: PageName },
    /// The page is back to revision `to`, as the new revision `revision`.
    Restored {
        name: PageName,
        to: u32,
        revision: u32,
    },
    /// The text was already what revision `to` holds: nothing to save.
    Unchanged { name: PageName, to: u32 },
    /// Someone else edited the page afterwards; reverting would undo their work too.
    LeftAlone { name: PageName },
}

impl Reverted {
    /// The page this is about.
    pub fn name(&self) -> &PageName {
        match self {
            Self::Deleted { name, .. }
            | Self::AlreadyDeleted { name }
            | Self::Restored { name, .. }
            | Self::Unchanged { name, .. }
            | Self::LeftAlone { name } => name,
        }
    }

    /// Whether the page was left as it was because someone else edited it since.
    pub fn left_alone(&self) -> bool {
        matches!(self, Self::LeftAlone { .. })
    }
}

/// A page revision to be saved.
#[derive(Debug, Clone, Copy)]
pub struct NewRevision<'a> {
    pub name: &'a PageName,
    pub text: &'a str,
    pub format: PageFormat,
    pub author: Author,
    pub comment: Option<&'a str>,
    /// Unix seconds, UTC, recorded as the revision's creation time.
    pub now: i64,
}

/// What saving a page (or file) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// A new revision with this number was written.
    Created(u32),
    /// The content equals the current live revision, which has this number; nothing written.
    Unchanged(u32),
}

/// What deleting a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// The deletion was recorded as the revision with this number.
    Deleted(u32),
    /// No such page, or it is already deleted.
    NotFound,
}

/// What an account may do beyond reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Editor,
    Admin,
}

/// Whether an account may act at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountState {
    Active,
    /// Waiting for an admin's approval.
    Pending,
    Suspended,
}

/// A text that is not the name of a [`Role`] or [`AccountState`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}: expected one of {expected}")]
pub struct UnknownVariant {
    kind: &'static str,
    value: String,
    expected: &'static str,
}

/// Implements `as_str`, `Display` and `FromStr` over a fixed list of lowercase names.
macro_rules! named_variants {
    ($type:ident, $kind:literal, $expected:literal, { $($variant:ident => $name:literal),+ }) => {
        impl $type {
            /// The lowercase name stored in the database and shown to people.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $type {
            type Err = UnknownVariant;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                match input {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(UnknownVariant {
                        kind: $kind,
                        value: input.to_owned(),
                        expected: $expected,
                    }),
                }
            }
        }
    };
}

named_variants!(Role, "role", "editor, admin", {
    Editor => "editor",
    Admin => "admin"
});

named_variants!(AccountState, "account state", "active, pending, suspended", {
    Active => "active",
    Pending => "pending",
    Suspended => "suspended"
});

/// A registered account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// The name as registered; unique ignoring case.
    pub name: String,
    pub role: Role,
    pub state: AccountState,
    pub created: i64,
}

/// A certificate bound to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRecord {
    pub fingerprint: Fingerprint,
    pub common_name: Option<String>,
    pub not_before: i64,
    pub not_after: i64,
    /// When it was bound to the account.
    pub added: i64,
    /// When it was last seen on a request, if ever.
    pub last_used: Option<i64>,
}

/// What creating an account did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateAccount {
    Created(Account),
    /// Another account has this name, ignoring case.
    NameTaken,
    /// The certificate is already bound to an account.
    CertificateInUse,
}

/// What claiming a link code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The certificate is now bound to this account.
    Bound(Account),
    /// The code is wrong, already used or expired.
    InvalidCode,
    /// The certificate is already bound to an account; the code stays unused.
    CertificateInUse,
}

/// What revoking a certificate did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    /// None of this account's certificates has that fingerprint prefix.
    NotFound,
    /// Refused: it is the account's only certificate, which would lock the account out.
    LastCertificate,
}

/// One revision of a page as an import source knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRevision {
    /// The full text, or `None` for a deletion.
    pub text: Option<String>,
    pub format: PageFormat,
    /// Unix seconds, UTC.
    pub created: i64,
    /// An account-less author label, shown as the author (e.g. `phoebe-1451`).
    pub author: String,
    pub comment: Option<String>,
}

/// What importing one page did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageImport {
    /// Revisions `first..=last` were added (the ones before were already here).
    Added { first: u32, last: u32 },
    /// The page already holds every revision; nothing written.
    UpToDate,
    /// The page here has a history of its own: its revision `number` is not the imported
    /// one. Nothing written.
    Conflict { number: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_states_round_trip_through_their_names() {
        for role in [Role::Editor, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        for state in [
            AccountState::Active,
            AccountState::Pending,
            AccountState::Suspended,
        ] {
            assert_eq!(state.to_string().parse::<AccountState>(), Ok(state));
        }
    }

    #[test]
    fn uploads_are_summarised_and_page_revisions_are_not() {
        let change = |number, kind| Change {
            name: PageName::new("logo.png").unwrap(),
            number,
            created: 0,
            author: "ada".into(),
            size_delta: 0,
            comment: None,
            kind,
        };
        let png = || ChangeKind::File {
            mime: "image/png".into(),
            size: 12,
        };
        let first = change(1, png());
        assert_eq!(
            first.upload_summary().as_deref(),
            Some("uploaded image/png, 12 bytes")
        );
        assert!(!first.deleted());
        assert_eq!(
            change(3, png()).upload_summary().as_deref(),
            Some("uploaded image/png, 12 bytes, version 3")
        );
        let deletion = change(2, ChangeKind::Page { deleted: true });
        assert_eq!(deletion.upload_summary(), None);
        assert!(deletion.deleted());
    }

    #[test]
    fn unknown_names_are_refused_with_the_choices() {
        let err = "Admin".parse::<Role>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown role \"Admin\": expected one of editor, admin"
        );
        assert!("gone".parse::<AccountState>().is_err());
    }
}
