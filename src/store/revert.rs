//! What "revert everything this account did since a time" needs from the database: the pages
//! the account edited since then, where its first such edit is, and whether anyone else
//! edited the page after it; and the revert itself, page by page, as ordinary restores and
//! deletions (the CLI's `account revert` and `/do/admin` both call [`Store::revert_edits_since`]).

use rusqlite::{params, Connection};

use super::pages::{delete_in, log_deleted, log_restored, restore_in};
use super::{page_name, Result, Store};
use crate::wiki::model::{Author, DeleteOutcome, EditsSince, Reverted, SaveOutcome};
use crate::wiki::PageName;

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
    /// are left alone (reverting them would undo that person's work too). Each page is one
    /// transaction that checks again before it writes, so an edit arriving meanwhile is
    /// never reverted unseen; nothing is ever removed from history.
    pub fn revert_edits_since(
        &self,
        account: i64,
        since: i64,
        by: Author,
        now: i64,
    ) -> Result<Vec<Reverted>> {
        let mut done = Vec::new();
        for page in self.edits_since(account, since)? {
            let (name, first) = (page.name, page.first);
            let outcome = self.write(|conn| {
                if page.edited_by_others_after
                    || edited_by_others_after(conn, &name, account, first)?
                {
                    return Ok(Reverted::LeftAlone { name: name.clone() });
                }
                Ok(if first == 1 {
                    match delete_in(conn, &name, by, now)? {
                        DeleteOutcome::Deleted(revision) => Reverted::Deleted {
                            name: name.clone(),
                            revision,
                        },
                        DeleteOutcome::NotFound => Reverted::AlreadyDeleted { name: name.clone() },
                    }
                } else {
                    let to = first - 1;
                    match restore_in(conn, &name, to, by, now)? {
                        Some(SaveOutcome::Created(revision)) => Reverted::Restored {
                            name: name.clone(),
                            to,
                            revision,
                        },
                        // `None` cannot happen (revisions are never removed); as unchanged.
                        Some(SaveOutcome::Unchanged(_)) | None => Reverted::Unchanged {
                            name: name.clone(),
                            to,
                        },
                    }
                })
            })?;
            match &outcome {
                Reverted::Deleted { revision, .. } => {
                    log_deleted(&name, by, DeleteOutcome::Deleted(*revision));
                }
                Reverted::Restored { to, revision, .. } => {
                    log_restored(&name, *to, by, Some(SaveOutcome::Created(*revision)));
                }
                _ => {}
            }
            done.push(outcome);
        }
        Ok(done)
    }
}

/// Whether someone other than `account` made a revision of `name` after number `first`.
fn edited_by_others_after(
    conn: &Connection,
    name: &PageName,
    account: i64,
    first: u32,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM revisions r JOIN pages p ON p.id = r.page_id \
             WHERE p.name = ?1 AND r.number > ?3 \
             AND (r.author_id IS NULL OR r.author_id <> ?2))",
        )?
        .query_row(params![name.as_str(), account, first], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{ClientCert, Fingerprint};
    use crate::wiki::model::{AccountState, CreateAccount, NewRevision, Role};
    use crate::wiki::PageFormat;

    /// The check each page's transaction repeats before it writes: it sees every later
    /// revision by someone else, anonymous and system ones included.
    #[test]
    fn later_revisions_by_anyone_else_count() {
        let store = Store::open_in_memory().unwrap();
        let cert = ClientCert {
            fingerprint: Fingerprint::of_der(b"editor"),
            common_name: None,
            not_before: 0,
            not_after: i64::MAX,
        };
        let created = store
            .create_account("ed", Role::Editor, AccountState::Active, &cert, 1)
            .unwrap();
        let CreateAccount::Created(ed) = created else {
            panic!("{created:?}");
        };
        let name = PageName::new("P").unwrap();
        let save = |author, text: &str| {
            store
                .save_revision(NewRevision {
                    name: &name,
                    text,
                    format: PageFormat::Gemtext,
                    author,
                    comment: None,
                    now: 1,
                })
                .unwrap();
        };
        save(Author::System, "one\n");
        save(Author::Account(ed.id), "two\n");
        save(Author::Account(ed.id), "three\n");
        let others = |first| {
            store
                .write(|conn| edited_by_others_after(conn, &name, ed.id, first))
                .unwrap()
        };
        assert!(!others(2), "only the account itself since 2");
        save(Author::Anonymous, "four\n");
        assert!(others(2));
        assert!(others(3));
        assert!(!others(4));
    }
}
