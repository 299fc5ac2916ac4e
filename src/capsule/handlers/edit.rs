//! Input-driven edits for clients without Titan: the `/do/edit/<name>` menu and the append /
//! replace / delete / summary prompts (`10` → `?text` → new revision → `30`). Every route here
//! passes the identity guard with edit rights first; locked pages refuse non-admins; every
//! action verifies its token (SPEC §3.0, `intent`) before it prompts or acts. Titan uploads
//! live in `upload.rs`; both refuse locked pages through the guard.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::guard::{refuse_if_locked, require, Need, Who};
use crate::capsule::handlers::intent::{refuse, typed, Act, Refusal};
use crate::capsule::handlers::lists::base_url;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::router::{EditAction, Route};
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::{one_line, Gemtext};
use crate::gemini::input::{decode_line_breaks, encode_line_breaks};
use crate::gemini::request::MAX_URL_LEN;
use crate::gemini::{Request, Response};
use crate::wiki::model::{Author, DeleteOutcome, NewRevision, Page, Revision};
use crate::wiki::token::TokenState;
use crate::wiki::{PageFormat, PageName};

/// Longest edit summary kept, in characters.
const MAX_SUMMARY_CHARS: usize = 200;

/// How many earlier revisions a refused replace or delete token is checked against, to tell
/// "the page changed since you opened the editor" from a forged or foreign link.
const STALE_LOOKBACK: u32 = 50;

#[derive(Serialize)]
struct EditMenu {
    name: String,
    exists: bool,
    has_history: bool,
    rev: Option<u32>,
    size: usize,
    format: Option<&'static str>,
    locked: bool,
    titan_url: String,
    fits_input: bool,
    append_url: String,
    replace_url: String,
    delete_url: String,
    /// Offered when the latest revision is yours.
    summary_url: Option<String>,
    page_url: String,
    raw_url: String,
    history_url: String,
}

/// `/do/edit/<name>`: what the page is now and the ways to change it, each action link
/// tokenized for the presenting certificate. Works for a page that does not exist yet (or
/// was deleted): whatever is written first creates it.
pub fn menu(app: &Capsule, request: &Request, name: &PageName) -> Result<Response, AppError> {
    let who = require(request, app, Need::Edit)?;
    let page = app.store().page(name)?;
    refuse_if_locked(name, page.as_ref(), who.is_admin())?;
    let live = page.as_ref().filter(|p| !p.current.deleted);
    let current = live.map_or("", |p| p.current.text.as_str());
    let base = base_url(request);
    let link = |action| action_url(app, &who, name, page.as_ref(), action);
    let mine = page
        .as_ref()
        .is_some_and(|p| p.current.author == who.account.name);
    let context = EditMenu {
        name: name.as_str().to_string(),
        exists: live.is_some(),
        has_history: page.is_some(),
        rev: live.map(|p| p.current.number),
        size: current.len(),
        format: live.map(|p| format_label(p.current.format)),
        locked: page.as_ref().is_some_and(|p| p.locked),
        titan_url: urls::titan_edit(request, name, live.map(|p| p.current.number)),
        fits_input: fits_one_input(&base, name, current),
        append_url: link(EditAction::Append),
        replace_url: link(EditAction::Replace),
        delete_url: link(EditAction::Delete),
        summary_url: mine.then(|| link(EditAction::Summary)),
        page_url: urls::page(name),
        raw_url: urls::path(&Route::Raw {
            name: name.clone(),
            rev: None,
        }),
        history_url: urls::history(name),
    };
    let out = app.templates().render("edit.gmi", context)?;
    Ok(gemtext(app, out))
}

/// What an edit token is tied to: the latest revision for replace and delete (so the token
/// is the edit-conflict check), the hour for append and summary.
fn edit_act<'a>(
    app: &Capsule,
    name: &'a PageName,
    page: Option<&Page>,
    action: EditAction,
) -> Act<'a> {
    let state = match action {
        EditAction::Replace | EditAction::Delete => {
            TokenState::Revision(page.map_or(0, |p| p.current.number))
        }
        EditAction::Append | EditAction::Summary => TokenState::Time(app.now()),
    };
    Act {
        action: action.as_str(),
        target: name.as_str(),
        state,
    }
}

/// The tokenized link to `action` for `who`'s certificate.
fn action_url(
    app: &Capsule,
    who: &Who,
    name: &PageName,
    page: Option<&Page>,
    action: EditAction,
) -> String {
    let token = edit_act(app, name, page, action).token(app, &who.cert.fingerprint);
    urls::edit_action(name, action, token)
}

/// `/do/edit/<name>/{append,replace,delete,summary}/<token>`.
pub fn act(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    action: EditAction,
    token: Option<&str>,
) -> Result<Response, AppError> {
    let who = require(request, app, Need::Edit)?;
    let page = app.store().page(name)?;
    refuse_if_locked(name, page.as_ref(), who.is_admin())?;
    if action == EditAction::Delete && page.as_ref().is_none_or(|p| p.current.deleted) {
        return Err(nothing_to_delete(name));
    }
    let intent = edit_act(app, name, page.as_ref(), action);
    if !intent.verifies(app, &who.cert.fingerprint, token) {
        let refusal = edit_refusal(app, &who, name, page.as_ref(), action, token);
        return Ok(refuse(app, request, token, refusal));
    }
    let live = page.filter(|p| !p.current.deleted);
    match action {
        EditAction::Append => append(app, request, name, &who, live),
        EditAction::Replace => replace(app, request, name, &who, live),
        EditAction::Delete => delete(app, request, name, &who, live),
        EditAction::Summary => summary(app, request, name, &who),
    }
}

/// Why an edit token was refused, with the diff when the page changed since the token was
/// made and a fresh link for the same action.
fn edit_refusal(
    app: &Capsule,
    who: &Who,
    name: &PageName,
    page: Option<&Page>,
    action: EditAction,
    token: Option<&str>,
) -> Refusal {
    let latest = page.map_or(0, |p| p.current.number);
    let fresh = (
        action_url(app, who, name, page, action),
        format!("{} again, on revision {latest}", label(action)),
    );
    let from = matches!(action, EditAction::Replace | EditAction::Delete)
        .then(|| {
            (latest.saturating_sub(STALE_LOOKBACK)..latest)
                .rev()
                .find(|rev| {
                    let old = Act {
                        action: action.as_str(),
                        target: name.as_str(),
                        state: TokenState::Revision(*rev),
                    };
                    old.verifies(app, &who.cert.fingerprint, token)
                })
        })
        .flatten();
    let (why, diff) = match from {
        Some(rev) => (
            format!(
                "The page changed since you opened the editor (revision {rev}, now {latest}), \
                 so your text was not saved: read what changed, then use the fresh link."
            ),
            Some(urls::diff(name, latest)),
        ),
        None => (
            "This action link was not made for your certificate, or it has expired, so \
             nothing was saved. Links that act come only from the edit menu."
                .to_string(),
            None,
        ),
    };
    Refusal {
        menu: urls::edit(name),
        why,
        diff,
        fresh: Some(fresh),
    }
}

fn label(action: EditAction) -> &'static str {
    match action {
        EditAction::Append => "Append",
        EditAction::Replace => "Replace the whole text",
        EditAction::Delete => "Delete",
        EditAction::Summary => "Summarise your edit",
    }
}

/// `59` when `text` is longer than `[limits] max_page_size`.
///
/// # Errors
/// [`AppError::BadRequest`] naming both sizes.
pub fn check_page_size(app: &Capsule, size: u64) -> Result<(), AppError> {
    let limit = app.config().limits.max_page_size;
    if size > limit {
        return Err(AppError::BadRequest(format!(
            "The page would be {size} bytes; the limit is {limit} bytes: shorten it"
        )));
    }
    Ok(())
}

fn append(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    who: &Who,
    live: Option<Page>,
) -> Result<Response, AppError> {
    let Some(paragraph) = typed(request) else {
        return Ok(Response::input(match live {
            Some(_) => format!("Type a paragraph to append to “{name}” (\\n makes a line break)"),
            None => format!("“{name}” is new: type its first paragraph (\\n makes a line break)"),
        }));
    };
    let paragraph = decode_line_breaks(paragraph);
    let paragraph = paragraph.trim_matches('\n');
    app.check_edit_rate(who.account.id)?;
    // Built from the current text inside the store's write transaction, so two people
    // appending at once both keep their paragraph.
    let outcome = app.store().edit_page(
        name,
        Author::Account(who.account.id),
        app.now(),
        |current: Option<&Revision>| {
            let (text, format) = match current {
                // One blank line between the old text and the new paragraph.
                Some(rev) => (
                    format!("{}\n\n{paragraph}\n", rev.text.trim_end_matches('\n')),
                    rev.format,
                ),
                None => (format!("{paragraph}\n"), PageFormat::Gemtext),
            };
            check_page_size(app, text.len() as u64)?;
            Ok::<_, AppError>((text, format))
        },
    )?;
    outcome?;
    Ok(Response::redirect(urls::page(name)))
}

fn replace(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    who: &Who,
    live: Option<Page>,
) -> Result<Response, AppError> {
    if typed(request).is_none() {
        return Ok(Response::input(replace_prompt(name, live.as_ref())));
    }
    let text = decode_line_breaks(request.query.as_deref().unwrap_or_default());
    let format = live.map_or(PageFormat::Gemtext, |page| page.current.format);
    save(app, name, who, &text, format)
}

fn delete(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    who: &Who,
    live: Option<Page>,
) -> Result<Response, AppError> {
    if live.is_none() {
        return Err(nothing_to_delete(name));
    }
    let Some(typed) = typed(request) else {
        return Ok(Response::input(format!(
            "Type the page name to confirm deleting “{name}”"
        )));
    };
    if PageName::new(typed).ok().as_ref() != Some(name) {
        return Ok(Response::input(format!(
            "“{}” did not match; type “{name}” exactly to delete it",
            clip(typed, 100)
        )));
    }
    app.check_edit_rate(who.account.id)?;
    let author = Author::Account(who.account.id);
    match app.store().delete_page(name, author, app.now())? {
        DeleteOutcome::Deleted(_) => Ok(Response::redirect(urls::history(name))),
        DeleteOutcome::NotFound => Err(nothing_to_delete(name)),
    }
}

/// `summary`: `10` for a one-line summary, then set it as the comment of the page's latest
/// revision if `who` wrote it; if someone else edited since, say so and keep the text.
fn summary(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    who: &Who,
) -> Result<Response, AppError> {
    let Some(text) = typed(request) else {
        return Ok(Response::input(format!(
            "Summarise your latest edit of “{name}” in one line"
        )));
    };
    let text = clip(&one_line(text), MAX_SUMMARY_CHARS);
    app.check_edit_rate(who.account.id)?;
    if app
        .store()
        .set_own_latest_comment(name, who.account.id, &text)?
        .is_some()
    {
        return Ok(Response::redirect(urls::history(name)));
    }
    let mut page = Gemtext::new();
    page.heading(1, "Summary not saved")
        .blank()
        .text(&format!(
            "The latest revision of “{name}” is not yours (someone edited after you), so \
             your summary was not attached to their edit."
        ))
        .blank()
        .text("What you typed:")
        .preformatted("your summary", &text)
        .blank()
        .link(&urls::history(name), "History")
        .link(&urls::edit(name), "Back to the edit menu");
    Ok(gemtext(app, page.finish()))
}

/// The replace prompt: how to type a line break, and the start of the current text written
/// that way, so the person can retype it rather than replace it blind.
fn replace_prompt(name: &PageName, live: Option<&Page>) -> String {
    let intro = format!("Type the whole new text of “{name}”; \\n makes a line break");
    match live {
        Some(page) => format!(
            "{intro}. It now reads: {}",
            clip(&encode_line_breaks(&page.current.text), 200)
        ),
        None => intro,
    }
}

/// Saves `text` as the next revision by `who` and sends them to the page.
fn save(
    app: &Capsule,
    name: &PageName,
    who: &Who,
    text: &str,
    format: PageFormat,
) -> Result<Response, AppError> {
    check_page_size(app, text.len() as u64)?;
    app.check_edit_rate(who.account.id)?;
    app.store().save_revision(NewRevision {
        name,
        text,
        format,
        author: Author::Account(who.account.id),
        comment: None,
        now: app.now(),
    })?;
    Ok(Response::redirect(urls::page(name)))
}

fn format_label(format: PageFormat) -> &'static str {
    match format {
        PageFormat::Gemtext => "gemtext",
        PageFormat::Markdown => "Markdown",
    }
}

/// Whether the current text, percent-encoded as a client would send it, fits in the query
/// of one `…/replace?` request line (so the person can paste it back edited).
fn fits_one_input(base: &str, name: &PageName, text: &str) -> bool {
    let overhead = base.len() + "/do/edit/".len() + name.encoded().len() + "/replace?".len();
    let encoded: usize = utf8_percent_encode(text, NON_ALPHANUMERIC)
        .map(str::len)
        .sum();
    overhead + encoded <= MAX_URL_LEN
}

fn nothing_to_delete(name: &PageName) -> AppError {
    AppError::NotFound(format!(
        "There is no page “{name}” to delete; see /history/{} for its past",
        name.encoded()
    ))
}

/// At most `chars` characters of `text`, with `…` when cut (for echoing input in a META).
fn clip(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> PageName {
        PageName::new(text).unwrap()
    }

    #[test]
    fn short_text_fits_one_input_and_long_text_does_not() {
        let base = "gemini://localhost";
        assert!(fits_one_input(base, &name("Page"), ""));
        assert!(fits_one_input(base, &name("Page"), &"a".repeat(900)));
        assert!(!fits_one_input(base, &name("Page"), &"a".repeat(1000)));
        // Non-ASCII costs its percent-encoded length.
        assert!(!fits_one_input(base, &name("Page"), &"é".repeat(200)));
    }

    #[test]
    fn clip_marks_cut_text() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
