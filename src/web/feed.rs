//! `/do/atom`: recent changes (page revisions and file uploads) as an Atom feed linking the
//! web view's pages and files, the entries of `/do/changes` for feed readers. Its cost is
//! one bounded store read, as for the list.

use atom_syndication::{Entry, Feed, Link, Person, Text};

use super::error::WebError;
use super::lists::rfc3339;
use super::reply::{Reply, ATOM, CACHE_FEED};
use super::router::url;
use super::{Visit, Web};
use crate::wiki::model::{Change, ChangeKind};

/// Entries in the feed.
const FEED_ENTRIES: u32 = 50;

/// `/do/atom`: recent changes as Atom, linking the web view's pages.
pub fn atom(web: &Web, visit: &Visit) -> Result<Reply, WebError> {
    let changes = web.site().store().recent_changes(0, FEED_ENTRIES)?;
    let base = &visit.origin;
    let updated = changes.first().map_or(0, |c| c.created);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!(
        "{}: recent changes",
        web.site().config().title
    )));
    feed.set_id(format!("{base}/do/changes"));
    feed.set_updated(feed_time(updated));
    feed.set_links(vec![link(&format!("{base}/do/changes"), "alternate")]);
    feed.set_entries(changes.iter().map(|c| entry(base, c)).collect::<Vec<_>>());
    Ok(Reply::ok(ATOM, feed.to_string(), CACHE_FEED).modified(updated))
}

fn entry(base: &str, change: &Change) -> Entry {
    let (path, title) = match &change.kind {
        ChangeKind::File { .. } => (
            url::file_version(&change.name, change.number),
            format!("{} (uploaded, version {})", change.name, change.number),
        ),
        ChangeKind::Page { deleted } => {
            let verb = if *deleted { "deleted" } else { "edited" };
            (
                url::revision(&change.name, change.number),
                format!("{} ({verb}, revision {})", change.name, change.number),
            )
        }
    };
    let url = format!("{base}{path}");
    let mut entry = Entry::default();
    entry.set_title(Text::plain(title));
    // Every revision and every upload has its own URL, which is its id.
    entry.set_id(url.clone());
    entry.set_updated(feed_time(change.created));
    entry.set_authors(vec![Person {
        name: change.author.clone(),
        ..Person::default()
    }]);
    if let Some(summary) = change.comment.clone().or_else(|| change.upload_summary()) {
        entry.set_summary(Some(Text::plain(summary)));
    }
    entry.set_links(vec![link(&url, "alternate")]);
    entry
}

fn feed_time(unix: i64) -> atom_syndication::FixedDateTime {
    atom_syndication::FixedDateTime::parse_from_rfc3339(&rfc3339(unix)).unwrap_or_default()
}

fn link(href: &str, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}
