//! The opening-key ceremony (开标密钥仪式), run offline: a fresh SM2 opening key is made, its
//! private scalar split k-of-n (Shamir over GF(2^8)) and each share SM2-encrypted to one official's
//! certificate. Only the public key and the encrypted shares leave the machine (the ceremony file,
//! posted to `/api/v1/tenders/{id}/opening-key`); the private key is dropped. Opening early would
//! need k officials to decrypt their shares together.

use anyhow::Context as _;
use ggzy_crypto::cert::Certificate;
use ggzy_crypto::shamir::{self, Share};
use ggzy_crypto::sm2::{CiphertextFormat, PrivateKey};
use serde::{Deserialize, Serialize};

/// An official who will hold a share.
#[derive(Debug, Clone)]
pub struct Official {
    /// The official's user id on the platform.
    pub user_id: String,
    /// The official's certificate (its key receives the share).
    pub cert: Certificate,
}

/// One share as recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CeremonyShare {
    /// The official's user id.
    pub official_user_id: String,
    /// The official's certificate, PEM.
    pub official_cert_pem: String,
    /// Share x-coordinate (1..=n).
    pub share_index: u8,
    /// The share's y-values, SM2-encrypted (C1C3C2 DER) to the certificate, hex.
    pub encrypted_share_hex: String,
}

/// What a ceremony produces: the body of `POST /api/v1/tenders/{id}/opening-key`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CeremonyFile {
    /// Opening public key, SPKI PEM.
    pub public_key_pem: String,
    /// Shares needed.
    pub threshold: u8,
    /// One share per official.
    pub shares: Vec<CeremonyShare>,
}

impl CeremonyFile {
    /// The ceremony as the app records it (the shares' hex decoded).
    pub fn to_key_ceremony(&self) -> anyhow::Result<ggzy_app::tender::KeyCeremony> {
        let shares = self
            .shares
            .iter()
            .map(|share| {
                Ok(ggzy_app::tender::CeremonyShare {
                    official_user_id: share.official_user_id.clone(),
                    official_cert_pem: share.official_cert_pem.clone(),
                    share_index: share.share_index,
                    encrypted_share: hex::decode(&share.encrypted_share_hex)
                        .with_context(|| format!("share of {} is not hex", share.official_user_id))?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(ggzy_app::tender::KeyCeremony {
            public_key_pem: self.public_key_pem.clone(),
            threshold: self.threshold,
            shares,
        })
    }
}

/// Holds a ceremony for `officials` with threshold `k`.
pub fn hold(threshold: u8, officials: &[Official], rng: &mut impl rand::CryptoRng) -> anyhow::Result<CeremonyFile> {
    anyhow::ensure!(officials.len() >= 2, "开标密钥至少分给2名监督人员");
    anyhow::ensure!(
        threshold >= 2 && usize::from(threshold) <= officials.len(),
        "门限须不少于2且不超过人数（{threshold}/{}）",
        officials.len()
    );
    let key = PrivateKey::generate(rng);
    let public_key_pem = key.verifying_key().to_public_key_pem().map_err(|e| anyhow::anyhow!("{e}"))?;
    let scalar = key.to_scalar_bytes();
    let shares = shamir::split(&scalar, usize::from(threshold), officials.len(), rng)
        .map_err(|e| anyhow::anyhow!("splitting the opening key: {e}"))?;
    let mut out = Vec::with_capacity(shares.len());
    for (share, official) in shares.iter().zip(officials) {
        let public = official.cert.public_key().map_err(|e| anyhow::anyhow!("{}: {e}", official.user_id))?;
        let encrypted = public
            .encrypt(rng, &share.y, CiphertextFormat::Der)
            .map_err(|e| anyhow::anyhow!("encrypting the share of {}: {e}", official.user_id))?;
        out.push(CeremonyShare {
            official_user_id: official.user_id.clone(),
            official_cert_pem: official.cert.to_pem().map_err(|e| anyhow::anyhow!("{e}"))?,
            share_index: share.x,
            encrypted_share_hex: hex::encode(encrypted),
        });
    }
    Ok(CeremonyFile { public_key_pem, threshold, shares: out })
}

/// An official decrypts its own share with its private key (at an escrow opening).
pub fn decrypt_share(share: &CeremonyShare, official_key: &PrivateKey) -> anyhow::Result<Share> {
    let encrypted = hex::decode(&share.encrypted_share_hex).context("encrypted share is not hex")?;
    let y = official_key
        .decrypt(&encrypted, CiphertextFormat::Der)
        .map_err(|_| anyhow::anyhow!("this key cannot decrypt the share of {}", share.official_user_id))?;
    Ok(Share { x: share.share_index, y })
}

/// Rebuilds the opening key from at least `threshold` decrypted shares.
pub fn rebuild_key(shares: &[Share]) -> anyhow::Result<PrivateKey> {
    let scalar = shamir::combine(shares).map_err(|e| anyhow::anyhow!("combining shares: {e}"))?;
    PrivateKey::from_scalar_bytes(&scalar).map_err(|e| anyhow::anyhow!("rebuilt key is not valid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ggzy_crypto::cert::{IssueRequest, issue};

    fn official(n: u8, ca: &Certificate, ca_key: &PrivateKey) -> (Official, PrivateKey) {
        let key = PrivateKey::from_scalar_bytes(&[n; 32]).expect("key");
        let request = IssueRequest {
            subject: &format!("CN=official{n},O=ggzy,C=CN"),
            public_key: &key.verifying_key(),
            serial: &[n],
            not_before_unix: 1_700_000_000,
            not_after_unix: 1_900_000_000,
            is_ca: false,
        };
        let cert = issue(&request, Some(ca), ca_key).expect("issue");
        (Official { user_id: format!("u{n}"), cert }, key)
    }

    #[test]
    fn any_two_of_three_officials_rebuild_the_key_and_one_alone_cannot() {
        let ca_key = PrivateKey::from_scalar_bytes(&[9; 32]).expect("ca key");
        let request = IssueRequest {
            subject: "CN=ca,O=ggzy,C=CN",
            public_key: &ca_key.verifying_key(),
            serial: &[1],
            not_before_unix: 1_700_000_000,
            not_after_unix: 1_900_000_000,
            is_ca: true,
        };
        let ca = issue(&request, None, &ca_key).expect("ca");
        let people: Vec<_> = (1..=3).map(|n| official(n, &ca, &ca_key)).collect();
        let officials: Vec<Official> = people.iter().map(|(o, _)| o.clone()).collect();
        let file = hold(2, &officials, &mut rand::rng()).expect("ceremony");
        let public = ggzy_crypto::sm2::PublicKey::from_public_key_pem(&file.public_key_pem).expect("public key");
        let decrypted: Vec<Share> = file
            .shares
            .iter()
            .zip(&people)
            .map(|(share, (_, key))| decrypt_share(share, key).expect("own share"))
            .collect();
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let rebuilt = rebuild_key(&[decrypted[pair[0]].clone(), decrypted[pair[1]].clone()]).expect("rebuild");
            assert_eq!(rebuilt.verifying_key().to_uncompressed_point(), public.to_uncompressed_point());
        }
        let alone = rebuild_key(&decrypted[..1]).map(|k| k.verifying_key().to_uncompressed_point());
        assert_ne!(alone.ok(), Some(public.to_uncompressed_point()));
        assert!(decrypt_share(&file.shares[0], &people[1].1).is_err(), "a share opens only with its official's key");
    }
}
