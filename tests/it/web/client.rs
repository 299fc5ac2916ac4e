//! A minimal HTTP/1.1 client for the tests: one request per connection (`Connection:
//! close`), written by hand over an OpenSSL stream (no certificate check) or plain TCP, the
//! response read to the end and parsed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// The text between `start` and the following `end`, both included.
    #[track_caller]
    pub fn between(&self, start: &str, end: &str) -> String {
        let text = self.text();
        let from = text
            .find(start)
            .unwrap_or_else(|| panic!("no {start:?} in {text}"));
        let to = text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("no {end:?} in {text}"));
        text[from..from + to + end.len()].to_string()
    }
}

/// How to reach the server.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Tls(SocketAddr),
    Plain(SocketAddr),
}

/// `GET path` with no extra headers.
pub fn get(via: Via, path: &str) -> HttpReply {
    request(via, "GET", path, &[])
}

/// `method path` with `headers`, `Host: localhost:<port>` and `Connection: close`.
pub fn request(via: Via, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpReply {
    let addr = match via {
        Via::Tls(a) | Via::Plain(a) => a,
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n",
        addr.port()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    send_raw(via, head.as_bytes(), method == "HEAD")
}

/// Sends `bytes` and parses what comes back until the server closes.
pub fn send_raw(via: Via, bytes: &[u8], head_only: bool) -> HttpReply {
    let raw = match via {
        Via::Plain(addr) => exchange(connect(addr), bytes),
        Via::Tls(addr) => {
            let mut builder = SslConnector::builder(SslMethod::tls_client()).expect("connector");
            builder.set_verify(SslVerifyMode::NONE);
            let mut config = builder.build().configure().expect("configure");
            config.set_verify_hostname(false);
            exchange(
                config
                    .connect("localhost", connect(addr))
                    .expect("TLS handshake"),
                bytes,
            )
        }
    };
    parse(&raw, head_only)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    tcp
}

fn exchange<S: Read + Write>(mut stream: S, bytes: &[u8]) -> Vec<u8> {
    stream.write_all(bytes).expect("write request");
    let mut out = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
        }
    }
}

fn parse(raw: &[u8], head_only: bool) -> HttpReply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .expect("status")
        .parse()
        .expect("number");
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("header");
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse::<usize>().expect("length"));
    if let (Some(length), false) = (length, head_only) {
        assert_eq!(body.len(), length, "body length matches Content-Length");
    }
    if head_only {
        assert!(body.is_empty(), "HEAD answered with a body");
        body.clear();
    }
    HttpReply {
        status,
        headers,
        body,
    }
}
