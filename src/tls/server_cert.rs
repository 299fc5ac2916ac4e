//! The server certificate as an operator sees it: what a certificate file says (fingerprint,
//! names, validity) for `gemwiki tls show`, whether it names every configured hostname (the
//! startup warning), and `gemwiki tls regenerate`, which keeps the old pair as `*.old`.

use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use openssl::x509::X509;

use super::{ensure_generated, generated_paths, unix_seconds, TlsError};
use crate::identity::Fingerprint;

/// What a server certificate file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// SHA-256 of the DER bytes: what TOFU clients pin and show.
    pub fingerprint: Fingerprint,
    /// The subject's common name, if any.
    pub common_name: Option<String>,
    /// The subject alternative names: DNS names as written, IP addresses in their usual form.
    pub names: Vec<String>,
    /// Validity, in Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
}

/// Reads the first certificate of a PEM file.
///
/// # Errors
/// The file is unreadable or holds no PEM certificate.
pub fn inspect(path: &Path) -> Result<CertInfo, TlsError> {
    let pem = fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let cert = X509::from_pem(&pem)?;
    let names = cert
        .subject_alt_names()
        .map(|sans| {
            sans.iter()
                .filter_map(|name| {
                    name.dnsname()
                        .map(str::to_owned)
                        .or_else(|| name.ipaddress().and_then(ip_text))
                })
                .collect()
        })
        .unwrap_or_default();
    let common_name = cert
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .and_then(|entry| entry.data().to_string().ok());
    Ok(CertInfo {
        fingerprint: Fingerprint::of_der(&cert.to_der()?),
        common_name,
        names,
        not_before: unix_seconds(cert.not_before()).unwrap_or(i64::MIN),
        not_after: unix_seconds(cert.not_after()).unwrap_or(i64::MAX),
    })
}

/// An IP address SAN (4 or 16 bytes) as text.
fn ip_text(bytes: &[u8]) -> Option<String> {
    let ip = match bytes.len() {
        4 => IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?),
        16 => IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?),
        _ => return None,
    };
    Some(ip.to_string())
}

impl CertInfo {
    /// The configured hostnames this certificate does not name, in their order. Clients that
    /// check names refuse (or warn about) a certificate for another host, so a hostname
    /// added after the first start needs a new certificate.
    pub fn uncovered<'h>(&self, hostnames: &'h [String]) -> Vec<&'h str> {
        // Without SANs, clients fall back to the common name.
        let fallback: Vec<String> = self.common_name.iter().cloned().collect();
        let names = if self.names.is_empty() {
            &fallback
        } else {
            &self.names
        };
        hostnames
            .iter()
            .map(String::as_str)
            .filter(|host| !names.iter().any(|name| covers(name, host)))
            .collect()
    }
}

/// Whether the certificate name `name` covers `host` (case-insensitive; `*.example.org`
/// covers exactly one label, as RFC 6125 has it; IP addresses compare as addresses).
fn covers(name: &str, host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return name.parse::<IpAddr>() == Ok(ip);
    }
    let (name, host) = (name.to_ascii_lowercase(), host.to_ascii_lowercase());
    match name.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == parent),
        None => name == host,
    }
}

/// What to tell the operator about a hostname the certificate does not name.
pub fn uncovered_warning(host: &str) -> String {
    format!(
        "the server certificate does not name {host}, so clients that check names will refuse \
         or warn: run gemwiki tls regenerate (clients that pinned the old certificate warn \
         once), or set [tls] cert_file to a certificate that names it"
    )
}

/// Logs [`uncovered_warning`] for each configured hostname the certificate at `cert` does
/// not name (at startup: a hostname added later keeps the old certificate otherwise).
pub fn warn_uncovered(cert: &Path, hostnames: &[String]) {
    match inspect(cert) {
        Ok(info) => {
            for host in info.uncovered(hostnames) {
                tracing::warn!("{}", uncovered_warning(host));
            }
        }
        Err(err) => tracing::warn!(error = %err, "cannot read the server certificate's names"),
    }
}

/// The old pair and the new one, after [`regenerate`].
#[derive(Debug)]
pub struct Regenerated {
    /// The previous certificate and key, renamed to `cert.pem.old` / `key.pem.old`, if there
    /// were any.
    pub old: Option<(PathBuf, PathBuf)>,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Replaces the generated certificate with a new one for `hostnames`, keeping the old pair
/// as `*.old` (an older `*.old` pair is replaced). A running server keeps serving the old
/// certificate until it restarts.
///
/// # Errors
/// The files cannot be renamed or written, or OpenSSL fails.
pub fn regenerate(data_dir: &Path, hostnames: &[String]) -> Result<Regenerated, TlsError> {
    let (cert, key) = generated_paths(data_dir);
    let old = if cert.exists() || key.exists() {
        let old_cert = cert.with_extension("pem.old");
        let old_key = key.with_extension("pem.old");
        let dir = data_dir.to_path_buf();
        let write_err = |source| TlsError::Write {
            dir: dir.clone(),
            source,
        };
        // The key first: renaming keeps its 0600 mode.
        if key.exists() {
            fs::rename(&key, &old_key).map_err(write_err)?;
        }
        if cert.exists() {
            fs::rename(&cert, &old_cert).map_err(write_err)?;
        }
        Some((old_cert, old_key))
    } else {
        None
    };
    let (cert, key) = ensure_generated(data_dir, hostnames)?;
    Ok(Regenerated { old, cert, key })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::generate_self_signed;

    fn info_for(hostnames: &[&str]) -> CertInfo {
        let hostnames: Vec<String> = hostnames.iter().map(|h| (*h).to_owned()).collect();
        let (pem, _key) = generate_self_signed(&hostnames).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cert.pem");
        fs::write(&path, pem).unwrap();
        inspect(&path).unwrap()
    }

    #[test]
    fn a_hostname_added_after_the_first_start_is_not_covered() {
        // Issue 16: the certificate generated for localhost was kept without a word when the
        // capsule went public as wiki.example.org.
        let info = info_for(&["localhost"]);
        assert_eq!(info.names, ["localhost"]);
        let hosts = ["localhost".to_owned(), "wiki.example.org".to_owned()];
        assert_eq!(info.uncovered(&hosts), ["wiki.example.org"]);
    }

    #[test]
    fn generated_names_and_addresses_are_covered() {
        let info = info_for(&["wiki.example.org", "127.0.0.1", "[::1]"]);
        assert_eq!(
            info.names,
            ["localhost", "wiki.example.org", "127.0.0.1", "::1"]
        );
        let hosts = ["WIKI.example.org", "127.0.0.1", "[::1]", "localhost"].map(String::from);
        assert!(info.uncovered(&hosts).is_empty());
        assert_eq!(info.uncovered(&["127.0.0.2".to_owned()]), ["127.0.0.2"]);
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(covers("*.example.org", "wiki.example.org"));
        assert!(!covers("*.example.org", "example.org"));
        assert!(!covers("*.example.org", "a.wiki.example.org"));
        assert!(!covers("wiki.example.org", "127.0.0.1"));
    }

    #[test]
    fn regenerate_keeps_the_old_pair() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, _key) = ensure_generated(dir.path(), &["localhost".into()]).unwrap();
        let first = inspect(&cert).unwrap();
        let done = regenerate(dir.path(), &["wiki.example.org".into()]).unwrap();
        let (old_cert, old_key) = done.old.unwrap();
        assert_eq!(inspect(&old_cert).unwrap(), first);
        assert!(old_key.exists());
        let new = inspect(&done.cert).unwrap();
        assert_ne!(new.fingerprint, first.fingerprint);
        assert_eq!(new.names, ["localhost", "wiki.example.org"]);
        #[cfg(unix)]
        for key in [&old_key, &done.key] {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", key.display());
        }
    }
}
