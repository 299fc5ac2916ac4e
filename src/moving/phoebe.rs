//! Reading a Phoebe wiki directory (one space: `page/`, `keep/`, `changes.log`, `file/`,
//! `meta/`) and reconstructing from it a plan of revisions and files to import. Reading
//! ([`Space::read`]) only collects bytes; planning ([`plan`]) is pure and decides what can be
//! known, listing in notes what cannot. Writing the plan is `moving::import_phoebe`'s job.

use std::collections::BTreeMap;
use std::path::Path;

use crate::wiki::model::ImportedRevision;
use crate::wiki::{PageFormat, PageName};

/// The author label for changes whose client code is unknown.
const UNKNOWN_AUTHOR: &str = "phoebe";

/// Names of the sub-directories every space has; any other directory may be a space.
const LAYOUT_DIRS: [&str; 4] = ["page", "keep", "file", "meta"];

/// What one space's directory holds, as bytes, before any interpretation.
#[derive(Debug, Default, Clone)]
pub struct Space {
    /// By the name as the file system spells it.
    pub pages: BTreeMap<String, PageFiles>,
    pub files: BTreeMap<String, FileOnDisk>,
    /// `changes.log` as read; lines are interpreted by [`plan`].
    pub log: Vec<u8>,
    /// Entries of `page/`, `keep/`, `file/` that are not Phoebe's; reported, not imported.
    pub strays: Vec<String>,
}

/// A page's texts on disk: `keep/<name>/<n>.gmi` and `page/<name>.gmi`.
#[derive(Debug, Default, Clone)]
pub struct PageFiles {
    /// `(n, bytes)` in any order.
    pub kept: Vec<(u32, Vec<u8>)>,
    pub current: Option<Vec<u8>>,
}

/// An uploaded file: `file/<name>` and the `content-type:` line of `meta/<name>`.
#[derive(Debug, Default, Clone)]
pub struct FileOnDisk {
    pub data: Vec<u8>,
    pub mime: Option<String>,
}

/// What to import from one space, and what could not be known.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pub pages: Vec<(PageName, Vec<ImportedRevision>)>,
    pub files: Vec<PlannedFile>,
    /// Items not imported, each with its reason.
    pub skipped: Vec<String>,
    /// Things imported with less than the full truth, or history Phoebe did not keep.
    pub notes: Vec<String>,
}

/// A file to import: its current bytes with the time and author of its last upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub name: PageName,
    pub mime: String,
    pub data: Vec<u8>,
    pub created: i64,
    pub author: String,
}

/// One line of `changes.log`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LogLine {
    time: i64,
    name: String,
    change: Change,
    author: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// A page save; Phoebe's revision number in the log is not trusted (it restarts at 1
    /// when a deleted page is created again), only the order of these lines is.
    PageSaved,
    PageDeleted,
    FileUploaded,
    FileDeleted,
}

impl Space {
    /// Reads the space in `dir`.
    ///
    /// # Errors
    /// A directory or file that exists but cannot be read.
    pub fn read(dir: &Path) -> std::io::Result<Space> {
        let mut space = Space {
            log: read_optional(&dir.join("changes.log"))?.unwrap_or_default(),
            ..Space::default()
        };
        for (name, path) in entries(&dir.join("page"))? {
            match name.strip_suffix(".gmi") {
                Some(stem) => {
                    let page = space.pages.entry(stem.to_owned()).or_default();
                    page.current = Some(std::fs::read(path)?);
                }
                None => space.strays.push(format!("page/{name}")),
            }
        }
        for (name, path) in entries(&dir.join("keep"))? {
            if !path.is_dir() {
                space.strays.push(format!("keep/{name}"));
                continue;
            }
            for (file, path) in entries(&path)? {
                let number = file
                    .strip_suffix(".gmi")
                    .and_then(|n| n.parse::<u32>().ok());
                match number {
                    Some(n) if n > 0 => {
                        let page = space.pages.entry(name.clone()).or_default();
                        page.kept.push((n, std::fs::read(path)?));
                    }
                    _ => space.strays.push(format!("keep/{name}/{file}")),
                }
            }
        }
        for (name, path) in entries(&dir.join("file"))? {
            let meta = read_optional(&dir.join("meta").join(&name))?;
            let mime = meta.as_deref().and_then(content_type);
            let data = std::fs::read(path)?;
            space.files.insert(name, FileOnDisk { data, mime });
        }
        Ok(space)
    }
}

/// Sub-directories of a Phoebe data directory that look like spaces (they hold `page/`,
/// `keep/` or a `changes.log`), sorted.
///
/// # Errors
/// The directory cannot be listed.
pub fn spaces(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    for (name, path) in entries(dir)? {
        let is_space = path.is_dir()
            && !LAYOUT_DIRS.contains(&name.as_str())
            && (path.join("page").is_dir()
                || path.join("keep").is_dir()
                || path.join("changes.log").is_file());
        if is_space {
            found.push(name);
        }
    }
    Ok(found)
}

/// Works out every page's revisions and every file from what `space` holds.
pub fn plan(space: &Space) -> Plan {
    let mut plan = Plan::default();
    let log = parse_log(&space.log, &mut plan.skipped);
    plan.skipped.extend(
        space
            .strays
            .iter()
            .map(|s| format!("{s}: not a Phoebe page or revision file")),
    );
    // Grouped once, so planning stays linear in the size of the log.
    let mut events: BTreeMap<&str, Vec<&LogLine>> = BTreeMap::new();
    for line in &log {
        if matches!(line.change, Change::PageSaved | Change::PageDeleted) {
            events.entry(&line.name).or_default().push(line);
        }
    }
    let mut seen: BTreeMap<PageName, &str> = BTreeMap::new();
    for (raw, files) in &space.pages {
        let Some(name) = valid_name(raw, &mut seen, &mut plan.skipped) else {
            continue;
        };
        let events = events.get(raw.as_str()).map_or(&[][..], Vec::as_slice);
        match plan_page(raw, files, events, &mut plan.notes) {
            Ok(revisions) => plan.pages.push((name, revisions)),
            Err(reason) => plan.skipped.push(format!("page {raw:?}: {reason}")),
        }
    }
    let mut seen_files = BTreeMap::new();
    for (raw, file) in &space.files {
        if let Some(name) = valid_name(raw, &mut seen_files, &mut plan.skipped) {
            plan.files
                .push(plan_file(raw, name, file, &log, &mut plan.notes));
        }
    }
    note_log_only(space, &log, &mut plan.notes);
    plan
}

/// The page's revisions in order: its texts (kept ones by number, then the current one),
/// with the page's log lines matched to them by order, and deletions where the log has them.
fn plan_page(
    raw: &str,
    files: &PageFiles,
    events: &[&LogLine],
    notes: &mut Vec<String>,
) -> Result<Vec<ImportedRevision>, String> {
    let texts = texts(files)?;
    let mut texts = texts.into_iter().peekable();
    let mut out: Vec<ImportedRevision> = Vec::new();
    for event in events {
        let when = format_time(event.time);
        match event.change {
            Change::PageSaved => match texts.next() {
                Some(text) => out.push(revision(Some(text), event.time, &event.author, None)),
                None => notes.push(format!(
                    "page {raw:?}: the save at {when} left no text in keep/ or page/; not imported"
                )),
            },
            _ if out.last().is_none_or(|r| r.text.is_none()) => notes.push(format!(
                "page {raw:?}: the deletion at {when} has no earlier text to delete; not imported"
            )),
            _ => out.push(revision(None, event.time, &event.author, None)),
        }
    }
    let unlogged: Vec<String> = texts.collect();
    if !unlogged.is_empty() {
        notes.push(format!(
            "page {raw:?}: {} revision(s) without a changes.log line; imported with the \
             previous revision's time and author {UNKNOWN_AUTHOR:?}",
            unlogged.len()
        ));
    }
    for text in unlogged {
        let time = out.last().map_or(0, |r| r.created);
        let comment = "imported from Phoebe: time and author unknown";
        out.push(revision(Some(text), time, UNKNOWN_AUTHOR, Some(comment)));
    }
    let ends_deleted = out.last().is_some_and(|r| r.text.is_none());
    if files.current.is_some() && ends_deleted {
        // The files say the page is live: a save after the deletion went unlogged.
        out.pop();
        notes.push(format!(
            "page {raw:?}: changes.log ends in a deletion but page/ has text; kept it live"
        ));
    } else if files.current.is_none() && !ends_deleted {
        let time = out.last().map_or(0, |r| r.created);
        let comment = "deleted in Phoebe: time and author unknown";
        out.push(revision(None, time, UNKNOWN_AUTHOR, Some(comment)));
        notes.push(format!(
            "page {raw:?}: deleted without a changes.log line; the deletion's time is unknown"
        ));
    }
    Ok(out)
}

/// Kept texts by number, then the current one; all must be UTF-8.
fn texts(files: &PageFiles) -> Result<Vec<String>, String> {
    let mut kept: Vec<&(u32, Vec<u8>)> = files.kept.iter().collect();
    kept.sort_by_key(|(n, _)| *n);
    let current = files.current.iter().map(|bytes| ("page/", bytes));
    let all = kept
        .iter()
        .map(|(_, bytes)| ("keep/", bytes))
        .chain(current);
    all.enumerate()
        .map(|(i, (from, bytes))| {
            String::from_utf8(bytes.clone())
                .map_err(|_| format!("its text number {} (in {from}) is not UTF-8", i + 1))
        })
        .collect()
}

fn plan_file(
    raw: &str,
    name: PageName,
    file: &FileOnDisk,
    log: &[LogLine],
    notes: &mut Vec<String>,
) -> PlannedFile {
    let uploads: Vec<&LogLine> = log
        .iter()
        .filter(|l| l.change == Change::FileUploaded && l.name == raw)
        .collect();
    if uploads.len() > 1 {
        let times: Vec<String> = uploads[..uploads.len() - 1]
            .iter()
            .map(|l| format_time(l.time))
            .collect();
        notes.push(format!(
            "file {raw:?}: Phoebe kept only the last upload; the bytes of the earlier \
             upload(s) at {} are gone",
            times.join(", ")
        ));
    }
    let last = uploads.last();
    if last.is_none() {
        notes.push(format!(
            "file {raw:?}: no upload in changes.log; its time and author are unknown"
        ));
    }
    let mime = file.mime.clone().unwrap_or_else(|| {
        notes.push(format!(
            "file {raw:?}: meta/ has no content-type; imported as application/octet-stream"
        ));
        "application/octet-stream".to_owned()
    });
    PlannedFile {
        name,
        mime,
        data: file.data.clone(),
        created: last.map_or(0, |l| l.time),
        author: last.map_or(UNKNOWN_AUTHOR.to_owned(), |l| l.author.clone()),
    }
}

/// Notes log lines about pages and files of which nothing is left on disk.
fn note_log_only(space: &Space, log: &[LogLine], notes: &mut Vec<String>) {
    let mut gone: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for line in log {
        let is_file = matches!(line.change, Change::FileUploaded | Change::FileDeleted);
        let on_disk = if is_file {
            space.files.contains_key(&line.name)
        } else {
            space.pages.contains_key(&line.name)
        };
        if !on_disk {
            *gone.entry((&line.name, is_file)).or_default() += 1;
        }
    }
    for ((name, is_file), count) in gone {
        let kind = if is_file { "file" } else { "page" };
        notes.push(format!(
            "{kind} {name:?}: {count} change(s) in changes.log but nothing left on disk; \
             not imported"
        ));
    }
}

/// The page name for a file-system name, or `None` (reported) if the wiki must refuse it.
fn valid_name<'a>(
    raw: &'a str,
    seen: &mut BTreeMap<PageName, &'a str>,
    skipped: &mut Vec<String>,
) -> Option<PageName> {
    let name = match PageName::new(raw) {
        Ok(name) => name,
        Err(err) => {
            skipped.push(format!("{raw:?}: not a valid page name here: {err}"));
            return None;
        }
    };
    if let Some(other) = seen.insert(name.clone(), raw) {
        skipped.push(format!(
            "{raw:?}: the same name as {other:?} once normalised (Unicode NFC); only the first is imported"
        ));
        seen.insert(name, other);
        return None;
    }
    Some(name)
}

fn parse_log(log: &[u8], skipped: &mut Vec<String>) -> Vec<LogLine> {
    let mut lines = Vec::new();
    for (i, line) in log.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Some(parsed) => lines.push(parsed),
            None => skipped.push(format!("changes.log line {}: unreadable", i + 1)),
        }
    }
    lines
}

fn parse_line(line: &[u8]) -> Option<LogLine> {
    let line = std::str::from_utf8(line).ok()?;
    let mut fields = line.split('\u{1f}');
    let (time, name, rev, code) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let change = match rev {
        "🖹" => Change::PageDeleted,
        "🖻" => Change::FileDeleted,
        "0" => Change::FileUploaded,
        n if n.parse::<u32>().is_ok() => Change::PageSaved,
        _ => return None,
    };
    // The code hashes the client address with a seed that changes per Phoebe run: it tells
    // edits of one run apart, it is no identity. Keep only its digits in the label.
    let code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let author = if code.is_empty() {
        UNKNOWN_AUTHOR.to_owned()
    } else {
        format!("{UNKNOWN_AUTHOR}-{code}")
    };
    Some(LogLine {
        time: time.trim().parse().ok()?,
        name: name.to_owned(),
        change,
        author,
    })
}

fn revision(
    text: Option<String>,
    created: i64,
    author: &str,
    comment: Option<&str>,
) -> ImportedRevision {
    ImportedRevision {
        text,
        format: PageFormat::Gemtext,
        created,
        author: author.to_owned(),
        comment: comment.map(str::to_owned),
    }
}

/// `YYYY-MM-DD HH:MM:SS` UTC, for notes.
fn format_time(epoch: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| epoch.to_string())
}

/// The `content-type:` value of a `meta/` file.
fn content_type(meta: &[u8]) -> Option<String> {
    let meta = std::str::from_utf8(meta).ok()?;
    meta.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        (key.trim().eq_ignore_ascii_case("content-type") && !value.is_empty())
            .then(|| value.to_owned())
    })
}

fn read_optional(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// A directory's entries with UTF-8 names, sorted; none if it does not exist. Names that are
/// not UTF-8 cannot be page names and are left out.
fn entries(dir: &Path) -> std::io::Result<Vec<(String, std::path::PathBuf)>> {
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut found = Vec::new();
    for entry in listing {
        let entry = entry?;
        if let Ok(name) = entry.file_name().into_string() {
            found.push((name, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: &[(i64, &str, &str, &str)]) -> Vec<u8> {
        let mut out = String::new();
        for (time, name, rev, code) in lines {
            out.push_str(&format!("{time}\u{1f}{name}\u{1f}{rev}\u{1f}{code}\n"));
        }
        out.into_bytes()
    }

    fn page(kept: &[&str], current: Option<&str>) -> PageFiles {
        PageFiles {
            kept: (1..)
                .zip(kept)
                .map(|(n, t)| (n, t.as_bytes().to_vec()))
                .collect(),
            current: current.map(|t| t.as_bytes().to_vec()),
        }
    }

    /// (text or "DEL", time, author) per planned revision of the only page.
    fn only_page(plan: &Plan) -> Vec<(String, i64, String)> {
        assert_eq!(plan.pages.len(), 1, "{plan:?}");
        plan.pages[0]
            .1
            .iter()
            .map(|r| {
                let text = r.text.clone().unwrap_or_else(|| "DEL".into());
                (text, r.created, r.author.clone())
            })
            .collect()
    }

    fn row(text: &str, time: i64, author: &str) -> (String, i64, String) {
        (text.to_owned(), time, author.to_owned())
    }

    #[test]
    fn a_recreated_page_matches_log_lines_by_order_not_by_their_numbers() {
        let mut space = Space::default();
        space
            .pages
            .insert("Phoenix".into(), page(&["a", "b"], Some("c")));
        space.log = log(&[
            (10, "Phoenix", "1", "1451"),
            (11, "Phoenix", "🖹", "1451"),
            (12, "Phoenix", "1", "6515"),
            (13, "Phoenix", "3", "1451"),
        ]);
        let plan = plan(&space);
        let expected = [
            row("a", 10, "phoebe-1451"),
            row("DEL", 11, "phoebe-1451"),
            row("b", 12, "phoebe-6515"),
            row("c", 13, "phoebe-1451"),
        ];
        assert_eq!(only_page(&plan), expected);
        assert!(plan.notes.is_empty() && plan.skipped.is_empty(), "{plan:?}");
    }

    #[test]
    fn a_deleted_page_keeps_its_last_text_from_keep() {
        let mut space = Space::default();
        space
            .pages
            .insert("Obsolete".into(), page(&["one", "two"], None));
        space.log = log(&[
            (1, "Obsolete", "1", "1"),
            (2, "Obsolete", "2", "1"),
            (3, "Obsolete", "🖹", "2"),
        ]);
        let expected = [
            row("one", 1, "phoebe-1"),
            row("two", 2, "phoebe-1"),
            row("DEL", 3, "phoebe-2"),
        ];
        assert_eq!(only_page(&plan(&space)), expected);
    }

    #[test]
    fn unlogged_texts_and_deletions_are_imported_and_reported_not_invented() {
        let mut space = Space::default();
        space
            .pages
            .insert("Quiet".into(), page(&["one", "two"], None));
        space.log = log(&[(5, "Quiet", "1", "7")]);
        let plan = plan(&space);
        let expected = [
            row("one", 5, "phoebe-7"),
            row("two", 5, "phoebe"),
            row("DEL", 5, "phoebe"),
        ];
        assert_eq!(only_page(&plan), expected);
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        let revisions = &plan.pages[0].1;
        assert_eq!(
            revisions[1].comment.as_deref(),
            Some("imported from Phoebe: time and author unknown")
        );
    }

    #[test]
    fn logged_saves_without_a_text_are_reported() {
        let mut space = Space::default();
        space.pages.insert("Short".into(), page(&[], Some("only")));
        space.log = log(&[(1, "Short", "1", "1"), (2, "Short", "2", "1")]);
        let plan = plan(&space);
        assert_eq!(only_page(&plan), [row("only", 1, "phoebe-1")]);
        assert_eq!(
            plan.notes,
            ["page \"Short\": the save at 1970-01-01 00:00:02 left no text in keep/ or page/; not imported"]
        );
    }

    #[test]
    fn invalid_and_colliding_names_are_skipped_with_reasons() {
        let mut space = Space::default();
        space.pages.insert(" Leading".into(), page(&[], Some("x")));
        space
            .pages
            .insert("Cafe\u{301}".into(), page(&[], Some("nfd")));
        space
            .pages
            .insert("Caf\u{e9}".into(), page(&[], Some("nfc")));
        let plan = plan(&space);
        assert_eq!(plan.pages.len(), 1);
        assert_eq!(plan.skipped.len(), 2, "{:?}", plan.skipped);
        assert!(plan.skipped[0].contains("start or end with a space"));
    }

    #[test]
    fn files_keep_the_last_upload_and_report_lost_ones() {
        let mut space = Space::default();
        let file = FileOnDisk {
            data: b"png".to_vec(),
            mime: content_type(b"content-type: image/png\n"),
        };
        space.files.insert("logo.png".into(), file);
        space.log = log(&[(1, "logo.png", "0", "1451"), (9, "logo.png", "0", "6515")]);
        space.log.extend(log(&[(10, "gone.png", "🖻", "1")]));
        let plan = plan(&space);
        let expected = PlannedFile {
            name: PageName::new("logo.png").unwrap(),
            mime: "image/png".into(),
            data: b"png".to_vec(),
            created: 9,
            author: "phoebe-6515".into(),
        };
        assert_eq!(plan.files, [expected]);
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert!(plan.notes[0].contains("1970-01-01 00:00:01"));
        assert!(plan.notes[1].starts_with("file \"gone.png\""));
    }

    #[test]
    fn unreadable_log_lines_are_skipped() {
        let mut skipped = Vec::new();
        let lines = parse_log(b"12\x1fA\x1f1\x1f1\nnonsense\n\n", &mut skipped);
        assert_eq!(lines.len(), 1);
        assert_eq!(skipped, ["changes.log line 2: unreadable"]);
    }

    #[test]
    fn the_fixture_reads_with_its_spaces() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/phoebe-wiki");
        assert_eq!(spaces(&dir).unwrap(), ["notes"]);
        let plan = plan(&Space::read(&dir).unwrap());
        let names: Vec<&str> = plan.pages.iter().map(|(n, _)| n.as_str()).collect();
        let expected = [
            "2026-11-30 Hello",
            "Alex’s Notes",
            "Café",
            "Long Page",
            "Obsolete",
            "Phoenix",
            "Welcome",
            "日本語",
        ];
        assert_eq!(names, expected);
        assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
        assert_eq!(
            plan.notes.len(),
            1,
            "only the lost first logo: {:?}",
            plan.notes
        );
    }
}
