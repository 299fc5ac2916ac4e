//! The audit log lines the store writes at info level on every change (issue 16): page saves,
//! deletions, restores and locks, registrations, role and state changes, certificates. They
//! name pages, revisions and account ids, never a page's text, a user name or a code.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::identity::{ClientCert, Fingerprint};
use crate::store::Store;
use crate::wiki::model::{AccountState, Author, CreateAccount, NewRevision, Role};
use crate::wiki::{PageFormat, PageName};

/// A writer the test subscriber appends to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The info lines `f` logs, without time, level or target.
pub(crate) fn capture_logs(f: impl FnOnce()) -> Vec<String> {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        // Another test thread may have hit these callsites first with no subscriber and left
        // them cached as uninteresting (an event then goes missing here now and then).
        tracing::callsite::rebuild_interest_cache();
        f();
    });
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn cert(seed: &str) -> ClientCert {
    ClientCert {
        fingerprint: Fingerprint::of_der(seed.as_bytes()),
        common_name: None,
        not_before: 0,
        not_after: i64::MAX,
    }
}

#[test]
fn page_changes_are_logged_by_name_and_revision_never_by_text() {
    let store = Store::open_in_memory().unwrap();
    let pick = |_| (Role::Editor, AccountState::Active);
    let CreateAccount::Created(editor) =
        store.create_account_with("e", &cert("e"), 1, pick).unwrap()
    else {
        panic!("not created");
    };
    let author = Author::Account(editor.id);
    let name = PageName::new("Secret plans").unwrap();
    let save = || NewRevision {
        name: &name,
        text: "the password is hunter2",
        format: PageFormat::Gemtext,
        author,
        comment: None,
        now: 10,
    };
    let lines = capture_logs(|| {
        store.save_revision(save()).unwrap();
        store.save_revision(save()).unwrap();
        store.set_locked(&name, true).unwrap();
        store.delete_page(&name, Author::System, 11).unwrap();
        store
            .restore_revision(&name, 1, Author::Anonymous, 12)
            .unwrap();
        store
            .edit_page(&name, author, 13, |_| {
                Ok::<_, ()>(("edited".into(), PageFormat::Gemtext))
            })
            .unwrap()
            .unwrap();
    });
    assert_eq!(
        lines,
        [
            "page saved page=Secret plans revision=1 author=account 1",
            "page lock set page=Secret plans locked=true",
            "page deleted page=Secret plans revision=2 author=system",
            "page restored page=Secret plans revision=3 from=1 author=anonymous",
            "page saved page=Secret plans revision=4 author=account 1",
        ]
    );
}

#[test]
fn account_changes_are_logged_by_id_never_by_name() {
    let store = Store::open_in_memory().unwrap();
    let lines = capture_logs(|| {
        let pick = |first| match first {
            true => (Role::Admin, AccountState::Active),
            false => (Role::Editor, AccountState::Pending),
        };
        store
            .create_account_with("alice", &cert("a"), 1, pick)
            .unwrap();
        let CreateAccount::Created(bob) = store
            .create_account_with("bob", &cert("b"), 1, pick)
            .unwrap()
        else {
            panic!("bob not created");
        };
        store
            .set_account_state(bob.id, AccountState::Active)
            .unwrap();
        store.set_account_role(bob.id, Role::Admin).unwrap();
        store.add_certificate(bob.id, &cert("b2"), 2).unwrap();
        store.create_link_code(bob.id, &[9; 32], 100).unwrap();
        store.claim_link_code(&[9; 32], &cert("b3"), 3).unwrap();
        let short = cert("b2").fingerprint.short();
        store.revoke_certificate(bob.id, &short).unwrap();
    });
    let b2 = cert("b2").fingerprint.short();
    let b3 = cert("b3").fingerprint.short();
    assert_eq!(
        lines,
        [
            "account registered account=1 role=admin state=active".to_owned(),
            "account registered, waiting for approval (gemwiki account list; gemwiki account \
             approve NAME) account=2 role=editor"
                .to_owned(),
            "account state set account=2 state=active".to_owned(),
            "account role set account=2 role=admin".to_owned(),
            format!("certificate added by an admin account=2 cert={b2}"),
            "link code issued account=2".to_owned(),
            format!("certificate claimed with a link code account=2 cert={b3}"),
            format!("certificate revoked account=2 cert={b2}"),
        ]
    );
    assert!(!lines
        .iter()
        .any(|l| l.contains("alice") || l.contains("bob")));
}

#[test]
fn active_admins_are_counted() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.active_admin_count().unwrap(), 0);
    let pick = |_| (Role::Admin, AccountState::Active);
    store.create_account_with("a", &cert("a"), 1, pick).unwrap();
    let pending = |_| (Role::Admin, AccountState::Pending);
    store
        .create_account_with("b", &cert("b"), 1, pending)
        .unwrap();
    let editor = |_| (Role::Editor, AccountState::Active);
    store
        .create_account_with("c", &cert("c"), 1, editor)
        .unwrap();
    assert_eq!(store.active_admin_count().unwrap(), 1);
}
