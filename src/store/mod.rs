//! The storage layer: one SQLite database holding pages, revisions, files, accounts,
//! certificates, link codes and the full-text index. This module owns the [`Store`] handle,
//! opening (pragmas, then migrations), the connections, [`StoreError`] and the column
//! conversions the query files share; the queries live in `pages.rs`, `search.rs`, `files.rs`,
//! `accounts.rs` and `import.rs` (imports, export listings, the online backup). All SQL stays
//! under `store/`, and no rusqlite type leaves it except inside [`StoreError::Sqlite`]. The
//! API is synchronous: call it off the async runtime.

mod accounts;
mod files;
mod import;
mod migrations;
mod pages;
mod search;
mod types;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, Row, TransactionBehavior};

use crate::wiki::PageName;

pub use import::{ImportedRevision, PageImport};
pub use types::*;

use migrations::MIGRATIONS;

/// How long a connection waits for another process's lock (say, the CLI) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle reader connections kept for reuse; more are opened when needed and closed afterwards.
const MAX_IDLE_READERS: usize = 4;

/// Prepared statements kept per connection; the hot queries are fewer than this.
const STATEMENT_CACHE: usize = 64;

/// Why a store operation failed. Outcomes a caller is expected to handle (a missing page, a
/// name already taken) are values in the `Ok` type instead.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record the operation needs does not exist (for example an unknown account id).
    #[error("no such record")]
    NotFound,
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A backup copy failed `PRAGMA integrity_check`; the text is SQLite's first complaint.
    #[error("the backup copy failed its integrity check: {0}")]
    Integrity(String),
    /// A thread panicked while holding the database; the store refuses further use.
    #[error("the database connection was poisoned by a panic")]
    Poisoned,
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::QueryReturnedNoRows => Self::NotFound,
            other => Self::Sqlite(other),
        }
    }
}

/// `Result` with [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A cheap, cloneable handle to the database, safe to share between threads.
///
/// Writes go through one connection, one transaction at a time; reads use a small pool of
/// further connections, which WAL mode lets run alongside a write.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    /// `None` for an in-memory store, whose only connection is the writer.
    readers: Option<ReaderPool>,
}

struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and migrates it to the latest
    /// schema.
    ///
    /// # Errors
    /// If the file cannot be opened, is not a gemwiki database, or a migration fails.
    pub fn open(path: &Path) -> Result<Store> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %path.display(), %mode, "SQLite WAL mode unavailable");
        }
        MIGRATIONS.to_latest(&mut writer)?;
        let readers = ReaderPool {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        };
        Ok(Store::from_parts(writer, Some(readers)))
    }

    /// Opens a fresh, empty database in memory, for tests. It behaves like a file store,
    /// except that reads wait for writes because there is only one connection.
    ///
    /// # Errors
    /// If SQLite or a migration fails.
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn)?;
        MIGRATIONS.to_latest(&mut conn)?;
        Ok(Store::from_parts(conn, None))
    }

    fn from_parts(writer: Connection, readers: Option<ReaderPool>) -> Store {
        Store {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
            }),
        }
    }

    /// Runs `f` on a reader connection (the writer for an in-memory store).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(pool) = &self.inner.readers else {
            let conn = self.inner.writer.lock().map_err(|_| StoreError::Poisoned)?;
            return f(&conn);
        };
        // Popped in its own statement so the pool's lock is not held while connecting.
        let idle = pool.idle.lock().map_err(|_| StoreError::Poisoned)?.pop();
        let conn = match idle {
            Some(conn) => conn,
            None => pool.connect()?,
        };
        let result = f(&conn);
        let mut idle = pool.idle.lock().map_err(|_| StoreError::Poisoned)?;
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` inside one IMMEDIATE transaction on the writer connection and commits if it
    /// returns `Ok`. Writers are serialised by the mutex within this process and by SQLite's
    /// write lock across processes; the commit is durable (`synchronous = FULL`) on return.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.inner.writer.lock().map_err(|_| StoreError::Poisoned)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

impl ReaderPool {
    fn connect(&self) -> Result<Connection> {
        // Read-only, so that a query slipping into the wrong helper fails instead of writing
        // outside the writer's transaction.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        configure(&conn)?;
        Ok(conn)
    }
}

/// Reads column `idx` as text and converts it with `parse`, reporting a failure as a
/// conversion error on that column (the database holds something this code never writes).
fn parse_column<T, E>(
    row: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> std::result::Result<T, E>,
) -> rusqlite::Result<T>
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let text: String = row.get(idx)?;
    parse(&text)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, err.into()))
}

/// Reads a stored page name.
fn page_name(row: &Row<'_>, idx: usize) -> rusqlite::Result<PageName> {
    parse_column(row, idx, PageName::new)
}

/// A byte count as SQLite stores it (a signed 64-bit integer).
fn byte_size(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}

/// Reads a count, such as a size written by [`byte_size`].
fn count_column(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let size: i64 = row.get(idx)?;
    u64::try_from(size)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(idx, Type::Integer, err.into()))
}

/// The columns `(author_id, author_label)` recording `author`.
fn author_columns(author: Author) -> (Option<i64>, Option<&'static str>) {
    match author {
        Author::System => (None, Some("system")),
        Author::Anonymous => (None, Some("anonymous")),
        Author::Account(id) => (Some(id), None),
    }
}

/// Per-connection settings; they are not stored in the database, so every connection needs them.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Store>();
    }

    #[test]
    fn no_rows_becomes_not_found() {
        let err = StoreError::from(rusqlite::Error::QueryReturnedNoRows);
        assert!(matches!(err, StoreError::NotFound));
    }

    #[test]
    fn open_sets_the_pragmas_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wiki.db")).unwrap();
        let conn = store.inner.writer.lock().unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 2));
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
    }

    #[test]
    fn reader_connections_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wiki.db")).unwrap();
        let err = store
            .read(|conn| Ok(conn.execute("DELETE FROM pages", [])?))
            .unwrap_err();
        assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    }
}
