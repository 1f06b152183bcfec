//! SM2 key files of the binary: new keys, and private keys (and other secrets) written readable by
//! their owner only.

use std::path::Path;

use anyhow::Context as _;
use ggzy_crypto::sm2::PrivateKey;

/// A new random SM2 key (thread-local CSPRNG seeded by the operating system).
pub fn generate() -> PrivateKey {
    PrivateKey::generate(&mut rand::rng())
}

/// Writes a private key as PKCS#8 PEM to a new file (mode 0600); never overwrites one.
pub fn write_private(path: &Path, key: &PrivateKey) -> anyhow::Result<()> {
    let pem = key.to_pkcs8_pem().context("encoding the key")?;
    write_secret(path, pem.as_bytes())
}

/// Writes a secret (a key, a commitment's salt) to a new file readable by its owner only (mode
/// 0600); never overwrites one.
pub fn write_secret(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file =
        options.open(path).with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    std::io::Write::write_all(&mut file, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Reads a PKCS#8 PEM private key.
pub fn read_private(path: &Path) -> anyhow::Result<PrivateKey> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    PrivateKey::from_pkcs8_pem(&pem).with_context(|| format!("{} is not an SM2 PKCS#8 private key", path.display()))
}
