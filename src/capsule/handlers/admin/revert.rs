//! "Undo everything this account did since…" from `/do/admin`: the tokenized link asks since
//! when (`10`, asked again with the reason when the answer is not a time), then reverts each
//! page the account edited since then as a new revision by the admin, and reports page by
//! page. Pages someone else edited afterwards are left alone and listed (the store's
//! [`crate::store::Store::revert_edits_since`], which the CLI's `account revert` shares).

use super::no_account;
use crate::capsule::error::AppError;
use crate::capsule::handlers::format_time;
use crate::capsule::handlers::guard::Who;
use crate::capsule::handlers::intent::typed;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::{one_line, Gemtext};
use crate::gemini::{Request, Response};
use crate::wiki::model::{Author, Reverted};
use crate::wiki::since::{parse_since, FORMS};

/// `/do/admin/revert/<account>/<token>[?since]`, after the token verified.
pub(super) fn revert(
    app: &Capsule,
    who: &Who,
    request: &Request,
    name: &str,
) -> Result<Response, AppError> {
    let account = no_account(app.store().account_by_name(name)?, name)?;
    let question = format!(
        "Undo every page edit by {} since when? Type {FORMS}",
        account.name
    );
    let Some(typed) = typed(request) else {
        return Ok(Response::input(question));
    };
    let Some(since) = parse_since(typed, app.now()) else {
        let shown = one_line(typed);
        return Ok(Response::input(format!(
            "“{shown}” is not a time I can read. {question}"
        )));
    };
    let done = app.store().revert_edits_since(
        account.id,
        since,
        Author::Account(who.account.id),
        app.now(),
    )?;
    let left = done.iter().filter(|page| page.left_alone()).count();
    tracing::info!(
        admin = %who.account.name,
        account = %account.name,
        since,
        reverted = done.len() - left,
        left_alone = left,
        "account edits reverted"
    );
    let mut page = Gemtext::new();
    page.heading(1, &format!("Edits by {} undone", account.name))
        .blank();
    let when = format_time(since);
    if done.is_empty() {
        page.text(&format!(
            "{} made no page edits since {when}, so nothing changed.",
            account.name
        ));
    } else {
        page.text(&format!(
            "Since {when}: {} reverted, {left} left alone. Each revert is a new revision by \
             you; the history keeps everything.",
            pages(done.len() - left)
        ))
        .blank();
        for reverted in &done {
            line(&mut page, reverted, &account.name);
        }
    }
    page.blank().link(urls::ADMIN, "Administration");
    Ok(gemtext(app, page.finish()))
}

/// One page of the report, linked to where its result can be read.
fn line(page: &mut Gemtext, reverted: &Reverted, author: &str) {
    let name = reverted.name();
    let shown = one_line(name.as_str());
    match reverted {
        Reverted::Restored { to, revision, .. } => page.link(
            &urls::page(name),
            &format!("{shown}: back to revision {to} (saved as revision {revision})"),
        ),
        Reverted::Unchanged { to, .. } => page.link(
            &urls::page(name),
            &format!("{shown}: already the text of revision {to}"),
        ),
        Reverted::Deleted { revision, .. } => page.link(
            &urls::history(name),
            &format!("{shown}: deleted, since {author} created it (revision {revision})"),
        ),
        Reverted::AlreadyDeleted { .. } => {
            page.link(&urls::history(name), &format!("{shown}: already deleted"))
        }
        Reverted::LeftAlone { .. } => page.link(
            &urls::history(name),
            &format!("{shown}: left alone, someone else edited it since"),
        ),
    };
}

fn pages(count: usize) -> String {
    if count == 1 {
        "1 page".into()
    } else {
        format!("{count} pages")
    }
}
