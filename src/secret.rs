//! The action-token secret (SPEC §3.0): 32 random bytes in `<data_dir>/action-token.key`,
//! generated on first start with mode 0600 and read on every later one, so tokens survive a
//! restart and every node sharing the data directory agrees. The pure HMAC is
//! [`crate::wiki::token`]; this module is only the file. Never log the bytes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::wiki::token::TokenKey;

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "action-token.key";

/// Why the secret could not be loaded or made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write the action-token key {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the action-token key {path} is {len} bytes, not 32; move it away to generate a new \
         one (open links and prompts stop working)"
    )]
    BadLength { path: PathBuf, len: usize },
    #[error("no random bytes for the action-token key: {0}")]
    Random(#[from] crate::tls::TlsError),
}

/// The data directory's token key, generating it (0600) if there is none yet.
///
/// # Errors
/// The file cannot be read or created, has the wrong length, or randomness failed.
pub fn load_or_create(data_dir: &Path) -> Result<TokenKey, SecretError> {
    let path = data_dir.join(KEY_FILE);
    let io = |source| SecretError::Io {
        path: path.clone(),
        source,
    };
    match fs::read(&path) {
        Ok(bytes) => {
            let len = bytes.len();
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadLength {
                path: path.clone(),
                len,
            })?;
            Ok(TokenKey::from_bytes(bytes))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let random = crate::tls::random_bytes(32)?;
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(&random);
            // create_new: two nodes starting at once must not overwrite each other's key.
            match write_private(&path, &bytes) {
                Ok(()) => Ok(TokenKey::from_bytes(bytes)),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    load_or_create(data_dir)
                }
                Err(err) => Err(io(err)),
            }
        }
        Err(err) => Err(io(err)),
    }
}

/// Creates `path` with mode 0600 (other local users must not read the key and forge tokens).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Fingerprint;
    use crate::wiki::token::{Intent, TokenState};

    fn token(key: &TokenKey) -> String {
        key.token(&Intent {
            fingerprint: &Fingerprint::of_der(b"cert"),
            action: "replace",
            target: "Welcome",
            state: &TokenState::Revision(1),
        })
    }

    #[test]
    fn the_secret_survives_a_restart_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let again = load_or_create(dir.path()).unwrap();
        assert_eq!(token(&first), token(&again));
        let path = dir.path().join(KEY_FILE);
        assert_eq!(fs::read(&path).unwrap().len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = tempfile::tempdir().unwrap();
        assert_ne!(token(&load_or_create(other.path()).unwrap()), token(&first));
    }

    #[test]
    fn a_truncated_key_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        let err = load_or_create(dir.path()).unwrap_err();
        assert!(
            matches!(err, SecretError::BadLength { len: 5, .. }),
            "{err}"
        );
    }
}
