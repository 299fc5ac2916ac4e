//! Editing as Lagrange and amfora users do it (issue 12): Titan `;edit` URLs with the base
//! revision, uploads to the rendered page refused with the URL to use, `text/plain` keeping
//! a page's format, three-way merges and drafts, feeds with one entry per edit, and line
//! breaks typed into one-line prompts.

use gemwiki::wiki::model::{Author, NewRevision};
use gemwiki::wiki::{PageFormat, PageName};
use regex::Regex;

use crate::support::{register, Client, Reply, TestCert, TestServer};

fn with_editor() -> (TestServer, TestCert) {
    let server = TestServer::start();
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    (server, cert)
}

fn seed(server: &TestServer, page: &str, text: &str, format: PageFormat, now: i64) {
    server
        .store()
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

/// A Titan upload of `text` to `path` with `mime`, as Lagrange sends it.
fn send(server: &TestServer, cert: &TestCert, path: &str, mime: &str, text: &str) -> Reply {
    let url = server.titan_url(&format!("{path};mime={mime};size={}", text.len()));
    Client::new()
        .cert(cert)
        .titan(server.addr, &url, text.as_bytes())
}

fn raw(server: &TestServer, page: &str) -> Reply {
    server.get(&format!("/raw/{page}"))
}

fn gemini(server: &TestServer, path: &str) -> String {
    format!("gemini://localhost:{}{path}", server.addr.port())
}

#[test]
fn edit_with_a_revision_answers_that_revision_and_its_mime() {
    let (server, cert) = with_editor();
    seed(&server, "Md", "# One\n", PageFormat::Markdown, 1);
    seed(&server, "Md", "# Two\n", PageFormat::Markdown, 2);
    let old = Client::new()
        .cert(&cert)
        .send(server.addr, &server.titan_url("/raw/Md/1;edit"));
    old.assert_status(20);
    assert_eq!(old.meta, "text/markdown; charset=utf-8");
    assert_eq!(old.body, b"# One\n");
    let missing = Client::new()
        .cert(&cert)
        .send(server.addr, &server.titan_url("/raw/Md/9;edit"));
    missing.assert_status(51);
}

#[test]
fn every_page_footer_links_titan_edit_of_its_revision() {
    let server = TestServer::start();
    seed(&server, "Md", "# One\n", PageFormat::Markdown, 1);
    seed(&server, "Md", "# Two\n", PageFormat::Markdown, 2);
    let port = server.addr.port();
    let current = server.get("/page/Md").text();
    let line = format!("=> titan://localhost:{port}/raw/Md/2;edit Edit this page with Titan");
    assert!(current.lines().any(|l| l == line), "{current}");
    let old = server.get("/page/Md/1").text();
    let line = format!("=> titan://localhost:{port}/raw/Md/1;edit Edit from revision 1 with Titan");
    assert!(old.lines().any(|l| l == line), "{old}");
}

#[test]
fn uploads_to_the_rendered_page_are_refused_naming_the_raw_edit_url() {
    let (server, cert) = with_editor();
    seed(&server, "P", "kept\n", PageFormat::Gemtext, 1);
    let expected = format!(
        "Edit the page's source, not the rendered page: use titan://localhost:{}/raw/P;edit",
        server.addr.port()
    );
    for path in ["/page/P", "/page/P/1", "/do/edit/P"] {
        let reply = send(&server, &cert, path, "text/plain", "# P\n\nchrome\n");
        reply.assert_status(59);
        assert_eq!(reply.meta, expected, "{path}");
    }
    assert_eq!(raw(&server, "P").body, b"kept\n");
    assert_eq!(server.revisions("P"), 1);
}

#[test]
fn text_plain_keeps_markdown_and_is_gemtext_for_a_new_page() {
    let (server, cert) = with_editor();
    seed(&server, "Md", "# A\n", PageFormat::Markdown, 1);
    send(&server, &cert, "/raw/Md/1", "text/plain", "# A\n\n*b*\n").assert_status(30);
    let source = raw(&server, "Md");
    assert_eq!(source.meta, "text/markdown; charset=utf-8");
    assert_eq!(source.body, b"# A\n\n*b*\n");
    send(&server, &cert, "/raw/New", "text/plain", "# New\n").assert_status(30);
    assert_eq!(raw(&server, "New").meta, "text/gemini; charset=utf-8");
}

#[test]
fn an_upload_from_an_older_revision_merges_cleanly_and_says_so() {
    let (server, cert) = with_editor();
    seed(&server, "M", "one\ntwo\nthree\n", PageFormat::Gemtext, 1);
    seed(&server, "M", "ONE\ntwo\nthree\n", PageFormat::Gemtext, 2);
    let reply = send(
        &server,
        &cert,
        "/raw/M/1",
        "text/plain",
        "one\ntwo\nTHREE\n",
    );
    reply.assert_status(30);
    assert_eq!(reply.meta, gemini(&server, "/page/M"));
    assert_eq!(raw(&server, "M").body, b"ONE\ntwo\nTHREE\n");
    let page = server.get("/page/M").text();
    let said = page
        .lines()
        .find(|l| l.starts_with("Last changed "))
        .unwrap();
    assert!(said.ends_with(" by ada: merged with revision 2."), "{said}");
}

#[test]
fn overlapping_uploads_keep_both_texts_the_upload_as_a_draft() {
    let (server, cert) = with_editor();
    seed(&server, "C", "a\nb\nc\n", PageFormat::Gemtext, 1);
    seed(&server, "C", "a\ntheirs\nc\n", PageFormat::Gemtext, 2);
    let reply = send(&server, &cert, "/raw/C/1", "text/plain", "a\nmine\nc\n");
    reply.assert_status(30);
    let prefix = gemini(&server, "/do/draft/");
    let id = reply
        .meta
        .strip_prefix(&prefix)
        .expect("30 to the draft")
        .to_string();
    assert_eq!(
        raw(&server, "C").body,
        b"a\ntheirs\nc\n",
        "the other edit stays"
    );
    assert_eq!(server.revisions("C"), 2);

    let mine = server.get_as(&cert, &format!("/do/draft/{id}/raw"));
    mine.assert_status(20);
    assert_eq!(mine.body, b"a\nmine\nc\n", "the upload is kept exactly");
    let page = server.get_as(&cert, &format!("/do/draft/{id}"));
    page.assert_status(20);
    let text = page.text();
    let lines: Vec<&str> = text.lines().collect();
    let block = lines
        .iter()
        .position(|l| l.starts_with("```merged"))
        .unwrap();
    assert_eq!(
        lines[block + 1..block + 11],
        [
            "a",
            "<<<<<<< ours",
            "theirs",
            "||||||| original",
            "b",
            "=======",
            "mine",
            ">>>>>>> theirs",
            "c",
            "```"
        ]
    );
    let edit = format!(
        "=> titan://localhost:{}/raw/C/2;edit Edit revision 2 with Titan",
        server.addr.port()
    );
    assert!(lines.contains(&edit.as_str()), "{text}");
    // Unpublished text: another account may not read it; no certificate at all is a 60.
    let eve = TestCert::ec("eve");
    register(&server, &eve, "eve");
    server
        .get_as(&eve, &format!("/do/draft/{id}"))
        .assert_status(61);
    server.get(&format!("/do/draft/{id}")).assert_status(60);

    // Resolving: upload to the current revision's URL, which saves.
    send(&server, &cert, "/raw/C/2", "text/plain", "a\nboth\nc\n").assert_status(30);
    assert_eq!(raw(&server, "C").body, b"a\nboth\nc\n");
}

#[test]
fn feed_lines_parse_as_gemfeed_entries_one_per_edit() {
    let (server, cert) = with_editor();
    let feed = Regex::new(r"^=>\s*(\S+)\s+(\d{4}-[01]\d-[0-3]\d)(\D.*)").unwrap();
    send(&server, &cert, "/raw/Same", "text/plain", "one\n").assert_status(30);
    send(&server, &cert, "/raw/Same", "text/plain", "two\n").assert_status(30);
    let changes = server.get("/do/changes").text();
    let links: Vec<&str> = changes
        .lines()
        .filter(|l| l.starts_with("=> /page/"))
        .collect();
    let urls: Vec<&str> = links
        .iter()
        .map(|l| feed.captures(l).expect(l).get(1).unwrap().as_str())
        .collect();
    assert_eq!(urls[..2], ["/page/Same/2", "/page/Same/1"], "{changes}");
    let history = server.get("/history/Same").text();
    let dated: Vec<&str> = history
        .lines()
        .filter(|l| feed.is_match(l))
        .map(|l| feed.captures(l).unwrap().get(1).unwrap().as_str())
        .collect();
    assert_eq!(dated, ["/page/Same/2", "/page/Same/1"], "{history}");
}

#[test]
fn typed_backslash_n_makes_a_line_break_in_append_and_replace() {
    let (server, cert) = with_editor();
    seed(&server, "L", "start\n", PageFormat::Gemtext, 1);
    // amfora sends a typed `%` as %25, so `\n` is the way to a line break.
    server
        .act_as(
            &cert,
            "/do/edit/L",
            "/do/edit/L/append",
            Some("one%5Cntwo%20%5C%5Cn"),
        )
        .assert_status(30);
    assert_eq!(raw(&server, "L").body, b"start\n\none\ntwo \\n\n");
    let prompt = server.act_as(&cert, "/do/edit/L", "/do/edit/L/replace", None);
    prompt.assert_status(10);
    assert_eq!(
        prompt.meta,
        "Type the whole new text of “L”; \\n makes a line break. It now reads: \
         start\\n\\none\\ntwo \\\\n\\n"
    );
    server
        .act_as(
            &cert,
            "/do/edit/L",
            "/do/edit/L/replace",
            Some("%23%20L%5Cn%5Cnnew%5Cn"),
        )
        .assert_status(30);
    assert_eq!(raw(&server, "L").body, b"# L\n\nnew\n");
}

#[test]
fn new_page_names_with_outer_spaces_are_asked_again_with_the_reason() {
    let server = TestServer::start();
    for query in ["%20lead", "trail%20"] {
        let reply = server.get(&format!("/do/new?{query}"));
        reply.assert_status(10);
        assert_eq!(
            reply.meta,
            "a page name cannot start or end with a space. Name of the new page"
        );
    }
    assert_eq!(server.get("/do/new?lead").meta, "/do/edit/lead");
}
