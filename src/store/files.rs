//! Uploaded files that are not page text (images and the like), versioned like pages: each
//! upload that differs from the current one becomes the next number. Files are not indexed
//! for search and have no deletion yet; which MIME types are accepted is the caller's rule.

use rusqlite::{params, Connection, OptionalExtension};

use super::{author_columns, byte_size, count_column, page_name, Result, Store};
use crate::wiki::model::{Author, FileEntry, SaveOutcome, StoredFile};
use crate::wiki::PageName;

impl Store {
    /// Stores a new version of an uploaded file unless it equals the current one.
    pub fn save_file(
        &self,
        name: &PageName,
        mime: &str,
        data: &[u8],
        author: Author,
        now: i64,
    ) -> Result<SaveOutcome> {
        self.write(|conn| {
            let latest = latest_file(conn, name, mime, data)?;
            if let Some((number, true)) = latest {
                return Ok(SaveOutcome::Unchanged(number));
            }
            let number = latest.map_or(0, |(number, _)| number) + 1;
            let (author_id, author_label) = author_columns(author);
            conn.prepare_cached(
                "INSERT INTO files \
                 (name, number, mime, data, author_id, author_label, created, size) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                name.as_str(),
                number,
                mime,
                data,
                author_id,
                author_label,
                now,
                byte_size(data.len())
            ])?;
            Ok(SaveOutcome::Created(number))
        })
    }

    /// One page of the uploaded files, by name, each with its current version; and how many
    /// files there are. Reads no file data.
    pub fn file_listing(&self, offset: u32, limit: u32) -> Result<(Vec<FileEntry>, u64)> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT f.name, f.mime, f.size, f.created, COALESCE(a.name, f.author_label), \
                 f.number FROM files f LEFT JOIN accounts a ON a.id = f.author_id \
                 WHERE f.number = (SELECT max(g.number) FROM files g WHERE g.name = f.name) \
                 ORDER BY f.name LIMIT ?1 OFFSET ?2",
            )?;
            let rows = stmt.query_map(params![limit, offset], |row| {
                Ok(FileEntry {
                    name: page_name(row, 0)?,
                    mime: row.get(1)?,
                    size: count_column(row, 2)?,
                    created: row.get(3)?,
                    author: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    versions: row.get(5)?,
                })
            })?;
            let files = rows.collect::<rusqlite::Result<_>>()?;
            let total: i64 =
                conn.query_row("SELECT count(DISTINCT name) FROM files", [], |r| r.get(0))?;
            Ok((files, u64::try_from(total).unwrap_or(0)))
        })
    }

    /// The current version of an uploaded file.
    pub fn file(&self, name: &PageName) -> Result<Option<StoredFile>> {
        self.file_version(name, None)
    }

    /// Version `number` of an uploaded file, or the current one for `None`.
    pub fn file_version(&self, name: &PageName, number: Option<u32>) -> Result<Option<StoredFile>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT f.name, f.mime, f.data, f.created, COALESCE(a.name, f.author_label) \
                 FROM files f LEFT JOIN accounts a ON a.id = f.author_id \
                 WHERE f.name = ?1 AND (?2 IS NULL OR f.number = ?2) \
                 ORDER BY f.number DESC LIMIT 1",
            )?;
            let file = stmt
                .query_row(params![name.as_str(), number], |row| {
                    Ok(StoredFile {
                        name: page_name(row, 0)?,
                        mime: row.get(1)?,
                        data: row.get(2)?,
                        created: row.get(3)?,
                        author: row.get(4)?,
                    })
                })
                .optional()?;
            Ok(file)
        })
    }
}

/// The number of a file's latest version and whether it already holds exactly `mime` and
/// `data` (an upload or import of it would change nothing).
pub(super) fn latest_file(
    conn: &Connection,
    name: &PageName,
    mime: &str,
    data: &[u8],
) -> Result<Option<(u32, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT number, mime = ?2 AND data = ?3 FROM files WHERE name = ?1 \
             ORDER BY number DESC LIMIT 1",
        )?
        .query_row(params![name.as_str(), mime, data], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> PageName {
        PageName::new(text).unwrap()
    }

    fn memory() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn files_are_versioned_and_unchanged_uploads_skipped() {
        let store = memory();
        let logo = name("logo.png");
        let save = |data: &[u8], now| {
            store
                .save_file(&logo, "image/png", data, Author::Anonymous, now)
                .unwrap()
        };
        assert_eq!(save(b"\x89PNG1", 1), SaveOutcome::Created(1));
        assert_eq!(save(b"\x89PNG1", 2), SaveOutcome::Unchanged(1));
        assert_eq!(save(b"\x89PNG2", 3), SaveOutcome::Created(2));
        let file = store.file(&logo).unwrap().unwrap();
        assert_eq!(file.data, b"\x89PNG2");
        assert_eq!((file.mime.as_str(), file.created), ("image/png", 3));
        assert_eq!(file.author, "anonymous");
        assert_eq!(store.file(&name("nothing.png")).unwrap(), None);
        assert_eq!(store.page(&logo).unwrap(), None);
    }
}
