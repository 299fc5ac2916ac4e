//! Input-driven edits (SPEC §3 edit rows, issue 4): the identity decision order on every edit
//! route, the `/do/edit/<name>` menu, append / replace / delete flows end to end with the
//! author in the history, page locks, the page size limit and the per-account edit rate.

use gemwiki::wiki::model::{AccountState, Author, NewRevision, Role};
use gemwiki::wiki::{PageFormat, PageName};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::support::{
    action_link, pending_and_suspended, register, register_as, Reply, TestCert, TestServer,
};

/// `text` percent-encoded for a query, as a client sends typed input.
fn enc(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

fn name(text: &str) -> PageName {
    PageName::new(text).unwrap()
}

fn raw(server: &TestServer, page: &str) -> Reply {
    server.get(&format!("/raw/{}", enc(page)))
}

/// A server with one registered, active editor.
fn with_editor(name: &str) -> (TestServer, TestCert) {
    let server = TestServer::start();
    let cert = TestCert::ec(name);
    register(&server, &cert, name);
    (server, cert)
}

/// Saves a revision directly in the store, as the system.
fn seed_page(server: &TestServer, page: &str, text: &str, format: PageFormat) {
    let page = name(page);
    server
        .store()
        .save_revision(NewRevision {
            name: &page,
            text,
            format,
            author: Author::System,
            comment: None,
            now: 1_700_000_000,
        })
        .unwrap();
}

#[test]
fn every_edit_route_follows_the_identity_decision_order() {
    let server = TestServer::start();
    let (pending, suspended) = pending_and_suspended(&server);
    for path in [
        "/do/edit/Welcome",
        "/do/edit/Welcome/append",
        "/do/edit/Welcome/append?text",
        "/do/edit/Welcome/replace?text",
        "/do/edit/Welcome/delete?Welcome",
    ] {
        server.get(path).assert_status(60);
        let expired = server.get_as(&TestCert::expired("old"), path);
        expired.assert_status(62);
        assert!(
            expired.meta.contains("2001-01-01"),
            "{path}: {}",
            expired.meta
        );
        let stranger = server.get_as(&TestCert::ec("stranger"), path);
        stranger.assert_status(61);
        assert!(
            stranger.meta.contains("/do/register"),
            "{path}: {}",
            stranger.meta
        );
        let waiting = server.get_as(&pending, path);
        waiting.assert_status(61);
        assert!(
            waiting.meta.contains("approval"),
            "{path}: {}",
            waiting.meta
        );
        let barred = server.get_as(&suspended, path);
        barred.assert_status(61);
        assert!(barred.meta.contains("suspended"), "{path}: {}", barred.meta);
    }
    // Nothing of the above changed the page.
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn menu_shows_the_current_revision_and_every_way_to_edit() {
    let (server, cert) = with_editor("ada");
    seed_page(
        &server,
        "Sand box",
        "# Sand box\n\nPlay here.\n",
        PageFormat::Gemtext,
    );
    let reply = server.get_as(&cert, "/do/edit/Sand%20box");
    reply.assert_status(20);
    let text = reply.text();
    assert!(
        text.contains("Current revision 1: 23 bytes of gemtext"),
        "{text}"
    );
    let titan = format!(
        "=> titan://localhost:{}/raw/Sand%20box/1;edit Edit Sand box with Titan",
        server.addr.port()
    );
    assert!(text.lines().any(|line| line == titan), "{text}");
    for action in ["append", "replace", "delete"] {
        let link = format!("/do/edit/Sand%20box/{action}");
        assert!(
            action_link(&text, &link).is_some(),
            "{action} missing: {text}"
        );
    }
}

#[test]
fn menu_for_a_new_page_offers_to_create_it() {
    let (server, cert) = with_editor("ada");
    let reply = server.get_as(&cert, "/do/edit/Brand%20New");
    reply.assert_status(20);
    let text = reply.text();
    assert!(text.contains("does not exist yet"), "{text}");
    assert!(
        action_link(&text, "/do/edit/Brand%20New/append").is_some(),
        "{text}"
    );
    assert!(!text.contains("/delete"), "nothing to delete yet: {text}");
}

#[test]
fn menu_offers_replace_only_for_text_that_fits_one_input() {
    let (server, cert) = with_editor("ada");
    seed_page(&server, "Long", &"word ".repeat(400), PageFormat::Gemtext);
    let text = server.get_as(&cert, "/do/edit/Long").text();
    assert!(!text.contains("/do/edit/Long/replace"), "{text}");
    assert!(text.contains("use Titan"), "{text}");
}

#[test]
fn append_creates_a_page_then_adds_paragraphs_by_the_editor() {
    let (server, cert) = with_editor("ada");
    let prompt = server.edit_as(&cert, "Notes", "append", None);
    prompt.assert_status(10);
    assert!(prompt.meta.contains("Notes"), "{}", prompt.meta);

    let first = server.edit_as(&cert, "Notes", "append", Some(&enc("# Notes")));
    first.assert_status(30);
    assert_eq!(first.meta, "/page/Notes");
    let second = server.edit_as(&cert, "Notes", "append", Some("Second+line%0Aand+more"));
    second.assert_status(30);

    let source = raw(&server, "Notes");
    source.assert_status(20);
    assert_eq!(source.text(), "# Notes\n\nSecond line\nand more\n");
    let history = server.get("/history/Notes").text();
    assert!(history.contains("Revision 2"), "{history}");
    assert_eq!(history.matches("by ada").count(), 2, "{history}");
}

#[test]
fn blank_input_asks_again() {
    let (server, cert) = with_editor("ada");
    for (action, query) in [
        ("append", ""),
        ("append", "%20%0A"),
        ("replace", ""),
        ("delete", ""),
    ] {
        server
            .edit_as(&cert, "Welcome", action, Some(query))
            .assert_status(10);
    }
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn replace_stores_exactly_the_text_and_keeps_the_format() {
    let (server, cert) = with_editor("ada");
    seed_page(&server, "Doc", "# Doc\n\n*old*\n", PageFormat::Markdown);
    server
        .edit_as(&cert, "Doc", "replace", None)
        .assert_status(10);
    let text = "# Doc\r\n\r\n**new**  text ";
    let reply = server.edit_as(&cert, "Doc", "replace", Some(&enc(text)));
    reply.assert_status(30);
    assert_eq!(reply.meta, "/page/Doc");
    let source = raw(&server, "Doc");
    assert_eq!(source.meta, "text/markdown; charset=utf-8");
    assert_eq!(source.text(), "# Doc\n\n**new**  text ");
    assert!(server.get("/history/Doc").text().contains("by ada"));
}

#[test]
fn delete_needs_the_page_name_typed_and_ends_in_the_history() {
    let (server, cert) = with_editor("ada");
    seed_page(&server, "Café", "# Café\n", PageFormat::Gemtext);
    let prompt = server.edit_as(&cert, "Caf%C3%A9", "delete", None);
    prompt.assert_status(10);
    assert!(prompt.meta.contains("Café"), "{}", prompt.meta);

    let wrong = server.edit_as(&cert, "Caf%C3%A9", "delete", Some("Cafe"));
    wrong.assert_status(10);
    assert!(wrong.meta.contains("did not match"), "{}", wrong.meta);
    raw(&server, "Café").assert_status(20);

    // Decomposed é and surrounding spaces still match once trimmed and NFC-normalised.
    let right = server.edit_as(&cert, "Caf%C3%A9", "delete", Some("+Cafe%CC%81+"));
    right.assert_status(30);
    assert_eq!(right.meta, "/history/Caf%C3%A9");
    raw(&server, "Café").assert_status(51);
    let history = server.get("/history/Caf%C3%A9").text();
    let deletion = history
        .lines()
        .find(|l| l.starts_with("=> /diff/Caf%C3%A9/2 "))
        .unwrap_or_else(|| panic!("{history}"));
    assert!(
        deletion.contains(" Revision 2, ")
            && deletion.ends_with(", by ada, -8 bytes: deleted the page"),
        "{deletion}"
    );
    assert!(history.contains("by ada"), "{history}");

    server
        .get_as(&cert, "/do/edit/Caf%C3%A9/delete?Caf%C3%A9")
        .assert_status(51);
    server
        .get_as(&cert, "/do/edit/Nowhere/delete")
        .assert_status(51);
}

#[test]
fn a_deleted_page_comes_back_with_the_next_append() {
    let (server, cert) = with_editor("ada");
    seed_page(&server, "Phoenix", "old\n", PageFormat::Gemtext);
    server
        .edit_as(&cert, "Phoenix", "delete", Some("Phoenix"))
        .assert_status(30);
    server
        .edit_as(&cert, "Phoenix", "append", Some("reborn"))
        .assert_status(30);
    assert_eq!(raw(&server, "Phoenix").text(), "reborn\n");
}

#[test]
fn locked_page_refuses_editors_and_lets_admins_edit() {
    let server = TestServer::start();
    let editor = TestCert::ec("ed");
    let admin = TestCert::ec("root");
    register(&server, &editor, "ed");
    register_as(&server, &admin, "root", Role::Admin, AccountState::Active);
    assert!(server.store().set_locked(&name("Welcome"), true).unwrap());
    for path in ["/do/edit/Welcome", "/do/edit/Welcome/append?hi"] {
        let refused = server.get_as(&editor, path);
        refused.assert_status(61);
        assert!(refused.meta.contains("locked"), "{}", refused.meta);
    }
    let menu = server.get_as(&admin, "/do/edit/Welcome");
    menu.assert_status(20);
    assert!(menu.text().contains("locked"), "{}", menu.text());
    server
        .edit_as(&admin, "Welcome", "append", Some("By+the+admin"))
        .assert_status(30);
    assert!(raw(&server, "Welcome")
        .text()
        .ends_with("\n\nBy the admin\n"));
}

#[test]
fn edits_past_the_rate_limit_get_44() {
    let server = TestServer::start_with(|c| c.wiki.limits.edits_per_minute = 2);
    let cert = TestCert::ec("busy");
    register(&server, &cert, "busy");
    for i in 0..2 {
        server
            .edit_as(&cert, "Busy", "append", Some(&format!("edit{i}")))
            .assert_status(30);
    }
    let slowed = server.edit_as(&cert, "Busy", "append", Some("edit3"));
    slowed.assert_status(44);
    let wait = slowed
        .meta
        .strip_prefix("Too many requests: wait ")
        .and_then(|rest| rest.strip_suffix(" seconds"))
        .and_then(|n| n.parse::<u64>().ok());
    assert!(wait.is_some_and(|n| n >= 1), "{}", slowed.meta);
    // Prompts and menus are not edits.
    server.get_as(&cert, "/do/edit/Busy").assert_status(20);
    server
        .edit_as(&cert, "Busy", "append", None)
        .assert_status(10);
    // The limit is per account.
    let other = TestCert::ec("calm");
    register(&server, &other, "calm");
    server
        .edit_as(&other, "Busy", "append", Some("edit4"))
        .assert_status(30);
}

#[test]
fn text_over_the_page_size_limit_is_59_naming_the_limit() {
    let server = TestServer::start_with(|c| c.wiki.limits.max_page_size = 40);
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    server
        .edit_as(&cert, "Small", "append", Some(&"a".repeat(30)))
        .assert_status(30);
    let over = server.edit_as(&cert, "Small", "append", Some(&"b".repeat(20)));
    over.assert_status(59);
    assert!(over.meta.contains("40 bytes"), "{}", over.meta);
    let replace = server.edit_as(&cert, "Small", "replace", Some(&"c".repeat(41)));
    replace.assert_status(59);
    assert_eq!(
        raw(&server, "Small").text(),
        format!("{}\n", "a".repeat(30))
    );
}
