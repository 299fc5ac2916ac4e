//! Issue 11, no one visitor can stall or exhaust the server: each test mounts an attack (idle
//! sockets from one network, a dribbled certificate-less upload, a registration flood, a
//! costly page viewed again and again) and shows it failing. "Another network" is a client
//! socket bound to 127.0.0.2; the server listens on 127.0.0.1 only.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use openssl::ssl::{SslConnector, SslMethod, SslStream, SslVerifyMode};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use socket2::{Domain, Socket, Type};

use gemwiki::render_cache::RenderKey;
use gemwiki::wiki::PageName;

use crate::support::{register, Client, TestCert, TestServer};

/// A TCP connection to `addr` whose source address is `source` (e.g. 127.0.0.2).
fn tcp_from(source: &str, addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let local: SocketAddr = format!("{source}:0").parse().expect("source address");
    socket.bind(&local.into()).expect("bind the source address");
    socket.connect(&addr.into()).expect("connect");
    let tcp: TcpStream = socket.into();
    tcp.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    tcp
}

/// A TLS connection from `source`, presenting `cert` if given.
fn tls_from(source: &str, addr: SocketAddr, cert: Option<&TestCert>) -> SslStream<TcpStream> {
    let mut builder = SslConnector::builder(SslMethod::tls()).expect("connector");
    builder.set_verify(SslVerifyMode::NONE);
    if let Some(cert) = cert {
        builder.set_certificate(&cert.cert).expect("cert");
        builder.set_private_key(&cert.key).expect("key");
    }
    let mut config = builder.build().configure().expect("configure");
    config.set_verify_hostname(false);
    config
        .connect("localhost", tcp_from(source, addr))
        .expect("TLS handshake")
}

/// Sends `url` from `source` and returns the reply's header line.
fn header_from(source: &str, server: &TestServer, url: &str, cert: Option<&TestCert>) -> String {
    let mut stream = tls_from(source, server.addr, cert);
    stream
        .write_all(format!("{url}\r\n").as_bytes())
        .expect("write");
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.ssl_read(&mut buf) {
        received.extend_from_slice(&buf[..n]);
    }
    let end = received
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(received.len());
    String::from_utf8_lossy(&received[..end]).into_owned()
}

/// Whether the server closed `tcp` (EOF or reset) within `within`.
fn closed_within(tcp: &mut TcpStream, within: Duration) -> bool {
    tcp.set_read_timeout(Some(within)).expect("timeout");
    let mut byte = [0u8; 1];
    match tcp.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => !matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn one_network_past_its_connection_cap_is_closed_at_once_while_others_are_served() {
    let server = TestServer::start_with(|c| c.server.connections_per_client = 4);
    // The attack: 40 idle sockets from one address, never sending a byte.
    let mut idle: Vec<TcpStream> = (0..40)
        .map(|_| tcp_from("127.0.0.1", server.addr))
        .collect();
    let started = Instant::now();
    let refused = idle
        .iter_mut()
        .skip(4)
        .filter_map(|tcp| closed_within(tcp, Duration::from_secs(5)).then_some(()))
        .count();
    assert_eq!(refused, 36, "every socket past the cap is closed");
    // At once: not after the 10 s handshake timeout an idle socket would otherwise get.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    for held in &mut idle[..4] {
        assert!(
            !closed_within(held, Duration::from_millis(50)),
            "within the cap stays open"
        );
    }
    // Another network is served as usual.
    let other = header_from("127.0.0.2", &server, &server.url("/"), None);
    assert!(other.starts_with("20 "), "{other}");
    // The network's slots come back when its sockets close.
    drop(idle);
    let served_again = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        Client::new()
            .try_send(server.addr, &server.url("/"))
            .is_ok_and(|reply| reply.status == 20)
    });
    assert!(
        served_again,
        "the network is served again once its sockets are gone"
    );
}

#[test]
fn an_unready_connection_is_shed_near_the_global_cap() {
    let server = TestServer::start_with(|c| c.server.max_connections = 8);
    // Stalled handshakes from many "networks" hold every slot…
    let mut stalled: Vec<TcpStream> = (2..=9)
        .map(|n| tcp_from(&format!("127.0.0.{n}"), server.addr))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // …and a client that does its part is still served, at once, by shedding the oldest.
    let started = Instant::now();
    let served = header_from("127.0.0.1", &server, &server.url("/"), None);
    assert!(served.starts_with("20 "), "{served}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        closed_within(&mut stalled[0], Duration::from_secs(5)),
        "the oldest stalled handshake was shed"
    );
}

#[test]
fn a_dribbled_certificate_less_upload_gets_its_error_and_frees_its_slot_within_seconds() {
    let server = TestServer::start_with(|c| c.server.connections_per_client = 1);
    let started = Instant::now();
    let mut stream = tls_from("127.0.0.1", server.addr, None);
    let url = server.titan_url("/raw/Welcome;size=100000");
    stream
        .write_all(format!("{url}\r\n").as_bytes())
        .expect("write the request line");
    // The attack: the announced 100,000 bytes arrive one every 100 ms (~3 hours in all).
    for _ in 0..10 {
        stream.write_all(b"x").expect("dribble");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut received = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stream.ssl_read(&mut buf) {
        received.extend_from_slice(&buf[..n]);
    }
    let reply = String::from_utf8_lossy(&received).into_owned();
    assert!(reply.starts_with("60 "), "{reply:?}");
    // A few seconds, not the 30 s body timeout.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    drop(stream);
    let served_again = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        Client::new()
            .try_send(server.addr, &server.url("/"))
            .is_ok_and(|reply| reply.status == 20)
    });
    assert!(served_again, "the slot is back");
}

/// Registers `name` from `source` with a fresh certificate, as a client does: `/do/register`
/// redirects to its tokenized prompt, which takes the name; the last reply's header.
fn register_from(source: &str, server: &TestServer, name: &str) -> String {
    let cert = TestCert::ec(name);
    let first = header_from(source, server, &server.url("/do/register"), Some(&cert));
    let Some(prompt) = first.strip_prefix("30 ") else {
        return first;
    };
    let query = utf8_percent_encode(name, NON_ALPHANUMERIC);
    let url = server.url(&format!("{prompt}?{query}"));
    header_from(source, server, &url, Some(&cert))
}

#[test]
fn registrations_past_the_per_network_limit_get_44_with_the_wait() {
    let server = TestServer::start_with(|c| c.wiki.limits.registrations_per_hour = 2);
    assert_eq!(register_from("127.0.0.1", &server, "one"), "30 /do/account");
    assert_eq!(register_from("127.0.0.1", &server, "two"), "30 /do/account");
    // The flood: a third account from the same network within the hour.
    let refused = register_from("127.0.0.1", &server, "three");
    let wait: u64 = refused
        .strip_prefix("44 Too many new accounts: wait ")
        .and_then(|rest| rest.strip_suffix(" seconds"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{refused}"));
    assert!(wait > 0 && wait <= 3600, "{wait}");
    assert!(server.store().account_by_name("three").unwrap().is_none());
    // Another network has its own budget.
    assert_eq!(
        register_from("127.0.0.2", &server, "four"),
        "30 /do/account"
    );
}

#[test]
fn registrations_past_the_limit_in_all_get_44_from_every_network() {
    let server = TestServer::start_with(|c| c.wiki.limits.registrations_per_hour_all = 2);
    assert_eq!(register_from("127.0.0.1", &server, "one"), "30 /do/account");
    assert_eq!(register_from("127.0.0.2", &server, "two"), "30 /do/account");
    let refused = register_from("127.0.0.3", &server, "three");
    assert!(
        refused.starts_with("44 Too many new accounts: wait "),
        "{refused}"
    );
}

#[test]
fn a_page_is_rendered_once_per_revision_and_a_new_revision_fresh() {
    let server = TestServer::start();
    let cert = TestCert::ec("editor");
    register(&server, &cert, "editor");
    let put = |text: &str| {
        let url = server.titan_url(&format!("/raw/Doc;mime=text/markdown;size={}", text.len()));
        Client::new()
            .cert(&cert)
            .titan(server.addr, &url, text.as_bytes())
            .assert_status(30);
    };
    put("Some *emphasis* and a [link](gemini://example.org/).\n");
    // A miss on Markdown renders on the blocking pool, then answers as usual.
    let first = server.get("/page/Doc");
    first.assert_status(20);
    assert!(
        first.text().contains("=> gemini://example.org/"),
        "{}",
        first.text()
    );
    let second = server.get("/page/Doc");
    assert_eq!(
        (second.header.as_str(), &second.body),
        (first.header.as_str(), &first.body)
    );
    let name = PageName::new("Doc").unwrap();
    let current = server.store().page(&name).unwrap().unwrap().current;
    assert!(server
        .app
        .site()
        .renders()
        .get(&RenderKey::of("Doc", &current))
        .is_some());

    put("Now a [different link](gemini://example.net/).\n");
    let fresh = server.get("/page/Doc").text();
    assert!(fresh.contains("=> gemini://example.net/"), "{fresh}");
    assert!(!fresh.contains("example.org"), "{fresh}");
    // Old revisions keep their own rendering.
    let old = server.get("/page/Doc/1").text();
    assert!(old.contains("=> gemini://example.org/"), "{old}");
}
