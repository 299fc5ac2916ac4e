//! The `/do/admin` overview: accounts paged (pending first) with approve, suspend, promote,
//! demote and revert links, then recently changed pages with history, restore and lock links —
//! every action link tokenized for the admin's certificate.

use serde::Serialize;

use super::action_url;
use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::Who;
use crate::capsule::handlers::intent::{account_version, Act};
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_time, offset, paging, PAGE_SIZE};
use crate::capsule::router::AdminAction;
use crate::capsule::{urls, Capsule};
use crate::gemini::Response;
use crate::wiki::model::{Account, Change};

/// Recent changes offered with page tools on the overview.
const RECENT_CHANGES: u32 = 30;

#[derive(Serialize)]
struct AdminPage {
    accounts: Vec<AccountLine>,
    pending: u64,
    /// Links to the previous and next page of accounts.
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLine>,
    find_page_url: String,
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
    revert_url: String,
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
pub(super) fn overview(app: &Capsule, who: &Who, page: u32) -> Result<Response, AppError> {
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
        find_page_url: urls::admin_view(&AdminAction::FindPage),
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
        revert_url: url(AdminAction::Revert {
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
