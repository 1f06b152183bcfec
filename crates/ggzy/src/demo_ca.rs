//! A demo certificate authority (`ggzy ca`, and the demo's PKI): a self-signed SM2 CA in a
//! directory (`ca.pem`, `ca-key.pem` mode 0600) issuing end-entity certificates. Real deployments
//! import the CAs they recognise (`trusted_ca_files`) instead.

use std::path::Path;

use anyhow::Context as _;
use ggzy_crypto::cert::{Certificate, IssueRequest, issue};
use ggzy_crypto::sm2::PrivateKey;

const DAY: i64 = 86_400;

/// A CA on disk.
pub struct DemoCa {
    /// The CA certificate.
    pub cert: Certificate,
    key: PrivateKey,
}

/// Escapes a value for an RFC 4514 distinguished name.
fn dn_value(value: &str) -> String {
    value.chars().fold(String::new(), |mut out, c| {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// A fresh positive serial number.
fn serial() -> [u8; 16] {
    let mut serial = [0u8; 16];
    ggzy_app::entropy::Entropy::fill(&ggzy_app::entropy::OsEntropy, &mut serial);
    // Serial numbers are positive INTEGERs without a leading zero byte.
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    serial
}

impl DemoCa {
    /// Creates a CA valid for ten years from `now_unix` (a day of slack before).
    pub fn init(dir: &Path, name: &str, now_unix: i64) -> anyhow::Result<DemoCa> {
        let key = crate::keys::generate();
        crate::keys::write_private(&dir.join("ca-key.pem"), &key)?;
        let request = IssueRequest {
            subject: &format!("CN={},O=ggzy,C=CN", dn_value(name)),
            public_key: &key.verifying_key(),
            serial: &serial(),
            not_before_unix: now_unix - DAY,
            not_after_unix: now_unix + 3650 * DAY,
            is_ca: true,
        };
        let cert = issue(&request, None, &key).map_err(|e| anyhow::anyhow!("issuing the CA certificate: {e}"))?;
        std::fs::write(dir.join("ca.pem"), cert.to_pem().map_err(|e| anyhow::anyhow!("{e}"))?)
            .with_context(|| format!("writing {}", dir.join("ca.pem").display()))?;
        Ok(DemoCa { cert, key })
    }

    /// Opens a CA made by [`DemoCa::init`].
    pub fn open(dir: &Path) -> anyhow::Result<DemoCa> {
        let key = crate::keys::read_private(&dir.join("ca-key.pem"))?;
        let pem = std::fs::read_to_string(dir.join("ca.pem"))
            .with_context(|| format!("reading {}", dir.join("ca.pem").display()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| anyhow::anyhow!("ca.pem: {e}"))?;
        Ok(DemoCa { cert, key })
    }

    /// Issues a certificate for `common_name` (an entity's credit code, or an official's name)
    /// with a new key, valid two years from `now_unix`; writes `PREFIX.pem` and `PREFIX.key.pem`.
    pub fn issue(
        &self,
        common_name: &str,
        organisation: &str,
        now_unix: i64,
        out_prefix: &Path,
    ) -> anyhow::Result<(Certificate, PrivateKey)> {
        let key = crate::keys::generate();
        let request = IssueRequest {
            subject: &format!("CN={},O={},C=CN", dn_value(common_name), dn_value(organisation)),
            public_key: &key.verifying_key(),
            serial: &serial(),
            not_before_unix: now_unix - DAY,
            not_after_unix: now_unix + 730 * DAY,
            is_ca: false,
        };
        let cert = issue(&request, Some(&self.cert), &self.key).map_err(|e| anyhow::anyhow!("issuing: {e}"))?;
        crate::keys::write_private(&out_prefix.with_extension("key.pem"), &key)?;
        let cert_path = out_prefix.with_extension("pem");
        std::fs::write(&cert_path, cert.to_pem().map_err(|e| anyhow::anyhow!("{e}"))?)
            .with_context(|| format!("writing {}", cert_path.display()))?;
        Ok((cert, key))
    }
}
