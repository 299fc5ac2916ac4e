//! What "revert everything this account did since a time" needs from the database: the pages
//! the account edited since then, where its first such edit is, and whether anyone else
//! edited the page after it; and the revert itself, page by page, as ordinary restores and
//! deletions (the CLI's `account revert` and `/do/admin` both call [`Store::revert_edits_since`]).

use rusqlite::params;

use super::{page_name, Result, Store};
use crate::wiki::model::{Author, DeleteOutcome, EditsSince, Reverted, SaveOutcome};

impl Store {
    /// Every page `account` edited at or after `since` (Unix seconds), by name, with the
    /// number of its first such revision and whether another author made a later one.
    pub fn edits_since(&self, account: i64, since: i64) -> Result<Vec<EditsSince>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT e.name, e.first, EXISTS (SELECT 1 FROM revisions o \
                 WHERE o.page_id = e.id AND o.number > e.first \
                 AND (o.author_id IS NULL OR o.author_id <> ?1)) \
                 FROM (SELECT p.id, p.name, p.sort_key, min(r.number) AS first \
                       FROM revisions r JOIN pages p ON p.id = r.page_id \
                       WHERE r.author_id = ?1 AND r.created >= ?2 GROUP BY p.id) e \
                 ORDER BY e.sort_key, e.name",
            )?;
            let rows = stmt.query_map(params![account, since], |row| {
                Ok(EditsSince {
                    name: page_name(row, 0)?,
                    first: row.get(1)?,
                    edited_by_others_after: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Undoes every page edit by `account` since `since` (Unix seconds): each page goes back
    /// to its revision before the account's first edit since then, or is deleted if the
    /// account created it, as a new revision by `by`. Pages someone else edited afterwards
    /// are left alone (reverting them would undo that person's work too). Each page is its
    /// own transaction; nothing is ever removed from history.
    pub fn revert_edits_since(
        &self,
        account: i64,
        since: i64,
        by: Author,
        now: i64,
    ) -> Result<Vec<Reverted>> {
        let mut done = Vec::new();
        for page in self.edits_since(account, since)? {
            let name = page.name;
            done.push(if page.edited_by_others_after {
                Reverted::LeftAlone { name }
            } else if page.first == 1 {
                match self.delete_page(&name, by, now)? {
                    DeleteOutcome::Deleted(revision) => Reverted::Deleted { name, revision },
                    DeleteOutcome::NotFound => Reverted::AlreadyDeleted { name },
                }
            } else {
                let to = page.first - 1;
                match self.restore_revision(&name, to, by, now)? {
                    Some(SaveOutcome::Created(revision)) => {
                        Reverted::Restored { name, to, revision }
                    }
                    // `None` cannot happen (revisions are never removed); treat as unchanged.
                    Some(SaveOutcome::Unchanged(_)) | None => Reverted::Unchanged { name, to },
                }
            });
        }
        Ok(done)
    }
}
