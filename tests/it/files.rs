//! Issue 16, uploaded files in the indexes: `/do/files` lists them by name, with their type,
//! size, version and uploader, one link line each; every upload is a recent change (Gemini,
//! Atom, the web view) among the page edits, newest first.

use gemwiki::capsule::handlers::format_day;
use gemwiki::wiki::model::{Author, NewRevision, Role};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::{register, Client, TestCert, TestServer};
use crate::web::client::{get, Via};

#[test]
fn uploaded_files_are_listed_one_line_each() {
    let server = TestServer::start();
    let id = register(&server, &TestCert::ec("ada"), "ada");
    let store = server.store();
    let name = |n: &str| PageName::new(n).unwrap();
    let ada = Author::Account(id);
    store
        .save_file(&name("logo.png"), "image/png", b"one", ada, 1_700_000_000)
        .unwrap();
    store
        .save_file(
            &name("logo.png"),
            "image/png",
            b"second",
            ada,
            1_700_000_600,
        )
        .unwrap();
    store
        .save_file(
            &name("a map.pdf"),
            "application/pdf",
            b"%PDF",
            Author::Anonymous,
            1_700_003_600,
        )
        .unwrap();
    let reply = server.get("/do/files");
    reply.assert_status(20);
    assert_eq!(
        reply.text().lines().collect::<Vec<_>>(),
        [
            "# Uploaded files",
            "",
            "=> /file/a%20map.pdf a map.pdf (application/pdf, 4 bytes; 2023-11-14 23:13 UTC by anonymous)",
            "=> /file/logo.png logo.png (image/png, 6 bytes, version 2; 2023-11-14 22:23 UTC by ada)",
            "",
            "=> / Home",
        ]
    );
}

#[test]
fn without_uploads_the_list_says_so() {
    let server = TestServer::start();
    let reply = server.get("/do/files");
    reply.assert_status(20);
    assert_eq!(
        reply.text().lines().collect::<Vec<_>>(),
        [
            "# Uploaded files",
            "",
            "No files have been uploaded yet.",
            "",
            "=> / Home"
        ]
    );
}

/// Uploads `data` as `image/png` to `/raw/<file>` over Titan presenting `cert`, and returns
/// when the stored version was created.
fn upload_png(server: &TestServer, cert: &TestCert, file: &str, data: &[u8]) -> i64 {
    let target = format!("/raw/{file};size={};mime=image/png", data.len());
    Client::new()
        .cert(cert)
        .titan(server.addr, &server.titan_url(&target), data)
        .assert_status(30);
    let stored = server.store().file(&PageName::new(file).unwrap());
    stored.unwrap().expect("uploaded").created
}

/// A server taking PNG uploads (with the web view when `web`), an editor "ada" and her
/// certificate, two uploads of `logo.png` (10 then 6 bytes) and page edits around them:
/// `Before` just after the starter pages, `After` far in the future. Returns the server, the
/// certificate and the two uploads' times.
fn uploads_among_edits(web: bool) -> (TestServer, TestCert, i64, i64) {
    let png = |c: &mut gemwiki::config::Config| {
        c.wiki.uploads.mime_types = vec!["image/png".into()];
    };
    let server = if web {
        TestServer::start_with(|c| {
            png(c);
            c.server.web.listen = vec!["127.0.0.1:0".parse().unwrap()];
        })
    } else {
        TestServer::start_with(png)
    };
    let cert = TestCert::ec("ada");
    let ada = Author::Account(register(&server, &cert, "ada"));
    let save = |page: &str, now| {
        let name = PageName::new(page).unwrap();
        let rev = NewRevision {
            name: &name,
            text: "text\n",
            format: PageFormat::Gemtext,
            author: ada,
            comment: None,
            now,
        };
        server.store().save_revision(rev).unwrap();
    };
    save("Before", 1_700_000_100);
    let first = upload_png(&server, &cert, "logo.png", b"\x89PNG first");
    let second = upload_png(&server, &cert, "logo.png", b"\x89PNG22");
    save("After", 4_000_000_000);
    (server, cert, first, second)
}

#[test]
fn uploads_are_recent_changes_in_order_among_page_edits() {
    let (server, _cert, first, second) = uploads_among_edits(false);
    let text = server.get("/do/changes").assert_status(20).text();
    let entries = [
        (
            4_000_000_000,
            "=> /page/After/1 {day} After — ada".to_string(),
        ),
        (
            second,
            "=> /file/logo.png/2 {day} logo.png — ada: uploaded image/png, 6 bytes, version 2"
                .into(),
        ),
        (
            first,
            "=> /file/logo.png/1 {day} logo.png — ada: uploaded image/png, 10 bytes".into(),
        ),
        (1_700_000_100, "=> /page/Before/1 {day} Before — ada".into()),
    ];
    // The lines a reader sees, under one heading per day, before the starter pages' day.
    let mut expected = vec!["# gemwiki: recent changes".to_string(), String::new()];
    expected.push("=> /do/atom Atom feed".into());
    let mut last_day = String::new();
    for (at, line) in entries {
        let day = format_day(at);
        if day != last_day {
            expected.extend([String::new(), format!("## {day}"), String::new()]);
            last_day.clone_from(&day);
        }
        expected.push(line.replace("{day}", &day));
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..expected.len()], expected, "{text}");
    assert!(
        lines[expected.len()..]
            .iter()
            .all(|l| !l.contains("logo.png")),
        "each upload once: {text}"
    );
}

#[test]
fn uploads_are_atom_entries_linking_the_file() {
    let (server, _cert, first, second) = uploads_among_edits(false);
    let xml = server.get("/do/atom").assert_status(20).text();
    let feed: atom_syndication::Feed = xml.parse().expect("valid Atom");
    let file_url = |version: u32| server.url(&format!("/file/logo.png/{version}"));
    let entries: Vec<_> = feed
        .entries()
        .iter()
        .map(|e| {
            (
                e.title().value.clone(),
                e.id().to_string(),
                e.links()[0].href().to_string(),
                e.updated().timestamp(),
                e.authors()[0].name().to_string(),
                e.summary().map(|s| s.value.clone()),
            )
        })
        .collect();
    let upload = |version: u32, at: i64, summary: &str| {
        (
            format!("logo.png (uploaded, version {version})"),
            file_url(version),
            file_url(version),
            at,
            "ada".to_string(),
            Some(summary.to_string()),
        )
    };
    assert_eq!(
        entries[1..3],
        [
            upload(2, second, "uploaded image/png, 6 bytes, version 2"),
            upload(1, first, "uploaded image/png, 10 bytes"),
        ],
        "{xml}"
    );
    assert_eq!(entries[0].0, "After (edited, revision 1)");
    assert_eq!(entries[3].0, "Before (edited, revision 1)");
}

#[test]
fn the_web_changes_page_lists_uploads() {
    let (server, _cert, _, _) = uploads_among_edits(true);
    let via = Via::Tls(server.web_https.expect("https listener"));
    let page = get(via, "/do/changes");
    assert_eq!(page.status, 200);
    let text = page.text();
    let items: Vec<&str> = text.lines().filter(|l| l.starts_with("<li>")).collect();
    assert_eq!(
        items[..4],
        [
            "<li><a href=\"&#x2f;page&#x2f;After&#x2f;1\">After</a> — ada</li>",
            "<li><a href=\"&#x2f;file&#x2f;logo.png&#x2f;2\">logo.png</a> — ada: uploaded image&#x2f;png, 6 bytes, version 2</li>",
            "<li><a href=\"&#x2f;file&#x2f;logo.png&#x2f;1\">logo.png</a> — ada: uploaded image&#x2f;png, 10 bytes</li>",
            "<li><a href=\"&#x2f;page&#x2f;Before&#x2f;1\">Before</a> — ada</li>",
        ],
        "{text}"
    );
    let feed = get(via, "/do/atom").text();
    let port = server.web_https.unwrap().port();
    let feed: atom_syndication::Feed = feed.parse().expect("valid Atom");
    let second = &feed.entries()[1];
    assert_eq!(
        (second.title().value.as_str(), second.links()[0].href()),
        (
            "logo.png (uploaded, version 2)",
            format!("https://localhost:{port}/file/logo.png/2").as_str()
        )
    );
}

#[test]
fn the_admin_page_lists_pages_only() {
    let (server, cert, _, _) = uploads_among_edits(false);
    let store = server.store();
    let ada = store.account_by_name("ada").unwrap().expect("ada");
    store.set_account_role(ada.id, Role::Admin).unwrap();
    let text = server.get_as(&cert, "/do/admin").assert_status(20).text();
    let section = text
        .split("## Recently changed pages")
        .nth(1)
        .and_then(|rest| rest.split("## Any page").next())
        .expect("the pages section");
    let pages: Vec<&str> = section.lines().filter(|l| l.starts_with("* ")).collect();
    assert_eq!(
        pages[..2],
        [
            "* After: revision 1 by ada, 2096-10-02 07:06 UTC",
            "* Before: revision 1 by ada, 2023-11-14 22:15 UTC",
        ],
        "uploads have no page tools: {text}"
    );
    assert!(pages.iter().all(|l| !l.contains("logo.png")), "{text}");
}

/// Each upload keeps its own URL (the lists of changes link there), on Gemini and the web.
#[test]
fn every_uploaded_version_has_its_own_url() {
    let (server, _cert, _, _) = uploads_among_edits(true);
    let current = server.get("/file/logo.png");
    current.assert_status(20);
    assert_eq!(current.meta, "image/png");
    assert_eq!(current.body, b"\x89PNG22");
    assert_eq!(server.get("/file/logo.png/1").body, b"\x89PNG first");
    assert_eq!(server.get("/file/logo.png/2").body, b"\x89PNG22");
    let missing = server.get("/file/logo.png/3");
    missing.assert_status(51);
    assert_eq!(
        missing.meta,
        "“logo.png” has no version 3; the current one is /file/logo.png"
    );
    server.get("/file/logo.png/0").assert_status(59);

    let via = Via::Tls(server.web_https.expect("https listener"));
    let first = get(via, "/file/logo.png/1");
    assert_eq!(first.status, 200);
    assert_eq!(first.body, b"\x89PNG first");
    assert_eq!(get(via, "/file/logo.png/3").status, 404);
}
