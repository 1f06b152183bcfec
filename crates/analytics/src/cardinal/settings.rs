//! The settings file of Cardinal 0.0.8 (`ocdscardinal init` writes one): global keys, the
//! `prepare` sections (`[defaults]`, `[redactions]`, `[corrections]`, `[modifications]`,
//! `[codelists.*]`), `[exclusions]`, and one section per indicator. A present indicator section,
//! even empty, enables that indicator; an absent one disables it. Unknown sections and keys are
//! errors, as in Cardinal, so that a typo never silently changes a result.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use super::ini::{self, Entry, IniError, Section};

/// Everything a settings file can say. Every field is optional; `None` means Cardinal's default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// The main currency; when unset, the first currency observed in the data.
    pub currency: Option<String>,
    /// `tender/procurementMethodDetails` values whose processes do not compare prices.
    pub no_price_comparison_procurement_methods: BTreeSet<String>,
    /// If non-empty, only these `procurementMethodDetails` compare prices.
    pub price_comparison_procurement_methods: BTreeSet<String>,
    /// `[output] info_currency_mismatches`: Cardinal logs skipped currencies at info instead of warn
    /// level; `ggzy screen` then leaves them out of its per-line report (the summary still counts them).
    pub info_currency_mismatches: bool,
    pub defaults: Defaults,
    pub redactions: Redactions,
    /// `[corrections] award_status_by_contract_status`.
    pub award_status_by_contract_status: bool,
    pub modifications: Modifications,
    /// `[codelists.bid_status]`: published code → OCDS `bidStatus` code.
    pub bid_status_codes: BTreeMap<String, String>,
    /// `[codelists.award_status]`: published code → OCDS `awardStatus` code.
    pub award_status_codes: BTreeMap<String, String>,
    /// `[exclusions] procurement_method_details`: processes left out of every indicator.
    pub excluded_procurement_method_details: BTreeSet<String>,
    pub r003: Option<R003Settings>,
    pub r018: Option<R018Settings>,
    pub r024: Option<RatioThreshold>,
    pub r025: Option<R025Settings>,
    pub r028: Option<()>,
    pub r030: Option<()>,
    pub r035: Option<CountThreshold>,
    pub r036: Option<()>,
    pub r038: Option<R038Settings>,
    pub r048: Option<R048Settings>,
    pub r058: Option<RatioThreshold>,
}

/// `[defaults]`: values `prepare` fills in where the data sets none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defaults {
    pub currency: Option<String>,
    pub item_classification_scheme: Option<String>,
    pub bid_status: Option<String>,
    pub award_status: Option<String>,
    pub party_roles: bool,
}

/// `[redactions]`: placeholder values `prepare` removes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Redactions {
    pub amounts: Vec<f64>,
    pub organization_ids: BTreeSet<String>,
}

/// `[modifications]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Modifications {
    pub move_auctions: bool,
    pub prefix_buyer_or_procuring_entity_id: String,
    pub prefix_tenderer_or_supplier_id: String,
    pub split_procurement_method_details: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct R003Settings {
    pub threshold: Option<i64>,
    pub procurement_methods: BTreeSet<String>,
    /// `[R003.procurement_method_details]`: a threshold per `procurementMethodDetails` value.
    pub procurement_method_details: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct R018Settings {
    pub procurement_methods: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RatioThreshold {
    pub threshold: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountThreshold {
    pub threshold: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R025Settings {
    pub percentile: Option<usize>,
    pub threshold: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R038Settings {
    pub threshold: Option<f64>,
    pub minimum_submitted_bids: Option<usize>,
    pub minimum_contracting_processes: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct R048Settings {
    pub digits: Option<usize>,
    pub threshold: Option<usize>,
    pub minimum_contracting_processes: Option<usize>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error(transparent)]
    Syntax(#[from] IniError),
    #[error("line {line}: unknown section [{section}]")]
    UnknownSection { line: usize, section: String },
    #[error("line {line}: unknown key `{key}` in {section}")]
    UnknownKey { line: usize, section: String, key: String },
    #[error("line {line}: `{key}` in {section} must be {expected}, not `{value}`")]
    BadValue { line: usize, section: String, key: String, expected: &'static str, value: String },
}

impl Settings {
    /// Reads a settings file's text.
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let mut settings = Self::default();
        for section in ini::parse(text)? {
            settings.apply(&section)?;
        }
        Ok(settings)
    }

    fn apply(&mut self, section: &Section) -> Result<(), SettingsError> {
        let name = section.name.as_deref().unwrap_or("");
        let reader =
            Reader { section: if name.is_empty() { "the global keys".to_owned() } else { format!("[{name}]") } };
        match name {
            "" => {
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "currency" => self.currency = Some(entry.value.clone()),
                        "no_price_comparison_procurement_methods" => {
                            self.no_price_comparison_procurement_methods = pipe_separated(&entry.value);
                        }
                        "price_comparison_procurement_methods" => {
                            self.price_comparison_procurement_methods = pipe_separated(&entry.value);
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "output" => {
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "info_currency_mismatches" => self.info_currency_mismatches = reader.bool(entry)?,
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "defaults" => {
                for entry in &section.entries {
                    let value = Some(entry.value.clone());
                    match entry.key.as_str() {
                        "currency" => self.defaults.currency = value,
                        "item_classification_scheme" => self.defaults.item_classification_scheme = value,
                        "bid_status" => self.defaults.bid_status = value,
                        "award_status" => self.defaults.award_status = value,
                        "party_roles" => self.defaults.party_roles = reader.bool(entry)?,
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "redactions" => {
                for entry in &section.entries {
                    match entry.key.as_str() {
                        // Cardinal drops the parts that are not numbers.
                        "amount" => {
                            self.redactions.amounts =
                                entry.value.split_terminator('|').filter_map(|part| part.parse().ok()).collect();
                        }
                        "organization_id" => self.redactions.organization_ids = pipe_separated(&entry.value),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "corrections" => {
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "award_status_by_contract_status" => {
                            self.award_status_by_contract_status = reader.bool(entry)?;
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "modifications" => {
                let modifications = &mut self.modifications;
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "move_auctions" => modifications.move_auctions = reader.bool(entry)?,
                        "prefix_buyer_or_procuring_entity_id" => {
                            modifications.prefix_buyer_or_procuring_entity_id = entry.value.clone();
                        }
                        "prefix_tenderer_or_supplier_id" => {
                            modifications.prefix_tenderer_or_supplier_id = entry.value.clone();
                        }
                        "split_procurement_method_details" => {
                            modifications.split_procurement_method_details = Some(entry.value.clone());
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            // `[codelists]` alone holds only the nested tables; any key directly in it is unknown.
            "codelists" => reader.no_keys(section)?,
            "codelists.bid_status" => self.bid_status_codes.extend(mapping(section)),
            "codelists.award_status" => self.award_status_codes.extend(mapping(section)),
            "exclusions" => {
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "procurement_method_details" => {
                            self.excluded_procurement_method_details = pipe_separated(&entry.value);
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R003" => {
                let setting = self.r003.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "threshold" => setting.threshold = Some(reader.int(entry)?),
                        "procurement_methods" => setting.procurement_methods = pipe_separated(&entry.value),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R003.procurement_method_details" => {
                let mut thresholds = BTreeMap::new();
                for entry in &section.entries {
                    thresholds.insert(entry.key.clone(), reader.int(entry)?);
                }
                self.r003.get_or_insert_with(Default::default).procurement_method_details.extend(thresholds);
            }
            "R018" => {
                let setting = self.r018.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "procurement_methods" => setting.procurement_methods = Some(pipe_separated(&entry.value)),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R024" | "R058" => {
                let slot = if name == "R024" { &mut self.r024 } else { &mut self.r058 };
                let setting = slot.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "threshold" => setting.threshold = Some(reader.float(entry)?),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R025" => {
                let setting = self.r025.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "percentile" => setting.percentile = Some(reader.count(entry)?),
                        "threshold" => setting.threshold = Some(reader.float(entry)?),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R028" | "R030" | "R036" => {
                reader.no_keys(section)?;
                match name {
                    "R028" => self.r028 = Some(()),
                    "R030" => self.r030 = Some(()),
                    _ => self.r036 = Some(()),
                }
            }
            "R035" => {
                let setting = self.r035.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "threshold" => setting.threshold = Some(reader.count(entry)?),
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R038" => {
                let setting = self.r038.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "threshold" => setting.threshold = Some(reader.float(entry)?),
                        "minimum_submitted_bids" => setting.minimum_submitted_bids = Some(reader.count(entry)?),
                        "minimum_contracting_processes" => {
                            setting.minimum_contracting_processes = Some(reader.count(entry)?);
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            "R048" => {
                let setting = self.r048.get_or_insert_with(Default::default);
                for entry in &section.entries {
                    match entry.key.as_str() {
                        "digits" => setting.digits = Some(reader.count(entry)?),
                        "threshold" => setting.threshold = Some(reader.count(entry)?),
                        "minimum_contracting_processes" => {
                            setting.minimum_contracting_processes = Some(reader.count(entry)?);
                        }
                        _ => return Err(reader.unknown(entry)),
                    }
                }
            }
            _ => return Err(SettingsError::UnknownSection { line: section.line, section: name.to_owned() }),
        }
        Ok(())
    }
}

/// Cardinal's pipe-separated lists; a trailing `|` adds no empty member.
pub(crate) fn pipe_separated(value: &str) -> BTreeSet<String> {
    value.split_terminator('|').map(str::to_owned).collect()
}

fn mapping(section: &Section) -> impl Iterator<Item = (String, String)> + '_ {
    section.entries.iter().map(|entry| (entry.key.clone(), entry.value.clone()))
}

/// Typed reading of one section's values, with errors that name the line, section and key.
struct Reader {
    section: String,
}

impl Reader {
    fn unknown(&self, entry: &Entry) -> SettingsError {
        SettingsError::UnknownKey { line: entry.line, section: self.section.clone(), key: entry.key.clone() }
    }

    fn no_keys(&self, section: &Section) -> Result<(), SettingsError> {
        section.entries.first().map_or(Ok(()), |entry| Err(self.unknown(entry)))
    }

    fn bad(&self, entry: &Entry, expected: &'static str) -> SettingsError {
        SettingsError::BadValue {
            line: entry.line,
            section: self.section.clone(),
            key: entry.key.clone(),
            expected,
            value: entry.value.clone(),
        }
    }

    /// The spellings of a boolean that Cardinal's settings loader accepts.
    fn bool(&self, entry: &Entry) -> Result<bool, SettingsError> {
        match entry.value.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok(true),
            "false" | "off" | "no" | "0" => Ok(false),
            _ => Err(self.bad(entry, "true or false")),
        }
    }

    fn int(&self, entry: &Entry) -> Result<i64, SettingsError> {
        entry.value.parse().map_err(|_| self.bad(entry, "an integer"))
    }

    fn count(&self, entry: &Entry) -> Result<usize, SettingsError> {
        entry.value.parse().map_err(|_| self.bad(entry, "a non-negative integer"))
    }

    fn float(&self, entry: &Entry) -> Result<f64, SettingsError> {
        entry.value.parse().map_err(|_| self.bad(entry, "a decimal number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_init_file_enables_every_indicator_with_defaults() {
        let text = "[codelists.bid_status]\nqualified = valid\n[R003]\n[R003.procurement_method_details]\nemergency = 10\n\
                    [R018]\n[R024]\n[R025]\n[R028]\n[R030]\n[R035]\n[R036]\n[R038]\n[R048]\n[R058]\nthreshold = 0.5\n";
        let settings = Settings::parse(text).expect("valid settings");
        assert_eq!(settings.bid_status_codes["qualified"], "valid");
        assert_eq!(settings.r003.expect("R003 enabled").procurement_method_details["emergency"], 10);
        assert!(settings.r018.is_some() && settings.r028.is_some() && settings.r036.is_some());
        assert_eq!(settings.r058.expect("R058 enabled").threshold, Some(0.5));
        assert_eq!(settings.r024.expect("R024 enabled").threshold, None);
    }

    #[test]
    fn an_absent_section_disables_its_indicator() {
        let settings = Settings::parse("currency = AMD\n[R003]\n").expect("valid settings");
        assert_eq!(settings.currency.as_deref(), Some("AMD"));
        assert!(settings.r003.is_some());
        assert!(settings.r024.is_none() && settings.r058.is_none());
    }

    #[test]
    fn errors_name_the_line_and_key() {
        assert_eq!(
            Settings::parse("[R003]\nthreshhold = 3\n"),
            Err(SettingsError::UnknownKey { line: 2, section: "[R003]".into(), key: "threshhold".into() })
        );
        let error = Settings::parse("[R035]\nthreshold = -1\n").expect_err("invalid");
        assert_eq!(error.to_string(), "line 2: `threshold` in [R035] must be a non-negative integer, not `-1`");
        assert!(matches!(Settings::parse("[R999]\n"), Err(SettingsError::UnknownSection { line: 1, .. })));
        assert!(matches!(Settings::parse("[R028]\nx = 1\n"), Err(SettingsError::UnknownKey { .. })));
    }

    #[test]
    fn pipe_lists_and_booleans() {
        let settings = Settings::parse("price_comparison_procurement_methods = A|B|\n[defaults]\nparty_roles = yes\n")
            .expect("valid settings");
        assert_eq!(settings.price_comparison_procurement_methods.len(), 2);
        assert!(settings.defaults.party_roles);
    }
}
