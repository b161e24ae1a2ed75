//! Private key files: written readable by the owner only, and a warning when one is not, as
//! ssh warns about an unprotected identity file.

use std::io::{self, Write};
use std::path::Path;

use super::{KeyRole, PrivateKey};

/// Why a private key file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// The file does not hold a usable key.
    #[error("{path}: {source}")]
    Key {
        /// The file.
        path: String,
        /// Why (never the key itself).
        #[source]
        source: crate::KeyError,
    },
}

/// What is wrong with `path`'s permissions for a private key, if anything: a file that its
/// group or others may read or write. `None` on platforms without Unix modes.
pub fn permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "private key file {} is accessible by others (mode {mode:04o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Reads a private key in `role` from `path` (PEM or bare base64), logging a warning when the
/// file is accessible by others.
pub fn read_private_key(path: &Path, role: KeyRole) -> Result<PrivateKey, KeyFileError> {
    if let Some(warning) = permission_warning(path) {
        tracing::warn!("{warning}");
    }
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
        KeyFileError::Io {
            path: path.display().to_string(),
            source,
        }
    })?);
    PrivateKey::parse(&text, role).map_err(|source| KeyFileError::Key {
        path: path.display().to_string(),
        source,
    })
}

/// Writes `key` as PKCS#8 PEM to `path`, readable and writable by the owner only (mode 0600
/// on Unix, also when the file existed with a wider mode).
pub fn write_private_key(path: &Path, key: &PrivateKey) -> Result<(), KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // `mode` applies only when the file is created; narrow an existing one first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(key.to_pkcs8_pem().as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn keys_are_written_private_and_a_readable_one_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("merchant.pem");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(permission_warning(&path).unwrap().contains("mode 0644"));

        let key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        write_private_key(&path, &key).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(permission_warning(&path), None);
        let read = read_private_key(&path, KeyRole::MerchantPrivate).unwrap();
        assert!(read.public_key().same_key_as(&key.public_key()));
    }
}
