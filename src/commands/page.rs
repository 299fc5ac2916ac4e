//! `gemwiki page …`: list, show, history, import, lock, unlock, delete, restore. Every message
//! names a page as the wiki shows it (its `Display`).

use std::io::Write;
use std::path::Path;

use super::{format_time, now, page_name, plural, CommandError, Result};
use crate::cli::PageCommand;
use crate::store::Store;
use crate::wiki::model::{Author, DeleteOutcome, NewRevision, RevisionSummary, SaveOutcome};
use crate::wiki::{PageFormat, PageName};

/// Rows fetched per query when listing everything.
const CHUNK: u32 = 1000;

/// `gemwiki page …`.
///
/// # Errors
/// Unknown page, invalid name, unreadable file, or a storage failure.
pub fn page(store: &Store, command: PageCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        PageCommand::List => list(store, out),
        PageCommand::Show { name, revision } => show(store, &page_name(&name)?, revision, out),
        PageCommand::History { name } => history(store, &page_name(&name)?, out),
        PageCommand::Import { files } => {
            // All or nothing as far as names go: a wrong file is reported before any import.
            let checked = files
                .iter()
                .map(|file| Ok((file.as_path(), import_target(file)?)))
                .collect::<Result<Vec<_>>>()?;
            for (file, (name, format)) in checked {
                import_file(store, file, &name, format, out)?;
            }
            Ok(())
        }
        PageCommand::Lock { name } => set_lock(store, &name, true, out),
        PageCommand::Unlock { name } => set_lock(store, &name, false, out),
        PageCommand::Delete { name } => {
            let name = page_name(&name)?;
            match store.delete_page(&name, Author::System, now())? {
                DeleteOutcome::Deleted(rev) => {
                    writeln!(out, "deleted {name} (revision {rev})")?;
                    Ok(())
                }
                DeleteOutcome::NotFound => Err(no_live_page(&name)),
            }
        }
        PageCommand::Restore { name, revision } => {
            restore(store, &page_name(&name)?, revision, out)
        }
    }
}

fn no_page(name: &PageName) -> CommandError {
    CommandError::Usage(format!("no page named {name} (see gemwiki page list)"))
}

fn no_live_page(name: &PageName) -> CommandError {
    CommandError::Usage(format!("no live page named {name} (see gemwiki page list)"))
}

/// "has no revision N", saying which revisions there are.
fn no_revision(store: &Store, name: &PageName, revision: u32) -> Result<CommandError> {
    let page = store.page(name)?.ok_or_else(|| no_page(name))?;
    Ok(CommandError::Usage(format!(
        "{name} has no revision {revision}: its revisions are 1 to {} (see gemwiki page history)",
        page.revisions
    )))
}

/// One line per live page: name, revision count, lock state, tab-separated.
fn list(store: &Store, out: &mut dyn Write) -> Result<()> {
    let mut offset = 0;
    loop {
        let pages = store.page_listing(offset, CHUNK)?;
        for page in &pages {
            let lock = if page.locked { "locked" } else { "unlocked" };
            let revisions = plural(u64::from(page.revisions), "revision");
            writeln!(out, "{}\t{revisions}\t{lock}", page.name)?;
        }
        if pages.len() < CHUNK as usize {
            return Ok(());
        }
        offset += CHUNK;
    }
}

/// The stored text, exactly as `/raw/` serves it.
fn show(store: &Store, name: &PageName, revision: Option<u32>, out: &mut dyn Write) -> Result<()> {
    let shown = match revision {
        Some(number) => match store.revision(name, number)? {
            Some(rev) => rev,
            None => return Err(no_revision(store, name, number)?),
        },
        None => store.page(name)?.ok_or_else(|| no_page(name))?.current,
    };
    if shown.deleted {
        return Err(CommandError::Usage(format!(
            "revision {} of {name} deleted the page; show an earlier one (see gemwiki page history)",
            shown.number
        )));
    }
    out.write_all(shown.text.as_bytes())?;
    Ok(())
}

/// One line per revision, newest first: number, time, author, size and change, summary.
fn history(store: &Store, name: &PageName, out: &mut dyn Write) -> Result<()> {
    let mut offset = 0;
    loop {
        let revisions = store.history(name, offset, CHUNK)?;
        if offset == 0 && revisions.is_empty() {
            return Err(no_page(name));
        }
        for rev in &revisions {
            writeln!(out, "{}", history_line(rev))?;
        }
        if revisions.len() < CHUNK as usize {
            return Ok(());
        }
        offset += CHUNK;
    }
}

fn history_line(rev: &RevisionSummary) -> String {
    let mut line = format!(
        "{}\t{}\t{}\t{} ({:+})",
        rev.number,
        format_time(rev.created),
        rev.author,
        plural(rev.size, "byte"),
        rev.size_delta
    );
    let summary = match (rev.deleted, rev.comment.as_deref()) {
        (true, Some(comment)) => format!("deleted: {comment}"),
        (true, None) => "deleted".into(),
        (false, Some(comment)) => comment.to_owned(),
        (false, None) => String::new(),
    };
    if !summary.is_empty() {
        line.push('\t');
        line.push_str(&summary);
    }
    line
}

fn restore(store: &Store, name: &PageName, revision: u32, out: &mut dyn Write) -> Result<()> {
    match store.restore_revision(name, revision, Author::System, now())? {
        Some(SaveOutcome::Created(rev)) => {
            writeln!(out, "restored {name} as revision {rev}")?;
        }
        Some(SaveOutcome::Unchanged(rev)) => {
            writeln!(out, "{name} already has that text (revision {rev})")?;
        }
        None => return Err(no_revision(store, name, revision)?),
    }
    Ok(())
}

fn set_lock(store: &Store, name: &str, locked: bool, out: &mut dyn Write) -> Result<()> {
    let name = page_name(name)?;
    if !store.set_locked(&name, locked)? {
        return Err(no_page(&name));
    }
    let done = if locked { "locked" } else { "unlocked" };
    writeln!(out, "{done} {name}")?;
    Ok(())
}

/// The page a file becomes: its stem names it, its extension (`.gmi` or `.md`, nothing
/// else) says the format.
fn import_target(path: &Path) -> Result<(PageName, PageFormat)> {
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("md") => PageFormat::Markdown,
        Some("gmi") => PageFormat::Gemtext,
        _ => return Err(CommandError::Usage(format!(
            "{}: page import takes gemtext (.gmi) or Markdown (.md) files; rename it to say which",
            path.display()
        ))),
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| CommandError::Usage(format!("{}: no usable file name", path.display())))?;
    Ok((page_name(stem)?, format))
}

fn import_file(
    store: &Store,
    path: &Path,
    name: &PageName,
    format: PageFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let text = std::fs::read_to_string(path)?.replace("\r\n", "\n");
    let outcome = store.save_revision(NewRevision {
        name,
        text: &text,
        format,
        author: Author::System,
        comment: Some("imported"),
        now: now(),
    })?;
    match outcome {
        SaveOutcome::Created(rev) => writeln!(out, "imported {name} (revision {rev})")?,
        SaveOutcome::Unchanged(_) => writeln!(out, "unchanged {name}")?,
    }
    Ok(())
}
