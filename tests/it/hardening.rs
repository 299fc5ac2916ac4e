//! Issue 11 over real TLS: a client certificate chain costs the server no more than a lone
//! certificate (no chain verification, a 16 KiB cap on what a client may send), and names
//! that only look like other names are refused.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::ssl::SslVersion;
use openssl::x509::{X509Name, X509NameBuilder, X509};

use gemwiki::tls::MAX_CLIENT_CERT_LIST;

use crate::support::{register, Client, TestCert, TestServer};

fn ca_name(i: usize) -> X509Name {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, &format!("Fake intermediate CA {i}"))
        .unwrap();
    name.build()
}

/// `count` RSA-2048 "intermediates", certificate `i` claiming to be issued by `i + 1`, all
/// signed with one throwaway key so none of the claims verifies (what an attacker sends to
/// make a server check signatures).
fn fake_chain(count: usize) -> Vec<X509> {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    (0..count)
        .map(|i| {
            let mut builder = X509::builder().unwrap();
            builder.set_version(2).unwrap();
            let serial = BigNum::from_u32(u32::try_from(i + 1).unwrap()).unwrap();
            builder
                .set_serial_number(&serial.to_asn1_integer().unwrap())
                .unwrap();
            builder.set_subject_name(&ca_name(i)).unwrap();
            builder.set_issuer_name(&ca_name(i + 1)).unwrap();
            builder.set_pubkey(&key).unwrap();
            builder
                .set_not_before(&Asn1Time::days_from_now(0).unwrap())
                .unwrap();
            builder
                .set_not_after(&Asn1Time::days_from_now(30).unwrap())
                .unwrap();
            builder.sign(&key, MessageDigest::sha256()).unwrap();
            builder.build()
        })
        .collect()
}

/// Bytes the certificates take on the wire (DER plus the 3-byte length of each entry).
fn wire_size(leaf: &TestCert, chain: &[X509]) -> usize {
    std::iter::once(&leaf.cert)
        .chain(chain)
        .map(|cert| cert.to_der().unwrap().len() + 3)
        .sum()
}

#[test]
fn a_fake_chain_under_the_cap_is_accepted_and_the_leaf_is_the_identity() {
    let server = TestServer::start();
    let leaf = TestCert::ec("chained");
    register(&server, &leaf, "chained");
    let chain = fake_chain(14);
    let size = wire_size(&leaf, &chain);
    assert!(size < MAX_CLIENT_CERT_LIST - 1024, "{size} bytes");
    for version in [SslVersion::TLS1_2, SslVersion::TLS1_3] {
        let reply = Client::new()
            .cert(&leaf)
            .chain(&chain)
            .tls_version(version)
            .send(server.addr, &server.url("/do/account"));
        let page = reply.assert_status(20).text();
        assert_eq!(page.lines().next(), Some("# chained"), "{version:?}");
        assert!(page.contains(&leaf.fingerprint().to_hex()), "{page}");
    }
}

#[test]
fn a_chain_over_the_cap_is_refused_at_handshake_and_others_are_still_served() {
    let server = TestServer::start();
    let leaf = TestCert::ec("bloated");
    let chain = fake_chain(24);
    let size = wire_size(&leaf, &chain);
    assert!(size > MAX_CLIENT_CERT_LIST, "{size} bytes");

    // TLS 1.2: the client sees the alert before its handshake completes.
    let tls12 = Client::new()
        .cert(&leaf)
        .chain(&chain)
        .tls_version(SslVersion::TLS1_2)
        .try_send(server.addr, &server.url("/"));
    let err = tls12
        .err()
        .expect("a TLS 1.2 handshake with a 20 KiB chain fails");
    assert!(err.contains("alert"), "{err}");
    // TLS 1.3: the client's handshake ends before the server reads its certificate, so the
    // refusal arrives instead of a response.
    let tls13 = Client::new()
        .cert(&leaf)
        .chain(&chain)
        .tls_version(SslVersion::TLS1_3)
        .try_send(server.addr, &server.url("/"))
        .expect("TLS 1.3 client handshake completes first");
    assert_eq!(tls13.header, "", "no response, only the alert");
    assert!(tls13.body.is_empty());

    let plain = TestCert::ec("plain");
    server.get_as(&plain, "/").assert_status(20);
    server.get("/").assert_status(20);
}

/// `<name>` typed into the tokenized prompt `/do/register` sends `cert` to.
fn register_name(server: &TestServer, cert: &TestCert, name: &str) -> crate::support::Reply {
    let query = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    server.prompt_as(cert, "/do/register", &query.to_string())
}

#[test]
fn a_look_alike_of_an_existing_name_is_asked_again_with_the_name_it_imitates() {
    let server = TestServer::start();
    let alice = TestCert::ec("alice");
    register_name(&server, &alice, "alice").assert_status(30);
    let mallory = TestCert::ec("mallory");
    for (look_alike, meta) in [
        (
            "\u{430}lice",
            "“\u{430}lice” looks like the existing name “alice”; choose another user name",
        ),
        ("ａｌｉｃｅ", "“alice” is taken; choose another user name"),
        (
            "ali\u{200B}ce",
            "“ali\u{200B}ce” looks like the existing name “alice”; choose another user name",
        ),
    ] {
        let reply = register_name(&server, &mallory, look_alike);
        reply.assert_status(10);
        assert_eq!(reply.meta, meta);
    }
    assert_eq!(server.store().accounts().unwrap().len(), 1);
}

#[test]
fn reserved_look_alikes_and_invisible_names_are_asked_again_with_the_reason() {
    let server = TestServer::start();
    let cert = TestCert::ec("x");
    for (name, meta) in [
        (
            "ＡＤＭＩＮ",
            "“ADMIN” is reserved; choose another user name",
        ),
        (
            "\u{430}dmin",
            "“\u{430}dmin” looks like the reserved name “admin”; choose another user name",
        ),
        (
            "\u{3164}\u{3164}",
            "The name contains an invisible character U+1160; choose another user name",
        ),
        (
            "p\u{430}ypal",
            "“p\u{430}ypal” mixes Latin and Cyrillic letters; choose another user name",
        ),
    ] {
        let reply = register_name(&server, &cert, name);
        reply.assert_status(10);
        assert_eq!(reply.meta, meta, "{name:?}");
    }
    assert!(server.store().accounts().unwrap().is_empty());
}

#[test]
fn page_names_with_bidi_overrides_or_paragraph_separators_are_refused_with_the_character() {
    let server = TestServer::start();
    for (path, meta) in [
        (
            "/page/%E2%80%AEtxt.exe",
            "Invalid page name: a page name cannot contain the invisible formatting character U+202E",
        ),
        (
            "/page/a%E2%80%8Bb",
            "Invalid page name: a page name cannot contain the invisible formatting character U+200B",
        ),
        (
            "/page/a%E2%80%A9%23%20Fake",
            "Invalid page name: a page name cannot contain control characters or line breaks (U+2029)",
        ),
    ] {
        let reply = server.get(path);
        reply.assert_status(59);
        assert_eq!(reply.meta, meta, "{path}");
    }
}
