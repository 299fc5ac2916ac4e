//! `gemwiki export DIR` and its inverse `gemwiki import export DIR`: every live page's current
//! text as `pages/<name>.gmi` or `.md`, every file as `files/<name>`, and `manifest.json`
//! listing each page's revisions (number, time, author, size, summary, sha256) so people can
//! leave or archive. File names are the page names with the few characters file systems
//! refuse percent-encoded (reversible); the manifest maps every name to its file.

use std::collections::HashSet;
use std::path::Path;

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{MovingError, Report};
use crate::store::Store;
use crate::wiki::model::ImportedRevision;
use crate::wiki::{PageFormat, PageName};

/// The manifest's `format` value, so an import can tell an export from any JSON file.
const FORMAT: &str = "gemwiki-export";
const VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub pages: Vec<PageEntry>,
    pub files: Vec<FileEntry>,
}

/// One live page: where its current text is, and its whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    pub name: String,
    /// Path of the current text, relative to the export directory.
    pub file: String,
    pub mime: String,
    /// Oldest first; the last one is the text in `file`.
    pub revisions: Vec<RevisionEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionEntry {
    pub number: u32,
    /// Unix seconds, UTC.
    pub created: i64,
    pub author: String,
    pub size: u64,
    pub deleted: bool,
    pub summary: Option<String>,
    /// Of the revision's text, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub file: String,
    pub mime: String,
    pub size: u64,
    pub created: i64,
    pub author: String,
    pub sha256: String,
}

/// Writes the export into `dir`, which must be empty or not exist yet.
///
/// # Errors
/// `dir` is not empty, a file cannot be written, or the store fails.
pub fn export(store: &Store, dir: &Path, bar: &ProgressBar) -> Result<Manifest, MovingError> {
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(MovingError::Invalid(format!(
            "{} is not empty; export into a new directory",
            dir.display()
        )));
    }
    for sub in ["pages", "files"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(MovingError::io(dir))?;
    }
    bar.set_length(store.page_count()?);
    let mut taken = HashSet::new();
    let mut pages = Vec::new();
    let mut offset = 0;
    loop {
        let names = store.page_names(offset, 500)?;
        for name in &names {
            if let Some(entry) = export_page(store, dir, name, &mut taken)? {
                pages.push(entry);
            }
            bar.inc(1);
        }
        if names.len() < 500 {
            break;
        }
        offset += 500;
    }
    let mut files = Vec::new();
    for name in store.file_names()? {
        let Some(file) = store.file(&name)? else {
            continue;
        };
        let path = unique(
            &mut taken,
            &format!("files/{}", safe_file_name(name.as_str())),
            "",
        );
        write(dir, &path, &file.data)?;
        files.push(FileEntry {
            name: name.to_string(),
            file: path,
            mime: file.mime,
            size: file.data.len() as u64,
            created: file.created,
            author: file.author,
            sha256: sha256(&file.data),
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        pages,
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|err| MovingError::Invalid(format!("manifest: {err}")))?;
    write(dir, MANIFEST, &json)?;
    bar.finish_and_clear();
    Ok(manifest)
}

fn export_page(
    store: &Store,
    dir: &Path,
    name: &PageName,
    taken: &mut HashSet<String>,
) -> Result<Option<PageEntry>, MovingError> {
    // A page deleted between listing and reading is simply not exported.
    let Some(page) = store.page(name)?.filter(|p| !p.current.deleted) else {
        return Ok(None);
    };
    let mut revisions = Vec::new();
    for number in 1..=page.revisions {
        let Some(rev) = store.revision(name, number)? else {
            continue;
        };
        revisions.push(RevisionEntry {
            number,
            created: rev.created,
            author: rev.author,
            size: rev.size,
            deleted: rev.deleted,
            summary: rev.comment,
            sha256: sha256(rev.text.as_bytes()),
        });
    }
    let extension = match page.current.format {
        PageFormat::Gemtext => ".gmi",
        PageFormat::Markdown => ".md",
    };
    let stem = format!("pages/{}", safe_file_name(name.as_str()));
    let path = unique(taken, &stem, extension);
    write(dir, &path, page.current.text.as_bytes())?;
    Ok(Some(PageEntry {
        name: name.to_string(),
        file: path,
        mime: page.current.format.mime().into(),
        revisions,
    }))
}

/// `gemwiki import export DIR`: each exported page's current text as a revision with its
/// original time, author and summary; each file as it was. Idempotent like every import.
///
/// # Errors
/// No readable `manifest.json` of a gemwiki export in `dir`, or the store fails.
pub fn import_export(
    store: &Store,
    dir: &Path,
    dry_run: bool,
    bar: &ProgressBar,
) -> Result<Report, MovingError> {
    let path = dir.join(MANIFEST);
    let json = std::fs::read(&path).map_err(MovingError::io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|err| MovingError::Invalid(format!("{}: {err}", path.display())))?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        return Err(MovingError::Invalid(format!(
            "{} is not a version {VERSION} gemwiki export",
            path.display()
        )));
    }
    let mut report = Report {
        dry_run,
        ..Report::default()
    };
    bar.set_length((manifest.pages.len() + manifest.files.len()) as u64);
    for entry in &manifest.pages {
        match page_revision(dir, entry) {
            Ok((name, revision)) => report.page(store, &name, &[revision])?,
            Err(reason) => report
                .skipped
                .push(format!("page {:?}: {reason}", entry.name)),
        }
        bar.inc(1);
    }
    for entry in &manifest.files {
        match checked(dir, &entry.name, &entry.file, &entry.sha256) {
            Ok((name, data)) => {
                let author = &entry.author;
                if store.import_file(&name, &entry.mime, &data, entry.created, author, dry_run)? {
                    report.files += 1;
                } else {
                    report.unchanged += 1;
                }
            }
            Err(reason) => report
                .skipped
                .push(format!("file {:?}: {reason}", entry.name)),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}

/// The revision to import for an exported page, or why it cannot be imported.
fn page_revision(dir: &Path, entry: &PageEntry) -> Result<(PageName, ImportedRevision), String> {
    let last = entry
        .revisions
        .last()
        .ok_or("the manifest lists no revision")?;
    let (name, bytes) = checked(dir, &entry.name, &entry.file, &last.sha256)?;
    let format = PageFormat::from_mime(&entry.mime)
        .ok_or_else(|| format!("{:?} is not a page MIME type", entry.mime))?;
    let text = String::from_utf8(bytes).map_err(|_| "its text is not UTF-8".to_owned())?;
    let revision = ImportedRevision {
        text: Some(text),
        format,
        created: last.created,
        author: last.author.clone(),
        comment: last.summary.clone(),
    };
    Ok((name, revision))
}

/// Reads `file` and checks it against the manifest's hash: a file changed after the export
/// is reported rather than imported under the old revision's time and author.
fn checked(dir: &Path, name: &str, file: &str, hash: &str) -> Result<(PageName, Vec<u8>), String> {
    let name = PageName::new(name).map_err(|err| err.to_string())?;
    if file.split('/').any(|part| part == ".." || part.is_empty()) {
        return Err(format!("{file:?} is outside the export"));
    }
    let bytes = std::fs::read(dir.join(file)).map_err(|err| format!("{file}: {err}"))?;
    if sha256(&bytes) != hash {
        return Err(format!("{file} changed since the export (sha256 differs)"));
    }
    Ok((name, bytes))
}

/// The page name as a file name: `%`, `/`, `\`, control characters, the characters Windows
/// refuses and a leading `.` are percent-encoded; everything else (Unicode, spaces) stays.
/// Percent-decoding gives the name back.
pub fn safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        let unsafe_char = c.is_control()
            || matches!(
                c,
                '%' | '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
            )
            || (i == 0 && c == '.');
        if unsafe_char {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `stem + extension`, or with `~2`, `~3`, … added when a case-insensitive file system would
/// confuse it with a path already used (the manifest records which file holds which name).
fn unique(taken: &mut HashSet<String>, stem: &str, extension: &str) -> String {
    let mut path = format!("{stem}{extension}");
    let mut n = 1;
    while !taken.insert(path.to_lowercase()) {
        n += 1;
        path = format!("{stem}~{n}{extension}");
    }
    path
}

fn write(dir: &Path, relative: &str, bytes: &[u8]) -> Result<(), MovingError> {
    let path = dir.join(relative);
    std::fs::write(&path, bytes).map_err(MovingError::io(&path))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_encode_only_what_file_systems_refuse_and_decode_back() {
        let cases = [
            ("Café notes", "Café notes"),
            ("日本語", "日本語"),
            ("50% off", "50%25 off"),
            (".hidden", "%2Ehidden"),
            ("a.b", "a.b"),
            ("What? Why: <this>", "What%3F Why%3A %3Cthis%3E"),
            ("back\\slash|pipe*\"", "back%5Cslash%7Cpipe%2A%22"),
        ];
        for (name, file) in cases {
            assert_eq!(safe_file_name(name), file);
            let back = percent_encoding::percent_decode_str(file)
                .decode_utf8()
                .unwrap();
            assert_eq!(back, name);
        }
    }

    #[test]
    fn paths_that_differ_only_in_case_get_a_suffix() {
        let mut taken = HashSet::new();
        assert_eq!(unique(&mut taken, "pages/Home", ".gmi"), "pages/Home.gmi");
        assert_eq!(unique(&mut taken, "pages/home", ".gmi"), "pages/home~2.gmi");
        assert_eq!(unique(&mut taken, "pages/HOME", ".gmi"), "pages/HOME~3.gmi");
    }

    #[test]
    fn files_outside_the_export_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = checked(dir.path(), "x", "../etc/passwd", "").unwrap_err();
        assert_eq!(err, "\"../etc/passwd\" is outside the export");
    }
}
