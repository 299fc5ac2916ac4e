//! Issue 16, tending the wiki from `/do/admin`: lock, unlock and restore any page found
//! through a prompt, and undoing everything one account did since a time — each act only
//! through a link tokenized for the admin's certificate.

use gemwiki::wiki::model::{AccountState, Author, Role};
use gemwiki::wiki::PageName;

use crate::support::{action_link, register, register_as, save_gemtext, TestCert, TestServer};

fn admin(server: &TestServer, name: &str) -> TestCert {
    let cert = TestCert::ec(name);
    register_as(server, &cert, name, Role::Admin, AccountState::Active);
    cert
}

fn save(server: &TestServer, page: &str, text: &str, author: i64, now: i64) {
    save_gemtext(server.store(), page, text, Author::Account(author), now);
}

fn current_text(server: &TestServer, page: &str) -> String {
    let page = server.store().page(&PageName::new(page).unwrap()).unwrap();
    page.unwrap().current.text
}

const QUESTION: &str = "Which page? Type its name to lock, unlock or restore it";

#[test]
fn any_page_is_found_by_name_and_asked_again_when_there_is_none() {
    let server = TestServer::start();
    let boss = admin(&server, "boss");
    let overview = server.get_as(&boss, "/do/admin").assert_status(20).text();
    assert!(
        overview
            .lines()
            .any(|l| l == "=> /do/admin/page Lock, unlock or restore any page"),
        "{overview}"
    );
    let asked = server.get_as(&boss, "/do/admin/page");
    asked.assert_status(10);
    assert_eq!(asked.meta, QUESTION);
    let none = server.get_as(&boss, "/do/admin/page?No%20such%20page");
    none.assert_status(10);
    assert_eq!(
        none.meta,
        format!("There is no page named “No such page”. {QUESTION}")
    );
    let bad = server.get_as(&boss, "/do/admin/page?a%2Fb");
    bad.assert_status(10);
    assert_eq!(
        bad.meta,
        format!("Invalid page name: a page name cannot contain '/'. {QUESTION}")
    );
    let found = server.get_as(&boss, "/do/admin/page?%20Welcome%20");
    found.assert_status(30);
    assert_eq!(found.meta, "/do/admin/page/Welcome");
}

#[test]
fn page_tools_lock_unlock_and_restore_any_revision() {
    let server = TestServer::start();
    let boss = admin(&server, "boss");
    let ed = register(&server, &TestCert::ec("ed"), "ed");
    save(&server, "Quiet", "first\n", ed, 1_000);
    save(&server, "Quiet", "second\n", ed, 2_000);
    save(&server, "Quiet", "third\n", ed, 3_000);

    let tools = server
        .get_as(&boss, "/do/admin/page/Quiet")
        .assert_status(20)
        .text();
    // Every line, tokens masked: they differ per certificate and key.
    let masked: Vec<String> = tools.lines().map(mask_token).collect();
    assert_eq!(
        masked,
        [
            "# Page tools: Quiet",
            "",
            "Revision 3; not locked: editors may edit it.",
            "",
            "=> /page/Quiet Read Quiet",
            "=> /history/Quiet History of Quiet",
            "=> /do/admin/lock/Quiet/<token> Lock Quiet",
            "",
            "## Restore an earlier revision",
            "",
            "Restoring saves that revision's text as a new revision; nothing is lost.",
            "=> /do/admin/restore/Quiet/2/<token> Restore revision 2 (1970-01-01 00:33 UTC, ed)",
            "=> /do/admin/restore/Quiet/1/<token> Restore revision 1 (1970-01-01 00:16 UTC, ed)",
            "",
            "=> /do/admin/page Another page",
            "=> /do/admin Administration",
        ]
    );

    let lock = action_link(&tools, "/do/admin/lock/Quiet").unwrap();
    let locked = server.get_as(&boss, &lock);
    locked.assert_status(30);
    assert_eq!(locked.meta, "/page/Quiet");
    let tools = server
        .get_as(&boss, "/do/admin/page/Quiet")
        .assert_status(20)
        .text();
    assert!(
        tools
            .lines()
            .any(|l| l == "Revision 3; locked: only admins may edit it."),
        "{tools}"
    );
    let unlock = action_link(&tools, "/do/admin/unlock/Quiet").unwrap();
    server.get_as(&boss, &unlock).assert_status(30);
    assert!(!server.locked("Quiet"));

    let tools = server
        .get_as(&boss, "/do/admin/page/Quiet")
        .assert_status(20)
        .text();
    let restore = action_link(&tools, "/do/admin/restore/Quiet/1").unwrap();
    server.get_as(&boss, &restore).assert_status(10);
    let restored = server.get_as(&boss, &format!("{restore}?yes"));
    restored.assert_status(30);
    assert_eq!(current_text(&server, "Quiet"), "first\n");
    assert_eq!(server.revisions("Quiet"), 4);
}

/// Forged links to the views are harmless (they only show links), and the actions those
/// views offer still need the admin's own token.
#[test]
fn page_tools_are_for_admins_and_their_links_for_their_certificate() {
    let server = TestServer::start();
    let boss = admin(&server, "boss");
    let other = admin(&server, "other");
    register(&server, &TestCert::ec("ed"), "ed");
    server.get("/do/admin/page").assert_status(60);
    server
        .get_as(&TestCert::ec("ed"), "/do/admin/page/Welcome")
        .assert_status(61);
    server
        .get_as(&boss, "/do/admin/page/No%20such")
        .assert_status(51);
    let others = server
        .get_as(&other, "/do/admin/page/Welcome")
        .assert_status(20)
        .text();
    let lock = action_link(&others, "/do/admin/lock/Welcome").unwrap();
    let refused = server.get_as(&boss, &lock);
    refused.assert_status(30);
    assert_eq!(refused.meta, "/do/admin");
    assert!(!server.locked("Welcome"));
}

#[test]
fn an_accounts_edits_are_undone_from_the_admin_page() {
    let server = TestServer::start();
    let boss = admin(&server, "boss");
    let vandal = register(&server, &TestCert::ec("vandal"), "vandal");
    let other = register(&server, &TestCert::ec("other"), "other");
    save(&server, "Alpha", "good\n", other, 1_000);
    save(&server, "Alpha", "spam 1\n", vandal, 2_000);
    save(&server, "Alpha", "spam 2\n", vandal, 2_100);
    save(&server, "Beta", "good\n", other, 1_000);
    save(&server, "Beta", "spam\n", vandal, 2_000);
    save(&server, "Beta", "fixed by hand\n", other, 2_500);
    save(&server, "Spam", "an ad\n", vandal, 2_000);

    // A link someone wrote, with the answer in it, does nothing.
    let forged = server.get_as(&boss, "/do/admin/revert/vandal?1500");
    forged.assert_status(30);
    assert_eq!(forged.meta, "/do/admin");
    assert_eq!(current_text(&server, "Alpha"), "spam 2\n");

    let link = server.link_as(&boss, "/do/admin", "/do/admin/revert/vandal");
    let question = "Undo every page edit by vandal since when? Type a date such as \
                    2026-12-01 (UTC), Unix seconds, or a time ago such as 6h or 3d";
    let asked = server.get_as(&boss, &link);
    asked.assert_status(10);
    assert_eq!(asked.meta, question);
    let again = server.get_as(&boss, &format!("{link}?last%20week"));
    again.assert_status(10);
    assert_eq!(
        again.meta,
        format!("“last week” is not a time I can read. {question}")
    );
    assert_eq!(current_text(&server, "Alpha"), "spam 2\n");

    let report = server.get_as(&boss, &format!("{link}?1500"));
    report.assert_status(20);
    assert_eq!(
        report.text().lines().collect::<Vec<_>>(),
        [
            "# Edits by vandal undone",
            "",
            "Since 1970-01-01 00:25 UTC: 2 pages reverted, 1 left alone. Each revert is a new \
             revision by you; the history keeps everything.",
            "",
            "=> /page/Alpha Alpha: back to revision 1 (saved as revision 4)",
            "=> /history/Beta Beta: left alone, someone else edited it since",
            "=> /history/Spam Spam: deleted, since vandal created it (revision 2)",
            "",
            "=> /do/admin Administration",
        ]
    );
    assert_eq!(current_text(&server, "Alpha"), "good\n");
    assert_eq!(current_text(&server, "Beta"), "fixed by hand\n");
    let spam = server
        .store()
        .page(&PageName::new("Spam").unwrap())
        .unwrap()
        .unwrap();
    assert!(spam.current.deleted);
    let alpha = server
        .store()
        .page(&PageName::new("Alpha").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(alpha.current.author, "boss");

    // Nothing left to undo: said so, nothing saved.
    let nothing = server.get_as(&boss, &format!("{link}?2026-12-01"));
    assert_eq!(
        nothing.text().lines().next_back(),
        Some("=> /do/admin Administration")
    );
    assert!(
        nothing
            .text()
            .lines()
            .any(|l| l
                == "vandal made no page edits since 2026-12-01 00:00 UTC, so nothing changed."),
        "{}",
        nothing.text()
    );
    assert_eq!(server.revisions("Alpha"), 4);
}

/// `=> /do/…/<22-character token> label` with the token replaced by `<token>`.
fn mask_token(line: &str) -> String {
    let Some(rest) = line.strip_prefix("=> ") else {
        return line.to_string();
    };
    let (url, label) = rest.split_once(' ').unwrap_or((rest, ""));
    match url.rsplit_once('/') {
        Some((base, token)) if token.len() == 22 && base.starts_with("/do/admin/") => {
            format!("=> {base}/<token> {label}")
        }
        _ => line.to_string(),
    }
}
