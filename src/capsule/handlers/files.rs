//! `/do/files`: the uploaded files (Titan uploads of the MIME types in `[uploads]`), by name,
//! paged, each with its type, size, current version and who uploaded it.

use crate::capsule::error::AppError;
use crate::capsule::handlers::page::gemtext;
use crate::capsule::handlers::{format_time, offset, paging, PAGE_SIZE};
use crate::capsule::{urls, Capsule};
use crate::gemini::gemtext::Gemtext;
use crate::gemini::Response;

/// The list of uploaded files, page `page`.
pub fn list(app: &Capsule, page: u32) -> Result<Response, AppError> {
    let (files, total) = app.store().file_listing(offset(page), PAGE_SIZE)?;
    let mut out = Gemtext::new();
    out.heading(1, "Uploaded files").blank();
    if files.is_empty() {
        out.text("No files have been uploaded yet.").blank();
    }
    for file in &files {
        let url = urls::file(&file.name);
        let versions = match file.versions {
            1 => String::new(),
            n => format!(", version {n}"),
        };
        out.link(
            &url,
            &format!(
                "{} ({}, {} bytes{versions}; {} by {})",
                file.name,
                file.mime,
                file.size,
                format_time(file.created),
                file.author
            ),
        );
    }
    let shown = u64::from(offset(page)) + files.len() as u64;
    let (prev, next) = paging(urls::FILES, page, shown < total);
    if !files.is_empty() {
        out.blank();
    }
    if let Some(prev) = prev {
        out.link(&prev, "Previous files");
    }
    if let Some(next) = next {
        out.link(&next, "More files");
    }
    out.link(urls::HOME, "Home");
    Ok(gemtext(app, out.finish()))
}
