//! Phoebe's URLs after the move (SPEC §9, issue 14): answered as themselves where the meaning
//! is the same, by `31` where it differs, and `/<space>/…` only for spaces this wiki holds.

use crate::support::TestServer;

fn answer(server: &TestServer, path: &str) -> (u8, String) {
    let reply = server.get(path);
    (reply.status, reply.meta)
}

#[test]
fn phoebe_urls_whose_meaning_differs_redirect_permanently() {
    let server = TestServer::start();
    let table = [
        ("/do/rss", "/do/atom"),
        ("/do/all/changes", "/do/changes"),
        ("/do/all/atom", "/do/atom"),
        ("/do/match?wel%20come", "/do/search?wel%20come"),
        ("/do/match", "/do/search"),
        ("/diff/Welcome", "/diff/Welcome/1"),
    ];
    for (path, target) in table {
        assert_eq!(answer(&server, path), (31, target.to_string()), "{path}");
    }
}

#[test]
fn phoebe_urls_with_the_same_meaning_answer_directly() {
    let server = TestServer::start();
    for path in [
        "/page/Welcome",
        "/raw/Welcome",
        "/history/Welcome",
        "/page/Welcome/1",
        "/raw/Welcome/1",
        "/diff/Welcome/1",
        "/do/changes",
        "/do/atom",
        "/do/index",
    ] {
        assert_eq!(server.get(path).status, 20, "{path}");
    }
    assert_eq!(server.get("/do/search").status, 10);
}

#[test]
fn the_latest_diff_of_a_missing_page_is_not_found() {
    let server = TestServer::start();
    let (status, meta) = answer(&server, "/diff/Nope");
    assert_eq!(status, 51);
    assert_eq!(meta, "No page “Nope”, so no changes to show; see /do/index");
}

#[test]
fn space_urls_redirect_only_for_spaces_this_wiki_holds() {
    let server = TestServer::start_with(|c| c.wiki.phoebe_spaces = vec!["notes".into()]);
    let table = [
        ("/notes/page/Welcome", "/page/Welcome"),
        ("/notes/raw/Welcome/1", "/raw/Welcome/1"),
        ("/notes/history/Welcome", "/history/Welcome"),
        ("/notes/do/changes", "/do/changes"),
        ("/notes/do/search?a%20b", "/do/search?a%20b"),
        ("/notes/do/rss", "/do/rss"),
    ];
    for (path, target) in table {
        assert_eq!(answer(&server, path), (31, target.to_string()), "{path}");
    }
    assert_eq!(server.get("/other/page/Welcome").status, 51);
    assert_eq!(server.get("/notes/nothing").status, 51);

    let plain = TestServer::start();
    assert_eq!(plain.get("/notes/page/Welcome").status, 51);
}
