//! Issue 16, running and tending the wiki: the CLI's listings and wording, the last-admin
//! guard, and getting back in with a link code printed by `gemwiki account link-code`.

use gemwiki::cli::{AccountCommand, PageCommand};
use gemwiki::commands;
use gemwiki::wiki::model::{AccountState, Role};
use gemwiki::wiki::PageName;

use crate::support::{register, register_as, TestCert, TestServer};

fn page(server: &TestServer, command: PageCommand) -> Result<String, String> {
    let mut out = Vec::new();
    commands::page(server.store(), command, &mut out).map_err(|err| err.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

fn account(server: &TestServer, command: AccountCommand) -> Result<String, String> {
    let mut out = Vec::new();
    commands::account(server.store(), command, &mut out).map_err(|err| err.to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

fn name(command: fn(String) -> AccountCommand, name: &str) -> AccountCommand {
    command(name.to_owned())
}

/// `2025-03-01 14:05 UTC`, as the CLI prints times.
fn time(unix: i64) -> String {
    gemwiki::capsule::handlers::format_time(unix)
}

#[test]
fn page_list_shows_revision_counts_and_locks() {
    let server = TestServer::start();
    let dir = server.data_dir();
    std::fs::write(dir.join("Plain.gmi"), "# Plain\n").unwrap();
    page(
        &server,
        PageCommand::Import {
            files: vec![dir.join("Plain.gmi")],
        },
    )
    .unwrap();
    page(
        &server,
        PageCommand::Delete {
            name: "Plain".into(),
        },
    )
    .unwrap();
    page(
        &server,
        PageCommand::Restore {
            name: "Plain".into(),
            revision: 1,
        },
    )
    .unwrap();
    page(
        &server,
        PageCommand::Lock {
            name: "Plain".into(),
        },
    )
    .unwrap();
    assert_eq!(
        page(&server, PageCommand::List).unwrap(),
        "How to edit\t1 revision\tunlocked\n\
         How to register\t1 revision\tunlocked\n\
         Plain\t3 revisions\tlocked\n\
         Welcome\t1 revision\tunlocked\n"
    );
}

#[test]
fn page_show_prints_the_stored_text_and_history_lists_revisions() {
    let server = TestServer::start();
    let dir = server.data_dir();
    std::fs::write(dir.join("Plain.gmi"), "# Plain\nno newline at the end").unwrap();
    page(
        &server,
        PageCommand::Import {
            files: vec![dir.join("Plain.gmi")],
        },
    )
    .unwrap();
    page(
        &server,
        PageCommand::Delete {
            name: "Plain".into(),
        },
    )
    .unwrap();
    page(
        &server,
        PageCommand::Restore {
            name: "Plain".into(),
            revision: 1,
        },
    )
    .unwrap();

    let show = |revision| PageCommand::Show {
        name: "Plain".into(),
        revision,
    };
    assert_eq!(
        page(&server, show(None)).unwrap(),
        "# Plain\nno newline at the end"
    );
    assert_eq!(
        page(&server, show(Some(1))).unwrap(),
        "# Plain\nno newline at the end"
    );
    assert_eq!(
        page(&server, show(Some(2))).unwrap_err(),
        "revision 2 of Plain deleted the page; show an earlier one (see gemwiki page history)"
    );
    assert_eq!(
        page(&server, show(Some(9))).unwrap_err(),
        "Plain has no revision 9: its revisions are 1 to 3 (see gemwiki page history)"
    );

    let name = PageName::new("Plain").unwrap();
    let created: Vec<String> = server
        .store()
        .history(&name, 0, 10)
        .unwrap()
        .iter()
        .map(|rev| time(rev.created))
        .collect();
    let history = page(
        &server,
        PageCommand::History {
            name: "Plain".into(),
        },
    )
    .unwrap();
    assert_eq!(
        history.lines().collect::<Vec<_>>(),
        [
            format!(
                "3\t{}\tsystem\t29 bytes (+29)\trestored revision 1",
                created[0]
            ),
            format!("2\t{}\tsystem\t0 bytes (-29)\tdeleted", created[1]),
            format!("1\t{}\tsystem\t29 bytes (+29)\timported", created[2]),
        ]
    );
}

#[test]
fn page_errors_name_pages_as_the_wiki_shows_them() {
    // Issue 16: these said `no page named PageName("Nope")`.
    let server = TestServer::start();
    let lock = PageCommand::Lock {
        name: "Nope".into(),
    };
    assert_eq!(
        page(&server, lock).unwrap_err(),
        "no page named Nope (see gemwiki page list)"
    );
    let restore = PageCommand::Restore {
        name: "Welcome".into(),
        revision: 9,
    };
    assert_eq!(
        page(&server, restore).unwrap_err(),
        "Welcome has no revision 9: its revisions are 1 to 1 (see gemwiki page history)"
    );
    let delete = PageCommand::Delete {
        name: "Nope".into(),
    };
    assert_eq!(
        page(&server, delete).unwrap_err(),
        "no live page named Nope (see gemwiki page list)"
    );
    let history = PageCommand::History {
        name: "Nope".into(),
    };
    assert_eq!(
        page(&server, history).unwrap_err(),
        "no page named Nope (see gemwiki page list)"
    );
    assert_eq!(
        account(
            &server,
            name(|name| AccountCommand::Show { name }, "nobody")
        )
        .unwrap_err(),
        "no account named \"nobody\" (see gemwiki account list)"
    );
}

#[test]
fn page_import_takes_only_gmi_and_md() {
    let server = TestServer::start();
    let dir = server.data_dir();
    std::fs::write(dir.join("Good.gmi"), "# Good\n").unwrap();
    std::fs::write(dir.join("Notes.txt"), "plain text\n").unwrap();
    let files = vec![dir.join("Good.gmi"), dir.join("Notes.txt")];
    let err = page(&server, PageCommand::Import { files }).unwrap_err();
    assert_eq!(
        err,
        format!(
            "{}: page import takes gemtext (.gmi) or Markdown (.md) files; rename it to say which",
            dir.join("Notes.txt").display()
        )
    );
    // Nothing imported: the wrong file is reported before any page is written.
    server.get("/page/Good").assert_status(51);
}

#[test]
fn account_list_shows_certificates_and_last_use() {
    let server = TestServer::start();
    let alice = TestCert::ec("alice");
    let alice_id = register(&server, &alice, "alice");
    let bob = register(&server, &TestCert::ec("bob"), "bob");
    server
        .store()
        .add_certificate(bob, &TestCert::ec("bob2").client_cert(), 5)
        .unwrap();
    server.get_as(&alice, "/do/account").assert_status(20);
    let used = server.store().certificates(alice_id).unwrap()[0]
        .last_used
        .unwrap();
    assert_eq!(
        account(&server, AccountCommand::List).unwrap(),
        format!(
            "alice\teditor\tactive\t1 certificate\tlast used {}\n\
             bob\teditor\tactive\t2 certificates\tnever used\n",
            time(used)
        )
    );
}

#[test]
fn the_last_active_admin_is_never_demoted_or_suspended() {
    let server = TestServer::start();
    register_as(
        &server,
        &TestCert::ec("root"),
        "root",
        Role::Admin,
        AccountState::Active,
    );
    register(&server, &TestCert::ec("eve"), "eve");
    let refusal = |change: &str| {
        format!(
            "root is the last active admin; promote another account first \
             (gemwiki account promote NAME), then {change} root"
        )
    };
    let demote = |n| name(|name| AccountCommand::Demote { name }, n);
    let suspend = |n| name(|name| AccountCommand::Suspend { name }, n);
    assert_eq!(
        account(&server, demote("root")).unwrap_err(),
        refusal("demote")
    );
    assert_eq!(
        account(&server, suspend("Root")).unwrap_err(),
        refusal("suspend")
    );
    let root = server.store().account_by_name("root").unwrap().unwrap();
    assert_eq!((root.role, root.state), (Role::Admin, AccountState::Active));

    // A pending admin is no admin anyone can use: it does not count.
    register_as(
        &server,
        &TestCert::ec("p"),
        "pat",
        Role::Admin,
        AccountState::Pending,
    );
    assert_eq!(
        account(&server, demote("root")).unwrap_err(),
        refusal("demote")
    );

    account(
        &server,
        name(|name| AccountCommand::Promote { name }, "eve"),
    )
    .unwrap();
    assert_eq!(
        account(&server, demote("root")).unwrap(),
        "root is now editor\n"
    );
    assert_eq!(
        account(&server, suspend("eve")).unwrap_err(),
        "eve is the last active admin; promote another account first \
         (gemwiki account promote NAME), then suspend eve"
    );
    // Demoting an editor takes no admin away.
    assert_eq!(
        account(&server, demote("root")).unwrap(),
        "root is now editor\n"
    );
}

#[test]
fn a_link_code_from_the_cli_lets_a_locked_out_person_back_in() {
    // Issue 16: someone whose only certificate expired had no way back in.
    let server = TestServer::start();
    let old = TestCert::expired("alice");
    register(&server, &old, "alice");
    let expired = server.get_as(&old, "/do/account");
    expired.assert_status(62);
    assert_eq!(
        expired.meta,
        "Your certificate expired on 2001-01-01 00:00 UTC; make a new certificate and ask an \
         admin of this wiki for a link code, or type a code from /do/account/link of another \
         of your certificates at /do/account/claim"
    );

    let printed = account(
        &server,
        name(|name| AccountCommand::LinkCode { name }, "alice"),
    )
    .unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    let code = lines[0].strip_prefix("link code for alice: ").unwrap();
    assert_eq!(code.len(), 10, "{code}");
    assert!(
        lines[1].starts_with("It works once, until ")
            && lines[1].ends_with(
                ": give it to alice only. With the new certificate, open /do/account/claim \
                 and type the code."
            ),
        "{}",
        lines[1]
    );

    // The claim flow: /do/account/claim redirects to its tokenized prompt, which takes the code.
    let new = TestCert::ec("alice-new");
    server
        .prompt_as(&new, "/do/account/claim", &code.to_uppercase())
        .assert_status(30);
    let page = server.get_as(&new, "/do/account");
    page.assert_status(20);
    assert!(page.text().contains("alice"), "{}", page.text());

    // One use only.
    let stranger = TestCert::ec("stranger");
    let again = server.prompt_as(&stranger, "/do/account/claim", code);
    again.assert_status(10);
    server.get_as(&stranger, "/do/account").assert_status(61);
}

/// Issue 16: a vandal's spree is undone in one command; pages others edited since are left
/// alone and named, and every revert is a new revision by the admin.
#[test]
fn revert_undoes_an_accounts_edits_since_a_time() {
    use gemwiki::wiki::model::{Author, NewRevision};
    use gemwiki::wiki::PageFormat;
    let server = TestServer::start();
    let store = server.store();
    let boss = register_as(
        &server,
        &TestCert::ec("boss"),
        "boss",
        Role::Admin,
        AccountState::Active,
    );
    let vandal = register(&server, &TestCert::ec("vandal"), "vandal");
    let other = register(&server, &TestCert::ec("other"), "other");
    let save = |page: &str, text: &str, author: i64, now: i64| {
        store
            .save_revision(NewRevision {
                name: &PageName::new(page).unwrap(),
                text,
                format: PageFormat::Gemtext,
                author: Author::Account(author),
                comment: None,
                now,
            })
            .unwrap();
    };
    save("Alpha", "good\n", other, 1_000);
    save("Alpha", "spam 1\n", vandal, 2_000);
    save("Alpha", "spam 2\n", vandal, 2_100);
    save("Beta", "good\n", other, 1_000);
    save("Beta", "spam\n", vandal, 2_000);
    save("Beta", "fixed by hand\n", other, 2_500);
    save("Spam", "an ad\n", vandal, 2_000);
    save("Old", "vandal's fine old edit\n", vandal, 500);

    let printed = account(
        &server,
        AccountCommand::Revert {
            name: "vandal".into(),
            since: "1500".into(),
            by: Some("boss".into()),
        },
    )
    .unwrap();
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "Alpha: back to revision 1",
            "left alone: Beta (edited by someone else since)",
            "deleted Spam (created by vandal), revision 2",
            "reverted 2 pages by vandal; left 1 alone",
        ]
    );
    let current = |page: &str| {
        store
            .page(&PageName::new(page).unwrap())
            .unwrap()
            .unwrap()
            .current
    };
    assert_eq!(current("Alpha").text, "good\n");
    assert_eq!(current("Alpha").number, 4);
    assert_eq!(current("Alpha").author, "boss");
    assert_eq!(current("Beta").text, "fixed by hand\n");
    assert!(current("Spam").deleted);
    assert_eq!(current("Old").text, "vandal's fine old edit\n");
    let _ = boss;

    let err = account(
        &server,
        AccountCommand::Revert {
            name: "vandal".into(),
            since: "yesterday".into(),
            by: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        "--since \"yesterday\": give a date such as 2026-12-01 (UTC), Unix seconds, or a time ago such as 6h or 3d"
    );
}
