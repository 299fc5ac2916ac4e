//! Dispatch (one `match` from [`WebRoute`] to its handler) and the single resources: the
//! home page, a page or old revision, its source, uploaded files, robots.txt and the
//! stylesheet. Handlers are synchronous (run on the blocking pool) and return a [`Reply`].

use serde::Serialize;

use super::error::WebError;
use super::html::{to_document, Block, Links};
use super::reply::{self, Reply, CACHE_FEED, CACHE_OLD, CACHE_PAGE, HTML, TEXT};
use super::router::{url, WebRoute};
use super::{feed, lists};
use super::{Chrome, Visit, Web};
use crate::gemini::render_page;
use crate::wiki::model::{Page, Revision};
use crate::wiki::{PageFormat, PageName};

/// Answers `route`.
///
/// # Errors
/// Whatever the handler found: a missing page, a store failure.
pub fn answer(web: &Web, visit: &Visit, route: WebRoute) -> Result<Reply, WebError> {
    match route {
        WebRoute::Home => home(web, visit),
        WebRoute::Style => Ok(Reply::ok(
            reply::CSS,
            web.templates().style().to_string(),
            CACHE_FEED,
        )),
        WebRoute::Robots => Ok(robots()),
        WebRoute::Page { name, rev } => page(web, visit, &name, rev),
        WebRoute::Raw { name, rev } => raw(web, &name, rev),
        WebRoute::File { name, version } => file(web, &name, version),
        WebRoute::History { name, page } => lists::history(web, visit, &name, page),
        WebRoute::Diff { name, rev } => lists::diff(web, visit, &name, rev),
        WebRoute::Index { page } => lists::index(web, visit, page),
        WebRoute::Changes { page } => lists::changes(web, visit, page),
        WebRoute::Atom => feed::atom(web, visit),
        WebRoute::Search { words } => lists::search(web, visit, &words),
        WebRoute::GeminiOnly => Err(WebError::NotFound(
            "Editing and accounts are on Gemini: follow “Read or edit this on Gemini” below."
                .into(),
        )),
        WebRoute::NotFound => Err(WebError::NotFound(
            "Nothing here; try the index of all pages or the search.".into(),
        )),
    }
}

/// The layout's values for a page titled `title` whose Gemini twin is at `path`.
pub fn chrome(web: &Web, visit: &Visit, title: &str, path: &str) -> Chrome {
    let config = web.site().config();
    Chrome {
        site_title: config.title.clone(),
        lang: config.lang.clone().unwrap_or_else(|| "en".into()),
        title: title.to_string(),
        gemini_url: web.gemini_url(&visit.host, path),
        noindex: false,
    }
}

/// Renders an HTML template into a `200` reply.
pub fn html<S: Serialize>(
    web: &Web,
    template: &str,
    context: S,
    cache: &'static str,
) -> Result<Reply, WebError> {
    Ok(Reply::ok(
        HTML,
        web.templates().render(template, context)?,
        cache,
    ))
}

#[derive(Serialize)]
struct HomeView {
    chrome: Chrome,
    blocks: Vec<Block>,
}

/// `/`: the main page, its relative links resolved as if shown at `/page/<main page>`.
fn home(web: &Web, visit: &Visit) -> Result<Reply, WebError> {
    let config = web.site().config();
    let main = PageName::new(&config.main_page).ok();
    let page = match &main {
        Some(name) => web
            .site()
            .store()
            .page(name)?
            .filter(|p| !p.current.deleted),
        None => None,
    };
    let (source, modified) = match (&main, &page) {
        (Some(name), Some(page)) => (rendered(name, &page.current), Some(page.current.created)),
        _ => (
            format!("# {}\n\nThis wiki has no main page yet.\n", config.title),
            None,
        ),
    };
    let links = Links {
        own: web.own(),
        relative_base: Some("/page/"),
    };
    let doc = to_document(&source, links);
    let title = doc.title.clone().unwrap_or_else(|| config.title.clone());
    let view = HomeView {
        chrome: chrome(web, visit, &title, "/"),
        blocks: doc.blocks,
    };
    let reply = html(web, "home.html", view, CACHE_PAGE)?;
    Ok(match modified {
        Some(at) => reply.modified(at),
        None => reply,
    })
}

#[derive(Serialize)]
struct PageView<'a> {
    chrome: Chrome,
    blocks: Vec<Block>,
    name: &'a str,
    old: bool,
    rev: u32,
    revisions: u32,
    date: String,
    author: &'a str,
    locked: bool,
    current_url: String,
    history_url: String,
    diff_url: String,
    raw_url: String,
}

/// `/page/<name>[/<rev>]`.
fn page(web: &Web, visit: &Visit, name: &PageName, rev: Option<u32>) -> Result<Reply, WebError> {
    let (page, revision) = page_revision(web, name, rev)?;
    let old = revision.number != page.current.number;
    let doc = to_document(
        &rendered(name, &revision),
        Links {
            own: web.own(),
            relative_base: None,
        },
    );
    let title = doc.title.clone().unwrap_or_else(|| name.to_string());
    let path = match rev {
        Some(n) => url::revision(name, n),
        None => url::page(name),
    };
    let view = PageView {
        chrome: chrome(web, visit, &title, &path),
        blocks: doc.blocks,
        name: name.as_str(),
        old,
        rev: revision.number,
        revisions: page.revisions,
        date: lists::format_time(revision.created),
        author: &revision.author,
        locked: page.locked,
        current_url: url::page(name),
        history_url: url::history(name),
        diff_url: url::diff(name, revision.number),
        raw_url: url::raw(name, old.then_some(revision.number)),
    };
    let cache = if old { CACHE_OLD } else { CACHE_PAGE };
    Ok(html(web, "page.html", view, cache)?.modified(revision.created))
}

/// `/raw/<name>[/<rev>]`: the stored source as plain text (a browser shows it).
fn raw(web: &Web, name: &PageName, rev: Option<u32>) -> Result<Reply, WebError> {
    let (_, revision) = page_revision(web, name, rev)?;
    let cache = if rev.is_some() { CACHE_OLD } else { CACHE_PAGE };
    Ok(Reply::ok(TEXT, revision.text, cache).modified(revision.created))
}

/// The page and the revision asked for: the current one must be live (`404` missing, `410`
/// deleted); old ones stay readable after a deletion, as on Gemini.
fn page_revision(
    web: &Web,
    name: &PageName,
    rev: Option<u32>,
) -> Result<(Page, Revision), WebError> {
    let store = web.site().store();
    let no_revision = |n| WebError::NotFound(format!("“{name}” has no revision {n}."));
    let page = store.page(name)?;
    match (page, rev) {
        (None, None) => Err(WebError::NotFound(format!(
            "There is no page “{name}” yet."
        ))),
        (Some(page), None) if page.current.deleted => Err(WebError::Gone(format!(
            "“{name}” was deleted; its history keeps the old revisions."
        ))),
        (Some(page), None) => {
            let current = page.current.clone();
            Ok((page, current))
        }
        (None, Some(n)) => Err(no_revision(n)),
        (Some(page), Some(n)) => {
            let revision = store
                .revision(name, n)?
                .filter(|r| !r.deleted)
                .ok_or_else(|| no_revision(n))?;
            Ok((page, revision))
        }
    }
}

/// A revision's text as the gemtext a reader gets (Markdown converted, bounded).
fn rendered(name: &PageName, revision: &Revision) -> String {
    render_page(
        name.as_str(),
        &revision.text,
        revision.format == PageFormat::Markdown,
    )
}

/// `/file/<name>[/<version>]`: an uploaded file with its stored type, sandboxed.
fn file(web: &Web, name: &PageName, version: Option<u32>) -> Result<Reply, WebError> {
    let file = web
        .site()
        .store()
        .file_version(name, version)?
        .ok_or_else(|| {
            WebError::NotFound(match version {
                None => format!("No file named “{name}” has been uploaded."),
                Some(v) => format!("“{name}” has no version {v}."),
            })
        })?;
    let mut reply = Reply::ok(&file.mime, file.data, CACHE_PAGE).modified(file.created);
    reply.untrusted = true;
    Ok(reply)
}

/// `/robots.txt`: crawlers keep to the pages and the feeds.
fn robots() -> Reply {
    Reply::ok(
        TEXT,
        "User-agent: *\nAllow: /do/changes\nAllow: /do/atom\nDisallow: /history/\nDisallow: /diff/\nDisallow: /raw/\nDisallow: /do/\n",
        CACHE_FEED,
    )
}
