//! A real browser: headless Chromium loads pages from the plain-HTTP listener; the DOM it
//! builds is checked (title, headings, links, `<pre>` text byte-exact) and screenshots are
//! saved (`target/web-page.png`, `target/web-page-dark.png`). Skipped, saying so, where
//! Chromium is missing or cannot run.

use std::path::{Path, PathBuf};
use std::process::Command;

use gemwiki::wiki::model::{Author, NewRevision};
use gemwiki::wiki::{PageFormat, PageName};

use crate::support::TestServer;

const PAGE: &str = "# Browser test\nA paragraph with <angle> & ampersand.\n=> /page/Welcome Go home\n=> gemini://far.example/ Far away\n```diagram\n  +--+\n  |<>|  tabs\tand  spaces\n  +--+\n```\n> A quote\n* An item\n";

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let found = Command::new("which").arg(name).output().ok()?;
            found
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
        })
}

fn run_chromium(binary: &Path, profile: &Path, extra: &[&str], url: &str) -> Option<String> {
    let output = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn headless_chromium_renders_a_page_as_written() {
    let Some(binary) = chromium() else {
        println!(
            "SKIPPED: no Chromium found (apt-get install chromium); the browser test did not run"
        );
        return;
    };
    let server = TestServer::start_web();
    let name = PageName::new("Browser test").unwrap();
    let revision = NewRevision {
        name: &name,
        text: PAGE,
        format: PageFormat::Gemtext,
        author: Author::System,
        comment: None,
        now: 1_700_000_000,
    };
    server.store().save_revision(revision).expect("save");
    let url = format!(
        "http://127.0.0.1:{}/page/Browser%20test",
        server.web_plain.unwrap().port()
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let Some(dom) = run_chromium(&binary, profile.path(), &["--dump-dom"], &url) else {
        println!(
            "SKIPPED: {} could not run here; the browser test did not run",
            binary.display()
        );
        return;
    };
    assert!(dom.contains("<title>Browser test</title>"), "{dom}");
    assert!(dom.contains("<h1>Browser test</h1>"), "{dom}");
    assert!(
        dom.contains("<p>A paragraph with &lt;angle&gt; &amp; ampersand.</p>"),
        "{dom}"
    );
    assert!(
        dom.contains("<li><a href=\"/page/Welcome\">Go home</a></li>"),
        "{dom}"
    );
    assert!(
        dom.contains("<li><a href=\"gemini://far.example/\">Far away</a></li>"),
        "{dom}"
    );
    assert!(
        dom.contains(
            "<pre aria-label=\"diagram\">  +--+\n  |&lt;&gt;|  tabs\tand  spaces\n  +--+</pre>"
        ),
        "{dom}"
    );
    assert!(
        dom.contains("<blockquote>\n<p>A quote</p>\n</blockquote>"),
        "{dom}"
    );
    assert!(!dom.contains("<script"), "no JavaScript: {dom}");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&target).expect("target dir");
    for (file, extra) in [
        ("web-page.png", None),
        ("web-page-dark.png", Some("--force-dark-mode")),
    ] {
        let shot = format!("--screenshot={}", target.join(file).display());
        let mut args = vec![shot.as_str(), "--window-size=900,1200", "--hide-scrollbars"];
        args.extend(extra);
        let _ = run_chromium(&binary, profile.path(), &args, &url);
        assert!(target.join(file).is_file(), "Chromium wrote {file}");
    }
}
