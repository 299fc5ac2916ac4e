//! Every web route over real TLS and plain HTTP: statuses, headers and the HTML a browser
//! gets, checked exactly where it matters; plus the Gemini side still answering on the port
//! it shares with HTTP.

use gemwiki::wiki::model::{Author, NewRevision};
use gemwiki::wiki::{PageFormat, PageName};

use super::client::{get, request, send_raw, Via};
use crate::support::TestServer;

const HTML: &str = "text/html; charset=utf-8";

fn save(server: &TestServer, name: &str, text: &str, format: PageFormat) {
    let name = PageName::new(name).expect("name");
    server
        .store()
        .save_revision(NewRevision {
            name: &name,
            text,
            format,
            author: Author::System,
            comment: Some("web test"),
            now: 1_700_000_100,
        })
        .expect("save");
}

fn https(server: &TestServer) -> Via {
    Via::Tls(server.web_https.expect("https listener"))
}

const GEMTEXT: &str = "# Sample <Page>\nA line & more.\n\n=> /page/Welcome Welcome\n=> gemini://localhost/do/index Index\n=> gemini://elsewhere.example/x Far\n=> javascript:alert(1) Trap\n```code <alt>\n  <b>x</b>\n\n```\n> quoted\n* one\n* two\n## Sub\n";

#[test]
fn a_page_renders_every_gemtext_line_type_escaped() {
    let server = TestServer::start_web();
    save(&server, "Sample", GEMTEXT, PageFormat::Gemtext);
    let reply = get(https(&server), "/page/Sample");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some(HTML));
    assert!(
        reply.text().contains("<title>Sample &lt;Page&gt;</title>"),
        "{}",
        reply.text()
    );
    let port = server.addr.port();
    let expected = "<article>
<h1>Sample &lt;Page&gt;</h1>
<p>A line &amp; more.</p>
<ul class=\"links\">
<li><a href=\"&#x2f;page&#x2f;Welcome\">Welcome</a></li>
<li><a href=\"&#x2f;do&#x2f;index\">Index</a></li>
<li><a href=\"gemini:&#x2f;&#x2f;elsewhere.example&#x2f;x\">Far</a></li>
<li>Trap</li>
</ul>
<pre aria-label=\"code &lt;alt&gt;\">
  &lt;b&gt;x&lt;&#x2f;b&gt;
</pre>
<blockquote>
<p>quoted</p>
</blockquote>
<ul>
<li>one</li>
<li>two</li>
</ul>
<h2>Sub</h2>
</article>";
    assert_eq!(reply.between("<article>", "</article>"), expected);
    assert!(reply.text().contains(&format!("<a class=\"gemini\" href=\"gemini:&#x2f;&#x2f;localhost:{port}&#x2f;page&#x2f;Sample\">Read or edit this on Gemini</a>")));
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    assert_eq!(
        reply.header("last-modified"),
        Some("Tue, 14 Nov 2023 22:15:00 GMT")
    );
    assert!(reply.header("etag").is_some_and(|t| t.starts_with('"')));
    assert!(reply
        .header("content-security-policy")
        .is_some_and(|c| c.starts_with("default-src 'none'")));
}

#[test]
fn markdown_pages_go_through_gemtext_to_html() {
    let server = TestServer::start_web();
    save(
        &server,
        "Md",
        "# Title\n\nSome *text* with a [link](https://example.org/).\n",
        PageFormat::Markdown,
    );
    let reply = get(https(&server), "/page/Md");
    assert_eq!(reply.status, 200);
    let article = reply.between("<article>", "</article>");
    assert!(article.contains("<h1>Title</h1>"), "{article}");
    assert!(
        article.contains("<a href=\"https:&#x2f;&#x2f;example.org&#x2f;\">"),
        "{article}"
    );
}

#[test]
fn a_page_name_with_markup_is_shown_as_text_everywhere() {
    let server = TestServer::start_web();
    let name = "<script>alert(1)";
    save(&server, name, "body\n", PageFormat::Gemtext);
    let encoded = PageName::new(name).unwrap().encoded();
    for path in [
        format!("/page/{encoded}"),
        format!("/history/{encoded}"),
        "/do/index".into(),
        "/do/changes".into(),
    ] {
        let reply = get(https(&server), &path);
        assert_eq!(reply.status, 200, "{path}");
        let text = reply.text();
        assert!(!text.contains("<script>"), "{path}: {text}");
        assert!(text.contains("&lt;script&gt;alert(1)"), "{path}: {text}");
    }
}

#[test]
fn a_matching_etag_or_date_gets_304_without_a_body() {
    let server = TestServer::start_web();
    let first = get(https(&server), "/page/Welcome");
    let etag = first.header("etag").expect("etag").to_string();
    let modified = first
        .header("last-modified")
        .expect("last-modified")
        .to_string();
    let again = request(
        https(&server),
        "GET",
        "/page/Welcome",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let by_date = request(
        https(&server),
        "GET",
        "/page/Welcome",
        &[("If-Modified-Since", &modified)],
    );
    assert_eq!(by_date.status, 304);
    let stale = request(
        https(&server),
        "GET",
        "/page/Welcome",
        &[("If-None-Match", "\"old\"")],
    );
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, first.body);
}

#[test]
fn missing_pages_are_404_deleted_410_and_old_revisions_stay() {
    let server = TestServer::start_web();
    assert_eq!(get(https(&server), "/page/Nowhere").status, 404);
    assert_eq!(get(https(&server), "/page/Welcome/99").status, 404);
    assert_eq!(get(https(&server), "/page/Welcome/0").status, 400);
    assert_eq!(get(https(&server), "/nothing/here").status, 404);
    save(&server, "Doomed", "soon gone\n", PageFormat::Gemtext);
    let name = PageName::new("Doomed").unwrap();
    server
        .store()
        .delete_page(&name, Author::System, 1_700_000_200)
        .expect("delete");
    let gone = get(https(&server), "/page/Doomed");
    assert_eq!(gone.status, 410);
    assert_eq!(gone.header("content-type"), Some(HTML));
    let old = get(https(&server), "/page/Doomed/1");
    assert_eq!(old.status, 200);
    assert!(old.text().contains("<p>soon gone</p>"));
    assert!(old.text().contains("You are reading revision 1 of Doomed"));
    assert_eq!(old.header("cache-control"), Some("public, max-age=86400"));
    assert_eq!(get(https(&server), "/history/Doomed").status, 200);
}

#[test]
fn head_has_the_headers_of_get_and_no_body() {
    let server = TestServer::start_web();
    let got = get(https(&server), "/page/Welcome");
    let head = request(https(&server), "HEAD", "/page/Welcome", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(got.body.len().to_string().as_str())
    );
    assert_eq!(head.header("etag"), got.header("etag"));
}

#[test]
fn history_and_diffs_are_noindex_and_show_the_change() {
    let server = TestServer::start_web();
    save(&server, "Notes", "one\ntwo\n", PageFormat::Gemtext);
    save(&server, "Notes", "one\n<three>\n", PageFormat::Gemtext);
    let history = get(https(&server), "/history/Notes");
    assert_eq!(history.status, 200);
    assert_eq!(history.header("x-robots-tag"), Some("noindex"));
    assert!(history
        .text()
        .contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(
        history
            .text()
            .contains("<h2><a href=\"&#x2f;page&#x2f;Notes&#x2f;2\">Revision 2</a></h2>"),
        "{}",
        history.text()
    );
    let diff = get(https(&server), "/diff/Notes/2");
    assert_eq!(diff.status, 200);
    assert_eq!(diff.header("x-robots-tag"), Some("noindex"));
    let pre = diff.between("<pre class=\"diff\"", "</pre>");
    assert!(pre.contains("\n-two\n+&lt;three&gt;"), "{pre}");
    assert_eq!(get(https(&server), "/diff/Notes/3").status, 404);
}

#[test]
fn lists_search_feed_robots_style_and_files() {
    let server = TestServer::start_web();
    save(&server, "Zebra crossing", "stripes\n", PageFormat::Gemtext);
    let index = get(https(&server), "/do/index");
    assert_eq!(index.status, 200);
    assert!(
        index
            .text()
            .contains("<li><a href=\"&#x2f;page&#x2f;Zebra%20crossing\">Zebra crossing</a></li>"),
        "{}",
        index.text()
    );
    let changes = get(https(&server), "/do/changes");
    assert!(changes.text().contains("<li><a href=\"&#x2f;page&#x2f;Zebra%20crossing&#x2f;1\">Zebra crossing</a> — system: web test</li>"), "{}", changes.text());
    let search = get(https(&server), "/do/search?q=stripes");
    assert_eq!(search.status, 200);
    assert_eq!(search.header("cache-control"), Some("no-cache"));
    assert!(
        search
            .text()
            .contains("<a href=\"&#x2f;page&#x2f;Zebra%20crossing\">Zebra crossing</a>"),
        "{}",
        search.text()
    );
    assert!(search.text().contains("value=\"stripes\""));
    let form = get(https(&server), "/do/search");
    assert!(form.text().contains("<form action=\"/do/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" value=\"\""));
    let atom = get(https(&server), "/do/atom");
    assert_eq!(
        atom.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let port = server.web_https.unwrap().port();
    assert!(
        atom.text()
            .contains(&format!("https://localhost:{port}/page/Zebra%20crossing/1")),
        "{}",
        atom.text()
    );
    let robots = get(https(&server), "/robots.txt");
    assert_eq!(
        robots.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(robots.text(), "User-agent: *\nAllow: /do/changes\nAllow: /do/atom\nDisallow: /history/\nDisallow: /diff/\nDisallow: /raw/\nDisallow: /do/\n");
    let style = get(https(&server), "/style.css");
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert!(style.text().contains("prefers-color-scheme: dark"));
    let logo = PageName::new("evil.html").unwrap();
    server
        .store()
        .save_file(
            &logo,
            "text/html",
            b"<script>x</script>",
            Author::System,
            1_700_000_000,
        )
        .unwrap();
    let file = get(https(&server), "/file/evil.html");
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("text/html"));
    assert!(
        file.header("content-security-policy")
            .is_some_and(|c| c.starts_with("sandbox;")),
        "uploads are sandboxed"
    );
    assert_eq!(get(https(&server), "/file/none.png").status, 404);
    let raw = get(https(&server), "/raw/Zebra%20crossing");
    assert_eq!(
        (raw.header("content-type"), raw.text().as_str()),
        (Some("text/plain; charset=utf-8"), "stripes\n")
    );
}

#[test]
fn the_gemini_port_answers_http_and_gemini_alike() {
    let server = TestServer::start_web();
    let web = get(Via::Tls(server.addr), "/page/Welcome");
    assert_eq!(web.status, 200);
    assert_eq!(web.header("content-type"), Some(HTML));
    assert!(web.text().starts_with("<!DOCTYPE html>"));
    let gemini = server.get("/page/Welcome");
    gemini.assert_status(20);
    assert!(gemini.meta.starts_with("text/gemini"));
    let edit = get(Via::Tls(server.addr), "/do/edit/Welcome");
    assert_eq!(edit.status, 404);
    assert!(edit.text().contains(
        "<p>Editing and accounts are on Gemini: follow “Read or edit this on Gemini” below.</p>"
    ));
}

#[test]
fn plain_http_serves_the_same_view() {
    let server = TestServer::start_web();
    let home = get(Via::Plain(server.web_plain.unwrap()), "/");
    assert_eq!(home.status, 200);
    assert!(home
        .text()
        .contains("<a href=\"/do/changes\">Recent changes</a>"));
    assert_eq!(
        get(Via::Plain(server.web_plain.unwrap()), "/page/Welcome").body,
        get(https(&server), "/page/Welcome").body
    );
}

#[test]
fn only_get_and_head_and_huge_heads_are_refused() {
    let server = TestServer::start_web();
    let post = request(
        https(&server),
        "POST",
        "/page/Welcome",
        &[("Content-Length", "0")],
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    // Memory exhaustion by endless headers: past 16 KiB the head is refused.
    let big = "x".repeat(20 * 1024);
    let raw = format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n");
    assert_eq!(send_raw(https(&server), raw.as_bytes(), false).status, 431);
}

#[test]
fn the_request_rate_limit_is_shared_and_answers_429() {
    let server = TestServer::start_with(|config| {
        config.wiki.limits.requests_per_minute = 2;
        config.server.web.listen = vec!["127.0.0.1:0".parse().unwrap()];
    });
    server.get("/").assert_status(20);
    assert_eq!(get(https(&server), "/").status, 200);
    let limited = get(https(&server), "/");
    assert_eq!(limited.status, 429);
    assert!(limited
        .header("retry-after")
        .is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
}

/// Page GET over HTTPS vs Gemini, one TLS connection per request on both sides (for
/// BENCHMARKS.md): `cargo test --release --test integration web::routes::measure -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_page_get_https_vs_gemini() {
    const N: u32 = 2_000;
    let server = TestServer::start_web();
    let time = |f: &dyn Fn()| {
        let started = std::time::Instant::now();
        for _ in 0..N {
            f();
        }
        started.elapsed()
    };
    let web = time(&|| assert_eq!(get(https(&server), "/page/Welcome").status, 200));
    let gemini = time(&|| assert_eq!(server.get("/page/Welcome").status, 20));
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / f64::from(N);
    println!(
        "{N} × GET /page/Welcome: https {:.0} µs/request, gemini {:.0} µs/request",
        per(web),
        per(gemini)
    );
}
