//! A sale's statutory periods from its pinned ruleset, counted by the deadline engine on the
//! holiday calendar: floors checked when it is announced, and the dates shown with their articles.

use ggzy_domain::Fen;
use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{self, DeadlineError};
use ggzy_domain::ruleset::{Rule, Ruleset};
use ggzy_domain::sale::{Sale, SaleKind, SaleTerms};
use jiff::civil::Date;

use crate::error::{AppError, AppResult, FieldError};
use crate::statutory_date::{StatutoryDate, unless_uncovered};

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

/// Checks the deposit against the ruleset's floor (land: at least 20% of the minimum price,
/// 国土资发〔2010〕34号), on the public start price: the sealed reserve is not known to the platform
/// until the bidding ends. Rulesets without the rule set no floor.
pub(crate) fn check_deposit(ruleset: &Ruleset, terms: &SaleTerms) -> AppResult<()> {
    let Some(rule) = ruleset.get("deposit_percent_min") else {
        return Ok(());
    };
    // floor = ceil(start × percent / 100): exactly 20% is enough.
    let floor = Fen((terms.start_price.0.saturating_mul(rule.value) + 99) / 100);
    if terms.deposit >= floor {
        return Ok(());
    }
    Err(AppError::Invalid(vec![FieldError::new(
        "deposit_fen",
        "deposit_below_minimum",
        format!("竞买保证金不得低于起始价的{}%，即不少于 {floor} 元（{}）", rule.value, rule.source),
    )]))
}

/// The last day to refund losing bidders' deposits (39号令(土地) 第二十一条), once bidding is over;
/// `None` when the ruleset sets no such period or the calendar does not hold its year yet.
pub(crate) fn refund_due(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    sale: &Sale,
    now_ms: i64,
) -> AppResult<Option<Date>> {
    let (Some(rule), Some(ended_ms)) = (ruleset.get("deposit_refund_wd_max"), sale.bidding_ended_ms(now_ms)) else {
        return Ok(None);
    };
    day_of(calendar, china_time::date_of(ended_ms), rule)
}

/// The day `rule` sets from `start`; `None` past the holiday calendar's years (see
/// [`unless_uncovered`]).
fn day_of(calendar: &HolidayCalendar, start: Date, rule: &Rule) -> AppResult<Option<Date>> {
    Ok(unless_uncovered(deadline::deadline(calendar, start, rule))?.map(|deadline| deadline.day))
}

/// The payment period the next payment falls under, once the contract is signed: a property
/// transfer's lump sum (32号令 第二十八条); land's first payment until 50% of the price is paid, then
/// the balance (国土资发〔2010〕34号). `None` when the ruleset sets none.
fn payment_rule<'a>(ruleset: &'a Ruleset, sale: &Sale) -> Option<&'a Rule> {
    if let Some(rule) = ruleset.get("lump_sum_payment_wd_max") {
        return Some(rule);
    }
    let first_percent = ruleset.get("first_payment_percent_min")?.value;
    let price = sale.outcome_price()?;
    // paid / price < percent / 100, without rounding.
    let first_due = i128::from(sale.paid().0) * 100 < i128::from(price.0) * i128::from(first_percent);
    ruleset.get(if first_due { "first_payment_months_max" } else { "balance_months_max" })
}

/// The last day of the payment period the next payment falls under, and whether paying on
/// `today` is late; `None` before the contract or when the ruleset sets no period. The day is
/// `None` when it lies in a year the calendar does not cover yet (lateness is still decided).
pub(crate) fn payment_due(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    sale: &Sale,
    today: Date,
) -> AppResult<Option<(Option<Date>, bool)>> {
    let (Some(rule), Some(signed_ms)) = (payment_rule(ruleset, sale), sale.contract_signed_ms()) else {
        return Ok(None);
    };
    let signed = china_time::date_of(signed_ms);
    let late = !deadline::within_cap(calendar, signed, today, rule)?;
    Ok(Some((day_of(calendar, signed, rule)?, late)))
}

/// Whether a re-disclosure on `today` is still within the period from the first disclosure
/// (32号令 第十九条: 12 months); decided on the calendar even when the period's end is not covered.
pub(crate) fn within_disclosure_period(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    first_announced_ms: i64,
    today: Date,
) -> AppResult<bool> {
    let rule = rule(ruleset, "qualified_buyer_months_max")?;
    Ok(deadline::within_cap(calendar, china_time::date_of(first_announced_ms), today, rule)?)
}

/// The statutory dates of a sale's current round (`round_started_ms`: its announcement or
/// re-disclosure), with their sources.
pub(crate) fn sale_deadlines(
    calendar: &HolidayCalendar,
    ruleset: &Ruleset,
    sale: &Sale,
    round_started_ms: i64,
    now_ms: i64,
) -> AppResult<Vec<StatutoryDate>> {
    let mut out = Vec::new();
    for (name, id, start, _) in floors(sale.terms(), round_started_ms) {
        let rule = rule(ruleset, id)?;
        if let Some(day) = day_of(calendar, start, rule)? {
            out.push(StatutoryDate {
                name,
                day,
                bound: "floor",
                rule_id: rule.id.clone(),
                source: rule.source.clone(),
            });
        }
    }
    // The periods counted from an event of the sale, in the order they come: (from, what, rule, bound).
    let mut counted: Vec<(Date, &'static str, &'static str, &'static str)> = Vec::new();
    if let Some(ended_ms) = sale.bidding_ended_ms(now_ms) {
        let ended = china_time::date_of(ended_ms);
        counted.extend([
            (ended, "保证金退还期限", "deposit_refund_wd_max", "cap"),
            (ended, "出让结果公布期限", "result_publish_wd_max", "cap"),
            (ended, "成交确认书签订期限", "confirmation_wd_max", "cap"),
        ]);
    }
    if let Some(signed_ms) = sale.contract_signed_ms() {
        let signed = china_time::date_of(signed_ms);
        counted.extend([
            (signed, "交易价款一次性支付期限", "lump_sum_payment_wd_max", "cap"),
            (signed, "首付款（不低于价款50%）缴纳期限", "first_payment_months_max", "cap"),
            (signed, "余款缴纳期限", "balance_months_max", "cap"),
        ]);
    }
    if let Some(confirmed_ms) = sale.confirmed_at_ms() {
        let confirmed = china_time::date_of(confirmed_ms);
        counted.extend([
            (confirmed, "出让合同签订期限", "contract_wd_max", "cap"),
            (confirmed, "出让结果公示期限", "result_publish_after_confirmation_wd_max", "cap"),
            (confirmed, "交易结果公示期满日不早于", "result_publicity_wd_min", "floor"),
        ]);
    }
    // A ruleset without the rule sets no such period.
    for (start, name, id, bound) in counted {
        if let Some(rule) = ruleset.get(id)
            && let Some(day) = day_of(calendar, start, rule)?
        {
            out.push(StatutoryDate { name, day, bound, rule_id: rule.id.clone(), source: rule.source.clone() });
        }
    }
    Ok(out)
}
