//! Person keys (人员标识): the keyed SM3 digest by which the platform recognises one person across
//! entities (legal representatives, shareholders, officers) and experts, without keeping the
//! resident ID number (`ggzy_domain::person_key` says why a plain hash would not do).
//!
//! The pepper is a per-deployment secret generated once into the data directory, like the
//! platform's signing key, and kept outside the database: a copy of the database alone cannot be
//! matched against ID numbers. Losing or changing it makes new keys differ from the recorded ones,
//! so it is backed up with the platform key and shared by every server of one deployment.

use std::fmt;

use ggzy_crypto::sm3::Sm3Hasher;
use ggzy_domain::ResidentId;
use ggzy_domain::person_key::PersonKey;

use crate::App;
use crate::error::{AppError, AppResult};

/// Bytes of a pepper.
pub const PEPPER_LEN: usize = 32;

/// Separates person keys from every other SM3 use of the platform (and from later versions).
const DOMAIN: &[u8] = b"ggzy person key v1\0";

/// The deployment's secret pepper of person keys. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonKeyPepper([u8; PEPPER_LEN]);

impl PersonKeyPepper {
    /// The pepper with these bytes.
    pub fn from_bytes(bytes: [u8; PEPPER_LEN]) -> PersonKeyPepper {
        PersonKeyPepper(bytes)
    }

    /// Parses the file form: 64 hexadecimal characters, surrounding whitespace ignored.
    ///
    /// # Errors
    /// A message naming the expected form (never the content).
    pub fn parse_hex(text: &str) -> Result<PersonKeyPepper, String> {
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; PEPPER_LEN]>::try_from(bytes).ok())
            .map(PersonKeyPepper)
            .ok_or_else(|| format!("a person-key pepper is {} hexadecimal characters", 2 * PEPPER_LEN))
    }

    /// The file form: 64 lower-case hexadecimal characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for PersonKeyPepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonKeyPepper(..)")
    }
}

/// The person key of `id` under `pepper`: SM3(domain ‖ pepper ‖ the normalised 18 characters).
/// The pepper has a fixed length and the number too, so the concatenation is unambiguous.
pub fn person_key(pepper: &PersonKeyPepper, id: &ResidentId) -> PersonKey {
    let mut hasher = Sm3Hasher::new();
    hasher.update(DOMAIN);
    hasher.update(&pepper.0);
    hasher.update(id.as_str().as_bytes());
    PersonKey::from_bytes(hasher.finalize())
}

impl App {
    /// Installs the deployment's pepper. Without one (offline tools, unit tests of other parts)
    /// entities are recorded without person keys, as before keys existed, and relations cannot be
    /// declared.
    pub fn with_person_key_pepper(mut self, pepper: PersonKeyPepper) -> App {
        self.person_key_pepper = Some(pepper);
        self
    }

    /// The person key of `id`, when the pepper is installed.
    pub(crate) fn person_key(&self, id: &ResidentId) -> Option<PersonKey> {
        self.person_key_pepper.as_ref().map(|pepper| person_key(pepper, id))
    }

    /// The person key of `id`; the pepper missing is a configuration fault.
    pub(crate) fn require_person_key(&self, id: &ResidentId) -> AppResult<PersonKey> {
        self.person_key(id).ok_or_else(|| AppError::Internal("the person-key pepper is not configured".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> ResidentId {
        ResidentId::parse(text).expect("valid id")
    }

    #[test]
    fn the_key_depends_on_the_number_and_the_pepper_only() {
        let pepper = PersonKeyPepper::from_bytes([7; PEPPER_LEN]);
        let key = person_key(&pepper, &id("11010519491231002X"));
        // A lower-case check character is the same number.
        assert_eq!(key, person_key(&pepper, &id("11010519491231002x")));
        assert_ne!(key, person_key(&pepper, &id("360426199101010071")));
        assert_ne!(key, person_key(&PersonKeyPepper::from_bytes([8; PEPPER_LEN]), &id("11010519491231002X")));
        // Not the plain digest of the number.
        assert_ne!(key.as_bytes(), &ggzy_crypto::sm3::sm3(b"11010519491231002X"));
    }

    #[test]
    fn known_answer() {
        // SM3("ggzy person key v1\0" ‖ 32 × 0x00 ‖ "11010519491231002X"), pinned so that a change of
        // the construction, which would orphan every recorded key, cannot go unnoticed.
        let pepper = PersonKeyPepper::from_bytes([0; PEPPER_LEN]);
        let mut input = DOMAIN.to_vec();
        input.extend_from_slice(&[0; PEPPER_LEN]);
        input.extend_from_slice(b"11010519491231002X");
        let key = person_key(&pepper, &id("11010519491231002X"));
        assert_eq!(key.as_bytes(), &ggzy_crypto::sm3::sm3(&input));
        assert_eq!(key.to_hex(), KNOWN);
    }

    const KNOWN: &str = "8425d36ee182898dc792672cabbe60c880dc2825975537f593461dac3f96bc42";

    #[test]
    fn pepper_file_form() {
        let pepper = PersonKeyPepper::from_bytes([0xab; PEPPER_LEN]);
        assert_eq!(PersonKeyPepper::parse_hex(&format!("{}\n", pepper.to_hex())), Ok(pepper.clone()));
        assert!(PersonKeyPepper::parse_hex("abcd").is_err());
        assert_eq!(format!("{pepper:?}"), "PersonKeyPepper(..)");
    }
}
