//! Path → [`Route`]: the one table of what every URL means. Pure and table-tested; page
//! names are validated here so handlers only ever see a [`PageName`]. Every state-changing
//! route takes an optional action token as its last segment (SPEC §3.0); the router only
//! carries it, the handler checks it.

use crate::gemini::{Request, Scheme};
use crate::wiki::{PageName, PageNameError};

/// Every resource gemwiki serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Robots,
    Page {
        name: PageName,
        rev: Option<u32>,
    },
    Raw {
        name: PageName,
        rev: Option<u32>,
    },
    History {
        name: PageName,
        page: u32,
    },
    Diff {
        name: PageName,
        rev: u32,
    },
    /// An uploaded file: the current version, or version `version`.
    File {
        name: PageName,
        version: Option<u32>,
    },
    Index {
        page: u32,
    },
    /// `/do/files`: the uploaded files, paged.
    Files {
        page: u32,
    },
    Changes {
        page: u32,
    },
    Atom,
    Search,
    New,
    Register {
        token: Option<String>,
    },
    Account,
    AccountLink,
    AccountClaim {
        token: Option<String>,
    },
    AccountRevoke {
        prefix: String,
        token: Option<String>,
    },
    Edit {
        name: PageName,
    },
    EditAction {
        name: PageName,
        action: EditAction,
        token: Option<String>,
    },
    Admin {
        action: AdminAction,
        token: Option<String>,
    },
    /// A Titan upload to `/raw/<name>[/<base>]`.
    Upload {
        name: PageName,
        base: Option<u32>,
    },
    /// A Titan upload to `/page/<name>[/<rev>]` or `/do/edit/<name>`: what a client's "edit
    /// this page" sends (the rendered page, chrome and all), refused with the `;edit` URL.
    MisdirectedUpload {
        name: PageName,
    },
    /// `/do/draft/<id>`: an upload kept because it conflicted; `raw` for its text as sent.
    Draft {
        id: String,
        raw: bool,
    },
    /// A Phoebe URL whose meaning differs here, answered with a `31` redirect (SPEC §9).
    Moved(Moved),
    NotFound,
}

/// Phoebe's URLs that keep working after a move from Phoebe, by redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// `/do/rss` → `/do/atom`.
    Rss,
    /// `/do/all/changes` (every space's changes) → `/do/changes`.
    AllChanges,
    /// `/do/all/atom` → `/do/atom`.
    AllAtom,
    /// `/do/match` (page names matching a word) → `/do/search`, query kept.
    Match,
    /// `/diff/<name>`: the latest change → `/diff/<name>/<current revision>`.
    DiffLatest { name: PageName },
    /// `/<space>/<route>`: a Phoebe space; redirected to `<route>` when this wiki holds that
    /// space (`[phoebe] spaces`), else `51`.
    Space { space: String, rest: Box<Route> },
}

/// The input-driven edits offered on `/do/edit/<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditAction {
    Append,
    Replace,
    Delete,
    /// The edit summary (revision comment) of your latest edit.
    Summary,
}

impl EditAction {
    /// The path segment naming the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Append => "append",
            Self::Replace => "replace",
            Self::Delete => "delete",
            Self::Summary => "summary",
        }
    }

    /// The action a path segment names, if any.
    pub fn from_str_opt(segment: &str) -> Option<Self> {
        [Self::Append, Self::Replace, Self::Delete, Self::Summary]
            .into_iter()
            .find(|action| action.as_str() == segment)
    }
}

/// What an admin can do from `/do/admin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAction {
    Overview,
    Approve {
        account: String,
    },
    Suspend {
        account: String,
    },
    Promote {
        account: String,
    },
    Demote {
        account: String,
    },
    Lock {
        name: PageName,
    },
    Unlock {
        name: PageName,
    },
    Restore {
        name: PageName,
        rev: u32,
    },
    /// Undo every page edit by the account since a time the admin types (a `10` prompt).
    Revert {
        account: String,
    },
    /// `/do/admin/page`: asks which page, then sends to its tools (acts on nothing).
    FindPage,
    /// `/do/admin/page/<name>`: lock, unlock and restore links for any page (acts on nothing).
    PageTools {
        name: PageName,
    },
}

/// Why a path could not be routed (answered with `59`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("Invalid page name: {0}")]
    BadName(#[from] PageNameError),
    #[error("A revision is a positive whole number, like /page/Welcome/2")]
    BadRevision,
    #[error("Titan uploads go to titan://…/raw/<page name>; this path takes none")]
    NoUploadHere,
    #[error("A draft id is 32 hexadecimal digits, as in the link the upload answered with")]
    BadDraft,
}

impl AdminAction {
    /// The path segment naming the action (`overview` has none).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Approve { .. } => "approve",
            Self::Suspend { .. } => "suspend",
            Self::Promote { .. } => "promote",
            Self::Demote { .. } => "demote",
            Self::Lock { .. } => "lock",
            Self::Unlock { .. } => "unlock",
            Self::Restore { .. } => "restore",
            Self::Revert { .. } => "revert",
            Self::FindPage | Self::PageTools { .. } => "page",
        }
    }
}

impl Route {
    /// Routes a parsed request.
    ///
    /// # Errors
    /// A malformed page name or revision, or a Titan upload to a path that takes none.
    pub fn from_request(request: &Request) -> Result<Self, RouteError> {
        let mut segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        if segments.last() == Some(&"") {
            segments.pop();
        }
        if request.scheme == Scheme::Titan {
            return match segments.as_slice() {
                ["raw", name] => Ok(Self::Upload {
                    name: PageName::new(name)?,
                    base: None,
                }),
                ["raw", name, base] => Ok(Self::Upload {
                    name: PageName::new(name)?,
                    base: Some(revision(base)?),
                }),
                ["page", name] | ["page", name, _] | ["do", "edit", name] => {
                    Ok(Self::MisdirectedUpload {
                        name: PageName::new(name)?,
                    })
                }
                _ => Err(RouteError::NoUploadHere),
            };
        }
        let page = list_page(request.query.as_deref());
        Self::from_segments(&segments, page)
    }

    fn from_segments(segments: &[&str], page: u32) -> Result<Self, RouteError> {
        let name = |s: &str| PageName::new(s);
        Ok(match segments {
            [] => Self::Home,
            ["robots.txt"] => Self::Robots,
            ["page", n] => Self::Page {
                name: name(n)?,
                rev: None,
            },
            ["page", n, r] => Self::Page {
                name: name(n)?,
                rev: Some(revision(r)?),
            },
            ["raw", n] => Self::Raw {
                name: name(n)?,
                rev: None,
            },
            ["raw", n, r] => Self::Raw {
                name: name(n)?,
                rev: Some(revision(r)?),
            },
            ["history", n] => Self::History {
                name: name(n)?,
                page,
            },
            ["diff", n, r] => Self::Diff {
                name: name(n)?,
                rev: revision(r)?,
            },
            ["file", n] => Self::File {
                name: name(n)?,
                version: None,
            },
            ["file", n, v] => Self::File {
                name: name(n)?,
                version: Some(revision(v)?),
            },
            ["diff", n] => Self::Moved(Moved::DiffLatest { name: name(n)? }),
            ["do", rest @ ..] => Self::from_do(rest, page)?,
            [space, rest @ ..] if !rest.is_empty() => match Self::from_segments(rest, page)? {
                Self::NotFound | Self::Home | Self::Moved(Moved::Space { .. }) => Self::NotFound,
                route => Self::Moved(Moved::Space {
                    space: (*space).to_string(),
                    rest: Box::new(route),
                }),
            },
            _ => Self::NotFound,
        })
    }

    fn from_do(rest: &[&str], page: u32) -> Result<Self, RouteError> {
        let name = |s: &str| PageName::new(s);
        let token = |t: &str| Some(t.to_string());
        Ok(match rest {
            ["index"] => Self::Index { page },
            ["files"] => Self::Files { page },
            ["changes"] => Self::Changes { page },
            ["atom"] => Self::Atom,
            ["rss"] => Self::Moved(Moved::Rss),
            ["all", "changes"] => Self::Moved(Moved::AllChanges),
            ["all", "atom"] => Self::Moved(Moved::AllAtom),
            ["match"] => Self::Moved(Moved::Match),
            ["search"] => Self::Search,
            ["new"] => Self::New,
            ["register"] => Self::Register { token: None },
            ["register", t] => Self::Register { token: token(t) },
            ["account"] => Self::Account,
            ["account", "link"] => Self::AccountLink,
            ["account", "claim"] => Self::AccountClaim { token: None },
            ["account", "claim", t] => Self::AccountClaim { token: token(t) },
            ["account", "revoke", prefix, t @ ..] if t.len() <= 1 => Self::AccountRevoke {
                prefix: prefix.to_ascii_lowercase(),
                token: t.first().and_then(|t| token(t)),
            },
            ["draft", id] => Self::Draft {
                id: draft_id(id)?,
                raw: false,
            },
            ["draft", id, "raw"] => Self::Draft {
                id: draft_id(id)?,
                raw: true,
            },
            ["edit", n] => Self::Edit { name: name(n)? },
            ["edit", n, action, t @ ..] if t.len() <= 1 => {
                let Some(action) = EditAction::from_str_opt(action) else {
                    return Ok(Self::NotFound);
                };
                Self::EditAction {
                    name: name(n)?,
                    action,
                    token: t.first().and_then(|t| token(t)),
                }
            }
            ["admin"] => Self::Admin {
                action: AdminAction::Overview,
                token: None,
            },
            ["admin", admin @ ..] => Self::admin(admin)?,
            _ => Self::NotFound,
        })
    }

    /// `/do/admin/<action>/<target…>[/<token>]`.
    fn admin(segments: &[&str]) -> Result<Self, RouteError> {
        let name = |s: &str| PageName::new(s);
        let (action, token) = match segments {
            ["page"] => (AdminAction::FindPage, None),
            ["page", target] => (
                AdminAction::PageTools {
                    name: name(target)?,
                },
                None,
            ),
            ["approve" | "suspend" | "promote" | "demote" | "lock" | "unlock" | "revert", target, t @ ..]
            | ["restore", target, _, t @ ..]
                if t.len() <= 1 =>
            {
                let token = t.first().map(|t| (*t).to_string());
                let action = match segments[0] {
                    "approve" => AdminAction::Approve {
                        account: (*target).to_string(),
                    },
                    "suspend" => AdminAction::Suspend {
                        account: (*target).to_string(),
                    },
                    "promote" => AdminAction::Promote {
                        account: (*target).to_string(),
                    },
                    "demote" => AdminAction::Demote {
                        account: (*target).to_string(),
                    },
                    "lock" => AdminAction::Lock {
                        name: name(target)?,
                    },
                    "unlock" => AdminAction::Unlock {
                        name: name(target)?,
                    },
                    "revert" => AdminAction::Revert {
                        account: (*target).to_string(),
                    },
                    _ => AdminAction::Restore {
                        name: name(target)?,
                        rev: revision(segments[2])?,
                    },
                };
                (action, token)
            }
            _ => return Ok(Self::NotFound),
        };
        Ok(Self::Admin { action, token })
    }

    /// Whether answering takes only a few indexed reads of at most one page and no write.
    ///
    /// These run on the async runtime's own thread: SQLite in WAL mode reads them from the
    /// page cache in tens of microseconds without waiting for writers, and skipping the
    /// blocking-pool hand-off measured 12–15 % less server CPU per page request. Search (it
    /// may rank thousands of matches), diff (up to its deadline of CPU) and every route that
    /// needs an identity (they write) go to the blocking pool.
    pub fn is_quick_read(&self) -> bool {
        matches!(
            self,
            Self::Home
                | Self::Robots
                | Self::Page { .. }
                | Self::Raw { .. }
                | Self::History { .. }
                | Self::File { .. }
                | Self::Index { .. }
                | Self::Files { .. }
                | Self::Changes { .. }
                | Self::Atom
                | Self::New
                | Self::Moved(_)
                | Self::NotFound
        )
    }
}

/// A draft id: 32 lowercase hex digits (see migration 0004).
fn draft_id(segment: &str) -> Result<String, RouteError> {
    let id = segment.to_ascii_lowercase();
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(RouteError::BadDraft)
    }
}

fn revision(segment: &str) -> Result<u32, RouteError> {
    match segment.parse::<u32>() {
        Ok(n) if n > 0 && segment.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(RouteError::BadRevision),
    }
}

/// The list page asked for with `?page=N` (or `?N`); 1 when absent or unreadable.
pub fn list_page(query: Option<&str>) -> u32 {
    query
        .map(|q| q.strip_prefix("page=").unwrap_or(q))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Result<Route, RouteError> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let segments: Vec<&str> = if segments == [""] { vec![] } else { segments };
        let mut segments = segments;
        if segments.last() == Some(&"") {
            segments.pop();
        }
        Route::from_segments(&segments, 1)
    }

    fn page(name: &str) -> PageName {
        PageName::new(name).unwrap()
    }

    #[test]
    fn reading_routes() {
        let table = [
            ("/", Route::Home),
            ("/robots.txt", Route::Robots),
            (
                "/page/Welcome",
                Route::Page {
                    name: page("Welcome"),
                    rev: None,
                },
            ),
            (
                "/page/Welcome/",
                Route::Page {
                    name: page("Welcome"),
                    rev: None,
                },
            ),
            (
                "/page/A B/3",
                Route::Page {
                    name: page("A B"),
                    rev: Some(3),
                },
            ),
            (
                "/raw/Welcome",
                Route::Raw {
                    name: page("Welcome"),
                    rev: None,
                },
            ),
            (
                "/raw/Welcome/2",
                Route::Raw {
                    name: page("Welcome"),
                    rev: Some(2),
                },
            ),
            (
                "/history/Welcome",
                Route::History {
                    name: page("Welcome"),
                    page: 1,
                },
            ),
            (
                "/diff/Welcome/2",
                Route::Diff {
                    name: page("Welcome"),
                    rev: 2,
                },
            ),
            (
                "/file/logo.png",
                Route::File {
                    name: page("logo.png"),
                    version: None,
                },
            ),
            (
                "/file/logo.png/2",
                Route::File {
                    name: page("logo.png"),
                    version: Some(2),
                },
            ),
            ("/do/index", Route::Index { page: 1 }),
            ("/do/changes", Route::Changes { page: 1 }),
            ("/do/atom", Route::Atom),
            ("/do/search", Route::Search),
            ("/do/new", Route::New),
            ("/nothing/here", Route::NotFound),
            ("/page", Route::NotFound),
            ("/do/edit/X/frobnicate", Route::NotFound),
            ("/do/edit/X/append/t/extra", Route::NotFound),
            ("/do/admin/restore/X", Route::NotFound),
            ("/do/admin/lock/X/t/extra", Route::NotFound),
        ];
        for (path, expected) in table {
            let routed = route(path).unwrap();
            // Search ranks, diff diffs: they alone leave the runtime thread.
            let slow = matches!(expected, Route::Search | Route::Diff { .. });
            assert_eq!(routed.is_quick_read(), !slow, "{path}");
            assert_eq!(routed, expected, "{path}");
        }
    }

    #[test]
    fn identity_routes() {
        let table = [
            ("/do/register", Route::Register { token: None }),
            (
                "/do/register/T0k",
                Route::Register {
                    token: Some("T0k".into()),
                },
            ),
            ("/do/account", Route::Account),
            ("/do/account/link", Route::AccountLink),
            ("/do/account/claim", Route::AccountClaim { token: None }),
            (
                "/do/account/claim/T0k",
                Route::AccountClaim {
                    token: Some("T0k".into()),
                },
            ),
            (
                "/do/account/revoke/ABCDEF0123456789",
                Route::AccountRevoke {
                    prefix: "abcdef0123456789".into(),
                    token: None,
                },
            ),
            (
                "/do/account/revoke/ABCDEF0123456789/T0k",
                Route::AccountRevoke {
                    prefix: "abcdef0123456789".into(),
                    token: Some("T0k".into()),
                },
            ),
            (
                "/do/edit/Welcome",
                Route::Edit {
                    name: page("Welcome"),
                },
            ),
            (
                "/do/edit/Welcome/append",
                Route::EditAction {
                    name: page("Welcome"),
                    action: EditAction::Append,
                    token: None,
                },
            ),
            (
                "/do/edit/Welcome/summary/T0k",
                Route::EditAction {
                    name: page("Welcome"),
                    action: EditAction::Summary,
                    token: Some("T0k".into()),
                },
            ),
            (
                "/do/edit/Welcome/delete",
                Route::EditAction {
                    name: page("Welcome"),
                    action: EditAction::Delete,
                    token: None,
                },
            ),
            (
                "/do/admin",
                Route::Admin {
                    action: AdminAction::Overview,
                    token: None,
                },
            ),
            (
                "/do/admin/restore/Welcome/1",
                Route::Admin {
                    action: AdminAction::Restore {
                        name: page("Welcome"),
                        rev: 1,
                    },
                    token: None,
                },
            ),
            (
                "/do/admin/restore/Welcome/1/T0k",
                Route::Admin {
                    action: AdminAction::Restore {
                        name: page("Welcome"),
                        rev: 1,
                    },
                    token: Some("T0k".into()),
                },
            ),
            (
                "/do/admin/lock/Welcome/T0k",
                Route::Admin {
                    action: AdminAction::Lock {
                        name: page("Welcome"),
                    },
                    token: Some("T0k".into()),
                },
            ),
        ];
        for (path, expected) in table {
            let routed = route(path).unwrap();
            assert!(
                !routed.is_quick_read(),
                "{path} writes or needs an identity"
            );
            assert_eq!(routed, expected, "{path}");
        }
    }

    #[test]
    fn bad_names_and_revisions_are_errors() {
        assert_eq!(route("/page/Welcome/x"), Err(RouteError::BadRevision));
        assert_eq!(route("/page/Welcome/0"), Err(RouteError::BadRevision));
        assert_eq!(route("/page/Welcome/+1"), Err(RouteError::BadRevision));
        assert_eq!(
            route("/page/.."),
            Err(RouteError::BadName(PageNameError::Dots))
        );
        assert_eq!(
            route("/page/ x"),
            Err(RouteError::BadName(PageNameError::OuterSpace))
        );
    }

    #[test]
    fn list_page_reads_page_parameter() {
        assert_eq!(list_page(None), 1);
        assert_eq!(list_page(Some("page=3")), 3);
        assert_eq!(list_page(Some("4")), 4);
        assert_eq!(list_page(Some("page=0")), 1);
        assert_eq!(list_page(Some("junk")), 1);
    }
}
