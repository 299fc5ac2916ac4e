//! What "revert everything this account did since a time" needs from the database: the pages
//! the account edited since then, where its first such edit is, and whether anyone else
//! edited the page after it. The reverting itself is ordinary restores and deletions.

use rusqlite::params;

use super::{page_name, Result, Store};
use crate::wiki::model::EditsSince;

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
}
