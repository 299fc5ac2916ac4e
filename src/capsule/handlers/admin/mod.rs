//! `/do/admin` for active admin accounts (SPEC §2): the dispatch, and the actions themselves —
//! approve, suspend (confirms), promote and demote (confirm), lock, unlock, restore
//! (confirms) and revert an account's edits (asks since when) — each acting only with an
//! action token made for the admin's certificate (SPEC §3.0). The overview is `overview`,
//! the tools for any page `tools`, the revert `revert`. The same actions exist in the CLI
//! (`commands`).

mod overview;
mod revert;
mod tools;

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{require, Need, Who};
use crate::capsule::handlers::intent::{account_version, confirmed, refuse, Act, Refusal};
use crate::capsule::router::{list_page, AdminAction};
use crate::capsule::{urls, Capsule};
use crate::gemini::{Request, Response};
use crate::wiki::model::{Account, AccountState, Author, Role};
use crate::wiki::token::TokenState;
use crate::wiki::PageName;

const OVERVIEW: &str = urls::ADMIN;

/// `/do/admin[/…/<token>]`: every action needs an active admin and a token made for them.
pub fn admin(
    app: &Capsule,
    request: &Request,
    action: AdminAction,
    token: Option<&str>,
) -> Result<Response, AppError> {
    let who = require(request, app, Need::Admin)?;
    match &action {
        AdminAction::Overview => {
            return overview::overview(app, &who, list_page(request.query.as_deref()));
        }
        AdminAction::FindPage => return tools::find_page(app, request),
        AdminAction::PageTools { name } => {
            return tools::page_tools(app, &who, name, list_page(request.query.as_deref()));
        }
        _ => {}
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
        AdminAction::Overview | AdminAction::FindPage | AdminAction::PageTools { .. } => {
            unreachable!("answered above: views act on nothing")
        }
        AdminAction::Revert { account } => revert::revert(app, &who, request, &account),
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
        AdminAction::Overview | AdminAction::FindPage | AdminAction::PageTools { .. } => {}
        AdminAction::Revert { account } => {
            no_account(store.account_by_name(account)?, account)?;
        }
        AdminAction::Approve { account }
        | AdminAction::Suspend { account }
        | AdminAction::Promote { account }
        | AdminAction::Demote { account } => {
            let found = no_account(store.account_by_name(account)?, account)?;
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

/// The account, or the `51` for a name with none.
fn no_account(found: Option<Account>, name: &str) -> Result<Account, AppError> {
    found.ok_or_else(|| {
        AppError::NotFound(format!("There is no account named “{name}”; see /do/admin"))
    })
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
        AdminAction::Overview | AdminAction::FindPage => String::new(),
        AdminAction::PageTools { name } => name.as_str().to_string(),
        AdminAction::Revert { account }
        | AdminAction::Approve { account }
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
        AdminAction::Revert { account }
        | AdminAction::Approve { account }
        | AdminAction::Suspend { account }
        | AdminAction::Promote { account }
        | AdminAction::Demote { account } => match app.store().account_by_name(account)? {
            Some(account) => account_version(&account),
            None => TokenState::Version("no such account".into()),
        },
        AdminAction::Lock { name }
        | AdminAction::Unlock { name }
        | AdminAction::Restore { name, .. } => page_state(app, name)?,
        AdminAction::Overview | AdminAction::FindPage | AdminAction::PageTools { .. } => {
            TokenState::Version(String::new())
        }
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
pub(super) fn action_url(
    app: &Capsule,
    who: &Who,
    action: &AdminAction,
) -> Result<String, AppError> {
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

fn set_state(
    app: &Capsule,
    who: &Who,
    name: &str,
    state: AccountState,
) -> Result<Response, AppError> {
    let account = no_account(app.store().account_by_name(name)?, name)?;
    if account.id == who.account.id && state == AccountState::Suspended {
        return Err(self_suspension());
    }
    app.store().set_account_state(account.id, state)?;
    tracing::info!(admin = %who.account.name, account = %account.name, state = state.as_str(), "account state set");
    Ok(Response::redirect(OVERVIEW))
}

fn set_role(app: &Capsule, who: &Who, name: &str, role: Role) -> Result<Response, AppError> {
    let account = no_account(app.store().account_by_name(name)?, name)?;
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

pub(super) fn no_page(name: &PageName) -> AppError {
    AppError::NotFound(format!("There is no page named {name}; see /do/index"))
}
