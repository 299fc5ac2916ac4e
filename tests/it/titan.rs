//! Titan uploads (SPEC §4, issue 4) over real TLS: the check order before the body, tokens,
//! locks, MIME types and size limits, the body rules (UTF-8, CRLF, exact size), deletions,
//! files, `;edit` prefill, and parallel uploads to one page.

use gemwiki::wiki::model::{AccountState, Author, NewRevision, Role};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::{
    pending_and_suspended, register, register_as, Client, Reply, TestCert, TestServer,
};

fn name(text: &str) -> PageName {
    PageName::new(text).unwrap()
}

/// Uploads `body` to `path` + `params` (which should carry `;size=…`) presenting `cert`.
fn upload(server: &TestServer, cert: Option<&TestCert>, target: &str, body: &[u8]) -> Reply {
    let client = match cert {
        Some(cert) => Client::new().cert(cert),
        None => Client::new(),
    };
    client.titan(server.addr, &server.titan_url(target), body)
}

/// Uploads `text` as text/gemini to `/raw/<page>` with the right size.
fn put(server: &TestServer, cert: &TestCert, page: &str, text: &str) -> Reply {
    let target = format!("/raw/{page};size={}", text.len());
    upload(server, Some(cert), &target, text.as_bytes())
}

fn with_editor() -> (TestServer, TestCert) {
    let server = TestServer::start();
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    (server, cert)
}

fn page_url(server: &TestServer, kind: &str, page: &str) -> String {
    format!("gemini://localhost:{}/{kind}/{page}", server.addr.port())
}

#[test]
fn uploads_follow_the_identity_decision_order() {
    let server = TestServer::start();
    let (pending, suspended) = pending_and_suspended(&server);
    let target = "/raw/Welcome;size=3";
    upload(&server, None, target, b"abc").assert_status(60);
    let expired = upload(&server, Some(&TestCert::expired("old")), target, b"abc");
    expired.assert_status(62);
    assert!(expired.meta.contains("2001-01-01"), "{}", expired.meta);
    let stranger = upload(&server, Some(&TestCert::ec("who")), target, b"abc");
    stranger.assert_status(61);
    assert!(stranger.meta.contains("/do/register"), "{}", stranger.meta);
    let waiting = upload(&server, Some(&pending), target, b"abc");
    waiting.assert_status(61);
    assert!(waiting.meta.contains("approval"), "{}", waiting.meta);
    let barred = upload(&server, Some(&suspended), target, b"abc");
    barred.assert_status(61);
    assert!(barred.meta.contains("suspended"), "{}", barred.meta);
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn identity_is_checked_before_mime_and_size() {
    let server = TestServer::start();
    // Both the MIME type and the missing size are wrong, but identity comes first.
    upload(&server, None, "/raw/Welcome;mime=image/png", b"").assert_status(60);
}

#[test]
fn parameters_come_in_any_order() {
    let (server, cert) = with_editor();
    let text = "# Order\n\nany\n";
    let n = text.len();
    for (i, target) in [
        format!("/raw/Order;size={n};mime=text/gemini"),
        format!("/raw/Order;mime=text/gemini;size={}", n + 1),
        format!("/raw/Order;foo;size={};mime=text/plain", n + 2),
    ]
    .iter()
    .enumerate()
    {
        let body = format!("{text}{}", "!".repeat(i));
        let reply = upload(&server, Some(&cert), target, body.as_bytes());
        reply.assert_status(30);
        assert_eq!(reply.meta, page_url(&server, "page", "Order"));
    }
    assert_eq!(server.revisions("Order"), 3);
    let history = server.get("/history/Order").text();
    assert_eq!(history.matches("by ada").count(), 3, "{history}");
}

#[test]
fn an_upload_without_size_is_59() {
    let (server, cert) = with_editor();
    let reply = upload(&server, Some(&cert), "/raw/Welcome;mime=text/gemini", b"");
    reply.assert_status(59);
    assert!(reply.meta.contains("size="), "{}", reply.meta);
}

#[test]
fn bad_names_and_paths_are_59() {
    let (server, cert) = with_editor();
    upload(&server, Some(&cert), "/raw/%20lead;size=1", b"x").assert_status(59);
    upload(&server, Some(&cert), "/history/Welcome;size=1", b"x").assert_status(59);
}

#[test]
fn an_oversized_upload_is_refused_yet_the_client_reads_the_59() {
    // Drains are bounded by the larger of the two limits; raise the file limit so that a
    // body bigger than the socket buffers (a few MiB on loopback) is still drained. Without
    // the drain this client's write fails with a reset before it can read the answer.
    let server = TestServer::start_with(|c| c.wiki.uploads.max_file_size = 16 << 20);
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let body = vec![b'a'; 8 << 20];
    let target = format!("/raw/Big;size={}", body.len());
    let reply = upload(&server, Some(&cert), &target, &body);
    reply.assert_status(59);
    assert!(reply.meta.contains("102400 bytes"), "{}", reply.meta);
    assert!(reply.clean_close);
    assert_eq!(server.revisions("Big"), 0);
}

#[test]
fn a_mime_type_not_allowed_is_59() {
    let (server, cert) = with_editor();
    let reply = upload(
        &server,
        Some(&cert),
        "/raw/Pic;mime=image/png;size=3",
        b"PNG",
    );
    reply.assert_status(59);
    assert!(reply.meta.contains("image/png"), "{}", reply.meta);
}

#[test]
fn markdown_is_stored_as_markdown_and_served_raw_byte_exact() {
    let (server, cert) = with_editor();
    let text = "# Title\n\nSome *emphasis* and a [link](gemini://example.org/).\n";
    let target = format!("/raw/Notes;mime=text/markdown;size={}", text.len());
    upload(&server, Some(&cert), &target, text.as_bytes()).assert_status(30);
    let raw = server.get("/raw/Notes");
    raw.assert_status(20);
    assert_eq!(raw.meta, "text/markdown; charset=utf-8");
    assert_eq!(raw.body, text.as_bytes());
    let page = server.get("/page/Notes").text();
    assert!(page.contains("=> gemini://example.org/"), "{page}");
}

#[test]
fn an_allowed_binary_type_becomes_a_file_served_with_its_mime() {
    let server = TestServer::start_with(|c| c.wiki.uploads.mime_types = vec!["image/png".into()]);
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let data = b"\x89PNG\r\n\x1a\n\xff\x00binary";
    let target = format!("/raw/logo.png;size={};mime=image/png", data.len());
    let reply = upload(&server, Some(&cert), &target, data);
    reply.assert_status(30);
    assert_eq!(reply.meta, page_url(&server, "file", "logo.png"));
    let file = server.get("/file/logo.png");
    file.assert_status(20);
    assert_eq!(file.meta, "image/png");
    assert_eq!(file.body, data);
}

#[test]
fn files_have_their_own_size_limit() {
    let server = TestServer::start_with(|c| {
        c.wiki.uploads.mime_types = vec!["image/png".into()];
        c.wiki.uploads.max_file_size = 10;
    });
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let reply = upload(
        &server,
        Some(&cert),
        "/raw/a.png;mime=image/png;size=11",
        &[0; 11],
    );
    reply.assert_status(59);
    assert!(reply.meta.contains("10 bytes"), "{}", reply.meta);
}

#[test]
fn text_that_is_not_utf8_is_59() {
    let (server, cert) = with_editor();
    let reply = upload(&server, Some(&cert), "/raw/Bytes;size=4", b"ab\xffc");
    reply.assert_status(59);
    assert!(reply.meta.contains("UTF-8"), "{}", reply.meta);
    assert_eq!(server.revisions("Bytes"), 0);
}

#[test]
fn crlf_line_endings_are_stored_as_lf() {
    let (server, cert) = with_editor();
    put(&server, &cert, "Lines", "# Lines\r\n\r\none\r\ntwo\r\n").assert_status(30);
    assert_eq!(server.get("/raw/Lines").text(), "# Lines\n\none\ntwo\n");
}

#[test]
fn a_body_longer_than_its_size_is_59() {
    let (server, cert) = with_editor();
    let reply = upload(&server, Some(&cert), "/raw/Over;size=3", b"abcdef");
    reply.assert_status(59);
    assert_eq!(server.revisions("Over"), 0);
}

#[test]
fn identical_content_redirects_without_a_new_revision() {
    let (server, cert) = with_editor();
    put(&server, &cert, "Same", "# Same\n").assert_status(30);
    let again = put(&server, &cert, "Same", "# Same\r\n");
    again.assert_status(30);
    assert_eq!(again.meta, page_url(&server, "page", "Same"));
    assert_eq!(server.revisions("Same"), 1);
}

#[test]
fn an_empty_text_upload_deletes_the_page() {
    let (server, cert) = with_editor();
    put(&server, &cert, "Gone", "# Gone\n").assert_status(30);
    let reply = upload(&server, Some(&cert), "/raw/Gone;size=0", b"");
    reply.assert_status(30);
    assert_eq!(reply.meta, page_url(&server, "history", "Gone"));
    server.get("/page/Gone").assert_status(51);
    let history = server.get("/history/Gone").text();
    let deletion = history
        .lines()
        .find(|l| l.starts_with("=> /diff/Gone/2 "))
        .unwrap_or_else(|| panic!("{history}"));
    assert!(
        deletion.contains(" Revision 2, ") && deletion.ends_with(" bytes: deleted the page"),
        "{deletion}"
    );
    // Deleting it again changes nothing; a page that never existed is 51.
    upload(
        &server,
        Some(&cert),
        "/raw/Gone;mime=text/plain;size=0",
        b"",
    )
    .assert_status(30);
    assert_eq!(server.revisions("Gone"), 2);
    upload(&server, Some(&cert), "/raw/Never;size=0", b"").assert_status(51);
}

#[test]
fn an_empty_binary_upload_is_59_nothing_to_upload() {
    let server = TestServer::start_with(|c| {
        c.wiki.uploads.mime_types = vec!["application/octet-stream".into()];
    });
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let target = "/raw/Welcome;mime=application/octet-stream;size=0";
    let reply = upload(&server, Some(&cert), target, b"");
    reply.assert_status(59);
    assert!(reply.meta.contains("Nothing to upload"), "{}", reply.meta);
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn edit_parameter_returns_the_current_source() {
    let (server, cert) = with_editor();
    let text = "# Draft\n\n*mark*\n";
    let target = format!("/raw/Draft;mime=text/markdown;size={}", text.len());
    upload(&server, Some(&cert), &target, text.as_bytes()).assert_status(30);
    let reply = upload(&server, Some(&cert), "/raw/Draft;edit", b"");
    reply.assert_status(20);
    assert_eq!(reply.meta, "text/markdown; charset=utf-8");
    assert_eq!(reply.body, text.as_bytes());
    upload(&server, Some(&cert), "/raw/Missing;edit", b"").assert_status(51);
    upload(&server, None, "/raw/Draft;edit", b"").assert_status(60);
}

#[test]
fn a_token_lets_an_anonymous_edit_through() {
    let server = TestServer::start_with(|c| c.wiki.tokens = vec!["s3cret".into()]);
    let reply = upload(&server, None, "/raw/Open;token=s3cret;size=5", b"hello");
    reply.assert_status(30);
    // A certificate that is not registered does not stop a valid token either.
    let stranger = TestCert::ec("stranger");
    upload(
        &server,
        Some(&stranger),
        "/raw/Open;size=6;token=s3cret",
        b"hello!",
    )
    .assert_status(30);
    let history = server.get("/history/Open").text();
    assert_eq!(history.matches("by anonymous").count(), 2, "{history}");
}

#[test]
fn a_wrong_token_is_59_but_never_blocks_a_registered_certificate() {
    let server = TestServer::start_with(|c| c.wiki.tokens = vec!["s3cret".into()]);
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let wrong = upload(&server, None, "/raw/Welcome;token=guess;size=2", b"hi");
    wrong.assert_status(59);
    assert!(wrong.meta.contains("token"), "{}", wrong.meta);
    upload(&server, Some(&cert), "/raw/Mine;size=2", b"hi").assert_status(30);
    upload(&server, Some(&cert), "/raw/Mine;size=3;token=guess", b"hi!").assert_status(30);
    let history = server.get("/history/Mine").text();
    assert_eq!(history.matches("by ada").count(), 2, "{history}");
    assert_eq!(server.revisions("Welcome"), 1);
}

#[test]
fn a_token_is_refused_when_none_are_configured() {
    let server = TestServer::start();
    upload(&server, None, "/raw/Welcome;token=anything;size=2", b"hi").assert_status(59);
}

#[test]
fn locked_pages_refuse_editors_and_tokens_but_not_admins() {
    let server = TestServer::start_with(|c| c.wiki.tokens = vec!["s3cret".into()]);
    let editor = TestCert::ec("ed");
    let admin = TestCert::ec("root");
    register(&server, &editor, "ed");
    register_as(&server, &admin, "root", Role::Admin, AccountState::Active);
    server.store().set_locked(&name("Welcome"), true).unwrap();
    let refused = put(&server, &editor, "Welcome", "vandalism");
    refused.assert_status(61);
    assert!(refused.meta.contains("locked"), "{}", refused.meta);
    upload(&server, None, "/raw/Welcome;token=s3cret;size=1", b"x").assert_status(61);
    put(&server, &admin, "Welcome", "# Welcome\n\nCurated.\n").assert_status(30);
    assert_eq!(server.revisions("Welcome"), 2);
}

#[test]
fn uploads_count_against_the_edit_rate() {
    let server = TestServer::start_with(|c| c.wiki.limits.edits_per_minute = 1);
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    put(&server, &cert, "Rate", "one").assert_status(30);
    put(&server, &cert, "Rate", "two").assert_status(44);
    assert_eq!(server.revisions("Rate"), 1);
}

#[test]
fn twenty_parallel_uploads_to_one_page_all_become_revisions() {
    let (server, cert) = with_editor();
    seed(&server);
    let before = server.revisions("Busy");
    std::thread::scope(|scope| {
        let uploads: Vec<_> = (0..20)
            .map(|i| {
                let (server, cert) = (&server, &cert);
                scope.spawn(move || put(server, cert, "Busy", &format!("# Busy\n\nversion {i}\n")))
            })
            .collect();
        for handle in uploads {
            handle.join().unwrap().assert_status(30);
        }
    });
    assert_eq!(server.revisions("Busy"), before + 20);
    let history = server.store().history(&name("Busy"), 0, 100).unwrap();
    let numbers: Vec<u32> = history.iter().map(|r| r.number).collect();
    assert_eq!(numbers, (1..=before + 20).rev().collect::<Vec<_>>());
}

fn seed(server: &TestServer) {
    let busy = name("Busy");
    server
        .store()
        .save_revision(NewRevision {
            name: &busy,
            text: "# Busy\n",
            format: PageFormat::Gemtext,
            author: Author::System,
            comment: None,
            now: 1_700_000_000,
        })
        .unwrap();
}
