//! X.509 certificates with SM2 keys (GM/T 0015): parsing, chain verification against a set of
//! trusted roots, validity at a given time, and revocation from imported CRLs.
//!
//! A deployment trusts several CAs at once (mutual recognition of CAs, 互认): a chain is accepted
//! if it ends at any trusted root. Time is an input (`now_unix`), never read here. Every
//! certificate and CRL signature must be SM2-with-SM3 under the GM/T default ID.

use der::{Decode as _, DecodePem as _, Encode as _};
use x509_cert::Certificate as X509;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::BasicConstraints;

use crate::sm2::{PreparedPublicKey, PublicKey, Sm2Error};

/// OID of SM2-with-SM3 signatures (GM/T 0006).
const SM2_WITH_SM3: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("1.2.156.10197.1.501");
/// Longest chain followed (leaf, intermediates, root).
const MAX_CHAIN: usize = 8;

/// Why a certificate is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// Not a DER or PEM X.509 certificate or CRL.
    #[error("malformed certificate or CRL: {0}")]
    Malformed(String),
    /// Signed with something other than SM2-with-SM3.
    #[error("unsupported signature algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// No chain to a trusted root.
    #[error("no chain from {subject} to a trusted root")]
    Untrusted {
        /// Subject of the certificate whose issuer was not found.
        subject: String,
    },
    /// A certificate of the chain has expired.
    #[error("certificate {subject} expired at {not_after_unix}")]
    Expired {
        /// Its subject.
        subject: String,
        /// Its notAfter, Unix seconds.
        not_after_unix: i64,
    },
    /// A certificate of the chain is not valid yet.
    #[error("certificate {subject} is not valid before {not_before_unix}")]
    NotYetValid {
        /// Its subject.
        subject: String,
        /// Its notBefore, Unix seconds.
        not_before_unix: i64,
    },
    /// A certificate of the chain is revoked by an imported CRL.
    #[error("certificate {subject} (serial {serial_hex}) revoked at {revoked_at_unix}")]
    Revoked {
        /// Its subject.
        subject: String,
        /// Its serial number, hex.
        serial_hex: String,
        /// When it was revoked, Unix seconds.
        revoked_at_unix: i64,
    },
    /// A signature in the chain (or on a CRL) does not verify.
    #[error("bad signature on {subject}")]
    BadSignature {
        /// Subject of the certificate (or issuer of the CRL).
        subject: String,
    },
    /// An issuing certificate is not a CA (basicConstraints).
    #[error("{subject} is not a CA certificate")]
    NotACa {
        /// Its subject.
        subject: String,
    },
}

fn malformed(error: impl std::fmt::Display) -> CertError {
    CertError::Malformed(error.to_string())
}

/// A parsed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate(X509);

impl Certificate {
    /// Parses one PEM certificate.
    pub fn from_pem(pem: &str) -> Result<Certificate, CertError> {
        X509::from_pem(pem).map(Certificate).map_err(malformed)
    }

    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        X509::from_der(der).map(Certificate).map_err(malformed)
    }

    /// Parses every certificate of a PEM bundle.
    pub fn load_pem_chain(pem: &str) -> Result<Vec<Certificate>, CertError> {
        X509::load_pem_chain(pem.as_bytes())
            .map(|certs| certs.into_iter().map(Certificate).collect())
            .map_err(malformed)
    }

    /// The subject as an RFC 4514 string.
    pub fn subject(&self) -> String {
        self.0.tbs_certificate().subject().to_string()
    }

    /// The subject's common name (CN); for an entity's certificate, its unified social credit code.
    pub fn common_name(&self) -> Option<String> {
        self.subject().split(',').find_map(|part| part.trim().strip_prefix("CN=")).map(str::to_owned)
    }

    /// The serial number, lower-case hex.
    pub fn serial_hex(&self) -> String {
        self.0.tbs_certificate().serial_number().as_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// notBefore and notAfter, Unix seconds.
    pub fn validity_unix(&self) -> (i64, i64) {
        let validity = self.0.tbs_certificate().validity();
        (unix(&validity.not_before), unix(&validity.not_after))
    }

    /// The certified SM2 public key.
    pub fn public_key(&self) -> Result<PublicKey, CertError> {
        let spki = self.0.tbs_certificate().subject_public_key_info().to_der().map_err(malformed)?;
        PublicKey::from_spki_der(&spki).map_err(malformed)
    }

    /// The PEM encoding.
    pub fn to_pem(&self) -> Result<String, CertError> {
        use der::EncodePem as _;
        self.0.to_pem(der::pem::LineEnding::LF).map_err(malformed)
    }

    /// The DER encoding.
    pub fn to_der(&self) -> Result<Vec<u8>, CertError> {
        self.0.to_der().map_err(malformed)
    }

    /// The signed part (TBSCertificate), DER.
    pub fn tbs_der(&self) -> Result<Vec<u8>, CertError> {
        self.0.tbs_certificate().to_der().map_err(malformed)
    }

    /// The issuer's signature as carried in the certificate (DER `SEQUENCE { r, s }` for SM2).
    pub fn signature_bytes(&self) -> &[u8] {
        self.0.signature().raw_bytes()
    }

    fn is_ca(&self) -> bool {
        matches!(self.0.tbs_certificate().get_extension::<BasicConstraints>(), Ok(Some((_, constraints))) if constraints.ca)
    }

    fn is_issued_by(&self, issuer: &Certificate) -> bool {
        self.0.tbs_certificate().issuer() == issuer.0.tbs_certificate().subject()
    }

    /// Checks this certificate's signature under `issuer`'s key.
    fn check_signed_by(&self, issuer: &Certificate) -> Result<(), CertError> {
        self.check_signature(&IssuerKey::Parsed(issuer.public_key()?))
    }

    /// Checks this certificate's signature under an issuer's key.
    fn check_signature(&self, key: &IssuerKey<'_>) -> Result<(), CertError> {
        let tbs = self.0.tbs_certificate().to_der().map_err(malformed)?;
        check_sm2_signature(&self.0.signature_algorithm().oid, &tbs, self.0.signature().raw_bytes(), key, || {
            self.subject()
        })
    }

    fn check_time(&self, now_unix: i64) -> Result<(), CertError> {
        let (not_before_unix, not_after_unix) = self.validity_unix();
        if now_unix < not_before_unix {
            return Err(CertError::NotYetValid { subject: self.subject(), not_before_unix });
        }
        if now_unix > not_after_unix {
            return Err(CertError::Expired { subject: self.subject(), not_after_unix });
        }
        Ok(())
    }
}

fn unix(time: &x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// The key that checks a certificate or CRL signature.
enum IssuerKey<'a> {
    /// A trusted root's, prepared when the store was built.
    Root(&'a PreparedPublicKey),
    /// An intermediate's (or a CRL issuer's outside the store), parsed for this check.
    Parsed(PublicKey),
}

impl IssuerKey<'_> {
    fn verify(&self, signed: &[u8], signature: &[u8]) -> Result<(), Sm2Error> {
        match self {
            IssuerKey::Root(key) => key.verify(signed, signature),
            IssuerKey::Parsed(key) => key.verify(signed, signature),
        }
    }
}

fn check_sm2_signature(
    algorithm: &der::asn1::ObjectIdentifier,
    signed: &[u8],
    signature: &[u8],
    key: &IssuerKey<'_>,
    subject: impl Fn() -> String,
) -> Result<(), CertError> {
    if *algorithm != SM2_WITH_SM3 {
        return Err(CertError::UnsupportedAlgorithm(algorithm.to_string()));
    }
    key.verify(signed, signature).map_err(|_| CertError::BadSignature { subject: subject() })
}

/// What a CA puts into a certificate it issues.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    /// Subject distinguished name, RFC 4514, e.g. `CN=91330106MA27XY122Q,O=杭州测试建设有限公司,C=CN`.
    pub subject: &'a str,
    /// The subject's SM2 public key.
    pub public_key: &'a PublicKey,
    /// Serial number, 1 to 20 bytes, unique per CA (positive: the high bit of the first byte clear).
    pub serial: &'a [u8],
    /// Start of validity, Unix seconds.
    pub not_before_unix: i64,
    /// End of validity, Unix seconds.
    pub not_after_unix: i64,
    /// A CA certificate (may sign certificates and CRLs) or an end-entity one (signs and decrypts).
    pub is_ca: bool,
}

/// The issuer and the subject of a certificate being built, with the extensions its kind needs.
struct Profile {
    subject: x509_cert::name::Name,
    issuer: Option<x509_cert::name::Name>,
    is_ca: bool,
}

impl x509_cert::builder::profile::BuilderProfile for Profile {
    fn get_issuer(&self, subject: &x509_cert::name::Name) -> x509_cert::name::Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }

    fn get_subject(&self) -> x509_cert::name::Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<x509_cert::ext::Extension>> {
        use x509_cert::ext::ToExtension as _;
        use x509_cert::ext::pkix::{KeyUsage, KeyUsages};
        let existing = x509_cert::ext::Extensions::default();
        let constraints = BasicConstraints { ca: self.is_ca, path_len_constraint: None };
        let usage = if self.is_ca {
            KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)
        } else {
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment)
        };
        Ok(vec![constraints.to_extension(tbs.subject(), &existing)?, usage.to_extension(tbs.subject(), &existing)?])
    }
}

fn time_of(unix: i64) -> Result<x509_cert::time::Time, CertError> {
    let seconds = u64::try_from(unix).map_err(|_| CertError::Malformed(format!("time {unix} before 1970")))?;
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(seconds))
        .map(x509_cert::time::Time::from)
        .map_err(malformed)
}

/// Issues a certificate signed by `issuer_key`: under `issuer` (its certificate), or self-signed
/// as a root when `issuer` is `None`. Signature SM2-with-SM3, default ID. Time is an input.
pub fn issue(
    request: &IssueRequest<'_>,
    issuer: Option<&Certificate>,
    issuer_key: &crate::sm2::PrivateKey,
) -> Result<Certificate, CertError> {
    use std::str::FromStr as _;
    use x509_cert::builder::Builder as _;
    let subject = x509_cert::name::Name::from_str(request.subject).map_err(malformed)?;
    let profile = Profile {
        subject,
        issuer: issuer.map(|cert| cert.0.tbs_certificate().subject().clone()),
        is_ca: request.is_ca,
    };
    let serial = x509_cert::serial_number::SerialNumber::new(request.serial).map_err(malformed)?;
    let validity = x509_cert::time::Validity::new(time_of(request.not_before_unix)?, time_of(request.not_after_unix)?);
    let spki_der = request.public_key.to_spki_der().map_err(malformed)?;
    let spki = spki::SubjectPublicKeyInfoOwned::from_der(&spki_der).map_err(malformed)?;
    let mut builder =
        x509_cert::builder::CertificateBuilder::new(profile, serial, validity, spki).map_err(malformed)?;
    // Sign the TBS ourselves: sm2 0.14 encodes a certificate's signature as raw r || s, but X.509
    // (GM/T 0015, OpenSSL) carries the DER SEQUENCE { r, s }.
    let tbs = builder.finalize(issuer_key.signer()).map_err(malformed)?;
    let signature = der::asn1::BitString::from_bytes(&issuer_key.sign(&tbs)).map_err(malformed)?;
    let cert = builder.assemble(signature, issuer_key.signer()).map_err(malformed)?;
    Ok(Certificate(cert))
}

/// A revocation list whose signature was checked when it was imported.
#[derive(Debug, Clone)]
struct Crl(CertificateList);

/// The CAs a deployment trusts and the CRLs it has imported.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
    /// Each root's key, prepared once because it checks every certificate the root issued (or why
    /// it has none, reported when it is needed, as for any issuer); same order as `roots`.
    root_keys: Vec<Result<PreparedPublicKey, CertError>>,
    crls: Vec<Crl>,
}

impl TrustStore {
    /// A store trusting `roots` (several CAs at once).
    pub fn new(roots: Vec<Certificate>) -> TrustStore {
        let root_keys = roots.iter().map(|root| root.public_key().map(PreparedPublicKey::new)).collect();
        TrustStore { roots, root_keys, crls: Vec::new() }
    }

    /// The prepared key of the `index`-th trusted root.
    fn root_key(&self, index: usize) -> Result<&PreparedPublicKey, CertError> {
        match self.root_keys.get(index) {
            Some(Ok(key)) => Ok(key),
            Some(Err(error)) => Err(error.clone()),
            // `root_keys` is built from `roots`, so this arm only exists to avoid a panic.
            None => Err(CertError::Malformed(format!("no key for trusted root {index}"))),
        }
    }

    /// The trusted roots.
    pub fn roots(&self) -> &[Certificate] {
        &self.roots
    }

    /// Imports a CRL (PEM or DER) after checking it is signed by `issuer` (a root or an intermediate).
    pub fn add_crl(&mut self, crl: &[u8], issuer: &Certificate) -> Result<(), CertError> {
        let list = match std::str::from_utf8(crl) {
            Ok(text) if text.contains("-----BEGIN") => CertificateList::from_pem(text).map_err(malformed)?,
            _ => CertificateList::from_der(crl).map_err(malformed)?,
        };
        if list.tbs_cert_list.issuer != *issuer.0.tbs_certificate().subject() {
            return Err(CertError::BadSignature { subject: list.tbs_cert_list.issuer.to_string() });
        }
        // A root's CRL is checked with its prepared key, any other issuer's with its parsed key.
        let key = match self.roots.iter().position(|root| root == issuer) {
            Some(index) => IssuerKey::Root(self.root_key(index)?),
            None => IssuerKey::Parsed(issuer.public_key()?),
        };
        let tbs = list.tbs_cert_list.to_der().map_err(malformed)?;
        check_sm2_signature(&list.signature_algorithm.oid, &tbs, list.signature.raw_bytes(), &key, || {
            list.tbs_cert_list.issuer.to_string()
        })?;
        self.crls.push(Crl(list));
        Ok(())
    }

    fn check_revocation(&self, cert: &Certificate, now_unix: i64) -> Result<(), CertError> {
        let tbs = cert.0.tbs_certificate();
        for Crl(list) in &self.crls {
            if list.tbs_cert_list.issuer != *tbs.issuer() {
                continue;
            }
            for revoked in list.tbs_cert_list.revoked_certificates.iter().flatten() {
                let revoked_at_unix = unix(&revoked.revocation_date);
                if revoked.serial_number.as_bytes() == tbs.serial_number().as_bytes() && revoked_at_unix <= now_unix {
                    return Err(CertError::Revoked {
                        subject: cert.subject(),
                        serial_hex: cert.serial_hex(),
                        revoked_at_unix,
                    });
                }
            }
        }
        Ok(())
    }

    /// Verifies `leaf` at `now_unix`: a chain through `intermediates` to a trusted root, every
    /// signature SM2 under the default ID, every certificate within its validity and not revoked,
    /// every issuer a CA. Returns the chain from the leaf to the root.
    pub fn verify(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        now_unix: i64,
    ) -> Result<Vec<Certificate>, CertError> {
        let mut chain = vec![leaf.clone()];
        let mut current = leaf.clone();
        for _ in 0..MAX_CHAIN {
            current.check_time(now_unix)?;
            if self.roots.contains(&current) {
                // A trusted root itself: there is nothing above it to check.
                return Ok(chain);
            }
            self.check_revocation(&current, now_unix)?;
            if let Some((index, root)) = self.roots.iter().enumerate().find(|(_, root)| current.is_issued_by(root)) {
                current.check_signature(&IssuerKey::Root(self.root_key(index)?))?;
                root.check_time(now_unix)?;
                if !root.is_ca() {
                    return Err(CertError::NotACa { subject: root.subject() });
                }
                chain.push(root.clone());
                return Ok(chain);
            }
            let Some(issuer) = intermediates.iter().find(|cert| current.is_issued_by(cert) && *cert != &current) else {
                return Err(CertError::Untrusted { subject: current.subject() });
            };
            current.check_signed_by(issuer)?;
            if !issuer.is_ca() {
                return Err(CertError::NotACa { subject: issuer.subject() });
            }
            chain.push(issuer.clone());
            current = issuer.clone();
        }
        Err(CertError::Untrusted { subject: leaf.subject() })
    }
}
