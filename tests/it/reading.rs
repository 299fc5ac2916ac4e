//! Every reading route over real TLS on a seeded wiki (SPEC §3, §5): pages, old revisions,
//! raw source, history, diffs, index, recent changes, search, Atom, new-page prompt.

use gemwiki::wiki::model::{Author, NewRevision, SaveOutcome};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::TestServer;

fn save(server: &TestServer, name: &str, text: &str, format: PageFormat, now: i64) -> u32 {
    let name = PageName::new(name).unwrap();
    let outcome = server
        .store()
        .save_revision(NewRevision {
            name: &name,
            text,
            format,
            author: Author::System,
            comment: None,
            now,
        })
        .unwrap();
    match outcome {
        SaveOutcome::Created(n) | SaveOutcome::Unchanged(n) => n,
    }
}

#[test]
fn home_shows_the_main_page_and_the_menu() {
    let server = TestServer::start();
    let text = server.get("/").assert_status(20).text();
    assert!(text.starts_with("# Welcome"), "{text}");
    for link in [
        "=> /do/changes",
        "=> /do/index",
        "=> /do/search",
        "=> /do/new",
        "=> /do/register",
    ] {
        assert!(text.contains(link), "missing {link}: {text}");
    }
}

#[test]
fn page_is_rendered_with_title_and_footer() {
    let server = TestServer::start();
    save(
        &server,
        "Plain page",
        "Just text.\n",
        PageFormat::Gemtext,
        1_700_000_100,
    );
    let reply = server.get("/page/Plain%20page");
    reply.assert_status(20);
    assert_eq!(reply.meta, "text/gemini; charset=utf-8");
    let text = reply.text();
    assert!(text.starts_with("# Plain page\n\nJust text.\n"), "{text}");
    assert!(
        text.contains("=> /history/Plain%20page History (1 revision)"),
        "{text}"
    );
    assert!(text.contains("=> /raw/Plain%20page Source"), "{text}");
    assert!(
        text.contains("=> /do/edit/Plain%20page Edit this page"),
        "{text}"
    );
    assert!(text.contains("2023-11-14 22:15 UTC by system"), "{text}");
    assert!(!text.contains('\r'), "LF line endings only");
}

#[test]
fn unicode_names_work_in_every_form() {
    let server = TestServer::start();
    save(
        &server,
        "Grüße 日本",
        "Hallo.\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    let encoded = "/page/Gr%C3%BC%C3%9Fe%20%E6%97%A5%E6%9C%AC";
    assert!(server
        .get(encoded)
        .assert_status(20)
        .text()
        .contains("Hallo."));
    // NFD spelling of ü reaches the same page.
    server
        .get("/page/Gru%CC%88%C3%9Fe%20%E6%97%A5%E6%9C%AC")
        .assert_status(20);
    let index = server.get("/do/index").assert_status(20).text();
    assert!(
        index.contains(&format!("=> {encoded} Grüße 日本")),
        "{index}"
    );
}

#[test]
fn missing_page_revision_and_invalid_name_get_clear_statuses() {
    let server = TestServer::start();
    let missing = server.get("/page/Nope");
    missing.assert_status(51);
    assert!(missing.meta.contains("/do/edit/Nope"), "{}", missing.meta);
    let rev = server.get("/page/Welcome/99");
    rev.assert_status(51);
    assert!(rev.meta.contains("revision 99"), "{}", rev.meta);
    server.get("/raw/Welcome/99").assert_status(51);
    server.get("/diff/Welcome/99").assert_status(51);
    server.get("/history/Nope").assert_status(51);
    let bad = server.get("/page/%20lead");
    bad.assert_status(59);
    assert!(bad.meta.contains("space"), "{}", bad.meta);
    server.get("/page/a%2Fb").assert_status(59);
    server.get("/page/Welcome/x").assert_status(59);
}

#[test]
fn old_revisions_are_marked_and_raw_is_byte_exact() {
    let server = TestServer::start();
    save(
        &server,
        "Doc",
        "first version\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    save(
        &server,
        "Doc",
        "# Doc\nsecond  version\twith tabs\n",
        PageFormat::Gemtext,
        1_700_000_500,
    );
    let old = server.get("/page/Doc/1").assert_status(20).text();
    assert!(old.contains("revision 1 of Doc"), "{old}");
    assert!(old.contains("first version"));
    assert!(old.contains("=> /page/Doc Read the current version"));
    let current = server.get("/page/Doc").assert_status(20).text();
    assert!(
        current.starts_with("# Doc\nsecond"),
        "no second title added: {current}"
    );
    let raw = server.get("/raw/Doc");
    raw.assert_status(20);
    assert_eq!(raw.meta, "text/gemini; charset=utf-8");
    assert_eq!(raw.body, b"# Doc\nsecond  version\twith tabs\n");
    assert_eq!(server.get("/raw/Doc/1").body, b"first version\n");
}

#[test]
fn markdown_pages_render_as_gemtext_and_raw_stays_markdown() {
    let server = TestServer::start();
    let md = "# Notes\n\nSee [the docs](https://example.org/docs) and **bold**.\n";
    save(&server, "Notes", md, PageFormat::Markdown, 1_700_000_000);
    let text = server.get("/page/Notes").assert_status(20).text();
    assert!(text.contains("See the docs and bold."), "{text}");
    assert!(
        text.contains("=> https://example.org/docs the docs"),
        "{text}"
    );
    let raw = server.get("/raw/Notes");
    assert_eq!(raw.meta, "text/markdown; charset=utf-8");
    assert_eq!(raw.body, md.as_bytes());
}

#[test]
fn history_lists_revisions_newest_first_with_authors_and_sizes() {
    let server = TestServer::start();
    save(&server, "H", "aaaa\n", PageFormat::Gemtext, 1_700_000_000);
    save(
        &server,
        "H",
        "aaaa\nbb\n",
        PageFormat::Gemtext,
        1_700_086_400,
    );
    let text = server.get("/history/H").assert_status(20).text();
    let entries: Vec<&str> = text.lines().filter(|l| l.starts_with("=> /")).collect();
    assert_eq!(
        entries[1..5],
        [
            "=> /page/H/2 2023-11-15 Revision 2, 22:13 UTC, by system, +3 bytes",
            "=> /diff/H/2 Changes in revision 2",
            "=> /page/H/1 2023-11-14 Revision 1, 22:13 UTC, by system, +5 bytes",
            "=> /diff/H/1 Changes in revision 1",
        ],
        "newest first, revision 1 with its diff: {text}"
    );
}

#[test]
fn history_is_paged() {
    let server = TestServer::start();
    for i in 0..55 {
        save(
            &server,
            "Busy",
            &format!("version {i}\n"),
            PageFormat::Gemtext,
            1_700_000_000 + i,
        );
    }
    let first = server.get("/history/Busy").assert_status(20).text();
    assert!(
        first.contains(" Revision 55, ") && !first.contains(" Revision 5, "),
        "{first}"
    );
    assert!(
        first.contains("=> /history/Busy?page=2 Older revisions"),
        "{first}"
    );
    let second = server.get("/history/Busy?page=2").assert_status(20).text();
    assert!(
        second.contains(" Revision 1, ") && second.contains(" Revision 5, "),
        "{second}"
    );
    assert!(
        second.contains("=> /history/Busy Newer revisions"),
        "{second}"
    );
}

#[test]
fn diff_shows_the_line_changes_in_a_preformatted_block() {
    let server = TestServer::start();
    save(
        &server,
        "D",
        "one\ntwo\nthree\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    save(
        &server,
        "D",
        "one\n2\nthree\n```\n",
        PageFormat::Gemtext,
        1_700_000_100,
    );
    let text = server.get("/diff/D/2").assert_status(20).text();
    assert!(text.contains("```diff"), "{text}");
    assert!(text.contains("\n-two\n+2\n"), "{text}");
    assert!(
        text.contains("\n+```\n"),
        "a ``` line inside the diff must not close the block: {text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("```")).count(),
        2,
        "{text}"
    );
    let first = server.get("/diff/D/1").assert_status(20).text();
    assert!(first.contains("+one"), "{first}");
}

#[test]
fn index_is_alphabetical_and_paged() {
    let server = TestServer::start();
    for i in 0..60 {
        save(
            &server,
            &format!("page {i:03}"),
            "x\n",
            PageFormat::Gemtext,
            1_700_000_000,
        );
    }
    let first = server.get("/do/index").assert_status(20).text();
    assert!(first.contains("63 pages, page 1 of 2"), "{first}");
    let a = first.find("page 000").unwrap();
    let b = first.find("page 001").unwrap();
    assert!(a < b);
    assert!(first.contains("=> /do/index?page=2 Next page"));
    let second = server.get("/do/index?page=2").assert_status(20).text();
    assert!(second.contains("Welcome"), "{second}");
    assert!(!second.contains("page 000"));
}

#[test]
fn deleted_pages_leave_the_index_but_keep_their_history() {
    let server = TestServer::start();
    save(&server, "Gone", "bye\n", PageFormat::Gemtext, 1_700_000_000);
    let name = PageName::new("Gone").unwrap();
    server
        .store()
        .delete_page(&name, Author::System, 1_700_000_100)
        .unwrap();
    let reply = server.get("/page/Gone");
    reply.assert_status(51);
    assert!(reply.meta.contains("deleted"), "{}", reply.meta);
    assert!(!server.get("/do/index").text().contains("Gone"));
    assert!(server
        .get("/history/Gone")
        .assert_status(20)
        .text()
        .contains("deleted the page"));
    server.get("/page/Gone/1").assert_status(20);
}

#[test]
fn recent_changes_are_grouped_by_day_as_gemfeed_lines() {
    let server = TestServer::start();
    save(&server, "Alpha", "a\n", PageFormat::Gemtext, 1_700_000_000);
    save(&server, "Beta", "b\n", PageFormat::Gemtext, 1_700_100_000);
    let text = server.get("/do/changes").assert_status(20).text();
    assert!(text.starts_with("# "), "a gemfeed needs a title: {text}");
    let day2 = text.find("## 2023-11-16").expect("newest day");
    let day1 = text.find("## 2023-11-14").expect("older day");
    assert!(day2 < day1, "{text}");
    let entries: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("=> /page/"))
        .collect();
    // The starter pages follow, seeded at start.
    assert_eq!(
        entries[..2],
        [
            "=> /page/Beta/1 2023-11-16 Beta — system",
            "=> /page/Alpha/1 2023-11-14 Alpha — system",
        ],
        "{text}"
    );
}

#[test]
fn atom_feed_is_valid_xml_with_entries() {
    let server = TestServer::start();
    save(&server, "Fed", "x\n", PageFormat::Gemtext, 1_700_000_000);
    let reply = server.get("/do/atom");
    reply.assert_status(20);
    assert!(
        reply.meta.starts_with("application/atom+xml"),
        "{}",
        reply.meta
    );
    let xml = reply.text();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut entries, mut root) = (0, None);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if root.is_none() {
                    root = Some(name.clone());
                }
                if name == "entry" {
                    entries += 1;
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(root.as_deref(), Some("feed"));
    assert_eq!(entries, 4, "three starter pages and Fed: {xml}");
    assert!(
        xml.contains(&format!(
            "gemini://localhost:{}/page/Fed/1",
            server.addr.port()
        )),
        "{xml}"
    );
}

#[test]
fn search_prompts_then_ranks_title_hits_first() {
    let server = TestServer::start();
    save(
        &server,
        "Gardening",
        "Tomatoes like sun.\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    save(
        &server,
        "Cooking",
        "Gardening gives you tomatoes for cooking.\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    server.get("/do/search").assert_status(10);
    let text = server.get("/do/search?gardening").assert_status(20).text();
    let title_hit = text.find("=> /page/Gardening").expect("title hit");
    let body_hit = text.find("=> /page/Cooking").expect("body hit");
    assert!(title_hit < body_hit, "{text}");
    assert!(text.contains("> "), "snippets shown as quotes: {text}");
}

#[test]
fn search_takes_plain_words_never_patterns_or_syntax() {
    let server = TestServer::start();
    save(
        &server,
        "Pattern",
        "axxb\n",
        PageFormat::Gemtext,
        1_700_000_000,
    );
    let text = server.get("/do/search?a.*b").assert_status(20).text();
    assert!(!text.contains("/page/Pattern"), "{text}");
    for input in [
        "%22",
        "*",
        "NEAR(a%20b)",
        "-foo",
        "a%20AND%20OR",
        "%22unclosed",
        "(",
        "col:val",
        "^x",
    ] {
        server.get(&format!("/do/search?{input}")).assert_status(20);
    }
    let multi = server
        .get("/do/search?tomato+xyzzy")
        .assert_status(20)
        .text();
    assert!(multi.contains("No page contains"), "{multi}");
}

#[test]
fn new_page_prompt_redirects_to_the_editor_or_asks_again() {
    let server = TestServer::start();
    server.get("/do/new").assert_status(10);
    let ok = server.get("/do/new?Fresh%20Page");
    ok.assert_status(30);
    assert_eq!(ok.meta, "/do/edit/Fresh%20Page");
    let bad = server.get("/do/new?a/b");
    bad.assert_status(10);
    assert!(bad.meta.contains('/'), "{}", bad.meta);
}

#[test]
fn files_are_served_with_their_mime_type() {
    let server = TestServer::start();
    let name = PageName::new("logo.png").unwrap();
    server
        .store()
        .save_file(
            &name,
            "image/png",
            b"\x89PNG\r\n",
            Author::System,
            1_700_000_000,
        )
        .unwrap();
    let reply = server.get("/file/logo.png");
    reply.assert_status(20);
    assert_eq!(reply.meta, "image/png");
    assert_eq!(reply.body, b"\x89PNG\r\n");
    server.get("/file/none.png").assert_status(51);
}

#[test]
fn template_override_in_the_data_dir_changes_the_chrome() {
    let server = TestServer::start_with(|config| {
        let dir = config.wiki.data_dir.join("templates");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("home.gmi"), "{{ body }}\nCustom menu\n").unwrap();
    });
    let text = server.get("/").assert_status(20).text();
    assert!(text.contains("Custom menu"), "{text}");
    assert!(!text.contains("=> /do/new"), "{text}");
}
