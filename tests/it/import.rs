//! Moving in and out (SPEC §9, issue 14): the Phoebe 4.08 fixture imported and read back
//! over Gemini revision by revision, idempotence and growth, spaces, a backup taken during a
//! stream of Titan edits, and export → import round trips, all against a running server.

use std::path::{Path, PathBuf};

use gemwiki::cli::ImportCommand;
use gemwiki::commands;
use gemwiki::store::Store;
use gemwiki::wiki::PageName;
use sha2::{Digest, Sha256};

use crate::support::{register, Client, TestCert, TestServer};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/phoebe-wiki")
}

fn expectations() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/phoebe-wiki.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn import(store: &Store, command: ImportCommand) -> String {
    let mut out = Vec::new();
    commands::import(store, command, &mut out).expect("import");
    String::from_utf8(out).unwrap()
}

fn phoebe(dir: &Path, space: Option<&str>) -> ImportCommand {
    ImportCommand::Phoebe {
        dir: dir.to_owned(),
        space: space.map(str::to_owned),
        dry_run: false,
    }
}

/// A server holding the fixture's space `space` (main when `None`), and the import report.
fn imported(space: Option<&str>) -> (TestServer, String) {
    let mut report = String::new();
    let server = TestServer::start_prepared(
        |_| {},
        |store| {
            report = import(store, phoebe(&fixture(), space));
        },
    );
    (server, report)
}

fn encoded(name: &str) -> String {
    PageName::new(name).unwrap().encoded()
}

/// Checks every page of expectation space `key` over Gemini: text revisions by sha256, in
/// order, with deletions (as `51` revisions) placed by time, and each revision's time.
fn assert_space_matches(server: &TestServer, key: &str) {
    let expected = expectations();
    let pages = expected["spaces"][key]["pages"].as_object().unwrap();
    for (name, page) in pages {
        let times = expected["revision_times"][key][name].as_array().unwrap();
        let hashes = page["revisions"].as_array().unwrap();
        let mut sequence: Vec<(i64, Option<&str>)> = times
            .iter()
            .zip(hashes)
            .map(|(t, h)| (t.as_i64().unwrap(), h.as_str()))
            .collect();
        let deletions = expected["deletions"][key].get(name.as_str());
        for time in deletions.and_then(|d| d.as_array()).into_iter().flatten() {
            sequence.push((time.as_i64().unwrap(), None));
        }
        sequence.sort_by_key(|(time, _)| *time);
        assert_eq!(server.revisions(name), sequence.len() as u32, "{name}");
        let page_name = PageName::new(name).unwrap();
        for (number, (time, hash)) in (1..).zip(&sequence) {
            let raw = server.get(&format!("/raw/{}/{number}", encoded(name)));
            match hash {
                Some(hash) => {
                    raw.assert_status(20);
                    assert_eq!(&sha256(&raw.body), hash, "{name} revision {number}");
                }
                None => {
                    raw.assert_status(51);
                }
            }
            let stored = server
                .store()
                .revision(&page_name, number)
                .unwrap()
                .unwrap();
            assert_eq!(
                (stored.created, stored.deleted),
                (*time, hash.is_none()),
                "{name} {number}"
            );
            assert!(stored.author.starts_with("phoebe-"), "{}", stored.author);
        }
        let live = server.get(&format!("/page/{}", encoded(name))).status;
        assert_eq!(live == 51, page["deleted"].as_bool().unwrap(), "{name}");
    }
}

#[test]
fn the_phoebe_fixture_imports_exactly_as_its_expectation_says() {
    let (server, report) = imported(None);
    let first_line = report.lines().next().unwrap();
    assert_eq!(
        first_line,
        "imported: 8 pages, 22 revisions (2 deletions), 1 files; 0 already up to date"
    );
    assert!(report.lines().any(|l| l == "space not imported: notes (import it with --space notes into its own data directory)"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("note: file \"logo.png\": Phoebe kept only the last upload")),
        "{report}"
    );
    assert_space_matches(&server, "");
    let expected = expectations();
    let logo = &expected["spaces"][""]["files"]["logo.png"];
    let file = server.get("/file/logo.png");
    file.assert_status(20);
    assert_eq!(file.meta, logo["mime"].as_str().unwrap());
    assert_eq!(sha256(&file.body), logo["sha256"].as_str().unwrap());
    let phoenix = server.get("/history/Phoenix").text();
    assert!(phoenix.contains("phoebe-6515"), "{phoenix}");
    assert_eq!(
        server.store().page_names(0, 100).unwrap().len(),
        7,
        "no starter pages added"
    );

    let again = import(server.store(), phoebe(&fixture(), None));
    assert_eq!(
        again.lines().next().unwrap(),
        "imported: 0 pages, 0 revisions (0 deletions), 0 files; 9 already up to date"
    );
    assert_space_matches(&server, "");
}

#[test]
fn a_space_imports_on_its_own() {
    let (server, report) = imported(Some("notes"));
    assert_eq!(
        report,
        "imported: 2 pages, 5 revisions (0 deletions), 0 files; 0 already up to date\n"
    );
    assert_space_matches(&server, "notes");
    let mut out = Vec::new();
    let missing = commands::import(server.store(), phoebe(&fixture(), Some("nope")), &mut out);
    assert_eq!(
        missing.unwrap_err().to_string(),
        format!(
            "{} has no space \"nope\"; it has: notes",
            fixture().display()
        )
    );
}

#[test]
fn a_dry_run_writes_nothing_and_a_grown_phoebe_adds_only_its_new_revisions() {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), copy.path());
    let server = TestServer::start();
    let dry = ImportCommand::Phoebe {
        dir: copy.path().into(),
        space: None,
        dry_run: true,
    };
    let report = import(server.store(), dry);
    assert!(report.starts_with("would import: 7 pages"), "{report}");
    assert!(
        report.contains("skipped: page \"Welcome\": this wiki's page has a history of its own (its revision 1 differs)"),
        "{report}"
    );
    assert_eq!(server.revisions("Café"), 0);

    import(server.store(), phoebe(copy.path(), None));
    // Phoebe saves Café once more: the old text moves to keep/, the log gains a line.
    let root = copy.path();
    std::fs::rename(root.join("page/Café.gmi"), root.join("keep/Café/2.gmi")).unwrap();
    std::fs::write(root.join("page/Café.gmi"), "# Café\nNew hours.\n").unwrap();
    let mut log = std::fs::read(root.join("changes.log")).unwrap();
    log.extend("1796160000\u{1f}Café\u{1f}3\u{1f}4242\n".as_bytes());
    std::fs::write(root.join("changes.log"), log).unwrap();
    let grown = import(server.store(), phoebe(root, None));
    assert!(
        grown.starts_with(
            "imported: 1 pages, 1 revisions (0 deletions), 0 files; 7 already up to date"
        ),
        "{grown}"
    );
    let raw = server.get(&format!("/raw/{}/3", encoded("Café")));
    assert_eq!(raw.body, b"# Caf\xc3\xa9\nNew hours.\n");
    let current = server
        .store()
        .page(&PageName::new("Café").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        (current.current.created, current.current.author.as_str()),
        (1_796_160_000, "phoebe-4242")
    );
}

#[test]
fn a_backup_during_titan_edits_passes_its_check_and_holds_every_acknowledged_edit() {
    let server = TestServer::start();
    let cert = TestCert::ec("ada");
    register(&server, &cert, "ada");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let acknowledged = std::sync::Mutex::new(0u32);
    let dest = server.data_dir().join("backup.sqlite");
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for i in 1..=200u32 {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let text = format!("edit {i}\n");
                let url = server.titan_url(&format!("/raw/Busy;size={}", text.len()));
                let reply = Client::new()
                    .cert(&cert)
                    .titan(server.addr, &url, text.as_bytes());
                reply.assert_status(30);
                *acknowledged.lock().unwrap() = i;
            }
        });
        while *acknowledged.lock().unwrap() < 5 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let before = *acknowledged.lock().unwrap();
        let mut out = Vec::new();
        commands::backup(server.store(), &dest, &mut out).unwrap();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("backed up to {} (integrity check: ok)\n", dest.display())
        );
        let copy = Store::open(&dest).unwrap();
        let busy = PageName::new("Busy").unwrap();
        let revisions = copy.page(&busy).unwrap().unwrap().revisions;
        assert!(
            revisions >= before,
            "the copy has {revisions} of {before} acknowledged edits"
        );
        for number in 1..=revisions {
            let text = copy.revision(&busy, number).unwrap().unwrap().text;
            assert_eq!(text, format!("edit {number}\n"));
        }
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn export_then_import_round_trips_while_serving() {
    let (source, _) = imported(None);
    let first = tempfile::tempdir().unwrap();
    let out_dir = first.path().join("export");
    let mut out = Vec::new();
    commands::export(source.store(), &out_dir, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("exported 7 pages and 1 files to {}\n", out_dir.display())
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let phoenix = manifest["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Phoenix")
        .unwrap();
    assert_eq!(phoenix["file"], "pages/Phoenix.gmi");
    let numbers: Vec<_> = phoenix["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_u64().unwrap(),
                r["deleted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(numbers, [(1, false), (2, true), (3, false), (4, false)]);

    let mut report = String::new();
    let target = TestServer::start_prepared(
        |_| {},
        |store| {
            report = import(
                store,
                ImportCommand::Export {
                    dir: out_dir.clone(),
                    dry_run: false,
                },
            );
        },
    );
    assert_eq!(
        report,
        "imported: 7 pages, 7 revisions (0 deletions), 1 files; 0 already up to date\n"
    );
    for name in source.store().page_names(0, 100).unwrap() {
        let path = format!("/raw/{}", name.encoded());
        assert_eq!(target.get(&path).body, source.get(&path).body, "{name}");
    }
    assert_eq!(
        target.get("/file/logo.png").body,
        source.get("/file/logo.png").body
    );
    let again = import(
        target.store(),
        ImportCommand::Export {
            dir: out_dir.clone(),
            dry_run: false,
        },
    );
    assert_eq!(
        again,
        "imported: 0 pages, 0 revisions (0 deletions), 0 files; 8 already up to date\n"
    );

    let second = first.path().join("again");
    commands::export(target.store(), &second, &mut Vec::new()).unwrap();
    for entry in manifest["pages"]
        .as_array()
        .unwrap()
        .iter()
        .chain(manifest["files"].as_array().unwrap())
    {
        let file = entry["file"].as_str().unwrap();
        assert_eq!(
            std::fs::read(second.join(file)).unwrap(),
            std::fs::read(out_dir.join(file)).unwrap(),
            "{file}"
        );
    }
    let refused = commands::export(target.store(), &second, &mut Vec::new());
    assert!(refused
        .unwrap_err()
        .to_string()
        .ends_with("is not empty; export into a new directory"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
