//! What a line of another publisher's OCDS file must hold to be imported (`ggzy import --ocds`): a
//! compiled release, with the `ocid` it is kept under and the `date` that decides which of two
//! releases of one process is newer. Each problem names the field, so the importer can say which
//! line and which field to fix.

use serde_json::Value;

/// The identity of an importable release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseKey {
    /// The contracting process id.
    pub ocid: String,
    /// Its `date` as published (RFC 3339).
    pub date: String,
}

/// Why a line cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    /// The field (a JSON pointer), or empty for the line as a whole.
    pub field: String,
    /// What is wrong (English, like the rest of the OCDS tools).
    pub message: String,
}

fn problem(field: &str, message: &str) -> LineProblem {
    LineProblem { field: field.to_owned(), message: message.to_owned() }
}

/// Checks one parsed line.
pub fn release_key(value: &Value) -> Result<ReleaseKey, LineProblem> {
    let release = value.as_object().ok_or_else(|| problem("", "not a JSON object"))?;
    let ocid = match release.get("ocid") {
        Some(Value::String(ocid)) if !ocid.trim().is_empty() => ocid.trim().to_owned(),
        Some(_) => return Err(problem("/ocid", "must be a non-empty string")),
        None => return Err(problem("/ocid", "is missing")),
    };
    let date = match release.get("date") {
        Some(Value::String(date)) => date.clone(),
        Some(_) => return Err(problem("/date", "must be a string")),
        None => return Err(problem("/date", "is missing")),
    };
    if date.parse::<jiff::Timestamp>().is_err() {
        return Err(problem("/date", "must be an RFC 3339 date-time with an offset, e.g. 2026-12-06T09:30:00+08:00"));
    }
    let compiled =
        release.get("tag").and_then(Value::as_array).is_some_and(|tags| tags.iter().any(|t| t == "compiled"));
    if !compiled {
        return Err(problem("/tag", "must contain \"compiled\": import compiled releases, one per process"));
    }
    Ok(ReleaseKey { ocid, date })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_compiled_release_gives_its_key_and_each_problem_names_its_field() {
        let good = json!({"ocid": "ocds-1-A", "date": "2018-01-11T17:30:19+04:00", "tag": ["compiled"]});
        assert_eq!(
            release_key(&good),
            Ok(ReleaseKey { ocid: "ocds-1-A".to_owned(), date: "2018-01-11T17:30:19+04:00".to_owned() })
        );
        let field = |value: Value| release_key(&value).map_err(|p| p.field);
        assert_eq!(field(json!([1])), Err(String::new()));
        assert_eq!(field(json!({"date": "2018-01-11T17:30:19Z", "tag": ["compiled"]})), Err("/ocid".to_owned()));
        assert_eq!(field(json!({"ocid": 7, "date": "2018-01-11T17:30:19Z"})), Err("/ocid".to_owned()));
        assert_eq!(field(json!({"ocid": "x", "date": "2018-01-11", "tag": ["compiled"]})), Err("/date".to_owned()));
        assert_eq!(
            field(json!({"ocid": "x", "date": "2018-01-11T17:30:19Z", "tag": ["tender"]})),
            Err("/tag".to_owned())
        );
    }
}
