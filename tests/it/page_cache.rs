//! Issue 15's page cache on the wire: a cached `/page/<name>` answer is never served after
//! the page changed — at once after this server's own writes, and within the store's
//! staleness bound after a write by another process (the CLI) — and it follows the host the
//! request named.

use std::time::{Duration, Instant};

use gemwiki::store::{Store, OUTSIDE_STALENESS};
use gemwiki::wiki::model::Author;
use gemwiki::wiki::PageName;

use crate::support::{save_gemtext, Client, TestServer};

fn save(store: &Store, name: &str, text: &str) {
    save_gemtext(store, name, text, Author::System, 1_700_000_500);
}

fn first_lines(server: &TestServer, path: &str, n: usize) -> Vec<String> {
    let text = server.get(path).assert_status(20).text();
    text.lines().take(n).map(str::to_owned).collect()
}

#[test]
fn own_writes_are_seen_on_the_next_request() {
    let server = TestServer::start();
    save(server.store(), "Cached", "# Cached\n\nfirst\n");
    // Twice: the second answer comes from the cache.
    for _ in 0..2 {
        assert_eq!(
            first_lines(&server, "/page/Cached", 3),
            ["# Cached", "", "first"]
        );
    }
    save(server.store(), "Cached", "# Cached\n\nsecond\n");
    assert_eq!(
        first_lines(&server, "/page/Cached", 3),
        ["# Cached", "", "second"]
    );

    let name = PageName::new("Cached").unwrap();
    assert!(server.store().set_locked(&name, true).unwrap());
    let text = server.get("/page/Cached").assert_status(20).text();
    assert!(
        text.lines()
            .any(|l| l == "This page is locked: only admins may edit it."),
        "{text}"
    );
    server
        .store()
        .delete_page(&name, Author::System, 1_700_000_600)
        .unwrap();
    server.get("/page/Cached").assert_status(51);
}

#[test]
fn another_process_write_is_seen_within_the_staleness_bound() {
    let server = TestServer::start();
    save(server.store(), "Shared", "# Shared\n\nbefore\n");
    assert_eq!(
        first_lines(&server, "/page/Shared", 3),
        ["# Shared", "", "before"]
    );
    // The CLI's own handle on the same database file.
    let cli = Store::open(&server.data_dir().join("gemwiki.sqlite")).unwrap();
    save(&cli, "Shared", "# Shared\n\nafter\n");
    let written = Instant::now();
    // Bounded: the bound plus generous slack for a loaded test machine.
    let deadline = written + OUTSIDE_STALENESS + Duration::from_secs(3);
    let mut seen = first_lines(&server, "/page/Shared", 3);
    while seen[2] != "after" && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        seen = first_lines(&server, "/page/Shared", 3);
    }
    assert_eq!(seen, ["# Shared", "", "after"]);
}

#[test]
fn each_host_gets_its_own_titan_link() {
    let server = TestServer::start_with(|c| c.wiki.hostnames.push("127.0.0.1".into()));
    let titan_line = |host: &str| {
        let url = format!("gemini://{host}:{}/page/Welcome", server.addr.port());
        let text = Client::new()
            .send(server.addr, &url)
            .assert_status(20)
            .text();
        text.lines()
            .find(|l| l.ends_with(" Edit this page with Titan"))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no Titan link:\n{text}"))
    };
    let port = server.addr.port();
    for _ in 0..2 {
        assert_eq!(
            titan_line("localhost"),
            format!("=> titan://localhost:{port}/raw/Welcome/1;edit Edit this page with Titan")
        );
        assert_eq!(
            titan_line("127.0.0.1"),
            format!("=> titan://127.0.0.1:{port}/raw/Welcome/1;edit Edit this page with Titan")
        );
    }
}
