//! Accounts and what identifies them: the certificates bound to each account (by SHA-256
//! fingerprint), the one-time link codes that bind another certificate, and an account's
//! edits. Name rules and access decisions belong to the callers; this file stores facts and
//! keeps them consistent (names unique by look, ignoring case — see `wiki::user_name::key` —
//! one account per certificate, never an account without a certificate through revocation).

use rusqlite::{params, Connection, OptionalExtension, Row};

use unicode_normalization::UnicodeNormalization;

use super::{changes, parse_column, Result, Store, StoreError};
use crate::identity::{ClientCert, Fingerprint};
use crate::wiki::model::{
    Account, AccountState, CertRecord, Change, ClaimOutcome, CreateAccount, RevokeOutcome, Role,
};
use crate::wiki::user_name;

/// An account's columns, for the table aliased `a`.
macro_rules! select_account {
    () => {
        "SELECT a.id, a.name, a.role, a.state, a.created FROM accounts a "
    };
}

impl Store {
    /// The account the certificate with this fingerprint is bound to.
    pub fn account_by_fingerprint(&self, fp: &Fingerprint) -> Result<Option<Account>> {
        let sql = concat!(
            select_account!(),
            "JOIN certificates c ON c.account_id = a.id WHERE c.fingerprint = ?1"
        );
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(sql)?;
            let account = stmt
                .query_row([&fp.as_bytes()[..]], account_from_row)
                .optional()?;
            Ok(account)
        })
    }

    /// The account with this name, ignoring case (not a look-alike: `аlice` with a Cyrillic
    /// а finds no `alice`, so an admin's command never acts on the account a name imitates).
    pub fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let key = name_key(name);
        let folded = fold_case(name);
        self.read(|conn| {
            // The key itself, or `<key>#<id>` for look-alikes kept by migration 2.
            let mut stmt = conn.prepare_cached(concat!(
                select_account!(),
                "WHERE a.name_key = ?1 OR (a.name_key >= ?1 || '#' AND a.name_key < ?1 || '$')"
            ))?;
            let rows = stmt.query_map([key], account_from_row)?;
            for account in rows {
                let account = account?;
                if fold_case(&account.name) == folded {
                    return Ok(Some(account));
                }
            }
            Ok(None)
        })
    }

    /// The account whose name looks like `name` (same [`user_name::key`]), if any: the one
    /// that makes `name` "taken".
    pub fn account_like(&self, name: &str) -> Result<Option<Account>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached(concat!(select_account!(), "WHERE a.name_key = ?1"))?;
            let account = stmt
                .query_row([name_key(name)], account_from_row)
                .optional()?;
            Ok(account)
        })
    }

    /// Every account, by name ignoring case.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut accounts: Vec<Account> = self.read(|conn| {
            let mut stmt = conn.prepare_cached(concat!(select_account!(), "ORDER BY a.id"))?;
            let rows = stmt.query_map([], account_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        accounts.sort_by_cached_key(|a| fold_case(&a.name));
        Ok(accounts)
    }

    /// One page of accounts for the admin page: pending ones first (what an admin comes to
    /// handle), then by name ignoring ASCII case; and how many accounts there are in all.
    /// Paged in SQL, so a flood of registrations cannot make the page unbounded.
    pub fn accounts_page(&self, offset: u32, limit: u32) -> Result<(Vec<Account>, u64)> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(concat!(
                select_account!(),
                "ORDER BY a.state <> 'pending', a.name COLLATE NOCASE, a.id LIMIT ?1 OFFSET ?2"
            ))?;
            let rows = stmt.query_map(params![limit, offset], account_from_row)?;
            let accounts = rows.collect::<rusqlite::Result<_>>()?;
            let total: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
            Ok((accounts, u64::try_from(total).unwrap_or(0)))
        })
    }

    /// Accounts waiting for an admin's approval.
    pub fn pending_count(&self) -> Result<u64> {
        self.read(|conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM accounts WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Creates an account with `cert` as its first certificate. The caller has checked that
    /// `name` follows the naming rules; uniqueness (by look, ignoring case) is checked here.
    pub fn create_account(
        &self,
        name: &str,
        role: Role,
        state: AccountState,
        cert: &ClientCert,
        now: i64,
    ) -> Result<CreateAccount> {
        let created = self.write(|conn| insert_account(conn, name, (role, state), cert, now))?;
        log_created(&created);
        Ok(created)
    }

    /// Creates an account like [`Store::create_account`], with the role and state that
    /// `pick(first)` returns, where `first` says whether the wiki has no account yet. Deciding
    /// inside the same transaction means two simultaneous first registrations cannot both
    /// get what only the first account should.
    pub fn create_account_with(
        &self,
        name: &str,
        cert: &ClientCert,
        now: i64,
        pick: impl FnOnce(bool) -> (Role, AccountState),
    ) -> Result<CreateAccount> {
        let created = self.write(|conn| {
            let any: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts)")?
                .query_row([], |row| row.get(0))?;
            insert_account(conn, name, pick(!any), cert, now)
        })?;
        log_created(&created);
        Ok(created)
    }

    /// How many accounts are active admins: the CLI and the admin page refuse to demote or
    /// suspend the last one, which would leave a wiki no one can administer from the web.
    pub fn active_admin_count(&self) -> Result<u32> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT count(*) FROM accounts WHERE role = 'admin' AND state = 'active'",
            )?;
            Ok(stmt.query_row([], |row| row.get(0))?)
        })
    }

    /// Approves, suspends or reinstates an account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no account with this id.
    pub fn set_account_state(&self, id: i64, state: AccountState) -> Result<()> {
        self.update_account(
            "UPDATE accounts SET state = ?2 WHERE id = ?1",
            id,
            state.as_str(),
        )?;
        tracing::info!(account = id, state = %state.as_str(), "account state set");
        Ok(())
    }

    /// Promotes or demotes an account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no account with this id.
    pub fn set_account_role(&self, id: i64, role: Role) -> Result<()> {
        self.update_account(
            "UPDATE accounts SET role = ?2 WHERE id = ?1",
            id,
            role.as_str(),
        )?;
        tracing::info!(account = id, role = %role.as_str(), "account role set");
        Ok(())
    }

    fn update_account(&self, sql: &str, id: i64, value: &str) -> Result<()> {
        self.write(
            |conn| match conn.prepare_cached(sql)?.execute(params![id, value])? {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            },
        )
    }

    /// The account's certificates, oldest first.
    pub fn certificates(&self, account_id: i64) -> Result<Vec<CertRecord>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT hex(fingerprint), common_name, not_before, not_after, added, last_used \
                 FROM certificates WHERE account_id = ?1 ORDER BY added, fingerprint",
            )?;
            let rows = stmt.query_map([account_id], |row| {
                Ok(CertRecord {
                    fingerprint: parse_column(row, 0, str::parse::<Fingerprint>)?,
                    common_name: row.get(1)?,
                    not_before: row.get(2)?,
                    not_after: row.get(3)?,
                    added: row.get(4)?,
                    last_used: row.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Binds another certificate to the account; `false` if it is already bound to any
    /// account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no account with this id.
    pub fn add_certificate(&self, account_id: i64, cert: &ClientCert, now: i64) -> Result<bool> {
        let added = self.write(|conn| {
            require_account(conn, account_id)?;
            if certificate_bound(conn, &cert.fingerprint)? {
                return Ok(false);
            }
            insert_certificate(conn, account_id, cert, now)?;
            Ok(true)
        })?;
        if added {
            log_certificate_added(account_id, &cert.fingerprint, "added by an admin");
        }
        Ok(added)
    }

    /// Unbinds the account's certificate whose fingerprint starts with `fingerprint_prefix`
    /// (the 16 hex digits shown in lists). Other accounts' certificates are never touched,
    /// and the account's last certificate is never removed.
    pub fn revoke_certificate(
        &self,
        account_id: i64,
        fingerprint_prefix: &str,
    ) -> Result<RevokeOutcome> {
        let prefix = fingerprint_prefix.trim().to_ascii_lowercase();
        let outcome = self.write(|conn| {
            let (total, matching): (u32, u32) = conn
                .prepare_cached(
                    "SELECT count(*), \
                     count(*) FILTER (WHERE substr(lower(hex(fingerprint)), 1, 16) = ?2) \
                     FROM certificates WHERE account_id = ?1",
                )?
                .query_row(params![account_id, prefix], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
            if matching == 0 {
                return Ok(RevokeOutcome::NotFound);
            }
            if matching >= total {
                return Ok(RevokeOutcome::LastCertificate);
            }
            conn.prepare_cached(
                "DELETE FROM certificates \
                 WHERE account_id = ?1 AND substr(lower(hex(fingerprint)), 1, 16) = ?2",
            )?
            .execute(params![account_id, prefix])?;
            Ok(RevokeOutcome::Revoked)
        })?;
        if outcome == RevokeOutcome::Revoked {
            tracing::info!(account = account_id, cert = %prefix, "certificate revoked");
        }
        Ok(outcome)
    }

    /// Records that the certificate was just used; does nothing if it is not bound.
    pub fn touch_certificate(&self, fp: &Fingerprint, now: i64) -> Result<()> {
        self.write(|conn| {
            conn.prepare_cached("UPDATE certificates SET last_used = ?2 WHERE fingerprint = ?1")?
                .execute(params![&fp.as_bytes()[..], now])?;
            Ok(())
        })
    }

    /// Stores a one-time code (by its SHA-256) that binds a new certificate to the account
    /// until `expires`, replacing the account's earlier codes.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no account with this id.
    pub fn create_link_code(
        &self,
        account_id: i64,
        code_hash: &[u8; 32],
        expires: i64,
    ) -> Result<()> {
        self.write(|conn| {
            require_account(conn, account_id)?;
            // A new code replaces the account's earlier ones, so codes never pile up.
            conn.prepare_cached("DELETE FROM link_codes WHERE account_id = ?1")?
                .execute([account_id])?;
            conn.prepare_cached(
                "INSERT INTO link_codes (code_hash, account_id, expires) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![&code_hash[..], account_id, expires])?;
            Ok(())
        })?;
        // The code itself is a secret and never logged.
        tracing::info!(account = account_id, "link code issued");
        Ok(())
    }

    /// When the account's unused, unexpired link code expires, if it has one (the handler
    /// derives the code again from it; only its hash is stored).
    pub fn live_link_code(&self, account_id: i64, now: i64) -> Result<Option<i64>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT max(expires) FROM link_codes \
                     WHERE account_id = ?1 AND used IS NULL AND expires > ?2",
                )?
                .query_row(params![account_id, now], |row| row.get(0))?)
        })
    }

    /// Uses up a link code to bind `cert` to the code's account. The check and the use are
    /// one transaction, so a code binds at most one certificate. A code is valid until just
    /// before `expires`. If the certificate is already bound, the code stays unused.
    pub fn claim_link_code(
        &self,
        code_hash: &[u8; 32],
        cert: &ClientCert,
        now: i64,
    ) -> Result<ClaimOutcome> {
        let outcome = self.write(|conn| {
            let account_id: Option<i64> = conn
                .prepare_cached(
                    "SELECT account_id FROM link_codes \
                     WHERE code_hash = ?1 AND used IS NULL AND expires > ?2",
                )?
                .query_row(params![&code_hash[..], now], |row| row.get(0))
                .optional()?;
            let Some(account_id) = account_id else {
                return Ok(ClaimOutcome::InvalidCode);
            };
            if certificate_bound(conn, &cert.fingerprint)? {
                return Ok(ClaimOutcome::CertificateInUse);
            }
            conn.prepare_cached("UPDATE link_codes SET used = ?2 WHERE code_hash = ?1")?
                .execute(params![&code_hash[..], now])?;
            insert_certificate(conn, account_id, cert, now)?;
            let mut stmt = conn.prepare_cached(concat!(select_account!(), "WHERE a.id = ?1"))?;
            Ok(ClaimOutcome::Bound(
                stmt.query_row([account_id], account_from_row)?,
            ))
        })?;
        if let ClaimOutcome::Bound(account) = &outcome {
            log_certificate_added(account.id, &cert.fingerprint, "claimed with a link code");
        }
        Ok(outcome)
    }

    /// The account's last `limit` edits, newest first.
    pub fn edits_by(&self, account_id: i64, limit: u32) -> Result<Vec<Change>> {
        self.read(|conn| changes::changes_by_account(conn, account_id, limit))
    }
}

/// The audit line for a new account: its id, role and state, never the name typed. A pending
/// account is the admin's cue to approve it.
fn log_created(created: &CreateAccount) {
    let CreateAccount::Created(account) = created else {
        return;
    };
    let (id, role) = (account.id, account.role.as_str());
    match account.state {
        AccountState::Pending => tracing::info!(
            account = id,
            %role,
            "account registered, waiting for approval (gemwiki account list; gemwiki account approve NAME)"
        ),
        state => tracing::info!(account = id, %role, state = %state.as_str(), "account registered"),
    }
}

/// The audit line for a certificate bound to an existing account (its 16-digit prefix only).
fn log_certificate_added(account_id: i64, fp: &Fingerprint, how: &str) {
    tracing::info!(account = account_id, cert = %fp.short(), "certificate {how}");
}

/// The form names are unique in: by look, ignoring case ([`user_name::key`]).
fn name_key(name: &str) -> String {
    user_name::key(name)
}

/// A name as it is looked up: NFKC and lower case, so `ＡＬＩＣＥ` finds `alice`.
fn fold_case(name: &str) -> String {
    name.nfkc().collect::<String>().to_lowercase()
}

fn insert_account(
    conn: &Connection,
    name: &str,
    (role, state): (Role, AccountState),
    cert: &ClientCert,
    now: i64,
) -> Result<CreateAccount> {
    if certificate_bound(conn, &cert.fingerprint)? {
        return Ok(CreateAccount::CertificateInUse);
    }
    let key = name_key(name);
    let taken: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE name_key = ?1)")?
        .query_row([&key], |row| row.get(0))?;
    if taken {
        return Ok(CreateAccount::NameTaken);
    }
    conn.prepare_cached(
        "INSERT INTO accounts (name, name_key, role, state, created) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![name, key, role.as_str(), state.as_str(), now])?;
    let id = conn.last_insert_rowid();
    insert_certificate(conn, id, cert, now)?;
    Ok(CreateAccount::Created(Account {
        id,
        name: name.to_owned(),
        role,
        state,
        created: now,
    }))
}

fn require_account(conn: &Connection, account_id: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")?;
    stmt.query_row([account_id], |_| Ok(()))?;
    Ok(())
}

fn certificate_bound(conn: &Connection, fp: &Fingerprint) -> Result<bool> {
    let mut stmt =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM certificates WHERE fingerprint = ?1)")?;
    Ok(stmt.query_row([&fp.as_bytes()[..]], |row| row.get(0))?)
}

fn insert_certificate(
    conn: &Connection,
    account_id: i64,
    cert: &ClientCert,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO certificates \
         (fingerprint, account_id, common_name, not_before, not_after, added) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        &cert.fingerprint.as_bytes()[..],
        account_id,
        cert.common_name,
        cert.not_before,
        cert.not_after,
        now
    ])?;
    Ok(())
}

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        role: parse_column(row, 2, str::parse::<Role>)?,
        state: parse_column(row, 3, str::parse::<AccountState>)?,
        created: row.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::model::{Author, NewRevision};
    use crate::wiki::{PageFormat, PageName};

    fn cert(seed: &str) -> ClientCert {
        ClientCert {
            fingerprint: Fingerprint::of_der(seed.as_bytes()),
            common_name: Some(seed.to_owned()),
            not_before: 0,
            not_after: 1_000_000,
        }
    }

    fn create(store: &Store, name: &str, seed: &str) -> CreateAccount {
        let role = Role::Editor;
        let state = AccountState::Active;
        store
            .create_account(name, role, state, &cert(seed), 100)
            .unwrap()
    }

    fn account(store: &Store, name: &str, seed: &str) -> Account {
        match create(store, name, seed) {
            CreateAccount::Created(account) => account,
            other => panic!("{other:?}"),
        }
    }

    fn memory() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        let store = memory();
        let alice = account(&store, "Alice", "a1");
        assert_eq!(alice.name, "Alice");
        assert_eq!(
            (alice.role, alice.state, alice.created),
            (Role::Editor, AccountState::Active, 100)
        );
        assert_eq!(create(&store, "aLICE", "a2"), CreateAccount::NameTaken);
        assert_eq!(store.account_by_name("ALICE").unwrap(), Some(alice.clone()));
        assert_eq!(store.account_by_name("bob").unwrap(), None);
        let bob = account(&store, "bob", "b1");
        assert_eq!(store.accounts().unwrap(), [alice, bob]);
    }

    #[test]
    fn look_alike_names_are_taken_but_never_found_as_the_original() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        for look_alike in ["\u{430}lice", "ａｌｉｃｅ", "ALICE"] {
            assert_eq!(create(&store, look_alike, "x"), CreateAccount::NameTaken);
            assert_eq!(store.account_like(look_alike).unwrap(), Some(alice.clone()));
        }
        // An admin typing a look-alike never reaches the account it imitates.
        assert_eq!(store.account_by_name("\u{430}lice").unwrap(), None);
        assert_eq!(store.account_by_name("ＡＬＩＣＥ").unwrap(), Some(alice));
    }

    #[test]
    fn create_account_with_tells_the_first_account_apart() {
        let store = memory();
        let pick = |first: bool| {
            if first {
                (Role::Admin, AccountState::Active)
            } else {
                (Role::Editor, AccountState::Pending)
            }
        };
        let first = store
            .create_account_with("ann", &cert("a1"), 1, pick)
            .unwrap();
        let second = store
            .create_account_with("bea", &cert("b1"), 2, pick)
            .unwrap();
        let taken = store
            .create_account_with("ANN", &cert("c1"), 3, pick)
            .unwrap();
        let roles = |outcome: CreateAccount| match outcome {
            CreateAccount::Created(a) => (a.role, a.state),
            other => panic!("{other:?}"),
        };
        assert_eq!(roles(first), (Role::Admin, AccountState::Active));
        assert_eq!(roles(second), (Role::Editor, AccountState::Pending));
        assert_eq!(taken, CreateAccount::NameTaken);
    }

    #[test]
    fn a_certificate_belongs_to_one_account() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        assert_eq!(create(&store, "bob", "a1"), CreateAccount::CertificateInUse);
        assert_eq!(store.account_by_name("bob").unwrap(), None);
        assert!(!store.add_certificate(alice.id, &cert("a1"), 101).unwrap());
        assert!(store.add_certificate(alice.id, &cert("a2"), 102).unwrap());
        let found = store
            .account_by_fingerprint(&cert("a2").fingerprint)
            .unwrap();
        assert_eq!(found, Some(alice.clone()));
        assert_eq!(
            store
                .account_by_fingerprint(&cert("zz").fingerprint)
                .unwrap(),
            None
        );
        let certs = store.certificates(alice.id).unwrap();
        let seen: Vec<_> = certs.iter().map(|c| (c.fingerprint, c.added)).collect();
        assert_eq!(
            seen,
            [(cert("a1").fingerprint, 100), (cert("a2").fingerprint, 102)]
        );
        assert_eq!(certs[0].common_name.as_deref(), Some("a1"));
        assert_eq!((certs[0].not_before, certs[0].not_after), (0, 1_000_000));
        assert!(matches!(
            store.add_certificate(999, &cert("a3"), 103),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn touching_a_certificate_records_its_last_use() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        assert_eq!(store.certificates(alice.id).unwrap()[0].last_used, None);
        store
            .touch_certificate(&cert("a1").fingerprint, 500)
            .unwrap();
        assert_eq!(
            store.certificates(alice.id).unwrap()[0].last_used,
            Some(500)
        );
        store
            .touch_certificate(&cert("unbound").fingerprint, 501)
            .unwrap();
    }

    #[test]
    fn link_codes_bind_once_and_expire() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        let code = [7u8; 32];
        store.create_link_code(alice.id, &code, 200).unwrap();
        let wrong = store.claim_link_code(&[8u8; 32], &cert("a2"), 150).unwrap();
        assert_eq!(wrong, ClaimOutcome::InvalidCode);
        let in_use = store.claim_link_code(&code, &cert("a1"), 150).unwrap();
        assert_eq!(in_use, ClaimOutcome::CertificateInUse);
        let bound = store.claim_link_code(&code, &cert("a2"), 150).unwrap();
        assert_eq!(bound, ClaimOutcome::Bound(alice.clone()));
        assert_eq!(
            store
                .account_by_fingerprint(&cert("a2").fingerprint)
                .unwrap(),
            Some(alice.clone())
        );
        let reused = store.claim_link_code(&code, &cert("a3"), 151).unwrap();
        assert_eq!(reused, ClaimOutcome::InvalidCode);

        let late = [9u8; 32];
        store.create_link_code(alice.id, &late, 200).unwrap();
        let expired = store.claim_link_code(&late, &cert("a3"), 200).unwrap();
        assert_eq!(expired, ClaimOutcome::InvalidCode);
        assert_eq!(
            store
                .account_by_fingerprint(&cert("a3").fingerprint)
                .unwrap(),
            None
        );
        assert!(matches!(
            store.create_link_code(999, &[1u8; 32], 200),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn revoking_spares_the_last_and_other_accounts_certificates() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        let bob = account(&store, "bob", "b1");
        let a1 = cert("a1").fingerprint.short();
        assert_eq!(
            store.revoke_certificate(alice.id, &a1).unwrap(),
            RevokeOutcome::LastCertificate
        );
        store.add_certificate(alice.id, &cert("a2"), 101).unwrap();
        let b1 = cert("b1").fingerprint.short();
        assert_eq!(
            store.revoke_certificate(alice.id, &b1).unwrap(),
            RevokeOutcome::NotFound
        );
        assert_eq!(
            store.revoke_certificate(alice.id, "").unwrap(),
            RevokeOutcome::NotFound
        );
        assert_eq!(
            store.revoke_certificate(alice.id, &a1[..8]).unwrap(),
            RevokeOutcome::NotFound
        );
        let upper = a1.to_ascii_uppercase();
        assert_eq!(
            store.revoke_certificate(alice.id, &upper).unwrap(),
            RevokeOutcome::Revoked
        );
        let left: Vec<_> = store
            .certificates(alice.id)
            .unwrap()
            .into_iter()
            .map(|c| c.fingerprint)
            .collect();
        assert_eq!(left, [cert("a2").fingerprint]);
        assert_eq!(
            store
                .account_by_fingerprint(&cert("a1").fingerprint)
                .unwrap(),
            None
        );
        assert_eq!(store.certificates(bob.id).unwrap().len(), 1);
    }

    #[test]
    fn state_and_role_changes_need_an_existing_account() {
        let store = memory();
        let alice = account(&store, "alice", "a1");
        store
            .set_account_state(alice.id, AccountState::Suspended)
            .unwrap();
        store.set_account_role(alice.id, Role::Admin).unwrap();
        let now = store.account_by_name("alice").unwrap().unwrap();
        assert_eq!(
            (now.role, now.state),
            (Role::Admin, AccountState::Suspended)
        );
        assert!(matches!(
            store.set_account_role(999, Role::Admin),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.set_account_state(999, AccountState::Active),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn edits_by_lists_an_accounts_revisions_under_its_name() {
        let store = memory();
        let alice = account(&store, "Alice", "a1");
        let home = PageName::new("Home").unwrap();
        for (text, author, now) in [
            ("one", Author::Account(alice.id), 1),
            ("two", Author::System, 2),
            ("three", Author::Account(alice.id), 3),
        ] {
            let rev = NewRevision {
                name: &home,
                text,
                format: PageFormat::Gemtext,
                author,
                comment: None,
                now,
            };
            store.save_revision(rev).unwrap();
        }
        let edits = store.edits_by(alice.id, 10).unwrap();
        let rows: Vec<_> = edits
            .iter()
            .map(|c| (c.number, c.author.as_str()))
            .collect();
        assert_eq!(rows, [(3, "Alice"), (1, "Alice")]);
        assert_eq!(store.edits_by(alice.id, 1).unwrap().len(), 1);
        assert_eq!(store.page(&home).unwrap().unwrap().current.author, "Alice");
    }
}
