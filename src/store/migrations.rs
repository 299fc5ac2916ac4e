//! The database schema's history: the numbered SQL files under `migrations/`, embedded at
//! compile time and applied in order by `Store::open`, plus the data steps SQL cannot do
//! (recomputing name keys). Files are append-only once released; pragmas are not set here
//! but on every connection in `store/mod.rs`.

use std::collections::HashSet;
use std::sync::LazyLock;

use rusqlite::{params, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::wiki::user_name;

/// Every schema migration, oldest first.
pub(super) static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_init.sql")),
        M::up_with_hook(
            include_str!("../../migrations/0002_name_skeletons.sql"),
            recompute_name_keys,
        ),
        // Issue 11, deep paging: covering indexes for the paged lists.
        M::up(include_str!("../../migrations/0003_paging_index.sql")),
        // Issue 12: conflicting Titan uploads are kept as drafts.
        M::up(include_str!("../../migrations/0004_drafts.sql")),
        // Issue 16: file uploads in recent changes, read through covering indexes.
        M::up(include_str!("../../migrations/0005_file_changes.sql")),
    ])
});

/// Migration 2's data step: every `accounts.name_key` becomes [`user_name::key`] of the name.
/// Accounts whose new keys collide are all kept (see the migration file): the oldest holds
/// the key, later ones get `<key>#<id>`.
fn recompute_name_keys(tx: &Transaction) -> HookResult {
    let accounts: Vec<(i64, String)> = tx
        .prepare("SELECT id, name FROM accounts ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Two passes, so no row ever takes a key another row still holds (UNIQUE).
    tx.execute("UPDATE accounts SET name_key = char(1) || id", [])?;
    let mut update = tx.prepare("UPDATE accounts SET name_key = ?2 WHERE id = ?1")?;
    let mut used = HashSet::new();
    for (id, name) in accounts {
        let key = user_name::key(&name);
        let key = if used.insert(key.clone()) {
            key
        } else {
            tracing::warn!(
                account_id = id,
                "an older account's name looks the same; both are kept"
            );
            format!("{key}#{id}")
        };
        update.execute(params![id, key])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn migrations_validate() {
        MIGRATIONS.validate().unwrap();
    }

    #[test]
    fn version_1_keys_become_skeletons_and_look_alikes_are_all_kept() {
        let mut conn = Connection::open_in_memory().unwrap();
        MIGRATIONS.to_version(&mut conn, 1).unwrap();
        for (id, name) in [
            (1, "alice"),
            (2, "Bob"),
            (3, "\u{430}lice"),
            (4, "ａｌｉｃｅ"),
        ] {
            conn.execute(
                "INSERT INTO accounts (id, name, name_key, role, state, created) \
                 VALUES (?1, ?2, lower(?2), 'editor', 'active', 0)",
                params![id, name],
            )
            .unwrap();
        }
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let keys: Vec<(String, String)> = conn
            .prepare("SELECT name, name_key FROM accounts ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [
            ("alice", "alice".to_string()),
            ("Bob", "bob".to_string()),
            ("\u{430}lice", "alice#3".to_string()),
            ("ａｌｉｃｅ", "alice#4".to_string()),
        ];
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(n, k)| (n.to_string(), k))
            .collect();
        assert_eq!(keys, expected);
    }
}
