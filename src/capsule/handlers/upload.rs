//! Titan uploads (SPEC §4). [`admit`] runs every check before a body byte is read — path and
//! name, identity or token, lock, MIME type, size, edit rate — and answers `;edit` prefill
//! requests; [`store`] then turns the exact-size body into a page revision, a deletion or an
//! uploaded file. Both resolve the uploader the same way, so what `admit` allowed is what
//! `store` attributes.

use crate::capsule::error::AppError;
use crate::capsule::handlers::edit::check_page_size;
use crate::capsule::handlers::guard::{decide, refuse, refuse_if_locked, Need};
use crate::capsule::handlers::lists::base_url;
use crate::capsule::router::Route;
use crate::capsule::{urls, Capsule};
use crate::gemini::{Request, Response, TitanParams};
use crate::wiki::merge::{Upload, UploadOutcome};
use crate::wiki::model::{Author, DeleteOutcome};
use crate::wiki::{PageFormat, PageName};

/// Body bytes read past the applicable limit when draining a refused upload, so a client
/// that sent a slightly oversized body still reads the error line.
const DRAIN_SLACK: u64 = 64 * 1024;

/// The edit-rate bucket shared by all token (anonymous) uploads; account ids start at 1.
const ANONYMOUS_RATE_KEY: i64 = 0;

/// What an upload becomes, decided by its MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A page's text; `None` (`text/plain`, what Lagrange sends for any typed text) keeps
    /// the page's current format.
    Page(Option<PageFormat>),
    /// An uploaded file with this (allowed) MIME type.
    File(String),
}

/// Who an upload is attributed to.
#[derive(Debug, Clone, Copy)]
struct Uploader {
    author: Author,
    admin: bool,
    rate_key: i64,
}

/// What `admit` decided for an acceptable request.
enum Admitted {
    /// Read this many body bytes, then call [`store`].
    Body(u64),
    /// `;edit`: answer with the current source at once; there is no body.
    Prefill(Response),
}

/// Decides whether to read the announced body; `Err` carries the answer and how many body
/// bytes to drain first (so the client, which may already be sending, gets to read it).
pub fn admit(request: &Request, app: &Capsule) -> Result<u64, (Response, u64)> {
    let params = params(request);
    let drain = params.size.unwrap_or(0).min(drain_cap(app));
    match check(request, app, &params) {
        Ok(Admitted::Body(size)) => Ok(size),
        Ok(Admitted::Prefill(response)) => Err((response, 0)),
        Err(err) => Err((err.to_response(), drain)),
    }
}

/// Stores an admitted upload whose body the connection has read (exactly `size` bytes).
pub fn store(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    base: Option<u32>,
) -> Result<Response, AppError> {
    let params = params(request);
    let uploader = uploader(request, app, &params)?;
    let page = app.store().page(name)?;
    refuse_if_locked(name, page.as_ref(), uploader.admin)?;
    let kind = kind(app, params.mime.as_deref())?;
    // Never treat a missing body as empty: that would delete the page.
    let body = request
        .body
        .as_deref()
        .ok_or_else(|| AppError::Internal("an upload reached store() without its body".into()))?;
    check_size(app, &kind, Some(body.len() as u64))?;
    match kind {
        Kind::Page(_) if body.is_empty() => delete(app, request, name, uploader),
        Kind::Page(format) => {
            let text = utf8_text(body)?;
            save_text(app, request, name, uploader, base, &text, format)
        }
        Kind::File(mime) => {
            app.store()
                .save_file(name, &mime, body, uploader.author, app.now())?;
            Ok(absolute(request, "file", name))
        }
    }
}

/// SPEC §4's order after host, port and path: name, identity or token, lock, MIME, size.
fn check(request: &Request, app: &Capsule, params: &TitanParams) -> Result<Admitted, AppError> {
    let (name, base) = match Route::from_request(request)? {
        Route::Upload { name, base } => (name, base),
        Route::MisdirectedUpload { name } => return Err(misdirected(request, &name)),
        _ => {
            return Err(AppError::BadRequest(
                "Titan uploads go to /raw/<name>".into(),
            ))
        }
    };
    let uploader = uploader(request, app, params)?;
    let page = app.store().page(&name)?;
    refuse_if_locked(&name, page.as_ref(), uploader.admin)?;
    if params.edit && params.size.is_none() {
        return prefill(app, &name, base, page).map(Admitted::Prefill);
    }
    let kind = kind(app, params.mime.as_deref())?;
    let size = check_size(app, &kind, params.size)?;
    app.check_edit_rate(uploader.rate_key)?;
    Ok(Admitted::Body(size))
}

/// `;edit`: the text of revision `base` (the current one without it) and its MIME type, so
/// the client can prefill its editor.
fn prefill(
    app: &Capsule,
    name: &PageName,
    base: Option<u32>,
    page: Option<crate::wiki::model::Page>,
) -> Result<Response, AppError> {
    let revision = match base {
        None => page.filter(|p| !p.current.deleted).map(|p| p.current),
        Some(rev) => app.store().revision(name, rev)?.filter(|r| !r.deleted),
    };
    match (revision, base) {
        (Some(revision), _) => Ok(Response::success(
            format!("{}; charset=utf-8", revision.format.mime()),
            revision.text.into_bytes(),
        )),
        (None, None) => Err(AppError::NotFound(format!(
            "No page “{name}” yet, so nothing to prefill; upload its first text"
        ))),
        (None, Some(rev)) => Err(AppError::NotFound(format!(
            "“{name}” has no revision {rev} to edit; see /history/{}",
            name.encoded()
        ))),
    }
}

/// The `59` for an upload to `/page/…` or `/do/edit/…`, naming the URL that edits the source.
fn misdirected(request: &Request, name: &PageName) -> AppError {
    AppError::BadRequest(format!(
        "Edit the page's source, not the rendered page: use {}",
        urls::titan_edit(request, name, None)
    ))
}

/// Identity or token: a usable registered certificate never needs a token; without one, a
/// configured token edits as "anonymous"; a wrong token is `59`; otherwise the guard's 6x.
fn uploader(request: &Request, app: &Capsule, params: &TitanParams) -> Result<Uploader, AppError> {
    let denied = match decide(request, app, Need::Edit)? {
        Ok(who) => {
            return Ok(Uploader {
                author: Author::Account(who.account.id),
                admin: who.is_admin(),
                rate_key: who.account.id,
            })
        }
        Err(denied) => denied,
    };
    let refused = refuse(&denied, request, None);
    match params.token.as_deref() {
        None => Err(refused),
        Some(token) if app.config().tokens.iter().any(|t| same_secret(t, token)) => Ok(Uploader {
            author: Author::Anonymous,
            admin: false,
            rate_key: ANONYMOUS_RATE_KEY,
        }),
        Some(_) => Err(AppError::BadRequest(
            "Wrong token: check the token= value, or present a registered client certificate"
                .into(),
        )),
    }
}

/// The kind an upload's MIME type makes; `59` for types this wiki does not take.
fn kind(app: &Capsule, mime: Option<&str>) -> Result<Kind, AppError> {
    let mime = mime.unwrap_or("text/gemini");
    if mime.trim().eq_ignore_ascii_case("text/plain") {
        return Ok(Kind::Page(None));
    }
    if let Some(format) = PageFormat::from_mime(mime) {
        return Ok(Kind::Page(Some(format)));
    }
    let allowed = &app.config().uploads.mime_types;
    if allowed.iter().any(|m| m == mime) {
        return Ok(Kind::File(mime.to_string()));
    }
    let mut accepted = String::from("text/gemini, text/plain, text/markdown");
    for extra in allowed {
        accepted.push_str(", ");
        accepted.push_str(extra);
    }
    Err(AppError::BadRequest(format!(
        "This wiki does not take uploads of type {mime}; send one of: {accepted}"
    )))
}

/// The size to read: present, within the kind's limit, and not zero for a file.
fn check_size(app: &Capsule, kind: &Kind, size: Option<u64>) -> Result<u64, AppError> {
    let size = size.ok_or_else(|| {
        AppError::BadRequest(
            "A Titan upload needs ;size=N with the body's length in bytes (;size=0 deletes)".into(),
        )
    })?;
    match kind {
        Kind::Page(_) => check_page_size(app, size)?,
        Kind::File(_) if size == 0 => {
            return Err(AppError::BadRequest(
                "Nothing to upload: the file is empty (size=0 deletes only pages)".into(),
            ))
        }
        Kind::File(_) => {
            let limit = app.config().uploads.max_file_size;
            if size > limit {
                return Err(AppError::BadRequest(format!(
                    "The file is {size} bytes; the limit is {limit} bytes"
                )));
            }
        }
    }
    Ok(size)
}

fn utf8_text(body: &[u8]) -> Result<String, AppError> {
    let text = std::str::from_utf8(body).map_err(|err| {
        AppError::BadRequest(format!(
            "The text is not valid UTF-8 (at byte {}); save it as UTF-8 and upload again",
            err.valid_up_to()
        ))
    })?;
    Ok(text.replace("\r\n", "\n"))
}

/// Saves, merges or keeps as a draft (SPEC §4). The Titan answer stays `30` to the page for
/// a save or a clean merge (the merged revision's comment says "merged with revision N");
/// a conflict leads to the draft, which shows it and how to resolve it.
fn save_text(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    uploader: Uploader,
    base: Option<u32>,
    text: &str,
    format: Option<PageFormat>,
) -> Result<Response, AppError> {
    // Revisions never change, so the base can be read before the write transaction.
    let base_revision = match base {
        None => None,
        Some(rev) => Some(app.store().revision(name, rev)?.ok_or_else(|| {
            AppError::BadRequest(format!(
                "“{name}” has no revision {rev} to base an edit on; upload to {}",
                urls::titan_edit(request, name, None)
            ))
        })?),
    };
    let outcome = app.store().save_upload(Upload {
        name,
        base: base_revision.as_ref().map(|r| (r.number, r.text.as_str())),
        text,
        format,
        author: uploader.author,
        now: app.now(),
    })?;
    Ok(match outcome {
        UploadOutcome::Saved(_) | UploadOutcome::Merged { .. } => absolute(request, "page", name),
        UploadOutcome::Conflict { id, .. } => {
            Response::redirect(format!("{}{}", urls::base(request), urls::draft(&id)))
        }
    })
}

/// An empty text upload deletes the page (a restorable deletion revision) and leads to its
/// history, where the deletion shows; deleting a deleted page changes nothing, like an
/// identical upload.
fn delete(
    app: &Capsule,
    request: &Request,
    name: &PageName,
    uploader: Uploader,
) -> Result<Response, AppError> {
    match app.store().delete_page(name, uploader.author, app.now())? {
        DeleteOutcome::Deleted(_) => Ok(absolute(request, "history", name)),
        DeleteOutcome::NotFound if app.store().page(name)?.is_some() => {
            Ok(absolute(request, "history", name))
        }
        DeleteOutcome::NotFound => Err(AppError::NotFound(format!(
            "There is no page “{name}” to delete; upload some text to create it"
        ))),
    }
}

/// `30 gemini://<host>[:port]/<kind>/<name>`: absolute, since the client is on `titan://`.
fn absolute(request: &Request, kind: &str, name: &PageName) -> Response {
    Response::redirect(format!("{}/{kind}/{}", base_url(request), name.encoded()))
}

fn params(request: &Request) -> TitanParams {
    request.titan.clone().unwrap_or_default()
}

/// The most body bytes a refusal drains: beyond the larger limit, refusing fast matters more
/// than the client's reading the answer.
fn drain_cap(app: &Capsule) -> u64 {
    let config = app.config();
    config
        .limits
        .max_page_size
        .max(config.uploads.max_file_size)
        .saturating_add(DRAIN_SLACK)
}

/// Compares a configured token with a sent one in time independent of where they differ.
fn same_secret(expected: &str, sent: &str) -> bool {
    let (a, b) = (expected.as_bytes(), sent.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3creT"));
        assert!(!same_secret("s3cret", "s3cre"));
        assert!(!same_secret("", "x"));
    }
}
