//! SPEC §1 end to end: TLS and client certificates, request-line rules, close_notify,
//! timeouts and many idle connections.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use openssl::ssl::SslVersion;

use crate::support::{Client, TestCert, TestServer};

#[test]
fn serves_home_without_a_client_certificate_and_closes_with_close_notify() {
    let server = TestServer::start();
    let reply = server.get("/");
    reply.assert_status(20);
    assert_eq!(reply.meta, "text/gemini; charset=utf-8");
    assert!(reply.text().contains("# Welcome"), "{}", reply.text());
    assert!(reply.clean_close, "server must send close_notify");
}

#[test]
fn every_kind_of_client_certificate_completes_the_handshake() {
    let server = TestServer::start();
    for cert in [
        TestCert::ec("ec"),
        TestCert::rsa_until_9999("rsa"),
        TestCert::expired("old"),
        TestCert::not_yet_valid("future"),
    ] {
        let reply = server.get_as(&cert, "/");
        reply.assert_status(20);
        assert!(reply.clean_close);
    }
}

#[test]
fn identity_routes_tell_certificate_states_apart() {
    let server = TestServer::start();
    server.get("/do/account").assert_status(60);
    let expired = server.get_as(&TestCert::expired("old"), "/do/account");
    expired.assert_status(62);
    assert!(expired.meta.contains("2001-01-01"), "{}", expired.meta);
    let future = server.get_as(&TestCert::not_yet_valid("future"), "/do/account");
    future.assert_status(62);
    assert!(future.meta.contains("2090-01-01"), "{}", future.meta);
    let fresh = server.get_as(&TestCert::ec("new"), "/do/account");
    fresh.assert_status(61);
    assert!(fresh.meta.contains("/do/register"), "{}", fresh.meta);
    // A 9999 notAfter (GeneralizedTime) is valid, not an overflow.
    server
        .get_as(&TestCert::rsa_until_9999("rsa"), "/do/account")
        .assert_status(61);
}

#[test]
fn fingerprint_matches_openssl_x509_fingerprint() {
    let server = TestServer::start();
    let cert = TestCert::ec("me");
    let pem = server.data_dir().join("client.pem");
    cert.write_pem(&pem);
    let output = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&pem)
        .output()
        .expect("the openssl command-line tool");
    let printed = String::from_utf8(output.stdout).unwrap();
    let expected: gemwiki::identity::Fingerprint =
        printed.trim().rsplit('=').next().unwrap().parse().unwrap();
    let reply = server.get_as(&cert, "/do/account");
    reply.assert_status(61);
    assert!(
        reply.meta.contains(&expected.to_hex()),
        "{} vs {printed}",
        reply.meta
    );
}

#[test]
fn tls_1_2_and_1_3_both_work() {
    let server = TestServer::start();
    for (version, name) in [
        (SslVersion::TLS1_2, "TLSv1.2"),
        (SslVersion::TLS1_3, "TLSv1.3"),
    ] {
        let cert = TestCert::ec("v");
        let reply = Client::new()
            .tls_version(version)
            .cert(&cert)
            .send(server.addr, &server.url("/do/account"));
        reply.assert_status(61);
        assert_eq!(reply.tls_version, name);
        assert!(reply.clean_close);
    }
}

#[test]
fn classic_and_post_quantum_key_exchanges_are_both_accepted() {
    let server = TestServer::start();
    // ML-KEM exists from OpenSSL 3.5 on (the vendored build); a system 3.0 knows only classic.
    let post_quantum = openssl::version::number() >= 0x3050_0000;
    let groups = ["X25519", "P-256", "X25519MLKEM768", "X25519MLKEM768:X25519"];
    for groups in groups
        .into_iter()
        .filter(|g| post_quantum || !g.contains("MLKEM"))
    {
        let reply = Client::new()
            .groups(groups)
            .send(server.addr, &server.url("/"));
        reply.assert_status(20);
        assert_eq!(reply.tls_version, "TLSv1.3", "{groups}");
    }
}

#[test]
fn tls_1_1_is_refused() {
    let server = TestServer::start();
    let mut builder =
        openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls_client()).unwrap();
    builder.set_verify(openssl::ssl::SslVerifyMode::NONE);
    builder
        .set_max_proto_version(Some(SslVersion::TLS1_1))
        .unwrap();
    builder.set_security_level(0);
    let tcp = TcpStream::connect(server.addr).unwrap();
    let connector = builder.build();
    let result = connector
        .configure()
        .unwrap()
        .verify_hostname(false)
        .connect("localhost", tcp);
    assert!(result.is_err());
}

#[test]
fn clients_without_sni_are_served() {
    let server = TestServer::start();
    let reply = Client::new().no_sni().send(server.addr, &server.url("/"));
    reply.assert_status(20);
    let by_ip = format!("gemini://127.0.0.1:{}/", server.addr.port());
    let server_ip = TestServer::start_with(|c| c.wiki.hostnames.push("127.0.0.1".into()));
    Client::new()
        .no_sni()
        .send(
            server_ip.addr,
            &by_ip.replace(
                &server.addr.port().to_string(),
                &server_ip.addr.port().to_string(),
            ),
        )
        .assert_status(20);
}

#[test]
fn resumed_session_keeps_the_client_certificate() {
    let server = TestServer::start();
    let cert = TestCert::ec("resume");
    for version in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
        let client = Client::new().tls_version(version).cert(&cert);
        let (first, second) = client.send_twice_resuming(server.addr, &server.url("/do/account"));
        first.assert_status(61);
        assert!(!first.session_reused);
        assert!(
            second.session_reused,
            "the server should resume the session"
        );
        second.assert_status(61);
        assert_eq!(second.meta, first.meta, "same fingerprint after resumption");
        assert!(first.meta.contains(&cert.fingerprint().to_hex()));
    }
}

#[test]
fn resumption_can_be_switched_off() {
    let server = TestServer::start_with(|c| c.server.tls.session_resumption = false);
    let (_, second) = Client::new().send_twice_resuming(server.addr, &server.url("/"));
    second.assert_status(20);
    assert!(!second.session_reused);
}

fn raw(server: &TestServer, line: &[u8]) -> crate::support::Reply {
    Client::new().send_raw(server.addr, line)
}

#[test]
fn request_line_length_limit_is_1024_bytes() {
    let server = TestServer::start();
    let base = server.url("/?");
    let fill = 1024 - base.len();
    let exact = format!("{base}{}", "a".repeat(fill));
    assert_eq!(exact.len(), 1024);
    raw(&server, format!("{exact}\r\n").as_bytes()).assert_status(20);
    let long = format!("{exact}a\r\n");
    let reply = raw(&server, long.as_bytes());
    reply.assert_status(59);
    assert!(reply.clean_close);
}

#[test]
fn malformed_request_lines_get_59() {
    let server = TestServer::start();
    let port = server.addr.port();
    let cases: Vec<Vec<u8>> = vec![
        format!("gemini://user@localhost:{port}/").into_bytes(),
        format!("gemini://localhost:{port}/#frag").into_bytes(),
        b"localhost/".to_vec(),
        b"/page/Welcome".to_vec(),
        b"".to_vec(),
        b"\x16\x03\x01 junk".to_vec(),
        [
            format!("gemini://localhost:{port}/").as_bytes(),
            b"\xff".as_slice(),
        ]
        .concat(),
        [
            b"\xef\xbb\xbf".as_slice(),
            format!("gemini://localhost:{port}/").as_bytes(),
        ]
        .concat(),
        format!("gemini://localhost:{port}/a\0b").into_bytes(),
        format!("gemini://localhost:{port}/../etc/passwd").into_bytes(),
        format!("gemini://localhost:{port}/%zz").into_bytes(),
    ];
    for mut line in cases {
        let shown = String::from_utf8_lossy(&line).into_owned();
        line.extend_from_slice(b"\r\n");
        let reply = raw(&server, &line);
        assert_eq!(reply.status, 59, "{shown:?} → {:?}", reply.header);
        assert!(!reply.meta.is_empty(), "59 needs a sentence");
        assert!(reply.body.is_empty());
    }
}

#[test]
fn foreign_schemes_hosts_and_ports_get_53() {
    let server = TestServer::start();
    let port = server.addr.port();
    for url in [
        format!("https://localhost:{port}/"),
        format!("gopher://localhost:{port}/"),
        format!("gemini://example.org:{port}/"),
        format!("gemini://localhost:{}/", port.wrapping_add(1)),
    ] {
        let reply = server_send(&server, &url);
        assert_eq!(reply.status, 53, "{url} → {:?}", reply.header);
    }
}

fn server_send(server: &TestServer, url: &str) -> crate::support::Reply {
    Client::new().send(server.addr, url)
}

#[test]
fn host_match_is_case_insensitive_and_empty_path_is_root() {
    let server = TestServer::start();
    let port = server.addr.port();
    let root = server.get("/");
    for url in [
        format!("gemini://LOCALHOST:{port}/"),
        format!("gemini://localhost:{port}"),
    ] {
        let reply = server_send(&server, &url);
        reply.assert_status(20);
        assert_eq!(reply.body, root.body, "{url}");
    }
}

#[test]
fn dot_segments_resolve_before_routing() {
    let server = TestServer::start();
    let reply = server.get("/do/../page/./Welcome");
    reply.assert_status(20);
    assert!(reply.text().contains("# Welcome"));
}

#[test]
fn query_plus_and_percent_newline_decode() {
    let server = TestServer::start();
    let reply = server.get("/do/new?My+new%20page");
    reply.assert_status(30);
    assert_eq!(reply.meta, "/do/edit/My%20new%20page");
    let reply = server.get("/do/new?two%0Alines");
    reply.assert_status(10);
    assert!(reply.meta.contains("line breaks"), "{}", reply.meta);
}

#[test]
fn unknown_paths_get_51_with_a_sentence() {
    let server = TestServer::start();
    let reply = server.get("/no/such/thing");
    reply.assert_status(51);
    assert!(reply.meta.len() > 10);
}

#[test]
fn robots_txt_keeps_crawlers_off_history_and_do() {
    let server = TestServer::start();
    let reply = server.get("/robots.txt");
    reply.assert_status(20);
    assert!(reply.meta.starts_with("text/plain"));
    let text = reply.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "User-agent: *",
            "Allow: /do/changes",
            "Allow: /do/atom",
            "Disallow: /history/",
            "Disallow: /diff/",
            "Disallow: /raw/",
            "Disallow: /do/",
        ]
    );
}

#[test]
fn plain_tcp_request_gets_no_gemini_header() {
    let server = TestServer::start();
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    tcp.write_all(format!("{}\r\n", server.url("/")).as_bytes())
        .unwrap();
    let mut received = Vec::new();
    let _ = tcp.read_to_end(&mut received);
    assert!(!received.starts_with(b"20 "), "{received:?}");
    assert!(!received.windows(3).any(|w| w == b"20 "));
}

#[test]
fn bare_lf_request_gets_no_answer_then_a_silent_close() {
    let server =
        TestServer::start_with(|c| c.server.timeouts.request = Duration::from_millis(1500));
    let started = Instant::now();
    let reply = raw(&server, format!("{}\n", server.url("/")).as_bytes());
    assert_eq!(reply.header, "", "no response to a bare-LF request");
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "closed before the timeout"
    );
    assert!(reply.clean_close, "close_notify even on timeout");
}

#[test]
fn idle_connections_do_not_block_a_real_request() {
    let server = TestServer::start();
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    let started = Instant::now();
    server.get("/").assert_status(20);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "request stuck behind idle connections"
    );
    drop(idle);
}

#[test]
fn connections_past_the_cap_wait_instead_of_failing() {
    let server = TestServer::start_with(|c| {
        c.server.max_connections = 2;
        c.server.timeouts.handshake = Duration::from_millis(800);
    });
    let idle: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    // Both slots are taken by silent clients; this request waits in the backlog until the
    // handshake deadline frees a slot, then succeeds.
    server.get("/").assert_status(20);
    drop(idle);
}

#[test]
fn shutdown_stops_accepting_but_finishes_open_connections() {
    let server = TestServer::start();
    let open = Client::new().open(server.addr);
    server.begin_shutdown();
    // The listener closes promptly...
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(server.addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after shutdown");
        std::thread::sleep(Duration::from_millis(20));
    }
    // ...while the connection that was already open still gets its answer.
    let reply = open.finish(format!("{}\r\n", server.url("/")).as_bytes());
    reply.assert_status(20);
    assert!(reply.clean_close);
}

#[test]
fn requests_past_the_per_address_limit_get_44_with_the_wait() {
    let server = TestServer::start_with(|c| c.wiki.limits.requests_per_minute = 3);
    for _ in 0..3 {
        server.get("/").assert_status(20);
    }
    let slowed = server.get("/");
    slowed.assert_status(44);
    let wait: u64 = slowed
        .meta
        .strip_prefix("Too many requests: wait ")
        .and_then(|rest| rest.strip_suffix(" seconds"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("44 META says the wait: {:?}", slowed.meta));
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(slowed.clean_close);
}
