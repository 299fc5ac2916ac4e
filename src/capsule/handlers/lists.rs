//! Whole-wiki lists: the alphabetical index, recent changes grouped by day (gemfeed-style
//! lines, so clients can subscribe), and the Atom feed of recent changes.

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
use crate::wiki::model::Change;

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
/// apart by URL) sees every edit; a deletion links its diff, the one view of it there is.
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
    let url = if change.deleted {
        urls::diff(&change.name, change.number)
    } else {
        urls::path(&Route::Page {
            name: change.name.clone(),
            rev: Some(change.number),
        })
    };
    let comment = change.comment.as_deref().map(one_line);
    let summary = match (change.deleted, comment) {
        (true, Some(comment)) => Some(format!("deleted the page ({comment})")),
        (true, None) => Some("deleted the page".to_string()),
        (false, comment) => comment,
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
    let url = format!("{base}/page/{}/{}", change.name.encoded(), change.number);
    let verb = if change.deleted { "deleted" } else { "edited" };
    let mut entry = Entry::default();
    entry.set_title(Text::plain(format!(
        "{} ({verb}, revision {})",
        change.name, change.number
    )));
    entry.set_id(url.clone());
    entry.set_updated(rfc3339(change.created));
    entry.set_links(vec![link(&url, "alternate")]);
    entry.set_authors(vec![Person {
        name: change.author.clone(),
        ..Person::default()
    }]);
    if let Some(comment) = &change.comment {
        entry.set_summary(Some(Text::plain(comment.clone())));
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
