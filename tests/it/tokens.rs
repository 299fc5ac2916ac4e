//! Issue 10 (SPEC §3.0): no link anyone wrote acts with a visitor's certificate. For every
//! state-changing route: a forged URL without a token changes nothing and answers `30` to its
//! menu; the rendered link works; another certificate replaying it acts not; a stale replace
//! keeps the typed text. Plus edit summaries (issue 12) and token-free Titan uploads.

use gemwiki::wiki::model::{AccountState, Role};
use gemwiki::wiki::PageName;

use crate::support::{register, register_as, Client, Reply, TestCert, TestServer};

fn name(text: &str) -> PageName {
    PageName::new(text).unwrap()
}

/// The stored text of `page` ("" when missing).
fn text(server: &TestServer, page: &str) -> String {
    server
        .store()
        .page(&name(page))
        .unwrap()
        .map(|p| p.current.text)
        .unwrap_or_default()
}

#[track_caller]
fn assert_redirect(reply: &Reply, to: &str) {
    reply.assert_status(30);
    assert_eq!(reply.meta, to);
}

/// An editor and an admin on a fresh wiki; Welcome is at revision 1.
fn wiki() -> (TestServer, TestCert, TestCert) {
    let server = TestServer::start();
    let editor = TestCert::ec("ed");
    let admin = TestCert::ec("root");
    register(&server, &editor, "ed");
    register_as(&server, &admin, "root", Role::Admin, AccountState::Active);
    (server, editor, admin)
}

#[test]
fn forged_edit_links_without_a_token_change_nothing_and_go_to_the_menu() {
    let (server, editor, admin) = wiki();
    let before = text(&server, "Welcome");
    for cert in [&editor, &admin] {
        for path in [
            "/do/edit/Welcome/replace?SPAM",
            "/do/edit/Welcome/append?SPAM",
            "/do/edit/Welcome/delete?Welcome",
            "/do/edit/Welcome/summary?SPAM",
            "/do/edit/Welcome/replace",
        ] {
            assert_redirect(&server.get_as(cert, path), "/do/edit/Welcome");
        }
    }
    assert_eq!(server.revisions("Welcome"), 1);
    assert_eq!(text(&server, "Welcome"), before);
}

#[test]
fn the_rendered_links_act_and_another_certificate_replaying_them_does_not() {
    let (server, editor, _) = wiki();
    let other = TestCert::ec("other");
    register(&server, &other, "other");
    for action in ["append", "replace", "delete", "summary"] {
        // summary is offered only once the editor's edit is the latest.
        if action == "summary" {
            server
                .edit_as(&editor, "Welcome", "append", Some("mine"))
                .assert_status(30);
        }
        let link = server.link_as(
            &editor,
            "/do/edit/Welcome",
            &format!("/do/edit/Welcome/{action}"),
        );
        let revisions = server.revisions("Welcome");
        let query = if action == "delete" {
            "Welcome"
        } else {
            "B+was+here"
        };
        // B without a query: back to B's own menu; with one: nothing done, text kept.
        assert_redirect(&server.get_as(&other, &link), "/do/edit/Welcome");
        let replayed = server.get_as(&other, &format!("{link}?{query}"));
        replayed.assert_status(20);
        let page = replayed.text();
        assert!(page.starts_with("# Nothing was done\n"), "{page}");
        assert!(page.contains("not made for your certificate"), "{page}");
        assert_eq!(server.revisions("Welcome"), revisions, "{action}");
        // A fresh link for B's own certificate is offered, and it differs from A's.
        let fresh = crate::support::action_link(&page, &format!("/do/edit/Welcome/{action}"));
        assert!(fresh.is_some_and(|f| f != link), "{page}");
    }
    // Positive control: the editor's own links act.
    let append = server.edit_as(&editor, "Welcome", "append", Some("Hello"));
    assert_redirect(&append, "/page/Welcome");
    assert!(text(&server, "Welcome").ends_with("\n\nHello\n"));
    let replace = server.edit_as(&editor, "Welcome", "replace", Some("new"));
    assert_redirect(&replace, "/page/Welcome");
    assert_eq!(text(&server, "Welcome"), "new");
}

#[test]
fn a_stale_replace_saves_nothing_and_keeps_the_typed_text() {
    let (server, editor, _) = wiki();
    let other = TestCert::ec("other");
    register(&server, &other, "other");
    let link = server.link_as(&editor, "/do/edit/Welcome", "/do/edit/Welcome/replace");
    server
        .edit_as(&other, "Welcome", "append", Some("Someone+else"))
        .assert_status(30);
    let theirs = text(&server, "Welcome");
    let reply = server.get_as(&editor, &format!("{link}?My%20text%0A%60%60%60%0Aline"));
    reply.assert_status(20);
    let page = reply.text();
    let lines: Vec<&str> = page.lines().collect();
    assert_eq!(lines[0], "# Nothing was done");
    assert_eq!(
        lines[2],
        "The page changed since you opened the editor (revision 1, now 2), so your text was \
         not saved: read what changed, then use the fresh link."
    );
    let start = lines.iter().position(|l| l.starts_with("```")).unwrap();
    // The typed text, line by line; a ``` line is indented so it cannot close the block.
    assert_eq!(
        &lines[start..start + 5],
        &["```the text you sent", "My text", " ```", "line", "```"]
    );
    assert!(
        lines.contains(&"=> /diff/Welcome/2 What changed meanwhile"),
        "{page}"
    );
    let fresh = crate::support::action_link(&page, "/do/edit/Welcome/replace").unwrap();
    assert_ne!(fresh, link);
    assert_eq!(text(&server, "Welcome"), theirs);
    assert_eq!(server.revisions("Welcome"), 2);
    // The fresh link works.
    assert_redirect(
        &server.get_as(&editor, &format!("{fresh}?mine")),
        "/page/Welcome",
    );
    assert_eq!(text(&server, "Welcome"), "mine");
}

#[test]
fn a_forged_token_is_refused_like_a_missing_one() {
    let (server, editor, _) = wiki();
    let forged = "/do/edit/Welcome/replace/AAAAAAAAAAAAAAAAAAAAAA";
    assert_redirect(&server.get_as(&editor, forged), "/do/edit/Welcome");
    server
        .get_as(&editor, &format!("{forged}?SPAM"))
        .assert_status(20);
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn forged_admin_links_change_nothing_and_the_rendered_ones_act() {
    let (server, editor, admin) = wiki();
    let welcome = name("Welcome");
    let forged = [
        "/do/admin/suspend/ed?yes",
        "/do/admin/lock/Welcome",
        "/do/admin/unlock/Welcome",
        "/do/admin/restore/Welcome/1?yes",
        "/do/admin/approve/ed",
        "/do/admin/lock/Welcome/AAAAAAAAAAAAAAAAAAAAAA",
    ];
    for path in forged {
        assert_redirect(&server.get_as(&admin, path), "/do/admin");
    }
    let ed = server.store().account_by_name("ed").unwrap().unwrap();
    assert_eq!(ed.state, AccountState::Active);
    assert!(!server.store().page(&welcome).unwrap().unwrap().locked);
    assert_eq!(server.revisions("Welcome"), 1);

    // Another admin replaying root's link acts not.
    let other_admin = TestCert::ec("boss2");
    register_as(
        &server,
        &other_admin,
        "boss2",
        Role::Admin,
        AccountState::Active,
    );
    let lock = server.link_as(&admin, "/do/admin", "/do/admin/lock/Welcome");
    assert_redirect(&server.get_as(&other_admin, &lock), "/do/admin");
    assert!(!server.store().page(&welcome).unwrap().unwrap().locked);

    // Suspend asks first; the rendered link with a yes acts.
    let suspend = server.link_as(&admin, "/do/admin", "/do/admin/suspend/ed");
    let question = server.get_as(&admin, &suspend);
    question.assert_status(10);
    assert_eq!(question.meta, "Type yes to suspend ed");
    server
        .get_as(&admin, &format!("{suspend}?no"))
        .assert_status(10);
    assert_eq!(
        server.store().account_by_name("ed").unwrap().unwrap().state,
        AccountState::Active
    );
    assert_redirect(
        &server.get_as(&admin, &format!("{suspend}?yes")),
        "/do/admin",
    );
    assert_eq!(
        server.store().account_by_name("ed").unwrap().unwrap().state,
        AccountState::Suspended
    );
    // The token died with the state it was made for.
    let again = server.get_as(&admin, &format!("{suspend}?yes"));
    again.assert_status(20);
    server.get_as(&editor, "/do/edit/Welcome").assert_status(61);
}

#[test]
fn restore_confirms_and_its_token_dies_once_the_page_changes() {
    let (server, editor, admin) = wiki();
    server
        .edit_as(&editor, "Welcome", "replace", Some("vandalised"))
        .assert_status(30);
    let restore = server.link_as(&admin, "/do/admin", "/do/admin/restore/Welcome/1");
    let question = server.get_as(&admin, &restore);
    question.assert_status(10);
    assert_eq!(
        question.meta,
        "Type yes to make revision 1 the current text of “Welcome”"
    );
    assert_eq!(server.revisions("Welcome"), 2);
    assert_redirect(
        &server.get_as(&admin, &format!("{restore}?yes")),
        "/page/Welcome",
    );
    assert_eq!(server.revisions("Welcome"), 3);
    // Replaying the same link does not restore twice.
    server
        .get_as(&admin, &format!("{restore}?yes"))
        .assert_status(20);
    assert_eq!(server.revisions("Welcome"), 3);
}

#[test]
fn a_fresh_certificate_following_a_forged_register_or_claim_link_is_bound_to_nothing() {
    let (server, editor, _) = wiki();
    // The editor has a live code and publishes links with it.
    let code_page = server.get_as(&editor, "/do/account/link").text();
    let code = code_page
        .lines()
        .find_map(|l| l.strip_prefix("Code: "))
        .unwrap()
        .to_string();
    let newcomer = TestCert::ec("newcomer");
    let claim = server.get_as(&newcomer, &format!("/do/account/claim?{code}"));
    claim.assert_status(30);
    assert!(
        claim.meta.starts_with("/do/account/claim/"),
        "{}",
        claim.meta
    );
    let register = server.get_as(&newcomer, "/do/register?mallorys-pick");
    register.assert_status(30);
    assert!(
        register.meta.starts_with("/do/register/"),
        "{}",
        register.meta
    );
    for forged in [
        format!("/do/account/claim/AAAAAAAAAAAAAAAAAAAAAA?{code}"),
        "/do/register/AAAAAAAAAAAAAAAAAAAAAA?mallorys-pick".to_string(),
    ] {
        server.get_as(&newcomer, &forged).assert_status(20);
    }
    // Another certificate's tokenized prompt is refused too.
    let other = TestCert::ec("other");
    let theirs = server.get_as(&other, "/do/register").meta;
    server
        .get_as(&newcomer, &format!("{theirs}?mallorys-pick"))
        .assert_status(20);
    let store = server.store();
    assert!(store
        .account_by_fingerprint(&newcomer.fingerprint())
        .unwrap()
        .is_none());
    assert!(store.account_by_name("mallorys-pick").unwrap().is_none());
    // The code is still unused, and /do/account/link shows it again rather than replacing it.
    let again = server.get_as(&editor, "/do/account/link").text();
    assert!(
        again.lines().any(|l| l == format!("Code: {code}")),
        "{again}"
    );
    // Positive control: the newcomer's own prompt binds.
    let bound = server.prompt_as(&newcomer, "/do/account/claim", &code);
    assert_redirect(&bound, "/do/account");
    let account = store
        .account_by_fingerprint(&newcomer.fingerprint())
        .unwrap()
        .unwrap();
    assert_eq!(account.name, "ed");
}

#[test]
fn revoke_needs_the_rendered_link_and_a_yes() {
    let (server, editor, _) = wiki();
    let phone = TestCert::ec("phone");
    let code = server
        .get_as(&editor, "/do/account/link")
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("Code: ").map(str::to_string))
        .unwrap();
    assert_redirect(
        &server.prompt_as(&phone, "/do/account/claim", &code),
        "/do/account",
    );
    let short = phone.fingerprint().short();
    let id = server.store().account_by_name("ed").unwrap().unwrap().id;
    let forged = format!("/do/account/revoke/{short}?yes");
    assert_redirect(&server.get_as(&editor, &forged), "/do/account");
    let link = server.link_as(
        &editor,
        "/do/account",
        &format!("/do/account/revoke/{short}"),
    );
    // The phone (same account, other certificate) cannot use the laptop's link.
    server
        .get_as(&phone, &format!("{link}?yes"))
        .assert_status(20);
    assert_eq!(server.store().certificates(id).unwrap().len(), 2);
    let question = server.get_as(&editor, &link);
    question.assert_status(10);
    assert_eq!(
        question.meta,
        "Type yes to revoke certificate {short} of your account ed".replace("{short}", &short)
    );
    assert_redirect(
        &server.get_as(&editor, &format!("{link}?yes")),
        "/do/account",
    );
    assert_eq!(server.store().certificates(id).unwrap().len(), 1);
}

#[test]
fn edit_summaries_go_on_your_latest_revision_and_show_in_the_history() {
    let (server, editor, _) = wiki();
    let other = TestCert::ec("other");
    register(&server, &other, "other");
    let menu = server.get_as(&editor, "/do/edit/Welcome").text();
    assert!(
        !menu.contains("/summary/"),
        "the latest edit is not ed's: {menu}"
    );
    server
        .edit_as(&editor, "Welcome", "append", Some("Hi"))
        .assert_status(30);
    let summary = server.link_as(&editor, "/do/edit/Welcome", "/do/edit/Welcome/summary");
    server.get_as(&editor, &summary).assert_status(10);
    let saved = server.get_as(&editor, &format!("{summary}?fixed%20a%20typo"));
    assert_redirect(&saved, "/history/Welcome");
    let rev = server
        .store()
        .revision(&name("Welcome"), 2)
        .unwrap()
        .unwrap();
    assert_eq!(rev.comment.as_deref(), Some("fixed a typo"));
    let history = server.get("/history/Welcome").text();
    assert!(history.contains("fixed a typo"), "{history}");
    // Someone else edits: ed's summary link no longer lands on their revision.
    server
        .edit_as(&other, "Welcome", "append", Some("Mine"))
        .assert_status(30);
    let late = server.get_as(&editor, &format!("{summary}?second%20thoughts"));
    late.assert_status(20);
    let page = late.text();
    assert!(page.starts_with("# Summary not saved\n"), "{page}");
    assert!(
        page.contains("```your summary\nsecond thoughts\n```"),
        "{page}"
    );
    let rev3 = server
        .store()
        .revision(&name("Welcome"), 3)
        .unwrap()
        .unwrap();
    assert_eq!(rev3.comment, None);
}

#[test]
fn titan_uploads_need_no_token() {
    let (server, editor, _) = wiki();
    let url = server.titan_url("/raw/Uploaded;size=4;mime=text/gemini");
    let reply = Client::new()
        .cert(&editor)
        .titan(server.addr, &url, b"hey\n");
    reply.assert_status(30);
    assert_eq!(text(&server, "Uploaded"), "hey\n");
}
