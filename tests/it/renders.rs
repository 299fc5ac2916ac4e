//! Golden renders (issue 12): whole bodies of every page kind compared line by line with what
//! a reader must see — one entry per line, bodies exactly as stored (blank lines and trailing
//! spaces in preformatted blocks kept), links that lead somewhere.

use gemwiki::store::Store;
use gemwiki::wiki::model::{Author, NewRevision};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::{register, TestCert, TestServer};

/// 2023-11-14 22:13:20 UTC.
const T0: i64 = 1_700_000_000;

const ART: &str = "# Art\n\n```\n /\\  \n\n\n \\/ \n```\ntrailing  \n";

fn save(store: &Store, page: &str, text: &str, format: PageFormat, now: i64) {
    store
        .save_revision(NewRevision {
            name: &PageName::new(page).unwrap(),
            text,
            format,
            author: Author::System,
            comment: None,
            now,
        })
        .unwrap();
}

/// A small wiki with fixed times, so every render is known to the byte.
fn wiki() -> TestServer {
    TestServer::start_prepared(
        |_| {},
        |store| {
            let welcome = "# Welcome\n\nHello.\n=> Art The art page\n=> ../raw/Art Its source\n";
            save(store, "Welcome", welcome, PageFormat::Gemtext, T0);
            save(store, "Art", "# Art\n", PageFormat::Gemtext, T0 + 60);
            save(store, "Art", ART, PageFormat::Gemtext, T0 + 120);
            save(store, "Gone", "bye\n", PageFormat::Gemtext, T0 + 180);
            store
                .delete_page(&PageName::new("Gone").unwrap(), Author::System, T0 + 240)
                .unwrap();
        },
    )
}

fn body(server: &TestServer, path: &str) -> Vec<String> {
    let reply = server.get(path);
    reply.assert_status(20);
    reply.text().lines().map(str::to_string).collect()
}

fn assert_lines(actual: &[String], expected: &[&str]) {
    assert_eq!(actual, expected, "\n{}", actual.join("\n"));
}

#[test]
fn home() {
    let server = wiki();
    assert_lines(
        &body(&server, "/"),
        &[
            "# Welcome",
            "",
            "Hello.",
            "=> /page/Art The art page",
            "=> /raw/Art Its source",
            "",
            "=> /do/edit/Welcome Edit this page",
            "=> /history/Welcome History",
            "",
            "## gemwiki",
            "=> /do/changes Recent changes",
            "=> /do/index All pages",
            "=> /do/files Uploaded files",
            "=> /do/search Search",
            "=> /do/new Create a page",
            "=> /do/account Your account (needs a client certificate)",
            "=> /do/register Register with a client certificate",
        ],
    );
}

#[test]
fn page_keeps_preformatted_blank_lines_and_trailing_spaces() {
    let server = wiki();
    let port = server.addr.port();
    let titan = format!("=> titan://localhost:{port}/raw/Art/2;edit Edit this page with Titan");
    assert_lines(
        &body(&server, "/page/Art"),
        &[
            "# Art",
            "",
            "```",
            " /\\  ",
            "",
            "",
            " \\/ ",
            "```",
            "trailing  ",
            "",
            "──────────",
            "=> /do/edit/Art Edit this page",
            &titan,
            "=> /history/Art History (2 revisions)",
            "=> /raw/Art Source",
            "Last changed 2023-11-14 22:15 UTC by system.",
            "=> / Home",
        ],
    );
}

/// Issue 16: a locked page offers no edit link (it would only answer 61), and says why.
#[test]
fn locked_page_says_so_instead_of_offering_edit_links() {
    let server = wiki();
    let name = gemwiki::wiki::PageName::new("Art").unwrap();
    assert!(server.store().set_locked(&name, true).unwrap());
    let lines = body(&server, "/page/Art");
    let footer = lines.iter().position(|l| l == "──────────").unwrap();
    assert_lines(
        &lines[footer..],
        &[
            "──────────",
            "This page is locked: only admins may edit it.",
            "=> /history/Art History (2 revisions)",
            "=> /raw/Art Source",
            "Last changed 2023-11-14 22:15 UTC by system · locked.",
            "=> / Home",
        ],
    );
}

#[test]
fn old_revision() {
    let server = wiki();
    let port = server.addr.port();
    let titan =
        format!("=> titan://localhost:{port}/raw/Art/1;edit Edit from revision 1 with Titan");
    assert_lines(
        &body(&server, "/page/Art/1"),
        &[
            "> You are reading revision 1 of Art, from 2023-11-14 22:14 UTC. It is not the current text.",
            "=> /page/Art Read the current version",
            "",
            "# Art",
            "",
            "──────────",
            "=> /history/Art History",
            "=> /diff/Art/1 What changed in revision 1",
            "=> /raw/Art/1 Source of revision 1",
            &titan,
            "=> / Home",
        ],
    );
}

#[test]
fn history_of_a_live_and_of_a_deleted_page() {
    let server = wiki();
    assert_lines(
        &body(&server, "/history/Art"),
        &[
            "# History of Art",
            "",
            "=> /page/Art Current version",
            "",
            "=> /page/Art/2 2023-11-14 Revision 2, 22:15 UTC, by system, +33 bytes",
            "=> /diff/Art/2 Changes in revision 2",
            "=> /page/Art/1 2023-11-14 Revision 1, 22:14 UTC, by system, +6 bytes",
            "=> /diff/Art/1 Changes in revision 1",
            "",
            "=> / Home",
        ],
    );
    assert_lines(
        &body(&server, "/history/Gone"),
        &[
            "# History of Gone",
            "",
            "This page was deleted; its earlier revisions stay readable here.",
            "",
            "=> /diff/Gone/2 2023-11-14 Revision 2, 22:17 UTC, by system, -4 bytes: deleted the page",
            "=> /page/Gone/1 2023-11-14 Revision 1, 22:16 UTC, by system, +4 bytes",
            "=> /diff/Gone/1 Changes in revision 1",
            "",
            "=> / Home",
        ],
    );
    body(&server, "/page/Gone/1");
}

#[test]
fn diff_of_revision_one_and_of_a_preformatted_block() {
    let server = wiki();
    assert_lines(
        &body(&server, "/diff/Art/1"),
        &[
            "# Changes to Art in revision 1",
            "",
            "(new page) → 2023-11-14 22:14 UTC, by system.",
            "",
            "```diff of revision 0 to revision 1",
            "@@ -0,0 +1 @@",
            "+# Art",
            "```",
            "",
            "=> /page/Art/1 Read revision 1",
            "=> /history/Art History",
        ],
    );
    assert_lines(
        &body(&server, "/diff/Art/2"),
        &[
            "# Changes to Art in revision 2",
            "",
            "2023-11-14 22:14 UTC → 2023-11-14 22:15 UTC, by system.",
            "",
            "```diff of revision 1 to revision 2",
            "@@ -1 +1,9 @@",
            " # Art",
            "+",
            "+```",
            "+ /\\  ",
            "+",
            "+",
            "+ \\/ ",
            "+```",
            "+trailing  ",
            "```",
            "",
            "=> /page/Art/2 Read revision 2",
            "=> /page/Art/1 Read revision 1",
            "=> /history/Art History",
        ],
    );
}

#[test]
fn index() {
    let server = wiki();
    assert_lines(
        &body(&server, "/do/index"),
        &[
            "# All pages",
            "",
            "2 pages.",
            "",
            "=> /page/Art Art",
            "=> /page/Welcome Welcome",
            "",
            "=> / Home",
        ],
    );
}

#[test]
fn changes_with_several_entries_on_one_day() {
    let server = wiki();
    assert_lines(
        &body(&server, "/do/changes"),
        &[
            "# gemwiki: recent changes",
            "",
            "=> /do/atom Atom feed",
            "",
            "## 2023-11-14",
            "",
            "=> /diff/Gone/2 2023-11-14 Gone — system: deleted the page",
            "=> /page/Gone/1 2023-11-14 Gone — system",
            "=> /page/Art/2 2023-11-14 Art — system",
            "=> /page/Art/1 2023-11-14 Art — system",
            "=> /page/Welcome/1 2023-11-14 Welcome — system",
            "",
            "=> / Home",
        ],
    );
}

#[test]
fn search() {
    let server = wiki();
    assert_lines(
        &body(&server, "/do/search?hello"),
        &[
            "# Search: hello",
            "",
            "=> /page/Welcome Welcome",
            "> Welcome Hello. => Art The art page => ../raw/Art Its source",
            "",
            "=> /do/search Search again",
            "=> /do/new Create a page",
            "=> / Home",
        ],
    );
}

#[test]
fn edit_menu() {
    let server = wiki();
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let reply = server.get_as(&cert, "/do/edit/Art");
    reply.assert_status(20);
    let lines: Vec<String> = reply.text().lines().map(str::to_string).collect();
    let port = server.addr.port();
    let titan = format!("=> titan://localhost:{port}/raw/Art/2;edit Edit Art with Titan");
    // The Titan section; the action links below it carry tokens (another change).
    assert_lines(
        &lines[..7],
        &[
            "# Edit Art",
            "",
            "Current revision 2: 39 bytes of gemtext.",
            "",
            "## With a Titan client",
            "Titan clients such as Lagrange open this link with the text filled in; edit it and send it back:",
            &titan,
        ],
    );
}
