//! Every URL the Gemini front-end prints, built in one place: [`path`] is the inverse of the
//! router ([`Route::from_request`]), so a path segment added to a route (a revision, an action
//! token) is one change here. Templates get the same builder as functions (see
//! [`register`]), so no handler or template concatenates a URL by hand.

use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::router::{AdminAction, EditAction, Moved, Route};
use crate::gemini::Request;
use crate::wiki::PageName;

/// Characters left as they are in one path segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub const HOME: &str = "/";
pub const INDEX: &str = "/do/index";
pub const FILES: &str = "/do/files";
pub const CHANGES: &str = "/do/changes";
pub const ATOM: &str = "/do/atom";
pub const SEARCH: &str = "/do/search";
pub const NEW: &str = "/do/new";
pub const REGISTER: &str = "/do/register";
pub const ACCOUNT: &str = "/do/account";
pub const ADMIN: &str = "/do/admin";
pub const ACCOUNT_LINK: &str = "/do/account/link";
pub const ACCOUNT_CLAIM: &str = "/do/account/claim";

/// One path segment, percent-encoded.
pub fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// The absolute path of `route` on this capsule.
pub fn path(route: &Route) -> String {
    let n = |name: &PageName| name.encoded();
    match route {
        Route::Home | Route::NotFound => HOME.into(),
        Route::Robots => "/robots.txt".into(),
        Route::Page { name, rev: None } => format!("/page/{}", n(name)),
        Route::Page {
            name,
            rev: Some(rev),
        } => format!("/page/{}/{rev}", n(name)),
        Route::Raw { name, rev: None }
        | Route::Upload { name, base: None }
        | Route::MisdirectedUpload { name } => format!("/raw/{}", n(name)),
        Route::Raw {
            name,
            rev: Some(rev),
        }
        | Route::Upload {
            name,
            base: Some(rev),
        } => format!("/raw/{}/{rev}", n(name)),
        Route::History { name, page } => with_page(&format!("/history/{}", n(name)), *page),
        Route::Diff { name, rev } => format!("/diff/{}/{rev}", n(name)),
        Route::File { name, version } => match version {
            None => format!("/file/{}", n(name)),
            Some(v) => format!("/file/{}/{v}", n(name)),
        },
        Route::Index { page } => with_page(INDEX, *page),
        Route::Files { page } => with_page(FILES, *page),
        Route::Changes { page } => with_page(CHANGES, *page),
        Route::Atom => ATOM.into(),
        Route::Search => SEARCH.into(),
        Route::New => NEW.into(),
        Route::Register { token } => with_token(REGISTER.into(), token),
        Route::Account => ACCOUNT.into(),
        Route::AccountLink => ACCOUNT_LINK.into(),
        Route::AccountClaim { token } => with_token(ACCOUNT_CLAIM.into(), token),
        Route::AccountRevoke { prefix, token } => {
            with_token(format!("/do/account/revoke/{}", segment(prefix)), token)
        }
        Route::Draft { id, raw: false } => format!("/do/draft/{}", segment(id)),
        Route::Draft { id, raw: true } => format!("/do/draft/{}/raw", segment(id)),
        Route::Edit { name } => format!("/do/edit/{}", n(name)),
        Route::EditAction {
            name,
            action,
            token,
        } => with_token(format!("/do/edit/{}/{}", n(name), action.as_str()), token),
        Route::Admin { action, token } => with_token(admin(action), token),
        Route::Moved(moved) => phoebe(moved),
    }
}

/// `base/<token>` when there is a token (the last path segment of every action).
fn with_token(base: String, token: &Option<String>) -> String {
    match token {
        Some(token) => format!("{base}/{}", segment(token)),
        None => base,
    }
}

/// The Phoebe URL a [`Moved`] route answers.
fn phoebe(moved: &Moved) -> String {
    match moved {
        Moved::Rss => "/do/rss".into(),
        Moved::AllChanges => "/do/all/changes".into(),
        Moved::AllAtom => "/do/all/atom".into(),
        Moved::Match => "/do/match".into(),
        Moved::DiffLatest { name } => format!("/diff/{}", name.encoded()),
        Moved::Space { space, rest } => format!("/{}{}", segment(space), path(rest)),
    }
}

fn admin(action: &AdminAction) -> String {
    match action {
        AdminAction::Overview => ADMIN.into(),
        AdminAction::Approve { account } => format!("{ADMIN}/approve/{}", segment(account)),
        AdminAction::Suspend { account } => format!("{ADMIN}/suspend/{}", segment(account)),
        AdminAction::Promote { account } => format!("{ADMIN}/promote/{}", segment(account)),
        AdminAction::Demote { account } => format!("{ADMIN}/demote/{}", segment(account)),
        AdminAction::Lock { name } => format!("{ADMIN}/lock/{}", name.encoded()),
        AdminAction::Unlock { name } => format!("{ADMIN}/unlock/{}", name.encoded()),
        AdminAction::Restore { name, rev } => {
            format!("{ADMIN}/restore/{}/{rev}", name.encoded())
        }
        AdminAction::Revert { account } => format!("{ADMIN}/revert/{}", segment(account)),
        AdminAction::FindPage => format!("{ADMIN}/page"),
        AdminAction::PageTools { name } => format!("{ADMIN}/page/{}", name.encoded()),
    }
}

/// `base?page=N` for list pages after the first.
fn with_page(base: &str, page: u32) -> String {
    if page > 1 {
        format!("{base}?page={page}")
    } else {
        base.to_string()
    }
}

/// `/page/<name>`.
pub fn page(name: &PageName) -> String {
    path(&Route::Page {
        name: name.clone(),
        rev: None,
    })
}

/// `/history/<name>`.
pub fn history(name: &PageName) -> String {
    path(&Route::History {
        name: name.clone(),
        page: 1,
    })
}

/// `/do/edit/<name>`.
pub fn edit(name: &PageName) -> String {
    path(&Route::Edit { name: name.clone() })
}

/// `/diff/<name>/<rev>`.
pub fn diff(name: &PageName, rev: u32) -> String {
    path(&Route::Diff {
        name: name.clone(),
        rev,
    })
}

/// `/file/<name>`: an uploaded file (its current version).
pub fn file(name: &PageName) -> String {
    path(&Route::File {
        name: name.clone(),
        version: None,
    })
}

/// `/file/<name>/<version>`: one uploaded version, for the lists of changes.
pub fn file_version(name: &PageName, version: u32) -> String {
    path(&Route::File {
        name: name.clone(),
        version: Some(version),
    })
}

/// `/do/edit/<name>/<action>/<token>`: an edit action, tokenized.
pub fn edit_action(name: &PageName, action: EditAction, token: String) -> String {
    path(&Route::EditAction {
        name: name.clone(),
        action,
        token: Some(token),
    })
}

/// `/do/admin/<action>/…` for the views that act on nothing (the overview, page tools).
pub fn admin_view(action: &AdminAction) -> String {
    admin(action)
}

/// `/do/admin/<action>/…/<token>`: an admin action, tokenized.
pub fn admin_action_url(action: &AdminAction, token: String) -> String {
    path(&Route::Admin {
        action: action.clone(),
        token: Some(token),
    })
}

/// `/do/account/revoke/<prefix>/<token>`.
pub fn revoke(prefix: &str, token: String) -> String {
    path(&Route::AccountRevoke {
        prefix: prefix.to_string(),
        token: Some(token),
    })
}

/// `/do/register/<token>`.
pub fn register_with(token: String) -> String {
    path(&Route::Register { token: Some(token) })
}

/// `/do/account/claim/<token>`.
pub fn claim_with(token: String) -> String {
    path(&Route::AccountClaim { token: Some(token) })
}

/// `/do/draft/<id>`.
pub fn draft(id: &str) -> String {
    path(&Route::Draft {
        id: id.to_string(),
        raw: false,
    })
}

/// `titan://<host>[:port]/raw/<name>[/<rev>];edit`: the URL a Titan client opens prefilled
/// with revision `rev` (the current text without one) and uploads back to, so the server
/// knows which revision the edit started from. Lagrange treats a URL as "edit" only when
/// `;edit` is its only parameter and comes last.
pub fn titan_edit(request: &Request, name: &PageName, rev: Option<u32>) -> String {
    let raw = path(&Route::Raw {
        name: name.clone(),
        rev,
    });
    format!("{}{raw};edit", titan_base(request))
}

/// `gemini://<host>[:port]` of the request, for URLs that must be absolute (answers to
/// Titan uploads, feeds).
pub fn base(request: &Request) -> String {
    origin("gemini", request)
}

/// `titan://<host>[:port]` of the request.
pub fn titan_base(request: &Request) -> String {
    origin("titan", request)
}

fn origin(scheme: &str, request: &Request) -> String {
    if request.port == 1965 {
        format!("{scheme}://{}", request.host)
    } else {
        format!("{scheme}://{}:{}", request.host, request.port)
    }
}

/// Registers the builder with the templates: `page_url(name, rev=…)`, `raw_url(name, rev=…)`,
/// `history_url(name)`, `diff_url(name, rev)`, `edit_url(name, action=…)`,
/// `admin_url(action, target=…, rev=…)`, `revoke_url(prefix)`, and the fixed paths as
/// `urls.home`, `urls.changes`, …. Action URLs built here carry no token (they answer `30`
/// to their menu): a template gets tokenized links from its handler, which alone holds the
/// key and the certificate.
pub fn register(env: &mut Environment<'static>) {
    env.add_function("page_url", |name: String, kw: Kwargs| {
        let rev = kw.get::<Option<u32>>("rev")?;
        kw.assert_all_used()?;
        Ok(path(&Route::Page {
            name: name_arg(&name)?,
            rev,
        }))
    });
    env.add_function("raw_url", |name: String, kw: Kwargs| {
        let rev = kw.get::<Option<u32>>("rev")?;
        kw.assert_all_used()?;
        Ok(path(&Route::Raw {
            name: name_arg(&name)?,
            rev,
        }))
    });
    env.add_function("history_url", |name: String| {
        Ok(path(&Route::History {
            name: name_arg(&name)?,
            page: 1,
        }))
    });
    env.add_function("diff_url", |name: String, rev: u32| {
        Ok(path(&Route::Diff {
            name: name_arg(&name)?,
            rev,
        }))
    });
    env.add_function("edit_url", |name: String, kw: Kwargs| {
        let action = kw.get::<Option<String>>("action")?;
        kw.assert_all_used()?;
        let name = name_arg(&name)?;
        Ok(path(&match action.as_deref() {
            None => Route::Edit { name },
            Some(action) => Route::EditAction {
                name,
                action: EditAction::from_str_opt(action)
                    .ok_or_else(|| bad_arg(format!("no edit action {action:?}")))?,
                token: None,
            },
        }))
    });
    env.add_function("admin_url", |action: String, kw: Kwargs| {
        let target = kw.get::<Option<String>>("target")?;
        let rev = kw.get::<Option<u32>>("rev")?;
        kw.assert_all_used()?;
        Ok(admin(&admin_action(&action, target, rev)?))
    });
    env.add_function("draft_url", |id: String| {
        Ok(path(&Route::Draft { id, raw: false }))
    });
    env.add_function("revoke_url", |prefix: String| {
        Ok(path(&Route::AccountRevoke {
            prefix,
            token: None,
        }))
    });
    env.add_global(
        "urls",
        minijinja::context! {
            home => HOME, index => INDEX, files => FILES, changes => CHANGES, atom => ATOM, search => SEARCH,
            new => NEW, register => REGISTER, account => ACCOUNT, admin => ADMIN,
            account_link => ACCOUNT_LINK, account_claim => ACCOUNT_CLAIM,
        },
    );
}

fn admin_action(
    action: &str,
    target: Option<String>,
    rev: Option<u32>,
) -> Result<AdminAction, Error> {
    let given = target.clone();
    let target = || {
        target
            .clone()
            .ok_or_else(|| bad_arg(format!("{action} needs a target")))
    };
    Ok(match action {
        "overview" => AdminAction::Overview,
        "approve" => AdminAction::Approve { account: target()? },
        "suspend" => AdminAction::Suspend { account: target()? },
        "promote" => AdminAction::Promote { account: target()? },
        "demote" => AdminAction::Demote { account: target()? },
        "lock" => AdminAction::Lock {
            name: name_arg(&target()?)?,
        },
        "unlock" => AdminAction::Unlock {
            name: name_arg(&target()?)?,
        },
        "restore" => AdminAction::Restore {
            name: name_arg(&target()?)?,
            rev: rev.ok_or_else(|| bad_arg("restore needs rev".into()))?,
        },
        "revert" => AdminAction::Revert { account: target()? },
        "page" => match given {
            Some(target) => AdminAction::PageTools {
                name: name_arg(&target)?,
            },
            None => AdminAction::FindPage,
        },
        other => return Err(bad_arg(format!("no admin action {other:?}"))),
    })
}

fn name_arg(name: &str) -> Result<PageName, Error> {
    PageName::new(name).map_err(|err| bad_arg(format!("page name {name:?}: {err}")))
}

fn bad_arg(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gemini::Authority;

    fn routed(path: &str) -> Route {
        let authority = Authority {
            hosts: vec!["localhost".into()],
            port: 1965,
        };
        let line = format!("gemini://localhost{path}");
        let request = Request::parse(line.as_bytes(), &authority).unwrap();
        Route::from_request(&request).unwrap()
    }

    fn name(text: &str) -> PageName {
        PageName::new(text).unwrap()
    }

    #[test]
    fn every_built_url_routes_back_to_its_route() {
        let odd = name("Ünïcode page?#%;");
        let routes = vec![
            Route::Home,
            Route::Robots,
            Route::Page {
                name: odd.clone(),
                rev: None,
            },
            Route::Page {
                name: odd.clone(),
                rev: Some(3),
            },
            Route::Raw {
                name: odd.clone(),
                rev: None,
            },
            Route::Raw {
                name: odd.clone(),
                rev: Some(2),
            },
            Route::History {
                name: odd.clone(),
                page: 1,
            },
            Route::History {
                name: odd.clone(),
                page: 4,
            },
            Route::Diff {
                name: odd.clone(),
                rev: 5,
            },
            Route::File {
                name: odd.clone(),
                version: None,
            },
            Route::File {
                name: odd.clone(),
                version: Some(3),
            },
            Route::Index { page: 2 },
            Route::Files { page: 1 },
            Route::Files { page: 3 },
            Route::Changes { page: 1 },
            Route::Atom,
            Route::Search,
            Route::New,
            Route::Account,
            Route::AccountLink,
            Route::Draft {
                id: "0123456789abcdef0123456789abcdef".into(),
                raw: false,
            },
            Route::Draft {
                id: "0123456789abcdef0123456789abcdef".into(),
                raw: true,
            },
            Route::Edit { name: odd.clone() },
        ];
        let token = || Some("AbC-_0123456789abcdefg".to_string());
        let mut routes = routes;
        for token in [None, token()] {
            routes.push(Route::Register {
                token: token.clone(),
            });
            routes.push(Route::AccountClaim {
                token: token.clone(),
            });
            routes.push(Route::AccountRevoke {
                prefix: "0123456789abcdef".into(),
                token: token.clone(),
            });
            for action in [
                EditAction::Append,
                EditAction::Replace,
                EditAction::Delete,
                EditAction::Summary,
            ] {
                routes.push(Route::EditAction {
                    name: odd.clone(),
                    action,
                    token: token.clone(),
                });
            }
            for action in [
                AdminAction::Approve {
                    account: "ann.b-c_d".into(),
                },
                AdminAction::Suspend {
                    account: "Zoë".into(),
                },
                AdminAction::Promote {
                    account: "ann".into(),
                },
                AdminAction::Demote {
                    account: "Zoë".into(),
                },
                AdminAction::Lock { name: odd.clone() },
                AdminAction::Unlock { name: odd.clone() },
                AdminAction::Restore {
                    name: odd.clone(),
                    rev: 7,
                },
                AdminAction::Revert {
                    account: "Zoë".into(),
                },
            ] {
                routes.push(Route::Admin {
                    action,
                    token: token.clone(),
                });
            }
        }
        for action in [
            AdminAction::Overview,
            AdminAction::FindPage,
            AdminAction::PageTools { name: odd.clone() },
        ] {
            routes.push(Route::Admin {
                action,
                token: None,
            });
        }
        for route in routes {
            let built = path(&route);
            assert_eq!(routed(&built), route, "{built}");
        }
    }

    #[test]
    fn titan_upload_urls_route_back_to_their_upload() {
        let authority = Authority {
            hosts: vec!["localhost".into()],
            port: 1965,
        };
        let odd = name("Ünïcode page?#%;");
        for base in [None, Some(3)] {
            let route = Route::Upload {
                name: odd.clone(),
                base,
            };
            let line = format!("titan://localhost{};size=1", path(&route));
            let request = Request::parse(line.as_bytes(), &authority).unwrap();
            assert_eq!(Route::from_request(&request).unwrap(), route, "{line}");
        }
        let line = "gemini://localhost:1966/";
        let request = Request::parse(
            line.as_bytes(),
            &Authority {
                hosts: vec!["localhost".into()],
                port: 1966,
            },
        )
        .unwrap();
        assert_eq!(
            titan_edit(&request, &name("A b"), Some(2)),
            "titan://localhost:1966/raw/A%20b/2;edit"
        );
    }

    #[test]
    fn template_functions_build_the_same_urls() {
        let mut env = Environment::new();
        register(&mut env);
        let render = |source: &str| env.render_str(source, minijinja::context! {}).unwrap();
        assert_eq!(render("{{ page_url('A b') }}"), "/page/A%20b");
        assert_eq!(render("{{ page_url('A b', rev=2) }}"), "/page/A%20b/2");
        assert_eq!(render("{{ diff_url('A', 3) }}"), "/diff/A/3");
        assert_eq!(
            render("{{ edit_url('A', action='append') }}"),
            "/do/edit/A/append"
        );
        assert_eq!(
            render("{{ admin_url('restore', target='A', rev=1) }}"),
            "/do/admin/restore/A/1"
        );
        assert_eq!(render("{{ urls.changes }}"), "/do/changes");
        assert_eq!(
            render("{{ revoke_url('0123456789abcdef') }}"),
            "/do/account/revoke/0123456789abcdef"
        );
        assert_eq!(
            edit_action(&name("A b"), EditAction::Summary, "t0k".into()),
            "/do/edit/A%20b/summary/t0k"
        );
        assert_eq!(
            admin_action_url(&AdminAction::Lock { name: name("A") }, "t".into()),
            "/do/admin/lock/A/t"
        );
        assert_eq!(revoke("ab", "t".into()), "/do/account/revoke/ab/t");
        assert_eq!(register_with("t".into()), "/do/register/t");
        assert_eq!(claim_with("t".into()), "/do/account/claim/t");
        assert_eq!(render("{{ history_url('A') }}"), "/history/A");
        assert_eq!(render("{{ raw_url('A', rev=4) }}"), "/raw/A/4");
        assert_eq!(render("{{ draft_url('ab') }}"), "/do/draft/ab");
        assert!(env
            .render_str("{{ page_url('') }}", minijinja::context! {})
            .is_err());
    }
}
