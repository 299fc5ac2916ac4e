//! SPEC §2 and the account rows of §3 over real TLS: the decision order on the account routes,
//! registering, the account page, linking / claiming / revoking certificates, the
//! registration policies, suspension and the admin page.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use gemwiki::cli::AccountCommand;
use gemwiki::commands;
use gemwiki::config::Registration;
use gemwiki::identity::Fingerprint;
use gemwiki::wiki::model::{Account, AccountState, Author, NewRevision, Role};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::{action_link, has_action_link, Reply, TestCert, TestServer};

/// `<name>` typed into the tokenized prompt `/do/register` sends `cert` to.
fn register(server: &TestServer, cert: &TestCert, name: &str) -> Reply {
    let query = utf8_percent_encode(name, NON_ALPHANUMERIC).to_string();
    server.prompt_as(cert, "/do/register", &query)
}

/// A fresh certificate registered as `name`.
#[track_caller]
fn registered(server: &TestServer, name: &str) -> TestCert {
    let cert = TestCert::ec(name);
    let reply = register(server, &cert, name);
    reply.assert_status(30);
    assert_eq!(reply.meta, "/do/account");
    cert
}

#[track_caller]
fn account(server: &TestServer, name: &str) -> Account {
    server
        .store()
        .account_by_name(name)
        .unwrap()
        .expect("account exists")
}

/// The code on `/do/account/link`, read from its `Code: ` line.
#[track_caller]
fn link_code(server: &TestServer, cert: &TestCert) -> String {
    let text = server
        .get_as(cert, "/do/account/link")
        .assert_status(20)
        .text();
    let line = text.lines().find(|l| l.starts_with("Code: ")).expect(&text);
    line["Code: ".len()..].to_string()
}

/// `code` typed into the tokenized prompt `/do/account/claim` sends `cert` to.
fn claim(server: &TestServer, cert: &TestCert, code: &str) -> Reply {
    server.prompt_as(cert, "/do/account/claim", code)
}

/// Whatever `/do/edit/<name>` answers once the guard lets the request through is the editing
/// feature's business; here only the guard's verdict matters.
#[track_caller]
fn assert_may_edit(server: &TestServer, cert: &TestCert) {
    let reply = server.get_as(cert, "/do/edit/Welcome");
    assert!(
        reply.status != 60 && reply.status != 61 && reply.status != 62,
        "{}",
        reply.header
    );
}

fn openssl_fingerprint(server: &TestServer, cert: &TestCert) -> Fingerprint {
    let pem = server.data_dir().join("client.pem");
    cert.write_pem(&pem);
    let output = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&pem)
        .output()
        .expect("the openssl command-line tool");
    let printed = String::from_utf8(output.stdout).unwrap();
    printed.trim().rsplit('=').next().unwrap().parse().unwrap()
}

#[test]
fn register_asks_for_a_valid_certificate_first() {
    let server = TestServer::start();
    let none = server.get("/do/register");
    none.assert_status(60);
    assert!(none.meta.contains("client certificate"), "{}", none.meta);
    let expired = server.get_as(&TestCert::expired("old"), "/do/register?old");
    expired.assert_status(62);
    assert!(expired.meta.contains("2001-01-01"), "{}", expired.meta);
    let future = server.get_as(&TestCert::not_yet_valid("new"), "/do/register");
    future.assert_status(62);
    assert!(future.meta.contains("2090-01-01"), "{}", future.meta);
    assert!(server.store().accounts().unwrap().is_empty());
}

#[test]
fn account_page_follows_the_decision_order() {
    let server = TestServer::start();
    server.get("/do/account").assert_status(60);
    let expired = server.get_as(&TestCert::expired("old"), "/do/account");
    expired.assert_status(62);
    assert!(expired.meta.contains("expired"), "{}", expired.meta);
    let future = server.get_as(&TestCert::not_yet_valid("new"), "/do/account");
    future.assert_status(62);
    assert!(future.meta.contains("not valid until"), "{}", future.meta);
    let stranger = TestCert::ec("stranger");
    let unbound = server.get_as(&stranger, "/do/account");
    unbound.assert_status(61);
    assert!(unbound.meta.contains("/do/register"), "{}", unbound.meta);
    for path in ["/do/account/link", "/do/account/revoke/0123456789abcdef"] {
        server.get(path).assert_status(60);
        server.get_as(&stranger, path).assert_status(61);
    }
}

#[test]
fn register_flow_suggests_the_cn_then_shows_the_account_and_full_fingerprint() {
    let server = TestServer::start();
    let cert = TestCert::ec("alice");
    let prompt = server.follow_as(&cert, "/do/register");
    prompt.assert_status(10);
    assert_eq!(prompt.meta, "Choose a user name (suggestion: alice)");
    let created = register(&server, &cert, "  alice ");
    created.assert_status(30);
    assert_eq!(created.meta, "/do/account");

    let page = server.get_as(&cert, "/do/account").assert_status(20).text();
    assert!(page.starts_with("# alice\n"), "{page}");
    let expected = openssl_fingerprint(&server, &cert);
    assert_eq!(expected, cert.fingerprint());
    assert!(page.contains(&expected.to_hex()), "{page}");
    assert!(
        page.contains(&format!("* {} “alice”", expected.short())),
        "{page}"
    );
    assert!(page.contains("in use now"), "{page}");
    // The only certificate offers no revoke link.
    assert!(!page.contains("/do/account/revoke/"), "{page}");
    assert!(page.contains("=> /do/account/link"), "{page}");
}

#[test]
fn register_prompt_has_no_suggestion_when_the_cn_is_not_a_usable_name() {
    let server = TestServer::start();
    let prompt = server.follow_as(&TestCert::ec("Alice Smith"), "/do/register");
    prompt.assert_status(10);
    assert!(!prompt.meta.contains("suggestion"), "{}", prompt.meta);
    assert!(
        prompt.meta.starts_with("Choose a user name"),
        "{}",
        prompt.meta
    );
    registered(&server, "bob");
    let taken_cn = server.follow_as(&TestCert::ec("BOB"), "/do/register");
    assert!(!taken_cn.meta.contains("suggestion"), "{}", taken_cn.meta);
}

#[test]
fn invalid_names_are_asked_again_with_the_reason() {
    let server = TestServer::start();
    let cert = TestCert::ec("x");
    for (name, reason) in [
        ("two words", "letters, digits"),
        ("Admin", "reserved"),
        (&"a".repeat(33), "1 to 32 characters"),
    ] {
        let reply = register(&server, &cert, name);
        reply.assert_status(10);
        assert!(reply.meta.contains(reason), "{name}: {}", reply.meta);
        assert!(
            reply.meta.contains("choose another user name"),
            "{}",
            reply.meta
        );
    }
    // A bare `?` is no name at all: the first prompt again.
    let empty = register(&server, &cert, "");
    empty.assert_status(10);
    assert!(
        empty.meta.starts_with("Choose a user name"),
        "{}",
        empty.meta
    );
    assert!(server.store().accounts().unwrap().is_empty());
}

#[test]
fn taken_names_are_asked_again_ignoring_case() {
    let server = TestServer::start();
    registered(&server, "Alice");
    let reply = register(&server, &TestCert::ec("other"), "aLICE");
    reply.assert_status(10);
    assert_eq!(reply.meta, "“aLICE” is taken; choose another user name");
    assert_eq!(server.store().accounts().unwrap().len(), 1);
}

#[test]
fn a_registered_certificate_is_sent_to_its_account() {
    let server = TestServer::start();
    let cert = registered(&server, "alice");
    for path in ["/do/register", "/do/register?someone", "/do/account/claim"] {
        let reply = server.get_as(&cert, path);
        reply.assert_status(30);
        assert_eq!(reply.meta, "/do/account", "{path}");
    }
    assert!(server.store().account_by_name("someone").unwrap().is_none());
}

#[test]
fn the_first_account_is_an_admin_and_later_ones_are_editors() {
    let server = TestServer::start();
    let first = registered(&server, "first");
    registered(&server, "second");
    assert_eq!(account(&server, "first").role, Role::Admin);
    assert_eq!(account(&server, "second").role, Role::Editor);
    let page = server
        .get_as(&first, "/do/account")
        .assert_status(20)
        .text();
    assert!(page.contains("Role: admin"), "{page}");
    assert!(page.contains("=> /do/admin"), "{page}");
}

#[test]
fn a_linked_certificate_reaches_the_same_account() {
    let server = TestServer::start();
    let laptop = registered(&server, "alice");
    let code = link_code(&server, &laptop);
    assert_eq!(code.len(), 10, "{code}");
    let phone = TestCert::ec("phone");
    let prompt = server.follow_as(&phone, "/do/account/claim");
    prompt.assert_status(10);
    assert!(prompt.meta.contains("/do/account/link"), "{}", prompt.meta);
    let bound = claim(&server, &phone, &code);
    bound.assert_status(30);
    assert_eq!(bound.meta, "/do/account");

    let page = server
        .get_as(&phone, "/do/account")
        .assert_status(20)
        .text();
    assert!(page.starts_with("# alice\n"), "{page}");
    assert!(page.contains(&phone.fingerprint().to_hex()), "{page}");
    for cert in [&laptop, &phone] {
        let short = cert.fingerprint().short();
        assert!(
            action_link(&page, &format!("/do/account/revoke/{short}")).is_some(),
            "{page}"
        );
    }
    assert_may_edit(&server, &phone);
}

#[test]
fn link_codes_are_typed_forgivingly_but_work_once() {
    let server = TestServer::start();
    let owner = registered(&server, "alice");
    let code = link_code(&server, &owner);
    let typed = code.to_uppercase();
    claim(&server, &TestCert::ec("one"), &typed).assert_status(30);
    let again = claim(&server, &TestCert::ec("two"), &code);
    again.assert_status(10);
    assert_eq!(
        again.meta,
        "That code is wrong, used or expired; get a new one at /do/account/link"
    );
}

#[test]
fn wrong_and_expired_codes_are_asked_again() {
    let server = TestServer::start();
    let owner = registered(&server, "alice");
    link_code(&server, &owner);
    let stranger = TestCert::ec("stranger");
    claim(&server, &stranger, "zzzzzzzzzz").assert_status(10);
    // Codes are stored as the SHA-256 of their lowercase form.
    let id = account(&server, "alice").id;
    let hash: [u8; 32] = Sha256::digest(b"zz23456789").into();
    let now = server.app.now();
    let store = server.store();
    store.create_link_code(id, &hash, now - 1).unwrap();
    claim(&server, &stranger, "zz23456789").assert_status(10);
    let fresh: [u8; 32] = Sha256::digest(b"yy23456789").into();
    store.create_link_code(id, &fresh, now + 600).unwrap();
    claim(&server, &stranger, "yy23456789").assert_status(30);
    assert_eq!(
        store
            .account_by_fingerprint(&stranger.fingerprint())
            .unwrap()
            .unwrap()
            .id,
        id
    );
}

#[test]
fn claiming_needs_a_valid_certificate() {
    let server = TestServer::start();
    server.get("/do/account/claim?abc").assert_status(60);
    server
        .get_as(&TestCert::expired("old"), "/do/account/claim?abc")
        .assert_status(62);
}

#[test]
fn revoking_removes_another_certificate_of_the_account() {
    let server = TestServer::start();
    let laptop = registered(&server, "alice");
    let phone = TestCert::ec("phone");
    claim(&server, &phone, &link_code(&server, &laptop)).assert_status(30);
    let action = format!("/do/account/revoke/{}", phone.fingerprint().short());
    let path = server.link_as(&laptop, "/do/account", &action);
    server.get_as(&laptop, &path).assert_status(10);
    let reply = server.get_as(&laptop, &format!("{path}?yes"));
    reply.assert_status(30);
    assert_eq!(reply.meta, "/do/account");
    server.get_as(&phone, "/do/account").assert_status(61);
    let page = server
        .get_as(&laptop, "/do/account")
        .assert_status(20)
        .text();
    assert!(!page.contains(&phone.fingerprint().short()), "{page}");
}

#[test]
fn the_certificate_in_use_can_be_revoked_while_another_remains() {
    let server = TestServer::start();
    let laptop = registered(&server, "alice");
    let phone = TestCert::ec("phone");
    claim(&server, &phone, &link_code(&server, &laptop)).assert_status(30);
    let own = format!("/do/account/revoke/{}", laptop.fingerprint().short());
    let own = server.link_as(&laptop, "/do/account", &own);
    server
        .get_as(&laptop, &format!("{own}?yes"))
        .assert_status(30);
    server.get_as(&laptop, "/do/account").assert_status(61);
    server.get_as(&phone, "/do/account").assert_status(20);
}

#[test]
fn revoking_the_last_certificate_is_refused() {
    let server = TestServer::start();
    let cert = registered(&server, "alice");
    let path = format!("/do/account/revoke/{}", cert.fingerprint().short());
    let reply = server.get_as(&cert, &path);
    reply.assert_status(61);
    assert!(reply.meta.contains("last certificate"), "{}", reply.meta);
    server.get_as(&cert, "/do/account").assert_status(20);
}

#[test]
fn revoke_needs_a_16_digit_prefix_of_your_own_certificate() {
    let server = TestServer::start();
    let alice = registered(&server, "alice");
    let bob = registered(&server, "bob");
    for bad in ["abc", "0123456789abcdeg", "0123456789abcdef0"] {
        let reply = server.get_as(&alice, &format!("/do/account/revoke/{bad}"));
        reply.assert_status(59);
        assert!(reply.meta.contains("16 hex digits"), "{}", reply.meta);
    }
    let others = format!("/do/account/revoke/{}", bob.fingerprint().short());
    server.get_as(&alice, &others).assert_status(51);
    server.get_as(&bob, "/do/account").assert_status(20);
}

#[test]
fn account_page_lists_recent_edits_and_records_last_use() {
    let server = TestServer::start();
    let cert = registered(&server, "alice");
    let id = account(&server, "alice").id;
    let name = PageName::new("Garden notes").unwrap();
    server
        .store()
        .save_revision(NewRevision {
            name: &name,
            text: "roses\n",
            format: PageFormat::Gemtext,
            author: Author::Account(id),
            comment: None,
            now: 1_700_000_000,
        })
        .unwrap();
    let page = server.get_as(&cert, "/do/account").assert_status(20).text();
    assert!(
        page.contains("=> /page/Garden%20notes/1 2023-11-14 Garden notes (revision 1)"),
        "{page}"
    );
    let certs = server.store().certificates(id).unwrap();
    assert!(certs[0].last_used.is_some());
}

#[test]
fn approval_mode_keeps_new_accounts_pending_until_an_admin_approves() {
    let server = TestServer::start_with(|c| c.wiki.registration = Registration::Approval);
    let admin = registered(&server, "boss");
    assert_eq!(account(&server, "boss").state, AccountState::Active);
    let newcomer = registered(&server, "newcomer");
    assert_eq!(account(&server, "newcomer").state, AccountState::Pending);
    let page = server
        .get_as(&newcomer, "/do/account")
        .assert_status(20)
        .text();
    assert!(page.contains("State: pending"), "{page}");
    assert!(page.contains("waiting for an admin's approval"), "{page}");
    let refused = server.get_as(&newcomer, "/do/edit/Welcome");
    refused.assert_status(61);
    assert!(refused.meta.contains("approval"), "{}", refused.meta);

    let overview = server.get_as(&admin, "/do/admin").assert_status(20).text();
    assert!(
        has_action_link(&overview, "/do/admin/approve/newcomer", "Approve newcomer"),
        "{overview}"
    );
    let approved = server.act_as(&admin, "/do/admin", "/do/admin/approve/newcomer", None);
    approved.assert_status(30);
    assert_eq!(approved.meta, "/do/admin");
    assert_may_edit(&server, &newcomer);
}

#[test]
fn approval_mode_accounts_can_be_approved_from_the_cli() {
    let server = TestServer::start_with(|c| c.wiki.registration = Registration::Approval);
    registered(&server, "boss");
    let newcomer = registered(&server, "newcomer");
    server
        .get_as(&newcomer, "/do/edit/Welcome")
        .assert_status(61);
    let command = AccountCommand::Approve {
        name: "newcomer".into(),
    };
    commands::account(server.store(), command, &mut Vec::new()).unwrap();
    assert_may_edit(&server, &newcomer);
}

#[test]
fn closed_mode_refuses_registration_until_an_admin_adds_the_certificate() {
    let server = TestServer::start_with(|c| c.wiki.registration = Registration::Closed);
    let cert = TestCert::ec("carol");
    let fingerprint = cert.fingerprint().to_hex();
    let refused = server.get_as(&cert, "/do/register?carol");
    refused.assert_status(61);
    assert!(
        refused
            .meta
            .contains("gemwiki account add-cert NAME FINGERPRINT"),
        "{}",
        refused.meta
    );
    assert!(refused.meta.contains(&fingerprint), "{}", refused.meta);
    assert!(server.store().accounts().unwrap().is_empty());

    let command = AccountCommand::AddCert {
        name: "carol".into(),
        fingerprint: format!("SHA256:{}", fingerprint.to_uppercase()),
    };
    commands::account(server.store(), command, &mut Vec::new()).unwrap();
    let page = server.get_as(&cert, "/do/account").assert_status(20).text();
    assert!(page.starts_with("# carol\n"), "{page}");
    assert!(
        page.contains("“carol”"),
        "the live certificate's CN is shown: {page}"
    );
    assert_may_edit(&server, &cert);
}

#[test]
fn suspended_accounts_see_their_page_but_cannot_edit() {
    let server = TestServer::start();
    let admin = registered(&server, "boss");
    let mallory = registered(&server, "mallory");
    server
        .act_as(
            &admin,
            "/do/admin",
            "/do/admin/suspend/mallory",
            Some("yes"),
        )
        .assert_status(30);
    assert_eq!(account(&server, "mallory").state, AccountState::Suspended);
    let refused = server.get_as(&mallory, "/do/edit/Welcome");
    refused.assert_status(61);
    assert!(refused.meta.contains("suspended"), "{}", refused.meta);
    let page = server
        .get_as(&mallory, "/do/account")
        .assert_status(20)
        .text();
    assert!(page.contains("State: suspended"), "{page}");
    assert!(page.contains("you cannot edit"), "{page}");
    let overview = server.get_as(&admin, "/do/admin").assert_status(20).text();
    assert!(
        has_action_link(&overview, "/do/admin/approve/mallory", "Reactivate mallory"),
        "{overview}"
    );
    server
        .act_as(&admin, "/do/admin", "/do/admin/approve/mallory", None)
        .assert_status(30);
    assert_may_edit(&server, &mallory);
}

#[test]
fn admin_pages_refuse_everyone_but_active_admins() {
    let server = TestServer::start();
    let admin = registered(&server, "boss");
    let editor = registered(&server, "ed");
    server.get("/do/admin").assert_status(60);
    server
        .get_as(&TestCert::ec("nobody"), "/do/admin")
        .assert_status(61);
    for path in [
        "/do/admin",
        "/do/admin/approve/ed",
        "/do/admin/lock/Welcome",
    ] {
        let reply = server.get_as(&editor, path);
        reply.assert_status(61);
        assert!(reply.meta.contains("admin"), "{}", reply.meta);
    }
    assert!(!server.locked("Welcome"));
    server.get_as(&admin, "/do/admin").assert_status(20);
}

#[test]
fn admin_overview_lists_pending_accounts_first() {
    let server = TestServer::start_with(|c| c.wiki.registration = Registration::Approval);
    let admin = registered(&server, "aaron");
    registered(&server, "zed");
    let text = server.get_as(&admin, "/do/admin").assert_status(20).text();
    let zed = text.find("* zed: editor, pending").expect(&text);
    let aaron = text.find("* aaron: admin, active (you)").expect(&text);
    assert!(zed < aaron, "{text}");
    assert!(text.contains("1 account waiting for approval"), "{text}");
    assert!(!text.contains("/do/admin/suspend/aaron"), "{text}");
    assert!(text.contains("=> /do/admin/suspend/zed"), "{text}");
    assert!(
        has_action_link(&text, "/do/admin/lock/Welcome", "Lock Welcome"),
        "{text}"
    );
}

#[test]
fn admins_cannot_suspend_themselves() {
    let server = TestServer::start();
    let admin = registered(&server, "boss");
    let reply = server.get_as(&admin, "/do/admin/suspend/BOSS");
    reply.assert_status(61);
    assert!(reply.meta.contains("your own account"), "{}", reply.meta);
    assert_eq!(account(&server, "boss").state, AccountState::Active);
    server
        .get_as(&admin, "/do/admin/approve/nobody")
        .assert_status(51);
}

#[test]
fn admins_lock_and_unlock_pages() {
    let server = TestServer::start();
    let admin = registered(&server, "boss");
    let welcome = PageName::new("Welcome").unwrap();
    let locked = server.act_as(&admin, "/do/admin", "/do/admin/lock/Welcome", None);
    locked.assert_status(30);
    assert_eq!(locked.meta, "/page/Welcome");
    assert!(server.store().page(&welcome).unwrap().unwrap().locked);
    let overview = server.get_as(&admin, "/do/admin").assert_status(20).text();
    assert!(
        has_action_link(&overview, "/do/admin/unlock/Welcome", "Unlock Welcome"),
        "{overview}"
    );
    server
        .act_as(&admin, "/do/admin", "/do/admin/unlock/Welcome", None)
        .assert_status(30);
    assert!(!server.store().page(&welcome).unwrap().unwrap().locked);
    server
        .get_as(&admin, "/do/admin/lock/No%20such%20page")
        .assert_status(51);
}

#[test]
fn admins_restore_an_old_revision_under_their_name() {
    let server = TestServer::start();
    let admin = registered(&server, "boss");
    let name = PageName::new("Welcome").unwrap();
    let store = server.store();
    let original = store.page(&name).unwrap().unwrap().current.text;
    store
        .save_revision(NewRevision {
            name: &name,
            text: "vandalised\n",
            format: PageFormat::Gemtext,
            author: Author::Anonymous,
            comment: None,
            now: server.app.now(),
        })
        .unwrap();
    let overview = server.get_as(&admin, "/do/admin").assert_status(20).text();
    assert!(
        has_action_link(
            &overview,
            "/do/admin/restore/Welcome/1",
            "Restore revision 1"
        ),
        "{overview}"
    );
    let restore = server.link_as(&admin, "/do/admin", "/do/admin/restore/Welcome/1");
    server.get_as(&admin, &restore).assert_status(10);
    let reply = server.get_as(&admin, &format!("{restore}?yes"));
    reply.assert_status(30);
    assert_eq!(reply.meta, "/page/Welcome");
    let page = store.page(&name).unwrap().unwrap();
    assert_eq!(
        (page.revisions, page.current.text.as_str()),
        (3, original.as_str())
    );
    assert_eq!(page.current.author, "boss");
    server
        .get_as(&admin, "/do/admin/restore/Welcome/9")
        .assert_status(51);
    server
        .get_as(&admin, "/do/admin/restore/Nothing/1")
        .assert_status(51);
}

/// Issue 11: a registration flood cannot make `/do/admin` unbounded; accounts come 50 to a
/// page, pending ones first.
#[test]
fn the_admin_page_lists_accounts_fifty_to_a_page_pending_first() {
    let server = TestServer::start();
    let admin = TestCert::ec("boss");
    crate::support::register_as(&server, &admin, "boss", Role::Admin, AccountState::Active);
    for n in 0..54 {
        let state = if n == 53 {
            AccountState::Pending
        } else {
            AccountState::Active
        };
        let cert = TestCert::ec(&format!("user{n:02}"));
        crate::support::register_as(&server, &cert, &format!("user{n:02}"), Role::Editor, state);
    }
    let account_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("* ") && l.contains(": editor") || l.starts_with("* boss"))
            .map(str::to_owned)
            .collect()
    };
    let first = server.get_as(&admin, "/do/admin").assert_status(20).text();
    let lines = account_lines(&first);
    assert_eq!(lines.len(), 50, "{first}");
    assert_eq!(lines[0], "* user53: editor, pending");
    assert_eq!(lines[1], "* boss: admin, active (you)");
    assert_eq!(lines[2], "* user00: editor, active");
    assert!(
        first
            .lines()
            .any(|l| l == "=> /do/admin?page=2 More accounts"),
        "{first}"
    );
    assert!(!first.contains("Previous accounts"), "{first}");

    let second = server
        .get_as(&admin, "/do/admin?page=2")
        .assert_status(20)
        .text();
    let lines = account_lines(&second);
    assert_eq!(
        lines,
        [
            "* user48: editor, active",
            "* user49: editor, active",
            "* user50: editor, active",
            "* user51: editor, active",
            "* user52: editor, active",
        ]
    );
    assert!(
        second
            .lines()
            .any(|l| l == "=> /do/admin Previous accounts"),
        "{second}"
    );
    assert!(!second.contains("More accounts"), "{second}");
}

/// Issue 16: a code typed from a certificate that already has an account binds nothing, and
/// the answer says so instead of silently showing the account page.
#[test]
fn a_code_typed_from_a_registered_certificate_says_it_binds_nothing() {
    let server = TestServer::start();
    let alice = registered(&server, "alice");
    let code = link_code(&server, &alice);
    let bob = registered(&server, "bob");
    let reply = server.get_as(&bob, &format!("/do/account/claim?{code}"));
    reply.assert_status(20);
    assert_eq!(
        reply.text().lines().collect::<Vec<_>>(),
        [
            "# Nothing to claim",
            "",
            "This certificate is already registered, as bob, so a link code cannot bind it to \
             another account. Codes are for a new certificate: create one in your client and \
             open /do/account/claim with it.",
            "",
            "=> /do/account Your account",
        ]
    );
    assert_eq!(account(&server, "bob").name, "bob");
    assert_eq!(
        server
            .store()
            .certificates(account(&server, "alice").id)
            .unwrap()
            .len(),
        1
    );
}

/// Issue 16: "last used" follows every authenticated request, not only the account page.
#[test]
fn last_use_is_recorded_on_any_authenticated_request() {
    let server = TestServer::start();
    let cert = registered(&server, "alice");
    let id = account(&server, "alice").id;
    let last_used = || server.store().certificates(id).unwrap()[0].last_used;
    let before = last_used();
    server.get_as(&cert, "/do/edit/Welcome").assert_status(20);
    let after = last_used();
    assert!(after.is_some() && after != before, "{before:?} → {after:?}");
}

/// Issue 16: admins promote and demote from /do/admin through tokenized, confirmed links;
/// a forged link changes nothing and the last active admin is never demoted.
#[test]
fn admins_promote_and_demote_through_confirmed_links() {
    let server = TestServer::start();
    let boss = TestCert::ec("boss");
    crate::support::register_as(&server, &boss, "boss", Role::Admin, AccountState::Active);
    let bob = TestCert::ec("bob");
    crate::support::register_as(&server, &bob, "bob", Role::Editor, AccountState::Active);

    // A forged link (no token) acts not, even for an admin.
    let forged = server.get_as(&boss, "/do/admin/promote/bob?yes");
    forged.assert_status(30);
    assert_eq!(forged.meta, "/do/admin");
    assert_eq!(account(&server, "bob").role, Role::Editor);

    let asked = server.act_as(&boss, "/do/admin", "/do/admin/promote/bob", None);
    asked.assert_status(10);
    assert_eq!(asked.meta, "Type yes to make bob an admin of this wiki");
    let promoted = server.act_as(&boss, "/do/admin", "/do/admin/promote/bob", Some("yes"));
    promoted.assert_status(30);
    assert_eq!(account(&server, "bob").role, Role::Admin);

    let demoted = server.act_as(&bob, "/do/admin", "/do/admin/demote/boss", Some("yes"));
    demoted.assert_status(30);
    assert_eq!(account(&server, "boss").role, Role::Editor);

    // bob is now the only active admin: his own demotion is refused before any token.
    let refused = server.get_as(&bob, "/do/admin/demote/bob");
    refused.assert_status(61);
    assert_eq!(
        refused.meta,
        "bob is the last active admin; promote someone else first"
    );
    assert_eq!(account(&server, "bob").role, Role::Admin);
}
