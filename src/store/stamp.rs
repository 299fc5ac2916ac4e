//! The change stamp: a number that moves whenever the database may have changed, so a cache
//! of answers built from it (the Gemini page cache) knows when to stop trusting them. Writes
//! through this [`Store`] move it before they return; writes by another process (the CLI, a
//! second server) are seen by polling SQLite's `PRAGMA data_version` on a connection of its
//! own, at most once per [`OUTSIDE_STALENESS`]. Reading the stamp is two atomic loads and a
//! clock read unless a poll is due.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Result, Store};

/// Longest a write by another process may go unseen by the stamp.
pub const OUTSIDE_STALENESS: Duration = Duration::from_millis(200);

/// The counters behind [`Store::change_stamp`].
pub(super) struct Stamp {
    /// Committed writes through this handle.
    writes: AtomicU64,
    /// Changes seen by polling (any connection's commits, including this handle's own).
    outside: AtomicU64,
    /// When the last poll ran, in milliseconds since `start`.
    polled_ms: AtomicU64,
    start: Instant,
    /// The polling connection and the `data_version` it last read; `None` for an in-memory
    /// store, which no other process can reach.
    poller: Option<Mutex<Option<(Connection, i64)>>>,
}

impl Stamp {
    pub(super) fn new(pollable: bool) -> Self {
        Self {
            writes: AtomicU64::new(0),
            outside: AtomicU64::new(0),
            polled_ms: AtomicU64::new(0),
            start: Instant::now(),
            poller: pollable.then(|| Mutex::new(None)),
        }
    }

    /// Called after every committed write through this handle.
    pub(super) fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }
}

impl Store {
    /// A number that differs from any earlier reading once the database changed: at once for
    /// writes through this handle (and its clones), within [`OUTSIDE_STALENESS`] for writes
    /// by other processes. Take it *before* reading what you cache, and keep the answer only
    /// while the stamp stays the same.
    pub fn change_stamp(&self) -> u64 {
        let stamp = &self.inner.stamp;
        if stamp.poller.is_some() {
            let now_ms = u64::try_from(stamp.start.elapsed().as_millis()).unwrap_or(u64::MAX);
            let last = stamp.polled_ms.load(Ordering::Acquire);
            let due = OUTSIDE_STALENESS.as_millis() as u64;
            // One caller polls; the others use the counters as they are.
            if now_ms.saturating_sub(last) >= due
                && stamp
                    .polled_ms
                    .compare_exchange(last, now_ms, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                // Defends against serving stale pages forever if polling breaks: any error
                // counts as a change, so caches miss instead of trusting old answers.
                if !matches!(self.poll_outside(), Ok(false)) {
                    stamp.outside.fetch_add(1, Ordering::AcqRel);
                }
            }
        }
        // Two counters, one number: each only grows, so their sum moves when either does.
        stamp.writes.load(Ordering::Acquire) + stamp.outside.load(Ordering::Acquire)
    }

    /// Whether `data_version` moved since the last poll (true on the first poll).
    fn poll_outside(&self) -> Result<bool> {
        let Some(poller) = &self.inner.stamp.poller else {
            return Ok(false);
        };
        let mut held = poller.lock().map_err(|_| super::StoreError::Poisoned)?;
        let (conn, last) = match held.take() {
            Some(held) => held,
            None => (self.connect_reader()?, i64::MIN),
        };
        let version: i64 = conn.query_row("PRAGMA data_version", [], |row| row.get(0))?;
        *held = Some((conn, version));
        Ok(version != last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::model::{Author, NewRevision};
    use crate::wiki::{PageFormat, PageName};

    fn save(store: &Store, text: &str) {
        store
            .save_revision(NewRevision {
                name: &PageName::new("A").unwrap(),
                text,
                format: PageFormat::Gemtext,
                author: Author::System,
                comment: None,
                now: 1,
            })
            .unwrap();
    }

    #[test]
    fn own_writes_move_the_stamp_at_once() {
        let store = Store::open_in_memory().unwrap();
        let before = store.change_stamp();
        assert_eq!(store.change_stamp(), before, "nothing written");
        save(&store, "one\n");
        let after = store.change_stamp();
        assert_ne!(after, before);
        assert_eq!(store.clone().change_stamp(), after, "clones share it");
    }

    #[test]
    fn another_process_write_is_seen_within_the_staleness_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let server = Store::open(&path).unwrap();
        // Another process, as the CLI is: its own handle on the same file.
        let cli = Store::open(&path).unwrap();
        let first = server.change_stamp();
        std::thread::sleep(OUTSIDE_STALENESS + Duration::from_millis(20));
        let settled = server.change_stamp();
        std::thread::sleep(OUTSIDE_STALENESS + Duration::from_millis(20));
        assert_eq!(server.change_stamp(), settled, "nothing changed since");
        save(&cli, "from the command line\n");
        std::thread::sleep(OUTSIDE_STALENESS + Duration::from_millis(20));
        let seen = server.change_stamp();
        assert_ne!(seen, settled, "the other handle's write is seen");
        assert!(seen > first);
    }
}
