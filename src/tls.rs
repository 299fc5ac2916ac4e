//! The server side of TLS: load or generate the server certificate, build the OpenSSL
//! acceptor that requests (but never requires or verifies) a client certificate, and turn the
//! peer certificate into a [`ClientCert`] after the handshake; `server_cert` inspects and
//! regenerates the certificate file. Only this module and `connection.rs` touch OpenSSL types.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::os::raw::{c_int, c_long, c_void};
use std::path::{Path, PathBuf};
use std::ptr;

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::ssl::{
    AlpnError, SslAcceptor, SslAcceptorBuilder, SslContextBuilder, SslFiletype, SslMethod,
    SslOptions, SslRef, SslSessionCacheMode, SslVerifyMode,
};
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509NameBuilder, X509};
use openssl_sys as ffi;

use crate::identity::{ClientCert, Fingerprint};

mod alloc;
mod server_cert;

pub use alloc::use_mimalloc;
pub use server_cert::{
    inspect, regenerate, uncovered_warning, warn_uncovered, CertInfo, Regenerated,
};

/// Fixed per deployment: lets TLS sessions that carried a client certificate resume.
const SESSION_ID_CONTEXT: &[u8] = b"gemwiki";

/// Key-exchange groups, one preference tuple. Classic X25519 is chosen whenever the client
/// sent a share for it: with OpenSSL it costs a fifth less CPU per handshake than the
/// X25519MLKEM768 hybrid, which stays available (without a HelloRetryRequest) for clients
/// that offer only that. OpenSSL before 3.5 knows no ML-KEM: see [`GROUPS_CLASSIC`].
const GROUPS: &str = "X25519:X25519MLKEM768:P-256:P-384";
const GROUPS_CLASSIC: &str = "X25519:P-256:P-384";

/// TLS 1.3 suites in server preference order: AES-128 and SHA-256 are cheaper than AES-256
/// and SHA-384 in the key schedule and the records, and just as sound for this use.
const CIPHERSUITES: &str =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";

/// Largest Certificate message accepted from a client. An ordinary client certificate is 0.5 to
/// 2 KiB; OpenSSL's default of 100 KiB let a client send dozens of intermediates.
pub const MAX_CLIENT_CERT_LIST: usize = 16 * 1024;

/// TLS sessions kept for resumption (each with its client certificate: a few KiB at most).
const SESSION_CACHE_SIZE: i32 = 2048;

/// Validity of a generated server certificate: clients pin it, so it must outlive the capsule.
const GENERATED_CERT_DAYS: u32 = 36_525;

/// Why TLS could not be set up; messages say which file or setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the server certificate or key ({cert} / {key}): {source}; check [tls] cert_file and key_file")]
    Load {
        cert: PathBuf,
        key: PathBuf,
        source: ErrorStack,
    },
    #[error("cannot read the certificate file {path}: {source}")]
    ReadCert {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the generated server certificate into {dir}: {source}")]
    Write {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("OpenSSL failed: {0}")]
    OpenSsl(#[from] ErrorStack),
}

/// Where the generated certificate and key live inside the data directory.
pub fn generated_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("tls");
    (dir.join("cert.pem"), dir.join("key.pem"))
}

/// Returns the generated certificate's paths, creating them on first start only.
///
/// An existing pair is never replaced: Gemini clients pin the certificate (TOFU).
///
/// # Errors
/// The directory or files cannot be written, or OpenSSL fails.
pub fn ensure_generated(
    data_dir: &Path,
    hostnames: &[String],
) -> Result<(PathBuf, PathBuf), TlsError> {
    let (cert_path, key_path) = generated_paths(data_dir);
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    let (cert_pem, key_pem) = generate_self_signed(hostnames)?;
    let dir = cert_path.parent().unwrap_or(data_dir).to_path_buf();
    let write_err = |source| TlsError::Write {
        dir: dir.clone(),
        source,
    };
    crate::store::create_data_dir(&dir).map_err(write_err)?;
    write_private(&key_path, &key_pem).map_err(write_err)?;
    fs::write(&cert_path, cert_pem).map_err(write_err)?;
    tracing::info!(cert = %cert_path.display(), "generated a self-signed server certificate");
    Ok((cert_path, key_path))
}

/// Writes a file readable by its owner only (mode 0600), replacing it atomically.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    fs::rename(tmp, path)
}

/// A self-signed EC P-256 certificate for `hostnames` plus `localhost`, as PEM (cert, key).
///
/// # Errors
/// OpenSSL failures only.
pub fn generate_self_signed(hostnames: &[String]) -> Result<(Vec<u8>, Vec<u8>), ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    let key = PKey::from_ec_key(EcKey::generate(&group)?)?;
    let first = hostnames.first().map_or("localhost", String::as_str);
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_nid(Nid::COMMONNAME, first)?;
    let name = name.build();

    let mut builder = X509::builder()?;
    builder.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    builder.set_serial_number(&serial)?;
    builder.set_subject_name(&name)?;
    builder.set_issuer_name(&name)?;
    builder.set_pubkey(&key)?;
    let not_before = Asn1Time::days_from_now(0)?;
    let not_after = Asn1Time::days_from_now(GENERATED_CERT_DAYS)?;
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    builder.append_extension(BasicConstraints::new().critical().build()?)?;
    let mut san = SubjectAlternativeName::new();
    san.dns("localhost");
    for host in hostnames.iter().filter(|h| h.as_str() != "localhost") {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<IpAddr>().is_ok() {
            san.ip(bare);
        } else {
            san.dns(host);
        }
    }
    let san = san.build(&builder.x509v3_context(None, None))?;
    builder.append_extension(san)?;
    builder.sign(&key, MessageDigest::sha256())?;
    Ok((builder.build().to_pem()?, key.private_key_to_pem_pkcs8()?))
}

/// Builds the acceptor every connection shares.
///
/// TLS 1.2 minimum (Mozilla "intermediate" settings). A client certificate is requested with
/// `SSL_VERIFY_PEER` (never required) and chain verification is skipped: Gemini client
/// certificates are self-signed, the handshake still proves key possession, and the
/// application decides what a certificate may do (60/61/62). The received certificate list
/// is capped at [`MAX_CLIENT_CERT_LIST`].
///
/// # Errors
/// The configured TLS acceptor, as the front-ends' accept loops pass it on: only this module
/// and the connection layers that run handshakes name OpenSSL's types.
pub type Acceptor = openssl::ssl::SslAcceptor;

/// The certificate or key cannot be loaded or do not match.
pub fn build_acceptor(
    cert: &Path,
    key: &Path,
    session_resumption: bool,
) -> Result<SslAcceptor, TlsError> {
    let mut builder = base_builder(cert, key)?;
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    builder.set_verify(SslVerifyMode::PEER);
    skip_chain_verification(&mut builder);
    set_max_cert_list(&mut builder, MAX_CLIENT_CERT_LIST);
    builder.set_session_id_context(SESSION_ID_CONTEXT)?;
    if session_resumption {
        // One ticket is enough for one-request-per-connection clients; OpenSSL's default
        // of two doubles the ticket work on every full handshake.
        builder.set_num_tickets(1)?;
        // Stateful tickets: the session stays in OpenSSL's cache and the ticket only names
        // it. A stateless ticket encrypts the whole session, and OpenSSL builds it by
        // encoding the session, client certificate included, and parsing it back (≈350 k
        // instructions per handshake with a certificate). The cache is bounded, so a flood
        // of handshakes only evicts the oldest sessions (those clients do a full handshake).
        builder.set_options(SslOptions::NO_TICKET);
        builder.set_session_cache_mode(SslSessionCacheMode::SERVER);
        builder.set_session_cache_size(SESSION_CACHE_SIZE);
    } else {
        builder.set_session_cache_mode(SslSessionCacheMode::OFF);
        builder.set_options(SslOptions::NO_TICKET);
        builder.set_num_tickets(0)?;
    }
    Ok(builder.build())
}

/// What both acceptors share: Mozilla's intermediate profile, the certificate and key (checked
/// to match), the key-exchange groups and TLS 1.3 suites in our preference order.
fn base_builder(cert: &Path, key: &Path) -> Result<SslAcceptorBuilder, TlsError> {
    let load_err = |source| TlsError::Load {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        source,
    };
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())?;
    builder
        .set_private_key_file(key, SslFiletype::PEM)
        .map_err(load_err)?;
    builder.set_certificate_chain_file(cert).map_err(load_err)?;
    builder.check_private_key().map_err(load_err)?;
    if builder.set_groups_list(GROUPS).is_err() {
        builder.set_groups_list(GROUPS_CLASSIC)?;
    }
    builder.set_ciphersuites(CIPHERSUITES)?;
    Ok(builder)
}

/// Builds the acceptor of the `[web] listen` HTTPS listeners: the same TLS settings as
/// [`build_acceptor`] but no client certificate is requested (a browser would ask its user to
/// pick one), and ALPN offers only `http/1.1`.
///
/// # Errors
/// The certificate or key cannot be loaded or do not match.
pub fn build_web_acceptor(cert: &Path, key: &Path) -> Result<SslAcceptor, TlsError> {
    let mut builder = base_builder(cert, key)?;
    builder.set_verify(SslVerifyMode::NONE);
    builder.set_alpn_select_callback(|_, client| {
        openssl::ssl::select_next_proto(b"\x08http/1.1", client).ok_or(AlpnError::NOACK)
    });
    Ok(builder.build())
}

/// Replaces OpenSSL's chain verification (`X509_verify_cert`) with a callback that accepts.
///
/// Defends against CPU exhaustion by crafted chains: with only a per-certificate verify
/// callback, OpenSSL still checks the signature of every intermediate a client sends (issue 11
/// measured 460 ms per handshake for 75 fake RSA-3072 intermediates). Only the leaf's
/// fingerprint is the identity, and CertificateVerify (checked outside this callback) proves
/// the client holds its key, so nothing in the chain needs checking.
fn skip_chain_verification(builder: &mut SslContextBuilder) {
    /// Accepts every presented chain without looking at it.
    extern "C" fn accept_chain(_ctx: *mut ffi::X509_STORE_CTX, _arg: *mut c_void) -> c_int {
        1
    }
    extern "C" {
        // In libssl since 0.9.7, but not bound by `openssl-sys`; rust-openssl has no safe
        // wrapper either, hence this declaration.
        fn SSL_CTX_set_cert_verify_callback(
            ctx: *mut ffi::SSL_CTX,
            cb: Option<extern "C" fn(*mut ffi::X509_STORE_CTX, *mut c_void) -> c_int>,
            arg: *mut c_void,
        );
    }
    // SAFETY: the context pointer is valid for the builder's lifetime; the callback is a
    // plain function that ignores its arguments, and the null `arg` is never read.
    unsafe {
        SSL_CTX_set_cert_verify_callback(builder.as_ptr(), Some(accept_chain), ptr::null_mut());
    }
}

/// Caps the size of the Certificate message a client may send (`SSL_CTX_set_max_cert_list`,
/// a macro over `SSL_CTX_ctrl` that neither `openssl` nor `openssl-sys` binds).
///
/// Defends against memory and parsing cost of huge client chains: a larger message ends the
/// handshake with an alert before any certificate in it is parsed.
fn set_max_cert_list(builder: &mut SslContextBuilder, bytes: usize) {
    /// `SSL_CTRL_SET_MAX_CERT_LIST` from `<openssl/ssl.h>` (unchanged since OpenSSL 0.9.7).
    const SSL_CTRL_SET_MAX_CERT_LIST: c_int = 51;
    let bytes = c_long::try_from(bytes).unwrap_or(c_long::MAX);
    // SAFETY: a valid context pointer and a control command that takes a number and no
    // pointer argument.
    unsafe {
        ffi::SSL_CTX_ctrl(
            builder.as_ptr(),
            SSL_CTRL_SET_MAX_CERT_LIST,
            bytes,
            ptr::null_mut(),
        );
    }
}

/// The client's certificate as the application sees it, if one was presented.
pub fn client_cert(ssl: &SslRef) -> Option<ClientCert> {
    let cert = ssl.peer_certificate()?;
    let der = cert.to_der().ok()?;
    let common_name = cert
        .subject_name()
        .entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|entry| entry.data().to_string().ok());
    Some(ClientCert {
        fingerprint: Fingerprint::of_der(&der),
        common_name,
        not_before: unix_seconds(cert.not_before()).unwrap_or(i64::MIN),
        not_after: unix_seconds(cert.not_after()).unwrap_or(i64::MAX),
    })
}

/// Converts an ASN.1 time to Unix seconds.
fn unix_seconds(time: &Asn1TimeRef) -> Option<i64> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(time).ok()?;
    Some(i64::from(diff.days) * 86_400 + i64::from(diff.secs))
}

/// Fingerprint of the first certificate in a PEM file (for `gemwiki fingerprint`).
///
/// # Errors
/// The file is unreadable or holds no PEM certificate.
pub fn fingerprint_pem_file(path: &Path) -> Result<Fingerprint, TlsError> {
    let pem = fs::read(path).map_err(|source| TlsError::ReadCert {
        path: path.to_path_buf(),
        source,
    })?;
    let cert = X509::from_pem(&pem)?;
    Ok(Fingerprint::of_der(&cert.to_der()?))
}

/// `n` bytes from OpenSSL's CSPRNG, for secrets such as one-time link codes (handlers may not
/// import OpenSSL themselves).
///
/// # Errors
/// The random generator failed, which OpenSSL reports instead of returning weak bytes.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, TlsError> {
    let mut bytes = vec![0u8; n];
    openssl::rand::rand_bytes(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_is_p256_with_hostnames_and_localhost() {
        let (cert, _key) =
            generate_self_signed(&["wiki.example".into(), "127.0.0.1".into()]).unwrap();
        let cert = X509::from_pem(&cert).unwrap();
        let sans: Vec<String> = cert
            .subject_alt_names()
            .unwrap()
            .iter()
            .map(|n| {
                n.dnsname()
                    .map(str::to_string)
                    .or_else(|| n.ipaddress().map(|ip| format!("{ip:?}")))
                    .unwrap()
            })
            .collect();
        assert!(sans.contains(&"localhost".to_string()));
        assert!(sans.contains(&"wiki.example".to_string()));
        assert!(sans.contains(&"[127, 0, 0, 1]".to_string()));
        let key = cert.public_key().unwrap();
        assert_eq!(
            key.ec_key().unwrap().group().curve_name(),
            Some(Nid::X9_62_PRIME256V1)
        );
        let years =
            unix_seconds(cert.not_after()).unwrap() - unix_seconds(cert.not_before()).unwrap();
        assert!(years >= 100 * 365 * 86_400);
    }

    #[test]
    fn generated_pair_is_kept_across_starts_and_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = ensure_generated(dir.path(), &["localhost".into()]).unwrap();
        let first = fs::read(&cert).unwrap();
        ensure_generated(dir.path(), &["localhost".into()]).unwrap();
        assert_eq!(
            fs::read(&cert).unwrap(),
            first,
            "certificate must never be regenerated"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        build_acceptor(&cert, &key, true).unwrap();
        build_web_acceptor(&cert, &key).unwrap();
    }
}
