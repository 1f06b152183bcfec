//! Parsing one input line into the parts of a compiled release that `prepare`, the indicators and
//! the findings read, and nothing else. Most of a published release (item lists, documents,
//! planning, addresses, contract implementation) is never read, and building it as a
//! `serde_json::Value` took most of the screening time; here it is only scanned (`IgnoredAny`).
//! What is kept is exactly what `serde_json::from_slice::<Value>` would build there, so the result
//! is the same (`tests/cardinal_bad_input.rs` checks this on the whole sample).
//!
//! A filter applies to an object, to each element of an array (at any depth) and leaves scalars as
//! they are, because published data puts an object where an array belongs and vice versa.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Which members of an object to keep.
#[derive(Clone, Copy)]
enum Keep {
    /// The whole value.
    All,
    /// Only these members, each with its own filter.
    Members(&'static [(&'static str, Keep)]),
}

use Keep::{All, Members};

const ID: Keep = Members(&[("id", All)]);
const ITEMS: Keep = Members(&[("classification", All)]);

/// Everything the `prepare` step (`prepare.rs`), the indicators (`indicators/`, `release.rs`) and
/// the findings (`quality.rs`) read. A field added to any of them must be added here.
const RELEASE: Keep = Members(&[
    ("ocid", All),
    ("parties", Members(&[("id", All), ("roles", All)])),
    ("buyer", ID),
    (
        "tender",
        Members(&[
            ("status", All),
            ("procurementMethod", All),
            ("procurementMethodDetails", All),
            ("numberOfTenderers", All),
            ("tenderPeriod", All),
            ("procuringEntity", ID),
        ]),
    ),
    (
        "bids",
        Members(&[(
            "details",
            Members(&[("status", All), ("value", All), ("tenderers", ID), ("items", ITEMS), ("date", All)]),
        )]),
    ),
    ("awards", Members(&[("id", All), ("status", All), ("suppliers", ID), ("items", ITEMS)])),
    ("contracts", Members(&[("awardID", All), ("status", All)])),
    // `move_auctions` moves whole bids from here to `/bids/details`.
    ("auctions", All),
]);

/// Parses one line (JSON text) into the release parts the screening reads.
pub(crate) fn parse_release(text: &[u8]) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let value = Filter(RELEASE).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Deserializes a value, keeping only what its `Keep` says.
#[derive(Clone, Copy)]
struct Filter(Keep);

impl<'de> DeserializeSeed<'de> for Filter {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0 {
            All => serde::Deserialize::deserialize(deserializer),
            Members(_) => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Filter {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(self)? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Members(members) = self.0 else {
            return Err(de::Error::custom("unreachable: a whole value is not filtered"));
        };
        let mut object = Map::new();
        while let Some(Key(key)) = map.next_key()? {
            match members.iter().find(|(name, _)| *name == key.as_ref()) {
                Some((_, keep)) => {
                    let value = map.next_value_seed(Filter(*keep))?;
                    object.insert(key.into_owned(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}
