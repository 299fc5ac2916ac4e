//! A page's past: the paged revision list — a gemfeed, one dated link line per revision —
//! and the line diff a revision made.

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_day, format_time, offset, paging, PAGE_SIZE};
use crate::capsule::templates::BODY;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::one_line;
use crate::gemini::Response;
use crate::wiki::diff::{line_diff, LineDiff};
use crate::wiki::PageName;

#[derive(Serialize)]
struct RevisionLine {
    number: u32,
    /// `YYYY-MM-DD`, what a gemfeed reader dates the entry by.
    day: String,
    /// `HH:MM UTC`.
    time: String,
    author: String,
    delta: String,
    deleted: bool,
    comment: Option<String>,
}

#[derive(Serialize)]
struct HistoryPage<'a> {
    name: &'a str,
    live: bool,
    revisions: Vec<RevisionLine>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct DiffPage<'a> {
    name: &'a str,
    rev: u32,
    has_diff: bool,
    body: &'static str,
    summary: Option<String>,
    deleted: bool,
    author: &'a str,
    from_date: String,
    to_date: String,
}

/// `HH:MM UTC` of a time.
fn clock(unix: i64) -> String {
    let full = format_time(unix);
    full.split_once(' ')
        .map_or(full.clone(), |(_, clock)| clock.to_string())
}

/// `/history/<name>`: revisions newest first, paged; deleted pages too.
pub fn list(app: &Capsule, name: &PageName, page: u32) -> Result<Response, AppError> {
    let store = app.store();
    let current = store.page(name)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "No page “{name}”, so no history; create it at /do/edit/{}",
            name.encoded()
        ))
    })?;
    let revisions: Vec<RevisionLine> = store
        .history(name, offset(page), PAGE_SIZE)?
        .into_iter()
        .map(|r| RevisionLine {
            number: r.number,
            day: format_day(r.created),
            time: clock(r.created),
            author: r.author,
            delta: format!("{:+}", r.size_delta),
            deleted: r.deleted,
            comment: r.comment.as_deref().map(one_line),
        })
        .collect();
    let shown = u64::from(offset(page)) + revisions.len() as u64;
    let (prev, next) = paging(
        &urls::history(name),
        page,
        shown < u64::from(current.revisions),
    );
    let context = HistoryPage {
        name: name.as_str(),
        live: !current.current.deleted,
        revisions,
        prev,
        next,
    };
    let out = app.templates().render("history.gmi", context)?;
    Ok(gemtext(app, out))
}

/// `/diff/<name>/<rev>`: what revision `rev` changed relative to `rev - 1`.
pub fn diff(app: &Capsule, name: &PageName, rev: u32) -> Result<Response, AppError> {
    let store = app.store();
    let after = store.revision(name, rev)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "“{name}” has no revision {rev}; see /history/{}",
            name.encoded()
        ))
    })?;
    let before = match rev {
        1 => None,
        n => store.revision(name, n - 1)?,
    };
    let old_text = before.as_ref().map_or("", |r| r.text.as_str());
    let (diff, summary) = match line_diff(old_text, &after.text) {
        LineDiff::Unchanged => (String::new(), None),
        LineDiff::Hunks(hunks) => (hunks, None),
        LineDiff::Summary(summary) => (String::new(), Some(summary.describe(rev))),
    };
    let context = DiffPage {
        name: name.as_str(),
        rev,
        has_diff: !diff.is_empty(),
        body: BODY,
        summary,
        deleted: after.deleted,
        author: &after.author,
        from_date: before.map_or_else(|| "(new page)".to_string(), |r| format_time(r.created)),
        to_date: format_time(after.created),
    };
    let out = app
        .templates()
        .render_with_body("diff.gmi", context, &diff)?;
    Ok(gemtext(app, out))
}
