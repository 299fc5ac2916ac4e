//! The views over many rows: a page's history and a revision's diff (both `noindex`), the
//! index, recent changes (page revisions and file uploads) and the search (the Atom feed of
//! recent changes is `feed.rs`). Every cost is the core's bounded one: paged store reads, `line_diff`'s time and size
//! bound, the store's bounded search.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::WebError;
use super::handlers::{chrome, html};
use super::reply::{Reply, CACHE_FEED, CACHE_NONE, CACHE_PAGE};
use super::router::url;
use super::{Chrome, Visit, Web};
use crate::wiki::diff::{line_diff, LineDiff};
use crate::wiki::model::{Change, ChangeKind};
use crate::wiki::PageName;

/// Items per page of a paged list, as on Gemini.
const PAGE_SIZE: u32 = 50;
/// Most search results.
const MAX_HITS: u32 = 50;

fn offset(page: u32) -> u32 {
    page.saturating_sub(1).saturating_mul(PAGE_SIZE)
}

/// Links to the previous and next list pages.
fn paging(base: &str, page: u32, has_more: bool) -> (Option<String>, Option<String>) {
    let prev = (page > 1).then(|| url::list_page(base, page - 1));
    (prev, has_more.then(|| url::list_page(base, page + 1)))
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix).map_or_else(
        |_| "?".into(),
        |t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        },
    )
}

pub(super) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

#[derive(Serialize)]
struct RevisionLine {
    number: u32,
    url: String,
    diff_url: String,
    date: String,
    iso: String,
    author: String,
    delta: String,
    deleted: bool,
    comment: Option<String>,
}

#[derive(Serialize)]
struct HistoryView<'a> {
    chrome: Chrome,
    name: &'a str,
    page_url: String,
    revisions: Vec<RevisionLine>,
    prev: Option<String>,
    next: Option<String>,
}

/// `/history/<name>`: revisions newest first, paged; deleted pages keep their history.
pub fn history(web: &Web, visit: &Visit, name: &PageName, page: u32) -> Result<Reply, WebError> {
    let store = web.site().store();
    let current = store
        .page(name)?
        .ok_or_else(|| WebError::NotFound(format!("There is no page “{name}”, so no history.")))?;
    let revisions: Vec<RevisionLine> = store
        .history(name, offset(page), PAGE_SIZE)?
        .into_iter()
        .map(|r| RevisionLine {
            url: url::revision(name, r.number),
            diff_url: url::diff(name, r.number),
            number: r.number,
            date: format_time(r.created),
            iso: rfc3339(r.created),
            author: r.author,
            delta: format!("{:+}", r.size_delta),
            deleted: r.deleted,
            comment: r.comment,
        })
        .collect();
    let shown = u64::from(offset(page)) + revisions.len() as u64;
    let base = url::history(name);
    let (prev, next) = paging(&base, page, shown < u64::from(current.revisions));
    let mut chrome = chrome(web, visit, &format!("History of {name}"), &base);
    chrome.noindex = true;
    let view = HistoryView {
        chrome,
        name: name.as_str(),
        page_url: url::page(name),
        revisions,
        prev,
        next,
    };
    Ok(html(web, "history.html", view, CACHE_PAGE)?
        .modified(current.current.created)
        .noindex())
}

#[derive(Serialize)]
struct DiffView<'a> {
    chrome: Chrome,
    name: &'a str,
    rev: u32,
    diff: String,
    summary: Option<String>,
    author: String,
    from_date: String,
    to_date: String,
    revision_url: String,
    history_url: String,
}

/// `/diff/<name>/<rev>`: what revision `rev` changed, within `line_diff`'s bounds.
pub fn diff(web: &Web, visit: &Visit, name: &PageName, rev: u32) -> Result<Reply, WebError> {
    let store = web.site().store();
    let after = store
        .revision(name, rev)?
        .ok_or_else(|| WebError::NotFound(format!("“{name}” has no revision {rev}.")))?;
    let before = match rev {
        1 => None,
        n => store.revision(name, n - 1)?,
    };
    let (diff, summary) =
        match line_diff(before.as_ref().map_or("", |r| r.text.as_str()), &after.text) {
            LineDiff::Unchanged => (String::new(), None),
            LineDiff::Hunks(hunks) => (hunks, None),
            LineDiff::Summary(summary) => (String::new(), Some(summary.describe(rev))),
        };
    let path = url::diff(name, rev);
    let mut chrome = chrome(
        web,
        visit,
        &format!("Revision {rev} of {name}: changes"),
        &path,
    );
    chrome.noindex = true;
    let view = DiffView {
        chrome,
        name: name.as_str(),
        rev,
        diff: diff.trim_end_matches('\n').to_string(),
        summary,
        author: after.author,
        from_date: before.map_or_else(|| "(new page)".into(), |r| format_time(r.created)),
        to_date: format_time(after.created),
        revision_url: url::revision(name, rev),
        history_url: url::history(name),
    };
    Ok(html(web, "diff.html", view, super::reply::CACHE_OLD)?
        .modified(after.created)
        .noindex())
}

#[derive(Serialize)]
struct PageLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct IndexView {
    chrome: Chrome,
    pages: Vec<PageLink>,
    count: u64,
    page: u32,
    pages_total: u64,
    prev: Option<String>,
    next: Option<String>,
}

/// `/do/index`: every live page, alphabetical, paged.
pub fn index(web: &Web, visit: &Visit, page: u32) -> Result<Reply, WebError> {
    let store = web.site().store();
    let count = store.page_count()?;
    let pages: Vec<PageLink> = store
        .page_names(offset(page), PAGE_SIZE)?
        .into_iter()
        .map(|name| PageLink {
            url: url::page(&name),
            name: name.to_string(),
        })
        .collect();
    let shown = u64::from(offset(page)) + pages.len() as u64;
    let base = "/do/index";
    let (prev, next) = paging(base, page, shown < count);
    let pages_total = count.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let chrome = chrome(web, visit, "All pages", &url::list_page(base, page));
    let view = IndexView {
        chrome,
        pages,
        count,
        page,
        pages_total,
        prev,
        next,
    };
    html(web, "index.html", view, CACHE_PAGE)
}

/// One entry of recent changes: a page revision (linked to it) or a file upload (linked to
/// the file, which has no URL per version).
#[derive(Serialize)]
struct ChangeLine {
    name: String,
    url: String,
    author: String,
    deleted: bool,
    /// The edit summary, or what was uploaded.
    summary: Option<String>,
}

impl ChangeLine {
    fn new(change: Change) -> Self {
        let (url, summary) = match &change.kind {
            ChangeKind::File { .. } => (
                url::file_version(&change.name, change.number),
                change.upload_summary(),
            ),
            ChangeKind::Page { .. } => (
                url::revision(&change.name, change.number),
                change.comment.clone(),
            ),
        };
        Self {
            deleted: change.deleted(),
            name: change.name.to_string(),
            url,
            author: change.author,
            summary,
        }
    }
}

#[derive(Serialize)]
struct Day {
    date: String,
    changes: Vec<ChangeLine>,
}

#[derive(Serialize)]
struct ChangesView {
    chrome: Chrome,
    days: Vec<Day>,
    prev: Option<String>,
    next: Option<String>,
}

/// `/do/changes`: recent changes newest first, grouped by UTC day, one link per revision or
/// upload.
pub fn changes(web: &Web, visit: &Visit, page: u32) -> Result<Reply, WebError> {
    // One more than shown tells whether an older page exists.
    let mut changes = web
        .site()
        .store()
        .recent_changes(offset(page), PAGE_SIZE + 1)?;
    let has_more = changes.len() > PAGE_SIZE as usize;
    changes.truncate(PAGE_SIZE as usize);
    let newest = changes.first().map(|c| c.created);
    let mut days: Vec<Day> = Vec::new();
    for change in changes {
        let date = format_time(change.created)[..10].to_string();
        let line = ChangeLine::new(change);
        match days.last_mut() {
            Some(day) if day.date == date => day.changes.push(line),
            _ => days.push(Day {
                date,
                changes: vec![line],
            }),
        }
    }
    let base = "/do/changes";
    let (prev, next) = paging(base, page, has_more);
    let chrome = chrome(web, visit, "Recent changes", &url::list_page(base, page));
    let reply = html(
        web,
        "changes.html",
        ChangesView {
            chrome,
            days,
            prev,
            next,
        },
        CACHE_FEED,
    )?;
    Ok(match newest {
        Some(at) => reply.modified(at),
        None => reply,
    })
}

#[derive(Serialize)]
struct Hit {
    name: String,
    url: String,
    snippet: String,
}

#[derive(Serialize)]
struct SearchView<'a> {
    chrome: Chrome,
    words: &'a str,
    hits: Vec<Hit>,
}

/// `/do/search?q=words`: the form, and pages ranked by the store's bounded search.
pub fn search(web: &Web, visit: &Visit, words: &str) -> Result<Reply, WebError> {
    let hits = if words.is_empty() {
        Vec::new()
    } else {
        web.site().store().search(words, MAX_HITS)?
    };
    let hits = hits
        .into_iter()
        .map(|hit| Hit {
            url: url::page(&hit.name),
            name: hit.name.to_string(),
            snippet: hit.snippet,
        })
        .collect();
    let path = if words.is_empty() {
        "/do/search".to_string()
    } else {
        format!(
            "/do/search?{}",
            percent_encoding::utf8_percent_encode(words, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    let title = if words.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {words}")
    };
    let view = SearchView {
        chrome: chrome(web, visit, &title, &path),
        words,
        hits,
    };
    html(web, "search.html", view, CACHE_NONE)
}
