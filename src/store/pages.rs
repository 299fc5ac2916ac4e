//! Pages and their revisions: saving, deleting (a deletion is a revision), restoring, the
//! page index and locks; the lists of revisions (history, recent changes) are `changes.rs`.
//! Every change to a page's current text updates the search index `pages_fts` in the same
//! transaction (querying it is `search.rs`).
//! Who may edit is decided by the handlers, not here: the store records, it does not
//! authorise (a lock is a flag for the handlers to honour).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{
    author_columns, author_log, byte_size, count_column, page_name, parse_column, Result, Store,
};
use crate::wiki::model::{
    Author, DeleteOutcome, NewRevision, Page, PageListing, Revision, SaveOutcome,
};
use crate::wiki::{PageFormat, PageName};

/// A revision's columns, for tables aliased `p` (pages), `r` (revisions), `a` (accounts).
macro_rules! select_revision {
    () => {
        "SELECT p.name, r.number, r.text, r.mime, COALESCE(a.name, r.author_label), r.created, \
         r.size, r.deleted, r.comment, p.locked, p.current \
         FROM pages p JOIN revisions r ON r.page_id = p.id \
         LEFT JOIN accounts a ON a.id = r.author_id "
    };
}

/// Live page names, alphabetical: `(limit, offset)`.
pub(super) const PAGE_NAMES: &str =
    "SELECT name FROM pages WHERE deleted = 0 ORDER BY sort_key, name LIMIT ?1 OFFSET ?2";

/// Live pages with their revision count and lock, alphabetical: `(limit, offset)`.
const PAGE_LISTING: &str = "SELECT name, current, locked FROM pages WHERE deleted = 0 \
     ORDER BY sort_key, name LIMIT ?1 OFFSET ?2";

/// A revision about to be appended to a page.
pub(super) struct Entry<'a> {
    pub(super) text: &'a str,
    pub(super) mime: &'a str,
    pub(super) deleted: bool,
    /// `(author_id, author_label)`, as [`author_columns`] makes them (imports give a label).
    pub(super) author: (Option<i64>, Option<&'a str>),
    pub(super) comment: Option<&'a str>,
    pub(super) now: i64,
}

/// A page's row and the MIME type of its latest revision.
pub(super) struct PageState {
    pub(super) id: i64,
    pub(super) current: u32,
    pub(super) deleted: bool,
    mime: String,
}

impl Store {
    /// The page's latest revision, even if that revision deleted it.
    pub fn page(&self, name: &PageName) -> Result<Option<Page>> {
        self.read(|conn| {
            let sql = concat!(
                select_revision!(),
                "WHERE p.name = ?1 AND r.number = p.current"
            );
            let mut stmt = conn.prepare_cached(sql)?;
            let page = stmt
                .query_row([name.as_str()], |row| {
                    Ok(Page {
                        current: revision_from_row(row)?,
                        locked: row.get(9)?,
                        revisions: row.get(10)?,
                    })
                })
                .optional()?;
            Ok(page)
        })
    }

    /// Revision `number` of the page, if both exist.
    pub fn revision(&self, name: &PageName, number: u32) -> Result<Option<Revision>> {
        self.read(|conn| load_revision(conn, name, number))
    }

    /// Saves a new revision unless it equals the current live one. Concurrent saves to one
    /// page are serialised and numbered consecutively.
    pub fn save_revision(&self, rev: NewRevision<'_>) -> Result<SaveOutcome> {
        let entry = Entry {
            text: rev.text,
            mime: rev.format.mime(),
            deleted: false,
            author: author_columns(rev.author),
            comment: rev.comment,
            now: rev.now,
        };
        let outcome = self.write(|conn| append_revision(conn, rev.name, &entry))?;
        log_saved("page saved", rev.name, rev.author, &outcome);
        Ok(outcome)
    }

    /// Saves a revision whose text `edit` computes from the page's current live revision
    /// (`None` for a missing or deleted page), inside the write transaction: concurrent
    /// edits of one page build on each other instead of overwriting each other. `edit` may
    /// refuse with its own error, which is returned as the inner `Err` and saves nothing.
    pub fn edit_page<E>(
        &self,
        name: &PageName,
        author: Author,
        now: i64,
        edit: impl FnOnce(Option<&Revision>) -> std::result::Result<(String, PageFormat), E>,
    ) -> Result<std::result::Result<SaveOutcome, E>> {
        let outcome = self.write(|conn| {
            let current = match page_state(conn, name)? {
                Some(state) if !state.deleted => load_revision(conn, name, state.current)?,
                _ => None,
            };
            let (text, format) = match edit(current.as_ref()) {
                Ok(edited) => edited,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let entry = Entry {
                text: &text,
                mime: format.mime(),
                deleted: false,
                author: author_columns(author),
                comment: None,
                now,
            };
            append_revision(conn, name, &entry).map(Ok)
        })?;
        if let Ok(saved) = &outcome {
            log_saved("page saved", name, author, saved);
        }
        Ok(outcome)
    }

    /// Records a deletion as a new revision with empty text; the page leaves the index and
    /// search but keeps its history.
    pub fn delete_page(&self, name: &PageName, author: Author, now: i64) -> Result<DeleteOutcome> {
        let outcome = self.write(|conn| delete_in(conn, name, author, now))?;
        log_deleted(name, author, outcome);
        Ok(outcome)
    }

    /// Makes an old revision current again by copying it as a new revision (restoring a
    /// deletion deletes the page). `None` if there is no such revision.
    pub fn restore_revision(
        &self,
        name: &PageName,
        number: u32,
        author: Author,
        now: i64,
    ) -> Result<Option<SaveOutcome>> {
        let outcome = self.write(|conn| restore_in(conn, name, number, author, now))?;
        log_restored(name, number, author, outcome);
        Ok(outcome)
    }

    /// Names of live pages, alphabetical ignoring case.
    pub fn page_names(&self, offset: u32, limit: u32) -> Result<Vec<PageName>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(PAGE_NAMES)?;
            let rows = stmt.query_map([limit, offset], |row| page_name(row, 0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Live pages with their revision count and lock, alphabetical ignoring case.
    pub fn page_listing(&self, offset: u32, limit: u32) -> Result<Vec<PageListing>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(PAGE_LISTING)?;
            let rows = stmt.query_map([limit, offset], |row| {
                Ok(PageListing {
                    name: page_name(row, 0)?,
                    revisions: row.get(1)?,
                    locked: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// How many live pages there are.
    pub fn page_count(&self) -> Result<u64> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT count(*) FROM pages WHERE deleted = 0")?;
            Ok(stmt.query_row([], |row| count_column(row, 0))?)
        })
    }

    /// Locks or unlocks a page; `false` if there is no such page (live or deleted).
    pub fn set_locked(&self, name: &PageName, locked: bool) -> Result<bool> {
        let found = self.write(|conn| {
            let mut stmt = conn.prepare_cached("UPDATE pages SET locked = ?2 WHERE name = ?1")?;
            Ok(stmt.execute(params![name.as_str(), locked])? > 0)
        })?;
        if found {
            tracing::info!(page = %name, locked, "page lock set");
        }
        Ok(found)
    }

    /// Sets the edit summary (comment) of the page's current revision if `account_id` wrote
    /// it; returns its number, or `None` when the latest revision is someone else's (or there
    /// is no such page). Check and update are one statement, so a concurrent edit cannot slip
    /// between them.
    pub fn set_own_latest_comment(
        &self,
        name: &PageName,
        account_id: i64,
        comment: &str,
    ) -> Result<Option<u32>> {
        self.write(|conn| {
            let mut stmt = conn.prepare_cached(
                "UPDATE revisions SET comment = ?3 \
                 WHERE (page_id, number) = (SELECT id, current FROM pages WHERE name = ?1) \
                 AND author_id = ?2 RETURNING number",
            )?;
            Ok(stmt
                .query_row(params![name.as_str(), account_id, comment], |row| {
                    row.get(0)
                })
                .optional()?)
        })
    }

    /// Seeds a new wiki: saves each page as revision 1 by the system, but only if the wiki
    /// has no pages at all (live or deleted). Returns how many pages were saved.
    pub fn import_if_empty(
        &self,
        pages: &[(PageName, String, PageFormat)],
        now: i64,
    ) -> Result<usize> {
        self.write(|conn| {
            let any: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM pages)", [], |row| row.get(0))?;
            if any {
                return Ok(0);
            }
            let mut saved = 0;
            for (name, text, format) in pages {
                let entry = Entry {
                    text,
                    mime: format.mime(),
                    deleted: false,
                    author: author_columns(Author::System),
                    comment: None,
                    now,
                };
                if let SaveOutcome::Created(_) = append_revision(conn, name, &entry)? {
                    saved += 1;
                }
            }
            Ok(saved)
        })
    }
}

/// The audit line for a saved revision (never its text): one place, so edits from the web and
/// the CLI log alike. An unchanged save logs nothing.
fn log_saved(event: &str, name: &PageName, author: Author, outcome: &SaveOutcome) {
    if let SaveOutcome::Created(revision) = outcome {
        let author = author_log(author);
        tracing::info!(page = %name, revision, %author, "{event}");
    }
}

/// [`Store::delete_page`] inside the caller's write transaction.
pub(super) fn delete_in(
    conn: &Connection,
    name: &PageName,
    author: Author,
    now: i64,
) -> Result<DeleteOutcome> {
    let Some(state) = page_state(conn, name)?.filter(|state| !state.deleted) else {
        return Ok(DeleteOutcome::NotFound);
    };
    let entry = Entry {
        text: "",
        mime: &state.mime,
        deleted: true,
        author: author_columns(author),
        comment: None,
        now,
    };
    Ok(match append_revision(conn, name, &entry)? {
        SaveOutcome::Created(number) => DeleteOutcome::Deleted(number),
        SaveOutcome::Unchanged(_) => DeleteOutcome::NotFound,
    })
}

/// [`Store::restore_revision`] inside the caller's write transaction.
pub(super) fn restore_in(
    conn: &Connection,
    name: &PageName,
    number: u32,
    author: Author,
    now: i64,
) -> Result<Option<SaveOutcome>> {
    let Some(old) = load_revision(conn, name, number)? else {
        return Ok(None);
    };
    let comment = format!("restored revision {number}");
    let entry = Entry {
        text: &old.text,
        mime: old.format.mime(),
        deleted: old.deleted,
        author: author_columns(author),
        comment: Some(&comment),
        now,
    };
    append_revision(conn, name, &entry).map(Some)
}

/// The audit line of a committed deletion.
pub(super) fn log_deleted(name: &PageName, author: Author, outcome: DeleteOutcome) {
    if let DeleteOutcome::Deleted(revision) = outcome {
        let author = author_log(author);
        tracing::info!(page = %name, revision, %author, "page deleted");
    }
}

/// The audit line of a committed restore.
pub(super) fn log_restored(
    name: &PageName,
    from: u32,
    author: Author,
    outcome: Option<SaveOutcome>,
) {
    if let Some(SaveOutcome::Created(revision)) = outcome {
        let author = author_log(author);
        tracing::info!(page = %name, revision, from, %author, "page restored");
    }
}

/// Appends `entry` as the page's next revision, creating the page if needed, and brings the
/// page row and the search index in step. Must run inside the write transaction.
pub(super) fn append_revision(
    conn: &Connection,
    name: &PageName,
    entry: &Entry<'_>,
) -> Result<SaveOutcome> {
    let state = page_state(conn, name)?;
    if let Some(state) = &state {
        if same_as_current(conn, state, entry)? {
            return Ok(SaveOutcome::Unchanged(state.current));
        }
    }
    let page_id = match &state {
        Some(state) => state.id,
        None => insert_page(conn, name)?,
    };
    let number = state.map_or(0, |state| state.current) + 1;
    write_revision(conn, page_id, name, number, entry)?;
    Ok(SaveOutcome::Created(number))
}

/// Writes `entry` as revision `number` of the page and makes it current: the page row and
/// the search index follow. Must run inside the write transaction.
pub(super) fn write_revision(
    conn: &Connection,
    page_id: i64,
    name: &PageName,
    number: u32,
    entry: &Entry<'_>,
) -> Result<()> {
    let (author_id, author_label) = entry.author;
    conn.prepare_cached(
        "INSERT INTO revisions (page_id, number, text, mime, author_id, author_label, \
         created, size, deleted, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        page_id,
        number,
        entry.text,
        entry.mime,
        author_id,
        author_label,
        entry.now,
        byte_size(entry.text.len()),
        entry.deleted,
        entry.comment
    ])?;
    conn.prepare_cached("UPDATE pages SET current = ?2, deleted = ?3 WHERE id = ?1")?
        .execute(params![page_id, number, entry.deleted])?;
    conn.prepare_cached("DELETE FROM pages_fts WHERE rowid = ?1")?
        .execute([page_id])?;
    if !entry.deleted {
        conn.prepare_cached("INSERT INTO pages_fts (rowid, name, body) VALUES (?1, ?2, ?3)")?
            .execute(params![page_id, name.as_str(), entry.text])?;
    }
    Ok(())
}

pub(super) fn page_state(conn: &Connection, name: &PageName) -> Result<Option<PageState>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.current, p.deleted, r.mime FROM pages p \
         JOIN revisions r ON r.page_id = p.id AND r.number = p.current WHERE p.name = ?1",
    )?;
    let state = stmt
        .query_row([name.as_str()], |row| {
            Ok(PageState {
                id: row.get(0)?,
                current: row.get(1)?,
                deleted: row.get(2)?,
                mime: row.get(3)?,
            })
        })
        .optional()?;
    Ok(state)
}

/// Whether `entry` would repeat the current revision: the same text and format of a live
/// page, or a deletion of a deleted one.
fn same_as_current(conn: &Connection, state: &PageState, entry: &Entry<'_>) -> Result<bool> {
    if state.deleted || entry.deleted {
        return Ok(state.deleted && entry.deleted);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT text = ?3 AND mime = ?4 FROM revisions WHERE page_id = ?1 AND number = ?2",
    )?;
    let params = params![state.id, state.current, entry.text, entry.mime];
    Ok(stmt.query_row(params, |row| row.get(0))?)
}

pub(super) fn insert_page(conn: &Connection, name: &PageName) -> Result<i64> {
    conn.prepare_cached("INSERT INTO pages (name, sort_key) VALUES (?1, ?2)")?
        .execute([name.as_str(), &name.sort_key()])?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn load_revision(
    conn: &Connection,
    name: &PageName,
    number: u32,
) -> Result<Option<Revision>> {
    let sql = concat!(select_revision!(), "WHERE p.name = ?1 AND r.number = ?2");
    let mut stmt = conn.prepare_cached(sql)?;
    let revision = stmt
        .query_row(params![name.as_str(), number], revision_from_row)
        .optional()?;
    Ok(revision)
}

fn revision_from_row(row: &Row<'_>) -> rusqlite::Result<Revision> {
    Ok(Revision {
        name: page_name(row, 0)?,
        number: row.get(1)?,
        text: row.get(2)?,
        format: parse_column(row, 3, |mime| {
            PageFormat::from_mime(mime).ok_or_else(|| format!("unknown page MIME type {mime:?}"))
        })?,
        author: row.get(4)?,
        created: row.get(5)?,
        size: count_column(row, 6)?,
        deleted: row.get(7)?,
        comment: row.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{memory, name, save, save_as};
    use crate::store::StoreError;

    fn found(store: &Store, words: &str) -> Vec<String> {
        let hits = store.search(words, 50).unwrap();
        hits.into_iter().map(|hit| hit.name.to_string()).collect()
    }

    #[test]
    fn edit_page_builds_on_the_current_text_and_can_refuse() {
        let store = memory();
        let page = name("Log");
        let append = |current: Option<&Revision>| -> std::result::Result<_, ()> {
            let old = current.map_or("", |r| r.text.as_str());
            Ok((format!("{old}line\n"), PageFormat::Gemtext))
        };
        let first = store.edit_page(&page, Author::System, 1, append).unwrap();
        assert_eq!(first, Ok(SaveOutcome::Created(1)));
        let second = store.edit_page(&page, Author::System, 2, append).unwrap();
        assert_eq!(second, Ok(SaveOutcome::Created(2)));
        assert_eq!(
            store.page(&page).unwrap().unwrap().current.text,
            "line\nline\n"
        );
        let refused = store
            .edit_page(&page, Author::System, 3, |_| {
                Err::<(String, PageFormat), _>("no")
            })
            .unwrap();
        assert_eq!(refused, Err("no"));
        assert_eq!(store.page(&page).unwrap().unwrap().revisions, 2);
    }

    #[test]
    fn concurrent_edit_page_calls_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let page = name("Shared");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (store, page) = (store.clone(), page.clone());
                std::thread::spawn(move || {
                    for i in 0..10 {
                        store
                            .edit_page(&page, Author::System, 1, |current: Option<&Revision>| {
                                let old = current.map_or("", |r| r.text.as_str());
                                Ok::<_, ()>((format!("{old}{t}-{i}\n"), PageFormat::Gemtext))
                            })
                            .unwrap()
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let text = store.page(&page).unwrap().unwrap().current.text;
        assert_eq!(text.lines().count(), 40, "every appended line survives");
    }

    #[test]
    fn revisions_are_numbered_consecutively() {
        let store = memory();
        assert_eq!(save(&store, "Home", "one", 10), SaveOutcome::Created(1));
        assert_eq!(save(&store, "Home", "two", 11), SaveOutcome::Created(2));
        assert_eq!(save(&store, "Home", "three", 12), SaveOutcome::Created(3));
        let page = store.page(&name("Home")).unwrap().unwrap();
        assert_eq!(page.revisions, 3);
        assert!(!page.locked);
        assert_eq!(page.current.text, "three");
        assert_eq!(page.current.author, "anonymous");
        assert_eq!((page.current.created, page.current.size), (12, 5));
        let first = store.revision(&name("Home"), 1).unwrap().unwrap();
        assert_eq!((first.number, first.text.as_str()), (1, "one"));
        assert_eq!(store.revision(&name("Home"), 4).unwrap(), None);
        assert_eq!(store.page(&name("Elsewhere")).unwrap(), None);
    }

    #[test]
    fn identical_save_is_unchanged_but_a_new_format_is_not() {
        let store = memory();
        save(&store, "Home", "same", 10);
        assert_eq!(save(&store, "Home", "same", 11), SaveOutcome::Unchanged(1));
        assert_eq!(
            save_as(&store, "Home", "same", PageFormat::Markdown, 12),
            SaveOutcome::Created(2)
        );
        let page = store.page(&name("Home")).unwrap().unwrap();
        assert_eq!(page.current.format, PageFormat::Markdown);
        assert_eq!(page.current.created, 12);
    }

    #[test]
    fn deletion_is_a_revision_that_hides_the_page() {
        let store = memory();
        save(&store, "Doomed", "farewell text", 10);
        save(&store, "Kept", "other", 10);
        let outcome = store
            .delete_page(&name("Doomed"), Author::System, 20)
            .unwrap();
        assert_eq!(outcome, DeleteOutcome::Deleted(2));
        let page = store.page(&name("Doomed")).unwrap().unwrap();
        assert!(page.current.deleted);
        assert_eq!((page.current.text.as_str(), page.current.size), ("", 0));
        assert_eq!(page.current.author, "system");
        assert_eq!(store.page_names(0, 10).unwrap(), vec![name("Kept")]);
        assert_eq!(store.page_count().unwrap(), 1);
        assert!(found(&store, "farewell").is_empty());
        let again = store
            .delete_page(&name("Doomed"), Author::System, 21)
            .unwrap();
        assert_eq!(again, DeleteOutcome::NotFound);
        let unknown = store
            .delete_page(&name("Never"), Author::System, 21)
            .unwrap();
        assert_eq!(unknown, DeleteOutcome::NotFound);
        assert_eq!(store.page(&name("Never")).unwrap(), None);
    }

    #[test]
    fn saving_after_deletion_revives_the_page() {
        let store = memory();
        save(&store, "Phoenix", "ashes", 10);
        store
            .delete_page(&name("Phoenix"), Author::System, 11)
            .unwrap();
        assert_eq!(
            save(&store, "Phoenix", "ashes", 12),
            SaveOutcome::Created(3)
        );
        let page = store.page(&name("Phoenix")).unwrap().unwrap();
        assert!(!page.current.deleted);
        assert_eq!(store.page_count().unwrap(), 1);
        assert_eq!(found(&store, "ashes"), ["Phoenix"]);
    }

    #[test]
    fn search_index_follows_edits_deletions_and_restores() {
        let store = memory();
        let page = name("Log");
        save(&store, "Log", "alpha", 1);
        assert_eq!(found(&store, "alpha"), ["Log"]);
        save(&store, "Log", "beta", 2);
        assert!(found(&store, "alpha").is_empty());
        assert_eq!(found(&store, "beta"), ["Log"]);

        let restored = store.restore_revision(&page, 1, Author::System, 3).unwrap();
        assert_eq!(restored, Some(SaveOutcome::Created(3)));
        let current = store.page(&page).unwrap().unwrap().current;
        assert_eq!(current.text, "alpha");
        assert_eq!(current.comment.as_deref(), Some("restored revision 1"));
        assert_eq!(found(&store, "alpha"), ["Log"]);
        assert!(found(&store, "beta").is_empty());

        store.delete_page(&page, Author::System, 4).unwrap();
        assert!(found(&store, "alpha").is_empty());
        let revived = store.restore_revision(&page, 2, Author::System, 5).unwrap();
        assert_eq!(revived, Some(SaveOutcome::Created(5)));
        assert_eq!(found(&store, "beta"), ["Log"]);
    }

    #[test]
    fn restoring_a_deletion_deletes_and_missing_revisions_are_none() {
        let store = memory();
        let page = name("Log");
        save(&store, "Log", "text", 1);
        store.delete_page(&page, Author::System, 2).unwrap();
        save(&store, "Log", "text", 3);
        let outcome = store.restore_revision(&page, 2, Author::System, 4).unwrap();
        assert_eq!(outcome, Some(SaveOutcome::Created(4)));
        assert!(store.page(&page).unwrap().unwrap().current.deleted);
        assert_eq!(store.page_count().unwrap(), 0);
        let same = store.restore_revision(&page, 2, Author::System, 5).unwrap();
        assert_eq!(same, Some(SaveOutcome::Unchanged(4)));
        assert_eq!(
            store.restore_revision(&page, 9, Author::System, 5).unwrap(),
            None
        );
        assert_eq!(
            store
                .restore_revision(&name("No"), 1, Author::System, 5)
                .unwrap(),
            None
        );
    }

    #[test]
    fn page_names_sort_ignoring_case_and_page() {
        let store = memory();
        for page in ["beta", "Alpha", "gamma", "Delta"] {
            save(&store, page, "x", 1);
        }
        let names = store.page_names(0, 10).unwrap();
        let names: Vec<_> = names.iter().map(PageName::as_str).collect();
        assert_eq!(names, ["Alpha", "beta", "Delta", "gamma"]);
        let second = store.page_names(1, 2).unwrap();
        assert_eq!(second, [name("beta"), name("Delta")]);
        assert_eq!(store.page_count().unwrap(), 4);
    }

    #[test]
    fn locks_are_kept_per_page() {
        let store = memory();
        assert!(!store.set_locked(&name("Ghost"), true).unwrap());
        save(&store, "Rules", "be kind", 1);
        assert!(store.set_locked(&name("Rules"), true).unwrap());
        assert!(store.page(&name("Rules")).unwrap().unwrap().locked);
        assert!(store.set_locked(&name("Rules"), false).unwrap());
        assert!(!store.page(&name("Rules")).unwrap().unwrap().locked);
    }

    #[test]
    fn import_seeds_only_an_empty_wiki() {
        let store = memory();
        let seed = [
            (name("Welcome"), "# Welcome".to_owned(), PageFormat::Gemtext),
            (
                name("Editing"),
                "# Editing".to_owned(),
                PageFormat::Markdown,
            ),
        ];
        assert_eq!(store.import_if_empty(&seed, 5).unwrap(), 2);
        let welcome = store.page(&name("Welcome")).unwrap().unwrap().current;
        assert_eq!((welcome.number, welcome.author.as_str()), (1, "system"));
        assert_eq!(store.import_if_empty(&seed, 6).unwrap(), 0);
        for (page, _, _) in &seed {
            store.delete_page(page, Author::System, 7).unwrap();
        }
        assert_eq!(store.import_if_empty(&seed, 8).unwrap(), 0);
    }

    #[test]
    fn an_unknown_account_cannot_author() {
        let store = memory();
        let page = name("Home");
        let rev = NewRevision {
            name: &page,
            text: "x",
            format: PageFormat::Gemtext,
            author: Author::Account(42),
            comment: Some("why"),
            now: 1,
        };
        assert!(matches!(
            store.save_revision(rev),
            Err(StoreError::Sqlite(_))
        ));
        assert_eq!(store.page(&page).unwrap(), None);
    }

    #[test]
    fn concurrent_saves_to_one_page_are_all_kept_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wiki.db")).unwrap();
        let writers: Vec<_> = (0..8)
            .map(|thread| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let texts = (0..10).map(|i| format!("{thread}/{i}"));
                    let saved = texts.map(|text| save(&store, "Busy", &text, 1));
                    saved.collect::<Vec<_>>()
                })
            })
            .collect();
        let reader = {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut seen = 0;
                while seen < 80 {
                    let page = store.page(&name("Busy")).unwrap();
                    let now = page.map_or(0, |page| page.revisions);
                    assert!(now >= seen, "went back from {seen} to {now}");
                    seen = now;
                }
            })
        };
        let mut numbers: Vec<u32> = writers
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .map(|outcome| match outcome {
                SaveOutcome::Created(number) => number,
                unchanged => panic!("{unchanged:?}"),
            })
            .collect();
        reader.join().unwrap();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=80).collect::<Vec<_>>());
        let history = store.history(&name("Busy"), 0, 100).unwrap();
        let listed: Vec<u32> = history.iter().map(|rev| rev.number).collect();
        assert_eq!(listed, (1..=80).rev().collect::<Vec<_>>());
    }

    #[test]
    fn two_stores_on_one_file_take_turns() {
        // As when the CLI edits while the server runs: SQLite's lock, not the mutex, serialises.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiki.db");
        let stores = [Store::open(&path).unwrap(), Store::open(&path).unwrap()];
        let threads: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(which, store)| {
                std::thread::spawn(move || {
                    for i in 0..20 {
                        save(&store, "Shared", &format!("{which}/{i}"), 1);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let store = Store::open(&path).unwrap();
        let history = store.history(&name("Shared"), 0, 100).unwrap();
        let listed: Vec<u32> = history.iter().map(|rev| rev.number).collect();
        assert_eq!(listed, (1..=40).rev().collect::<Vec<_>>());
    }

    #[test]
    fn reopening_a_file_store_keeps_pages_and_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiki.db");
        {
            let store = Store::open(&path).unwrap();
            save(&store, "Durable", "survives restarts", 1);
            save(&store, "Durable", "survives restarts twice", 2);
        }
        let store = Store::open(&path).unwrap();
        let page = store.page(&name("Durable")).unwrap().unwrap();
        assert_eq!(
            (page.revisions, page.current.text.as_str()),
            (2, "survives restarts twice")
        );
        assert_eq!(found(&store, "twice"), ["Durable"]);
        assert_eq!(save(&store, "Durable", "third", 3), SaveOutcome::Created(3));
    }
}
