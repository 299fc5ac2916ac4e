//! Reading single resources: the home page, a page (current or old revision), its raw
//! source, uploaded files and robots.txt.

use serde::Serialize;

use crate::capsule::error::AppError;
use crate::capsule::handlers::format_time;
use crate::capsule::templates::BODY;
use crate::capsule::{urls, Capsule};
use crate::gemini::page::resolve_links;
use crate::gemini::{Request, Response};
use crate::wiki::model::Page;
use crate::wiki::PageName;

#[derive(Serialize)]
struct HomePage<'a> {
    body: &'static str,
    title: &'a str,
    /// The main page's name, when it exists, for its edit and history links.
    main: Option<&'a str>,
}

#[derive(Serialize)]
struct PageView<'a> {
    name: &'a str,
    body: &'static str,
    old: bool,
    rev: u32,
    revisions: u32,
    date: String,
    author: &'a str,
    comment: Option<&'a str>,
    locked: bool,
    titan_url: String,
}

/// `/`: the main page rendered — its relative links resolved as on `/page/<main>`, where
/// they were written — with its edit and history links, then the wiki's menu.
pub fn home(app: &Capsule) -> Result<Response, AppError> {
    let config = app.config();
    let name = PageName::new(&config.main_page).ok();
    let page = match &name {
        Some(name) => app.store().page(name)?.filter(|p| !p.current.deleted),
        None => None,
    };
    let body = match (&name, &page) {
        (Some(name), Some(page)) => resolve_links(
            &app.rendered(name.as_str(), &page.current)?,
            &urls::page(name),
        ),
        (Some(_), None) => format!("# {}\n\nThis wiki has no main page yet.\n", config.title),
        (None, _) => format!("# {}\n", config.title),
    };
    let context = HomePage {
        body: BODY,
        title: config.title.as_str(),
        main: name
            .as_ref()
            .filter(|_| page.is_some())
            .map(PageName::as_str),
    };
    let out = app
        .templates()
        .render_with_body("home.gmi", context, &body)?;
    Ok(gemtext(app, out))
}

/// `/page/<name>[/<rev>]`; the current revision's answer comes from the page cache while
/// the database is unchanged.
pub fn show(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    rev: Option<u32>,
) -> Result<Response, AppError> {
    if rev.is_some() {
        return build_page(app, request, name, rev);
    }
    // Taken before reading, so an answer built from data a write replaced meanwhile is
    // stored under the old stamp and never served.
    let stamp = app.store().change_stamp();
    if let Some(hit) = app.page_cache().get(request, name, stamp) {
        return Ok(hit);
    }
    let response = build_page(app, request, name, rev)?;
    app.page_cache().insert(request, name, stamp, &response);
    Ok(response)
}

fn build_page(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    rev: Option<u32>,
) -> Result<Response, AppError> {
    let (page, revision) = match rev {
        None => {
            let page = live_page(app, name)?;
            let current = page.current.clone();
            (page, current)
        }
        // Old revisions stay readable after a deletion: the history links to them.
        Some(n) => {
            let page = app
                .store()
                .page(name)?
                .ok_or_else(|| no_revision(name, n))?;
            let revision = app
                .store()
                .revision(name, n)?
                .filter(|r| !r.deleted)
                .ok_or_else(|| no_revision(name, n))?;
            (page, revision)
        }
    };
    let context = PageView {
        name: name.as_str(),
        body: BODY,
        old: revision.number != page.current.number,
        rev: revision.number,
        revisions: page.revisions,
        date: format_time(revision.created),
        author: &revision.author,
        comment: revision.comment.as_deref(),
        locked: page.locked,
        titan_url: urls::titan_edit(request, name, Some(revision.number)),
    };
    let out = app.templates().render_with_body(
        "page.gmi",
        context,
        &app.rendered(name.as_str(), &revision)?,
    )?;
    Ok(gemtext(app, out))
}

/// `/raw/<name>[/<rev>]`: the stored source, byte-exact, with its own MIME type.
pub fn raw(app: &Capsule, name: &PageName, rev: Option<u32>) -> Result<Response, AppError> {
    let revision = match rev {
        None => live_page(app, name)?.current,
        // Like old pages, old sources stay readable after a deletion.
        Some(n) => app
            .store()
            .revision(name, n)?
            .filter(|r| !r.deleted)
            .ok_or_else(|| no_revision(name, n))?,
    };
    let mime = format!("{}; charset=utf-8", revision.format.mime());
    Ok(Response::success(mime, revision.text.into_bytes()))
}

/// `/file/<name>[/<version>]`: an uploaded file (the current version, or the one named)
/// with its stored MIME type.
pub fn file(app: &Capsule, name: &PageName, version: Option<u32>) -> Result<Response, AppError> {
    let file = app.store().file_version(name, version)?.ok_or_else(|| {
        AppError::NotFound(match version {
            None => format!("No file named “{name}” has been uploaded"),
            Some(v) => format!(
                "“{name}” has no version {v}; the current one is /file/{}",
                name.encoded()
            ),
        })
    })?;
    Ok(Response::success(file.mime, file.data))
}

/// Crawlers read the pages and the feeds (`Allow` first, for parsers that take the first
/// match); history, diffs, sources, search and the other `/do/` routes cost more and
/// duplicate the pages.
const ROBOTS: &str = "User-agent: *\nAllow: /do/changes\nAllow: /do/atom\nDisallow: /history/\n\
                      Disallow: /diff/\nDisallow: /raw/\nDisallow: /do/\n";

/// `/robots.txt`: keep crawlers on the pages themselves and the feeds.
pub fn robots() -> Response {
    Response::success("text/plain; charset=utf-8", ROBOTS.as_bytes().to_vec())
}

/// The page if it exists and is not deleted, else a `51` saying how to create it.
fn live_page(app: &Capsule, name: &PageName) -> Result<Page, AppError> {
    match app.store().page(name)? {
        Some(page) if !page.current.deleted => Ok(page),
        Some(_) => Err(AppError::NotFound(format!(
            "“{name}” was deleted; see /history/{} or recreate it at /do/edit/{}",
            name.encoded(),
            name.encoded()
        ))),
        None => Err(AppError::NotFound(format!(
            "No page “{name}” yet; create it at /do/edit/{} (needs a client certificate)",
            name.encoded()
        ))),
    }
}

fn no_revision(name: &PageName, number: u32) -> AppError {
    AppError::NotFound(format!(
        "“{name}” has no revision {number}; see /history/{}",
        name.encoded()
    ))
}

/// A `20` gemtext response with the configured language.
pub fn gemtext(app: &Capsule, body: String) -> Response {
    Response::success(app.config().gemtext_mime(), body.into_bytes())
}
