//! Request fields parsed into validated domain types at the edge. Each failure is a `FieldError`
//! naming the field, so a handler can report every problem of a request at once.

use ggzy_app::FieldError;
use ggzy_domain::{CreditCode, RegionCode, RegionTable, ResidentId};

/// A region code that exists in the region table in force.
pub fn region(table: &RegionTable, field: &str, value: &str) -> Result<RegionCode, FieldError> {
    table
        .validate(value)
        .map_err(|e| FieldError::new(field, "invalid_region_code", format!("行政区划代码（{field}）{e}")))
}

/// A unified social credit code (GB 32100).
pub fn credit_code(field: &str, value: &str) -> Result<CreditCode, FieldError> {
    CreditCode::parse(value)
        .map_err(|e| FieldError::new(field, "invalid_credit_code", format!("统一社会信用代码（{field}）{e}")))
}

/// A resident ID number (GB 11643) whose holder is born by `today` (year, month, day).
pub fn resident_id(field: &str, label: &str, value: &str, today: (i32, u8, u8)) -> Result<ResidentId, FieldError> {
    let id = ResidentId::parse(value)
        .map_err(|e| FieldError::new(field, "invalid_resident_id", format!("{label}（{field}）{e}")))?;
    if !id.birth_date_not_after(today) {
        return Err(FieldError::new(
            field,
            "invalid_resident_id",
            format!("{label}（{field}）出生日期晚于今天，请核对"),
        ));
    }
    Ok(id)
}

/// An instant given as RFC 3339 with an offset (`2026-12-21T09:30:00+08:00`), as UTC milliseconds.
pub fn timestamp_ms(field: &str, value: &str) -> Result<i64, FieldError> {
    value.trim().parse::<jiff::Timestamp>().map(|t| t.as_millisecond()).map_err(|_| {
        FieldError::new(
            field,
            "invalid_time",
            format!("时间（{field}）须为带时区的 RFC 3339 格式，如 2026-12-21T09:30:00+08:00"),
        )
    })
}

/// A day given as `YYYY-MM-DD`; `label` names it in Chinese.
pub fn day(field: &str, label: &str, value: &str) -> Result<jiff::civil::Date, FieldError> {
    value.trim().parse().map_err(|_| {
        FieldError::new(field, "invalid_time", format!("{label}（{field}）须为 YYYY-MM-DD 格式的日期，如 2026-11-30"))
    })
}

/// An SM3 digest given as 64 hex characters.
pub fn sm3_hex(field: &str, value: &str) -> Result<[u8; 32], FieldError> {
    hex::decode(value.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| FieldError::new(field, "invalid_digest", format!("摘要（{field}）须为64位十六进制SM3值")))
}

/// Keeps a parsed value, or records its error and gives `None`.
pub fn collect<T>(parsed: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    parsed.map_err(|error| errors.push(error)).ok()
}
