//! The lists of changes: recent changes (page revisions and uploaded file versions merged,
//! newest first), the admin's page-only list, one page's history and an account's edits, each
//! with its size delta. Their cost must not depend on page texts or file data: every list
//! reads covering indexes (migrations 0003 and 0005), never a table row, whose `text` or
//! `data` comes before the columns listed. `lists_never_read_revision_rows` checks the plans.

use rusqlite::{params, Connection, Row};

use super::{count_column, page_name, Result, Store};
use crate::wiki::model::{Change, ChangeKind, RevisionSummary};
use crate::wiki::PageName;

/// A page revision's change columns, for [`change_from_row`]; `prev` is the revision
/// before, for the size delta, read through the covering index: the planner prefers the
/// UNIQUE one, whose rows hold `text`. `mime` is NULL (not a file), `kind` 0.
macro_rules! select_change {
    () => {
        "SELECT p.name, r.number, r.created AS created, COALESCE(a.name, r.author_label), \
         r.size - COALESCE(prev.size, 0), r.deleted, r.comment, r.size, NULL AS mime, \
         0 AS kind, r.id AS id \
         FROM revisions r JOIN pages p ON p.id = r.page_id \
         LEFT JOIN revisions prev INDEXED BY revisions_history \
         ON prev.page_id = r.page_id AND prev.number = r.number - 1 \
         LEFT JOIN accounts a ON a.id = r.author_id "
    };
}

/// A file version's change columns, in the order of [`select_change`]: never deleted, no
/// comment, its MIME type, `kind` 1. `prev` as there, through `files_versions`.
macro_rules! select_file_change {
    () => {
        "SELECT f.name, f.number, f.created, COALESCE(a.name, f.author_label), \
         f.size - COALESCE(prev.size, 0), 0, NULL, f.size, f.mime, 1, f.id \
         FROM files f LEFT JOIN files prev INDEXED BY files_versions \
         ON prev.name = f.name AND prev.number = f.number - 1 \
         LEFT JOIN accounts a ON a.id = f.author_id "
    };
}

/// A page's revisions, newest first: `(name, limit, offset)`.
const HISTORY: &str = concat!(
    select_change!(),
    "WHERE p.name = ?1 ORDER BY r.number DESC LIMIT ?2 OFFSET ?3"
);

/// Every page revision and file version, newest first: `(limit, offset)`. `id` then `kind`
/// break ties, a total order, so paging neither repeats nor skips an entry; in this order
/// (`kind` last) each half is read in its index's order and the two are merged, with no
/// sort over either.
const RECENT_CHANGES: &str = concat!(
    select_change!(),
    "UNION ALL ",
    select_file_change!(),
    "ORDER BY created DESC, id DESC, kind DESC LIMIT ?1 OFFSET ?2"
);

/// Every page revision, newest first: `(limit)`.
const RECENT_PAGE_CHANGES: &str = concat!(
    select_change!(),
    "ORDER BY r.created DESC, r.id DESC LIMIT ?1"
);

/// An account's page revisions, newest first: `(account_id, limit)`.
const CHANGES_BY_ACCOUNT: &str = concat!(
    select_change!(),
    "WHERE r.author_id = ?1 ORDER BY r.created DESC, r.id DESC LIMIT ?2"
);

impl Store {
    /// Page revisions and uploaded file versions, newest first.
    pub fn recent_changes(&self, offset: u32, limit: u32) -> Result<Vec<Change>> {
        self.read(|conn| query_changes(conn, RECENT_CHANGES, params![limit, offset]))
    }

    /// The latest `limit` page revisions, newest first, without files (for page tools).
    pub fn recent_page_changes(&self, limit: u32) -> Result<Vec<Change>> {
        self.read(|conn| query_changes(conn, RECENT_PAGE_CHANGES, params![limit]))
    }

    /// The page's revisions, newest first.
    pub fn history(
        &self,
        name: &PageName,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<RevisionSummary>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(HISTORY)?;
            let rows = stmt.query_map(params![name.as_str(), limit, offset], |row| {
                Ok(RevisionSummary {
                    number: row.get(1)?,
                    created: row.get(2)?,
                    author: row.get(3)?,
                    size: count_column(row, 7)?,
                    size_delta: row.get(4)?,
                    deleted: row.get(5)?,
                    comment: row.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// The last `limit` page edits made by an account, newest first.
pub(super) fn changes_by_account(
    conn: &Connection,
    account_id: i64,
    limit: u32,
) -> Result<Vec<Change>> {
    query_changes(conn, CHANGES_BY_ACCOUNT, params![account_id, limit])
}

fn query_changes(
    conn: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, change_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn change_from_row(row: &Row<'_>) -> rusqlite::Result<Change> {
    let kind = match row.get::<_, Option<String>>(8)? {
        None => ChangeKind::Page {
            deleted: row.get(5)?,
        },
        Some(mime) => ChangeKind::File {
            mime,
            size: count_column(row, 7)?,
        },
    };
    Ok(Change {
        name: page_name(row, 0)?,
        number: row.get(1)?,
        created: row.get(2)?,
        author: row.get(3)?,
        size_delta: row.get(4)?,
        comment: row.get(6)?,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pages::PAGE_NAMES;
    use crate::store::test_support::{memory, name, save};
    use crate::wiki::model::Author;

    /// The plan lines SQLite gives for `sql`.
    fn plan(store: &Store, sql: &str) -> Vec<String> {
        store
            .read(|conn| {
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
                let params = rusqlite::params_from_iter(nulls);
                let rows = stmt.query_map(params, |row| row.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap()
    }

    #[test]
    fn lists_never_read_revision_rows() {
        // Issue 11: a deep /do/changes page read the text of every revision it skipped.
        // Issue 16: with files in it, it must not read their data either.
        let store = memory();
        let pages_in_order = [
            "SCAN r USING COVERING INDEX revisions_changes",
            "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
            "SEARCH prev USING COVERING INDEX revisions_history (page_id=? AND number=?) LEFT-JOIN",
            "SEARCH a USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
        ];
        let merged: Vec<&str> = ["MERGE (UNION ALL)", "LEFT"]
            .into_iter()
            .chain(pages_in_order)
            .chain([
                "RIGHT",
                "SCAN f USING COVERING INDEX files_changes",
                "SEARCH prev USING COVERING INDEX files_versions (name=? AND number=?) LEFT-JOIN",
                "SEARCH a USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
            ])
            .collect();
        for (sql, expected) in [
            (
                HISTORY,
                vec![
                    "SEARCH p USING COVERING INDEX sqlite_autoindex_pages_1 (name=?)",
                    "SEARCH r USING COVERING INDEX revisions_history (page_id=?)",
                    "SEARCH prev USING COVERING INDEX revisions_history (page_id=? AND number=?) LEFT-JOIN",
                    "SEARCH a USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
                ],
            ),
            (RECENT_CHANGES, merged),
            (RECENT_PAGE_CHANGES, pages_in_order.to_vec()),
            (
                PAGE_NAMES,
                vec!["SCAN pages USING COVERING INDEX pages_live_by_sort_key"],
            ),
        ] {
            assert_eq!(plan(&store, sql), expected, "{sql}");
        }
    }

    fn upload(store: &Store, file: &str, data: &[u8], now: i64) {
        store
            .save_file(&name(file), "image/png", data, Author::System, now)
            .unwrap();
    }

    /// `(name, number, size_delta, is a file)` of each change.
    fn rows(changes: &[Change]) -> Vec<(String, u32, i64, bool)> {
        changes
            .iter()
            .map(|c| {
                let file = matches!(c.kind, ChangeKind::File { .. });
                (c.name.to_string(), c.number, c.size_delta, file)
            })
            .collect()
    }

    #[test]
    fn recent_changes_span_pages_newest_first() {
        let store = memory();
        save(&store, "A", "aaaa", 1);
        save(&store, "B", "bb", 2);
        save(&store, "A", "a", 3);
        save(&store, "C", "c", 3);
        let changes = store.recent_changes(0, 10).unwrap();
        let rows: Vec<_> = changes
            .iter()
            .map(|change| (change.name.as_str(), change.number, change.size_delta))
            .collect();
        assert_eq!(rows, [("C", 1, 1), ("A", 2, -3), ("B", 1, 2), ("A", 1, 4)]);
        assert_eq!(changes[0].author, "anonymous");
        let later = store.recent_changes(2, 1).unwrap();
        assert_eq!(later[0].name.as_str(), "B");
    }

    #[test]
    fn recent_changes_merge_files_and_pages_and_page_across_both() {
        let store = memory();
        save(&store, "A", "aaaa", 10);
        upload(&store, "logo.png", b"12345", 20);
        save(&store, "A", "aa", 30);
        // The same second and the same id (in its own table) as the page edit: `kind` orders.
        upload(&store, "map.png", b"xyz", 30);
        upload(&store, "logo.png", b"12", 40);
        upload(&store, "logo.png", b"12", 50); // unchanged: no new version
        let all = store.recent_changes(0, 10).unwrap();
        let expected = [
            ("logo.png", 2, -3, true),
            ("map.png", 1, 3, true),
            ("A", 2, -2, false),
            ("logo.png", 1, 5, true),
            ("A", 1, 4, false),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(n, number, delta, file)| (n.to_string(), number, delta, file))
            .collect();
        assert_eq!(rows(&all), expected);
        assert_eq!(
            all[0].kind,
            ChangeKind::File {
                mime: "image/png".into(),
                size: 2
            }
        );
        assert_eq!(
            (all[0].author.as_str(), all[0].comment.as_deref()),
            ("system", None)
        );
        assert_eq!(all[2].kind, ChangeKind::Page { deleted: false });
        // Every page of two, in turn, is the merged list cut in pieces: none repeated or lost.
        let paged: Vec<_> = (0..3)
            .flat_map(|page| rows(&store.recent_changes(page * 2, 2).unwrap()))
            .collect();
        assert_eq!(paged, expected);
        let pages_only = store.recent_page_changes(10).unwrap();
        assert_eq!(
            rows(&pages_only),
            [expected[2].clone(), expected[4].clone()]
        );
    }

    #[test]
    fn history_is_newest_first_with_size_deltas() {
        let store = memory();
        let page = name("Grow");
        save(&store, "Grow", "12345", 1);
        save(&store, "Grow", "12345678", 2);
        save(&store, "Grow", "123", 3);
        store.delete_page(&page, Author::System, 4).unwrap();
        let history = store.history(&page, 0, 10).unwrap();
        let rows: Vec<_> = history
            .iter()
            .map(|rev| (rev.number, rev.size, rev.size_delta, rev.deleted))
            .collect();
        let expected = [
            (4, 0, -3, true),
            (3, 3, -5, false),
            (2, 8, 3, false),
            (1, 5, 5, false),
        ];
        assert_eq!(rows, expected);
        let page_two = store.history(&page, 1, 2).unwrap();
        assert_eq!(
            page_two.iter().map(|rev| rev.number).collect::<Vec<_>>(),
            [3, 2]
        );
        assert!(store.history(&name("None"), 0, 10).unwrap().is_empty());
    }
}
