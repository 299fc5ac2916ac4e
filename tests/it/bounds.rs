//! Issue 11 on the wire: a busy database answers a quick, named `40`; a diff of two large
//! revisions with nothing in common is a prompt summary and does not hold up other readers.

use std::time::{Duration, Instant};

use gemwiki::wiki::model::{Author, NewRevision};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::{register, Client, TestCert, TestServer};

fn put(server: &TestServer, cert: &TestCert, page: &str, text: &str) -> (u8, String) {
    let url = server.titan_url(&format!("/raw/{page};size={}", text.len()));
    let reply = Client::new()
        .cert(cert)
        .titan(server.addr, &url, text.as_bytes());
    (reply.status, reply.meta)
}

#[test]
fn an_edit_while_another_process_holds_the_write_lock_gets_a_quick_busy_40() {
    let server = TestServer::start();
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let outside = rusqlite::Connection::open(server.data_dir().join("gemwiki.sqlite")).unwrap();
    outside.execute_batch("BEGIN IMMEDIATE").unwrap();
    for _ in 0..3 {
        let started = Instant::now();
        let reply = put(&server, &cert, "Busy", "text\n");
        assert_eq!(
            reply,
            (
                40,
                "The wiki is busy, try again in a few seconds".to_owned()
            )
        );
        // Generous: the writer waits at most half a second; it waited 5 s per queued edit.
        assert!(started.elapsed() < Duration::from_secs(3));
    }
    outside.execute_batch("COMMIT").unwrap();
    let reply = put(&server, &cert, "Busy", "text\n");
    assert_eq!(reply.0, 30, "{reply:?}");
    assert_eq!(server.revisions("Busy"), 1);
}

/// `n` distinct lines tagged `tag`: two calls with different tags share no line.
fn distinct_lines(tag: &str, n: usize) -> String {
    (0..n).map(|i| format!("{tag}{i}\n")).collect()
}

#[test]
fn a_diff_with_nothing_in_common_is_a_prompt_summary() {
    let server = TestServer::start();
    let name = PageName::new("Rewritten").unwrap();
    for (text, now) in [
        (distinct_lines("o", 16_000), 1),
        (distinct_lines("n", 16_000), 2),
    ] {
        let rev = NewRevision {
            name: &name,
            text: &text,
            format: PageFormat::Gemtext,
            author: Author::Anonymous,
            comment: None,
            now,
        };
        server.store().save_revision(rev).unwrap();
    }
    let slow = std::thread::scope(|scope| {
        let diff = scope.spawn(|| server.get("/diff/Rewritten/2"));
        // Other readers are served while the diff runs.
        let started = Instant::now();
        server.get("/page/Welcome").assert_status(20);
        assert!(started.elapsed() < Duration::from_secs(2));
        diff.join().unwrap()
    });
    let text = slow.assert_status(20).text();
    let lines: Vec<&str> = text.lines().collect();
    let summary = "Revision 2 replaced about 16,000 lines with about 16,000 lines; \
                   the change is too large to show line by line.";
    assert_eq!(
        lines[..5],
        [
            "# Changes to Rewritten in revision 2",
            "",
            lines[2],
            "",
            summary
        ]
    );
}
