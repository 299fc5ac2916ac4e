//! Tools for any page, not only the recently changed ones on the overview: `/do/admin/page`
//! asks which page (`10`) and sends to `/do/admin/page/<name>`, which shows the page's state
//! with lock or unlock and a restore link per earlier revision, paged. Both only show links;
//! the links act, each with its own token (so a link to these views acts on nothing).

use serde::Serialize;

use super::{action_url, no_page};
use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::Who;
use crate::capsule::handlers::intent::typed;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_time, offset, paging, PAGE_SIZE};
use crate::capsule::router::AdminAction;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::one_line;
use crate::gemini::{Request, Response};
use crate::wiki::PageName;

const QUESTION: &str = "Which page? Type its name to lock, unlock or restore it";

/// `/do/admin/page[?name]`: the question, then `30` to that page's tools. A name that is not
/// valid or names no page asks again, saying why.
pub(super) fn find_page(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let Some(typed) = typed(request) else {
        return Ok(Response::input(QUESTION));
    };
    let name = match PageName::new(typed) {
        Ok(name) => name,
        Err(err) => {
            return Ok(Response::input(format!(
                "Invalid page name: {err}. {QUESTION}"
            )))
        }
    };
    if app.store().page(&name)?.is_none() {
        let shown = one_line(name.as_str());
        return Ok(Response::input(format!(
            "There is no page named “{shown}”. {QUESTION}"
        )));
    }
    Ok(Response::redirect(urls::admin_view(
        &AdminAction::PageTools { name },
    )))
}

#[derive(Serialize)]
struct ToolsPage {
    name: String,
    current: u32,
    deleted: bool,
    locked: bool,
    page_url: String,
    history_url: String,
    lock_url: String,
    unlock_url: String,
    revisions: Vec<RevisionLine>,
    prev: Option<String>,
    next: Option<String>,
    find_page_url: String,
    admin_url: &'static str,
}

#[derive(Serialize)]
struct RevisionLine {
    number: u32,
    date: String,
    author: String,
    deleted: bool,
    restore_url: String,
}

/// `/do/admin/page/<name>[?page=N]`: the page's state and tools; the earlier revisions are
/// paged like its history, newest first, the current one left out (restoring it is a no-op).
pub(super) fn page_tools(
    app: &Capsule,
    who: &Who,
    name: &PageName,
    page: u32,
) -> Result<Response, AppError> {
    let store = app.store();
    let found = store.page(name)?.ok_or_else(|| no_page(name))?;
    // One more than shown tells whether an older page exists.
    let mut history = store.history(name, offset(page), PAGE_SIZE + 1)?;
    let has_more = history.len() > PAGE_SIZE as usize;
    history.truncate(PAGE_SIZE as usize);
    let revisions = history
        .into_iter()
        .filter(|r| r.number != found.current.number)
        .map(|r| {
            let action = AdminAction::Restore {
                name: name.clone(),
                rev: r.number,
            };
            Ok(RevisionLine {
                restore_url: action_url(app, who, &action)?,
                number: r.number,
                date: format_time(r.created),
                author: one_line(&r.author),
                deleted: r.deleted,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let base = urls::admin_view(&AdminAction::PageTools { name: name.clone() });
    let (prev, next) = paging(&base, page, has_more);
    let context = ToolsPage {
        name: one_line(name.as_str()),
        current: found.current.number,
        deleted: found.current.deleted,
        locked: found.locked,
        page_url: urls::page(name),
        history_url: urls::history(name),
        lock_url: action_url(app, who, &AdminAction::Lock { name: name.clone() })?,
        unlock_url: action_url(app, who, &AdminAction::Unlock { name: name.clone() })?,
        revisions,
        prev,
        next,
        find_page_url: urls::admin_view(&AdminAction::FindPage),
        admin_url: urls::ADMIN,
    };
    let out = app.templates().render("admin_page.gmi", context)?;
    Ok(gemtext(app, out))
}
