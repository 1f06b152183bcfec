//! A procurement's statutory dates now, from its pinned ruleset and the holiday calendar: each with
//! the rule and article, so both sides see the same clock.

use ggzy_domain::calendar::HolidayCalendar;
use ggzy_domain::china_time;
use ggzy_domain::deadline::{Deadline, deadline};
use ggzy_domain::procurement::{ProcurementRules, ProcurementState, response_period};
use ggzy_domain::ruleset::{Rule, Ruleset};

use super::Loaded;
use crate::error::{AppError, AppResult};
use crate::statutory_date::{StatutoryDate, unless_uncovered};

fn entry(name: &'static str, bound: &'static str, counted: Deadline, rule: &Rule) -> StatutoryDate {
    StatutoryDate { name, day: counted.day, bound, rule_id: rule.id.clone(), source: counted.source }
}

/// The date `rule` sets from `start`; `None` past the holiday calendar's years.
fn counted(calendar: &HolidayCalendar, start: jiff::civil::Date, rule: &Rule) -> AppResult<Option<Deadline>> {
    unless_uncovered(deadline(calendar, start, rule))
}

/// The dates that apply in the procedure's state and history.
pub(crate) fn procurement_deadlines(
    calendar: &HolidayCalendar,
    pinned: &Ruleset,
    rules: &ProcurementRules,
    loaded: &Loaded,
) -> AppResult<Vec<StatutoryDate>> {
    let procedure = &loaded.procedure;
    let entered = |state: ProcurementState| procedure.entered_ms(state).map(china_time::date_of);
    let p = &rules.periods;
    let mut out = Vec::new();
    let add =
        |out: &mut Vec<StatutoryDate>, name, bound, start: Option<jiff::civil::Date>, rule: &Rule| -> AppResult<()> {
            if let Some(counted) = start.map(|start| counted(calendar, start, rule)).transpose()?.flatten() {
                out.push(entry(name, bound, counted, rule));
            }
            Ok(())
        };
    if let Some(rule) = response_period(rules, procedure.terms().method) {
        add(&mut out, "递交截止日不早于", "floor", entered(ProcurementState::Bidding), rule)?;
    }
    add(&mut out, "公示期满日不早于", "floor", entered(ProcurementState::Publicity), &rules.single_source_publicity)?;
    if procedure.state() == ProcurementState::Evaluating {
        let evaluated = loaded.evaluated_at_ms.map(china_time::date_of);
        add(&mut out, "送交评审报告不晚于", "cap", evaluated, &p.report_to_purchaser)?;
    }
    add(&mut out, "确定中标（成交）供应商不晚于", "cap", entered(ProcurementState::Reported), &p.award_decision)?;
    add(&mut out, "公告结果不晚于", "cap", entered(ProcurementState::Awarded), &p.result_notice)?;
    add(&mut out, "签订合同不晚于", "cap", entered(ProcurementState::ResultPublished), &p.contract)?;
    let publicity = pinned
        .get("result_publicity_wd_min")
        .ok_or_else(|| AppError::Internal("ruleset lacks result_publicity_wd_min".to_owned()))?;
    if let Some(ended) = entered(ProcurementState::ResultPublished)
        .map(|published| counted(calendar, published, publicity))
        .transpose()?
        .flatten()
    {
        out.push(entry("结果公告期满日", "floor", ended.clone(), publicity));
        let objection = &rules.objections.objection;
        if let Some(last) = counted(calendar, ended.day, objection)? {
            out.push(entry("对结果提出质疑不晚于", "cap", last, objection));
        }
    }
    add(&mut out, "公告合同不晚于", "cap", entered(ProcurementState::Contracted), &p.contract_publish)?;
    add(&mut out, "合同报财政部门备案不晚于", "cap", entered(ProcurementState::Contracted), &p.contract_filing)?;
    if procedure.state() == ProcurementState::Suspended {
        add(&mut out, "恢复采购活动不晚于", "cap", entered(ProcurementState::Suspended), &rules.objections.suspension)?;
    }
    Ok(out)
}
