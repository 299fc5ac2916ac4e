//! The database schema's history: the numbered SQL files under `migrations/`, embedded at
//! compile time and applied in order by `Store::open`. Files are append-only once released;
//! pragmas are not set here but on every connection in `store/mod.rs`.

use rusqlite_migration::{Migrations, M};

pub(super) const STEPS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_init.sql")),
    // Issue 11, deep paging: covering indexes for the paged lists. Numbered 0003 because
    // 0002 is taken on another branch; the merge orders the list by number.
    M::up(include_str!("../../migrations/0003_paging_index.sql")),
];

/// Every schema migration, oldest first.
pub(super) const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        MIGRATIONS.validate().unwrap();
    }
}
