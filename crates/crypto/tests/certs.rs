//! Certificate chains against the test PKI made by `tests/data/pki/make.sh` (OpenSSL, SM2, default ID).

use ggzy_crypto::cert::{CertError, Certificate, TrustStore};

fn cert(pem: &str) -> Certificate {
    Certificate::from_pem(pem).expect("fixture certificate")
}

const ROOT_A: &str = include_str!("data/pki/root-a.pem");
const ROOT_B: &str = include_str!("data/pki/root-b.pem");
const OTHER_ROOT: &str = include_str!("data/pki/other-root.pem");
const SUB_A: &str = include_str!("data/pki/sub-a.pem");
const LEAF: &str = include_str!("data/pki/leaf.pem");
const LEAF_B: &str = include_str!("data/pki/leaf-b.pem");
const EXPIRED: &str = include_str!("data/pki/expired.pem");
const REVOKED: &str = include_str!("data/pki/revoked.pem");
const FOREIGN: &str = include_str!("data/pki/foreign.pem");
const SUB_A_CRL: &[u8] = include_bytes!("data/pki/sub-a.crl");

/// 2027-01-01T00:00:00Z: every fixture root and intermediate is valid then.
const NOW: i64 = 1_798_761_600;

fn store() -> TrustStore {
    let mut store = TrustStore::new(vec![cert(ROOT_A), cert(ROOT_B)]);
    store.add_crl(SUB_A_CRL, &cert(SUB_A)).expect("the CRL is signed by sub-a");
    store
}

#[test]
fn chains_to_either_trusted_root_verify() {
    let store = store();
    let chain = store.verify(&cert(LEAF), &[cert(SUB_A)], NOW).expect("leaf -> sub-a -> root A");
    let subjects: Vec<String> = chain.iter().map(Certificate::subject).collect();
    assert_eq!(subjects.len(), 3);
    assert!(subjects[0].contains("91330106MA27XY122Q"), "{subjects:?}");
    assert!(subjects[2].contains("Test SM2 Root A"), "{subjects:?}");
    // A second CA is trusted at the same time (mutual recognition).
    store.verify(&cert(LEAF_B), &[], NOW).expect("leaf-b -> root B");
    store.verify(&cert(ROOT_A), &[], NOW).expect("a trusted root verifies as itself");
    assert!(cert(LEAF).public_key().is_ok());
}

#[test]
fn a_missing_intermediate_or_an_untrusted_root_is_refused() {
    let store = store();
    assert!(matches!(store.verify(&cert(LEAF), &[], NOW), Err(CertError::Untrusted { .. })));
    assert!(matches!(store.verify(&cert(FOREIGN), &[cert(OTHER_ROOT)], NOW), Err(CertError::Untrusted { .. })));
    let only_b = TrustStore::new(vec![cert(ROOT_B)]);
    assert!(matches!(only_b.verify(&cert(LEAF), &[cert(SUB_A)], NOW), Err(CertError::Untrusted { .. })));
}

#[test]
fn validity_is_checked_at_the_given_time_for_every_link() {
    let store = store();
    let error = store.verify(&cert(EXPIRED), &[cert(SUB_A)], NOW).expect_err("expired on 2025-01-01");
    assert_eq!(error, CertError::Expired { subject: cert(EXPIRED).subject(), not_after_unix: 1_735_689_600 });
    // 2032: the leaf (valid to 2031) has expired although its CAs are still valid.
    assert!(matches!(store.verify(&cert(LEAF), &[cert(SUB_A)], 1_956_528_000), Err(CertError::Expired { .. })));
    // 2025-06-01: before the leaf's notBefore.
    assert!(matches!(store.verify(&cert(LEAF), &[cert(SUB_A)], 1_748_736_000), Err(CertError::NotYetValid { .. })));
}

#[test]
fn revocation_comes_from_the_imported_crl() {
    let revoked = cert(REVOKED);
    let error = store().verify(&revoked, &[cert(SUB_A)], NOW).expect_err("revoked by sub-a.crl");
    assert!(
        matches!(&error, CertError::Revoked { serial_hex, .. } if *serial_hex == revoked.serial_hex()),
        "{error:?}"
    );
    // Without the CRL the same certificate passes: revocation is data, imported by the operator.
    TrustStore::new(vec![cert(ROOT_A)]).verify(&revoked, &[cert(SUB_A)], NOW).expect("no CRL imported");
}

#[test]
fn tampered_certificates_and_crls_are_refused() {
    let mut der = cert(LEAF).to_der().expect("der");
    // Change one byte inside the subject name (the organisation's UTF-8), keeping the DER valid.
    let at = der.windows(3).position(|w| w == "杭".as_bytes()).expect("subject bytes");
    der[at + 2] ^= 0x01;
    let forged = Certificate::from_der(&der).expect("still parses");
    assert!(matches!(store().verify(&forged, &[cert(SUB_A)], NOW), Err(CertError::BadSignature { .. })));

    let mut store = TrustStore::new(vec![cert(ROOT_A)]);
    assert!(store.add_crl(SUB_A_CRL, &cert(ROOT_A)).is_err(), "a CRL must be signed by the CA named as its issuer");
    assert!(matches!(Certificate::from_pem("not a certificate"), Err(CertError::Malformed(_))));
}

mod issuing {
    use ggzy_crypto::cert::{CertError, IssueRequest, TrustStore, issue};
    use ggzy_crypto::sm2::PrivateKey;

    use super::NOW;

    const YEAR: i64 = 365 * 24 * 3600;

    fn request<'a>(
        subject: &'a str,
        key: &'a ggzy_crypto::sm2::PublicKey,
        serial: &'a [u8],
        is_ca: bool,
    ) -> IssueRequest<'a> {
        IssueRequest {
            subject,
            public_key: key,
            serial,
            not_before_unix: NOW - YEAR,
            not_after_unix: NOW + YEAR,
            is_ca,
        }
    }

    #[test]
    fn a_root_we_issue_certifies_a_bidder_and_the_chain_verifies() {
        let root_key = PrivateKey::generate(&mut rand::rng());
        let root_public = root_key.verifying_key();
        let root = issue(&request("CN=ggzy 演示CA,O=ggzy,C=CN", &root_public, &[1], true), None, &root_key)
            .expect("self-signed root");
        assert_eq!(root.subject(), "CN=ggzy 演示CA,O=ggzy,C=CN");

        let bidder_key = PrivateKey::generate(&mut rand::rng());
        let bidder_public = bidder_key.verifying_key();
        let subject = "CN=91330106MA27XY122Q,O=杭州测试建设有限公司,C=CN";
        let leaf =
            issue(&request(subject, &bidder_public, &[0x10, 0x01], false), Some(&root), &root_key).expect("leaf");
        assert_eq!(leaf.serial_hex(), "1001");
        assert_eq!((leaf.validity_unix().0, leaf.validity_unix().1), (NOW - YEAR, NOW + YEAR));
        let store = TrustStore::new(vec![root.clone()]);
        let chain = store.verify(&leaf, &[], NOW).expect("our chain verifies");
        assert_eq!(chain.len(), 2);
        assert_eq!(
            leaf.public_key().expect("key").to_uncompressed_point(),
            bidder_public.to_uncompressed_point(),
            "the certificate certifies the bidder's key"
        );

        // An end-entity certificate cannot issue: a chain through it is refused.
        let other = PrivateKey::generate(&mut rand::rng()).verifying_key();
        let under_leaf = issue(&request("CN=冒充", &other, &[7], false), Some(&leaf), &bidder_key).expect("builds");
        assert!(matches!(store.verify(&under_leaf, &[leaf], NOW), Err(CertError::NotACa { .. })));
        // A certificate signed with another key than its issuer's is refused.
        let forged = issue(&request(subject, &bidder_public, &[9], false), Some(&root), &bidder_key).expect("builds");
        assert!(matches!(store.verify(&forged, &[], NOW), Err(CertError::BadSignature { .. })));
    }
}
