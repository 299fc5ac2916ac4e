//! Whole-wiki lists: the alphabetical index, recent changes (page revisions and file uploads)
//! grouped by day (gemfeed-style lines, so clients can subscribe), and the Atom feed of
//! recent changes.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::capsule::error::AppError;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_day, offset, paging, PAGE_SIZE};
use crate::capsule::router::Route;
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::one_line;
use crate::gemini::{Request, Response};
use crate::wiki::model::{Change, ChangeKind};

/// Entries in the Atom feed.
const FEED_ENTRIES: u32 = 50;

#[derive(Serialize)]
struct PageLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct IndexPage {
    pages: Vec<PageLink>,
    count: u64,
    page: u32,
    pages_total: u64,
    prev: Option<String>,
    next: Option<String>,
}

/// `/do/index`: every live page, alphabetical, paged.
pub fn index(app: &Capsule, page: u32) -> Result<Response, AppError> {
    let store = app.store();
    let count = store.page_count()?;
    let pages: Vec<PageLink> = store
        .page_names(offset(page), PAGE_SIZE)?
        .into_iter()
        .map(|name| PageLink {
            url: urls::page(&name),
            name: name.to_string(),
        })
        .collect();
    let shown = u64::from(offset(page)) + pages.len() as u64;
    let (prev, next) = paging(urls::INDEX, page, shown < count);
    let context = IndexPage {
        pages,
        count,
        page,
        pages_total: count.div_ceil(u64::from(PAGE_SIZE)).max(1),
        prev,
        next,
    };
    let out = app.templates().render("index.gmi", context)?;
    Ok(gemtext(app, out))
}

/// One gemfeed entry: its URL is the revision's own, so a feed reader (which tells entries
/// apart by URL) sees every edit; a deletion links its diff, the one view of it there is; an
/// upload links the file (which has no URL per version).
#[derive(Serialize)]
struct ChangeLine {
    url: String,
    name: String,
    author: String,
    summary: Option<String>,
}

#[derive(Serialize)]
struct ChangesPage<'a> {
    title: &'a str,
    days: Vec<Day>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct Day {
    date: String,
    changes: Vec<ChangeLine>,
}

/// `/do/changes`: recent changes, newest first, grouped by UTC day.
pub fn changes(app: &Capsule, page: u32) -> Result<Response, AppError> {
    // One more than shown tells whether an older page exists.
    let mut changes = app.store().recent_changes(offset(page), PAGE_SIZE + 1)?;
    let has_more = changes.len() > PAGE_SIZE as usize;
    changes.truncate(PAGE_SIZE as usize);
    let mut days: Vec<Day> = Vec::new();
    for change in changes {
        let date = format_day(change.created);
        let line = change_line(change);
        match days.last_mut() {
            Some(day) if day.date == date => day.changes.push(line),
            _ => days.push(Day {
                date,
                changes: vec![line],
            }),
        }
    }
    let (prev, next) = paging(urls::CHANGES, page, has_more);
    let context = ChangesPage {
        title: app.config().title.as_str(),
        days,
        prev,
        next,
    };
    let out = app.templates().render("changes.gmi", context)?;
    Ok(gemtext(app, out))
}

fn change_line(change: Change) -> ChangeLine {
    let (url, summary) = match &change.kind {
        ChangeKind::File { .. } => (
            urls::file_version(&change.name, change.number),
            change.upload_summary(),
        ),
        ChangeKind::Page { deleted: true } => {
            let summary = match change.comment.as_deref().map(one_line) {
                Some(comment) => format!("deleted the page ({comment})"),
                None => "deleted the page".to_string(),
            };
            (urls::diff(&change.name, change.number), Some(summary))
        }
        ChangeKind::Page { deleted: false } => (
            urls::path(&Route::Page {
                name: change.name.clone(),
                rev: Some(change.number),
            }),
            change.comment.as_deref().map(one_line),
        ),
    };
    ChangeLine {
        url,
        name: change.name.to_string(),
        author: change.author,
        summary,
    }
}

/// `/do/atom`: the recent changes as an Atom feed with absolute gemini:// links.
pub fn atom(app: &Capsule, request: &Request) -> Result<Response, AppError> {
    let changes = app.store().recent_changes(0, FEED_ENTRIES)?;
    let base = base_url(request);
    let entries: Vec<Entry> = changes.iter().map(|c| entry(&base, c)).collect();
    let updated = changes.first().map_or(0, |c| c.created);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!(
        "{}: recent changes",
        app.config().title
    )));
    feed.set_id(format!("{base}/do/changes"));
    feed.set_updated(rfc3339(updated));
    feed.set_links(vec![link(&format!("{base}/do/changes"), "alternate")]);
    feed.set_entries(entries);
    Ok(Response::success(
        "application/atom+xml; charset=utf-8",
        feed.to_string().into_bytes(),
    ))
}

fn entry(base: &str, change: &Change) -> Entry {
    let (url, title) = match &change.kind {
        ChangeKind::File { .. } => (
            format!("{base}{}", urls::file_version(&change.name, change.number)),
            format!("{} (uploaded, version {})", change.name, change.number),
        ),
        ChangeKind::Page { deleted } => {
            let verb = if *deleted { "deleted" } else { "edited" };
            (
                format!(
                    "{base}{}",
                    urls::path(&Route::Page {
                        name: change.name.clone(),
                        rev: Some(change.number),
                    })
                ),
                format!("{} ({verb}, revision {})", change.name, change.number),
            )
        }
    };
    let mut entry = Entry::default();
    entry.set_title(Text::plain(title));
    // Every revision and every upload has its own URL, which is its id.
    entry.set_id(url.clone());
    entry.set_updated(rfc3339(change.created));
    entry.set_links(vec![link(&url, "alternate")]);
    entry.set_authors(vec![Person {
        name: change.author.clone(),
        ..Person::default()
    }]);
    if let Some(summary) = change.comment.clone().or_else(|| change.upload_summary()) {
        entry.set_summary(Some(Text::plain(summary)));
    }
    entry
}

fn link(href: &str, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

fn rfc3339(unix: i64) -> atom_syndication::FixedDateTime {
    let text = OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    atom_syndication::FixedDateTime::parse_from_rfc3339(&text).unwrap_or_default()
}

/// `gemini://host[:port]` as the client addressed us.
pub fn base_url(request: &Request) -> String {
    if request.port == 1965 {
        format!("gemini://{}", request.host)
    } else {
        format!("gemini://{}:{}", request.host, request.port)
    }
}
