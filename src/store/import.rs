//! Moving a wiki in and out at the SQL level: writing imported revisions and files with their
//! own times and an account-less author label (`phoebe-1451`), listing files for an export,
//! and the online backup. What to import is decided in `crate::moving`; this file only
//! records it, one transaction per page, and recognises what an earlier run already wrote.

use std::path::Path;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{params, Connection, OpenFlags};

use super::files::latest_file;
use super::pages::{insert_page, page_state, write_revision, Entry};
use super::{byte_size, page_name, Result, Store, StoreError};
use crate::wiki::model::{ImportedRevision, PageImport};
use crate::wiki::PageName;

/// Database pages copied per backup step, between progress reports (4 MiB at 4 KiB pages).
const BACKUP_PAGES_PER_STEP: std::ffi::c_int = 1024;

/// What the store can tell about an existing revision, to compare with an imported one.
struct Existing {
    deleted: bool,
    created: i64,
    text: String,
}

impl Store {
    /// Imports a page's revisions, numbered 1, 2, … in order, in one transaction.
    ///
    /// A revision counts as already imported when the page's revision with the same number
    /// has the same deletion flag, time and text (the author label and comment are not
    /// compared). So a second run adds nothing, a run over a source that grew adds only the
    /// new revisions, and a page with a different history here is left alone as a conflict.
    /// With `dry_run`, nothing is written but the outcome is the same.
    pub fn import_page(
        &self,
        name: &PageName,
        revisions: &[ImportedRevision],
        dry_run: bool,
    ) -> Result<PageImport> {
        self.write(|conn| {
            let existing = existing_revisions(conn, name)?;
            for (number, (old, new)) in (1..).zip(existing.iter().zip(revisions)) {
                let same = old.deleted == new.text.is_none()
                    && old.created == new.created
                    && old.text == new.text.as_deref().unwrap_or("");
                if !same {
                    return Ok(PageImport::Conflict { number });
                }
            }
            if existing.len() > revisions.len() {
                return Ok(PageImport::Conflict {
                    number: number(revisions.len() + 1),
                });
            }
            if existing.len() == revisions.len() {
                return Ok(PageImport::UpToDate);
            }
            let first = number(existing.len() + 1);
            if !dry_run {
                append_imported(conn, name, &revisions[existing.len()..])?;
            }
            Ok(PageImport::Added {
                first,
                last: number(revisions.len()),
            })
        })
    }

    /// Imports a file's bytes as its next version unless the current version has the same
    /// MIME type and bytes. `true` if it was (or, in a dry run, would be) written.
    pub fn import_file(
        &self,
        name: &PageName,
        mime: &str,
        data: &[u8],
        created: i64,
        author: &str,
        dry_run: bool,
    ) -> Result<bool> {
        self.write(|conn| {
            let latest = latest_file(conn, name, mime, data)?;
            if matches!(latest, Some((_, true))) || dry_run {
                return Ok(latest.is_none_or(|(_, same)| !same));
            }
            let number = latest.map_or(0, |(number, _)| number) + 1;
            conn.prepare_cached(
                "INSERT INTO files (name, number, mime, data, author_label, created, size) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                name.as_str(),
                number,
                mime,
                data,
                author,
                created,
                byte_size(data.len())
            ])?;
            Ok(true)
        })
    }

    /// Names of every uploaded file, in name order.
    pub fn file_names(&self) -> Result<Vec<PageName>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT DISTINCT name FROM files ORDER BY name")?;
            let rows = stmt.query_map([], |row| page_name(row, 0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Copies the whole database to a new file at `dest` while the wiki keeps serving, then
    /// checks the copy with `PRAGMA integrity_check`. The copy is one consistent snapshot:
    /// every edit committed before the backup started is in it. `progress` gets (pages
    /// copied, pages in all) after every step.
    ///
    /// # Errors
    /// [`StoreError::Integrity`] if the copy fails its check; SQLite errors otherwise.
    pub fn backup_to(&self, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let mut copy = Connection::open(dest)?;
        match &self.inner.readers {
            Some(pool) => {
                let source =
                    Connection::open_with_flags(&pool.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                copy_snapshot(&source, &mut copy, progress)?;
            }
            None => {
                let conn = self.inner.writer.lock().map_err(|_| StoreError::Poisoned)?;
                copy_snapshot(&conn.conn, &mut copy, progress)?;
            }
        }
        let verdict: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if verdict != "ok" {
            return Err(StoreError::Integrity(verdict));
        }
        Ok(())
    }
}

/// Runs the backup inside one read transaction on `source`, so that in WAL mode the steps all
/// read the same snapshot while writers go on (instead of restarting whenever one commits).
fn copy_snapshot(
    source: &Connection,
    copy: &mut Connection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    source.execute_batch("BEGIN")?;
    // A read transaction starts at the first read; this one pins the snapshot.
    source.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    let result = (|| -> Result<()> {
        let backup = Backup::new(source, copy)?;
        loop {
            let step = backup.step(BACKUP_PAGES_PER_STEP)?;
            let p = backup.progress();
            let total = u64::try_from(p.pagecount).unwrap_or(0);
            let left = u64::try_from(p.remaining).unwrap_or(0);
            progress(total.saturating_sub(left), total);
            match step {
                StepResult::Done => return Ok(()),
                // Only another process writing to the copy causes these; wait and go on.
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
    })();
    source.execute_batch("COMMIT")?;
    result
}

fn existing_revisions(conn: &Connection, name: &PageName) -> Result<Vec<Existing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.deleted, r.created, r.text FROM revisions r JOIN pages p ON p.id = r.page_id \
         WHERE p.name = ?1 ORDER BY r.number",
    )?;
    let rows = stmt.query_map([name.as_str()], |row| {
        Ok(Existing {
            deleted: row.get(0)?,
            created: row.get(1)?,
            text: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Appends `revisions` after the page's current one (creating the page if needed).
fn append_imported(
    conn: &Connection,
    name: &PageName,
    revisions: &[ImportedRevision],
) -> Result<()> {
    let state = page_state(conn, name)?;
    let page_id = match &state {
        Some(state) => state.id,
        None => insert_page(conn, name)?,
    };
    let mut number = state.map_or(0, |state| state.current);
    for revision in revisions {
        number += 1;
        let entry = Entry {
            text: revision.text.as_deref().unwrap_or(""),
            mime: revision.format.mime(),
            deleted: revision.text.is_none(),
            author: (None, Some(&revision.author)),
            comment: revision.comment.as_deref(),
            now: revision.created,
        };
        write_revision(conn, page_id, name, number, &entry)?;
    }
    Ok(())
}

/// A revision count as a revision number (pages never have 4 billion revisions).
fn number(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::PageFormat;

    fn name(text: &str) -> PageName {
        PageName::new(text).unwrap()
    }

    fn rev(text: Option<&str>, created: i64) -> ImportedRevision {
        ImportedRevision {
            text: text.map(str::to_owned),
            format: PageFormat::Gemtext,
            created,
            author: "phoebe-1451".into(),
            comment: None,
        }
    }

    #[test]
    fn imports_once_then_adds_only_new_revisions() {
        let store = Store::open_in_memory().unwrap();
        let page = name("Phoenix");
        let mut revs = vec![
            rev(Some("one\n"), 10),
            rev(None, 11),
            rev(Some("two\n"), 12),
        ];
        let dry = store.import_page(&page, &revs, true).unwrap();
        assert_eq!(dry, PageImport::Added { first: 1, last: 3 });
        assert_eq!(store.page(&page).unwrap(), None);
        assert_eq!(dry, store.import_page(&page, &revs, false).unwrap());
        assert_eq!(
            store.import_page(&page, &revs, false).unwrap(),
            PageImport::UpToDate
        );
        revs.push(rev(Some("three\n"), 13));
        let grown = store.import_page(&page, &revs, false).unwrap();
        assert_eq!(grown, PageImport::Added { first: 4, last: 4 });
        let deleted = store.revision(&page, 2).unwrap().unwrap();
        assert_eq!((deleted.deleted, deleted.created), (true, 11));
        let current = store.page(&page).unwrap().unwrap().current;
        assert_eq!(
            (current.number, current.author.as_str()),
            (4, "phoebe-1451")
        );
    }

    #[test]
    fn a_different_history_is_a_conflict_and_untouched() {
        let store = Store::open_in_memory().unwrap();
        let page = name("Welcome");
        store
            .import_page(&page, &[rev(Some("ours"), 1)], false)
            .unwrap();
        let theirs = [rev(Some("theirs"), 1), rev(Some("more"), 2)];
        let outcome = store.import_page(&page, &theirs, false).unwrap();
        assert_eq!(outcome, PageImport::Conflict { number: 1 });
        let longer = [rev(Some("ours"), 1), rev(Some("x"), 2)];
        store.import_page(&page, &longer, false).unwrap();
        let shorter = store.import_page(&page, &longer[..1], false).unwrap();
        assert_eq!(shorter, PageImport::Conflict { number: 2 });
        assert_eq!(store.page(&page).unwrap().unwrap().revisions, 2);
    }

    #[test]
    fn files_import_once_with_their_label() {
        let store = Store::open_in_memory().unwrap();
        let logo = name("logo.png");
        assert!(store
            .import_file(&logo, "image/png", b"png", 5, "phoebe-6515", false)
            .unwrap());
        assert!(!store
            .import_file(&logo, "image/png", b"png", 5, "phoebe-6515", false)
            .unwrap());
        let file = store.file(&logo).unwrap().unwrap();
        assert_eq!((file.author.as_str(), file.created), ("phoebe-6515", 5));
        assert_eq!(store.file_names().unwrap(), [logo]);
    }

    #[test]
    fn backup_copies_a_checked_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wiki.db")).unwrap();
        store
            .import_page(&name("Kept"), &[rev(Some("safe"), 1)], false)
            .unwrap();
        let dest = dir.path().join("copy.db");
        let mut calls = 0;
        store
            .backup_to(&dest, &mut |done, total| {
                calls += 1;
                assert!(done <= total);
            })
            .unwrap();
        assert!(calls >= 1);
        let copy = Store::open(&dest).unwrap();
        assert_eq!(
            copy.page(&name("Kept")).unwrap().unwrap().current.text,
            "safe"
        );
    }
}
