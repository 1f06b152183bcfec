//! What is wrong with one input line, beyond what Cardinal's `prepare` reports: lines that are not
//! releases (skipped, as Cardinal skips them) and data-quality problems inside a release that the
//! indicators silently work around (negative amounts, currencies that are not codes or not the
//! main currency, bids without tenderers). Findings never change a result: the indicators see the
//! same release Cardinal would. Each names its line and its field (or column), for the caller to
//! print.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use super::release::{self, Release};

/// Something wrong with one line of the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// 1-based line in the input file.
    pub line: usize,
    /// A JSON pointer into the release (`/bids/details[2]/value/amount`, arrays with their index),
    /// `/` for the whole line, or `column N` for text that is not JSON.
    pub field: String,
    pub kind: FindingKind,
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq)]
pub enum FindingKind {
    /// Not JSON (or not UTF-8): the line is skipped. The parser's message, without its position.
    InvalidJson { message: String },
    /// JSON, but not an object: the line is skipped.
    NotAnObject,
    /// No string `/ocid`: prepared (its issues are reported) but left out of every indicator.
    MissingOcid,
    /// A bid amount below zero: used as published, as Cardinal does.
    NegativeAmount { amount: f64 },
    /// A bid amount that is not a JSON number: the bid has no price.
    AmountNotANumber,
    /// A bid currency that is not an ISO 4217 code (as text): compared as published.
    CurrencyNotACode { currency: String },
    /// A bid currency that is not a string: the bid has no price.
    CurrencyNotAString,
    /// A priced bid in another currency than the main one: left out of price comparisons.
    OtherCurrency { currency: String, main: String },
    /// A bid without any tenderer with a string `id`: it counts for its process, for no tenderer.
    NoTenderer,
}

impl FindingKind {
    /// Whether the line contributed nothing to the indicators.
    pub fn skips_line(&self) -> bool {
        matches!(self, Self::InvalidJson { .. } | Self::NotAnObject | Self::MissingOcid)
    }
}

impl fmt::Display for Finding {
    /// `line N: <field or column>: <message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: ", self.line, self.field)?;
        match &self.kind {
            FindingKind::InvalidJson { message } => write!(f, "not valid JSON ({message}); line skipped"),
            FindingKind::NotAnObject => f.write_str("not a JSON object (a compiled release); line skipped"),
            FindingKind::MissingOcid => f.write_str("missing or not a string; release left out of the indicators"),
            FindingKind::NegativeAmount { amount } => write!(f, "negative amount {amount}; used as published"),
            FindingKind::AmountNotANumber => f.write_str("not a number; the bid has no price"),
            FindingKind::CurrencyNotACode { currency } => write!(f, "{currency:?} is not an ISO 4217 currency code"),
            FindingKind::CurrencyNotAString => f.write_str("not a string; the bid has no price"),
            FindingKind::OtherCurrency { currency, main } => {
                write!(f, "{currency} is not the main currency {main}; the bid is left out of price comparisons")
            }
            FindingKind::NoTenderer => f.write_str("no tenderer with an id; the bid counts for no tenderer"),
        }
    }
}

impl Finding {
    pub(crate) fn invalid_json(line: usize, error: &serde_json::Error) -> Self {
        // serde_json counts lines within the text it was given, which is one line here.
        let message = error.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(head, _)| head).to_owned();
        Self { line, field: format!("column {}", error.column()), kind: FindingKind::InvalidJson { message } }
    }
}

/// The data-quality findings of one prepared release. `skipped_currencies` are the currencies the
/// indicators skipped in it; they are reported per bid unless `quiet_currencies`
/// (`[output] info_currency_mismatches = true`, which lowers Cardinal's message to info).
pub(crate) fn check_release(
    release: &Release,
    line: usize,
    main_currency: Option<&str>,
    skipped_currencies: &BTreeSet<String>,
    quiet_currencies: bool,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let Some(details) = release::bid_details(release) else { return found };
    for (j, bid) in details.iter().enumerate().filter(|(_, bid)| bid.is_object()) {
        let mut add = |tail: &str, kind| found.push(Finding { line, field: format!("/bids/details[{j}]{tail}"), kind });
        if let Some(value) = release::object(bid, "value") {
            let amount = value.get("amount");
            match amount {
                Some(Value::Number(number)) => {
                    if let Some(amount) = number.as_f64().filter(|amount| *amount < 0.0) {
                        add("/value/amount", FindingKind::NegativeAmount { amount });
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => add("/value/amount", FindingKind::AmountNotANumber),
            }
            match value.get("currency") {
                // A missing currency is prepare's `not set` issue.
                None => {}
                Some(Value::String(currency)) => {
                    if !is_iso_4217(currency) {
                        add("/value/currency", FindingKind::CurrencyNotACode { currency: currency.clone() });
                    }
                    if !quiet_currencies
                        && amount.is_some_and(Value::is_number)
                        && skipped_currencies.contains(currency)
                        && let Some(main) = main_currency
                    {
                        let kind = FindingKind::OtherCurrency { currency: currency.clone(), main: main.to_owned() };
                        add("/value/currency", kind);
                    }
                }
                Some(_) => add("/value/currency", FindingKind::CurrencyNotAString),
            }
        }
        let has_tenderer = release::array(bid, "tenderers")
            .is_some_and(|tenderers| tenderers.iter().any(|tenderer| release::string(tenderer, "id").is_some()));
        if !has_tenderer {
            add("/tenderers", FindingKind::NoTenderer);
        }
    }
    found
}

/// Whether `code` is in the OCDS currency codelist (ISO 4217, current and historic codes).
fn is_iso_4217(code: &str) -> bool {
    code.len() == 3 && ISO_4217.as_bytes().chunks_exact(3).any(|known| known == code.as_bytes())
}

/// The 302 codes of `currency.csv` of the OCDS 1.1.5 codelists (data/ocds/schema), sorted.
const ISO_4217: &str = concat!(
    "ADPAEDAFAAFNALKALLAMDANGAOAAOKAONAORARAARPARSARYATSAUDAWGAYMAZMAZNBADBAMBBDBDTBECBEFBELBGJBGKBGL",
    "BGNBHDBIFBMDBNDBOBBOPBOVBRBBRCBREBRLBRNBRRBSDBTNBUKBWPBYBBYNBYRBZDCADCDFCHCCHECHFCHWCLFCLPCNYCOP",
    "COUCRCCSDCSJCSKCUCCUPCVECYPCZKDDMDEMDJFDKKDOPDZDECSECVEEKEGPERNESAESBESPETBEURFIMFJDFKPFRFGBPGEK",
    "GELGHCGHPGHSGIPGMDGNEGNFGNSGQEGRDGTQGWEGWPGYDHKDHNLHRDHRKHTGHUFIDRIEPILPILRILSINRIQDIRRISJISKITL",
    "JMDJODJPYKESKGSKHRKMFKPWKRWKWDKYDKZTLAJLAKLBPLKRLRDLSLLSMLTLLTTLUCLUFLULLVLLVRLYDMADMDLMGAMGFMKD",
    "MLFMMKMNTMOPMROMRUMTLMTPMURMVQMVRMWKMXNMXPMXVMYRMZEMZMMZNNADNGNNICNIONLGNOKNPRNZDOMRPABPEHPEIPEN",
    "PESPGKPHPPKRPLNPLZPTEPYGQARRHDROKROLRONRSDRUBRURRWFSARSBDSCRSDDSDGSDPSEKSGDSHPSITSKKSLLSOSSRDSRG",
    "SSPSTDSTNSURSVCSYPSZLTHBTJRTJSTMMTMTTNDTOPTPETRLTRYTTDTWDTZSUAHUAKUGSUGWUGXUSDUSNUSSUYIUYNUYPUYU",
    "UYWUZSVEBVEFVESVNCVNDVUVWSTXAFXAGXAUXBAXBBXBCXBDXCDXDRXEUXFOXFUXOFXPDXPFXPTXREXSUXTSXUAXXXYDDYER",
    "YUDYUMYUNZALZARZMKZMWZRNZRZZWCZWDZWLZWNZWR",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes() {
        assert_eq!(ISO_4217.len(), 302 * 3);
        assert!(ISO_4217.as_bytes().chunks_exact(3).is_sorted());
        for code in ["AMD", "UAH", "USD", "EUR", "CNY", "XXX"] {
            assert!(is_iso_4217(code), "{code}");
        }
        for code in ["usd", "US", "USDD", "ABC", "", "MDA"] {
            assert!(!is_iso_4217(code), "{code}");
        }
    }
}
