//! `/do/files` (issue 16): uploaded files appear in a list of their own, by name, with their
//! type, size, version and uploader, one link line each.

use gemwiki::wiki::model::Author;
use gemwiki::wiki::PageName;

use crate::support::{register, TestCert, TestServer};

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
