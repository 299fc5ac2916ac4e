//! The storage layer: one SQLite database holding pages, revisions, files, accounts,
//! certificates, link codes and the full-text index. This module owns the [`Store`] handle,
//! opening (pragmas, then migrations), the connections, [`StoreError`] and the column
//! conversions the query files share; the queries live in `pages.rs`, `changes.rs` (the
//! lists of changes), `search.rs`, `files.rs`, `accounts.rs` and `import.rs` (imports, export
//! listings, the online backup). All SQL stays under `store/`, and no rusqlite type leaves it
//! except inside [`StoreError::Sqlite`]. It speaks the wiki's model types
//! ([`crate::wiki::model`]). The API is synchronous and may block on the disk: front-ends
//! call the quick point reads (one page, one revision) where they are, and run writes and
//! anything that scans many rows on a blocking pool.

mod accounts;
#[cfg(test)]
mod audit_tests;
mod changes;
mod drafts;
mod files;
mod import;
mod migrations;
mod pages;
mod revert;
mod search;
mod stamp;
#[cfg(test)]
mod test_support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::types::Type;
use rusqlite::{Connection, ErrorCode, OpenFlags, Row, TransactionBehavior};

use crate::wiki::model::Author;
use crate::wiki::PageName;

use migrations::MIGRATIONS;
pub use stamp::OUTSIDE_STALENESS;

/// How long a reader waits for another process's lock (say, the CLI) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write waits for another process's write lock. Short, and zero while the last
/// write found the lock taken: defends against a lock-holding process stalling every
/// queued edit for 5 s in turn behind the writer mutex.
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// After a write found the database busy, writes within this window try once without
/// waiting, so a queue of edits fails fast instead of waiting in turn.
const BUSY_BACKOFF: Duration = Duration::from_secs(2);

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
    /// The database file's permissions could not be set.
    #[error("cannot secure the database file: {0}")]
    Io(#[source] std::io::Error),
    /// Another process holds the database lock; retrying in a few seconds may work.
    #[error("the database is locked by another connection")]
    Busy,
    /// The disk (or a quota) is full, so nothing can be written.
    #[error("the disk holding the database is full")]
    DiskFull,
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::QueryReturnedNoRows => Self::NotFound,
            rusqlite::Error::SqliteFailure(code, _) => match code.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Self::Busy,
                ErrorCode::DiskFull => Self::DiskFull,
                _ => Self::Sqlite(err),
            },
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
    writer: Mutex<Writer>,
    /// `None` for an in-memory store, whose only connection is the writer.
    readers: Option<ReaderPool>,
    stamp: stamp::Stamp,
}

/// The writer connection and when a write last found the database locked.
struct Writer {
    conn: Connection,
    busy_since: Option<Instant>,
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
        create_private_file(path).map_err(StoreError::Io)?;
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(path = %path.display(), %mode, "SQLite WAL mode unavailable");
        }
        MIGRATIONS.to_latest(&mut writer)?;
        restrict_database_files(path).map_err(StoreError::Io)?;
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
                writer: Mutex::new(Writer {
                    conn: writer,
                    busy_since: None,
                }),
                stamp: stamp::Stamp::new(readers.is_some()),
                readers,
            }),
        }
    }

    /// Runs `f` on a reader connection (the writer for an in-memory store).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(pool) = &self.inner.readers else {
            let writer = self.inner.writer.lock().map_err(|_| StoreError::Poisoned)?;
            return f(&writer.conn);
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
    ///
    /// # Errors
    /// [`StoreError::Busy`] at once, or after [`WRITE_BUSY_TIMEOUT`], if another process holds
    /// the write lock; whatever `f` fails with.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut writer = self.inner.writer.lock().map_err(|_| StoreError::Poisoned)?;
        let backing_off = writer
            .busy_since
            .is_some_and(|since| since.elapsed() < BUSY_BACKOFF);
        let wait = if backing_off {
            Duration::ZERO
        } else {
            WRITE_BUSY_TIMEOUT
        };
        writer.conn.busy_timeout(wait)?;
        let result = transaction(&mut writer.conn, f);
        if result.is_ok() {
            self.inner.stamp.wrote();
        }
        match &result {
            Err(StoreError::Busy) if !backing_off => writer.busy_since = Some(Instant::now()),
            Err(StoreError::Busy) => {}
            _ => writer.busy_since = None,
        }
        result
    }
}

impl Store {
    /// A new read-only connection to the database file (for the change-stamp poller).
    fn connect_reader(&self) -> Result<Connection> {
        match &self.inner.readers {
            Some(pool) => pool.connect(),
            None => Err(StoreError::NotFound),
        }
    }
}

/// Runs `f` in one IMMEDIATE transaction on `conn`, committing if it returns `Ok`.
fn transaction<T>(conn: &mut Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
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

/// Creates the data directory (and its parents) readable by its owner only (0700), as the
/// database, keys and secrets inside are private. An existing directory is left as it is.
///
/// # Errors
/// If the directory cannot be created.
pub fn create_data_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates the database file with mode 0600 if it does not exist yet; SQLite gives its
/// `-wal` and `-shm` files the same mode. Defends against other local users reading every
/// revision and account (the files were 0644).
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Sets mode 0600 on the database and its WAL and shared-memory files, for databases
/// created before the files were private.
fn restrict_database_files(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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

/// Who made a change, as the audit log names them: `system`, `anonymous` or `account 7`
/// (an id, not the name the person typed).
fn author_log(author: Author) -> String {
    match author {
        Author::System => "system".into(),
        Author::Anonymous => "anonymous".into(),
        Author::Account(id) => format!("account {id}"),
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
        let writer = store.inner.writer.lock().unwrap();
        let conn = &writer.conn;
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
        assert_eq!(
            version, 5,
            "0001_init, 0002_name_skeletons, 0003_paging_index, 0004_drafts, 0005_file_changes"
        );
    }

    #[test]
    fn busy_and_full_disk_errors_are_typed() {
        let failure = |code| {
            let err = rusqlite::ffi::Error::new(code);
            StoreError::from(rusqlite::Error::SqliteFailure(err, None))
        };
        assert!(matches!(
            failure(rusqlite::ffi::SQLITE_BUSY),
            StoreError::Busy
        ));
        assert!(matches!(
            failure(rusqlite::ffi::SQLITE_FULL),
            StoreError::DiskFull
        ));
    }

    #[test]
    fn writes_fail_fast_while_another_process_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiki.db");
        let store = Store::open(&path).unwrap();
        let outside = Connection::open(&path).unwrap();
        outside.execute_batch("BEGIN IMMEDIATE").unwrap();
        let write = || store.write(|conn| Ok(conn.execute("DELETE FROM pages", [])?));
        let started = Instant::now();
        assert!(matches!(write(), Err(StoreError::Busy)));
        // Later writes in the back-off window do not wait again.
        for _ in 0..5 {
            assert!(matches!(write(), Err(StoreError::Busy)));
        }
        // Generous: 6 writes at 5 s each took 30 s before; now one short wait in all.
        assert!(started.elapsed() < Duration::from_secs(3));
        outside.execute_batch("COMMIT").unwrap();
        assert_eq!(write().unwrap(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn data_dir_and_database_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data").join("wiki");
        create_data_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let path = dir.join("wiki.db");
        let store = Store::open(&path).unwrap();
        store
            .write(|conn| Ok(conn.execute("DELETE FROM pages", [])?))
            .unwrap();
        for file in ["wiki.db", "wiki.db-wal", "wiki.db-shm"] {
            assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
        }
        // A database left world-readable by an older version is tightened on open.
        drop(store);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        Store::open(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
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
