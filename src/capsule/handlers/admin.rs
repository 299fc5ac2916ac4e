//! `/do/admin` for active admin accounts (SPEC §2): the account overview with approve and
//! suspend links, page tools over recent changes, and the actions themselves: approve,
//! suspend (confirms), lock, unlock and restore (confirms), each acting only with an action
//! token made for the admin's certificate (SPEC §3.0). The same actions exist in the CLI
//! (`commands`).

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{require, Need, Who};
use crate::capsule::handlers::intent::{account_version, confirmed, refuse, Act, Refusal};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_time, offset, paging, PAGE_SIZE};
use crate::capsule::router::{list_page, AdminAction};
use crate::capsule::{urls, Capsule};
use crate::gemini::{Request, Response};
use crate::wiki::model::{Account, AccountState, Author, Change, Role};
use crate::wiki::token::TokenState;
use crate::wiki::PageName;

/// Recent changes offered with page tools on the overview.
const RECENT_CHANGES: u32 = 30;

const OVERVIEW: &str = urls::ADMIN;

/// `/do/admin[/…/<token>]`: every action needs an active admin and a token made for them.
pub fn admin(
    app: &Capsule,
    request: &Request,
    action: AdminAction,
    token: Option<&str>,
) -> Result<Response, AppError> {
    let who = require(request, app, Need::Admin)?;
    if action == AdminAction::Overview {
        return overview(app, &who, list_page(request.query.as_deref()));
    }
    precheck(app, &who, &action)?;
    let target = target(&action);
    let intent = Act {
        action: action.as_str(),
        target: &target,
        state: admin_state(app, &action)?,
    };
    // Defends against forged admin links (`=> /do/admin/suspend/bob` on a page): only a
    // link rendered on /do/admin for this admin's certificate acts.
    if !intent.verifies(app, &who.cert.fingerprint, token) {
        let fresh = urls::admin_action_url(&action, intent.token(app, &who.cert.fingerprint));
        let refusal = Refusal {
            fresh: Some((fresh, "The same action, freshly linked".into())),
            ..Refusal::to_menu(
                OVERVIEW,
                "This admin link was not made for your certificate, or what it acts on has \
                 changed since, so nothing was done.",
            )
        };
        return Ok(refuse(app, request, token, refusal));
    }
    if let Some(question) = confirmation(&action) {
        if !confirmed(request) {
            return Ok(Response::input(question));
        }
    }
    match action {
        AdminAction::Overview => overview(app, &who, list_page(request.query.as_deref())),
        AdminAction::Approve { account } => set_state(app, &who, &account, AccountState::Active),
        AdminAction::Suspend { account } => set_state(app, &who, &account, AccountState::Suspended),
        AdminAction::Promote { account } => set_role(app, &who, &account, Role::Admin),
        AdminAction::Demote { account } => set_role(app, &who, &account, Role::Editor),
        AdminAction::Lock { name } => set_lock(app, &name, true),
        AdminAction::Unlock { name } => set_lock(app, &name, false),
        AdminAction::Restore { name, rev } => restore(app, &who, &name, rev),
    }
}

/// Refusals that change nothing (no such account, page or revision; suspending yourself),
/// answered before the token so they read the same with or without one.
fn precheck(app: &Capsule, who: &Who, action: &AdminAction) -> Result<(), AppError> {
    let store = app.store();
    match action {
        AdminAction::Overview => {}
        AdminAction::Approve { account }
        | AdminAction::Suspend { account }
        | AdminAction::Promote { account }
        | AdminAction::Demote { account } => {
            let found = store.account_by_name(account)?.ok_or_else(|| {
                AppError::NotFound(format!(
                    "There is no account named “{account}”; see /do/admin"
                ))
            })?;
            if found.id == who.account.id && matches!(action, AdminAction::Suspend { .. }) {
                return Err(self_suspension());
            }
            if matches!(action, AdminAction::Demote { .. }) {
                keep_an_admin(app, &found)?;
            }
        }
        AdminAction::Lock { name } | AdminAction::Unlock { name } => {
            if store.page(name)?.is_none() {
                return Err(no_page(name));
            }
        }
        AdminAction::Restore { name, rev } => {
            if store.revision(name, *rev)?.is_none() {
                return Err(no_revision(name, *rev));
            }
        }
    }
    Ok(())
}

/// Refuses to demote the last active admin: a wiki always keeps someone who can approve,
/// unlock and restore from here.
fn keep_an_admin(app: &Capsule, account: &Account) -> Result<(), AppError> {
    let last = account.role == Role::Admin
        && account.state == AccountState::Active
        && app.store().active_admin_count()? <= 1;
    if last {
        return Err(AppError::CertNotAuthorised(format!(
            "{} is the last active admin; promote someone else first",
            account.name
        )));
    }
    Ok(())
}

fn self_suspension() -> AppError {
    AppError::CertNotAuthorised(
        "You cannot suspend your own account; another admin or \
         `gemwiki account suspend NAME` can"
            .into(),
    )
}

fn no_revision(name: &PageName, rev: u32) -> AppError {
    AppError::NotFound(format!(
        "{name} has no revision {rev}; see /history/{}",
        name.encoded()
    ))
}

/// The `10` question asked before suspending and restoring.
fn confirmation(action: &AdminAction) -> Option<String> {
    match action {
        AdminAction::Suspend { account } => Some(format!("Type yes to suspend {account}")),
        AdminAction::Promote { account } => {
            Some(format!("Type yes to make {account} an admin of this wiki"))
        }
        AdminAction::Demote { account } => Some(format!(
            "Type yes to make {account} an editor (no longer an admin)"
        )),
        AdminAction::Restore { name, rev } => Some(format!(
            "Type yes to make revision {rev} the current text of “{name}”"
        )),
        _ => None,
    }
}

/// What an admin token names: the account, the page, or revision and page.
fn target(action: &AdminAction) -> String {
    match action {
        AdminAction::Overview => String::new(),
        AdminAction::Approve { account }
        | AdminAction::Suspend { account }
        | AdminAction::Promote { account }
        | AdminAction::Demote { account } => account.clone(),
        AdminAction::Lock { name } | AdminAction::Unlock { name } => name.as_str().to_string(),
        AdminAction::Restore { name, rev } => format!("{rev}:{name}"),
    }
}

/// What an admin token is tied to: the account's state version, or the page's latest revision
/// and lock (so a token dies once the page or account changed).
fn admin_state(app: &Capsule, action: &AdminAction) -> Result<TokenState, AppError> {
    Ok(match action {
        AdminAction::Approve { account }
        | AdminAction::Suspend { account }
        | AdminAction::Promote { account }
        | AdminAction::Demote { account } => match app.store().account_by_name(account)? {
            Some(account) => account_version(&account),
            None => TokenState::Version("no such account".into()),
        },
        AdminAction::Lock { name }
        | AdminAction::Unlock { name }
        | AdminAction::Restore { name, .. } => page_state(app, name)?,
        AdminAction::Overview => TokenState::Version(String::new()),
    })
}

fn page_state(app: &Capsule, name: &PageName) -> Result<TokenState, AppError> {
    let page = app.store().page(name)?;
    Ok(TokenState::Version(match page {
        Some(page) => format!("{}:{}", page.current.number, page.locked),
        None => "no such page".into(),
    }))
}

/// The tokenized link to `action` for `who`.
fn action_url(app: &Capsule, who: &Who, action: &AdminAction) -> Result<String, AppError> {
    let target = target(action);
    let intent = Act {
        action: action.as_str(),
        target: &target,
        state: admin_state(app, action)?,
    };
    Ok(urls::admin_action_url(
        action,
        intent.token(app, &who.cert.fingerprint),
    ))
}

#[derive(Serialize)]
struct AdminPage {
    accounts: Vec<AccountLine>,
    pending: u64,
    /// Links to the previous and next page of accounts.
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLine>,
    home_url: &'static str,
}

#[derive(Serialize)]
struct AccountLine {
    name: String,
    role: &'static str,
    state: &'static str,
    me: bool,
    approve_url: String,
    suspend_url: String,
    promote_url: String,
    demote_url: String,
}

#[derive(Serialize)]
struct PageLine {
    name: String,
    number: u32,
    author: String,
    date: String,
    deleted: bool,
    locked: bool,
    /// The revision before this change, which "restore" brings back.
    previous: Option<u32>,
    history_url: String,
    restore_url: Option<String>,
    lock_url: String,
    unlock_url: String,
}

/// `/do/admin[?page=N]`: accounts paged (pending first), then recently changed pages.
fn overview(app: &Capsule, who: &Who, page: u32) -> Result<Response, AppError> {
    let (accounts, total) = app.store().accounts_page(offset(page), PAGE_SIZE)?;
    let pending = app.store().pending_count()?;
    let shown = u64::from(offset(page)) + accounts.len() as u64;
    let (prev, next) = paging(urls::ADMIN, page, shown < total);
    let accounts = accounts
        .into_iter()
        .map(|a| account_line(app, who, a))
        .collect::<Result<Vec<_>, _>>()?;
    let pages = recent_pages(app, who)?;
    let context = AdminPage {
        accounts,
        pending,
        prev,
        next,
        pages,
        home_url: urls::HOME,
    };
    let out = app.templates().render("admin.gmi", context)?;
    Ok(gemtext(app, out))
}

fn account_line(app: &Capsule, who: &Who, account: Account) -> Result<AccountLine, AppError> {
    let version = account_version(&account);
    let url = |action: AdminAction| {
        let intent = Act {
            action: action.as_str(),
            target: &account.name,
            state: version.clone(),
        };
        urls::admin_action_url(&action, intent.token(app, &who.cert.fingerprint))
    };
    Ok(AccountLine {
        approve_url: url(AdminAction::Approve {
            account: account.name.clone(),
        }),
        suspend_url: url(AdminAction::Suspend {
            account: account.name.clone(),
        }),
        promote_url: url(AdminAction::Promote {
            account: account.name.clone(),
        }),
        demote_url: url(AdminAction::Demote {
            account: account.name.clone(),
        }),
        me: account.id == who.account.id,
        role: account.role.as_str(),
        state: account.state.as_str(),
        name: account.name,
    })
}

/// The most recently changed pages, newest first, each once.
fn recent_pages(app: &Capsule, who: &Who) -> Result<Vec<PageLine>, AppError> {
    let store = app.store();
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for change in store.recent_page_changes(RECENT_CHANGES)? {
        if !seen.insert(change.name.clone()) {
            continue;
        }
        let locked = store.page(&change.name)?.is_some_and(|p| p.locked);
        lines.push(page_line(app, who, change, locked)?);
    }
    Ok(lines)
}

fn page_line(app: &Capsule, who: &Who, change: Change, locked: bool) -> Result<PageLine, AppError> {
    let deleted = change.deleted();
    let name = change.name;
    let previous = change.number.checked_sub(1).filter(|n| *n > 0);
    let restore_url = match previous {
        Some(rev) => Some(action_url(
            app,
            who,
            &AdminAction::Restore {
                name: name.clone(),
                rev,
            },
        )?),
        None => None,
    };
    Ok(PageLine {
        lock_url: action_url(app, who, &AdminAction::Lock { name: name.clone() })?,
        unlock_url: action_url(app, who, &AdminAction::Unlock { name: name.clone() })?,
        history_url: urls::history(&name),
        restore_url,
        name: crate::gemini::gemtext::one_line(name.as_str()),
        number: change.number,
        author: change.author,
        date: format_time(change.created),
        deleted,
        locked,
        previous,
    })
}

fn set_state(
    app: &Capsule,
    who: &Who,
    name: &str,
    state: AccountState,
) -> Result<Response, AppError> {
    let account = app.store().account_by_name(name)?.ok_or_else(|| {
        AppError::NotFound(format!("There is no account named “{name}”; see /do/admin"))
    })?;
    if account.id == who.account.id && state == AccountState::Suspended {
        return Err(self_suspension());
    }
    app.store().set_account_state(account.id, state)?;
    tracing::info!(admin = %who.account.name, account = %account.name, state = state.as_str(), "account state set");
    Ok(Response::redirect(OVERVIEW))
}

fn set_role(app: &Capsule, who: &Who, name: &str, role: Role) -> Result<Response, AppError> {
    let account = app.store().account_by_name(name)?.ok_or_else(|| {
        AppError::NotFound(format!("There is no account named “{name}”; see /do/admin"))
    })?;
    if role == Role::Editor {
        keep_an_admin(app, &account)?;
    }
    app.store().set_account_role(account.id, role)?;
    tracing::info!(admin = %who.account.name, account = %account.name, role = role.as_str(), "account role set");
    Ok(Response::redirect(OVERVIEW))
}

fn set_lock(app: &Capsule, name: &PageName, locked: bool) -> Result<Response, AppError> {
    if !app.store().set_locked(name, locked)? {
        return Err(no_page(name));
    }
    Ok(Response::redirect(urls::page(name)))
}

fn restore(app: &Capsule, who: &Who, name: &PageName, rev: u32) -> Result<Response, AppError> {
    let author = Author::Account(who.account.id);
    match app.store().restore_revision(name, rev, author, app.now())? {
        Some(_) => Ok(Response::redirect(urls::page(name))),
        None => Err(no_revision(name, rev)),
    }
}

fn no_page(name: &PageName) -> AppError {
    AppError::NotFound(format!("There is no page named {name}; see /do/index"))
}
