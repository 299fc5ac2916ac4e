//! Server CPU per TLS handshake with crafted client certificate chains (issue 11).
//!
//! Runs a blocking server thread on 127.0.0.1:0 with gemwiki's acceptor
//! (`gemwiki::tls::build_acceptor`) and, for comparison, the acceptor gemwiki had before
//! (a per-certificate verify callback over OpenSSL's chain verification, OpenSSL's default
//! 100 KiB certificate-list cap), and reports the server thread's CPU time per handshake for a
//! lone client certificate and for chains of fake intermediates. Loopback only, bounded by
//! `--handshakes`.
//!
//! ```text
//! cargo run --release --example chain_cost -- --handshakes 20
//! ```

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{SslAcceptor, SslConnector, SslFiletype, SslMethod, SslVerifyMode};
use openssl::x509::{X509Name, X509NameBuilder, X509};

#[derive(Debug, Parser)]
#[command(about = "Server CPU per handshake with crafted client chains (loopback only)")]
struct Args {
    /// Handshakes per (acceptor, chain) pair.
    #[arg(long, default_value_t = 20)]
    handshakes: u32,
}

fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = gemwiki::tls::ensure_generated(dir.path(), &[]).expect("server cert");
    let current = gemwiki::tls::build_acceptor(&cert, &key, false).expect("acceptor");
    let previous = previous_acceptor(&cert, &key);
    let leaf_key = PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap();
    let leaf = certificate(&name("client"), &name("client"), &leaf_key, &leaf_key);
    let chains = [
        ("lone certificate", Vec::new()),
        (
            "14 fake RSA-2048 intermediates (<16 KiB)",
            fake_chain(14, 2048),
        ),
        (
            "75 fake RSA-3072 intermediates (~90 KiB)",
            fake_chain(75, 3072),
        ),
        (
            "75 same-name garbage-signed RSA-3072 (~90 KiB)",
            same_name_chain(75),
        ),
    ];
    // Warm-up, so the first measured pair does not pay for lazy initialisation.
    measure(
        &Arc::new(previous_acceptor(&cert, &key)),
        &connector(&leaf, &leaf_key, &[]),
        args.handshakes,
    );
    for (label, acceptor) in [("previous", previous), ("current", current)] {
        let acceptor = Arc::new(acceptor);
        for (chain_label, chain) in &chains {
            let client = connector(&leaf, &leaf_key, chain);
            let (ok, cpu_us) = measure(&acceptor, &client, args.handshakes);
            println!(
                "acceptor={label} chain=\"{chain_label}\" handshakes_ok={ok}/{} \
                 server_cpu_us_per_handshake={cpu_us:.0}",
                args.handshakes
            );
        }
    }
}

/// gemwiki's acceptor before issue 11: verification replaced per certificate only.
fn previous_acceptor(cert: &Path, key: &Path) -> SslAcceptor {
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    builder.set_private_key_file(key, SslFiletype::PEM).unwrap();
    builder.set_certificate_chain_file(cert).unwrap();
    builder.set_verify_callback(SslVerifyMode::PEER, |_preverified, _chain| true);
    builder.set_session_id_context(b"gemwiki").unwrap();
    builder.build()
}

/// Runs `count` handshakes; returns how many the server completed and its mean CPU time
/// per handshake in microseconds (the server thread's own run time, from schedstat).
fn measure(acceptor: &Arc<SslAcceptor>, client: &SslConnector, count: u32) -> (u32, f64) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let acceptor = Arc::clone(acceptor);
    let server = std::thread::spawn(move || {
        let (mut ok, mut cpu_ns) = (0, 0);
        for _ in 0..count {
            let (tcp, _) = listener.accept().expect("accept");
            tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let start = thread_cpu_ns();
            let accepted = acceptor.accept(tcp);
            cpu_ns += thread_cpu_ns() - start;
            if let Ok(mut stream) = accepted {
                ok += 1;
                let _ = stream.write_all(b"20 text/plain\r\n");
                let _ = stream.shutdown();
            }
        }
        (ok, cpu_ns)
    });
    for _ in 0..count {
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut config = client.configure().unwrap();
        config.set_verify_hostname(false);
        if let Ok(mut stream) = config.connect("localhost", tcp) {
            let mut sink = Vec::new();
            let _ = stream.read_to_end(&mut sink);
        }
    }
    let (ok, cpu_ns) = server.join().expect("server thread");
    (ok, cpu_ns as f64 / 1000.0 / f64::from(count))
}

/// This thread's CPU time in nanoseconds (Linux `/proc/thread-self/schedstat`, first field).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("Linux schedstat")
}

fn connector(leaf: &X509, key: &PKey<Private>, chain: &[X509]) -> SslConnector {
    let mut builder = SslConnector::builder(SslMethod::tls_client()).unwrap();
    builder.set_verify(SslVerifyMode::NONE);
    builder.set_certificate(leaf).unwrap();
    builder.set_private_key(key).unwrap();
    for extra in chain {
        builder.add_extra_chain_cert(extra.clone()).unwrap();
    }
    builder.build()
}

fn name(common_name: &str) -> X509Name {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, common_name)
        .unwrap();
    name.build()
}

/// `count` certificates, each claiming to be issued by the next, none verifiable.
fn fake_chain(count: usize, bits: u32) -> Vec<X509> {
    let key = PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap();
    (0..count)
        .map(|i| {
            let subject = name(&format!("Fake intermediate CA {i}"));
            let issuer = name(&format!("Fake intermediate CA {}", i + 1));
            certificate(&subject, &issuer, &key, &key)
        })
        .collect()
}

/// `count` certificates that all name the same subject and issuer (so each could have issued
/// every other) with signatures that match no key in the chain.
fn same_name_chain(count: usize) -> Vec<X509> {
    let subject = name("Fake intermediate CA");
    let key = PKey::from_rsa(Rsa::generate(3072).unwrap()).unwrap();
    let other = PKey::from_rsa(Rsa::generate(3072).unwrap()).unwrap();
    (0..count)
        .map(|_| certificate(&subject, &subject, &key, &other))
        .collect()
}

fn certificate(
    subject: &X509Name,
    issuer: &X509Name,
    key: &PKey<Private>,
    signer: &PKey<Private>,
) -> X509 {
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let serial = BigNum::from_u32(rand_u32()).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(subject).unwrap();
    builder.set_issuer_name(issuer).unwrap();
    builder.set_pubkey(key).unwrap();
    builder
        .set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    builder.sign(signer, MessageDigest::sha256()).unwrap();
    builder.build()
}

fn rand_u32() -> u32 {
    let mut bytes = [0u8; 4];
    openssl::rand::rand_bytes(&mut bytes).unwrap();
    u32::from_be_bytes(bytes) >> 1
}
