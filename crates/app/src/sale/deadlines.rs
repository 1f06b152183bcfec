//! A sale's statutory periods from its pinned ruleset, counted by the deadline engine on the
//! holiday calendar: floors checked when it is announced, and the dates shown with their articles.

use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, DeadlineError};
use ggzy_domain::ruleset::{Rule, Ruleset};
use ggzy_domain::sale::{Sale, SaleKind, SaleTerms};
use jiff::civil::Date;

use crate::error::{AppError, AppResult};

/// One statutory date of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleDeadline {
    /// What it is (Chinese).
    pub name: &'static str,
    /// The day.
    pub day: Date,
    /// `floor` (not before) or `cap` (not after).
    pub bound: &'static str,
    /// The rule id.
    pub rule_id: String,
    /// The legal source.
    pub source: String,
}

fn rule<'a>(ruleset: &'a Ruleset, id: &str) -> AppResult<&'a Rule> {
    ruleset.get(id).ok_or_else(|| AppError::Internal(format!("{} lacks {id}", ruleset.key())))
}

/// A rule's value.
pub(crate) fn rule_value(ruleset: &Ruleset, id: &str) -> AppResult<i64> {
    Ok(rule(ruleset, id)?.value)
}

/// Fewest bidders of an auction (land: 39号令(土地) 第十五条) or of a tender's bids (第十三条;
/// mining: 招标投标法 第二十八条); rulesets without the rule (property) take their minimum from
/// the law itself (see [`ggzy_domain::sale::bidders_min`]).
pub(crate) fn bidders_min_rule(ruleset: &Ruleset, kind: SaleKind) -> AppResult<u32> {
    let id = if kind.is_tender() { "tender_bidders_min" } else { "auction_bidders_min" };
    ruleset
        .get(id)
        .map_or(Ok(0), |rule| u32::try_from(rule.value).map_err(|_| AppError::Internal(format!("{id} out of range"))))
}

/// The floors a sale's dates must meet, counted from `from_ms`: (what, rule, start day, end day).
fn floors(terms: &SaleTerms, from_ms: i64) -> Vec<(&'static str, &'static str, Date, Date)> {
    let from = china_time::date_of(from_ms);
    let starts = china_time::date_of(terms.starts_at_ms);
    match terms.kind {
        SaleKind::LandAuction => vec![("竞价开始日不早于", "notice_days_min", from, starts)],
        SaleKind::LandTender => vec![("投标开始日不早于", "notice_days_min", from, starts)],
        SaleKind::MiningTender => vec![("投标开始日不早于", "notice_wd_min", from, starts)],
        SaleKind::LandListing => vec![
            ("挂牌开始日不早于", "notice_days_min", from, starts),
            ("挂牌截止日不早于", "listing_days_min", starts, china_time::date_of(terms.ends_at_ms)),
        ],
        SaleKind::PropertyTransfer => {
            vec![("信息披露期满日不早于", "disclosure_wd_min", from, china_time::date_of(terms.applications_close_ms))]
        }
        SaleKind::MiningAuction => vec![("竞价开始日不早于", "notice_wd_min", from, starts)],
        SaleKind::MiningListing => vec![
            ("挂牌开始日不早于", "notice_wd_min", from, starts),
            ("挂牌截止日不早于", "listing_wd_min", starts, china_time::date_of(terms.ends_at_ms)),
        ],
    }
}

/// Checks the announced dates against the ruleset's floors counted from `now_ms`.
pub(crate) fn check_periods(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    terms: &SaleTerms,
    now_ms: i64,
) -> AppResult<()> {
    for (what, id, start, end) in floors(terms, now_ms) {
        let rule = rule(ruleset, id)?;
        match deadline::check_floor(calendar, start, end, rule) {
            Ok(_) => {}
            Err(DeadlineError::TooEarly { earliest, .. }) => {
                return Err(AppError::refused(
                    "deadline_below_statutory_minimum",
                    format!(
                        "{what} {}：自 {start} 起不少于{}{}（{}），所填日期为 {end}",
                        earliest.day,
                        rule.value,
                        if rule.unit.as_str() == "WD" { "个工作日" } else { "日" },
                        rule.source
                    ),
                ));
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// The last day to refund losing bidders' deposits (39号令(土地) 第二十一条), once bidding is over;
/// `None` when the ruleset sets no such period.
pub(crate) fn refund_due(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    sale: &Sale,
    now_ms: i64,
) -> AppResult<Option<Date>> {
    let (Some(rule), Some(ended_ms)) = (ruleset.get("deposit_refund_wd_max"), sale.bidding_ended_ms(now_ms)) else {
        return Ok(None);
    };
    Ok(Some(deadline::deadline(calendar, china_time::date_of(ended_ms), rule)?.day))
}

/// The day `rule` sets from `start`; `None` when it reaches a year the holiday calendar does not
/// cover yet (the view leaves that date out rather than guess; the command that needs it refuses
/// with `calendar_not_covered`).
fn day_of(calendar: &HolidayCalendar, start: Date, rule: &Rule) -> AppResult<Option<Date>> {
    match deadline::deadline(calendar, start, rule) {
        Ok(deadline) => Ok(Some(deadline.day)),
        Err(DeadlineError::Calendar(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// The last day to pay the price in one sum after the contract (32号令 第二十八条), once signed;
/// `None` when the ruleset sets no such period (land: the rule has no article in RULES.md).
pub(crate) fn payment_due(calendar: &HolidayCalendar, ruleset: &Ruleset, sale: &Sale) -> AppResult<Option<Date>> {
    let (Some(rule), Some(signed_ms)) = (ruleset.get("lump_sum_payment_wd_max"), sale.contract_signed_ms()) else {
        return Ok(None);
    };
    day_of(calendar, china_time::date_of(signed_ms), rule)
}

/// The statutory dates of a sale's current round (`round_started_ms`: its announcement or
/// re-disclosure), with their sources.
pub(crate) fn sale_deadlines(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    sale: &Sale,
    round_started_ms: i64,
    now_ms: i64,
) -> AppResult<Vec<SaleDeadline>> {
    let mut out = Vec::new();
    for (name, id, start, _) in floors(sale.terms(), round_started_ms) {
        let rule = rule(ruleset, id)?;
        if let Some(day) = day_of(calendar, start, rule)? {
            out.push(SaleDeadline { name, day, bound: "floor", rule_id: rule.id.clone(), source: rule.source.clone() });
        }
    }
    if let Some(ended_ms) = sale.bidding_ended_ms(now_ms) {
        let ended = china_time::date_of(ended_ms);
        for (name, id) in [
            ("保证金退还期限", "deposit_refund_wd_max"),
            ("出让结果公布期限", "result_publish_wd_max"),
            ("成交确认书签订期限", "confirmation_wd_max"),
        ] {
            if let Some(rule) = ruleset.get(id)
                && let Some(day) = day_of(calendar, ended, rule)?
            {
                out.push(SaleDeadline {
                    name,
                    day,
                    bound: "cap",
                    rule_id: rule.id.clone(),
                    source: rule.source.clone(),
                });
            }
        }
    }
    if let (Some(day), Some(rule)) = (payment_due(calendar, ruleset, sale)?, ruleset.get("lump_sum_payment_wd_max")) {
        out.push(SaleDeadline {
            name: "交易价款一次性支付期限",
            day,
            bound: "cap",
            rule_id: rule.id.clone(),
            source: rule.source.clone(),
        });
    }
    if let Some(confirmed_ms) = sale.confirmed_at_ms() {
        let confirmed = china_time::date_of(confirmed_ms);
        for (name, id, bound) in [
            ("出让结果公示期限", "result_publish_after_confirmation_wd_max", "cap"),
            ("交易结果公示期满日不早于", "result_publicity_wd_min", "floor"),
        ] {
            if let Some(rule) = ruleset.get(id)
                && let Some(day) = day_of(calendar, confirmed, rule)?
            {
                out.push(SaleDeadline { name, day, bound, rule_id: rule.id.clone(), source: rule.source.clone() });
            }
        }
    }
    Ok(out)
}

/// The same time twelve months later (32号令 第十九条), UTC ms.
pub(crate) fn twelve_months_after(ms: i64) -> AppResult<i64> {
    let later = china_time::datetime_of(ms)
        .checked_add(jiff::Span::new().months(12))
        .map_err(|error| AppError::Internal(format!("twelve months after {ms}: {error}")))?;
    china_time::instant_of(later).ok_or_else(|| AppError::Internal("date out of range".to_owned()))
}
