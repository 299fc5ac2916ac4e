//! The administrative commands (`gemwiki fingerprint`, `page …`, `account …`) against a
//! store a running server shares, so their changes take effect at once.

use gemwiki::cli::{AccountCommand, PageCommand};
use gemwiki::commands;

use crate::support::{TestCert, TestServer};

fn run_page(server: &TestServer, command: PageCommand) -> String {
    let mut out = Vec::new();
    commands::page(server.store(), command, &mut out).expect("page command");
    String::from_utf8(out).unwrap()
}

#[test]
fn fingerprint_prints_the_sha256_of_the_certificate() {
    let server = TestServer::start();
    let cert = TestCert::ec("cli");
    let pem = server.data_dir().join("cli.pem");
    cert.write_pem(&pem);
    let mut out = Vec::new();
    commands::fingerprint(&pem, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{}\n", cert.fingerprint())
    );
    let missing = commands::fingerprint(&server.data_dir().join("none.pem"), &mut Vec::new());
    assert!(missing.is_err());
}

#[test]
fn page_import_list_lock_delete_and_restore() {
    let server = TestServer::start();
    let dir = server.data_dir();
    std::fs::write(dir.join("Imported notes.md"), "# Notes\r\n\r\n*hello*\r\n").unwrap();
    std::fs::write(dir.join("Plain.gmi"), "# Plain\n").unwrap();
    let files = vec![dir.join("Imported notes.md"), dir.join("Plain.gmi")];
    let out = run_page(&server, PageCommand::Import { files });
    assert!(
        out.contains("imported Imported notes (revision 1)"),
        "{out}"
    );
    let raw = server.get("/raw/Imported%20notes");
    assert_eq!(raw.meta, "text/markdown; charset=utf-8");
    assert_eq!(raw.body, b"# Notes\n\n*hello*\n");

    let list = run_page(&server, PageCommand::List);
    assert_eq!(
        list,
        "How to edit\t1 revision\tunlocked\n\
         How to register\t1 revision\tunlocked\n\
         Imported notes\t1 revision\tunlocked\n\
         Plain\t1 revision\tunlocked\n\
         Welcome\t1 revision\tunlocked\n"
    );

    run_page(
        &server,
        PageCommand::Lock {
            name: "Plain".into(),
        },
    );
    assert!(server.get("/page/Plain").text().contains("locked"));
    run_page(
        &server,
        PageCommand::Unlock {
            name: "Plain".into(),
        },
    );

    run_page(
        &server,
        PageCommand::Delete {
            name: "Plain".into(),
        },
    );
    server.get("/page/Plain").assert_status(51);
    let restored = run_page(
        &server,
        PageCommand::Restore {
            name: "Plain".into(),
            revision: 1,
        },
    );
    assert!(restored.contains("revision 3"), "{restored}");
    server.get("/page/Plain").assert_status(20);

    let unknown = commands::page(
        server.store(),
        PageCommand::Lock {
            name: "Nope".into(),
        },
        &mut Vec::new(),
    );
    assert!(unknown.unwrap_err().to_string().contains("Nope"));
}

#[test]
fn account_commands_take_effect_on_the_running_server() {
    let server = TestServer::start();
    let cert = TestCert::ec("cli-user");
    server.get_as(&cert, "/do/account").assert_status(61);
    let mut out = Vec::new();
    let add = AccountCommand::AddCert {
        name: "carol".into(),
        fingerprint: format!("SHA256:{}", cert.fingerprint().to_hex().to_uppercase()),
    };
    commands::account(server.store(), add, &mut out).unwrap();
    server.get_as(&cert, "/do/account").assert_status(20);
    commands::account(
        server.store(),
        AccountCommand::Suspend {
            name: "Carol".into(),
        },
        &mut out,
    )
    .unwrap();
    server.get_as(&cert, "/do/edit/X").assert_status(61);
    commands::account(
        server.store(),
        AccountCommand::Approve {
            name: "carol".into(),
        },
        &mut out,
    )
    .unwrap();
    assert_ne!(server.get_as(&cert, "/do/edit/X").status, 61);
    commands::account(
        server.store(),
        AccountCommand::Promote {
            name: "carol".into(),
        },
        &mut out,
    )
    .unwrap();
    server.get_as(&cert, "/do/admin").assert_status(20);
    let mut listed = Vec::new();
    commands::account(server.store(), AccountCommand::List, &mut listed).unwrap();
    let carol = server.store().account_by_name("carol").unwrap().unwrap();
    let used = server.store().certificates(carol.id).unwrap()[0].last_used;
    let used = gemwiki::capsule::handlers::format_time(used.expect("carol used her certificate"));
    assert_eq!(
        String::from_utf8(listed).unwrap(),
        format!("carol\tadmin\tactive\t1 certificate\tlast used {used}\n")
    );
    let bad = AccountCommand::AddCert {
        name: "dave".into(),
        fingerprint: "xyz".into(),
    };
    assert!(commands::account(server.store(), bad, &mut Vec::new()).is_err());
}
