//! Reading single resources: the home page, a page (current or old revision), its raw
//! source, uploaded files and robots.txt.

use minijinja::context;

use crate::capsule::error::AppError;
use crate::capsule::handlers::format_time;
use crate::capsule::Capsule;
use crate::gemini::Response;
use crate::wiki::model::Page;
use crate::wiki::PageName;

/// `/`: the main page rendered, then the wiki's menu.
pub fn home(app: &Capsule) -> Result<Response, AppError> {
    let config = app.config();
    let body = match PageName::new(&config.main_page) {
        Ok(name) => match app.store().page(&name)? {
            Some(page) if !page.current.deleted => {
                app.rendered(name.as_str(), &page.current)?.to_string()
            }
            _ => format!("# {}\n\nThis wiki has no main page yet.\n", config.title),
        },
        Err(_) => format!("# {}\n", config.title),
    };
    let out = app.templates().render(
        "home.gmi",
        context! { body => body, title => config.title.as_str() },
    )?;
    Ok(gemtext(app, out))
}

/// `/page/<name>[/<rev>]`.
pub fn show(app: &Capsule, name: &PageName, rev: Option<u32>) -> Result<Response, AppError> {
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
    let old = revision.number != page.current.number;
    let body = app.rendered(name.as_str(), &revision)?;
    let out = app.templates().render(
        "page.gmi",
        context! {
            name => name.as_str(),
            link => name.encoded(),
            body => &*body,
            old => old,
            rev => revision.number,
            revisions => page.revisions,
            date => format_time(revision.created),
            author => revision.author,
            locked => page.locked,
        },
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

/// `/file/<name>`: an uploaded file with its stored MIME type.
pub fn file(app: &Capsule, name: &PageName) -> Result<Response, AppError> {
    let file = app
        .store()
        .file(name)?
        .ok_or_else(|| AppError::NotFound(format!("No file named “{name}” has been uploaded")))?;
    Ok(Response::success(file.mime, file.data))
}

/// `/robots.txt`: keep crawlers on the pages themselves.
pub fn robots() -> Response {
    Response::success(
        "text/plain; charset=utf-8",
        b"User-agent: *\nDisallow: /history/\nDisallow: /diff/\nDisallow: /raw/\nDisallow: /do/\n"
            .to_vec(),
    )
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
