//! A page's past: the paged revision list and the line diff a revision made.

use minijinja::context;
use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_time, offset, paging, PAGE_SIZE};
use crate::capsule::Capsule;
use crate::gemini::Response;
use crate::wiki::diff::{line_diff, LineDiff};
use crate::wiki::PageName;

#[derive(Serialize)]
struct RevisionLine {
    number: u32,
    date: String,
    author: String,
    delta: String,
    deleted: bool,
    comment: Option<String>,
}

/// `/history/<name>`: revisions newest first, paged.
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
            date: format_time(r.created),
            author: r.author,
            delta: format!("{:+}", r.size_delta),
            deleted: r.deleted,
            comment: r.comment,
        })
        .collect();
    let shown = u64::from(offset(page)) + revisions.len() as u64;
    let base = format!("/history/{}", name.encoded());
    let (prev, next) = paging(&base, page, shown < u64::from(current.revisions));
    let out = app.templates().render(
        "history.gmi",
        context! { name => name.as_str(), link => name.encoded(), revisions, prev, next },
    )?;
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
    let out = app.templates().render(
        "diff.gmi",
        context! {
            name => name.as_str(),
            link => name.encoded(),
            rev,
            diff,
            summary,
            author => after.author,
            from_date => before.map_or_else(|| "(new page)".to_string(), |r| format_time(r.created)),
            to_date => format_time(after.created),
        },
    )?;
    Ok(gemtext(app, out))
}
