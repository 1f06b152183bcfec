//! Person key (人员标识): how the platform recognises one natural person across entities and
//! experts without keeping their resident ID number.
//!
//! A key is SM3 over a per-deployment secret (the pepper) and the normalised 18-character number
//! (see `ggzy_app::entity::person_key`); this crate holds neither a hash nor the secret, so it only
//! carries keys and compares them. Why a pepper and not a plain hash: resident ID numbers have
//! little entropy (address code, birth date, sequence: about 10^11 plausible numbers), so a plain
//! digest in a copied database could be reversed by trying them all. With the pepper kept outside
//! the database, the copy alone reveals nothing. Within one deployment the same person always has
//! the same key.

use std::fmt;

/// Bytes of a person key (an SM3 digest).
pub const PERSON_KEY_LEN: usize = 32;

/// A person key: the keyed digest of one person's resident ID number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonKey([u8; PERSON_KEY_LEN]);

/// A stored person key that is not 64 hexadecimal characters.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a person key is 64 hexadecimal characters")]
pub struct PersonKeyError;

impl PersonKey {
    /// The key with these digest bytes (computed by the app).
    pub fn from_bytes(bytes: [u8; PERSON_KEY_LEN]) -> PersonKey {
        PersonKey(bytes)
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8; PERSON_KEY_LEN] {
        &self.0
    }

    /// Parses the stored form: 64 hexadecimal characters (either case).
    ///
    /// # Errors
    /// [`PersonKeyError`] for any other text.
    pub fn parse_hex(text: &str) -> Result<PersonKey, PersonKeyError> {
        let digits = text.as_bytes();
        if digits.len() != 2 * PERSON_KEY_LEN {
            return Err(PersonKeyError);
        }
        let mut bytes = [0u8; PERSON_KEY_LEN];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let high = hex_value(pair[0]).ok_or(PersonKeyError)?;
            let low = hex_value(pair[1]).ok_or(PersonKeyError)?;
            *byte = high << 4 | low;
        }
        Ok(PersonKey(bytes))
    }

    /// The stored form: 64 lower-case hexadecimal characters.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(2 * PERSON_KEY_LEN);
        for byte in self.0 {
            text.push(char::from(DIGITS[usize::from(byte >> 4)]));
            text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        text
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for PersonKey {
    // The first 8 digits are enough to tell keys apart in a test failure; logs need no more.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        write!(f, "PersonKey({}…)", hex.get(..8).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_in_either_case() {
        let mut bytes = [0u8; PERSON_KEY_LEN];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::try_from(i * 8).unwrap_or(0);
        }
        let key = PersonKey::from_bytes(bytes);
        let hex = key.to_hex();
        assert_eq!(hex.len(), 64);
        assert!(hex.starts_with("0008101820"));
        assert_eq!(PersonKey::parse_hex(&hex), Ok(key));
        assert_eq!(PersonKey::parse_hex(&hex.to_ascii_uppercase()), Ok(key));
        assert_eq!(format!("{key:?}"), "PersonKey(00081018…)");
    }

    #[test]
    fn malformed_keys_are_refused() {
        for text in ["", "00", &"0".repeat(63), &"0".repeat(65), &format!("{}g", "0".repeat(63)), &"é".repeat(32)] {
            assert_eq!(PersonKey::parse_hex(text), Err(PersonKeyError), "{text}");
        }
    }
}
