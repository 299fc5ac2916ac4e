//! `/do/admin` for active admin accounts (SPEC §2): the account overview with approve and
//! suspend links, page tools over recent changes, and the actions themselves: approve,
//! suspend, lock, unlock and restore. The same actions exist in the CLI (`commands`).

use minijinja::context;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::format_time;
use crate::capsule::handlers::guard::{require, Need, Who};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::router::AdminAction;
use crate::capsule::Capsule;
use crate::gemini::{Request, Response};
use crate::wiki::model::{Account, AccountState, Author, Change};
use crate::wiki::PageName;

/// Recent changes offered with page tools on the overview.
const RECENT_CHANGES: u32 = 30;

/// User names are letters, digits, `-`, `_` and `.`; only non-ASCII letters need escaping.
const NAME_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

const OVERVIEW: &str = "/do/admin";

/// `/do/admin[/…]`: every action needs an active admin.
pub fn admin(app: &Capsule, request: &Request, action: AdminAction) -> Result<Response, AppError> {
    let who = require(request, app, Need::Admin)?;
    match action {
        AdminAction::Overview => overview(app, &who),
        AdminAction::Approve { account } => set_state(app, &who, &account, AccountState::Active),
        AdminAction::Suspend { account } => set_state(app, &who, &account, AccountState::Suspended),
        AdminAction::Lock { name } => set_lock(app, &name, true),
        AdminAction::Unlock { name } => set_lock(app, &name, false),
        AdminAction::Restore { name, rev } => restore(app, &who, &name, rev),
    }
}

#[derive(Serialize)]
struct AccountLine {
    name: String,
    link: String,
    role: &'static str,
    state: &'static str,
    me: bool,
}

#[derive(Serialize)]
struct PageLine {
    name: String,
    link: String,
    number: u32,
    author: String,
    date: String,
    deleted: bool,
    locked: bool,
    /// The revision before this change, which "restore" brings back.
    previous: Option<u32>,
}

fn overview(app: &Capsule, who: &Who) -> Result<Response, AppError> {
    let mut accounts = app.store().accounts()?;
    // Pending first: they are what an admin comes here to handle. The sort is stable, so
    // each group stays in name order.
    accounts.sort_by_key(|a| a.state != AccountState::Pending);
    let pending = accounts
        .iter()
        .filter(|a| a.state == AccountState::Pending)
        .count();
    let accounts: Vec<AccountLine> = accounts.into_iter().map(|a| account_line(who, a)).collect();
    let pages = recent_pages(app)?;
    let out = app
        .templates()
        .render("admin.gmi", context! { accounts, pending, pages })?;
    Ok(gemtext(app, out))
}

fn account_line(who: &Who, account: Account) -> AccountLine {
    AccountLine {
        link: utf8_percent_encode(&account.name, NAME_SEGMENT).to_string(),
        me: account.id == who.account.id,
        role: account.role.as_str(),
        state: account.state.as_str(),
        name: account.name,
    }
}

/// The most recently changed pages, newest first, each once.
fn recent_pages(app: &Capsule) -> Result<Vec<PageLine>, AppError> {
    let store = app.store();
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for change in store.recent_changes(0, RECENT_CHANGES)? {
        if !seen.insert(change.name.clone()) {
            continue;
        }
        let locked = store.page(&change.name)?.is_some_and(|p| p.locked);
        lines.push(page_line(change, locked));
    }
    Ok(lines)
}

fn page_line(change: Change, locked: bool) -> PageLine {
    PageLine {
        link: change.name.encoded(),
        name: crate::gemini::gemtext::one_line(change.name.as_str()),
        number: change.number,
        author: change.author,
        date: format_time(change.created),
        deleted: change.deleted,
        locked,
        previous: change.number.checked_sub(1).filter(|n| *n > 0),
    }
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
        return Err(AppError::CertNotAuthorised(
            "You cannot suspend your own account; another admin or \
             `gemwiki account suspend NAME` can"
                .into(),
        ));
    }
    app.store().set_account_state(account.id, state)?;
    tracing::info!(admin = %who.account.name, account = %account.name, state = state.as_str(), "account state set");
    Ok(Response::redirect(OVERVIEW))
}

fn set_lock(app: &Capsule, name: &PageName, locked: bool) -> Result<Response, AppError> {
    if !app.store().set_locked(name, locked)? {
        return Err(no_page(name));
    }
    Ok(Response::redirect(format!("/page/{}", name.encoded())))
}

fn restore(app: &Capsule, who: &Who, name: &PageName, rev: u32) -> Result<Response, AppError> {
    let author = Author::Account(who.account.id);
    match app.store().restore_revision(name, rev, author, app.now())? {
        Some(_) => Ok(Response::redirect(format!("/page/{}", name.encoded()))),
        None => Err(AppError::NotFound(format!(
            "{name} has no revision {rev}; see /history/{}",
            name.encoded()
        ))),
    }
}

fn no_page(name: &PageName) -> AppError {
    AppError::NotFound(format!("There is no page named {name}; see /do/index"))
}
